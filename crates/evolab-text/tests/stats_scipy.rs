//! evolab's Student-t distribution, percentiles and attractor fits against scipy/numpy,
//! computed at test time in a private virtual environment.

mod common;

use evolab_text::attractor::{fit_attractor, MetricDomain};
use evolab_text::stats::{percentile, StudentT};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

const REQUIREMENTS: &[&str] = &["scipy==1.14.1", "numpy==2.1.3", "mpmath==1.3.0"];

fn df_label(df: f64) -> Value {
    if df.is_infinite() {
        json!("inf")
    } else {
        json!(df)
    }
}

fn parse_list(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().parse::<f64>().unwrap())
        .collect()
}

/// Relative agreement, with values below the normal range treated as zero on both sides.
fn assert_agrees(what: &str, ours: f64, reference: f64, rel: f64) {
    if reference.abs() < 1e-290 {
        assert!(
            ours.abs() < 1e-280,
            "{what}: ours {ours:e}, scipy {reference:e}"
        );
        return;
    }
    if reference.is_infinite() {
        assert_eq!(ours, reference, "{what}");
        return;
    }
    let err = (ours - reference).abs() / reference.abs();
    assert!(
        err <= rel,
        "{what}: ours {ours:e}, scipy {reference:e}, relative error {err:e}"
    );
}

#[test]
fn student_t_matches_scipy() {
    let dfs = [
        0.1,
        0.5,
        1.0,
        1.5,
        2.0,
        3.0,
        4.5,
        7.0,
        10.0,
        25.0,
        98.0,
        1000.0,
        29_999.0,
        30_000.0,
        1e5,
        1e8,
        1e12,
        1e15,
        f64::INFINITY,
    ];
    let ts = [
        0.0, 1e-8, 0.1, 0.5, 1.0, 1.96, 3.0, 10.0, 50.0, 1e3, 1e6, 1e150,
    ];
    let ps = [
        1e-300,
        1e-15,
        1e-8,
        1e-3,
        0.025,
        0.1,
        0.3,
        0.49,
        0.5,
        0.6,
        0.9,
        0.975,
        0.999,
        1.0 - 1e-12,
    ];
    let mut cdf_cases = Vec::new();
    let mut ppf_cases = Vec::new();
    for &df in &dfs {
        for &t in &ts {
            cdf_cases.push((t, df));
            if t != 0.0 {
                cdf_cases.push((-t, df));
            }
        }
        for &p in &ps {
            ppf_cases.push((p, df));
        }
    }
    // Random pairs across the whole range: df = 10^U(−1, 9), t = ±10^U(−3, 3).
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for _ in 0..400 {
        let df = 10f64.powf(rng.random_range(-1.0..9.0));
        let t =
            10f64.powf(rng.random_range(-3.0..3.0)) * if rng.random_bool(0.5) { 1.0 } else { -1.0 };
        cdf_cases.push((t, df));
        let p = 10f64.powf(rng.random_range(-12.0..0.0));
        ppf_cases.push((if rng.random_bool(0.5) { p } else { 1.0 - p }, df));
    }

    let ours_q: Vec<f64> = ppf_cases
        .iter()
        .map(|&(p, df)| StudentT::new(df).unwrap().quantile(p).unwrap())
        .collect();
    let request = json!({
        "cdf": cdf_cases.iter().map(|&(t, df)| json!([t, df_label(df)])).collect::<Vec<_>>(),
        "ppf": ppf_cases
            .iter()
            .zip(&ours_q)
            .map(|(&(p, df), q)| json!([p, df_label(df), q.to_string()]))
            .collect::<Vec<_>>(),
    });
    let python = common::python(REQUIREMENTS);
    let out = common::run_script(
        &python,
        "tests/python/attractor_t_dist.py",
        &request.to_string(),
    );
    let out: Value = serde_json::from_str(&out).unwrap();
    let list = |k: &str| parse_list(&out[k]);
    let (cdf, sf, pdf) = (list("cdf"), list("sf"), list("pdf"));
    let (ppf, mp_tail) = (list("ppf"), list("mp_tail"));

    let mut worst = 0.0f64;
    for (i, &(t, df)) in cdf_cases.iter().enumerate() {
        let dist = StudentT::new(df).unwrap();
        let case = format!("t = {t:e}, df = {df:e}");
        assert_agrees(&format!("cdf {case}"), dist.cdf(t), cdf[i], 1e-10);
        assert_agrees(&format!("sf {case}"), dist.sf(t), sf[i], 1e-10);
        assert_agrees(&format!("pdf {case}"), dist.pdf(t), pdf[i], 1e-10);
        for (ours, reference) in [
            (dist.cdf(t), cdf[i]),
            (dist.sf(t), sf[i]),
            (dist.pdf(t), pdf[i]),
        ] {
            if reference > 1e-290 {
                worst = worst.max((ours - reference).abs() / reference);
            }
        }
    }
    eprintln!(
        "{} (t, df) pairs: worst relative error of cdf, sf, pdf {worst:e}",
        cdf_cases.len()
    );

    // Quantiles: agree with scipy's ppf to 1e-10, or, where scipy's ppf is the less exact of
    // the two (it is capped at 1e100 and inaccurate for p near 1e-300), the exact tail beyond
    // our quantile (mpmath) must give back p to 1e-10.
    let (mut direct, mut by_tail) = (0, 0);
    for (i, &(p, df)) in ppf_cases.iter().enumerate() {
        let ours = ours_q[i];
        if (ours - ppf[i]).abs() <= 1e-10 * ppf[i].abs() || (ours - ppf[i]).abs() <= 1e-15 {
            direct += 1;
            continue;
        }
        let target = p.min(1.0 - p);
        let tail = mp_tail[i];
        let case = format!(
            "quantile p = {p:e}, df = {df:e}: ours {ours:e}, scipy ppf {:e}, exact tail {tail:e}",
            ppf[i]
        );
        assert_eq!(ours.signum(), if p < 0.5 { -1.0 } else { 1.0 }, "{case}");
        if ours.is_infinite() {
            // The true quantile lies beyond the largest double.
            assert!(tail > target, "{case}");
        } else {
            assert!((tail - target).abs() <= 1e-10 * target, "{case}");
        }
        by_tail += 1;
    }
    eprintln!(
        "{} quantiles: {direct} agree with scipy.ppf, {by_tail} checked by their exact tail",
        ppf_cases.len()
    );
}

#[test]
fn percentile_matches_numpy() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut cases = Vec::new();
    for n in [1usize, 2, 3, 10, 101, 2000] {
        let values: Vec<f64> = (0..n).map(|_| rng.random_range(-5.0..5.0)).collect();
        for pct in [0.0, 2.5, 25.0, 50.0, 97.5, 100.0, 33.3] {
            cases.push((values.clone(), pct));
        }
    }
    let python = common::python(REQUIREMENTS);
    let out = common::run_script(
        &python,
        "tests/python/attractor_percentile.py",
        &serde_json::to_string(&cases).unwrap(),
    );
    let reference: Vec<f64> = serde_json::from_str(&out).unwrap();
    for ((values, pct), r) in cases.iter().zip(reference) {
        let ours = percentile(values, *pct).unwrap();
        assert!(
            (ours - r).abs() <= 1e-14 * r.abs().max(1.0),
            "n = {}, pct = {pct}: {ours} vs {r}",
            values.len()
        );
    }
}

#[test]
fn attractor_fit_matches_linregress() {
    let mut rng = ChaCha8Rng::seed_from_u64(2024);
    let mut datasets = Vec::new();
    for &(n, slope) in &[
        (3usize, 0.5),
        (4, -0.3),
        (5, 1.4),
        (20, 0.95),
        (20, -1.2),
        (100, 0.2),
        (100, 1.0),
        (100, 0.6),
        (500, -0.7),
    ] {
        let x: Vec<f64> = (0..n).map(|_| rng.random_range(0.0..1.0)).collect();
        let y: Vec<f64> = x
            .iter()
            .map(|v| slope * v + 0.3 + rng.random_range(-0.3..0.3))
            .collect();
        datasets.push((x, y));
    }
    let request: Vec<Value> = datasets
        .iter()
        .map(|(x, y)| json!({"x": x, "y": y}))
        .collect();
    let python = common::python(REQUIREMENTS);
    let out = common::run_script(
        &python,
        "tests/python/attractor_linregress.py",
        &serde_json::to_string(&request).unwrap(),
    );
    let reference: Vec<Value> = serde_json::from_str(&out).unwrap();
    for ((x, y), r) in datasets.iter().zip(&reference) {
        let fit = fit_attractor(x, y, MetricDomain::UNBOUNDED).unwrap();
        let get = |k: &str| r[k].as_f64().unwrap();
        let case = format!("n = {}, a = {}", x.len(), fit.a);
        assert_agrees(&format!("a {case}"), fit.a, get("a"), 1e-11);
        assert_agrees(&format!("b {case}"), fit.b, get("b"), 1e-11);
        assert_agrees(&format!("se {case}"), fit.se_a, get("se_a"), 1e-10);
        assert_agrees(
            &format!("r² {case}"),
            fit.r_squared.unwrap(),
            get("r_squared"),
            1e-10,
        );
        assert_agrees(
            &format!("p_tost {case}"),
            fit.p_tost.unwrap(),
            get("p_tost"),
            1e-8,
        );
        assert_agrees(
            &format!("p_orig {case}"),
            fit.p_orig_legacy.unwrap(),
            get("p_orig"),
            1e-10,
        );
        assert_eq!(fit.has_attractor, get("a").abs() < 1.0);
    }
}
