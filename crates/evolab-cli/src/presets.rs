//! The papers' experiments, shipped as TOML files in `presets/` and built into the binary.

pub const PRESETS: &[(&str, &str)] = &[
    (
        "quickstart",
        include_str!("../../../presets/quickstart.toml"),
    ),
    (
        "telephone-quickstart",
        include_str!("../../../presets/telephone-quickstart.toml"),
    ),
    (
        "caveman-2x5",
        include_str!("../../../presets/caveman-2x5.toml"),
    ),
    ("circle-10", include_str!("../../../presets/circle-10.toml")),
    (
        "fc-creative",
        include_str!("../../../presets/fc-creative.toml"),
    ),
    ("fc-mixed", include_str!("../../../presets/fc-mixed.toml")),
    (
        "chain-50-kid",
        include_str!("../../../presets/chain-50-kid.toml"),
    ),
    (
        "telephone-50",
        include_str!("../../../presets/telephone-50.toml"),
    ),
];

/// The evolving-reservoirs studies (`evolab reservoir evolve --preset NAME`).
pub const RESERVOIR_PRESETS: &[(&str, &str)] = &[
    (
        "reservoir-masked-cartpole",
        include_str!("../../../presets/reservoir-masked-cartpole.toml"),
    ),
    (
        "reservoir-masked-pendulum",
        include_str!("../../../presets/reservoir-masked-pendulum.toml"),
    ),
    (
        "reservoir-smoke",
        include_str!("../../../presets/reservoir-smoke.toml"),
    ),
];

/// The bilevel experiments (`evolab bilevel run --preset NAME`).
pub const BILEVEL_PRESETS: &[(&str, &str)] = &[
    (
        "theory",
        include_str!("../../../presets/bilevel-theory.toml"),
    ),
    (
        "linear",
        include_str!("../../../presets/bilevel-linear.toml"),
    ),
    (
        "classification",
        include_str!("../../../presets/bilevel-classification.toml"),
    ),
    (
        "dynamics-pendulum",
        include_str!("../../../presets/bilevel-dynamics-pendulum.toml"),
    ),
    (
        "dynamics-cartpole",
        include_str!("../../../presets/bilevel-dynamics-cartpole.toml"),
    ),
];

/// The text of preset `name` in `list`; `kind` names the list in the error.
fn lookup(list: &[(&str, &'static str)], kind: &str, name: &str) -> Result<&'static str, String> {
    list.iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
        .ok_or_else(|| {
            let names: Vec<&str> = list.iter().map(|(n, _)| *n).collect();
            format!(
                "unknown {kind}preset {name:?}; presets: {}",
                names.join(", ")
            )
        })
}

/// A bilevel preset's text.
pub fn bilevel_preset(name: &str) -> anyhow::Result<&'static str> {
    lookup(BILEVEL_PRESETS, "bilevel ", name).map_err(anyhow::Error::msg)
}

/// A reservoir preset, parsed.
pub fn reservoir_preset(name: &str) -> anyhow::Result<evolab_rl::experiment::ExperimentConfig> {
    let text = lookup(RESERVOIR_PRESETS, "reservoir ", name).map_err(anyhow::Error::msg)?;
    evolab_rl::experiment::ExperimentConfig::from_toml(text)
        .map_err(|e| anyhow::anyhow!("preset {name}: {e}"))
}

pub fn find(name: &str) -> Result<&'static str, String> {
    lookup(PRESETS, "", name)
}

/// The opening comment of a preset, as its description.
pub fn description(text: &str) -> String {
    text.lines()
        .map_while(|l| l.strip_prefix('#'))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use evolab_culture::RunConfig;

    #[test]
    fn every_preset_resolves_and_describes_itself() {
        for (name, text) in PRESETS {
            let config = RunConfig::parse(text, name).unwrap_or_else(|e| panic!("{name}: {e}"));
            let resolved = config
                .resolve(std::path::Path::new("."))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(resolved.name, *name, "a preset is named after its file");
            assert!(description(text).len() > 20, "{name} has a description");
        }
    }

    #[test]
    fn unknown_preset_lists_the_presets() {
        let err = find("caveman").unwrap_err();
        assert!(
            err.contains("caveman-2x5") && err.contains("quickstart"),
            "{err}"
        );
    }
}
