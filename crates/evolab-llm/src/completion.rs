//! What an engine returns for one request.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FinishReason {
    /// The model ended the text itself (end-of-sequence token or a stop string).
    Stop,
    /// `max_tokens` was reached: the text is truncated.
    Length,
}

impl FinishReason {
    pub fn as_str(self) -> &'static str {
        match self {
            FinishReason::Stop => "stop",
            FinishReason::Length => "length",
        }
    }
}

/// Wall-clock timings of one request, in milliseconds. For batched engines the prompt and
/// generation phases are shared by the batch; `total_ms` is from submission to completion.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    pub prompt_ms: f64,
    pub generation_ms: f64,
    pub total_ms: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Completion {
    pub text: String,
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
    pub finish_reason: FinishReason,
    pub timings: Timings,
    /// True when the completion came from the replay cache instead of the engine.
    #[serde(default, skip_serializing)]
    pub replayed: bool,
}
