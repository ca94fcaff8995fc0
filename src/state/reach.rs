//! Which region × service answers, learnt from the console's own calls: every request goes
//! through [`ReachCtx::observe`], which reads the region and service from the request's SigV4
//! credential scope and records whether an answer came. The header shows the pairs that stopped
//! answering ("us-west-2 · ElastiCache: no answer for 20 s"), so a hung or unreachable endpoint
//! is named, not inferred from a page that stopped changing.

use super::browser;
use crate::aws::{HttpRequest, HttpResponse, LocalBoxFuture, Transport, TransportError};
use crate::model::{Region, Service};
use leptos::prelude::*;
use std::collections::BTreeMap;
use std::rc::Rc;

/// A region × service that stopped answering.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreachable {
    /// When the first call that got no answer was sent (local clock, ms).
    pub since: i64,
    /// Calls without an answer since then.
    pub failures: u32,
    /// The last failure in words: `network error`, `timed out after 10 s`, `HTTP 503`.
    pub last_error: String,
}

/// The pairs that are not answering now, provided as context by `<App/>`.
#[derive(Clone, Copy)]
pub struct ReachCtx {
    pub failing: RwSignal<BTreeMap<(Region, Service), Unreachable>>,
}

impl ReachCtx {
    pub fn provide() -> ReachCtx {
        let ctx = ReachCtx {
            failing: RwSignal::new(BTreeMap::new()),
        };
        provide_context(ctx);
        ctx
    }

    pub fn expect() -> ReachCtx {
        expect_context()
    }

    /// Wraps a transport so that every call it sends is recorded here.
    pub fn observe(self, inner: Rc<dyn Transport>) -> Rc<dyn Transport> {
        Rc::new(Observed { inner, reach: self })
    }

    /// Records the outcome of one call sent at `sent` to `key`. An answer (any status below
    /// 500: a refusal is an answer) clears the pair; no answer or a 5xx adds a failure.
    pub fn record(&self, key: (Region, Service), sent: i64, failure: Option<String>) {
        match failure {
            None => {
                // Written only when it changes: most calls succeed and change nothing.
                if self.failing.with_untracked(|f| f.contains_key(&key)) {
                    self.failing.update(|f| {
                        f.remove(&key);
                    });
                }
            }
            Some(why) => self.failing.update(|f| {
                let entry = f.entry(key).or_insert(Unreachable {
                    since: sent,
                    failures: 0,
                    last_error: String::new(),
                });
                entry.since = entry.since.min(sent);
                entry.failures += 1;
                entry.last_error = why;
            }),
        }
    }
}

/// One line for a region: `us-west-2 · ElastiCache, Neptune: no answer for 20 s, since
/// 02:13:05 UTC (3 failed calls, last: timed out …)`. Services are named in the order given; the time counts from
/// the first unanswered call among them.
pub fn describe(region: &str, failing: &[(Service, &Unreachable)], now: i64) -> String {
    let since = failing.iter().map(|(_, u)| u.since).min().unwrap_or(now);
    let failures: u32 = failing.iter().map(|(_, u)| u.failures).sum();
    let last = failing
        .iter()
        .max_by_key(|(_, u)| u.since)
        .map_or("", |(_, u)| u.last_error.as_str());
    let services: Vec<&str> = failing.iter().map(|(s, _)| s.label()).collect();
    let calls = if failures == 1 {
        "1 failed call".to_string()
    } else {
        format!("{failures} failed calls")
    };
    format!(
        "{region} · {}: no answer for {} s, since {} UTC ({calls}, last: {last})",
        services.join(", "),
        (now - since).max(0) / 1000,
        crate::model::Timestamp(since).time_of_day()
    )
}

/// [`describe`] for one region of the map.
pub fn describe_region(
    failing: &BTreeMap<(Region, Service), Unreachable>,
    region: &str,
    now: i64,
) -> String {
    let entries: Vec<(Service, &Unreachable)> = failing
        .iter()
        .filter(|((r, _), _)| r == region)
        .map(|((_, s), u)| (*s, u))
        .collect();
    describe(region, &entries, now)
}

/// The region and service a signed request is for, from its credential scope
/// (`Credential=AKID/20261204/us-west-2/elasticache/aws4_request`).
pub fn scope_of(req: &HttpRequest) -> Option<(Region, Service)> {
    let auth = req.header("authorization")?;
    let credential = auth.split("Credential=").nth(1)?.split([',', ' ']).next()?;
    let mut parts = credential.split('/').skip(2);
    let region = parts.next()?;
    let service = match parts.next()? {
        "elasticache" => Service::ElastiCache,
        "rds" => Service::Neptune,
        "memorydb" => Service::MemoryDb,
        "sts" => Service::Sts,
        "monitoring" => Service::CloudWatch,
        _ => return None,
    };
    Some((region.to_string(), service))
}

struct Observed {
    inner: Rc<dyn Transport>,
    reach: ReachCtx,
}

impl Transport for Observed {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>> {
        let key = scope_of(&req);
        let sent = browser::now_ms();
        let answer = self.inner.send(req);
        let reach = self.reach;
        Box::pin(async move {
            let result = answer.await;
            if let Some(key) = key {
                let failure = match &result {
                    Ok(r) if r.status >= 500 => Some(format!("HTTP {}", r.status)),
                    Ok(_) => None,
                    Err(e) => Some(e.to_string()),
                };
                reach.record(key, sent, failure);
            }
            result
        })
    }

    fn sleep(&self, ms: u32) -> LocalBoxFuture<'_, ()> {
        self.inner.sleep(ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(scope: &str) -> HttpRequest {
        HttpRequest {
            method: "POST",
            url: "http://127.0.0.1:4566/".into(),
            headers: vec![(
                "Authorization".into(),
                format!("AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261204/{scope}/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc"),
            )],
            body: Vec::new(),
        }
    }

    #[test]
    fn the_scope_names_region_and_service() {
        assert_eq!(
            scope_of(&signed("us-west-2/elasticache")),
            Some(("us-west-2".into(), Service::ElastiCache))
        );
        assert_eq!(
            scope_of(&signed("eu-west-1/rds")),
            Some(("eu-west-1".into(), Service::Neptune))
        );
        assert_eq!(
            scope_of(&signed("us-east-1/memorydb")),
            Some(("us-east-1".into(), Service::MemoryDb))
        );
        assert_eq!(scope_of(&signed("us-east-1/s3")), None);
        let unsigned = HttpRequest {
            headers: Vec::new(),
            ..signed("us-east-1/rds")
        };
        assert_eq!(scope_of(&unsigned), None);
    }

    #[test]
    fn failures_count_from_the_first_unanswered_call_and_an_answer_clears_them() {
        let owner = Owner::new();
        owner.with(|| {
            let reach = ReachCtx {
                failing: RwSignal::new(BTreeMap::new()),
            };
            let key = ("us-west-2".to_string(), Service::ElastiCache);
            reach.record(key.clone(), 1_000, Some("timed out after 10 s".into()));
            reach.record(key.clone(), 4_000, Some("network error".into()));
            let u = reach.failing.with_untracked(|f| f[&key].clone());
            assert_eq!((u.since, u.failures), (1_000, 2));
            let neptune = ("us-west-2".to_string(), Service::Neptune);
            reach.record(neptune, 6_000, Some("HTTP 503".into()));
            reach.record(("eu-west-1".into(), Service::Neptune), 1_000, Some("x".into()));
            assert_eq!(
                reach.failing.with_untracked(|f| describe_region(f, "us-west-2", 21_000)),
                "us-west-2 · ElastiCache, Neptune: no answer for 20 s, since 00:00:01 UTC (3 failed calls, last: HTTP 503)"
            );
            reach.record(key.clone(), 22_000, None);
            assert!(!reach.failing.with_untracked(|f| f.contains_key(&key)));
            assert_eq!(reach.failing.with_untracked(BTreeMap::len), 2);
        });
    }
}
