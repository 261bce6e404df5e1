//! The OpenAI-compatible engine against scripted fake servers on 127.0.0.1.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use evolab_llm::openai::OpenAiEngine;
use evolab_llm::{
    BatchObserver, ChatMessage, Completion, Engine, FinishReason, LlmError, OpenAiConfig, Prompt,
    Request, Role, Sampling, Silent,
};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------
// The fake server

/// A fake server stops accepting after this long even if a test forgets it.
const SERVER_LIFETIME: Duration = Duration::from_secs(20);

/// How the fake server answers one request.
#[derive(Clone, Debug)]
enum Reply {
    /// 200 with a well-formed answer whose text is `echo:` and the prompt.
    Echo,
    /// Any status, extra headers and raw body.
    Raw {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: String,
    },
    /// Reads the request, then holds the connection this long without answering.
    Hang(Duration),
    /// Announces a longer body than it sends, then closes.
    Truncated,
    /// Waits, then gives the inner reply.
    Slow(Duration, Box<Reply>),
}

fn status(status: u16, body: &str) -> Reply {
    Reply::Raw {
        status,
        headers: Vec::new(),
        body: body.into(),
    }
}

fn retry_after(status: u16, seconds: &str) -> Reply {
    Reply::Raw {
        status,
        headers: vec![("Retry-After", seconds.into())],
        body: "{\"error\": \"busy\"}".into(),
    }
}

fn ok_body(body: &str) -> Reply {
    status(200, body)
}

/// One request as the fake server received it.
#[derive(Clone, Debug)]
struct Seen {
    path: String,
    /// Lower-case names.
    headers: HashMap<String, String>,
    /// `Null` when the body was not JSON.
    body: Value,
}

impl Seen {
    /// The completion prompt, or the last chat message.
    fn prompt(&self) -> String {
        let text = match self.body.get("messages").and_then(Value::as_array) {
            Some(messages) => messages.last().map(|m| &m["content"]),
            None => self.body.get("prompt"),
        };
        text.and_then(Value::as_str).unwrap_or_default().to_string()
    }
}

/// Requests being answered right now and the most at once, over all servers sharing it.
#[derive(Default)]
struct Gauge {
    current: AtomicUsize,
    peak: AtomicUsize,
}

impl Gauge {
    fn enter(&self) {
        let now = self.current.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
    }
    fn leave(&self) {
        self.current.fetch_sub(1, Ordering::SeqCst);
    }
    fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

type Script = dyn Fn(usize, &Seen) -> Reply + Send + Sync;

struct Shared {
    script: Box<Script>,
    seen: Mutex<Vec<Seen>>,
    gauge: Arc<Gauge>,
}

struct FakeServer {
    base: String,
    shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
}

impl FakeServer {
    /// `script` gets the request's number (in arrival order) and the request.
    fn start(
        gauge: Arc<Gauge>,
        script: impl Fn(usize, &Seen) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let base = format!("http://{}/v1", listener.local_addr().unwrap());
        let shared = Arc::new(Shared {
            script: Box::new(script),
            seen: Mutex::new(Vec::new()),
            gauge,
        });
        let stop = Arc::new(AtomicBool::new(false));
        let (accept_shared, accept_stop) = (shared.clone(), stop.clone());
        thread::spawn(move || accept_loop(listener, accept_shared, accept_stop));
        FakeServer { base, shared, stop }
    }

    /// Gives `replies` in order, then `Echo` forever.
    fn queue(replies: Vec<Reply>) -> Self {
        Self::start(Arc::default(), move |n, _| {
            replies.get(n).cloned().unwrap_or(Reply::Echo)
        })
    }

    fn always(reply: Reply) -> Self {
        Self::start(Arc::default(), move |_, _| reply.clone())
    }

    fn seen(&self) -> Vec<Seen> {
        self.shared.seen.lock().unwrap().clone()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>, stop: Arc<AtomicBool>) {
    let deadline = Instant::now() + SERVER_LIFETIME;
    while !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
        match listener.accept() {
            Ok((stream, _)) => {
                let shared = shared.clone();
                thread::spawn(move || serve(stream, &shared));
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                thread::sleep(Duration::from_millis(2))
            }
            Err(_) => return,
        }
    }
}

fn serve(mut stream: TcpStream, shared: &Shared) {
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let Some(seen) = read_request(&stream) else {
        return;
    };
    let number = {
        let mut all = shared.seen.lock().unwrap();
        all.push(seen.clone());
        all.len() - 1
    };
    let mut reply = (shared.script)(number, &seen);
    // The gauge is left before the answer is written: the client's request stays in flight
    // until it has read the answer, so the server's count can never run ahead of the client's.
    shared.gauge.enter();
    while let Reply::Slow(wait, inner) = reply {
        thread::sleep(wait);
        reply = *inner;
    }
    shared.gauge.leave();
    let _ = answer(&mut stream, &seen, reply);
}

fn read_request(stream: &TcpStream) -> Option<Seen> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let path = line.split_whitespace().nth(1)?.to_string();
    let mut headers = HashMap::new();
    loop {
        line.clear();
        reader.read_line(&mut line).ok()?;
        let Some((name, value)) = line.trim_end().split_once(':') else {
            break;
        };
        headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
    }
    let length: usize = headers.get("content-length")?.parse().ok()?;
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
    Some(Seen {
        path,
        headers,
        body,
    })
}

fn answer(stream: &mut TcpStream, seen: &Seen, reply: Reply) -> std::io::Result<()> {
    match reply {
        Reply::Echo => {
            let body = echo_body(&seen.path, &format!("echo:{}", seen.prompt()));
            respond(stream, 200, &[], body.as_bytes(), body.len())
        }
        Reply::Raw {
            status,
            headers,
            body,
        } => respond(stream, status, &headers, body.as_bytes(), body.len()),
        Reply::Hang(wait) => {
            thread::sleep(wait);
            Ok(())
        }
        Reply::Truncated => {
            let body = echo_body(&seen.path, "never complete");
            respond(stream, 200, &[], &body.as_bytes()[..10], body.len())
        }
        Reply::Slow(..) => unreachable!("unwrapped by serve"),
    }
}

fn respond(
    stream: &mut TcpStream,
    status: u16,
    headers: &[(&str, String)],
    body: &[u8],
    declared_length: usize,
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status} Fake\r\nContent-Type: application/json\r\nContent-Length: {declared_length}\r\nConnection: close\r\n"
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()
}

/// Chat answers finish with `stop`, completions with `length`, so tests can tell them apart.
fn echo_body(path: &str, text: &str) -> String {
    let choice = if path.ends_with("/chat/completions") {
        json!({"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"})
    } else {
        json!({"index": 0, "text": text, "finish_reason": "length"})
    };
    json!({
        "choices": [choice],
        "usage": {"prompt_tokens": 11, "completion_tokens": text.len()}
    })
    .to_string()
}

// ---------------------------------------------------------------------------------------
// Helpers

fn config(servers: &[&FakeServer]) -> OpenAiConfig {
    OpenAiConfig {
        endpoints: servers.iter().map(|s| s.base.clone()).collect(),
        api_key_env: String::new(),
        max_concurrency: 4,
        // Generous: only the timeout tests rely on a timeout, and they set their own.
        timeout_s: 5.0,
        max_retries: 3,
        backoff_initial_s: 0.01,
        backoff_max_s: 0.05,
        send_seed: true,
    }
}

fn engine(config: &OpenAiConfig) -> OpenAiEngine {
    OpenAiEngine::new("test-model", config).unwrap()
}

/// An engine whose backoff waits are recorded instead of slept.
fn recording_engine(config: &OpenAiConfig) -> (OpenAiEngine, Arc<Mutex<Vec<Duration>>>) {
    let delays = Arc::new(Mutex::new(Vec::new()));
    let sink = delays.clone();
    let engine = engine(config).with_sleeper(move |d| sink.lock().unwrap().push(d));
    (engine, delays)
}

fn chat(text: &str) -> Request {
    Request {
        prompt: Prompt::Chat(vec![ChatMessage {
            role: Role::User,
            content: text.into(),
        }]),
        sampling: Sampling::default(),
        seed: 1,
    }
}

fn text(prompt: &str) -> Request {
    Request {
        prompt: Prompt::Text(prompt.into()),
        sampling: Sampling::default(),
        seed: 1,
    }
}

fn one(engine: &OpenAiEngine, request: Request) -> Result<Completion, LlmError> {
    let mut results = engine.generate(&[request], &Silent);
    assert_eq!(results.len(), 1);
    results.pop().unwrap()
}

#[derive(Default)]
struct Recorder {
    completed: Mutex<Vec<(usize, String)>>,
    tokens: AtomicU64,
}

impl BatchObserver for Recorder {
    fn tokens_generated(&self, count: u64) {
        self.tokens.fetch_add(count, Ordering::SeqCst);
    }
    fn completed(&self, index: usize, completion: &Completion) {
        self.completed
            .lock()
            .unwrap()
            .push((index, completion.text.clone()));
    }
}

// ---------------------------------------------------------------------------------------
// What is sent

#[test]
fn chat_prompt_goes_to_chat_completions_with_all_parameters() {
    let server = FakeServer::queue(vec![]);
    let request = Request {
        prompt: Prompt::Chat(vec![
            ChatMessage {
                role: Role::System,
                content: "be brief".into(),
            },
            ChatMessage {
                role: Role::User,
                content: "hello".into(),
            },
        ]),
        sampling: Sampling {
            temperature: 0.5,
            max_tokens: 64,
            stop: vec!["\n\n".into()],
            ..Sampling::default()
        },
        seed: 12345,
    };
    let completion = one(&engine(&config(&[&server])), request).unwrap();

    assert_eq!(completion.text, "echo:hello");
    assert_eq!(completion.finish_reason, FinishReason::Stop);
    assert_eq!(
        (completion.prompt_tokens, completion.completion_tokens),
        (11, 10)
    );
    assert!(completion.timings.total_ms > 0.0);
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/v1/chat/completions");
    assert_eq!(seen[0].headers["content-type"], "application/json");
    let body = &seen[0].body;
    assert_eq!(body["model"], "test-model");
    assert_eq!(
        body["messages"],
        json!([{"role": "system", "content": "be brief"}, {"role": "user", "content": "hello"}])
    );
    assert_eq!(body["temperature"], 0.5);
    assert_eq!(body["max_tokens"], 64);
    assert_eq!(body["stop"], json!(["\n\n"]));
    assert_eq!(body["seed"], 12345);
    assert_eq!(body["top_k"], 40);
    assert!((body["top_p"].as_f64().unwrap() - 0.95).abs() < 1e-6);
    assert!((body["min_p"].as_f64().unwrap() - 0.05).abs() < 1e-6);
    assert!((body["repeat_penalty"].as_f64().unwrap() - 1.1).abs() < 1e-6);
    assert!(body.get("prompt").is_none());
}

#[test]
fn text_prompt_goes_to_completions_without_seed_when_disabled() {
    let server = FakeServer::queue(vec![]);
    let config = OpenAiConfig {
        send_seed: false,
        ..config(&[&server])
    };
    let completion = one(&engine(&config), text("Once upon")).unwrap();

    assert_eq!(completion.text, "echo:Once upon");
    assert_eq!(completion.finish_reason, FinishReason::Length);
    let seen = server.seen();
    assert_eq!(seen[0].path, "/v1/completions");
    let body = &seen[0].body;
    assert_eq!(body["prompt"], "Once upon");
    assert!(body.get("messages").is_none());
    assert!(
        body.get("seed").is_none(),
        "seed sent although send_seed = false"
    );
    assert!(body.get("stop").is_none(), "empty stop list sent");
}

#[test]
fn api_key_is_sent_as_bearer_only_when_the_variable_is_set() {
    let server = FakeServer::queue(vec![]);
    std::env::set_var("EVOLAB_TEST_OPENAI_KEY_SET", "sk-test-123");
    std::env::set_var("EVOLAB_TEST_OPENAI_KEY_EMPTY", "");
    for (variable, expected) in [
        ("EVOLAB_TEST_OPENAI_KEY_SET", Some("Bearer sk-test-123")),
        ("EVOLAB_TEST_OPENAI_KEY_EMPTY", None),
        ("EVOLAB_TEST_OPENAI_KEY_NEVER_SET", None),
    ] {
        let config = OpenAiConfig {
            api_key_env: variable.into(),
            ..config(&[&server])
        };
        one(&engine(&config), chat("hi")).unwrap();
        let seen = server.seen();
        let sent = seen.last().unwrap().headers.get("authorization");
        assert_eq!(sent.map(String::as_str), expected, "{variable}");
    }
}

// ---------------------------------------------------------------------------------------
// Retries

#[test]
fn server_error_then_success_takes_two_attempts() {
    let server = FakeServer::queue(vec![status(500, "oops")]);
    let completion = one(&engine(&config(&[&server])), chat("x")).unwrap();
    assert_eq!(completion.text, "echo:x");
    assert_eq!(server.seen().len(), 2);
}

#[test]
fn retry_after_is_honoured_and_capped_by_backoff_max() {
    let server = FakeServer::queue(vec![retry_after(429, "2"), retry_after(503, "100")]);
    let config = OpenAiConfig {
        backoff_max_s: 5.0,
        ..config(&[&server])
    };
    let (engine, delays) = recording_engine(&config);
    assert_eq!(one(&engine, chat("x")).unwrap().text, "echo:x");
    assert_eq!(server.seen().len(), 3);
    let delays = delays.lock().unwrap().clone();
    assert_eq!(delays, [Duration::from_secs(2), Duration::from_secs(5)]);
}

#[test]
fn retry_after_wait_really_happens() {
    let server = FakeServer::queue(vec![retry_after(429, "3")]);
    let config = OpenAiConfig {
        backoff_max_s: 0.3,
        ..config(&[&server])
    };
    let started = Instant::now();
    one(&engine(&config), chat("x")).unwrap();
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(290),
        "no wait: {elapsed:?}"
    );
    assert!(
        elapsed < Duration::from_millis(2500),
        "cap ignored: {elapsed:?}"
    );
}

#[test]
fn backoff_delays_grow_with_full_jitter_within_bounds() {
    let server = FakeServer::always(status(502, "bad gateway"));
    let config = OpenAiConfig {
        max_retries: 4,
        backoff_initial_s: 0.01,
        backoff_max_s: 0.03,
        ..config(&[&server])
    };
    let (engine, delays) = recording_engine(&config);
    one(&engine, chat("x")).unwrap_err();
    let delays = delays.lock().unwrap().clone();
    assert_eq!(delays.len(), 4);
    let caps = [0.01, 0.02, 0.03, 0.03];
    for (delay, cap) in delays.iter().zip(caps) {
        assert!(delay.as_secs_f64() <= cap + 1e-9, "{delay:?} > {cap}");
    }
}

#[test]
fn timeout_is_retried() {
    let server = FakeServer::queue(vec![Reply::Hang(Duration::from_secs(3))]);
    let config = OpenAiConfig {
        timeout_s: 0.3,
        ..config(&[&server])
    };
    let started = Instant::now();
    let completion = one(&engine(&config), chat("x")).unwrap();
    assert_eq!(completion.text, "echo:x");
    assert_eq!(server.seen().len(), 2);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "timeout not applied"
    );
}

#[test]
fn persistent_timeouts_give_a_transport_error() {
    let server = FakeServer::always(Reply::Hang(Duration::from_secs(2)));
    let config = OpenAiConfig {
        timeout_s: 0.2,
        max_retries: 1,
        ..config(&[&server])
    };
    match one(&engine(&config), chat("x")) {
        Err(LlmError::Transport {
            endpoint,
            attempts,
            message,
        }) => {
            assert_eq!(attempts, 2);
            assert_eq!(endpoint, format!("{}/chat/completions", server.base));
            assert!(message.contains("timeout"), "{message}");
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
}

#[test]
fn refused_connection_is_retried_then_a_transport_error() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = OpenAiConfig {
        endpoints: vec![format!("http://127.0.0.1:{port}/v1")],
        ..config(&[])
    };
    match one(&engine(&config), text("x")) {
        Err(LlmError::Transport { attempts, .. }) => assert_eq!(attempts, 4),
        other => panic!("expected a transport error, got {other:?}"),
    }
}

#[test]
fn persistent_server_error_gives_http_error_after_every_attempt() {
    let long_body = format!("overloaded {}", "x".repeat(2000));
    let server = FakeServer::always(status(500, &long_body));
    let config = config(&[&server]);
    let started = Instant::now();
    let error = one(&engine(&config), chat("x")).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    match error {
        LlmError::Http {
            endpoint,
            status,
            attempts,
            body,
        } => {
            assert_eq!((status, attempts), (500, config.max_retries + 1));
            assert!(endpoint.starts_with(&server.base), "{endpoint}");
            assert!(body.starts_with("overloaded"));
            assert!(body.chars().count() <= 501, "body not cut: {}", body.len());
        }
        other => panic!("expected an HTTP error, got {other:?}"),
    }
    assert_eq!(server.seen().len() as u32, config.max_retries + 1);
}

#[test]
fn client_error_is_not_retried() {
    let server = FakeServer::always(status(400, "{\"error\": \"unknown field top_k\"}"));
    match one(&engine(&config(&[&server])), chat("x")) {
        Err(LlmError::Http {
            status,
            attempts,
            body,
            ..
        }) => {
            assert_eq!((status, attempts), (400, 1));
            assert!(body.contains("unknown field top_k"), "{body}");
        }
        other => panic!("expected an HTTP error, got {other:?}"),
    }
    assert_eq!(server.seen().len(), 1);
}

#[test]
fn retry_moves_to_another_endpoint() {
    let broken = FakeServer::always(status(503, "down"));
    let healthy = FakeServer::queue(vec![]);
    let config = OpenAiConfig {
        max_concurrency: 1,
        ..config(&[&broken, &healthy])
    };
    assert_eq!(one(&engine(&config), chat("x")).unwrap().text, "echo:x");
    assert_eq!((broken.seen().len(), healthy.seen().len()), (1, 1));
}

// ---------------------------------------------------------------------------------------
// Malformed answers

#[test]
fn broken_json_is_retried_a_few_times_then_malformed() {
    let server = FakeServer::always(ok_body("{\"choices\": [{\"message\": "));
    let config = OpenAiConfig {
        max_retries: 5,
        ..config(&[&server])
    };
    match one(&engine(&config), chat("x")) {
        Err(LlmError::Malformed { endpoint, detail }) => {
            assert!(endpoint.ends_with("/v1/chat/completions"), "{endpoint}");
            assert!(detail.contains("after 3 attempt(s)"), "{detail}");
        }
        other => panic!("expected a malformed answer, got {other:?}"),
    }
    // Bounded below max_retries: a server that never answers properly is not hammered.
    assert_eq!(server.seen().len(), 3);
}

#[test]
fn broken_json_then_a_good_answer_succeeds() {
    let server = FakeServer::queue(vec![ok_body("<html>502 Bad Gateway")]);
    assert_eq!(
        one(&engine(&config(&[&server])), chat("x")).unwrap().text,
        "echo:x"
    );
    assert_eq!(server.seen().len(), 2);
}

#[test]
fn truncated_body_is_retried() {
    let server = FakeServer::queue(vec![Reply::Truncated]);
    assert_eq!(
        one(&engine(&config(&[&server])), text("x")).unwrap().text,
        "echo:x"
    );
    assert_eq!(server.seen().len(), 2);
}

#[test]
fn answers_without_text_are_malformed_never_empty() {
    let bodies = [
        "{\"object\": \"chat.completion\"}",
        "{\"choices\": []}",
        "{\"choices\": [{\"message\": {\"role\": \"assistant\", \"content\": null}}]}",
        "{\"choices\": [{\"message\": {\"content\": 42}}]}",
        "{\"choices\": [{\"text\": \"completion field on a chat answer\"}]}",
    ];
    let server = FakeServer::start(Arc::default(), move |_, seen| {
        let case: usize = seen.prompt().parse().unwrap();
        ok_body(bodies[case])
    });
    let config = OpenAiConfig {
        max_retries: 0,
        ..config(&[&server])
    };
    let requests: Vec<Request> = (0..bodies.len()).map(|i| chat(&i.to_string())).collect();
    let results = engine(&config).generate(&requests, &Silent);
    for (case, result) in results.iter().enumerate() {
        assert!(
            matches!(result, Err(LlmError::Malformed { .. })),
            "case {case}: {result:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Batches

#[test]
fn results_keep_request_order_and_observer_sees_each_completion() {
    let server = FakeServer::start(Arc::default(), |_, seen| {
        // Later requests answer sooner, so completion order differs from request order.
        let i: u64 = seen.prompt().trim_start_matches('p').parse().unwrap();
        Reply::Slow(Duration::from_millis((16 - i) * 8), Box::new(Reply::Echo))
    });
    let requests: Vec<Request> = (0..16).map(|i| text(&format!("p{i}"))).collect();
    let recorder = Recorder::default();
    let results = engine(&config(&[&server])).generate(&requests, &recorder);

    let texts: Vec<String> = results.into_iter().map(|r| r.unwrap().text).collect();
    let expected: Vec<String> = (0..16).map(|i| format!("echo:p{i}")).collect();
    assert_eq!(texts, expected);
    let mut completed = recorder.completed.lock().unwrap().clone();
    assert_ne!(
        completed.iter().map(|c| c.0).collect::<Vec<_>>(),
        (0..16).collect::<Vec<_>>(),
        "requests were not concurrent"
    );
    completed.sort();
    let indexed: Vec<(usize, String)> = expected.into_iter().enumerate().collect();
    assert_eq!(completed, indexed);
    let tokens: usize = indexed.iter().map(|(_, t)| t.len()).sum();
    assert_eq!(recorder.tokens.load(Ordering::SeqCst), tokens as u64);
}

#[test]
fn one_failed_request_does_not_abort_the_others() {
    let server = FakeServer::start(Arc::default(), |_, seen| {
        if seen.prompt().contains("bad") {
            status(422, "rejected")
        } else {
            Reply::Echo
        }
    });
    let requests: Vec<Request> = ["a", "b", "bad", "c", "d"].map(chat).to_vec();
    let recorder = Recorder::default();
    let results = engine(&config(&[&server])).generate(&requests, &recorder);
    assert_eq!(results.len(), 5);
    for (i, result) in results.iter().enumerate() {
        match (i, result) {
            (2, Err(LlmError::Http { status: 422, .. })) => {}
            (2, other) => panic!("request 2: {other:?}"),
            (_, other) => assert!(other.is_ok(), "request {i}: {other:?}"),
        }
    }
    assert_eq!(recorder.completed.lock().unwrap().len(), 4);
}

#[test]
fn load_is_shared_and_concurrency_is_bounded() {
    let gauge = Arc::new(Gauge::default());
    let slow = |_: usize, _: &Seen| Reply::Slow(Duration::from_millis(80), Box::new(Reply::Echo));
    let first = FakeServer::start(gauge.clone(), slow);
    let second = FakeServer::start(gauge.clone(), slow);
    let config = OpenAiConfig {
        max_concurrency: 3,
        ..config(&[&first, &second])
    };
    let requests: Vec<Request> = (0..12).map(|i| chat(&format!("q{i}"))).collect();
    let results = engine(&config).generate(&requests, &Silent);

    assert!(results.iter().all(Result::is_ok));
    let (a, b) = (first.seen().len(), second.seen().len());
    assert_eq!(a + b, 12);
    assert!(a >= 3 && b >= 3, "load not shared: {a} and {b}");
    assert_eq!(gauge.peak(), 3, "peak concurrency over both servers");
}

#[test]
fn engine_info_names_backend_model_and_policy() {
    let server = FakeServer::queue(vec![]);
    let config = OpenAiConfig {
        max_concurrency: 16,
        ..config(&[&server, &server])
    };
    let engine = engine(&config);
    let info = engine.info();
    assert_eq!(info.backend, "openai");
    assert_eq!(info.model, "test-model");
    assert_eq!(info.model_sha256, None);
    assert!(info.chat_template);
    assert_eq!(
        info.batch_policy,
        "up to 16 concurrent requests over 2 endpoint(s)"
    );
}
