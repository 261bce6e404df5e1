//! Telephone: transmission chains where each link rewrites the previous link's text.

use std::path::{Path, PathBuf};

use evolab_core::{seeds, AgentRow};
use evolab_llm::{Request, Sampling};
use serde::{Deserialize, Serialize};

use crate::population::{Action, History, Population, RunSettings, Work};
use crate::prompts::{PromptEntry, PromptKind, PromptLibrary};
use crate::render;

const BUILTIN_TEXTS: &str = include_str!("../data/telephone-texts.toml");

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InitialText {
    pub name: String,
    pub text: String,
}

/// What a `continue` link reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContinueMode {
    /// Only the previous link's continuation (the original's behaviour).
    #[default]
    Previous,
    /// The initial text and every continuation so far.
    Accumulate,
}

/// The `[telephone]` table. Defaults are the paper's 50-link chains over three tasks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TelephoneConfig {
    /// Links per chain; each chain stores generation 0 (the initial text) plus this many.
    pub generations: u32,
    /// Task prompts by name (`rephrase`, `inspiration`, `continue`, or your own).
    pub tasks: Vec<String>,
    /// Initial texts given inline; with neither this nor `initial_texts_from`, the built-in
    /// texts are used.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub initial_texts: Vec<InitialText>,
    /// A `.txt` file (one text), a `.jsonl` file of `{"name", "text"}` objects, or a folder
    /// of `.txt` files; relative to the config file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_texts_from: Option<PathBuf>,
    pub continue_mode: ContinueMode,
}

impl Default for TelephoneConfig {
    fn default() -> Self {
        Self {
            generations: 50,
            tasks: vec!["rephrase".into(), "inspiration".into(), "continue".into()],
            initial_texts: Vec::new(),
            initial_texts_from: None,
            continue_mode: ContinueMode::Previous,
        }
    }
}

pub fn builtin_texts() -> Vec<InitialText> {
    #[derive(Deserialize)]
    struct File {
        text: Vec<InitialText>,
    }
    toml::from_str::<File>(BUILTIN_TEXTS)
        .expect("the built-in telephone texts are valid TOML")
        .text
}

/// Reads initial texts from a file or folder, with errors that say what format is expected.
pub fn load_texts(path: &Path) -> Result<Vec<InitialText>, String> {
    let shown = path.display();
    if !path.exists() {
        return Err(format!("{shown} does not exist"));
    }
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| format!("cannot read folder {shown}: {e}"))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(format!(
                "folder {shown} has no .txt files; put one initial text per .txt file"
            ));
        }
        return files.iter().map(|f| read_txt(f)).collect();
    }
    match path.extension().and_then(|x| x.to_str()) {
        Some("txt") => Ok(vec![read_txt(path)?]),
        Some("jsonl") => {
            let body = std::fs::read_to_string(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
            body.lines()
                .enumerate()
                .filter(|(_, line)| !line.trim().is_empty())
                .map(|(i, line)| {
                    serde_json::from_str::<InitialText>(line).map_err(|e| {
                        format!("{shown} line {}: {e}; each line must be {{\"name\": \"...\", \"text\": \"...\"}}", i + 1)
                    })
                })
                .collect()
        }
        _ => Err(format!(
            "cannot read initial texts from {shown}: use a .txt file, a .jsonl file of {{\"name\", \"text\"}} lines, or a folder of .txt files"
        )),
    }
}

fn read_txt(path: &Path) -> Result<InitialText, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    // Editors end files with a newline that is not part of the text.
    let text = text.trim_end_matches(['\n', '\r']).to_string();
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "text".into());
    Ok(InitialText { name, text })
}

impl TelephoneConfig {
    /// Replaces `initial_texts_from` (or nothing) by the texts themselves, so the resolved
    /// config stored with a run is self-contained.
    pub fn resolve_texts(&mut self, base_dir: &Path) -> Result<(), String> {
        if let Some(from) = self.initial_texts_from.take() {
            if !self.initial_texts.is_empty() {
                return Err("telephone: give initial_texts or initial_texts_from, not both".into());
            }
            self.initial_texts = load_texts(&base_dir.join(from))
                .map_err(|e| format!("telephone.initial_texts_from: {e}"))?;
        } else if self.initial_texts.is_empty() {
            self.initial_texts = builtin_texts();
        }
        Ok(())
    }

    pub fn validate(&self, library: &PromptLibrary) -> Result<(), String> {
        if self.generations == 0 {
            return Err("telephone.generations must be at least 1".into());
        }
        if self.tasks.is_empty() {
            return Err(
                "telephone.tasks is empty; choose from rephrase, inspiration, continue".into(),
            );
        }
        for (kind, name) in self.prompt_names() {
            library
                .get(kind, name)
                .map_err(|e| format!("telephone: {e}"))?;
        }
        if self.initial_texts.is_empty() {
            return Err("telephone: no initial texts (the file or folder given has none)".into());
        }
        let mut names = std::collections::HashSet::new();
        for text in &self.initial_texts {
            if text.text.trim().is_empty() {
                return Err(format!("telephone: initial text {:?} is empty", text.name));
            }
            if !names.insert(&text.name) {
                return Err(format!(
                    "telephone: two initial texts are named {:?}; names must be unique",
                    text.name
                ));
            }
        }
        Ok(())
    }

    pub fn prompt_names(&self) -> Vec<(PromptKind, &str)> {
        self.tasks
            .iter()
            .map(|t| (PromptKind::Task, t.as_str()))
            .collect()
    }
}

/// Chains are numbered task-major: chain = task index × texts + text index.
pub struct TelephonePopulation {
    config: TelephoneConfig,
    settings: RunSettings,
    tasks: Vec<PromptEntry>,
    /// The run's sampling plus each task's completion stops.
    task_sampling: Vec<Sampling>,
}

impl TelephonePopulation {
    /// `config` must have resolved its texts and passed `validate`.
    pub fn new(
        config: &TelephoneConfig,
        library: &PromptLibrary,
        settings: &RunSettings,
    ) -> Result<Self, String> {
        let tasks: Vec<PromptEntry> = config
            .tasks
            .iter()
            .map(|t| library.get(PromptKind::Task, t).cloned())
            .collect::<Result<_, _>>()?;
        let task_sampling = tasks
            .iter()
            .map(|task| {
                render::with_completion_stops(
                    &settings.sampling,
                    settings.style,
                    render::TELEPHONE_LABELS,
                    task.cue.as_deref(),
                )
            })
            .collect();
        Ok(Self {
            config: config.clone(),
            settings: settings.clone(),
            tasks,
            task_sampling,
        })
    }

    fn chains(&self) -> usize {
        self.config.tasks.len() * self.config.initial_texts.len()
    }

    fn task_and_text(&self, chain: usize) -> (usize, usize) {
        let texts = self.config.initial_texts.len();
        (chain / texts, chain % texts)
    }

    /// What link `generation` of a chain reads.
    fn input(
        &self,
        history: &History,
        repetition: u32,
        generation: u32,
        chain: u32,
        task: usize,
    ) -> String {
        let accumulate = self.config.tasks[task] == "continue"
            && self.config.continue_mode == ContinueMode::Accumulate;
        if accumulate {
            (0..generation)
                .filter_map(|g| history.get(repetition, g, chain))
                .collect::<Vec<_>>()
                .join("\n\n")
        } else {
            history
                .get(repetition, generation - 1, chain)
                .unwrap_or_default()
                .to_string()
        }
    }
}

impl Population for TelephonePopulation {
    fn system(&self) -> &'static str {
        "telephone"
    }

    fn steps(&self) -> u32 {
        self.config.generations + 1
    }

    fn agents(&self) -> Vec<AgentRow> {
        let mut rows = Vec::new();
        for repetition in 0..self.settings.repetitions {
            for chain in 0..self.chains() {
                let (task, text) = self.task_and_text(chain);
                let task_name = &self.config.tasks[task];
                let text_name = &self.config.initial_texts[text].name;
                rows.push(AgentRow {
                    repetition,
                    agent: chain as u32,
                    label: format!("{task_name}/{text_name}"),
                    details_json:
                        serde_json::json!({ "task": task_name, "initial_text": text_name })
                            .to_string(),
                });
            }
        }
        rows
    }

    fn work(&self, step: u32, history: &History) -> Vec<Work> {
        let mut work = Vec::new();
        for repetition in 0..self.settings.repetitions {
            for chain in 0..self.chains() {
                let (task, text) = self.task_and_text(chain);
                let action = if step == 0 {
                    Action::Given(self.config.initial_texts[text].text.clone())
                } else {
                    let input = self.input(history, repetition, step, chain as u32, task);
                    Action::Generate(Request {
                        prompt: render::telephone_prompt(
                            self.settings.style,
                            &self.tasks[task],
                            &input,
                        ),
                        sampling: self.task_sampling[task].clone(),
                        seed: seeds::derive(
                            self.settings.master_seed,
                            "telephone",
                            &[u64::from(repetition), u64::from(step), chain as u64],
                        ),
                    })
                };
                work.push(Work {
                    repetition,
                    generation: step,
                    agent: chain as u32,
                    action,
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
    use evolab_llm::PromptStyle;

    fn row(repetition: u32, generation: u32, agent: u32, output: &str) -> TextRow {
        TextRow::given(repetition, generation, agent, output.into())
    }

    fn config(tasks: &[&str], mode: ContinueMode) -> TelephoneConfig {
        TelephoneConfig {
            generations: 3,
            tasks: tasks.iter().map(|t| t.to_string()).collect(),
            initial_texts: vec![
                InitialText {
                    name: "a".into(),
                    text: "Alpha.".into(),
                },
                InitialText {
                    name: "b".into(),
                    text: "Beta.".into(),
                },
            ],
            initial_texts_from: None,
            continue_mode: mode,
        }
    }

    fn population(config: &TelephoneConfig) -> TelephonePopulation {
        let library = PromptLibrary::builtin();
        config.validate(&library).unwrap();
        let settings = RunSettings {
            repetitions: 2,
            master_seed: 5,
            style: PromptStyle::Chat,
            sampling: Sampling::default(),
        };
        TelephonePopulation::new(config, &library, &settings).unwrap()
    }

    fn prompt(work: &Work) -> String {
        match &work.action {
            Action::Generate(r) => r.prompt.display_text(),
            Action::Given(t) => t.clone(),
        }
    }

    #[test]
    fn step_zero_gives_the_initial_texts_for_every_chain_and_repetition() {
        let pop = population(&config(&["rephrase", "continue"], ContinueMode::Previous));
        let work = pop.work(0, &History::default());
        assert_eq!(work.len(), 2 * 2 * 2);
        assert!(work.iter().all(|w| matches!(w.action, Action::Given(_))));
        assert_eq!(prompt(&work[1]), "Beta.");
        assert_eq!(pop.agents()[3].label, "continue/b");
        assert_eq!(pop.steps(), 4);
    }

    #[test]
    fn each_link_reads_only_the_previous_output_by_default() {
        let pop = population(&config(&["continue"], ContinueMode::Previous));
        let history =
            History::from_rows(&[row(0, 0, 0, "Alpha."), row(0, 1, 0, "first continuation")]);
        let text = prompt(&pop.work(2, &history)[0]);
        assert!(
            text.ends_with("first continuation") && !text.contains("Alpha."),
            "{text}"
        );
    }

    #[test]
    fn accumulate_mode_reads_the_whole_chain_for_continue_only() {
        let cfg = config(&["continue", "rephrase"], ContinueMode::Accumulate);
        let pop = population(&cfg);
        let history = History::from_rows(&[
            row(0, 0, 0, "Alpha."),
            row(0, 1, 0, "more"),
            row(0, 0, 2, "Alpha."),
            row(0, 1, 2, "reworded"),
        ]);
        let work = pop.work(2, &history);
        assert!(prompt(&work[0]).ends_with("Alpha.\n\nmore"));
        let rephrase = prompt(&work[2]);
        assert!(
            rephrase.ends_with("reworded") && !rephrase.contains("Alpha."),
            "{rephrase}"
        );
    }

    #[test]
    fn texts_load_from_jsonl_txt_and_folders_with_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let jsonl = dir.path().join("t.jsonl");
        std::fs::write(
            &jsonl,
            "{\"name\":\"x\",\"text\":\"X\"}\n\n{\"name\":\"y\",\"text\":\"Y\"}\n",
        )
        .unwrap();
        assert_eq!(load_texts(&jsonl).unwrap().len(), 2);
        std::fs::write(&jsonl, "{\"name\":\"x\"}\n").unwrap();
        let err = load_texts(&jsonl).unwrap_err();
        assert!(err.contains("line 1") && err.contains("text"), "{err}");
        let folder = dir.path().join("texts");
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(folder.join("b.txt"), "Bee\n").unwrap();
        std::fs::write(folder.join("a.txt"), "Ay").unwrap();
        let texts = load_texts(&folder).unwrap();
        assert_eq!(
            (texts[0].name.as_str(), texts[1].text.as_str()),
            ("a", "Bee")
        );
        let csv = dir.path().join("t.csv");
        assert!(load_texts(&csv).unwrap_err().contains("does not exist"));
        std::fs::write(&csv, "name,text").unwrap();
        assert!(load_texts(&csv).unwrap_err().contains(".jsonl"));
    }

    #[test]
    fn builtin_texts_are_valid_and_unique() {
        let mut cfg = TelephoneConfig::default();
        cfg.resolve_texts(Path::new(".")).unwrap();
        assert!(cfg.initial_texts.len() >= 5);
        cfg.validate(&PromptLibrary::builtin()).unwrap();
    }

    #[test]
    fn unknown_task_lists_choices() {
        let cfg = config(&["summarise"], ContinueMode::Previous);
        let err = cfg.validate(&PromptLibrary::builtin()).unwrap_err();
        assert!(
            err.contains("rephrase") && err.contains("inspiration"),
            "{err}"
        );
    }
}
