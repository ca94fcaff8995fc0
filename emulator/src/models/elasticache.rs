//! ElastiCache replication groups, node groups and global datastores, with the rules of
//! TestFailover, CreateGlobalReplicationGroup and FailoverGlobalReplicationGroup.

use super::{Event, EventQuery, Millis, Quota, Schedule, Timing, DAY_MS};
use crate::error::AwsError;
use std::collections::BTreeMap;

/// A node's current role in its node group (`CurrentRole`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeRole {
    Primary,
    Replica,
}

impl NodeRole {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeRole::Primary => "primary",
            NodeRole::Replica => "replica",
        }
    }
}

/// A member cache cluster of a node group; each holds one node, `0001`.
#[derive(Debug, Clone)]
pub struct CacheNode {
    pub cluster_id: String,
    pub node_id: String,
    pub availability_zone: String,
    pub role: NodeRole,
}

#[derive(Debug, Clone)]
pub struct NodeGroup {
    pub id: String,
    pub slots: String,
    pub members: Vec<CacheNode>,
    pub modifying: bool,
}

impl NodeGroup {
    pub fn primary(&self) -> Option<&CacheNode> {
        self.members.iter().find(|m| m.role == NodeRole::Primary)
    }

    pub fn status(&self) -> &'static str {
        if self.modifying {
            "modifying"
        } else {
            "available"
        }
    }
}

/// A step of a TestFailover run.
#[derive(Debug, Clone)]
pub enum TestFailoverStep {
    Emit(Event),
    /// The replica `to` becomes the primary of node group `node_group`.
    Promote {
        node_group: String,
        to: String,
    },
    Settle {
        node_group: String,
    },
}

#[derive(Debug, Clone)]
pub struct ReplicationGroup {
    pub id: String,
    pub region: String,
    pub description: String,
    pub cluster_enabled: bool,
    pub multi_az: bool,
    pub automatic_failover: bool,
    pub node_type: String,
    pub engine: String,
    pub engine_version: String,
    pub node_groups: Vec<NodeGroup>,
    pub global_id: Option<String>,
    pub created: Millis,
    pub test_failover: Option<Schedule<TestFailoverStep>>,
}

impl ReplicationGroup {
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:elasticache:{}:{}:replicationgroup:{}",
            self.region,
            super::ACCOUNT_ID,
            self.id
        )
    }

    pub fn member_clusters(&self) -> Vec<&str> {
        self.node_groups
            .iter()
            .flat_map(|ng| ng.members.iter().map(|m| m.cluster_id.as_str()))
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlobalRole {
    Primary,
    Secondary,
}

impl GlobalRole {
    pub fn as_str(self) -> &'static str {
        match self {
            GlobalRole::Primary => "PRIMARY",
            GlobalRole::Secondary => "SECONDARY",
        }
    }
}

#[derive(Debug, Clone)]
pub struct GlobalMember {
    pub replication_group_id: String,
    pub region: String,
    pub role: GlobalRole,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlobalStatus {
    Creating,
    Available,
    Modifying,
}

impl GlobalStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            GlobalStatus::Creating => "creating",
            GlobalStatus::Available => "available",
            GlobalStatus::Modifying => "modifying",
        }
    }
}

#[derive(Debug, Clone)]
pub enum GlobalStep {
    Emit(Event),
    /// The member in `region` becomes the primary; the old primary becomes a secondary.
    Promote {
        region: String,
        replication_group_id: String,
    },
    Available,
}

#[derive(Debug, Clone)]
pub struct GlobalDatastore {
    pub id: String,
    pub description: String,
    pub status: GlobalStatus,
    pub engine: String,
    pub engine_version: String,
    pub node_type: String,
    pub cluster_enabled: bool,
    pub members: Vec<GlobalMember>,
    /// (GlobalNodeGroupId, Slots)
    pub node_groups: Vec<(String, String)>,
    pub schedule: Option<Schedule<GlobalStep>>,
}

impl GlobalDatastore {
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:elasticache::{}:globalreplicationgroup:{}",
            super::ACCOUNT_ID,
            self.id
        )
    }

    pub fn primary(&self) -> Option<&GlobalMember> {
        self.members.iter().find(|m| m.role == GlobalRole::Primary)
    }

    fn has_member_in(&self, region: &str) -> bool {
        self.members.iter().any(|m| m.region == region)
    }
}

/// The five-letter prefix AWS gives global datastore ids, per region of the primary, as AWS's
/// "Using global datastores (CLI)" page lists them.
pub fn global_id_prefix(region: &str) -> String {
    match region {
        "us-east-1" => "ldgnf".into(),
        "us-east-2" => "fpkhr".into(),
        "us-west-1" => "virxk".into(),
        "us-west-2" => "sgaui".into(),
        "ca-central-1" => "bxodz".into(),
        "ap-south-1" => "erpgt".into(),
        "ap-northeast-1" => "quwsw".into(),
        "ap-northeast-2" => "lfqnh".into(),
        "ap-northeast-3" => "nlapn".into(),
        "ap-southeast-1" => "vlqxn".into(),
        "ap-southeast-2" => "vbgxd".into(),
        "ap-east-1" => "knjmp".into(),
        "eu-central-1" => "iudkw".into(),
        "eu-west-1" => "gxeiz".into(),
        "eu-west-2" => "okuqm".into(),
        "eu-west-3" => "fgjhi".into(),
        "sa-east-1" => "juxlw".into(),
        "cn-north-1" => "emvgo".into(),
        "cn-northwest-1" => "ckbem".into(),
        other => {
            // Deterministic for any other region: FNV-1a of the name, spelled in letters.
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for b in other.bytes() {
                h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            }
            (0..5)
                .map(|i| (b'a' + ((h >> (i * 8)) % 26) as u8) as char)
                .collect()
        }
    }
}

/// Realistic durations on AWS, in seconds, before scaling.
pub mod durations {
    pub const TEST_FAILOVER_PROMOTED: f64 = 25.0;
    pub const TEST_FAILOVER_RG_EVENT: f64 = 26.0;
    pub const TEST_FAILOVER_RECOVERING: f64 = 40.0;
    pub const TEST_FAILOVER_RECOVERED: f64 = 70.0;
    pub const GLOBAL_CREATE: f64 = 60.0;
    pub const GLOBAL_FAILOVER: f64 = 60.0;
}

/// ElastiCache as seen by one account, in every region.
#[derive(Debug, Clone)]
pub struct ElastiCache {
    pub timing: Timing,
    /// Keyed by (region, replication group id): listing order is stable for pagination.
    pub replication_groups: BTreeMap<(String, String), ReplicationGroup>,
    pub global_datastores: BTreeMap<String, GlobalDatastore>,
    pub events: Vec<Event>,
    /// TestFailover's quota (15 shards per rolling 24 hours on AWS), one per Region: AWS's
    /// quotas are per account and Region unless documented otherwise, and TestFailover is
    /// called on each Region's own endpoint.
    pub test_failover_quota: BTreeMap<String, Quota>,
    pub test_failover_limit: usize,
}

fn event(
    at: Millis,
    region: &str,
    source_id: &str,
    source_type: &'static str,
    message: String,
) -> Event {
    Event {
        at,
        region: region.into(),
        source_id: source_id.into(),
        source_type,
        message,
    }
}

impl ElastiCache {
    pub fn new(timing: Timing, test_failover_quota: usize) -> Self {
        ElastiCache {
            timing,
            replication_groups: BTreeMap::new(),
            global_datastores: BTreeMap::new(),
            events: Vec::new(),
            test_failover_quota: BTreeMap::new(),
            test_failover_limit: test_failover_quota,
        }
    }

    /// The TestFailover quota of one Region.
    pub fn test_failover_quota_in(&mut self, region: &str) -> &mut Quota {
        let limit = self.test_failover_limit;
        self.test_failover_quota
            .entry(region.to_string())
            .or_insert_with(|| Quota::new(limit, DAY_MS))
    }

    pub fn insert_replication_group(&mut self, rg: ReplicationGroup) {
        self.replication_groups
            .insert((rg.region.clone(), rg.id.clone()), rg);
    }

    /// `available` or `modifying`: a running TestFailover or global failover modifies it.
    pub fn replication_group_status(&self, rg: &ReplicationGroup) -> &'static str {
        let global_busy = rg
            .global_id
            .as_ref()
            .and_then(|g| self.global_datastores.get(g))
            .is_some_and(|g| g.status == GlobalStatus::Modifying);
        if rg.test_failover.is_some() || global_busy {
            "modifying"
        } else {
            "available"
        }
    }

    /// The replication group's role in its global datastore, if it is in one.
    pub fn global_role(&self, rg: &ReplicationGroup) -> Option<(&str, GlobalRole)> {
        let g = self.global_datastores.get(rg.global_id.as_ref()?)?;
        let m = g
            .members
            .iter()
            .find(|m| m.replication_group_id == rg.id && m.region == rg.region)?;
        Some((g.id.as_str(), m.role))
    }

    pub fn advance(&mut self, now: Millis) {
        for rg in self.replication_groups.values_mut() {
            let Some(schedule) = rg.test_failover.as_mut() else {
                continue;
            };
            for (_, step) in schedule.take_due(now) {
                match step {
                    TestFailoverStep::Emit(e) => self.events.push(e),
                    TestFailoverStep::Promote { node_group, to } => {
                        if let Some(ng) = rg.node_groups.iter_mut().find(|n| n.id == node_group) {
                            for m in &mut ng.members {
                                m.role = if m.cluster_id == to {
                                    NodeRole::Primary
                                } else {
                                    NodeRole::Replica
                                };
                            }
                        }
                    }
                    TestFailoverStep::Settle { node_group } => {
                        if let Some(ng) = rg.node_groups.iter_mut().find(|n| n.id == node_group) {
                            ng.modifying = false;
                        }
                    }
                }
            }
            if schedule.is_finished() {
                rg.test_failover = None;
            }
        }
        for g in self.global_datastores.values_mut() {
            let Some(schedule) = g.schedule.as_mut() else {
                continue;
            };
            for (_, step) in schedule.take_due(now) {
                match step {
                    GlobalStep::Emit(e) => self.events.push(e),
                    GlobalStep::Promote {
                        region,
                        replication_group_id,
                    } => {
                        for m in &mut g.members {
                            m.role = if m.region == region
                                && m.replication_group_id == replication_group_id
                            {
                                GlobalRole::Primary
                            } else {
                                GlobalRole::Secondary
                            };
                        }
                    }
                    GlobalStep::Available => g.status = GlobalStatus::Available,
                }
            }
            if schedule.is_finished() {
                g.schedule = None;
            }
        }
    }

    fn replication_group(&self, region: &str, id: &str) -> Result<&ReplicationGroup, AwsError> {
        self.replication_groups
            .get(&(region.to_string(), id.to_string()))
            .ok_or_else(|| {
                AwsError::ReplicationGroupNotFound(format!("ReplicationGroup {id} not found."))
            })
    }

    /// Replication groups visible in `region`, or the one named.
    pub fn describe_replication_groups(
        &self,
        region: &str,
        id: Option<&str>,
    ) -> Result<Vec<&ReplicationGroup>, AwsError> {
        match id {
            Some(id) => Ok(vec![self.replication_group(region, id)?]),
            None => Ok(self
                .replication_groups
                .values()
                .filter(|rg| rg.region == region)
                .collect()),
        }
    }

    /// Global datastores with a member in `region`, or the one named.
    pub fn describe_global_datastores(
        &self,
        region: &str,
        id: Option<&str>,
    ) -> Result<Vec<&GlobalDatastore>, AwsError> {
        let visible = self
            .global_datastores
            .values()
            .filter(|g| g.has_member_in(region));
        match id {
            Some(id) => visible
                .filter(|g| g.id == id)
                .map(|g| vec![g])
                .next()
                .ok_or_else(|| global_not_found(id)),
            None => Ok(visible.collect()),
        }
    }

    pub fn describe_events(&self, q: &EventQuery<'_>, now: Millis) -> Vec<&Event> {
        q.select(&self.events, now)
    }

    /// TestFailover: moves the node group's primary to its first replica, with the documented
    /// event sequence. One run per replication group at a time; quota per rolling 24 hours.
    pub fn test_failover(
        &mut self,
        region: &str,
        rg_id: &str,
        node_group_id: &str,
        now: Millis,
    ) -> Result<&ReplicationGroup, AwsError> {
        let rg = self.replication_group(region, rg_id)?;
        let ng = rg
            .node_groups
            .iter()
            .find(|n| n.id == node_group_id)
            .ok_or_else(|| {
                AwsError::NodeGroupNotFound(format!(
                    "NodeGroup {node_group_id} not found in ReplicationGroup {rg_id}."
                ))
            })?;
        if self.replication_group_status(rg) != "available" {
            return Err(AwsError::InvalidReplicationGroupState(format!(
                "Replication group {rg_id} is not in available state: a modification is in progress."
            )));
        }
        if !rg.automatic_failover || !rg.multi_az {
            return Err(AwsError::TestFailoverNotAvailable(format!(
                "Test failover is not available for replication group {rg_id}: \
                 Multi-AZ and automatic failover must both be enabled."
            )));
        }
        let primary = ng.primary().map(|p| p.cluster_id.clone());
        let replica = ng
            .members
            .iter()
            .find(|m| m.role == NodeRole::Replica)
            .map(|m| m.cluster_id.clone());
        let (Some(primary), Some(replica)) = (primary, replica) else {
            return Err(AwsError::TestFailoverNotAvailable(format!(
                "Test failover is not available for node group {node_group_id} of replication group \
                 {rg_id}: it has no replica to fail over to."
            )));
        };
        let quota = self.test_failover_quota_in(region);
        if !quota.allows(now) {
            return Err(AwsError::ApiCallRateForCustomerExceeded(format!(
                "You have exceeded the limit of {} node groups tested with TestFailover in a rolling 24-hour period in {region}.",
                quota.limit
            )));
        }
        quota.record(now);
        let t = self.timing;
        let at = |secs: f64| now + t.span(secs);
        let rg_ev = |at: Millis, msg: String| {
            TestFailoverStep::Emit(event(at, region, rg_id, "replication-group", msg))
        };
        let cc_ev = |at: Millis, id: &str, msg: String| {
            TestFailoverStep::Emit(event(at, region, id, "cache-cluster", msg))
        };
        let completed =
            format!("Failover from primary node {primary} to replica node {replica} completed");
        let steps = vec![
            (
                now,
                rg_ev(
                    now,
                    format!("Test Failover API called for node group {node_group_id}"),
                ),
            ),
            (
                at(durations::TEST_FAILOVER_PROMOTED),
                TestFailoverStep::Promote {
                    node_group: node_group_id.into(),
                    to: replica.clone(),
                },
            ),
            (
                at(durations::TEST_FAILOVER_PROMOTED),
                cc_ev(
                    at(durations::TEST_FAILOVER_PROMOTED),
                    &replica,
                    completed.clone(),
                ),
            ),
            (
                at(durations::TEST_FAILOVER_RG_EVENT),
                rg_ev(at(durations::TEST_FAILOVER_RG_EVENT), completed),
            ),
            (
                at(durations::TEST_FAILOVER_RECOVERING),
                cc_ev(
                    at(durations::TEST_FAILOVER_RECOVERING),
                    &primary,
                    format!("Recovering cache nodes {primary}"),
                ),
            ),
            (
                at(durations::TEST_FAILOVER_RECOVERED),
                cc_ev(
                    at(durations::TEST_FAILOVER_RECOVERED),
                    &primary,
                    format!("Finished recovery for cache nodes {primary}"),
                ),
            ),
            (
                at(durations::TEST_FAILOVER_RECOVERED),
                TestFailoverStep::Settle {
                    node_group: node_group_id.into(),
                },
            ),
        ];
        let key = (region.to_string(), rg_id.to_string());
        let rg = self.replication_groups.get_mut(&key).ok_or_else(|| {
            AwsError::ReplicationGroupNotFound(format!("ReplicationGroup {rg_id} not found."))
        })?;
        if let Some(ng) = rg.node_groups.iter_mut().find(|n| n.id == node_group_id) {
            ng.modifying = true;
        }
        rg.test_failover = Some(Schedule::new(now, steps));
        self.advance(now);
        self.replication_group(region, rg_id)
    }

    /// CreateGlobalReplicationGroup: a new datastore, `creating` until it is `available`.
    pub fn create_global_datastore(
        &mut self,
        region: &str,
        suffix: &str,
        description: &str,
        primary_rg_id: &str,
        now: Millis,
    ) -> Result<&GlobalDatastore, AwsError> {
        if suffix.is_empty() {
            return Err(AwsError::InvalidParameterValue(
                "The parameter GlobalReplicationGroupIdSuffix must be provided and must not be blank.".into(),
            ));
        }
        let rg = self.replication_group(region, primary_rg_id)?;
        if let Some(g) = &rg.global_id {
            return Err(AwsError::InvalidReplicationGroupState(format!(
                "Replication group {primary_rg_id} is already a member of global replication group {g}."
            )));
        }
        if self.replication_group_status(rg) != "available" {
            return Err(AwsError::InvalidReplicationGroupState(format!(
                "Replication group {primary_rg_id} is not in available state."
            )));
        }
        let id = format!("{}-{suffix}", global_id_prefix(region));
        if self.global_datastores.contains_key(&id) {
            return Err(AwsError::GlobalReplicationGroupAlreadyExists(format!(
                "Global replication group {id} already exists."
            )));
        }
        let ready = now + self.timing.span(durations::GLOBAL_CREATE);
        let datastore = GlobalDatastore {
            id: id.clone(),
            description: description.into(),
            status: GlobalStatus::Creating,
            engine: rg.engine.clone(),
            engine_version: rg.engine_version.clone(),
            node_type: rg.node_type.clone(),
            cluster_enabled: rg.cluster_enabled,
            members: vec![GlobalMember {
                replication_group_id: primary_rg_id.into(),
                region: region.into(),
                role: GlobalRole::Primary,
            }],
            node_groups: rg
                .node_groups
                .iter()
                .map(|ng| (format!("{id}-{}", ng.id), ng.slots.clone()))
                .collect(),
            schedule: Some(Schedule::new(
                now,
                vec![
                    (
                        ready,
                        GlobalStep::Emit(event(
                            ready,
                            region,
                            primary_rg_id,
                            "replication-group",
                            format!("Replication group {primary_rg_id} added to global replication group {id} as primary"),
                        )),
                    ),
                    (ready, GlobalStep::Available),
                ],
            )),
        };
        self.global_datastores.insert(id.clone(), datastore);
        if let Some(rg) = self
            .replication_groups
            .get_mut(&(region.to_string(), primary_rg_id.to_string()))
        {
            rg.global_id = Some(id.clone());
        }
        self.global_datastores
            .get(&id)
            .ok_or_else(|| global_not_found(&id))
    }

    /// FailoverGlobalReplicationGroup: promotes a secondary member after about a minute.
    pub fn failover_global_datastore(
        &mut self,
        region: &str,
        id: &str,
        primary_region: &str,
        primary_rg_id: &str,
        now: Millis,
    ) -> Result<&GlobalDatastore, AwsError> {
        let g = self
            .global_datastores
            .get(id)
            .filter(|g| g.has_member_in(region))
            .ok_or_else(|| global_not_found(id))?;
        if g.status != GlobalStatus::Available {
            return Err(AwsError::InvalidGlobalReplicationGroupState(format!(
                "Global replication group {id} is not in available state (it is {}).",
                g.status.as_str()
            )));
        }
        let member = g
            .members
            .iter()
            .find(|m| m.region == primary_region && m.replication_group_id == primary_rg_id)
            .ok_or_else(|| {
                AwsError::InvalidParameterValue(format!(
                    "Replication group {primary_rg_id} in region {primary_region} is not a member of global replication group {id}."
                ))
            })?;
        if member.role == GlobalRole::Primary {
            return Err(AwsError::InvalidParameterValue(format!(
                "Replication group {primary_rg_id} in region {primary_region} is already the primary of global replication group {id}."
            )));
        }
        let old = g.primary().cloned();
        let done = now + self.timing.span(durations::GLOBAL_FAILOVER);
        let mut steps = vec![(
            now,
            GlobalStep::Emit(event(
                now,
                primary_region,
                primary_rg_id,
                "replication-group",
                format!("Failover of global replication group {id} to replication group {primary_rg_id} in region {primary_region} started"),
            )),
        )];
        if let Some(old) = &old {
            steps.push((
                done,
                GlobalStep::Emit(event(
                    done,
                    &old.region,
                    &old.replication_group_id,
                    "replication-group",
                    format!(
                        "Replication group {} is now a secondary of global replication group {id}",
                        old.replication_group_id
                    ),
                )),
            ));
        }
        steps.push((
            done,
            GlobalStep::Promote {
                region: primary_region.into(),
                replication_group_id: primary_rg_id.into(),
            },
        ));
        steps.push((
            done,
            GlobalStep::Emit(event(
                done,
                primary_region,
                primary_rg_id,
                "replication-group",
                format!("Failover of global replication group {id} completed: replication group {primary_rg_id} is now the primary"),
            )),
        ));
        steps.push((done, GlobalStep::Available));
        let g = self
            .global_datastores
            .get_mut(id)
            .ok_or_else(|| global_not_found(id))?;
        g.status = GlobalStatus::Modifying;
        g.schedule = Some(Schedule::new(now, steps));
        self.advance(now);
        self.global_datastores
            .get(id)
            .ok_or_else(|| global_not_found(id))
    }
}

fn global_not_found(id: &str) -> AwsError {
    AwsError::GlobalReplicationGroupNotFound(format!("GlobalReplicationGroup {id} not found."))
}

#[cfg(test)]
#[path = "elasticache_tests.rs"]
mod tests;
