//! Neptune's Query wire layer on the RDS endpoint (API version 2014-10-31).

use super::query_event_filter;
use crate::error::AwsError;
use crate::models::neptune::{DbCluster, GlobalCluster, Neptune};
use crate::models::{page, Millis, ACCOUNT_ID};
use crate::wire::query::Params;
use crate::wire::xml::Xml;

pub const XMLNS: &str = "http://rds.amazonaws.com/doc/2014-10-31/";

pub const ACTIONS: &[&str] = &[
    "FailoverGlobalCluster",
    "SwitchoverGlobalCluster",
    "DescribeGlobalClusters",
    "DescribeDBClusters",
    "DescribeEvents",
];

const SOURCE_TYPES: &[&str] = &[
    "db-instance",
    "db-parameter-group",
    "db-security-group",
    "db-snapshot",
    "db-cluster",
    "db-cluster-snapshot",
];

pub fn handle(
    np: &mut Neptune,
    region: &str,
    action: &str,
    p: &Params,
    now: Millis,
) -> Result<String, AwsError> {
    let mut x = Xml::new();
    match action {
        "DescribeDBClusters" => {
            let (size, marker) = p.paging()?;
            let mut all = np.describe_clusters(region, p.get("DBClusterIdentifier"))?;
            for (name, values) in p.filters() {
                match name.as_str() {
                    "engine" => all.retain(|c| values.contains(&c.engine)),
                    "db-cluster-id" => {
                        all.retain(|c| values.contains(&c.id) || values.contains(&c.arn()))
                    }
                    other => {
                        return Err(AwsError::InvalidParameterValue(format!(
                            "Unrecognized filter name: {other}"
                        )))
                    }
                }
            }
            let (items, next) = page(all, marker, size);
            x.opt("Marker", next.as_deref());
            x.open("DBClusters");
            for c in items {
                cluster(&mut x, np, c);
            }
            x.close("DBClusters");
        }
        "DescribeGlobalClusters" => {
            let (size, marker) = p.paging()?;
            let all = np.describe_global_clusters(p.get("GlobalClusterIdentifier"))?;
            let (items, next) = page(all, marker, size);
            x.opt("Marker", next.as_deref());
            x.open("GlobalClusters");
            for g in items {
                // The list's members are named GlobalClusterMember in the model (sic).
                global_cluster(&mut x, g, "GlobalClusterMember");
            }
            x.close("GlobalClusters");
        }
        "DescribeEvents" => {
            let (size, marker) = p.paging()?;
            let q = query_event_filter(p, region, SOURCE_TYPES)?;
            let (items, next) = page(np.describe_events(&q, now), marker, size);
            x.opt("Marker", next.as_deref());
            x.open("Events");
            for e in items {
                x.open("Event")
                    .text("SourceIdentifier", &e.source_id)
                    .text("SourceType", e.source_type)
                    .text("Message", &e.message)
                    .list("EventCategories", "EventCategory", ["notification"])
                    .time("Date", e.at)
                    .text(
                        "SourceArn",
                        &format!(
                            "arn:aws:rds:{}:{ACCOUNT_ID}:cluster:{}",
                            e.region, e.source_id
                        ),
                    )
                    .close("Event");
            }
            x.close("Events");
        }
        "FailoverGlobalCluster" | "SwitchoverGlobalCluster" => {
            let id = p.required("GlobalClusterIdentifier")?;
            let target = p.required("TargetDbClusterIdentifier")?;
            let (allow_data_loss, switchover) = if action == "SwitchoverGlobalCluster" {
                (false, true)
            } else {
                (
                    p.boolean("AllowDataLoss")?.unwrap_or(false),
                    p.boolean("Switchover")?.unwrap_or(false),
                )
            };
            let g = np
                .failover_global_cluster(id, target, allow_data_loss, switchover, now)?
                .clone();
            global_cluster(&mut x, &g, "GlobalCluster");
        }
        other => return Err(super::elasticache::invalid_action(other)),
    }
    Ok(x.finish())
}

fn global_cluster(x: &mut Xml, g: &GlobalCluster, tag: &str) {
    x.open(tag)
        .text("GlobalClusterIdentifier", &g.id)
        .text("GlobalClusterResourceId", &g.resource_id)
        .text("GlobalClusterArn", &g.arn())
        .text("Status", g.status)
        .text("Engine", &g.engine)
        .text("EngineVersion", &g.engine_version)
        .boolean("StorageEncrypted", g.storage_encrypted)
        .boolean("DeletionProtection", g.deletion_protection);
    x.open("GlobalClusterMembers");
    for m in &g.members {
        // The writer lists its secondaries as readers; secondaries list none.
        let readers: Vec<String> = if m.is_writer {
            g.members
                .iter()
                .filter(|o| !o.is_writer)
                .map(|o| o.arn())
                .collect()
        } else {
            Vec::new()
        };
        x.open("GlobalClusterMember")
            .text("DBClusterArn", &m.arn())
            .list("Readers", "member", readers.iter().map(String::as_str))
            .boolean("IsWriter", m.is_writer)
            .close("GlobalClusterMember");
    }
    x.close("GlobalClusterMembers");
    if let Some(f) = &g.failover {
        x.open("FailoverState")
            .text("Status", f.phase.as_str())
            .text("FromDbClusterArn", &f.from_arn)
            .text("ToDbClusterArn", &f.to_arn)
            .boolean("IsDataLossAllowed", f.data_loss_allowed)
            .close("FailoverState");
    }
    x.close(tag);
}

fn cluster(x: &mut Xml, np: &Neptune, c: &DbCluster) {
    let host = |kind: &str| {
        format!(
            "{}.cluster-{kind}c9akciq32.{}.{}.amazonaws.com",
            c.id,
            c.region,
            if c.engine == "docdb" { "docdb" } else { "rds" }
        )
    };
    x.open("DBCluster").int("AllocatedStorage", 1);
    x.list(
        "AvailabilityZones",
        "AvailabilityZone",
        ["a", "b", "c"]
            .map(|z| format!("{}{z}", c.region))
            .iter()
            .map(String::as_str),
    );
    x.int("BackupRetentionPeriod", 1)
        .text("DBClusterIdentifier", &c.id)
        .text("DBClusterParameterGroup", &format!("default.{}", c.engine))
        .text("DBSubnetGroup", "default")
        .text("Status", np.cluster_status(c))
        .text("Endpoint", &host(""))
        .text("ReaderEndpoint", &host("ro-"))
        .boolean("MultiAZ", c.instances.len() > 1)
        .text("Engine", &c.engine)
        .text("EngineVersion", &c.engine_version)
        .int("Port", c.port)
        .text("MasterUsername", "admin")
        .text("PreferredBackupWindow", "07:00-07:30")
        .text("PreferredMaintenanceWindow", "sun:09:00-sun:09:30");
    x.open("DBClusterMembers");
    for i in &c.instances {
        x.open("DBClusterMember")
            .text("DBInstanceIdentifier", &i.id)
            .boolean("IsClusterWriter", i.is_writer)
            .text("DBClusterParameterGroupStatus", "in-sync")
            .int("PromotionTier", i.promotion_tier)
            .close("DBClusterMember");
    }
    x.close("DBClusterMembers");
    x.boolean("StorageEncrypted", true)
        .text("DbClusterResourceId", &c.resource_id)
        .text("DBClusterArn", &c.arn())
        .boolean("IAMDatabaseAuthenticationEnabled", false)
        .time("ClusterCreateTime", c.created)
        .boolean("CopyTagsToSnapshot", false)
        .boolean("DeletionProtection", false)
        .boolean("CrossAccountClone", false)
        .opt("GlobalClusterIdentifier", c.global_id.as_deref())
        .text("StorageType", "standard")
        .close("DBCluster");
}
