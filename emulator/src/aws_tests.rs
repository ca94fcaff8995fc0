//! Whole calls through authentication, routing and the wire layer, without a network.

use super::*;
use crate::cli::{self, Command};
use crate::sigv4::{sign_for_tests, Scope};
use crate::timefmt;

const NOW: &str = "20240101T000100Z";

fn app(extra: &[&str]) -> App {
    let args = extra.iter().map(|s| (*s).to_string());
    let Ok(Command::Run(config)) = cli::parse(args) else {
        panic!("bad test arguments")
    };
    App::new(&config, timefmt::parse_amz(NOW).unwrap())
}

/// Headers of a request signed with the demo pair for `service` in `region`.
fn signed(service: &str, region: &str, target: Option<&str>, body: &[u8]) -> Vec<(String, String)> {
    let mut headers = vec![
        ("host".to_string(), "127.0.0.1:4566".to_string()),
        ("x-amz-date".to_string(), NOW.to_string()),
    ];
    let mut names = vec!["host", "x-amz-date"];
    if let Some(t) = target {
        headers.push(("x-amz-target".into(), t.into()));
        headers.push(("content-type".into(), "application/x-amz-json-1.1".into()));
        names = vec!["content-type", "host", "x-amz-date", "x-amz-target"];
    }
    let scope = Scope {
        access_key_id: cli::DEMO_ACCESS_KEY_ID.into(),
        date: NOW[..8].into(),
        region: region.into(),
        service: service.into(),
    };
    let auth = {
        let req = RequestParts {
            method: "POST",
            path: "/",
            query: "",
            headers: &headers,
            body,
        };
        sign_for_tests(&req, &scope, &names, NOW, cli::DEMO_SECRET_ACCESS_KEY)
    };
    headers.push(("authorization".into(), auth));
    headers
}

/// A reply with its body as text, as the tests read it.
struct Answer {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
}

impl From<Reply> for Answer {
    fn from(r: Reply) -> Self {
        Answer {
            status: r.status,
            headers: r.headers,
            body: String::from_utf8(r.body).expect("a text answer"),
        }
    }
}

fn call(app: &App, service: &str, region: &str, target: Option<&str>, body: &[u8]) -> Answer {
    let headers = signed(service, region, target, body);
    let req = RequestParts {
        method: "POST",
        path: "/",
        query: "",
        headers: &headers,
        body,
    };
    handle(app, &req, timefmt::parse_amz(NOW).unwrap()).into()
}

fn header<'a>(r: &'a Answer, name: &str) -> Option<&'a str> {
    r.headers
        .iter()
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.as_str())
}

#[test]
fn query_success_has_namespace_and_request_id() {
    let app = app(&[]);
    let r = call(
        &app,
        "elasticache",
        "us-west-2",
        None,
        b"Action=DescribeReplicationGroups&Version=2015-02-02",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains(r#"<DescribeReplicationGroupsResponse xmlns="http://elasticache.amazonaws.com/doc/2015-02-02/">"#));
    assert!(r
        .body
        .contains("<ReplicationGroupId>feature-flags</ReplicationGroupId>"));
    assert!(
        !r.body.contains("orders-queue"),
        "us-east-1 resources are not in the us-west-2 view"
    );
    let rid = header(&r, "x-amzn-RequestId").unwrap();
    assert!(r.body.contains(&format!("<RequestId>{rid}</RequestId>")));
}

#[test]
fn neptune_engine_filter_and_xml_list_names() {
    let app = app(&[]);
    let body = b"Action=DescribeDBClusters&Version=2014-10-31&Filters.Filter.1.Name=engine&Filters.Filter.1.Values.Value.1=neptune";
    let r = call(&app, "rds", "us-east-1", None, body);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("identity-graph-use1") && !r.body.contains("billing-aurora-use1"));
    let r = call(
        &app,
        "rds",
        "us-east-1",
        None,
        b"Action=DescribeGlobalClusters&Version=2014-10-31",
    );
    assert!(r
        .body
        .contains("<GlobalClusters><GlobalClusterMember><GlobalClusterIdentifier>"));
}

#[test]
fn query_errors_use_the_model_code_and_status() {
    let app = app(&[]);
    let r = call(
        &app,
        "elasticache",
        "eu-west-1",
        None,
        b"Action=TestFailover&ReplicationGroupId=legacy-sessions&NodeGroupId=0001",
    );
    assert_eq!(r.status, 400);
    assert!(r
        .body
        .contains("<Type>Sender</Type><Code>TestFailoverNotAvailableFault</Code>"));
    let r = call(
        &app,
        "elasticache",
        "eu-west-1",
        None,
        b"Action=TestFailover&ReplicationGroupId=nope&NodeGroupId=0001",
    );
    assert_eq!(r.status, 404);
    let r = call(
        &app,
        "elasticache",
        "eu-west-1",
        None,
        b"Action=TestFailover&NodeGroupId=0001",
    );
    assert!(r.body.contains("<Code>MissingParameter</Code>"));
    let r = call(
        &app,
        "elasticache",
        "eu-west-1",
        None,
        b"Action=DeleteEverything",
    );
    assert_eq!(r.status, 400);
    assert!(r.body.contains("<Code>InvalidAction</Code>"));
    let r = call(
        &app,
        "elasticache",
        "mars-north-9",
        None,
        b"Action=DescribeEvents",
    );
    assert!(r.body.contains("<Code>SignatureDoesNotMatch</Code>"));
}

#[test]
fn json_errors_and_success() {
    let app = app(&[]);
    let r = call(
        &app,
        "memorydb",
        "eu-west-1",
        Some("AmazonMemoryDB.FailoverShard"),
        br#"{"ClusterName":"audit-stream","ShardName":"0001"}"#,
    );
    assert_eq!(r.status, 400);
    assert_eq!(
        header(&r, "x-amzn-ErrorType"),
        Some("TestFailoverNotAvailableFault")
    );
    assert!(r
        .body
        .contains(r#""__type":"com.amazonaws.memorydb#TestFailoverNotAvailableFault""#));
    let r = call(
        &app,
        "memorydb",
        "us-east-1",
        Some("AmazonMemoryDB.Nope"),
        b"{}",
    );
    assert_eq!(
        header(&r, "x-amzn-ErrorType"),
        Some("UnknownOperationException")
    );
    let r = call(
        &app,
        "memorydb",
        "us-east-1",
        Some("AmazonMemoryDB.DescribeClusters"),
        b"{nope",
    );
    assert_eq!(header(&r, "x-amzn-ErrorType"), Some("ValidationException"));
    let r = call(
        &app,
        "memorydb",
        "us-east-1",
        Some("AmazonMemoryDB.DescribeClusters"),
        br#"{"ShowShardDetails":true}"#,
    );
    assert_eq!(r.status, 200);
    let v: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["Clusters"][0]["Name"], "payments-ledger");
    assert!(v["Clusters"][0]["Shards"][0]["Nodes"][0]["CreateTime"].is_number());
}

#[test]
fn unsigned_requests_are_refused_in_the_guessed_protocol() {
    let app = app(&[]);
    let now = timefmt::parse_amz(NOW).unwrap();
    let headers = vec![(
        "x-amz-target".to_string(),
        "AmazonMemoryDB.DescribeClusters".to_string(),
    )];
    let req = RequestParts {
        method: "POST",
        path: "/",
        query: "",
        headers: &headers,
        body: b"{}",
    };
    let r = Answer::from(handle(&app, &req, now));
    assert_eq!(
        header(&r, "x-amzn-ErrorType"),
        Some("MissingAuthenticationTokenException")
    );
    let req = RequestParts {
        method: "POST",
        path: "/",
        query: "",
        headers: &[],
        body: b"Action=DescribeEvents",
    };
    let r = Answer::from(handle(&app, &req, now));
    assert_eq!(r.status, 403);
    assert!(r.body.contains("<Code>MissingAuthenticationToken</Code>"));
}

#[test]
fn mutating_calls_are_logged_with_their_result() {
    let app = app(&[]);
    call(
        &app,
        "elasticache",
        "us-west-2",
        None,
        b"Action=TestFailover&ReplicationGroupId=feature-flags&NodeGroupId=0001",
    );
    call(
        &app,
        "elasticache",
        "us-west-2",
        None,
        b"Action=TestFailover&ReplicationGroupId=feature-flags&NodeGroupId=0001",
    );
    call(
        &app,
        "elasticache",
        "us-west-2",
        None,
        b"Action=DescribeReplicationGroups",
    );
    let w = lock(&app.world);
    let results: Vec<_> = w
        .calls
        .iter()
        .map(|c| (c.action.as_str(), c.result.as_str()))
        .collect();
    assert_eq!(
        results,
        vec![
            ("TestFailover", "OK"),
            ("TestFailover", "InvalidReplicationGroupState")
        ]
    );
    assert_eq!(w.calls[0].params["ReplicationGroupId"], "feature-flags");
}

#[test]
fn faults_hit_reads_only_by_default() {
    let app = app(&["--faults", "throttle=1"]);
    let r = call(
        &app,
        "elasticache",
        "us-west-2",
        None,
        b"Action=DescribeReplicationGroups",
    );
    assert!(r.body.contains("<Code>Throttling</Code>"));
    let r = call(
        &app,
        "memorydb",
        "us-east-1",
        Some("AmazonMemoryDB.DescribeClusters"),
        b"{}",
    );
    assert_eq!(header(&r, "x-amzn-ErrorType"), Some("ThrottlingException"));
    let r = call(&app, "rds", "us-east-1", None, b"Action=SwitchoverGlobalCluster&GlobalClusterIdentifier=fraud-graph&TargetDbClusterIdentifier=fraud-graph-use1");
    assert_eq!(r.status, 200, "{}", r.body);
}

proptest::proptest! {
    // 300 cases unless PROPTEST_CASES says otherwise (scripts/fuzz.sh runs many more).
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300)
    ))]

    /// Signed garbage never panics and never yields a 5xx.
    #[test]
    fn signed_random_bodies_get_client_errors(body in proptest::collection::vec(proptest::num::u8::ANY, 0..300), json in proptest::bool::ANY) {
        let app = app(&[]);
        let r = if json {
            call(&app, "memorydb", "us-east-1", Some("AmazonMemoryDB.DescribeEvents"), &body)
        } else {
            let mut b = b"Action=DescribeEvents&".to_vec();
            b.extend(&body);
            call(&app, "elasticache", "us-east-1", None, &b)
        };
        proptest::prop_assert!(r.status < 500, "{} {}", r.status, r.body);
    }
}

#[test]
fn show_member_info_controls_members_and_global_node_groups() {
    let app = app(&[]);
    let r = call(
        &app,
        "elasticache",
        "us-east-1",
        None,
        b"Action=DescribeGlobalReplicationGroups&GlobalReplicationGroupId=ldgnf-checkout-sessions",
    );
    assert!(r.body.contains("<Status>available</Status>"));
    assert!(!r.body.contains("<Members>") && !r.body.contains("<GlobalNodeGroups>"));
    let r = call(
        &app,
        "elasticache",
        "us-east-1",
        None,
        b"Action=DescribeGlobalReplicationGroups&GlobalReplicationGroupId=ldgnf-checkout-sessions&ShowMemberInfo=true",
    );
    assert!(
        r.body.contains("<Role>PRIMARY</Role>")
            && r.body
                .contains("<GlobalNodeGroupId>ldgnf-checkout-sessions-0003</GlobalNodeGroupId>")
    );
    let r = call(
        &app,
        "elasticache",
        "eu-west-1",
        None,
        b"Action=DescribeReplicationGroups&ReplicationGroupId=checkout-sessions-euw1",
    );
    assert!(r.body.contains(
        "<GlobalReplicationGroupInfo><GlobalReplicationGroupId>ldgnf-checkout-sessions</GlobalReplicationGroupId><GlobalReplicationGroupMemberRole>SECONDARY</GlobalReplicationGroupMemberRole></GlobalReplicationGroupInfo>"
    ));
    assert!(r
        .body
        .contains("<MemberClusters><ClusterId>checkout-sessions-euw1-0001-001</ClusterId>"));
}

#[test]
fn neptune_failover_flags_on_the_wire() {
    let app = app(&[]);
    let both = b"Action=FailoverGlobalCluster&GlobalClusterIdentifier=identity-graph&TargetDbClusterIdentifier=identity-graph-euw1&AllowDataLoss=true&Switchover=true";
    let r = call(&app, "rds", "eu-west-1", None, both);
    assert!(
        r.body.contains("<Code>InvalidParameterCombination</Code>"),
        "{}",
        r.body
    );
    let ok = b"Action=FailoverGlobalCluster&GlobalClusterIdentifier=identity-graph&TargetDbClusterIdentifier=arn:aws:rds:eu-west-1:123456789012:cluster:identity-graph-euw1&AllowDataLoss=true";
    let r = call(&app, "rds", "eu-west-1", None, ok);
    assert!(r
        .body
        .contains("<FailoverGlobalClusterResult><GlobalCluster>"));
    assert!(r.body.contains("<Status>failing-over</Status>"));
    assert!(r.body.contains("<FailoverState><Status>pending</Status>"));
    assert!(r
        .body
        .contains("<IsDataLossAllowed>true</IsDataLossAllowed>"));
}
