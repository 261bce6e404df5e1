//! `evolab export`.

use evolab_core::export::{export_texts, ExportFormat};

use crate::cli::ExportArgs;
use crate::workspace::Workspace;

pub fn export(ws: &Workspace, args: &ExportArgs) -> anyhow::Result<()> {
    let format = ExportFormat::parse(&args.format).map_err(anyhow::Error::msg)?;
    let store = ws.store()?;
    let record = store.run(&args.run)?;
    let path = match &args.output {
        Some(path) => path.clone(),
        None => {
            let dir = ws.home.join("exports");
            std::fs::create_dir_all(&dir)?;
            dir.join(format!("{}.{}", record.id, format.extension()))
        }
    };
    let texts = store.texts(&record.id)?;
    export_texts(
        &record.id,
        &store.agents(&record.id)?,
        &texts,
        format,
        &path,
    )?;
    eprintln!("{} texts written", texts.len());
    println!("{}", path.display());
    Ok(())
}
