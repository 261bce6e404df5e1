//! The classification data sets as `evolab data fetch sklearn-datasets` installs them
//! (scripts/test fetches them first) read with the shapes and classes scikit-learn reports.

use evolab_bilevel::dataset::sklearn_dataset;
use evolab_text::assets;

#[test]
fn the_four_data_sets_have_sklearns_shapes() {
    let data_dir = assets::default_data_dir();
    for (name, file, rows, columns, classes) in [
        ("iris", "iris.csv", 150, 4, 3),
        ("wine", "wine_data.csv", 178, 13, 3),
        ("breast-cancer", "breast_cancer.csv", 569, 30, 2),
        ("digits", "digits.csv.gz", 1797, 64, 10),
    ] {
        let (path, bytes) = assets::read(&data_dir, &format!("sklearn-1.5.2/{file}"))
            .unwrap_or_else(|e| panic!("{e} (run `evolab data fetch sklearn-datasets`)"));
        let d = sklearn_dataset(name, file, &bytes)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(
            (d.len(), d.dim(), d.classes.len()),
            (rows, columns, classes),
            "{name}"
        );
        let seen: std::collections::BTreeSet<usize> = d.labels.iter().copied().collect();
        assert_eq!(seen.len(), classes, "{name}: every class occurs");
    }
}

#[test]
fn logistic_regression_learns_wine_by_likelihood_and_by_policy_gradient() {
    use evolab_bilevel::baseline::Baseline;
    use evolab_bilevel::classification::{optimal_beta, run, Method, Schedule};
    let (_, bytes) = assets::read(&assets::default_data_dir(), "sklearn-1.5.2/wine_data.csv")
        .unwrap_or_else(|e| panic!("{e} (run `evolab data fetch sklearn-datasets`)"));
    let wine = sklearn_dataset("wine", "wine_data.csv", &bytes).unwrap();
    let beta = optimal_beta(0.1, &wine.class_frequencies());
    for method in [
        Method::Nll,
        Method::PolicyGradient {
            beta,
            entropy_weight: 0.1,
            group: 50,
            baseline: Baseline::LeaveOneOut,
        },
    ] {
        let out = run(&wine, method, &Schedule::constant(100, 1e-2), 0).unwrap();
        // The original reports 1.000 for both on its splits.
        assert!(out.test_accuracy >= 0.9, "{method:?}: {out:?}");
    }
}
