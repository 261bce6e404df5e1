//! gymnasium 1.3's `MountainCar-v0` (three discrete pushes) and `MountainCarContinuous-v0`
//! (one force in [-1, 1]): drive an under-powered car up the right hill. Time limits (200
//! and 999 steps) are [`super::TimeLimit`]'s.
//!
//! The arithmetic follows gymnasium run with numpy 1.26, where a numpy f32 scalar combined
//! with a Python number gives f64: the continuous car keeps its state in f32 between steps
//! but computes each step in f64. (numpy 2 computes some of these products in f32, which
//! moves results by about 1e-7.)

use super::classic::{Classic, Physics};
use super::{Action, ActionSpace, Transition};
use crate::numpy_rng::Generator;

const MIN_POSITION: f64 = -1.2;
const MAX_POSITION: f64 = 0.6;
const MAX_SPEED: f64 = 0.07;
const GRAVITY: f64 = 0.0025;

/// Position uniform in [-0.6, -0.4], velocity 0.
fn reset_state(rng: &mut Generator) -> [f64; 2] {
    [rng.uniform(-0.6, -0.4), 0.0]
}

/// Clips to the track; a car stopped by the left wall loses its leftward speed.
fn clamp_to_track(position: f64, velocity: f64) -> (f64, f64) {
    let position = position.clamp(MIN_POSITION, MAX_POSITION);
    let velocity = if position == MIN_POSITION && velocity < 0.0 {
        0.0
    } else {
        velocity
    };
    (position, velocity)
}

fn write_observation(state: [f64; 2], observation: &mut [f32]) {
    observation[0] = state[0] as f32;
    observation[1] = state[1] as f32;
}

/// `MountainCar-v0`.
pub type MountainCar = Classic<MountainCarPhysics>;

/// `MountainCarContinuous-v0`.
pub type MountainCarContinuous = Classic<MountainCarContinuousPhysics>;

/// `MountainCar-v0`: actions 0 (push left), 1 (no push), 2 (push right); reward −1 per step
/// until the car reaches position 0.5. State (position, velocity) in f64.
#[derive(Clone, Debug, Default)]
pub struct MountainCarPhysics {
    state: [f64; 2],
}

impl Physics for MountainCarPhysics {
    const ID: &'static str = "MountainCar-v0";
    const OBSERVATION_DIM: usize = 2;

    fn action_space() -> ActionSpace {
        ActionSpace::Discrete(3)
    }

    fn reset(&mut self, rng: &mut Generator) {
        self.state = reset_state(rng);
    }

    fn observe(&self, observation: &mut [f32]) {
        write_observation(self.state, observation);
    }

    fn step(&mut self, action: Action<'_>) -> Result<Transition, String> {
        let push = match action {
            Action::Discrete(a @ 0..=2) => a as f64 - 1.0,
            _ => return Err("the actions are Discrete(0), (1) and (2)".into()),
        };
        let [position, velocity] = self.state;
        let velocity = (velocity + (push * 0.001 + (3.0 * position).cos() * -GRAVITY))
            .clamp(-MAX_SPEED, MAX_SPEED);
        let (position, velocity) = clamp_to_track(position + velocity, velocity);
        self.state = [position, velocity];
        Ok(Transition::within_limit(
            -1.0,
            position >= 0.5 && velocity >= 0.0,
        ))
    }
}

/// `MountainCarContinuous-v0`: force clipped to [-1, 1]; reward 100 on reaching position
/// 0.45, minus 0.1·action² every step (of the action as given, before clipping). The state
/// is f32-valued between steps, as gymnasium stores it.
#[derive(Clone, Debug, Default)]
pub struct MountainCarContinuousPhysics {
    state: [f64; 2],
}

impl Physics for MountainCarContinuousPhysics {
    const ID: &'static str = "MountainCarContinuous-v0";
    const OBSERVATION_DIM: usize = 2;

    fn action_space() -> ActionSpace {
        ActionSpace::Continuous {
            low: vec![-1.0],
            high: vec![1.0],
        }
    }

    fn reset(&mut self, rng: &mut Generator) {
        self.state = reset_state(rng);
    }

    fn observe(&self, observation: &mut [f32]) {
        write_observation(self.state, observation);
    }

    fn step(&mut self, action: Action<'_>) -> Result<Transition, String> {
        let a = match action {
            Action::Continuous(&[a]) if !a.is_nan() => f64::from(a),
            _ => return Err("the action is one force, a number (clipped to [-1, 1])".into()),
        };
        let [position, velocity] = self.state;
        let force = a.clamp(-1.0, 1.0);
        let velocity = (velocity + (force * 0.0015 - GRAVITY * (3.0 * position).cos()))
            .clamp(-MAX_SPEED, MAX_SPEED);
        let (position, velocity) = clamp_to_track(position + velocity, velocity);
        let terminated = position >= 0.45 && velocity >= 0.0;
        let reward = if terminated { 100.0 } else { 0.0 } - a.powi(2) * 0.1;
        self.state = [f64::from(position as f32), f64::from(velocity as f32)];
        Ok(Transition::within_limit(reward, terminated))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::Env;

    #[test]
    fn pushing_right_from_rest_is_not_enough_but_rocking_is() {
        // Always pushing right stalls below the goal within the time limit.
        let mut env = MountainCar::new();
        let mut obs = [0.0f32; 2];
        env.reset(Some(0), &mut obs);
        for _ in 0..200 {
            assert!(!env.step(Action::Discrete(2), &mut obs).unwrap().terminated);
        }
        // Pushing with the velocity builds up the swing and reaches the goal.
        env.reset(Some(0), &mut obs);
        let reached = (0..200).any(|_| {
            let a = if obs[1] >= 0.0 { 2 } else { 0 };
            env.step(Action::Discrete(a), &mut obs).unwrap().terminated
        });
        assert!(reached, "{obs:?}");
        assert!(obs[0] >= 0.5);
    }

    #[test]
    fn the_left_wall_stops_the_car() {
        let mut env = MountainCar::new();
        let mut obs = [0.0f32; 2];
        env.reset(Some(1), &mut obs);
        env.physics.state = [MIN_POSITION + 0.001, -MAX_SPEED];
        env.step(Action::Discrete(0), &mut obs).unwrap();
        assert_eq!(obs, [MIN_POSITION as f32, 0.0]);
    }

    #[test]
    fn continuous_reward_charges_the_unclipped_action() {
        let mut env = MountainCarContinuous::new();
        let mut obs = [0.0f32; 2];
        env.reset(Some(2), &mut obs);
        let mut clipped = env.clone();
        let big = env.step(Action::Continuous(&[3.0]), &mut obs).unwrap();
        let one = clipped.step(Action::Continuous(&[1.0]), &mut obs).unwrap();
        assert_eq!(
            env.physics.state, clipped.physics.state,
            "both push with force 1"
        );
        assert!((big.reward + 0.9).abs() < 1e-12 && (one.reward + 0.1).abs() < 1e-12);
        assert!(env.step(Action::Discrete(0), &mut obs).is_err());
    }
}
