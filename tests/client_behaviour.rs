//! The client's policies, driven through a scripted transport: read retries with backoff,
//! mutating calls sent once, clock-skew correction, pagination with a cap, endpoints.

use failover_console::aws::protocol::query::decode_form;
use failover_console::aws::testing::ScriptedTransport;
use failover_console::aws::{
    AwsError, Client, ClientConfig, Clock, Credentials, EndpointOverride, ErrorCategory, ErrorKind,
    HttpRequest, HttpResponse, RetryPolicy, SignAs, TransportError, TransportErrorKind,
};
use failover_console::model::{Service, Timestamp};
use futures::executor::block_on;
use std::cell::Cell;
use std::rc::Rc;

/// 2024-05-01T12:00:00Z, the machine's (wrong) idea of now in the skew tests.
const LOCAL_MS: i64 = 1_714_564_800_000;

fn client(transport: &Rc<ScriptedTransport>) -> Client {
    client_with(transport, Clock::fixed(LOCAL_MS))
}

fn client_with(transport: &Rc<ScriptedTransport>, clock: Clock) -> Client {
    Client::new(
        ClientConfig::new(Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
        )),
        transport.clone(),
        clock,
    )
}

fn query_error(code: &str, message: &str) -> String {
    format!(
        "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>\
         <RequestId>rid-{code}</RequestId></ErrorResponse>"
    )
}

fn replication_groups_page(ids: &[&str], marker: Option<&str>) -> String {
    let groups: String = ids
        .iter()
        .map(|id| format!("<ReplicationGroup><ReplicationGroupId>{id}</ReplicationGroupId><Status>available</Status></ReplicationGroup>"))
        .collect();
    let marker = marker
        .map(|m| format!("<Marker>{m}</Marker>"))
        .unwrap_or_default();
    format!(
        "<DescribeReplicationGroupsResponse xmlns=\"http://elasticache.amazonaws.com/doc/2015-02-02/\">\
         <DescribeReplicationGroupsResult><ReplicationGroups>{groups}</ReplicationGroups>{marker}\
         </DescribeReplicationGroupsResult></DescribeReplicationGroupsResponse>"
    )
}

fn test_failover_ok() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/elasticache/TestFailover.xml"
    ))
    .unwrap()
}

fn form(req: &HttpRequest, key: &str) -> Option<String> {
    decode_form(&req.body)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

// ---- retries ----

#[test]
fn a_read_throttled_twice_succeeds_on_the_third_attempt() {
    let t = Rc::new(ScriptedTransport::new());
    t.push_response(400, &[], query_error("Throttling", "Rate exceeded"));
    t.push_response(400, &[], query_error("Throttling", "Rate exceeded"));
    t.push_response(200, &[], replication_groups_page(&["orders"], None));
    let groups = block_on(
        client(&t)
            .elasticache("us-east-1")
            .describe_replication_groups(),
    )
    .unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(t.requests().len(), 3);
    let sleeps = t.sleeps();
    assert_eq!(sleeps.len(), 2, "one pause before each retry");
    // Full jitter under an exponential ceiling: 200 ms, then 400 ms.
    assert!(sleeps[0] <= 200 && sleeps[1] <= 400, "{sleeps:?}");
}

#[test]
fn a_read_gives_up_after_four_attempts() {
    let t = Rc::new(ScriptedTransport::new());
    t.set_responder(|_| {
        Ok(HttpResponse {
            status: 503,
            headers: vec![],
            body: query_error("ServiceUnavailable", "try later").into(),
        })
    });
    let err = block_on(client(&t).neptune("us-east-1").describe_clusters()).unwrap_err();
    assert_eq!(t.requests().len(), 4);
    assert_eq!(t.sleeps().len(), 3);
    assert_eq!(err.category(), Some(ErrorCategory::Server));
    assert_eq!(err.http_status(), Some(503));
}

#[test]
fn every_throttling_code_is_retried_for_reads() {
    for code in [
        "Throttling",
        "ThrottlingException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "RequestThrottled",
    ] {
        let t = Rc::new(ScriptedTransport::new());
        t.push_response(400, &[], query_error(code, "slow down"));
        t.push_response(200, &[], replication_groups_page(&[], None));
        block_on(
            client(&t)
                .elasticache("us-east-1")
                .describe_replication_groups(),
        )
        .unwrap();
        assert_eq!(t.requests().len(), 2, "{code}");
    }
}

#[test]
fn a_mutating_call_is_sent_once_even_when_throttled() {
    let t = Rc::new(ScriptedTransport::new());
    t.push_response(400, &[], query_error("Throttling", "Rate exceeded"));
    t.push_response(200, &[], test_failover_ok());
    let err = block_on(
        client(&t)
            .elasticache("us-east-1")
            .test_failover("orders-use1", "0001"),
    )
    .unwrap_err();
    assert_eq!(t.requests().len(), 1, "never retried automatically");
    assert!(t.sleeps().is_empty());
    assert_eq!(err.category(), Some(ErrorCategory::Throttling));
    assert_eq!(err.operation(), Some("TestFailover"));
}

#[test]
fn an_accepted_mutating_call_carries_its_request_id_and_the_time_aws_answered() {
    let t = Rc::new(ScriptedTransport::new());
    t.push_response(
        200,
        &[
            ("x-amzn-RequestId", "7f4c2a1e-0000-4000-8000-000000000001"),
            ("Date", "Fri, 04 Dec 2026 05:20:07 GMT"),
        ],
        test_failover_ok(),
    );
    let accepted = block_on(
        client(&t)
            .elasticache("us-east-1")
            .test_failover("orders-use1", "0001"),
    )
    .unwrap();
    assert_eq!(
        accepted.request_id.as_deref(),
        Some("7f4c2a1e-0000-4000-8000-000000000001")
    );
    assert_eq!(
        accepted.date.map(|d| d.to_iso8601()).as_deref(),
        Some("2026-12-04T05:20:07.000Z")
    );
    // The decoded answer reads through it.
    assert_eq!(accepted.id, "orders-use1");
}

#[test]
fn a_mutating_call_that_timed_out_is_not_resent() {
    let t = Rc::new(ScriptedTransport::new());
    t.push(Err(TransportError::timeout(30_000)));
    let err = block_on(
        client(&t)
            .memorydb("us-east-1")
            .failover_shard("ledger", "0001"),
    )
    .unwrap_err();
    assert_eq!(t.requests().len(), 1);
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert_eq!(err.transport_kind(), Some(TransportErrorKind::Timeout));
    assert!(
        err.advice().contains("may still have been applied"),
        "{}",
        err.advice()
    );
}

#[test]
fn network_errors_are_retried_for_reads_and_named_honestly() {
    let t = Rc::new(ScriptedTransport::new());
    t.push(Err(TransportError::network("TypeError: Failed to fetch")));
    t.push_response(200, &[], replication_groups_page(&["a"], None));
    block_on(
        client(&t)
            .elasticache("us-east-1")
            .describe_replication_groups(),
    )
    .unwrap();
    assert_eq!(t.requests().len(), 2);

    let t = Rc::new(ScriptedTransport::new());
    t.set_responder(|_| Err(TransportError::network("TypeError: Failed to fetch")));
    let err = block_on(
        client(&t)
            .elasticache("eu-west-1")
            .describe_replication_groups(),
    )
    .unwrap_err();
    assert_eq!(t.requests().len(), 4);
    let text = err.to_string();
    assert!(text.contains("network error or CORS refusal"), "{text}");
    assert!(
        text.contains("ElastiCache DescribeReplicationGroups in eu-west-1"),
        "{text}"
    );
    assert!(err.advice().contains("CORS"));
}

#[test]
fn errors_that_retrying_cannot_fix_are_returned_at_once() {
    let t = Rc::new(ScriptedTransport::new());
    t.push_response(
        403,
        &[],
        query_error(
            "AccessDenied",
            "User is not authorized to perform: elasticache:DescribeReplicationGroups",
        ),
    );
    let err = block_on(
        client(&t)
            .elasticache("us-east-1")
            .describe_replication_groups(),
    )
    .unwrap_err();
    assert_eq!(t.requests().len(), 1);
    assert_eq!(err.category(), Some(ErrorCategory::Auth));
    assert_eq!(err.request_id(), Some("rid-AccessDenied"));
    assert!(err.advice().contains("DescribeReplicationGroups"));
}

#[test]
fn a_custom_policy_bounds_attempts() {
    let t = Rc::new(ScriptedTransport::new());
    t.set_responder(|_| {
        Ok(HttpResponse {
            status: 500,
            headers: vec![],
            body: Vec::new(),
        })
    });
    let client = client(&t).with_retry_policy(RetryPolicy::new(2, 10, 10));
    let err = block_on(client.memorydb("us-east-1").describe_clusters()).unwrap_err();
    assert_eq!(t.requests().len(), 2);
    assert!(t.sleeps().iter().all(|s| *s <= 10));
    // An empty 500 still gives a service error, code from the status as botocore does.
    assert_eq!(err.code(), Some("500"));
}

// ---- clock skew ----

fn x_amz_date(req: &HttpRequest) -> String {
    req.header("x-amz-date").unwrap().to_string()
}

#[test]
fn a_skewed_read_corrects_the_clock_from_date_and_is_resent() {
    let t = Rc::new(ScriptedTransport::new());
    // The machine is 20 minutes behind AWS.
    t.push_response(
        403,
        &[("Date", "Wed, 01 May 2024 12:20:00 GMT")],
        query_error(
            "SignatureDoesNotMatch",
            "Signature expired: 20240501T120000Z is now earlier than 20240501T120500Z (20240501T122000Z - 15 min.)",
        ),
    );
    t.push_response(200, &[], replication_groups_page(&["orders"], None));
    let client = client(&t);
    block_on(
        client
            .elasticache("us-east-1")
            .describe_replication_groups(),
    )
    .unwrap();
    let sent = t.requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(x_amz_date(&sent[0]), "20240501T120000Z");
    assert_eq!(
        x_amz_date(&sent[1]),
        "20240501T122000Z",
        "re-signed with the server's time"
    );
    assert_eq!(client.clock().skew_ms(), 20 * 60 * 1000);
    assert!(t.sleeps().is_empty(), "a skew retry needs no backoff");
}

#[test]
fn a_skewed_mutating_call_returns_the_error_but_fixes_the_next_signature() {
    let t = Rc::new(ScriptedTransport::new());
    t.push_response(
        403,
        &[("date", "Wed, 01 May 2024 11:40:00 GMT")],
        query_error(
            "RequestTimeTooSkewed",
            "The difference between the request time and the current time is too large.",
        ),
    );
    t.push_response(200, &[], test_failover_ok());
    let client = client(&t);
    let ec = client.elasticache("us-east-1");
    let err = block_on(ec.test_failover("orders-use1", "0001")).unwrap_err();
    assert_eq!(err.category(), Some(ErrorCategory::ClockSkew));
    assert!(err.advice().contains("corrected"));
    assert_eq!(
        t.requests().len(),
        1,
        "the failover is not resent behind the person's back"
    );
    assert_eq!(
        client.clock().skew_ms(),
        -20 * 60 * 1000,
        "the machine is 20 minutes ahead"
    );
    // The person retries: now signed with the corrected time.
    block_on(ec.test_failover("orders-use1", "0001")).unwrap();
    assert_eq!(x_amz_date(&t.requests()[1]), "20240501T114000Z");
}

#[test]
fn without_a_date_header_the_time_in_the_message_is_used() {
    let t = Rc::new(ScriptedTransport::new());
    t.push_response(
        400,
        &[("x-amzn-ErrorType", "InvalidSignatureException")],
        r#"{"__type":"InvalidSignatureException","message":"Signature expired: 20240501T120000Z is now earlier than 20240501T123000Z (20240501T124500Z - 15 min.)"}"#,
    );
    t.push_response(200, &[], r#"{"Clusters":[]}"#);
    let client = client(&t);
    block_on(client.memorydb("us-east-1").describe_clusters()).unwrap();
    assert_eq!(client.clock().skew_ms(), 45 * 60 * 1000);
    assert_eq!(x_amz_date(&t.requests()[1]), "20240501T124500Z");
}

#[test]
fn a_wrong_secret_is_not_mistaken_for_skew() {
    let t = Rc::new(ScriptedTransport::new());
    t.push_response(403, &[("Date", "Wed, 01 May 2024 12:20:00 GMT")], query_error("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."));
    let client = client(&t);
    let err = block_on(client.neptune("us-east-1").describe_global_databases()).unwrap_err();
    assert_eq!(err.category(), Some(ErrorCategory::Auth));
    assert_eq!(t.requests().len(), 1);
    assert_eq!(client.clock().skew_ms(), 0, "the clock is left alone");
}

#[test]
fn a_skew_retry_happens_once_per_call() {
    let t = Rc::new(ScriptedTransport::new());
    t.set_responder(|_| {
        Ok(HttpResponse {
            status: 400,
            headers: vec![("Date".into(), "Wed, 01 May 2024 12:20:00 GMT".into())],
            body: query_error("RequestExpired", "Request has expired.").into(),
        })
    });
    let err = block_on(
        client(&t)
            .elasticache("us-east-1")
            .describe_replication_groups(),
    )
    .unwrap_err();
    assert!(err.is_clock_skew());
    assert_eq!(t.requests().len(), 2);
}

#[test]
fn the_clock_is_read_per_attempt_from_the_injected_source() {
    let now = Rc::new(Cell::new(LOCAL_MS));
    let source = now.clone();
    let clock = Clock::from_fn(move || source.get());
    let t = Rc::new(ScriptedTransport::new());
    t.set_responder(|_| {
        Ok(HttpResponse {
            status: 200,
            headers: vec![],
            body: replication_groups_page(&[], None).into(),
        })
    });
    let client = client_with(&t, clock);
    block_on(
        client
            .elasticache("us-east-1")
            .describe_replication_groups(),
    )
    .unwrap();
    now.set(LOCAL_MS + 61_000);
    block_on(
        client
            .elasticache("us-east-1")
            .describe_replication_groups(),
    )
    .unwrap();
    let dates: Vec<String> = t.requests().iter().map(x_amz_date).collect();
    assert_eq!(dates, ["20240501T120000Z", "20240501T120101Z"]);
}

// ---- pagination ----

#[test]
fn lists_follow_markers_to_the_end() {
    let t = Rc::new(ScriptedTransport::new());
    t.push_response(200, &[], replication_groups_page(&["a", "b"], Some("m1")));
    t.push_response(200, &[], replication_groups_page(&["c"], Some("m2")));
    t.push_response(200, &[], replication_groups_page(&["d"], None));
    let groups = block_on(
        client(&t)
            .elasticache("ap-south-1")
            .describe_replication_groups(),
    )
    .unwrap();
    let ids: Vec<&str> = groups.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d"]);
    assert!(groups.iter().all(|g| g.region == "ap-south-1"));
    let markers: Vec<Option<String>> = t.requests().iter().map(|r| form(r, "Marker")).collect();
    assert_eq!(markers, [None, Some("m1".into()), Some("m2".into())]);
}

#[test]
fn json_lists_follow_next_token() {
    let t = Rc::new(ScriptedTransport::new());
    t.push_response(
        200,
        &[],
        r#"{"Clusters":[{"Name":"a","Status":"available"}],"NextToken":"t1"}"#,
    );
    t.push_response(
        200,
        &[],
        r#"{"Clusters":[{"Name":"b","Status":"available"}]}"#,
    );
    let clusters = block_on(client(&t).memorydb("us-east-1").describe_clusters()).unwrap();
    assert_eq!(clusters.len(), 2);
    let second: serde_json::Value = serde_json::from_slice(&t.requests()[1].body).unwrap();
    assert_eq!(second["NextToken"], "t1");
    assert_eq!(second["ShowShardDetails"], true);
    assert_eq!(
        t.requests()[1].header("x-amz-target"),
        Some("AmazonMemoryDB.DescribeClusters")
    );
}

#[test]
fn endless_pagination_stops_at_the_cap_with_a_clear_error() {
    let t = Rc::new(ScriptedTransport::new());
    let n = Rc::new(Cell::new(0));
    let counter = n.clone();
    t.set_responder(move |_| {
        counter.set(counter.get() + 1);
        let page = replication_groups_page(&["x"], Some(&format!("m{}", counter.get())));
        Ok(HttpResponse {
            status: 200,
            headers: vec![],
            body: page.into(),
        })
    });
    let err = block_on(
        client(&t)
            .elasticache("us-east-1")
            .describe_replication_groups(),
    )
    .unwrap_err();
    assert_eq!(t.requests().len(), 200, "the default cap is 200 pages");
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("after 200 pages"), "{err}");
    assert!(
        err.to_string().starts_with("ElastiCache DescribeReplicationGroups in us-east-1 was stopped before the end of the list"),
        "{err}"
    );
    assert!(err.advice().contains("with_max_pages"));
    assert_eq!(err.operation(), Some("DescribeReplicationGroups"));

    let t2 = Rc::new(ScriptedTransport::new());
    let counter = Rc::new(Cell::new(0));
    t2.set_responder(move |_| {
        counter.set(counter.get() + 1);
        Ok(HttpResponse {
            status: 200,
            headers: vec![],
            body: format!(r#"{{"Events":[],"NextToken":"t{}"}}"#, counter.get()).into(),
        })
    });
    let capped = client(&t2).with_max_pages(3);
    let err = block_on(
        capped
            .memorydb("us-east-1")
            .describe_events(&Default::default()),
    )
    .unwrap_err();
    assert_eq!(t2.requests().len(), 3);
    assert!(err.to_string().contains("after 3 pages"));
}

#[test]
fn a_repeated_token_is_an_error_not_a_loop() {
    let t = Rc::new(ScriptedTransport::new());
    t.set_responder(|_| {
        Ok(HttpResponse {
            status: 200,
            headers: vec![],
            body: replication_groups_page(&["x"], Some("same")).into(),
        })
    });
    let err = block_on(
        client(&t)
            .elasticache("us-east-1")
            .describe_replication_groups(),
    )
    .unwrap_err();
    assert_eq!(t.requests().len(), 2);
    assert!(
        err.to_string().contains("same pagination token twice"),
        "{err}"
    );
}

// ---- endpoints and decoding through the client ----

#[test]
fn custom_endpoints_receive_the_requests() {
    let t = Rc::new(ScriptedTransport::new());
    t.set_responder(|_| {
        Ok(HttpResponse {
            status: 200,
            headers: vec![],
            body: br#"{"Clusters":[]}"#.to_vec(),
        })
    });
    let config = ClientConfig::new(Credentials::new(
        "AKIAEMULATORDEMO0001",
        "emulator-demo-secret-key-not-for-aws",
        None,
    ))
    .with_endpoint_for_all(EndpointOverride {
        url: "http://127.0.0.1:4566".into(),
        sign_as: SignAs::Endpoint,
    });
    let client = Client::new(config, t.clone(), Clock::fixed(LOCAL_MS));
    block_on(client.memorydb("eu-west-1").describe_clusters()).unwrap();
    let req = &t.requests()[0];
    assert_eq!(req.url, "http://127.0.0.1:4566/");
    let auth = req.header("authorization").unwrap();
    assert!(auth.contains("/eu-west-1/memorydb/aws4_request"), "{auth}");
}

#[test]
fn a_bad_region_is_a_config_error_before_any_request() {
    let t = Rc::new(ScriptedTransport::new());
    let err = block_on(
        client(&t)
            .elasticache("us-east-1/../evil")
            .describe_replication_groups(),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(t.requests().is_empty());
}

#[test]
fn a_web_page_instead_of_aws_is_a_decode_error() {
    let t = Rc::new(ScriptedTransport::new());
    t.push_response(
        200,
        &[],
        "<!doctype html><html><body>relay login</body></html>",
    );
    let err = block_on(
        client(&t)
            .elasticache("us-east-1")
            .describe_global_datastores(),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(t.requests().len(), 1, "decode errors are not retried");
    assert!(err.advice().contains("custom endpoint"));
}

#[test]
fn aurora_global_clusters_from_the_rds_endpoint_are_left_out() {
    let t = Rc::new(ScriptedTransport::new());
    t.push_response(
        200,
        &[],
        "<DescribeGlobalClustersResponse><DescribeGlobalClustersResult><GlobalClusters>\
         <GlobalClusterMember><GlobalClusterIdentifier>aurora-g</GlobalClusterIdentifier><Status>available</Status><Engine>aurora-postgresql</Engine></GlobalClusterMember>\
         <GlobalClusterMember><GlobalClusterIdentifier>graph-g</GlobalClusterIdentifier><Status>available</Status><Engine>neptune</Engine></GlobalClusterMember>\
         </GlobalClusters></DescribeGlobalClustersResult></DescribeGlobalClustersResponse>",
    );
    let found = block_on(client(&t).neptune("us-east-1").describe_global_databases()).unwrap();
    let ids: Vec<&str> = found.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(ids, ["graph-g"]);
}

#[test]
fn describe_one_reports_a_missing_resource() {
    let t = Rc::new(ScriptedTransport::new());
    t.push_response(200, &[], replication_groups_page(&[], None));
    let err = block_on(
        client(&t)
            .elasticache("us-east-1")
            .describe_replication_group("gone"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("\"gone\""), "{err}");
    let sent = &t.requests()[0];
    assert_eq!(form(sent, "ReplicationGroupId").as_deref(), Some("gone"));
}

#[test]
fn events_carry_service_and_region() {
    let t = Rc::new(ScriptedTransport::new());
    t.push_response(
        200,
        &[],
        std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/neptune/DescribeEvents.xml"
        ))
        .unwrap(),
    );
    let events = block_on(
        client(&t)
            .neptune("us-east-2")
            .describe_events(&Default::default()),
    )
    .unwrap();
    assert_eq!(events.len(), 2);
    assert!(events
        .iter()
        .all(|e| e.service == Service::Neptune && e.region == "us-east-2"));
    assert_eq!(
        events[0].date,
        Timestamp::parse_iso8601("2024-05-01T12:00:03.250Z").unwrap()
    );
}

#[test]
fn debug_of_the_client_never_shows_the_secret() {
    let t = Rc::new(ScriptedTransport::new());
    let shown = format!("{:?}", client(&t));
    assert!(shown.contains("AKIDEXAMPLE"));
    assert!(!shown.contains("wJalrXUtnFEMI"), "{shown}");
}

#[test]
fn error_display_is_a_sentence_with_the_facts() {
    let err = AwsError::service(
        "ClusterNotFoundFault",
        "Cluster ledger-gone not found",
        Some("r-1".into()),
        400,
    )
    .with_context(Service::MemoryDb, "eu-west-1", "DescribeClusters");
    assert_eq!(
        err.to_string(),
        "MemoryDB DescribeClusters in eu-west-1 found no such resource (ClusterNotFoundFault, HTTP 400, request id r-1): Cluster ledger-gone not found"
    );
    assert_eq!(err.category(), Some(ErrorCategory::NotFound));
}
