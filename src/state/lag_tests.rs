use super::*;

const T0: i64 = 1_714_564_800_000;

fn ec(member: &str, region: &str, ids: Option<&[&str]>) -> LagSource {
    LagSource {
        member: member.into(),
        region: region.into(),
        from_region: "us-east-1".into(),
        metric: LagMetric::GlobalDatastore {
            cache_clusters: ids.map(|i| i.iter().map(|s| (*s).to_string()).collect()),
        },
    }
}

fn series(id: &str, points: &[(i64, f64)]) -> MetricSeries {
    MetricSeries {
        id: id.into(),
        label: String::new(),
        points: points
            .iter()
            .map(|(t, v)| (Timestamp::from_millis(*t), *v))
            .collect(),
        status: "Complete".into(),
        messages: Vec::new(),
    }
}

#[test]
fn one_call_per_region_and_the_slowest_shard_is_the_lag() {
    let sources = vec![
        ec(
            "orders-usw2",
            "us-west-2",
            Some(&["orders-usw2-0001-001", "orders-usw2-0002-001"]),
        ),
        ec("orders-euw1", "eu-west-1", Some(&["orders-euw1-0001-001"])),
        LagSource {
            member: "graph-usw2".into(),
            region: "us-west-2".into(),
            from_region: "us-east-1".into(),
            metric: LagMetric::GlobalDatabase,
        },
    ];
    let plan = plan_queries(&sources, &BTreeMap::new());
    assert_eq!(plan.len(), 2, "one call per Region");
    let usw2 = &plan["us-west-2"];
    assert_eq!(usw2.queries.len(), 3);
    assert_eq!(usw2.owners, vec![0, 0, 2]);
    let ids: Vec<&str> = usw2.queries.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(ids, ["m0", "m1", "m2"]);
    assert_eq!(
        usw2.queries[2].dimensions,
        vec![
            ("DBClusterIdentifier".to_string(), "graph-usw2".to_string()),
            ("SourceRegion".to_string(), "us-east-1".to_string())
        ]
    );
    let answers: BTreeMap<_, _> = [
        (
            "us-west-2".to_string(),
            Ok(vec![
                series("m0", &[(T0 - 60_000, 0.5), (T0, 0.6)]),
                series("m1", &[(T0 - 60_000, 2.0), (T0, 0.7)]),
                series("m2", &[(T0, 1500.0)]),
            ]),
        ),
        ("eu-west-1".to_string(), Err("HTTP 503".to_string())),
    ]
    .into();
    let r = readings(&sources, &plan, &answers);
    assert_eq!(r[0].series, vec![(T0 - 60_000, 2.0), (T0, 0.7)]);
    assert_eq!(
        r[0].state,
        LagState::Known {
            at: T0,
            seconds: 0.7
        }
    );
    assert!(matches!(&r[1].state, LagState::Unknown(why) if why.contains("HTTP 503")));
    // Neptune's milliseconds read as seconds.
    assert_eq!(r[2].seconds(), Some(1.5));
    assert_eq!(least_lag(&r).unwrap().member, "orders-usw2");
}

#[test]
fn no_datapoint_is_no_data_never_zero_and_neptune_says_why() {
    let sources = vec![LagSource {
        member: "graph-use1".into(),
        region: "us-east-1".into(),
        from_region: "eu-west-1".into(),
        metric: LagMetric::GlobalDatabase,
    }];
    let plan = plan_queries(&sources, &BTreeMap::new());
    let answers: BTreeMap<_, _> = [("us-east-1".to_string(), Ok(vec![series("m0", &[])]))].into();
    let r = &readings(&sources, &plan, &answers)[0];
    assert_eq!(r.seconds(), None);
    assert!(matches!(&r.state, LagState::NoData(why) if why.contains("only when it is not zero")));
    assert!(least_lag(std::slice::from_ref(r)).is_none());
    let (outcome, text) = check(Some(r), 10.0);
    assert_eq!(outcome, CheckOutcome::Warn);
    assert!(
        text.starts_with("Estimated writes at risk: unknown"),
        "{text}"
    );
}

#[test]
fn unknown_members_are_found_with_list_metrics() {
    let sources = vec![
        ec("orders-euw1", "eu-west-1", None),
        LagSource {
            member: "store-euw1".into(),
            region: "eu-west-1".into(),
            from_region: "us-east-1".into(),
            metric: LagMetric::MultiRegion,
        },
    ];
    let d = |ns: &str, m: &str, dims: &[(&str, &str)]| MetricDescriptor {
        namespace: ns.into(),
        metric: m.into(),
        dimensions: dims
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect(),
    };
    let found: BTreeMap<_, _> = [(
        "eu-west-1".to_string(),
        vec![
            d(
                "AWS/ElastiCache",
                "GlobalDatastoreReplicationLag",
                &[("CacheClusterId", "orders-euw1-0001-001")],
            ),
            d(
                "AWS/ElastiCache",
                "GlobalDatastoreReplicationLag",
                &[("CacheClusterId", "orders-euw1x-0001-001")],
            ),
            d(
                "AWS/MemoryDB",
                "MultiRegionClusterReplicationLag",
                &[
                    ("ClusterName", "store-euw1"),
                    ("ShardName", "0001"),
                    ("SourceRegion", "us-east-1"),
                ],
            ),
            d(
                "AWS/MemoryDB",
                "MultiRegionClusterReplicationLag",
                &[
                    ("ClusterName", "store-euw1"),
                    ("ShardName", "0001"),
                    ("SourceRegion", "us-west-2"),
                ],
            ),
        ],
    )]
    .into();
    let plan = plan_queries(&sources, &found);
    let q = &plan["eu-west-1"];
    assert_eq!(q.owners, vec![0, 1], "{q:?}");
    assert_eq!(q.queries[1].dimensions[2].1, "us-east-1");
    // Nothing found: said, not a zero.
    let none = plan_queries(&sources, &BTreeMap::new());
    let r = readings(&sources, &none, &BTreeMap::new());
    assert!(
        matches!(&r[0].state, LagState::Unknown(why) if why.contains("no GlobalDatastoreReplicationLag metric"))
    );
}

#[test]
fn the_threshold_warns_and_the_estimate_names_its_time() {
    let r = Reading {
        member: "m".into(),
        region: "us-west-2".into(),
        from_region: "us-east-1".into(),
        state: LagState::Known {
            at: T0 + 41 * 60_000,
            seconds: 12.4,
        },
        series: Vec::new(),
    };
    let (o, text) = check(Some(&r), 10.0);
    assert_eq!(o, CheckOutcome::Warn);
    assert_eq!(
        text,
        "Estimated writes at risk: about 12 s of changes (last lag value at 12:41 UTC): above the 10 s threshold"
    );
    assert_eq!(check(Some(&r), 20.0).0, CheckOutcome::Pass);
    assert_eq!(check(None, 10.0).0, CheckOutcome::Warn);
    assert_eq!(seconds_text(0.84), "0.8 s");
    assert_eq!(seconds_text(300.0), "5 min");
}
