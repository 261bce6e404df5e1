//! Decoding many sequences together in one llama.cpp context.
//!
//! Every request is its own sequence id. All prompts go through the model together (split
//! into `n_batch`-sized decode calls), then each step decodes one token for every live
//! sequence in a single call: on a CPU the weights are read once per step instead of once
//! per sequence, which is where the batch speed-up comes from.

use std::time::Instant;

use llama_cpp_2::context::LlamaContext;
use llama_cpp_2::llama_batch::LlamaBatch;
use llama_cpp_2::model::LlamaModel;
use llama_cpp_2::sampling::LlamaSampler;
use llama_cpp_2::token::LlamaToken;

use super::sampler;
use super::text::TextOut;
use crate::{BatchObserver, Completion, FinishReason, LlmError, Request, Timings};

/// One request that passed tokenization.
pub(super) struct SeqInput<'r> {
    /// Position in the caller's request slice, used for results and observer events.
    pub index: usize,
    pub request: &'r Request,
    pub tokens: Vec<LlamaToken>,
}

struct Live<'r> {
    index: usize,
    seq_id: i32,
    sampler: LlamaSampler,
    prompt_tokens: u32,
    max_tokens: u32,
    /// Position at which the next token is decoded.
    pos: i32,
    generated: u32,
    text: TextOut<'r>,
    /// The token sampled from the last decode, not yet decoded itself.
    pending: Option<LlamaToken>,
    /// Row of the current batch that holds this sequence's logits.
    logits_row: i32,
    finished: bool,
}

fn ms(since: Instant, until: Instant) -> f64 {
    until.duration_since(since).as_secs_f64() * 1000.0
}

/// Generates every sequence to completion. `context_limit` is the per-sequence limit (prompt
/// plus completion) the caller promised; the context must have room for it. `submitted` is
/// when the caller handed the requests over, the origin of `Timings::total_ms`.
pub(super) fn run(
    model: &LlamaModel,
    ctx: &mut LlamaContext<'_>,
    inputs: Vec<SeqInput<'_>>,
    context_limit: u32,
    n_batch: usize,
    submitted: Instant,
    observer: &dyn BatchObserver,
) -> Vec<(usize, Result<Completion, LlmError>)> {
    let vocab = model.vocab();
    let n_vocab = model.n_vocab();
    let limit = i32::try_from(context_limit).unwrap_or(i32::MAX);
    let mut live: Vec<Live<'_>> = inputs
        .iter()
        .enumerate()
        .map(|(k, input)| Live {
            index: input.index,
            seq_id: k as i32,
            sampler: sampler::build(
                &input.request.sampling,
                input.request.seed,
                n_vocab,
                &input.tokens,
            ),
            prompt_tokens: input.tokens.len() as u32,
            max_tokens: input.request.sampling.max_tokens,
            pos: input.tokens.len() as i32,
            generated: 0,
            text: TextOut::new(&input.request.sampling.stop),
            pending: None,
            logits_row: -1,
            finished: false,
        })
        .collect();
    let mut results: Vec<(usize, Result<Completion, LlmError>)> = Vec::with_capacity(live.len());
    let fail_all = |live: &[Live<'_>], results: &mut Vec<_>, message: String| {
        for seq in live.iter().filter(|s| !s.finished) {
            results.push((seq.index, Err(LlmError::Decode(message.clone()))));
        }
    };

    // Prompt phase. A sequence's prompt may straddle two decode calls; logits are requested
    // only for its last token, and sampled right after the call that computed them (the next
    // call overwrites the logits buffer).
    let prompt_start = Instant::now();
    let mut batch = LlamaBatch::new(n_batch.max(live.len()), 1);
    let mut sample_after: Vec<usize> = Vec::new();
    for (k, input) in inputs.iter().enumerate() {
        let last = input.tokens.len() - 1;
        for (pos, &token) in input.tokens.iter().enumerate() {
            if batch.n_tokens() as usize >= n_batch {
                if let Err(e) = decode_and_sample(ctx, &mut batch, &mut live, &mut sample_after) {
                    fail_all(&live, &mut results, format!("prompt decode failed: {e}"));
                    return results;
                }
            }
            let wants_logits = pos == last;
            if let Err(e) = batch.add(token, pos as i32, &[live[k].seq_id], wants_logits) {
                fail_all(&live, &mut results, format!("batch overflow: {e}"));
                return results;
            }
            if wants_logits {
                live[k].logits_row = batch.n_tokens() - 1;
                sample_after.push(k);
            }
        }
    }
    if batch.n_tokens() > 0 {
        if let Err(e) = decode_and_sample(ctx, &mut batch, &mut live, &mut sample_after) {
            fail_all(&live, &mut results, format!("prompt decode failed: {e}"));
            return results;
        }
    }
    let generation_start = Instant::now();
    let prompt_ms = ms(prompt_start, generation_start);
    observer.tokens_generated(live.len() as u64);

    // Generation phase: take each sequence's pending token, end the sequence or queue the
    // token for the next step.
    loop {
        for seq in live.iter_mut().filter(|s| !s.finished) {
            let token = seq
                .pending
                .take()
                .expect("every live sequence has sampled a token");
            seq.generated += 1;
            let finish = if vocab.is_eog(token) {
                Some(FinishReason::Stop)
            } else {
                let before = seq.text.buffer().len();
                vocab.token_to_piece_into(token, seq.text.buffer(), false, None);
                let appended = seq.text.buffer().len() - before;
                if seq.text.check_stop(appended) {
                    Some(FinishReason::Stop)
                } else if seq.generated >= seq.max_tokens || seq.pos + 1 >= limit {
                    // This token takes position `pos`; with it the sequence (prompt plus
                    // completion) fills its `context_limit`, so no further token fits.
                    Some(FinishReason::Length)
                } else {
                    None
                }
            };
            if let Some(reason) = finish {
                seq.finished = true;
                let now = Instant::now();
                let completion = Completion {
                    text: std::mem::replace(&mut seq.text, TextOut::new(&[])).into_string(),
                    prompt_tokens: seq.prompt_tokens,
                    completion_tokens: seq.generated,
                    finish_reason: reason,
                    timings: Timings {
                        prompt_ms,
                        generation_ms: ms(generation_start, now),
                        total_ms: ms(submitted, now),
                    },
                    replayed: false,
                };
                observer.completed(seq.index, &completion);
                results.push((seq.index, Ok(completion)));
                continue;
            }
            if let Err(e) = batch.add(token, seq.pos, &[seq.seq_id], true) {
                // Cannot happen: the batch holds at least one row per sequence.
                seq.finished = true;
                results.push((
                    seq.index,
                    Err(LlmError::Decode(format!("batch overflow: {e}"))),
                ));
                continue;
            }
            seq.logits_row = batch.n_tokens() - 1;
            seq.pos += 1;
        }
        if batch.n_tokens() == 0 {
            break;
        }
        sample_after.extend(
            live.iter()
                .enumerate()
                .filter(|(_, s)| !s.finished)
                .map(|(k, _)| k),
        );
        let stepped = sample_after.len() as u64;
        if let Err(e) = decode_and_sample(ctx, &mut batch, &mut live, &mut sample_after) {
            fail_all(&live, &mut results, format!("decode failed: {e}"));
            return results;
        }
        observer.tokens_generated(stepped);
    }
    results
}

/// Decodes `batch`, then samples the next token of every sequence in `sample_after` from its
/// logits row, and empties both.
fn decode_and_sample(
    ctx: &mut LlamaContext<'_>,
    batch: &mut LlamaBatch<'_>,
    live: &mut [Live<'_>],
    sample_after: &mut Vec<usize>,
) -> Result<(), llama_cpp_2::DecodeError> {
    ctx.decode(batch)?;
    for k in sample_after.drain(..) {
        let seq = &mut live[k];
        seq.pending = Some(seq.sampler.sample(ctx, seq.logits_row));
    }
    batch.clear();
    Ok(())
}
