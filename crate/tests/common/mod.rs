//! Helpers shared by the data-driven test suites.

#[allow(unused_imports)] // not every test binary checks expectations
pub use candor::expect::check;

/// A tiny deterministic generator (xorshift64*) for generated test inputs, so failures reproduce.
pub struct Rng(pub u64);

#[allow(dead_code)] // each test binary uses a different part
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform enough in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}
