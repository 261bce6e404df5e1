//! A progress bar over environment steps, with the step rate and the time left.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressState, ProgressStyle};

pub struct StepProgress {
    bar: ProgressBar,
}

impl StepProgress {
    /// `total` steps, `done` of them already (a resumed study). Hidden when standard error
    /// is not a terminal: logs get the per-trial lines only.
    pub fn new(total: u64, done: u64) -> Self {
        let bar = if std::io::stderr().is_terminal() {
            ProgressBar::new(total)
        } else {
            ProgressBar::hidden()
        };
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {human_pos}/{human_len} steps [{wide_bar}] {rate} ETA {eta} {msg}",
            )
            .expect("valid template")
            .with_key(
                "rate",
                |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.0} steps/s", state.per_sec());
                },
            )
            .progress_chars("=> "),
        );
        bar.set_position(done);
        bar.reset_eta();
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        StepProgress { bar }
    }

    pub fn advance(&self, steps: u64) {
        self.bar.inc(steps);
    }

    pub fn message(&self, text: String) {
        self.bar.set_message(text);
    }

    /// Prints a line on standard output without tearing the bar.
    pub fn println(&self, line: &str) {
        self.bar.suspend(|| println!("{line}"));
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
