//! MemoryDB clusters, shards and nodes, with the rules of FailoverShard. The API has no role
//! field, so each node keeps a hidden one (shown by `/_emulator/state`).

use super::{Event, EventQuery, Millis, Quota, Schedule, Timing, ACCOUNT_ID, DAY_MS};
use crate::error::AwsError;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct Node {
    pub name: String,
    pub availability_zone: String,
    pub created: Millis,
    pub is_primary: bool,
}

#[derive(Debug, Clone)]
pub struct Shard {
    pub name: String,
    pub slots: String,
    pub nodes: Vec<Node>,
    pub modifying: bool,
}

impl Shard {
    pub fn status(&self) -> &'static str {
        if self.modifying {
            "modifying"
        } else {
            "available"
        }
    }

    pub fn primary(&self) -> Option<&Node> {
        self.nodes.iter().find(|n| n.is_primary)
    }
}

#[derive(Debug, Clone)]
pub enum FailoverStep {
    Emit(Event),
    Promote { shard: String, to: String },
    Settle { shard: String },
}

#[derive(Debug, Clone)]
pub struct Cluster {
    pub name: String,
    pub region: String,
    pub description: String,
    pub multi_az: bool,
    pub node_type: String,
    pub engine: String,
    pub engine_version: String,
    pub shards: Vec<Shard>,
    pub failover: Option<Schedule<FailoverStep>>,
    /// The Multi-Region cluster this regional cluster belongs to.
    pub multi_region: Option<String>,
}

impl Cluster {
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:memorydb:{}:{ACCOUNT_ID}:cluster/{}",
            self.region, self.name
        )
    }

    pub fn status(&self) -> &'static str {
        if self.failover.is_some() {
            "updating"
        } else {
            "available"
        }
    }
}

/// Realistic durations on AWS, in seconds, before scaling.
pub mod durations {
    pub const PROMOTED: f64 = 20.0;
    pub const RECOVERING: f64 = 30.0;
    pub const RECOVERED: f64 = 60.0;
}

/// A Multi-Region cluster: active-active regional clusters, one per Region, that replicate
/// to each other. It has no writer to move; its regional clusters are ordinary clusters.
#[derive(Debug, Clone)]
pub struct MultiRegionCluster {
    pub name: String,
    pub description: String,
    pub node_type: String,
    pub engine: String,
    pub engine_version: String,
    pub shards: usize,
    /// (Region, regional cluster name).
    pub members: Vec<(String, String)>,
}

impl MultiRegionCluster {
    /// Multi-Region clusters are global: their ARN has no Region.
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:memorydb::{ACCOUNT_ID}:multiregioncluster/{}",
            self.name
        )
    }
}

#[derive(Debug, Clone)]
pub struct MemoryDb {
    pub timing: Timing,
    pub clusters: BTreeMap<(String, String), Cluster>,
    pub multi_region: BTreeMap<String, MultiRegionCluster>,
    pub events: Vec<Event>,
    pub failover_quota: Quota,
}

impl MemoryDb {
    pub fn new(timing: Timing, quota: usize) -> Self {
        MemoryDb {
            timing,
            clusters: BTreeMap::new(),
            multi_region: BTreeMap::new(),
            events: Vec::new(),
            failover_quota: Quota::new(quota, DAY_MS),
        }
    }

    pub fn insert_cluster(&mut self, c: Cluster) {
        self.clusters.insert((c.region.clone(), c.name.clone()), c);
    }

    pub fn advance(&mut self, now: Millis) {
        for c in self.clusters.values_mut() {
            let Some(schedule) = c.failover.as_mut() else {
                continue;
            };
            for (_, step) in schedule.take_due(now) {
                match step {
                    FailoverStep::Emit(e) => self.events.push(e),
                    FailoverStep::Promote { shard, to } => {
                        if let Some(s) = c.shards.iter_mut().find(|s| s.name == shard) {
                            for n in &mut s.nodes {
                                n.is_primary = n.name == to;
                            }
                        }
                    }
                    FailoverStep::Settle { shard } => {
                        if let Some(s) = c.shards.iter_mut().find(|s| s.name == shard) {
                            s.modifying = false;
                        }
                    }
                }
            }
            if schedule.is_finished() {
                c.failover = None;
            }
        }
    }

    /// Every Multi-Region cluster, or the one named (MultiRegionClusterNotFoundFault if none).
    pub fn describe_multi_region_clusters(
        &self,
        name: Option<&str>,
    ) -> Result<Vec<&MultiRegionCluster>, AwsError> {
        match name {
            None => Ok(self.multi_region.values().collect()),
            Some(n) => self.multi_region.get(n).map(|m| vec![m]).ok_or_else(|| {
                AwsError::MultiRegionClusterNotFound(format!("Multi-region cluster {n} not found"))
            }),
        }
    }

    /// A regional cluster's status, as its Multi-Region cluster lists it.
    pub fn regional_status(&self, region: &str, name: &str) -> &'static str {
        self.clusters
            .get(&(region.to_string(), name.to_string()))
            .map_or("deleting", Cluster::status)
    }

    fn cluster(&self, region: &str, name: &str) -> Result<&Cluster, AwsError> {
        self.clusters
            .get(&(region.to_string(), name.to_string()))
            .ok_or_else(|| AwsError::ClusterNotFound(format!("Cluster {name} not found")))
    }

    pub fn describe_clusters(
        &self,
        region: &str,
        name: Option<&str>,
    ) -> Result<Vec<&Cluster>, AwsError> {
        match name {
            Some(n) => Ok(vec![self.cluster(region, n)?]),
            None => Ok(self
                .clusters
                .values()
                .filter(|c| c.region == region)
                .collect()),
        }
    }

    pub fn describe_events(&self, q: &EventQuery<'_>, now: Millis) -> Vec<&Event> {
        q.select(&self.events, now)
    }

    /// FailoverShard: the shard's primary moves to its first replica.
    pub fn failover_shard(
        &mut self,
        region: &str,
        cluster: &str,
        shard: &str,
        now: Millis,
    ) -> Result<&Cluster, AwsError> {
        let c = self.cluster(region, cluster)?;
        let s = c.shards.iter().find(|s| s.name == shard).ok_or_else(|| {
            AwsError::ShardNotFound(format!("Shard {shard} not found in cluster {cluster}"))
        })?;
        if c.status() != "available" {
            return Err(AwsError::InvalidClusterState(format!(
                "Cluster {cluster} is not in available state: a failover is in progress"
            )));
        }
        if !c.multi_az {
            return Err(AwsError::TestFailoverNotAvailable(format!(
                "Failover is not available for cluster {cluster}: it is single-AZ"
            )));
        }
        let primary = s.primary().map(|n| n.name.clone());
        let replica = s
            .nodes
            .iter()
            .find(|n| !n.is_primary)
            .map(|n| n.name.clone());
        let (Some(primary), Some(replica)) = (primary, replica) else {
            return Err(AwsError::TestFailoverNotAvailable(format!(
                "Failover is not available for shard {shard} of cluster {cluster}: it has no replica node"
            )));
        };
        if !self.failover_quota.allows(now) {
            return Err(AwsError::ApiCallRateForCustomerExceeded(format!(
                "You have exceeded the limit of {} shards failed over in a rolling 24-hour period",
                self.failover_quota.limit
            )));
        }
        self.failover_quota.record(now);
        let t = self.timing;
        let at = |secs: f64| now + t.span(secs);
        let ev = |at: Millis, msg: String| {
            FailoverStep::Emit(Event {
                at,
                region: region.into(),
                source_id: cluster.into(),
                source_type: "cluster",
                message: msg,
            })
        };
        let steps = vec![
            (
                now,
                ev(now, format!("Failover API called for shard {shard}")),
            ),
            (
                at(durations::PROMOTED),
                FailoverStep::Promote {
                    shard: shard.into(),
                    to: replica.clone(),
                },
            ),
            (
                at(durations::PROMOTED),
                ev(
                    at(durations::PROMOTED),
                    format!("Failover to replica node {replica} completed"),
                ),
            ),
            (
                at(durations::RECOVERING),
                ev(
                    at(durations::RECOVERING),
                    format!("Recovering node {primary}"),
                ),
            ),
            (
                at(durations::RECOVERED),
                ev(
                    at(durations::RECOVERED),
                    format!("Finished recovery for node {primary}"),
                ),
            ),
            (
                at(durations::RECOVERED),
                FailoverStep::Settle {
                    shard: shard.into(),
                },
            ),
        ];
        let c = self
            .clusters
            .get_mut(&(region.to_string(), cluster.to_string()))
            .ok_or_else(|| AwsError::ClusterNotFound(format!("Cluster {cluster} not found")))?;
        if let Some(s) = c.shards.iter_mut().find(|s| s.name == shard) {
            s.modifying = true;
        }
        c.failover = Some(Schedule::new(now, steps));
        self.advance(now);
        self.cluster(region, cluster)
    }
}

#[cfg(test)]
#[path = "memorydb_tests.rs"]
mod tests;
