use evolab_core::store::ScoreRow;
use evolab_core::RunStore;

fn store(dir: &tempfile::TempDir) -> RunStore {
    RunStore::open(&dir.path().join("evolab.sqlite")).unwrap()
}

fn row(hash: &str, metric: &str, value: Option<f64>) -> ScoreRow {
    ScoreRow {
        text_sha256: hash.into(),
        metric: metric.into(),
        value,
    }
}

#[test]
fn scores_are_kept_per_scorer_and_undefined_values_stay_null() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    store
        .put_scores(
            "fog/v1",
            &[
                row("aa", "difficulty", Some(12.5)),
                row("bb", "difficulty", None),
            ],
        )
        .unwrap();
    store
        .put_scores("fog/v2", &[row("aa", "difficulty", Some(13.0))])
        .unwrap();

    let hashes = vec!["aa".to_string(), "bb".to_string(), "cc".to_string()];
    let v1 = store.scores("fog/v1", &hashes).unwrap();
    assert_eq!(v1["aa"]["difficulty"], Some(12.5));
    assert_eq!(v1["bb"]["difficulty"], None);
    assert!(!v1.contains_key("cc"));
    let v2 = store.scores("fog/v2", &hashes).unwrap();
    assert_eq!(v2.len(), 1);
    assert_eq!(v2["aa"]["difficulty"], Some(13.0));
}

#[test]
fn lookups_larger_than_one_statement_are_chunked() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    let rows: Vec<ScoreRow> = (0..1_500)
        .map(|i| row(&format!("{i:064x}"), "length", Some(i as f64)))
        .collect();
    store.put_scores("length", &rows).unwrap();
    let hashes: Vec<String> = rows.iter().map(|r| r.text_sha256.clone()).collect();
    let found = store.scores("length", &hashes).unwrap();
    assert_eq!(found.len(), 1_500);
    assert_eq!(found[&format!("{:064x}", 1_234)]["length"], Some(1_234.0));
}

#[test]
fn vectors_roundtrip_bit_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    let v = vec![0.1f32, -2.5e-8, f32::MAX, 0.0];
    store
        .put_vectors("minilm@abc", &[("h1".into(), v.clone())])
        .unwrap();
    let found = store
        .vectors("minilm@abc", &["h1".into(), "h2".into()])
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found["h1"], v);
    assert!(store.vectors("other", &["h1".into()]).unwrap().is_empty());
}

#[test]
fn analyses_are_cached_by_key() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    assert_eq!(store.analysis("k1").unwrap(), None);
    store
        .put_analysis("k1", "run-a", "telephone", "{\"x\":1}")
        .unwrap();
    store
        .put_analysis("k1", "run-a", "telephone", "{\"x\":2}")
        .unwrap();
    assert_eq!(store.analysis("k1").unwrap().as_deref(), Some("{\"x\":2}"));
}

#[test]
fn a_version_1_store_is_migrated_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("evolab.sqlite");
    drop(RunStore::open(&path).unwrap());
    // Roll the file back to version 1, as the previous release wrote it.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("DROP TABLE text_scores; DROP TABLE text_vectors; DROP TABLE analyses;")
        .unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();
    drop(conn);
    let store = RunStore::open(&path).unwrap();
    store
        .put_scores("length", &[row("aa", "length", Some(3.0))])
        .unwrap();
    assert_eq!(store.scores("length", &["aa".into()]).unwrap().len(), 1);
}
