//! evolab's environments against gymnasium itself: the same seeds and actions must give the
//! same observations (as f32), rewards, terminations and truncations. The reference runs in
//! a private venv with pinned gymnasium and numpy.

use std::path::Path;

use evolab_rl::env::{
    Acrobot, Action, CartPole, Env, MountainCar, MountainCarContinuous, Pendulum, TimeLimit,
};
use serde::Deserialize;

const GYMNASIUM: &[&str] = &["gymnasium==1.3.0", "numpy==1.26.4"];

#[derive(Deserialize)]
struct Reference {
    gymnasium: String,
    episodes: Vec<Episode>,
}

#[derive(Deserialize, Debug)]
struct Episode {
    observations: Vec<Vec<f32>>,
    rewards: Vec<f64>,
    terminated: Vec<bool>,
    truncated: Vec<bool>,
}

/// xorshift actions in {0, 1}, reproducible without a crate.
fn actions(seed: u64, n: usize) -> Vec<usize> {
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

fn gymnasium(request: serde_json::Value) -> Reference {
    let python = evolab_testkit::python(Path::new(env!("CARGO_TARGET_TMPDIR")), GYMNASIUM);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/gym_rollout.py");
    let out = evolab_testkit::run_script(&python, &script, &[], &request.to_string());
    serde_json::from_str(&out).expect("reference JSON")
}

/// What an episode's actions are: given per step, or chosen by one of the script's policies
/// from the observation for at most that many steps.
enum Plan<'a> {
    Discrete(&'a [usize]),
    Torques(&'a [f32]),
    Balance(usize),
    Rock(usize),
    RockContinuous(usize),
    Swing(usize),
}

/// Plays the same episodes on one evolab environment, the way the script does.
fn evolab(env: &mut dyn Env, seeds: &[Option<u64>], plans: &[Plan]) -> Vec<Episode> {
    let mut obs = vec![0.0f32; env.observation_dim()];
    seeds
        .iter()
        .zip(plans)
        .map(|(&seed, plan)| {
            env.reset(seed, &mut obs);
            let mut e = Episode {
                observations: vec![obs.clone()],
                rewards: vec![],
                terminated: vec![],
                truncated: vec![],
            };
            let steps = match plan {
                Plan::Discrete(a) => a.len(),
                Plan::Torques(u) => u.len(),
                Plan::Balance(n) | Plan::Rock(n) | Plan::RockContinuous(n) | Plan::Swing(n) => *n,
            };
            for k in 0..steps {
                let torque;
                let action = match plan {
                    Plan::Discrete(a) => Action::Discrete(a[k]),
                    Plan::Balance(_) => Action::Discrete(usize::from(obs[2] + 0.5 * obs[3] > 0.0)),
                    Plan::Torques(u) => {
                        torque = [u[k]];
                        Action::Continuous(&torque)
                    }
                    Plan::Rock(_) => Action::Discrete(if obs[1] >= 0.0 { 2 } else { 0 }),
                    Plan::Swing(_) => Action::Discrete(if obs[5] > 0.0 { 2 } else { 0 }),
                    Plan::RockContinuous(_) => {
                        torque = [if obs[1] >= 0.0 { 1.3 } else { -1.3 }];
                        Action::Continuous(&torque)
                    }
                };
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
        .collect()
}

/// Observations within 1e-6 relative (both sides integrate in f64; only sin/cos may differ
/// in the last bit), rewards within `reward_tolerance` relative, flags exactly.
fn assert_same(ours: &[Episode], theirs: &[Episode], reward_tolerance: f64) {
    assert_eq!(ours.len(), theirs.len());
    for (k, (a, b)) in ours.iter().zip(theirs).enumerate() {
        assert_eq!(a.rewards.len(), b.rewards.len(), "episode {k} length");
        for (t, (x, y)) in a.rewards.iter().zip(&b.rewards).enumerate() {
            assert!(
                (x - y).abs() <= reward_tolerance * (1.0 + y.abs()),
                "episode {k} step {t}: reward {x} vs gymnasium {y}"
            );
        }
        assert_eq!(a.terminated, b.terminated, "episode {k} terminated");
        assert_eq!(a.truncated, b.truncated, "episode {k} truncated");
        assert_eq!(
            a.observations.len(),
            b.observations.len(),
            "episode {k} length"
        );
        for (t, (x, y)) in a.observations.iter().zip(&b.observations).enumerate() {
            for (u, v) in x.iter().zip(y) {
                assert!(
                    (u - v).abs() <= 1e-6 * (1.0 + v.abs()),
                    "episode {k} step {t}: {x:?} vs gymnasium {y:?}"
                );
            }
        }
    }
}

#[test]
fn random_actions_from_fixed_seeds_replay_gymnasium_episodes() {
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
    let acts: Vec<Vec<usize>> = (0..seeds.len() as u64)
        .map(|k| actions(k + 1, 200))
        .collect();
    let request = serde_json::json!({
        "env": "CartPole-v1",
        "episodes": seeds.iter().zip(&acts)
            .map(|(s, a)| serde_json::json!({"seed": s, "actions": a}))
            .collect::<Vec<_>>(),
    });
    let reference = gymnasium(request);
    eprintln!("gymnasium {}", reference.gymnasium);
    let plans: Vec<Plan> = acts.iter().map(|a| Plan::Discrete(a)).collect();
    let mut env = TimeLimit::new(CartPole::new(), 500);
    let ours = evolab(&mut env, &seeds, &plans);
    assert_same(&ours, &reference.episodes, 0.0);
    // Random pushes drop the pole well before the time limit, in every episode.
    assert!(ours.iter().all(|e| *e.terminated.last().unwrap()));
}

#[test]
fn a_balanced_pole_is_truncated_at_500_steps_like_gymnasium() {
    let seeds = [Some(3), Some(7)];
    let acts = vec![vec![0; 600]; 2];
    let request = serde_json::json!({
        "env": "CartPole-v1",
        "policy": "balance",
        "episodes": seeds.iter().zip(&acts)
            .map(|(s, a)| serde_json::json!({"seed": s, "actions": a}))
            .collect::<Vec<_>>(),
    });
    let reference = gymnasium(request);
    let mut env = TimeLimit::new(CartPole::new(), 500);
    let ours = evolab(&mut env, &seeds, &[Plan::Balance(600), Plan::Balance(600)]);
    assert_same(&ours, &reference.episodes, 0.0);
    for e in &ours {
        assert_eq!(
            e.rewards.len(),
            500,
            "the balancing policy keeps the pole up"
        );
        assert!(*e.truncated.last().unwrap() && !*e.terminated.last().unwrap());
    }
}

#[test]
fn pendulum_replays_gymnasium_episodes_to_the_time_limit() {
    // Torques beyond ±2 check the clipping; unseeded resets continue the stream.
    let seeds = [Some(0), None, Some(42), Some(1 << 33)];
    let torques: Vec<Vec<f32>> = (0..seeds.len() as u64)
        .map(|k| {
            actions(k + 11, 250)
                .iter()
                .enumerate()
                .map(|(i, &a)| (a as f32 * 2.0 - 1.0) * (0.5 + (i % 7) as f32 * 0.4))
                .collect()
        })
        .collect();
    let request = serde_json::json!({
        "env": "Pendulum-v1",
        "episodes": seeds.iter().zip(&torques)
            .map(|(s, u)| serde_json::json!({
                "seed": s,
                "actions": u.iter().map(|&x| vec![x]).collect::<Vec<_>>(),
            }))
            .collect::<Vec<_>>(),
    });
    let reference = gymnasium(request);
    let plans: Vec<Plan> = torques.iter().map(|u| Plan::Torques(u)).collect();
    let mut env = TimeLimit::new(Pendulum::new(), 200);
    let ours = evolab(&mut env, &seeds, &plans);
    // The f32 torque enters gymnasium's cost through numpy's scalar promotion rules.
    assert_same(&ours, &reference.episodes, 1e-6);
    for e in &ours {
        assert_eq!(e.rewards.len(), 200);
        assert!(*e.truncated.last().unwrap() && !e.terminated.iter().any(|&t| t));
        assert!(e.rewards.iter().all(|r| (-16.3..=0.0).contains(r)));
    }
}

fn episodes_json(seeds: &[Option<u64>], actions: &[serde_json::Value]) -> Vec<serde_json::Value> {
    seeds
        .iter()
        .zip(actions)
        .map(|(s, a)| serde_json::json!({"seed": s, "actions": a}))
        .collect()
}

#[test]
fn mountain_car_replays_gymnasium_episodes() {
    let seeds = [Some(0), None, Some(99)];
    let acts: Vec<Vec<usize>> = (0..3u64)
        .map(|k| {
            // Two random bits make 0, 1 or 2 (2 twice as often).
            let (a, b) = (actions(k + 21, 220), actions(k + 31, 220));
            a.iter().zip(b).map(|(x, y)| (x + 2 * y).min(2)).collect()
        })
        .collect();
    let as_json: Vec<serde_json::Value> = acts.iter().map(|a| serde_json::json!(a)).collect();
    let reference = gymnasium(serde_json::json!({
        "env": "MountainCar-v0", "episodes": episodes_json(&seeds, &as_json),
    }));
    let plans: Vec<Plan> = acts.iter().map(|a| Plan::Discrete(a)).collect();
    let mut env = TimeLimit::new(MountainCar::new(), 200);
    let ours = evolab(&mut env, &seeds, &plans);
    assert_same(&ours, &reference.episodes, 0.0);
    assert!(ours
        .iter()
        .all(|e| e.rewards.len() == 200 && *e.truncated.last().unwrap()));

    // Pushing along the velocity reaches the flag before the limit: termination agrees too.
    let reference = gymnasium(serde_json::json!({
        "env": "MountainCar-v0", "policy": "rock",
        "episodes": episodes_json(&[Some(5)], &[serde_json::json!(vec![0; 200])]),
    }));
    let ours = evolab(&mut env, &[Some(5)], &[Plan::Rock(200)]);
    assert_same(&ours, &reference.episodes, 0.0);
    assert!(*ours[0].terminated.last().unwrap() && ours[0].rewards.len() < 200);
}

#[test]
fn continuous_mountain_car_replays_gymnasium_episodes() {
    let seeds = [Some(0), Some(7), None];
    let forces: Vec<Vec<f32>> = (0..3u64)
        .map(|k| {
            actions(k + 41, 300)
                .iter()
                .enumerate()
                .map(|(i, &a)| (a as f32 * 2.0 - 1.0) * (0.3 + (i % 5) as f32 * 0.3))
                .collect()
        })
        .collect();
    let as_json: Vec<serde_json::Value> = forces
        .iter()
        .map(|u| serde_json::json!(u.iter().map(|&x| vec![x]).collect::<Vec<_>>()))
        .collect();
    let reference = gymnasium(serde_json::json!({
        "env": "MountainCarContinuous-v0", "episodes": episodes_json(&seeds, &as_json),
    }));
    let plans: Vec<Plan> = forces.iter().map(|u| Plan::Torques(u)).collect();
    let mut env = TimeLimit::new(MountainCarContinuous::new(), 999);
    let ours = evolab(&mut env, &seeds, &plans);
    assert_same(&ours, &reference.episodes, 1e-9);

    let reference = gymnasium(serde_json::json!({
        "env": "MountainCarContinuous-v0", "policy": "rock_continuous",
        "episodes": episodes_json(&[Some(3)], &[serde_json::json!(vec![[0.0]; 999])]),
    }));
    let ours = evolab(&mut env, &[Some(3)], &[Plan::RockContinuous(999)]);
    assert_same(&ours, &reference.episodes, 1e-9);
    let last = *ours[0].rewards.last().unwrap();
    assert!(*ours[0].terminated.last().unwrap() && last > 99.0, "{last}");
}

#[test]
fn acrobot_replays_gymnasium_episodes() {
    let seeds = [Some(0), None, Some(2024), Some(1 << 50)];
    let acts: Vec<Vec<usize>> = (0..4u64)
        .map(|k| {
            let (a, b) = (actions(k + 51, 520), actions(k + 61, 520));
            // Mostly torque +1 or -1 in runs, so the links swing up within the limit.
            a.iter()
                .zip(b)
                .enumerate()
                .map(|(i, (x, y))| {
                    if y == 1 && i % 3 == 0 {
                        1
                    } else {
                        2 * ((i / 8 + x) % 2)
                    }
                })
                .collect()
        })
        .collect();
    let as_json: Vec<serde_json::Value> = acts.iter().map(|a| serde_json::json!(a)).collect();
    let reference = gymnasium(serde_json::json!({
        "env": "Acrobot-v1", "episodes": episodes_json(&seeds, &as_json),
    }));
    let plans: Vec<Plan> = acts.iter().map(|a| Plan::Discrete(a)).collect();
    let mut env = TimeLimit::new(Acrobot::new(), 500);
    let ours = evolab(&mut env, &seeds, &plans);
    assert_same(&ours, &reference.episodes, 0.0);
    assert!(ours.iter().all(|e| e.rewards.len() > 1));

    // Torque along the second joint's velocity pumps energy in: the tip rises and the
    // episode terminates, with gymnasium's final reward of 0.
    let seeds = [Some(0), Some(1)];
    let reference = gymnasium(serde_json::json!({
        "env": "Acrobot-v1", "policy": "swing",
        "episodes": episodes_json(&seeds, &[serde_json::json!(vec![0; 500]), serde_json::json!(vec![0; 500])]),
    }));
    let ours = evolab(&mut env, &seeds, &[Plan::Swing(500), Plan::Swing(500)]);
    assert_same(&ours, &reference.episodes, 0.0);
    for e in &ours {
        assert!(*e.terminated.last().unwrap() && e.rewards.len() < 500);
        assert_eq!(*e.rewards.last().unwrap(), 0.0);
    }
}
