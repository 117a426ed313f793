//! `cargo fuzz run html`: see `candor::fuzzing::html` for the path and its invariants.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| candor::fuzzing::html(data));
