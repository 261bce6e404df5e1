//! LLM-Culture: agents on a social network rewrite their neighbours' stories.

use evolab_core::{seeds, AgentRow};
use evolab_llm::{Request, Sampling};
use serde::{Deserialize, Serialize};

use crate::network::{Network, NetworkConfig};
use crate::per_agent::PerAgent;
use crate::population::{Action, History, Population, RunSettings, Work};
use crate::prompts::{PromptEntry, PromptKind, PromptLibrary};
use crate::render;

/// The `[culture]` table. Defaults are the paper's 10 agents × 10 generations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CultureConfig {
    pub agents: u32,
    pub generations: u32,
    pub network: NetworkConfig,
    /// Instruction for agents with nothing to read (generation 0): one name, or one per agent.
    pub init: PerAgent,
    /// Instruction for agents that read their neighbours' stories: one name, or one per agent.
    pub update: PerAgent,
    /// One personality for every agent, or one per agent.
    pub personalities: PerAgent,
}

impl Default for CultureConfig {
    fn default() -> Self {
        Self {
            agents: 10,
            generations: 10,
            network: NetworkConfig::FullyConnected,
            init: PerAgent::all("storyteller"),
            update: PerAgent::all("combine-two-favourites"),
            personalities: PerAgent::Each(vec!["none".into()]),
        }
    }
}

impl CultureConfig {
    pub fn validate(&self, library: &PromptLibrary) -> Result<(), String> {
        if self.generations == 0 {
            return Err("culture.generations must be at least 1".into());
        }
        self.network
            .validate(self.agents, self.generations)
            .map_err(|e| format!("culture.{e}"))?;
        self.init.validate("init", self.agents)?;
        self.update.validate("update", self.agents)?;
        self.personalities.validate("personalities", self.agents)?;
        for (kind, name) in self.prompt_names() {
            library
                .get(kind, name)
                .map_err(|e| format!("culture: {e}"))?;
        }
        Ok(())
    }

    pub fn prompt_names(&self) -> Vec<(PromptKind, &str)> {
        let kinds = [
            (PromptKind::Init, &self.init),
            (PromptKind::Update, &self.update),
            (PromptKind::Personality, &self.personalities),
        ];
        kinds
            .into_iter()
            .flat_map(|(kind, names)| names.names().into_iter().map(move |n| (kind, n)))
            .collect()
    }
}

pub struct CulturePopulation {
    config: CultureConfig,
    network: Network,
    settings: RunSettings,
    init: Vec<PromptEntry>,
    update: Vec<PromptEntry>,
    personalities: Vec<PromptEntry>,
}

impl CulturePopulation {
    /// `config` must have passed `validate` against `library`.
    pub fn new(
        config: &CultureConfig,
        library: &PromptLibrary,
        settings: &RunSettings,
    ) -> Result<Self, String> {
        let network = config.network.build(
            config.agents,
            seeds::derive(settings.master_seed, "network", &[]),
        );
        let entries = |kind: PromptKind, names: &PerAgent| {
            (0..config.agents as usize)
                .map(|a| library.get(kind, names.of(a)).cloned())
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(Self {
            network,
            settings: settings.clone(),
            init: entries(PromptKind::Init, &config.init)?,
            update: entries(PromptKind::Update, &config.update)?,
            personalities: entries(PromptKind::Personality, &config.personalities)?,
            config: config.clone(),
        })
    }

    fn sampling_for(&self, instruction: &PromptEntry) -> Sampling {
        render::with_completion_stops(
            &self.settings.sampling,
            self.settings.style,
            render::CULTURE_LABELS,
            instruction.cue.as_deref(),
        )
    }
}

impl Population for CulturePopulation {
    fn system(&self) -> &'static str {
        "culture"
    }

    fn steps(&self) -> u32 {
        self.config.generations
    }

    fn agents(&self) -> Vec<AgentRow> {
        let mut rows = Vec::new();
        for repetition in 0..self.settings.repetitions {
            for agent in 0..self.config.agents as usize {
                let details = serde_json::json!({
                    "personality": self.config.personalities.of(agent),
                    "neighbours": self.network.neighbours[agent],
                    "network": self.config.network.name(),
                });
                rows.push(AgentRow {
                    repetition,
                    agent: agent as u32,
                    label: self.config.personalities.of(agent).to_string(),
                    details_json: details.to_string(),
                });
            }
        }
        rows
    }

    fn work(&self, step: u32, history: &History) -> Vec<Work> {
        let mut work = Vec::new();
        for repetition in 0..self.settings.repetitions {
            for agent in 0..self.config.agents as usize {
                if !self.network.acts(agent, step) {
                    continue;
                }
                // Readers see the non-empty stories of their neighbours, in neighbour order.
                let inputs: Vec<&str> = match step.checked_sub(1) {
                    None => Vec::new(),
                    Some(previous) => self.network.neighbours[agent]
                        .iter()
                        .filter_map(|&j| history.get(repetition, previous, j as u32))
                        .filter(|text| !text.is_empty())
                        .collect(),
                };
                let instruction = if inputs.is_empty() {
                    &self.init[agent]
                } else {
                    &self.update[agent]
                };
                let prompt = render::culture_prompt(
                    self.settings.style,
                    &self.personalities[agent],
                    instruction,
                    &inputs,
                );
                let seed = seeds::derive(
                    self.settings.master_seed,
                    "culture",
                    &[u64::from(repetition), u64::from(step), agent as u64],
                );
                work.push(Work {
                    repetition,
                    generation: step,
                    agent: agent as u32,
                    action: Action::Generate(Request {
                        prompt,
                        sampling: self.sampling_for(instruction),
                        seed,
                    }),
                });
            }
        }
        work
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use evolab_core::TextRow;
    use evolab_llm::{Prompt, PromptStyle};

    fn settings(repetitions: u32, style: PromptStyle) -> RunSettings {
        RunSettings {
            repetitions,
            master_seed: 7,
            style,
            sampling: Sampling::default(),
        }
    }

    fn population(config: CultureConfig, repetitions: u32) -> CulturePopulation {
        let library = PromptLibrary::builtin();
        config.validate(&library).unwrap();
        CulturePopulation::new(&config, &library, &settings(repetitions, PromptStyle::Chat))
            .unwrap()
    }

    fn row(repetition: u32, generation: u32, agent: u32, output: &str) -> TextRow {
        TextRow::given(repetition, generation, agent, output.into())
    }

    fn prompt_text(work: &Work) -> String {
        match &work.action {
            Action::Generate(r) => r.prompt.display_text(),
            Action::Given(_) => panic!("culture generates every text"),
        }
    }

    #[test]
    fn generation_zero_uses_init_for_every_agent_of_every_repetition() {
        let pop = population(
            CultureConfig {
                agents: 3,
                ..Default::default()
            },
            2,
        );
        let work = pop.work(0, &History::default());
        assert_eq!(work.len(), 6);
        let init = &PromptLibrary::builtin().init["storyteller"].chat;
        assert!(work.iter().all(|w| prompt_text(w) == *init));
    }

    #[test]
    fn update_reads_neighbours_of_the_same_repetition_only() {
        let pop = population(
            CultureConfig {
                agents: 3,
                network: NetworkConfig::Circle,
                ..Default::default()
            },
            2,
        );
        let rows = [
            row(0, 0, 0, "r0a0"),
            row(0, 0, 1, "r0a1"),
            row(0, 0, 2, ""),
            row(1, 0, 1, "r1a1"),
        ];
        let work = pop.work(1, &History::from_rows(&rows));
        let text = prompt_text(&work[0]); // repetition 0, agent 0: neighbours 1 and 2
        assert!(text.contains("Story 1:\nr0a1"), "{text}");
        assert!(
            !text.contains("Story 2"),
            "empty stories are not read: {text}"
        );
        assert!(!text.contains("r1a1") && !text.contains("r0a0"), "{text}");
    }

    #[test]
    fn sequence_has_one_writer_per_generation() {
        let pop = population(
            CultureConfig {
                agents: 3,
                generations: 3,
                network: NetworkConfig::Sequence,
                ..Default::default()
            },
            1,
        );
        let work = pop.work(2, &History::from_rows(&[row(0, 1, 1, "prev")]));
        assert_eq!(work.len(), 1);
        assert_eq!(work[0].agent, 2);
        assert!(prompt_text(&work[0]).contains("prev"));
    }

    #[test]
    fn seeds_differ_per_agent_and_repeat_per_plan() {
        let pop = population(
            CultureConfig {
                agents: 3,
                ..Default::default()
            },
            1,
        );
        let seeds = || -> Vec<u64> {
            pop.work(0, &History::default())
                .iter()
                .map(|w| match &w.action {
                    Action::Generate(r) => r.seed,
                    Action::Given(_) => unreachable!(),
                })
                .collect()
        };
        let first = seeds();
        assert_eq!(first.len(), 3);
        assert!(first[0] != first[1] && first[1] != first[2]);
        assert_eq!(first, seeds());
    }

    #[test]
    fn completion_style_adds_structural_stops_and_mixed_personalities() {
        let library = PromptLibrary::builtin();
        let config = CultureConfig {
            agents: 2,
            personalities: PerAgent::Each(vec!["creative".into(), "not-creative".into()]),
            ..Default::default()
        };
        config.validate(&library).unwrap();
        let pop = CulturePopulation::new(&config, &library, &settings(1, PromptStyle::Completion))
            .unwrap();
        let work = pop.work(0, &History::default());
        let Action::Generate(request) = &work[0].action else {
            unreachable!()
        };
        assert!(request.sampling.stop.iter().any(|s| s == "\nStory:"));
        let Prompt::Text(text) = &request.prompt else {
            panic!("completion prompt expected")
        };
        assert!(
            text.starts_with(&library.personality["creative"].completion),
            "{text}"
        );
        assert!(text.ends_with("Story:\n"), "{text}");
        assert_eq!(pop.agents()[1].label, "not-creative");
    }

    #[test]
    fn wrong_personality_count_is_explained() {
        let config = CultureConfig {
            agents: 3,
            personalities: PerAgent::Each(vec!["none".into(), "creative".into()]),
            ..Default::default()
        };
        let err = config.validate(&PromptLibrary::builtin()).unwrap_err();
        assert!(err.contains("exactly 3"), "{err}");
    }

    #[test]
    fn init_and_update_can_differ_per_agent() {
        let config: CultureConfig = toml::from_str(
            "agents = 2\ninit = [\"kid\", \"storyteller\"]\nupdate = \"different\"\n",
        )
        .unwrap();
        let pop = population(config, 1);
        let library = PromptLibrary::builtin();
        let work = pop.work(0, &History::default());
        assert_eq!(prompt_text(&work[0]), library.init["kid"].chat);
        assert_eq!(prompt_text(&work[1]), library.init["storyteller"].chat);
        let history = History::from_rows(&[row(0, 0, 1, "their story")]);
        assert!(
            prompt_text(&pop.work(1, &history)[0]).starts_with(&library.update["different"].chat)
        );
        let err = toml::from_str::<CultureConfig>("init = 3")
            .unwrap_err()
            .to_string();
        assert!(err.contains("one per agent"), "{err}");
    }
}
