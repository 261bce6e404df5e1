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

pub fn find(name: &str) -> Result<&'static str, String> {
    PRESETS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
        .ok_or_else(|| {
            let names: Vec<&str> = PRESETS.iter().map(|(n, _)| *n).collect();
            format!("unknown preset {name:?}; presets: {}", names.join(", "))
        })
}

/// The first comment line of a preset, as its description.
pub fn description(text: &str) -> &str {
    text.lines()
        .find_map(|l| l.strip_prefix("# "))
        .unwrap_or("")
}
