//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "evolab",
    version,
    about = "Run, resume and export the lab's experiments: LLM populations (culture, telephone) and evolving reservoirs for PPO"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args)]
pub struct Global {
    /// Workspace directory holding the run store [default: $EVOLAB_HOME, else the XDG data dir]
    #[arg(long, global = true, value_name = "DIR")]
    pub home: Option<PathBuf>,
    /// Where registry models are cached [default: $EVOLAB_MODELS, else the XDG cache dir]
    #[arg(long, global = true, value_name = "DIR")]
    pub models_dir: Option<PathBuf>,
    /// Where lexicons and scorer weights are cached [default: $EVOLAB_DATA, else the XDG cache dir]
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Start a run from a config file or a preset
    Run(RunArgs),
    /// Finish an interrupted run; finished calls are replayed, not repeated
    Resume {
        /// Run id (see `evolab list`)
        run: String,
    },
    /// List the runs of the workspace
    List,
    /// Print a run's texts by generation and agent
    Show(ShowArgs),
    /// Write a run's texts as JSONL, CSV or Parquet (one row per text)
    Export(ExportArgs),
    /// List the built-in presets
    Presets,
    /// Manage model files
    Model {
        #[command(subcommand)]
        command: ModelCommand,
    },
    /// Measure a run's texts and write figures, tables and a report
    Analyze(AnalyzeArgs),
    /// Analyse several runs of one system together and overlay them
    Compare(CompareArgs),
    /// Score texts from a file or standard input; one JSON line of metrics per text
    Score(ScoreArgs),
    /// Manage lexicons and scorer weights used by the text metrics
    Data {
        #[command(subcommand)]
        command: DataCommand,
    },
    /// Reinforcement-learning environments with gymnasium's dynamics
    Env {
        #[command(subcommand)]
        command: EnvCommand,
    },
    /// Train PPO on an environment (plain, through reservoirs, or with frame stacking)
    Rl {
        #[command(subcommand)]
        command: RlCommand,
    },
    /// Evolve echo-state reservoirs for PPO and test the winners (arXiv:2312.06695)
    Reservoir {
        #[command(subcommand)]
        command: ReservoirCommand,
    },
    /// From data to rewards: rewards learned as the outer level of likelihood training (arXiv:2510.07624)
    Bilevel {
        #[command(subcommand)]
        command: BilevelCommand,
    },
    /// Measure generation throughput
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
}

#[derive(Args)]
pub struct RunArgs {
    /// Experiment config (TOML)
    #[arg(required_unless_present = "preset", conflicts_with = "preset")]
    pub config: Option<PathBuf>,
    /// Run a built-in preset instead (`evolab presets` lists them)
    #[arg(long)]
    pub preset: Option<String>,
    /// Override the config's master seed
    #[arg(long)]
    pub seed: Option<u64>,
    /// Check the config and print the resolved version without running anything
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Args)]
pub struct ShowArgs {
    pub run: String,
    /// Only this generation
    #[arg(long)]
    pub generation: Option<u32>,
    /// Only this repetition
    #[arg(long)]
    pub repetition: Option<u32>,
    /// Only this agent (telephone: chain)
    #[arg(long)]
    pub agent: Option<u32>,
    /// Also print the prompt sent for each text
    #[arg(long)]
    pub prompts: bool,
    /// Print the manifest and resolved config instead of the texts
    #[arg(long)]
    pub manifest: bool,
}

#[derive(Args)]
pub struct ExportArgs {
    pub run: String,
    /// jsonl, csv or parquet
    #[arg(long, default_value = "jsonl")]
    pub format: String,
    /// Output file [default: <home>/exports/<run>.<format>]
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum ModelCommand {
    /// Download, assemble and verify a registry model (default: the embedded default)
    Fetch { name: Option<String> },
    /// List registry models and whether they are installed
    List,
}

#[derive(Args)]
pub struct AnalyzeArgs {
    /// Run id (see `evolab list`)
    pub run: String,
    #[command(flatten)]
    pub options: AnalysisArgs,
}

#[derive(Args)]
pub struct CompareArgs {
    /// Run ids, two or more
    #[arg(num_args = 2.., required = true)]
    pub runs: Vec<String>,
    #[command(flatten)]
    pub options: AnalysisArgs,
}

#[derive(Args)]
pub struct AnalysisArgs {
    /// Report folder [default: <home>/analyses/<run>]
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Metrics to compute, comma-separated [default: the paper's metrics for the system]
    #[arg(long, value_delimiter = ',')]
    pub metrics: Option<Vec<String>>,
    /// A BERT toxicity classifier directory to use instead of the default
    #[arg(long, value_name = "DIR")]
    pub toxicity_model: Option<PathBuf>,
    /// Skip sentence embeddings (embedding similarity and the creativity index)
    #[arg(long)]
    pub no_embeddings: bool,
    /// Measure texts as generated instead of removing hashtags first, as the papers do
    #[arg(long)]
    pub keep_hashtags: bool,
    /// Intermediate generation of the telephone attractor fits (the paper's generation 10)
    #[arg(long, default_value_t = 10)]
    pub predict_generation: usize,
    /// Bootstrap resamples for the attractor intervals
    #[arg(long, default_value_t = 2000)]
    pub bootstrap: usize,
    /// Also draw the original code's inflated within-generation similarity
    #[arg(long)]
    pub legacy: bool,
    /// Recompute even if the store holds this analysis already
    #[arg(long)]
    pub refresh: bool,
    /// Scoring threads [default: the available cores]
    #[arg(long)]
    pub threads: Option<usize>,
}

#[derive(Subcommand)]
pub enum DataCommand {
    /// Download and verify data files (default: all of them)
    Fetch {
        names: Vec<String>,
        /// Download again even if the files are present and verified
        #[arg(long)]
        force: bool,
    },
    /// List the data files and whether they are installed
    List,
}

#[derive(Args)]
pub struct ScoreArgs {
    /// Input file; `-` or nothing reads standard input
    pub input: Option<PathBuf>,
    /// Input layout: one text per line, or JSONL with a "text" field [default: guessed]
    #[arg(long, value_enum)]
    pub format: Option<InputFormat>,
    /// Metrics to compute, comma-separated (`evolab score --list` shows them)
    #[arg(long, value_delimiter = ',')]
    pub metrics: Option<Vec<String>>,
    /// List the available metrics and exit
    #[arg(long)]
    pub list: bool,
    /// Score texts as given instead of removing hashtags first, as the papers do
    #[arg(long)]
    pub keep_hashtags: bool,
    /// Output file [default: standard output]
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Scoring threads [default: the available cores]
    #[arg(long)]
    pub threads: Option<usize>,
    /// A BERT toxicity classifier directory (config.json, tokenizer.json, model.safetensors) to use instead of the default
    #[arg(long, value_name = "DIR")]
    pub toxicity_model: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    Lines,
    Jsonl,
}

#[derive(Subcommand)]
pub enum EnvCommand {
    /// List the environments with their action spaces, time limits and velocity entries
    List,
    /// Play actions from a file from a seeded reset and print the trajectory as JSONL
    Rollout(RolloutArgs),
}

#[derive(Args)]
pub struct RolloutArgs {
    /// Environment id, e.g. CartPole-v1 (`evolab env list`)
    pub env: String,
    /// Seed of the reset, as gymnasium's `env.reset(seed=SEED)`
    #[arg(long)]
    pub seed: u64,
    /// One action per line: an integer for discrete environments, numbers separated by
    /// spaces or commas (or a JSON array) for continuous ones; `-` reads standard input
    #[arg(long)]
    pub actions: PathBuf,
    /// Hide the velocity entries of the observation: deleted (as the paper does) or zeroed
    #[arg(long, value_enum)]
    pub hide_velocities: Option<HideVelocities>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum HideVelocities {
    Delete,
    Zero,
}

#[derive(Subcommand)]
pub enum RlCommand {
    /// Train once, printing the learning curve and the final deterministic evaluation
    Train(TrainArgs),
}

#[derive(Args)]
pub struct TrainArgs {
    /// Experiment file (TOML); its [env], [reservoir], [ppo] and [training] sections are used
    #[arg(conflicts_with = "preset")]
    pub config: Option<PathBuf>,
    /// Start from a reservoir preset's settings (`evolab presets` lists them)
    #[arg(long)]
    pub preset: Option<String>,
    /// Environment id, e.g. CartPole-v1 (`evolab env list`)
    #[arg(long)]
    pub env: Option<String>,
    /// Training steps (rounded up to whole rollouts)
    #[arg(long)]
    pub steps: Option<u64>,
    /// Seed of the environment, the reservoir topology and PPO
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Hide the velocity entries: delete them (the paper's protocol), zero them, or none
    #[arg(long, value_enum)]
    pub hide_velocities: Option<HideVelocitiesArg>,
    /// Put a reservoir between environment and policy (settings from the file or defaults)
    #[arg(long)]
    pub reservoir: bool,
    /// Reservoir units (implies --reservoir)
    #[arg(long)]
    pub units: Option<usize>,
    /// Reservoir spectral radius (implies --reservoir)
    #[arg(long)]
    pub spectral_radius: Option<f64>,
    /// Reservoir leak rate in (0, 1] (implies --reservoir)
    #[arg(long)]
    pub leak_rate: Option<f64>,
    /// Reservoir input scaling (implies --reservoir)
    #[arg(long)]
    pub input_scaling: Option<f64>,
    /// Reservoir arithmetic: f64 (the original's) or f32 (implies --reservoir)
    #[arg(long, value_enum)]
    pub precision: Option<PrecisionArg>,
    /// Stack the last K observations instead (the memory baseline)
    #[arg(long, value_name = "K", conflicts_with_all = ["reservoir", "units", "spectral_radius", "leak_rate", "input_scaling", "precision"])]
    pub frame_stack: Option<usize>,
    /// Environments stepped together
    #[arg(long)]
    pub n_envs: Option<usize>,
    /// Adam learning rate
    #[arg(long)]
    pub learning_rate: Option<f32>,
    /// Discount factor
    #[arg(long)]
    pub gamma: Option<f32>,
    /// Steps per environment in each rollout
    #[arg(long)]
    pub n_steps: Option<usize>,
    /// Deterministic evaluation episodes after training
    #[arg(long)]
    pub eval_episodes: Option<usize>,
    /// Write the training episodes (step, return, length) as CSV
    #[arg(long, value_name = "FILE")]
    pub curve: Option<PathBuf>,
    /// Print the outcome as one JSON object instead of the table
    #[arg(long)]
    pub json: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PrecisionArg {
    F64,
    F32,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum HideVelocitiesArg {
    None,
    Delete,
    Zero,
}

#[derive(Subcommand)]
pub enum ReservoirCommand {
    /// Start a study: evolve reservoir hyperparameters with CMA-ES (or random search)
    Evolve(EvolveArgs),
    /// Continue an interrupted study; recorded trials are replayed, not retrained
    Resume {
        /// Study name (`evolab reservoir list`)
        name: String,
        /// Training runs in parallel [default: the study's setting]
        #[arg(long)]
        workers: Option<usize>,
    },
    /// Retrain the best trials on held-out seeds against baselines, with figures
    Test(TestArgs),
    /// List the studies of the workspace
    List,
    /// Print a study's trials, best first, and redraw its figures
    Show {
        /// Study name (`evolab reservoir list`)
        name: String,
        /// How many trials to print
        #[arg(long, default_value_t = 10)]
        top: usize,
    },
    /// Write a study's trials and learning curves as CSV, JSONL or Parquet
    Export(StudyExportArgs),
}

#[derive(Args)]
pub struct EvolveArgs {
    /// Experiment file (TOML)
    #[arg(required_unless_present = "preset", conflicts_with = "preset")]
    pub config: Option<PathBuf>,
    /// A built-in study (`evolab presets` lists them)
    #[arg(long)]
    pub preset: Option<String>,
    /// Study name [default: the preset or file name with the date and time]
    #[arg(long)]
    pub name: Option<String>,
    /// Override the number of trials
    #[arg(long)]
    pub trials: Option<usize>,
    /// Override the training steps of each run
    #[arg(long)]
    pub steps: Option<u64>,
    /// Training runs in parallel [default: one per core]
    #[arg(long)]
    pub workers: Option<usize>,
    /// Check the configuration and print it resolved, without training
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Args)]
pub struct TestArgs {
    /// Study name (`evolab reservoir list`)
    pub name: String,
    /// How many of the best trials to retrain [default: the study's test.top_k]
    #[arg(long)]
    pub top_k: Option<usize>,
    /// Held-out seeds, comma-separated [default: the study's test.seeds]
    #[arg(long, value_delimiter = ',')]
    pub seeds: Option<Vec<u64>>,
    /// Training steps of the test runs [default: the study's]
    #[arg(long)]
    pub steps: Option<u64>,
    /// Training runs in parallel [default: one per core]
    #[arg(long)]
    pub workers: Option<usize>,
}

#[derive(Args)]
pub struct StudyExportArgs {
    /// Study name (`evolab reservoir list`)
    pub name: String,
    /// jsonl, csv or parquet
    #[arg(long, default_value = "csv")]
    pub format: String,
    /// Output folder [default: <home>/exports/<study>]
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum BilevelCommand {
    /// Run an experiment from a file or a preset: theory, linear, classification, dynamics-pendulum, dynamics-cartpole
    Run(BilevelRunArgs),
    /// Print a finished run's summary
    Show {
        /// Run name (a folder of <home>/bilevel)
        name: String,
    },
}

#[derive(Args)]
pub struct BilevelRunArgs {
    /// Experiment file (TOML)
    #[arg(conflicts_with = "preset")]
    pub config: Option<PathBuf>,
    /// A built-in experiment (`evolab presets`)
    #[arg(long)]
    pub preset: Option<String>,
    /// Run name [default: the preset or file name with the date and time]
    #[arg(long)]
    pub name: Option<String>,
    /// Override the seeds, comma-separated
    #[arg(long, value_delimiter = ',')]
    pub seeds: Option<Vec<u64>>,
}

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Tokens/s of one culture generation, batched versus one request at a time
    Generation(BenchArgs),
    /// Reservoir updates per second, float64 and float32
    Reservoir(BenchReservoirArgs),
}

#[derive(Args)]
pub struct BenchReservoirArgs {
    /// Reservoir units
    #[arg(long, default_value_t = 100)]
    pub units: usize,
    /// Updates to time
    #[arg(long, default_value_t = 1_000_000)]
    pub steps: usize,
}

#[derive(Args)]
pub struct BenchArgs {
    /// Agent counts to measure, comma-separated
    #[arg(long, value_delimiter = ',', default_value = "1,4,16,32")]
    pub agents: Vec<u32>,
    /// Tokens generated per agent
    #[arg(long, default_value_t = 64)]
    pub max_tokens: u32,
    /// llama.cpp threads
    #[arg(long, default_value_t = 1)]
    pub threads: u32,
    /// Context per sequence, in tokens
    #[arg(long, default_value_t = 2048)]
    pub context: u32,
    /// Which modes to run
    #[arg(long, value_enum, default_value = "both")]
    pub mode: BenchMode,
    /// Model (registry name or .gguf path)
    #[arg(long, default_value = "gemma3-270m")]
    pub model: String,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BenchMode {
    Batched,
    Sequential,
    Both,
}
