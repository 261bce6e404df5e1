//! The run store: SQLite in WAL mode, one file per workspace.
//!
//! A run's texts are written one step (generation) per transaction, so killing the process
//! loses at most the step in flight; the replay cache is written call by call, so even that
//! step's finished calls survive.

mod llm_calls;
mod lock;
mod runs;
mod schema;
mod scores;
mod texts;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::Connection;

pub use lock::RunLock;
pub use runs::{NewRun, RunRecord, RunStatus};
pub use schema::SCHEMA_VERSION;
pub use scores::ScoreRow;
pub use texts::{AgentRow, TextRow};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("run store: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot create {path}: {io}")]
    CreateDir { path: PathBuf, io: std::io::Error },
    #[error("the run store uses schema version {found}, newer than this evolab supports ({supported}); upgrade evolab")]
    TooNew { found: i64, supported: i64 },
    #[error("no run named {0:?} in this workspace; `evolab list` shows the runs")]
    NoSuchRun(String),
    #[error("run {0} is being worked on by another evolab process; wait for it or stop it first")]
    Busy(String),
    #[error("run store holds invalid data: {0}")]
    Corrupt(String),
}

pub struct RunStore {
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl RunStore {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|io| StoreError::CreateDir {
                path: dir.to_path_buf(),
                io,
            })?;
        }
        let mut conn = Connection::open(path)?;
        // First, so that a second process opening the store at the same moment waits
        // instead of failing.
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        set_wal(&conn)?;
        // FULL keeps a committed generation even across power loss, at a cost of one fsync
        // per generation, which is negligible next to LLM calls.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        schema::migrate(&mut conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (transactions roll back),
        // so a poisoned lock is safe to keep using.
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Switches to WAL. Switching needs an exclusive lock, and SQLite reports a busy database
/// at once, without waiting in the busy handler, when another connection is switching the
/// same new file at that moment: retry for up to 30 s.
fn set_wal(conn: &Connection) -> Result<(), StoreError> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(
                    e.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => return other.map_err(StoreError::from),
        }
    }
}

/// The current UTC time in RFC 3339, as every timestamp of the store.
pub fn now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}
