//! Fuzz target: see `packyard_server::fuzz_checks::range` for the properties checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| packyard_server::fuzz_checks::range(data));
