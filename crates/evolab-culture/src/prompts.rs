//! The prompt library: named instructions, personalities and telephone tasks, each worded
//! for instruct models (`chat`) and for base models (`completion`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

const BUILTIN: &str = include_str!("../data/prompts.toml");

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromptEntry {
    /// Instruction sent as a chat message to instruct models.
    pub chat: String,
    /// Opening of a document that a base model continues.
    pub completion: String,
    /// Last line of a completion prompt, right before the model's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cue: Option<String>,
}

/// The four kinds of entries, each a map from name to entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromptLibrary {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub init: BTreeMap<String, PromptEntry>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub update: BTreeMap<String, PromptEntry>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub personality: BTreeMap<String, PromptEntry>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub task: BTreeMap<String, PromptEntry>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromptKind {
    Init,
    Update,
    Personality,
    Task,
}

impl PromptKind {
    pub fn table(self) -> &'static str {
        match self {
            Self::Init => "init",
            Self::Update => "update",
            Self::Personality => "personality",
            Self::Task => "task",
        }
    }
}

impl PromptLibrary {
    pub fn builtin() -> Self {
        toml::from_str(BUILTIN).expect("the built-in prompt library is valid TOML")
    }

    /// Entries of `other` are added, replacing same-named ones.
    pub fn merge(&mut self, other: PromptLibrary) {
        self.init.extend(other.init);
        self.update.extend(other.update);
        self.personality.extend(other.personality);
        self.task.extend(other.task);
    }

    fn map(&self, kind: PromptKind) -> &BTreeMap<String, PromptEntry> {
        match kind {
            PromptKind::Init => &self.init,
            PromptKind::Update => &self.update,
            PromptKind::Personality => &self.personality,
            PromptKind::Task => &self.task,
        }
    }

    fn map_mut(&mut self, kind: PromptKind) -> &mut BTreeMap<String, PromptEntry> {
        match kind {
            PromptKind::Init => &mut self.init,
            PromptKind::Update => &mut self.update,
            PromptKind::Personality => &mut self.personality,
            PromptKind::Task => &mut self.task,
        }
    }

    pub fn get(&self, kind: PromptKind, name: &str) -> Result<&PromptEntry, String> {
        self.map(kind).get(name).ok_or_else(|| {
            let valid: Vec<&str> = self.map(kind).keys().map(String::as_str).collect();
            format!(
                "unknown {} prompt {name:?}; valid names: {} (add your own under [prompts.{}.NAME])",
                kind.table(),
                valid.join(", "),
                kind.table()
            )
        })
    }

    /// A library with only the named entries, to store inline in a run's resolved config so
    /// that a resume never depends on prompt files that may have changed since.
    pub fn subset(&self, wanted: &[(PromptKind, &str)]) -> Result<PromptLibrary, String> {
        let mut out = PromptLibrary::default();
        for &(kind, name) in wanted {
            let entry = self.get(kind, name)?.clone();
            out.map_mut(kind).insert(name.to_string(), entry);
        }
        Ok(out)
    }
}

/// The `[prompts]` table of a config: extra library files plus inline entries.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromptsConfig {
    /// TOML files with the library's layout, relative to the config file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<PathBuf>,
    #[serde(flatten)]
    pub inline: PromptLibrary,
}

impl PromptsConfig {
    /// Built-in entries, then each file, then inline entries; later ones win.
    pub fn library(&self, base_dir: &Path) -> Result<PromptLibrary, String> {
        let mut library = PromptLibrary::builtin();
        for file in &self.files {
            let path = base_dir.join(file);
            let (extra, _) = evolab_core::load_toml::<PromptLibrary>(&path)
                .map_err(|e| format!("prompts.files: {e}"))?;
            library.merge(extra);
        }
        library.merge(self.inline.clone());
        Ok(library)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_library_has_every_kind() {
        let lib = PromptLibrary::builtin();
        assert!(lib.get(PromptKind::Init, "storyteller").is_ok());
        assert!(lib
            .get(PromptKind::Update, "combine-two-favourites")
            .is_ok());
        assert!(lib.get(PromptKind::Personality, "none").is_ok());
        for task in ["rephrase", "inspiration", "continue"] {
            assert!(lib.get(PromptKind::Task, task).is_ok(), "{task}");
        }
    }

    #[test]
    fn unknown_name_lists_valid_names() {
        let err = PromptLibrary::builtin()
            .get(PromptKind::Update, "combine-2")
            .unwrap_err();
        assert!(
            err.contains("combine-two-favourites") && err.contains("[prompts.update.NAME]"),
            "{err}"
        );
    }

    #[test]
    fn files_and_inline_entries_extend_and_override() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("mine.toml"),
            "[personality.pirate]\nchat = \"Talk like a pirate.\"\ncompletion = \"A pirate wrote this.\"\n",
        )
        .unwrap();
        let config: PromptsConfig = toml::from_str(
            "files = [\"mine.toml\"]\n[init.storyteller]\nchat = \"Mine.\"\ncompletion = \"Mine too.\"\n",
        )
        .unwrap();
        let lib = config.library(dir.path()).unwrap();
        assert_eq!(
            lib.get(PromptKind::Personality, "pirate").unwrap().chat,
            "Talk like a pirate."
        );
        assert_eq!(
            lib.get(PromptKind::Init, "storyteller").unwrap().chat,
            "Mine."
        );
        assert!(lib.get(PromptKind::Update, "kid").is_ok(), "built-ins stay");
    }

    #[test]
    fn missing_prompt_file_is_named() {
        let config = PromptsConfig {
            files: vec!["nope.toml".into()],
            ..Default::default()
        };
        let err = config.library(Path::new("/tmp")).unwrap_err();
        assert!(err.contains("nope.toml"), "{err}");
    }
}
