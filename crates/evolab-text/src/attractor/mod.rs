//! Attractors of iterated transmission (telephone spec §4–5): where a metric converges
//! whatever its starting value, how strongly, how sure we can be (TOST p-value, bootstrap
//! intervals), and per-chain trajectory measures.
//!
//! Convention for every function here: a chain's trajectory is indexed by generation, and
//! generation 0 is the initial text (the original's length arrays were shifted by one; see
//! docs/analysis/attractors.md).

mod bootstrap;
mod fit;
mod trajectory;

pub use bootstrap::{bootstrap_attractor, AttractorBootstrap, BootstrapOptions};
pub use fit::{fit_attractor, AttractorFit, MetricDomain};
pub use trajectory::{change_shares, cumulativeness, directional_changes, TrajectoryMeasures};

use crate::TextError;

/// Which generation's value is regressed on the initial value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Generation {
    /// The last generation; every chain must have the same length.
    Final,
    /// Generation t ≥ 1 (the paper's "prediction" figure uses t = 10).
    At(usize),
}

/// The (initial, target-generation) value pairs of `chains`, one per chain.
pub fn endpoints(
    chains: &[Vec<f64>],
    generation: Generation,
) -> Result<(Vec<f64>, Vec<f64>), TextError> {
    let t = match generation {
        Generation::At(t) => t,
        Generation::Final => {
            let Some(first) = chains.first() else {
                return Err(TextError::Input("attractor fit: no chains given".into()));
            };
            if let Some(c) = chains.iter().position(|c| c.len() != first.len()) {
                return Err(TextError::Input(format!(
                    "attractor fit: chain 0 has {} generations but chain {c} has {}, so \
                     \"final\" is ambiguous; name the generation to fit",
                    first.len(),
                    chains[c].len()
                )));
            }
            first.len().saturating_sub(1)
        }
    };
    if t == 0 {
        return Err(TextError::Input(
            "attractor fit: the target generation must be 1 or later (generation 0 is the \
             initial text)"
                .into(),
        ));
    }
    if let Some(c) = chains.iter().position(|c| c.len() <= t) {
        return Err(TextError::Input(match chains[c].len() {
            0 => format!("attractor fit: chain {c} has no values"),
            len => format!(
                "attractor fit: chain {c} has only generations 0 to {} but generation {t} was \
                 asked for",
                len - 1
            ),
        }));
    }
    Ok(chains.iter().map(|c| (c[0], c[t])).unzip())
}

/// Fits the value at `generation` on the value at generation 0, one point per chain.
pub fn fit_chains(
    chains: &[Vec<f64>],
    generation: Generation,
    domain: MetricDomain,
) -> Result<AttractorFit, TextError> {
    let (x, y) = endpoints(chains, generation)?;
    fit_attractor(&x, &y, domain)
}

/// Bootstrap intervals for [`fit_chains`], resampling chains.
pub fn bootstrap_chains(
    chains: &[Vec<f64>],
    generation: Generation,
    domain: MetricDomain,
    options: &BootstrapOptions,
) -> Result<AttractorBootstrap, TextError> {
    let (x, y) = endpoints(chains, generation)?;
    bootstrap_attractor(&x, &y, domain, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_pick_generation_zero_and_target() {
        let chains = vec![
            vec![0.0, 0.5, 0.4],
            vec![1.0, 0.7, 0.6],
            vec![0.5, 0.5, 0.5],
        ];
        let (x, y) = endpoints(&chains, Generation::Final).unwrap();
        assert_eq!((x, y), (vec![0.0, 1.0, 0.5], vec![0.4, 0.6, 0.5]));
        let (_, y) = endpoints(&chains, Generation::At(1)).unwrap();
        assert_eq!(y, vec![0.5, 0.7, 0.5]);
        // x = 0, 1, 0.5 and y = 0.4, 0.6, 0.5 lie on y = 0.2x + 0.4: position 0.5.
        let fit = fit_chains(&chains, Generation::Final, MetricDomain::TOXICITY).unwrap();
        assert!((fit.a - 0.2).abs() < 1e-12);
        assert!((fit.position.unwrap() - 0.5).abs() < 1e-12);
    }

    #[test]
    fn endpoint_errors_name_the_problem() {
        let ragged = vec![vec![0.0, 1.0, 2.0], vec![0.0, 1.0]];
        let e = endpoints(&ragged, Generation::Final)
            .unwrap_err()
            .to_string();
        assert!(e.contains("chain 1 has 2"), "{e}");
        let e = endpoints(&ragged, Generation::At(2))
            .unwrap_err()
            .to_string();
        assert!(e.contains("chain 1 has only generations 0 to 1"), "{e}");
        assert!(endpoints(&ragged, Generation::At(0)).is_err());
        assert!(endpoints(&[], Generation::Final).is_err());
        assert!(endpoints(&[vec![]], Generation::At(1))
            .unwrap_err()
            .to_string()
            .contains("no values"));
        assert!(endpoints(&[vec![1.0]], Generation::Final).is_err());
    }
}
