//! `evolab bench reservoir`: reservoir updates per second, driven the way a training run
//! drives them (one observation, previous action and reward at a time), float64 and float32.

use std::time::Instant;

use evolab_rl::env::{Action, ActionSpace};
use evolab_rl::reservoir::{
    FeatureOptions, Precision, ReservoirFeatures, ReservoirParams, ReservoirSpec,
};

use crate::cli::BenchReservoirArgs;

pub fn reservoir(args: &BenchReservoirArgs) -> anyhow::Result<()> {
    let spec = ReservoirSpec {
        units: args.units,
        params: ReservoirParams {
            spectral_radius: 0.9,
            leak_rate: 0.3,
            input_scaling: 1.0,
        },
    };
    // CartPole's input: 4 observation entries, a one-hot of 2 actions, the reward.
    let observations: Vec<[f32; 4]> = (0..1024)
        .map(|i| {
            let t = i as f32 * 0.01;
            [t.sin(), t.cos(), (2.0 * t).sin(), 0.5 * t.cos()]
        })
        .collect();
    for (name, precision) in [("f64", Precision::F64), ("f32", Precision::F32)] {
        let options = FeatureOptions {
            precision,
            ..FeatureOptions::default()
        };
        let mut features = ReservoirFeatures::new(4, ActionSpace::Discrete(2), &[spec], 0, options)
            .map_err(anyhow::Error::msg)?;
        let mut out = vec![0.0f32; features.feature_dim()];
        features.reset(&observations[0], &mut out);
        let mut checksum = 0.0f64;
        let start = Instant::now();
        for k in 0..args.steps {
            let obs = &observations[k % observations.len()];
            features
                .step(obs, Action::Discrete(k % 2), 1.0, &mut out)
                .map_err(anyhow::Error::msg)?;
            checksum += f64::from(out[k % out.len()]);
        }
        let seconds = start.elapsed().as_secs_f64();
        println!(
            "{}",
            serde_json::json!({
                "tool": "evolab",
                "variant": name,
                "units": args.units,
                "steps": args.steps,
                "seconds": seconds,
                "steps_per_s": args.steps as f64 / seconds,
                "checksum": checksum,
            })
        );
    }
    Ok(())
}
