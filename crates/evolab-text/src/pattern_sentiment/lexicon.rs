//! Pattern's adjective lexicon (`en-sentiment.xml`) loaded as TextBlob 0.17.1 loads it:
//! senses averaged per part of speech, parts of speech averaged per word, then an "-ly"
//! adverb added for every adjective.

use std::collections::HashMap;
use std::path::Path;

use crate::TextError;

/// What the scorer needs to know about one word.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Entry {
    pub polarity: f64,
    pub subjectivity: f64,
    pub intensity: f64,
    /// Tagged RB somewhere: the word then modifies the next known word ("very good").
    pub is_adverb: bool,
}

/// Scores of one word, averaged per part-of-speech tag, tags in first-seen order.
struct Senses {
    by_pos: Vec<(Option<String>, Vec<[f64; 3]>)>,
}

/// Python's `sum(xs) / len(xs)`: left-to-right addition.
fn mean(xs: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = xs.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    sum / n.max(1) as f64
}

fn mean3(rows: &[[f64; 3]]) -> [f64; 3] {
    [0, 1, 2].map(|k| mean(rows.iter().map(|r| r[k])))
}

pub fn parse(xml: &str, path: &Path) -> Result<HashMap<String, Entry>, TextError> {
    let bad = |reason: String| TextError::BadData {
        path: path.to_path_buf(),
        reason,
    };
    let doc = roxmltree::Document::parse(xml).map_err(|e| bad(format!("invalid XML: {e}")))?;
    let mut order: Vec<String> = Vec::new();
    let mut senses: HashMap<String, Senses> = HashMap::new();
    for node in doc
        .root_element()
        .children()
        .filter(|n| n.has_tag_name("word"))
    {
        let number = |name: &str, default: f64| -> Result<f64, TextError> {
            match node.attribute(name) {
                None => Ok(default),
                Some(v) => v.trim().parse().map_err(|_| {
                    bad(format!(
                        "word {:?}: {name}={v:?} is not a number",
                        node.attribute("form")
                    ))
                }),
            }
        };
        let psi = [
            number("polarity", 0.0)?,
            number("subjectivity", 0.0)?,
            number("intensity", 1.0)?,
        ];
        let Some(form) = node.attribute("form").filter(|f| !f.is_empty()) else {
            continue;
        };
        let pos = node.attribute("pos").map(str::to_string);
        let word = senses.entry(form.to_string()).or_insert_with(|| {
            order.push(form.to_string());
            Senses { by_pos: Vec::new() }
        });
        match word.by_pos.iter_mut().find(|(p, _)| *p == pos) {
            Some((_, rows)) => rows.push(psi),
            None => word.by_pos.push((pos, vec![psi])),
        }
    }
    if order.is_empty() {
        return Err(bad("no <word> entries".to_string()));
    }

    let mut entries: HashMap<String, Entry> = HashMap::with_capacity(order.len() * 2);
    let mut adjectives: Vec<(String, [f64; 3])> = Vec::new();
    for form in &order {
        let per_pos: Vec<(Option<&str>, [f64; 3])> = senses[form]
            .by_pos
            .iter()
            .map(|(pos, rows)| (pos.as_deref(), mean3(rows)))
            .collect();
        // A sense without a pos attribute is stored under Python's None key, which the
        // word-level average then overwrites.
        let all: Vec<[f64; 3]> = per_pos.iter().map(|(_, v)| *v).collect();
        let [polarity, subjectivity, intensity] = mean3(&all);
        entries.insert(
            form.clone(),
            Entry {
                polarity,
                subjectivity,
                intensity,
                is_adverb: per_pos.iter().any(|(p, _)| *p == Some("RB")),
            },
        );
        if let Some((_, jj)) = per_pos.iter().find(|(p, _)| *p == Some("JJ")) {
            adjectives.push((form.clone(), *jj));
        }
    }
    // "terrible" => "terribly", "happy" => "happily"; an existing word gets the
    // adjective's scores as its RB and overall scores, later adjectives winning.
    for (form, [polarity, subjectivity, intensity]) in adjectives {
        let mut stem = form.as_str();
        let respelled;
        if let Some(s) = stem.strip_suffix('y') {
            respelled = format!("{s}i");
            stem = &respelled;
        }
        let stem = stem.strip_suffix("le").unwrap_or(stem);
        entries.insert(
            format!("{stem}ly"),
            Entry {
                polarity,
                subjectivity,
                intensity,
                is_adverb: true,
            },
        );
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = r#"<?xml version="1.0"?>
<sentiment language="en">
<word form="good" pos="JJ" polarity="0.7" subjectivity="0.6" intensity="1.0" />
<word form="good" pos="JJ" polarity="0.5" subjectivity="0.4" intensity="1.0" />
<word form="good" pos="NN" polarity="0.1" subjectivity="0.0" intensity="1.0" />
<word form="very" pos="RB" polarity="0.2" subjectivity="0.3" intensity="1.3" />
<word form="terrible" pos="JJ" polarity="-1.0" subjectivity="1.0" intensity="1.0" />
<word form="happy" pos="JJ" polarity="0.8" subjectivity="1.0" intensity="1.0" />
</sentiment>"#;

    #[test]
    fn senses_and_tags_are_averaged_in_two_steps() {
        let lex = parse(XML, Path::new("x")).unwrap();
        let good = lex["good"];
        // JJ senses average to (0.6, 0.5); with NN (0.1, 0.0) the word averages to (0.35, 0.25).
        assert!((good.polarity - 0.35).abs() < 1e-12);
        assert!((good.subjectivity - 0.25).abs() < 1e-12);
        assert!(!good.is_adverb);
        assert!(lex["very"].is_adverb);
    }

    #[test]
    fn adjectives_gain_ly_adverbs() {
        let lex = parse(XML, Path::new("x")).unwrap();
        assert_eq!(lex["terribly"].polarity, -1.0);
        assert!(lex["terribly"].is_adverb);
        assert_eq!(lex["happily"].polarity, 0.8);
        // The adverb takes the JJ average, not the word average.
        assert!((lex["goodly"].polarity - 0.6).abs() < 1e-12);
    }

    #[test]
    fn broken_xml_is_a_clear_error() {
        let err = parse("<sentiment><word", Path::new("lex.xml")).unwrap_err();
        assert!(err.to_string().contains("invalid XML"), "{err}");
    }
}
