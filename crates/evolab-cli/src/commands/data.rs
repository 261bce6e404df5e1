//! `evolab data fetch` and `evolab data list`.

use anyhow::bail;
use evolab_text::assets::{self, ASSETS};

use crate::workspace::Workspace;

pub fn fetch(ws: &Workspace, names: &[String], force: bool) -> anyhow::Result<()> {
    let mut chosen = Vec::new();
    for name in names {
        match assets::asset(name) {
            Some(a) => chosen.push(a),
            None => {
                let known: Vec<&str> = ASSETS.iter().map(|a| a.name).collect();
                bail!("unknown data set {name:?}; known: {}", known.join(", "));
            }
        }
    }
    if chosen.is_empty() {
        chosen = ASSETS.iter().collect();
    }
    for asset in chosen {
        assets::fetch(asset, &ws.data_dir, force, &mut |line| eprintln!("{line}"))?;
        if asset.name == "tox-block" {
            // Converted now rather than at the first analysis, so that a missing Python
            // package shows up during set-up.
            evolab_text::toxicity::prepare_tox_block(&ws.data_dir, &mut |line| {
                eprintln!("{line}")
            })?;
        }
    }
    Ok(())
}

pub fn list(ws: &Workspace) -> anyhow::Result<()> {
    println!("data directory: {}", ws.data_dir.display());
    for asset in ASSETS {
        let state = if assets::is_installed(asset, &ws.data_dir) {
            "installed"
        } else {
            "missing"
        };
        println!(
            "{:<18} {:<9} {}=={}  {}",
            asset.name, state, asset.package, asset.version, asset.description
        );
    }
    Ok(())
}
