//! Engine for OpenAI-compatible servers (vLLM, llama.cpp server, ollama, hosted APIs).
//!
//! A batch is sent as concurrent blocking requests, one worker thread per allowed request in
//! flight, so the server can batch them. Failed attempts are retried with backoff, on the
//! least loaded endpoint.

mod endpoints;
mod retry;
mod wire;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use ureq::http::HeaderValue;

use crate::{
    BatchObserver, Completion, Engine, EngineInfo, LlmError, OpenAiConfig, Prompt, Request,
};
use endpoints::{EndpointPool, Slots};
use retry::{Backoff, Failure, MALFORMED_RETRIES};

type Sleeper = Arc<dyn Fn(Duration) + Send + Sync>;

type Outcome = Result<Completion, LlmError>;

/// Sends each batch to one or more servers of one model. The cap on requests in flight is
/// engine-wide, so it also holds when several batches share the engine.
pub struct OpenAiEngine {
    info: EngineInfo,
    agent: ureq::Agent,
    pool: EndpointPool,
    slots: Slots,
    max_concurrency: usize,
    /// Marked sensitive, so it never shows in `Debug` output.
    authorization: Option<HeaderValue>,
    max_retries: u32,
    backoff: Backoff,
    send_seed: bool,
    sleep: Sleeper,
}

impl OpenAiEngine {
    /// Reads the API key from the environment now, so a bad key fails before any request.
    pub fn new(model: &str, config: &OpenAiConfig) -> Result<Self, LlmError> {
        check(config)?;
        let max_concurrency = config.max_concurrency as usize;
        let pool = EndpointPool::new(&config.endpoints);
        Ok(Self {
            info: EngineInfo {
                backend: "openai".into(),
                model: model.into(),
                model_sha256: None,
                chat_template: true,
                batch_policy: format!(
                    "up to {max_concurrency} concurrent requests over {} endpoint(s)",
                    pool.len()
                ),
            },
            agent: agent(config),
            pool,
            slots: Slots::new(max_concurrency),
            max_concurrency,
            authorization: authorization(&config.api_key_env)?,
            max_retries: config.max_retries,
            backoff: Backoff {
                initial_s: config.backoff_initial_s,
                max_s: config.backoff_max_s,
            },
            send_seed: config.send_seed,
            sleep: Arc::new(thread::sleep),
        })
    }

    /// Replaces the wait between retries (by default `thread::sleep`), e.g. so tests can
    /// record backoff delays instead of spending them.
    pub fn with_sleeper(mut self, sleep: impl Fn(Duration) + Send + Sync + 'static) -> Self {
        self.sleep = Arc::new(sleep);
        self
    }

    /// Pulls requests off the shared cursor until none is left.
    fn work(
        &self,
        requests: &[Request],
        cursor: &AtomicUsize,
        observer: &dyn BatchObserver,
    ) -> Vec<(usize, Outcome)> {
        let mut done = Vec::new();
        loop {
            let index = cursor.fetch_add(1, Ordering::Relaxed);
            let Some(request) = requests.get(index) else {
                return done;
            };
            let outcome = self.run(request);
            if let Ok(completion) = &outcome {
                observer.completed(index, completion);
                observer.tokens_generated(completion.completion_tokens.into());
            }
            done.push((index, outcome));
        }
    }

    /// One request, with its retries. `total_ms` spans all attempts and waits, as that is
    /// what the request cost the run.
    fn run(&self, request: &Request) -> Outcome {
        let path = wire::path_for(&request.prompt);
        let chat = matches!(request.prompt, Prompt::Chat(_));
        let body = wire::request_body(&self.info.model, request, self.send_seed);
        let started = Instant::now();
        let mut avoid = None;
        let mut malformed = 0;
        for attempt in 1.. {
            let (endpoint, url, outcome) = self.attempt(path, &body, chat, avoid);
            let failure = match outcome {
                Ok(mut completion) => {
                    completion.timings.total_ms = started.elapsed().as_secs_f64() * 1000.0;
                    return Ok(completion);
                }
                Err(failure) => failure,
            };
            if matches!(failure, Failure::Malformed(_)) {
                malformed += 1;
            }
            if !self.may_retry(&failure, attempt, malformed) {
                return Err(failure.into_error(&url, attempt));
            }
            let unit = rand::random::<f64>();
            (self.sleep)(
                self.backoff
                    .delay(attempt - 1, unit, failure.retry_after_s()),
            );
            avoid = Some(endpoint);
        }
        unreachable!("the attempt loop only ends by returning")
    }

    fn may_retry(&self, failure: &Failure, attempts: u32, malformed: u32) -> bool {
        failure.is_transient() && attempts <= self.max_retries && malformed <= MALFORMED_RETRIES
    }

    /// Sends once; returns the endpoint index and URL used, for the retry and the error.
    fn attempt(
        &self,
        path: &str,
        body: &[u8],
        chat: bool,
        avoid: Option<usize>,
    ) -> (usize, String, Result<Completion, Failure>) {
        let _permit = self.slots.acquire();
        let lease = self.pool.acquire(avoid);
        let url = format!("{}{path}", lease.base());
        let outcome = self.post(&url, body, chat);
        (lease.index(), url, outcome)
    }

    fn post(&self, url: &str, body: &[u8], chat: bool) -> Result<Completion, Failure> {
        let mut call = self
            .agent
            .post(url)
            .header("Content-Type", "application/json");
        if let Some(key) = &self.authorization {
            call = call.header("Authorization", key.clone());
        }
        let mut response = call.send(body).map_err(Failure::from_ureq)?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(retry::parse_retry_after);
        let answer = response.body_mut().read_to_vec();
        if !(200..300).contains(&status) {
            let body = answer.unwrap_or_else(|e| format!("(body unreadable: {e})").into_bytes());
            return Err(Failure::status(status, &body, retry_after));
        }
        let answer = answer.map_err(Failure::from_ureq)?;
        wire::parse_answer(&answer, chat).map_err(Failure::Malformed)
    }
}

impl Engine for OpenAiEngine {
    fn info(&self) -> &EngineInfo {
        &self.info
    }

    fn generate(&self, requests: &[Request], observer: &dyn BatchObserver) -> Vec<Outcome> {
        let cursor = AtomicUsize::new(0);
        let workers = self.max_concurrency.min(requests.len());
        let mut results: Vec<Option<Outcome>> = (0..requests.len()).map(|_| None).collect();
        thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|_| scope.spawn(|| self.work(requests, &cursor, observer)))
                .collect();
            for handle in handles {
                let done = handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                for (index, outcome) in done {
                    results[index] = Some(outcome);
                }
            }
        });
        results
            .into_iter()
            .map(|r| r.expect("every request was taken by a worker"))
            .collect()
    }
}

/// The checks `LlmConfig::validate` also makes, repeated because `new` can be called
/// directly and would otherwise panic or hang on them.
fn check(config: &OpenAiConfig) -> Result<(), LlmError> {
    let fail = |message: &str| Err(LlmError::Config(format!("llm.openai: {message}")));
    if config.endpoints.is_empty() {
        return fail("endpoints is empty");
    }
    if config.max_concurrency == 0 {
        return fail("max_concurrency must be at least 1");
    }
    if !(config.timeout_s > 0.0 && config.timeout_s.is_finite()) {
        return fail("timeout_s must be a positive number of seconds");
    }
    if !(config.backoff_initial_s >= 0.0 && config.backoff_max_s >= config.backoff_initial_s) {
        return fail("need 0 <= backoff_initial_s <= backoff_max_s");
    }
    Ok(())
}

fn agent(config: &OpenAiConfig) -> ureq::Agent {
    let idle = (config.max_concurrency as usize).max(10);
    // Absurdly long timeouts are clamped (136 years) rather than overflowing `Duration`.
    let timeout = Duration::try_from_secs_f64(config.timeout_s)
        .unwrap_or(Duration::from_secs(u32::MAX.into()));
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        // Statuses are classified here (retry or not), with the body kept for the error.
        .http_status_as_error(false)
        // Keep one warm connection per concurrent request instead of ureq's default 3.
        .max_idle_connections(idle)
        .max_idle_connections_per_host(idle)
        .user_agent(concat!("evolab/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// `Bearer <key>` when the variable is set and non-empty. The error never shows the key.
fn authorization(env_var: &str) -> Result<Option<HeaderValue>, LlmError> {
    if env_var.is_empty() {
        return Ok(None);
    }
    let key = match std::env::var(env_var) {
        Ok(key) if !key.trim().is_empty() => key,
        _ => return Ok(None),
    };
    let mut value = HeaderValue::from_str(&format!("Bearer {}", key.trim())).map_err(|_| {
        LlmError::Config(format!(
            "the API key in ${env_var} contains characters not allowed in an HTTP header"
        ))
    })?;
    value.set_sensitive(true);
    Ok(Some(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> OpenAiConfig {
        OpenAiConfig {
            endpoints: vec!["http://a/v1".into(), "http://b/v1/".into()],
            api_key_env: String::new(),
            max_concurrency: 4,
            ..OpenAiConfig::default()
        }
    }

    #[test]
    fn info_describes_the_batch_policy() {
        let engine = OpenAiEngine::new("served-model", &config()).unwrap();
        let info = engine.info();
        assert_eq!(
            (info.backend.as_str(), info.model.as_str()),
            ("openai", "served-model")
        );
        assert_eq!(info.model_sha256, None);
        assert!(info.chat_template);
        assert_eq!(
            info.batch_policy,
            "up to 4 concurrent requests over 2 endpoint(s)"
        );
    }

    #[test]
    fn invalid_configs_are_rejected() {
        let cases: [fn(&mut OpenAiConfig); 4] = [
            |c| c.endpoints.clear(),
            |c| c.max_concurrency = 0,
            |c| c.timeout_s = 0.0,
            |c| c.backoff_max_s = c.backoff_initial_s / 2.0,
        ];
        for break_it in cases {
            let mut broken = config();
            break_it(&mut broken);
            assert!(matches!(
                OpenAiEngine::new("m", &broken),
                Err(LlmError::Config(_))
            ));
        }
    }

    #[test]
    fn no_authorization_without_a_variable_name() {
        assert!(authorization("").unwrap().is_none());
        assert!(authorization("EVOLAB_UNIT_TEST_SURELY_UNSET_VAR")
            .unwrap()
            .is_none());
    }

    #[test]
    fn empty_batch_gives_empty_result() {
        let engine = OpenAiEngine::new("m", &config()).unwrap();
        assert!(engine.generate(&[], &crate::Silent).is_empty());
    }
}
