//! The one trait every engine implements.

use serde::{Deserialize, Serialize};

use crate::{Completion, LlmError, Request};

/// Identity and capabilities of an engine, recorded in every run manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineInfo {
    /// `embedded-llama.cpp` or `openai`.
    pub backend: String,
    /// Registry name, file name or the server's model id.
    pub model: String,
    /// sha256 of the model file, when the engine has the file.
    pub model_sha256: Option<String>,
    /// Whether the model ships a chat template (and so can take `Prompt::Chat`).
    pub chat_template: bool,
    /// How requests are grouped, e.g. `one context, up to 32 sequences` or
    /// `4 concurrent requests over 2 endpoints`: batching can change sampled tokens.
    pub batch_policy: String,
}

impl EngineInfo {
    /// The part of the identity that decides whether a cached completion is reusable.
    pub fn cache_identity(&self) -> String {
        match &self.model_sha256 {
            Some(sha) => format!("{}|sha256:{sha}", self.backend),
            None => format!("{}|model:{}", self.backend, self.model),
        }
    }
}

/// Receives events while a batch runs, so callers can show throughput and persist each
/// completion the moment it exists (a crash then loses no finished call).
pub trait BatchObserver: Sync {
    /// `count` more tokens were generated (over all sequences).
    fn tokens_generated(&self, _count: u64) {}
    /// Request `index` of the batch finished.
    fn completed(&self, _index: usize, _completion: &Completion) {}
}

/// An observer that ignores everything.
pub struct Silent;
impl BatchObserver for Silent {}

pub trait Engine: Send + Sync {
    fn info(&self) -> &EngineInfo;

    /// Generates all requests, batching as the engine sees fit. The result has one entry
    /// per request, in request order; one failed request does not discard the others.
    fn generate(
        &self,
        requests: &[Request],
        observer: &dyn BatchObserver,
    ) -> Vec<Result<Completion, LlmError>>;
}
