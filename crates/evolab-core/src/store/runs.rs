//! Run records: manifest, status and progress.

use rusqlite::{params, OptionalExtension, Row};

use super::{now, AgentRow, RunStore, StoreError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunStatus {
    Running,
    /// Stopped by a failure that a resume can get past (server down, killed).
    Interrupted,
    /// Stopped by a failure its stored config cannot get past (e.g. a prompt longer than
    /// the context): a new run with a changed config is needed.
    Failed,
    Finished,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Interrupted => "interrupted",
            RunStatus::Failed => "failed",
            RunStatus::Finished => "finished",
        }
    }

    fn parse(text: &str) -> Result<Self, StoreError> {
        Ok(match text {
            "running" => RunStatus::Running,
            "interrupted" => RunStatus::Interrupted,
            "failed" => RunStatus::Failed,
            "finished" => RunStatus::Finished,
            other => return Err(StoreError::Corrupt(format!("unknown run status {other:?}"))),
        })
    }
}

pub struct NewRun<'a> {
    pub id: &'a str,
    pub system: &'a str,
    pub name: &'a str,
    pub master_seed: u64,
    pub config_toml: &'a str,
    pub manifest_json: &'a str,
    pub steps_total: u32,
}

#[derive(Clone, Debug)]
pub struct RunRecord {
    pub id: String,
    pub system: String,
    pub name: String,
    pub master_seed: u64,
    pub config_toml: String,
    pub manifest_json: String,
    pub status: RunStatus,
    pub message: Option<String>,
    pub pid: Option<u32>,
    pub steps_total: u32,
    pub steps_done: u32,
    pub created_at: String,
    pub updated_at: String,
    pub finished_at: Option<String>,
}

const RUN_COLUMNS: &str = "id, system, name, master_seed, config_toml, manifest_json, status, message, pid,
     steps_total, (SELECT COUNT(*) FROM steps s WHERE s.run_id = runs.id), created_at, updated_at, finished_at";

fn run_from_row(row: &Row<'_>) -> rusqlite::Result<(RunRecord, String, String)> {
    let seed_text: String = row.get(3)?;
    let status_text: String = row.get(6)?;
    Ok((
        RunRecord {
            id: row.get(0)?,
            system: row.get(1)?,
            name: row.get(2)?,
            master_seed: 0,
            config_toml: row.get(4)?,
            manifest_json: row.get(5)?,
            status: RunStatus::Running,
            message: row.get(7)?,
            pid: row.get::<_, Option<i64>>(8)?.map(|p| p as u32),
            steps_total: row.get::<_, i64>(9)? as u32,
            steps_done: row.get::<_, i64>(10)? as u32,
            created_at: row.get(11)?,
            updated_at: row.get(12)?,
            finished_at: row.get(13)?,
        },
        seed_text,
        status_text,
    ))
}

fn finish_record(
    (mut record, seed_text, status_text): (RunRecord, String, String),
) -> Result<RunRecord, StoreError> {
    record.master_seed = seed_text
        .parse()
        .map_err(|_| StoreError::Corrupt(format!("run {}: bad seed {seed_text:?}", record.id)))?;
    record.status = RunStatus::parse(&status_text)?;
    Ok(record)
}

impl RunStore {
    /// Records a new run and its agents in one transaction.
    pub fn create_run(&self, run: &NewRun<'_>, agents: &[AgentRow]) -> Result<(), StoreError> {
        let at = now();
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO runs (id, system, name, master_seed, config_toml, manifest_json, status,
                               pid, steps_total, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'running', ?7, ?8, ?9, ?9)",
            params![
                run.id,
                run.system,
                run.name,
                run.master_seed.to_string(),
                run.config_toml,
                run.manifest_json,
                std::process::id(),
                run.steps_total,
                at
            ],
        )?;
        {
            let mut stmt = tx.prepare(
                "INSERT INTO agents (run_id, repetition, agent, label, details_json)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for a in agents {
                stmt.execute(params![
                    run.id,
                    a.repetition,
                    a.agent,
                    a.label,
                    a.details_json
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub fn run(&self, id: &str) -> Result<RunRecord, StoreError> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = ?1");
        let found = self.conn().query_row(&sql, [id], run_from_row).optional()?;
        finish_record(found.ok_or_else(|| StoreError::NoSuchRun(id.to_string()))?)
    }

    /// All runs, newest first.
    pub fn runs(&self) -> Result<Vec<RunRecord>, StoreError> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM runs ORDER BY created_at DESC, id DESC");
        let conn = self.conn();
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map([], run_from_row)?;
        rows.map(|row| finish_record(row?)).collect()
    }

    /// Marks the run as being worked on by this process (start or resume).
    pub fn claim_run(&self, id: &str) -> Result<(), StoreError> {
        let changed = self.conn().execute(
            "UPDATE runs SET status = 'running', message = NULL, pid = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, std::process::id(), now()],
        )?;
        if changed == 0 {
            return Err(StoreError::NoSuchRun(id.to_string()));
        }
        Ok(())
    }

    pub fn set_status(
        &self,
        id: &str,
        status: RunStatus,
        message: Option<&str>,
    ) -> Result<(), StoreError> {
        let at = now();
        let finished_at = (status == RunStatus::Finished).then_some(at.as_str());
        self.conn().execute(
            "UPDATE runs SET status = ?2, message = ?3, updated_at = ?4,
                             finished_at = COALESCE(?5, finished_at) WHERE id = ?1",
            params![id, status.as_str(), message, at, finished_at],
        )?;
        Ok(())
    }

    pub fn set_manifest(&self, id: &str, manifest_json: &str) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE runs SET manifest_json = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, manifest_json, now()],
        )?;
        Ok(())
    }
}
