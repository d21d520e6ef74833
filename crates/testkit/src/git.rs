//! Repositories made with the git command, the way a vendor would make them: every commit by
//! the same author at a fixed date, so what a test builds from them (commit times, zips) is
//! the same on every run.

use std::path::Path;
use std::process::Command;

/// Debian's git, which every test runs.
pub const GIT: &str = "/usr/bin/git";

/// Runs `git args` in `dir` and returns its trimmed output; panics with git's message when it
/// fails.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(GIT)
        .current_dir(dir)
        .args(["-c", "user.name=T", "-c", "user.email=t@example.com"])
        .args(args)
        .env("GIT_COMMITTER_DATE", "2024-03-01T10:00:00Z")
        .env("GIT_AUTHOR_DATE", "2024-03-01T10:00:00Z")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}
