//! evolab's similarity analyses against the Python packages the original used:
//! scikit-learn 1.5.2 (stop words, tokens, TF-IDF), NLTK 3.8.1 (Porter stemmer) and
//! Python 3's own character classes.

mod common;

use std::collections::{BTreeSet, HashMap};

use evolab_text::porter;
use evolab_text::similarity::{split_words, tokenize, TfIdf};
use evolab_text::StopWords;
use serde_json::Value;

const SKLEARN: &[&str] = &["scikit-learn==1.5.2", "numpy<2.1"];
const NLTK: &[&str] = &["nltk==3.8.1"];

const SENTENCES: &[&str] = &[
    "Once upon a time, in a village by the sea, an old fisherman told stories to the children.",
    "The children didn't believe him; they'd heard the tale of the whale twice already.",
    "Café owners in Zürich serve crème brûlée and naïve façades at 7:30 every morning.",
    "ΟΔΟΣ ΣΟΦΙΑΣ — η οδός της σοφίας οδηγεί στο φως.",
    "東京都の人口は約1400万人です。 大阪 京都",
    "Москва — столица России, город большой и шумный.",
    "snake_case_identifiers and __dunder__ names mix with CamelCase words.",
    "Numbers like 42, 3.14159, 2024 and ١٢٣ (Arabic-Indic digits) are tokens too.",
    "It's the robot's job: it won't stop until the stars' light fades.",
    "İstanbul straddles two continents; İzmir lies on the Aegean coast.",
    "Emoji 🙂 and symbols ™ © ½ ² sit between words like café🙂latte.",
    "A dragon guarded the mountain, and the mountain guarded the dragon's secret gold.",
    "Scientists discovered that the river flowed backwards during the eclipse.",
    "x y z a b c 1 2 3 _ - + = single characters vanish",
    "The wind whispered through the ancient forest while owls watched silently.",
    "Déjà vu: the traveller returned to the same crossroads again and again.",
    "Hindi: नमस्ते दुनिया, यह एक परीक्षा है।",
    "Combining marks: cafe\u{301} e\u{301}te\u{301} n\u{303}o split in Python's tokens.",
    "MIXED case WORDS Repeat repeat REPEAT repeat.",
    "The queen's kingdom prospered, yet the people longed for the sea.",
    "Thai: ภาษาไทย ง่าย มาก; Korean: 한국어 문장 입니다.",
    "tab\tseparated\nnew-line\r\nseparated   spaced words",
    "Superscripts x² and fractions ¾ and Roman numerals Ⅻ ⅻ are numbers in Unicode.",
    "The lighthouse keeper kept a journal of every ship that passed in the storm.",
];

/// 110 texts: single sentences, sentence combinations, repeats, and empty or token-less
/// texts (which must give zero rows).
fn corpus() -> Vec<String> {
    let mut texts = Vec::new();
    for (i, s) in SENTENCES.iter().enumerate() {
        texts.push(s.to_string());
        texts.push(format!("{s} {}", SENTENCES[(i * 7 + 3) % SENTENCES.len()]));
        texts.push(format!(
            "{} {} {}",
            SENTENCES[(i * 5 + 1) % SENTENCES.len()],
            s,
            SENTENCES[(i * 11 + 2) % SENTENCES.len()]
        ));
        texts.push(format!(
            "{} {}",
            SENTENCES[(i * 3 + 5) % SENTENCES.len()],
            s.to_uppercase()
        ));
        if i % 3 == 0 {
            texts.push(s.repeat(3));
        }
    }
    texts.extend(
        ["", "   ", "a b c", "the and of to", "!!! ??? ...", "🙂🙂🙂"]
            .iter()
            .map(|s| s.to_string()),
    );
    texts
}

fn json_f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

#[test]
fn tfidf_matches_scikit_learn() {
    let data = common::data_dir(&["stop-words"]);
    let stop = StopWords::load(&data).unwrap();
    let python = common::python(SKLEARN);
    let texts = corpus();
    let reference: Value = serde_json::from_str(&common::run_script(
        &python,
        "tests/python/sim_tfidf.py",
        &serde_json::to_string(&texts).unwrap(),
    ))
    .unwrap();

    let expected_stop: BTreeSet<String> = reference["stop_words"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect();
    assert_eq!(expected_stop.len(), 318);
    let ours: BTreeSet<String> = stop.iter().map(str::to_string).collect();
    assert_eq!(ours, expected_stop);

    for (i, text) in texts.iter().enumerate() {
        let expected: Vec<String> = reference["tokens"][i]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect();
        assert_eq!(tokenize(text), expected, "tokens of text {i}: {text:?}");
    }

    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let model = TfIdf::fit(&refs, &stop);
    let vocabulary: Vec<String> = reference["vocabulary"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    assert_eq!(model.vocabulary(), vocabulary.as_slice());
    let idf = json_f64s(&reference["idf"]);
    for (a, b) in model.idf().iter().zip(&idf) {
        assert!((a - b).abs() < 1e-12, "idf {a} vs {b}");
    }

    let s = model.cosine_matrix();
    let expected = reference["cosine"].as_array().unwrap();
    assert_eq!(expected.len(), texts.len());
    let mut worst: f64 = 0.0;
    let mut zero_rows = 0;
    for (i, row) in expected.iter().enumerate() {
        let row = json_f64s(row);
        if model.rows()[i].is_zero() {
            zero_rows += 1;
            assert!(
                row.iter().all(|&x| x == 0.0),
                "text {i} has a zero row here only"
            );
        }
        for (j, x) in row.iter().enumerate() {
            worst = worst.max((s.get(i, j) - x).abs());
        }
    }
    assert!(worst < 1e-9, "largest difference {worst:e}");
    assert!(
        zero_rows >= 5,
        "the corpus must exercise zero rows ({zero_rows})"
    );
    eprintln!(
        "TF-IDF: {} texts, {} terms, {zero_rows} zero rows, max |ΔS| = {worst:e}",
        texts.len(),
        vocabulary.len()
    );
}

fn in_ranges(ranges: &Value, cp: u32) -> bool {
    let ranges = ranges.as_array().unwrap();
    let at = ranges.partition_point(|r| r[1].as_u64().unwrap() < cp as u64);
    at < ranges.len() && ranges[at][0].as_u64().unwrap() <= cp as u64
}

#[test]
fn character_classes_match_python() {
    let python = common::python(SKLEARN);
    let reference: Value = serde_json::from_str(&common::run_script(
        &python,
        "tests/python/sim_unicode.py",
        "",
    ))
    .unwrap();
    let lower: HashMap<u32, String> = reference["lower"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.parse().unwrap(), v.as_str().unwrap().to_string()))
        .collect();
    let (mut word_diffs, mut space_diffs, mut lower_diffs) = (Vec::new(), Vec::new(), Vec::new());
    let mut newer = 0;
    for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
        let cp = c as u32;
        if in_ranges(&reference["unassigned"], cp) {
            // Assigned after this Python's Unicode version: Python cannot know them.
            newer += 1;
            continue;
        }
        let ours = evolab_text::similarity::tokens::is_word_char(c);
        if ours != in_ranges(&reference["word"], cp) {
            word_diffs.push(cp);
        }
        let python_space = in_ranges(&reference["space"], cp);
        let ours_space = split_words(&format!("a{c}b")).len() == 2;
        if python_space != ours_space {
            space_diffs.push(cp);
        }
        let expected = lower.get(&cp).cloned().unwrap_or_else(|| c.to_string());
        if c.to_lowercase().collect::<String>() != expected {
            lower_diffs.push(cp);
        }
    }
    eprintln!(
        "Python Unicode {}: {newer} code points unassigned there were skipped",
        reference["unicode_version"]
    );
    assert!(word_diffs.is_empty(), "\\w differs at {word_diffs:x?}");
    assert!(
        space_diffs.is_empty(),
        "whitespace differs at {space_diffs:x?}"
    );
    assert!(
        lower_diffs.is_empty(),
        "lower() differs at {lower_diffs:x?}"
    );
}

/// Varied English prose (written for this test) whose words, and programmatic
/// inflections of them, exercise every step of the stemmer.
const PROSE: &str = "
The archaeologists were carefully excavating an ancient settlement when a sudden storm
flooded the trenches. Nobody expected the conditional agreement between the universities
to collapse, yet the negotiations ended abruptly. Hopefulness and callousness, decisiveness
and sensitivity: the committee's relational dynamics were irritatingly complicated.
Generalizations about the operator's predication were formalized in a triplicate report.
The electrical engineers adjusted the adjustable gyroscopic sensors; their dependence on
irritant chemicals was replaced by a replacement procedure. Communism, activism, feudalism
and journalism competed in the marketplace of ideas. The hopping rabbits were falling,
hissing, fizzing, filing, failing, sizing, troubling and conflating everything. Skies,
dying, lying and tying were irregular. She happily enjoyed the flies and the spies who
died while trying. Analogously, the homologous vietnamization of radically different
vileness was digitized. Conformably, the sensibility of the geologists and theologians
proceeded, exceeded and succeeded. Innings, outings and cannings were news to Howe.
Controlling, rolling, agreed, feed, plastered, bled, motoring, singing, caresses, ponies,
ties, cats, relational, conditional, rational, valency, hesitancy, digitizer, beautifully,
differently, thoughtfully, wonderfully, usefully, generously, naturally, really, totally,
heroically, mythology, biology, geology, apology, analogy, eulogy, trilogy, anthology.
Running quickly, the messengers delivered messages, packages, and announcements.
Abilities, possibilities, responsibilities, capabilities, realities, formalities.
Organization, civilization, realization, visualization, nationalization, rationalization.
Childhood, neighbourhood, friendship, leadership, membership, ownership, hardship.
Joyfully, playfully, carefully, painfully, hopelessly, restlessly, endlessly, ruthlessly.
Emotional, traditional, additional, professional, educational, international, operational.
Agreement, argument, development, environment, government, movement, settlement.
Effective, active, creative, relative, positive, negative, sensitive, productive.
Buying, saying, playing, staying, praying, obeying, destroying, enjoying, annoying.
Cried, tried, dried, fried, applied, replied, supplied, denied, multiplied, studied.
Bigger, biggest, hotter, hottest, sadder, saddest, thinner, thinnest, fatter, fattest.
";

const SUFFIXES: &[&str] = &[
    "", "s", "es", "ed", "ing", "er", "est", "ly", "ness", "ment", "ation", "ational", "ize",
    "izer", "ization", "ful", "fulness", "ive", "iveness", "able", "ible", "ity", "al", "ally",
    "ism", "ist", "ous", "ously", "ousness", "ence", "ance", "ent", "ant", "ic", "ical", "icate",
    "iciti", "aliti", "iviti", "biliti", "bli", "alli", "entli", "eli", "ousli", "fulli", "logi",
    "ator", "alism", "y", "ies", "ied", "ying", "e", "ll", "eed", "at", "bl", "iz",
];

fn porter_words() -> Vec<String> {
    let mut bases: Vec<String> = Vec::new();
    for token in PROSE
        .split(|c: char| !c.is_alphabetic())
        .filter(|t| !t.is_empty())
    {
        if !bases.iter().any(|b| b == token) {
            bases.push(token.to_string());
        }
    }
    let mut words: Vec<String> = bases.clone();
    // Inflect roots: each base with a simple ending removed, plus every suffix.
    let roots: Vec<String> = bases
        .iter()
        .map(|b| b.to_lowercase())
        .map(|b| {
            for ending in ["ing", "ed", "es", "s", "ly", "e"] {
                if b.len() > ending.len() + 2 && b.ends_with(ending) {
                    return b[..b.len() - ending.len()].to_string();
                }
            }
            b
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for (i, root) in roots.iter().enumerate() {
        for (k, suffix) in SUFFIXES.iter().enumerate() {
            if (i + k) % 2 == 0 || suffix.is_empty() {
                words.push(format!("{root}{suffix}"));
            }
        }
    }
    // Short, upper-case, irregular and non-ASCII inputs.
    for extra in [
        "a",
        "is",
        "IS",
        "by",
        "y",
        "yy",
        "ies",
        "eed",
        "sky",
        "skies",
        "Skies",
        "NEWS",
        "news",
        "dying",
        "DYING",
        "howe",
        "succeed",
        "proceeding",
        "exceeds",
        "inning",
        "innings",
        "outings",
        "cannings",
        "café",
        "cafés",
        "naïveté",
        "Zürich",
        "straße",
        "İstanbul",
        "οδος",
        "москва",
        "syzygy",
        "toy",
        "toys",
        "enjoy",
        "ivy",
        "oats",
        "trees",
        "troubles",
        "private",
        "oaten",
        "orrery",
        "bowdlerize",
        "angulariti",
        "homologou",
        "electriciti",
        "sensibiliti",
        "vileli",
        "feudalism",
        "x1",
        "42",
        "abc_def",
        "yyyying",
        "yied",
        "aied",
        "flies",
        "dies",
        "ties",
        "lies",
        "spies",
    ] {
        words.push(extra.to_string());
    }
    words
}

#[test]
fn porter_matches_nltk() {
    let python = common::python(NLTK);
    let words = porter_words();
    assert!(words.len() >= 5000, "only {} words", words.len());
    let output = common::run_script(&python, "tests/python/sim_porter.py", &words.join("\n"));
    let expected: Vec<&str> = output.lines().collect();
    assert_eq!(expected.len(), words.len());
    let mismatches: Vec<String> = words
        .iter()
        .zip(&expected)
        .filter(|(w, e)| porter::stem(w) != **e)
        .map(|(w, e)| format!("{w}: ours {} NLTK {e}", porter::stem(w)))
        .collect();
    eprintln!(
        "Porter: {} words ({} distinct stems), {} mismatches",
        words.len(),
        expected.iter().collect::<BTreeSet<_>>().len(),
        mismatches.len()
    );
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}
