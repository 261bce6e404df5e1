//! An experiment file names one experiment by its section: `[theory]`, `[linear]`,
//! `[classification]` or `[dynamics]`.

use serde::{Deserialize, Serialize};

use crate::classification_sweep::ClassificationConfig;
use crate::dynamics::DynamicsConfig;
use crate::linear::LinearConfig;
use crate::theory::TheoryConfig;

#[derive(Clone, Debug, PartialEq)]
pub enum Experiment {
    Theory(TheoryConfig),
    Linear(LinearConfig),
    Classification(ClassificationConfig),
    Dynamics(DynamicsConfig),
}

#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(skip_serializing_if = "Option::is_none")]
    theory: Option<TheoryConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    linear: Option<LinearConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    classification: Option<ClassificationConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dynamics: Option<DynamicsConfig>,
}

impl Experiment {
    pub fn from_toml(text: &str) -> Result<Self, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        let experiment = match (file.theory, file.linear, file.classification, file.dynamics) {
            (Some(t), None, None, None) => Experiment::Theory(t),
            (None, Some(l), None, None) => Experiment::Linear(l),
            (None, None, Some(c), None) => Experiment::Classification(c),
            (None, None, None, Some(d)) => Experiment::Dynamics(d),
            _ => {
                return Err("an experiment file has exactly one section: [theory], [linear], [classification] or [dynamics]".into())
            }
        };
        experiment.check()?;
        Ok(experiment)
    }

    pub fn to_toml(&self) -> String {
        let file = match self {
            Experiment::Theory(t) => File {
                theory: Some(t.clone()),
                ..File::default()
            },
            Experiment::Classification(c) => File {
                classification: Some(c.clone()),
                ..File::default()
            },
            Experiment::Linear(l) => File {
                linear: Some(l.clone()),
                ..File::default()
            },
            Experiment::Dynamics(d) => File {
                dynamics: Some(d.clone()),
                ..File::default()
            },
        };
        toml::to_string(&file).expect("the configuration serialises")
    }

    pub fn check(&self) -> Result<(), String> {
        match self {
            Experiment::Theory(t) => t.check(),
            Experiment::Classification(c) => c.check(),
            Experiment::Linear(l) => l.check(),
            Experiment::Dynamics(d) => d.check(),
        }
    }

    /// Overrides the experiment's seeds.
    pub fn set_seeds(&mut self, seeds: Vec<u64>) {
        match self {
            Experiment::Theory(t) => t.seeds = seeds,
            Experiment::Classification(c) => c.seeds = seeds,
            Experiment::Linear(l) => l.seeds = seeds,
            Experiment::Dynamics(d) => d.seeds = seeds,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_section_names_the_experiment() {
        let t = Experiment::from_toml("[theory]\nsteps = 10\n").unwrap();
        assert!(matches!(t, Experiment::Theory(ref c) if c.steps == 10));
        assert_eq!(Experiment::from_toml(&t.to_toml()).unwrap(), t);
        let c = Experiment::from_toml("[classification]\ndatasets = [\"iris\"]\n").unwrap();
        assert_eq!(Experiment::from_toml(&c.to_toml()).unwrap(), c);
        assert!(Experiment::from_toml("")
            .unwrap_err()
            .contains("exactly one section"));
        assert!(Experiment::from_toml("[theory]\n[classification]\n").is_err());
        let l = Experiment::from_toml("[linear]\nlambdas = [2.0]\n").unwrap();
        assert_eq!(Experiment::from_toml(&l.to_toml()).unwrap(), l);
        let d = Experiment::from_toml(
            "[dynamics]\nenv = \"CartPole-v1\"\nrewards = [\"full\"]\n[dynamics.model]\ncovariance = \"full\"\n[dynamics.training]\ncheckpoint = \"last\"\n",
        )
        .unwrap();
        assert_eq!(Experiment::from_toml(&d.to_toml()).unwrap(), d);
        assert!(Experiment::from_toml("[dynamics]\nenv = \"Acrobot-v1\"\n")
            .unwrap_err()
            .contains("CartPole-v1"));
        assert!(Experiment::from_toml("[dynamics.training]\nupdate = 3\n")
            .unwrap_err()
            .contains("update"));
        assert!(
            Experiment::from_toml("[classification]\ndatasets = [\"x\"]\n")
                .unwrap_err()
                .contains("unknown data set")
        );
    }
}
