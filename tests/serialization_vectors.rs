//! Every operation's request body equals botocore's serialisation of the same input
//! (vectors from tests/tools/gen_vectors.py under tests/vectors/serialization/).
//!
//! Query bodies are compared as decoded key/value multisets and, since the console writes
//! members in botocore's order, byte for byte; JSON bodies as values. The first request of
//! each client call is checked too, so the public methods are covered, not only the builders.

use failover_console::aws::protocol::json::to_body;
use failover_console::aws::protocol::query::{decode_form, QueryRequest};
use failover_console::aws::services::{cloudwatch, elasticache, memorydb, neptune, sts};
use failover_console::aws::testing::ScriptedTransport;
use failover_console::aws::{Client, ClientConfig, Clock, Credentials};
use failover_console::model::{EventSource, Timestamp};
use serde_json::Value;
use std::fs;
use std::path::Path;
use std::rc::Rc;

struct Vector {
    file: String,
    service: String,
    operation: String,
    input: Value,
    body: String,
    expected: Value,
}

fn vectors() -> Vec<Vector> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/serialization");
    let mut out = Vec::new();
    for service in ["elasticache", "neptune", "memorydb", "cloudwatch", "sts"] {
        let mut files: Vec<_> = fs::read_dir(root.join(service))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for path in files {
            let v: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
            out.push(Vector {
                file: format!("{service}/{}", path.file_name().unwrap().to_string_lossy()),
                service: service.to_string(),
                operation: v["operation"].as_str().unwrap().to_string(),
                input: v["input"].clone(),
                body: v["body"].as_str().unwrap().to_string(),
                expected: if v.get("params").is_some() {
                    v["params"].clone()
                } else {
                    v["json"].clone()
                },
            });
        }
    }
    out
}

fn opt<'a>(input: &'a Value, key: &str) -> Option<&'a str> {
    input.get(key).and_then(Value::as_str)
}

fn req<'a>(input: &'a Value, key: &str) -> &'a str {
    opt(input, key).unwrap_or_else(|| panic!("{key} missing in {input}"))
}

fn since(input: &Value) -> Option<Timestamp> {
    input
        .get("StartTime")
        .map(|t| Timestamp::from_millis(t["epoch_millis"].as_i64().unwrap()))
}

fn event_source(input: &Value, id_key: &str) -> EventSource {
    EventSource {
        source_id: opt(input, id_key).map(str::to_string),
        source_type: opt(input, "SourceType").map(str::to_string),
        since: since(input),
    }
}

enum Built {
    Query(QueryRequest),
    Json(Vec<u8>),
}

/// The console's request builder for the vector's input.
fn build(v: &Vector) -> Built {
    let i = &v.input;
    let marker = opt(i, "Marker");
    match (v.service.as_str(), v.operation.as_str()) {
        ("elasticache", "CreateGlobalReplicationGroup") => {
            Built::Query(elasticache::requests::create_global_replication_group(
                req(i, "GlobalReplicationGroupIdSuffix"),
                req(i, "PrimaryReplicationGroupId"),
                opt(i, "GlobalReplicationGroupDescription"),
            ))
        }
        ("elasticache", "FailoverGlobalReplicationGroup") => {
            Built::Query(elasticache::requests::failover_global_replication_group(
                req(i, "GlobalReplicationGroupId"),
                req(i, "PrimaryRegion"),
                req(i, "PrimaryReplicationGroupId"),
            ))
        }
        ("elasticache", "TestFailover") => Built::Query(elasticache::requests::test_failover(
            req(i, "ReplicationGroupId"),
            req(i, "NodeGroupId"),
        )),
        ("elasticache", "DescribeGlobalReplicationGroups") => {
            Built::Query(elasticache::requests::describe_global_replication_groups(
                opt(i, "GlobalReplicationGroupId"),
                marker,
            ))
        }
        ("elasticache", "DescribeReplicationGroups") => {
            Built::Query(elasticache::requests::describe_replication_groups(
                opt(i, "ReplicationGroupId"),
                marker,
            ))
        }
        ("elasticache", "DescribeEvents") => Built::Query(elasticache::requests::describe_events(
            &event_source(i, "SourceIdentifier"),
            marker,
        )),
        ("neptune", "FailoverGlobalCluster") => {
            Built::Query(neptune::requests::failover_global_cluster(
                req(i, "GlobalClusterIdentifier"),
                req(i, "TargetDbClusterIdentifier"),
                i.get("AllowDataLoss").and_then(Value::as_bool),
                i.get("Switchover").and_then(Value::as_bool),
            ))
        }
        ("neptune", "SwitchoverGlobalCluster") => {
            Built::Query(neptune::requests::switchover_global_cluster(
                req(i, "GlobalClusterIdentifier"),
                req(i, "TargetDbClusterIdentifier"),
            ))
        }
        ("neptune", "DescribeGlobalClusters") => Built::Query(
            neptune::requests::describe_global_clusters(opt(i, "GlobalClusterIdentifier"), marker),
        ),
        ("neptune", "DescribeDBClusters") => {
            Built::Query(neptune::requests::describe_db_clusters(marker))
        }
        ("neptune", "DescribeEvents") => Built::Query(neptune::requests::describe_events(
            &event_source(i, "SourceIdentifier"),
            marker,
        )),
        ("memorydb", "FailoverShard") => Built::Json(to_body(&memorydb::requests::failover_shard(
            req(i, "ClusterName"),
            req(i, "ShardName"),
        ))),
        ("memorydb", "DescribeClusters") => Built::Json(to_body(
            &memorydb::requests::describe_clusters(opt(i, "ClusterName"), opt(i, "NextToken")),
        )),
        ("memorydb", "DescribeEvents") => {
            Built::Json(to_body(&memorydb::requests::describe_events(
                &event_source(i, "SourceName"),
                opt(i, "NextToken"),
            )))
        }
        ("memorydb", "DescribeMultiRegionClusters") => Built::Json(to_body(
            &memorydb::requests::describe_multi_region_clusters(
                opt(i, "MultiRegionClusterName"),
                opt(i, "NextToken"),
            ),
        )),
        ("cloudwatch", "GetMetricData") => {
            let queries = metric_queries(i);
            Built::Json(to_body(&cloudwatch::requests::get_metric_data(
                &queries,
                epoch_ms(i, "StartTime"),
                epoch_ms(i, "EndTime"),
                opt(i, "NextToken"),
            )))
        }
        ("cloudwatch", "ListMetrics") => Built::Json(to_body(&cloudwatch::requests::list_metrics(
            req(i, "Namespace"),
            req(i, "MetricName"),
            opt(i, "NextToken"),
        ))),
        ("sts", "AssumeRoleWithWebIdentity") => {
            Built::Query(sts::requests::assume_role_with_web_identity(
                req(i, "RoleArn"),
                req(i, "RoleSessionName"),
                req(i, "WebIdentityToken"),
                i["DurationSeconds"].as_u64().unwrap() as u32,
            ))
        }
        (s, o) => panic!("no builder for {s} {o}"),
    }
}

/// A vector's `MetricDataQueries` as the console's queries.
fn metric_queries(i: &Value) -> Vec<cloudwatch::MetricQuery> {
    i["MetricDataQueries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            let stat = &q["MetricStat"];
            let metric = &stat["Metric"];
            cloudwatch::MetricQuery {
                id: req(q, "Id").into(),
                namespace: req(metric, "Namespace").into(),
                metric: req(metric, "MetricName").into(),
                dimensions: metric["Dimensions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| (req(d, "Name").to_string(), req(d, "Value").to_string()))
                    .collect(),
                period: stat["Period"].as_i64().unwrap(),
                stat: req(stat, "Stat").into(),
            }
        })
        .collect()
}

/// A timestamp of a vector's input (`{"epoch_millis": ...}`).
fn epoch_ms(i: &Value, key: &str) -> i64 {
    i[key]["epoch_millis"].as_i64().unwrap()
}

fn sorted_pairs(pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut p = pairs;
    p.sort();
    p
}

fn expected_pairs(v: &Vector) -> Vec<(String, String)> {
    v.expected
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p[0].as_str().unwrap().to_string(),
                p[1].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn assert_same_body(v: &Vector, ours: &[u8], what: &str) {
    if v.service == "memorydb" || v.service == "cloudwatch" {
        let ours: Value = serde_json::from_slice(ours).unwrap();
        assert_eq!(ours, v.expected, "{}: {what} JSON value", v.file);
    } else {
        assert_eq!(
            sorted_pairs(decode_form(ours)),
            sorted_pairs(expected_pairs(v)),
            "{}: {what} pairs",
            v.file
        );
        assert_eq!(
            String::from_utf8_lossy(ours),
            v.body,
            "{}: {what} bytes",
            v.file
        );
    }
}

#[test]
fn every_operation_serialises_like_botocore() {
    let all = vectors();
    let mut operations: Vec<(String, String)> = all
        .iter()
        .map(|v| (v.service.clone(), v.operation.clone()))
        .collect();
    operations.dedup();
    assert_eq!(
        operations.len(),
        18,
        "every operation of the contract has a vector: {operations:?}"
    );
    for v in &all {
        let ours = match build(v) {
            Built::Query(q) => q.encode(),
            Built::Json(body) => body,
        };
        assert_same_body(v, &ours, "builder");
    }
}

/// The first request the public client method sends for the vector's input, when a client
/// method produces it (continuation pages are covered by the builder comparison and the
/// pagination tests).
fn client_body(v: &Vector) -> Option<Vec<u8>> {
    let i = &v.input;
    if i.get("Marker").is_some() || i.get("NextToken").is_some() {
        return None;
    }
    let transport = Rc::new(ScriptedTransport::new());
    transport.push_response(
        400,
        &[],
        "<ErrorResponse><Error><Code>Stop</Code></Error></ErrorResponse>",
    );
    let client = Client::new(
        ClientConfig::new(Credentials::new("AKIDEXAMPLE", "secret", None)),
        transport.clone(),
        Clock::fixed(1_714_564_800_000),
    );
    let region = "us-east-1";
    let (ec, np, mdb) = (
        client.elasticache(region),
        client.neptune(region),
        client.memorydb(region),
    );
    futures::executor::block_on(async {
        match (v.service.as_str(), v.operation.as_str()) {
            ("elasticache", "CreateGlobalReplicationGroup") => drop(
                ec.create_global_datastore(
                    req(i, "GlobalReplicationGroupIdSuffix"),
                    req(i, "PrimaryReplicationGroupId"),
                    opt(i, "GlobalReplicationGroupDescription"),
                )
                .await,
            ),
            ("elasticache", "FailoverGlobalReplicationGroup") => drop(
                ec.failover_global_datastore(
                    req(i, "GlobalReplicationGroupId"),
                    req(i, "PrimaryRegion"),
                    req(i, "PrimaryReplicationGroupId"),
                )
                .await,
            ),
            ("elasticache", "TestFailover") => drop(
                ec.test_failover(req(i, "ReplicationGroupId"), req(i, "NodeGroupId"))
                    .await,
            ),
            ("elasticache", "DescribeGlobalReplicationGroups") => {
                match opt(i, "GlobalReplicationGroupId") {
                    Some(id) => drop(ec.describe_global_datastore(id).await),
                    None => drop(ec.describe_global_datastores().await),
                }
            }
            ("elasticache", "DescribeReplicationGroups") => match opt(i, "ReplicationGroupId") {
                Some(id) => drop(ec.describe_replication_group(id).await),
                None => drop(ec.describe_replication_groups().await),
            },
            ("elasticache", "DescribeEvents") => drop(
                ec.describe_events(&event_source(i, "SourceIdentifier"))
                    .await,
            ),
            ("neptune", "FailoverGlobalCluster") => {
                let (id, target) = (
                    req(i, "GlobalClusterIdentifier"),
                    req(i, "TargetDbClusterIdentifier"),
                );
                match (
                    i.get("AllowDataLoss").and_then(Value::as_bool),
                    i.get("Switchover"),
                ) {
                    (Some(allow), None) => {
                        drop(np.failover_global_database(id, target, allow).await)
                    }
                    (None, Some(_)) => {
                        drop(np.failover_global_database_as_switchover(id, target).await)
                    }
                    _ => panic!("{}: unexpected input", v.file),
                }
            }
            ("neptune", "SwitchoverGlobalCluster") => drop(
                np.switchover_global_database(
                    req(i, "GlobalClusterIdentifier"),
                    req(i, "TargetDbClusterIdentifier"),
                )
                .await,
            ),
            ("neptune", "DescribeGlobalClusters") => match opt(i, "GlobalClusterIdentifier") {
                Some(id) => drop(np.describe_global_database(id).await),
                None => drop(np.describe_global_databases().await),
            },
            ("neptune", "DescribeDBClusters") => drop(np.describe_clusters().await),
            ("neptune", "DescribeEvents") => drop(
                np.describe_events(&event_source(i, "SourceIdentifier"))
                    .await,
            ),
            ("memorydb", "FailoverShard") => drop(
                mdb.failover_shard(req(i, "ClusterName"), req(i, "ShardName"))
                    .await,
            ),
            ("memorydb", "DescribeClusters") => match opt(i, "ClusterName") {
                Some(name) => drop(mdb.describe_cluster(name).await),
                None => drop(mdb.describe_clusters().await),
            },
            ("memorydb", "DescribeEvents") => {
                drop(mdb.describe_events(&event_source(i, "SourceName")).await)
            }
            ("memorydb", "DescribeMultiRegionClusters") => match opt(i, "MultiRegionClusterName") {
                Some(name) => drop(mdb.describe_multi_region_cluster(name).await),
                None => drop(mdb.describe_multi_region_clusters().await),
            },
            ("cloudwatch", "GetMetricData") => {
                let queries = metric_queries(i);
                drop(
                    client
                        .cloudwatch(region)
                        .get_metric_data(&queries, epoch_ms(i, "StartTime"), epoch_ms(i, "EndTime"))
                        .await,
                )
            }
            ("cloudwatch", "ListMetrics") => drop(
                client
                    .cloudwatch(region)
                    .list_metrics(req(i, "Namespace"), req(i, "MetricName"))
                    .await,
            ),
            ("sts", "AssumeRoleWithWebIdentity") => drop(
                client
                    .sts(region)
                    .assume_role_with_web_identity(
                        req(i, "RoleArn"),
                        req(i, "RoleSessionName"),
                        req(i, "WebIdentityToken"),
                        i["DurationSeconds"].as_u64().unwrap() as u32,
                    )
                    .await,
            ),
            (s, o) => panic!("no client call for {s} {o}"),
        }
    });
    let sent = transport.requests();
    assert_eq!(sent.len(), 1, "{}: the 400 answer is not retried", v.file);
    Some(sent[0].body.clone())
}

#[test]
fn the_client_methods_send_those_bodies() {
    let mut checked = 0;
    for v in vectors() {
        if let Some(body) = client_body(&v) {
            assert_same_body(&v, &body, "client");
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} client calls checked");
}
