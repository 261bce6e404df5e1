//! A cheap guess at whether a text is English, so that lexicon metrics of texts in other
//! languages are flagged instead of silently reported: fog, VADER and the toxicity
//! vocabulary are English-only and return plausible-looking numbers for anything.

/// Frequent English function words. A real English text of twenty words or more almost
/// never has fewer than one in ten of its words on this list.
const FUNCTION_WORDS: &[&str] = &[
    "a", "about", "after", "all", "an", "and", "are", "as", "at", "be", "but", "by", "can", "for",
    "from", "had", "has", "have", "he", "her", "his", "i", "if", "in", "is", "it", "its", "my",
    "no", "not", "of", "on", "one", "or", "our", "she", "so", "that", "the", "their", "them",
    "there", "they", "this", "to", "up", "was", "we", "were", "what", "when", "which", "who",
    "will", "with", "would", "you", "your",
];

/// Below this many words the guess is not attempted: a short text is given the benefit of
/// the doubt unless its letters are mostly non-Latin.
const MIN_WORDS: usize = 20;

/// Whether `text` looks like English. Empty and letter-free texts count as English (there is
/// nothing to flag).
pub fn looks_english(text: &str) -> bool {
    let mut letters = 0usize;
    let mut latin = 0usize;
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        // Latin script: ASCII letters and the Latin-1/Extended-A/B accented ones.
        if c.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(&c) {
            latin += 1;
        }
    }
    if letters == 0 {
        return true;
    }
    if (latin as f64) < 0.7 * letters as f64 {
        return false;
    }
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect();
    if words.len() < MIN_WORDS {
        return true;
    }
    let function = words
        .iter()
        .filter(|w| FUNCTION_WORDS.binary_search(&w.as_str()).is_ok())
        .count();
    function as f64 >= 0.1 * words.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_words_are_sorted_for_binary_search() {
        assert!(FUNCTION_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn english_prose_passes() {
        let text = "The old fisherman walked down to the harbour every morning, and he \
                    watched the boats come in with their nets full of silver fish while \
                    the gulls circled above him.";
        assert!(looks_english(text));
        assert!(looks_english("Hi!"));
        assert!(looks_english(""));
        assert!(looks_english("12345 !!!"));
    }

    #[test]
    fn other_languages_are_flagged() {
        let french = "Le vieux pêcheur descendait chaque matin jusqu'au port, où il regardait \
                      les bateaux rentrer avec leurs filets pleins de poissons argentés pendant \
                      que les mouettes tournaient au-dessus de lui sans cesse.";
        assert!(!looks_english(french));
        assert!(!looks_english(
            "这是一个关于老渔夫的故事，他每天早上都去港口。"
        ));
        assert!(!looks_english("Старый рыбак каждое утро ходил в гавань."));
    }
}
