//! What the relay lets through, decided without I/O: which AWS hosts, which origins, which
//! headers, how much body and how often. Unit-tested here; `server.rs` applies it.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// The first labels of the AWS hosts the console calls: ElastiCache, Neptune (RDS's API),
/// MemoryDB, CloudWatch, STS. Nothing else is forwarded.
pub const SERVICES: [&str; 5] = ["elasticache", "rds", "memory-db", "monitoring", "sts"];

/// Request headers forwarded to AWS: what the console signs or AWS reads. Everything else
/// (cookies, the browser's own headers) stays here.
pub const FORWARDED_REQUEST_HEADERS: [&str; 11] = [
    "authorization",
    "content-type",
    "x-amz-date",
    "x-amz-security-token",
    "x-amz-target",
    "x-amz-content-sha256",
    "x-amz-user-agent",
    "x-amzn-query-mode",
    "smithy-protocol",
    "amz-sdk-invocation-id",
    "amz-sdk-request",
];

/// Answer headers passed back to the browser, and exposed to its script.
pub const FORWARDED_RESPONSE_HEADERS: [&str; 7] = [
    "content-type",
    "date",
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-amzn-errortype",
    "x-amzn-query-error",
    "smithy-protocol",
];

/// `memory-db.us-east-1.amazonaws.com` from a path `/memory-db.us-east-1.amazonaws.com/rest`:
/// the host and the path to send it (`/rest`), when the host is one the relay serves.
pub fn target(path: &str) -> Result<(String, String), String> {
    let rest = path.strip_prefix('/').unwrap_or(path);
    let (host, tail) = match rest.split_once('/') {
        Some((h, t)) => (h, format!("/{t}")),
        None => (rest, "/".to_string()),
    };
    let host = host.to_ascii_lowercase();
    let (prefix, after) = host
        .split_once('.')
        .ok_or_else(|| format!("\"{host}\" is not an AWS host"))?;
    if !SERVICES.contains(&prefix) {
        return Err(format!(
            "\"{host}\" is not one of the services this relay forwards to ({})",
            SERVICES.join(", ")
        ));
    }
    let (region, suffix) = after
        .split_once('.')
        .ok_or_else(|| format!("\"{host}\" is not an AWS host"))?;
    let region_ok = region.len() <= 32
        && region.split('-').count() >= 3
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !region_ok || !(suffix == "amazonaws.com" || suffix == "amazonaws.com.cn") {
        return Err(format!(
            "\"{host}\" is not <service>.<region>.amazonaws.com[.cn]"
        ));
    }
    Ok((host, tail))
}

/// Whether `origin` is one of the configured ones (exact match, scheme and port included).
pub fn origin_allowed(allowed: &[String], origin: Option<&str>) -> bool {
    origin.is_some_and(|o| allowed.iter().any(|a| a == o))
}

/// The headers a preflight may ask for: the forwarded ones. `None` when it asks for another.
pub fn preflight_headers(requested: Option<&str>) -> Result<String, String> {
    let mut out = Vec::new();
    for h in requested
        .unwrap_or_default()
        .split(',')
        .map(|h| h.trim().to_ascii_lowercase())
        .filter(|h| !h.is_empty())
    {
        if !FORWARDED_REQUEST_HEADERS.contains(&h.as_str()) {
            return Err(format!("header {h} is not forwarded by this relay"));
        }
        out.push(h);
    }
    Ok(out.join(","))
}

/// What to log of a call: the operation, never a secret. JSON services name it in
/// `X-Amz-Target`; Query services in the body's `Action`.
pub fn operation(target_header: Option<&str>, body: &[u8]) -> String {
    if let Some(t) = target_header {
        return t.rsplit('.').next().unwrap_or(t).to_string();
    }
    body.split(|b| *b == b'&')
        .find_map(|pair| pair.strip_prefix(b"Action="))
        .map(|a| {
            String::from_utf8_lossy(a)
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .take(64)
                .collect()
        })
        .unwrap_or_else(|| "-".into())
}

/// A token bucket per client address: `per_minute` requests a minute, bursts up to that.
pub struct RateLimit {
    per_minute: u32,
    buckets: HashMap<IpAddr, (f64, Instant)>,
}

impl RateLimit {
    pub fn new(per_minute: u32) -> RateLimit {
        RateLimit {
            per_minute,
            buckets: HashMap::new(),
        }
    }

    /// Takes one token for `ip` at `now`; `Err(wait)` when there is none.
    pub fn take(&mut self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        let capacity = f64::from(self.per_minute);
        let per_s = capacity / 60.0;
        if self.buckets.len() > 10_000 {
            // Forget idle clients rather than grow without bound.
            self.buckets
                .retain(|_, (_, at)| now.duration_since(*at) < Duration::from_secs(120));
        }
        let (tokens, at) = self.buckets.entry(ip).or_insert((capacity, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * per_s).min(capacity);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - *tokens) / per_s))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_consoles_aws_hosts_are_targets() {
        assert_eq!(
            target("/memory-db.us-east-1.amazonaws.com/").unwrap(),
            ("memory-db.us-east-1.amazonaws.com".into(), "/".into())
        );
        assert_eq!(
            target("/monitoring.cn-north-1.amazonaws.com.cn/service/x")
                .unwrap()
                .1,
            "/service/x"
        );
        assert_eq!(target("/STS.eu-west-1.amazonaws.com").unwrap().1, "/");
        for bad in [
            "/s3.us-east-1.amazonaws.com/",
            "/memory-db.us-east-1.evil.com/",
            "/memory-db.amazonaws.com/",
            "/169.254.169.254/latest/meta-data",
            "/localhost:4566/",
            "/memory-db.us-east-1.amazonaws.com.evil.com/",
            "/",
        ] {
            assert!(target(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn origins_match_exactly() {
        let allowed = vec!["https://console.example".to_string()];
        assert!(origin_allowed(&allowed, Some("https://console.example")));
        assert!(!origin_allowed(
            &allowed,
            Some("https://console.example:8443")
        ));
        assert!(!origin_allowed(&allowed, Some("http://console.example")));
        assert!(!origin_allowed(&allowed, None));
    }

    #[test]
    fn preflights_may_ask_only_for_forwarded_headers() {
        assert_eq!(
            preflight_headers(Some("Authorization, x-amz-date,content-type")).unwrap(),
            "authorization,x-amz-date,content-type"
        );
        assert!(preflight_headers(Some("cookie")).is_err());
        assert_eq!(preflight_headers(None).unwrap(), "");
    }

    #[test]
    fn operations_are_named_without_secrets() {
        assert_eq!(
            operation(Some("AmazonMemoryDB.FailoverShard"), b""),
            "FailoverShard"
        );
        assert_eq!(
            operation(None, b"Action=DescribeGlobalClusters&Version=2014-10-31"),
            "DescribeGlobalClusters"
        );
        assert_eq!(
            operation(
                None,
                b"Version=1&Action=Assume%3Cscript%3E&WebIdentityToken=secret"
            ),
            "Assume3Cscript3E"
        );
        assert_eq!(operation(None, b"{}"), "-");
    }

    #[test]
    fn the_rate_limit_refills_over_time() {
        let mut r = RateLimit::new(60);
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..60 {
            assert!(r.take(ip, t0).is_ok());
        }
        let wait = r.take(ip, t0).unwrap_err();
        assert!(wait <= Duration::from_secs(1), "{wait:?}");
        assert!(r.take(ip, t0 + Duration::from_millis(1100)).is_ok());
        // Another client has its own bucket.
        assert!(r.take("10.0.0.1".parse().unwrap(), t0).is_ok());
    }
}
