//! What `layout` builds for each kind of resource: its buttons, regions and notices.
use super::*;
use crate::model::{DbCluster, DbClusterMember, MemberRole, Node, Shard};
use crate::state::rows::fixtures::{datastore, rg};

fn labels(page: &Layout) -> Vec<Vec<&str>> {
    let lists = page.lists.iter().flat_map(|(_, groups)| groups);
    lists
        .map(|g| g.iter().map(|b| b.label.as_str()).collect())
        .collect()
}

#[test]
fn a_global_datastore_offers_one_promotion_per_secondary() {
    let ds = datastore(
        "ldgnf-cart",
        &[
            ("cart-use1", "us-east-1", MemberRole::Primary),
            ("cart-usw2", "us-west-2", MemberRole::Secondary),
            ("cart-euw1", "eu-west-1", MemberRole::Secondary),
        ],
    );
    let members = vec![Ok(rg("cart-use1", "us-east-1", "available"))];
    let detail = Detail::GlobalDatastore {
        datastore: ds,
        members,
    };
    let page = layout(&detail);
    assert_eq!(page.writes_now.as_deref(), Some("cart-use1 (us-east-1)"));
    assert_eq!(
        labels(&page),
        [
            ["Promote cart-usw2 (us-west-2) to primary"],
            ["Promote cart-euw1 (eu-west-1) to primary"]
        ]
    );
    let first = &page.lists[0].1[0][0];
    assert_eq!(first.writer, "cart-use1 (us-east-1)");
    assert_eq!(first.expected.as_deref(), Some("cart-usw2"));
    assert_eq!(page.regions.iter().filter(|r| r.writes).count(), 1);
    assert_eq!(page.regions[0].note, "Multi-AZ");
    assert_eq!(page.notice, None);
}

#[test]
fn a_replication_group_offers_create_and_a_failover_per_shard() {
    let mut group = rg("orders", "us-east-1", "available");
    let node = |id: &str, role| Node {
        id: id.into(),
        role,
        availability_zone: None,
        status: None,
        endpoint: None,
    };
    group.shards = ["0001", "0002"]
        .iter()
        .map(|id| Shard {
            id: id.to_string(),
            status: Some(
                if *id == "0002" {
                    "modifying"
                } else {
                    "available"
                }
                .into(),
            ),
            slots: None,
            nodes: vec![
                node(&format!("orders-{id}-001"), NodeRole::Primary),
                node(&format!("orders-{id}-002"), NodeRole::Replica),
            ],
        })
        .collect();
    let page = layout(&Detail::ReplicationGroup(group));
    assert_eq!(
        labels(&page),
        [
            vec!["Create global datastore from this group"],
            vec!["Test failover shard 0001"],
            vec!["Test failover shard 0002"]
        ]
    );
    let shards = &page.lists[1];
    assert_eq!(shards.0, "action-list--shards");
    assert_eq!(shards.1[0][0].writer, "orders-0001-001");
    assert_eq!(
        shards.1.iter().map(|g| g[0].busy).collect::<Vec<_>>(),
        [false, true]
    );
    assert_eq!(page.shards.as_ref().map(|s| s.1.as_str()), Some("orders-"));
    assert_eq!(page.writes_now, None);
}

#[test]
fn a_neptune_cluster_has_no_action_and_says_where_they_are() {
    let cluster = DbCluster {
        id: "graph-use1".into(),
        arn: None,
        region: "us-east-1".into(),
        status: "available".into(),
        engine: None,
        engine_version: None,
        multi_az: None,
        endpoint: None,
        reader_endpoint: None,
        members: vec![DbClusterMember {
            instance_id: "graph-use1-1".into(),
            is_writer: true,
        }],
    };
    let page = layout(&Detail::NeptuneCluster {
        cluster,
        global: None,
    });
    assert!(labels(&page).is_empty());
    assert!(page.notice.is_some_and(|n| n.contains("global database")));
    assert_eq!(page.regions[0].note, "graph-use1-1 (writer)");
}
