//! Foundation shared by every evolab system: config files, seed derivation, the workspace
//! and its run store, and exports.

pub mod config_file;
pub mod digest;
pub mod export;
pub mod home;
pub mod seeds;
pub mod store;
pub mod table;
pub mod wheels;

pub use config_file::{load_toml, parse_toml, ConfigError};
pub use store::{AgentRow, NewRun, RunRecord, RunStatus, RunStore, StoreError, TextRow};
