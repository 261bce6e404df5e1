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

/// A name that becomes a folder of the workspace (a study, a bilevel run): letters, digits,
/// '-', '_' and '.', not starting with '.', so that it can never leave its parent folder.
pub fn check_folder_name(kind: &str, name: &str) -> anyhow::Result<()> {
    let allowed = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if name.is_empty() || !allowed {
        anyhow::bail!("{kind} name {name:?}: use letters, digits, '-', '_' and '.' only");
    }
    if name.starts_with('.') {
        anyhow::bail!("{kind} name {name:?}: it must not start with '.'");
    }
    Ok(())
}

/// `base` followed by the UTC date and time, e.g. `theory-20261127-174301`: the default name
/// of a study or run.
pub fn timestamped_name(base: &str, rfc3339: &str) -> String {
    let stamp = rfc3339
        .replace([':', '-'], "")
        .trim_end_matches('Z')
        .replace('T', "-");
    format!("{base}-{stamp}")
}
