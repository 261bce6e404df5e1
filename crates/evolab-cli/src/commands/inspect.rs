//! `evolab list` and `evolab show`.

use std::collections::HashMap;

use crate::cli::ShowArgs;
use crate::workspace::Workspace;

pub fn list(ws: &Workspace) -> anyhow::Result<()> {
    let store = ws.store()?;
    let runs = store.runs()?;
    if runs.is_empty() {
        eprintln!(
            "no runs in {} yet; start one with `evolab run --preset quickstart`",
            ws.home.display()
        );
        return Ok(());
    }
    println!(
        "{:<36} {:<10} {:<22} {:<12} {:>9}  created",
        "run", "system", "name", "status", "progress"
    );
    for run in runs {
        println!(
            "{:<36} {:<10} {:<22} {:<12} {:>9}  {}",
            run.id,
            run.system,
            run.name,
            store.status_of(&run).as_str(),
            format!("{}/{}", run.steps_done, run.steps_total),
            run.created_at
        );
    }
    Ok(())
}

pub fn show(ws: &Workspace, args: &ShowArgs) -> anyhow::Result<()> {
    let store = ws.store()?;
    let record = store.run(&args.run)?;
    if args.manifest {
        println!(
            "# status: {} ({}/{} generations), created {}, last update {}, finished {}",
            store.status_of(&record).as_str(),
            record.steps_done,
            record.steps_total,
            record.created_at,
            record.updated_at,
            record.finished_at.as_deref().unwrap_or("-")
        );
        println!(
            "# manifest\n{}\n\n# resolved config\n{}",
            record.manifest_json, record.config_toml
        );
        return Ok(());
    }
    let labels: HashMap<(u32, u32), String> = store
        .agents(&args.run)?
        .into_iter()
        .map(|a| ((a.repetition, a.agent), a.label))
        .collect();
    println!(
        "run {} ({} {:?}, {}, {}/{} generations)",
        record.id,
        record.system,
        record.name,
        store.status_of(&record).as_str(),
        record.steps_done,
        record.steps_total
    );
    if let Some(message) = &record.message {
        println!("last message: {message}");
    }
    let mut heading = None;
    let mut shown = 0;
    for text in store.texts(&args.run)? {
        let keep = args.generation.is_none_or(|g| g == text.generation)
            && args.repetition.is_none_or(|r| r == text.repetition)
            && args.agent.is_none_or(|a| a == text.agent);
        if !keep {
            continue;
        }
        if heading != Some((text.repetition, text.generation)) {
            heading = Some((text.repetition, text.generation));
            println!(
                "\n=== repetition {} · generation {} ===",
                text.repetition, text.generation
            );
        }
        let label = labels
            .get(&(text.repetition, text.agent))
            .map(String::as_str)
            .unwrap_or("");
        let truncated = if text.finish_reason.as_deref() == Some("length") {
            ", truncated"
        } else {
            ""
        };
        println!(
            "\n--- agent {} [{label}] ({} tokens{truncated}{})",
            text.agent,
            text.completion_tokens,
            if text.replayed { ", replayed" } else { "" }
        );
        if args.prompts {
            if let Some(prompt) = &text.prompt {
                println!("[prompt]\n{prompt}\n[output]");
            }
        }
        println!("{}", text.output.trim());
        shown += 1;
    }
    if shown == 0 {
        println!(
            "\nno texts match; this run has generations 0 to {} (telephone: 0 is the initial text)",
            record.steps_total.saturating_sub(1)
        );
    }
    Ok(())
}
