//! gymnasium 1.3's `Acrobot-v1`: two links, torque −1, 0 or +1 on the joint between them;
//! swing the tip above a line one link-length over the base. Reward −1 per step until then;
//! the 500-step limit is [`super::TimeLimit`]'s. Dynamics "book" variant, one RK4 step of
//! 0.2 s per action, no torque noise.

use std::f64::consts::PI;

use super::classic::{Classic, Physics};
use super::{Action, ActionSpace, Transition};
use crate::numpy_rng::Generator;

const DT: f64 = 0.2;
const L1: f64 = 1.0;
const M1: f64 = 1.0;
const M2: f64 = 1.0;
const LC1: f64 = 0.5;
const LC2: f64 = 0.5;
const I1: f64 = 1.0;
const I2: f64 = 1.0;
const G: f64 = 9.8;
const MAX_VEL_1: f64 = 4.0 * PI;
const MAX_VEL_2: f64 = 9.0 * PI;
const TORQUES: [f64; 3] = [-1.0, 0.0, 1.0];

/// d/dt of (θ1, θ2, θ̇1, θ̇2) under torque `a`, with gymnasium's operations in its order.
fn derivatives(s: [f64; 4], a: f64) -> [f64; 4] {
    let [theta1, theta2, dtheta1, dtheta2] = s;
    let d1 = M1 * LC1.powi(2)
        + M2 * (L1.powi(2) + LC2.powi(2) + 2.0 * L1 * LC2 * theta2.cos())
        + I1
        + I2;
    let d2 = M2 * (LC2.powi(2) + L1 * LC2 * theta2.cos()) + I2;
    let phi2 = M2 * LC2 * G * (theta1 + theta2 - PI / 2.0).cos();
    let phi1 = -M2 * L1 * LC2 * (dtheta2 * dtheta2) * theta2.sin()
        - 2.0 * M2 * L1 * LC2 * dtheta2 * dtheta1 * theta2.sin()
        + (M1 * LC1 + M2 * L1) * G * (theta1 - PI / 2.0).cos()
        + phi2;
    let ddtheta2 = (a + d2 / d1 * phi1 - M2 * L1 * LC2 * (dtheta1 * dtheta1) * theta2.sin() - phi2)
        / (M2 * LC2.powi(2) + I2 - (d2 * d2) / d1);
    let ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
    [dtheta1, dtheta2, ddtheta1, ddtheta2]
}

/// One classical Runge-Kutta step of `DT`, element-wise as numpy evaluates it.
fn rk4(y: [f64; 4], a: f64) -> [f64; 4] {
    let add = |y: [f64; 4], h: f64, k: [f64; 4]| std::array::from_fn(|i| y[i] + h * k[i]);
    let half = DT / 2.0;
    let k1 = derivatives(y, a);
    let k2 = derivatives(add(y, half, k1), a);
    let k3 = derivatives(add(y, half, k2), a);
    let k4 = derivatives(add(y, DT, k3), a);
    std::array::from_fn(|i| y[i] + DT / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]))
}

/// gymnasium's `wrap`: shifts by whole periods into [low, high].
fn wrap(mut x: f64, low: f64, high: f64) -> f64 {
    let period = high - low;
    while x > high {
        x -= period;
    }
    while x < low {
        x += period;
    }
    x
}

/// `Acrobot-v1`.
pub type Acrobot = Classic<AcrobotPhysics>;

/// The acrobot: state (θ1, θ2, θ̇1, θ̇2), observed as (cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2).
#[derive(Clone, Debug, Default)]
pub struct AcrobotPhysics {
    state: [f64; 4],
}

impl AcrobotPhysics {
    fn tip_is_above_the_line(&self) -> bool {
        let [t1, t2, _, _] = self.state;
        -t1.cos() - (t2 + t1).cos() > 1.0
    }
}

impl Physics for AcrobotPhysics {
    const ID: &'static str = "Acrobot-v1";
    const OBSERVATION_DIM: usize = 6;

    fn action_space() -> ActionSpace {
        ActionSpace::Discrete(3)
    }

    fn reset(&mut self, rng: &mut Generator) {
        // gymnasium casts the initial state to f32; later states stay f64.
        for s in &mut self.state {
            *s = f64::from(rng.uniform(-0.1, 0.1) as f32);
        }
    }

    fn observe(&self, observation: &mut [f32]) {
        let [t1, t2, d1, d2] = self.state;
        let values = [t1.cos(), t1.sin(), t2.cos(), t2.sin(), d1, d2];
        for (o, v) in observation.iter_mut().zip(values) {
            *o = v as f32;
        }
    }

    fn step(&mut self, action: Action<'_>) -> Result<Transition, String> {
        let torque = match action {
            Action::Discrete(a @ 0..=2) => TORQUES[a],
            _ => return Err("the actions are Discrete(0), (1) and (2) (torque -1, 0, +1)".into()),
        };
        let [t1, t2, d1, d2] = rk4(self.state, torque);
        self.state = [
            wrap(t1, -PI, PI),
            wrap(t2, -PI, PI),
            d1.clamp(-MAX_VEL_1, MAX_VEL_1),
            d2.clamp(-MAX_VEL_2, MAX_VEL_2),
        ];
        let terminated = self.tip_is_above_the_line();
        Ok(Transition::within_limit(
            if terminated { 0.0 } else { -1.0 },
            terminated,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::Env;

    #[test]
    fn hanging_at_rest_without_torque_stays_at_rest() {
        let mut env = Acrobot::new();
        let mut obs = [0.0f32; 6];
        env.reset(Some(0), &mut obs);
        env.physics.state = [0.0; 4];
        let t = env.step(Action::Discrete(1), &mut obs).unwrap();
        // cos(−π/2) is 6e-17, not 0, in floating point: rest up to that.
        for (o, want) in obs.iter().zip([1.0, 0.0, 1.0, 0.0, 0.0, 0.0]) {
            assert!((o - want).abs() < 1e-12, "{obs:?}");
        }
        assert_eq!(t.reward, -1.0);
        assert!(!t.terminated);
    }

    #[test]
    fn angles_wrap_and_speeds_are_bounded() {
        assert!((wrap(3.0 * PI, -PI, PI) - PI).abs() < 1e-12);
        assert!((wrap(-1.5 * PI, -PI, PI) - 0.5 * PI).abs() < 1e-12);
        let mut env = Acrobot::new();
        let mut obs = [0.0f32; 6];
        env.reset(Some(3), &mut obs);
        env.physics.state = [0.0, 0.0, 100.0, -100.0];
        env.step(Action::Discrete(2), &mut obs).unwrap();
        assert!(env.physics.state[2].abs() <= MAX_VEL_1 && env.physics.state[3].abs() <= MAX_VEL_2);
        assert!(env.physics.state[..2]
            .iter()
            .all(|t| (-PI..=PI).contains(t)));
    }

    #[test]
    fn a_raised_tip_ends_the_episode_and_bad_actions_are_refused() {
        let mut env = Acrobot::new();
        let mut obs = [0.0f32; 6];
        env.reset(Some(4), &mut obs);
        env.physics.state = [PI - 0.01, 0.0, 0.0, 0.0];
        let t = env.step(Action::Discrete(1), &mut obs).unwrap();
        assert!(t.terminated && t.reward == 0.0, "{t:?}");
        assert!(env.step(Action::Discrete(3), &mut obs).is_err());
    }
}
