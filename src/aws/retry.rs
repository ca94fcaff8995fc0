//! The one retry policy: which failures a read retries, and exponential backoff with full jitter.

use super::error::AwsError;
use std::cell::Cell;

/// Backoff settings. Defaults: 4 attempts, 200 ms base, 5 s ceiling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in total, the first included.
    pub max_attempts: u32,
    pub base_delay_ms: u32,
    pub max_delay_ms: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay_ms: 200,
            max_delay_ms: 5_000,
        }
    }
}

impl RetryPolicy {
    pub fn new(max_attempts: u32, base_delay_ms: u32, max_delay_ms: u32) -> Self {
        RetryPolicy {
            max_attempts: max_attempts.max(1),
            base_delay_ms,
            max_delay_ms,
        }
    }

    /// Mutating calls are never retried: a throttled or timed-out failover may have happened,
    /// and a second one would move the writer back.
    pub fn should_retry(&self, err: &AwsError, attempt: u32, mutating: bool) -> bool {
        !mutating && attempt < self.max_attempts && err.is_retryable()
    }

    /// The ceiling of the pause after failed attempt `attempt` (1-based):
    /// `min(max, base * 2^(attempt-1))`.
    pub fn ceiling_ms(&self, attempt: u32) -> u32 {
        let exp = attempt.saturating_sub(1).min(20);
        self.base_delay_ms
            .saturating_mul(1u32 << exp)
            .min(self.max_delay_ms)
    }

    /// Full jitter: a uniform pause in `0..=ceiling`, so many clients throttled together do
    /// not come back together.
    pub fn delay_ms(&self, attempt: u32, rng: &Jitter) -> u32 {
        let ceiling = self.ceiling_ms(attempt);
        (rng.next_u64() % (u64::from(ceiling) + 1)) as u32
    }
}

/// A tiny xorshift64* generator: enough for jitter, and no `getrandom`, which does not build
/// for wasm32-unknown-unknown without extra features.
#[derive(Debug)]
pub struct Jitter {
    state: Cell<u64>,
}

impl Jitter {
    /// Any seed works (zero is replaced): the clock's milliseconds are used in practice.
    pub fn new(seed: u64) -> Self {
        // SplitMix64 finaliser: nearby seeds (consecutive milliseconds) give unrelated streams.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Jitter {
            state: Cell::new(if z == 0 { 0x2545_F491_4F6C_DD1D } else { z }),
        }
    }

    pub fn next_u64(&self) -> u64 {
        let mut x = self.state.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state.set(x);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::transport::TransportError;

    #[test]
    fn ceilings_double_up_to_the_cap() {
        let p = RetryPolicy::default();
        assert_eq!(
            [1, 2, 3, 4, 5, 6, 40].map(|a| p.ceiling_ms(a)),
            [200, 400, 800, 1600, 3200, 5000, 5000]
        );
    }

    #[test]
    fn full_jitter_spans_the_whole_range() {
        let p = RetryPolicy::default();
        let rng = Jitter::new(42);
        let delays: Vec<u32> = (0..2000).map(|_| p.delay_ms(3, &rng)).collect();
        assert!(delays.iter().all(|d| *d <= 800));
        assert!(delays.iter().any(|d| *d < 100), "never near zero");
        assert!(delays.iter().any(|d| *d > 700), "never near the ceiling");
    }

    #[test]
    fn only_reads_with_transient_faults_are_retried() {
        let p = RetryPolicy::default();
        let throttled = AwsError::service("Throttling", "Rate exceeded", None, 400);
        let not_found = AwsError::service("ReplicationGroupNotFoundFault", "", None, 404);
        let network = AwsError::transport(TransportError::network("TypeError"));
        assert!(p.should_retry(&throttled, 1, false));
        assert!(p.should_retry(&network, 3, false));
        assert!(!p.should_retry(&throttled, 4, false), "4 attempts at most");
        assert!(
            !p.should_retry(&throttled, 1, true),
            "mutating calls are never retried"
        );
        assert!(!p.should_retry(&not_found, 1, false));
    }

    #[test]
    fn seeds_give_different_streams() {
        assert_ne!(Jitter::new(1).next_u64(), Jitter::new(2).next_u64());
        assert_ne!(Jitter::new(0).next_u64(), 0);
    }
}
