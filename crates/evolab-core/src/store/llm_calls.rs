//! Raw storage of the replay cache; `evolab-llm` gives it meaning.

use rusqlite::{params, OptionalExtension};

use super::{now, RunStore, StoreError};

impl RunStore {
    pub fn cached_call(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT completion_json FROM llm_calls WHERE key = ?1",
                [key],
                |row| row.get(0),
            )
            .optional()?)
    }

    pub fn cache_call(
        &self,
        key: &str,
        engine: &str,
        request_json: &str,
        completion_json: &str,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT OR IGNORE INTO llm_calls (key, engine, request_json, completion_json, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![key, engine, request_json, completion_json, now()],
        )?;
        Ok(())
    }

    pub fn cached_call_count(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT COUNT(*) FROM llm_calls", [], |row| {
                row.get::<_, i64>(0)
            })? as u64)
    }
}
