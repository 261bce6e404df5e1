//! What the policy sees: one or more reservoirs driven by u_t = [o_t; ā_{t−1}; r_t], their
//! states concatenated, optionally followed by u_t itself (the skip connection).

use super::{Real, Reservoir, ReservoirParams, Topology};
use crate::env::{Action, ActionSpace};

/// What the reservoir is fed besides the observation and the reward.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feed {
    /// The previous action (one-hot for discrete spaces), zero at reset: the paper's design.
    ObservationActionReward,
    /// The original code's effective input, for comparison: the action slot holds a constant
    /// (the one-hot of action 0 for discrete spaces, zeros for continuous ones), so the
    /// reservoir never sees the action.
    ObservationRewardOnly,
}

/// The arithmetic the reservoirs run in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Precision {
    /// float64, as the original (ReservoirPy).
    #[default]
    F64,
    /// float32: half the memory traffic; states agree with float64 to about 1e-5.
    F32,
}

/// How the input is assembled and what is passed on to the policy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FeatureOptions {
    pub feed: Feed,
    /// Append u_t to the reservoir states.
    pub skip_connection: bool,
    /// Continuous actions mapped from their bounds to [−1, 1] before they are fed.
    pub actions_to_unit_box: bool,
    /// The reward is multiplied by this before it is fed (the original feeds it unscaled: 1).
    pub reward_scale: f64,
    pub precision: Precision,
}

impl Default for FeatureOptions {
    fn default() -> Self {
        FeatureOptions {
            feed: Feed::ObservationActionReward,
            skip_connection: false,
            actions_to_unit_box: false,
            reward_scale: 1.0,
            precision: Precision::F64,
        }
    }
}

/// The reservoirs, in the precision they run in.
#[derive(Clone, Debug)]
enum Bank {
    F64(Vec<Reservoir<f64>>),
    F32 {
        reservoirs: Vec<Reservoir<f32>>,
        input: Vec<f32>,
    },
}

fn build<T: Real>(
    specs: &[ReservoirSpec],
    inputs: usize,
    seed: u64,
) -> Result<Vec<Reservoir<T>>, String> {
    specs
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            let topology = Topology::new(spec.units, inputs, seed.wrapping_add(i as u64))?;
            Reservoir::new(topology, spec.params)
        })
        .collect()
}

/// Writes the reservoirs' new states side by side into `features`.
fn drive<T: Real>(reservoirs: &mut [Reservoir<T>], input: &[T], features: &mut [f32]) -> usize {
    let mut offset = 0;
    for r in reservoirs {
        let state = r.step(input);
        for (f, &x) in features[offset..offset + state.len()].iter_mut().zip(state) {
            *f = x.to_f32();
        }
        offset += state.len();
    }
    offset
}

/// One reservoir of a [`ReservoirFeatures`]: its size and macro-parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReservoirSpec {
    pub units: usize,
    pub params: ReservoirParams,
}

/// Reservoirs between an environment and a policy.
#[derive(Clone, Debug)]
pub struct ReservoirFeatures {
    bank: Bank,
    units: usize,
    options: FeatureOptions,
    observation_dim: usize,
    action_space: ActionSpace,
    input: Vec<f64>,
}

impl ReservoirFeatures {
    /// Reservoir i is drawn with seed `seed + i`, as the original's multi-reservoir setup.
    pub fn new(
        observation_dim: usize,
        action_space: ActionSpace,
        specs: &[ReservoirSpec],
        seed: u64,
        options: FeatureOptions,
    ) -> Result<Self, String> {
        if specs.is_empty() {
            return Err("at least one reservoir is needed".into());
        }
        let inputs = observation_dim + action_width(&action_space) + 1;
        let bank = match options.precision {
            Precision::F64 => Bank::F64(build(specs, inputs, seed)?),
            Precision::F32 => Bank::F32 {
                reservoirs: build(specs, inputs, seed)?,
                input: vec![0.0; inputs],
            },
        };
        Ok(ReservoirFeatures {
            bank,
            units: specs.iter().map(|s| s.units).sum(),
            options,
            observation_dim,
            action_space,
            input: vec![0.0; inputs],
        })
    }

    /// The observation size the reservoirs were built for.
    pub fn observation_dim(&self) -> usize {
        self.observation_dim
    }

    pub fn action_space(&self) -> &ActionSpace {
        &self.action_space
    }

    /// The length of u_t: observation, action slot, reward.
    pub fn input_dim(&self) -> usize {
        self.input.len()
    }

    /// The length of what the policy sees.
    pub fn feature_dim(&self) -> usize {
        self.units
            + if self.options.skip_connection {
                self.input_dim()
            } else {
                0
            }
    }

    /// Episode start: states to zero, then one update from the reset observation with no
    /// previous action and no reward.
    pub fn reset(&mut self, observation: &[f32], features: &mut [f32]) {
        match &mut self.bank {
            Bank::F64(rs) => rs.iter_mut().for_each(Reservoir::reset),
            Bank::F32 { reservoirs, .. } => reservoirs.iter_mut().for_each(Reservoir::reset),
        }
        self.assemble(observation, None, 0.0);
        self.update(features);
    }

    /// One update after `action` was taken and gave `observation` and `reward`. An action
    /// outside the action space is an error, and nothing is updated.
    pub fn step(
        &mut self,
        observation: &[f32],
        action: Action<'_>,
        reward: f64,
        features: &mut [f32],
    ) -> Result<(), String> {
        let fits = match (&self.action_space, action) {
            (ActionSpace::Discrete(n), Action::Discrete(a)) => a < *n,
            (ActionSpace::Continuous { low, .. }, Action::Continuous(a)) => a.len() == low.len(),
            _ => false,
        };
        if !fits {
            return Err(format!(
                "action {action:?} does not belong to the action space {:?}",
                self.action_space
            ));
        }
        self.assemble(observation, Some(action), reward);
        self.update(features);
        Ok(())
    }

    fn assemble(&mut self, observation: &[f32], action: Option<Action<'_>>, reward: f64) {
        assert_eq!(observation.len(), self.observation_dim, "observation size");
        let (obs, rest) = self.input.split_at_mut(self.observation_dim);
        let (slot, last) = rest.split_at_mut(rest.len() - 1);
        for (u, &o) in obs.iter_mut().zip(observation) {
            *u = f64::from(o);
        }
        slot.fill(0.0);
        match (self.options.feed, &self.action_space, action) {
            (Feed::ObservationRewardOnly, ActionSpace::Discrete(_), _) => slot[0] = 1.0,
            (Feed::ObservationRewardOnly, ActionSpace::Continuous { .. }, _) | (_, _, None) => {}
            (Feed::ObservationActionReward, _, Some(Action::Discrete(a))) => slot[a] = 1.0,
            (
                Feed::ObservationActionReward,
                ActionSpace::Continuous { low, high },
                Some(Action::Continuous(a)),
            ) => {
                for (k, (s, &v)) in slot.iter_mut().zip(a).enumerate() {
                    let v = f64::from(v);
                    *s = if self.options.actions_to_unit_box {
                        let (lo, hi) = (f64::from(low[k]), f64::from(high[k]));
                        (2.0 * (v.clamp(lo, hi) - lo) / (hi - lo) - 1.0).clamp(-1.0, 1.0)
                    } else {
                        v
                    };
                }
            }
            (
                Feed::ObservationActionReward,
                ActionSpace::Discrete(_),
                Some(Action::Continuous(_)),
            ) => {
                unreachable!("step checks the action against the space")
            }
        }
        last[0] = reward * self.options.reward_scale;
    }

    fn update(&mut self, features: &mut [f32]) {
        assert_eq!(features.len(), self.feature_dim(), "feature buffer size");
        let offset = match &mut self.bank {
            Bank::F64(reservoirs) => drive(reservoirs, &self.input, features),
            Bank::F32 { reservoirs, input } => {
                for (narrow, &wide) in input.iter_mut().zip(&self.input) {
                    *narrow = wide as f32;
                }
                drive(reservoirs, input, features)
            }
        };
        if self.options.skip_connection {
            for (f, &u) in features[offset..].iter_mut().zip(&self.input) {
                *f = u as f32;
            }
        }
    }
}

/// Width of the action slot: one entry per discrete action (one-hot) or per dimension.
fn action_width(space: &ActionSpace) -> usize {
    match space {
        ActionSpace::Discrete(n) => *n,
        ActionSpace::Continuous { low, .. } => low.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(units: usize) -> ReservoirSpec {
        ReservoirSpec {
            units,
            params: ReservoirParams {
                spectral_radius: 0.9,
                leak_rate: 0.4,
                input_scaling: 1.0,
            },
        }
    }

    fn options(feed: Feed, skip: bool) -> FeatureOptions {
        FeatureOptions {
            feed,
            skip_connection: skip,
            ..FeatureOptions::default()
        }
    }

    #[test]
    fn input_holds_observation_one_hot_previous_action_and_reward() {
        let mut f = ReservoirFeatures::new(
            2,
            ActionSpace::Discrete(3),
            &[spec(20)],
            0,
            options(Feed::ObservationActionReward, true),
        )
        .unwrap();
        assert_eq!((f.input_dim(), f.feature_dim()), (6, 26));
        let mut out = vec![0.0; 26];
        f.reset(&[0.5, -0.25], &mut out);
        assert_eq!(&out[20..], &[0.5, -0.25, 0.0, 0.0, 0.0, 0.0]);
        f.step(&[1.0, 2.0], Action::Discrete(2), -1.0, &mut out)
            .unwrap();
        assert_eq!(&out[20..], &[1.0, 2.0, 0.0, 0.0, 1.0, -1.0]);

        let mut blind = ReservoirFeatures::new(
            2,
            ActionSpace::Discrete(3),
            &[spec(20)],
            0,
            options(Feed::ObservationRewardOnly, true),
        )
        .unwrap();
        blind.reset(&[0.5, -0.25], &mut out);
        assert_eq!(&out[20..], &[0.5, -0.25, 1.0, 0.0, 0.0, 0.0]);
        blind
            .step(&[1.0, 2.0], Action::Discrete(2), -1.0, &mut out)
            .unwrap();
        assert!(blind
            .step(&[1.0, 2.0], Action::Discrete(3), 0.0, &mut out)
            .is_err());
        assert!(blind
            .step(&[1.0, 2.0], Action::Continuous(&[0.0]), 0.0, &mut out)
            .is_err());
        assert_eq!(&out[20..], &[1.0, 2.0, 1.0, 0.0, 0.0, -1.0]);
    }

    #[test]
    fn only_the_full_feed_lets_actions_change_the_state() {
        let run = |feed, actions: &[usize]| {
            let mut f = ReservoirFeatures::new(
                1,
                ActionSpace::Discrete(2),
                &[spec(30)],
                4,
                options(feed, false),
            )
            .unwrap();
            let mut out = vec![0.0; 30];
            f.reset(&[0.1], &mut out);
            for &a in actions {
                f.step(&[0.1], Action::Discrete(a), 1.0, &mut out).unwrap();
            }
            out
        };
        assert_ne!(
            run(Feed::ObservationActionReward, &[0, 0, 0]),
            run(Feed::ObservationActionReward, &[1, 1, 1])
        );
        assert_eq!(
            run(Feed::ObservationRewardOnly, &[0, 0, 0]),
            run(Feed::ObservationRewardOnly, &[1, 1, 1])
        );
    }

    #[test]
    fn several_reservoirs_are_the_single_ones_side_by_side() {
        let space = ActionSpace::Continuous {
            low: vec![-2.0],
            high: vec![2.0],
        };
        let opts = FeatureOptions {
            actions_to_unit_box: true,
            ..FeatureOptions::default()
        };
        let mut both =
            ReservoirFeatures::new(3, space.clone(), &[spec(10), spec(15)], 7, opts).unwrap();
        let mut first = ReservoirFeatures::new(3, space.clone(), &[spec(10)], 7, opts).unwrap();
        let mut second = ReservoirFeatures::new(3, space, &[spec(15)], 8, opts).unwrap();
        let (mut b, mut f, mut s) = (vec![0.0; 25], vec![0.0; 10], vec![0.0; 15]);
        both.reset(&[0.1, 0.2, 0.3], &mut b);
        first.reset(&[0.1, 0.2, 0.3], &mut f);
        second.reset(&[0.1, 0.2, 0.3], &mut s);
        for u in [-4.0f32, 1.0, 2.0] {
            let a = [u];
            both.step(&[0.0, 0.5, 1.0], Action::Continuous(&a), -0.5, &mut b)
                .unwrap();
            first
                .step(&[0.0, 0.5, 1.0], Action::Continuous(&a), -0.5, &mut f)
                .unwrap();
            second
                .step(&[0.0, 0.5, 1.0], Action::Continuous(&a), -0.5, &mut s)
                .unwrap();
            assert_eq!(&b[..10], &f[..]);
            assert_eq!(&b[10..], &s[..]);
        }
        assert_ne!(&b[..10], &s[..10], "the second reservoir has its own seed");
    }

    #[test]
    fn float32_reservoirs_give_nearly_the_float64_features() {
        let run = |precision| {
            let opts = FeatureOptions {
                precision,
                ..FeatureOptions::default()
            };
            let mut f =
                ReservoirFeatures::new(2, ActionSpace::Discrete(2), &[spec(40), spec(10)], 3, opts)
                    .unwrap();
            let mut out = vec![0.0; 50];
            f.reset(&[0.2, -0.1], &mut out);
            for k in 0..50 {
                f.step(
                    &[0.1 * k as f32, -0.2],
                    Action::Discrete(k % 2),
                    1.0,
                    &mut out,
                )
                .unwrap();
            }
            out
        };
        let (wide, narrow) = (run(Precision::F64), run(Precision::F32));
        assert_ne!(wide, narrow);
        for (a, b) in wide.iter().zip(&narrow) {
            assert!((a - b).abs() < 1e-4, "{a} vs {b}");
        }
    }

    #[test]
    fn continuous_actions_map_to_the_unit_box_when_asked() {
        let space = ActionSpace::Continuous {
            low: vec![-2.0],
            high: vec![2.0],
        };
        for (unit, want) in [(true, [-1.0f32, 0.5, 1.0]), (false, [-4.0, 1.0, 2.0])] {
            let opts = FeatureOptions {
                actions_to_unit_box: unit,
                skip_connection: true,
                ..FeatureOptions::default()
            };
            let mut f = ReservoirFeatures::new(1, space.clone(), &[spec(5)], 0, opts).unwrap();
            let mut out = vec![0.0; 8];
            f.reset(&[0.0], &mut out);
            for (u, w) in [-4.0f32, 1.0, 2.0].into_iter().zip(want) {
                f.step(&[0.0], Action::Continuous(&[u]), 0.0, &mut out)
                    .unwrap();
                assert_eq!(out[6], w);
            }
        }
        assert!(ReservoirFeatures::new(
            1,
            ActionSpace::Discrete(2),
            &[],
            0,
            FeatureOptions::default()
        )
        .is_err());
    }
}
