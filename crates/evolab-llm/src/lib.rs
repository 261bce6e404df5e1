//! Batch text generation for evolab.
//!
//! Experiments hand a whole step's requests to an [`Engine`] at once: the embedded engine
//! decodes them together in one llama.cpp context, the OpenAI-compatible engine sends them
//! concurrently so the server can batch. [`CachedEngine`] replays finished calls from the
//! run store.

pub mod cache;
mod completion;
mod config;
#[cfg(feature = "embedded")]
pub mod embedded;
mod engine;
mod error;
pub mod openai;
pub mod registry;
mod request;

pub use cache::{cache_key, CachedEngine, CompletionStore};
pub use completion::{Completion, FinishReason, Timings};
pub use config::{EmbeddedConfig, EngineKind, LlmConfig, OpenAiConfig, PromptStyle};
pub use engine::{BatchObserver, Engine, EngineInfo, Silent};
pub use error::LlmError;
pub use request::{ChatMessage, Prompt, Request, Role, Sampling};

use std::path::Path;

/// An engine together with the prompt form experiments must send it.
pub struct OpenedEngine {
    pub engine: Box<dyn Engine>,
    /// `Completion` or `Chat`, never `Auto`.
    pub prompt_style: PromptStyle,
}

/// Builds the engine a config asks for. `models_dir` is where `evolab model fetch` puts
/// registry models.
pub fn open_engine(config: &LlmConfig, models_dir: &Path) -> Result<OpenedEngine, LlmError> {
    config.validate().map_err(LlmError::Config)?;
    match config.engine {
        EngineKind::Openai => {
            let engine = openai::OpenAiEngine::new(&config.model, &config.openai)?;
            let prompt_style = match config.prompt_style {
                PromptStyle::Auto => PromptStyle::Chat,
                chosen => chosen,
            };
            Ok(OpenedEngine {
                engine: Box::new(engine),
                prompt_style,
            })
        }
        EngineKind::Embedded => open_embedded(config, models_dir),
    }
}

#[cfg(feature = "embedded")]
fn open_embedded(config: &LlmConfig, models_dir: &Path) -> Result<OpenedEngine, LlmError> {
    let model = registry::resolve(&config.model, models_dir)?;
    let engine = embedded::EmbeddedEngine::load(&model, &config.embedded)?;
    let has_template = engine.info().chat_template;
    let prompt_style = match config.prompt_style {
        PromptStyle::Auto if has_template && !model.base_model => PromptStyle::Chat,
        PromptStyle::Auto => PromptStyle::Completion,
        PromptStyle::Chat if !has_template => {
            return Err(LlmError::Unsupported(format!(
                "llm.prompt_style = \"chat\" but {} has no chat template; use \"completion\"",
                model.name
            )))
        }
        chosen => chosen,
    };
    Ok(OpenedEngine {
        engine: Box::new(engine),
        prompt_style,
    })
}

#[cfg(not(feature = "embedded"))]
fn open_embedded(_config: &LlmConfig, _models_dir: &Path) -> Result<OpenedEngine, LlmError> {
    Err(LlmError::EmbeddedUnavailable)
}
