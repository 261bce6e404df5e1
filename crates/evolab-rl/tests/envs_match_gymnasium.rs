//! evolab's environments against gymnasium itself: the same seeds and actions must give the
//! same observations (as f32), rewards, terminations and truncations. The reference runs in
//! a private venv with pinned gymnasium and numpy (`tests/python/gym_rollout.py`).

use std::path::Path;

use evolab_rl::env::{self, Action};
use serde::Deserialize;
use serde_json::json;

const GYMNASIUM: &[&str] = &["gymnasium==1.3.0", "numpy==1.26.4"];

#[derive(Deserialize)]
struct Reference {
    episodes: Vec<Episode>,
}

#[derive(Deserialize, Debug)]
struct Episode {
    observations: Vec<Vec<f32>>,
    rewards: Vec<f64>,
    terminated: Vec<bool>,
    truncated: Vec<bool>,
}

/// What an episode's actions are: given per step, or chosen from the observation by one of
/// the script's policies (the same rule on both sides) for at most that many steps.
enum Plan {
    Discrete(Vec<usize>),
    Continuous(Vec<f32>),
    /// CartPole: push towards where the pole leans.
    Balance(usize),
    /// MountainCar: push along the velocity.
    Rock(usize),
    /// MountainCarContinuous: force ±1.3 along the velocity (beyond the bound on purpose).
    RockContinuous(usize),
    /// Acrobot: torque along the second joint's velocity.
    Swing(usize),
}

impl Plan {
    fn steps(&self) -> usize {
        match self {
            Plan::Discrete(a) => a.len(),
            Plan::Continuous(u) => u.len(),
            Plan::Balance(n) | Plan::Rock(n) | Plan::RockContinuous(n) | Plan::Swing(n) => *n,
        }
    }

    /// The episode as the script reads it.
    fn request(&self, seed: Option<u64>) -> serde_json::Value {
        let (policy, actions) = match self {
            Plan::Discrete(a) => (None, json!(a)),
            Plan::Continuous(u) => (None, json!(u.iter().map(|&x| [x]).collect::<Vec<_>>())),
            Plan::Balance(_) => (Some("balance"), json!(vec![0; self.steps()])),
            Plan::Rock(_) => (Some("rock"), json!(vec![0; self.steps()])),
            Plan::RockContinuous(_) => (Some("rock_continuous"), json!(vec![0; self.steps()])),
            Plan::Swing(_) => (Some("swing"), json!(vec![0; self.steps()])),
        };
        json!({"seed": seed, "actions": actions, "policy": policy})
    }

    /// The action at step `k`, written into `buf` for continuous ones.
    fn action<'a>(&self, k: usize, obs: &[f32], buf: &'a mut [f32; 1]) -> Action<'a> {
        let along = |v: f32| if v >= 0.0 { 2 } else { 0 };
        match self {
            Plan::Discrete(a) => Action::Discrete(a[k]),
            Plan::Balance(_) => Action::Discrete(usize::from(obs[2] + 0.5 * obs[3] > 0.0)),
            Plan::Rock(_) => Action::Discrete(along(obs[1])),
            Plan::Swing(_) => Action::Discrete(if obs[5] > 0.0 { 2 } else { 0 }),
            Plan::Continuous(u) => {
                *buf = [u[k]];
                Action::Continuous(buf)
            }
            Plan::RockContinuous(_) => {
                *buf = [if obs[1] >= 0.0 { 1.3 } else { -1.3 }];
                Action::Continuous(buf)
            }
        }
    }
}

/// Plays the episodes in gymnasium and on `evolab_rl::env::make(id)`, one environment each,
/// asserts that they agree (observations within 1e-6 relative, rewards within
/// `reward_tolerance` relative, flags exactly) and returns evolab's.
fn replay(id: &str, episodes: &[(Option<u64>, Plan)], reward_tolerance: f64) -> Vec<Episode> {
    let request = json!({
        "env": id,
        "episodes": episodes.iter().map(|(seed, plan)| plan.request(*seed)).collect::<Vec<_>>(),
    });
    let python = evolab_testkit::python(Path::new(env!("CARGO_TARGET_TMPDIR")), GYMNASIUM);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/gym_rollout.py");
    let out = evolab_testkit::run_script(&python, &script, &[], &request.to_string());
    let reference: Reference = serde_json::from_str(&out).expect("reference JSON");

    let mut env = env::make(id).unwrap();
    let mut obs = vec![0.0f32; env.observation_dim()];
    let mut buf = [0.0f32];
    let ours: Vec<Episode> = episodes
        .iter()
        .map(|(seed, plan)| {
            env.reset(*seed, &mut obs);
            let mut e = Episode {
                observations: vec![obs.clone()],
                rewards: vec![],
                terminated: vec![],
                truncated: vec![],
            };
            for k in 0..plan.steps() {
                let action = plan.action(k, &obs, &mut buf);
                let t = env.step(action, &mut obs).unwrap();
                e.observations.push(obs.clone());
                e.rewards.push(t.reward);
                e.terminated.push(t.terminated);
                e.truncated.push(t.truncated);
                if t.terminated || t.truncated {
                    break;
                }
            }
            e
        })
        .collect();

    assert_eq!(ours.len(), reference.episodes.len());
    for (k, (a, b)) in ours.iter().zip(&reference.episodes).enumerate() {
        assert_eq!(a.rewards.len(), b.rewards.len(), "{id} episode {k} length");
        for (t, (x, y)) in a.rewards.iter().zip(&b.rewards).enumerate() {
            assert!(
                (x - y).abs() <= reward_tolerance * (1.0 + y.abs()),
                "{id} episode {k} step {t}: reward {x} vs gymnasium {y}"
            );
        }
        assert_eq!(a.terminated, b.terminated, "{id} episode {k} terminated");
        assert_eq!(a.truncated, b.truncated, "{id} episode {k} truncated");
        for (t, (x, y)) in a.observations.iter().zip(&b.observations).enumerate() {
            // Both sides integrate in f64; only sin/cos may differ in the last bit.
            for (u, v) in x.iter().zip(y) {
                assert!(
                    (u - v).abs() <= 1e-6 * (1.0 + v.abs()),
                    "{id} episode {k} step {t}: {x:?} vs gymnasium {y:?}"
                );
            }
        }
    }
    ours
}

/// xorshift bits in {0, 1}, reproducible without a crate.
fn bits(seed: u64, n: usize) -> Vec<usize> {
    let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 63) as usize
        })
        .collect()
}

/// Signed magnitudes cycling through `levels`, signs from [`bits`].
fn forces(seed: u64, n: usize, levels: &[f32]) -> Vec<f32> {
    bits(seed, n)
        .iter()
        .enumerate()
        .map(|(i, &b)| (b as f32 * 2.0 - 1.0) * levels[i % levels.len()])
        .collect()
}

fn last_terminated(e: &Episode) -> bool {
    *e.terminated.last().unwrap()
}

fn last_truncated(e: &Episode) -> bool {
    *e.truncated.last().unwrap()
}

#[test]
fn cartpole_random_pushes_and_a_balanced_pole() {
    // Seeded episodes, then unseeded ones that continue the random stream.
    let seeds = [
        Some(0),
        None,
        None,
        Some(42),
        Some(12345),
        None,
        Some(1 << 40),
    ];
    let random: Vec<_> = (0..seeds.len() as u64)
        .map(|k| (seeds[k as usize], Plan::Discrete(bits(k + 1, 200))))
        .collect();
    let ours = replay("CartPole-v1", &random, 0.0);
    // Random pushes drop the pole well before the time limit, in every episode.
    assert!(ours.iter().all(last_terminated));

    let balanced = replay(
        "CartPole-v1",
        &[(Some(3), Plan::Balance(600)), (Some(7), Plan::Balance(600))],
        0.0,
    );
    for e in &balanced {
        assert_eq!(
            e.rewards.len(),
            500,
            "the balancing policy keeps the pole up"
        );
        assert!(last_truncated(e) && !last_terminated(e));
    }
}

#[test]
fn pendulum_to_the_time_limit() {
    // Torques beyond ±2 check the clipping; unseeded resets continue the stream.
    let levels = [0.5, 0.9, 1.3, 1.7, 2.1, 2.5, 2.9];
    let episodes: Vec<_> = [Some(0), None, Some(42), Some(1 << 33)]
        .into_iter()
        .zip(11..)
        .map(|(seed, k)| (seed, Plan::Continuous(forces(k, 250, &levels))))
        .collect();
    // The f32 torque enters gymnasium's cost through numpy's scalar promotion rules.
    let ours = replay("Pendulum-v1", &episodes, 1e-6);
    for e in &ours {
        assert_eq!(e.rewards.len(), 200);
        assert!(last_truncated(e) && !e.terminated.iter().any(|&t| t));
        assert!(e.rewards.iter().all(|r| (-16.3..=0.0).contains(r)));
    }
}

#[test]
fn mountain_car_random_pushes_and_a_climb() {
    let random: Vec<_> = [Some(0), None, Some(99)]
        .into_iter()
        .zip(0u64..)
        .map(|(seed, k)| {
            // Two random bits make 0, 1 or 2 (2 twice as often).
            let (a, b) = (bits(k + 21, 220), bits(k + 31, 220));
            let actions = a.iter().zip(b).map(|(x, y)| (x + 2 * y).min(2)).collect();
            (seed, Plan::Discrete(actions))
        })
        .collect();
    let ours = replay("MountainCar-v0", &random, 0.0);
    assert!(ours
        .iter()
        .all(|e| e.rewards.len() == 200 && last_truncated(e)));

    // Pushing along the velocity reaches the flag before the limit: termination agrees too.
    let climb = replay("MountainCar-v0", &[(Some(5), Plan::Rock(200))], 0.0);
    assert!(last_terminated(&climb[0]) && climb[0].rewards.len() < 200);
}

#[test]
fn continuous_mountain_car_random_forces_and_a_climb() {
    let levels = [0.3, 0.6, 0.9, 1.2, 1.5];
    let random: Vec<_> = [Some(0), Some(7), None]
        .into_iter()
        .zip(41..)
        .map(|(seed, k)| (seed, Plan::Continuous(forces(k, 300, &levels))))
        .collect();
    replay("MountainCarContinuous-v0", &random, 1e-9);

    let climb = replay(
        "MountainCarContinuous-v0",
        &[(Some(3), Plan::RockContinuous(999))],
        1e-9,
    );
    let last = *climb[0].rewards.last().unwrap();
    assert!(last_terminated(&climb[0]) && last > 99.0, "{last}");
}

#[test]
fn acrobot_runs_of_torque_and_swing_ups() {
    let runs: Vec<_> = [Some(0), None, Some(2024), Some(1 << 50)]
        .into_iter()
        .zip(0u64..)
        .map(|(seed, k)| {
            let (a, b) = (bits(k + 51, 520), bits(k + 61, 520));
            // Runs of eight steps of one torque, with some steps of none.
            let actions = a
                .iter()
                .zip(b)
                .enumerate()
                .map(|(i, (x, y))| {
                    if y == 1 && i % 3 == 0 {
                        1
                    } else {
                        2 * ((i / 8 + x) % 2)
                    }
                })
                .collect();
            (seed, Plan::Discrete(actions))
        })
        .collect();
    let ours = replay("Acrobot-v1", &runs, 0.0);
    assert!(ours.iter().all(|e| e.rewards.len() > 1));

    // Torque along the second joint's velocity pumps energy in: the tip rises and the
    // episode terminates, with gymnasium's final reward of 0.
    let swings = replay(
        "Acrobot-v1",
        &[(Some(0), Plan::Swing(500)), (Some(1), Plan::Swing(500))],
        0.0,
    );
    for e in &swings {
        assert!(last_terminated(e) && e.rewards.len() < 500);
        assert_eq!(*e.rewards.last().unwrap(), 0.0);
    }
}
