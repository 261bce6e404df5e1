//! Properties of the attractor statistics over many random inputs: the legacy p-value's
//! defect, the TOST p-value's behaviour, and the bootstrap's determinism and coverage.

use evolab_text::attractor::{
    bootstrap_attractor, bootstrap_chains, fit_attractor, AttractorBootstrap, BootstrapOptions,
    Generation, MetricDomain,
};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// n chains with initial values uniform in [0, 1] and final values a·x + b + uniform noise.
fn simulate(rng: &mut ChaCha8Rng, n: usize, a: f64, b: f64, noise: f64) -> (Vec<f64>, Vec<f64>) {
    let x: Vec<f64> = (0..n).map(|_| rng.random_range(0.0..1.0)).collect();
    let y = x
        .iter()
        .map(|v| a * v + b + noise * rng.random_range(-1.0..1.0))
        .collect();
    (x, y)
}

#[test]
fn legacy_p_value_is_never_below_one_and_tost_is_a_probability() {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut checked = 0;
    for _ in 0..3000 {
        let n = rng.random_range(3..60);
        let a = rng.random_range(-3.0..3.0);
        let noise = 10f64.powf(rng.random_range(-4.0..1.0));
        let b = rng.random_range(-2.0..2.0);
        let (x, y) = simulate(&mut rng, n, a, b, noise);
        let fit = fit_attractor(&x, &y, MetricDomain::UNBOUNDED).unwrap();
        let (Some(legacy), Some(tost)) = (fit.p_orig_legacy, fit.p_tost) else {
            panic!("p-values missing for a noisy fit: {fit:?}");
        };
        // [1 − F(t₁)] + F(t₂) with t₂ > t₁ is 1 + P(t₁ < T ≤ t₂) ≥ 1 (up to rounding).
        assert!(legacy >= 1.0 - 1e-15, "{legacy} for {fit:?}");
        assert!(legacy <= 2.0 + 1e-15);
        assert!((0.0..=1.0).contains(&tost));
        // Rejecting |a| ≥ 1 at any level below ½ requires |a| < 1.
        if tost < 0.5 {
            assert!(fit.has_attractor, "{fit:?}");
        }
        checked += 1;
    }
    assert_eq!(checked, 3000);
}

#[test]
fn tost_rejects_at_the_nominal_rate_on_the_boundary() {
    // With the true slope exactly 1 (the edge of H0), a level-0.05 TOST should reject at most
    // about 5 % of the time; with a = 0.2 and 100 chains it should almost always reject.
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let trials = 2000;
    let mut boundary_rejections = 0;
    let mut attractor_rejections = 0;
    for _ in 0..trials {
        let (x, y) = simulate(&mut rng, 30, 1.0, 0.0, 0.5);
        if fit_attractor(&x, &y, MetricDomain::UNBOUNDED)
            .unwrap()
            .p_tost
            .unwrap()
            < 0.05
        {
            boundary_rejections += 1;
        }
        let (x, y) = simulate(&mut rng, 100, 0.2, 0.3, 0.1);
        if fit_attractor(&x, &y, MetricDomain::UNBOUNDED)
            .unwrap()
            .p_tost
            .unwrap()
            < 0.05
        {
            attractor_rejections += 1;
        }
    }
    let rate = boundary_rejections as f64 / trials as f64;
    eprintln!("TOST rejections at a = 1: {rate}");
    // The binomial sd at 5 % over 2000 trials is 0.5 %.
    assert!(
        rate > 0.03 && rate < 0.07,
        "rejection rate on the boundary: {rate}"
    );
    assert_eq!(attractor_rejections, trials);
}

#[test]
fn bootstrap_is_deterministic_for_a_seed() {
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let (x, y) = simulate(&mut rng, 50, 0.4, 0.2, 0.1);
    let options = BootstrapOptions {
        seed: 42,
        ..BootstrapOptions::default()
    };
    let first = bootstrap_attractor(&x, &y, MetricDomain::TOXICITY, &options).unwrap();
    let again = bootstrap_attractor(&x, &y, MetricDomain::TOXICITY, &options).unwrap();
    assert_eq!(first, again);
    assert_eq!(first.resamples, 2000);
    assert_eq!(first.valid + first.degenerate, 2000);
    let other = bootstrap_attractor(
        &x,
        &y,
        MetricDomain::TOXICITY,
        &BootstrapOptions {
            seed: 43,
            ..options
        },
    )
    .unwrap();
    assert_ne!(first.strength_ci_low, other.strength_ci_low);
    // Same seed, same answer also through the chain-level convenience.
    let chains: Vec<Vec<f64>> = x.iter().zip(&y).map(|(a, b)| vec![*a, 0.5, *b]).collect();
    let via_chains =
        bootstrap_chains(&chains, Generation::Final, MetricDomain::TOXICITY, &options).unwrap();
    assert_eq!(first, via_chains);
}

fn covers(b: &AttractorBootstrap, position: f64, strength: f64) -> (bool, bool) {
    let p = b.position_ci_low.unwrap() <= position && position <= b.position_ci_high.unwrap();
    let s = b.strength_ci_low.unwrap() <= strength && strength <= b.strength_ci_high.unwrap();
    (p, s)
}

#[test]
fn bootstrap_intervals_cover_the_truth_about_95_percent_of_the_time() {
    // True line y = 0.4x + 0.3: position 0.5, strength 0.6.
    let mut rng = ChaCha8Rng::seed_from_u64(77);
    let datasets = 300;
    let (mut pos_hits, mut str_hits) = (0, 0);
    for k in 0..datasets {
        let (x, y) = simulate(&mut rng, 60, 0.4, 0.3, 0.15);
        let options = BootstrapOptions {
            resamples: 500,
            seed: k,
            level: 0.95,
        };
        let b = bootstrap_attractor(&x, &y, MetricDomain::TOXICITY, &options).unwrap();
        assert_eq!(b.attractor_fraction, Some(1.0));
        let (p, s) = covers(&b, 0.5, 0.6);
        pos_hits += p as usize;
        str_hits += s as usize;
    }
    let (pos_rate, str_rate) = (pos_hits as f64 / 300.0, str_hits as f64 / 300.0);
    eprintln!("coverage over {datasets} data sets: position {pos_rate}, strength {str_rate}");
    // Percentile intervals run slightly narrow at this size; 300 datasets give a binomial sd
    // of 1.3 %.
    assert!(
        (0.88..=0.99).contains(&pos_rate),
        "position coverage {pos_rate}"
    );
    assert!(
        (0.88..=0.99).contains(&str_rate),
        "strength coverage {str_rate}"
    );
}

#[test]
fn bootstrap_without_attractor_excludes_resamples_from_position() {
    // y = 1.5x + noise: hardly any resample has |a| < 1.
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let (x, y) = simulate(&mut rng, 40, 1.5, 0.0, 0.05);
    let b =
        bootstrap_attractor(&x, &y, MetricDomain::LENGTH, &BootstrapOptions::default()).unwrap();
    assert_eq!(b.with_attractor, 0);
    assert_eq!(b.attractor_fraction, Some(0.0));
    assert_eq!((b.position_ci_low, b.position_ci_high), (None, None));
    // Strength interval is reported over all resamples and lies below 0: no attraction.
    assert!(b.strength_ci_high.unwrap() < 0.0);

    // Three distinct initial values repeated: some resamples draw one value only.
    let x = [0.0, 0.5, 1.0];
    let y = [0.2, 0.25, 0.3];
    let b =
        bootstrap_attractor(&x, &y, MetricDomain::TOXICITY, &BootstrapOptions::default()).unwrap();
    // P(all three draws equal) = 3/27 = 1/9: about 222 of 2000.
    assert!(b.degenerate > 150 && b.degenerate < 300, "{}", b.degenerate);
    assert_eq!(b.valid + b.degenerate, 2000);
}

#[test]
fn bootstrap_rejects_bad_options() {
    let x = [0.0, 0.5, 1.0];
    let y = [0.2, 0.25, 0.3];
    let d = MetricDomain::TOXICITY;
    let bad = |o: BootstrapOptions| bootstrap_attractor(&x, &y, d, &o).unwrap_err().to_string();
    assert!(bad(BootstrapOptions {
        resamples: 0,
        ..Default::default()
    })
    .contains("resample"));
    assert!(bad(BootstrapOptions {
        level: 1.0,
        ..Default::default()
    })
    .contains("level"));
    assert!(bootstrap_attractor(&x[..2], &y[..2], d, &BootstrapOptions::default()).is_err());
}

#[test]
fn results_serialise_with_snake_case_fields() {
    let fit = fit_attractor(&[0.0, 1.0, 2.0], &[1.5, 1.0, 2.0], MetricDomain::POSITIVITY).unwrap();
    let v = serde_json::to_value(&fit).unwrap();
    for key in [
        "n",
        "a",
        "b",
        "se_a",
        "r_squared",
        "has_attractor",
        "position",
        "position_unclipped",
        "clipped",
        "strength",
        "p_tost",
        "p_orig_legacy",
    ] {
        assert!(v.get(key).is_some(), "missing {key} in {v}");
    }
    let no = fit_attractor(&[0.0, 1.0, 2.0], &[0.0, 2.0, 4.1], MetricDomain::POSITIVITY).unwrap();
    let v = serde_json::to_value(&no).unwrap();
    assert!(v["position"].is_null() && v["strength"].is_null());
    assert_eq!(v["has_attractor"], serde_json::Value::Bool(false));
}
