//! Neptune global database rules with injected instants.

use super::*;
use crate::topology::{build, Topology};

const T0: Millis = 1_700_000_000_000;
const S: Millis = 1000;

fn world() -> Neptune {
    build(Topology::Default, Timing::default(), 15, T0).neptune
}

#[test]
fn failover_with_data_loss_goes_pending_failing_over_then_moves_the_writer() {
    let mut np = world();
    let target = cluster_arn("us-west-2", "identity-graph-usw2");
    let g = np
        .failover_global_cluster("identity-graph", &target, true, false, T0)
        .unwrap();
    assert_eq!(g.status, "failing-over");
    let f = g.failover.as_ref().unwrap();
    assert_eq!(f.phase, FailoverPhase::Pending);
    assert!(f.data_loss_allowed);
    assert_eq!(f.from_arn, cluster_arn("us-east-1", "identity-graph-use1"));
    np.advance(T0 + 11 * S);
    assert_eq!(
        np.global_clusters["identity-graph"]
            .failover
            .as_ref()
            .unwrap()
            .phase,
        FailoverPhase::FailingOver
    );
    assert_eq!(
        np.global_clusters["identity-graph"]
            .writer()
            .unwrap()
            .cluster_id,
        "identity-graph-use1"
    );
    np.advance(T0 + 121 * S);
    assert_eq!(
        np.global_clusters["identity-graph"]
            .writer()
            .unwrap()
            .cluster_id,
        "identity-graph-usw2"
    );
    np.advance(T0 + 151 * S);
    let g = &np.global_clusters["identity-graph"];
    assert_eq!(g.status, "available");
    assert!(g.failover.is_none());
    let usw2 = &np.clusters[&("us-west-2".to_string(), "identity-graph-usw2".to_string())];
    assert!(usw2.instances[0].is_writer);
    let use1 = &np.clusters[&("us-east-1".to_string(), "identity-graph-use1".to_string())];
    assert!(use1.instances.iter().all(|i| !i.is_writer));
    let q = EventQuery {
        region: "us-west-2",
        source_id: Some("identity-graph-usw2"),
        source_type: Some("db-cluster"),
        start: Some(T0),
        end: None,
        duration_minutes: None,
    };
    let msgs: Vec<_> = np
        .describe_events(&q, T0 + 151 * S)
        .iter()
        .map(|e| e.message.clone())
        .collect();
    assert_eq!(msgs.len(), 3);
    assert!(msgs[0].contains("started") && msgs[2].contains("completed"));
}

#[test]
fn switchover_reports_switching_over_without_data_loss() {
    let mut np = world();
    let g = np
        .failover_global_cluster("fraud-graph", "fraud-graph-use1", false, true, T0)
        .unwrap();
    assert_eq!(g.status, "switching-over");
    assert!(!g.failover.as_ref().unwrap().data_loss_allowed);
    let err = np
        .failover_global_cluster("fraud-graph", "fraud-graph-use1", false, true, T0 + S)
        .unwrap_err();
    assert_eq!(err.query_code(), "InvalidGlobalClusterStateFault");
}

#[test]
fn invalid_requests_are_refused_with_aws_codes() {
    let mut np = world();
    let err = np
        .failover_global_cluster("identity-graph", "identity-graph-usw2", true, true, T0)
        .unwrap_err();
    assert_eq!(err.query_code(), "InvalidParameterCombination");
    let err = np
        .failover_global_cluster("nope", "identity-graph-usw2", true, false, T0)
        .unwrap_err();
    assert_eq!(
        (err.query_code(), err.query_status()),
        ("GlobalClusterNotFoundFault", 404)
    );
    let err = np
        .failover_global_cluster("identity-graph", "ghost", true, false, T0)
        .unwrap_err();
    assert_eq!(
        (err.query_code(), err.query_status()),
        ("DBClusterNotFoundFault", 404)
    );
    let err = np
        .failover_global_cluster("identity-graph", "recs-graph-usw2", true, false, T0)
        .unwrap_err();
    assert_eq!(err.query_code(), "InvalidParameterValue");
    let err = np
        .failover_global_cluster("identity-graph", "identity-graph-use1", false, true, T0)
        .unwrap_err();
    assert_eq!(err.query_code(), "InvalidParameterValue");
}

#[test]
fn rds_endpoint_lists_every_engine_per_region() {
    let np = world();
    let engines: Vec<_> = np
        .describe_clusters("us-east-1", None)
        .unwrap()
        .iter()
        .map(|c| c.engine.clone())
        .collect();
    assert!(engines.contains(&"aurora-postgresql".to_string()));
    assert!(engines.contains(&"neptune".to_string()));
    assert_eq!(np.describe_global_clusters(None).unwrap().len(), 2);
}
