//! Timestamps as milliseconds since the Unix epoch, with the two wire forms AWS uses:
//! ISO 8601 (Query/XML) and epoch seconds (JSON 1.1).

use std::fmt;

/// A point in time, milliseconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimestampError(String);

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a timestamp: \"{}\"", self.0)
    }
}

impl std::error::Error for TimestampError {}

impl Timestamp {
    pub fn from_millis(millis: i64) -> Self {
        Timestamp(millis)
    }

    pub fn millis(self) -> i64 {
        self.0
    }

    /// Epoch seconds with an optional fraction, as JSON 1.1 sends them (`1700000000.123`).
    /// From milliseconds since the epoch (JSON 1.1 sends epoch seconds; the decoder turns them
    /// into milliseconds exactly). More than 10^13 seconds away is a garbled number, not a time.
    pub fn from_epoch_millis(ms: i64) -> Result<Self, TimestampError> {
        if ms.unsigned_abs() > 10_000_000_000_000_000 {
            return Err(TimestampError(format!("{ms} ms since 1970")));
        }
        Ok(Timestamp(ms))
    }

    /// ISO 8601 in UTC as AWS writes it: `2024-05-01T12:34:56Z`, `2024-05-01T12:34:56.789Z`,
    /// or with a numeric offset `+00:00`.
    pub fn parse_iso8601(text: &str) -> Result<Self, TimestampError> {
        let err = || TimestampError(text.to_string());
        let s = text.trim();
        let b = s.as_bytes();
        if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
            return Err(err());
        }
        if b[13] != b':' || b[16] != b':' {
            return Err(err());
        }
        let num = |range: std::ops::Range<usize>| -> Result<i64, TimestampError> {
            let part = s.get(range).ok_or_else(err)?;
            let mut n = 0;
            for c in part.bytes() {
                if !c.is_ascii_digit() {
                    return Err(err());
                }
                n = n * 10 + i64::from(c - b'0');
            }
            Ok(n)
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&month)
            || !(1..=days_in_month(year, month)).contains(&day)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return Err(err());
        }
        let mut rest = &s[19..];
        let mut millis = 0i64;
        if let Some(frac) = rest.strip_prefix('.') {
            let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(err());
            }
            // Milliseconds: the first three digits, padded with zeros.
            let kept = digits.min(3);
            for &c in &frac.as_bytes()[..kept] {
                millis = millis * 10 + i64::from(c - b'0');
            }
            for _ in kept..3 {
                millis *= 10;
            }
            rest = &frac[digits..];
        }
        let offset_minutes = match rest {
            "Z" | "z" | "" => 0,
            _ => {
                let rb = rest.as_bytes();
                if rb.len() != 6 || !matches!(rb[0], b'+' | b'-') || rb[3] != b':' {
                    return Err(err());
                }
                let h: i64 = rest[1..3].parse().map_err(|_| err())?;
                let m: i64 = rest[4..6].parse().map_err(|_| err())?;
                let sign = if rb[0] == b'-' { -1 } else { 1 };
                sign * (h * 60 + m)
            }
        };
        let days = days_from_civil(year, month, day);
        let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
        Ok(Timestamp(secs * 1000 + millis))
    }

    /// `2024-05-01T12:34:56.789Z`.
    pub fn to_iso8601(self) -> String {
        let secs = self.0.div_euclid(1000);
        let millis = self.0.rem_euclid(1000);
        let days = secs.div_euclid(86_400);
        let in_day = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
            in_day / 3600,
            (in_day % 3600) / 60,
            in_day % 60
        )
    }

    /// `Dec 4 12:34:56 UTC`: a timeline's line, its date and zone said (events of six hours
    /// cross midnight, and a reader's local zone is not UTC).
    pub fn short_utc(self) -> String {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let (_, m, d) = civil_from_days(self.0.div_euclid(1000).div_euclid(86_400));
        format!(
            "{} {d} {} UTC",
            MONTHS[(m - 1) as usize],
            self.time_of_day()
        )
    }

    /// `12:34:56` UTC, for timelines where the date is obvious.
    pub fn time_of_day(self) -> String {
        let in_day = self.0.div_euclid(1000).rem_euclid(86_400);
        format!(
            "{:02}:{:02}:{:02}",
            in_day / 3600,
            (in_day % 3600) / 60,
            in_day % 60
        )
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(year) => 29,
        _ => 28,
    }
}

// Howard Hinnant's days-from-civil algorithm (proleptic Gregorian calendar).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeline_times_say_their_date_and_zone() {
        let t = Timestamp::parse_iso8601("2026-12-04T05:14:26Z").unwrap();
        assert_eq!(t.short_utc(), "Dec 4 05:14:26 UTC");
        let t = Timestamp::parse_iso8601("2024-02-29T23:59:59Z").unwrap();
        assert_eq!(t.short_utc(), "Feb 29 23:59:59 UTC");
    }

    #[test]
    fn parses_the_forms_aws_sends() {
        // 2015-01-01T00:00:00Z is 1420070400 seconds after the epoch.
        assert_eq!(
            Timestamp::parse_iso8601("2015-01-01T00:00:00Z"),
            Ok(Timestamp(1_420_070_400_000))
        );
        assert_eq!(
            Timestamp::parse_iso8601("2015-01-01T00:00:00.25Z"),
            Ok(Timestamp(1_420_070_400_250))
        );
        assert_eq!(
            Timestamp::parse_iso8601("2015-01-01T02:00:00+02:00"),
            Ok(Timestamp(1_420_070_400_000))
        );
        assert_eq!(
            Timestamp::from_epoch_millis(1_420_070_400_500),
            Ok(Timestamp(1_420_070_400_500))
        );
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        for bad in [
            "",
            "2015-13-01T00:00:00Z",
            "2015-02-30T00:00:00Z",
            "yesterday",
            "2015-01-01T00:00:00Q",
        ] {
            assert!(Timestamp::parse_iso8601(bad).is_err(), "{bad}");
        }
        assert!(Timestamp::from_epoch_millis(i64::MIN).is_err());
        assert!(Timestamp::from_epoch_millis(10_000_000_000_000_001).is_err());
    }

    #[test]
    fn formats_round_trip() {
        for text in [
            "1970-01-01T00:00:00.000Z",
            "2024-02-29T23:59:59.999Z",
            "1969-12-31T23:59:59.000Z",
        ] {
            assert_eq!(Timestamp::parse_iso8601(text).unwrap().to_iso8601(), text);
        }
    }
}
