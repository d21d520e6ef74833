//! Test fixtures: a running server, the CLI against the same state, zip builders, and
//! wrappers for composer, curl and php with isolated homes.

pub mod api;
pub mod catalog;
pub mod client;
pub mod cluster;
pub mod crafted;
pub mod git_servers;
pub mod portal;
pub mod s3;
pub mod server;
pub mod sshd;
pub mod static_repo;
pub mod upstream;
pub mod zips;

pub use api::*;
pub use client::*;
pub use crafted::*;
pub use portal::*;
pub use s3::Proxy;
pub use server::*;
pub use static_repo::StaticRepo;
pub use upstream::*;
pub use zips::*;

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Asserts that a finished process succeeded (naming it and showing its stderr if not) and
/// returns its standard output.
#[track_caller]
pub fn succeeded(out: Output, what: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{what} failed: {stderr}");
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Runs `command` with `input` on its standard input and waits for it.
pub fn run_with_input(command: &mut Command, input: &[u8]) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{command:?} cannot start: {e}"));
    let mut stdin = child.stdin.take().expect("piped stdin");
    stdin.write_all(input).unwrap();
    drop(stdin);
    child.wait_with_output().unwrap()
}

/// Polls `check` until it returns true or `deadline` passes; returns whether it did.
pub fn eventually(deadline: Duration, mut check: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    loop {
        if check() {
            return true;
        }
        if start.elapsed() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// How long the tests allow for a change to reach the server: the SPEC promises 1 s.
pub const PROPAGATION: Duration = Duration::from_secs(1);

/// Every file below `dir` (none if it does not exist), as display paths.
pub fn files_under(dir: &std::path::Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .flat_map(|e| match e.path().is_dir() {
            true => files_under(&e.path()),
            false => vec![e.path().display().to_string()],
        })
        .collect()
}

/// A process's standard output followed by its standard error, as text.
pub fn all_output(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// One memory figure of a process from /proc/PID/status (`VmRSS`, `VmHWM`…), in KiB.
pub fn memory_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("{field} in /proc/{pid}/status"))
}
