//! ElastiCache rules with injected instants: no network, no sleeping.

use super::*;
use crate::models::Timing;
use crate::topology::{build, Topology};

const T0: Millis = 1_700_000_000_000;
const S: Millis = 1000;

fn world() -> ElastiCache {
    build(Topology::Default, Timing::default(), 15, T0).elasticache
}

fn rg<'a>(ec: &'a ElastiCache, region: &str, id: &str) -> &'a ReplicationGroup {
    &ec.replication_groups[&(region.to_string(), id.to_string())]
}

fn messages(
    ec: &ElastiCache,
    region: &str,
    since: Millis,
    now: Millis,
) -> Vec<(String, &'static str, String)> {
    let q = EventQuery {
        region,
        source_id: None,
        source_type: None,
        start: Some(since),
        end: None,
        duration_minutes: None,
    };
    ec.describe_events(&q, now)
        .into_iter()
        .map(|e| (e.source_id.clone(), e.source_type, e.message.clone()))
        .collect()
}

#[test]
fn test_failover_moves_the_primary_with_the_documented_event_sequence() {
    let mut ec = world();
    let r = ec
        .test_failover("us-east-1", "checkout-sessions-use1", "0002", T0)
        .unwrap()
        .clone();
    assert_eq!(ec.replication_group_status(&r), "modifying");
    // Half-way: still the old primary.
    ec.advance(T0 + 10 * S);
    let ng = &rg(&ec, "us-east-1", "checkout-sessions-use1").node_groups[1];
    assert_eq!(
        ng.primary().unwrap().cluster_id,
        "checkout-sessions-use1-0002-001"
    );
    assert_eq!(ng.status(), "modifying");
    ec.advance(T0 + 120 * S);
    let r = rg(&ec, "us-east-1", "checkout-sessions-use1");
    assert_eq!(ec.replication_group_status(r), "available");
    assert_eq!(
        r.node_groups[1].primary().unwrap().cluster_id,
        "checkout-sessions-use1-0002-002"
    );
    assert_eq!(r.node_groups[1].status(), "available");
    let (p, n) = (
        "checkout-sessions-use1-0002-001",
        "checkout-sessions-use1-0002-002",
    );
    let completed = format!("Failover from primary node {p} to replica node {n} completed");
    assert_eq!(
        messages(&ec, "us-east-1", T0, T0 + 120 * S),
        vec![
            (
                "checkout-sessions-use1".into(),
                "replication-group",
                "Test Failover API called for node group 0002".into()
            ),
            (n.into(), "cache-cluster", completed.clone()),
            (
                "checkout-sessions-use1".into(),
                "replication-group",
                completed
            ),
            (
                p.into(),
                "cache-cluster",
                format!("Recovering cache nodes {p}")
            ),
            (
                p.into(),
                "cache-cluster",
                format!("Finished recovery for cache nodes {p}")
            ),
        ]
    );
}

#[test]
fn test_failover_durations_follow_the_time_scale() {
    let mut ec = build(Topology::Default, Timing { scale: 20.0 }, 15, T0).elasticache;
    ec.test_failover("us-west-2", "feature-flags", "0001", T0)
        .unwrap();
    ec.advance(T0 + 4 * S); // 70 s / 20 = 3.5 s
    let r = rg(&ec, "us-west-2", "feature-flags");
    assert_eq!(ec.replication_group_status(r), "available");
    assert_eq!(
        r.node_groups[0].primary().unwrap().cluster_id,
        "feature-flags-002"
    );
}

#[test]
fn second_test_failover_while_one_runs_is_invalid_state() {
    let mut ec = world();
    ec.test_failover("us-east-1", "orders-queue", "0001", T0)
        .unwrap();
    let err = ec
        .test_failover("us-east-1", "orders-queue", "0002", T0 + S)
        .unwrap_err();
    assert_eq!(err.query_code(), "InvalidReplicationGroupState");
    assert_eq!(err.query_status(), 400);
    // Another replication group is independent.
    ec.test_failover("us-east-1", "pricing-cache-use1", "0001", T0 + S)
        .unwrap();
}

#[test]
fn test_failover_not_available_without_multi_az_or_replica() {
    let mut ec = world();
    for (region, id) in [
        ("eu-west-1", "legacy-sessions"),
        ("us-west-2", "reporting-cache"),
    ] {
        let err = ec.test_failover(region, id, "0001", T0).unwrap_err();
        assert_eq!(err.query_code(), "TestFailoverNotAvailableFault", "{id}");
    }
}

#[test]
fn test_failover_not_found_errors_and_wrong_region_view() {
    let mut ec = world();
    let err = ec
        .test_failover("us-west-2", "orders-queue", "0001", T0)
        .unwrap_err();
    assert_eq!(
        (err.query_code(), err.query_status()),
        ("ReplicationGroupNotFoundFault", 404)
    );
    let err = ec
        .test_failover("us-east-1", "orders-queue", "0009", T0)
        .unwrap_err();
    assert_eq!(
        (err.query_code(), err.query_status()),
        ("NodeGroupNotFoundFault", 404)
    );
    assert!(ec
        .describe_replication_groups("ap-south-1", None)
        .unwrap()
        .is_empty());
}

#[test]
fn test_failover_quota_is_per_region_rolling_24_hours() {
    let mut ec = build(Topology::Large(2), Timing { scale: 1000.0 }, 3, T0).elasticache;
    for i in 0..3 {
        ec.test_failover(
            "us-east-1",
            "load-use1-0001",
            &format!("{:04}", i + 1),
            T0 + i * 10 * S,
        )
        .unwrap();
        ec.advance(T0 + i * 10 * S + 5 * S);
    }
    let err = ec
        .test_failover("us-east-1", "load-use1-0002", "0001", T0 + 40 * S)
        .unwrap_err();
    assert_eq!(err.query_code(), "APICallRateForCustomerExceeded");
    // Another Region has its own quota.
    ec.test_failover("us-west-2", "load-usw2-0001", "0001", T0 + 40 * S)
        .unwrap();
    ec.advance(T0 + DAY_MS + S);
    ec.test_failover("us-east-1", "load-use1-0002", "0001", T0 + DAY_MS + S)
        .unwrap();
}

#[test]
fn global_failover_swaps_roles_after_about_a_minute() {
    let mut ec = world();
    let g = ec
        .failover_global_datastore(
            "us-west-2",
            "ldgnf-checkout-sessions",
            "us-west-2",
            "checkout-sessions-usw2",
            T0,
        )
        .unwrap();
    assert_eq!(g.status, GlobalStatus::Modifying);
    let err = ec
        .failover_global_datastore(
            "us-east-1",
            "ldgnf-checkout-sessions",
            "eu-west-1",
            "checkout-sessions-euw1",
            T0 + S,
        )
        .unwrap_err();
    assert_eq!(err.query_code(), "InvalidGlobalReplicationGroupState");
    // Members are modifying meanwhile, so a TestFailover there is refused.
    let err = ec
        .test_failover("us-east-1", "checkout-sessions-use1", "0001", T0 + S)
        .unwrap_err();
    assert_eq!(err.query_code(), "InvalidReplicationGroupState");
    ec.advance(T0 + 59 * S);
    assert_eq!(
        ec.global_datastores["ldgnf-checkout-sessions"]
            .primary()
            .unwrap()
            .region,
        "us-east-1"
    );
    ec.advance(T0 + 61 * S);
    let g = &ec.global_datastores["ldgnf-checkout-sessions"];
    assert_eq!(g.status, GlobalStatus::Available);
    assert_eq!(
        g.primary().unwrap().replication_group_id,
        "checkout-sessions-usw2"
    );
    let old = rg(&ec, "us-east-1", "checkout-sessions-use1");
    assert_eq!(ec.global_role(old).unwrap().1, GlobalRole::Secondary);
}

#[test]
fn global_failover_rejects_non_members_and_the_current_primary() {
    let mut ec = world();
    for (region, id) in [
        ("us-west-2", "checkout-sessions-euw1"),
        ("us-east-1", "checkout-sessions-use1"),
        ("us-west-2", "pricing-cache-euw1"),
    ] {
        let err = ec
            .failover_global_datastore("us-east-1", "ldgnf-checkout-sessions", region, id, T0)
            .unwrap_err();
        assert_eq!(err.query_code(), "InvalidParameterValue", "{region} {id}");
    }
    let err = ec
        .failover_global_datastore("us-east-1", "ldgnf-nope", "us-east-1", "x", T0)
        .unwrap_err();
    assert_eq!(
        (err.query_code(), err.query_status()),
        ("GlobalReplicationGroupNotFoundFault", 404)
    );
}

#[test]
fn create_global_datastore_names_it_by_region_and_becomes_available() {
    let mut ec = world();
    let g = ec
        .create_global_datastore("us-east-1", "orders", "Orders", "orders-queue", T0)
        .unwrap();
    assert_eq!(g.id, "ldgnf-orders");
    assert_eq!(g.status, GlobalStatus::Creating);
    let r = rg(&ec, "us-east-1", "orders-queue");
    assert_eq!(
        ec.global_role(r),
        Some(("ldgnf-orders", GlobalRole::Primary))
    );
    ec.advance(T0 + 61 * S);
    assert_eq!(
        ec.global_datastores["ldgnf-orders"].status,
        GlobalStatus::Available
    );
    let err = ec
        .create_global_datastore("us-east-1", "again", "", "orders-queue", T0)
        .unwrap_err();
    assert_eq!(err.query_code(), "InvalidReplicationGroupState");
    let err = ec
        .create_global_datastore("us-east-1", "x", "", "missing", T0)
        .unwrap_err();
    assert_eq!(err.query_code(), "ReplicationGroupNotFoundFault");
    let err = ec.create_global_datastore(
        "us-east-1",
        "checkout-sessions",
        "",
        "pricing-cache-use1",
        T0,
    );
    assert_eq!(
        err.unwrap_err().query_code(),
        "InvalidReplicationGroupState"
    );
    let g = ec
        .create_global_datastore("us-west-2", "flags", "", "feature-flags", T0)
        .unwrap();
    assert_eq!(g.id, "sgaui-flags");
    let err = ec
        .create_global_datastore("us-west-2", "flags", "", "reporting-cache", T0)
        .unwrap_err();
    assert_eq!(err.query_code(), "GlobalReplicationGroupAlreadyExistsFault");
    assert_eq!(global_id_prefix("eu-west-1"), "gxeiz");
    assert_eq!(global_id_prefix("eu-central-1"), "iudkw");
    assert_eq!(global_id_prefix("ap-south-1"), "erpgt");
    // A Region the table does not list gets a stable made-up prefix.
    assert_eq!(
        global_id_prefix("me-central-1"),
        global_id_prefix("me-central-1")
    );
    assert_eq!(global_id_prefix("me-central-1").len(), 5);
}

#[test]
fn global_datastores_are_visible_from_member_regions_only() {
    let ec = world();
    assert_eq!(
        ec.describe_global_datastores("eu-west-1", None)
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        ec.describe_global_datastores("us-west-2", None)
            .unwrap()
            .len(),
        1
    );
    assert!(ec
        .describe_global_datastores("us-west-2", Some("ldgnf-pricing-cache"))
        .is_err());
}
