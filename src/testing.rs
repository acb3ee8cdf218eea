//! Helpers for unit tests: a seeded xorshift generator, so randomised
//! tests are repeatable without a dependency.

/// Marsaglia's xorshift64 (shifts 13, 7, 17); the seed must not be 0.
pub struct XorShift(pub u64);

impl XorShift {
    /// The next state, used as the random value.
    pub fn next_u64(&mut self) -> u64 {
        let x = &mut self.0;
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        *x
    }

    /// The next value in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        unit(self.next_u64())
    }
}

/// The top 53 bits of `x` as a value in `[0, 1)`.
pub fn unit(x: u64) -> f64 {
    (x >> 11) as f64 / (1u64 << 53) as f64
}
