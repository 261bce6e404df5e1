//! An experiment file names one experiment by its section: `[theory]` or `[classification]`.

use serde::{Deserialize, Serialize};

use crate::classification_sweep::ClassificationConfig;
use crate::theory::TheoryConfig;

#[derive(Clone, Debug, PartialEq)]
pub enum Experiment {
    Theory(TheoryConfig),
    Classification(ClassificationConfig),
}

#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(skip_serializing_if = "Option::is_none")]
    theory: Option<TheoryConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    classification: Option<ClassificationConfig>,
}

impl Experiment {
    pub fn from_toml(text: &str) -> Result<Self, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        let experiment = match (file.theory, file.classification) {
            (Some(t), None) => Experiment::Theory(t),
            (None, Some(c)) => Experiment::Classification(c),
            _ => {
                return Err(
                    "an experiment file has exactly one section: [theory] or [classification]"
                        .into(),
                )
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
        };
        toml::to_string(&file).expect("the configuration serialises")
    }

    pub fn check(&self) -> Result<(), String> {
        match self {
            Experiment::Theory(t) => t.check(),
            Experiment::Classification(c) => c.check(),
        }
    }

    /// Overrides the seeds of either experiment.
    pub fn set_seeds(&mut self, seeds: Vec<u64>) {
        match self {
            Experiment::Theory(t) => t.seeds = seeds,
            Experiment::Classification(c) => c.seeds = seeds,
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
        assert!(
            Experiment::from_toml("[classification]\ndatasets = [\"x\"]\n")
                .unwrap_err()
                .contains("unknown data set")
        );
    }
}
