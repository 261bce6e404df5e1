//! A run's texts as the analyses need them: telephone chains, culture generations.

use std::collections::BTreeMap;

use evolab_core::{AgentRow, RunRecord, RunStore, TextRow};

use crate::AnalysisError;

/// Everything an analysis reads from the store about one run.
pub struct RunTexts {
    pub record: RunRecord,
    pub agents: Vec<AgentRow>,
    /// In (repetition, generation, agent) order.
    pub texts: Vec<TextRow>,
}

/// One telephone chain: the texts of one agent (chain) of one repetition.
#[derive(Clone, Debug, PartialEq)]
pub struct Chain {
    pub repetition: u32,
    pub agent: u32,
    pub task: String,
    pub initial_text: String,
    /// Index into [`RunTexts::texts`] for generations 0, 1, …, without gaps.
    pub texts: Vec<usize>,
}

/// The stories of one culture repetition, generation by generation.
#[derive(Clone, Debug, PartialEq)]
pub struct Repetition {
    pub repetition: u32,
    /// `generations[g]` lists indices into [`RunTexts::texts`], by agent.
    pub generations: Vec<Vec<usize>>,
}

pub fn load(store: &RunStore, run_id: &str) -> Result<RunTexts, AnalysisError> {
    let record = store.run(run_id)?;
    let agents = store.agents(run_id)?;
    let texts = store.texts(run_id)?;
    if texts.is_empty() {
        return Err(AnalysisError::Invalid(format!(
            "run {run_id} has no texts yet; analyse it once at least one generation is done (`evolab resume {run_id}` continues it)"
        )));
    }
    Ok(RunTexts {
        record,
        agents,
        texts,
    })
}

impl RunTexts {
    pub fn system(&self) -> &str {
        &self.record.system
    }

    /// Telephone chains, each cut to the generations it has without a gap.
    pub fn chains(&self) -> Result<Vec<Chain>, AnalysisError> {
        let mut by_chain: BTreeMap<(u32, u32), Vec<(u32, usize)>> = BTreeMap::new();
        for (i, t) in self.texts.iter().enumerate() {
            by_chain
                .entry((t.repetition, t.agent))
                .or_default()
                .push((t.generation, i));
        }
        let mut chains = Vec::with_capacity(by_chain.len());
        for ((repetition, agent), mut texts) in by_chain {
            texts.sort_unstable();
            let contiguous: Vec<usize> = texts
                .iter()
                .enumerate()
                .take_while(|(g, (generation, _))| *generation as usize == *g)
                .map(|(_, (_, i))| *i)
                .collect();
            let details = self
                .agents
                .iter()
                .find(|a| a.repetition == repetition && a.agent == agent)
                .map(|a| serde_json::from_str::<serde_json::Value>(&a.details_json))
                .transpose()
                .map_err(|e| {
                    AnalysisError::Invalid(format!(
                        "run {}: agent {agent} of repetition {repetition} has unreadable details: {e}",
                        self.record.id
                    ))
                })?
                .unwrap_or(serde_json::Value::Null);
            let field = |name: &str| {
                details
                    .get(name)
                    .and_then(|v| v.as_str())
                    .unwrap_or("unknown")
                    .to_string()
            };
            chains.push(Chain {
                repetition,
                agent,
                task: field("task"),
                initial_text: field("initial_text"),
                texts: contiguous,
            });
        }
        Ok(chains)
    }

    /// Culture repetitions with their generations (generation numbers as stored, 0-based).
    pub fn repetitions(&self) -> Vec<Repetition> {
        let mut by_rep: BTreeMap<u32, BTreeMap<u32, Vec<usize>>> = BTreeMap::new();
        for (i, t) in self.texts.iter().enumerate() {
            by_rep
                .entry(t.repetition)
                .or_default()
                .entry(t.generation)
                .or_default()
                .push(i);
        }
        by_rep
            .into_iter()
            .map(|(repetition, gens)| {
                let last = gens.keys().next_back().copied().unwrap_or(0);
                let generations = (0..=last)
                    .map(|g| gens.get(&g).cloned().unwrap_or_default())
                    .collect();
                Repetition {
                    repetition,
                    generations,
                }
            })
            .collect()
    }
}
