//! Drives a population through its steps: one batch and one store transaction per step.

use evolab_core::{RunStore, StoreError, TextRow};
use evolab_llm::{BatchObserver, CachedEngine, Completion, LlmError};

use crate::population::{Action, History, Population, Work};

/// Progress events for a front end (the CLI draws bars from them).
pub trait RunObserver: BatchObserver {
    fn step_started(&self, _step: u32, _steps: u32, _requests: usize) {}
    fn step_committed(&self, _step: u32, _steps: u32) {}
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("generation {step}: {failed} of {total} LLM calls failed; first error: {first}")]
    Llm {
        step: u32,
        failed: usize,
        total: usize,
        first: LlmError,
    },
    #[error("{0}")]
    Invalid(String),
}

/// Runs every step not yet committed. Steps already in the store are skipped, so the same
/// call both starts and resumes a run.
pub fn run_steps(
    store: &RunStore,
    run_id: &str,
    population: &dyn Population,
    engine: &CachedEngine<'_>,
    observer: &dyn RunObserver,
) -> Result<(), RunError> {
    let steps = population.steps();
    let committed = store.committed_steps(run_id)?;
    let mut history = History::from_rows(&store.texts(run_id)?);
    for step in 0..steps {
        if committed.contains(&step) {
            continue;
        }
        let work = population.work(step, &history);
        let generate: Vec<&Work> = work
            .iter()
            .filter(|w| matches!(w.action, Action::Generate(_)))
            .collect();
        observer.step_started(step, steps, generate.len());
        let requests: Vec<_> = generate
            .iter()
            .map(|w| match &w.action {
                Action::Generate(request) => request.clone(),
                Action::Given(_) => unreachable!("filtered above"),
            })
            .collect();
        let outcomes = engine.generate(&requests, observer);
        let failed = outcomes.iter().filter(|o| o.is_err()).count();
        let mut completions = Vec::with_capacity(outcomes.len());
        for outcome in outcomes {
            match outcome {
                Ok(completion) => completions.push(completion),
                Err(first) => {
                    return Err(RunError::Llm {
                        step,
                        failed,
                        total: requests.len(),
                        first,
                    })
                }
            }
        }
        let rows = rows_for(&work, completions);
        store.commit_step(run_id, step, &rows)?;
        for row in &rows {
            history.record(row);
        }
        observer.step_committed(step, steps);
    }
    Ok(())
}

/// Pairs the step's work with the completions of its `Generate` actions, in order.
fn rows_for(work: &[Work], completions: Vec<Completion>) -> Vec<TextRow> {
    let mut completions = completions.into_iter();
    work.iter()
        .map(|w| {
            let base = TextRow::given(w.repetition, w.generation, w.agent, String::new());
            match &w.action {
                Action::Given(text) => TextRow {
                    output: text.clone(),
                    ..base
                },
                Action::Generate(request) => {
                    let c = completions.next().expect("one completion per request");
                    TextRow {
                        prompt: Some(request.prompt.display_text()),
                        output: c.text,
                        prompt_tokens: c.prompt_tokens,
                        completion_tokens: c.completion_tokens,
                        finish_reason: Some(c.finish_reason.as_str().to_string()),
                        seed: Some(request.seed),
                        elapsed_ms: c.timings.total_ms,
                        replayed: c.replayed,
                        ..base
                    }
                }
            }
        })
        .collect()
}
