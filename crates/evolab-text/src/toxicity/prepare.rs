//! One-time conversion of tox-block's Keras files (HDF5 weights, pickled tokenizer) into the
//! safetensors and JSON files the Rust scorer reads.
//!
//! Reading HDF5 and pickles from Rust would need heavy native dependencies, so the conversion
//! runs the embedded `convert_tox_block.py` with the system's `python3`, which needs only h5py
//! and numpy. When those are not importable they are installed, at pinned versions, into
//! `<data_dir>/.pylib` rather than into the user's Python.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use evolab_core::wheels;

use crate::{assets, TextError};

use super::tox_block::{TOX_BLOCK_DIR, VOCAB_FILE, WEIGHTS_FILE};

const CONVERTER: &str = include_str!("convert_tox_block.py");
/// The `format` the converter writes; older converted files are converted again.
pub(crate) const CONVERTED_FORMAT: &str = "1";
const MODEL_LOCAL: &str = "tox-block-0.1.2/lstm_model_0.1.2.h5";
const ENCODER_LOCAL: &str = "tox-block-0.1.2/encoder_0.1.2.pkl";
const PYLIB: &str = ".pylib";

/// Converts the fetched tox-block files in `data_dir` for [`super::ToxBlock::load`], unless
/// that was already done. Needs `python3`; installs h5py and numpy into `<data_dir>/.pylib`
/// with pip when they are missing.
pub fn prepare_tox_block(data_dir: &Path, log: &mut dyn FnMut(&str)) -> Result<(), TextError> {
    let dir = data_dir.join(TOX_BLOCK_DIR);
    if is_converted(&dir) {
        return Ok(());
    }
    assets::require(data_dir, MODEL_LOCAL)?;
    assets::require(data_dir, ENCODER_LOCAL)?;
    let python = "python3";
    let pythonpath = python_with_h5py(python, data_dir, log)?;

    let mut script = tempfile::Builder::new()
        .prefix(".convert_tox_block-")
        .suffix(".py")
        .tempfile_in(&dir)
        .map_err(|e| setup(format!("writing the converter into {}: {e}", dir.display())))?;
    script
        .write_all(CONVERTER.as_bytes())
        .map_err(|e| setup(format!("writing {}: {e}", script.path().display())))?;
    log(&format!(
        "converting tox-block's Keras model in {} for evolab",
        dir.display()
    ));
    let mut cmd = Command::new(python);
    cmd.arg(script.path()).arg(&dir);
    set_pythonpath(&mut cmd, pythonpath.as_deref());
    let out = run(&mut cmd, python)?;
    if !out.status.success() {
        return Err(setup(format!(
            "converting tox-block's Keras files failed: {}",
            wheels::tail(String::from_utf8_lossy(&out.stderr).trim(), 2000)
        )));
    }
    if !is_converted(&dir) {
        return Err(setup(format!(
            "the tox-block converter finished but {} and {} are not both in {}",
            WEIGHTS_FILE,
            VOCAB_FILE,
            dir.display()
        )));
    }
    log(&format!(
        "tox-block is converted: {}",
        String::from_utf8_lossy(&out.stdout).trim()
    ));
    Ok(())
}

/// Whether both converted files exist and the weights declare the current format; reads only
/// the safetensors header.
fn is_converted(dir: &Path) -> bool {
    if !dir.join(VOCAB_FILE).is_file() {
        return false;
    }
    let Ok(mut file) = std::fs::File::open(dir.join(WEIGHTS_FILE)) else {
        return false;
    };
    let mut len = [0u8; 8];
    if file.read_exact(&mut len).is_err() {
        return false;
    }
    let len = u64::from_le_bytes(len);
    if len > 1 << 20 {
        return false;
    }
    let mut header = Vec::new();
    if file.take(len).read_to_end(&mut header).is_err() {
        return false;
    }
    serde_json::from_slice::<serde_json::Value>(&header)
        .ok()
        .and_then(|h| h["__metadata__"]["format"].as_str().map(str::to_owned))
        .is_some_and(|f| f == CONVERTED_FORMAT)
}

fn setup(message: String) -> TextError {
    TextError::Fetch(message)
}

fn run(cmd: &mut Command, python: &str) -> Result<Output, TextError> {
    cmd.output().map_err(|e| {
        setup(format!(
            "converting tox-block's Keras files needs Python 3 (`{python}`), which could not be run: {e}. Install Python 3 and retry"
        ))
    })
}

fn set_pythonpath(cmd: &mut Command, extra: Option<&Path>) {
    if let Some(extra) = extra {
        let mut paths = vec![extra.to_path_buf()];
        if let Some(old) = std::env::var_os("PYTHONPATH") {
            paths.extend(std::env::split_paths(&old));
        }
        cmd.env(
            "PYTHONPATH",
            std::env::join_paths(paths).unwrap_or_else(|_| OsString::from(extra)),
        );
    }
}

fn imports_h5py(python: &str, extra: Option<&Path>) -> Result<bool, TextError> {
    let mut cmd = Command::new(python);
    cmd.args(["-c", "import h5py, numpy"]);
    set_pythonpath(&mut cmd, extra);
    Ok(run(&mut cmd, python)?.status.success())
}

/// Finds or makes a Python path where h5py and numpy import: `None` when the interpreter
/// already has them.
fn python_with_h5py(
    python: &str,
    data_dir: &Path,
    log: &mut dyn FnMut(&str),
) -> Result<Option<PathBuf>, TextError> {
    if imports_h5py(python, None)? {
        return Ok(None);
    }
    let pylib = data_dir.join(PYLIB);
    if pylib.is_dir() && imports_h5py(python, Some(&pylib))? {
        return Ok(Some(pylib));
    }
    let pins = pins_for(python_version(python)?)?;
    log(&format!(
        "installing {} into {} to read tox-block's Keras files",
        pins.join(" "),
        pylib.display()
    ));
    let staging = tempfile::Builder::new()
        .prefix(".pylib-")
        .tempdir_in(data_dir)
        .map_err(|e| {
            setup(format!(
                "creating a directory in {}: {e}",
                data_dir.display()
            ))
        })?;
    let out = run(
        Command::new(python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--no-input",
                "--only-binary=:all:",
                "--target",
            ])
            .arg(staging.path())
            .args(pins),
        python,
    )?;
    if !out.status.success() {
        return Err(setup(format!(
            "installing {} with `{python} -m pip` failed; install h5py and numpy for {python} yourself (pip, or your system's python3-h5py package) and retry: {}",
            pins.join(" "),
            wheels::tail(String::from_utf8_lossy(&out.stderr).trim(), 1500)
        )));
    }
    if pylib.exists() {
        std::fs::remove_dir_all(&pylib)
            .map_err(|e| setup(format!("replacing {}: {e}", pylib.display())))?;
    }
    std::fs::rename(staging.keep(), &pylib)
        .map_err(|e| setup(format!("moving h5py into {}: {e}", pylib.display())))?;
    if !imports_h5py(python, Some(&pylib))? {
        return Err(setup(format!(
            "h5py and numpy were installed into {} but `{python}` still cannot import them; install them for {python} yourself and retry",
            pylib.display()
        )));
    }
    Ok(Some(pylib))
}

fn python_version(python: &str) -> Result<(u32, u32), TextError> {
    let out = run(
        Command::new(python).args([
            "-c",
            "import sys; print(sys.version_info[0], sys.version_info[1])",
        ]),
        python,
    )?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.split_whitespace().map(str::parse::<u32>);
    match (parts.next(), parts.next()) {
        (Some(Ok(major)), Some(Ok(minor))) if out.status.success() => Ok((major, minor)),
        _ => Err(setup(format!(
            "could not tell which version `{python}` is: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))),
    }
}

/// h5py and numpy versions that have binary wheels for this Python.
fn pins_for((major, minor): (u32, u32)) -> Result<&'static [&'static str], TextError> {
    match (major, minor) {
        (3, 9) => Ok(&["h5py==3.12.1", "numpy==1.26.4"]),
        (3, 10..=13) => Ok(&["h5py==3.12.1", "numpy==2.1.3"]),
        (3, 14..) => Ok(&["h5py==3.15.1", "numpy==2.3.5"]),
        _ => Err(setup(format!(
            "converting tox-block's Keras files needs Python 3.9 or newer, found {major}.{minor}; install a newer python3, or h5py and numpy for it"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_cover_supported_pythons() {
        assert!(pins_for((3, 8)).is_err());
        assert!(pins_for((2, 7)).is_err());
        for minor in 9..=15 {
            let pins = pins_for((3, minor)).unwrap();
            assert!(pins.iter().any(|p| p.starts_with("h5py==")));
            assert!(pins.iter().any(|p| p.starts_with("numpy==")));
        }
    }

    #[test]
    fn missing_keras_files_name_the_fetch_command() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(TOX_BLOCK_DIR)).unwrap();
        let err = prepare_tox_block(dir.path(), &mut |_| {})
            .unwrap_err()
            .to_string();
        assert!(err.contains("evolab data fetch tox-block"), "{err}");
    }

    #[test]
    fn stale_or_partial_conversions_are_redone() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        assert!(!is_converted(d));
        std::fs::write(d.join(VOCAB_FILE), "{}").unwrap();
        let header = |format: &str| {
            let json = format!(r#"{{"__metadata__":{{"format":"{format}"}}}}"#);
            let mut bytes = (json.len() as u64).to_le_bytes().to_vec();
            bytes.extend_from_slice(json.as_bytes());
            bytes
        };
        std::fs::write(d.join(WEIGHTS_FILE), header("0")).unwrap();
        assert!(!is_converted(d));
        std::fs::write(d.join(WEIGHTS_FILE), header(CONVERTED_FORMAT)).unwrap();
        assert!(is_converted(d));
        std::fs::write(d.join(WEIGHTS_FILE), b"\xff\xff\xff\xff\xff\xff\xff\xff").unwrap();
        assert!(!is_converted(d));
    }
}
