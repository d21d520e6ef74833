//! Test fixtures: a running server, the CLI against the same state, zip builders, and
//! wrappers for composer, curl and php with isolated homes.

pub mod api;
pub mod client;
pub mod portal;
pub mod server;
pub mod zips;

pub use api::*;
pub use client::*;
pub use portal::*;
pub use server::*;
pub use zips::*;

use std::time::{Duration, Instant};

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
