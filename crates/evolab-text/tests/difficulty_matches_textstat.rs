//! The Gunning fog index, its counts and the syllable counts behind it, compared with
//! textstat 0.7.3 and pyphen 0.15.0 run on the same inputs at test time.

mod common;

use std::path::PathBuf;

use evolab_text::difficulty::{counting, pychars, GunningFog, EASY_WORDS};
use serde_json::{json, Value};

const REQUIREMENTS: &[&str] = &[
    "textstat==0.7.3",
    "pyphen==0.15.0",
    // textstat 0.7.3 imports pkg_resources, which setuptools 81 removes.
    "setuptools==80.9.0",
];

fn reference(request: &Value) -> Value {
    let python = common::python(REQUIREMENTS);
    let out = common::run_script(
        &python,
        "tests/python/fog_reference.py",
        &request.to_string(),
    );
    serde_json::from_str(&out).expect("the reference script writes JSON")
}

fn data_dir() -> PathBuf {
    common::data_dir(&["pyphen", "textstat"])
}

const PLAIN: &[&str] = &[
    "The cat sat on the mat.",
    "I think we should go home now.",
    "She gave him the book and left without a word.",
    "Nobody expected the announcement to change anything, yet everything changed.",
    "The committee will reconsider the proposal tomorrow afternoon.",
    "Can you believe it?",
    "Stop!",
    "He said it was fine; it was not.",
    "My grandmother's recipe calls for butter, sugar, and a pinch of salt.",
    "They're going to the park, aren't they?",
    "Wait... what happened here?",
    "An extraordinarily complicated situation demanded immediate intervention.",
    "The old man and the sea became friends over time",
    "Children played happily in the garden while their parents talked.",
    "Unquestionably, the administration's communication strategy was inadequate.",
    "It rained. It poured. We stayed in.",
    "Mr. Smith met Dr. Jones at 5 p.m. on Jan. 3rd.",
    "The U.S. economy grew by 3.14 percent, e.g. faster than expected.",
    "Over 1,000 people attended; about 2.5% left early.",
    "Well-known state-of-the-art techniques were re-evaluated.",
    "Don't you think it's a little late? I'd say so.",
    "WHY IS EVERYONE SHOUTING ABOUT INTERNATIONALIZATION?",
    "Really?! You did WHAT?!",
    "No way!!! That's incredible!!!",
    "The café served naïve coffee to the façade of a résumé.",
    "Ελληνικά γράμματα ΟΔΟΣ και Σοφία.",
    "我们今天去公园散步。天气很好！",
    "Emoji are fun 😀🎉 and sometimes confusing 🤔.",
    "Straße, İstanbul, and Œuvre are tricky words.",
    "Pneumonoultramicroscopicsilicovolcanoconiosis is a very long word.",
    "The ratio x=y+2 holds when y=3.",
    "‘Single quotes’ and “double quotes” and 'plain quotes' appear.",
    "A list: first, second; third — and fourth.",
    "Tab\tseparated\twords and non\u{a0}breaking spaces.",
    "Information\u{1c}separators\u{1f}split words in Python.",
    "Combining e\u{301} accents split words for the difficulty count.",
    "Hyphenation algorithms approximate syllabification imperfectly.",
    "Dogs, cats, and horses are animals.",
    "Everybody understands the necessity of responsibility.",
    "The quick brown fox jumps over the lazy dog",
    "A b. C d. E f g.",
    "i.e. this is an abbreviation-heavy sentence, viz. etc.",
    "Version 2.0.1 fixed issue #42 (see https://example.org/path?x=1).",
    "_underscored_words_ and snake_case_names count as words.",
    "Numbers like ½ and ² and Ⅻ and ٣ are word characters.",
];

/// Scientific-abstract prose written for this test.
const ABSTRACTS: &[&str] = &[
    "Cultural transmission is often modelled as a chain of imperfect copies. \
     Here we quantify how linguistic complexity evolves when large language models \
     iteratively rewrite stories. Across twelve seed texts and five models, readability \
     converged towards intermediate values, suggesting the existence of attractors. \
     These results have implications for the long-term dynamics of machine-generated content.",
    "We investigated the relationship between syllable counts and perceived difficulty \
     in a population of 1,024 participants. Participants rated 300 passages on a \
     seven-point scale. Perceived difficulty correlated strongly with the proportion of \
     polysyllabic words (r = 0.71, p < 0.001) but only weakly with sentence length. \
     We discuss methodological limitations and propose alternative operationalizations.",
    "Background: Hyphenation dictionaries encode morphological regularities implicitly. \
     Methods: We compared Liang's pattern-based algorithm with a neural syllabifier on \
     an annotated lexicon. Results: The pattern-based approach underestimated syllables \
     in 12.3% of polymorphemic words. Conclusion: Simple heuristics remain surprisingly \
     competitive",
    "Toxicity, positivity and difficulty were measured for every generation. The \
     experimental manipulation (instructions emphasizing creativity versus fidelity) \
     produced significant differences in semantic similarity but not in difficulty. \
     Supplementary analyses confirmed the robustness of these findings under \
     alternative preprocessing pipelines, e.g. lemmatization and stop-word removal.",
    "Evolutionary models of cumulative culture predict that transmission biases shape \
     the distribution of cultural variants. In simulated populations, content biases \
     and prestige biases interacted non-linearly! Why should this matter? Because \
     heterogeneous populations amplify otherwise negligible preferences...",
];

/// Fragments chosen to hit textstat's edge cases.
const HARD: &[&str] = &[
    "",
    " ",
    "\n\t \u{3000}",
    "!!!",
    "?!",
    "...",
    "a",
    "Hello",
    "Hello world",
    "Hello world again",
    "Dr.",
    "e.g.",
    "U.S.A.",
    "3.14",
    "1,000,000",
    "😀",
    "😀 😀 😀",
    "ΟΔΟΣ",
    "naïve",
    "中文",
    "İİİ",
    "'",
    "’’’",
    "=",
    "—",
    "well-being",
    "rock'n'roll",
    "ﬀ ligature oﬀice eﬃcient",
    "e\u{301}te\u{301}",
    "\u{1c}\u{1d}\u{1e}\u{1f}",
    "\u{85}next line",
    "zero\u{200b}width",
    "CAPITALIZATION",
    "antidisestablishmentarianism",
];

/// A small deterministic generator (xorshift64*), so the corpus is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

fn corpus() -> Vec<String> {
    let mut texts: Vec<String> = HARD.iter().map(|s| s.to_string()).collect();
    texts.extend(PLAIN.iter().map(|s| s.to_string()));
    texts.extend(ABSTRACTS.iter().map(|s| s.to_string()));
    texts.push(PLAIN.join(" "));
    texts.push(ABSTRACTS.join("\n\n"));
    texts.push("word ".repeat(5000));
    texts.push("x".repeat(300));
    texts.push(format!("{}.", "incomprehensibility".repeat(8)));

    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let separators = [" ", " ", " ", "\n", "\n\n", "  ", "\t", "", " \u{a0}"];
    let endings = ["", "", "!!!", "?!", "...", " ", "\n", ".", "?"];
    for _ in 0..400 {
        let parts = 1 + rng.below(10);
        let mut text = String::new();
        for _ in 0..parts {
            let pool: &[&str] = match rng.below(10) {
                0..=5 => PLAIN,
                6..=7 => HARD,
                _ => ABSTRACTS,
            };
            text.push_str(rng.pick(pool));
            text.push_str(rng.pick(&separators));
        }
        match rng.below(6) {
            0 => text = text.to_uppercase(),
            1 => {
                text = text
                    .trim_end_matches(['.', '!', '?', ' ', '\n'])
                    .to_string()
            }
            2 => text = text.replace(". ", ".\n"),
            3 => text = text.replace(' ', "-"),
            _ => {}
        }
        text.push_str(rng.pick(&endings));
        texts.push(text);
    }
    texts
}

#[test]
fn fog_and_counts_match_textstat_for_every_text() {
    let fog = GunningFog::load(&data_dir()).unwrap();
    let mut texts = corpus();
    // More texts to compare, e.g. a sample of a population's outputs: a JSON array of strings.
    if let Some(path) = std::env::var_os("EVOLAB_FOG_EXTRA_TEXTS") {
        let json = std::fs::read_to_string(&path).unwrap();
        let extra: Vec<String> = serde_json::from_str(&json).unwrap();
        texts.extend(extra);
    }
    let expected = reference(&json!({ "texts": texts, "words": [] }));
    let expected = expected["texts"].as_array().unwrap();
    assert_eq!(expected.len(), texts.len());

    let mut mismatches = Vec::new();
    let mut nonzero = 0;
    for (text, want) in texts.iter().zip(expected) {
        let want_fog: f64 = want["fog"].as_str().unwrap().parse().unwrap();
        let counts = fog.counts(text);
        let got = (
            fog.fog(text),
            counts.words,
            counts.sentences,
            counts.difficult_words,
        );
        let want = (
            want_fog,
            want["words"].as_u64().unwrap() as usize,
            want["sentences"].as_u64().unwrap() as usize,
            want["difficult"].as_u64().unwrap() as usize,
        );
        if want_fog != 0.0 {
            nonzero += 1;
        }
        // Exact equality of the doubles, which implies equality to 2 decimals.
        if got.0.to_bits() != want.0.to_bits() || (got.1, got.2, got.3) != (want.1, want.2, want.3)
        {
            mismatches.push(format!(
                "{text:?}\n  evolab (fog, words, sentences, difficult) = {got:?}\n  textstat = {want:?}"
            ));
        }
    }
    eprintln!(
        "{} texts compared with textstat, {nonzero} with a non-zero fog index, {} mismatches",
        texts.len(),
        mismatches.len()
    );
    assert!(
        nonzero > texts.len() / 2,
        "the corpus should mostly score above 0"
    );
    assert!(
        mismatches.is_empty(),
        "{} of {} texts differ from textstat:\n{}",
        mismatches.len(),
        texts.len(),
        mismatches[..mismatches.len().min(20)].join("\n")
    );
}

#[test]
fn syllables_and_hyphenation_points_match_pyphen() {
    let dir = data_dir();
    let fog = GunningFog::load(&dir).unwrap();
    let easy = std::fs::read_to_string(dir.join(EASY_WORDS)).unwrap();

    let mut words: Vec<String> = easy.lines().map(str::to_string).collect();
    let corpus_text = corpus().join(" ");
    let lowered = pychars::lower(&corpus_text);
    words.extend(counting::difficulty_tokens(&lowered).map(str::to_string));
    words.extend(corpus_text.split_whitespace().map(str::to_string));
    // Random letter strings exercise pattern combinations no dictionary word reaches.
    let mut rng = Rng(42);
    let letters: Vec<char> = "abcdefghijklmnopqrstuvwxyzéß".chars().collect();
    for _ in 0..3000 {
        let len = 1 + rng.below(16);
        words.push(
            (0..len)
                .map(|_| letters[rng.below(letters.len())])
                .collect(),
        );
    }
    words.sort();
    words.dedup();

    let expected = reference(&json!({ "texts": [], "words": words }));
    let expected = expected["words"].as_array().unwrap();
    let mut mismatches = Vec::new();
    for (word, want) in words.iter().zip(expected) {
        let want_syllables = want["syllables"].as_u64().unwrap() as usize;
        let want_positions: Vec<usize> = want["positions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_u64().unwrap() as usize)
            .collect();
        let got_syllables = fog.syllable_count(word);
        let got_positions = fog.hyphenator().positions(word);
        if got_syllables != want_syllables || got_positions != want_positions {
            mismatches.push(format!(
                "{word:?}: evolab {got_syllables} {got_positions:?}, python {want_syllables} {want_positions:?}"
            ));
        }
    }
    eprintln!(
        "{} words compared with textstat.syllable_count and Pyphen.positions, {} mismatches",
        words.len(),
        mismatches.len()
    );
    assert!(words.len() > 5000);
    assert!(
        mismatches.is_empty(),
        "{} words differ:\n{}",
        mismatches.len(),
        mismatches[..mismatches.len().min(30)].join("\n")
    );
}

/// Python's `\w`, whitespace and `str.lower()` against evolab's, for every code point that
/// the reference Python's Unicode version assigns (newer characters may differ: Rust's
/// tables can be from a later Unicode version).
#[test]
fn character_classes_match_python() {
    let tables =
        reference(&json!({ "texts": [], "words": [], "unicode": true }))["unicode"].clone();
    let in_ranges = |name: &str| -> Vec<bool> {
        let mut set = vec![false; 0x11_0000];
        for r in tables[name].as_array().unwrap() {
            let (a, b) = (r[0].as_u64().unwrap(), r[1].as_u64().unwrap());
            for cp in a..=b {
                set[cp as usize] = true;
            }
        }
        set
    };
    let word = in_ranges("word");
    let space = in_ranges("space");
    let split_space = in_ranges("split_space");
    let unassigned = in_ranges("unassigned");
    assert_eq!(
        space, split_space,
        "re's \\s and str.split() agree in Python"
    );

    let mut lower = vec![None; 0x11_0000];
    for entry in tables["lower"].as_array().unwrap() {
        lower[entry[0].as_u64().unwrap() as usize] = Some(entry[1].as_str().unwrap().to_string());
    }

    let mut differences = Vec::new();
    let mut skipped_unassigned = 0;
    for cp in 0..0x11_0000u32 {
        let Some(c) = char::from_u32(cp) else {
            continue;
        };
        if unassigned[cp as usize] {
            skipped_unassigned += 1;
            continue;
        }
        if pychars::is_word_char(c) != word[cp as usize] {
            differences.push(format!(
                "U+{cp:04X} \\w: evolab {}",
                pychars::is_word_char(c)
            ));
        }
        if pychars::is_space(c) != space[cp as usize] {
            differences.push(format!("U+{cp:04X} \\s: evolab {}", pychars::is_space(c)));
        }
        let alone = c.to_string();
        let ours = pychars::lower(&alone);
        let theirs = lower[cp as usize].as_deref().unwrap_or(&alone);
        if ours != theirs {
            differences.push(format!(
                "U+{cp:04X} lower: evolab {ours:?}, python {theirs:?}"
            ));
        }
    }
    eprintln!(
        "Python Unicode {}: {} assigned code points compared, {} unassigned there skipped, {} differences",
        tables["version"],
        0x11_0000 - 2048 - skipped_unassigned,
        skipped_unassigned,
        differences.len()
    );
    assert!(
        differences.is_empty(),
        "{}",
        differences[..differences.len().min(40)].join("\n")
    );
}
