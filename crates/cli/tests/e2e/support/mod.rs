//! Test fixtures: a running server, the CLI against the same state, zip builders, and
//! wrappers for composer, curl and php with isolated homes.

pub mod api;
pub mod catalog;
pub mod client;
pub mod cluster;
pub mod git_servers;
pub mod portal;
pub mod remote;
pub mod s3;
pub mod server;
pub mod smtp;
pub mod sshd;
pub mod static_repo;
pub mod upstream;
pub mod zips;

pub use api::*;
pub use catalog::invoice_args;
pub use client::*;
pub use portal::*;
pub use remote::Remote;
pub use s3::Proxy;
pub use server::*;
pub use static_repo::StaticRepo;
pub use upstream::*;
pub use zips::*;

use std::io::{Read, Write};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A port nobody listens on now (the OS's pick for a listener closed again at once).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

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
    // A command that never reads its input may have exited already: its status tells.
    match stdin.write_all(input) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => panic!("{command:?}: {e}"),
        _ => drop(stdin),
    }
    child.wait_with_output().unwrap()
}

/// How many times longer than the time it is given [`eventually`] waits before giving up. The
/// deadlines the tests name are what the SPEC promises (a change reaches the server within
/// 1 s); CI runs the suite two tests at a time on a shared 2-core machine, where a busy moment
/// can stretch that several times. Latency is a benchmark's subject (`bench/`), never a test's:
/// a test checks that the change arrives, and returns as soon as it does.
pub const LOADED_MACHINE_ALLOWANCE: u32 = 10;

/// Polls `check` until it returns true or `deadline` (times [`LOADED_MACHINE_ALLOWANCE`])
/// passes; returns whether it did.
pub fn eventually(deadline: Duration, mut check: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    let deadline = deadline * LOADED_MACHINE_ALLOWANCE;
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

pub use packyard_testkit::files::files_under;

/// A process's standard output followed by its standard error, as text.
pub fn all_output(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Asserts that a finished process failed and said `expected` (on either stream).
#[track_caller]
pub fn assert_failed_with(out: &Output, expected: &str) {
    let said = all_output(out);
    assert!(!out.status.success(), "succeeded: {said}");
    assert!(said.contains(expected), "{expected:?} not in: {said}");
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

/// Sends `head` (request line and headers), then `prefix`, then zeros up to `len` bytes in
/// all, until the server stops reading; returns the first line of its answer (empty if the
/// connection was reset before it could be read).
pub fn stream_body(host: &str, head: &str, prefix: &[u8], len: u64) -> String {
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    let request = format!("{head}\r\nHost: {host}\r\nContent-Length: {len}\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut reader = stream.try_clone().unwrap();
    let answer = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = reader.read_to_end(&mut buf);
        String::from_utf8_lossy(&buf)
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    });
    let mut sent = 0u64;
    if stream.write_all(prefix).is_ok() {
        sent += prefix.len() as u64;
        let chunk = vec![0u8; 64 * 1024];
        while sent < len {
            let n = chunk.len().min((len - sent) as usize);
            if stream.write_all(&chunk[..n]).is_err() {
                break;
            }
            sent += n as u64;
        }
    }
    let _ = stream.shutdown(std::net::Shutdown::Write);
    answer.join().unwrap()
}
