//! `cargo fuzz run sanctions`: see `candor::fuzzing::sanctions` for the path and its invariants.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| candor::fuzzing::sanctions(data));
