mod analyze;
mod bench;
mod data;
mod env;
mod export;
mod inspect;
mod model;
mod run;
mod score;

use crate::cli::{BenchCommand, Cli, Command, DataCommand, EnvCommand, ModelCommand};
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
            for (name, text) in crate::presets::PRESETS {
                println!("{name:<22} {}", crate::presets::description(text));
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
        Command::Bench { command } => match command {
            BenchCommand::Generation(args) => bench::generation(&ws, &args),
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
