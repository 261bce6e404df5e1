//! The evolved hyperparameters: names, ranges, and the map between their values and the
//! unit box the samplers search (log-scaled genes are searched in log space).

use serde::{Deserialize, Serialize};

use super::config::ReservoirConfig;
use crate::reservoir::{ReservoirParams, ReservoirSpec};

/// One gene as the experiment file states it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeneSpec {
    /// `spectral_radius`, `leak_rate` or `input_scaling`; with several reservoirs, a bare
    /// name is shared by all of them and `name.i` belongs to reservoir i alone.
    pub name: String,
    pub min: f64,
    pub max: f64,
    /// Searched on a log scale (the spec's choice for all three).
    #[serde(default = "yes")]
    pub log: bool,
}

fn yes() -> bool {
    true
}

impl GeneSpec {
    pub fn log(name: &str, min: f64, max: f64) -> Self {
        GeneSpec {
            name: name.into(),
            min,
            max,
            log: true,
        }
    }
}

const PARAMETERS: [&str; 3] = ["spectral_radius", "leak_rate", "input_scaling"];

/// Which reservoirs and which parameter a gene sets.
#[derive(Clone, Debug, PartialEq)]
struct Target {
    parameter: usize,
    /// `None`: every reservoir.
    reservoir: Option<usize>,
}

/// The checked genes of a study.
#[derive(Clone, Debug, PartialEq)]
pub struct GeneSpace {
    genes: Vec<GeneSpec>,
    targets: Vec<Target>,
}

impl GeneSpace {
    pub fn new(specs: &[GeneSpec], reservoir: Option<&ReservoirConfig>) -> Result<Self, String> {
        let reservoir = reservoir.ok_or(
            "the study evolves reservoir parameters but the experiment has no [reservoir] \
             section; add one (an empty [reservoir] takes the defaults)",
        )?;
        if specs.is_empty() {
            return Err("study.genes is empty; give at least one gene to evolve".into());
        }
        let mut targets = Vec::with_capacity(specs.len());
        for g in specs {
            let target = parse_name(&g.name, reservoir.count)?;
            if !(g.min.is_finite() && g.max.is_finite() && g.min < g.max) {
                return Err(format!(
                    "gene {}: min ({}) must be below max ({}), both finite",
                    g.name, g.min, g.max
                ));
            }
            if g.log && g.min <= 0.0 {
                return Err(format!(
                    "gene {}: a log-scaled gene needs a positive min, got {} (or set log = false)",
                    g.name, g.min
                ));
            }
            if g.min <= 0.0 {
                return Err(format!(
                    "gene {}: reservoir parameters must stay positive, min is {}",
                    g.name, g.min
                ));
            }
            if PARAMETERS[target.parameter] == "leak_rate" && g.max > 1.0 {
                return Err(format!(
                    "gene {}: the leak rate cannot exceed 1, max is {}",
                    g.name, g.max
                ));
            }
            let clash = targets.iter().position(|t: &Target| {
                t.parameter == target.parameter
                    && (t.reservoir.is_none()
                        || target.reservoir.is_none()
                        || t.reservoir == target.reservoir)
            });
            if let Some(i) = clash {
                return Err(format!(
                    "genes {} and {} set the same parameter",
                    specs[i].name, g.name
                ));
            }
            targets.push(target);
        }
        Ok(GeneSpace {
            genes: specs.to_vec(),
            targets,
        })
    }

    pub fn dim(&self) -> usize {
        self.genes.len()
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.genes.iter().map(|g| g.name.as_str())
    }

    pub fn genes(&self) -> &[GeneSpec] {
        &self.genes
    }

    /// Gene values from a point of the unit box (clamped into it first).
    pub fn decode(&self, unit: &[f64]) -> Vec<f64> {
        self.genes
            .iter()
            .zip(unit)
            .map(|(g, &u)| {
                let u = u.clamp(0.0, 1.0);
                if g.log {
                    (g.min.ln() + u * (g.max.ln() - g.min.ln())).exp()
                } else {
                    g.min + u * (g.max - g.min)
                }
            })
            .collect()
    }

    /// The point of the unit box of gene values.
    pub fn encode(&self, values: &[f64]) -> Vec<f64> {
        self.genes
            .iter()
            .zip(values)
            .map(|(g, &v)| {
                if g.log {
                    (v.ln() - g.min.ln()) / (g.max.ln() - g.min.ln())
                } else {
                    (v - g.min) / (g.max - g.min)
                }
            })
            .collect()
    }

    /// The reservoirs of `base` with the gene values applied.
    pub fn reservoirs(&self, base: &ReservoirConfig, values: &[f64]) -> Vec<ReservoirSpec> {
        let mut params = vec![base.params(); base.count];
        for (t, &v) in self.targets.iter().zip(values) {
            for (i, p) in params.iter_mut().enumerate() {
                if t.reservoir.is_none_or(|r| r == i) {
                    set(p, t.parameter, v);
                }
            }
        }
        params
            .into_iter()
            .map(|params| ReservoirSpec {
                units: base.units,
                params,
            })
            .collect()
    }
}

fn set(p: &mut ReservoirParams, parameter: usize, v: f64) {
    match parameter {
        0 => p.spectral_radius = v,
        1 => p.leak_rate = v,
        _ => p.input_scaling = v,
    }
}

fn parse_name(name: &str, count: usize) -> Result<Target, String> {
    let (base, index) = match name.split_once('.') {
        Some((b, i)) => {
            let i: usize = i.parse().map_err(|_| {
                format!("gene {name:?}: the part after the dot must be a reservoir index")
            })?;
            if i >= count {
                return Err(format!(
                    "gene {name:?}: reservoir {i} does not exist (reservoir.count is {count})"
                ));
            }
            (b, Some(i))
        }
        None => (name, None),
    };
    let parameter = PARAMETERS.iter().position(|&p| p == base).ok_or_else(|| {
        format!(
            "unknown gene {name:?}; genes are {} (with several reservoirs, optionally \
             followed by .INDEX)",
            PARAMETERS.join(", ")
        )
    })?;
    Ok(Target {
        parameter,
        reservoir: index,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reservoir(count: usize) -> ReservoirConfig {
        ReservoirConfig {
            count,
            ..ReservoirConfig::default()
        }
    }

    #[test]
    fn the_unit_box_maps_log_uniformly_onto_the_ranges() {
        let space = GeneSpace::new(
            &[
                GeneSpec::log("spectral_radius", 1e-4, 1e2),
                GeneSpec::log("leak_rate", 1e-2, 1.0),
            ],
            Some(&reservoir(1)),
        )
        .unwrap();
        let centre = space.decode(&[0.5, 0.5]);
        assert!((centre[0] - 0.1).abs() < 1e-12 && (centre[1] - 0.1).abs() < 1e-12);
        let ends = space.decode(&[0.0, 1.0]);
        assert!((ends[0] - 1e-4).abs() < 1e-16 && (ends[1] - 1.0).abs() < 1e-12);
        let back = space.encode(&space.decode(&[0.3, 0.8]));
        assert!((back[0] - 0.3).abs() < 1e-12 && (back[1] - 0.8).abs() < 1e-12);
        let specs = space.reservoirs(&reservoir(1), &[2.0, 0.5]);
        assert_eq!(specs[0].params.spectral_radius, 2.0);
        assert_eq!(specs[0].params.leak_rate, 0.5);
        assert_eq!(
            specs[0].params.input_scaling, 1.0,
            "not a gene: the fixed value"
        );
    }

    #[test]
    fn indexed_genes_set_one_reservoir_and_bare_ones_all() {
        let space = GeneSpace::new(
            &[
                GeneSpec::log("spectral_radius.1", 0.1, 10.0),
                GeneSpec::log("input_scaling", 0.1, 10.0),
            ],
            Some(&reservoir(3)),
        )
        .unwrap();
        let specs = space.reservoirs(&reservoir(3), &[5.0, 2.0]);
        let radii: Vec<f64> = specs.iter().map(|s| s.params.spectral_radius).collect();
        assert_eq!(radii, [0.9, 5.0, 0.9]);
        assert!(specs.iter().all(|s| s.params.input_scaling == 2.0));
    }

    #[test]
    fn bad_genes_are_refused_with_the_reason() {
        let err =
            |specs: &[GeneSpec], count| GeneSpace::new(specs, Some(&reservoir(count))).unwrap_err();
        assert!(err(&[GeneSpec::log("radius", 0.1, 1.0)], 1).contains("unknown gene"));
        assert!(err(&[GeneSpec::log("leak_rate", 0.5, 0.5)], 1).contains("below max"));
        assert!(err(&[GeneSpec::log("leak_rate", 0.0, 0.5)], 1).contains("positive min"));
        assert!(err(&[GeneSpec::log("leak_rate", 0.1, 2.0)], 1).contains("cannot exceed 1"));
        assert!(err(&[GeneSpec::log("leak_rate.3", 0.1, 1.0)], 2).contains("does not exist"));
        let twice = [
            GeneSpec::log("leak_rate", 0.1, 1.0),
            GeneSpec::log("leak_rate.0", 0.1, 1.0),
        ];
        assert!(err(&twice, 2).contains("same parameter"));
        assert!(err(&[], 1).contains("empty"));
        assert!(
            GeneSpace::new(&[GeneSpec::log("leak_rate", 0.1, 1.0)], None)
                .unwrap_err()
                .contains("[reservoir]")
        );
    }
}
