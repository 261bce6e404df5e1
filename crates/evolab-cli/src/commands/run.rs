//! `evolab run` and `evolab resume`.

use std::path::Path;

use anyhow::{bail, Context};
use evolab_core::RunStatus;
use evolab_culture::session::{self, check_resumable, create_run, execute, load_run};
use evolab_culture::RunConfig;

use crate::cli::RunArgs;
use crate::commands::build_info;
use crate::progress::RunProgress;
use crate::workspace::Workspace;

fn load_config(args: &RunArgs) -> anyhow::Result<RunConfig> {
    let (config, base_dir) = match (&args.config, &args.preset) {
        (_, Some(preset)) => {
            let text = crate::presets::find(preset).map_err(anyhow::Error::msg)?;
            let config = RunConfig::parse(text, &format!("preset {preset}"))?;
            (config, std::env::current_dir()?)
        }
        (Some(path), None) => {
            let (config, _) = evolab_core::load_toml::<RunConfig>(path)?;
            let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
            (config, dir)
        }
        (None, None) => bail!("give a config file or --preset NAME"),
    };
    let mut config = config;
    if let Some(seed) = args.seed {
        config.seed = Some(seed);
    }
    let origin = args
        .config
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| format!("preset {}", args.preset.as_deref().unwrap_or("")));
    config
        .resolve(&base_dir)
        .map_err(|e| anyhow::anyhow!("invalid config {origin}: {e}"))
}

pub fn start(ws: &Workspace, args: &RunArgs) -> anyhow::Result<()> {
    let config = load_config(args)?;
    if args.dry_run {
        print!("{}", config.to_toml());
        return Ok(());
    }
    let store = ws.store()?;
    let engine = evolab_llm::open_engine(&config.llm, &ws.models_dir)?;
    let run_id = create_run(&store, &config, &engine, &build_info())?;
    eprintln!(
        "run {run_id}: {} {:?}, seed {}, engine {} ({}), workspace {}",
        config.system.as_str(),
        config.name,
        config.seed(),
        engine.engine.info().backend,
        engine.engine.info().model,
        ws.home.display()
    );
    finish(&store, &run_id, &config, engine)
}

pub fn resume(ws: &Workspace, run_id: &str) -> anyhow::Result<()> {
    let store = ws.store()?;
    let record = store.run(run_id)?;
    match store.status_of(&record) {
        RunStatus::Finished => {
            eprintln!("run {run_id} is already finished");
            return Ok(());
        }
        RunStatus::Running => bail!(
            "run {run_id} is being worked on by process {} right now; wait for it or stop it first",
            record.pid.unwrap_or(0)
        ),
        RunStatus::Failed => bail!(
            "run {run_id} failed and cannot be resumed: {}",
            record.message.as_deref().unwrap_or("no reason recorded")
        ),
        RunStatus::Interrupted => {}
    }
    let (config, manifest) = load_run(&store, run_id)?;
    let engine = evolab_llm::open_engine(&config.llm, &ws.models_dir)?;
    check_resumable(&manifest, &engine)?;
    session::record_resume(&store, run_id, &build_info())?;
    eprintln!(
        "resuming run {run_id}: {} of {} generations done",
        record.steps_done, record.steps_total
    );
    finish(&store, run_id, &config, engine)
}

fn finish(
    store: &evolab_core::RunStore,
    run_id: &str,
    config: &RunConfig,
    engine: evolab_llm::OpenedEngine,
) -> anyhow::Result<()> {
    let record = store.run(run_id)?;
    let progress = RunProgress::new(record.steps_total, record.steps_done);
    let outcome = execute(store, run_id, config, engine, &progress);
    let summary = progress.finish();
    match outcome {
        Ok(()) => {
            eprintln!("run {run_id} finished: {summary}");
            println!("{run_id}");
            Ok(())
        }
        Err(err) => {
            let status = store
                .run(run_id)
                .map(|r| r.status)
                .unwrap_or(RunStatus::Interrupted);
            Err(err).with_context(|| match status {
                RunStatus::Failed => format!("run {run_id} failed; its finished generations are saved"),
                _ => format!("run {run_id} stopped; every finished generation and call is saved. Fix the cause, then `evolab resume {run_id}`"),
            })
        }
    }
}
