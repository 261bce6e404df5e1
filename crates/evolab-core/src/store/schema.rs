//! The versioned schema. Each migration moves the store from version i to i + 1; a store
//! written by a newer evolab is refused instead of being misread.

use rusqlite::{Connection, TransactionBehavior};

use super::StoreError;

const MIGRATIONS: &[&str] = &[
    // 1: runs, agents, texts, committed steps and the replay cache.
    "CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        system TEXT NOT NULL,
        name TEXT NOT NULL,
        master_seed TEXT NOT NULL,
        config_toml TEXT NOT NULL,
        manifest_json TEXT NOT NULL,
        status TEXT NOT NULL,
        message TEXT,
        pid INTEGER,
        steps_total INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        finished_at TEXT
    );
    CREATE TABLE agents (
        run_id TEXT NOT NULL REFERENCES runs(id),
        repetition INTEGER NOT NULL,
        agent INTEGER NOT NULL,
        label TEXT NOT NULL,
        details_json TEXT NOT NULL,
        PRIMARY KEY (run_id, repetition, agent)
    );
    CREATE TABLE steps (
        run_id TEXT NOT NULL REFERENCES runs(id),
        step INTEGER NOT NULL,
        committed_at TEXT NOT NULL,
        PRIMARY KEY (run_id, step)
    );
    CREATE TABLE texts (
        run_id TEXT NOT NULL REFERENCES runs(id),
        repetition INTEGER NOT NULL,
        generation INTEGER NOT NULL,
        agent INTEGER NOT NULL,
        prompt TEXT,
        output TEXT NOT NULL,
        prompt_tokens INTEGER NOT NULL,
        completion_tokens INTEGER NOT NULL,
        finish_reason TEXT,
        seed TEXT,
        elapsed_ms REAL NOT NULL,
        replayed INTEGER NOT NULL,
        PRIMARY KEY (run_id, repetition, generation, agent)
    );
    CREATE TABLE llm_calls (
        key TEXT PRIMARY KEY,
        engine TEXT NOT NULL,
        request_json TEXT NOT NULL,
        completion_json TEXT NOT NULL,
        created_at TEXT NOT NULL
    );",
    // 2: text scores and embeddings keyed by content (a text repeated across chains or runs
    // is scored once), and cached analyses.
    "CREATE TABLE text_scores (
        text_sha256 TEXT NOT NULL,
        scorer TEXT NOT NULL,
        metric TEXT NOT NULL,
        value REAL,
        PRIMARY KEY (text_sha256, scorer, metric)
    ) WITHOUT ROWID;
    CREATE TABLE text_vectors (
        text_sha256 TEXT NOT NULL,
        model TEXT NOT NULL,
        vector BLOB NOT NULL,
        PRIMARY KEY (text_sha256, model)
    ) WITHOUT ROWID;
    CREATE TABLE analyses (
        key TEXT PRIMARY KEY,
        runs TEXT NOT NULL,
        kind TEXT NOT NULL,
        result_json TEXT NOT NULL,
        created_at TEXT NOT NULL
    );",
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    // IMMEDIATE takes the write lock before reading the version, so two processes opening a
    // new store at once migrate it once, one after the other.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
    }
    tx.commit()?;
    Ok(())
}
