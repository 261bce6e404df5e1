//! LLM-Culture: agents on a social network rewrite their neighbours' stories.

use evolab_core::{seeds, AgentRow};
use evolab_llm::{PromptStyle, Request, Sampling};
use serde::{Deserialize, Serialize};

use crate::network::{Network, NetworkConfig};
use crate::population::{Action, History, Population, Work};
use crate::prompts::{PromptEntry, PromptKind, PromptLibrary};
use crate::render;

/// The `[culture]` table. Defaults are the paper's 10 agents × 10 generations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CultureConfig {
    pub agents: u32,
    pub generations: u32,
    pub network: NetworkConfig,
    /// Instruction for agents with nothing to read (generation 0).
    pub init: String,
    /// Instruction for agents that read their neighbours' stories.
    pub update: String,
    /// One personality for every agent, or one per agent.
    pub personalities: Vec<String>,
}

impl Default for CultureConfig {
    fn default() -> Self {
        Self {
            agents: 10,
            generations: 10,
            network: NetworkConfig::FullyConnected,
            init: "storyteller".into(),
            update: "combine-two-favourites".into(),
            personalities: vec!["none".into()],
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
        let n = self.personalities.len();
        if n != 1 && n != self.agents as usize {
            return Err(format!(
                "culture.personalities lists {n} names: give one (for every agent) or exactly {} (one per agent)",
                self.agents
            ));
        }
        for (kind, name) in self.prompt_names() {
            library.get(kind, name).map_err(|e| format!("culture: {e}"))?;
        }
        Ok(())
    }

    pub fn prompt_names(&self) -> Vec<(PromptKind, &str)> {
        let mut names = vec![
            (PromptKind::Init, self.init.as_str()),
            (PromptKind::Update, self.update.as_str()),
        ];
        names.extend(
            self.personalities
                .iter()
                .map(|p| (PromptKind::Personality, p.as_str())),
        );
        names
    }

    fn personality_of(&self, agent: usize) -> &str {
        if self.personalities.len() == 1 {
            &self.personalities[0]
        } else {
            &self.personalities[agent]
        }
    }
}

pub struct CulturePopulation {
    config: CultureConfig,
    network: Network,
    repetitions: u32,
    master_seed: u64,
    style: PromptStyle,
    sampling: Sampling,
    init: PromptEntry,
    update: PromptEntry,
    personalities: Vec<PromptEntry>,
}

impl CulturePopulation {
    /// `config` must have passed `validate` against `library`.
    pub fn new(
        config: &CultureConfig,
        library: &PromptLibrary,
        repetitions: u32,
        master_seed: u64,
        style: PromptStyle,
        sampling: &Sampling,
    ) -> Result<Self, String> {
        let network = config
            .network
            .build(config.agents, seeds::derive(master_seed, "network", &[]));
        let personalities = (0..config.agents as usize)
            .map(|a| library.get(PromptKind::Personality, config.personality_of(a)).cloned())
            .collect::<Result<_, _>>()?;
        Ok(Self {
            network,
            repetitions,
            master_seed,
            style,
            sampling: sampling.clone(),
            init: library.get(PromptKind::Init, &config.init)?.clone(),
            update: library.get(PromptKind::Update, &config.update)?.clone(),
            personalities,
            config: config.clone(),
        })
    }

    pub fn network(&self) -> &Network {
        &self.network
    }

    fn sampling_for(&self, instruction: &PromptEntry) -> Sampling {
        let mut sampling = self.sampling.clone();
        if self.style == PromptStyle::Completion {
            for stop in render::completion_stops(instruction.cue.as_deref()) {
                if !sampling.stop.contains(&stop) {
                    sampling.stop.push(stop);
                }
            }
        }
        sampling
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
        for repetition in 0..self.repetitions {
            for agent in 0..self.config.agents as usize {
                let details = serde_json::json!({
                    "personality": self.config.personality_of(agent),
                    "neighbours": self.network.neighbours[agent],
                    "network": self.config.network.name(),
                });
                rows.push(AgentRow {
                    repetition,
                    agent: agent as u32,
                    label: self.config.personality_of(agent).to_string(),
                    details_json: details.to_string(),
                });
            }
        }
        rows
    }

    fn work(&self, step: u32, history: &History) -> Vec<Work> {
        let mut work = Vec::new();
        for repetition in 0..self.repetitions {
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
                let instruction = if inputs.is_empty() { &self.init } else { &self.update };
                let prompt = render::culture_prompt(
                    self.style,
                    &self.personalities[agent],
                    instruction,
                    &inputs,
                );
                let seed = seeds::derive(
                    self.master_seed,
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
    use evolab_llm::Prompt;

    fn population(config: CultureConfig, repetitions: u32) -> CulturePopulation {
        let library = PromptLibrary::builtin();
        config.validate(&library).unwrap();
        CulturePopulation::new(&config, &library, repetitions, 7, PromptStyle::Chat, &Sampling::default()).unwrap()
    }

    fn row(repetition: u32, generation: u32, agent: u32, output: &str) -> TextRow {
        TextRow {
            repetition,
            generation,
            agent,
            prompt: None,
            output: output.into(),
            prompt_tokens: 0,
            completion_tokens: 0,
            finish_reason: None,
            seed: None,
            elapsed_ms: 0.0,
            replayed: false,
        }
    }

    fn prompt_text(work: &Work) -> String {
        match &work.action {
            Action::Generate(r) => r.prompt.display_text(),
            Action::Given(_) => panic!("culture generates every text"),
        }
    }

    #[test]
    fn generation_zero_uses_init_for_every_agent_of_every_repetition() {
        let pop = population(CultureConfig { agents: 3, ..Default::default() }, 2);
        let work = pop.work(0, &History::default());
        assert_eq!(work.len(), 6);
        let init = &PromptLibrary::builtin().init["storyteller"].chat;
        assert!(work.iter().all(|w| prompt_text(w) == *init));
    }

    #[test]
    fn update_reads_neighbours_of_the_same_repetition_only() {
        let pop = population(CultureConfig { agents: 3, network: NetworkConfig::Circle, ..Default::default() }, 2);
        let rows = [row(0, 0, 0, "r0a0"), row(0, 0, 1, "r0a1"), row(0, 0, 2, ""), row(1, 0, 1, "r1a1")];
        let work = pop.work(1, &History::from_rows(&rows));
        let text = prompt_text(&work[0]); // repetition 0, agent 0: neighbours 1 and 2
        assert!(text.contains("Story 1:\nr0a1"), "{text}");
        assert!(!text.contains("Story 2"), "empty stories are not read: {text}");
        assert!(!text.contains("r1a1") && !text.contains("r0a0"), "{text}");
    }

    #[test]
    fn sequence_has_one_writer_per_generation() {
        let pop = population(
            CultureConfig { agents: 3, generations: 3, network: NetworkConfig::Sequence, ..Default::default() },
            1,
        );
        let work = pop.work(2, &History::from_rows(&[row(0, 1, 1, "prev")]));
        assert_eq!(work.len(), 1);
        assert_eq!(work[0].agent, 2);
        assert!(prompt_text(&work[0]).contains("prev"));
    }

    #[test]
    fn seeds_differ_per_agent_and_repeat_per_plan() {
        let pop = population(CultureConfig { agents: 3, ..Default::default() }, 1);
        let seeds: Vec<u64> = pop
            .work(0, &History::default())
            .iter()
            .map(|w| match &w.action {
                Action::Generate(r) => r.seed,
                Action::Given(_) => unreachable!(),
            })
            .collect();
        assert_eq!(seeds.len(), 3);
        assert!(seeds[0] != seeds[1] && seeds[1] != seeds[2]);
        let again: Vec<u64> = pop
            .work(0, &History::default())
            .iter()
            .map(|w| match &w.action {
                Action::Generate(r) => r.seed,
                Action::Given(_) => unreachable!(),
            })
            .collect();
        assert_eq!(seeds, again);
    }

    #[test]
    fn completion_style_adds_structural_stops_and_mixed_personalities() {
        let library = PromptLibrary::builtin();
        let config = CultureConfig {
            agents: 2,
            personalities: vec!["creative".into(), "not-creative".into()],
            ..Default::default()
        };
        config.validate(&library).unwrap();
        let pop = CulturePopulation::new(&config, &library, 1, 7, PromptStyle::Completion, &Sampling::default()).unwrap();
        let work = pop.work(0, &History::default());
        let Action::Generate(request) = &work[0].action else { unreachable!() };
        assert!(request.sampling.stop.iter().any(|s| s == "\nStory:"));
        let Prompt::Text(text) = &request.prompt else { panic!("completion prompt expected") };
        assert!(text.starts_with(&library.personality["creative"].completion), "{text}");
        assert!(text.ends_with("Story:\n"), "{text}");
        assert_eq!(pop.agents()[1].label, "not-creative");
    }

    #[test]
    fn wrong_personality_count_is_explained() {
        let config = CultureConfig { agents: 3, personalities: vec!["none".into(), "creative".into()], ..Default::default() };
        let err = config.validate(&PromptLibrary::builtin()).unwrap_err();
        assert!(err.contains("exactly 3"), "{err}");
    }
}
