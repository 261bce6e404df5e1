//! What the fog scorer knows about the long words already met on this thread: whether each
//! is an easy word, its syllable count, and the last text it occurred in.
//!
//! Hyphenating a long word walks the pattern trie at every offset: on varied prose that was
//! half of the scorer's time, and word frequencies follow Zipf's law, so most long words of a
//! text were met in earlier texts (textstat memoises its syllable counts too). Keeping the
//! text stamp in the same entry makes one hash lookup per token answer "distinct in this
//! text?", "easy?" and "how many syllables?". Each thread keeps its own map (no locking),
//! emptied between texts once it holds [`CAPACITY`] words, which bounds it at a few MiB.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::word_hash::BuildWordHasher;

const CAPACITY: usize = 1 << 16;

static NEXT_OWNER: AtomicU64 = AtomicU64::new(1);

/// Identifies the data (hyphenation patterns, easy words) behind the cached entries: two
/// scorers loaded from different files must not read each other's entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CacheOwner(u64);

impl CacheOwner {
    pub(crate) fn new() -> Self {
        CacheOwner(NEXT_OWNER.fetch_add(1, Ordering::Relaxed))
    }
}

/// The facts about a word that do not depend on the text it is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct WordFacts {
    pub easy: bool,
    pub syllables: u32,
}

#[derive(Clone, Copy)]
struct Entry {
    facts: WordFacts,
    /// The text in which the word last occurred.
    text: u64,
}

struct Cache {
    owner: CacheOwner,
    text: u64,
    words: HashMap<Box<str>, Entry, BuildWordHasher>,
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache {
        owner: CacheOwner(0),
        text: 0,
        words: HashMap::default(),
    });
}

/// One text's pass over its words; see [`for_text`].
pub(crate) struct TextWords<'a> {
    cache: &'a mut Cache,
}

impl TextWords<'_> {
    /// The facts about `word` the first time it occurs in this text (from `facts` when this
    /// thread has not met it before), `None` when it already occurred in this text.
    pub(crate) fn first_occurrence(
        &mut self,
        word: &str,
        facts: impl FnOnce() -> WordFacts,
    ) -> Option<WordFacts> {
        let text = self.cache.text;
        if let Some(entry) = self.cache.words.get_mut(word) {
            if entry.text == text {
                return None;
            }
            entry.text = text;
            return Some(entry.facts);
        }
        let facts = facts();
        self.cache.words.insert(word.into(), Entry { facts, text });
        Some(facts)
    }
}

/// Runs `f` over one text's words with this thread's cache for `owner`.
pub(crate) fn for_text<R>(owner: CacheOwner, f: impl FnOnce(&mut TextWords) -> R) -> R {
    CACHE.with(|cell| {
        let mut cache = cell.borrow_mut();
        if cache.owner != owner || cache.words.len() >= CAPACITY {
            cache.owner = owner;
            cache.words.clear();
        }
        cache.text += 1;
        f(&mut TextWords { cache: &mut cache })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(syllables: u32) -> WordFacts {
        WordFacts {
            easy: false,
            syllables,
        }
    }

    #[test]
    fn each_word_once_per_text_and_computed_once_per_owner() {
        let (a, b) = (CacheOwner::new(), CacheOwner::new());
        let mut computed = 0;
        for_text(a, |words| {
            let mut first = |w, n| {
                words.first_occurrence(w, || {
                    computed += 1;
                    facts(n)
                })
            };
            assert_eq!(first("hyphenation", 4), Some(facts(4)));
            assert_eq!(first("hyphenation", 4), None);
            assert_eq!(first("syllable", 3), Some(facts(3)));
        });
        for_text(a, |words| {
            // Met before: served from the cache (the closure's 9 is never used).
            assert_eq!(
                words.first_occurrence("hyphenation", || facts(9)),
                Some(facts(4))
            );
            assert_eq!(words.first_occurrence("hyphenation", || facts(9)), None);
        });
        assert_eq!(computed, 2);
        // Another scorer's data: its own facts, and `a`'s are gone afterwards.
        for_text(b, |words| {
            assert_eq!(
                words.first_occurrence("hyphenation", || facts(5)),
                Some(facts(5))
            );
        });
        for_text(a, |words| {
            assert_eq!(
                words.first_occurrence("hyphenation", || facts(4)),
                Some(facts(4))
            );
        });
    }
}
