//! The short Markdown report: what was analysed, how, and the headline numbers.

use std::fmt::Write;

use crate::pipeline::Analysis;

fn num(v: Option<f64>) -> String {
    match v {
        Some(x) if x.abs() >= 100.0 => format!("{x:.0}"),
        Some(x) => format!("{x:.3}"),
        None => "n/a".into(),
    }
}

fn p_value(v: Option<f64>) -> String {
    match v {
        Some(p) if p < 0.001 => "< 0.001".into(),
        Some(p) => format!("{p:.3}"),
        None => "n/a".into(),
    }
}

pub fn render(analysis: &Analysis, figures: &[String]) -> String {
    let mut md = String::new();
    let ids: Vec<&str> = analysis.runs.iter().map(|r| r.id.as_str()).collect();
    let _ = writeln!(md, "# evolab analysis: {}\n", ids.join(", "));
    let _ = writeln!(
        md,
        "| run | name | system | status | seed | texts | truncated | not English |"
    );
    let _ = writeln!(md, "|---|---|---|---|---|---|---|---|");
    for r in &analysis.runs {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            r.id, r.name, r.system, r.status, r.master_seed, r.texts, r.truncated, r.non_english
        );
    }
    let _ = writeln!(
        md,
        "\nScorers (every value in the tables was computed by these exact versions):\n"
    );
    for s in &analysis.scorers {
        let _ = writeln!(md, "- `{s}`");
    }
    let english_only: Vec<&str> = analysis
        .metrics
        .iter()
        .filter(|m| m.english_only)
        .map(|m| m.name.as_str())
        .collect();
    if analysis.runs.iter().any(|r| r.non_english > 0) && !english_only.is_empty() {
        let _ = writeln!(
            md,
            "\n**Warning:** some texts do not look English (counted per run above). {} are English-only: their values for those texts are not meaningful. `evolab score` on the exported texts flags each one.",
            english_only.join(", ")
        );
    }
    if analysis.runs.iter().any(|r| r.status != "finished") {
        let _ = writeln!(
            md,
            "\n**Note:** at least one run is not finished; the analysis covers the generations committed so far."
        );
    }

    for (run, t) in &analysis.telephone {
        let _ = writeln!(
            md,
            "\n## Attractors of {run}\n\n{} chains, generations 0 to {}. Fit of the value at generation t on the initial value over chains: position b/(1 − a), strength 1 − |a|, TOST p-value for |a| < 1 (small means an attractor), 95% bootstrap intervals over chains.\n",
            t.chains, t.last_generation
        );
        let _ = writeln!(
            md,
            "| task | metric | t | n | a | position [95% CI] | strength [95% CI] | p (TOST) |"
        );
        let _ = writeln!(md, "|---|---|---|---|---|---|---|---|");
        for a in &t.attractors {
            let position = match a.position {
                Some(_) => format!(
                    "{} [{}, {}]{}",
                    num(a.position),
                    num(a.position_ci_low),
                    num(a.position_ci_high),
                    if a.clipped == Some(true) {
                        " (clipped)"
                    } else {
                        ""
                    }
                ),
                None => "none".into(),
            };
            let strength = match a.strength {
                Some(_) => format!(
                    "{} [{}, {}]",
                    num(a.strength),
                    num(a.strength_ci_low),
                    num(a.strength_ci_high)
                ),
                None => "none".into(),
            };
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                a.task,
                a.metric,
                a.generation,
                a.n,
                num(a.a),
                position,
                strength,
                p_value(a.p_tost)
            );
        }
    }

    if let Some(c) = &analysis.culture {
        let _ = writeln!(md, "\n## Similarity\n\n{}.", c.vocabulary);
        match &c.embedder {
            Some(e) => {
                let _ = writeln!(md, "Embedding similarity and the creativity index use `{e}` (each word embedded on its own for creativity).");
            }
            None => {
                let _ = writeln!(md, "No sentence model was used: embedding similarity and the creativity index are absent.");
            }
        }
        let _ = writeln!(
            md,
            "Within-generation similarity excludes self-pairs; the original code's inflated value is in `tables/generation_curves.csv` as `tfidf_within_legacy`.\n"
        );
        let _ = writeln!(
            md,
            "| run | measure | first generation | last generation | repetitions |"
        );
        let _ = writeln!(md, "|---|---|---|---|---|");
        for run in &c.runs {
            for measure in [
                "tfidf_within",
                "tfidf_within_legacy",
                "tfidf_to_first",
                "tfidf_successive",
                "embedding_within",
                "creativity",
            ] {
                let rows: Vec<_> = run
                    .summary
                    .iter()
                    .filter(|s| s.measure == measure && s.mean.is_some())
                    .collect();
                if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
                    let _ = writeln!(
                        md,
                        "| {} | {measure} | {} (g{}) | {} (g{}) | {} |",
                        run.run,
                        num(first.mean),
                        first.generation,
                        num(last.mean),
                        last.generation,
                        last.repetitions
                    );
                }
            }
        }
    }

    let _ = writeln!(md, "\n## Files\n\n- `tables/`: the numbers behind every figure, as CSV\n- `analysis.json`: the whole analysis\n- `figures/`: PNG and SVG\n");
    for f in figures {
        let _ = writeln!(md, "![{f}](figures/{f}.png)");
    }
    md
}
