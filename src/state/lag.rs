//! Replication lag between Regions, from CloudWatch: which metric each secondary publishes,
//! one batched `GetMetricData` per Region, and what the numbers mean for a failover (the
//! member with the least lag, the writes at risk, the threshold warning).
//!
//! A missing datapoint is "no data", never 0: Neptune sends its lag only when it is not zero,
//! and a metric CloudWatch cannot read says why. What is not known is said to be unknown.

use super::action::CheckOutcome;
use super::api::Detail;
use super::browser;
use super::session::Session;
use crate::aws::services::cloudwatch::{MetricDescriptor, MetricQuery, MetricSeries};
use crate::model::{NodeRole, Timestamp};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// The sparkline's window.
pub const WINDOW_MS: i64 = 15 * 60_000;
/// Datapoints a minute apart: CloudWatch's finest standard resolution for these metrics.
pub const PERIOD_S: i64 = 60;
/// How often the lag on screen is read again: once a minute per Region at most.
pub const POLL_MS: u32 = 60_000;
/// The default lag above which a failover's preflight warns.
pub const DEFAULT_THRESHOLD_S: f64 = 10.0;
const THRESHOLD_KEY: &str = "fc.lag-threshold";

/// Which metric carries a secondary's lag.
#[derive(Clone, Debug, PartialEq)]
pub enum LagMetric {
    /// ElastiCache `GlobalDatastoreReplicationLag` (seconds) by `CacheClusterId` of each
    /// shard's primary; `None`: not known yet, found with ListMetrics (ids `<group>-…`).
    GlobalDatastore { cache_clusters: Option<Vec<String>> },
    /// Neptune `GlobalDbProgressLag` (ms) by `DBClusterIdentifier` and `SourceRegion`.
    GlobalDatabase,
    /// MemoryDB `MultiRegionClusterReplicationLag` (ms) per shard; its dimensions are not
    /// documented, so they are found with ListMetrics (the cluster's name and the source
    /// Region among the values).
    MultiRegion,
}

/// A secondary (or a regional cluster, for one source Region) whose lag is read.
#[derive(Clone, Debug, PartialEq)]
pub struct LagSource {
    /// Replication group, Neptune cluster or regional cluster.
    pub member: String,
    /// Where the member is, and so where CloudWatch holds its metric.
    pub region: String,
    /// The Region it replicates from.
    pub from_region: String,
    pub metric: LagMetric,
}

impl LagSource {
    fn namespace_and_name(&self) -> (&'static str, &'static str) {
        match self.metric {
            LagMetric::GlobalDatastore { .. } => {
                ("AWS/ElastiCache", "GlobalDatastoreReplicationLag")
            }
            LagMetric::GlobalDatabase => ("AWS/Neptune", "GlobalDbProgressLag"),
            LagMetric::MultiRegion => ("AWS/MemoryDB", "MultiRegionClusterReplicationLag"),
        }
    }

    /// The factor to seconds of the metric's unit.
    fn to_seconds(&self) -> f64 {
        match self.metric {
            LagMetric::GlobalDatastore { .. } => 1.0,
            _ => 0.001,
        }
    }

    fn needs_discovery(&self) -> bool {
        matches!(
            self.metric,
            LagMetric::GlobalDatastore {
                cache_clusters: None
            } | LagMetric::MultiRegion
        )
    }

    /// The dimension sets of this source's series, given what ListMetrics found in its Region.
    fn dimension_sets(&self, found: &[MetricDescriptor]) -> Vec<Vec<(String, String)>> {
        let (namespace, name) = self.namespace_and_name();
        let found = found
            .iter()
            .filter(|m| m.namespace == namespace && m.metric == name);
        match &self.metric {
            LagMetric::GlobalDatastore {
                cache_clusters: Some(ids),
            } => ids
                .iter()
                .map(|id| vec![("CacheClusterId".to_string(), id.clone())])
                .collect(),
            LagMetric::GlobalDatastore {
                cache_clusters: None,
            } => {
                let prefix = format!("{}-", self.member);
                found
                    .filter(|m| {
                        matches!(&m.dimensions[..], [(k, v)] if k == "CacheClusterId" && v.starts_with(&prefix))
                    })
                    .map(|m| m.dimensions.clone())
                    .collect()
            }
            LagMetric::GlobalDatabase => vec![vec![
                ("DBClusterIdentifier".to_string(), self.member.clone()),
                ("SourceRegion".to_string(), self.from_region.clone()),
            ]],
            LagMetric::MultiRegion => found
                .filter(|m| {
                    m.dimensions.iter().any(|(_, v)| *v == self.member)
                        && m.dimensions.iter().any(|(_, v)| *v == self.from_region)
                })
                .map(|m| m.dimensions.clone())
                .collect(),
        }
    }
}

/// The secondaries of a resource, from its page's read: writer → each secondary.
pub fn sources_for(detail: &Detail) -> Vec<LagSource> {
    match detail {
        Detail::GlobalDatastore { datastore, members } => {
            let Some(primary) = datastore.primary() else {
                return Vec::new();
            };
            datastore
                .secondaries()
                .map(|m| {
                    let rg = members
                        .iter()
                        .flatten()
                        .find(|r| r.id == m.replication_group_id);
                    LagSource {
                        member: m.replication_group_id.clone(),
                        region: m.region.clone(),
                        from_region: primary.region.clone(),
                        metric: LagMetric::GlobalDatastore {
                            cache_clusters: rg.map(|rg| {
                                rg.shards
                                    .iter()
                                    .flat_map(|s| s.nodes.iter())
                                    .filter(|n| n.role == NodeRole::Primary)
                                    .map(|n| n.id.clone())
                                    .collect()
                            }),
                        },
                    }
                })
                .collect()
        }
        Detail::GlobalDatabase { database, .. } => {
            let Some(writer) = database.members.iter().find(|m| m.is_writer) else {
                return Vec::new();
            };
            let Some(from) = writer.region.clone() else {
                return Vec::new();
            };
            database
                .members
                .iter()
                .filter(|m| !m.is_writer)
                .filter_map(|m| {
                    Some(LagSource {
                        member: m.cluster_id().to_string(),
                        region: m.region.clone()?,
                        from_region: from.clone(),
                        metric: LagMetric::GlobalDatabase,
                    })
                })
                .collect()
        }
        Detail::MultiRegion { cluster, .. } => {
            let mut out = Vec::new();
            for to in &cluster.clusters {
                for from in cluster.clusters.iter().filter(|c| c.region != to.region) {
                    out.push(LagSource {
                        member: to.name.clone(),
                        region: to.region.clone(),
                        from_region: from.region.clone(),
                        metric: LagMetric::MultiRegion,
                    });
                }
            }
            out
        }
        _ => Vec::new(),
    }
}

/// The secondaries a plan evacuating `region` may move writers to, from the inventory's rows:
/// their ElastiCache metrics found with ListMetrics, Neptune's named directly. Members in a
/// Region that does not answer are left out (their read would only wait for its timeout).
pub fn sources_for_evacuation<'a>(
    region: &str,
    rows: impl IntoIterator<Item = &'a super::rows::Row>,
    answers: &dyn Fn(&str, crate::model::Service) -> bool,
) -> Vec<LagSource> {
    use super::rows::ResourceKind;
    let mut out = Vec::new();
    for row in rows {
        let metric = match row.resource.kind {
            ResourceKind::GlobalDatastore => LagMetric::GlobalDatastore {
                cache_clusters: None,
            },
            ResourceKind::GlobalDatabase => LagMetric::GlobalDatabase,
            _ => continue,
        };
        if !row.parts.iter().any(|m| m.writer && m.region == region) {
            continue;
        }
        for m in row.parts.iter().filter(|m| !m.writer && m.region != region) {
            let source = LagSource {
                member: m.id.clone(),
                region: m.region.clone(),
                from_region: region.to_string(),
                metric: metric.clone(),
            };
            if answers(&m.region, crate::model::Service::CloudWatch) && !out.contains(&source) {
                out.push(source);
            }
        }
    }
    out
}

/// One Region's GetMetricData: the queries, and for each the source it belongs to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RegionQueries {
    pub queries: Vec<MetricQuery>,
    pub owners: Vec<usize>,
}

/// Every source's queries, grouped by Region: one call per Region, ids unique in the call.
/// `found` holds what ListMetrics answered in the Regions that needed it.
pub fn plan_queries(
    sources: &[LagSource],
    found: &BTreeMap<String, Vec<MetricDescriptor>>,
) -> BTreeMap<String, RegionQueries> {
    let mut out: BTreeMap<String, RegionQueries> = BTreeMap::new();
    for (i, s) in sources.iter().enumerate() {
        let (namespace, metric) = s.namespace_and_name();
        let here = found.get(&s.region).map_or(&[][..], Vec::as_slice);
        let slot = out.entry(s.region.clone()).or_default();
        for dims in s.dimension_sets(here) {
            slot.queries.push(MetricQuery {
                id: format!("m{}", slot.queries.len()),
                namespace: namespace.into(),
                metric: metric.into(),
                dimensions: dims,
                period: PERIOD_S,
                stat: "Maximum".into(),
            });
            slot.owners.push(i);
        }
    }
    out
}

/// What is known of one source's lag.
#[derive(Clone, Debug, PartialEq)]
pub enum LagState {
    /// The latest datapoint: (when, local-clock ms, seconds of lag).
    Known { at: i64, seconds: f64 },
    /// CloudWatch answered without a datapoint in the window: why that is not a zero.
    NoData(String),
    /// CloudWatch could not be read (or the metric could not be found): why.
    Unknown(String),
}

/// A source's lag: its state and the window's series in seconds, oldest first.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    pub member: String,
    pub region: String,
    pub from_region: String,
    pub state: LagState,
    pub series: Vec<(i64, f64)>,
}

impl Reading {
    pub fn seconds(&self) -> Option<f64> {
        match self.state {
            LagState::Known { seconds, .. } => Some(seconds),
            _ => None,
        }
    }
}

/// Reads the answers of each Region's call into one reading per source; a source with several
/// series (one per shard) lags as much as its slowest shard at each minute.
pub fn readings(
    sources: &[LagSource],
    plan: &BTreeMap<String, RegionQueries>,
    answers: &BTreeMap<String, Result<Vec<MetricSeries>, String>>,
) -> Vec<Reading> {
    sources
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut by_minute: BTreeMap<i64, f64> = BTreeMap::new();
            let mut unknown = None;
            let mut asked = 0;
            if let Some(q) = plan.get(&s.region) {
                for (query, _) in q.queries.iter().zip(&q.owners).filter(|(_, o)| **o == i) {
                    asked += 1;
                    match answers.get(&s.region) {
                        Some(Ok(series)) => {
                            let Some(found) = series.iter().find(|x| x.id == query.id) else {
                                continue;
                            };
                            if !found.complete() && found.points.is_empty() {
                                unknown = Some(format!(
                                    "CloudWatch answered {}{}",
                                    found.status,
                                    found
                                        .messages
                                        .first()
                                        .map(|m| format!(": {m}"))
                                        .unwrap_or_default()
                                ));
                            }
                            for (t, v) in &found.points {
                                let v = v * s.to_seconds();
                                let e = by_minute.entry(t.millis()).or_insert(v);
                                *e = e.max(v);
                            }
                        }
                        Some(Err(e)) => unknown = Some(format!("CloudWatch not read: {e}")),
                        None => unknown = Some("CloudWatch not read yet".into()),
                    }
                }
            }
            let series: Vec<(i64, f64)> = by_minute.into_iter().collect();
            let state = match (series.last(), unknown) {
                (Some(&(at, seconds)), _) => LagState::Known { at, seconds },
                (None, Some(why)) => LagState::Unknown(why),
                // Nothing asked because finding the metric failed: that is why it is unknown.
                (None, None) if asked == 0 => match answers.get(&s.region) {
                    Some(Err(e)) => LagState::Unknown(format!("CloudWatch not read: {e}")),
                    _ => LagState::Unknown(format!(
                        "no {} metric found for {} in {}",
                        s.namespace_and_name().1,
                        s.member,
                        s.region
                    )),
                },
                (None, None) => LagState::NoData(match s.metric {
                    LagMetric::GlobalDatabase => {
                        "no datapoint in 15 min: Neptune sends this metric only when it is not \
                         zero, so probably no lag, but that is not confirmed"
                            .into()
                    }
                    _ => "no datapoint in the last 15 minutes".into(),
                }),
            };
            Reading {
                member: s.member.clone(),
                region: s.region.clone(),
                from_region: s.from_region.clone(),
                state,
                series,
            }
        })
        .collect()
}

/// The reading with the least recent lag, among those known.
pub fn least_lag(readings: &[Reading]) -> Option<&Reading> {
    readings
        .iter()
        .filter_map(|r| r.seconds().map(|s| (r, s)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(r, _)| r)
}

/// `0.8 s`, `12 s`, `3 min`.
pub fn seconds_text(s: f64) -> String {
    if s < 10.0 {
        format!("{s:.1} s")
    } else if s < 120.0 {
        format!("{s:.0} s")
    } else {
        format!("{:.0} min", s / 60.0)
    }
}

/// `HH:MM UTC` of a datapoint.
fn minute_utc(at: i64) -> String {
    let t = Timestamp::from_millis(at).time_of_day();
    format!("{} UTC", &t[..5])
}

/// What a failover to this member may lose, as the preflight and the confirmation say it.
pub fn at_risk(r: &Reading) -> String {
    match &r.state {
        LagState::Known { at, seconds } => format!(
            "Estimated writes at risk: about {} of changes (last lag value at {})",
            seconds_text(*seconds),
            minute_utc(*at)
        ),
        LagState::NoData(why) | LagState::Unknown(why) => {
            format!("Estimated writes at risk: unknown ({why})")
        }
    }
}

/// The preflight check of a move to this member: a warning above the threshold or when the
/// lag is not known; never a blocker (the lag is an estimate).
pub fn check(r: Option<&Reading>, threshold_s: f64) -> (CheckOutcome, String) {
    let Some(r) = r else {
        return (
            CheckOutcome::Warn,
            "Estimated writes at risk: unknown (no lag read for this member yet)".into(),
        );
    };
    let text = at_risk(r);
    match r.seconds() {
        Some(s) if s > threshold_s => (
            CheckOutcome::Warn,
            format!("{text}: above the {} threshold", seconds_text(threshold_s)),
        ),
        Some(_) => (CheckOutcome::Pass, text),
        None => (CheckOutcome::Warn, text),
    }
}

/// The lag shown, app-wide: readings by resource key, and the warning threshold (kept in
/// the browser's storage).
#[derive(Clone, Copy)]
pub struct LagCtx {
    pub book: RwSignal<BTreeMap<String, Vec<Reading>>>,
    pub threshold_s: RwSignal<f64>,
}

impl LagCtx {
    /// `default_s`: the deployment's threshold (`thresholds.lagSeconds`), else 10 s; a
    /// threshold the person set in this browser wins over both.
    pub fn provide(default_s: Option<f64>) -> LagCtx {
        let stored = browser::storage_get(THRESHOLD_KEY)
            .and_then(|t| t.parse::<f64>().ok())
            .filter(|t| t.is_finite() && *t > 0.0);
        let ctx = LagCtx {
            book: RwSignal::new(BTreeMap::new()),
            threshold_s: RwSignal::new(stored.or(default_s).unwrap_or(DEFAULT_THRESHOLD_S)),
        };
        provide_context(ctx);
        ctx
    }

    pub fn expect() -> LagCtx {
        expect_context()
    }

    pub fn set_threshold(&self, seconds: f64) {
        if seconds.is_finite() && seconds > 0.0 {
            browser::storage_set(THRESHOLD_KEY, &seconds.to_string());
            self.threshold_s.set(seconds);
        }
    }

    /// The lag of one member of a resource, when read.
    pub fn reading(&self, key: &str, member: &str) -> Option<Reading> {
        self.book.with(|b| {
            b.get(key)
                .and_then(|rs| rs.iter().find(|r| r.member == member).cloned())
        })
    }
}

/// Why CloudWatch could not be read, short enough for an edge's tooltip and a dialog line:
/// `AccessDeniedException in us-west-2`, `no answer in us-west-2`.
fn short_reason(e: &crate::aws::AwsError, region: &str) -> String {
    use crate::aws::ErrorKind;
    match (e.kind(), e.code()) {
        (ErrorKind::Transport, _) => format!("no answer in {region}"),
        (ErrorKind::Decode, _) => format!("an unreadable answer in {region}"),
        (_, Some(code)) => format!("{code} in {region}"),
        _ => format!("{e} ({region})"),
    }
}

/// Reads the lag of `sources` ending at `now` (server clock, ms): ListMetrics where the
/// dimensions must be found, then one GetMetricData per Region, all Regions at once.
pub async fn fetch(session: &Session, sources: &[LagSource], now: i64) -> Vec<Reading> {
    let c = &session.client;
    let mut discover: Vec<(String, &'static str, &'static str)> = Vec::new();
    for src in sources.iter().filter(|s| s.needs_discovery()) {
        let (ns, name) = src.namespace_and_name();
        let key = (src.region.clone(), ns, name);
        if !discover.contains(&key) {
            discover.push(key);
        }
    }
    let listed = futures::future::join_all(discover.iter().map(|(region, ns, name)| async move {
        let answer = c.cloudwatch(region).list_metrics(ns, name).await;
        (region.clone(), answer)
    }))
    .await;
    let mut found: BTreeMap<String, Vec<MetricDescriptor>> = BTreeMap::new();
    let mut list_errors: BTreeMap<String, String> = BTreeMap::new();
    for (region, answer) in listed {
        match answer {
            Ok(m) => found.entry(region).or_default().extend(m),
            Err(e) => {
                let why = short_reason(&e, &region);
                list_errors.insert(region, why);
            }
        }
    }
    let plan = plan_queries(sources, &found);
    let calls = futures::future::join_all(plan.iter().filter(|(_, q)| !q.queries.is_empty()).map(
        |(region, q)| async move {
            let answer = c
                .cloudwatch(region)
                .get_metric_data(&q.queries, now - WINDOW_MS, now)
                .await
                .map_err(|e| short_reason(&e, region));
            (region.clone(), answer)
        },
    ))
    .await;
    let mut answers: BTreeMap<String, Result<Vec<MetricSeries>, String>> =
        calls.into_iter().collect();
    for (region, e) in list_errors {
        answers.entry(region).or_insert(Err(e));
    }
    readings(sources, &plan, &answers)
}

#[cfg(test)]
#[path = "lag_tests.rs"]
mod tests;
