//! Shared by the tests that compare evolab's scorers with the Python reference packages:
//! the fetched data directory and a private virtual environment with pinned packages.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Mutex;

static SETUP: Mutex<()> = Mutex::new(());

/// The data directory with `assets` fetched into it (once; later calls only check hashes).
pub fn data_dir(assets: &[&str]) -> PathBuf {
    let _guard = SETUP.lock().unwrap_or_else(|e| e.into_inner());
    let dir = evolab_text::assets::default_data_dir();
    for name in assets {
        let asset = evolab_text::assets::asset(name).unwrap_or_else(|| panic!("no asset {name}"));
        evolab_text::assets::fetch(asset, &dir, false, &mut |_| {})
            .unwrap_or_else(|e| panic!("fetching {name}: {e}"));
    }
    dir
}

/// A Python interpreter with exactly `requirements` installed (see [`evolab_testkit::python`]).
pub fn python(requirements: &[&str]) -> PathBuf {
    evolab_testkit::python(Path::new(env!("CARGO_TARGET_TMPDIR")), requirements)
}

/// Runs `script` (a path relative to this crate) with `python`, feeding `input` on stdin,
/// and returns its standard output.
pub fn run_script(python: &Path, script: &str, input: &str) -> String {
    run_script_with_args(python, script, &[], input)
}

/// [`run_script`] with command-line arguments for the script.
pub fn run_script_with_args(python: &Path, script: &str, args: &[&str], input: &str) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(script);
    evolab_testkit::run_script(python, &script, args, input)
}
