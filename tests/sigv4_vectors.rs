//! SigV4 signatures equal botocore's, byte for byte (vectors from tests/tools/gen_vectors.py).
//!
//! Each case under tests/vectors/sigv4/<case>/ holds the request botocore signed
//! (request.json) and the headers its `SigV4Auth` added at a fixed time (expected.json).
//! Two checks per case: the pure signer gives the same headers, and the client itself, asked
//! for the same operation, sends exactly that request (URL, body, and every header).

use failover_console::aws::signing::{sign, SigningScope};
use failover_console::aws::testing::ScriptedTransport;
use failover_console::aws::{
    Client, ClientConfig, Clock, Credentials, EndpointOverride, HttpRequest, SignAs,
};
use failover_console::model::{EventSource, Service, Timestamp};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::rc::Rc;

struct Case {
    name: String,
    request: Value,
    expected: Value,
}

fn cases() -> Vec<Case> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/sigv4");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .expect("tests/vectors/sigv4 exists (run tests/tools/gen_vectors.py)")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let read =
        |p: PathBuf| -> Value { serde_json::from_str(&fs::read_to_string(p).unwrap()).unwrap() };
    let cases: Vec<Case> = dirs
        .into_iter()
        .map(|d| Case {
            name: d.file_name().unwrap().to_string_lossy().into_owned(),
            request: read(d.join("request.json")),
            expected: read(d.join("expected.json")),
        })
        .collect();
    assert!(
        cases.len() >= 10,
        "expected the full vector set, found {}",
        cases.len()
    );
    cases
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

fn time(case: &Case) -> Timestamp {
    Timestamp::parse_iso8601(s(&case.request, "time")).unwrap()
}

fn credentials(case: &Case) -> Credentials {
    let c = &case.request["credentials"];
    Credentials::new(
        s(c, "access_key_id"),
        s(c, "secret_access_key"),
        c["session_token"].as_str().map(str::to_string),
    )
}

fn headers_of(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().unwrap().to_string(),
                pair[1].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Header names lower-cased, for comparing sets of headers.
fn header_map(headers: &[(String, String)]) -> BTreeMap<String, String> {
    headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
        .collect()
}

#[test]
fn the_signer_matches_botocore_for_every_case() {
    for case in cases() {
        let r = &case.request;
        let mut req = HttpRequest {
            method: "POST",
            url: s(r, "url").to_string(),
            headers: headers_of(&r["headers"]),
            body: s(r, "body").as_bytes().to_vec(),
        };
        let scope = SigningScope {
            name: s(r, "signing_name"),
            region: s(r, "region"),
            signing_url: s(r, "signing_url"),
        };
        let at = failover_console::aws::Clock::fixed(time(&case).millis()).now_system_time();
        sign(&mut req, &credentials(&case), &scope, at).unwrap();
        let want = case.expected["headers"].as_object().unwrap();
        for (name, value) in want {
            assert_eq!(
                req.header(name),
                value.as_str(),
                "{}: header {name}",
                case.name
            );
        }
        // Nothing botocore did not add: no token header without a token, no content hash.
        let added: Vec<&str> = req
            .headers
            .iter()
            .map(|(k, _)| k.as_str())
            .skip(headers_of(&r["headers"]).len())
            .collect();
        assert_eq!(added.len(), want.len(), "{}: added {added:?}", case.name);
    }
}

#[test]
fn the_signature_covers_the_host_the_browser_sends() {
    for case in cases() {
        let auth = case.expected["headers"]["Authorization"].as_str().unwrap();
        let signed = s(&case.expected, "signed_headers");
        assert!(
            auth.contains(&format!("SignedHeaders={signed},")),
            "{}",
            case.name
        );
        let canonical = s(&case.expected, "canonical_request");
        let host = s(&case.expected, "host");
        assert!(
            canonical.contains(&format!("\nhost:{host}\n")),
            "{}",
            case.name
        );
    }
}

fn config(case: &Case, service: Service) -> ClientConfig {
    let mut config = ClientConfig::new(credentials(case));
    if let Some(endpoint) = case.request["endpoint"].as_object() {
        let sign_as = match endpoint["sign_as"].as_str().unwrap() {
            "endpoint" => SignAs::Endpoint,
            "aws_host" => SignAs::AwsHost,
            other => panic!("sign_as {other}"),
        };
        config.set_override(
            service,
            EndpointOverride {
                url: endpoint["url"].as_str().unwrap().to_string(),
                sign_as,
            },
        );
    }
    config
}

/// The two lag queries of `GET_METRIC_DATA` in tests/tools/gen_vectors.py.
fn lag_queries() -> Vec<failover_console::aws::services::cloudwatch::MetricQuery> {
    use failover_console::aws::services::cloudwatch::MetricQuery;
    let q = |id: &str, namespace: &str, metric: &str, dims: &[(&str, &str)]| MetricQuery {
        id: id.into(),
        namespace: namespace.into(),
        metric: metric.into(),
        dimensions: dims
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect(),
        period: 60,
        stat: "Maximum".into(),
    };
    vec![
        q(
            "m0",
            "AWS/ElastiCache",
            "GlobalDatastoreReplicationLag",
            &[("CacheClusterId", "orders-euw1-0001-001")],
        ),
        q(
            "m1",
            "AWS/Neptune",
            "GlobalDbProgressLag",
            &[
                ("DBClusterIdentifier", "graph-euw1"),
                ("SourceRegion", "us-east-1"),
            ],
        ),
    ]
}

/// Runs the client call named in request.json and returns the one request it sent.
fn run_client_call(case: &Case) -> HttpRequest {
    let service = match s(&case.request, "service") {
        "elasticache" => Service::ElastiCache,
        "neptune" => Service::Neptune,
        "memorydb" => Service::MemoryDb,
        "cloudwatch" => Service::CloudWatch,
        other => panic!("service {other}"),
    };
    let transport = Rc::new(ScriptedTransport::new());
    // An empty 200: the call then fails to decode, which does not matter here.
    transport.push_response(200, &[], "");
    let client = Client::new(
        config(case, service),
        transport.clone(),
        Clock::fixed(time(case).millis()),
    );
    let region = s(&case.request, "region");
    let call = &case.request["call"];
    let args: Vec<&Value> = call["args"].as_array().unwrap().iter().collect();
    let a = |i: usize| args[i].as_str().unwrap();
    futures::executor::block_on(async {
        let ec = client.elasticache(region);
        let np = client.neptune(region);
        let mdb = client.memorydb(region);
        match s(call, "method") {
            "test_failover" => drop(ec.test_failover(a(0), a(1)).await),
            "describe_global_datastores" => drop(ec.describe_global_datastores().await),
            "failover_global_datastore" => {
                drop(ec.failover_global_datastore(a(0), a(1), a(2)).await)
            }
            "failover_global_database" => drop(
                np.failover_global_database(a(0), a(1), args[2].as_bool().unwrap())
                    .await,
            ),
            "switchover_global_database" => drop(np.switchover_global_database(a(0), a(1)).await),
            "describe_db_clusters" => drop(np.describe_clusters().await),
            "neptune_describe_events" => {
                let source = EventSource {
                    source_id: Some(a(0).to_string()),
                    source_type: Some(a(1).to_string()),
                    since: Some(Timestamp::parse_iso8601(a(2)).unwrap()),
                };
                drop(np.describe_events(&source).await)
            }
            "failover_shard" => drop(mdb.failover_shard(a(0), a(1)).await),
            "memorydb_describe_clusters" => drop(mdb.describe_clusters().await),
            "get_metric_data" => {
                let queries = lag_queries();
                // 2024-05-01T11:45:00Z to 12:00:00Z.
                let end = 1_714_564_800_000;
                drop(
                    client
                        .cloudwatch(region)
                        .get_metric_data(&queries, end - 15 * 60_000, end)
                        .await,
                )
            }
            other => panic!("unknown call {other} in {}", case.name),
        }
    });
    let mut sent = transport.requests();
    assert_eq!(sent.len(), 1, "{}: one request", case.name);
    sent.remove(0)
}

#[test]
fn the_client_sends_exactly_what_botocore_signed() {
    for case in cases() {
        let sent = run_client_call(&case);
        assert_eq!(sent.url, s(&case.request, "url"), "{}: url", case.name);
        assert_eq!(
            String::from_utf8(sent.body.clone()).unwrap(),
            s(&case.request, "body"),
            "{}: body",
            case.name
        );
        let mut want = header_map(&headers_of(&case.request["headers"]));
        for (k, v) in case.expected["headers"].as_object().unwrap() {
            want.insert(k.to_ascii_lowercase(), v.as_str().unwrap().to_string());
        }
        assert_eq!(header_map(&sent.headers), want, "{}: headers", case.name);
        assert!(
            sent.header("host").is_none(),
            "{}: browsers forbid setting Host",
            case.name
        );
    }
}

#[test]
fn debug_output_of_a_signed_request_hides_the_token() {
    let case = cases()
        .into_iter()
        .find(|c| !c.request["credentials"]["session_token"].is_null())
        .unwrap();
    let sent = run_client_call(&case);
    let token = case.request["credentials"]["session_token"]
        .as_str()
        .unwrap();
    assert!(sent.header("x-amz-security-token") == Some(token));
    assert!(!format!("{sent:?}").contains(token));
}
