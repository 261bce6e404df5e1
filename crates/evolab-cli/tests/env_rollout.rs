//! `evolab env rollout` prints the trajectory the library plays, and refuses bad input
//! before any step.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use evolab_rl::env::{self, Action, Env};

fn evolab(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_evolab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn cartpole_rollout_is_the_librarys_episode_and_stops_at_its_end() {
    let actions = "1\n".repeat(60);
    let out = evolab(
        &[
            "env",
            "rollout",
            "CartPole-v1",
            "--seed",
            "7",
            "--actions",
            "-",
        ],
        &actions,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();

    let mut cartpole = env::make("CartPole-v1").unwrap();
    let mut obs = [0.0f32; 4];
    cartpole.reset(Some(7), &mut obs);
    let as_json = |o: &[f32]| serde_json::json!(o);
    assert_eq!(lines[0]["observation"], as_json(&obs));
    for line in &lines[1..] {
        let t = cartpole.step(Action::Discrete(1), &mut obs).unwrap();
        assert_eq!(line["observation"], as_json(&obs));
        assert_eq!(line["reward"], t.reward);
        assert_eq!(line["terminated"], t.terminated);
    }
    // Pushing one way drops the pole long before 60 steps: the output ends there.
    assert_eq!(lines.last().unwrap()["terminated"], true);
    assert!(lines.len() < 61);
    assert!(String::from_utf8_lossy(&out.stderr).contains("actions were not used"));
}

#[test]
fn deleting_velocities_leaves_the_positions() {
    let out = evolab(
        &[
            "env",
            "rollout",
            "Pendulum-v1",
            "--seed",
            "0",
            "--actions",
            "-",
            "--hide-velocities",
            "delete",
        ],
        "0.5\n[1.0]\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let first: serde_json::Value = serde_json::from_str(
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(first["observation"].as_array().unwrap().len(), 2);
}

#[test]
fn bad_input_is_refused_with_the_fix() {
    let cases: [(&[&str], &str, &str); 4] = [
        (&["env", "rollout", "CartPole-v0", "--seed", "1", "--actions", "-"], "1\n", "the environments are CartPole-v1"),
        (&["env", "rollout", "CartPole-v1", "--seed", "1", "--actions", "-"], "1\n2\n", "standard input line 2: \"2\" is not an action of CartPole-v1; use an integer from 0 to 1"),
        (&["env", "rollout", "Pendulum-v1", "--seed", "1", "--actions", "-"], "0.1 0.2\n", "2 numbers given, Pendulum-v1 takes 1"),
        (&["env", "rollout", "Pendulum-v1", "--seed", "1", "--actions", "-"], "nan\n", "is not a list of numbers"),
    ];
    for (args, stdin, message) in cases {
        let out = evolab(args, stdin);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && stderr.contains(message),
            "{args:?}: {stderr}"
        );
        assert!(
            out.stdout.is_empty(),
            "nothing is printed before the input is checked"
        );
    }
}
