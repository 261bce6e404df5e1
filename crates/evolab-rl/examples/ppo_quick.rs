use evolab_rl::experiment::{train_run, ExperimentConfig, Observer, RunSpec};
use std::ops::ControlFlow;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let id = &args[1];
    let steps: u64 = args[2].parse().unwrap();
    let seed: u64 = args[3].parse().unwrap();
    let ppo_lines: Vec<&str> = args[4..].iter().map(String::as_str).collect();
    let text = format!("[env]\nid = \"{id}\"\n[ppo]\n{}\n", ppo_lines.join("\n"));
    let mut config = ExperimentConfig::from_toml(&text).unwrap();
    config.env.hide_velocities = evolab_rl::experiment::HideVelocities::None;
    let spec = RunSpec {
        env: config.env.clone(),
        observer: Observer::Raw,
        ppo: config.ppo.to_config(),
        n_envs: config.ppo.n_envs,
        steps,
        last_episodes: 10,
        eval_episodes: 10,
    };
    let start = std::time::Instant::now();
    let mut last = Vec::new();
    let out = train_run(&spec, seed, |r| {
        last.extend(r.episodes.iter().map(|e| e.return_));
        let n = last.len();
        let tail = &last[n.saturating_sub(10)..];
        let mean = tail.iter().sum::<f64>() / tail.len().max(1) as f64;
        if r.steps % 20480 < (spec.ppo.n_steps * spec.n_envs) as u64 {
            eprintln!("{:>8} steps  last10 {:>8.1}  kl {:.4} clip {:.3} vloss {:.2} ent {:.3}  {:.0} steps/s", r.steps, mean, r.losses.approx_kl, r.losses.clip_fraction, r.losses.value, r.losses.entropy, r.steps as f64 / start.elapsed().as_secs_f64());
        }
        ControlFlow::Continue(())
    })
    .unwrap();
    eprintln!(
        "last10 {:.1} eval {:?} {:.1}s",
        out.last_mean,
        out.eval_mean(),
        out.seconds
    );
}
