//! MemoryDB's JSON 1.1 wire layer (`X-Amz-Target: AmazonMemoryDB.<Op>`).

use crate::error::AwsError;
use crate::models::memorydb::{Cluster, MemoryDb, MultiRegionCluster};
use crate::models::{page, EventQuery, Millis};
use crate::wire::json::{epoch, Input};
use serde_json::{json, Value};

pub const ACTIONS: &[&str] = &[
    "FailoverShard",
    "DescribeClusters",
    "DescribeEvents",
    "DescribeMultiRegionClusters",
];

const SOURCE_TYPES: &[&str] = &[
    "node",
    "parameter-group",
    "subnet-group",
    "cluster",
    "user",
    "acl",
];

/// Runs one action; returns the response object.
pub fn handle(
    db: &mut MemoryDb,
    region: &str,
    action: &str,
    i: &Input,
    now: Millis,
) -> Result<Value, AwsError> {
    match action {
        "DescribeClusters" => {
            let (size, token) = i.paging()?;
            let show = i.boolean("ShowShardDetails")?.unwrap_or(false);
            let all = db.describe_clusters(region, i.string("ClusterName")?)?;
            let (items, next) = page(all, token, size);
            let mut out =
                json!({ "Clusters": items.iter().map(|c| cluster(c, show)).collect::<Vec<_>>() });
            if let Some(n) = next {
                out["NextToken"] = json!(n);
            }
            Ok(out)
        }
        "DescribeEvents" => {
            let (size, token) = i.paging()?;
            let source_type = i.string("SourceType")?;
            if let Some(t) = source_type {
                if !SOURCE_TYPES.contains(&t) {
                    return Err(AwsError::InvalidParameterValue(format!(
                        "Invalid value '{t}' for SourceType"
                    )));
                }
            }
            let q = EventQuery {
                region,
                source_id: i.string("SourceName")?,
                source_type,
                start: i.time("StartTime")?,
                end: i.time("EndTime")?,
                duration_minutes: i.int("Duration")?,
            };
            let (items, next) = page(db.describe_events(&q, now), token, size);
            let mut out = json!({
                "Events": items.iter().map(|e| json!({
                    "SourceName": e.source_id,
                    "SourceType": e.source_type,
                    "Message": e.message,
                    "Date": epoch(e.at),
                })).collect::<Vec<_>>()
            });
            if let Some(n) = next {
                out["NextToken"] = json!(n);
            }
            Ok(out)
        }
        "DescribeMultiRegionClusters" => {
            let (size, token) = i.paging()?;
            let details = i.boolean("ShowClusterDetails")?.unwrap_or(false);
            let all = db.describe_multi_region_clusters(i.string("MultiRegionClusterName")?)?;
            let (items, next) = page(all, token, size);
            let list: Vec<Value> = items
                .iter()
                .map(|m| multi_region_cluster(db, m, details))
                .collect();
            let mut out = json!({ "MultiRegionClusters": list });
            if let Some(n) = next {
                out["NextToken"] = json!(n);
            }
            Ok(out)
        }
        "FailoverShard" => {
            let name = i.required("ClusterName")?;
            let shard = i.required("ShardName")?;
            let c = db.failover_shard(region, name, shard, now)?;
            Ok(json!({ "Cluster": cluster(c, true) }))
        }
        other => Err(AwsError::InvalidAction(format!(
            "Operation {other} is not supported."
        ))),
    }
}

fn multi_region_cluster(db: &MemoryDb, m: &MultiRegionCluster, details: bool) -> Value {
    let mut v = json!({
        "MultiRegionClusterName": m.name,
        "Description": m.description,
        "Status": "available",
        "NodeType": m.node_type,
        "Engine": m.engine,
        "EngineVersion": m.engine_version,
        "NumberOfShards": m.shards,
        "MultiRegionParameterGroupName": format!("default.memorydb-{}{}.multiregion", m.engine, m.engine_version.split('.').next().unwrap_or("")),
        "TLSEnabled": true,
        "ARN": m.arn(),
    });
    if details {
        v["Clusters"] = m
            .members
            .iter()
            .map(|(region, name)| {
                json!({
                    "ClusterName": name,
                    "Region": region,
                    "Status": db.regional_status(region, name),
                    "ARN": format!("arn:aws:memorydb:{region}:{}:cluster/{name}", crate::models::ACCOUNT_ID),
                })
            })
            .collect();
    }
    v
}

fn cluster(c: &Cluster, show_shards: bool) -> Value {
    let host = |name: &str| format!("{name}.a1b2c3.memorydb.{}.amazonaws.com", c.region);
    let mut v = json!({
        "Name": c.name,
        "Description": c.description,
        "Status": c.status(),
        "NumberOfShards": c.shards.len(),
        "AvailabilityMode": if c.multi_az { "multiaz" } else { "singleaz" },
        "ClusterEndpoint": { "Address": host(&format!("clustercfg.{}", c.name)), "Port": 6379 },
        "NodeType": c.node_type,
        "Engine": c.engine,
        "EngineVersion": c.engine_version,
        "EnginePatchVersion": format!("{}.1", c.engine_version),
        "ParameterGroupName": format!("default.memorydb-{}{}", c.engine, c.engine_version),
        "ParameterGroupStatus": "in-sync",
        "SecurityGroups": [{ "SecurityGroupId": "sg-0a1b2c3d4e5f60718", "Status": "active" }],
        "SubnetGroupName": "default",
        "TLSEnabled": true,
        "ARN": c.arn(),
        "SnapshotRetentionLimit": 1,
        "MaintenanceWindow": "sun:23:00-mon:01:30",
        "SnapshotWindow": "05:00-06:00",
        "ACLName": "open-access",
        "AutoMinorVersionUpgrade": true,
        "DataTiering": "false",
        "NetworkType": "ipv4",
        "IpDiscovery": "ipv4",
    });
    if let Some(m) = &c.multi_region {
        v["MultiRegionClusterName"] = json!(m);
    }
    if show_shards {
        v["Shards"] = c
            .shards
            .iter()
            .map(|s| {
                json!({
                    "Name": s.name,
                    "Status": s.status(),
                    "Slots": s.slots,
                    "NumberOfNodes": s.nodes.len(),
                    "Nodes": s.nodes.iter().map(|n| json!({
                        "Name": n.name,
                        "Status": "available",
                        "AvailabilityZone": n.availability_zone,
                        "CreateTime": epoch(n.created),
                        "Endpoint": { "Address": host(&format!("{}-{}", c.name, n.name)), "Port": 6379 },
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
    }
    v
}
