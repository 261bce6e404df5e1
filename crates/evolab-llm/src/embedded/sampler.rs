//! Per-sequence llama.cpp sampler chains built from [`Sampling`].

use llama_cpp_2::sampling::LlamaSampler;
use llama_cpp_2::token::LlamaToken;

use crate::Sampling;

/// llama.cpp's dist sampler takes a 32-bit seed, and treats `0xFFFF_FFFF`
/// (`LLAMA_DEFAULT_SEED`) as "pick a random seed", which would silently break
/// reproducibility; that one value is moved to its neighbour.
pub(super) fn fold_seed(seed: u64) -> u32 {
    let folded = (seed as u32) ^ ((seed >> 32) as u32);
    if folded == u32::MAX {
        u32::MAX - 1
    } else {
        folded
    }
}

/// The chain for one request: repetition penalty, top-k, top-p, min-p, temperature and a
/// seeded draw (or greedy at temperature 0), in llama.cpp's usual order. `prompt` primes
/// the penalty window, as llama.cpp's own tools do, so the window covers the prompt's tail
/// when generation starts.
pub(super) fn build(
    sampling: &Sampling,
    seed: u64,
    n_vocab: i32,
    prompt: &[LlamaToken],
) -> LlamaSampler {
    let mut stages = Vec::with_capacity(6);
    let penalise = sampling.repeat_penalty != 1.0 && sampling.repeat_last_n > 0;
    if penalise {
        stages.push(LlamaSampler::penalties(
            n_vocab,
            i32::try_from(sampling.repeat_last_n).unwrap_or(i32::MAX),
            sampling.repeat_penalty,
            0.0,
            0.0,
        ));
    }
    if sampling.temperature == 0.0 {
        stages.push(LlamaSampler::greedy());
    } else {
        if sampling.top_k > 0 {
            stages.push(LlamaSampler::top_k(
                i32::try_from(sampling.top_k).unwrap_or(i32::MAX),
            ));
        }
        if sampling.top_p < 1.0 {
            stages.push(LlamaSampler::top_p(sampling.top_p, 1));
        }
        if sampling.min_p > 0.0 {
            stages.push(LlamaSampler::min_p(sampling.min_p, 1));
        }
        stages.push(LlamaSampler::temp(sampling.temperature));
        stages.push(LlamaSampler::dist(fold_seed(seed)));
    }
    let mut chain = LlamaSampler::chain(stages, true);
    if penalise {
        let window = sampling.repeat_last_n as usize;
        chain.accept_many(&prompt[prompt.len().saturating_sub(window)..]);
    }
    chain
}

#[cfg(test)]
mod tests {
    use super::fold_seed;

    #[test]
    fn fold_mixes_both_halves_and_avoids_the_random_seed() {
        assert_eq!(fold_seed(7), 7);
        assert_eq!(fold_seed(7 << 32), 7);
        assert_eq!(fold_seed((7 << 32) | 7), 0);
        assert_ne!(fold_seed(1), fold_seed(2));
        assert_eq!(fold_seed(u64::from(u32::MAX)), u32::MAX - 1);
        assert_eq!(fold_seed(u64::MAX), 0);
    }
}
