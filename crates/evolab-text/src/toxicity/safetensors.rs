//! Reads the little f32 safetensors files the converters write.
//!
//! The format is an 8-byte little-endian header length, a JSON header naming each tensor's
//! dtype, shape and byte range, then the raw buffers. Parsing it here keeps the crate free of
//! another dependency for a few dozen lines.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::TextError;

/// One f32 tensor, row-major.
#[derive(Debug, Clone)]
pub struct Tensor {
    pub shape: Vec<usize>,
    pub data: Vec<f32>,
}

/// Every tensor of a file, by name, plus its `__metadata__` strings.
#[derive(Debug)]
pub struct TensorFile {
    path: PathBuf,
    pub tensors: HashMap<String, Tensor>,
    pub metadata: HashMap<String, String>,
}

#[derive(Deserialize)]
struct Entry {
    dtype: String,
    shape: Vec<usize>,
    data_offsets: [usize; 2],
}

impl TensorFile {
    pub fn read(path: &Path) -> Result<Self, TextError> {
        let bytes = std::fs::read(path).map_err(|e| bad(path, e.to_string()))?;
        Self::parse(path, &bytes)
    }

    fn parse(path: &Path, bytes: &[u8]) -> Result<Self, TextError> {
        let (len_bytes, rest) = bytes
            .split_first_chunk::<8>()
            .ok_or_else(|| bad(path, "shorter than a safetensors header".into()))?;
        let header_len = usize::try_from(u64::from_le_bytes(*len_bytes))
            .ok()
            .filter(|&n| n <= rest.len())
            .ok_or_else(|| bad(path, "header length runs past the end of the file".into()))?;
        let (header, buffer) = rest.split_at(header_len);
        let mut entries: HashMap<String, serde_json::Value> = serde_json::from_slice(header)
            .map_err(|e| bad(path, format!("header is not a JSON object: {e}")))?;
        let metadata = match entries.remove("__metadata__") {
            None => HashMap::new(),
            Some(m) => serde_json::from_value(m)
                .map_err(|e| bad(path, format!("__metadata__ is not string to string: {e}")))?,
        };
        let mut tensors = HashMap::with_capacity(entries.len());
        for (name, value) in entries {
            let entry: Entry = serde_json::from_value(value)
                .map_err(|e| bad(path, format!("tensor {name}: {e}")))?;
            if entry.dtype != "F32" {
                return Err(bad(
                    path,
                    format!("tensor {name} is {}, expected F32", entry.dtype),
                ));
            }
            let [start, end] = entry.data_offsets;
            let count = entry
                .shape
                .iter()
                .try_fold(1usize, |n, &d| n.checked_mul(d));
            let raw = buffer
                .get(start..end)
                .filter(|raw| count.and_then(|n| n.checked_mul(4)) == Some(raw.len()))
                .ok_or_else(|| {
                    bad(
                        path,
                        format!("tensor {name}: byte range {start}..{end} does not fit its shape {:?} inside the file", entry.shape),
                    )
                })?;
            let data = raw
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect();
            tensors.insert(
                name,
                Tensor {
                    shape: entry.shape,
                    data,
                },
            );
        }
        Ok(TensorFile {
            path: path.to_path_buf(),
            tensors,
            metadata,
        })
    }

    /// Takes the tensor `name` out of the file, checking that it has `shape` and only finite
    /// values.
    pub fn take(&mut self, name: &str, shape: &[usize]) -> Result<Vec<f32>, TextError> {
        let tensor = self
            .tensors
            .remove(name)
            .ok_or_else(|| bad(&self.path, format!("no tensor named {name}")))?;
        if tensor.shape != shape {
            return Err(bad(
                &self.path,
                format!(
                    "tensor {name} has shape {:?}, expected {shape:?}",
                    tensor.shape
                ),
            ));
        }
        if tensor.data.iter().any(|v| !v.is_finite()) {
            return Err(bad(
                &self.path,
                format!("tensor {name} holds NaN or infinite values"),
            ));
        }
        Ok(tensor.data)
    }

    /// A file's content built in memory, for tests of the code that reads it.
    #[cfg(test)]
    pub(crate) fn in_memory(
        tensors: HashMap<String, Tensor>,
        metadata: HashMap<String, String>,
    ) -> Self {
        TensorFile {
            path: PathBuf::from("(in memory)"),
            tensors,
            metadata,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn bad(path: &Path, reason: String) -> TextError {
    TextError::BadData {
        path: path.to_path_buf(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(header: &str, buffer: &[u8]) -> Vec<u8> {
        let mut out = (header.len() as u64).to_le_bytes().to_vec();
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(buffer);
        out
    }

    #[test]
    fn reads_tensors_and_metadata() {
        let mut buffer = Vec::new();
        for v in [1.5f32, -2.0, 0.25, 8.0, 3.0] {
            buffer.extend_from_slice(&v.to_le_bytes());
        }
        let header = r#"{"__metadata__":{"format":"1"},"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[1],"data_offsets":[16,20]}}"#;
        let mut f = TensorFile::parse(Path::new("x"), &file(header, &buffer)).unwrap();
        assert_eq!(f.metadata["format"], "1");
        assert_eq!(f.take("a", &[2, 2]).unwrap(), vec![1.5, -2.0, 0.25, 8.0]);
        assert_eq!(f.take("b", &[1]).unwrap(), vec![3.0]);
        assert!(f.take("a", &[2, 2]).is_err(), "a tensor is taken once");
    }

    #[test]
    fn rejects_broken_files() {
        let p = Path::new("x");
        assert!(TensorFile::parse(p, b"abc").is_err());
        assert!(TensorFile::parse(p, &file("{", b"")).is_err());
        let mut too_long = file("{}", b"");
        too_long[0] = 200;
        assert!(TensorFile::parse(p, &too_long).is_err());
        let overrun = r#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#;
        assert!(TensorFile::parse(p, &file(overrun, &[0; 8])).is_err());
        let wrong_size = r#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#;
        assert!(TensorFile::parse(p, &file(wrong_size, &[0; 8])).is_err());
        let f16 = r#"{"a":{"dtype":"F16","shape":[4],"data_offsets":[0,8]}}"#;
        assert!(TensorFile::parse(p, &file(f16, &[0; 8])).is_err());
        let huge = r#"{"a":{"dtype":"F32","shape":[4611686018427387904,8],"data_offsets":[0,8]}}"#;
        assert!(TensorFile::parse(p, &file(huge, &[0; 8])).is_err());
    }

    #[test]
    fn rejects_wrong_shapes_and_nan() {
        let mut buffer = Vec::new();
        for v in [1.0f32, f32::NAN] {
            buffer.extend_from_slice(&v.to_le_bytes());
        }
        let header = r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#;
        let bytes = file(header, &buffer);
        let mut f = TensorFile::parse(Path::new("x"), &bytes).unwrap();
        assert!(f.take("a", &[1, 2]).is_err());
        let mut f = TensorFile::parse(Path::new("x"), &bytes).unwrap();
        let err = f.take("a", &[2]).unwrap_err().to_string();
        assert!(err.contains("NaN"), "{err}");
    }
}
