//! evolab's Pattern sentiment against TextBlob 0.17.1's `TextBlob(text).sentiment`, both
//! reading the en-sentiment.xml shipped in the TextBlob wheel, on generated texts.

mod common;
mod sentiment_corpus;

use evolab_text::pattern_sentiment::PatternSentiment;

const TEXTBLOB: &[&str] = &["textblob==0.17.1", "nltk==3.8.1"];

fn textblob_scores(texts: &[String]) -> (Vec<(f64, f64)>, f64) {
    let python = common::python(TEXTBLOB);
    let input = sentiment_corpus::jsonl(texts);
    let out = common::run_script(
        &python,
        "tests/python/pattern_sentiment_reference.py",
        &input,
    );
    let (lines, seconds) = sentiment_corpus::lines_and_seconds(&out);
    let scores = lines
        .iter()
        .map(|l| {
            let (p, s) = l.split_once(' ').unwrap();
            (p.parse().unwrap(), s.parse().unwrap())
        })
        .collect();
    (scores, seconds)
}

fn same(a: f64, b: f64) -> bool {
    (a * 1e4).round() == (b * 1e4).round()
}

fn compare(
    texts: &[String],
    expected: &[(f64, f64)],
    scorer: &PatternSentiment,
) -> (usize, Vec<String>) {
    let mut identical = 0;
    let mut mismatches = Vec::new();
    for (text, &(want_p, want_s)) in texts.iter().zip(expected) {
        let (p, s) = scorer.sentiment(text);
        if p.to_bits() == want_p.to_bits() && s.to_bits() == want_s.to_bits() {
            identical += 1;
        }
        if !(same(p, want_p) && same(s, want_s)) {
            mismatches.push(format!(
                "{text:?}\n  evolab ({p}, {s})\n  textblob ({want_p}, {want_s})"
            ));
        }
    }
    (identical, mismatches)
}

#[test]
fn polarity_and_subjectivity_match_textblob_on_generated_texts() {
    let texts = sentiment_corpus::texts(400);
    let (expected, _) = textblob_scores(&texts);
    assert_eq!(expected.len(), texts.len());
    let scorer = PatternSentiment::load(&common::data_dir(&["pattern-sentiment"])).unwrap();
    let (identical, mismatches) = compare(&texts, &expected, &scorer);
    println!(
        "{} texts compared: {} mismatches at 4 decimals, {} bit-identical",
        texts.len(),
        mismatches.len(),
        identical
    );
    assert!(
        mismatches.is_empty(),
        "{} of {} texts differ from TextBlob:\n{}",
        mismatches.len(),
        texts.len(),
        mismatches.join("\n")
    );
}

#[test]
fn long_texts_match_textblob_and_score_much_faster() {
    let texts = sentiment_corpus::long_texts(60, 100, 400);
    let (expected, textblob_seconds) = textblob_scores(&texts);
    let scorer = PatternSentiment::load(&common::data_dir(&["pattern-sentiment"])).unwrap();
    let ours = sentiment_corpus::cpu_seconds_per_pass(&texts, |t| scorer.sentiment(t));
    let (_, mismatches) = compare(&texts, &expected, &scorer);
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    println!(
        "{} texts of 100-400 words: TextBlob {:.1} ms, evolab {:.2} ms ({:.0}x)",
        texts.len(),
        textblob_seconds * 1e3,
        ours * 1e3,
        textblob_seconds / ours
    );
}
