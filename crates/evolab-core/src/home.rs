//! Where a workspace (run store, exports) lives: `--home DIR`, else `EVOLAB_HOME`, else the
//! XDG data directory.

use std::path::{Path, PathBuf};

pub const HOME_ENV: &str = "EVOLAB_HOME";

pub fn resolve_home(flag: Option<&Path>) -> PathBuf {
    if let Some(dir) = flag {
        return dir.to_path_buf();
    }
    if let Some(dir) = std::env::var_os(HOME_ENV).filter(|v| !v.is_empty()) {
        return PathBuf::from(dir);
    }
    directories::ProjectDirs::from("", "", "evolab")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".evolab-home"))
}

/// The run store file inside a workspace.
pub fn store_path(home: &Path) -> PathBuf {
    home.join("evolab.sqlite")
}
