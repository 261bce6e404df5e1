//! Store, replay cache and resume, driven by a deterministic stand-in engine.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use evolab_core::{RunStatus, RunStore, TextRow};
use evolab_culture::session::{create_run, execute};
use evolab_culture::{BuildInfo, RunConfig, RunError, RunObserver};
use evolab_llm::{
    BatchObserver, Completion, Engine, EngineInfo, FinishReason, LlmError, OpenedEngine,
    PromptStyle, Request, Timings,
};

/// Writes a text derived from the prompt and seed; fails every call after `fail_after`
/// successful ones, like a server that goes down mid-run.
struct StandIn {
    info: EngineInfo,
    calls: Arc<AtomicUsize>,
    fail_after: Option<usize>,
    /// Fail with an error the stored config can never get past.
    too_long: bool,
}

impl Engine for StandIn {
    fn info(&self) -> &EngineInfo {
        &self.info
    }

    fn generate(
        &self,
        requests: &[Request],
        observer: &dyn BatchObserver,
    ) -> Vec<Result<Completion, LlmError>> {
        requests
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let n = self.calls.fetch_add(1, Ordering::SeqCst);
                if self.too_long {
                    return Err(LlmError::PromptTooLong {
                        tokens: 5000,
                        limit: 4096,
                    });
                }
                if self.fail_after.is_some_and(|limit| n >= limit) {
                    return Err(LlmError::Transport {
                        endpoint: "http://127.0.0.1:1/v1".into(),
                        attempts: 3,
                        message: "connection refused".into(),
                    });
                }
                let digest = evolab_core::seeds::derive(r.seed, &r.prompt.display_text(), &[]);
                let completion = Completion {
                    text: format!("story {digest:016x}"),
                    prompt_tokens: 5,
                    completion_tokens: 3,
                    finish_reason: FinishReason::Stop,
                    timings: Timings::default(),
                    replayed: false,
                };
                observer.completed(i, &completion);
                Ok(completion)
            })
            .collect()
    }
}

fn engine(calls: &Arc<AtomicUsize>, fail_after: Option<usize>) -> OpenedEngine {
    OpenedEngine {
        engine: Box::new(StandIn {
            info: EngineInfo {
                backend: "stand-in".into(),
                model: "hash".into(),
                model_sha256: None,
                chat_template: true,
                batch_policy: "all at once".into(),
            },
            calls: calls.clone(),
            fail_after,
            too_long: false,
        }),
        prompt_style: PromptStyle::Chat,
    }
}

struct Quiet;
impl BatchObserver for Quiet {}
impl RunObserver for Quiet {}

fn config(text: &str) -> RunConfig {
    RunConfig::parse(text, "test")
        .unwrap()
        .resolve(std::path::Path::new("."))
        .unwrap()
}

const CULTURE: &str = "system = \"culture\"\nseed = 11\nrepetitions = 2\n[culture]\nagents = 3\ngenerations = 3\nnetwork = { kind = \"circle\" }\n";

fn build() -> BuildInfo {
    BuildInfo {
        version: "test".into(),
        git_commit: None,
    }
}

fn outputs(texts: &[TextRow]) -> Vec<(u32, u32, u32, String, Option<String>)> {
    texts
        .iter()
        .map(|t| {
            (
                t.repetition,
                t.generation,
                t.agent,
                t.output.clone(),
                t.prompt.clone(),
            )
        })
        .collect()
}

#[test]
fn interrupted_run_resumes_to_the_same_texts_without_repeating_calls() {
    let dir = tempfile::tempdir().unwrap();
    let store = RunStore::open(&dir.path().join("a.sqlite")).unwrap();
    let cfg = config(CULTURE);

    let calls = Arc::new(AtomicUsize::new(0));
    let reference = create_run(&store, &cfg, &engine(&calls, None), &build()).unwrap();
    execute(&store, &reference, &cfg, engine(&calls, None), &Quiet).unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2 * 3 * 3);

    // A separate workspace, so the cache of the reference run cannot help.
    let store = RunStore::open(&dir.path().join("b.sqlite")).unwrap();
    let broken = Arc::new(AtomicUsize::new(0));
    // 6 calls per generation: generation 0 succeeds, generation 1 fails after 2 calls.
    let run = create_run(&store, &cfg, &engine(&broken, Some(8)), &build()).unwrap();
    let err = execute(&store, &run, &cfg, engine(&broken, Some(8)), &Quiet).unwrap_err();
    assert!(
        matches!(
            err,
            RunError::Llm {
                step: 1,
                failed: 4,
                total: 6,
                ..
            }
        ),
        "{err}"
    );
    let record = store.run(&run).unwrap();
    assert_eq!(record.status, RunStatus::Interrupted);
    assert!(record.message.unwrap().contains("connection refused"));
    assert_eq!(store.committed_steps(&run).unwrap(), vec![0]);
    assert_eq!(
        store.cached_call_count().unwrap(),
        8,
        "finished calls of the failed generation are kept"
    );

    let resumed = Arc::new(AtomicUsize::new(0));
    execute(&store, &run, &cfg, engine(&resumed, None), &Quiet).unwrap();
    assert_eq!(
        resumed.load(Ordering::SeqCst),
        18 - 8,
        "the 8 finished calls are replayed"
    );
    assert_eq!(store.run(&run).unwrap().status, RunStatus::Finished);

    let reference_store = RunStore::open(&dir.path().join("a.sqlite")).unwrap();
    assert_eq!(
        outputs(&store.texts(&run).unwrap()),
        outputs(&reference_store.texts(&reference).unwrap())
    );
}

#[test]
fn a_rerun_with_the_same_seed_is_replayed_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let store = RunStore::open(&dir.path().join("ws.sqlite")).unwrap();
    let cfg = config(CULTURE);
    let calls = Arc::new(AtomicUsize::new(0));
    let first = create_run(&store, &cfg, &engine(&calls, None), &build()).unwrap();
    execute(&store, &first, &cfg, engine(&calls, None), &Quiet).unwrap();
    let second = create_run(&store, &cfg, &engine(&calls, None), &build()).unwrap();
    execute(&store, &second, &cfg, engine(&calls, None), &Quiet).unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 18, "no call is paid twice");
    let texts = store.texts(&second).unwrap();
    assert!(texts.iter().all(|t| t.replayed));
    assert_eq!(outputs(&texts), outputs(&store.texts(&first).unwrap()));

    let other_seed = config(&CULTURE.replace("seed = 11", "seed = 12"));
    let third = create_run(&store, &other_seed, &engine(&calls, None), &build()).unwrap();
    execute(&store, &third, &other_seed, engine(&calls, None), &Quiet).unwrap();
    assert_eq!(
        calls.load(Ordering::SeqCst),
        36,
        "another seed is another experiment"
    );
}

#[test]
fn telephone_stores_the_initial_text_as_generation_zero() {
    let dir = tempfile::tempdir().unwrap();
    let store = RunStore::open(&dir.path().join("ws.sqlite")).unwrap();
    let cfg = config("system = \"telephone\"\nseed = 2\n[telephone]\ngenerations = 2\ntasks = [\"rephrase\", \"continue\"]\ninitial_texts = [{ name = \"t\", text = \"Hello there.\" }]\n");
    let calls = Arc::new(AtomicUsize::new(0));
    let run = create_run(&store, &cfg, &engine(&calls, None), &build()).unwrap();
    execute(&store, &run, &cfg, engine(&calls, None), &Quiet).unwrap();
    let texts = store.texts(&run).unwrap();
    assert_eq!(texts.len(), 2 * 3, "2 chains × (initial text + 2 links)");
    assert_eq!(calls.load(Ordering::SeqCst), 4);
    let initial = &texts[0];
    assert_eq!(
        (
            initial.generation,
            initial.output.as_str(),
            initial.prompt.as_deref()
        ),
        (0, "Hello there.", None)
    );
    let link = texts
        .iter()
        .find(|t| t.generation == 2 && t.agent == 0)
        .unwrap();
    let previous = texts
        .iter()
        .find(|t| t.generation == 1 && t.agent == 0)
        .unwrap();
    assert!(link.prompt.as_ref().unwrap().contains(&previous.output));
    let agents = store.agents(&run).unwrap();
    assert_eq!(agents[1].label, "continue/t");
}

#[test]
fn an_error_the_config_cannot_get_past_marks_the_run_failed() {
    let dir = tempfile::tempdir().unwrap();
    let store = RunStore::open(&dir.path().join("ws.sqlite")).unwrap();
    let cfg = config(CULTURE);
    let calls = Arc::new(AtomicUsize::new(0));
    let mut opened = engine(&calls, None);
    opened.engine = Box::new(StandIn {
        info: opened.engine.info().clone(),
        calls: calls.clone(),
        fail_after: None,
        too_long: true,
    });
    let run = create_run(&store, &cfg, &opened, &build()).unwrap();
    let err = execute(&store, &run, &cfg, opened, &Quiet).unwrap_err();
    assert!(err.to_string().contains("llm.embedded.context"), "{err}");
    let record = store.run(&run).unwrap();
    assert_eq!(record.status, RunStatus::Failed);
    assert!(record.message.unwrap().contains("new run"));
}
