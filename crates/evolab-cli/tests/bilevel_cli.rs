//! `evolab bilevel run --preset theory` end to end on one seed: the table, the learned
//! reward's error against the closed form, the stored files, `show`, and bad input.

use std::process::{Command, Output};

fn evolab(home: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_evolab"))
        .args(args)
        .env("EVOLAB_HOME", home)
        .output()
        .unwrap()
}

#[test]
fn the_theory_preset_recovers_the_closed_form_reward() {
    let home = tempfile::tempdir().unwrap();
    let out = evolab(
        home.path(),
        &[
            "bilevel", "run", "--preset", "theory", "--seeds", "0", "--name", "t",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let error: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("relative error ‖U_learned − U*‖_F / ‖U*‖_F: "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no relative error in\n{text}"));
    assert!(error < 0.1, "relative error {error}");
    assert!(text.contains("min-shift (original, biased)"));
    let dir = home.path().join("bilevel/t");
    for file in [
        "config.toml",
        "report.json",
        "inner.csv",
        "outer.csv",
        "variance.png",
    ] {
        assert!(dir.join(file).exists(), "{file}");
    }
    let shown = evolab(home.path(), &["bilevel", "show", "t"]);
    assert!(String::from_utf8_lossy(&shown.stdout).contains("relative error"));

    let again = evolab(
        home.path(),
        &["bilevel", "run", "--preset", "theory", "--name", "t"],
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
    let bad = evolab(home.path(), &["bilevel", "run", "--preset", "theroy"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown bilevel preset"));
    let file = home.path().join("bad.toml");
    std::fs::write(&file, "[theory]\nlambdas = [0.0]\n").unwrap();
    let bad = evolab(home.path(), &["bilevel", "run", file.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("theory.lambdas"));
    let missing = evolab(home.path(), &["bilevel", "show", "nope"]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no bilevel run"));
}

#[test]
fn the_classification_preset_sweeps_the_four_data_sets() {
    let home = tempfile::tempdir().unwrap();
    let out = evolab(
        home.path(),
        &[
            "bilevel",
            "run",
            "--preset",
            "classification",
            "--seeds",
            "0,1",
            "--name",
            "c",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    for name in [
        "iris",
        "wine",
        "breast-cancer",
        "digits",
        "nll",
        "pg β×1",
        "pg β×2",
    ] {
        assert!(text.contains(name), "{name} missing from\n{text}");
    }
    let dir = home.path().join("bilevel/c");
    let csv = std::fs::read_to_string(dir.join("classification.csv")).unwrap();
    assert_eq!(
        csv.lines().count(),
        1 + 4 * 3 * 2,
        "data sets × methods × seeds"
    );
    assert!(dir.join("accuracy.png").exists());
    let shown = evolab(home.path(), &["bilevel", "show", "c"]);
    assert!(String::from_utf8_lossy(&shown.stdout).contains("digits"));
    let file = home.path().join("both.toml");
    std::fs::write(&file, "[theory]\n[classification]\n").unwrap();
    let bad = evolab(home.path(), &["bilevel", "run", file.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("exactly one section"));
}
