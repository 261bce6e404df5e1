//! Helpers for the tests that compare evolab with the Python packages it reproduces
//! (textstat, NLTK, Keras, gymnasium, ...): a private virtual environment per pinned
//! requirement list, and a way to run a reference script in it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

static SETUP: Mutex<()> = Mutex::new(());

/// A Python interpreter in a virtual environment under `dir` that has exactly `requirements`
/// installed (pinned `name==version` lines). Environments are keyed by their requirements,
/// so tests of different crates that pin the same packages share one. Pass the test's
/// `env!("CARGO_TARGET_TMPDIR")` as `dir`.
pub fn python(dir: &Path, requirements: &[&str]) -> PathBuf {
    let _guard = SETUP.lock().unwrap_or_else(|e| e.into_inner());
    let key: String = Sha256::digest(requirements.join("\n").as_bytes())
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect();
    let venv = dir.join(format!("pyenv-{key}"));
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

/// Runs `script` with `python` and `args`, feeding `input` on stdin, and returns its
/// standard output; panics with the script's standard error when it fails.
pub fn run_script(python: &Path, script: &Path, args: &[&str], input: &str) -> String {
    let mut child = Command::new(python)
        .arg(script)
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
