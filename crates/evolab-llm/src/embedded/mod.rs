//! Embedded llama.cpp engine: the model lives in this process and a whole step's requests
//! are decoded together, each request its own sequence of one shared context.
//!
//! Threads: llama.cpp is built with OpenMP, whose idle workers spin by default. When a core
//! is also wanted by something else (evolab's own threads, another job) the spinning
//! workers steal it and throughput collapses, so the CLI sets `OMP_WAIT_POLICY=passive`
//! at process start, before the OpenMP runtime first reads it. Programs that embed this
//! engine should do the same.
//!
//! llama.cpp's log output is silenced; set `EVOLAB_LLAMA_LOG=1` to let it print to stderr.

mod batch_decoder;
mod sampler;
mod text;

use std::num::NonZeroU32;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use llama_cpp_2::context::params::LlamaContextParams;
use llama_cpp_2::llama_backend::LlamaBackend;
use llama_cpp_2::model::params::LlamaModelParams;
use llama_cpp_2::model::{LlamaChatMessage, LlamaChatTemplate, LlamaModel};
use llama_cpp_2::token::LlamaToken;
use llama_cpp_2::{send_logs_to_tracing, LogOptions};

use crate::registry::ResolvedModel;
use crate::{
    BatchObserver, Completion, EmbeddedConfig, Engine, EngineInfo, LlmError, Prompt, Request, Role,
};
use batch_decoder::{Plan, SeqInput};

/// llama.cpp's hard limit on sequences per context (`LLAMA_MAX_SEQ`).
const MAX_SEQUENCES: usize = 256;
/// Tokens per prompt-phase decode call: large enough to keep the matrix kernels busy, small
/// enough that the logits and compute buffers stay modest.
const PROMPT_BATCH: usize = 1024;
const MICRO_BATCH: u32 = 512;

/// llama.cpp's global state may be initialised only once per process, and models borrow
/// it, so it lives for the rest of the process.
static BACKEND: OnceLock<Result<LlamaBackend, String>> = OnceLock::new();

fn backend() -> Result<&'static LlamaBackend, String> {
    BACKEND
        .get_or_init(|| {
            if std::env::var_os("EVOLAB_LLAMA_LOG").is_none() {
                // Routes llama.cpp and ggml logs to a sink that drops them (set before the
                // backend starts, which already logs).
                send_logs_to_tracing(LogOptions::default().with_logs_enabled(false));
            }
            LlamaBackend::init().map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(Clone::clone)
}

pub struct EmbeddedEngine {
    model: LlamaModel,
    chat_template: Option<LlamaChatTemplate>,
    context: u32,
    max_batch: usize,
    threads: i32,
    info: EngineInfo,
    /// Serialises `generate`: creating contexts from one model concurrently is unsound in
    /// llama.cpp (it mutates the model), and two batches would only fight over the cores.
    gate: Mutex<()>,
}

impl EmbeddedEngine {
    /// Loads the model file (memory-mapped) once; contexts are created per batch.
    pub fn load(model: &ResolvedModel, config: &EmbeddedConfig) -> Result<Self, LlmError> {
        let load_error = |message: String| LlmError::ModelLoad {
            path: model.path.clone(),
            message,
        };
        let backend = backend().map_err(|e| load_error(format!("llama.cpp did not start: {e}")))?;
        if !model.path.is_file() {
            return Err(LlmError::ModelMissing {
                path: model.path.clone(),
                hint: "The file disappeared after it was resolved.".into(),
            });
        }
        let llama = LlamaModel::load_from_file(backend, &model.path, &LlamaModelParams::default())
            .map_err(|e| {
                load_error(format!(
                    "llama.cpp rejected it ({e}): not a GGUF file, or an architecture this build does not know; set EVOLAB_LLAMA_LOG=1 to see why"
                ))
            })?;
        let chat_template = llama.chat_template(None).ok();
        let threads = match config.threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n as usize,
        };
        let max_batch = (config.max_batch as usize).clamp(1, MAX_SEQUENCES);
        let info = EngineInfo {
            backend: "embedded-llama.cpp".into(),
            model: model.name.clone(),
            model_sha256: model.sha256.clone(),
            chat_template: chat_template.is_some(),
            batch_policy: format!(
                "one llama.cpp context, up to {max_batch} sequences, {} tokens each",
                config.context
            ),
        };
        Ok(Self {
            model: llama,
            chat_template,
            context: config.context,
            max_batch,
            threads: i32::try_from(threads).unwrap_or(i32::MAX),
            info,
            gate: Mutex::new(()),
        })
    }

    /// Prompt tokens, or the error that keeps this request out of the batch.
    fn tokenize(&self, prompt: &Prompt) -> Result<Vec<LlamaToken>, LlmError> {
        let vocab = self.model.vocab();
        let mut tokens = match prompt {
            // Special-token text is parsed, as llama.cpp's server does for completions, so a
            // prompt may spell out control tokens such as `<start_of_turn>`.
            Prompt::Text(text) => vocab.tokenize(text.as_bytes(), true, true),
            Prompt::Chat(messages) => {
                let template = self.chat_template.as_ref().ok_or_else(|| {
                    LlmError::Unsupported(format!(
                        "{} has no chat template, so it cannot take chat prompts; use llm.prompt_style = \"completion\"",
                        self.info.model
                    ))
                })?;
                let messages = messages
                    .iter()
                    .map(|m| {
                        let role = match m.role {
                            Role::System => "system",
                            Role::User => "user",
                            Role::Assistant => "assistant",
                        };
                        LlamaChatMessage::new(role.into(), m.content.clone())
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| LlmError::Unsupported(format!("chat message: {e}")))?;
                let text = self
                    .model
                    .apply_chat_template(template, &messages, true)
                    .map_err(|e| LlmError::Unsupported(format!("chat template: {e}")))?;
                vocab.tokenize(text.as_bytes(), true, true)
            }
        };
        // Templates (and prompts) that spell out the BOS token would otherwise get a second
        // one, which degrades the output.
        let bos = vocab.bos();
        if tokens.len() >= 2 && tokens[0] == bos && tokens[1] == bos {
            tokens.remove(0);
        }
        if tokens.is_empty() {
            return Err(LlmError::Unsupported(
                "the prompt is empty and the model adds no start token; give it some text".into(),
            ));
        }
        let limit = self.context as usize;
        // At least one position must be left for the completion.
        if tokens.len() > limit.saturating_sub(1) {
            return Err(LlmError::PromptTooLong {
                tokens: tokens.len(),
                limit,
            });
        }
        Ok(tokens)
    }

    fn generate_chunk(
        &self,
        requests: &[Request],
        offset: usize,
        submitted: Instant,
        observer: &dyn BatchObserver,
    ) -> Vec<Result<Completion, LlmError>> {
        let mut results: Vec<Option<Result<Completion, LlmError>>> =
            (0..requests.len()).map(|_| None).collect();
        let mut inputs = Vec::with_capacity(requests.len());
        for (i, request) in requests.iter().enumerate() {
            match self.tokenize(&request.prompt) {
                Ok(tokens) => inputs.push(SeqInput {
                    index: offset + i,
                    request,
                    tokens,
                }),
                Err(e) => results[i] = Some(Err(e)),
            }
        }
        if !inputs.is_empty() {
            for (index, outcome) in self.decode_all(inputs, submitted, observer) {
                results[index - offset] = Some(outcome);
            }
        }
        results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(LlmError::Decode("request was lost".into()))))
            .collect()
    }

    fn decode_all(
        &self,
        inputs: Vec<SeqInput<'_>>,
        submitted: Instant,
        observer: &dyn BatchObserver,
    ) -> Vec<(usize, Result<Completion, LlmError>)> {
        let n_seqs = inputs.len() as u32;
        let total_prompt: usize = inputs.iter().map(|s| s.tokens.len()).sum();
        let n_batch = PROMPT_BATCH.min(total_prompt).max(inputs.len());
        // Separate KV streams per sequence (not a unified cache): each sequence then attends
        // only over its own cells, which keeps a step's attention cost proportional to its
        // own length rather than to the whole batch, and no sequence can crowd another out
        // (each gets `context` cells, rounded up to 256). Sliding-window layers (15 of
        // Gemma 3's 18) keep only window + micro-batch cells per sequence (swa_full off):
        // nothing here rewinds a sequence, which is what the full-size cache would be for.
        let params = LlamaContextParams::default()
            .with_n_ctx(NonZeroU32::new(self.context.saturating_mul(n_seqs)))
            .with_n_seq_max(n_seqs)
            .with_kv_unified(false)
            .with_swa_full(false)
            .with_n_batch(n_batch as u32)
            .with_n_ubatch(MICRO_BATCH.min(n_batch as u32))
            .with_n_threads(self.threads)
            .with_n_threads_batch(self.threads);
        let fail = |inputs: &[SeqInput<'_>], message: String| {
            inputs
                .iter()
                .map(|s| (s.index, Err(LlmError::Decode(message.clone()))))
                .collect()
        };
        let backend = match backend() {
            Ok(b) => b,
            Err(e) => return fail(&inputs, e),
        };
        let mut ctx = match self.model.new_context(backend, params) {
            Ok(ctx) => ctx,
            Err(e) => {
                return fail(
                    &inputs,
                    format!(
                        "could not create a context for {n_seqs} sequences of {} tokens ({e}); lower llm.embedded.max_batch or llm.embedded.context",
                        self.context
                    ),
                )
            }
        };
        let plan = Plan {
            context_limit: self.context,
            n_batch,
            threads: self.threads as usize,
        };
        batch_decoder::run(&self.model, &mut ctx, inputs, &plan, submitted, observer)
    }
}

impl Engine for EmbeddedEngine {
    fn info(&self) -> &EngineInfo {
        &self.info
    }

    fn generate(
        &self,
        requests: &[Request],
        observer: &dyn BatchObserver,
    ) -> Vec<Result<Completion, LlmError>> {
        let submitted = Instant::now();
        let _gate = self
            .gate
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut results = Vec::with_capacity(requests.len());
        for (c, chunk) in requests.chunks(self.max_batch).enumerate() {
            results.extend(self.generate_chunk(chunk, c * self.max_batch, submitted, observer));
        }
        results
    }
}
