mod analyze;
mod bench;
mod bench_reservoir;
mod bilevel;
mod bilevel_dynamics;
mod bilevel_linear;
mod bilevel_report;
mod data;
mod env;
mod export;
mod inspect;
mod model;
mod reservoir;
mod reservoir_report;
mod rl;
mod run;
mod score;

use crate::cli::{
    BenchCommand, BilevelCommand, Cli, Command, DataCommand, EnvCommand, ModelCommand,
    ReservoirCommand, RlCommand,
};
use crate::workspace::Workspace;

pub fn dispatch(cli: Cli) -> anyhow::Result<()> {
    let ws = Workspace::new(&cli.global);
    match cli.command {
        Command::Run(args) => run::start(&ws, &args),
        Command::Resume { run } => run::resume(&ws, &run),
        Command::List => inspect::list(&ws),
        Command::Show(args) => inspect::show(&ws, &args),
        Command::Export(args) => export::export(&ws, &args),
        Command::Presets => {
            println!("LLM populations (`evolab run --preset NAME`):");
            for (name, text) in crate::presets::PRESETS {
                println!("  {name:<27} {}", crate::presets::description(text));
            }
            println!("From data to rewards (`evolab bilevel run --preset NAME`):");
            for (name, text) in crate::presets::BILEVEL_PRESETS {
                println!("  {name:<27} {}", crate::presets::description(text));
            }
            println!("Evolving reservoirs (`evolab reservoir evolve --preset NAME`):");
            for (name, text) in crate::presets::RESERVOIR_PRESETS {
                println!("  {name:<27} {}", crate::presets::description(text));
            }
            Ok(())
        }
        Command::Model { command } => match command {
            ModelCommand::Fetch { name } => model::fetch(&ws, name.as_deref()),
            ModelCommand::List => model::list(&ws),
        },
        Command::Analyze(args) => {
            analyze::analyze(&ws, std::slice::from_ref(&args.run), &args.options)
        }
        Command::Compare(args) => analyze::analyze(&ws, &args.runs, &args.options),
        Command::Score(args) => score::score(&ws, &args),
        Command::Data { command } => match command {
            DataCommand::Fetch { names, force } => data::fetch(&ws, &names, force),
            DataCommand::List => data::list(&ws),
        },
        Command::Env { command } => match command {
            EnvCommand::List => env::list(),
            EnvCommand::Rollout(args) => env::rollout(&args),
        },
        Command::Rl { command } => match command {
            RlCommand::Train(args) => rl::train(&args),
        },
        Command::Reservoir { command } => match command {
            ReservoirCommand::Evolve(args) => reservoir::evolve(&ws, &args),
            ReservoirCommand::Resume { name, workers } => reservoir::resume(&ws, &name, workers),
            ReservoirCommand::Test(args) => reservoir::test(&ws, &args),
            ReservoirCommand::List => reservoir::list(&ws),
            ReservoirCommand::Show { name, top } => reservoir::show(&ws, &name, top),
            ReservoirCommand::Export(args) => reservoir::export(&ws, &args),
        },
        Command::Bilevel { command } => match command {
            BilevelCommand::Run(args) => bilevel::run_command(&ws, &args),
            BilevelCommand::Show { name } => bilevel::show(&ws, &name),
        },
        Command::Bench { command } => match command {
            BenchCommand::Generation(args) => bench::generation(&ws, &args),
            BenchCommand::Reservoir(args) => bench_reservoir::reservoir(&args),
        },
    }
}

pub fn build_info() -> evolab_culture::BuildInfo {
    let commit = env!("EVOLAB_GIT_COMMIT");
    evolab_culture::BuildInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        git_commit: (!commit.is_empty()).then(|| commit.to_string()),
    }
}
