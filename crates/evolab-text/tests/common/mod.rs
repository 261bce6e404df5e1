//! Shared by the tests that compare evolab's scorers with the Python reference packages:
//! the fetched data directory and a private virtual environment with pinned packages.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

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

/// A Python interpreter in a virtual environment that has exactly `requirements` installed
/// (pinned `name==version` lines). Environments are cached under the target directory,
/// keyed by their requirements.
pub fn python(requirements: &[&str]) -> PathBuf {
    let _guard = SETUP.lock().unwrap_or_else(|e| e.into_inner());
    let key: String = Sha256::digest(requirements.join("\n").as_bytes())
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect();
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("pyenv-{key}"));
    let python = venv.join("bin").join("python");
    let ready = venv.join(".evolab-ready");
    if ready.is_file() {
        return python;
    }
    let _ = std::fs::remove_dir_all(&venv);
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv));
    run(Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-cache-dir",
            "--disable-pip-version-check",
        ])
        .args(requirements));
    std::fs::write(&ready, requirements.join("\n")).unwrap();
    python
}

/// Runs `script` (a path relative to this crate) with `python`, feeding `input` on stdin,
/// and returns its standard output.
pub fn run_script(python: &Path, script: &str, input: &str) -> String {
    run_script_with_args(python, script, &[], input)
}

/// [`run_script`] with command-line arguments for the script.
pub fn run_script_with_args(python: &Path, script: &str, args: &[&str], input: &str) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(script);
    let mut child = Command::new(python)
        .arg(&script)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", script.display()));
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "{} failed: {}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
