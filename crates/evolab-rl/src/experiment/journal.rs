//! A study's directory: its configuration, and one JSON line per finished trial, appended
//! and flushed to disk as each trial ends, so that an interrupted study loses at most the
//! trials in flight. A lock file keeps a second process from writing the same study.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::config::ExperimentConfig;
use super::run::RunOutcome;

/// One evaluated point of the search.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrialRecord {
    pub trial: usize,
    /// CMA-ES generation (random search: the batch).
    pub generation: usize,
    /// The point in the unit box the sampler proposed.
    pub unit: Vec<f64>,
    /// Gene values, in the order of `study.genes`.
    pub genes: Vec<f64>,
    /// Mean over seeds of the last training episodes' mean return; absent if it failed.
    pub fitness: Option<f64>,
    /// Mean over seeds of the deterministic evaluation return.
    pub eval_mean: Option<f64>,
    pub failure: Option<String>,
    /// The runs that finished, one per seed.
    pub runs: Vec<RunOutcome>,
    /// Training time summed over the runs (they run in parallel).
    pub seconds: f64,
}

/// What the directory records about the study itself.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StudyManifest {
    pub name: String,
    pub evolab_version: String,
    pub created: String,
    /// The experiment file as resolved (every default written out).
    pub config: String,
}

/// One training run of the held-out test (`evolab reservoir test`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestRecord {
    /// "trial-N" for an evolved trial, or the baseline's name.
    pub contender: String,
    pub trial: Option<usize>,
    /// Gene values, for reservoir contenders.
    pub genes: Option<Vec<f64>>,
    pub seed: u64,
    pub outcome: Result<RunOutcome, String>,
}

const MANIFEST: &str = "study.json";
const TRIALS: &str = "trials.jsonl";
const TESTS: &str = "test.jsonl";
const LOCK: &str = "lock";

/// An open study directory, locked for this process.
#[derive(Debug)]
pub struct Journal {
    dir: PathBuf,
    trials: File,
    tests: File,
    _lock: File,
}

impl Journal {
    /// Creates the directory for a new study; refuses one that already exists.
    pub fn create(dir: &Path, manifest: &StudyManifest) -> Result<Self, String> {
        if dir.join(MANIFEST).exists() {
            return Err(format!(
                "a study already exists in {}; resume it or choose another name",
                dir.display()
            ));
        }
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let lock = lock(dir)?;
        let text = serde_json::to_string_pretty(manifest).expect("the manifest serialises");
        write_atomically(&dir.join(MANIFEST), text.as_bytes())?;
        Ok(Journal {
            dir: dir.to_path_buf(),
            trials: open_append(&dir.join(TRIALS))?,
            tests: open_append(&dir.join(TESTS))?,
            _lock: lock,
        })
    }

    /// Opens an existing study to continue it: its manifest and the trials recorded so far.
    pub fn resume(dir: &Path) -> Result<(Self, StudyManifest, Vec<TrialRecord>), String> {
        let manifest = read_manifest(dir)?;
        let lock = lock(dir)?;
        let records = read_jsonl(&dir.join(TRIALS), true)?;
        // Repairs a test log cut short too, before appending to it.
        read_jsonl::<TestRecord>(&dir.join(TESTS), true)?;
        Ok((
            Journal {
                dir: dir.to_path_buf(),
                trials: open_append(&dir.join(TRIALS))?,
                tests: open_append(&dir.join(TESTS))?,
                _lock: lock,
            },
            manifest,
            records,
        ))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Appends one trial and flushes it to disk.
    pub fn append(&mut self, record: &TrialRecord) -> Result<(), String> {
        append_line(&mut self.trials, record)
            .map_err(|e| format!("cannot record trial {}: {e}", record.trial))
    }

    /// Appends one held-out test run and flushes it to disk.
    pub fn append_test(&mut self, record: &TestRecord) -> Result<(), String> {
        append_line(&mut self.tests, record).map_err(|e| {
            format!(
                "cannot record the test run of {} (seed {}): {e}",
                record.contender, record.seed
            )
        })
    }
}

fn append_line<T: Serialize>(file: &mut File, record: &T) -> std::io::Result<()> {
    let mut line = serde_json::to_string(record).expect("a record serialises");
    line.push('\n');
    file.write_all(line.as_bytes())?;
    file.sync_data()
}

/// The trials recorded in the study directory `dir`.
pub fn read_trials(dir: &Path) -> Result<Vec<TrialRecord>, String> {
    read_jsonl(&dir.join(TRIALS), false)
}

/// The held-out test runs recorded in the study directory `dir`.
pub fn read_tests(dir: &Path) -> Result<Vec<TestRecord>, String> {
    read_jsonl(&dir.join(TESTS), false)
}

/// The manifest of the study in `dir`.
pub fn read_manifest(dir: &Path) -> Result<StudyManifest, String> {
    let path = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "no study in {} ({e}); `evolab reservoir list` shows the studies",
            dir.display()
        )
    })?;
    serde_json::from_str(&text).map_err(|e| format!("{} is damaged: {e}", path.display()))
}

impl StudyManifest {
    pub fn experiment(&self) -> Result<ExperimentConfig, String> {
        ExperimentConfig::from_toml(&self.config)
            .map_err(|e| format!("the study's stored configuration does not parse: {e}"))
    }
}

/// The records of a JSON-lines file. A last line cut short by a crash is dropped (and, when
/// `repair` is set, removed from the file); damage anywhere else is an error.
fn read_jsonl<T: DeserializeOwned>(path: &Path, repair: bool) -> Result<Vec<T>, String> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let mut records = Vec::new();
    let mut good_bytes = 0u64;
    let lines: Vec<String> = BufReader::new(file)
        .split(b'\n')
        .map(|l| l.map(|b| String::from_utf8_lossy(&b).into_owned()))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let total = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    for (i, line) in lines.iter().enumerate() {
        // Complete: its newline is in the file.
        let complete = good_bytes + (line.len() as u64) < total;
        match serde_json::from_str::<T>(line) {
            Ok(r) if complete => {
                records.push(r);
                good_bytes += line.len() as u64 + 1;
            }
            _ if i + 1 == lines.len() => break,
            Err(e) => {
                return Err(format!(
                    "{} line {} is damaged ({e}); remove that line to continue the study",
                    path.display(),
                    i + 1
                ))
            }
            Ok(_) => break, // only the last line can be incomplete
        }
    }
    if repair && good_bytes < total {
        let f = OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| format!("cannot repair {}: {e}", path.display()))?;
        f.set_len(good_bytes)
            .map_err(|e| format!("cannot repair {}: {e}", path.display()))?;
    }
    Ok(records)
}

fn lock(dir: &Path) -> Result<File, String> {
    let path = dir.join(LOCK);
    let file = File::create(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(format!(
            "the study in {} is being run by another evolab process; wait for it or stop it",
            dir.display()
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(format!("cannot lock {}: {e}", path.display())),
    }
}

fn open_append(path: &Path) -> Result<File, String> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(trial: usize) -> TrialRecord {
        TrialRecord {
            trial,
            generation: 0,
            unit: vec![0.5],
            genes: vec![0.1],
            fitness: Some(trial as f64),
            eval_mean: None,
            failure: None,
            runs: Vec::new(),
            seconds: 1.0,
        }
    }

    fn manifest() -> StudyManifest {
        StudyManifest {
            name: "t".into(),
            evolab_version: "0".into(),
            created: "now".into(),
            config: ExperimentConfig::default().to_toml(),
        }
    }

    #[test]
    fn trials_survive_a_crash_mid_line_and_the_study_is_locked() {
        let dir = tempfile::tempdir().unwrap();
        let study = dir.path().join("s");
        {
            let mut j = Journal::create(&study, &manifest()).unwrap();
            j.append(&record(0)).unwrap();
            j.append(&record(1)).unwrap();
            assert!(Journal::resume(&study)
                .unwrap_err()
                .contains("another evolab process"));
        }
        // A crash while writing the third line leaves half of it.
        let path = study.join(TRIALS);
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"trial\": 2, \"gen").unwrap();
        drop(f);
        let (mut j, m, records) = Journal::resume(&study).unwrap();
        assert_eq!(m.experiment().unwrap(), ExperimentConfig::default());
        assert_eq!(records, vec![record(0), record(1)]);
        j.append(&record(2)).unwrap();
        drop(j);
        assert_eq!(read_trials(&study).unwrap().len(), 3);
        assert!(Journal::create(&study, &manifest())
            .unwrap_err()
            .contains("already exists"));
    }

    #[test]
    fn damage_before_the_last_line_is_an_error_naming_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let study = dir.path().join("s");
        drop(Journal::create(&study, &manifest()).unwrap());
        let good = serde_json::to_string(&record(0)).unwrap();
        std::fs::write(study.join(TRIALS), format!("{good}\nnot json\n{good}\n")).unwrap();
        assert!(read_trials(&study).unwrap_err().contains("line 2"));
        // A renamed field parses as JSON but is not a trial.
        let renamed = good.replace("\"fitness\"", "\"fitnes\"");
        std::fs::write(study.join(TRIALS), format!("{good}\n{renamed}\n{good}\n")).unwrap();
        assert!(read_trials(&study).unwrap_err().contains("line 2"));
    }
}
