//! Training runs spread over worker threads, one run per thread at a time (PPO itself is
//! single-threaded, so a worker per core fills the machine without oversubscribing it).

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use super::run::{train_run, RunOutcome, RunSpec};

/// What the pool reports, on the calling thread.
pub enum PoolEvent {
    /// Some run advanced by this many environment steps.
    Steps(u64),
    /// Run `index` (into the job list) finished.
    Done {
        index: usize,
        outcome: Result<RunOutcome, String>,
    },
}

/// The number of workers `requested` means: 0 is one per available core.
pub fn resolve_workers(requested: usize) -> usize {
    match requested {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
}

/// Trains every `(spec, seed)` job on `workers` threads. `on_event` runs on the calling
/// thread; an error from it stops handing out jobs and is returned once the running ones
/// have finished.
pub fn run_pool(
    jobs: &[(RunSpec, u64)],
    workers: usize,
    mut on_event: impl FnMut(PoolEvent) -> Result<(), String>,
) -> Result<(), String> {
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<PoolEvent>();
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1).min(jobs.len()) {
            let (tx, next) = (tx.clone(), &next);
            scope.spawn(move || loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some((spec, seed)) = jobs.get(index) else {
                    break;
                };
                let mut previous = 0;
                let outcome = train_run(spec, *seed, |r| {
                    let _ = tx.send(PoolEvent::Steps(r.steps - previous));
                    previous = r.steps;
                    ControlFlow::Continue(())
                });
                if tx.send(PoolEvent::Done { index, outcome }).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut result = Ok(());
        for event in rx {
            if result.is_ok() {
                if let Err(e) = on_event(event) {
                    // No new jobs; the ones running finish and are dropped.
                    next.store(jobs.len(), Ordering::Relaxed);
                    result = Err(e);
                }
            }
        }
        result
    })
}
