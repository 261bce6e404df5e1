//! The telephone paper's analysis of a run: every chain measured at every generation, the
//! evolution of each metric per task, and attractors (final generation and an intermediate
//! one) with TOST p-values and bootstrap intervals over chains.

use std::collections::{BTreeMap, BTreeSet};

use evolab_text::attractor::{
    bootstrap_chains, fit_chains, AttractorBootstrap, AttractorFit, BootstrapOptions, Generation,
};
use evolab_text::stats::{mean, sem};
use serde::{Deserialize, Serialize};

use crate::measured::MeasuredRun;
use crate::AnalysisError;

/// Choices that change the numbers; all recorded in the analysis key.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TelephoneOptions {
    /// The intermediate generation fitted besides the final one (the paper's "generation-10
    /// prediction"); skipped when chains are shorter.
    pub predict_generation: usize,
    pub bootstrap_resamples: usize,
    pub bootstrap_seed: u64,
    pub level: f64,
}

/// One value of the tidy table: chain × generation × metric.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ChainValue {
    pub repetition: u32,
    pub chain: u32,
    pub task: String,
    pub initial_text: String,
    pub generation: u32,
    pub metric: String,
    pub value: Option<f64>,
}

/// Mean ± SEM of a metric over chains, per task and generation.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct EvolutionRow {
    pub task: String,
    /// Empty when averaged over all initial texts.
    pub initial_text: String,
    pub metric: String,
    pub generation: u32,
    pub n: usize,
    pub mean: Option<f64>,
    pub sem: Option<f64>,
}

/// One attractor fit, flat for tables.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct AttractorRow {
    pub task: String,
    pub metric: String,
    /// The generation regressed on generation 0.
    pub generation: u32,
    pub n: usize,
    pub a: Option<f64>,
    pub b: Option<f64>,
    pub se_a: Option<f64>,
    pub r_squared: Option<f64>,
    pub has_attractor: Option<bool>,
    pub position: Option<f64>,
    pub position_unclipped: Option<f64>,
    pub clipped: Option<bool>,
    pub strength: Option<f64>,
    pub p_tost: Option<f64>,
    /// The original code's combined p-value, always ≥ 1; kept for comparison only.
    pub p_orig_legacy: Option<f64>,
    pub position_ci_low: Option<f64>,
    pub position_ci_high: Option<f64>,
    pub strength_ci_low: Option<f64>,
    pub strength_ci_high: Option<f64>,
    /// Share of bootstrap resamples in which |a| < 1.
    pub attractor_fraction: Option<f64>,
    /// Why the fit is missing or partial.
    pub note: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TelephoneAnalysis {
    pub tasks: Vec<String>,
    pub metrics: Vec<String>,
    /// Generations 0..=last present in every chain.
    pub last_generation: u32,
    pub chains: usize,
    pub values: Vec<ChainValue>,
    pub evolution: Vec<EvolutionRow>,
    pub evolution_by_text: Vec<EvolutionRow>,
    pub attractors: Vec<AttractorRow>,
}

pub fn analyse(
    run: &MeasuredRun,
    options: &TelephoneOptions,
) -> Result<TelephoneAnalysis, AnalysisError> {
    let chains = run.texts.chains()?;
    let last_generation = chains
        .iter()
        .map(|c| c.texts.len())
        .min()
        .unwrap_or(0)
        .saturating_sub(1) as u32;
    let tasks: Vec<String> = chains
        .iter()
        .map(|c| c.task.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let metrics: Vec<String> = run.metrics.iter().map(|m| m.name.to_string()).collect();

    let mut values = Vec::new();
    for chain in &chains {
        for (generation, &text) in chain.texts.iter().enumerate() {
            for metric in &metrics {
                values.push(ChainValue {
                    repetition: chain.repetition,
                    chain: chain.agent,
                    task: chain.task.clone(),
                    initial_text: chain.initial_text.clone(),
                    generation: generation as u32,
                    metric: metric.clone(),
                    value: run.value(text, metric),
                });
            }
        }
    }

    let evolution_by_text = summarise_evolution(&values, last_generation, true);
    let evolution = summarise_evolution(&values, last_generation, false);

    let mut attractors = Vec::new();
    let mut targets = vec![last_generation as usize];
    if options.predict_generation >= 1 && (options.predict_generation as u32) < last_generation {
        targets.push(options.predict_generation);
    }
    for task in &tasks {
        for metric in &run.metrics {
            let task_chains: Vec<_> = chains.iter().filter(|c| &c.task == task).collect();
            for &t in &targets {
                // A chain takes part only where the metric is defined at both ends.
                let trajectories: Vec<Vec<f64>> = task_chains
                    .iter()
                    .filter_map(|c| {
                        let x = run.value(c.texts[0], metric.name)?;
                        let y = run.value(c.texts[t], metric.name)?;
                        Some(vec![x, y])
                    })
                    .collect();
                let dropped = task_chains.len() - trajectories.len();
                attractors.push(attractor_row(
                    task,
                    metric.name,
                    t as u32,
                    &trajectories,
                    dropped,
                    metric.domain,
                    options,
                ));
            }
        }
    }
    Ok(TelephoneAnalysis {
        tasks,
        metrics,
        last_generation,
        chains: chains.len(),
        values,
        evolution,
        evolution_by_text,
        attractors,
    })
}

fn summarise_evolution(values: &[ChainValue], last: u32, by_text: bool) -> Vec<EvolutionRow> {
    let mut groups: BTreeMap<(String, String, String, u32), Vec<f64>> = BTreeMap::new();
    for v in values.iter().filter(|v| v.generation <= last) {
        let text = if by_text {
            v.initial_text.clone()
        } else {
            String::new()
        };
        let entry = groups
            .entry((v.task.clone(), text, v.metric.clone(), v.generation))
            .or_default();
        if let Some(x) = v.value {
            entry.push(x);
        }
    }
    groups
        .into_iter()
        .map(
            |((task, initial_text, metric, generation), xs)| EvolutionRow {
                task,
                initial_text,
                metric,
                generation,
                n: xs.len(),
                mean: mean(&xs),
                sem: sem(&xs),
            },
        )
        .collect()
}

fn attractor_row(
    task: &str,
    metric: &str,
    generation: u32,
    trajectories: &[Vec<f64>],
    dropped: usize,
    domain: evolab_text::attractor::MetricDomain,
    options: &TelephoneOptions,
) -> AttractorRow {
    let mut row = AttractorRow {
        task: task.to_string(),
        metric: metric.to_string(),
        generation,
        n: trajectories.len(),
        a: None,
        b: None,
        se_a: None,
        r_squared: None,
        has_attractor: None,
        position: None,
        position_unclipped: None,
        clipped: None,
        strength: None,
        p_tost: None,
        p_orig_legacy: None,
        position_ci_low: None,
        position_ci_high: None,
        strength_ci_low: None,
        strength_ci_high: None,
        attractor_fraction: None,
        note: if dropped > 0 {
            format!("{dropped} chains without a value at generation 0 or {generation} left out; ")
        } else {
            String::new()
        },
    };
    let fit: AttractorFit = match fit_chains(trajectories, Generation::At(1), domain) {
        Ok(fit) => fit,
        Err(e) => {
            row.note.push_str(&e.to_string());
            return row;
        }
    };
    row.a = Some(fit.a);
    row.b = Some(fit.b);
    row.se_a = Some(fit.se_a);
    row.r_squared = fit.r_squared;
    row.has_attractor = Some(fit.has_attractor);
    row.position = fit.position;
    row.position_unclipped = fit.position_unclipped;
    row.clipped = Some(fit.clipped);
    row.strength = fit.strength;
    row.p_tost = fit.p_tost;
    row.p_orig_legacy = fit.p_orig_legacy;
    let boot: Result<AttractorBootstrap, _> = bootstrap_chains(
        trajectories,
        Generation::At(1),
        domain,
        &BootstrapOptions {
            resamples: options.bootstrap_resamples,
            seed: options.bootstrap_seed,
            level: options.level,
        },
    );
    match boot {
        Ok(b) => {
            row.position_ci_low = b.position_ci_low;
            row.position_ci_high = b.position_ci_high;
            row.strength_ci_low = b.strength_ci_low;
            row.strength_ci_high = b.strength_ci_high;
            row.attractor_fraction = b.attractor_fraction;
        }
        Err(e) => row.note.push_str(&format!("bootstrap: {e}")),
    }
    row
}
