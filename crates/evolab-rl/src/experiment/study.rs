//! The outer loop: a sampler proposes gene values, each proposal trains once per seed (in
//! parallel across the available cores), the trial's fitness is told back, and every trial
//! is recorded as it finishes.
//!
//! Proposals are a deterministic function of the sampler seed and the fitness told so far,
//! and each run is a deterministic function of its genes and seed. A resumed study
//! therefore replays its recorded trials through the sampler, which proposes exactly the
//! points it proposed before, and only trains the missing ones; the result does not
//! depend on the number of workers.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::config::{ExperimentConfig, ReservoirConfig, SamplerConfig};
use super::genes::GeneSpace;
use super::journal::{Journal, TrialRecord};
use super::pool::{resolve_workers, run_pool, PoolEvent};
use super::run::{Observer, RunOutcome, RunSpec};
use crate::cmaes::Cmaes;

/// What the study reports while it runs.
#[derive(Debug)]
pub enum StudyEvent<'a> {
    /// A training run advanced by `steps` environment steps.
    Steps(u64),
    /// A trial finished (and is recorded), or was found recorded when resuming.
    Trial {
        record: &'a TrialRecord,
        replayed: bool,
    },
    /// CMA-ES took a generation's fitness.
    Generation {
        generation: usize,
        sigma: f64,
        population: usize,
        restarts: u32,
    },
}

/// The run settings of a study's trials with `values` for the genes, applied to
/// `reservoir` (the study's `[reservoir]` section).
pub fn trial_spec(
    config: &ExperimentConfig,
    reservoir: &ReservoirConfig,
    genes: &GeneSpace,
    values: &[f64],
) -> RunSpec {
    RunSpec {
        env: config.env.clone(),
        observer: Observer::Reservoir {
            specs: genes.reservoirs(reservoir, values),
            options: reservoir.options(),
        },
        ppo: config.ppo.clone(),
        steps: config.training.steps,
        last_episodes: config.training.last_episodes,
        eval_episodes: config.training.eval_episodes,
    }
}

/// Runs (or continues) the study configured by `config` until `config.study.trials`
/// trials are recorded in `journal`. `recorded` are the trials already there.
pub fn run_study(
    config: &ExperimentConfig,
    journal: &mut Journal,
    recorded: Vec<TrialRecord>,
    mut on_event: impl FnMut(StudyEvent<'_>),
) -> Result<Vec<TrialRecord>, String> {
    config.check_study()?;
    let genes = GeneSpace::new(&config.study.genes, config.reservoir.as_ref())?;
    let workers = resolve_workers(config.study.workers);
    let mut sampler = Sampler::new(
        config.study.sampler,
        genes.dim(),
        config.study.sampler_seed,
        workers,
    )?;
    let mut recorded = recorded;
    recorded.sort_by_key(|r| r.trial);
    let mut done: Vec<TrialRecord> = Vec::with_capacity(config.study.trials);
    let mut generation = 0;
    while done.len() < config.study.trials {
        let proposals = sampler.propose();
        let n = proposals.len().min(config.study.trials - done.len());
        let first = done.len();
        let mut batch: Vec<Option<TrialRecord>> = vec![None; n];
        let mut missing = Vec::new();
        for (k, unit) in proposals.iter().take(n).enumerate() {
            match recorded.iter().find(|r| r.trial == first + k) {
                Some(r) if same_point(&r.unit, unit) => {
                    on_event(StudyEvent::Trial {
                        record: r,
                        replayed: true,
                    });
                    batch[k] = Some(r.clone());
                }
                Some(r) => {
                    return Err(format!(
                        "trial {} in the journal was proposed at {:?}, but this configuration \
                         proposes {:?}; the study's configuration or sampler changed",
                        r.trial, r.unit, unit
                    ))
                }
                None => missing.push(k),
            }
        }
        let jobs: Vec<(usize, Vec<f64>)> =
            missing.iter().map(|&k| (k, proposals[k].clone())).collect();
        evaluate(
            config,
            &genes,
            generation,
            first,
            &jobs,
            workers,
            journal,
            &mut batch,
            &mut on_event,
        )?;
        let batch: Vec<TrialRecord> = batch
            .into_iter()
            .map(|r| r.expect("every trial evaluated"))
            .collect();
        if n == proposals.len() {
            let fitness: Vec<f64> = batch
                .iter()
                .map(|r| r.fitness.unwrap_or(f64::NAN))
                .collect();
            if let Some(event) = sampler.tell(&fitness)? {
                on_event(StudyEvent::Generation {
                    generation,
                    sigma: event.0,
                    population: event.1,
                    restarts: event.2,
                });
            }
        }
        done.extend(batch);
        generation += 1;
    }
    Ok(done)
}

fn same_point(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= 1e-12)
}

/// Trains every seed of every job and records each trial as soon as its last seed
/// finishes.
#[allow(clippy::too_many_arguments)]
fn evaluate(
    config: &ExperimentConfig,
    genes: &GeneSpace,
    generation: usize,
    first: usize,
    jobs: &[(usize, Vec<f64>)],
    workers: usize,
    journal: &mut Journal,
    batch: &mut [Option<TrialRecord>],
    on_event: &mut impl FnMut(StudyEvent<'_>),
) -> Result<(), String> {
    let seeds = &config.study.seeds;
    let reservoir = config
        .reservoir
        .as_ref()
        .ok_or("the study's experiment has no [reservoir] section")?;
    let runs: Vec<(RunSpec, u64)> = jobs
        .iter()
        .flat_map(|(_, unit)| {
            let spec = trial_spec(config, reservoir, genes, &genes.decode(unit));
            seeds.iter().map(move |&s| (spec.clone(), s))
        })
        .collect();
    let mut results: Vec<Vec<Option<Result<RunOutcome, String>>>> =
        vec![vec![None; seeds.len()]; jobs.len()];
    run_pool(&runs, workers, |event| {
        match event {
            PoolEvent::Steps(n) => on_event(StudyEvent::Steps(n)),
            PoolEvent::Done { index, outcome } => {
                let (job, s) = (index / seeds.len(), index % seeds.len());
                results[job][s] = Some(outcome);
                if results[job].iter().all(Option::is_some) {
                    let (k, unit) = &jobs[job];
                    let record = assemble(
                        first + k,
                        generation,
                        unit.clone(),
                        genes.decode(unit),
                        std::mem::take(&mut results[job]),
                    );
                    journal.append(&record)?;
                    on_event(StudyEvent::Trial {
                        record: &record,
                        replayed: false,
                    });
                    batch[*k] = Some(record);
                }
            }
        }
        Ok(())
    })
}

/// One trial's record from its runs: fitness is the mean over seeds, and any failed seed
/// fails the trial (with the first reason).
fn assemble(
    trial: usize,
    generation: usize,
    unit: Vec<f64>,
    genes: Vec<f64>,
    outcomes: Vec<Option<Result<RunOutcome, String>>>,
) -> TrialRecord {
    let mut runs = Vec::new();
    let mut failure = None;
    for outcome in outcomes.into_iter().flatten() {
        match outcome {
            Ok(run) => runs.push(run),
            Err(reason) => {
                failure.get_or_insert(reason);
            }
        }
    }
    let mean = |xs: Vec<f64>| -> Option<f64> {
        (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
    };
    let (fitness, eval_mean) = if failure.is_some() {
        (None, None)
    } else {
        (
            mean(runs.iter().map(|r| r.last_mean).collect()),
            mean(runs.iter().filter_map(RunOutcome::eval_mean).collect()),
        )
    };
    TrialRecord {
        trial,
        generation,
        unit,
        genes,
        fitness,
        eval_mean,
        failure,
        seconds: runs.iter().map(|r| r.seconds).sum(),
        runs,
    }
}

/// Where the next proposals come from.
enum Sampler {
    Cmaes(Box<Cmaes>),
    /// Uniform draws, `batch` at a time; draw i comes from stream i of the seed, so the
    /// points do not depend on the batch size.
    Random {
        seed: u64,
        dim: usize,
        batch: usize,
        drawn: u64,
    },
}

impl Sampler {
    fn new(kind: SamplerConfig, dim: usize, seed: u64, workers: usize) -> Result<Self, String> {
        Ok(match kind {
            SamplerConfig::Cmaes => {
                Sampler::Cmaes(Box::new(Cmaes::new(&vec![0.5; dim], 1.0 / 6.0, seed)?))
            }
            SamplerConfig::Random => Sampler::Random {
                seed,
                dim,
                batch: workers.max(1),
                drawn: 0,
            },
        })
    }

    fn propose(&mut self) -> Vec<Vec<f64>> {
        match self {
            Sampler::Cmaes(es) => es.ask(),
            Sampler::Random {
                seed,
                dim,
                batch,
                drawn,
            } => {
                let points = (0..*batch as u64)
                    .map(|i| {
                        let mut rng = ChaCha8Rng::seed_from_u64(*seed);
                        rng.set_stream(*drawn + i);
                        (0..*dim).map(|_| rng.random::<f64>()).collect()
                    })
                    .collect();
                *drawn += *batch as u64;
                points
            }
        }
    }

    /// Fitness is maximised; CMA-ES minimises, so it is told the negation (NaN, a failed
    /// trial, counts as worst). Returns (σ, λ, restarts) after a CMA-ES generation.
    fn tell(&mut self, fitness: &[f64]) -> Result<Option<(f64, usize, u32)>, String> {
        match self {
            Sampler::Cmaes(es) => {
                let negated: Vec<f64> = fitness.iter().map(|f| -f).collect();
                es.tell(&negated)?;
                Ok(Some((es.sigma(), es.population_size(), es.restarts())))
            }
            Sampler::Random { .. } => Ok(None),
        }
    }
}
