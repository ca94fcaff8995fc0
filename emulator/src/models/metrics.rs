//! What CloudWatch would hold about cross-Region replication: one lag series per secondary,
//! computed from the world at read time (nothing is stored per datapoint).
//!
//! The metrics, as AWS documents them:
//! - ElastiCache `GlobalDatastoreReplicationLag` (`AWS/ElastiCache`, Seconds), dimension
//!   `CacheClusterId` of each shard's primary node of a secondary member, in its Region.
//! - Neptune `GlobalDbProgressLag` (`AWS/Neptune`, Milliseconds): in the secondary's Region with
//!   `DBClusterIdentifier` + `SourceRegion`, in the primary's with `DBClusterIdentifier` of the
//!   primary + `SecondaryRegion`. Neptune sends only non-zero values.
//! - MemoryDB `MultiRegionClusterReplicationLag` (`AWS/MemoryDB`, Milliseconds), per shard and
//!   source Region, in the receiving regional cluster's Region. AWS does not document its
//!   dimension names; these are `ClusterName`, `ShardName`, `SourceRegion`, found by ListMetrics.

use super::{Millis, World};
use std::collections::BTreeMap;

/// How a secondary's lag moves over time (`--lag ID=PROFILE`, `POST /_emulator/lag`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LagProfile {
    /// Under a second, moving a little.
    Steady,
    /// About a second, with a minute-long spike of ~8 s every six minutes.
    Spiky,
    /// Starts at 1.5 s and grows by a second each minute (the last 15 minutes already show it).
    Growing,
    /// No lag: Neptune then publishes nothing, the others publish 0.
    Zero,
}

impl LagProfile {
    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "steady" => Ok(LagProfile::Steady),
            "spiky" => Ok(LagProfile::Spiky),
            "growing" => Ok(LagProfile::Growing),
            "zero" => Ok(LagProfile::Zero),
            _ => Err(format!(
                "unknown lag profile '{s}': use steady, spiky, growing or zero"
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LagProfile::Steady => "steady",
            LagProfile::Spiky => "spiky",
            LagProfile::Growing => "growing",
            LagProfile::Zero => "zero",
        }
    }
}

const MINUTE: Millis = 60_000;
/// How far back a growing profile already reaches when it is set.
const GROWING_HISTORY: Millis = 15 * MINUTE;

/// The lag state: profiles by secondary id, and since when each member has been a secondary
/// (a failover restarts its series).
#[derive(Debug, Clone, Default)]
pub struct Lag {
    profiles: BTreeMap<String, (LagProfile, Millis)>,
    /// Member id → since when it replicates from its current source.
    since: BTreeMap<String, Millis>,
    /// Global resource id → the writer last seen, to notice a failover.
    writers: BTreeMap<String, String>,
}

impl Lag {
    pub fn set_profile(&mut self, id: &str, profile: LagProfile, now: Millis) {
        self.profiles.insert(id.to_string(), (profile, now));
    }

    pub fn profiles(&self) -> BTreeMap<String, &'static str> {
        self.profiles
            .iter()
            .map(|(k, (p, _))| (k.clone(), p.as_str()))
            .collect()
    }

    fn profile(&self, id: &str) -> (LagProfile, Millis) {
        self.profiles
            .get(id)
            .copied()
            .unwrap_or((LagProfile::Steady, 0))
    }

    /// Records the writer of a global resource; when it changed, every member's series
    /// restarts at `now` (a promoted or demoted member replicates from a new source).
    fn observe_writer(&mut self, resource: &str, writer: &str, members: &[&str], now: Millis) {
        let changed = self
            .writers
            .get(resource)
            .is_some_and(|w| w.as_str() != writer);
        if changed {
            for m in members {
                self.since.insert((*m).to_string(), now);
            }
        }
        self.writers
            .insert(resource.to_string(), writer.to_string());
    }

    fn since(&self, id: &str) -> Millis {
        self.since.get(id).copied().unwrap_or(Millis::MIN)
    }
}

/// One published series.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub region: String,
    pub namespace: &'static str,
    pub metric: &'static str,
    pub dimensions: Vec<(&'static str, String)>,
    pub unit: &'static str,
    /// The secondary whose profile drives it.
    key: String,
    /// The Region it replicates from: its outage makes the lag grow.
    source: String,
    since: Millis,
    /// Small per-shard offset, so shards differ.
    offset_ms: f64,
    /// Neptune publishes only non-zero values.
    skip_zero: bool,
    seconds: bool,
}

impl Series {
    /// The value at instant `t`, in the series' unit; `None` when nothing is published then.
    pub fn value_at(
        &self,
        lag: &Lag,
        down_since: &BTreeMap<String, Millis>,
        t: Millis,
    ) -> Option<f64> {
        if t < self.since {
            return None;
        }
        let (profile, set_at) = lag.profile(&self.key);
        let h = self.key.bytes().map(u64::from).sum::<u64>() as f64;
        let minute = t.div_euclid(MINUTE);
        let mut ms = match profile {
            LagProfile::Steady => {
                450.0 + (h % 7.0) * 60.0 + 90.0 * ((t as f64) / 45_000.0 + h).sin()
            }
            LagProfile::Spiky => {
                let spike = (minute + h as i64).rem_euclid(6) == 0;
                1_100.0
                    + if spike {
                        7_000.0
                    } else {
                        150.0 * ((t as f64) / 20_000.0).sin()
                    }
            }
            LagProfile::Growing => {
                let start = self.since.max(set_at - GROWING_HISTORY);
                1_500.0 + (t - start).max(0) as f64 / 60.0
            }
            LagProfile::Zero => 0.0,
        };
        if profile != LagProfile::Zero {
            ms += self.offset_ms;
        }
        // While the source Region is down nothing arrives: the lag grows with the outage.
        if let Some(d) = down_since.get(&self.source) {
            if t >= *d {
                ms += (t - d) as f64;
            }
        }
        if self.skip_zero && ms <= 0.0 {
            return None;
        }
        Some(if self.seconds {
            (ms / 10.0).round() / 100.0
        } else {
            ms.round()
        })
    }
}

/// Every series the world publishes now; notices failovers first.
pub fn series(world: &mut World, now: Millis) -> Vec<Series> {
    let mut out = Vec::new();
    // ElastiCache global datastores.
    let mut observed = Vec::new();
    for g in world.elasticache.global_datastores.values() {
        let Some(primary) = g.primary() else { continue };
        let members: Vec<String> = g
            .members
            .iter()
            .map(|m| m.replication_group_id.clone())
            .collect();
        observed.push((g.id.clone(), primary.replication_group_id.clone(), members));
        for m in g
            .members
            .iter()
            .filter(|m| m.replication_group_id != primary.replication_group_id)
        {
            let Some(rg) = world
                .elasticache
                .replication_groups
                .get(&(m.region.clone(), m.replication_group_id.clone()))
            else {
                continue;
            };
            for (i, ng) in rg.node_groups.iter().enumerate() {
                let Some(p) = ng.primary() else { continue };
                out.push(Series {
                    region: m.region.clone(),
                    namespace: "AWS/ElastiCache",
                    metric: "GlobalDatastoreReplicationLag",
                    dimensions: vec![("CacheClusterId", p.cluster_id.clone())],
                    unit: "Seconds",
                    key: m.replication_group_id.clone(),
                    source: primary.region.clone(),
                    since: Millis::MIN,
                    offset_ms: i as f64 * 40.0,
                    skip_zero: false,
                    seconds: true,
                });
            }
        }
    }
    // Neptune global databases.
    for g in world.neptune.global_clusters.values() {
        let Some(w) = g.writer() else { continue };
        let members: Vec<String> = g.members.iter().map(|m| m.cluster_id.clone()).collect();
        observed.push((g.id.clone(), w.cluster_id.clone(), members));
        for m in g.members.iter().filter(|m| !m.is_writer) {
            let base = Series {
                region: m.region.clone(),
                namespace: "AWS/Neptune",
                metric: "GlobalDbProgressLag",
                dimensions: vec![
                    ("DBClusterIdentifier", m.cluster_id.clone()),
                    ("SourceRegion", w.region.clone()),
                ],
                unit: "Milliseconds",
                key: m.cluster_id.clone(),
                source: w.region.clone(),
                since: Millis::MIN,
                offset_ms: 0.0,
                skip_zero: true,
                seconds: false,
            };
            let primary_side = Series {
                region: w.region.clone(),
                dimensions: vec![
                    ("DBClusterIdentifier", w.cluster_id.clone()),
                    ("SecondaryRegion", m.region.clone()),
                ],
                ..base.clone()
            };
            out.push(base);
            out.push(primary_side);
        }
    }
    // MemoryDB Multi-Region clusters: every ordered pair of regional clusters, per shard.
    for mrc in world.memorydb.multi_region.values() {
        for (region, name) in &mrc.members {
            let Some(c) = world.memorydb.clusters.get(&(region.clone(), name.clone())) else {
                continue;
            };
            for (source, _) in mrc.members.iter().filter(|(r, _)| r != region) {
                for (i, shard) in c.shards.iter().enumerate() {
                    out.push(Series {
                        region: region.clone(),
                        namespace: "AWS/MemoryDB",
                        metric: "MultiRegionClusterReplicationLag",
                        dimensions: vec![
                            ("ClusterName", name.clone()),
                            ("ShardName", shard.name.clone()),
                            ("SourceRegion", source.clone()),
                        ],
                        unit: "Milliseconds",
                        key: name.clone(),
                        source: source.clone(),
                        since: Millis::MIN,
                        offset_ms: i as f64 * 30.0 + (source.len() as f64) * 5.0,
                        skip_zero: false,
                        seconds: false,
                    });
                }
            }
        }
    }
    for (resource, writer, members) in observed {
        let refs: Vec<&str> = members.iter().map(String::as_str).collect();
        world.lag.observe_writer(&resource, &writer, &refs, now);
    }
    for s in &mut out {
        s.since = world.lag.since(&s.key);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::Timing;
    use crate::topology::{build, Topology};

    const NOW: Millis = 1_700_000_000_000;

    fn world() -> World {
        build(Topology::Default, Timing::default(), 15, NOW)
    }

    fn find<'a>(all: &'a [Series], metric: &str, dim: &str) -> &'a Series {
        all.iter()
            .find(|s| s.metric == metric && s.dimensions.iter().any(|(_, v)| v == dim))
            .unwrap_or_else(|| panic!("no {metric} for {dim}"))
    }

    #[test]
    fn every_secondary_publishes_and_primaries_do_not() {
        let mut w = world();
        let all = series(&mut w, NOW);
        let usw2 = find(
            &all,
            "GlobalDatastoreReplicationLag",
            "checkout-sessions-usw2-0001-001",
        );
        assert_eq!((usw2.region.as_str(), usw2.unit), ("us-west-2", "Seconds"));
        assert!(!all.iter().any(|s| s
            .dimensions
            .iter()
            .any(|(_, v)| v.starts_with("checkout-sessions-use1"))));
        let np = find(&all, "GlobalDbProgressLag", "identity-graph-euw1");
        assert_eq!(np.dimensions[1], ("SourceRegion", "us-east-1".to_string()));
        let mr = all
            .iter()
            .filter(|s| s.metric == "MultiRegionClusterReplicationLag")
            .count();
        // 3 regional clusters × 2 sources × 2 shards.
        assert_eq!(mr, 12);
        let v = usw2.value_at(&w.lag, &BTreeMap::new(), NOW).unwrap();
        assert!((0.2..1.5).contains(&v), "{v}");
    }

    #[test]
    fn growing_grows_an_outage_adds_to_the_lag_and_zero_is_not_published_by_neptune() {
        let mut w = world();
        w.lag
            .set_profile("checkout-sessions-euw1", LagProfile::Growing, NOW);
        w.lag
            .set_profile("identity-graph-usw2", LagProfile::Zero, NOW);
        let all = series(&mut w, NOW);
        let euw1 = find(
            &all,
            "GlobalDatastoreReplicationLag",
            "checkout-sessions-euw1-0001-001",
        );
        let none = BTreeMap::new();
        let before = euw1.value_at(&w.lag, &none, NOW - 10 * MINUTE).unwrap();
        let after = euw1.value_at(&w.lag, &none, NOW).unwrap();
        assert!(after > before + 9.0 && after > 10.0, "{before} → {after}");
        let zero = find(&all, "GlobalDbProgressLag", "identity-graph-usw2");
        assert_eq!(zero.value_at(&w.lag, &none, NOW), None);
        let down: BTreeMap<String, Millis> = [("us-east-1".to_string(), NOW - 30_000)].into();
        let usw2 = find(
            &all,
            "GlobalDatastoreReplicationLag",
            "checkout-sessions-usw2-0001-001",
        );
        let calm = usw2.value_at(&w.lag, &none, NOW).unwrap();
        let cut = usw2.value_at(&w.lag, &down, NOW).unwrap();
        assert!(cut >= calm + 29.0, "{calm} → {cut}");
    }

    #[test]
    fn a_new_writer_restarts_the_series() {
        let mut w = world();
        series(&mut w, NOW);
        for m in &mut w
            .elasticache
            .global_datastores
            .get_mut("ldgnf-checkout-sessions")
            .unwrap()
            .members
        {
            m.role = if m.replication_group_id == "checkout-sessions-usw2" {
                crate::models::elasticache::GlobalRole::Primary
            } else {
                crate::models::elasticache::GlobalRole::Secondary
            };
        }
        let later = NOW + 5 * MINUTE;
        let all = series(&mut w, later);
        let old_primary = find(
            &all,
            "GlobalDatastoreReplicationLag",
            "checkout-sessions-use1-0001-001",
        );
        assert_eq!(
            old_primary.value_at(&w.lag, &BTreeMap::new(), later - MINUTE),
            None
        );
        assert!(old_primary
            .value_at(&w.lag, &BTreeMap::new(), later)
            .is_some());
        assert_eq!(
            old_primary.dimensions[0].1,
            "checkout-sessions-use1-0001-001"
        );
    }
}
