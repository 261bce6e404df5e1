//! How prompts are laid out. The layout is versioned and recorded in every manifest: change
//! `TEMPLATE_VERSION` whenever the output of these functions changes.

use evolab_llm::{ChatMessage, Prompt, PromptStyle, Role, Sampling};

use crate::prompts::PromptEntry;

pub const TEMPLATE_VERSION: &str = "evolab-render-v1";

/// Label of the i-th input text (numbered from 1 in the order the agent reads them).
fn input_blocks(inputs: &[&str]) -> String {
    inputs
        .iter()
        .enumerate()
        .map(|(i, text)| format!("Story {}:\n{}", i + 1, text.trim()))
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn join_nonempty(parts: &[&str], sep: &str) -> String {
    parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(sep)
}

fn user(content: String) -> Prompt {
    Prompt::Chat(vec![ChatMessage {
        role: Role::User,
        content,
    }])
}

/// A culture agent's prompt: personality, instruction, then the neighbours' stories (none
/// at generation 0).
pub fn culture_prompt(
    style: PromptStyle,
    personality: &PromptEntry,
    instruction: &PromptEntry,
    inputs: &[&str],
) -> Prompt {
    let blocks = input_blocks(inputs);
    match style {
        PromptStyle::Chat | PromptStyle::Auto => user(join_nonempty(
            &[
                &join_nonempty(&[&personality.chat, &instruction.chat], "\n"),
                &blocks,
            ],
            "\n\n",
        )),
        PromptStyle::Completion => {
            let cue = instruction.cue.as_deref().unwrap_or("Story:");
            let head = join_nonempty(&[&personality.completion, &instruction.completion], "\n");
            Prompt::Text(format!(
                "{}\n",
                join_nonempty(&[&head, &blocks, cue], "\n\n")
            ))
        }
    }
}

/// A telephone link's prompt: the task, then the text it passes on.
pub fn telephone_prompt(style: PromptStyle, task: &PromptEntry, input: &str) -> Prompt {
    match style {
        PromptStyle::Chat | PromptStyle::Auto => {
            user(format!("{}\n\n{}", task.chat.trim(), input.trim()))
        }
        PromptStyle::Completion => {
            let cue = task.cue.as_deref().unwrap_or("New text:");
            Prompt::Text(format!(
                "{}\n\nText:\n{}\n\n{}\n",
                task.completion.trim(),
                input.trim(),
                cue.trim()
            ))
        }
    }
}

/// Block labels of the culture layout, where a base model would start the next story.
pub const CULTURE_LABELS: &[&str] = &["\nStory ", "\nStory:"];
/// Block labels of the telephone layout.
pub const TELEPHONE_LABELS: &[&str] = &["\nText:"];

/// A base model does not know where its answer ends: it would go on to write the layout's
/// next block. For completion prompts, the block labels and the cue line become stop
/// strings of the request, after the user's own.
pub fn with_completion_stops(
    sampling: &Sampling,
    style: PromptStyle,
    labels: &[&str],
    cue: Option<&str>,
) -> Sampling {
    let mut sampling = sampling.clone();
    if style != PromptStyle::Completion {
        return sampling;
    }
    let cue = cue.map(|c| format!("\n{}", c.trim()));
    for stop in labels.iter().map(|l| l.to_string()).chain(cue) {
        if !sampling.stop.contains(&stop) {
            sampling.stop.push(stop);
        }
    }
    sampling
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(chat: &str, completion: &str, cue: Option<&str>) -> PromptEntry {
        PromptEntry {
            chat: chat.into(),
            completion: completion.into(),
            cue: cue.map(Into::into),
        }
    }

    #[test]
    fn chat_prompt_numbers_inputs_in_reading_order() {
        let p = culture_prompt(
            PromptStyle::Chat,
            &entry("Be bold.", "", None),
            &entry("Merge them.", "", None),
            &["second text ", "first"],
        );
        let Prompt::Chat(m) = p else {
            panic!("chat expected")
        };
        assert_eq!(
            m[0].content,
            "Be bold.\nMerge them.\n\nStory 1:\nsecond text\n\nStory 2:\nfirst"
        );
    }

    #[test]
    fn empty_personality_adds_no_blank_line() {
        let p = culture_prompt(
            PromptStyle::Chat,
            &entry(" ", " ", None),
            &entry("Write.", "", None),
            &[],
        );
        assert_eq!(p, user("Write.".into()));
    }

    #[test]
    fn completion_prompt_ends_with_the_cue() {
        let p = culture_prompt(
            PromptStyle::Completion,
            &entry("", "", None),
            &entry("", "Stories follow.", Some("New story:")),
            &["a"],
        );
        assert_eq!(
            p,
            Prompt::Text("Stories follow.\n\nStory 1:\na\n\nNew story:\n".into())
        );
    }

    #[test]
    fn telephone_completion_prompt_shows_text_then_cue() {
        let p = telephone_prompt(
            PromptStyle::Completion,
            &entry("Reword.", "A rewording follows.", Some("Reworded text:")),
            " hello ",
        );
        assert_eq!(
            p,
            Prompt::Text("A rewording follows.\n\nText:\nhello\n\nReworded text:\n".into())
        );
        let chat = telephone_prompt(PromptStyle::Chat, &entry("Reword.", "", None), "hello");
        assert_eq!(chat, user("Reword.\n\nhello".into()));
    }

    #[test]
    fn completion_stops_follow_the_users_once_each() {
        let user = Sampling {
            stop: vec!["THE END".into()],
            ..Default::default()
        };
        let s = with_completion_stops(
            &user,
            PromptStyle::Completion,
            TELEPHONE_LABELS,
            Some("Text:"),
        );
        assert_eq!(s.stop, vec!["THE END".to_string(), "\nText:".to_string()]);
        let s = with_completion_stops(
            &user,
            PromptStyle::Completion,
            CULTURE_LABELS,
            Some("New story:"),
        );
        assert_eq!(s.stop, ["THE END", "\nStory ", "\nStory:", "\nNew story:"]);
        assert_eq!(
            with_completion_stops(&user, PromptStyle::Chat, CULTURE_LABELS, None),
            user
        );
    }
}
