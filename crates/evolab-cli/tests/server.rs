//! The CLI against an OpenAI-compatible server: a run whose server goes away stops as
//! resumable, and `evolab resume` finishes it once the server is back.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

fn evolab(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_evolab"));
    cmd.arg("--home").arg(home);
    cmd
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A minimal OpenAI-compatible server answering `/v1/completions` with a text derived from
/// the request body. It serves until the test process ends.
fn serve(listener: TcpListener, served: Arc<AtomicUsize>) {
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let served = served.clone();
            std::thread::spawn(move || answer(stream, &served));
        }
    });
}

fn answer(mut stream: TcpStream, served: &AtomicUsize) {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        if line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let request: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let n = served.fetch_add(1, Ordering::SeqCst);
    let reply = serde_json::json!({
        "choices": [{ "text": format!("story for seed {}", request["seed"]), "finish_reason": "stop" }],
        "usage": { "prompt_tokens": 7, "completion_tokens": 4 },
        "n": n,
    })
    .to_string();
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
        reply.len()
    );
}

#[test]
fn unreachable_server_stops_the_run_resumably_and_resume_finishes_it() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    // Reserve a port, then free it: nothing listens there during the first attempt.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = dir.path().join("run.toml");
    std::fs::write(
        &config,
        format!(
            "system = \"culture\"\nseed = 9\n[culture]\nagents = 3\ngenerations = 2\n\
             [llm]\nengine = \"openai\"\nmodel = \"test-model\"\nprompt_style = \"completion\"\n\
             [llm.openai]\nendpoints = [\"http://127.0.0.1:{port}/v1\"]\nmax_retries = 2\n\
             backoff_initial_s = 0.01\nbackoff_max_s = 0.05\ntimeout_s = 2\n"
        ),
    )
    .unwrap();

    let failed = evolab(&home).arg("run").arg(&config).output().unwrap();
    let message = text(&failed);
    assert!(!failed.status.success());
    assert!(message.contains("evolab resume"), "{message}");
    assert!(
        message.contains("3 attempt"),
        "bounded retries are reported: {message}"
    );
    let list = text(&evolab(&home).arg("list").output().unwrap());
    assert!(
        list.contains("interrupted") && list.contains("0/2"),
        "{list}"
    );
    let run = list
        .lines()
        .find(|l| l.starts_with("culture-"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_string();

    let served = Arc::new(AtomicUsize::new(0));
    serve(
        TcpListener::bind(("127.0.0.1", port)).unwrap(),
        served.clone(),
    );
    let resumed = evolab(&home).args(["resume", &run]).output().unwrap();
    assert!(resumed.status.success(), "{}", text(&resumed));
    assert_eq!(served.load(Ordering::SeqCst), 6);

    let shown = text(&evolab(&home).args(["show", &run]).output().unwrap());
    assert!(
        shown.contains("finished") && shown.contains("story for seed"),
        "{shown}"
    );
    let manifest = text(
        &evolab(&home)
            .args(["show", &run, "--manifest"])
            .output()
            .unwrap(),
    );
    assert!(
        manifest.contains("\"resumes\"") && manifest.contains("test-model"),
        "{manifest}"
    );
}

#[test]
fn resume_of_a_finished_or_unknown_run_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let out = evolab(dir.path())
        .args(["resume", "culture-nope"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(text(&out).contains("evolab list"), "{}", text(&out));
}
