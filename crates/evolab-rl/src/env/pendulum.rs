//! gymnasium 1.3's `Pendulum-v1` (classic control, g = 10): swing up and hold an inverted
//! pendulum with a torque in [-2, 2]. Reward −(θ² + 0.1·θ̇² + 0.001·u²), never terminates;
//! the 200-step limit is [`super::TimeLimit`]'s.

use std::f64::consts::PI;

use super::classic::{Classic, Physics};
use super::{Action, ActionSpace, Transition};
use crate::numpy_rng::Generator;

const MAX_SPEED: f64 = 8.0;
const MAX_TORQUE: f32 = 2.0;
const DT: f64 = 0.05;
const G: f64 = 10.0;
const M: f64 = 1.0;
const L: f64 = 1.0;

/// θ wrapped into [−π, π) as numpy's `%` does (the sign of the divisor).
fn angle_normalize(x: f64) -> f64 {
    (x + PI).rem_euclid(2.0 * PI) - PI
}

/// The reward of torque `u` taken at observation (cos θ, sin θ, θ̇), as [`PendulumPhysics`]
/// computes it from the state: what a planner scores an imagined step with.
pub fn pendulum_reward(observation: &[f64], u: f64) -> f64 {
    let theta = observation[1].atan2(observation[0]);
    let theta_dot = observation[2];
    let u = u.clamp(-f64::from(MAX_TORQUE), f64::from(MAX_TORQUE));
    -(theta * theta + 0.1 * theta_dot * theta_dot + 0.001 * u * u)
}

/// `Pendulum-v1`.
pub type Pendulum = Classic<PendulumPhysics>;

/// The pendulum: state (θ, θ̇) in f64, observed as (cos θ, sin θ, θ̇) in f32.
#[derive(Clone, Debug, Default)]
pub struct PendulumPhysics {
    state: [f64; 2],
}

impl Physics for PendulumPhysics {
    const ID: &'static str = "Pendulum-v1";
    const OBSERVATION_DIM: usize = 3;

    fn action_space() -> ActionSpace {
        ActionSpace::Continuous {
            low: vec![-MAX_TORQUE],
            high: vec![MAX_TORQUE],
        }
    }

    fn reset(&mut self, rng: &mut Generator) {
        self.state = [rng.uniform(-PI, PI), rng.uniform(-1.0, 1.0)];
    }

    fn observe(&self, observation: &mut [f32]) {
        let [theta, theta_dot] = self.state;
        observation[0] = theta.cos() as f32;
        observation[1] = theta.sin() as f32;
        observation[2] = theta_dot as f32;
    }

    fn step(&mut self, action: Action<'_>) -> Result<Transition, String> {
        let u = match action {
            Action::Continuous(&[u]) if !u.is_nan() => u,
            _ => return Err("the action is one torque, a number (clipped to [-2, 2])".into()),
        };
        // gymnasium clips in f32 and mixes the f32 torque into f64 arithmetic.
        let u = f64::from(u.clamp(-MAX_TORQUE, MAX_TORQUE));
        let [theta, theta_dot] = self.state;
        let cost = angle_normalize(theta).powi(2) + 0.1 * theta_dot * theta_dot + 0.001 * (u * u);
        let theta_dot = (theta_dot
            + (3.0 * G / (2.0 * L) * theta.sin() + 3.0 / (M * L * L) * u) * DT)
            .clamp(-MAX_SPEED, MAX_SPEED);
        self.state = [theta + theta_dot * DT, theta_dot];
        Ok(Transition::within_limit(-cost, false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::Env;

    #[test]
    fn the_reward_from_observations_is_the_environment_s() {
        let mut env = Pendulum::new();
        let mut obs = [0f32; 3];
        env.reset(Some(4), &mut obs);
        for u in [-3.0f32, 0.5, 1.9] {
            let before: Vec<f64> = obs.iter().map(|&v| f64::from(v)).collect();
            let t = env.step(Action::Continuous(&[u]), &mut obs).unwrap();
            let r = pendulum_reward(&before, f64::from(u));
            assert!((r - t.reward).abs() < 1e-5, "{r} vs {}", t.reward);
        }
    }

    #[test]
    fn angles_wrap_like_numpy_remainder() {
        assert_eq!(angle_normalize(0.0), 0.0);
        assert!((angle_normalize(2.0 * PI + 0.5) - 0.5).abs() < 1e-12);
        assert!((angle_normalize(-PI - 0.5) - (PI - 0.5)).abs() < 1e-12);
        assert_eq!(angle_normalize(PI), -PI);
    }

    #[test]
    fn hanging_still_costs_most_and_upright_costs_nothing() {
        let mut env = Pendulum::new();
        let mut obs = [0.0f32; 3];
        env.reset(Some(0), &mut obs);
        env.physics.state = [PI, 0.0];
        let down = env.step(Action::Continuous(&[0.0]), &mut obs).unwrap();
        assert!((down.reward + PI * PI).abs() < 1e-9, "{down:?}");
        env.physics.state = [0.0, 0.0];
        let up = env.step(Action::Continuous(&[0.0]), &mut obs).unwrap();
        assert_eq!(up.reward, 0.0);
        assert!(!up.terminated && !up.truncated);
    }

    #[test]
    fn torque_is_clipped_and_bad_actions_refused() {
        let mut a = Pendulum::new();
        let mut obs = [0.0f32; 3];
        a.reset(Some(5), &mut obs);
        let mut b = a.clone();
        let ra = a.step(Action::Continuous(&[50.0]), &mut obs).unwrap();
        let rb = b.step(Action::Continuous(&[2.0]), &mut obs).unwrap();
        assert_eq!(ra, rb);
        assert_eq!(a.physics.state, b.physics.state);
        assert!(a.step(Action::Continuous(&[f32::NAN]), &mut obs).is_err());
        assert!(a.step(Action::Discrete(1), &mut obs).is_err());
        let err = a
            .step(Action::Continuous(&[1.0, 1.0]), &mut obs)
            .unwrap_err();
        assert!(err.to_string().contains("one torque"), "{err}");
    }
}
