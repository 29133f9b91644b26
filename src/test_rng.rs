//! One small pseudo-random sequence for the unit tests (xorshift64), so that each test that
//! wants fixed random roads or points draws them the same way.

/// A xorshift64 stream; the same seed gives the same numbers on every platform.
pub(crate) struct Rng(u64);

impl Rng {
    /// A stream from `seed` (a zero seed stays zero, as xorshift does).
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// The next number in [0, 1), from the top 53 bits.
    pub(crate) fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}
