//! Neptune DB clusters (on the RDS endpoint, beside other RDS engines) and global databases,
//! with the rules of FailoverGlobalCluster and SwitchoverGlobalCluster.

use super::{Event, EventQuery, Millis, Schedule, Timing, ACCOUNT_ID};
use crate::error::AwsError;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct DbInstance {
    pub id: String,
    pub is_writer: bool,
    pub promotion_tier: i64,
}

#[derive(Debug, Clone)]
pub struct DbCluster {
    pub id: String,
    pub region: String,
    pub engine: String,
    pub engine_version: String,
    pub port: i64,
    pub instances: Vec<DbInstance>,
    pub global_id: Option<String>,
    pub created: Millis,
    pub resource_id: String,
}

impl DbCluster {
    pub fn arn(&self) -> String {
        cluster_arn(&self.region, &self.id)
    }
}

pub fn cluster_arn(region: &str, id: &str) -> String {
    format!("arn:aws:rds:{region}:{ACCOUNT_ID}:cluster:{id}")
}

#[derive(Debug, Clone)]
pub struct GlobalClusterMember {
    pub region: String,
    pub cluster_id: String,
    pub is_writer: bool,
}

impl GlobalClusterMember {
    pub fn arn(&self) -> String {
        cluster_arn(&self.region, &self.cluster_id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailoverPhase {
    Pending,
    FailingOver,
}

impl FailoverPhase {
    pub fn as_str(self) -> &'static str {
        match self {
            FailoverPhase::Pending => "pending",
            FailoverPhase::FailingOver => "failing-over",
        }
    }
}

#[derive(Debug, Clone)]
pub struct FailoverState {
    pub phase: FailoverPhase,
    pub from_arn: String,
    pub to_arn: String,
    pub data_loss_allowed: bool,
}

#[derive(Debug, Clone)]
pub enum GlobalStep {
    Emit(Event),
    FailingOver,
    /// The member with this ARN becomes the writer.
    Promote {
        to_arn: String,
    },
    Complete,
}

#[derive(Debug, Clone)]
pub struct GlobalCluster {
    pub id: String,
    pub resource_id: String,
    pub engine: String,
    pub engine_version: String,
    /// `available`, `failing-over` or `switching-over`.
    pub status: &'static str,
    pub storage_encrypted: bool,
    pub deletion_protection: bool,
    pub members: Vec<GlobalClusterMember>,
    pub failover: Option<FailoverState>,
    pub schedule: Option<Schedule<GlobalStep>>,
}

impl GlobalCluster {
    pub fn arn(&self) -> String {
        format!("arn:aws:rds::{ACCOUNT_ID}:global-cluster:{}", self.id)
    }

    pub fn writer(&self) -> Option<&GlobalClusterMember> {
        self.members.iter().find(|m| m.is_writer)
    }
}

/// Realistic durations on AWS, in seconds, before scaling.
pub mod durations {
    pub const FAILING_OVER: f64 = 10.0;
    pub const DEMOTED: f64 = 90.0;
    pub const PROMOTED: f64 = 120.0;
    pub const COMPLETED: f64 = 150.0;
}

#[derive(Debug, Clone)]
pub struct Neptune {
    pub timing: Timing,
    /// Keyed by (region, cluster id); includes non-Neptune RDS engines.
    pub clusters: BTreeMap<(String, String), DbCluster>,
    pub global_clusters: BTreeMap<String, GlobalCluster>,
    pub events: Vec<Event>,
    /// Regions that are down: a switchover needs the writer's.
    pub regions_down: std::collections::BTreeSet<String>,
}

fn cluster_event(at: Millis, region: &str, id: &str, message: String) -> Event {
    Event {
        at,
        region: region.into(),
        source_id: id.into(),
        source_type: "db-cluster",
        message,
    }
}

impl Neptune {
    pub fn new(timing: Timing) -> Self {
        Neptune {
            timing,
            clusters: BTreeMap::new(),
            global_clusters: BTreeMap::new(),
            events: Vec::new(),
            regions_down: std::collections::BTreeSet::new(),
        }
    }

    pub fn insert_cluster(&mut self, c: DbCluster) {
        self.clusters.insert((c.region.clone(), c.id.clone()), c);
    }

    /// The cluster's status: `failing-over` while its global database moves its writer.
    pub fn cluster_status(&self, c: &DbCluster) -> &'static str {
        let busy = c
            .global_id
            .as_ref()
            .and_then(|g| self.global_clusters.get(g))
            .and_then(|g| g.failover.as_ref())
            .is_some_and(|f| f.from_arn == c.arn() || f.to_arn == c.arn());
        if busy {
            "failing-over"
        } else {
            "available"
        }
    }

    pub fn advance(&mut self, now: Millis) {
        for g in self.global_clusters.values_mut() {
            let Some(schedule) = g.schedule.as_mut() else {
                continue;
            };
            for (_, step) in schedule.take_due(now) {
                match step {
                    GlobalStep::Emit(e) => self.events.push(e),
                    GlobalStep::FailingOver => {
                        if let Some(f) = g.failover.as_mut() {
                            f.phase = FailoverPhase::FailingOver;
                        }
                    }
                    GlobalStep::Promote { to_arn } => {
                        for m in &mut g.members {
                            m.is_writer = m.arn() == to_arn;
                            let key = (m.region.clone(), m.cluster_id.clone());
                            if let Some(c) = self.clusters.get_mut(&key) {
                                // Only the writer cluster has a writer instance: its first one.
                                for (i, inst) in c.instances.iter_mut().enumerate() {
                                    inst.is_writer = m.is_writer && i == 0;
                                }
                            }
                        }
                    }
                    GlobalStep::Complete => {
                        g.status = "available";
                        g.failover = None;
                    }
                }
            }
            if schedule.is_finished() {
                g.schedule = None;
            }
        }
    }

    /// DB clusters in `region` (every engine), or the one named by id or ARN.
    pub fn describe_clusters(
        &self,
        region: &str,
        id: Option<&str>,
    ) -> Result<Vec<&DbCluster>, AwsError> {
        let in_region = self.clusters.values().filter(|c| c.region == region);
        match id {
            Some(id) => in_region
                .filter(|c| c.id == id || c.arn() == id)
                .map(|c| vec![c])
                .next()
                .ok_or_else(|| cluster_not_found(id)),
            None => Ok(in_region.collect()),
        }
    }

    /// Global clusters are account-wide: every region lists all of them.
    pub fn describe_global_clusters(
        &self,
        id: Option<&str>,
    ) -> Result<Vec<&GlobalCluster>, AwsError> {
        match id {
            Some(id) => self
                .global_clusters
                .values()
                .filter(|g| g.id == id || g.arn() == id)
                .map(|g| vec![g])
                .next()
                .ok_or_else(|| global_not_found(id)),
            None => Ok(self.global_clusters.values().collect()),
        }
    }

    pub fn describe_events(&self, q: &EventQuery<'_>, now: Millis) -> Vec<&Event> {
        q.select(&self.events, now)
    }

    /// FailoverGlobalCluster (and, with `switchover`, SwitchoverGlobalCluster): moves the writer
    /// to `target` (an ARN or a cluster id) through `pending` → `failing-over` → done.
    pub fn failover_global_cluster(
        &mut self,
        id: &str,
        target: &str,
        allow_data_loss: bool,
        switchover: bool,
        now: Millis,
    ) -> Result<&GlobalCluster, AwsError> {
        if allow_data_loss && switchover {
            return Err(AwsError::InvalidParameterCombination(
                "AllowDataLoss and Switchover are mutually exclusive: specify only one of them."
                    .into(),
            ));
        }
        let g = self
            .global_clusters
            .get(id)
            .ok_or_else(|| global_not_found(id))?;
        if g.status != "available" || g.failover.is_some() {
            return Err(AwsError::InvalidGlobalClusterState(format!(
                "Global cluster {id} is not in a valid state: it is {}.",
                g.status
            )));
        }
        let member = g
            .members
            .iter()
            .find(|m| m.arn() == target || m.cluster_id == target)
            .cloned();
        let Some(member) = member else {
            let exists = self
                .clusters
                .values()
                .any(|c| c.arn() == target || c.id == target);
            return Err(if exists {
                AwsError::InvalidParameterValue(format!(
                    "DB cluster {target} is not a member of global cluster {id}."
                ))
            } else {
                cluster_not_found(target)
            });
        };
        if member.is_writer {
            return Err(AwsError::InvalidParameterValue(format!(
                "DB cluster {target} is already the primary (writer) cluster of global cluster {id}."
            )));
        }
        let from = g.writer().cloned();
        // A switchover waits for the secondary to catch up with the writer: with the writer's
        // region down that cannot happen, so AWS refuses it; a failover (AllowDataLoss) goes on.
        if switchover || !allow_data_loss {
            if let Some(w) = from
                .as_ref()
                .filter(|w| self.regions_down.contains(&w.region))
            {
                return Err(AwsError::InvalidGlobalClusterState(format!(
                    "Global cluster {id} cannot switch over: its primary cluster {} in {} is unavailable. Use FailoverGlobalCluster with AllowDataLoss to fail over to a secondary cluster.",
                    w.cluster_id, w.region
                )));
            }
        }
        let kind = if switchover || !allow_data_loss {
            "switchover"
        } else {
            "failover"
        };
        let t = self.timing;
        let at = |secs: f64| now + t.span(secs);
        let to_arn = member.arn();
        let mut steps = vec![(
            now,
            GlobalStep::Emit(cluster_event(
                now,
                &member.region,
                &member.cluster_id,
                format!("Global {kind} to DB cluster {to_arn} in global cluster {id} started."),
            )),
        )];
        steps.push((at(durations::FAILING_OVER), GlobalStep::FailingOver));
        if let Some(from) = &from {
            steps.push((
                at(durations::DEMOTED),
                GlobalStep::Emit(cluster_event(
                    at(durations::DEMOTED),
                    &from.region,
                    &from.cluster_id,
                    format!("Global {kind}: DB cluster demoted to a secondary (read-only) cluster of global cluster {id}."),
                )),
            ));
        }
        steps.push((
            at(durations::PROMOTED),
            GlobalStep::Promote {
                to_arn: to_arn.clone(),
            },
        ));
        steps.push((
            at(durations::PROMOTED),
            GlobalStep::Emit(cluster_event(
                at(durations::PROMOTED),
                &member.region,
                &member.cluster_id,
                format!("Global {kind}: DB cluster promoted to the primary (writer) cluster of global cluster {id}."),
            )),
        ));
        steps.push((
            at(durations::COMPLETED),
            GlobalStep::Emit(cluster_event(
                at(durations::COMPLETED),
                &member.region,
                &member.cluster_id,
                format!("Global {kind} to DB cluster {to_arn} in global cluster {id} completed."),
            )),
        ));
        steps.push((at(durations::COMPLETED), GlobalStep::Complete));
        let g = self
            .global_clusters
            .get_mut(id)
            .ok_or_else(|| global_not_found(id))?;
        g.status = if kind == "switchover" {
            "switching-over"
        } else {
            "failing-over"
        };
        g.failover = Some(FailoverState {
            phase: FailoverPhase::Pending,
            from_arn: from.map(|f| f.arn()).unwrap_or_default(),
            to_arn,
            data_loss_allowed: allow_data_loss,
        });
        g.schedule = Some(Schedule::new(now, steps));
        self.advance(now);
        self.global_clusters
            .get(id)
            .ok_or_else(|| global_not_found(id))
    }
}

fn global_not_found(id: &str) -> AwsError {
    AwsError::GlobalClusterNotFound(format!("Global cluster {id} not found."))
}

fn cluster_not_found(id: &str) -> AwsError {
    AwsError::DbClusterNotFound(format!("DBCluster {id} not found."))
}

#[cfg(test)]
#[path = "neptune_tests.rs"]
mod tests;
