//! What an experiment asks an engine for: a prompt, sampling parameters and a seed.

use serde::{Deserialize, Serialize};

/// Sampling parameters sent with every request. The defaults are the telephone paper's
/// generation settings (temperature 0.8, top-p 0.95) with a bounded output length.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Sampling {
    /// Softmax temperature; 0 means greedy decoding.
    pub temperature: f32,
    /// Nucleus sampling mass; 1.0 disables it.
    pub top_p: f32,
    /// Keep only the k most likely tokens; 0 disables it.
    pub top_k: u32,
    /// Drop tokens whose probability is below `min_p` times the top token's; 0 disables it.
    pub min_p: f32,
    /// Penalty on tokens seen in the last `repeat_last_n` tokens; 1.0 disables it.
    pub repeat_penalty: f32,
    /// Window of the repetition penalty, in tokens.
    pub repeat_last_n: u32,
    /// Hard cap on generated tokens; the completion is marked `length` when it is reached.
    pub max_tokens: u32,
    /// Strings that end the completion; the matched string is not part of the text.
    pub stop: Vec<String>,
}

impl Default for Sampling {
    fn default() -> Self {
        Self {
            temperature: 0.8,
            top_p: 0.95,
            top_k: 40,
            min_p: 0.05,
            repeat_penalty: 1.1,
            repeat_last_n: 64,
            max_tokens: 256,
            stop: Vec::new(),
        }
    }
}

impl Sampling {
    /// Checks ranges so that a bad config fails before any model is loaded.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.temperature >= 0.0 && self.temperature.is_finite()) {
            return Err(format!(
                "temperature must be >= 0, got {}",
                self.temperature
            ));
        }
        if !(self.top_p > 0.0 && self.top_p <= 1.0) {
            return Err(format!("top_p must be in (0, 1], got {}", self.top_p));
        }
        if !(0.0..1.0).contains(&self.min_p) {
            return Err(format!("min_p must be in [0, 1), got {}", self.min_p));
        }
        if !(self.repeat_penalty > 0.0 && self.repeat_penalty.is_finite()) {
            return Err(format!(
                "repeat_penalty must be > 0, got {}",
                self.repeat_penalty
            ));
        }
        if self.max_tokens == 0 {
            return Err("max_tokens must be at least 1".into());
        }
        if self.stop.iter().any(String::is_empty) {
            return Err("stop strings must not be empty".into());
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: Role,
    pub content: String,
}

/// The two ways a model can be prompted. Base models (such as the embedded default) only
/// continue text, so experiments render completion-style prompts for them; instruct models
/// get chat messages, which each engine formats with the model's own chat template.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "style", content = "content")]
pub enum Prompt {
    /// Raw text that the model continues (OpenAI `/v1/completions`).
    Text(String),
    /// Messages formatted by the chat template (OpenAI `/v1/chat/completions`).
    Chat(Vec<ChatMessage>),
}

impl Prompt {
    /// The prompt as one human-readable string, for storage and display.
    pub fn display_text(&self) -> String {
        match self {
            Prompt::Text(text) => text.clone(),
            Prompt::Chat(messages) => messages
                .iter()
                .map(|m| m.content.as_str())
                .collect::<Vec<_>>()
                .join("\n\n"),
        }
    }
}

/// One generation request. The seed makes sampling reproducible where the engine supports it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub prompt: Prompt,
    pub sampling: Sampling,
    pub seed: u64,
}
