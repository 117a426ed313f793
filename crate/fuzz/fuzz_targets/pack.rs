//! `cargo fuzz run pack`: see `candor::fuzzing::pack` for the path and its invariants.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| candor::fuzzing::pack(data));
