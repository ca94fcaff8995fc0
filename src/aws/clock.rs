//! The only place that reads the time, and the skew learned from AWS's `Date` header.
//!
//! `SystemTime::now()` panics on wasm32-unknown-unknown, so the browser clock comes from
//! `js_sys::Date::now()`; natively (tests, tools) from `SystemTime`. Tests inject a base time.

use crate::model::Timestamp;
use std::cell::Cell;
use std::fmt;
use std::rc::Rc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A wall clock plus a correction. Cheap to clone; clones share the correction, so a skew
/// learned by one request fixes the next request's signature.
#[derive(Clone)]
pub struct Clock {
    base: Rc<dyn Fn() -> i64>,
    skew_ms: Rc<Cell<i64>>,
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Clock")
            .field("local_ms", &(self.base)())
            .field("skew_ms", &self.skew_ms.get())
            .finish()
    }
}

impl Clock {
    /// The machine's clock: the browser's `Date.now()` on wasm32, `SystemTime` natively.
    pub fn system() -> Self {
        Clock::from_fn(system_now_ms)
    }

    /// A clock over any millisecond source (tests: a `Cell` they advance by hand).
    pub fn from_fn(base: impl Fn() -> i64 + 'static) -> Self {
        Clock {
            base: Rc::new(base),
            skew_ms: Rc::new(Cell::new(0)),
        }
    }

    /// A clock stuck at `millis` since the epoch.
    pub fn fixed(millis: i64) -> Self {
        Clock::from_fn(move || millis)
    }

    /// The corrected time: what AWS believes the time is.
    pub fn now(&self) -> Timestamp {
        Timestamp::from_millis(self.local_now().millis().saturating_add(self.skew_ms.get()))
    }

    /// The machine's own time, uncorrected.
    pub fn local_now(&self) -> Timestamp {
        Timestamp::from_millis((self.base)())
    }

    /// `now()` as a `SystemTime`, the form the signer (`signing::sign`) takes.
    pub fn now_system_time(&self) -> SystemTime {
        to_system_time(self.now())
    }

    /// Server time minus local time, in milliseconds (positive: the machine is behind).
    pub fn skew_ms(&self) -> i64 {
        self.skew_ms.get()
    }

    pub fn set_skew_ms(&self, skew_ms: i64) {
        self.skew_ms.set(skew_ms);
    }

    /// Learns the skew from the server's time, given as an HTTP `Date` header
    /// (`Tue, 16 Feb 2021 17:30:32 GMT`). Returns the new skew.
    pub fn correct_from_http_date(&self, date: &str) -> Result<i64, ClockError> {
        let server = parse_http_date(date)?;
        Ok(self.correct_to(server))
    }

    /// Learns the skew from a known server time. Returns the new skew.
    pub fn correct_to(&self, server: Timestamp) -> i64 {
        let skew = server.millis() - self.local_now().millis();
        self.skew_ms.set(skew);
        skew
    }
}

/// The `Date` header (or the time in an error message) was not a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClockError(String);

impl fmt::Display for ClockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not an HTTP date: \"{}\"", self.0)
    }
}

impl std::error::Error for ClockError {}

pub(crate) fn to_system_time(t: Timestamp) -> SystemTime {
    let ms = t.millis();
    if ms >= 0 {
        UNIX_EPOCH + Duration::from_millis(ms.unsigned_abs())
    } else {
        UNIX_EPOCH - Duration::from_millis(ms.unsigned_abs())
    }
}

#[cfg(target_arch = "wasm32")]
fn system_now_ms() -> i64 {
    js_sys::Date::now() as i64
}

#[cfg(not(target_arch = "wasm32"))]
fn system_now_ms() -> i64 {
    // Native only (tests and tools); the browser build never reaches SystemTime.
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Parses the IMF-fixdate form of RFC 9110 (`Sun, 06 Nov 1994 08:49:37 GMT`), the only form
/// AWS sends, and, for robustness, the compact ISO form AWS puts in its error messages
/// (`20210216T174032Z`).
pub fn parse_http_date(text: &str) -> Result<Timestamp, ClockError> {
    let err = || ClockError(text.to_string());
    let s = text.trim();
    if let Some(ts) = parse_compact_iso(s) {
        return Ok(ts);
    }
    // Drop the weekday: "Tue, " — the date itself says which day it is.
    let rest = s.split_once(',').map_or(s, |(_, r)| r).trim();
    let mut parts: Vec<&str> = Vec::new();
    for part in rest.split_whitespace() {
        parts.push(part);
    }
    let [day, month, year, time, zone] = parts.as_slice() else {
        return Err(err());
    };
    if !matches!(*zone, "GMT" | "UTC" | "Z" | "+0000") {
        return Err(err());
    }
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(month))
        .ok_or_else(err)?
        + 1;
    let day: u32 = day.parse().map_err(|_| err())?;
    let year: u32 = year.parse().map_err(|_| err())?;
    if year > 9999 || time.len() != 8 {
        return Err(err());
    }
    let iso = format!("{year:04}-{month:02}-{day:02}T{time}Z");
    Timestamp::parse_iso8601(&iso).map_err(|_| err())
}

fn parse_compact_iso(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    // `20210216T174032Z` -> `2021-02-16T17:40:32Z`.
    let mut iso = String::with_capacity(20);
    for (part, then) in [
        (0..4, '-'),
        (4..6, '-'),
        (6..8, 'T'),
        (9..11, ':'),
        (11..13, ':'),
        (13..15, 'Z'),
    ] {
        iso.push_str(s.get(part)?);
        iso.push(then);
    }
    Timestamp::parse_iso8601(&iso).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_date_header_aws_sends() {
        // The Date of the CORS preflight in the reference evidence.
        let t = parse_http_date("Tue, 16 Feb 2021 17:30:32 GMT").unwrap();
        assert_eq!(t, Timestamp::parse_iso8601("2021-02-16T17:30:32Z").unwrap());
        assert_eq!(parse_http_date("20210216T173032Z").unwrap(), t);
        for bad in [
            "",
            "Tue, 16 Foo 2021 17:30:32 GMT",
            "16 Feb 2021",
            "Tue, 16 Feb 2021 17:30:32 PST",
        ] {
            assert!(parse_http_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn skew_moves_now_and_is_shared_by_clones() {
        let clock = Clock::fixed(1_000_000);
        let clone = clock.clone();
        let server = Timestamp::from_millis(1_000_000 + 20 * 60 * 1000);
        assert_eq!(clock.correct_to(server), 20 * 60 * 1000);
        assert_eq!(clone.now(), server);
        assert_eq!(clone.local_now(), Timestamp::from_millis(1_000_000));
    }
}
