//! Renders every chart kind with synthetic data: `cargo run -p evolab-plot --example gallery -- OUT_DIR`.

use std::path::PathBuf;

use evolab_plot::*;

fn main() -> Result<(), PlotError> {
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "gallery".into()));
    let mut written = Vec::new();
    written.extend(save(&line_bands(), &out.join("line_bands"))?);
    for p in &written {
        println!("{}", p.display());
    }
    Ok(())
}

/// Deterministic pseudo-noise in [-1, 1] so the example needs no RNG crate.
fn noise(i: usize, j: usize) -> f64 {
    let h = (i as u64 * 0x9E37_79B9 + j as u64 * 0x85EB_CA6B + 0xC2B2_AE35).wrapping_mul(0x27D4_EB2F);
    ((h >> 20) % 2001) as f64 / 1000.0 - 1.0
}

fn line_bands() -> LineBands {
    let x: Vec<f64> = (0..=20).map(|g| g as f64).collect();
    let mut chart = LineBands::new(Figure::new(
        "Toxicity across generations (mean \u{00B1} 95% CI, 8 runs)",
        "Generation",
        "Toxicity score",
    ));
    for (k, name) in ["Rephrase", "Continue", "Inspire", "Summarise"].iter().enumerate() {
        let target = 0.15 + 0.12 * k as f64;
        let reps: Vec<Vec<f64>> = (0..8)
            .map(|r| {
                x.iter()
                    .map(|&g| 0.5 + (target - 0.5) * (1.0 - (-g / 5.0).exp()) + 0.04 * noise(r + 10 * k, g as usize))
                    .collect()
            })
            .collect();
        let mean: Vec<f64> = (0..x.len()).map(|i| reps.iter().map(|r| r[i]).sum::<f64>() / 8.0).collect();
        let half: Vec<f64> = (0..x.len())
            .map(|i| {
                let m = mean[i];
                let var = reps.iter().map(|r| (r[i] - m).powi(2)).sum::<f64>() / 7.0;
                2.365 * (var / 8.0).sqrt()
            })
            .collect();
        let lower = mean.iter().zip(&half).map(|(m, h)| m - h).collect();
        let upper = mean.iter().zip(&half).map(|(m, h)| m + h).collect();
        let mut s = BandSeries::new(*name, x.clone(), mean).band(lower, upper);
        if k == 0 {
            s = s.replicates(reps);
        }
        chart = chart.series(s);
    }
    chart
}
