//! Environments by gymnasium id, with the time limit gymnasium's `make` adds.

use super::{Acrobot, CartPole, Env, MountainCar, MountainCarContinuous, Pendulum, TimeLimit};

/// gymnasium's id, its `max_episode_steps`, and the observation entries that are velocities
/// (the ones partial observability removes).
pub struct EnvInfo {
    pub id: &'static str,
    pub max_episode_steps: u64,
    pub velocity_indices: &'static [usize],
}

/// Every environment [`make`] knows, in the order `evolab` lists them.
pub const ENVIRONMENTS: [EnvInfo; 5] = [
    EnvInfo {
        id: "CartPole-v1",
        max_episode_steps: 500,
        velocity_indices: &[1, 3],
    },
    EnvInfo {
        id: "Pendulum-v1",
        max_episode_steps: 200,
        velocity_indices: &[2],
    },
    EnvInfo {
        id: "MountainCar-v0",
        max_episode_steps: 200,
        velocity_indices: &[1],
    },
    EnvInfo {
        id: "MountainCarContinuous-v0",
        max_episode_steps: 999,
        velocity_indices: &[1],
    },
    EnvInfo {
        id: "Acrobot-v1",
        max_episode_steps: 500,
        velocity_indices: &[4, 5],
    },
];

/// A name [`make`] does not know.
#[derive(Clone, Debug, PartialEq)]
pub struct UnknownEnv(pub String);

impl std::fmt::Display for UnknownEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let known: Vec<&str> = ENVIRONMENTS.iter().map(|e| e.id).collect();
        write!(
            f,
            "unknown environment {:?}; the environments are {}",
            self.0,
            known.join(", ")
        )
    }
}

impl std::error::Error for UnknownEnv {}

/// The facts about environment `id`.
pub fn info(id: &str) -> Result<&'static EnvInfo, UnknownEnv> {
    ENVIRONMENTS
        .iter()
        .find(|e| e.id == id)
        .ok_or_else(|| UnknownEnv(id.to_string()))
}

/// `gymnasium.make(id)`: the environment inside its time limit.
pub fn make(id: &str) -> Result<Box<dyn Env>, UnknownEnv> {
    let steps = info(id)?.max_episode_steps;
    Ok(match id {
        "CartPole-v1" => Box::new(TimeLimit::new(CartPole::new(), steps)),
        "Pendulum-v1" => Box::new(TimeLimit::new(Pendulum::new(), steps)),
        "MountainCar-v0" => Box::new(TimeLimit::new(MountainCar::new(), steps)),
        "MountainCarContinuous-v0" => Box::new(TimeLimit::new(MountainCarContinuous::new(), steps)),
        "Acrobot-v1" => Box::new(TimeLimit::new(Acrobot::new(), steps)),
        _ => unreachable!("every id in ENVIRONMENTS has a constructor"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::{Action, ActionSpace};

    #[test]
    fn every_listed_environment_is_made_with_its_id_and_limit() {
        for e in &ENVIRONMENTS {
            let mut env = make(e.id).unwrap();
            assert_eq!(env.id(), e.id);
            assert!(e
                .velocity_indices
                .iter()
                .all(|&i| i < env.observation_dim()));
            let mut obs = vec![0.0; env.observation_dim()];
            env.reset(Some(0), &mut obs);
            let action_f = [0.0f32];
            let action = match env.action_space() {
                ActionSpace::Discrete(_) => Action::Discrete(0),
                ActionSpace::Continuous { .. } => Action::Continuous(&action_f),
            };
            let mut steps = 0;
            loop {
                steps += 1;
                let t = env.step(action, &mut obs).unwrap();
                if t.terminated || t.truncated {
                    assert!(t.terminated || steps == e.max_episode_steps, "{}", e.id);
                    break;
                }
            }
        }
    }

    #[test]
    fn unknown_names_list_the_known_ones() {
        let err = make("CartPole-v0").err().unwrap().to_string();
        assert!(
            err.contains("\"CartPole-v0\"") && err.contains("Acrobot-v1"),
            "{err}"
        );
    }
}
