//! evolab's VADER against NLTK 3.8.1's `SentimentIntensityAnalyzer`, both reading the
//! lexicon of vaderSentiment 3.3.2, on a few hundred generated texts.

mod common;
mod sentiment_corpus;

use evolab_text::vader::{Vader, VaderScores, LEXICON};

const NLTK: &[&str] = &["nltk==3.8.1"];

/// Runs the reference script; returns NLTK's scores and the seconds it spent scoring.
fn nltk_scores(texts: &[String]) -> (Vec<VaderScores>, f64) {
    let data = common::data_dir(&["vader"]);
    let python = common::python(NLTK);
    let input = sentiment_corpus::jsonl(texts);
    let lexicon = data.join(LEXICON);
    let out = common::run_script_with_args(
        &python,
        "tests/python/vader_reference.py",
        &[lexicon.to_str().unwrap()],
        &input,
    );
    let (lines, seconds) = sentiment_corpus::lines_and_seconds(&out);
    let scores = lines
        .iter()
        .map(|l| {
            let v: Vec<f64> = l.split(' ').map(|x| x.parse().unwrap()).collect();
            VaderScores {
                neg: v[0],
                neu: v[1],
                pos: v[2],
                compound: v[3],
            }
        })
        .collect();
    (scores, seconds)
}

fn same(a: f64, b: f64) -> bool {
    // Both sides round (3 or 4 decimals); equal after rounding to 4 decimals means equal.
    (a * 1e4).round() == (b * 1e4).round()
}

#[test]
fn all_scores_match_nltk_on_generated_texts() {
    let texts = sentiment_corpus::texts(400);
    let (expected, _) = nltk_scores(&texts);
    assert_eq!(expected.len(), texts.len());
    let vader = Vader::load(&common::data_dir(&["vader"])).unwrap();
    let mut mismatches = Vec::new();
    for (text, want) in texts.iter().zip(&expected) {
        let got = vader.polarity_scores(text);
        let ok = same(got.neg, want.neg)
            && same(got.neu, want.neu)
            && same(got.pos, want.pos)
            && same(got.compound, want.compound);
        if !ok {
            mismatches.push(format!("{text:?}\n  evolab {got:?}\n  nltk   {want:?}"));
        }
    }
    println!(
        "{} texts compared, {} mismatches",
        texts.len(),
        mismatches.len()
    );
    assert!(
        mismatches.is_empty(),
        "{} of {} texts differ from NLTK:\n{}",
        mismatches.len(),
        texts.len(),
        mismatches.join("\n")
    );
}

#[test]
fn long_texts_match_nltk_and_score_much_faster() {
    let texts = sentiment_corpus::long_texts(60, 100, 400);
    let (expected, nltk_seconds) = nltk_scores(&texts);
    let vader = Vader::load(&common::data_dir(&["vader"])).unwrap();
    let got: Vec<VaderScores> = texts.iter().map(|t| vader.polarity_scores(t)).collect();
    let ours = sentiment_corpus::cpu_seconds_per_pass(&texts, |t| vader.polarity_scores(t));
    for ((text, g), w) in texts.iter().zip(&got).zip(&expected) {
        assert!(
            same(g.compound, w.compound)
                && same(g.pos, w.pos)
                && same(g.neg, w.neg)
                && same(g.neu, w.neu),
            "{text:?}\n  evolab {g:?}\n  nltk   {w:?}"
        );
    }
    println!(
        "{} texts of 100-400 words: NLTK {:.1} ms, evolab {:.2} ms ({:.0}x)",
        texts.len(),
        nltk_seconds * 1e3,
        ours * 1e3,
        nltk_seconds / ours
    );
}
