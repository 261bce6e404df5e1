//! Pattern's `find_tokens` as bundled in TextBlob 0.17.1, flattened to the word list that
//! `Sentiment.__call__` assesses.

use std::sync::LazyLock;

use regex::Regex;

use super::emoticons::EMOTICONS;
use crate::vader::python;

/// Marks a paragraph break (two or more newlines) so it ends a sentence.
const EOS: &str = "END-OF-SENTENCE";

/// Split from the start of a word. Periods are handled separately (abbreviations).
const LEADING: &str = ",;:!?()[]{}`'\"@#$^&*+-|=~_";

/// Contractions split off before tokenising, in Pattern's order.
const CONTRACTIONS: &[(&str, &str)] = &[
    ("'d", " 'd"),
    ("'m", " 'm"),
    ("'s", " 's"),
    ("'ll", " 'll"),
    ("'re", " 're"),
    ("'ve", " 've"),
    ("n't", " n't"),
];

/// Quotes that get spaces around them. This runs after the contractions are split, so
/// "don't" ends up as "do n ' t": Pattern's negation "n't" can never match.
const QUOTES: &[(&str, &str)] = &[
    ("“", " “ "),
    ("”", " ” "),
    ("‘", " ‘ "),
    ("’", " ’ "),
    ("'", " ' "),
    ("\"", " \" "),
];

const ABBREVIATIONS: &[&str] = &[
    "a.", "adj.", "adv.", "al.", "a.m.", "c.", "cf.", "comp.", "conf.", "def.", "ed.", "e.g.",
    "esp.", "etc.", "ex.", "f.", "fig.", "gen.", "id.", "i.e.", "int.", "l.", "m.", "Med.", "Mil.",
    "Mr.", "n.", "n.q.", "orig.", "pl.", "pred.", "pres.", "p.m.", "ref.", "v.", "vs.", "w/",
];

static PARAGRAPH: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\n{2,}").unwrap());
static ABBR1: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[A-Za-z]\.$").unwrap());
static ABBR2: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?:[A-Za-z]\.)+$").unwrap());
// Pattern builds this class by joining consonants with "|", so "|" is in it too.
static ABBR3: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Z][bcdfghjklmnpqrstvwxz|]+.$").unwrap());
static SARCASM: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\( ?! ?\)").unwrap());
/// Any emoticon, with optional spaces between its characters (the tokenizer may have
/// split it), followed by a space or the end. Alternatives keep Pattern's group order:
/// at one position the first listed alternative wins, so ":o)" (taunt) beats ":o" (gasp).
static EMOTICON: LazyLock<Regex> = LazyLock::new(|| {
    let alternatives: Vec<String> = EMOTICONS
        .iter()
        .flat_map(|(_, group)| group.iter())
        .map(|e| {
            let chars: Vec<String> = e.chars().map(|c| regex::escape(&c.to_string())).collect();
            chars.join(" ?")
        })
        .collect();
    Regex::new(&format!("({})($| )", alternatives.join("|"))).unwrap()
});

fn is_leading(c: char) -> bool {
    LEADING.contains(c)
}

fn is_contraction(t: &str) -> bool {
    CONTRACTIONS.iter().any(|(c, _)| *c == t)
}

fn is_abbreviation(t: &str) -> bool {
    ABBREVIATIONS.contains(&t) || ABBR1.is_match(t) || ABBR2.is_match(t) || ABBR3.is_match(t)
}

/// The words of `text` as Pattern's sentiment scorer sees them (not yet lower-cased).
pub fn words(text: &str) -> Vec<String> {
    let mut s = text.to_string();
    for (from, to) in CONTRACTIONS.iter().chain(QUOTES) {
        if s.contains(from) {
            s = s.replace(from, to);
        }
    }
    let s = s.replace("\r\n", "\n");
    let s = PARAGRAPH.replace_all(&s, format!(" {EOS} ").as_str());
    let mut tokens: Vec<String> = Vec::new();
    for word in python::split_whitespace(&s) {
        split_punctuation(word, &mut tokens);
    }
    let mut out = Vec::with_capacity(tokens.len());
    for sentence in sentences(&tokens) {
        let joined = sentence.join(" ");
        let joined = SARCASM.replace_all(&joined, "(!)");
        let joined =
            EMOTICON.replace_all(&joined, |c: &regex::Captures| c[1].replace(' ', "") + &c[2]);
        out.extend(python::split_whitespace(&joined).map(str::to_string));
    }
    out
}

/// Splits leading punctuation, then trailing punctuation, ellipses and periods (unless the
/// word is an abbreviation) off one whitespace-separated word.
fn split_punctuation(word: &str, tokens: &mut Vec<String>) {
    let mut t = word;
    let mut tail: Vec<&str> = Vec::new();
    while t.starts_with(is_leading) && !is_contraction(t) {
        tokens.push(t[..1].to_string());
        t = &t[1..];
    }
    while (t.ends_with(is_leading) || t.ends_with('.')) && !is_contraction(t) {
        if t.ends_with(is_leading) {
            tail.push(&t[t.len() - 1..]);
            t = &t[..t.len() - 1];
        }
        if t.ends_with("...") {
            tail.push("...");
            t = t[..t.len() - 3].trim_end_matches('.');
        }
        if t.ends_with('.') {
            if is_abbreviation(t) {
                break;
            }
            tail.push(".");
            t = &t[..t.len() - 1];
        }
    }
    if !t.is_empty() {
        tokens.push(t.to_string());
    }
    tokens.extend(tail.iter().rev().map(|s| s.to_string()));
}

/// Pattern's sentence splitter. Only its effect on emoticon merging (which works per
/// sentence) and the removal of paragraph markers matter for sentiment.
fn sentences(tokens: &[String]) -> Vec<Vec<&str>> {
    const ENDS: &[&str] = &["...", ".", "!", "?", EOS];
    const CLOSERS: &[&str] = &["'", "\"", "”", "’", "...", ".", "!", "?", ")", EOS];
    let n = tokens.len();
    let mut sentences: Vec<Vec<&str>> = vec![Vec::new()];
    let (mut i, mut j) = (0, 0);
    while j < n {
        if ENDS.contains(&tokens[j].as_str()) {
            while j < n && CLOSERS.contains(&tokens[j].as_str()) {
                // Pattern breaks at a quote when the sentence being built holds an even
                // number of that quote. It counts in the list it has not filled yet, which
                // is always empty, so every quote ends the run of closers.
                if tokens[j] == "'" || tokens[j] == "\"" {
                    break;
                }
                j += 1;
            }
            let current = sentences.last_mut().expect("never empty");
            current.extend(
                tokens[i..j]
                    .iter()
                    .map(String::as_str)
                    .filter(|t| *t != EOS),
            );
            sentences.push(Vec::new());
            i = j;
        }
        j += 1;
    }
    let current = sentences.last_mut().expect("never empty");
    current.extend(tokens[i..j.min(n)].iter().map(String::as_str));
    sentences.retain(|s| !s.is_empty());
    sentences
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        words(s)
    }

    #[test]
    fn punctuation_is_split_and_abbreviations_kept() {
        assert_eq!(w("Hello, world!"), ["Hello", ",", "world", "!"]);
        assert_eq!(
            w("Mr. Smith e.g. U.S. fine..."),
            ["Mr.", "Smith", "e.g.", "U.S.", "fine", "..."]
        );
    }

    #[test]
    fn contractions_end_up_split_at_the_apostrophe() {
        assert_eq!(w("don't"), ["do", "n", "'", "t"]);
    }

    #[test]
    fn emoticons_split_by_the_tokenizer_are_joined_again() {
        assert_eq!(w("great :-)"), ["great", ":-)"]);
        assert_eq!(w("fine :o)"), ["fine", ":o)"]);
        assert_eq!(w("wow (!)"), ["wow", "(!)"]);
    }

    #[test]
    fn paragraph_markers_are_dropped() {
        assert_eq!(w("one\n\ntwo"), ["one", "two"]);
    }
}
