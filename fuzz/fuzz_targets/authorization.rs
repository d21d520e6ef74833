//! Fuzz target: see `packyard_server::fuzz_checks::authorization` for the properties checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| packyard_server::fuzz_checks::authorization(data));
