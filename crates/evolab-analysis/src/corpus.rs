//! Texts from outside evolab, for `evolab score`: plain text with one text per line, or
//! JSONL with a `text` field. Read lazily so that a corpus of any size scores in flat memory.

use std::io::BufRead;

use crate::AnalysisError;

/// How the input is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CorpusFormat {
    /// One text per line; newlines inside a text cannot be represented.
    Lines,
    /// One JSON object per line with a string field `text`; other fields are kept.
    Jsonl,
}

/// One input text and where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct CorpusText {
    /// 1-based line number in the input.
    pub line: usize,
    /// The object's `id` field, when the input is JSONL and has one.
    pub id: Option<serde_json::Value>,
    pub text: String,
}

/// Guesses the format from a file name and the first non-blank line.
pub fn detect_format(file_name: Option<&str>, first_line: &str) -> CorpusFormat {
    if let Some(name) = file_name {
        if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
            return CorpusFormat::Jsonl;
        }
        if name.ends_with(".txt") {
            return CorpusFormat::Lines;
        }
    }
    if first_line.trim_start().starts_with('{') {
        CorpusFormat::Jsonl
    } else {
        CorpusFormat::Lines
    }
}

/// Iterates over the texts of `input`. Errors name the line and the fix; reading stops at
/// the first error so that no text is silently skipped or mangled.
pub struct Corpus<R> {
    input: R,
    format: CorpusFormat,
    line: usize,
    buf: Vec<u8>,
    failed: bool,
}

impl<R: BufRead> Corpus<R> {
    pub fn new(input: R, format: CorpusFormat) -> Self {
        Self {
            input,
            format,
            line: 0,
            buf: Vec::new(),
            failed: false,
        }
    }

    fn parse(&self, line: String) -> Result<Option<CorpusText>, AnalysisError> {
        match self.format {
            CorpusFormat::Lines => Ok(Some(CorpusText {
                line: self.line,
                id: None,
                text: line,
            })),
            CorpusFormat::Jsonl => {
                if line.trim().is_empty() {
                    return Ok(None);
                }
                let value: serde_json::Value = serde_json::from_str(&line).map_err(|e| {
                    AnalysisError::Invalid(format!(
                        "line {}: not valid JSON ({e}); JSONL input needs one object per line such as {{\"text\": \"...\"}}",
                        self.line
                    ))
                })?;
                let text = match value.get("text") {
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(other) => {
                        return Err(AnalysisError::Invalid(format!(
                            "line {}: field \"text\" must be a string, found {}",
                            self.line,
                            json_kind(other)
                        )))
                    }
                    None => {
                        return Err(AnalysisError::Invalid(format!(
                            "line {}: no \"text\" field; each JSONL object needs one (use --format lines for plain text)",
                            self.line
                        )))
                    }
                };
                Ok(Some(CorpusText {
                    line: self.line,
                    id: value.get("id").cloned(),
                    text,
                }))
            }
        }
    }
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

impl<R: BufRead> Iterator for Corpus<R> {
    type Item = Result<CorpusText, AnalysisError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.failed {
            self.buf.clear();
            match self.input.read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => {
                    self.failed = true;
                    return Some(Err(AnalysisError::Invalid(format!(
                        "reading line {}: {e}",
                        self.line + 1
                    ))));
                }
            }
            self.line += 1;
            if self.buf.ends_with(b"\n") {
                self.buf.pop();
                if self.buf.ends_with(b"\r") {
                    self.buf.pop();
                }
            }
            let line = match String::from_utf8(std::mem::take(&mut self.buf)) {
                Ok(line) => line,
                Err(e) => {
                    self.failed = true;
                    return Some(Err(AnalysisError::Invalid(format!(
                        "line {} is not valid UTF-8 (byte {} of the line); convert the file to UTF-8 first, e.g. `iconv -f latin1 -t utf-8`",
                        self.line,
                        e.utf8_error().valid_up_to() + 1
                    ))));
                }
            };
            match self.parse(line) {
                Ok(Some(text)) => return Some(Ok(text)),
                Ok(None) => continue,
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(input: &[u8], format: CorpusFormat) -> Vec<Result<CorpusText, String>> {
        Corpus::new(input, format)
            .map(|r| r.map_err(|e| e.to_string()))
            .collect()
    }

    #[test]
    fn lines_keep_empty_texts_and_strip_line_endings() {
        let got = read(b"first\r\n\nthird", CorpusFormat::Lines);
        let texts: Vec<String> = got.into_iter().map(|r| r.unwrap().text).collect();
        assert_eq!(texts, ["first", "", "third"]);
    }

    #[test]
    fn jsonl_keeps_ids_and_skips_blank_lines() {
        let got = read(
            b"{\"id\": 7, \"text\": \"a\\nb\"}\n\n{\"text\": \"c\"}\n",
            CorpusFormat::Jsonl,
        );
        assert_eq!(got.len(), 2);
        let first = got[0].as_ref().unwrap();
        assert_eq!(first.text, "a\nb");
        assert_eq!(first.id, Some(serde_json::json!(7)));
        assert_eq!(got[1].as_ref().unwrap().line, 3);
    }

    #[test]
    fn bad_input_names_the_line_and_stops() {
        let got = read(
            b"{\"text\": \"ok\"}\n{\"txt\": 1}\n{\"text\": \"never read\"}\n",
            CorpusFormat::Jsonl,
        );
        assert_eq!(got.len(), 2);
        let err = got[1].as_ref().unwrap_err();
        assert!(err.contains("line 2") && err.contains("\"text\""), "{err}");

        let got = read(b"{\"text\": 3}\n", CorpusFormat::Jsonl);
        assert!(got[0]
            .as_ref()
            .unwrap_err()
            .contains("must be a string, found a number"));

        let got = read(b"fine\ncaf\xe9\n", CorpusFormat::Lines);
        assert_eq!(got.len(), 2);
        let err = got[1].as_ref().unwrap_err();
        assert!(
            err.contains("line 2 is not valid UTF-8") && err.contains("iconv"),
            "{err}"
        );
    }

    #[test]
    fn format_detection() {
        assert_eq!(detect_format(Some("x.jsonl"), "hello"), CorpusFormat::Jsonl);
        assert_eq!(detect_format(Some("x.txt"), "{"), CorpusFormat::Lines);
        assert_eq!(detect_format(None, "  {\"text\":1}"), CorpusFormat::Jsonl);
        assert_eq!(detect_format(None, "Once upon a time"), CorpusFormat::Lines);
    }
}
