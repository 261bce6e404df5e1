//! One experiment file: which system, its seed and repetitions, its table, the LLM and the
//! prompt library.

use std::path::Path;

use evolab_llm::LlmConfig;
use serde::{Deserialize, Serialize};

use crate::culture::CultureConfig;
use crate::prompts::PromptsConfig;
use crate::telephone::TelephoneConfig;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum System {
    Culture,
    Telephone,
}

impl System {
    pub fn as_str(self) -> &'static str {
        match self {
            System::Culture => "culture",
            System::Telephone => "telephone",
        }
    }
}

/// Largest seed accepted: TOML integers are signed 64-bit.
pub const MAX_SEED: u64 = i64::MAX as u64;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunConfig {
    /// A short name shown by `evolab list`.
    #[serde(default)]
    pub name: String,
    pub system: System,
    /// Master seed of every random stream; drawn at random and recorded when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Independent repetitions (the original called them "seeds").
    #[serde(default = "one")]
    pub repetitions: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub culture: Option<CultureConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub telephone: Option<TelephoneConfig>,
    #[serde(default)]
    pub llm: LlmConfig,
    #[serde(default)]
    pub prompts: PromptsConfig,
}

fn one() -> u32 {
    1
}

impl RunConfig {
    pub fn parse(text: &str, origin: &str) -> Result<Self, evolab_core::ConfigError> {
        evolab_core::parse_toml(text, origin)
    }

    /// Validates everything that can be checked before a model is loaded, and returns the
    /// self-contained config a run stores: seed fixed, texts and used prompts inline, and
    /// relative paths gone.
    pub fn resolve(mut self, base_dir: &Path) -> Result<RunConfig, String> {
        if self.repetitions == 0 {
            return Err("repetitions must be at least 1".into());
        }
        match self.seed {
            Some(seed) if seed > MAX_SEED => {
                return Err(format!("seed must be at most {MAX_SEED}, got {seed}"))
            }
            Some(_) => {}
            // 53 bits keep the seed exact in JSON readers (JavaScript, pandas).
            None => self.seed = Some(rand_seed() & ((1 << 53) - 1)),
        }
        self.llm.validate()?;
        let library = self.prompts.library(base_dir)?;
        let used = match self.system {
            System::Culture => {
                if self.telephone.is_some() {
                    return Err("a culture config has a [telephone] table; remove it or set system = \"telephone\"".into());
                }
                let culture = self.culture.get_or_insert_with(Default::default);
                culture.validate(&library)?;
                library.subset(&culture.prompt_names())?
            }
            System::Telephone => {
                if self.culture.is_some() {
                    return Err("a telephone config has a [culture] table; remove it or set system = \"culture\"".into());
                }
                let telephone = self.telephone.get_or_insert_with(Default::default);
                telephone.resolve_texts(base_dir)?;
                telephone.validate(&library)?;
                library.subset(&telephone.prompt_names())?
            }
        };
        self.prompts = PromptsConfig {
            files: Vec::new(),
            inline: used,
        };
        if self.name.is_empty() {
            self.name = self.system.as_str().to_string();
        }
        Ok(self)
    }

    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a resolved config serialises to TOML")
    }

    pub fn seed(&self) -> u64 {
        self.seed.unwrap_or(0)
    }
}

fn rand_seed() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    // RandomState is seeded from the OS: enough for picking a seed that is then recorded.
    RandomState::new().hash_one(std::time::SystemTime::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(text: &str) -> Result<RunConfig, String> {
        RunConfig::parse(text, "t.toml")
            .map_err(|e| e.to_string())?
            .resolve(Path::new("."))
    }

    #[test]
    fn resolved_config_round_trips_and_is_self_contained() {
        let resolved = resolve("system = \"telephone\"\nseed = 3\n[telephone]\ngenerations = 2\ntasks = [\"rephrase\"]\n").unwrap();
        let again = RunConfig::parse(&resolved.to_toml(), "stored").unwrap();
        assert_eq!(again, resolved);
        assert!(!resolved
            .telephone
            .as_ref()
            .unwrap()
            .initial_texts
            .is_empty());
        assert_eq!(resolved.prompts.inline.task.len(), 1);
        assert!(resolved.prompts.inline.init.is_empty());
    }

    #[test]
    fn missing_seed_is_drawn_and_recorded() {
        let resolved = resolve("system = \"culture\"\n").unwrap();
        assert!(resolved.seed.is_some());
        assert_eq!(resolved.culture.unwrap(), CultureConfig::default());
    }

    #[test]
    fn impossible_settings_fail_before_any_model_loads() {
        let caveman = resolve("system = \"culture\"\n[culture]\nagents = 7\nnetwork = { kind = \"caveman\", cliques = 2 }\n");
        assert!(caveman.unwrap_err().contains("multiple of cliques"));
        let sequence = resolve("system = \"culture\"\n[culture]\nagents = 3\ngenerations = 5\nnetwork = { kind = \"sequence\" }\n");
        assert!(sequence.unwrap_err().contains("generations <= agents"));
        let prompt = resolve("system = \"culture\"\n[culture]\nupdate = \"nope\"\n");
        assert!(prompt.unwrap_err().contains("valid names"));
        let mixed = resolve("system = \"culture\"\n[telephone]\n");
        assert!(mixed.unwrap_err().contains("[telephone]"));
        let seed = resolve("system = \"culture\"\nseed = 9223372036854775807\n");
        assert!(seed.is_ok());
    }

    #[test]
    fn typos_are_reported_with_line_and_valid_fields() {
        let err = RunConfig::parse("system = \"culture\"\n[culture]\nagnets = 3\n", "my.toml")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("my.toml") && err.contains("line 3") && err.contains("agents"),
            "{err}"
        );
        let err = RunConfig::parse("system = \"cultur\"\n", "x.toml")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("culture") && err.contains("telephone"),
            "{err}"
        );
    }
}
