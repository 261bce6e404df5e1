//! Per-text scores and embeddings, keyed by the sha256 of the scored text and the identity of
//! the scorer, and cached analyses keyed by a hash of everything they depend on.
//!
//! Content keys make the cache independent of where a text sits: the initial text shared by
//! a hundred chains is scored once, and a changed scorer identity simply misses.

use std::collections::HashMap;

use rusqlite::params;

use super::{now, RunStore, StoreError};

/// One stored score: `value` is `None` where the metric is undefined for the text.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoreRow {
    pub text_sha256: String,
    pub metric: String,
    pub value: Option<f64>,
}

// SQLite caps the number of bound parameters per statement; lookups go in chunks below it.
const LOOKUP_CHUNK: usize = 500;

impl RunStore {
    /// Stored scores of `scorer` for the given texts, by text hash then metric.
    pub fn scores(
        &self,
        scorer: &str,
        text_sha256: &[String],
    ) -> Result<HashMap<String, HashMap<String, Option<f64>>>, StoreError> {
        let conn = self.conn();
        let mut found: HashMap<String, HashMap<String, Option<f64>>> = HashMap::new();
        for chunk in text_sha256.chunks(LOOKUP_CHUNK) {
            let marks = vec!["?"; chunk.len()].join(",");
            let sql = format!(
                "SELECT text_sha256, metric, value FROM text_scores
                 WHERE scorer = ? AND text_sha256 IN ({marks})"
            );
            let mut stmt = conn.prepare(&sql)?;
            let args = std::iter::once(scorer.to_string()).chain(chunk.iter().cloned());
            let rows = stmt.query_map(rusqlite::params_from_iter(args), |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<f64>>(2)?,
                ))
            })?;
            for row in rows {
                let (hash, metric, value) = row?;
                found.entry(hash).or_default().insert(metric, value);
            }
        }
        Ok(found)
    }

    /// Stores scores of `scorer` in one transaction.
    pub fn put_scores(&self, scorer: &str, rows: &[ScoreRow]) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        {
            let mut stmt = tx.prepare(
                "INSERT OR REPLACE INTO text_scores (text_sha256, scorer, metric, value)
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            for row in rows {
                stmt.execute(params![row.text_sha256, scorer, row.metric, row.value])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Stored embeddings of `model` for the given texts.
    pub fn vectors(
        &self,
        model: &str,
        text_sha256: &[String],
    ) -> Result<HashMap<String, Vec<f32>>, StoreError> {
        let conn = self.conn();
        let mut found = HashMap::new();
        for chunk in text_sha256.chunks(LOOKUP_CHUNK) {
            let marks = vec!["?"; chunk.len()].join(",");
            let sql = format!(
                "SELECT text_sha256, vector FROM text_vectors WHERE model = ? AND text_sha256 IN ({marks})"
            );
            let mut stmt = conn.prepare(&sql)?;
            let args = std::iter::once(model.to_string()).chain(chunk.iter().cloned());
            let rows = stmt.query_map(rusqlite::params_from_iter(args), |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, Vec<u8>>(1)?))
            })?;
            for row in rows {
                let (hash, bytes) = row?;
                if bytes.len() % 4 != 0 {
                    return Err(StoreError::Corrupt(format!(
                        "embedding of {hash} under {model} has {} bytes, not a whole number of f32",
                        bytes.len()
                    )));
                }
                let vector = bytes
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect();
                found.insert(hash, vector);
            }
        }
        Ok(found)
    }

    /// Stores embeddings of `model` in one transaction.
    pub fn put_vectors(&self, model: &str, rows: &[(String, Vec<f32>)]) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        {
            let mut stmt = tx.prepare(
                "INSERT OR REPLACE INTO text_vectors (text_sha256, model, vector) VALUES (?1, ?2, ?3)",
            )?;
            for (hash, vector) in rows {
                let bytes: Vec<u8> = vector.iter().flat_map(|v| v.to_le_bytes()).collect();
                stmt.execute(params![hash, model, bytes])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// A cached analysis result, if one with this key exists.
    pub fn analysis(&self, key: &str) -> Result<Option<String>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT result_json FROM analyses WHERE key = ?1")?;
        let mut rows = stmt.query(params![key])?;
        Ok(match rows.next()? {
            Some(row) => Some(row.get(0)?),
            None => None,
        })
    }

    /// Caches an analysis result under `key`; `runs` and `kind` say what it is about.
    pub fn put_analysis(
        &self,
        key: &str,
        runs: &str,
        kind: &str,
        result_json: &str,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT OR REPLACE INTO analyses (key, runs, kind, result_json, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![key, runs, kind, result_json, now()],
        )?;
        Ok(())
    }
}
