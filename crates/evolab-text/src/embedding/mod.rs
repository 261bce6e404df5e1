//! Sentence embeddings (all-MiniLM-L6-v2 or another BERT sentence model) and BERT
//! toxicity classifiers, run with candle on the CPU in f32.
//!
//! Only built with the `embeddings` feature: candle is a long build that the numeric
//! metrics do not need.

mod allocator;
mod batch;
mod checkpoint;
mod sentence;
mod toxicity;

use std::path::{Path, PathBuf};

pub use allocator::keep_freed_memory_for_reuse;
pub use sentence::{SentenceEncoder, DEFAULT_MAX_TOKENS};
pub use toxicity::BertToxicity;

/// The directory of the all-MiniLM-L6-v2 files fetched by `evolab data fetch minilm`.
pub fn minilm_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("all-minilm-l6-v2")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minilm_dir_holds_the_fetched_files() {
        let asset = crate::assets::asset("minilm").unwrap();
        let data = Path::new("/data");
        for file in asset.files {
            assert_eq!(
                data.join(file.local).parent().unwrap(),
                minilm_dir(data),
                "{}",
                file.local
            );
        }
    }

    #[test]
    fn missing_directory_and_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let err = SentenceEncoder::load(&dir.path().join("nope"))
            .err()
            .unwrap();
        assert!(err.to_string().contains("not a directory"), "{err}");
        let err = SentenceEncoder::load(dir.path()).err().unwrap();
        assert!(err.to_string().contains("config.json"), "{err}");
        std::fs::write(dir.path().join("config.json"), "{}").unwrap();
        std::fs::write(dir.path().join("tokenizer.json"), "{}").unwrap();
        std::fs::write(dir.path().join("model.safetensors"), "x").unwrap();
        let err = SentenceEncoder::load(dir.path()).err().unwrap();
        assert!(err.to_string().contains("not a BERT config"), "{err}");
        let err = BertToxicity::load(dir.path()).err().unwrap();
        assert!(err.to_string().contains("not a BERT config"), "{err}");
    }
}
