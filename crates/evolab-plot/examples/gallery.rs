//! Renders every chart kind with synthetic data: `cargo run -p evolab-plot --example gallery -- OUT_DIR`.

use std::path::PathBuf;

use evolab_plot::*;

fn main() -> Result<(), PlotError> {
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "gallery".into()));
    let mut written = Vec::new();
    written.extend(save(&line_bands(), &out.join("line_bands"))?);
    written.extend(save(&scatter_fit(), &out.join("scatter_fit"))?);
    written.extend(save(&bars(), &out.join("bars"))?);
    written.extend(save(&bars_many(), &out.join("bars_many"))?);
    let below = bars();
    let below = Bars {
        figure: below.figure.clone().legend(LegendPosition::Below),
        ..below
    };
    written.extend(save(&below, &out.join("bars_legend_below"))?);
    written.extend(save(&heatmap(12, true), &out.join("heatmap_small"))?);
    written.extend(save(&heatmap(60, false), &out.join("heatmap_large"))?);
    written.extend(save(&tick_chart(), &out.join("tick_chart"))?);
    written.extend(save(&graph(), &out.join("graph"))?);
    let empty = LineBands::new(Figure::new(
        "Nothing recorded for this task",
        "Generation",
        "Score",
    ));
    written.extend(save(&empty, &out.join("no_data"))?);
    let small = scatter_fit();
    let small = ScatterFit {
        figure: small.figure.clone().size(800, 500),
        ..small
    };
    written.extend(save(&small, &out.join("scatter_fit_small"))?);
    for p in &written {
        println!("{}", p.display());
    }
    Ok(())
}

/// Deterministic pseudo-noise in [-1, 1] so the example needs no RNG crate.
fn noise(i: usize, j: usize) -> f64 {
    let h =
        (i as u64 * 0x9E37_79B9 + j as u64 * 0x85EB_CA6B + 0xC2B2_AE35).wrapping_mul(0x27D4_EB2F);
    ((h >> 20) % 2001) as f64 / 1000.0 - 1.0
}

fn line_bands() -> LineBands {
    let x: Vec<f64> = (0..=20).map(|g| g as f64).collect();
    let mut chart = LineBands::new(Figure::new(
        "Toxicity across generations (mean \u{00B1} 95% CI, 8 runs)",
        "Generation",
        "Toxicity score",
    ));
    for (k, name) in ["Rephrase", "Continue", "Inspire", "Summarise"]
        .iter()
        .enumerate()
    {
        let target = 0.15 + 0.12 * k as f64;
        let reps: Vec<Vec<f64>> = (0..8)
            .map(|r| {
                x.iter()
                    .map(|&g| {
                        0.5 + (target - 0.5) * (1.0 - (-g / 5.0).exp())
                            + 0.04 * noise(r + 10 * k, g as usize)
                    })
                    .collect()
            })
            .collect();
        let mean: Vec<f64> = (0..x.len())
            .map(|i| reps.iter().map(|r| r[i]).sum::<f64>() / 8.0)
            .collect();
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

fn scatter_fit() -> ScatterFit {
    let mut chart = ScatterFit::new(Figure::new(
        "Initial vs final positivity per task",
        "Initial positivity",
        "Final positivity (generation 20)",
    ))
    .mark_label("attractor (fit meets y = x)");
    for (k, (name, slope, icpt)) in [
        ("Rephrase", 0.35, 0.40),
        ("Continue", 0.6, 0.12),
        ("Inspire", 0.15, 0.55),
    ]
    .iter()
    .enumerate()
    {
        let pts: Vec<(f64, f64)> = (0..25)
            .map(|i| {
                let x = 0.05 + 0.9 * ((i * 7 + k * 3) % 25) as f64 / 24.0;
                (x, slope * x + icpt + 0.06 * noise(i, k + 40))
            })
            .collect();
        let mut g = ScatterGroup::new(*name, pts).fit_least_squares();
        if let Some(a) = g.fit.and_then(|l| l.meets_diagonal()) {
            g = g.mark(a, a);
        }
        chart = chart.group(g);
    }
    chart
}

fn bars() -> Bars {
    let cats: Vec<String> = ["Toxicity", "Positivity", "Difficulty", "Length", "Topic"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut chart = Bars::new(
        Figure::new(
            "Attractor position per task and metric (95% CI)",
            "Metric",
            "Attractor position",
        ),
        cats,
    );
    for (k, name) in ["Rephrase", "Continue", "Inspire"].iter().enumerate() {
        let values = (0..5)
            .map(|m| {
                if (k + m) % 4 == 3 {
                    None
                } else {
                    let v = 0.2 + 0.15 * ((k * 5 + m * 3) % 5) as f64 + 0.02 * noise(k, m);
                    Some(BarValue::with_ci(
                        v,
                        v - 0.05 - 0.02 * noise(m, k).abs(),
                        v + 0.06,
                    ))
                }
            })
            .collect();
        chart = chart.group(BarGroup::new(*name, values));
    }
    chart
}

fn bars_many() -> Bars {
    let cats: Vec<String> = (0..18)
        .map(|i| format!("condition-{i:02}-long-name"))
        .collect();
    let values = (0..18)
        .map(|i| {
            if i % 7 == 5 {
                None
            } else {
                Some(BarValue::with_ci(
                    0.5 * noise(i, 3),
                    0.5 * noise(i, 3) - 0.1,
                    0.5 * noise(i, 3) + 0.1,
                ))
            }
        })
        .collect();
    Bars::new(
        Figure::new(
            "Attractor strength (negative: repelling)",
            "Condition",
            "Strength",
        ),
        cats,
    )
    .group(BarGroup::new("", values))
}

fn heatmap(n: usize, small: bool) -> Heatmap {
    let values: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| {
                    if small && (i, j) == (3, 7) {
                        f64::NAN
                    } else {
                        let d = (i as f64 - j as f64).abs();
                        (0.95 * (-d / (n as f64 / 4.0)).exp() + 0.03 * noise(i.min(j), i.max(j)))
                            .clamp(0.0, 1.0)
                    }
                })
                .collect()
        })
        .collect();
    let fig = if small {
        Figure::new(
            "Between-generation similarity (run 3)",
            "Generation",
            "Generation",
        )
    } else {
        Figure::new("Story-level similarity, 60 stories", "Story", "Story")
    };
    let h = Heatmap::new(fig, values)
        .range(0.0, 1.0)
        .colour_label("Cosine similarity");
    if small {
        h.annotate(true)
    } else {
        h
    }
}

fn tick_chart() -> TickChart {
    let stems: Vec<String> = (0..140).map(|i| format!("stem{i}")).collect();
    let stories: Vec<Vec<String>> = (0..20)
        .map(|s| {
            stems
                .iter()
                .enumerate()
                .filter(|(i, _)| {
                    let born = (i * 20) / 140;
                    born <= s
                        && (noise(*i, s) > -0.2 || born + 3 > s)
                        && !(i % 9 == 0 && s > born + 5)
                })
                .map(|(_, w)| w.clone())
                .collect()
        })
        .collect();
    TickChart::from_sequences(
        Figure::new(
            "Word chain: stems across a 20-story chain",
            "Stem (order of first appearance)",
            "Story",
        ),
        &stories,
    )
}

fn graph() -> GraphPlot {
    let names = [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
        "juliet", "kilo", "lima",
    ];
    let nodes: Vec<Node> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let a = i as f64 / names.len() as f64 * std::f64::consts::TAU;
            Node::new(
                *n,
                a.cos() * (1.0 + 0.1 * noise(i, 1)),
                a.sin() * (1.0 + 0.1 * noise(i, 2)),
            )
        })
        .collect();
    let mut edges = Vec::new();
    for i in 0..names.len() {
        for j in (i + 1)..names.len() {
            let w = noise(i, j);
            if w > 0.3 {
                let e = Edge::new(i, j, w);
                edges.push(if w > 0.85 { e.highlighted() } else { e });
            }
        }
    }
    GraphPlot::new(
        Figure::new("Influence graph between agents", "Layout x", "Layout y"),
        nodes,
        edges,
    )
    .labels("influence (width \u{221D} weight)", "strongest ties")
}
