//! The `[llm]` table of an experiment config.

use serde::{Deserialize, Serialize};

use crate::Sampling;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum EngineKind {
    /// llama.cpp in this process (needs the `embedded` build feature).
    #[default]
    Embedded,
    /// Any OpenAI-compatible server: vLLM, llama.cpp server, ollama, hosted APIs.
    Openai,
}

/// Which prompt form experiments send. `auto` picks `chat` when the model has a chat template
/// and is not a base model, `completion` otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum PromptStyle {
    #[default]
    Auto,
    Completion,
    Chat,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LlmConfig {
    pub engine: EngineKind,
    /// Embedded: a registry name (`evolab model list`) or a path to a `.gguf` file.
    /// OpenAI: the model id the server serves.
    pub model: String,
    pub prompt_style: PromptStyle,
    pub sampling: Sampling,
    pub embedded: EmbeddedConfig,
    pub openai: OpenAiConfig,
}

impl Default for LlmConfig {
    fn default() -> Self {
        Self {
            engine: EngineKind::Embedded,
            model: crate::registry::DEFAULT_MODEL.to_string(),
            prompt_style: PromptStyle::Auto,
            sampling: Sampling::default(),
            embedded: EmbeddedConfig::default(),
            openai: OpenAiConfig::default(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmbeddedConfig {
    /// CPU threads for llama.cpp; 0 means the cores that are free (all available cores).
    pub threads: u32,
    /// Context length per sequence, in tokens (prompt plus completion).
    pub context: u32,
    /// Most sequences decoded together in one context. 1 reproduces the original
    /// one-request-at-a-time pattern.
    pub max_batch: u32,
}

impl Default for EmbeddedConfig {
    fn default() -> Self {
        Self {
            threads: 0,
            context: 4096,
            max_batch: 32,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OpenAiConfig {
    /// Base URLs ending in `/v1`, e.g. `http://127.0.0.1:8000/v1`. Several servers of one
    /// model share the load by least outstanding requests.
    pub endpoints: Vec<String>,
    /// Name of the environment variable that holds the API key (none sent when unset).
    pub api_key_env: String,
    /// Requests in flight at once, over all endpoints.
    pub max_concurrency: u32,
    /// Per-request timeout, in seconds.
    pub timeout_s: f64,
    /// Retries after the first attempt, for timeouts, connection errors, 429 and 5xx.
    pub max_retries: u32,
    /// First backoff delay in seconds; doubled each retry, with full jitter.
    pub backoff_initial_s: f64,
    /// Upper bound of one backoff delay, in seconds.
    pub backoff_max_s: f64,
    /// Send the per-request seed (most servers honour it; some hosted APIs reject it).
    pub send_seed: bool,
}

impl Default for OpenAiConfig {
    fn default() -> Self {
        Self {
            endpoints: vec!["http://127.0.0.1:8000/v1".to_string()],
            api_key_env: "OPENAI_API_KEY".to_string(),
            max_concurrency: 16,
            timeout_s: 300.0,
            max_retries: 5,
            backoff_initial_s: 1.0,
            backoff_max_s: 60.0,
            send_seed: true,
        }
    }
}

impl LlmConfig {
    /// Checks everything that can be checked without loading a model or calling a server.
    pub fn validate(&self) -> Result<(), String> {
        self.sampling
            .validate()
            .map_err(|e| format!("llm.sampling: {e}"))?;
        if self.model.trim().is_empty() {
            return Err("llm.model is empty: name a registry model (`evolab model list`), a .gguf path, or the server's model id".into());
        }
        match self.engine {
            EngineKind::Embedded => {
                let e = &self.embedded;
                if e.max_batch == 0 {
                    return Err("llm.embedded.max_batch must be at least 1".into());
                }
                if e.context < 64 {
                    return Err(format!(
                        "llm.embedded.context must be at least 64 tokens, got {}",
                        e.context
                    ));
                }
            }
            EngineKind::Openai => {
                let o = &self.openai;
                if o.endpoints.is_empty() {
                    return Err("llm.openai.endpoints is empty: list at least one base URL such as \"http://127.0.0.1:8000/v1\"".into());
                }
                for url in &o.endpoints {
                    if !(url.starts_with("http://") || url.starts_with("https://")) {
                        return Err(format!(
                            "llm.openai.endpoints: {url:?} must start with http:// or https://"
                        ));
                    }
                }
                if o.max_concurrency == 0 {
                    return Err("llm.openai.max_concurrency must be at least 1".into());
                }
                if !o.timeout_s.is_finite() || o.timeout_s <= 0.0 {
                    return Err("llm.openai.timeout_s must be > 0".into());
                }
                let ordered = (0.0..=o.backoff_max_s).contains(&o.backoff_initial_s);
                if !ordered {
                    return Err("llm.openai: need 0 <= backoff_initial_s <= backoff_max_s".into());
                }
            }
        }
        Ok(())
    }
}
