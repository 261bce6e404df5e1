//! Evaluation episodes with a trained policy, separate from the training episodes.

use super::mlp::Tape;
use super::policy::{ActorCritic, EnvActionBuffer};
use super::trainer::PpoError;
use crate::env::{Action, Actions, Env};

/// The returns of `episodes` episodes of `env`, the first reset with `seed` and the rest
/// continuing its stream. Deterministic evaluation takes the distribution's mode (the most
/// probable action, or the Gaussian mean clipped to the bounds); otherwise actions are
/// sampled with `sampling_seed`.
pub fn evaluate<E: Env>(
    policy: &ActorCritic,
    env: &mut E,
    episodes: usize,
    seed: u64,
    deterministic: bool,
) -> Result<Vec<f64>, PpoError> {
    use rand::SeedableRng;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_e7a1);
    let mut obs = vec![0.0f32; env.observation_dim()];
    let mut stored = vec![0.0f32; policy.action_width()];
    let mut log_prob = [0.0f32];
    let (mut tape, mut buffer) = (Tape::default(), EnvActionBuffer::default());
    let mut returns = Vec::with_capacity(episodes);
    for episode in 0..episodes {
        env.reset((episode == 0).then_some(seed), &mut obs);
        let mut total = 0.0;
        let mut steps = 0u64;
        loop {
            if obs.iter().any(|v| !v.is_finite()) {
                return Err(PpoError::NonFinite {
                    what: "observation",
                    step: steps,
                });
            }
            if deterministic {
                policy.deterministic(&obs, 1, &mut tape, &mut stored);
            } else {
                policy.sample(&obs, 1, &mut tape, &mut rng, &mut stored, &mut log_prob);
            }
            let action = match policy.env_actions(&stored, &mut buffer) {
                Actions::Discrete(a) => Action::Discrete(a[0]),
                Actions::Continuous(a) => Action::Continuous(a),
            };
            let t = env.step(action, &mut obs)?;
            total += t.reward;
            steps += 1;
            if t.terminated || t.truncated {
                break;
            }
        }
        returns.push(total);
    }
    Ok(returns)
}
