//! Liang's hyphenation algorithm over a hunspell/pyphen `hyph_*.dic` pattern file, with the
//! exact behaviour of pyphen 0.15.0 (`Pyphen(lang=...)`): the same pattern parsing, the same
//! lower-casing, and pyphen's default margins of 2 characters on each side. Pyphen ignores the
//! file's `LEFTHYPHENMIN`/`RIGHTHYPHENMIN` lines (en_US says 2 and 3), so this does too.

use std::collections::HashMap;
use std::path::Path;

use super::pychars;
use crate::TextError;

/// Pyphen's default minimum number of characters before the first and after the last
/// hyphenation point.
pub const PYPHEN_MARGIN: usize = 2;

/// Lines starting with these are not patterns (pyphen's list; other keywords such as
/// `NEXTLEVEL` are parsed as patterns and dropped because they carry no digits).
const IGNORED_PREFIXES: [&str; 6] = [
    "%",
    "#",
    "LEFTHYPHENMIN",
    "RIGHTHYPHENMIN",
    "COMPOUNDLEFTHYPHENMIN",
    "COMPOUNDRIGHTHYPHENMIN",
];

/// Words up to this many characters are hyphenated without heap allocation.
const STACK_WORD: usize = 62;

/// A loaded pattern set. Immutable after loading, so it is `Send + Sync` and can be shared.
#[derive(Clone, Debug)]
pub struct Hyphenator {
    trie: Trie,
    left: usize,
    right: usize,
}

impl Hyphenator {
    /// Reads a `hyph_*.dic` file (UTF-8 or ISO-8859-1, as named on its first line).
    pub fn load(path: &Path) -> Result<Self, TextError> {
        let bad = |reason: String| TextError::BadData {
            path: path.to_path_buf(),
            reason,
        };
        let bytes = std::fs::read(path).map_err(|e| bad(format!("cannot read it: {e}")))?;
        let text = decode(&bytes).map_err(bad)?;
        Self::from_patterns(&text).map_err(bad)
    }

    /// Parses the text of a pattern file; its first line names the encoding and is skipped.
    pub fn from_patterns(text: &str) -> Result<Self, String> {
        let mut entries = HashMap::new();
        // Universal newlines, as Python's text mode reads the file.
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        for line in text.split('\n').skip(1) {
            let line = pychars::strip(line);
            if line.is_empty() || IGNORED_PREFIXES.iter().any(|p| line.starts_with(p)) {
                continue;
            }
            let line = unescape_hex(line);
            // Non-standard hyphenation ("pattern/change,index,cut") only alters how a word
            // is split, not where: the points come from the part before the slash.
            let pattern = match line.split_once('/') {
                Some((pattern, _)) if line.contains('=') => pattern,
                _ => line.as_str(),
            };
            let (key, values) = parse_pattern(pattern);
            let Some(start) = values.iter().position(|&v| v != 0) else {
                continue;
            };
            let end = values
                .iter()
                .rposition(|&v| v != 0)
                .map_or(start, |e| e + 1);
            // A later pattern with the same letters replaces the earlier one; an empty key
            // never matches a substring of a word.
            if !key.is_empty() {
                entries.insert(key, (start, values[start..end].to_vec()));
            }
        }
        if entries.is_empty() {
            return Err("it contains no hyphenation patterns; it is not a hyph_*.dic file".into());
        }
        Ok(Hyphenator {
            trie: Trie::build(&entries),
            left: PYPHEN_MARGIN,
            right: PYPHEN_MARGIN,
        })
    }

    /// The same patterns with other margins (pyphen's `left=`, `right=`).
    pub fn with_margins(mut self, left: usize, right: usize) -> Self {
        self.left = left;
        self.right = right;
        self
    }

    /// Character offsets where `word` may be hyphenated (pyphen's `Pyphen.positions`).
    pub fn positions(&self, word: &str) -> Vec<usize> {
        let mut out = Vec::new();
        self.for_each_position(word, |p| out.push(p));
        out
    }

    /// Syllables of one word as textstat counts them: hyphenation points plus one.
    /// An empty word has none (textstat's `syllable_count("")`).
    pub fn syllables(&self, word: &str) -> usize {
        self.count_syllables(&pychars::lower(word), word.chars().count())
    }

    /// [`Hyphenator::syllables`] of a word of `chars` characters that is already lower case
    /// (lower-casing is idempotent, so this skips it).
    pub(crate) fn syllables_of_lowercase(&self, word: &str, chars: usize) -> usize {
        self.count_syllables(word, chars)
    }

    /// The most syllables a word of `chars` characters can get: the margins leave room for
    /// `chars - left - right + 1` points at most.
    pub fn max_syllables(&self, chars: usize) -> usize {
        match chars {
            0 => 0,
            n => (n + 1).saturating_sub(self.left + self.right) + 1,
        }
    }

    fn count_syllables(&self, lowered: &str, len: usize) -> usize {
        if lowered.is_empty() {
            return 0;
        }
        let mut n = 1;
        self.for_each_point(lowered, len, |_| n += 1);
        n
    }

    fn for_each_position(&self, word: &str, emit: impl FnMut(usize)) {
        self.for_each_point(&pychars::lower(word), word.chars().count(), emit);
    }

    /// Points of `lowered`, kept where the margins allow for a word of `len` characters.
    /// The margins count the characters of the word as given, the patterns see it
    /// lower-cased (which can change the length: "İ" lowers to two characters).
    fn for_each_point(&self, lowered: &str, len: usize, mut emit: impl FnMut(usize)) {
        let Some(last) = len.checked_sub(self.right) else {
            return;
        };
        if self.left > last {
            return;
        }
        let n = if lowered.len() == len {
            len + 2 // ASCII, or any word whose byte and character counts agree
        } else {
            lowered.chars().count() + 2
        };
        let mut small_symbols = [0u16; STACK_WORD + 2];
        let mut small_points = [0u8; STACK_WORD + 3];
        let (mut big_symbols, mut big_points);
        let (dotted, points): (&mut [u16], &mut [u8]) = if n <= small_symbols.len() {
            (&mut small_symbols[..n], &mut small_points[..n + 1])
        } else {
            big_symbols = vec![0u16; n];
            big_points = vec![0u8; n + 1];
            (&mut big_symbols, &mut big_points)
        };
        let dot = self.trie.symbol('.');
        dotted[0] = dot;
        for (slot, c) in dotted[1..].iter_mut().zip(lowered.chars()) {
            *slot = self.trie.symbol(c);
        }
        dotted[n - 1] = dot;
        self.trie.score(dotted, points);
        // points[k] is the score of the gap before dotted[k], i.e. before word character k-1.
        for (k, &score) in points.iter().enumerate().skip(1) {
            let position = k - 1;
            if score % 2 == 1 && self.left <= position && position <= last {
                emit(position);
            }
        }
    }
}

/// Decodes a pattern file according to the encoding named on its first line.
fn decode(bytes: &[u8]) -> Result<String, String> {
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let name: String = String::from_utf8_lossy(first)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    match name.as_str() {
        "utf8" => String::from_utf8(bytes.to_vec())
            .map_err(|e| format!("it says UTF-8 but is not valid UTF-8 ({e})")),
        "iso88591" | "latin1" => Ok(bytes.iter().map(|&b| char::from(b)).collect()),
        _ => Err(format!(
            "its first line names the encoding {:?}, which evolab cannot read (only UTF-8 and ISO-8859-1)",
            String::from_utf8_lossy(first).trim()
        )),
    }
}

/// Replaces TeX-style `^^hh` escapes (lower-case hex) by the character they name.
fn unescape_hex(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("^^") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let hex = after.get(..2).filter(|h| {
            h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        });
        match hex.and_then(|h| u32::from_str_radix(h, 16).ok()) {
            Some(code) => {
                out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
                rest = &after[2..];
            }
            None => {
                // Not an escape: keep one caret and look again from the next one.
                out.push('^');
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Splits a pattern like `.a2ch4` into its letters (`.ach`) and the digit before each
/// letter slot, pairing them the way pyphen's `(\d?)(\D?)` scan does: every step takes an
/// optional digit then an optional letter, and the scan ends with one empty step.
fn parse_pattern(pattern: &str) -> (String, Vec<u8>) {
    let mut key = String::with_capacity(pattern.len());
    let mut values = Vec::with_capacity(pattern.len() + 1);
    let mut chars = pattern.chars().peekable();
    while chars.peek().is_some() {
        let value = chars
            .next_if(char::is_ascii_digit)
            .map_or(0, |d| d as u8 - b'0');
        if let Some(letter) = chars.next_if(|c| !c.is_ascii_digit()) {
            key.push(letter);
        }
        values.push(value);
    }
    values.push(0);
    (key, values)
}

/// Flag bit of a trie transition whose target node ends a pattern.
const HAS_PATTERN: u32 = 1 << 31;

/// Patterns keyed by their letters, walked one character at a time. Transitions are a dense
/// table over the patterns' alphabet (about 30 symbols for en_US), so a step is one load.
#[derive(Clone, Debug)]
struct Trie {
    /// Symbol (1-based; 0 = in no pattern) of each ASCII character.
    ascii: [u16; 128],
    /// Symbols of the other characters, sorted.
    other: Vec<(char, u16)>,
    /// Number of symbols plus one.
    width: usize,
    /// `next[node * width + symbol]`: child node, 0 for none (the root is no one's child),
    /// with [`HAS_PATTERN`] set when a pattern ends at the child.
    next: Vec<u32>,
    /// Pattern index per node, `u32::MAX` for none.
    pattern: Vec<u32>,
    /// (offset of the first value, values) per pattern.
    patterns: Vec<(usize, Box<[u8]>)>,
}

impl Trie {
    fn build(entries: &HashMap<String, (usize, Vec<u8>)>) -> Trie {
        let mut alphabet: Vec<char> = entries.keys().flat_map(|k| k.chars()).collect();
        alphabet.sort_unstable();
        alphabet.dedup();
        let mut trie = Trie {
            ascii: [0; 128],
            other: Vec::new(),
            width: alphabet.len() + 1,
            next: vec![0; alphabet.len() + 1],
            pattern: vec![u32::MAX],
            patterns: Vec::with_capacity(entries.len()),
        };
        for (i, &c) in alphabet.iter().enumerate() {
            let symbol = (i + 1) as u16;
            match trie.ascii.get_mut(c as usize) {
                Some(slot) => *slot = symbol,
                None => trie.other.push((c, symbol)),
            }
        }
        for (key, (offset, values)) in entries {
            let mut node = 0;
            for c in key.chars() {
                let slot = node * trie.width + trie.symbol(c) as usize;
                node = match trie.next[slot] {
                    0 => {
                        let child = trie.pattern.len();
                        trie.next[slot] = child as u32;
                        trie.next.resize(trie.next.len() + trie.width, 0);
                        trie.pattern.push(u32::MAX);
                        child
                    }
                    child => child as usize,
                };
            }
            trie.pattern[node] = trie.patterns.len() as u32;
            trie.patterns
                .push((*offset, values.clone().into_boxed_slice()));
        }
        for entry in &mut trie.next {
            if *entry != 0 && trie.pattern[*entry as usize] != u32::MAX {
                *entry |= HAS_PATTERN;
            }
        }
        trie
    }

    fn symbol(&self, c: char) -> u16 {
        match self.ascii.get(c as usize) {
            Some(&symbol) => symbol,
            None => self
                .other
                .binary_search_by_key(&c, |&(o, _)| o)
                .map_or(0, |i| self.other[i].1),
        }
    }

    /// Raises `points` to every matching pattern's values. Like pyphen, no match starts at
    /// the final dot.
    fn score(&self, dotted: &[u16], points: &mut [u8]) {
        for start in 0..dotted.len().saturating_sub(1) {
            let mut node = 0;
            for &symbol in &dotted[start..] {
                if symbol == 0 {
                    break;
                }
                let entry = self.next[node * self.width + symbol as usize];
                if entry == 0 {
                    break;
                }
                node = (entry & !HAS_PATTERN) as usize;
                if entry & HAS_PATTERN == 0 {
                    continue;
                }
                let Some((offset, values)) = self.patterns.get(self.pattern[node] as usize) else {
                    continue;
                };
                // Patterns with consecutive digits can reach past the word's end;
                // pyphen's slice assignment drops what does not fit, so does this.
                let tail = points.get_mut(start + offset..).unwrap_or_default();
                for (slot, &v) in tail.iter_mut().zip(values.iter()) {
                    *slot = (*slot).max(v);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATTERNS: &str = "UTF-8\nLEFTHYPHENMIN 2\n% comment\n1ba\nab1c\n.x4y\n";

    #[test]
    fn parses_patterns_like_pyphen() {
        assert_eq!(
            parse_pattern(".a2ch4"),
            (".ach".into(), vec![0, 0, 2, 0, 4, 0])
        );
        assert_eq!(parse_pattern("1ba"), ("ba".into(), vec![1, 0, 0]));
        assert_eq!(parse_pattern("a12b"), ("ab".into(), vec![0, 1, 2, 0]));
        assert_eq!(unescape_hex("a^^e9b^^zz"), "aéb^^zz");
    }

    #[test]
    fn finds_points_within_margins() {
        let h = Hyphenator::from_patterns(PATTERNS).unwrap();
        // "abcba": "ab1c" gives a point after "ab"; "1ba" gives one before "ba" (position 3).
        assert_eq!(h.positions("abcba"), vec![2, 3]);
        assert_eq!(h.syllables("abcba"), 3);
        assert_eq!(h.positions("ABCBA"), vec![2, 3]);
        // Position 1 is inside the left margin of 2; position 3 of five letters inside a
        // right margin of 3.
        assert!(h.positions("xbab").is_empty());
        assert_eq!(h.clone().with_margins(1, 1).positions("xbab"), vec![1]);
        assert_eq!(h.clone().with_margins(2, 3).positions("abcba"), vec![2]);
        assert_eq!(h.syllables(""), 0);
        assert_eq!(h.syllables("a"), 1);
        assert_eq!(h.max_syllables(0), 0);
        assert_eq!(h.max_syllables(4), 2);
        assert_eq!(h.max_syllables(5), 3);
        for word in ["abcba", "abcbaabcba", "ba", "xbab"] {
            let n = word.chars().count();
            assert!(h.syllables(word) <= h.max_syllables(n), "{word}");
        }
        // The even value 4 allows no break.
        assert!(h.positions("xyxyxy").is_empty());
    }

    #[test]
    fn long_words_use_the_heap_path_identically() {
        let h = Hyphenator::from_patterns(PATTERNS).unwrap();
        let word = "abcba".repeat(40);
        let positions = h.positions(&word);
        assert_eq!(positions.len(), 80);
        assert!(positions.iter().all(|&p| (2..=198).contains(&p)));
    }

    #[test]
    fn patterns_reaching_past_the_word_are_cut() {
        let h = Hyphenator::from_patterns("UTF-8\nz1357\n").unwrap();
        assert!(h.positions("zz").is_empty());
        assert_eq!(h.clone().with_margins(0, 0).positions("zz"), vec![1, 2]);
    }

    #[test]
    fn rejects_files_without_patterns() {
        assert!(Hyphenator::from_patterns("UTF-8\n% nothing\n").is_err());
        assert!(decode(b"KOI8-R\nabc").is_err());
        assert_eq!(decode(b"ISO8859-1\n\xe9").unwrap(), "ISO8859-1\né");
    }
}
