//! The workspace a command works in: the run store, the models and the data directories.

use std::path::PathBuf;

use anyhow::Context;
use evolab_core::{home, RunStore};

use crate::cli::Global;

pub struct Workspace {
    pub home: PathBuf,
    pub models_dir: PathBuf,
    pub data_dir: PathBuf,
}

impl Workspace {
    pub fn new(global: &Global) -> Self {
        Self {
            home: home::resolve_home(global.home.as_deref()),
            models_dir: global
                .models_dir
                .clone()
                .unwrap_or_else(evolab_llm::registry::default_models_dir),
            data_dir: global
                .data_dir
                .clone()
                .unwrap_or_else(evolab_text::assets::default_data_dir),
        }
    }

    pub fn store(&self) -> anyhow::Result<RunStore> {
        let path = home::store_path(&self.home);
        RunStore::open(&path).with_context(|| format!("opening the run store {}", path.display()))
    }
}
