//! Turning a sequence's token pieces into its completion text.
//!
//! Pieces are kept as bytes until the sequence ends: a byte-level BPE token can carry half
//! of a multi-byte character, so converting piece by piece would garble non-ASCII text.

/// The bytes generated so far for one sequence, and its stop strings.
pub(super) struct TextOut<'s> {
    bytes: Vec<u8>,
    stops: &'s [String],
    longest_stop: usize,
}

impl<'s> TextOut<'s> {
    pub(super) fn new(stops: &'s [String]) -> Self {
        Self {
            bytes: Vec::new(),
            stops,
            longest_stop: stops.iter().map(String::len).max().unwrap_or(0),
        }
    }

    /// The buffer that token pieces are appended to; call [`Self::check_stop`] after each.
    pub(super) fn buffer(&mut self) -> &mut Vec<u8> {
        &mut self.bytes
    }

    /// After `appended` bytes were added: true if a stop string now occurs, in which case the
    /// text is cut where the earliest one starts. Only the tail that can hold a match which
    /// ends in the new bytes is searched, so long completions cost no more per token; a
    /// stop string split over several tokens is still found.
    pub(super) fn check_stop(&mut self, appended: usize) -> bool {
        if self.longest_stop == 0 || appended == 0 {
            return false;
        }
        let old_len = self.bytes.len() - appended;
        let from = old_len.saturating_sub(self.longest_stop - 1);
        let hay = &self.bytes[from..];
        let earliest = self
            .stops
            .iter()
            .filter_map(|stop| find(hay, stop.as_bytes()))
            .min();
        match earliest {
            Some(at) => {
                self.bytes.truncate(from + at);
                true
            }
            None => false,
        }
    }

    pub(super) fn into_string(self) -> String {
        finish_utf8(self.bytes)
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Drops a character cut short at the end (a `length` finish can split one) and replaces any
/// other invalid bytes, so that the result is always valid text.
pub(super) fn finish_utf8(mut bytes: Vec<u8>) -> String {
    let keep = bytes.len() - incomplete_tail(&bytes);
    bytes.truncate(keep);
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Length of a multi-byte character at the end of `bytes` that lacks continuation bytes.
fn incomplete_tail(bytes: &[u8]) -> usize {
    for back in 1..=bytes.len().min(4) {
        let b = bytes[bytes.len() - back];
        if b & 0xC0 == 0x80 {
            continue; // continuation byte: the lead is further back
        }
        let needed = match b {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => 1,
        };
        return if needed > back { back } else { 0 };
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(stops: &[String], pieces: &[&[u8]]) -> (String, bool) {
        let mut out = TextOut::new(stops);
        for piece in pieces {
            out.buffer().extend_from_slice(piece);
            if out.check_stop(piece.len()) {
                return (out.into_string(), true);
            }
        }
        (out.into_string(), false)
    }

    #[test]
    fn stop_inside_one_piece_cuts_before_it() {
        let stops = vec!["\n\n".to_string()];
        assert_eq!(
            feed(&stops, &[b"Once", b" upon.\n\nThe", b" end"]),
            ("Once upon.".to_string(), true)
        );
    }

    #[test]
    fn stop_spanning_pieces_is_found() {
        let stops = vec!["THE END".to_string()];
        assert_eq!(
            feed(&stops, &[b"and so", b" TH", b"E E", b"ND!"]),
            ("and so ".to_string(), true)
        );
    }

    #[test]
    fn earliest_of_several_stops_wins() {
        let stops = vec!["cat".to_string(), "he".to_string()];
        assert_eq!(feed(&stops, &[b"the cat"]), ("t".to_string(), true));
    }

    #[test]
    fn no_stop_keeps_everything() {
        assert_eq!(feed(&[], &[b"a", b"b"]), ("ab".to_string(), false));
        let stops = vec!["zz".to_string()];
        assert_eq!(
            feed(&stops, &[b"z", b"y", b"z"]),
            ("zyz".to_string(), false)
        );
    }

    #[test]
    fn multibyte_characters_split_over_pieces() {
        let snow = "☃".as_bytes(); // three bytes
        let (text, _) = feed(&[], &[b"x", &snow[..1], &snow[1..], b"y"]);
        assert_eq!(text, "x☃y");
    }

    #[test]
    fn truncated_tail_character_is_dropped() {
        let snow = "☃".as_bytes();
        let mut bytes = b"ab".to_vec();
        bytes.extend_from_slice(&snow[..2]);
        assert_eq!(finish_utf8(bytes), "ab");
    }

    #[test]
    fn invalid_bytes_in_the_middle_are_replaced() {
        assert_eq!(finish_utf8(b"a\xffb".to_vec()), "a\u{fffd}b");
        // ...even when the end is also cut short.
        let mut bytes = b"a\xffb".to_vec();
        bytes.extend_from_slice(&"😀".as_bytes()[..3]);
        assert_eq!(finish_utf8(bytes), "a\u{fffd}b");
        assert_eq!(finish_utf8("ok😀".as_bytes().to_vec()), "ok😀");
    }
}
