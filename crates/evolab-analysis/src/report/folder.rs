//! The output folder of `evolab analyze` and `evolab compare`, written atomically: the new
//! report is assembled next to the target and swapped in only once complete, so a crash
//! never leaves a half-written report where a complete one was.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::AnalysisError;

pub struct ReportFolder {
    target: PathBuf,
    staging: tempfile::TempDir,
    written: Vec<PathBuf>,
}

fn write_err(path: &Path, source: std::io::Error) -> AnalysisError {
    AnalysisError::Write {
        path: path.to_path_buf(),
        source,
    }
}

impl ReportFolder {
    /// Starts a report that will replace `target` when [`ReportFolder::finish`] is called.
    pub fn create(target: &Path) -> Result<Self, AnalysisError> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(|e| write_err(parent, e))?;
        if target.exists() && !target.join(MARKER).is_file() {
            return Err(AnalysisError::Invalid(format!(
                "{} exists and is not an evolab report; choose another --output folder",
                target.display()
            )));
        }
        let staging = tempfile::Builder::new()
            .prefix(".report-")
            .tempdir_in(parent)
            .map_err(|e| write_err(parent, e))?;
        fs::write(staging.path().join(MARKER), "written by evolab\n")
            .map_err(|e| write_err(staging.path(), e))?;
        Ok(Self {
            target: target.to_path_buf(),
            staging,
            written: Vec::new(),
        })
    }

    /// Path of `name` inside the report being written (for writers such as figures).
    pub fn path(&mut self, name: &str) -> Result<PathBuf, AnalysisError> {
        let path = self.staging.path().join(name);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| write_err(dir, e))?;
        }
        self.written.push(PathBuf::from(name));
        Ok(path)
    }

    /// Writes `rows` as a CSV table with a header from the field names; `None` is empty.
    pub fn csv<S: Serialize>(&mut self, name: &str, rows: &[S]) -> Result<(), AnalysisError> {
        let path = self.path(name)?;
        let mut writer = csv::Writer::from_path(&path)
            .map_err(|e| AnalysisError::Invalid(format!("writing {}: {e}", path.display())))?;
        for row in rows {
            writer
                .serialize(row)
                .map_err(|e| AnalysisError::Invalid(format!("writing {}: {e}", path.display())))?;
        }
        writer.flush().map_err(|e| write_err(&path, e))?;
        Ok(())
    }

    /// Writes rows of several runs as one CSV table, each row led by a `run` column.
    pub fn csv_by_run<S: Serialize>(
        &mut self,
        name: &str,
        rows: &[(&str, &S)],
    ) -> Result<(), AnalysisError> {
        let path = self.path(name)?;
        let err = |e: &dyn std::fmt::Display| {
            AnalysisError::Invalid(format!("writing {}: {e}", path.display()))
        };
        let mut writer = csv::Writer::from_path(&path).map_err(|e| err(&e))?;
        let mut header_written = false;
        for (run, row) in rows {
            let serde_json::Value::Object(fields) =
                serde_json::to_value(row).map_err(|e| err(&e))?
            else {
                return Err(err(&"table rows must be structs"));
            };
            if !header_written {
                let header = std::iter::once("run").chain(fields.keys().map(String::as_str));
                writer.write_record(header).map_err(|e| err(&e))?;
                header_written = true;
            }
            let cells = std::iter::once(run.to_string()).chain(fields.values().map(cell));
            writer.write_record(cells).map_err(|e| err(&e))?;
        }
        writer.flush().map_err(|e| write_err(&path, e))?;
        Ok(())
    }

    pub fn text(&mut self, name: &str, content: &str) -> Result<(), AnalysisError> {
        let path = self.path(name)?;
        fs::write(&path, content).map_err(|e| write_err(&path, e))
    }

    /// Files written so far, relative to the report folder.
    pub fn files(&self) -> &[PathBuf] {
        &self.written
    }

    /// Moves the finished report into place and returns its path.
    pub fn finish(self) -> Result<PathBuf, AnalysisError> {
        let staging = self.staging.keep();
        if self.target.exists() {
            // Derived data: the old report is recomputable, so it is removed, not kept.
            fs::remove_dir_all(&self.target).map_err(|e| write_err(&self.target, e))?;
        }
        fs::rename(&staging, &self.target).map_err(|e| write_err(&self.target, e))?;
        Ok(self.target)
    }
}

/// A JSON value as a CSV cell: null is empty, strings are unquoted.
fn cell(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Marks a folder as an evolab report, so that replacing it never deletes a user's folder.
const MARKER: &str = ".evolab-report";

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Row {
        generation: u32,
        mean: Option<f64>,
    }

    #[test]
    fn report_appears_only_when_finished_and_replaces_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("analysis");
        let mut report = ReportFolder::create(&target).unwrap();
        report
            .csv(
                "tables/evolution.csv",
                &[
                    Row {
                        generation: 0,
                        mean: Some(1.5),
                    },
                    Row {
                        generation: 1,
                        mean: None,
                    },
                ],
            )
            .unwrap();
        assert!(!target.exists(), "nothing visible before finish");
        report.finish().unwrap();
        let csv = fs::read_to_string(target.join("tables/evolution.csv")).unwrap();
        assert_eq!(csv, "generation,mean\n0,1.5\n1,\n");

        let mut again = ReportFolder::create(&target).unwrap();
        again.text("report.md", "# new").unwrap();
        again.finish().unwrap();
        assert!(!target.join("tables").exists(), "old report replaced");
        assert_eq!(
            fs::read_to_string(target.join("report.md")).unwrap(),
            "# new"
        );
    }

    #[test]
    fn a_foreign_folder_is_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("thesis.tex"), "precious").unwrap();
        let err = ReportFolder::create(dir.path()).err().unwrap().to_string();
        assert!(err.contains("not an evolab report"), "{err}");
    }
}
