//! Progress bars for runs: one bar over generations (with ETA) and the token rate.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use evolab_culture::RunObserver;
use evolab_llm::{BatchObserver, Completion};
use indicatif::{ProgressBar, ProgressStyle};

pub struct RunProgress {
    bar: ProgressBar,
    /// When stderr is not a terminal (CI logs, nohup), print one line per generation.
    plain: bool,
    tokens: AtomicU64,
    calls_done: AtomicU64,
    calls_total: AtomicU64,
    replayed: AtomicU64,
    step_start: Mutex<(Instant, u64)>,
    run_start: Instant,
}

impl RunProgress {
    pub fn new(steps: u32, steps_done: u32) -> Self {
        let plain = !std::io::stderr().is_terminal();
        let bar = if plain {
            ProgressBar::hidden()
        } else {
            ProgressBar::new(u64::from(steps))
        };
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {pos}/{len} generations [{wide_bar}] {elapsed_precise} ETA {eta} {msg}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        bar.set_position(u64::from(steps_done));
        bar.reset_eta();
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        Self {
            bar,
            plain,
            tokens: AtomicU64::new(0),
            calls_done: AtomicU64::new(0),
            calls_total: AtomicU64::new(0),
            replayed: AtomicU64::new(0),
            step_start: Mutex::new((Instant::now(), 0)),
            run_start: Instant::now(),
        }
    }

    fn refresh(&self) {
        let (start, tokens_at_start) = *self.step_start.lock().unwrap_or_else(|p| p.into_inner());
        let tokens = self.tokens.load(Ordering::Relaxed);
        let secs = start.elapsed().as_secs_f64().max(1e-3);
        let rate = (tokens - tokens_at_start) as f64 / secs;
        self.bar.set_message(format!(
            "calls {}/{} | {rate:.1} tok/s",
            self.calls_done.load(Ordering::Relaxed),
            self.calls_total.load(Ordering::Relaxed)
        ));
    }

    pub fn finish(&self) -> String {
        self.bar.finish_and_clear();
        let secs = self.run_start.elapsed().as_secs_f64();
        let tokens = self.tokens.load(Ordering::Relaxed);
        format!(
            "{tokens} tokens generated in {secs:.1} s ({:.1} tok/s); {} calls replayed from the cache",
            tokens as f64 / secs.max(1e-3),
            self.replayed.load(Ordering::Relaxed)
        )
    }
}

impl BatchObserver for RunProgress {
    fn tokens_generated(&self, count: u64) {
        self.tokens.fetch_add(count, Ordering::Relaxed);
        self.refresh();
    }

    fn completed(&self, _index: usize, completion: &Completion) {
        self.calls_done.fetch_add(1, Ordering::Relaxed);
        if completion.replayed {
            self.replayed.fetch_add(1, Ordering::Relaxed);
        }
        self.refresh();
    }
}

impl RunObserver for RunProgress {
    fn step_started(&self, step: u32, steps: u32, requests: usize) {
        self.calls_done.store(0, Ordering::Relaxed);
        self.calls_total.store(requests as u64, Ordering::Relaxed);
        *self.step_start.lock().unwrap_or_else(|p| p.into_inner()) =
            (Instant::now(), self.tokens.load(Ordering::Relaxed));
        if self.plain {
            eprintln!("generation {step} ({}/{steps}): {requests} calls", step + 1);
        }
        self.refresh();
    }

    fn step_committed(&self, step: u32, steps: u32) {
        self.bar.inc(1);
        if self.plain {
            let (start, tokens_at_start) =
                *self.step_start.lock().unwrap_or_else(|p| p.into_inner());
            let secs = start.elapsed().as_secs_f64();
            let tokens = self.tokens.load(Ordering::Relaxed) - tokens_at_start;
            eprintln!(
                "generation {step} ({}/{steps}) saved: {tokens} tokens in {secs:.1} s ({:.1} tok/s)",
                step + 1,
                tokens as f64 / secs.max(1e-3)
            );
        }
    }
}

/// A bar for analysis stages (scoring with one scorer, embedding…): texts done of total,
/// with rate and ETA; one line per finished stage when stderr is not a terminal.
pub struct StageBar {
    bar: Option<ProgressBar>,
    stage: String,
    plain: bool,
    started: Instant,
}

pub fn stage_bar() -> StageBar {
    StageBar {
        bar: None,
        stage: String::new(),
        plain: !std::io::stderr().is_terminal(),
        started: Instant::now(),
    }
}

impl StageBar {
    pub fn update(&mut self, stage: &str, done: usize, total: usize) {
        if stage != self.stage {
            self.finish();
            self.stage = stage.to_string();
            self.started = Instant::now();
            if total == 0 {
                return;
            }
            let bar = if self.plain {
                ProgressBar::hidden()
            } else {
                ProgressBar::new(total as u64)
            };
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} {msg} {pos}/{len} texts [{wide_bar}] {per_sec} ETA {eta}",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            bar.set_message(stage.to_string());
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(done as u64);
        }
    }

    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            let done = bar.position();
            bar.finish_and_clear();
            let secs = self.started.elapsed().as_secs_f64();
            eprintln!(
                "{}: {done} texts in {secs:.1}s ({:.0}/s)",
                self.stage,
                done as f64 / secs.max(1e-9)
            );
        }
    }
}
