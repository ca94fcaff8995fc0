//! ElastiCache's Query wire layer (API version 2015-02-02).

use super::query_event_filter;
use crate::error::AwsError;
use crate::models::elasticache::{ElastiCache, GlobalDatastore, ReplicationGroup};
use crate::models::{page, Event, Millis};
use crate::wire::query::Params;
use crate::wire::xml::Xml;

pub const XMLNS: &str = "http://elasticache.amazonaws.com/doc/2015-02-02/";

pub const ACTIONS: &[&str] = &[
    "CreateGlobalReplicationGroup",
    "FailoverGlobalReplicationGroup",
    "TestFailover",
    "DescribeGlobalReplicationGroups",
    "DescribeReplicationGroups",
    "DescribeEvents",
];

const SOURCE_TYPES: &[&str] = &[
    "cache-cluster",
    "cache-parameter-group",
    "cache-security-group",
    "cache-subnet-group",
    "replication-group",
    "serverless-cache",
    "serverless-cache-snapshot",
    "user",
    "user-group",
];

/// Runs one action; returns the inner XML of `<{Action}Result>`.
pub fn handle(
    ec: &mut ElastiCache,
    region: &str,
    action: &str,
    p: &Params,
    now: Millis,
) -> Result<String, AwsError> {
    let mut x = Xml::new();
    match action {
        "DescribeReplicationGroups" => {
            let (size, marker) = p.paging()?;
            let all = ec.describe_replication_groups(region, p.get("ReplicationGroupId"))?;
            let (items, next) = page(all, marker, size);
            x.open("ReplicationGroups");
            for rg in items {
                replication_group(&mut x, ec, rg);
            }
            x.close("ReplicationGroups");
            x.opt("Marker", next.as_deref());
        }
        "DescribeGlobalReplicationGroups" => {
            let (size, marker) = p.paging()?;
            let show_members = p.boolean("ShowMemberInfo")?.unwrap_or(false);
            let all = ec.describe_global_datastores(region, p.get("GlobalReplicationGroupId"))?;
            let (items, next) = page(all, marker, size);
            x.open("GlobalReplicationGroups");
            for g in items {
                global_datastore(&mut x, ec, g, show_members);
            }
            x.close("GlobalReplicationGroups");
            x.opt("Marker", next.as_deref());
        }
        "DescribeEvents" => {
            let (size, marker) = p.paging()?;
            let q = query_event_filter(p, region, SOURCE_TYPES)?;
            let (items, next) = page(ec.describe_events(&q, now), marker, size);
            x.opt("Marker", next.as_deref());
            events(&mut x, &items);
        }
        "TestFailover" => {
            let rg_id = p.required("ReplicationGroupId")?;
            let ng = p.required("NodeGroupId")?;
            if ng.len() > 4 || !ng.bytes().all(|b| b.is_ascii_digit()) {
                return Err(AwsError::InvalidParameterValue(format!(
                    "Invalid NodeGroupId '{ng}': it must be 1 to 4 digits."
                )));
            }
            let ng = format!("{:0>4}", ng);
            let rg = ec.test_failover(region, rg_id, &ng, now)?.clone();
            replication_group(&mut x, ec, &rg);
        }
        "CreateGlobalReplicationGroup" => {
            let suffix = p.required("GlobalReplicationGroupIdSuffix")?;
            let primary = p.required("PrimaryReplicationGroupId")?;
            let description = p.get("GlobalReplicationGroupDescription").unwrap_or("");
            let g = ec
                .create_global_datastore(region, suffix, description, primary, now)?
                .clone();
            global_datastore(&mut x, ec, &g, true);
        }
        "FailoverGlobalReplicationGroup" => {
            let id = p.required("GlobalReplicationGroupId")?;
            let primary_region = p.required("PrimaryRegion")?;
            let primary = p.required("PrimaryReplicationGroupId")?;
            let g = ec
                .failover_global_datastore(region, id, primary_region, primary, now)?
                .clone();
            global_datastore(&mut x, ec, &g, true);
        }
        other => return Err(invalid_action(other)),
    }
    Ok(x.finish())
}

pub fn invalid_action(action: &str) -> AwsError {
    AwsError::InvalidAction(format!(
        "The action {action} is not valid for this web service."
    ))
}

fn endpoint(x: &mut Xml, tag: &str, address: &str) {
    x.open(tag)
        .text("Address", address)
        .int("Port", 6379)
        .close(tag);
}

fn host(region: &str, name: &str, kind: &str) -> String {
    format!("{name}.x7k2pq.{kind}.{region}.cache.amazonaws.com")
}

fn replication_group(x: &mut Xml, ec: &ElastiCache, rg: &ReplicationGroup) {
    let r = rg.region.as_str();
    x.open("ReplicationGroup");
    x.text("ReplicationGroupId", &rg.id)
        .text("Description", &rg.description);
    if let Some((gid, role)) = ec.global_role(rg) {
        x.open("GlobalReplicationGroupInfo")
            .text("GlobalReplicationGroupId", gid)
            .text("GlobalReplicationGroupMemberRole", role.as_str())
            .close("GlobalReplicationGroupInfo");
    }
    x.text("Status", ec.replication_group_status(rg));
    x.open("PendingModifiedValues")
        .close("PendingModifiedValues");
    x.list("MemberClusters", "ClusterId", rg.member_clusters());
    x.open("NodeGroups");
    for ng in &rg.node_groups {
        x.open("NodeGroup")
            .text("NodeGroupId", &ng.id)
            .text("Status", ng.status());
        if rg.cluster_enabled {
            x.text("Slots", &ng.slots);
        } else {
            endpoint(x, "PrimaryEndpoint", &host(r, &rg.id, "ng"));
            endpoint(x, "ReaderEndpoint", &host(&format!("{r}-ro"), &rg.id, "ng"));
        }
        x.open("NodeGroupMembers");
        for m in &ng.members {
            x.open("NodeGroupMember")
                .text("CacheClusterId", &m.cluster_id)
                .text("CacheNodeId", &m.node_id);
            if !rg.cluster_enabled {
                endpoint(x, "ReadEndpoint", &host(r, &m.cluster_id, &m.node_id));
            }
            x.text("PreferredAvailabilityZone", &m.availability_zone)
                .text("CurrentRole", m.role.as_str())
                .close("NodeGroupMember");
        }
        x.close("NodeGroupMembers").close("NodeGroup");
    }
    x.close("NodeGroups");
    let enabled = |b: bool| if b { "enabled" } else { "disabled" };
    x.text("AutomaticFailover", enabled(rg.automatic_failover))
        .text("MultiAZ", enabled(rg.multi_az));
    if rg.cluster_enabled {
        endpoint(x, "ConfigurationEndpoint", &host(r, &rg.id, "clustercfg"));
    }
    x.int("SnapshotRetentionLimit", 1)
        .text("SnapshotWindow", "05:00-06:00")
        .boolean("ClusterEnabled", rg.cluster_enabled)
        .text("CacheNodeType", &rg.node_type)
        .boolean("AuthTokenEnabled", false)
        .boolean("TransitEncryptionEnabled", true)
        .boolean("AtRestEncryptionEnabled", true)
        .text("ARN", &rg.arn())
        .time("ReplicationGroupCreateTime", rg.created)
        .text("DataTiering", "disabled")
        .boolean("AutoMinorVersionUpgrade", true)
        .text("NetworkType", "ipv4")
        .text("IpDiscovery", "ipv4")
        .text("TransitEncryptionMode", "required")
        .text("ClusterMode", enabled(rg.cluster_enabled))
        .text("Engine", &rg.engine)
        .close("ReplicationGroup");
}

fn global_datastore(x: &mut Xml, ec: &ElastiCache, g: &GlobalDatastore, show_members: bool) {
    x.open("GlobalReplicationGroup")
        .text("GlobalReplicationGroupId", &g.id)
        .text("GlobalReplicationGroupDescription", &g.description)
        .text("Status", g.status.as_str())
        .text("CacheNodeType", &g.node_type)
        .text("Engine", &g.engine)
        .text("EngineVersion", &g.engine_version);
    if show_members {
        x.open("Members");
        for m in &g.members {
            let rg = ec
                .replication_groups
                .get(&(m.region.clone(), m.replication_group_id.clone()));
            let af = rg.is_none_or(|rg| rg.automatic_failover);
            x.open("GlobalReplicationGroupMember")
                .text("ReplicationGroupId", &m.replication_group_id)
                .text("ReplicationGroupRegion", &m.region)
                .text("Role", m.role.as_str())
                .text("AutomaticFailover", if af { "enabled" } else { "disabled" })
                .text("Status", "associated")
                .close("GlobalReplicationGroupMember");
        }
        x.close("Members");
    }
    x.boolean("ClusterEnabled", g.cluster_enabled);
    if show_members {
        x.open("GlobalNodeGroups");
        for (id, slots) in &g.node_groups {
            x.open("GlobalNodeGroup")
                .text("GlobalNodeGroupId", id)
                .text("Slots", slots)
                .close("GlobalNodeGroup");
        }
        x.close("GlobalNodeGroups");
    }
    x.boolean("AuthTokenEnabled", false)
        .boolean("TransitEncryptionEnabled", true)
        .boolean("AtRestEncryptionEnabled", true)
        .text("ARN", &g.arn())
        .close("GlobalReplicationGroup");
}

fn events(x: &mut Xml, items: &[&Event]) {
    x.open("Events");
    for e in items {
        x.open("Event")
            .text("SourceIdentifier", &e.source_id)
            .text("SourceType", e.source_type)
            .text("Message", &e.message)
            .time("Date", e.at)
            .close("Event");
    }
    x.close("Events");
}
