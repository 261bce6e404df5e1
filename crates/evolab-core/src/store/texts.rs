//! Agents of a run and the texts they wrote, committed one step at a time.

use rusqlite::{params, Row};
use serde::Serialize;

use super::{now, RunStore, StoreError};

/// Who an agent is: for culture its personality and neighbours, for telephone its chain's
/// task and initial text. `details_json` keeps the full description.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AgentRow {
    pub repetition: u32,
    pub agent: u32,
    pub label: String,
    pub details_json: String,
}

/// One text: an agent's output at one generation of one repetition.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TextRow {
    pub repetition: u32,
    pub generation: u32,
    pub agent: u32,
    /// The exact prompt sent; `None` for texts that were given, not generated.
    pub prompt: Option<String>,
    pub output: String,
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
    /// `stop` or `length` (truncated); `None` for given texts.
    pub finish_reason: Option<String>,
    #[serde(serialize_with = "seed_as_string")]
    pub seed: Option<u64>,
    pub elapsed_ms: f64,
    /// Whether the text came from the replay cache.
    pub replayed: bool,
}

impl TextRow {
    /// A text that was given rather than generated (no prompt, no tokens).
    pub fn given(repetition: u32, generation: u32, agent: u32, output: String) -> Self {
        Self {
            repetition,
            generation,
            agent,
            prompt: None,
            output,
            prompt_tokens: 0,
            completion_tokens: 0,
            finish_reason: None,
            seed: None,
            elapsed_ms: 0.0,
            replayed: false,
        }
    }
}

// u64 seeds exceed JavaScript's and pandas' exact integer range in JSON; a string keeps them.
fn seed_as_string<S: serde::Serializer>(seed: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
    match seed {
        Some(v) => s.serialize_str(&v.to_string()),
        None => s.serialize_none(),
    }
}

fn text_from_row(row: &Row<'_>) -> rusqlite::Result<TextRow> {
    let seed: Option<String> = row.get(9)?;
    Ok(TextRow {
        repetition: row.get::<_, i64>(0)? as u32,
        generation: row.get::<_, i64>(1)? as u32,
        agent: row.get::<_, i64>(2)? as u32,
        prompt: row.get(3)?,
        output: row.get(4)?,
        prompt_tokens: row.get::<_, i64>(5)? as u32,
        completion_tokens: row.get::<_, i64>(6)? as u32,
        finish_reason: row.get(7)?,
        seed: seed.and_then(|s| s.parse().ok()),
        elapsed_ms: row.get(8)?,
        replayed: row.get::<_, i64>(10)? != 0,
    })
}

impl RunStore {
    pub fn agents(&self, run_id: &str) -> Result<Vec<AgentRow>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT repetition, agent, label, details_json FROM agents WHERE run_id = ?1
             ORDER BY repetition, agent",
        )?;
        let rows = stmt.query_map([run_id], |row| {
            Ok(AgentRow {
                repetition: row.get::<_, i64>(0)? as u32,
                agent: row.get::<_, i64>(1)? as u32,
                label: row.get(2)?,
                details_json: row.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Writes all texts of one step and marks the step done, atomically: after a crash a
    /// step is either wholly there or wholly absent.
    pub fn commit_step(
        &self,
        run_id: &str,
        step: u32,
        texts: &[TextRow],
    ) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        {
            let mut stmt = tx.prepare(
                "INSERT INTO texts (run_id, repetition, generation, agent, prompt, output,
                    prompt_tokens, completion_tokens, finish_reason, seed, elapsed_ms, replayed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?;
            for t in texts {
                stmt.execute(params![
                    run_id,
                    t.repetition,
                    t.generation,
                    t.agent,
                    t.prompt,
                    t.output,
                    t.prompt_tokens,
                    t.completion_tokens,
                    t.finish_reason,
                    t.seed.map(|s| s.to_string()),
                    t.elapsed_ms,
                    t.replayed as i64
                ])?;
            }
            tx.execute(
                "INSERT INTO steps (run_id, step, committed_at) VALUES (?1, ?2, ?3)",
                params![run_id, step, now()],
            )?;
            tx.execute(
                "UPDATE runs SET updated_at = ?2 WHERE id = ?1",
                params![run_id, now()],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Steps already committed, ascending.
    pub fn committed_steps(&self, run_id: &str) -> Result<Vec<u32>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT step FROM steps WHERE run_id = ?1 ORDER BY step")?;
        let rows = stmt.query_map([run_id], |row| row.get::<_, i64>(0))?;
        Ok(rows
            .map(|r| r.map(|v| v as u32))
            .collect::<Result<_, _>>()?)
    }

    /// All texts of a run in (repetition, generation, agent) order.
    pub fn texts(&self, run_id: &str) -> Result<Vec<TextRow>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT repetition, generation, agent, prompt, output, prompt_tokens,
                    completion_tokens, finish_reason, elapsed_ms, seed, replayed
             FROM texts WHERE run_id = ?1 ORDER BY repetition, generation, agent",
        )?;
        let rows = stmt.query_map([run_id], text_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
