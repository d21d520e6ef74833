//! Fuzz target: see `authorization` in `crates/server/tests/fuzz_checks/mod.rs` for the properties checked.
#![no_main]

#[allow(dead_code)] // each target runs one of the checks
#[path = "../../crates/server/tests/fuzz_checks/mod.rs"]
mod fuzz_checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_checks::authorization(data));
