use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("model file {path} not found. {hint}")]
    ModelMissing { path: PathBuf, hint: String },
    #[error("could not load model {path}: {message}")]
    ModelLoad { path: PathBuf, message: String },
    #[error("this evolab was built without the embedded engine; rebuild with `--features embedded` or use an OpenAI-compatible server (engine = \"openai\")")]
    EmbeddedUnavailable,
    #[error("prompt of {tokens} tokens does not fit the context of {limit} tokens per sequence; raise `llm.embedded.context` or lower `llm.sampling.max_tokens`")]
    PromptTooLong { tokens: usize, limit: usize },
    #[error("{0}")]
    Unsupported(String),
    #[error("llama.cpp failed: {0}")]
    Decode(String),
    #[error("{endpoint}: gave up after {attempts} attempt(s): {message}")]
    Transport {
        endpoint: String,
        attempts: u32,
        message: String,
    },
    #[error("{endpoint}: HTTP {status} after {attempts} attempt(s): {body}")]
    Http {
        endpoint: String,
        status: u16,
        attempts: u32,
        body: String,
    },
    #[error("{endpoint}: malformed answer: {detail}")]
    Malformed { endpoint: String, detail: String },
    #[error("replay cache: {0}")]
    Cache(String),
    #[error("model fetch failed: {0}")]
    Fetch(String),
    #[error("invalid LLM configuration: {0}")]
    Config(String),
}

impl LlmError {
    /// Errors that a run's stored config can never get past: resuming would fail the same
    /// way, so the run is marked failed and a new run with a changed config is needed.
    pub fn needs_new_config(&self) -> bool {
        matches!(
            self,
            LlmError::PromptTooLong { .. }
                | LlmError::Unsupported(_)
                | LlmError::Config(_)
                | LlmError::EmbeddedUnavailable
        )
    }
}
