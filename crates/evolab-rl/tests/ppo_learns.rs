//! PPO with SB3's defaults solves CartPole-v1, and with the RL-Zoo's Pendulum settings
//! (4 environments, 1024-step rollouts, γ 0.9, learning rate 1e-3; no gSDE) brings
//! Pendulum-v1 near −200, within budgets SB3 needs for the same.

use std::ops::ControlFlow;

use evolab_rl::experiment::{train_run, ExperimentConfig, Observer, RunOutcome, RunSpec};

fn train(text: &str, steps: u64, seed: u64) -> RunOutcome {
    let config = ExperimentConfig::from_toml(text).unwrap();
    config.check_training().unwrap();
    let spec = RunSpec {
        env: config.env.clone(),
        observer: Observer::Raw,
        ppo: config.ppo.clone(),
        steps,
        last_episodes: 10,
        eval_episodes: 10,
    };
    train_run(&spec, seed, |_| ControlFlow::Continue(())).unwrap()
}

#[test]
fn cartpole_reaches_the_500_cap() {
    let out = train(
        "[env]\nid = \"CartPole-v1\"\nhide_velocities = \"none\"\n",
        100_000,
        0,
    );
    eprintln!(
        "CartPole: last 10 {:.1}, evaluation {:?}",
        out.last_mean,
        out.eval_mean()
    );
    assert!(
        out.last_mean >= 450.0,
        "last 10 training episodes {}",
        out.last_mean
    );
    assert_eq!(out.eval_mean(), Some(500.0));
    assert_eq!(
        out.steps, 100_352,
        "whole 2048-step rollouts, as SB3 counts"
    );
}

#[test]
fn pendulum_gets_near_minus_200() {
    let text = "[env]\nid = \"Pendulum-v1\"\nhide_velocities = \"none\"\n\
                [ppo]\nn_envs = 4\nn_steps = 1024\ngamma = 0.9\nlearning_rate = 1e-3\n";
    let out = train(text, 200_000, 1);
    eprintln!(
        "Pendulum: last 10 {:.1}, evaluation {:?}",
        out.last_mean,
        out.eval_mean()
    );
    assert!(
        out.last_mean > -350.0,
        "last 10 training episodes {}",
        out.last_mean
    );
    assert!(out.eval_mean().unwrap() > -350.0);
}

#[test]
fn the_same_seed_gives_the_same_run_and_another_seed_another() {
    let text = "[env]\nid = \"CartPole-v1\"\n[ppo]\nn_steps = 256\n";
    let a = train(text, 2048, 3);
    let b = train(text, 2048, 3);
    let c = train(text, 2048, 4);
    assert_eq!(a.curve, b.curve);
    assert_eq!(a.eval_returns, b.eval_returns);
    assert_ne!(a.curve, c.curve);
}
