//! The embedded engine against the real default model (Gemma 3 270M base).
//!
//! The model must have been fetched: `evolab model fetch gemma3-270m`, into
//! `$EVOLAB_MODELS` or the default cache directory. A missing model fails these tests
//! instead of skipping them, so that a green run always means the engine was exercised.
#![cfg(feature = "embedded")]

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use evolab_llm::embedded::EmbeddedEngine;
use evolab_llm::registry::{self, DEFAULT_MODEL};
use evolab_llm::{
    open_engine, BatchObserver, ChatMessage, Completion, EmbeddedConfig, Engine, FinishReason,
    LlmConfig, LlmError, Prompt, PromptStyle, Request, Role, Sampling,
};

/// Model tests take both cores each; running them side by side only slows all of them.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner())
}

fn engine(context: u32) -> EmbeddedEngine {
    let dir = registry::default_models_dir();
    let model = match registry::resolve(DEFAULT_MODEL, &dir) {
        Ok(model) => model,
        Err(e) => panic!(
            "the embedded engine tests need the {DEFAULT_MODEL} model: {e}\n\
             Fetch it with `evolab model fetch {DEFAULT_MODEL}` (or `cargo run -p evolab-cli -- model fetch {DEFAULT_MODEL}`), \
             or point {} at a directory that holds it.",
            registry::MODELS_DIR_ENV
        ),
    };
    let config = EmbeddedConfig {
        threads: 0,
        context,
        max_batch: 32,
    };
    EmbeddedEngine::load(&model, &config).expect("model loads")
}

fn text_request(prompt: &str, seed: u64, max_tokens: u32) -> Request {
    Request {
        prompt: Prompt::Text(prompt.to_string()),
        sampling: Sampling {
            max_tokens,
            ..Sampling::default()
        },
        seed,
    }
}

fn ok(result: &Result<Completion, LlmError>) -> &Completion {
    result.as_ref().expect("request succeeds")
}

#[derive(Default)]
struct Recorder {
    tokens: AtomicU64,
    completed: Mutex<Vec<usize>>,
}

impl BatchObserver for Recorder {
    fn tokens_generated(&self, count: u64) {
        self.tokens.fetch_add(count, Ordering::Relaxed);
    }
    fn completed(&self, index: usize, _completion: &Completion) {
        self.completed.lock().unwrap().push(index);
    }
}

#[test]
fn engine_identity() {
    let _serial = serial();
    let engine = engine(2048);
    let info = engine.info();
    assert_eq!(info.backend, "embedded-llama.cpp");
    assert_eq!(info.model, DEFAULT_MODEL);
    assert_eq!(
        info.model_sha256.as_deref(),
        Some(registry::known(DEFAULT_MODEL).unwrap().sha256)
    );
    assert_eq!(
        info.batch_policy,
        "one llama.cpp context, up to 32 sequences, 2048 tokens each"
    );
}

#[test]
fn empty_request_list() {
    let _serial = serial();
    assert!(engine(512).generate(&[], &evolab_llm::Silent).is_empty());
}

/// 3 prompts of ~390 tokens exceed one prompt decode call (1024 tokens), so the second
/// prompt straddles two calls.
#[test]
fn long_prompts_span_several_decode_calls() {
    let _serial = serial();
    let engine = engine(512);
    let story =
        "The wind carried the smell of salt over the harbour, and the boats rocked gently. ";
    let requests: Vec<Request> = (0..3)
        .map(|i| text_request(&format!("{}Then, on day {i},", story.repeat(20)), i, 8))
        .collect();
    let results = engine.generate(&requests, &evolab_llm::Silent);
    let mut prompt_total = 0;
    for result in &results {
        let c = ok(result);
        assert!(c.completion_tokens > 0 && !c.text.is_empty(), "{c:?}");
        prompt_total += c.prompt_tokens;
    }
    assert!(prompt_total > 1024, "{prompt_total}");
}

#[test]
fn batch_of_three_prompts() {
    let _serial = serial();
    let engine = engine(512);
    let requests = [
        text_request("Once upon a time, in a small village,", 1, 24),
        text_request("The recipe for a good soup starts with", 2, 24),
        text_request(
            "Chapter 1\n\nThe storm had been raging for three days when",
            3,
            24,
        ),
    ];
    let recorder = Recorder::default();
    let results = engine.generate(&requests, &recorder);
    assert_eq!(results.len(), 3);
    let mut total = 0;
    for result in &results {
        let c = ok(result);
        assert!(!c.text.trim().is_empty(), "empty completion: {c:?}");
        assert!(
            c.completion_tokens > 0 && c.completion_tokens <= 24,
            "{c:?}"
        );
        assert!(c.prompt_tokens > 5, "{c:?}");
        assert!(!c.replayed);
        assert!(c.timings.prompt_ms > 0.0 && c.timings.total_ms >= c.timings.generation_ms);
        total += u64::from(c.completion_tokens);
    }
    assert_eq!(recorder.tokens.load(Ordering::Relaxed), total);
    let completed: BTreeSet<usize> = recorder.completed.lock().unwrap().iter().copied().collect();
    assert_eq!(completed, BTreeSet::from([0, 1, 2]));
}

#[test]
fn seeds_make_sampling_reproducible() {
    let _serial = serial();
    let engine = engine(512);
    let prompt = "Once upon a time there was a fox who";
    let batch = [text_request(prompt, 42, 24), text_request(prompt, 43, 24)];
    let first = engine.generate(&batch, &evolab_llm::Silent);
    let second = engine.generate(&batch, &evolab_llm::Silent);
    assert_eq!(
        ok(&first[0]).text,
        ok(&second[0]).text,
        "same seed, same batch"
    );
    assert_eq!(
        ok(&first[1]).text,
        ok(&second[1]).text,
        "same seed, same batch"
    );
    assert_ne!(
        ok(&first[0]).text,
        ok(&first[1]).text,
        "different seeds gave the same 24-token sample"
    );
}

#[test]
fn max_tokens_ends_with_length() {
    let _serial = serial();
    let engine = engine(512);
    let results = engine.generate(
        &[text_request("Once upon a time, a girl named Mia", 5, 8)],
        &evolab_llm::Silent,
    );
    let c = ok(&results[0]);
    assert_eq!(c.finish_reason, FinishReason::Length, "{c:?}");
    assert_eq!(c.completion_tokens, 8);
}

#[test]
fn stop_string_cuts_the_text() {
    let _serial = serial();
    let engine = engine(512);
    let mut request = text_request("The old sailor told the children a story about", 11, 24);
    request.sampling.temperature = 0.0;
    let free = ok(&engine.generate(std::slice::from_ref(&request), &evolab_llm::Silent)[0]).clone();
    // A stop string taken from the middle of what the model writes anyway.
    let words: Vec<&str> = free.text.split_whitespace().collect();
    assert!(
        words.len() >= 4,
        "too short to pick a stop word: {:?}",
        free.text
    );
    let stop = words[2].to_string();
    let cut_at = free.text.find(&stop).unwrap();

    request.sampling.stop = vec![stop.clone()];
    let stopped =
        ok(&engine.generate(std::slice::from_ref(&request), &evolab_llm::Silent)[0]).clone();
    assert_eq!(stopped.finish_reason, FinishReason::Stop, "{stopped:?}");
    assert_eq!(stopped.text, free.text[..cut_at], "stop {stop:?}");
    assert!(!stopped.text.contains(&stop));
    assert!(stopped.completion_tokens < free.completion_tokens);
}

#[test]
fn oversized_prompt_fails_alone() {
    let _serial = serial();
    let engine = engine(128);
    let long = "the cat sat on the mat and ".repeat(40);
    let requests = [
        text_request("Once upon a time,", 1, 12),
        text_request(&long, 2, 12),
        text_request("In the beginning", 3, 12),
    ];
    let results = engine.generate(&requests, &evolab_llm::Silent);
    match &results[1] {
        Err(LlmError::PromptTooLong { tokens, limit }) => {
            assert!(*tokens > 128, "{tokens}");
            assert_eq!(*limit, 128);
        }
        other => panic!("expected PromptTooLong, got {other:?}"),
    }
    assert!(ok(&results[0]).completion_tokens > 0);
    assert!(ok(&results[2]).completion_tokens > 0);
}

#[test]
fn full_context_ends_with_length() {
    let _serial = serial();
    let engine = engine(64);
    let counting = (1..=14)
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(", ")
        + ",";
    let mut request = text_request(&counting, 1, 24);
    request.sampling.temperature = 0.0;
    request.sampling.repeat_penalty = 1.0;
    let c = ok(&engine.generate(&[request], &evolab_llm::Silent)[0]).clone();
    assert!(
        c.prompt_tokens > 40,
        "prompt must leave fewer than 24 tokens: {c:?}"
    );
    assert!(c.completion_tokens < 24, "{c:?}");
    assert_eq!(c.finish_reason, FinishReason::Length, "{c:?}");
    assert_eq!(c.prompt_tokens + c.completion_tokens, 64, "{c:?}");
}

/// Gemma 3 270M base ships no chat template in its GGUF: chat prompts are refused per request
/// and `prompt_style = "auto"` picks completion prompts.
#[test]
fn chat_prompts_need_a_template() {
    let _serial = serial();
    let engine = engine(512);
    assert!(!engine.info().chat_template);
    let chat = Request {
        prompt: Prompt::Chat(vec![ChatMessage {
            role: Role::User,
            content: "Tell me a story.".into(),
        }]),
        sampling: Sampling {
            max_tokens: 8,
            ..Sampling::default()
        },
        seed: 1,
    };
    let results = engine.generate(
        &[chat, text_request("Once upon a time", 1, 8)],
        &evolab_llm::Silent,
    );
    match &results[0] {
        Err(LlmError::Unsupported(message)) => {
            assert!(message.contains("chat template"), "{message}")
        }
        other => panic!("expected Unsupported, got {other:?}"),
    }
    assert!(ok(&results[1]).completion_tokens > 0);

    let dir = registry::default_models_dir();
    let auto = LlmConfig::default();
    let opened = open_engine(&auto, &dir).expect("default config opens");
    assert_eq!(opened.prompt_style, PromptStyle::Completion);
    let chat_config = LlmConfig {
        prompt_style: PromptStyle::Chat,
        ..LlmConfig::default()
    };
    assert!(matches!(
        open_engine(&chat_config, &dir),
        Err(LlmError::Unsupported(_))
    ));
}
