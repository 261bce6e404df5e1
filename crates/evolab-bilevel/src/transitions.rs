//! One-step dynamics data that evolab collects itself: transitions of its own gymnasium-exact
//! environments under uniformly random actions, as regression pairs x = (s, a) → y = s′ − s.
//!
//! The target is the change of state, not s′ itself (the original regresses s′): a model of
//! the change starts near the identity and is what planners roll forward.

use nalgebra::DMatrix;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use evolab_rl::env::{make, Action, ActionSpace, Env};

use crate::regression::Split;

/// The width of an action in a model's input: its dimensions, or one-hot over discrete ones.
pub fn action_width(space: &ActionSpace) -> usize {
    match space {
        ActionSpace::Discrete(k) => *k,
        ActionSpace::Continuous { low, .. } => low.len(),
    }
}

/// Writes the model input for `observation` and `action` (a discrete action is its index).
pub fn encode(space: &ActionSpace, observation: &[f64], action: &[f64], out: &mut [f64]) {
    let d = observation.len();
    out[..d].copy_from_slice(observation);
    match space {
        ActionSpace::Discrete(k) => {
            out[d..d + k].fill(0.0);
            out[d + action[0] as usize] = 1.0;
        }
        ActionSpace::Continuous { .. } => out[d..].copy_from_slice(action),
    }
}

/// A uniformly random action, as the model input encodes it.
pub fn random_action(space: &ActionSpace, rng: &mut ChaCha8Rng) -> Vec<f64> {
    match space {
        ActionSpace::Discrete(k) => vec![rng.random_range(0..*k) as f64],
        ActionSpace::Continuous { low, high } => low
            .iter()
            .zip(high)
            .map(|(&l, &h)| rng.random_range(f64::from(l)..=f64::from(h)))
            .collect(),
    }
}

/// Runs `env` with the encoded `action`.
pub fn step(
    env: &mut dyn Env,
    space: &ActionSpace,
    action: &[f64],
    observation: &mut [f32],
) -> Result<evolab_rl::env::Transition, String> {
    let continuous: Vec<f32>;
    let a = match space {
        ActionSpace::Discrete(_) => Action::Discrete(action[0] as usize),
        ActionSpace::Continuous { .. } => {
            continuous = action.iter().map(|&v| v as f32).collect();
            Action::Continuous(&continuous)
        }
    };
    env.step(a, observation).map_err(|e| e.to_string())
}

/// `count` transitions of `env_id` under random actions, episodes seeded from `seed`.
pub fn collect(env_id: &str, count: usize, seed: u64) -> Result<Split, String> {
    let mut env = make(env_id).map_err(|e| e.to_string())?;
    let space = env.action_space();
    let d = env.observation_dim();
    let width = d + action_width(&space);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut obs = vec![0f32; d];
    let mut next = vec![0f32; d];
    let mut x = DMatrix::zeros(count, width);
    let mut y = Vec::with_capacity(count * d);
    let mut input = vec![0.0; width];
    let mut episode = 0u64;
    env.reset(Some(seed), &mut obs);
    for row in 0..count {
        let s: Vec<f64> = obs.iter().map(|&v| f64::from(v)).collect();
        let a = random_action(&space, &mut rng);
        let t = step(env.as_mut(), &space, &a, &mut next)?;
        encode(&space, &s, &a, &mut input);
        for (j, &v) in input.iter().enumerate() {
            x[(row, j)] = v;
        }
        y.extend(next.iter().zip(&s).map(|(&n, &s)| f64::from(n) - s));
        if t.terminated || t.truncated {
            episode += 1;
            env.reset(Some(seed.wrapping_add(episode * 7919)), &mut obs);
        } else {
            obs.copy_from_slice(&next);
        }
    }
    Ok(Split { x, y })
}

/// Shuffled train / validation / test parts with the given fractions of the rows.
pub fn split(data: &Split, fractions: [f64; 2], seed: u64) -> [Split; 3] {
    let rows = data.rows();
    let mut order: Vec<usize> = (0..rows).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for i in (1..rows).rev() {
        order.swap(i, rng.random_range(0..=i));
    }
    let a = (fractions[0] * rows as f64).round() as usize;
    let b = (((fractions[0] + fractions[1]) * rows as f64).round() as usize).max(a);
    [
        data.select(&order[..a]),
        data.select(&order[a..b]),
        data.select(&order[b..]),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scaler::Scaler;

    #[test]
    fn pendulum_transitions_follow_the_physics() {
        let data = collect("Pendulum-v1", 450, 3).unwrap();
        assert_eq!(
            (data.x.nrows(), data.x.ncols(), data.y.len()),
            (450, 4, 1350)
        );
        for r in 0..450 {
            // θ̇ changes by (15 sin θ + 3u)·0.05 (before the ±8 clip).
            let (sin, theta_dot, u) = (data.x[(r, 1)], data.x[(r, 2)], data.x[(r, 3)]);
            let want = ((theta_dot + (15.0 * sin + 3.0 * u) * 0.05).clamp(-8.0, 8.0)) - theta_dot;
            assert!((data.y[r * 3 + 2] - want).abs() < 1e-4, "row {r}");
            assert!((-2.0..=2.0).contains(&u));
        }
        assert_eq!(collect("Pendulum-v1", 450, 3).unwrap(), data, "seeded");
    }

    #[test]
    fn cartpole_actions_are_one_hot_and_splits_partition_the_rows() {
        let data = collect("CartPole-v1", 300, 1).unwrap();
        assert_eq!(data.x.ncols(), 6);
        for r in 0..300 {
            assert_eq!(data.x[(r, 4)] + data.x[(r, 5)], 1.0);
        }
        let [a, b, c] = split(&data, [0.5, 0.2], 0);
        assert_eq!((a.rows(), b.rows(), c.rows()), (150, 60, 90));
        let mut scaled = a.x.clone();
        Scaler::fit(&a.x).transform(&mut scaled);
        for col in scaled.column_iter() {
            assert!(col.mean().abs() < 1e-9);
        }
        let mut y = a.y.clone();
        let targets = Scaler::fit_rows(&a.y, 4);
        targets.transform_rows(&mut y);
        for j in 0..4 {
            let column: Vec<f64> = y.iter().skip(j).step_by(4).copied().collect();
            let mean = column.iter().sum::<f64>() / column.len() as f64;
            let var = column.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / column.len() as f64;
            assert!(mean.abs() < 1e-9 && (var - 1.0).abs() < 1e-9);
            assert!((targets.restore(j, y[j]) - a.y[j]).abs() < 1e-12);
        }
        assert!(collect("Nope-v0", 10, 0).unwrap_err().contains("Nope-v0"));
    }
}
