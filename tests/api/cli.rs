//! The `challenger` binary run as a command (not a server): its exit status, stdout and stderr.

use std::{
    path::Path,
    process::{Command, Output, Stdio},
    time::{Duration, Instant},
};

const BIN: &str = env!("CARGO_BIN_EXE_challenger");

/// Runs `challenger args…` in `dir` with only `env` set, and fails the test if it has not exited
/// within `limit` (a command that should refuse to start must not be left serving).
pub fn run_within(dir: &Path, args: &[&str], env: &[(&str, &str)], limit: Duration) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_clear()
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start challenger");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            let output = child.wait_with_output().expect("output");
            panic!(
                "`challenger {}` still running after {limit:?}; stderr: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

pub fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    run_within(dir, args, env, Duration::from_secs(30))
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 stdout")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 stderr")
}

/// Asserts a failed run that explains itself in exactly one line on stderr, and returns it.
pub fn one_line_failure(output: &Output) -> String {
    assert!(!output.status.success(), "expected a failure");
    let stderr = stderr(output);
    assert_eq!(
        stderr.lines().count(),
        1,
        "exactly one line on stderr: {stderr:?}"
    );
    assert!(stderr.ends_with('\n'), "{stderr:?}");
    stderr.trim_end().to_owned()
}

/// A fresh folder holding a development key where the binary looks for it, so that a test does
/// not wait for the binary to generate an RSA key. The key is made once per test run.
pub fn folder_with_dev_key() -> tempfile::TempDir {
    static KEY: std::sync::OnceLock<(tempfile::TempDir, std::path::PathBuf)> =
        std::sync::OnceLock::new();
    let (_, key) = KEY.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("dev-key.pem");
        challenger::auth::DevIssuer::load_or_create(&path, None, None).expect("development key");
        (dir, path)
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let target = dir.path().join(".challenger");
    std::fs::create_dir_all(&target).expect("key folder");
    std::fs::copy(key, target.join("dev-key.pem")).expect("copy the key");
    dir
}
