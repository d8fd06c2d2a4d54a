//! A small seeded pseudo-random generator for the demo organisation.
//!
//! xoshiro256** (Blackman and Vigna), seeded through SplitMix64. Everything built on it uses only
//! integer arithmetic and the IEEE-exact floating-point operations (+, -, *, /, floor), including
//! our own `exp`, so a seed gives the same numbers on every platform and every build.

/// The generator's state.
#[derive(Debug, Clone)]
pub(crate) struct Rng {
    s: [u64; 4],
}

/// One step of SplitMix64: advances `state` and returns a well-mixed value.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// A generator seeded from `seed`.
    pub(crate) fn new(seed: u64) -> Rng {
        let mut sm = seed;
        let s = [
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
        ];
        // SplitMix64 never yields four zero words in a row, but xoshiro must not start at zero.
        if s == [0; 4] {
            return Rng { s: [1, 2, 3, 4] };
        }
        Rng { s }
    }

    /// An independent generator for one phase of the generation (`stream` names the phase), so a
    /// change in one phase does not reshuffle the others.
    pub(crate) fn stream(seed: u64, stream: u64) -> Rng {
        let mut sm = stream.wrapping_mul(0xD1B5_4A32_D192_ED03);
        Rng::new(seed ^ splitmix64(&mut sm))
    }

    /// The next 64 random bits (xoshiro256**).
    pub(crate) fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1).
    pub(crate) fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `0..n` (0 when `n` is 0). Lemire's multiply-shift; the bias is below 2^-40 for
    /// the sizes used here.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub(crate) fn between(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as usize) as i64
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    /// One element of a non-empty slice.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An index drawn in proportion to `weights` (the last index if they sum to zero).
    pub(crate) fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.f64() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len().saturating_sub(1)
    }

    /// Approximately standard normal: the Irwin-Hall sum of six uniforms, rescaled. Bounded at
    /// about ±4.2, which keeps generated durations free of absurd outliers.
    pub(crate) fn normal(&mut self) -> f64 {
        let sum: f64 = (0..6).map(|_| self.f64()).sum();
        (sum - 3.0) * std::f64::consts::SQRT_2
    }

    /// Log-normal with the given median and shape (`sigma` of the underlying normal).
    pub(crate) fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        median * exp(sigma * self.normal())
    }
}

/// e^x from IEEE-exact operations only (range reduction by ln 2, then a Taylor series), so the
/// result does not depend on the platform's libm. Relative error below 1e-15 for |x| < 700.
pub(crate) fn exp(x: f64) -> f64 {
    const LN2_HI: f64 = f64::from_bits(0x3FE6_2E42_FEE0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3DEA_39EF_3579_3C76);
    let x = x.clamp(-700.0, 700.0);
    let k = (x * std::f64::consts::LOG2_E + 0.5).floor();
    let r = (x - k * LN2_HI) - k * LN2_LO;
    // |r| <= ln2 / 2: 16 terms are far more than enough.
    let mut term = 1.0;
    let mut sum = 1.0;
    for n in 1..16 {
        term = term * r / f64::from(n);
        sum += term;
    }
    // k is within -1010..=1010 here, so 2^k is a normal number.
    let bits = ((k as i64 + 1023) as u64) << 52;
    sum * f64::from_bits(bits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_gives_the_same_sequence_and_another_seed_does_not() {
        let a: Vec<u64> = (0..8)
            .scan(Rng::new(7), |r, _| Some(r.next_u64()))
            .collect();
        let b: Vec<u64> = (0..8)
            .scan(Rng::new(7), |r, _| Some(r.next_u64()))
            .collect();
        let c: Vec<u64> = (0..8)
            .scan(Rng::new(8), |r, _| Some(r.next_u64()))
            .collect();
        assert_eq!(a, b, "the generator is a pure function of its seed");
        assert_ne!(a, c, "different seeds give different sequences");
        let s1 = Rng::stream(7, 1).next_u64();
        let s2 = Rng::stream(7, 2).next_u64();
        assert_ne!(s1, s2, "phases draw from independent streams");
    }

    #[test]
    fn uniform_draws_stay_in_range() {
        let mut rng = Rng::new(1);
        for _ in 0..10_000 {
            let x = rng.f64();
            assert!((0.0..1.0).contains(&x), "f64() is in [0, 1)");
            assert!(rng.below(7) < 7, "below(n) is in 0..n");
            let b = rng.between(-3, 3);
            assert!((-3..=3).contains(&b), "between is inclusive on both ends");
        }
        assert_eq!(rng.below(0), 0, "below(0) is defined and 0");
    }

    #[test]
    fn exp_matches_the_standard_library_closely() {
        for i in -200..=200 {
            let x = f64::from(i) * 0.173;
            let ours = exp(x);
            let std = x.exp();
            assert!(
                ((ours - std) / std).abs() < 1e-13,
                "exp({x}): {ours} vs {std}"
            );
        }
        assert_eq!(exp(0.0), 1.0, "e^0 is exactly 1");
    }

    #[test]
    fn lognormal_has_roughly_the_requested_median() {
        let mut rng = Rng::new(42);
        let mut draws: Vec<f64> = (0..20_001).map(|_| rng.lognormal(10.0, 0.8)).collect();
        draws.sort_by(f64::total_cmp);
        let median = draws[10_000];
        assert!(
            (9.0..11.0).contains(&median),
            "the median of the draws is near 10, got {median}"
        );
        assert!(
            draws.iter().all(|d| *d > 0.0),
            "log-normal draws are positive"
        );
    }
}
