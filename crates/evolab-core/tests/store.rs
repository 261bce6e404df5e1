use evolab_core::export::{export_texts, ExportFormat};
use evolab_core::{AgentRow, NewRun, RunStatus, RunStore, StoreError, TextRow};

fn text(rep: u32, generation: u32, agent: u32, output: &str) -> TextRow {
    TextRow {
        repetition: rep,
        generation,
        agent,
        prompt: Some(format!("prompt {rep}/{generation}/{agent}")),
        output: output.to_string(),
        prompt_tokens: 10,
        completion_tokens: 20,
        finish_reason: Some("stop".into()),
        seed: Some(u64::MAX - 1),
        elapsed_ms: 12.5,
        replayed: false,
    }
}

fn new_store(dir: &tempfile::TempDir) -> RunStore {
    RunStore::open(&dir.path().join("ws/evolab.sqlite")).unwrap()
}

fn create(store: &RunStore, id: &str) {
    store
        .create_run(
            &NewRun {
                id,
                system: "culture",
                name: "test",
                master_seed: u64::MAX,
                config_toml: "seed = 1",
                manifest_json: "{}",
                steps_total: 3,
            },
            &[],
        )
        .unwrap();
}

#[test]
fn steps_and_texts_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = new_store(&dir);
        create(&store, "r1");
        store
            .commit_step("r1", 0, &[text(0, 0, 1, "b"), text(0, 0, 0, "a")])
            .unwrap();
        store.commit_step("r1", 1, &[text(0, 1, 0, "c")]).unwrap();
    }
    let store = new_store(&dir);
    let run = store.run("r1").unwrap();
    assert_eq!(run.master_seed, u64::MAX);
    assert_eq!(run.steps_done, 2);
    assert_eq!(run.steps_total, 3);
    assert_eq!(store.committed_steps("r1").unwrap(), vec![0, 1]);
    let texts = store.texts("r1").unwrap();
    let outputs: Vec<&str> = texts.iter().map(|t| t.output.as_str()).collect();
    assert_eq!(
        outputs,
        ["a", "b", "c"],
        "ordered by repetition, generation, agent"
    );
    assert_eq!(texts[0], text(0, 0, 0, "a"));
}

#[test]
fn a_failed_step_commit_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(&dir);
    create(&store, "r1");
    // The duplicate primary key makes the second insert fail inside the transaction.
    let err = store.commit_step("r1", 0, &[text(0, 0, 0, "a"), text(0, 0, 0, "again")]);
    assert!(err.is_err());
    assert!(store.texts("r1").unwrap().is_empty());
    assert!(store.committed_steps("r1").unwrap().is_empty());
}

#[test]
fn unknown_run_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(&dir);
    let err = store.run("nope").unwrap_err();
    assert!(matches!(err, StoreError::NoSuchRun(_)));
    assert!(err.to_string().contains("evolab list"));
}

#[test]
fn status_transitions_and_a_killed_worker_reads_as_interrupted() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(&dir);
    create(&store, "r1");
    // Stored as running, but no process holds the run: it was killed.
    assert_eq!(
        store.status_of(&store.run("r1").unwrap()),
        RunStatus::Interrupted
    );
    let lock = store.lock_run("r1").unwrap();
    assert_eq!(
        store.status_of(&store.run("r1").unwrap()),
        RunStatus::Running
    );
    let busy = store
        .lock_run("r1")
        .err()
        .expect("a second worker is refused");
    assert!(
        busy.to_string().contains("another evolab process"),
        "{busy}"
    );
    drop(lock);
    assert!(
        store.lock_run("r1").is_ok(),
        "the lock dies with its holder"
    );

    store
        .set_status("r1", RunStatus::Interrupted, Some("server down"))
        .unwrap();
    let run = store.run("r1").unwrap();
    assert_eq!(run.status, RunStatus::Interrupted);
    assert_eq!(run.message.as_deref(), Some("server down"));
    store.set_status("r1", RunStatus::Finished, None).unwrap();
    let run = store.run("r1").unwrap();
    assert!(run.finished_at.is_some());
    assert_eq!(store.status_of(&run), RunStatus::Finished);
}

#[test]
fn agents_are_stored_with_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(&dir);
    let agent = AgentRow {
        repetition: 1,
        agent: 2,
        label: "creative".into(),
        details_json: "{}".into(),
    };
    let run = NewRun {
        id: "r2",
        system: "culture",
        name: "n",
        master_seed: 1,
        config_toml: "",
        manifest_json: "{}",
        steps_total: 1,
    };
    store
        .create_run(&run, std::slice::from_ref(&agent))
        .unwrap();
    assert_eq!(store.agents("r2").unwrap(), vec![agent]);
    // A failed creation (duplicate id) leaves no half-written run behind.
    assert!(store.create_run(&run, &[]).is_err());
    assert_eq!(store.agents("r2").unwrap().len(), 1);
}

#[test]
fn two_processes_creating_a_store_at_once_both_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new/evolab.sqlite");
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let path = path.clone();
            std::thread::spawn(move || RunStore::open(&path).map(|_| ()))
        })
        .collect();
    for handle in handles {
        handle.join().unwrap().unwrap();
    }
}

#[test]
fn replay_cache_roundtrip_and_first_write_wins() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(&dir);
    assert_eq!(store.cached_call("k").unwrap(), None);
    store.cache_call("k", "e", "{}", "{\"text\":1}").unwrap();
    store.cache_call("k", "e", "{}", "{\"text\":2}").unwrap();
    assert_eq!(
        store.cached_call("k").unwrap().as_deref(),
        Some("{\"text\":1}")
    );
    assert_eq!(store.cached_call_count().unwrap(), 1);
}

#[test]
fn newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("evolab.sqlite");
    drop(RunStore::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 999).unwrap();
    drop(conn);
    let err = RunStore::open(&path).err().expect("must refuse");
    assert!(err.to_string().contains("upgrade evolab"), "{err}");
}

fn sample_export(dir: &tempfile::TempDir, format: ExportFormat) -> std::path::PathBuf {
    let agents = vec![AgentRow {
        repetition: 0,
        agent: 0,
        label: "creative".into(),
        details_json: "{}".into(),
    }];
    let mut given = text(0, 0, 0, "line one\nline, \"two\"");
    given.prompt = None;
    given.finish_reason = None;
    let texts = vec![given, text(0, 1, 0, "second")];
    let path = dir.path().join(format!("out.{}", format.extension()));
    export_texts("r1", &agents, &texts, format, &path).unwrap();
    path
}

#[test]
fn jsonl_export_has_one_object_per_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_export(&dir, ExportFormat::Jsonl);
    let body = std::fs::read_to_string(path).unwrap();
    let lines: Vec<serde_json::Value> = body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["agent_label"], "creative");
    assert_eq!(lines[0]["output"], "line one\nline, \"two\"");
    assert!(lines[0]["prompt"].is_null());
    assert_eq!(lines[1]["seed"], (u64::MAX - 1).to_string());
}

#[test]
fn csv_export_quotes_newlines_and_commas() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_export(&dir, ExportFormat::Csv);
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let output_col = headers.iter().position(|h| h == "output").unwrap();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 2);
    assert_eq!(&records[0][output_col], "line one\nline, \"two\"");
}

#[test]
fn parquet_export_reads_back() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let dir = tempfile::tempdir().unwrap();
    let path = sample_export(&dir, ExportFormat::Parquet);
    let reader = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
    assert_eq!(reader.metadata().file_metadata().num_rows(), 2);
    let rows: Vec<_> = reader
        .get_row_iter(None)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let first = rows[0].to_string();
    assert!(first.contains("creative"), "{first}");
    assert!(first.contains("prompt: null"), "{first}");
    assert!(rows[1].to_string().contains("second"));
    assert!(!dir.path().join("out.parquet.partial").exists());
}
