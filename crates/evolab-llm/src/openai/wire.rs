//! JSON shapes of the OpenAI-compatible API, in both directions.

use serde::{Deserialize, Serialize};

use crate::{ChatMessage, Completion, FinishReason, Prompt, Request, Timings};

/// Path under the base URL that a prompt goes to.
pub(crate) fn path_for(prompt: &Prompt) -> &'static str {
    match prompt {
        Prompt::Text(_) => "/completions",
        Prompt::Chat(_) => "/chat/completions",
    }
}

#[derive(Serialize)]
struct Body<'a> {
    model: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    messages: Option<&'a [ChatMessage]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prompt: Option<&'a str>,
    temperature: f32,
    top_p: f32,
    max_tokens: u32,
    // Some servers reject an empty `stop` list.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    stop: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<u64>,
    // Not in the OpenAI API: llama.cpp server reads these names, vLLM reads `top_k`,
    // `min_p` and `repetition_penalty`. Both ignore the names they do not know, so sending
    // both spellings keeps sampling as close as possible to the embedded engine's.
    top_k: u32,
    min_p: f32,
    repeat_penalty: f32,
    repetition_penalty: f32,
    repeat_last_n: u32,
}

/// vLLM and hosted APIs validate `seed` as a signed 64-bit integer, so a derived u64 seed is
/// folded onto its low 63 bits; the mapping stays deterministic.
pub(crate) fn wire_seed(seed: u64) -> u64 {
    seed & (i64::MAX as u64)
}

/// The serialized request body; built once and resent unchanged on every retry.
pub(crate) fn request_body(model: &str, request: &Request, send_seed: bool) -> Vec<u8> {
    let s = &request.sampling;
    let (messages, prompt) = match &request.prompt {
        Prompt::Chat(messages) => (Some(messages.as_slice()), None),
        Prompt::Text(text) => (None, Some(text.as_str())),
    };
    let body = Body {
        model,
        messages,
        prompt,
        temperature: s.temperature,
        top_p: s.top_p,
        max_tokens: s.max_tokens,
        stop: &s.stop,
        seed: send_seed.then(|| wire_seed(request.seed)),
        top_k: s.top_k,
        min_p: s.min_p,
        repeat_penalty: s.repeat_penalty,
        repetition_penalty: s.repeat_penalty,
        repeat_last_n: s.repeat_last_n,
    };
    serde_json::to_vec(&body).expect("request body is plain data")
}

#[derive(Deserialize)]
struct Answer {
    choices: Option<Vec<Choice>>,
    usage: Option<Usage>,
    timings: Option<ServerTimings>,
    error: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Choice {
    message: Option<AnswerMessage>,
    text: Option<String>,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct AnswerMessage {
    content: Option<String>,
}

#[derive(Deserialize)]
struct Usage {
    prompt_tokens: Option<u32>,
    completion_tokens: Option<u32>,
}

/// llama.cpp server adds these; other servers do not.
#[derive(Deserialize)]
struct ServerTimings {
    prompt_ms: Option<f64>,
    predicted_ms: Option<f64>,
}

/// Parses a 2xx answer. `total_ms` is left at 0 for the caller, who owns the wall clock.
///
/// Missing `usage` counts 0 tokens rather than failing: some servers (older llama.cpp,
/// proxies) omit it and the text is still good. Missing server timings leave `prompt_ms` and
/// `generation_ms` at 0, meaning unknown. Every other gap is an error, never an empty text.
pub(crate) fn parse_answer(body: &[u8], chat: bool) -> Result<Completion, String> {
    let answer: Answer = serde_json::from_slice(body)
        .map_err(|e| format!("{e} in body {:?}", excerpt(body, 200)))?;
    let choice = first_choice(&answer)?;
    let text = if chat {
        choice.message.as_ref().and_then(|m| m.content.clone())
    } else {
        choice.text.clone()
    };
    let field = if chat {
        "choices[0].message.content"
    } else {
        "choices[0].text"
    };
    let text = text.ok_or_else(|| format!("{field} is missing or null"))?;
    let usage = answer.usage.as_ref();
    let server = answer.timings.as_ref();
    Ok(Completion {
        text,
        prompt_tokens: usage.and_then(|u| u.prompt_tokens).unwrap_or(0),
        completion_tokens: usage.and_then(|u| u.completion_tokens).unwrap_or(0),
        finish_reason: finish_reason(choice.finish_reason.as_deref()),
        timings: Timings {
            prompt_ms: server.and_then(|t| t.prompt_ms).unwrap_or(0.0),
            generation_ms: server.and_then(|t| t.predicted_ms).unwrap_or(0.0),
            total_ms: 0.0,
        },
        replayed: false,
    })
}

fn first_choice(answer: &Answer) -> Result<&Choice, String> {
    if let Some(error) = &answer.error {
        return Err(format!(
            "server reported an error: {}",
            clip(&error.to_string(), 300)
        ));
    }
    match answer.choices.as_deref() {
        None => Err("no `choices` in the answer".into()),
        Some([]) => Err("`choices` is empty".into()),
        Some([first, ..]) => Ok(first),
    }
}

/// Only `length` says the text was cut; `stop`, llama.cpp's `eos`, a null reason and
/// anything else (`content_filter`, `tool_calls`, ...) end a text the model considered done
/// or the server will not extend, so they map to `Stop`.
pub(crate) fn finish_reason(reason: Option<&str>) -> FinishReason {
    match reason {
        Some("length") => FinishReason::Length,
        _ => FinishReason::Stop,
    }
}

/// At most `max_chars` characters of a body, for error messages.
pub(crate) fn excerpt(body: &[u8], max_chars: usize) -> String {
    clip(String::from_utf8_lossy(body).trim(), max_chars)
}

fn clip(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Role, Sampling};
    use serde_json::{json, Value};

    fn chat_request() -> Request {
        Request {
            prompt: Prompt::Chat(vec![ChatMessage {
                role: Role::User,
                content: "hi".into(),
            }]),
            sampling: Sampling {
                stop: vec!["\n".into()],
                ..Sampling::default()
            },
            seed: 7,
        }
    }

    fn body_json(request: &Request, send_seed: bool) -> Value {
        serde_json::from_slice(&request_body("m", request, send_seed)).unwrap()
    }

    #[test]
    fn chat_body_carries_messages_and_sampling() {
        let body = body_json(&chat_request(), true);
        assert_eq!(body["model"], "m");
        assert_eq!(body["messages"], json!([{"role": "user", "content": "hi"}]));
        assert!(body.get("prompt").is_none());
        assert_eq!(body["seed"], 7);
        assert_eq!(body["stop"], json!(["\n"]));
        assert_eq!(body["max_tokens"], 256);
        assert_eq!(body["top_k"], 40);
        assert!((body["temperature"].as_f64().unwrap() - 0.8).abs() < 1e-6);
        assert!((body["repeat_penalty"].as_f64().unwrap() - 1.1).abs() < 1e-6);
    }

    #[test]
    fn text_body_omits_empty_stop_and_unsent_seed() {
        let request = Request {
            prompt: Prompt::Text("once".into()),
            sampling: Sampling::default(),
            seed: 7,
        };
        let body = body_json(&request, false);
        assert_eq!(body["prompt"], "once");
        assert!(body.get("messages").is_none());
        assert!(body.get("stop").is_none());
        assert!(body.get("seed").is_none());
    }

    #[test]
    fn seed_fits_a_signed_64_bit_integer() {
        assert_eq!(wire_seed(u64::MAX), i64::MAX as u64);
        assert_eq!(wire_seed(42), 42);
        let mut request = chat_request();
        request.seed = u64::MAX;
        assert_eq!(body_json(&request, true)["seed"], i64::MAX);
    }

    #[test]
    fn parses_chat_answer_with_usage_and_llama_timings() {
        let body = json!({
            "choices": [{"message": {"role": "assistant", "content": "hello"}, "finish_reason": "length"}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 2},
            "timings": {"prompt_ms": 1.5, "predicted_ms": 20.0}
        });
        let c = parse_answer(body.to_string().as_bytes(), true).unwrap();
        assert_eq!(c.text, "hello");
        assert_eq!((c.prompt_tokens, c.completion_tokens), (5, 2));
        assert_eq!(c.finish_reason, FinishReason::Length);
        assert_eq!((c.timings.prompt_ms, c.timings.generation_ms), (1.5, 20.0));
    }

    #[test]
    fn parses_completion_answer_without_usage() {
        let body = json!({"choices": [{"text": "more", "finish_reason": "eos"}]});
        let c = parse_answer(body.to_string().as_bytes(), false).unwrap();
        assert_eq!(c.text, "more");
        assert_eq!((c.prompt_tokens, c.completion_tokens), (0, 0));
        assert_eq!(c.finish_reason, FinishReason::Stop);
        assert_eq!(c.timings, Timings::default());
    }

    #[test]
    fn empty_text_is_kept_when_the_server_sent_it() {
        let body = json!({"choices": [{"text": "", "finish_reason": "stop"}]});
        assert_eq!(
            parse_answer(body.to_string().as_bytes(), false)
                .unwrap()
                .text,
            ""
        );
    }

    #[test]
    fn malformed_answers_are_errors() {
        let cases: [(&str, bool); 9] = [
            ("not json", true),
            ("{\"choices\": [", true),
            ("[]", true),
            ("{}", true),
            ("{\"choices\": []}", true),
            ("{\"choices\": [{\"message\": {\"content\": null}}]}", true),
            ("{\"choices\": [{\"message\": {\"content\": 3}}]}", true),
            (
                "{\"choices\": [{\"message\": {\"content\": \"x\"}}]}",
                false,
            ),
            ("{\"error\": {\"message\": \"overloaded\"}}", false),
        ];
        for (body, chat) in cases {
            assert!(parse_answer(body.as_bytes(), chat).is_err(), "{body}");
        }
    }

    #[test]
    fn finish_reasons_map_length_and_everything_else_to_stop() {
        assert_eq!(finish_reason(Some("length")), FinishReason::Length);
        for other in [Some("stop"), Some("eos"), Some("content_filter"), None] {
            assert_eq!(finish_reason(other), FinishReason::Stop);
        }
    }

    #[test]
    fn excerpt_is_bounded_on_char_boundaries() {
        let long = "é".repeat(1000);
        let cut = excerpt(long.as_bytes(), 500);
        assert_eq!(cut.chars().count(), 501);
        assert_eq!(excerpt(b"  short \n", 500), "short");
    }
}
