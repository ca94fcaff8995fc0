//! The seeded resources: `--topology default` (names other tests depend on) and `large:N`.

use crate::models::elasticache::{
    CacheNode, ElastiCache, GlobalDatastore, GlobalMember, GlobalRole, GlobalStatus, NodeGroup,
    NodeRole, ReplicationGroup,
};
use crate::models::memorydb::{self, MemoryDb};
use crate::models::metrics::{self, LagProfile};
use crate::models::neptune::{DbCluster, DbInstance, GlobalCluster, GlobalClusterMember, Neptune};
use crate::models::{Event, Millis, Timing, World};

pub const REGIONS: [&str; 3] = ["us-east-1", "us-west-2", "eu-west-1"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topology {
    Default,
    /// The default resources plus N generated replication groups per region.
    Large(usize),
}

impl Topology {
    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "default" => Ok(Topology::Default),
            _ => s
                .strip_prefix("large:")
                .and_then(|n| n.parse().ok())
                .filter(|n| (1..=10_000).contains(n))
                .map(Topology::Large)
                .ok_or_else(|| {
                    format!("unknown topology '{s}': use 'default' or 'large:N' (1..=10000)")
                }),
        }
    }
}

fn short(region: &str) -> String {
    // us-east-1 → use1, the suffix convention of the seeded names.
    let parts: Vec<&str> = region.split('-').collect();
    match parts.as_slice() {
        [a, b, n] => format!("{a}{}{n}", &b[..1]),
        _ => region.replace('-', ""),
    }
}

fn az(region: &str, i: usize) -> String {
    format!("{region}{}", ['a', 'b', 'c'][i % 3])
}

fn slots(i: usize, n: usize) -> String {
    let per = 16_384 / n;
    let start = i * per;
    let end = if i + 1 == n { 16_383 } else { start + per - 1 };
    format!("{start}-{end}")
}

struct RgSpec<'a> {
    region: &'a str,
    id: &'a str,
    node_groups: usize,
    replicas: usize,
    cluster_enabled: bool,
    multi_az: bool,
    engine: (&'a str, &'a str),
}

fn replication_group(spec: &RgSpec<'_>, created: Millis) -> ReplicationGroup {
    let node_groups = (0..spec.node_groups)
        .map(|g| {
            let ng_id = format!("{:04}", g + 1);
            let members = (0..=spec.replicas)
                .map(|m| CacheNode {
                    cluster_id: if spec.cluster_enabled {
                        format!("{}-{ng_id}-{:03}", spec.id, m + 1)
                    } else {
                        format!("{}-{:03}", spec.id, m + 1)
                    },
                    node_id: "0001".into(),
                    availability_zone: az(spec.region, g + m),
                    role: if m == 0 {
                        NodeRole::Primary
                    } else {
                        NodeRole::Replica
                    },
                })
                .collect();
            NodeGroup {
                id: ng_id,
                slots: slots(g, spec.node_groups),
                members,
                modifying: false,
            }
        })
        .collect();
    ReplicationGroup {
        id: spec.id.into(),
        region: spec.region.into(),
        description: format!("{} ({})", spec.id, spec.region),
        cluster_enabled: spec.cluster_enabled,
        multi_az: spec.multi_az,
        automatic_failover: spec.multi_az,
        node_type: "cache.r7g.large".into(),
        engine: spec.engine.0.into(),
        engine_version: spec.engine.1.into(),
        node_groups,
        global_id: None,
        created,
        test_failover: None,
    }
}

fn global_datastore(ec: &mut ElastiCache, id: &str, members: &[(&str, &str)]) {
    let mut gms = Vec::new();
    let mut template = None;
    for (i, (region, rg_id)) in members.iter().enumerate() {
        if let Some(rg) = ec
            .replication_groups
            .get_mut(&((*region).to_string(), (*rg_id).to_string()))
        {
            rg.global_id = Some(id.into());
            if template.is_none() {
                template = Some(rg.clone());
            }
        }
        gms.push(GlobalMember {
            replication_group_id: (*rg_id).into(),
            region: (*region).into(),
            role: if i == 0 {
                GlobalRole::Primary
            } else {
                GlobalRole::Secondary
            },
        });
    }
    let Some(t) = template else { return };
    ec.global_datastores.insert(
        id.into(),
        GlobalDatastore {
            id: id.into(),
            description: format!("Global datastore {id}"),
            status: GlobalStatus::Available,
            engine: t.engine.clone(),
            engine_version: t.engine_version.clone(),
            node_type: t.node_type.clone(),
            cluster_enabled: t.cluster_enabled,
            members: gms,
            node_groups: t
                .node_groups
                .iter()
                .map(|ng| (format!("{id}-{}", ng.id), ng.slots.clone()))
                .collect(),
            schedule: None,
        },
    );
}

fn neptune_cluster(
    region: &str,
    id: &str,
    engine: (&str, &str),
    instances: usize,
    writer: bool,
    created: Millis,
) -> DbCluster {
    DbCluster {
        id: id.into(),
        region: region.into(),
        engine: engine.0.into(),
        engine_version: engine.1.into(),
        port: if engine.0 == "neptune" {
            8182
        } else if engine.0 == "docdb" {
            27017
        } else {
            5432
        },
        instances: (0..instances)
            .map(|i| DbInstance {
                id: format!("{id}-instance-{}", i + 1),
                is_writer: writer && i == 0,
                promotion_tier: 1,
            })
            .collect(),
        global_id: None,
        created,
        resource_id: format!("cluster-{}", resource_suffix(id)),
    }
}

/// A stable 26-character upper-case id, like AWS's resource ids.
fn resource_suffix(name: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    (0..26)
        .map(|i| {
            for b in name.bytes().chain([i as u8]) {
                h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            }
            let c = (h % 36) as u8;
            (if c < 10 { b'0' + c } else { b'A' + c - 10 }) as char
        })
        .collect()
}

fn global_cluster(np: &mut Neptune, id: &str, members: &[(&str, &str)]) {
    for (region, cid) in members {
        if let Some(c) = np
            .clusters
            .get_mut(&((*region).to_string(), (*cid).to_string()))
        {
            c.global_id = Some(id.into());
        }
    }
    np.global_clusters.insert(
        id.into(),
        GlobalCluster {
            id: id.into(),
            resource_id: format!("cluster-{}", resource_suffix(id)),
            engine: "neptune".into(),
            engine_version: "1.3.2.1".into(),
            status: "available",
            storage_encrypted: true,
            deletion_protection: false,
            members: members
                .iter()
                .enumerate()
                .map(|(i, (region, cid))| GlobalClusterMember {
                    region: (*region).into(),
                    cluster_id: (*cid).into(),
                    is_writer: i == 0,
                })
                .collect(),
            failover: None,
            schedule: None,
        },
    );
}

fn memorydb_cluster(
    region: &str,
    name: &str,
    shards: usize,
    nodes: usize,
    multi_az: bool,
    created: Millis,
) -> memorydb::Cluster {
    memorydb::Cluster {
        name: name.into(),
        region: region.into(),
        description: format!("{name} ({region})"),
        multi_az,
        node_type: "db.r7g.large".into(),
        engine: "valkey".into(),
        engine_version: "7.2".into(),
        shards: (0..shards)
            .map(|s| {
                let shard = format!("{:04}", s + 1);
                memorydb::Shard {
                    nodes: (0..nodes)
                        .map(|n| memorydb::Node {
                            // MemoryDB names nodes <shard>-<nnn> within their cluster.
                            name: format!("{shard}-{:03}", n + 1),
                            availability_zone: az(region, s + n),
                            created,
                            is_primary: n == 0,
                        })
                        .collect(),
                    name: shard,
                    slots: slots(s, shards),
                    modifying: false,
                }
            })
            .collect(),
        failover: None,
        multi_region: None,
    }
}

fn ev(at: Millis, region: &str, id: &str, source_type: &'static str, message: &str) -> Event {
    Event {
        at,
        region: region.into(),
        source_id: id.into(),
        source_type,
        message: message.into(),
    }
}

/// The lag profiles of the default topology's secondaries: one spiky, one Neptune secondary
/// with no lag (Neptune then publishes nothing), the rest steady.
fn default_lag(topology: Topology, now: Millis) -> metrics::Lag {
    let mut lag = metrics::Lag::default();
    if topology == Topology::Default {
        lag.set_profile("checkout-sessions-euw1", LagProfile::Spiky, now);
        lag.set_profile("fraud-graph-use1", LagProfile::Zero, now);
    }
    lag
}

/// Builds the world for a topology at instant `now`.
pub fn build(topology: Topology, timing: Timing, quota: usize, now: Millis) -> World {
    let created = now - 90 * 24 * 3600 * 1000;
    let mut ec = ElastiCache::new(timing, quota);
    let vk = ("valkey", "8.0");
    let rd = ("redis", "7.1");
    for (region, id, ngs, replicas, cluster, multi_az, engine) in [
        ("us-east-1", "checkout-sessions-use1", 3, 2, true, true, vk),
        ("us-west-2", "checkout-sessions-usw2", 3, 2, true, true, vk),
        ("eu-west-1", "checkout-sessions-euw1", 3, 2, true, true, vk),
        ("us-east-1", "pricing-cache-use1", 2, 2, true, true, rd),
        ("eu-west-1", "pricing-cache-euw1", 2, 2, true, true, rd),
        ("us-east-1", "orders-queue", 4, 2, true, true, rd),
        ("us-west-2", "feature-flags", 1, 1, false, true, rd),
        ("eu-west-1", "legacy-sessions", 1, 1, false, false, rd),
        ("us-west-2", "reporting-cache", 1, 0, false, false, rd),
    ] {
        ec.insert_replication_group(replication_group(
            &RgSpec {
                region,
                id,
                node_groups: ngs,
                replicas,
                cluster_enabled: cluster,
                multi_az,
                engine,
            },
            created,
        ));
    }
    global_datastore(
        &mut ec,
        "ldgnf-checkout-sessions",
        &[
            ("us-east-1", "checkout-sessions-use1"),
            ("us-west-2", "checkout-sessions-usw2"),
            ("eu-west-1", "checkout-sessions-euw1"),
        ],
    );
    global_datastore(
        &mut ec,
        "ldgnf-pricing-cache",
        &[
            ("us-east-1", "pricing-cache-use1"),
            ("eu-west-1", "pricing-cache-euw1"),
        ],
    );
    let min = 60_000;
    ec.events.extend([
        ev(now - 50 * min, "us-east-1", "orders-queue", "replication-group", "Snapshot succeeded for snapshot with ID 'automatic.orders-queue' of replication group with ID 'orders-queue'"),
        ev(now - 35 * min, "us-east-1", "checkout-sessions-use1-0002-001", "cache-cluster", "Cache node 0001 restarted"),
        ev(now - 42 * min, "us-west-2", "feature-flags", "replication-group", "Replication group feature-flags modified: AutomaticFailoverEnabled=true"),
        ev(now - 20 * min, "us-west-2", "reporting-cache-001", "cache-cluster", "Cache cluster reporting-cache-001 patched to the latest engine version"),
        ev(now - 30 * min, "eu-west-1", "legacy-sessions", "replication-group", "Multi-AZ is disabled for replication group legacy-sessions"),
    ]);

    let mut np = Neptune::new(timing);
    let nep = ("neptune", "1.3.2.1");
    for (region, id, engine, instances, writer) in [
        ("us-east-1", "identity-graph-use1", nep, 2, true),
        ("us-west-2", "identity-graph-usw2", nep, 1, false),
        ("eu-west-1", "identity-graph-euw1", nep, 1, false),
        ("eu-west-1", "fraud-graph-euw1", nep, 2, true),
        ("us-east-1", "fraud-graph-use1", nep, 1, false),
        ("us-west-2", "recs-graph-usw2", nep, 2, true),
        (
            "us-east-1",
            "billing-aurora-use1",
            ("aurora-postgresql", "15.4"),
            2,
            true,
        ),
        (
            "eu-west-1",
            "ledger-docdb-euw1",
            ("docdb", "5.0.0"),
            2,
            true,
        ),
    ] {
        np.insert_cluster(neptune_cluster(
            region, id, engine, instances, writer, created,
        ));
    }
    global_cluster(
        &mut np,
        "identity-graph",
        &[
            ("us-east-1", "identity-graph-use1"),
            ("us-west-2", "identity-graph-usw2"),
            ("eu-west-1", "identity-graph-euw1"),
        ],
    );
    global_cluster(
        &mut np,
        "fraud-graph",
        &[
            ("eu-west-1", "fraud-graph-euw1"),
            ("us-east-1", "fraud-graph-use1"),
        ],
    );
    np.events.extend([
        ev(
            now - 45 * min,
            "us-east-1",
            "identity-graph-use1",
            "db-cluster",
            "Finished DB cluster backup",
        ),
        ev(
            now - 25 * min,
            "us-west-2",
            "recs-graph-usw2",
            "db-cluster",
            "DB cluster parameter group applied",
        ),
        ev(
            now - 15 * min,
            "eu-west-1",
            "fraud-graph-euw1",
            "db-cluster",
            "Finished DB cluster backup",
        ),
    ]);

    let mut mdb = MemoryDb::new(timing, quota);
    mdb.insert_cluster(memorydb_cluster(
        "us-east-1",
        "payments-ledger",
        3,
        3,
        true,
        created,
    ));
    mdb.insert_cluster(memorydb_cluster(
        "us-west-2",
        "rate-limiter",
        2,
        2,
        true,
        created,
    ));
    mdb.insert_cluster(memorydb_cluster(
        "eu-west-1",
        "audit-stream",
        1,
        1,
        false,
        created,
    ));
    // A Multi-Region cluster: three active-active regional clusters (AWS prefixes the name
    // with five letters of its own).
    let mrc = "wqmzt-session-store";
    let mut members = Vec::new();
    for region in REGIONS {
        let name = format!("session-store-{}", short(region));
        let mut c = memorydb_cluster(region, &name, 2, 2, true, created);
        c.engine_version = "7.3".into();
        c.multi_region = Some(mrc.into());
        mdb.insert_cluster(c);
        members.push((region.to_string(), name));
    }
    mdb.multi_region.insert(
        mrc.into(),
        memorydb::MultiRegionCluster {
            name: mrc.into(),
            description: "Sessions, written in every Region".into(),
            node_type: "db.r7g.large".into(),
            engine: "valkey".into(),
            engine_version: "7.3".into(),
            shards: 2,
            members,
        },
    );
    mdb.events.extend([
        ev(
            now - 40 * min,
            "us-east-1",
            "payments-ledger",
            "cluster",
            "Snapshot created for cluster payments-ledger",
        ),
        ev(
            now - 22 * min,
            "us-west-2",
            "rate-limiter",
            "cluster",
            "Cluster rate-limiter parameter group updated",
        ),
        ev(
            now - 10 * min,
            "eu-west-1",
            "audit-stream",
            "cluster",
            "Snapshot created for cluster audit-stream",
        ),
    ]);

    if let Topology::Large(n) = topology {
        for region in REGIONS {
            let s = short(region);
            for i in 0..n {
                let id = format!("load-{s}-{:04}", i + 1);
                ec.insert_replication_group(replication_group(
                    &RgSpec {
                        region,
                        id: &id,
                        node_groups: 20,
                        replicas: 2,
                        cluster_enabled: true,
                        multi_az: true,
                        engine: rd,
                    },
                    created,
                ));
                np.insert_cluster(neptune_cluster(
                    region,
                    &format!("load-{s}-graph-{:04}", i + 1),
                    nep,
                    2,
                    region == "us-east-1",
                    created,
                ));
            }
            for i in 0..n.div_ceil(2) {
                mdb.insert_cluster(memorydb_cluster(
                    region,
                    &format!("load-{s}-mdb-{:04}", i + 1),
                    10,
                    2,
                    true,
                    created,
                ));
            }
        }
        // Global resources in proportion, so their lists need several pages too: each
        // us-east-1 replication group leads one in us-west-2, each us-east-1 graph one in eu-west-1.
        for i in 1..=n {
            global_datastore(
                &mut ec,
                &format!("ldgnf-load-{i:04}"),
                &[
                    ("us-east-1", &format!("load-use1-{i:04}")),
                    ("us-west-2", &format!("load-usw2-{i:04}")),
                ],
            );
            global_cluster(
                &mut np,
                &format!("load-graph-{i:04}"),
                &[
                    ("us-east-1", &format!("load-use1-graph-{i:04}")),
                    ("eu-west-1", &format!("load-euw1-graph-{i:04}")),
                ],
            );
        }
    }

    World {
        timing,
        regions: REGIONS.iter().map(|r| (*r).to_string()).collect(),
        elasticache: ec,
        neptune: np,
        memorydb: mdb,
        calls: Vec::new(),
        regions_down: Default::default(),
        regions_hang: Default::default(),
        down_since: Default::default(),
        lag: default_lag(topology, now),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_names_are_exact() {
        let w = build(Topology::Default, Timing::default(), 15, 1_700_000_000_000);
        let rg = &w.elasticache.replication_groups[&(
            "us-east-1".to_string(),
            "checkout-sessions-use1".to_string(),
        )];
        assert_eq!(rg.node_groups.len(), 3);
        assert_eq!(
            rg.node_groups[0].members[0].cluster_id,
            "checkout-sessions-use1-0001-001"
        );
        let ff = &w.elasticache.replication_groups
            [&("us-west-2".to_string(), "feature-flags".to_string())];
        assert_eq!(
            ff.member_clusters(),
            vec!["feature-flags-001", "feature-flags-002"]
        );
        assert!(w
            .elasticache
            .global_datastores
            .contains_key("ldgnf-checkout-sessions"));
        assert!(w
            .elasticache
            .global_datastores
            .contains_key("ldgnf-pricing-cache"));
        assert_eq!(
            w.neptune.global_clusters["fraud-graph"]
                .writer()
                .unwrap()
                .cluster_id,
            "fraud-graph-euw1"
        );
        let pl = &w.memorydb.clusters[&("us-east-1".to_string(), "payments-ledger".to_string())];
        assert_eq!(pl.shards[2].nodes[2].name, "0003-003");
    }

    #[test]
    fn large_topology_has_thousands_of_shards() {
        let w = build(
            Topology::Large(100),
            Timing::default(),
            15,
            1_700_000_000_000,
        );
        let shards: usize = w
            .elasticache
            .replication_groups
            .values()
            .map(|rg| rg.node_groups.len())
            .sum::<usize>()
            + w.memorydb
                .clusters
                .values()
                .map(|c| c.shards.len())
                .sum::<usize>();
        assert!(shards >= 5000, "{shards}");
        assert_eq!(Topology::parse("large:7"), Ok(Topology::Large(7)));
        assert!(Topology::parse("huge").is_err());
        assert_eq!(short("eu-west-1"), "euw1");
    }
}
