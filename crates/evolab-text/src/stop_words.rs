//! scikit-learn's English stop-word list, read from the `_stop_words.py` of the pinned wheel
//! (asset `stop-words`), so that TF-IDF and word chains drop exactly the words the original
//! analysis dropped.

use std::collections::HashSet;
use std::path::Path;

use crate::{assets, TextError};

/// Path of the list inside the data directory.
pub const STOP_WORDS_FILE: &str = "scikit-learn-1.5.2/_stop_words.py";

/// scikit-learn 1.5.2 ships 318 words; a file that yields a count far from it has not been
/// understood, and silently using a partial list would change every similarity value.
const EXPECTED_WORDS: std::ops::RangeInclusive<usize> = 300..=340;

/// The set of English stop words (all lower case ASCII).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StopWords {
    words: HashSet<String>,
}

impl StopWords {
    /// Loads the list from the fetched scikit-learn file in `data_dir`.
    pub fn load(data_dir: &Path) -> Result<StopWords, TextError> {
        let (path, source) = assets::read_text(data_dir, STOP_WORDS_FILE)?;
        Self::parse_python(&source).map_err(|reason| TextError::BadData { path, reason })
    }

    /// Parses the `ENGLISH_STOP_WORDS = frozenset([...])` assignment of scikit-learn's
    /// source: every quoted string between the opening `[` and its `]`, comments ignored.
    /// The error says what did not parse.
    pub fn parse_python(source: &str) -> Result<StopWords, String> {
        const NAME: &str = "ENGLISH_STOP_WORDS";
        let start = source
            .find(NAME)
            .ok_or_else(|| format!("no {NAME} assignment in the stop-word file"))?;
        let rest = &source[start + NAME.len()..];
        let open = rest
            .find('[')
            .ok_or_else(|| format!("{NAME} is not followed by a list"))?;
        let words = quoted_strings_until_bracket(&rest[open + 1..])?;
        if !EXPECTED_WORDS.contains(&words.len()) {
            return Err(format!(
                "{NAME} parsed to {} words, expected about 318 (scikit-learn 1.5.2)",
                words.len()
            ));
        }
        if let Some(bad) = words
            .iter()
            .find(|w| w.is_empty() || !w.bytes().all(|b| b.is_ascii_lowercase()))
        {
            return Err(format!(
                "{NAME} contains {bad:?}, which is not a lower-case English word"
            ));
        }
        Ok(StopWords {
            words: words.into_iter().collect(),
        })
    }

    /// A list made of the given words (for tests and custom lists); words are used as given.
    pub fn from_words<I, S>(words: I) -> StopWords
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        StopWords {
            words: words.into_iter().map(Into::into).collect(),
        }
    }

    pub fn contains(&self, word: &str) -> bool {
        self.words.contains(word)
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The words in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.words.iter().map(String::as_str)
    }
}

/// Collects the string literals up to the `]` that closes the list. Only the subset of
/// Python that a literal list of plain words uses is understood; anything else is an error.
fn quoted_strings_until_bracket(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            ']' => return Ok(words),
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '"' | '\'' => {
                let mut word = String::new();
                loop {
                    match chars.next() {
                        Some(q) if q == c => break,
                        Some('\\') | Some('\n') | None => {
                            return Err(format!(
                                "unsupported or unterminated string literal after {:?} in the stop-word list",
                                words.last().map(String::as_str).unwrap_or("[")
                            ))
                        }
                        Some(ch) => word.push(ch),
                    }
                }
                words.push(word);
            }
            c if c.is_whitespace() || c == ',' => {}
            other => {
                return Err(format!(
                    "unexpected {other:?} in the stop-word list after {:?}",
                    words.last().map(String::as_str).unwrap_or("[")
                ))
            }
        }
    }
    Err("the stop-word list is not closed by `]`".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_source(n: usize) -> String {
        let mut s = String::from(
            "# comment with \"quoted\" text\nENGLISH_STOP_WORDS = frozenset(\n    [\n",
        );
        for i in 0..n {
            // distinct lower-case words: a, b, ..., aa, ab, ...
            let mut w = String::new();
            let mut k = i;
            loop {
                w.insert(0, (b'a' + (k % 26) as u8) as char);
                if k < 26 {
                    break;
                }
                k = k / 26 - 1;
            }
            if i % 2 == 0 {
                s.push_str(&format!("        \"{w}\",  # note\n"));
            } else {
                s.push_str(&format!("        '{w}',\n"));
            }
        }
        s.push_str("    ]\n)\n");
        s
    }

    #[test]
    fn parses_both_quote_styles_and_skips_comments() {
        let stop = StopWords::parse_python(&fake_source(318)).unwrap();
        assert_eq!(stop.len(), 318);
        assert!(stop.contains("a") && stop.contains("b") && stop.contains("aa"));
        assert!(!stop.contains("quoted"));
        assert!(!stop.contains("note"));
    }

    #[test]
    fn rejects_truncated_or_foreign_files() {
        let err = StopWords::parse_python(&fake_source(10)).unwrap_err();
        assert!(err.contains("10 words"), "{err}");
        let err = StopWords::parse_python("x = 1").unwrap_err();
        assert!(err.contains("ENGLISH_STOP_WORDS"), "{err}");
        let mut cut = fake_source(318);
        cut.truncate(cut.len() / 2);
        let err = StopWords::parse_python(&cut).unwrap_err();
        assert!(
            err.contains("not closed") || err.contains("unterminated"),
            "{err}"
        );
        let odd = fake_source(318).replace("\"a\"", "f(\"a\")");
        assert!(StopWords::parse_python(&odd).is_err());
    }

    #[test]
    fn load_names_the_fetch_command_when_missing() {
        let dir = tempfile::tempdir().unwrap();
        let msg = StopWords::load(dir.path()).unwrap_err().to_string();
        assert!(msg.contains("evolab data fetch stop-words"), "{msg}");
    }
}
