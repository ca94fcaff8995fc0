//! Every fixture under tests/fixtures/<service>/ is read by the console's decoders, and what
//! it reads equals what botocore's own parser read from the same bytes
//! (tests/vectors/fixtures_parsed_by_botocore.json, written by tests/tools/gen_vectors.py).
//!
//! The domain values are rendered back into botocore's member names and compared with
//! botocore's parse, restricted to the members the domain keeps; then a few values a person
//! relies on (who is primary, which region) are asserted by hand.

use failover_console::aws::protocol::{json, xml};
use failover_console::aws::services::cloudwatch::{MetricDescriptor, MetricSeries};
use failover_console::aws::services::{cloudwatch, elasticache, memorydb, neptune, sts, Page};
use failover_console::aws::testing::ScriptedTransport;
use failover_console::aws::{Client, ClientConfig, Clock, Credentials, ErrorCategory, ErrorKind};
use failover_console::model::{
    DbCluster, Event, GlobalDatabase, GlobalDatastore, MemberRole, MemoryDbCluster,
    MultiRegionCluster, Node, NodeRole, ReplicationGroup, Timestamp,
};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::rc::Rc;

const REGION: &str = "us-east-1";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn botocore() -> Map<String, Value> {
    let text =
        fs::read_to_string(root().join("tests/vectors/fixtures_parsed_by_botocore.json")).unwrap();
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_object()
        .unwrap()
        .clone()
}

fn fixture(name: &str) -> Vec<u8> {
    fs::read(root().join("tests/fixtures").join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// botocore's value reduced to the shape of ours: only our keys; a missing list is empty.
fn project(theirs: &Value, ours: &Value) -> Value {
    match ours {
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), project(theirs.get(k).unwrap_or(&Value::Null), v)))
                .collect(),
        ),
        Value::Array(items) => {
            let theirs: &[Value] = theirs.as_array().map(Vec::as_slice).unwrap_or(&[]);
            // Element by element; an element only botocore has stays whole, so it shows.
            Value::Array(
                theirs
                    .iter()
                    .enumerate()
                    .map(|(i, t)| project(t, items.get(i).unwrap_or(&Value::Null)))
                    .collect(),
            )
        }
        _ => theirs.clone(),
    }
}

fn assert_matches_botocore(file: &str, ours: Value, theirs: &Value) {
    let projected = project(theirs, &ours);
    assert_eq!(
        ours, projected,
        "{file}: the console read something other than botocore"
    );
}

fn opt<T: Into<Value>>(v: Option<T>) -> Value {
    v.map_or(Value::Null, Into::into)
}

fn time(t: Timestamp) -> Value {
    json!({ "epoch_millis": t.millis() })
}

fn endpoint(e: Option<&String>) -> Value {
    match e.and_then(|e| e.rsplit_once(':')) {
        Some((address, port)) => json!({"Address": address, "Port": port.parse::<u64>().unwrap()}),
        None => Value::Null,
    }
}

// ---- domain rendered with AWS member names ----

fn global_datastore(g: &GlobalDatastore) -> Value {
    json!({
        "GlobalReplicationGroupId": g.id,
        "GlobalReplicationGroupDescription": opt(g.description.clone()),
        "Status": g.status,
        "CacheNodeType": opt(g.node_type.clone()),
        "Engine": opt(g.engine.clone()),
        "EngineVersion": opt(g.engine_version.clone()),
        "ClusterEnabled": opt(g.cluster_enabled),
        "ARN": opt(g.arn.clone()),
        "Members": g.members.iter().map(|m| json!({
            "ReplicationGroupId": m.replication_group_id,
            "ReplicationGroupRegion": m.region,
            "Role": m.role.as_str().to_uppercase(),
            "AutomaticFailover": opt(m.automatic_failover.clone()),
            "Status": opt(m.status.clone()),
        })).collect::<Vec<_>>(),
        "GlobalNodeGroups": g.shards.iter().map(|s| json!({
            "GlobalNodeGroupId": s.id, "Slots": opt(s.slots.clone()),
        })).collect::<Vec<_>>(),
    })
}

fn ec_node(n: &Node) -> Value {
    json!({
        "CacheClusterId": n.id,
        "CurrentRole": if n.role == NodeRole::Unknown { Value::Null } else { n.role.as_str().into() },
        "PreferredAvailabilityZone": opt(n.availability_zone.clone()),
        "ReadEndpoint": endpoint(n.endpoint.as_ref()),
    })
}

fn replication_group(g: &ReplicationGroup) -> Value {
    json!({
        "ReplicationGroupId": g.id,
        "Description": opt(g.description.clone()),
        "Status": g.status,
        "GlobalReplicationGroupInfo": match &g.global_datastore {
            Some((id, role)) => json!({
                "GlobalReplicationGroupId": id,
                "GlobalReplicationGroupMemberRole": role.as_str().to_uppercase(),
            }),
            None => Value::Null,
        },
        "MultiAZ": opt(g.multi_az.clone()),
        "AutomaticFailover": opt(g.automatic_failover.clone()),
        "ClusterEnabled": opt(g.cluster_enabled),
        "CacheNodeType": opt(g.node_type.clone()),
        "Engine": opt(g.engine.clone()),
        "ARN": opt(g.arn.clone()),
        "MemberClusters": g.member_clusters,
        "NodeGroups": g.shards.iter().map(|s| json!({
            "NodeGroupId": s.id,
            "Status": opt(s.status.clone()),
            "Slots": opt(s.slots.clone()),
            "NodeGroupMembers": s.nodes.iter().map(ec_node).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn query_event(e: &Event) -> Value {
    json!({
        "SourceIdentifier": e.source_id,
        "SourceType": opt(e.source_type.clone()),
        "Message": e.message,
        "Date": time(e.date),
    })
}

fn global_database(g: &GlobalDatabase) -> Value {
    json!({
        "GlobalClusterIdentifier": g.id,
        "GlobalClusterResourceId": opt(g.resource_id.clone()),
        "GlobalClusterArn": opt(g.arn.clone()),
        "Status": g.status,
        "Engine": opt(g.engine.clone()),
        "EngineVersion": opt(g.engine_version.clone()),
        "DeletionProtection": opt(g.deletion_protection),
        "GlobalClusterMembers": g.members.iter().map(|m| json!({
            "DBClusterArn": m.cluster_arn, "IsWriter": m.is_writer, "Readers": m.readers,
        })).collect::<Vec<_>>(),
        "FailoverState": match &g.failover {
            Some(f) => json!({
                "Status": f.status,
                "FromDbClusterArn": opt(f.from_cluster_arn.clone()),
                "ToDbClusterArn": opt(f.to_cluster_arn.clone()),
                "IsDataLossAllowed": opt(f.is_data_loss_allowed),
            }),
            None => Value::Null,
        },
    })
}

fn db_cluster(c: &DbCluster) -> Value {
    json!({
        "DBClusterIdentifier": c.id,
        "DBClusterArn": opt(c.arn.clone()),
        "Status": c.status,
        "Engine": opt(c.engine.clone()),
        "EngineVersion": opt(c.engine_version.clone()),
        "MultiAZ": opt(c.multi_az),
        "Endpoint": opt(c.endpoint.clone()),
        "ReaderEndpoint": opt(c.reader_endpoint.clone()),
        "DBClusterMembers": c.members.iter().map(|m| json!({
            "DBInstanceIdentifier": m.instance_id, "IsClusterWriter": m.is_writer,
        })).collect::<Vec<_>>(),
    })
}

fn memorydb_cluster(c: &MemoryDbCluster) -> Value {
    json!({
        "Name": c.name,
        "Description": opt(c.description.clone()),
        "Status": c.status,
        "NumberOfShards": opt(c.number_of_shards),
        "AvailabilityMode": opt(c.availability_mode.clone()),
        "NodeType": opt(c.node_type.clone()),
        "EngineVersion": opt(c.engine_version.clone()),
        "ARN": opt(c.arn.clone()),
        "Shards": c.shards.iter().map(|s| json!({
            "Name": s.id,
            "Status": opt(s.status.clone()),
            "Slots": opt(s.slots.clone()),
            "Nodes": s.nodes.iter().map(|n| json!({
                "Name": n.id,
                "Status": opt(n.status.clone()),
                "AvailabilityZone": opt(n.availability_zone.clone()),
                "Endpoint": endpoint(n.endpoint.as_ref()),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn multi_region_cluster(m: &MultiRegionCluster) -> Value {
    json!({
        "MultiRegionClusterName": m.name,
        "Description": opt(m.description.clone()),
        "Status": m.status,
        "NodeType": opt(m.node_type.clone()),
        "Engine": opt(m.engine.clone()),
        "EngineVersion": opt(m.engine_version.clone()),
        "NumberOfShards": opt(m.number_of_shards),
        "ARN": opt(m.arn.clone()),
        "Clusters": m.clusters.iter().map(|c| json!({
            "ClusterName": c.name, "Region": c.region, "Status": c.status, "ARN": opt(c.arn.clone()),
        })).collect::<Vec<_>>(),
    })
}

/// A page's series in CloudWatch's member names: messages as `Code: Value` text (botocore's
/// `{Code, Value}` pairs are compared through that text below).
fn metric_series(s: &MetricSeries) -> Value {
    json!({
        "Id": s.id,
        "Label": s.label,
        "Timestamps": s.points.iter().map(|(t, _)| time(*t)).collect::<Vec<_>>(),
        "Values": s.points.iter().map(|(_, v)| *v).collect::<Vec<_>>(),
        "StatusCode": s.status,
    })
}

fn metric_descriptor(m: &MetricDescriptor) -> Value {
    json!({
        "Namespace": m.namespace,
        "MetricName": m.metric,
        "Dimensions": m.dimensions.iter().map(|(k, v)| json!({"Name": k, "Value": v})).collect::<Vec<_>>(),
    })
}

fn memorydb_event(e: &Event) -> Value {
    json!({
        "SourceName": e.source_id,
        "SourceType": opt(e.source_type.clone()),
        "Message": e.message,
        "Date": time(e.date),
    })
}

fn page<T>(p: &Page<T>, list: &str, token: &str, render: fn(&T) -> Value) -> Value {
    json!({ list: p.items.iter().map(render).collect::<Vec<_>>(), token: opt(p.next_token.clone()) })
}

/// Reads a success fixture with the console's decoder, in botocore's member names.
fn decode_success(service: &str, operation: &str, body: &[u8]) -> Value {
    let bad = |e: failover_console::aws::protocol::DecodeError| -> Value {
        panic!("{service} {operation}: {e}")
    };
    match (service, operation) {
        ("elasticache", "DescribeGlobalReplicationGroups") => {
            elasticache::parse_describe_global_replication_groups(body)
                .map(|p| page(&p, "GlobalReplicationGroups", "Marker", global_datastore))
                .unwrap_or_else(bad)
        }
        ("elasticache", "CreateGlobalReplicationGroup") => {
            elasticache::parse_create_global_replication_group(body)
                .map(|g| json!({ "GlobalReplicationGroup": global_datastore(&g) }))
                .unwrap_or_else(bad)
        }
        ("elasticache", "FailoverGlobalReplicationGroup") => {
            elasticache::parse_failover_global_replication_group(body)
                .map(|g| json!({ "GlobalReplicationGroup": global_datastore(&g) }))
                .unwrap_or_else(bad)
        }
        ("elasticache", "DescribeReplicationGroups") => {
            elasticache::parse_describe_replication_groups(body, REGION)
                .map(|p| page(&p, "ReplicationGroups", "Marker", replication_group))
                .unwrap_or_else(bad)
        }
        ("elasticache", "TestFailover") => elasticache::parse_test_failover(body, REGION)
            .map(|g| json!({ "ReplicationGroup": replication_group(&g) }))
            .unwrap_or_else(bad),
        ("elasticache", "DescribeEvents") => elasticache::parse_describe_events(body, REGION)
            .map(|p| page(&p, "Events", "Marker", query_event))
            .unwrap_or_else(bad),
        ("neptune", "DescribeGlobalClusters") => neptune::parse_describe_global_clusters(body)
            .map(|p| page(&p, "GlobalClusters", "Marker", global_database))
            .unwrap_or_else(bad),
        ("neptune", "FailoverGlobalCluster") => neptune::parse_failover_global_cluster(body)
            .map(|g| json!({ "GlobalCluster": global_database(&g) }))
            .unwrap_or_else(bad),
        ("neptune", "SwitchoverGlobalCluster") => neptune::parse_switchover_global_cluster(body)
            .map(|g| json!({ "GlobalCluster": global_database(&g) }))
            .unwrap_or_else(bad),
        ("neptune", "DescribeDBClusters") => neptune::parse_describe_db_clusters(body, REGION)
            .map(|p| page(&p, "DBClusters", "Marker", db_cluster))
            .unwrap_or_else(bad),
        ("neptune", "DescribeEvents") => neptune::parse_describe_events(body, REGION)
            .map(|p| page(&p, "Events", "Marker", query_event))
            .unwrap_or_else(bad),
        ("memorydb", "DescribeClusters") => memorydb::parse_describe_clusters(body, REGION)
            .map(|p| page(&p, "Clusters", "NextToken", memorydb_cluster))
            .unwrap_or_else(bad),
        ("memorydb", "FailoverShard") => memorydb::parse_failover_shard(body, REGION)
            .map(|c| json!({ "Cluster": memorydb_cluster(&c) }))
            .unwrap_or_else(bad),
        ("memorydb", "DescribeEvents") => memorydb::parse_describe_events(body, REGION)
            .map(|p| page(&p, "Events", "NextToken", memorydb_event))
            .unwrap_or_else(bad),
        ("memorydb", "DescribeMultiRegionClusters") => {
            memorydb::parse_describe_multi_region_clusters(body, REGION)
                .map(|p| page(&p, "MultiRegionClusters", "NextToken", multi_region_cluster))
                .unwrap_or_else(bad)
        }
        ("cloudwatch", "GetMetricData") => cloudwatch::parse_get_metric_data(body, REGION)
            .map(|p| page(&p, "MetricDataResults", "NextToken", metric_series))
            .unwrap_or_else(bad),
        ("cloudwatch", "ListMetrics") => cloudwatch::parse_list_metrics(body, REGION)
            .map(|p| page(&p, "Metrics", "NextToken", metric_descriptor))
            .unwrap_or_else(bad),
        ("sts", "GetCallerIdentity") => sts::parse_get_caller_identity(body)
            .map(|w| json!({"Arn": w.arn, "Account": w.account, "UserId": w.user_id}))
            .unwrap_or_else(bad),
        ("sts", "AssumeRoleWithWebIdentity") => sts::parse_assume_role_with_web_identity(body)
            .map(|r| {
                json!({
                    "Credentials": {
                        "AccessKeyId": r.credentials.access_key_id,
                        "SecretAccessKey": r.credentials.secret_access_key,
                        "SessionToken": r.credentials.session_token,
                        "Expiration": r.credentials.expiration.map(time),
                    },
                    "AssumedRoleUser": {"Arn": r.arn},
                })
            })
            .unwrap_or_else(bad),
        (s, o) => panic!("no decoder for {s} {o}"),
    }
}

#[test]
fn every_fixture_was_checked_by_botocore() {
    let listed: BTreeSet<String> = botocore().keys().cloned().collect();
    let mut on_disk = BTreeSet::new();
    for service in ["elasticache", "neptune", "memorydb", "cloudwatch", "sts"] {
        for entry in fs::read_dir(root().join("tests/fixtures").join(service)).unwrap() {
            on_disk.insert(format!(
                "{service}/{}",
                entry.unwrap().file_name().to_string_lossy()
            ));
        }
    }
    assert_eq!(
        listed, on_disk,
        "regenerate with tests/tools/gen_vectors.py"
    );
    // Each of the 17 service operations has a success and at least one error fixture; STS's
    // two (sign-in and who am I) their successes and sign-in's refusals.
    let ops: BTreeSet<(String, bool)> = botocore()
        .values()
        .map(|v| {
            (
                format!(
                    "{}/{}",
                    v["service"].as_str().unwrap(),
                    v["operation"].as_str().unwrap()
                ),
                v["error"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(ops.len(), 37, "{ops:?}");
}

#[test]
fn success_fixtures_read_the_same_as_botocore() {
    let mut checked = 0;
    for (file, entry) in botocore() {
        if entry["error"].as_bool().unwrap() {
            continue;
        }
        let (service, operation) = (
            entry["service"].as_str().unwrap(),
            entry["operation"].as_str().unwrap(),
        );
        let ours = decode_success(service, operation, &fixture(&file));
        assert_matches_botocore(&file, ours, &entry["parsed"]);
        checked += 1;
    }
    assert_eq!(checked, 19);
}

fn client_for(transport: Rc<ScriptedTransport>) -> Client {
    Client::new(
        ClientConfig::new(Credentials::new("AKIDEXAMPLE", "secret", None)),
        transport,
        Clock::fixed(1_714_564_800_000),
    )
}

#[test]
fn error_fixtures_read_the_same_as_botocore_and_through_the_client() {
    let mut checked = 0;
    for (file, entry) in botocore() {
        if !entry["error"].as_bool().unwrap() {
            continue;
        }
        let service = entry["service"].as_str().unwrap();
        let operation = entry["operation"].as_str().unwrap();
        let status = entry["status"].as_u64().unwrap() as u16;
        let body = fixture(&file);
        let header_id = "fixture-request-id";
        let wire = if service == "memorydb" || service == "cloudwatch" {
            json::parse_error(status, &body, None, Some(header_id))
        } else {
            xml::parse_error(status, &body, Some(header_id))
        };
        let theirs = &entry["parsed"]["Error"];
        assert_eq!(wire.code, theirs["Code"].as_str().unwrap(), "{file}: code");
        assert_eq!(
            wire.message,
            theirs["Message"].as_str().unwrap(),
            "{file}: message"
        );
        assert_eq!(
            wire.request_id.as_deref(),
            entry["request_id"].as_str(),
            "{file}: request id"
        );

        // Through the client: a typed AwsError with the call's context, never retried when
        // the call mutates, categorised by code.
        let transport = Rc::new(ScriptedTransport::new());
        for _ in 0..4 {
            transport.push_response(status, &[("x-amzn-RequestId", header_id)], body.clone());
        }
        let client = client_for(transport.clone());
        let err =
            futures::executor::block_on(call_operation(&client, service, operation)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Service, "{file}");
        assert_eq!(err.code(), Some(wire.code.as_str()), "{file}");
        assert_eq!(err.http_status(), Some(status), "{file}");
        assert_eq!(err.operation(), Some(operation), "{file}");
        assert_eq!(err.region(), Some(REGION), "{file}");
        let text = err.to_string();
        assert!(
            text.contains(&wire.code) && text.contains(operation) && text.contains(REGION),
            "{file}: {text}"
        );
        let expected_attempts =
            if err.category() == Some(ErrorCategory::Throttling) && !is_mutating(operation) {
                4
            } else {
                1
            };
        assert_eq!(
            transport.requests().len(),
            expected_attempts,
            "{file}: attempts"
        );
        checked += 1;
    }
    assert!(checked >= 14, "{checked}");
}

fn is_mutating(operation: &str) -> bool {
    !operation.starts_with("Describe") && !matches!(operation, "GetMetricData" | "ListMetrics")
}

/// Calls the public client method for an operation, discarding the value.
async fn call_operation(
    client: &Client,
    service: &str,
    operation: &str,
) -> Result<(), failover_console::aws::AwsError> {
    let (ec, np, mdb) = (
        client.elasticache(REGION),
        client.neptune(REGION),
        client.memorydb(REGION),
    );
    let any = failover_console::model::EventSource::default();
    match (service, operation) {
        ("elasticache", "DescribeGlobalReplicationGroups") => {
            ec.describe_global_datastores().await.map(drop)
        }
        ("elasticache", "CreateGlobalReplicationGroup") => ec
            .create_global_datastore("carts", "carts-use1", None)
            .await
            .map(drop),
        ("elasticache", "FailoverGlobalReplicationGroup") => ec
            .failover_global_datastore("ldgnf-orders", "us-west-2", "orders-usw2")
            .await
            .map(drop),
        ("elasticache", "DescribeReplicationGroups") => {
            ec.describe_replication_groups().await.map(drop)
        }
        ("elasticache", "TestFailover") => ec.test_failover("orders-use1", "0001").await.map(drop),
        ("elasticache", "DescribeEvents") => ec.describe_events(&any).await.map(drop),
        ("neptune", "DescribeGlobalClusters") => np.describe_global_databases().await.map(drop),
        ("neptune", "FailoverGlobalCluster") => np
            .failover_global_database("g", "arn:aws:rds:eu-west-1:1:cluster:c", true)
            .await
            .map(drop),
        ("neptune", "SwitchoverGlobalCluster") => np
            .switchover_global_database("g", "arn:aws:rds:eu-west-1:1:cluster:c")
            .await
            .map(drop),
        ("neptune", "DescribeDBClusters") => np.describe_clusters().await.map(drop),
        ("neptune", "DescribeEvents") => np.describe_events(&any).await.map(drop),
        ("memorydb", "DescribeClusters") => mdb.describe_clusters().await.map(drop),
        ("memorydb", "FailoverShard") => mdb.failover_shard("ledger", "0001").await.map(drop),
        ("memorydb", "DescribeEvents") => mdb.describe_events(&any).await.map(drop),
        ("memorydb", "DescribeMultiRegionClusters") => {
            mdb.describe_multi_region_clusters().await.map(drop)
        }
        ("cloudwatch", "GetMetricData") => client
            .cloudwatch(REGION)
            .get_metric_data(&[], 0, 60_000)
            .await
            .map(drop),
        ("cloudwatch", "ListMetrics") => client
            .cloudwatch(REGION)
            .list_metrics("AWS/MemoryDB", "MultiRegionClusterReplicationLag")
            .await
            .map(drop),
        ("sts", "AssumeRoleWithWebIdentity") => client
            .sts(REGION)
            .assume_role_with_web_identity("arn:aws:iam::1:role/r", "oncall", "a.b.c", 3600)
            .await
            .map(drop),
        (s, o) => panic!("no call for {s} {o}"),
    }
}

// ---- values a person relies on, asserted by hand ----

#[test]
fn metric_answers_keep_empty_series_partial_data_and_messages() {
    let p = cloudwatch::parse_get_metric_data(&fixture("cloudwatch/GetMetricData.json"), REGION)
        .unwrap();
    assert_eq!(p.next_token.as_deref(), Some("AAAAAQ=="));
    let [ec, np, mr] = &p.items[..] else {
        panic!("three series")
    };
    assert_eq!(ec.points.len(), 3);
    assert!(ec.complete());
    // An empty series is "no data", kept as such: not a zero.
    assert!(np.points.is_empty() && np.complete());
    assert!(!mr.complete());
    assert_eq!(mr.points[0].0.millis(), 1_714_564_740_500);
    assert_eq!(
        mr.messages,
        ["MaxDatapointsExceeded: The maximum datapoints limit was exceeded."]
    );
    let m = memorydb::parse_describe_multi_region_clusters(
        &fixture("memorydb/DescribeMultiRegionClusters.json"),
        REGION,
    )
    .unwrap();
    let regions: Vec<_> = m.items[0]
        .clusters
        .iter()
        .map(|c| (c.region.as_str(), c.status.as_str()))
        .collect();
    assert_eq!(
        regions,
        [("us-east-1", "available"), ("eu-west-1", "updating")]
    );
}

#[test]
fn global_datastore_knows_its_primary_region_and_shards() {
    let p = elasticache::parse_describe_global_replication_groups(&fixture(
        "elasticache/DescribeGlobalReplicationGroups.xml",
    ))
    .unwrap();
    assert_eq!(p.items.len(), 2);
    assert_eq!(p.next_token.as_deref(), Some("ldgnf-sessions"));
    let orders = &p.items[0];
    let primary = orders.primary().unwrap();
    assert_eq!(
        (
            primary.replication_group_id.as_str(),
            primary.region.as_str()
        ),
        ("orders-use1", "us-east-1")
    );
    let secondaries: Vec<_> = orders.secondaries().map(|m| m.region.as_str()).collect();
    assert_eq!(secondaries, ["us-west-2"]);
    assert_eq!(orders.shards.len(), 2);
    assert_eq!(orders.shards[1].slots.as_deref(), Some("8192-16383"));
    // <GlobalNodeGroups/> and a missing description are empty, not errors.
    assert!(p.items[1].shards.is_empty());
    assert_eq!(p.items[1].description, None);
}

#[test]
fn replication_groups_carry_region_roles_and_endpoints() {
    let p = elasticache::parse_describe_replication_groups(
        &fixture("elasticache/DescribeReplicationGroups.xml"),
        "us-east-1",
    )
    .unwrap();
    let orders = &p.items[0];
    assert_eq!(orders.region, "us-east-1");
    assert_eq!(
        orders.global_datastore,
        Some(("ldgnf-orders".to_string(), MemberRole::Primary))
    );
    assert!(orders.is_multi_az() && orders.has_automatic_failover());
    let shard = orders.shard("0001").unwrap();
    let primary = shard.primary().unwrap();
    assert_eq!(primary.id, "orders-use1-001");
    assert_eq!(
        primary.endpoint.as_deref(),
        Some("orders-use1-001.abc123.0001.use1.cache.amazonaws.com:6379")
    );
    assert_eq!(shard.replicas().count(), 1);
    // Cluster mode enabled: AWS reports no node roles.
    let catalog = &p.items[1];
    assert_eq!(catalog.cluster_enabled, Some(true));
    assert!(catalog
        .shards
        .iter()
        .flat_map(|s| &s.nodes)
        .all(|n| n.role == NodeRole::Unknown));
    // Where applications connect: primary and reader without cluster mode, the
    // configuration endpoint with it.
    let kinds = |g: &ReplicationGroup| {
        g.endpoints
            .iter()
            .map(|(k, _)| k.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(kinds(orders), ["primary", "reader"]);
    assert!(orders.endpoints[1]
        .1
        .starts_with("orders-use1-ro.abc123.ng.0001.use1.cache.amazonaws.com"));
    assert_eq!(kinds(catalog), ["configuration"]);
    assert!(catalog.endpoints[0]
        .1
        .starts_with("catalog.abc123.clustercfg.use1.cache.amazonaws.com"));
    assert_eq!(p.next_token, None);
}

#[test]
fn neptune_global_clusters_unwrap_the_member_wrapper_and_read_regions_from_arns() {
    let p = neptune::parse_describe_global_clusters(&fixture("neptune/DescribeGlobalClusters.xml"))
        .unwrap();
    assert_eq!(
        p.items.len(),
        2,
        "each <GlobalClusterMember> under <GlobalClusters> is one global cluster"
    );
    let graph = &p.items[0];
    let writer = graph.writer().unwrap();
    assert_eq!(writer.region.as_deref(), Some("us-east-1"));
    assert_eq!(writer.cluster_id(), "graph-use1");
    assert_eq!(
        writer.readers,
        ["arn:aws:rds:eu-west-1:123456789012:cluster:graph-euw1"]
    );
    assert!(graph.failover.is_none());
    let kg = &p.items[1];
    let f = kg.failover.as_ref().unwrap();
    assert_eq!(f.status, "failing-over");
    assert_eq!(f.is_data_loss_allowed, Some(false));
    assert_eq!(
        kg.members[1].readers,
        Vec::<String>::new(),
        "missing <Readers> is empty"
    );
}

#[test]
fn neptune_failover_answers_show_the_pending_move() {
    let g = neptune::parse_failover_global_cluster(&fixture("neptune/FailoverGlobalCluster.xml"))
        .unwrap();
    assert_eq!(g.status, "failing-over");
    assert_eq!(
        g.failover.as_ref().unwrap().is_data_loss_allowed,
        Some(true)
    );
    let s =
        neptune::parse_switchover_global_cluster(&fixture("neptune/SwitchoverGlobalCluster.xml"))
            .unwrap();
    assert_eq!(
        s.failover.unwrap().to_cluster_arn.as_deref(),
        Some("arn:aws:rds:eu-west-1:123456789012:cluster:graph-euw1")
    );
    let c = neptune::parse_describe_db_clusters(
        &fixture("neptune/DescribeDBClusters.xml"),
        "us-east-1",
    )
    .unwrap();
    assert_eq!(
        c.items[0]
            .members
            .iter()
            .find(|m| m.is_writer)
            .unwrap()
            .instance_id,
        "graph-use1-a"
    );
    assert_eq!(c.items[0].region, "us-east-1");
    assert_eq!(c.items[1].members.len(), 0);
    assert_eq!(c.next_token.as_deref(), Some("scratch-graph"));
}

#[test]
fn memorydb_clusters_and_events() {
    let p =
        memorydb::parse_describe_clusters(&fixture("memorydb/DescribeClusters.json"), "us-east-1")
            .unwrap();
    let ledger = &p.items[0];
    assert!(ledger.is_multi_az());
    assert_eq!(ledger.number_of_shards, Some(2));
    assert_eq!(
        ledger.endpoint.as_deref(),
        Some("clustercfg.ledger.abc123.memorydb.us-east-1.amazonaws.com:6379")
    );
    assert_eq!(
        ledger.shard("0002").unwrap().status.as_deref(),
        Some("modifying")
    );
    assert!(ledger.shards[0]
        .nodes
        .iter()
        .all(|n| n.role == NodeRole::Unknown));
    assert_eq!(
        p.items[1].shards.len(),
        0,
        "no Shards member: empty, unknown members ignored"
    );
    assert_eq!(p.next_token.as_deref(), Some("AAECAwQFBgcICQ=="));
    let e = memorydb::parse_describe_events(&fixture("memorydb/DescribeEvents.json"), "us-east-1")
        .unwrap();
    assert_eq!(
        e.items[0].date,
        Timestamp::parse_iso8601("2024-05-01T12:00:05.412Z").unwrap()
    );
    assert_eq!(e.items[1].source_type.as_deref(), Some("node"));
    let q =
        elasticache::parse_describe_events(&fixture("elasticache/DescribeEvents.xml"), "eu-west-1")
            .unwrap();
    assert_eq!(q.items[0].region, "eu-west-1");
    assert_eq!(
        q.items[0].date,
        Timestamp::parse_iso8601("2024-05-01T12:00:05.412Z").unwrap()
    );
}

#[test]
fn the_client_returns_domain_values_from_fixtures() {
    let transport = Rc::new(ScriptedTransport::new());
    transport.push_response(200, &[], fixture("elasticache/TestFailover.xml"));
    transport.push_response(200, &[], fixture("memorydb/FailoverShard.json"));
    transport.push_response(200, &[], fixture("neptune/SwitchoverGlobalCluster.xml"));
    let client = client_for(transport);
    futures::executor::block_on(async {
        let rg = client
            .elasticache("us-west-2")
            .test_failover("orders-use1", "0001")
            .await
            .unwrap();
        assert_eq!(
            (rg.region.as_str(), rg.shards[0].status.as_deref()),
            ("us-west-2", Some("modifying"))
        );
        let c = client
            .memorydb("eu-west-1")
            .failover_shard("ledger", "0001")
            .await
            .unwrap();
        assert_eq!(
            (c.name.as_str(), c.region.as_str()),
            ("ledger", "eu-west-1")
        );
        let g = client
            .neptune("us-east-1")
            .switchover_global_database("graph-global", "arn")
            .await
            .unwrap();
        assert_eq!(g.status, "switching-over");
    });
}

#[test]
fn sts_get_caller_identity_is_a_query_call_whose_answer_names_the_caller() {
    let who = failover_console::aws::services::sts::parse_get_caller_identity(&fixture(
        "sts/GetCallerIdentity.xml",
    ))
    .unwrap();
    assert_eq!(
        who.arn,
        "arn:aws:sts::123456789012:assumed-role/oncall-operator/alice"
    );
    assert_eq!(who.account, "123456789012");
    assert_eq!(who.user_id, "AROAEXAMPLEID:alice");
    // The request: form-encoded Action and Version, signed for `sts` in the region.
    let t = std::rc::Rc::new(ScriptedTransport::new());
    t.push_response(200, &[], fixture("sts/GetCallerIdentity.xml"));
    let client = Client::new(
        ClientConfig::new(Credentials::new("AKIDEXAMPLE", "secret", None)),
        t.clone(),
        Clock::system(),
    );
    futures::executor::block_on(client.sts("eu-west-1").get_caller_identity()).unwrap();
    let req = &t.requests()[0];
    assert_eq!(req.url, "https://sts.eu-west-1.amazonaws.com/");
    assert_eq!(
        String::from_utf8_lossy(&req.body),
        "Action=GetCallerIdentity&Version=2011-06-15"
    );
    assert!(req
        .header("authorization")
        .unwrap()
        .contains("/eu-west-1/sts/aws4_request"));
}
