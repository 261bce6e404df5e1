//! The evolving-reservoirs experiment (spec `reservoirs.md` §3–§4, §7–§8): training runs
//! with PPO on environments seen raw, through reservoirs or through frame stacks; a study
//! that evolves the reservoirs' hyperparameters with CMA-ES (or random search), recording
//! every trial so an interrupted study resumes; and the held-out test of its winners
//! against baselines on fresh seeds.

mod config;
mod genes;
mod held_out;
mod journal;
mod pool;
mod run;
mod study;
mod summary;

pub use config::{
    EnvConfig, ExperimentConfig, FeedConfig, HideVelocities, PrecisionConfig, ReservoirConfig,
    SamplerConfig, StudyConfig, TestConfig, TrainingConfig,
};
pub use genes::{GeneSpace, GeneSpec};
pub use held_out::{contenders, run_test, Contender};
pub use journal::{
    read_manifest, read_tests, read_trials, Journal, StudyManifest, TestRecord, TrialRecord,
};
pub use pool::resolve_workers;
pub use run::{build_env, train_run, CurvePoint, Observer, RunOutcome, RunSpec, EVAL_SEED_OFFSET};
pub use study::{run_study, trial_spec, StudyEvent};
pub use summary::{mean_ci95, smoothed_curve, step_grid};
