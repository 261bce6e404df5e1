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
use llama_cpp_2::token::data::LlamaTokenData;
use llama_cpp_2::token::data_array::LlamaTokenDataArray;
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
    /// Row of the current batch that holds this sequence's logits, if it has one.
    logits_row: Option<i32>,
    finished: bool,
}

/// How a batch is driven: the per-sequence context limit the caller promised (the context
/// must have room for it), tokens per prompt decode call, and threads for sampling.
pub(super) struct Plan {
    pub context_limit: u32,
    pub n_batch: usize,
    pub threads: usize,
}

fn ms(since: Instant, until: Instant) -> f64 {
    until.duration_since(since).as_secs_f64() * 1000.0
}

/// Generates every sequence to completion. `submitted` is when the caller handed the
/// requests over, the origin of `Timings::total_ms`.
pub(super) fn run(
    model: &LlamaModel,
    ctx: &mut LlamaContext<'_>,
    inputs: Vec<SeqInput<'_>>,
    plan: &Plan,
    submitted: Instant,
    observer: &dyn BatchObserver,
) -> Vec<(usize, Result<Completion, LlmError>)> {
    let vocab = model.vocab();
    let n_vocab = model.n_vocab();
    let limit = i32::try_from(plan.context_limit).unwrap_or(i32::MAX);
    let n_batch = plan.n_batch;
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
            logits_row: None,
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
    let mut stepper = Stepper {
        batch: LlamaBatch::new(n_batch.max(live.len()), 1),
        threads: plan.threads.max(1),
        scratch: Vec::new(),
    };
    for (k, input) in inputs.iter().enumerate() {
        let last = input.tokens.len() - 1;
        for (pos, &token) in input.tokens.iter().enumerate() {
            if stepper.batch.n_tokens() as usize >= n_batch {
                if let Err(e) = stepper.decode_and_sample(ctx, &mut live) {
                    fail_all(&live, &mut results, format!("prompt decode failed: {e}"));
                    return results;
                }
            }
            let wants_logits = pos == last;
            let seq_id = live[k].seq_id;
            if let Err(e) = stepper
                .batch
                .add(token, pos as i32, &[seq_id], wants_logits)
            {
                fail_all(&live, &mut results, format!("batch overflow: {e}"));
                return results;
            }
            if wants_logits {
                live[k].logits_row = Some(stepper.batch.n_tokens() - 1);
            }
        }
    }
    if stepper.batch.n_tokens() > 0 {
        if let Err(e) = stepper.decode_and_sample(ctx, &mut live) {
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
                results.push((seq.index, Ok(completion)));
                continue;
            }
            if let Err(e) = stepper.batch.add(token, seq.pos, &[seq.seq_id], true) {
                // Cannot happen: the batch holds at least one row per sequence.
                seq.finished = true;
                results.push((
                    seq.index,
                    Err(LlmError::Decode(format!("batch overflow: {e}"))),
                ));
                continue;
            }
            seq.logits_row = Some(stepper.batch.n_tokens() - 1);
            seq.pos += 1;
        }
        let stepped = stepper.batch.n_tokens() as u64;
        if stepped == 0 {
            break;
        }
        if let Err(e) = stepper.decode_and_sample(ctx, &mut live) {
            fail_all(&live, &mut results, format!("decode failed: {e}"));
            return results;
        }
        observer.tokens_generated(stepped);
    }
    // Completions are reported (and so cached) only once the whole batch is done. A
    // sequence's tokens depend on which other sequences share its batch, so a crash must
    // never leave part of a batch cached: the resumed run then decodes exactly the same
    // batch again and its texts equal those of an uninterrupted run.
    for (index, outcome) in &results {
        if let Ok(completion) = outcome {
            observer.completed(*index, completion);
        }
    }
    results
}

struct Stepper<'b> {
    batch: LlamaBatch<'b>,
    threads: usize,
    /// One candidate buffer per sampling thread (a vocabulary's worth, 3 MB for Gemma 3),
    /// reused across steps.
    scratch: Vec<Vec<LlamaTokenData>>,
}

impl Stepper<'_> {
    /// Decodes the batch, then samples the next token of every sequence that has a logits
    /// row in it, and empties the batch.
    fn decode_and_sample(
        &mut self,
        ctx: &mut LlamaContext<'_>,
        live: &mut [Live<'_>],
    ) -> Result<(), llama_cpp_2::DecodeError> {
        ctx.decode(&mut self.batch)?;
        self.batch.clear();
        let ctx: &LlamaContext<'_> = ctx;
        let mut jobs: Vec<(&mut Live<'_>, &[f32])> = live
            .iter_mut()
            .filter_map(|seq| {
                let row = seq.logits_row.take()?;
                Some((seq, ctx.get_logits_ith(row)))
            })
            .collect();
        // Sampling reads the whole vocabulary (262k entries for Gemma 3) per sequence: at
        // 32 sequences that is a large share of a step, and unlike the decode it would not
        // scale with the thread count if done on one thread. Sequences are independent, so
        // they are spread over the same number of threads as the decode.
        let threads = self.threads.min(jobs.len()).max(1);
        self.scratch.resize_with(threads, Vec::new);
        let per_thread = jobs.len().div_ceil(threads);
        if threads == 1 {
            for (seq, logits) in &mut jobs {
                sample_one(seq, logits, &mut self.scratch[0]);
            }
        } else {
            std::thread::scope(|scope| {
                for (chunk, scratch) in jobs.chunks_mut(per_thread).zip(&mut self.scratch) {
                    scope.spawn(move || {
                        for (seq, logits) in chunk {
                            sample_one(seq, logits, scratch);
                        }
                    });
                }
            });
        }
        Ok(())
    }
}

/// What `llama_sampler_sample` does on the CPU (all logits as candidates, apply the chain,
/// take its selection, let the chain see the token), but callable without the context,
/// which may not be shared between threads.
fn sample_one(seq: &mut Live<'_>, logits: &[f32], scratch: &mut Vec<LlamaTokenData>) {
    let mut data = std::mem::take(scratch);
    data.clear();
    data.extend(
        (0_i32..)
            .zip(logits)
            .map(|(id, &logit)| LlamaTokenData::new(LlamaToken::new(id), logit, 0.0)),
    );
    let mut candidates = LlamaTokenDataArray::new(data, false);
    candidates.apply_sampler(&mut seq.sampler);
    let token = candidates
        .selected_token()
        .expect("every chain ends in a sampler that selects a token");
    seq.sampler.accept(token);
    seq.pending = Some(token);
    *scratch = candidates.data;
}
