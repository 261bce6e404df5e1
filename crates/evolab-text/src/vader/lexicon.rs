//! Reading `vader_lexicon.txt` the way NLTK's `make_lex_dict` does.

use std::path::Path;

use crate::word_hash::WordHashMap as FxHashMap;
use crate::TextError;

/// Parses the lexicon: one `word<TAB>mean<TAB>...` line per entry, surrounding whitespace
/// ignored, later duplicates winning. Keys keep their case; NLTK looks words up lower-cased,
/// so a key with capitals can never match, and neither can it here.
pub fn parse(bytes: &[u8], path: &Path) -> Result<FxHashMap<String, f64>, TextError> {
    // nltk.data.load decodes UTF-8 and falls back to Latin-1.
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    };
    let bad = |line_no: usize, reason: &str| TextError::BadData {
        path: path.to_path_buf(),
        reason: format!("line {line_no}: {reason}"),
    };
    let mut lexicon = FxHashMap::default();
    for (n, line) in text.split('\n').enumerate() {
        let mut fields = line.trim_matches(super::python::is_space).split('\t');
        let word = fields.next().unwrap_or_default();
        let measure = fields
            .next()
            .ok_or_else(|| bad(n + 1, "expected a word and a tab-separated mean rating"))?;
        let value: f64 = measure
            .trim_matches(super::python::is_space)
            .parse()
            .map_err(|_| bad(n + 1, &format!("{measure:?} is not a number")))?;
        lexicon.insert(word.to_string(), value);
    }
    if lexicon.is_empty() {
        return Err(bad(1, "the lexicon is empty"));
    }
    Ok(lexicon)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_entries_win_and_crlf_is_ignored() {
        let lex = parse(
            b"good\t1.9\t0.9\t[]\r\nbad\t-2.5\t0.1\t[]\r\ngood\t2.0\t0\t[]",
            Path::new("x"),
        )
        .unwrap();
        assert_eq!(lex["good"], 2.0);
        assert_eq!(lex["bad"], -2.5);
    }

    #[test]
    fn a_line_without_a_rating_is_an_error_naming_the_line() {
        let err = parse(b"good\t1.9\n\n", Path::new("lex.txt")).unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }
}
