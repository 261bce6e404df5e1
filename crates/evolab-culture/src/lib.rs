//! LLM populations: culture (agents on social networks rewriting each other's stories) and
//! telephone (transmission chains), on any evolab LLM engine.

pub mod config;
pub mod culture;
pub mod network;
pub mod per_agent;
pub mod population;
pub mod prompts;
pub mod render;
pub mod runner;
pub mod session;
pub mod telephone;

pub use config::{RunConfig, System};
pub use runner::{RunError, RunObserver};
pub use session::{BuildInfo, Manifest};
