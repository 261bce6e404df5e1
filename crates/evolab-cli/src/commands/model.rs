//! `evolab model fetch` and `evolab model list`.

use evolab_llm::registry;

use crate::workspace::Workspace;

pub fn fetch(ws: &Workspace, name: Option<&str>) -> anyhow::Result<()> {
    let name = name.unwrap_or(registry::DEFAULT_MODEL);
    let path = registry::fetch(name, &ws.models_dir, &mut |line| eprintln!("{line}"))?;
    println!("{}", path.display());
    Ok(())
}

pub fn list(ws: &Workspace) -> anyhow::Result<()> {
    for model in registry::list(&ws.models_dir) {
        let state = match &model.installed {
            Some(path) => format!("installed at {}", path.display()),
            None => "not installed (`evolab model fetch` gets it)".to_string(),
        };
        println!(
            "{:<16} {}\n{:<16} {state}",
            model.name, model.description, ""
        );
    }
    println!("\nAny other GGUF file works too: set llm.model to its path.");
    Ok(())
}
