//! The emulated AWS resources and their rules, apart from any wire format (moto's `models`).
//!
//! Every asynchronous operation is a [`Schedule`] of steps at fixed instants; `advance(now)`
//! applies the steps that are due, so state only moves when someone looks ("advance on read")
//! and tests can drive it with injected instants.

pub mod elasticache;
pub mod memorydb;
pub mod metrics;
pub mod neptune;

use std::collections::{BTreeSet, VecDeque};

/// Milliseconds since the Unix epoch.
pub type Millis = i64;

/// The account every seeded resource belongs to.
pub const ACCOUNT_ID: &str = "123456789012";

/// Scales realistic durations down by the configured `--time-scale`.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub scale: f64,
}

impl Timing {
    /// The emulated length of an operation step that takes `secs` seconds on AWS.
    pub fn span(&self, secs: f64) -> Millis {
        (secs * 1000.0 / self.scale).round() as Millis
    }
}

impl Default for Timing {
    fn default() -> Self {
        Timing { scale: 1.0 }
    }
}

/// One entry of a service's event log (DescribeEvents).
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub at: Millis,
    pub region: String,
    pub source_id: String,
    pub source_type: &'static str,
    pub message: String,
}

/// The steps of a running operation, each due at an instant, in order.
#[derive(Debug, Clone)]
pub struct Schedule<S> {
    pub started: Millis,
    steps: VecDeque<(Millis, S)>,
}

impl<S> Schedule<S> {
    pub fn new(started: Millis, steps: Vec<(Millis, S)>) -> Self {
        Schedule {
            started,
            steps: steps.into(),
        }
    }

    /// Removes and returns the steps due at `now`, oldest first.
    pub fn take_due(&mut self, now: Millis) -> Vec<(Millis, S)> {
        let mut due = Vec::new();
        while self.steps.front().is_some_and(|(at, _)| *at <= now) {
            if let Some(step) = self.steps.pop_front() {
                due.push(step);
            }
        }
        due
    }

    pub fn is_finished(&self) -> bool {
        self.steps.is_empty()
    }

    /// When the last step is due: the operation's expected end.
    pub fn ends_at(&self) -> Millis {
        self.steps.back().map_or(self.started, |(at, _)| *at)
    }
}

/// A rolling-window call quota (TestFailover / FailoverShard: N shards per 24 hours).
#[derive(Debug, Clone)]
pub struct Quota {
    pub limit: usize,
    pub window: Millis,
    uses: VecDeque<Millis>,
}

impl Quota {
    pub fn new(limit: usize, window: Millis) -> Self {
        Quota {
            limit,
            window,
            uses: VecDeque::new(),
        }
    }

    /// Uses still counted at `now`.
    pub fn used(&mut self, now: Millis) -> usize {
        while self.uses.front().is_some_and(|t| *t <= now - self.window) {
            self.uses.pop_front();
        }
        self.uses.len()
    }

    /// Whether one more use fits; the use itself is recorded by [`Quota::record`].
    pub fn allows(&mut self, now: Millis) -> bool {
        self.used(now) < self.limit
    }

    pub fn record(&mut self, now: Millis) {
        self.uses.push_back(now);
    }
}

/// Twenty-four hours: the TestFailover quota window. Not scaled, so quota tests are stable.
pub const DAY_MS: Millis = 24 * 3600 * 1000;

/// Filters and pages a chronological event log as the Describe*Events operations do.
pub struct EventQuery<'a> {
    pub region: &'a str,
    pub source_id: Option<&'a str>,
    pub source_type: Option<&'a str>,
    pub start: Option<Millis>,
    pub end: Option<Millis>,
    pub duration_minutes: Option<i64>,
}

impl EventQuery<'_> {
    /// Events matching the query, oldest first (AWS's order). The default window is the last
    /// hour; `Duration` counts back from `EndTime` (or now), `StartTime` wins when given.
    pub fn select<'e>(&self, events: &'e [Event], now: Millis) -> Vec<&'e Event> {
        let end = self.end.unwrap_or(now);
        let start = match (self.start, self.duration_minutes) {
            (Some(s), _) => s,
            (None, Some(d)) => end - d * 60_000,
            (None, None) => end - 60 * 60_000,
        };
        let mut out: Vec<&Event> = events
            .iter()
            .filter(|e| e.region == self.region)
            .filter(|e| e.at >= start && e.at <= end)
            .filter(|e| self.source_id.is_none_or(|s| s == e.source_id))
            .filter(|e| self.source_type.is_none_or(|t| t == e.source_type))
            .collect();
        out.sort_by_key(|e| e.at);
        out
    }
}

/// A page of a list: `Marker`/`NextToken` are the offset of the next item.
pub fn page<T>(items: Vec<T>, marker: Option<usize>, size: usize) -> (Vec<T>, Option<String>) {
    let start = marker.unwrap_or(0);
    let total = items.len();
    let page: Vec<T> = items.into_iter().skip(start).take(size).collect();
    let next = (start + size < total).then(|| encode_marker(start + size));
    (page, next)
}

pub fn encode_marker(offset: usize) -> String {
    format!("emu-{offset:08x}")
}

pub fn decode_marker(marker: &str) -> Option<usize> {
    marker
        .strip_prefix("emu-")
        .and_then(|h| usize::from_str_radix(h, 16).ok())
}

/// Whether a region name looks like a real AWS region (`us-east-1`, `us-gov-west-1`, ...).
pub fn is_valid_region(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    let n = parts.len();
    (3..=4).contains(&n)
        && parts[0].len() == 2
        && parts[..n - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && !parts[n - 1].is_empty()
        && parts[n - 1].len() <= 2
        && parts[n - 1].bytes().all(|b| b.is_ascii_digit())
}

/// A mutating call as received, for `/_emulator/calls` (exactly-once proofs).
#[derive(Debug, Clone)]
pub struct CallRecord {
    pub at: Millis,
    pub service: &'static str,
    pub region: String,
    pub action: String,
    pub params: serde_json::Value,
    pub result: String,
    pub request_id: String,
}

/// Everything the emulator holds.
pub struct World {
    pub timing: Timing,
    pub regions: Vec<String>,
    pub elasticache: elasticache::ElastiCache,
    pub neptune: neptune::Neptune,
    pub memorydb: memorydb::MemoryDb,
    pub calls: Vec<CallRecord>,
    /// Regions whose endpoints do not answer (the `region-down` and `region-hang` faults).
    pub regions_down: BTreeSet<String>,
    /// Of those, the ones whose calls are held open unanswered (`region-hang`), as a
    /// black-holed endpoint does, instead of closed at once.
    pub regions_hang: BTreeSet<String>,
    /// When each down Region went down: replication lag from it grows from then.
    pub down_since: std::collections::BTreeMap<String, Millis>,
    /// Replication lag profiles and history (CloudWatch's view).
    pub lag: metrics::Lag,
}

impl World {
    /// Takes regions down (their endpoints stop answering) or brings them back.
    pub fn set_regions_down(
        &mut self,
        down: BTreeSet<String>,
        hang: BTreeSet<String>,
        now: Millis,
    ) {
        let all: BTreeSet<String> = down.union(&hang).cloned().collect();
        self.down_since.retain(|r, _| all.contains(r));
        for r in &all {
            self.down_since.entry(r.clone()).or_insert(now);
        }
        self.neptune.regions_down = all.clone();
        self.regions_down = all;
        self.regions_hang = hang;
    }

    /// Applies every step due at `now` in every service.
    pub fn advance(&mut self, now: Millis) {
        self.elasticache.advance(now);
        self.neptune.advance(now);
        self.memorydb.advance(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_releases_steps_in_order_when_due() {
        let mut s = Schedule::new(0, vec![(10, "a"), (20, "b"), (30, "c")]);
        assert!(s.take_due(5).is_empty());
        assert_eq!(s.take_due(25), vec![(10, "a"), (20, "b")]);
        assert!(!s.is_finished());
        assert_eq!(s.take_due(100), vec![(30, "c")]);
        assert!(s.is_finished());
    }

    #[test]
    fn quota_rolls_over_its_window() {
        let mut q = Quota::new(2, 100);
        assert!(q.allows(0));
        q.record(0);
        q.record(50);
        assert!(!q.allows(99));
        assert!(q.allows(100));
    }

    #[test]
    fn region_names() {
        for ok in [
            "us-east-1",
            "eu-west-1",
            "us-gov-west-1",
            "ap-southeast-2",
            "il-central-1",
        ] {
            assert!(is_valid_region(ok), "{ok}");
        }
        for bad in [
            "",
            "mars-east-1",
            "us-east",
            "US-EAST-1",
            "us-east-1x",
            "local",
        ] {
            assert!(!is_valid_region(bad), "{bad}");
        }
    }

    #[test]
    fn pages_and_markers() {
        let (p, next) = page((0..5).collect(), None, 2);
        assert_eq!(p, vec![0, 1]);
        let m = decode_marker(&next.unwrap());
        let (p, next) = page((0..5).collect(), m, 2);
        assert_eq!(p, vec![2, 3]);
        let (p, next) = page((0..5).collect(), decode_marker(&next.unwrap()), 2);
        assert_eq!((p, next), (vec![4], None));
        assert_eq!(decode_marker("garbage"), None);
    }
}
