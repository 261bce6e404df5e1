use std::path::PathBuf;

/// What went wrong while loading a scorer's data or scoring texts.
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    /// A data file has not been fetched yet.
    #[error("{what} is missing: {path} does not exist. Run `evolab data fetch` to install it, or set EVOLAB_DATA to the directory that holds it")]
    MissingData { what: String, path: PathBuf },
    /// A data file exists but cannot be used.
    #[error("{path}: {reason}. Run `evolab data fetch --force` to install it again")]
    BadData { path: PathBuf, reason: String },
    #[error("fetching data: {0}")]
    Fetch(String),
    /// The input given by the user cannot be scored.
    #[error("{0}")]
    Input(String),
}
