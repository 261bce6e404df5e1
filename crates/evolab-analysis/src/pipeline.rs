//! `evolab analyze` and `evolab compare` as one library call: measure the runs, analyse
//! them by system, and cache the result under a key of everything it depends on.

use std::path::PathBuf;

use evolab_core::RunStore;
use evolab_text::stop_words::StopWords;
use serde::{Deserialize, Serialize};

use crate::culture::{self, CultureAnalysis, CultureOptions};
use crate::embedder::Embedder;
use crate::measured::MeasuredRun;
use crate::suite::{self, SuiteOptions};
use crate::telephone::{self, TelephoneAnalysis, TelephoneOptions};
use crate::AnalysisError;

/// Bumped whenever an analysis would give different numbers for the same inputs, so that
/// cached results from an older evolab are recomputed.
const ANALYSIS_VERSION: u32 = 2;

#[derive(Clone, Debug)]
pub struct AnalysisOptions {
    pub data_dir: PathBuf,
    /// Metric families to score; `None` picks the paper's set for the system.
    pub metrics: Option<Vec<String>>,
    pub toxicity_model: Option<PathBuf>,
    pub strip_hashtags: bool,
    pub threads: usize,
    /// The intermediate generation of the telephone attractor fits.
    pub predict_generation: usize,
    pub bootstrap_resamples: usize,
    pub level: f64,
    /// Recompute even if a cached result exists.
    pub refresh: bool,
}

impl AnalysisOptions {
    pub fn new(data_dir: PathBuf) -> Self {
        Self {
            data_dir,
            metrics: None,
            toxicity_model: None,
            strip_hashtags: true,
            threads: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            predict_generation: 10,
            bootstrap_resamples: 2000,
            level: 0.95,
            refresh: false,
        }
    }
}

/// What a report says about each run.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RunSummary {
    pub id: String,
    pub name: String,
    pub system: String,
    pub status: String,
    pub master_seed: String,
    pub texts: usize,
    /// Texts cut off by the token limit.
    pub truncated: usize,
    /// Texts that do not look English; their lexicon metrics are unreliable.
    pub non_english: usize,
}

/// A metric as reports show it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct MetricInfo {
    pub name: String,
    pub label: String,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Lexicon or vocabulary metrics, meaningless for texts in other languages.
    pub english_only: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Analysis {
    pub runs: Vec<RunSummary>,
    pub scorers: Vec<String>,
    pub metrics: Vec<MetricInfo>,
    pub telephone: Vec<(String, TelephoneAnalysis)>,
    pub culture: Option<CultureAnalysis>,
}

/// The metric families used when the user names none.
pub fn default_metrics(system: &str) -> Vec<String> {
    let names: &[&str] = match system {
        "telephone" => suite::DEFAULT_METRICS,
        _ => &["length", "positivity", "pattern", "english"],
    };
    names.iter().map(|s| s.to_string()).collect()
}

/// Analyses `run_ids` together (one run for `evolab analyze`). Returns the analysis and
/// whether it came from the cache.
pub fn analyse(
    store: &RunStore,
    run_ids: &[String],
    options: &AnalysisOptions,
    embedder: Option<&dyn Embedder>,
    progress: &mut dyn FnMut(&str, usize, usize),
) -> Result<(Analysis, bool), AnalysisError> {
    if run_ids.is_empty() {
        return Err(AnalysisError::Invalid(
            "no run given; `evolab list` shows the runs".into(),
        ));
    }
    let records = run_ids
        .iter()
        .map(|id| store.run(id))
        .collect::<Result<Vec<_>, _>>()?;
    let systems: std::collections::BTreeSet<&str> =
        records.iter().map(|r| r.system.as_str()).collect();
    if systems.len() > 1 {
        return Err(AnalysisError::Invalid(format!(
            "runs of different systems ({}) cannot be compared; compare culture runs with culture runs and telephone runs with telephone runs",
            systems.into_iter().collect::<Vec<_>>().join(", ")
        )));
    }
    let system = records[0].system.clone();
    let metrics = options
        .metrics
        .clone()
        .unwrap_or_else(|| default_metrics(&system));
    let scorers = suite::load(&SuiteOptions {
        data_dir: options.data_dir.clone(),
        metrics,
        toxicity_model: options.toxicity_model.clone(),
    })?;
    let scorer_ids: Vec<String> = scorers.iter().map(|s| s.identity()).collect();

    let key = cache_key(
        &records,
        &scorer_ids,
        embedder.map(|e| e.identity()),
        options,
    );
    if !options.refresh {
        if let Some(json) = store.analysis(&key)? {
            // An unreadable entry (written by another evolab version) is recomputed.
            if let Ok(analysis) = serde_json::from_str::<Analysis>(&json) {
                return Ok((analysis, true));
            }
        }
    }

    let mut measured = Vec::with_capacity(run_ids.len());
    for id in run_ids {
        measured.push(MeasuredRun::measure(
            store,
            id,
            &scorers,
            options.strip_hashtags,
            options.threads,
            progress,
        )?);
    }
    let metric_infos: Vec<MetricInfo> = measured[0]
        .metrics
        .iter()
        .map(|m| MetricInfo {
            name: m.name.to_string(),
            label: m.label.to_string(),
            min: m.domain.min,
            max: m.domain.max,
            english_only: m.english_only,
        })
        .collect();
    let runs: Vec<RunSummary> = measured
        .iter()
        .map(|m| RunSummary {
            id: m.texts.record.id.clone(),
            name: m.texts.record.name.clone(),
            system: m.texts.record.system.clone(),
            status: m.texts.record.status.as_str().to_string(),
            master_seed: m.texts.record.master_seed.to_string(),
            texts: m.texts.texts.len(),
            truncated: m.truncated(),
            non_english: m.non_english(),
        })
        .collect();

    let mut analysis = Analysis {
        runs,
        scorers: scorer_ids,
        metrics: metric_infos,
        telephone: Vec::new(),
        culture: None,
    };
    match system.as_str() {
        "telephone" => {
            for m in &measured {
                let seed = evolab_core::seeds::derive(
                    m.texts.record.master_seed,
                    "analysis/bootstrap",
                    &[],
                );
                let t = telephone::analyse(
                    m,
                    &TelephoneOptions {
                        predict_generation: options.predict_generation,
                        bootstrap_resamples: options.bootstrap_resamples,
                        bootstrap_seed: seed,
                        level: options.level,
                    },
                )?;
                analysis.telephone.push((m.texts.record.id.clone(), t));
            }
        }
        _ => {
            let stop = StopWords::load(&options.data_dir)?;
            let refs: Vec<&MeasuredRun> = measured.iter().collect();
            analysis.culture = Some(culture::analyse(
                store,
                &refs,
                &stop,
                embedder,
                &CultureOptions {
                    layout: Default::default(),
                    level: options.level,
                },
                progress,
            )?);
        }
    }
    let json = serde_json::to_string(&analysis)
        .map_err(|e| AnalysisError::Invalid(format!("serialising the analysis: {e}")))?;
    store.put_analysis(&key, &run_ids.join(","), &system, &json)?;
    Ok((analysis, false))
}

fn cache_key(
    records: &[evolab_core::RunRecord],
    scorers: &[String],
    embedder: Option<String>,
    options: &AnalysisOptions,
) -> String {
    let runs: Vec<serde_json::Value> = records
        .iter()
        .map(|r| serde_json::json!([r.id, r.updated_at, r.steps_done, r.status.as_str()]))
        .collect();
    let key = serde_json::json!({
        "version": ANALYSIS_VERSION,
        "runs": runs,
        "scorers": scorers,
        "embedder": embedder,
        "strip_hashtags": options.strip_hashtags,
        "predict_generation": options.predict_generation,
        "bootstrap_resamples": options.bootstrap_resamples,
        "level": options.level,
    });
    evolab_core::digest::sha256_hex(key.to_string().as_bytes())
}
