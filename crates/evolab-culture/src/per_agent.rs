//! A setting given once for all agents or once per agent.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    untagged,
    expecting = "a prompt name, or a list of names (one, or one per agent)"
)]
pub enum PerAgent {
    All(String),
    Each(Vec<String>),
}

impl PerAgent {
    pub fn all(name: &str) -> Self {
        Self::All(name.to_string())
    }

    /// The name for one agent; a one-element list applies to every agent.
    pub fn of(&self, agent: usize) -> &str {
        match self {
            Self::All(name) => name,
            Self::Each(names) if names.len() == 1 => &names[0],
            Self::Each(names) => &names[agent],
        }
    }

    pub fn names(&self) -> Vec<&str> {
        match self {
            Self::All(name) => vec![name.as_str()],
            Self::Each(names) => names.iter().map(String::as_str).collect(),
        }
    }

    pub fn validate(&self, field: &str, agents: u32) -> Result<(), String> {
        if let Self::Each(names) = self {
            let n = names.len();
            if n != 1 && n != agents as usize {
                return Err(format!(
                    "culture.{field} lists {n} names: give one (for every agent) or exactly {agents} (one per agent)"
                ));
            }
        }
        Ok(())
    }
}
