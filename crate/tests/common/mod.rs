//! Helpers shared by the data-driven test suites.

pub use candor::expect::check;
