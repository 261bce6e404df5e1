//! The replay cache: every finished call is kept under a hash of what determines it, so a
//! rerun or a resume replays it instead of paying for it again.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{BatchObserver, Completion, Engine, EngineInfo, LlmError, Prompt, Request, Sampling};

/// Where cached completions live (the run store implements it).
pub trait CompletionStore: Send + Sync {
    fn load(&self, key: &str) -> Result<Option<Completion>, String>;
    fn save(
        &self,
        key: &str,
        engine: &EngineInfo,
        request: &Request,
        completion: &Completion,
    ) -> Result<(), String>;
}

/// Version of the key layout: bump it when the hashed fields change meaning.
const KEY_VERSION: u32 = 1;

#[derive(Serialize)]
struct KeyFields<'a> {
    v: u32,
    engine: String,
    prompt: &'a Prompt,
    sampling: &'a Sampling,
    seed: u64,
}

/// sha256 over (engine and model identity, prompt, sampling parameters, seed), as hex.
pub fn cache_key(engine: &EngineInfo, request: &Request) -> String {
    let fields = KeyFields {
        v: KEY_VERSION,
        engine: engine.cache_identity(),
        prompt: &request.prompt,
        sampling: &request.sampling,
        seed: request.seed,
    };
    let bytes = serde_json::to_vec(&fields).expect("key fields are plain data");
    hex::encode(Sha256::digest(&bytes))
}

/// Wraps an engine so that cached calls are replayed and new ones are saved as they finish.
pub struct CachedEngine<'s> {
    inner: Box<dyn Engine>,
    store: &'s dyn CompletionStore,
}

impl<'s> CachedEngine<'s> {
    pub fn new(inner: Box<dyn Engine>, store: &'s dyn CompletionStore) -> Self {
        Self { inner, store }
    }

    pub fn info(&self) -> &EngineInfo {
        self.inner.info()
    }

    pub fn generate(
        &self,
        requests: &[Request],
        observer: &dyn BatchObserver,
    ) -> Vec<Result<Completion, LlmError>> {
        let info = self.inner.info();
        let keys: Vec<String> = requests.iter().map(|r| cache_key(info, r)).collect();
        let mut results: Vec<Option<Result<Completion, LlmError>>> =
            (0..requests.len()).map(|_| None).collect();
        let mut misses = Vec::new();
        for (i, key) in keys.iter().enumerate() {
            match self.store.load(key) {
                Ok(Some(mut hit)) => {
                    hit.replayed = true;
                    observer.completed(i, &hit);
                    results[i] = Some(Ok(hit));
                }
                Ok(None) => misses.push(i),
                Err(e) => results[i] = Some(Err(LlmError::Cache(e))),
            }
        }
        if !misses.is_empty() {
            let miss_requests: Vec<Request> = misses.iter().map(|&i| requests[i].clone()).collect();
            let saver = SavingObserver {
                outer: observer,
                store: self.store,
                info,
                requests,
                keys: &keys,
                positions: &misses,
                save_errors: Mutex::new(HashMap::new()),
            };
            let fresh = self.inner.generate(&miss_requests, &saver);
            let save_errors = saver.save_errors.into_inner().unwrap_or_default();
            for (j, outcome) in fresh.into_iter().enumerate() {
                let i = misses[j];
                results[i] = Some(match (outcome, save_errors.get(&j)) {
                    (Ok(_), Some(e)) => Err(LlmError::Cache(e.clone())),
                    (outcome, _) => outcome,
                });
            }
        }
        results
            .into_iter()
            .map(|r| r.expect("every request has an outcome"))
            .collect()
    }
}

struct SavingObserver<'a> {
    outer: &'a dyn BatchObserver,
    store: &'a dyn CompletionStore,
    info: &'a EngineInfo,
    requests: &'a [Request],
    keys: &'a [String],
    positions: &'a [usize],
    save_errors: Mutex<HashMap<usize, String>>,
}

impl BatchObserver for SavingObserver<'_> {
    fn tokens_generated(&self, count: u64) {
        self.outer.tokens_generated(count);
    }

    fn completed(&self, index: usize, completion: &Completion) {
        let i = self.positions[index];
        if let Err(e) = self
            .store
            .save(&self.keys[i], self.info, &self.requests[i], completion)
        {
            if let Ok(mut errors) = self.save_errors.lock() {
                errors.insert(index, e);
            }
        }
        self.outer.completed(i, completion);
    }
}

/// The run store keeps the cache, so a workspace replays calls across runs and resumes.
impl CompletionStore for evolab_core::RunStore {
    fn load(&self, key: &str) -> Result<Option<Completion>, String> {
        match self.cached_call(key).map_err(|e| e.to_string())? {
            None => Ok(None),
            Some(json) => serde_json::from_str(&json)
                .map(Some)
                .map_err(|e| format!("cached call {key} is unreadable: {e}")),
        }
    }

    fn save(
        &self,
        key: &str,
        engine: &EngineInfo,
        request: &Request,
        completion: &Completion,
    ) -> Result<(), String> {
        let request_json = serde_json::to_string(request).map_err(|e| e.to_string())?;
        let completion_json = serde_json::to_string(completion).map_err(|e| e.to_string())?;
        self.cache_call(
            key,
            &engine.cache_identity(),
            &request_json,
            &completion_json,
        )
        .map_err(|e| e.to_string())
    }
}
