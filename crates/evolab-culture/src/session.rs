//! Starting and resuming runs: the manifest, the engine check and the step loop.

use evolab_core::store::now;
use evolab_core::{seeds, NewRun, RunStatus, RunStore};
use evolab_llm::{CachedEngine, EngineInfo, OpenedEngine, PromptStyle};
use serde::{Deserialize, Serialize};

use crate::config::{RunConfig, System};
use crate::culture::CulturePopulation;
use crate::population::{Population, RunSettings};
use crate::render::TEMPLATE_VERSION;
use crate::runner::{run_steps, RunError, RunObserver};
use crate::telephone::TelephonePopulation;

/// Which build of evolab ran a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildInfo {
    pub version: String,
    pub git_commit: Option<String>,
}

/// Everything needed to reproduce or audit a run, stored with it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub system: System,
    /// As a string: u64 seeds exceed the exact integer range of JSON readers.
    pub master_seed: String,
    pub build: BuildInfo,
    pub engine: EngineInfo,
    pub prompt_style: PromptStyle,
    pub render_template: String,
    pub started_at: String,
    #[serde(default)]
    pub resumes: Vec<Resume>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Resume {
    pub at: String,
    pub build: BuildInfo,
    pub steps_done: u32,
}

pub fn build_population(
    config: &RunConfig,
    style: PromptStyle,
) -> Result<Box<dyn Population>, String> {
    let library = config.prompts.library(std::path::Path::new("."))?;
    let settings = RunSettings {
        repetitions: config.repetitions,
        master_seed: config.seed(),
        style,
        sampling: config.llm.sampling.clone(),
    };
    let unresolved = "config is not resolved";
    Ok(match config.system {
        System::Culture => {
            let culture = config.culture.as_ref().ok_or(unresolved)?;
            Box::new(CulturePopulation::new(culture, &library, &settings)?)
        }
        System::Telephone => {
            let telephone = config.telephone.as_ref().ok_or(unresolved)?;
            Box::new(TelephonePopulation::new(telephone, &library, &settings)?)
        }
    })
}

/// A readable, unique id: system, UTC time, and 4 hex digits against same-second clashes.
fn new_run_id(system: System, seed: u64) -> String {
    let stamp = now()
        .replace(['-', ':'], "")
        .replace('T', "-")
        .trim_end_matches('Z')
        .to_string();
    let salt = seeds::derive(seed, "run-id", &[std::process::id() as u64]) ^ nanos();
    format!("{}-{stamp}-{:04x}", system.as_str(), salt & 0xffff)
}

fn nanos() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0)
}

/// Records a new run (manifest, resolved config, agents) and returns its id.
pub fn create_run(
    store: &RunStore,
    config: &RunConfig,
    engine: &OpenedEngine,
    build: &BuildInfo,
) -> Result<String, RunError> {
    let population = build_population(config, engine.prompt_style).map_err(RunError::Invalid)?;
    let manifest = Manifest {
        system: config.system,
        master_seed: config.seed().to_string(),
        build: build.clone(),
        engine: engine.engine.info().clone(),
        prompt_style: engine.prompt_style,
        render_template: TEMPLATE_VERSION.to_string(),
        started_at: now(),
        resumes: Vec::new(),
    };
    let id = new_run_id(config.system, config.seed());
    store.create_run(
        &NewRun {
            id: &id,
            system: config.system.as_str(),
            name: &config.name,
            master_seed: config.seed(),
            config_toml: &config.to_toml(),
            manifest_json: &serde_json::to_string_pretty(&manifest).expect("manifest serialises"),
            steps_total: population.steps(),
        },
        &population.agents(),
    )?;
    Ok(id)
}

/// The stored config and manifest of a run, for `evolab resume`.
pub fn load_run(store: &RunStore, run_id: &str) -> Result<(RunConfig, Manifest), RunError> {
    let record = store.run(run_id)?;
    let config = RunConfig::parse(&record.config_toml, &format!("stored config of {run_id}"))
        .map_err(|e| RunError::Invalid(e.to_string()))?;
    let manifest: Manifest = serde_json::from_str(&record.manifest_json)
        .map_err(|e| RunError::Invalid(format!("manifest of {run_id} is unreadable: {e}")))?;
    Ok((config, manifest))
}

/// A resume must use the model, prompt style and prompt layout the run started with, or its
/// texts would mix two experiments.
pub fn check_resumable(manifest: &Manifest, engine: &OpenedEngine) -> Result<(), RunError> {
    let info = engine.engine.info();
    if manifest.engine.cache_identity() != info.cache_identity() {
        return Err(RunError::Invalid(format!(
            "this run was started with {} but the engine now is {}; resume with the same model (see `evolab show RUN --manifest`)",
            manifest.engine.cache_identity(),
            info.cache_identity()
        )));
    }
    if manifest.prompt_style != engine.prompt_style {
        return Err(RunError::Invalid(format!(
            "this run used prompt style {:?} but the engine now resolves to {:?}",
            manifest.prompt_style, engine.prompt_style
        )));
    }
    if manifest.render_template != TEMPLATE_VERSION {
        return Err(RunError::Invalid(format!(
            "this run's prompts were laid out by {} but this evolab lays them out by {TEMPLATE_VERSION}; resume it with the evolab version in its manifest",
            manifest.render_template
        )));
    }
    Ok(())
}

/// Runs the remaining steps and records the outcome: finished, or interrupted with the
/// reason (a resume picks up from the last committed step).
pub fn execute(
    store: &RunStore,
    run_id: &str,
    config: &RunConfig,
    engine: OpenedEngine,
    observer: &dyn RunObserver,
) -> Result<(), RunError> {
    let population = build_population(config, engine.prompt_style).map_err(RunError::Invalid)?;
    let _lock = store.lock_run(run_id)?;
    store.claim_run(run_id)?;
    let cached = CachedEngine::new(engine.engine, store);
    let outcome = run_steps(store, run_id, population.as_ref(), &cached, observer);
    match &outcome {
        Ok(()) => store.set_status(run_id, RunStatus::Finished, None)?,
        Err(e @ RunError::Llm { first, .. }) if first.needs_new_config() => {
            let message = format!("{e}. The stored config cannot get past this: start a new run with a changed config");
            store.set_status(run_id, RunStatus::Failed, Some(&message))?
        }
        Err(e) => store.set_status(run_id, RunStatus::Interrupted, Some(&e.to_string()))?,
    }
    outcome
}

/// Adds a resume entry to the manifest.
pub fn record_resume(store: &RunStore, run_id: &str, build: &BuildInfo) -> Result<(), RunError> {
    let (_, mut manifest) = load_run(store, run_id)?;
    manifest.resumes.push(Resume {
        at: now(),
        build: build.clone(),
        steps_done: store.committed_steps(run_id)?.len() as u32,
    });
    store.set_manifest(
        run_id,
        &serde_json::to_string_pretty(&manifest).expect("manifest serialises"),
    )?;
    Ok(())
}
