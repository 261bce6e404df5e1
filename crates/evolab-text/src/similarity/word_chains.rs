//! Word chains: which frequent word stems each story uses, to plot how vocabulary persists
//! along generations.
//!
//! Per story: the TF-IDF tokens ([`tokenize`]), minus stop words and tokens that are not
//! alphanumeric (Python `str.isalnum`, which for these tokens means "contains no `_`"); the
//! [`WORD_CHAIN_TOP`] most frequent, ties broken by first occurrence in the story (what
//! Python's `Counter.most_common` yields); each Porter-stemmed ([`crate::porter::stem`]).
//!
//! The original lemmatised each word as a verb with WordNet before stemming. WordNet's data
//! is not available to evolab, so that step is skipped: irregular verb forms the lemmatiser
//! would have mapped to their infinitive (`went`, `ran`, `told`) keep a stem of their own.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::tokens::tokenize;
use crate::porter;
use crate::stop_words::StopWords;

/// How many of a story's most frequent words enter its chain.
pub const WORD_CHAIN_TOP: usize = 30;

/// Stems per story and the plot's x axis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordChains {
    /// Every stem in order of first appearance, stories taken in order and each story's
    /// stems in its frequency order.
    pub stems: Vec<String>,
    /// For each story, its distinct stems in frequency order (two frequent words may share
    /// a stem, so a story can have fewer than [`WORD_CHAIN_TOP`]).
    pub story_stems: Vec<Vec<String>>,
}

impl WordChains {
    /// For each story, the positions in [`Self::stems`] of its stems (the plot's ticks).
    pub fn presence(&self) -> Vec<Vec<usize>> {
        let position: HashMap<&str, usize> = self
            .stems
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_str(), i))
            .collect();
        self.story_stems
            .iter()
            .map(|stems| stems.iter().map(|s| position[s.as_str()]).collect())
            .collect()
    }
}

/// The `k` most frequent kept words of `text`, most frequent first, ties by first
/// occurrence.
pub fn top_words(text: &str, stop: &StopWords, k: usize) -> Vec<String> {
    let mut counts: HashMap<String, (usize, usize)> = HashMap::new();
    for (position, token) in tokenize(text).into_iter().enumerate() {
        if stop.contains(&token) || token.contains('_') {
            continue;
        }
        counts.entry(token).or_insert((0, position)).0 += 1;
    }
    let mut ranked: Vec<(String, (usize, usize))> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.1 .1.cmp(&b.1 .1)));
    ranked.into_iter().take(k).map(|(w, _)| w).collect()
}

/// Word chains of the stories in order (typically one repetition, generation-major).
pub fn word_chains(texts: &[&str], stop: &StopWords) -> WordChains {
    let mut stems = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut story_stems = Vec::with_capacity(texts.len());
    for text in texts {
        let mut own: Vec<String> = Vec::new();
        for word in top_words(text, stop, WORD_CHAIN_TOP) {
            let stem = porter::stem(&word);
            if own.contains(&stem) {
                continue;
            }
            if seen.insert(stem.clone()) {
                stems.push(stem.clone());
            }
            own.push(stem);
        }
        story_stems.push(own);
    }
    WordChains { stems, story_stems }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequency_then_first_occurrence() {
        let stop = StopWords::from_words(["the"]);
        // counts: fox 3, dog 2, red 2 (red first at 1, dog at 2), the removed, foo_bar
        // dropped (not alphanumeric), a too short.
        let words = top_words("Fox red dog the Fox foo_bar a dog red fox", &stop, 3);
        assert_eq!(words, ["fox", "red", "dog"]);
        assert_eq!(top_words("fox red", &stop, 1), ["fox"]);
    }

    #[test]
    fn stems_shared_and_ordered_by_first_appearance() {
        let stop = StopWords::from_words(["the"]);
        let chains = word_chains(&["running runs the river", "", "river rivers stone"], &stop);
        // Story 0: running (1), runs (1), river (1) -> run, run, river -> [run, river].
        // Story 2: river (1), rivers (1), stone (1) -> [river, stone].
        assert_eq!(chains.story_stems[0], ["run", "river"]);
        assert!(chains.story_stems[1].is_empty());
        assert_eq!(chains.story_stems[2], ["river", "stone"]);
        assert_eq!(chains.stems, ["run", "river", "stone"]);
        assert_eq!(chains.presence(), vec![vec![0, 1], vec![], vec![1, 2]]);
    }

    #[test]
    fn at_most_thirty_words_per_story() {
        let text: String = (0..50).map(|i| format!("word{i} ")).collect();
        let chains = word_chains(&[&text], &StopWords::from_words(Vec::<String>::new()));
        assert_eq!(chains.story_stems[0].len(), WORD_CHAIN_TOP);
        assert_eq!(chains.story_stems[0][0], "word0");
        assert_eq!(chains.story_stems[0][29], "word29");
    }
}
