//! MemoryDB FailoverShard rules with injected instants.

use super::*;
use crate::topology::{build, Topology};

const T0: Millis = 1_700_000_000_000;
const S: Millis = 1000;

fn world() -> MemoryDb {
    build(Topology::Default, Timing::default(), 15, T0).memorydb
}

fn shard<'a>(db: &'a MemoryDb, region: &str, cluster: &str, shard: &str) -> &'a Shard {
    db.clusters[&(region.to_string(), cluster.to_string())]
        .shards
        .iter()
        .find(|s| s.name == shard)
        .unwrap()
}

#[test]
fn failover_shard_moves_the_hidden_primary_role() {
    let mut db = world();
    let c = db
        .failover_shard("us-east-1", "payments-ledger", "0002", T0)
        .unwrap();
    assert_eq!(c.status(), "updating");
    let err = db
        .failover_shard("us-east-1", "payments-ledger", "0001", T0 + S)
        .unwrap_err();
    assert_eq!(err.json_type(), "InvalidClusterStateFault");
    db.advance(T0 + 21 * S);
    assert_eq!(
        shard(&db, "us-east-1", "payments-ledger", "0002")
            .primary()
            .unwrap()
            .name,
        "0002-002"
    );
    assert_eq!(
        shard(&db, "us-east-1", "payments-ledger", "0002").status(),
        "modifying"
    );
    db.advance(T0 + 61 * S);
    assert_eq!(
        shard(&db, "us-east-1", "payments-ledger", "0002").status(),
        "available"
    );
    assert_eq!(
        db.clusters[&("us-east-1".to_string(), "payments-ledger".to_string())].status(),
        "available"
    );
    let q = EventQuery {
        region: "us-east-1",
        source_id: Some("payments-ledger"),
        source_type: None,
        start: Some(T0),
        end: None,
        duration_minutes: None,
    };
    let msgs: Vec<_> = db
        .describe_events(&q, T0 + 61 * S)
        .iter()
        .map(|e| e.message.clone())
        .collect();
    assert_eq!(
        msgs,
        vec![
            "Failover API called for shard 0002",
            "Failover to replica node 0002-002 completed",
            "Recovering node 0002-001",
            "Finished recovery for node 0002-001",
        ]
    );
}

#[test]
fn single_az_and_missing_resources_are_refused() {
    let mut db = world();
    let err = db
        .failover_shard("eu-west-1", "audit-stream", "0001", T0)
        .unwrap_err();
    assert_eq!(err.json_type(), "TestFailoverNotAvailableFault");
    assert_eq!(
        db.failover_shard("us-east-1", "nope", "0001", T0)
            .unwrap_err()
            .json_type(),
        "ClusterNotFoundFault"
    );
    assert_eq!(
        db.failover_shard("us-east-1", "payments-ledger", "0009", T0)
            .unwrap_err()
            .json_type(),
        "ShardNotFoundFault"
    );
    assert_eq!(
        db.failover_shard("us-west-2", "payments-ledger", "0001", T0)
            .unwrap_err()
            .json_type(),
        "ClusterNotFoundFault"
    );
}

#[test]
fn failover_shard_quota() {
    let mut db = build(Topology::Default, Timing { scale: 1000.0 }, 1, T0).memorydb;
    db.failover_shard("us-west-2", "rate-limiter", "0001", T0)
        .unwrap();
    db.advance(T0 + 10 * S);
    let err = db
        .failover_shard("us-west-2", "rate-limiter", "0002", T0 + 10 * S)
        .unwrap_err();
    assert_eq!(err.json_type(), "APICallRateForCustomerExceededFault");
}
