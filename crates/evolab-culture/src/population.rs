//! What culture and telephone have in common: agents in repetitions that write one text
//! per generation, each reading texts of the previous generation.

use std::collections::HashMap;

use evolab_core::{AgentRow, TextRow};
use evolab_llm::{PromptStyle, Request, Sampling};

/// What every population takes from its run: repetitions, the master seed, and how
/// requests are phrased and sampled.
#[derive(Clone, Debug)]
pub struct RunSettings {
    pub repetitions: u32,
    pub master_seed: u64,
    pub style: PromptStyle,
    pub sampling: Sampling,
}

/// What one agent does at one step.
pub enum Action {
    /// A text that is given, not generated (a telephone chain's initial text).
    Given(String),
    Generate(Request),
}

pub struct Work {
    pub repetition: u32,
    pub generation: u32,
    pub agent: u32,
    pub action: Action,
}

/// Texts written so far, as passed on to readers (trimmed), by (repetition, generation, agent).
#[derive(Default)]
pub struct History {
    texts: HashMap<(u32, u32, u32), String>,
}

impl History {
    pub fn from_rows(rows: &[TextRow]) -> Self {
        let mut history = Self::default();
        for row in rows {
            history.record(row);
        }
        history
    }

    pub fn record(&mut self, row: &TextRow) {
        self.texts.insert(
            (row.repetition, row.generation, row.agent),
            row.output.trim().to_string(),
        );
    }

    pub fn get(&self, repetition: u32, generation: u32, agent: u32) -> Option<&str> {
        self.texts
            .get(&(repetition, generation, agent))
            .map(String::as_str)
    }
}

/// A planned experiment. Each step is one generation of every repetition: all its calls are
/// independent, so they go to the engine as one batch.
pub trait Population {
    fn system(&self) -> &'static str;
    fn steps(&self) -> u32;
    fn agents(&self) -> Vec<AgentRow>;
    /// The work of one step, given every text of earlier steps.
    fn work(&self, step: u32, history: &History) -> Vec<Work>;
}
