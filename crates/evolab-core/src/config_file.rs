//! Reading TOML configs with errors that name the file, the line and the field.

use std::path::Path;

use serde::de::DeserializeOwned;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config {path}: {io}")]
    Read { path: String, io: std::io::Error },
    /// toml's message already shows the line, the column, the offending text and, for an
    /// unknown field, the valid names.
    #[error("invalid config {path}:\n{message}")]
    Parse { path: String, message: String },
    #[error("invalid config {path}: {message}")]
    Invalid { path: String, message: String },
}

pub fn parse_toml<T: DeserializeOwned>(text: &str, origin: &str) -> Result<T, ConfigError> {
    toml::from_str(text).map_err(|e| ConfigError::Parse {
        path: origin.to_string(),
        message: e.to_string(),
    })
}

pub fn load_toml<T: DeserializeOwned>(path: &Path) -> Result<(T, String), ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|io| ConfigError::Read {
        path: path.display().to_string(),
        io,
    })?;
    let value = parse_toml(&text, &path.display().to_string())?;
    Ok((value, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        agents: u32,
        #[serde(default)]
        name: String,
    }

    #[test]
    fn parse_error_names_file_line_and_field() {
        let err = parse_toml::<Sample>("name = \"x\"\nagents = \"ten\"\n", "my.toml").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("my.toml"), "{text}");
        assert!(text.contains("line 2"), "{text}");
        assert!(text.contains("agents"), "{text}");
    }

    #[test]
    fn unknown_field_lists_valid_ones() {
        let err = parse_toml::<Sample>("agents = 3\nagnets = 4\n", "c.toml").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("agnets") && text.contains("agents"), "{text}");
    }
}
