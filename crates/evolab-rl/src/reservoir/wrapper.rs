//! An environment seen through reservoirs: the policy observes the reservoir states (and,
//! with the skip connection, the raw input), as the original's gym wrapper does.

use super::ReservoirFeatures;
use crate::env::{Action, ActionSpace, Env, InvalidAction, Transition};

/// `env` whose observations are the features of `features`.
pub struct ReservoirEnv<E> {
    env: E,
    features: ReservoirFeatures,
    raw: Vec<f32>,
}

impl<E: Env> ReservoirEnv<E> {
    /// `features` must have been built for `env`'s observation size and action space.
    pub fn new(env: E, features: ReservoirFeatures) -> Result<Self, String> {
        if features.observation_dim() != env.observation_dim()
            || features.action_space() != &env.action_space()
        {
            return Err(format!(
                "the reservoirs were built for another observation size or action space than {}'s",
                env.id()
            ));
        }
        Ok(ReservoirEnv {
            raw: vec![0.0; env.observation_dim()],
            env,
            features,
        })
    }
}

impl<E: Env> Env for ReservoirEnv<E> {
    fn id(&self) -> &'static str {
        self.env.id()
    }

    fn observation_dim(&self) -> usize {
        self.features.feature_dim()
    }

    fn action_space(&self) -> ActionSpace {
        self.env.action_space()
    }

    fn reset(&mut self, seed: Option<u64>, observation: &mut [f32]) {
        self.env.reset(seed, &mut self.raw);
        self.features.reset(&self.raw, observation);
    }

    fn step(
        &mut self,
        action: Action<'_>,
        observation: &mut [f32],
    ) -> Result<Transition, InvalidAction> {
        let t = self.env.step(action, &mut self.raw)?;
        self.features
            .step(&self.raw, action, t.reward, observation)
            .map_err(|reason| InvalidAction {
                env: self.env.id(),
                reason,
            })?;
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::make;
    use crate::reservoir::{FeatureOptions, ReservoirParams, ReservoirSpec};

    #[test]
    fn the_policy_sees_the_reservoir_state_driven_by_the_environment() {
        let env = make("CartPole-v1").unwrap();
        let spec = ReservoirSpec {
            units: 30,
            params: ReservoirParams {
                spectral_radius: 0.9,
                leak_rate: 0.5,
                input_scaling: 1.0,
            },
        };
        let features = || {
            ReservoirFeatures::new(
                4,
                ActionSpace::Discrete(2),
                &[spec],
                1,
                FeatureOptions::default(),
            )
            .unwrap()
        };
        let mut wrapped = ReservoirEnv::new(env, features()).unwrap();
        assert_eq!(wrapped.observation_dim(), 30);
        let mut direct = features();
        let mut raw_env = make("CartPole-v1").unwrap();
        let (mut obs, mut raw, mut want) = (vec![0.0; 30], vec![0.0; 4], vec![0.0; 30]);
        wrapped.reset(Some(5), &mut obs);
        raw_env.reset(Some(5), &mut raw);
        direct.reset(&raw, &mut want);
        assert_eq!(obs, want);
        for a in [0, 1, 1, 0] {
            let t = wrapped.step(Action::Discrete(a), &mut obs).unwrap();
            let u = raw_env.step(Action::Discrete(a), &mut raw).unwrap();
            assert_eq!(t, u);
            direct
                .step(&raw, Action::Discrete(a), u.reward, &mut want)
                .unwrap();
            assert_eq!(obs, want);
        }
        assert!(obs.iter().all(|v| v.abs() <= 1.0));

        let wrong = ReservoirFeatures::new(
            3,
            ActionSpace::Discrete(2),
            &[spec],
            1,
            FeatureOptions::default(),
        )
        .unwrap();
        assert!(ReservoirEnv::new(make("CartPole-v1").unwrap(), wrong).is_err());
    }
}
