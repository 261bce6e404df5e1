//! The `evolab` binary: argument parsing and dispatch; the work is in the library crates.

mod cli;
mod commands;
mod presets;
mod progress;
mod step_progress;
mod workspace;

use clap::Parser;

fn main() -> std::process::ExitCode {
    ensure_passive_openmp();
    restore_default_sigpipe();
    #[cfg(feature = "embeddings")]
    evolab_text::embedding::keep_freed_memory_for_reuse();
    let cli = cli::Cli::parse();
    match commands::dispatch(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// OpenMP reads OMP_WAIT_POLICY when the library loads, before `main`, so setting it here
/// would be too late: re-execute once with it set. Spinning worker threads on a busy core
/// cut llama.cpp's throughput from about 22 to under 1 token/s on the machines we measured.
fn ensure_passive_openmp() {
    #[cfg(unix)]
    if std::env::var_os("OMP_WAIT_POLICY").is_none() {
        use std::os::unix::process::CommandExt;
        if let Ok(exe) = std::env::current_exe() {
            let err = std::process::Command::new(exe)
                .args(std::env::args_os().skip(1))
                .env("OMP_WAIT_POLICY", "passive")
                .exec();
            // exec only returns on failure; carry on with the default policy.
            eprintln!("warning: could not re-execute with OMP_WAIT_POLICY=passive: {err}");
        }
    }
}

/// Rust ignores SIGPIPE, so `evolab show RUN | head` would panic on the closed pipe. Like
/// other Unix tools, end quietly instead.
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
