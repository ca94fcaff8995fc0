//! Decoding arbitrary bytes never panics: every decoder gets random bytes and random
//! mutations of the real fixtures (flipped, inserted, deleted bytes, truncation) and must
//! answer with a value or a typed error.

use failover_console::aws::clock::parse_http_date;
use failover_console::aws::protocol::{json, xml};
use failover_console::aws::services::{cloudwatch, elasticache, memorydb, neptune};
use failover_console::aws::testing::ScriptedTransport;
use failover_console::aws::{Client, ClientConfig, Clock, Credentials};
use proptest::prelude::*;
use std::path::Path;
use std::rc::Rc;

type Decoder = fn(&[u8]);

/// Every body decoder, by the fixture-name prefix it reads.
fn decoders() -> Vec<(&'static str, Decoder)> {
    vec![
        ("elasticache/DescribeGlobalReplicationGroups", |b| {
            drop(elasticache::parse_describe_global_replication_groups(b))
        }),
        ("elasticache/CreateGlobalReplicationGroup", |b| {
            drop(elasticache::parse_create_global_replication_group(b))
        }),
        ("elasticache/FailoverGlobalReplicationGroup", |b| {
            drop(elasticache::parse_failover_global_replication_group(b))
        }),
        ("elasticache/DescribeReplicationGroups", |b| {
            drop(elasticache::parse_describe_replication_groups(b, "r"))
        }),
        ("elasticache/TestFailover", |b| {
            drop(elasticache::parse_test_failover(b, "r"))
        }),
        ("elasticache/DescribeEvents", |b| {
            drop(elasticache::parse_describe_events(b, "r"))
        }),
        ("neptune/DescribeGlobalClusters", |b| {
            drop(neptune::parse_describe_global_clusters(b))
        }),
        ("neptune/FailoverGlobalCluster", |b| {
            drop(neptune::parse_failover_global_cluster(b))
        }),
        ("neptune/SwitchoverGlobalCluster", |b| {
            drop(neptune::parse_switchover_global_cluster(b))
        }),
        ("neptune/DescribeDBClusters", |b| {
            drop(neptune::parse_describe_db_clusters(b, "r"))
        }),
        ("neptune/DescribeEvents", |b| {
            drop(neptune::parse_describe_events(b, "r"))
        }),
        ("memorydb/DescribeClusters", |b| {
            drop(memorydb::parse_describe_clusters(b, "r"))
        }),
        ("memorydb/FailoverShard", |b| {
            drop(memorydb::parse_failover_shard(b, "r"))
        }),
        ("memorydb/DescribeEvents", |b| {
            drop(memorydb::parse_describe_events(b, "r"))
        }),
        ("memorydb/DescribeMultiRegionClusters", |b| {
            drop(memorydb::parse_describe_multi_region_clusters(b, "r"))
        }),
        ("cloudwatch/GetMetricData", |b| {
            drop(cloudwatch::parse_get_metric_data(b, "r"))
        }),
        ("cloudwatch/ListMetrics", |b| {
            drop(cloudwatch::parse_list_metrics(b, "r"))
        }),
        ("elasticache/", |b| drop(xml::parse_error(400, b, None))),
        ("neptune/", |b| drop(xml::parse_error(404, b, Some("id")))),
        ("memorydb/", |b| {
            drop(json::parse_error(400, b, Some("X:y"), None))
        }),
        ("cloudwatch/", |b| {
            drop(json::parse_error(400, b, None, None))
        }),
    ]
}

/// (fixture name, bytes) for every fixture.
fn fixtures() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    for service in ["elasticache", "neptune", "memorydb", "cloudwatch"] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(service))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files {
            out.push((
                format!("{service}/{}", f.file_name().unwrap().to_string_lossy()),
                std::fs::read(&f).unwrap(),
            ));
        }
    }
    out
}

#[derive(Clone, Debug)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
    /// Structure-aware noise: angle brackets, quotes and braces are what parsers trip on.
    InsertToken(usize, &'static str),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Mutation::Flip(p, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Mutation::Insert(p, b)),
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Truncate),
        (
            any::<usize>(),
            prop::sample::select(vec![
                "<",
                ">",
                "</",
                "/>",
                "\"",
                "{",
                "}",
                "[",
                "]",
                "&amp;",
                "&#0;",
                "<![CDATA[",
                "\u{0}",
                "é",
                ":",
                ","
            ])
        )
            .prop_map(|(p, t)| Mutation::InsertToken(p, t)),
    ]
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len().max(1);
        match m {
            Mutation::Flip(p, b) if !bytes.is_empty() => bytes[p % len] ^= b,
            Mutation::Insert(p, b) => bytes.insert(p % (bytes.len() + 1), *b),
            Mutation::Delete(p) if !bytes.is_empty() => drop(bytes.remove(p % len)),
            Mutation::Truncate(p) => bytes.truncate(p % (bytes.len() + 1)),
            Mutation::InsertToken(p, t) => {
                let at = p % (bytes.len() + 1);
                bytes.splice(at..at, t.bytes());
            }
            _ => {}
        }
    }
    bytes
}

fn run_all(bytes: &[u8]) {
    for (_, decode) in decoders() {
        decode(bytes);
    }
    let text = String::from_utf8_lossy(bytes);
    let _ = Credentials::parse(&text);
    let _ = parse_http_date(&text);
}

proptest! {
    // The default config reads PROPTEST_CASES (256 when unset): scripts/fuzz.sh raises it.
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        run_all(&bytes);
    }

    #[test]
    fn random_text_that_looks_like_xml_never_panics(text in "(<[A-Za-z]{1,12}>|</[A-Za-z]{1,12}>|<[A-Za-z]{1,8}/>|[a-z0-9 :.-]{0,8}){0,40}") {
        run_all(text.as_bytes());
    }

    #[test]
    fn mutated_fixtures_never_panic(
        pick in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let all = fixtures();
        let (name, bytes) = &all[pick.index(all.len())];
        let mutated = apply(bytes.clone(), &mutations);
        // Its own decoder first (the likeliest to get deep), then all the others.
        for (prefix, decode) in decoders() {
            if name.starts_with(prefix) {
                decode(&mutated);
            }
        }
        run_all(&mutated);
    }

    #[test]
    fn the_client_survives_any_answer(
        status in prop::sample::select(vec![200u16, 400, 403, 404, 429, 500, 503]),
        body in prop::collection::vec(any::<u8>(), 0..256),
        date in "[A-Za-z0-9 ,:]{0,30}",
    ) {
        let t = Rc::new(ScriptedTransport::new());
        t.set_responder(move |_| Ok(failover_console::aws::HttpResponse {
            status,
            headers: vec![("Date".into(), date.clone()), ("x-amzn-ErrorType".into(), "Bad:Type#x".into())],
            body: body.clone(),
        }));
        let client = Client::new(ClientConfig::new(Credentials::new("AKID", "s", None)), t, Clock::fixed(0));
        let result = futures::executor::block_on(async {
            let _ = client.elasticache("us-east-1").describe_replication_groups().await;
            let _ = client.neptune("us-east-1").failover_global_database("g", "t", true).await;
            client.memorydb("us-east-1").describe_clusters().await.map(drop)
        });
        if let Err(e) = result {
            prop_assert!(!e.to_string().is_empty());
        }
    }
}

#[test]
fn unmutated_fixtures_decode_with_their_own_decoder() {
    // Guards the mutation test: its starting points are valid inputs.
    for (name, bytes) in fixtures() {
        if name.contains(".error.") {
            continue;
        }
        let ok = match name.split('.').next().unwrap() {
            "elasticache/DescribeGlobalReplicationGroups" => {
                elasticache::parse_describe_global_replication_groups(&bytes).is_ok()
            }
            "elasticache/CreateGlobalReplicationGroup" => {
                elasticache::parse_create_global_replication_group(&bytes).is_ok()
            }
            "elasticache/FailoverGlobalReplicationGroup" => {
                elasticache::parse_failover_global_replication_group(&bytes).is_ok()
            }
            "elasticache/DescribeReplicationGroups" => {
                elasticache::parse_describe_replication_groups(&bytes, "r").is_ok()
            }
            "elasticache/TestFailover" => elasticache::parse_test_failover(&bytes, "r").is_ok(),
            "elasticache/DescribeEvents" => elasticache::parse_describe_events(&bytes, "r").is_ok(),
            "neptune/DescribeGlobalClusters" => {
                neptune::parse_describe_global_clusters(&bytes).is_ok()
            }
            "neptune/FailoverGlobalCluster" => {
                neptune::parse_failover_global_cluster(&bytes).is_ok()
            }
            "neptune/SwitchoverGlobalCluster" => {
                neptune::parse_switchover_global_cluster(&bytes).is_ok()
            }
            "neptune/DescribeDBClusters" => {
                neptune::parse_describe_db_clusters(&bytes, "r").is_ok()
            }
            "neptune/DescribeEvents" => neptune::parse_describe_events(&bytes, "r").is_ok(),
            "memorydb/DescribeClusters" => memorydb::parse_describe_clusters(&bytes, "r").is_ok(),
            "memorydb/FailoverShard" => memorydb::parse_failover_shard(&bytes, "r").is_ok(),
            "memorydb/DescribeEvents" => memorydb::parse_describe_events(&bytes, "r").is_ok(),
            "memorydb/DescribeMultiRegionClusters" => {
                memorydb::parse_describe_multi_region_clusters(&bytes, "r").is_ok()
            }
            "cloudwatch/GetMetricData" => cloudwatch::parse_get_metric_data(&bytes, "r").is_ok(),
            "cloudwatch/ListMetrics" => cloudwatch::parse_list_metrics(&bytes, "r").is_ok(),
            other => panic!("fixture without decoder: {other}"),
        };
        assert!(ok, "{name}");
    }
}

#[test]
fn truncated_fixtures_are_decode_errors() {
    let body = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/elasticache/DescribeReplicationGroups.xml"
    ))
    .unwrap();
    let err =
        elasticache::parse_describe_replication_groups(&body[..body.len() / 2], "r").unwrap_err();
    assert!(!err.detail().is_empty());
    let err = memorydb::parse_describe_clusters(b"{\"Clusters\": [", "r").unwrap_err();
    assert!(err.to_string().contains("unexpected JSON"));
}
