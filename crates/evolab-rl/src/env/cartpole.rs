//! gymnasium 1.3's `CartPole-v1` (classic control), Euler integration, reward 1 per step.
//! The time limit of 500 steps is [`super::TimeLimit`]'s, as gymnasium's `make` adds it.

use super::classic::{Classic, Physics};
use super::{Action, ActionSpace, Transition};
use crate::numpy_rng::Generator;

const GRAVITY: f64 = 9.8;
const MASS_CART: f64 = 1.0;
const MASS_POLE: f64 = 0.1;
const TOTAL_MASS: f64 = MASS_POLE + MASS_CART;
/// Half the pole's length.
const LENGTH: f64 = 0.5;
const POLE_MASS_LENGTH: f64 = MASS_POLE * LENGTH;
const FORCE: f64 = 10.0;
const TAU: f64 = 0.02;
const THETA_THRESHOLD: f64 = 12.0 * 2.0 * std::f64::consts::PI / 360.0;
const X_THRESHOLD: f64 = 2.4;
const RESET_BOUND: f64 = 0.05;

/// Whether the state or observation (x, ẋ, θ, θ̇) ends the episode: the cart left the
/// track or the pole leans more than 12°. Planners test imagined states with it.
pub fn cartpole_fell(state: &[f64]) -> bool {
    !(-X_THRESHOLD..=X_THRESHOLD).contains(&state[0])
        || !(-THETA_THRESHOLD..=THETA_THRESHOLD).contains(&state[2])
}

/// `CartPole-v1`.
pub type CartPole = Classic<CartPolePhysics>;

/// The cart-pole: state (x, ẋ, θ, θ̇) in f64 as gymnasium keeps it, observed as f32.
#[derive(Clone, Debug, Default)]
pub struct CartPolePhysics {
    state: [f64; 4],
    /// gymnasium's `steps_beyond_terminated`: steps taken after the pole fell.
    steps_beyond_terminated: Option<u64>,
}

impl Physics for CartPolePhysics {
    const ID: &'static str = "CartPole-v1";
    const OBSERVATION_DIM: usize = 4;

    fn action_space() -> ActionSpace {
        ActionSpace::Discrete(2)
    }

    fn reset(&mut self, rng: &mut Generator) {
        for s in &mut self.state {
            *s = rng.uniform(-RESET_BOUND, RESET_BOUND);
        }
        self.steps_beyond_terminated = None;
    }

    fn observe(&self, observation: &mut [f32]) {
        for (o, &s) in observation.iter_mut().zip(&self.state) {
            *o = s as f32;
        }
    }

    fn step(&mut self, action: Action<'_>) -> Result<Transition, String> {
        let push_right = match action {
            Action::Discrete(0) => false,
            Action::Discrete(1) => true,
            _ => return Err("the actions are Discrete(0) and Discrete(1)".into()),
        };
        let [x, x_dot, theta, theta_dot] = self.state;
        let force = if push_right { FORCE } else { -FORCE };
        let (sin, cos) = (theta.sin(), theta.cos());
        // The same operations in the same order as gymnasium, so the f64 results agree.
        let temp = (force + POLE_MASS_LENGTH * (theta_dot * theta_dot) * sin) / TOTAL_MASS;
        let theta_acc = (GRAVITY * sin - cos * temp)
            / (LENGTH * (4.0 / 3.0 - MASS_POLE * (cos * cos) / TOTAL_MASS));
        let x_acc = temp - POLE_MASS_LENGTH * theta_acc * cos / TOTAL_MASS;
        self.state = [
            x + TAU * x_dot,
            x_dot + TAU * x_acc,
            theta + TAU * theta_dot,
            theta_dot + TAU * theta_acc,
        ];
        let terminated = cartpole_fell(&self.state);
        let reward = if !terminated {
            1.0
        } else if let Some(beyond) = &mut self.steps_beyond_terminated {
            // Stepping on after the fall (gymnasium warns): no more reward.
            *beyond += 1;
            0.0
        } else {
            self.steps_beyond_terminated = Some(0);
            1.0
        };
        Ok(Transition::within_limit(reward, terminated))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::Env;

    #[test]
    fn reset_draws_the_state_gymnasium_draws_for_the_seed() {
        // np.random.Generator(np.random.PCG64(42)).uniform(-0.05, 0.05, size=(4,)), numpy 1.26.4,
        // which is what CartPole-v1's reset(seed=42) draws.
        let numpy = [
            0.027395604855596334,
            -0.006112156024794771,
            0.03585979199113824,
            0.019736802905936393,
        ];
        let mut env = CartPole::new();
        let mut obs = [0.0f32; 4];
        env.reset(Some(42), &mut obs);
        assert_eq!(env.physics.state, numpy);
        assert_eq!(obs, numpy.map(|v| v as f32));
    }

    #[test]
    fn pushing_one_way_tips_the_pole_the_other_and_ends_the_episode() {
        let mut env = CartPole::new();
        let mut obs = [0.0f32; 4];
        env.reset(Some(0), &mut obs);
        let mut steps = 0;
        loop {
            let t = env.step(Action::Discrete(1), &mut obs).unwrap();
            steps += 1;
            assert_eq!(t.reward, 1.0);
            assert!(!t.truncated);
            if t.terminated {
                break;
            }
            assert!(steps < 100, "the pole never fell");
        }
        // Pushed right, the cart accelerates right and the pole falls left.
        assert!(obs[1] > 0.0 && obs[2] < 0.0, "{obs:?}");
        let after = env.step(Action::Discrete(1), &mut obs).unwrap();
        assert_eq!(after.reward, 0.0);
        assert!(after.terminated);
    }

    #[test]
    fn invalid_actions_are_refused_with_the_valid_ones() {
        let mut env = CartPole::new();
        let mut obs = [0.0f32; 4];
        env.reset(Some(1), &mut obs);
        let err = env.step(Action::Discrete(2), &mut obs).unwrap_err();
        assert!(
            err.to_string().contains("Discrete(0) and Discrete(1)"),
            "{err}"
        );
        assert!(env.step(Action::Continuous(&[0.5]), &mut obs).is_err());
    }
}
