//! The held-out test of a study: the best trials retrained on seeds the study never used
//! (fresh reservoir topologies and PPO seeds), next to baselines trained on the same seeds
//! with the same budget: PPO on the observations, PPO with the un-evolved reservoir (the
//! centre of the gene box, where the search started), and PPO with frame stacking.

use super::config::ExperimentConfig;
use super::genes::GeneSpace;
use super::journal::{Journal, TestRecord, TrialRecord};
use super::pool::{resolve_workers, run_pool, PoolEvent};
use super::run::{Observer, RunSpec};
use super::study::trial_spec;

/// One thing the test trains.
#[derive(Clone, Debug)]
pub struct Contender {
    pub name: String,
    pub trial: Option<usize>,
    pub genes: Option<Vec<f64>>,
    pub spec: RunSpec,
}

/// The study's `test.top_k` best trials (failed trials excluded; ties by trial number) and
/// the baselines, all with the test's budget.
pub fn contenders(
    config: &ExperimentConfig,
    trials: &[TrialRecord],
) -> Result<Vec<Contender>, String> {
    config.check_test()?;
    let genes = GeneSpace::new(&config.study.genes, config.reservoir.as_ref())?;
    let mut ranked: Vec<&TrialRecord> = trials.iter().filter(|t| t.fitness.is_some()).collect();
    if ranked.is_empty() {
        return Err("the study has no successful trial to test yet".into());
    }
    ranked.sort_by(|a, b| {
        b.fitness
            .unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&a.fitness.unwrap_or(f64::NEG_INFINITY))
            .then(a.trial.cmp(&b.trial))
    });
    let reservoir = config
        .reservoir
        .as_ref()
        .ok_or("the study's experiment has no [reservoir] section")?;
    let steps = config.test_steps();
    let with_budget = |mut spec: RunSpec| {
        spec.steps = steps;
        spec
    };
    let mut out: Vec<Contender> = ranked
        .iter()
        .take(config.test.top_k)
        .map(|t| Contender {
            name: format!("trial-{}", t.trial),
            trial: Some(t.trial),
            genes: Some(t.genes.clone()),
            spec: with_budget(trial_spec(config, reservoir, &genes, &t.genes)),
        })
        .collect();
    let centre = genes.decode(&vec![0.5; genes.dim()]);
    let mut unevolved = with_budget(trial_spec(config, reservoir, &genes, &centre));
    out.push(Contender {
        name: "random-reservoir".into(),
        trial: None,
        genes: Some(centre),
        spec: unevolved.clone(),
    });
    unevolved.observer = Observer::Raw;
    out.push(Contender {
        name: "ppo".into(),
        trial: None,
        genes: None,
        spec: unevolved.clone(),
    });
    unevolved.observer = Observer::FrameStack(config.test.frame_stack);
    out.push(Contender {
        name: format!("frame-stack-{}", config.test.frame_stack),
        trial: None,
        genes: None,
        spec: unevolved,
    });
    Ok(out)
}

/// Trains every contender on every test seed not yet recorded in the journal, recording
/// each run as it finishes. `recorded` are the test runs already there.
pub fn run_test(
    config: &ExperimentConfig,
    contenders: &[Contender],
    journal: &mut Journal,
    recorded: &[TestRecord],
    mut on_steps: impl FnMut(u64),
    mut on_record: impl FnMut(&TestRecord),
) -> Result<(), String> {
    let mut todo = Vec::new();
    for c in contenders {
        for &seed in &config.test.seeds {
            if !recorded
                .iter()
                .any(|r| r.contender == c.name && r.seed == seed)
            {
                todo.push((c, seed));
            }
        }
    }
    let jobs: Vec<(RunSpec, u64)> = todo.iter().map(|(c, s)| (c.spec.clone(), *s)).collect();
    run_pool(&jobs, resolve_workers(config.study.workers), |event| {
        match event {
            PoolEvent::Steps(n) => on_steps(n),
            PoolEvent::Done { index, outcome } => {
                let (c, seed) = todo[index];
                let record = TestRecord {
                    contender: c.name.clone(),
                    trial: c.trial,
                    genes: c.genes.clone(),
                    seed,
                    outcome,
                };
                journal.append_test(&record)?;
                on_record(&record);
            }
        }
        Ok(())
    })
}
