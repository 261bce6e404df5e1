//! Which runs a live process is working on. The worker holds an exclusive lock on a file per
//! run; the operating system drops it when the process dies, even on `kill -9`, so a stale
//! "running" status is recognised without trusting process ids (which containers reuse).

use std::fs::{File, OpenOptions};
use std::path::PathBuf;

use super::{RunRecord, RunStatus, RunStore, StoreError};

/// Held while a process works on a run; dropping it releases the run.
pub struct RunLock {
    _file: File,
}

impl RunStore {
    fn lock_path(&self, run_id: &str) -> PathBuf {
        let dir = self
            .path
            .parent()
            .map(|p| p.join("locks"))
            .unwrap_or_else(|| "locks".into());
        dir.join(format!("{run_id}.lock"))
    }

    fn open_lock_file(&self, run_id: &str) -> Result<File, StoreError> {
        let path = self.lock_path(run_id);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|io| StoreError::CreateDir {
                path: dir.to_path_buf(),
                io,
            })?;
        }
        OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|io| StoreError::CreateDir { path, io })
    }

    /// Claims a run for this process, or says that another process has it.
    pub fn lock_run(&self, run_id: &str) -> Result<RunLock, StoreError> {
        let file = self.open_lock_file(run_id)?;
        match file.try_lock() {
            Ok(()) => Ok(RunLock { _file: file }),
            Err(_) => Err(StoreError::Busy(run_id.to_string())),
        }
    }

    fn is_worked_on(&self, run_id: &str) -> bool {
        match self.open_lock_file(run_id) {
            // Taking the lock ourselves (released at once on drop) proves nobody holds it.
            Ok(file) => file.try_lock().is_err(),
            Err(_) => false,
        }
    }

    /// The status to show: a run stored as `running` that no process holds was killed, which
    /// is what `evolab resume` is for.
    pub fn status_of(&self, run: &RunRecord) -> RunStatus {
        if run.status == RunStatus::Running && !self.is_worked_on(&run.id) {
            RunStatus::Interrupted
        } else {
            run.status
        }
    }
}
