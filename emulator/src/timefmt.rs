//! Conversions between epoch milliseconds and the date formats AWS puts on the wire.

use crate::models::Millis;

/// (year, month, day) of a day count since 1970-01-01 (Hinnant's civil-from-days).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Day count since 1970-01-01 of a civil date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

struct Parts {
    y: i64,
    mo: u32,
    d: u32,
    h: i64,
    mi: i64,
    s: i64,
    ms: i64,
    weekday: usize,
}

fn parts(t: Millis) -> Parts {
    let days = t.div_euclid(86_400_000);
    let rem = t.rem_euclid(86_400_000);
    let (y, mo, d) = civil_from_days(days);
    Parts {
        y,
        mo,
        d,
        h: rem / 3_600_000,
        mi: rem / 60_000 % 60,
        s: rem / 1000 % 60,
        ms: rem % 1000,
        // 1970-01-01 was a Thursday.
        weekday: (days + 4).rem_euclid(7) as usize,
    }
}

/// `2024-01-01T00:00:00.000Z`: how Query services write timestamps.
pub fn iso(t: Millis) -> String {
    let p = parts(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        p.y, p.mo, p.d, p.h, p.mi, p.s, p.ms
    )
}

/// `20240101T000000Z`: the SigV4 `X-Amz-Date` format.
pub fn amz(t: Millis) -> String {
    let p = parts(t);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        p.y, p.mo, p.d, p.h, p.mi, p.s
    )
}

/// `Mon, 01 Jan 2024 00:00:00 GMT`: the HTTP `Date` header (IMF-fixdate).
pub fn http_date(t: Millis) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let p = parts(t);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[p.weekday],
        p.d,
        MONTHS[(p.mo - 1) as usize],
        p.y,
        p.h,
        p.mi,
        p.s
    )
}

fn num(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn from_fields(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64) -> Option<Millis> {
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(y, mo as u32, d as u32);
    Some(((days * 86_400 + h * 3600 + mi * 60 + s) * 1000).max(0))
}

/// Parses `20240101T000000Z`.
pub fn parse_amz(s: &str) -> Option<Millis> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' || !s.is_ascii() {
        return None;
    }
    from_fields(
        num(&s[0..4])?,
        num(&s[4..6])?,
        num(&s[6..8])?,
        num(&s[9..11])?,
        num(&s[11..13])?,
        num(&s[13..15])?,
    )
}

/// Parses the ISO-8601 forms SDKs send in Query timestamps: `2024-01-01T00:00:00Z`,
/// with optional fractional seconds and a `Z` or `+00:00` offset; also a bare epoch number.
pub fn parse_iso(s: &str) -> Option<Millis> {
    if !s.is_ascii() {
        return None;
    }
    if let Ok(secs) = s.parse::<f64>() {
        return secs.is_finite().then_some((secs * 1000.0) as Millis);
    }
    let b = s.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || (b[10] != b'T' && b[10] != b' ') {
        return None;
    }
    let base = from_fields(
        num(&s[0..4])?,
        num(&s[5..7])?,
        num(&s[8..10])?,
        num(&s[11..13])?,
        num(&s[14..16])?,
        num(&s[17..19])?,
    )?;
    let mut rest = &s[19..];
    let mut frac_ms = 0;
    if let Some(r) = rest.strip_prefix('.') {
        let digits = r.bytes().take_while(u8::is_ascii_digit).count();
        let f = &r[..digits];
        let padded = format!("{:0<3}", &f[..f.len().min(3)]);
        frac_ms = num(&padded)?;
        rest = &r[digits..];
    }
    let offset_ms = match rest {
        "" | "Z" | "z" => 0,
        o if o.len() == 6 && (o.starts_with('+') || o.starts_with('-')) && &o[3..4] == ":" => {
            let mins = num(&o[1..3])? * 60 + num(&o[4..6])?;
            let sign = if o.starts_with('+') { 1 } else { -1 };
            sign * mins * 60_000
        }
        _ => return None,
    };
    Some(base + frac_ms - offset_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_round_trip() {
        let t = 1_704_067_200_000; // 2024-01-01T00:00:00Z, a Monday
        assert_eq!(iso(t), "2024-01-01T00:00:00.000Z");
        assert_eq!(amz(t), "20240101T000000Z");
        assert_eq!(http_date(t), "Mon, 01 Jan 2024 00:00:00 GMT");
        assert_eq!(parse_amz("20240101T000000Z"), Some(t));
        assert_eq!(parse_iso("2024-01-01T00:00:00Z"), Some(t));
        assert_eq!(parse_iso("2024-01-01T01:00:00.5+01:00"), Some(t + 500));
        assert_eq!(parse_iso("1704067200"), Some(t));
        assert_eq!(parse_iso("2024-13-01T00:00:00Z"), None);
        assert_eq!(parse_amz("2024010T000000Z"), None);
        assert_eq!(iso(1_709_210_096_789), "2024-02-29T12:34:56.789Z");
    }
}
