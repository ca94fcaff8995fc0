use super::*;
use crate::model::{GlobalDatabase, GlobalDatabaseMember, MemberRole, MemoryDbCluster};
use crate::state::rows::fixtures::{datastore, rg};

fn graph(id: &str, members: &[(&str, &str, bool)]) -> GlobalDatabase {
    GlobalDatabase {
        id: id.into(),
        resource_id: None,
        arn: None,
        status: "available".into(),
        engine: Some("neptune".into()),
        engine_version: None,
        deletion_protection: None,
        members: members
            .iter()
            .map(|(region, cluster, writer)| GlobalDatabaseMember {
                cluster_arn: format!("arn:aws:rds:{region}:123456789012:cluster:{cluster}"),
                region: Some(region.to_string()),
                is_writer: *writer,
                readers: vec![],
            })
            .collect(),
        failover: None,
    }
}

/// A Multi-AZ MemoryDB cluster in us-east-1, of a Multi-Region cluster when one is named.
fn memorydb_cluster(name: &str, multi_region: Option<&str>) -> MemoryDbCluster {
    MemoryDbCluster {
        name: name.into(),
        region: "us-east-1".into(),
        description: None,
        status: "available".into(),
        availability_mode: Some("multiaz".into()),
        node_type: None,
        engine_version: None,
        arn: None,
        number_of_shards: None,
        endpoint: None,
        shards: vec![],
        multi_region: multi_region.map(Into::into),
    }
}

/// The emulator's default topology, as the inventory lists it.
fn inventory() -> Vec<Row> {
    use MemberRole::*;
    let mut member = rg("checkout-sessions-use1", "us-east-1", "available");
    member.global_datastore = Some(("ldgnf-checkout-sessions".into(), Primary));
    let memorydb = memorydb_cluster("sessions-mdb", None);
    vec![
        Row::from_global_datastore(&datastore(
            "ldgnf-checkout-sessions",
            &[
                ("checkout-sessions-use1", "us-east-1", Primary),
                ("checkout-sessions-usw2", "us-west-2", Secondary),
                ("checkout-sessions-euw1", "eu-west-1", Secondary),
            ],
        )),
        Row::from_global_datastore(&datastore(
            "ldgnf-pricing-cache",
            &[
                ("pricing-cache-use1", "us-east-1", Primary),
                ("pricing-cache-euw1", "eu-west-1", Secondary),
            ],
        )),
        Row::from_global_database(&graph(
            "identity-graph",
            &[
                ("us-east-1", "identity-graph-use1", true),
                ("us-west-2", "identity-graph-usw2", false),
            ],
        )),
        Row::from_global_database(&graph(
            "fraud-graph",
            &[
                ("eu-west-1", "fraud-graph-euw1", true),
                ("us-east-1", "fraud-graph-use1", false),
            ],
        )),
        Row::from_replication_group(&member, false),
        Row::from_replication_group(&rg("orders-queue", "us-east-1", "available"), false),
        Row::from_replication_group(&rg("feature-flags", "us-west-2", "available"), false),
        Row::from_memorydb(&memorydb),
    ]
}

fn all_answer(_: &str, _: Service) -> bool {
    true
}

#[test]
fn evacuation_moves_every_writer_in_the_region_and_lists_the_rest() {
    let rows = inventory();
    let plan = propose_evacuation("us-east-1", &rows, &all_answer, &no_lag);
    assert_eq!(plan.stages.len(), 2);
    let titles: Vec<String> = plan.steps().map(|(_, _, s)| s.action.title()).collect();
    assert_eq!(
        titles,
        [
            "Promote checkout-sessions-usw2 (us-west-2) to primary of ldgnf-checkout-sessions",
            "Promote pricing-cache-euw1 (eu-west-1) to primary of ldgnf-pricing-cache",
            "Switch over identity-graph to us-west-2",
        ]
    );
    // fraud-graph writes in eu-west-1; the member group moves with its datastore.
    let not_moved: Vec<&str> = plan.not_moved.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(not_moved, ["orders-queue", "sessions-mdb"]);
    assert!(plan.not_moved[1]
        .why
        .contains("no MemoryDB call here moves its writer"));
    assert_eq!(Plan::from_json(&plan.to_json()), Ok(plan.clone()));
}

#[test]
fn a_silent_writer_region_turns_a_switchover_into_a_failover_and_a_silent_target_is_skipped() {
    let rows = inventory();
    let down = |region: &str, _: Service| region != "us-east-1" && region != "us-west-2";
    let plan = propose_evacuation("us-east-1", &rows, &down, &no_lag);
    let actions: Vec<&Action> = plan.steps().map(|(_, _, s)| &s.action).collect();
    // checkout-sessions goes to eu-west-1, the one member that answers.
    assert!(
        matches!(actions[0], Action::PromoteSecondary { target_region, .. } if target_region == "eu-west-1")
    );
    // identity-graph's only secondary is in us-west-2, which does not answer either.
    assert!(plan.not_moved.iter().any(|n| n.name == "identity-graph"));
    let down = |region: &str, _: Service| region != "us-east-1";
    let plan = propose_evacuation("us-east-1", &rows, &down, &no_lag);
    let (_, _, step) = plan.steps().last().unwrap();
    assert!(matches!(step.action, Action::NeptuneFailover { .. }));
    assert!(step.why.contains("AllowDataLoss"), "{}", step.why);
}

#[test]
fn a_plan_file_with_a_mistake_is_refused_with_its_place_named() {
    let plan = propose_evacuation("us-east-1", &inventory(), &all_answer, &no_lag);
    let good: Value = serde_json::from_str(&plan.to_json()).unwrap();
    let refused = |edit: &dyn Fn(&mut Value)| {
        let mut v = good.clone();
        edit(&mut v);
        Plan::from_json(&v.to_string()).unwrap_err()
    };
    assert!(Plan::from_json("{")
        .unwrap_err()
        .starts_with("not a JSON document"));
    assert!(refused(&|v| v["format"] = "runbook".into()).contains("not a failover-console plan"));
    assert!(refused(&|v| v["version"] = 2.into()).contains("newer than this console reads"));
    let e = refused(&|v| {
        v["stages"][1]["steps"][0]["action"]
            .as_object_mut()
            .unwrap()
            .remove("target_region");
    });
    assert!(
        e.starts_with("stage 2, step 1:") && e.contains("target_region"),
        "{e}"
    );
    let e =
        refused(&|v| v["stages"][0]["steps"][1]["action"]["target_region"] = "us-east-1".into());
    assert_eq!(
        e,
        "stage 1, step 2 moves ldgnf-pricing-cache into us-east-1, the Region this plan evacuates"
    );
    let e = refused(&|v| {
        let step = v["stages"][0]["steps"][0].clone();
        v["stages"][1]["steps"].as_array_mut().unwrap().push(step);
    });
    assert!(
        e.contains("moved twice: stage 1, step 1 and stage 2, step 2"),
        "{e}"
    );
    let e = refused(&|v| v["stagez"] = Value::Array(vec![]));
    assert!(e.contains("unknown field `stagez`"), "{e}");
    let e = refused(&|v| v["region"] = "us-east".into());
    assert!(e.contains("not an AWS Region name"), "{e}");
    let e = refused(&|v| {
        v["stages"][0]["steps"][0]["action"] = serde_json::json!({
            "kind": "test-failover", "group": "g", "region": "us-west-2", "shard": "0001"
        })
    });
    assert!(e.contains("a test failover does not move a writer"), "{e}");
    let e = refused(&|v| {
        v["stages"].as_array_mut().unwrap().insert(
            1,
            serde_json::json!({"kind": "approval", "name": "gate", "question": " "}),
        );
    });
    assert_eq!(
        e,
        "stage 2: an approval gate needs the question a person answers"
    );
}

#[test]
fn failback_returns_each_moved_writer_in_reverse_stage_order() {
    let plan = propose_evacuation("us-east-1", &inventory(), &all_answer, &no_lag);
    // The pricing cache's step did not move anything.
    let back = plan.failback(&|s, i| !(s == 0 && i == 1));
    assert_eq!(back.mode, Mode::Failback);
    let titles: Vec<String> = back.steps().map(|(_, _, s)| s.action.title()).collect();
    assert_eq!(
        titles,
        [
            "Switch over identity-graph to us-east-1",
            "Promote checkout-sessions-use1 (us-east-1) to primary of ldgnf-checkout-sessions",
        ]
    );
    assert_eq!(back.check(), Ok(()));
    // A failback read as an evacuation file would be refused.
    let mut wrong = back.clone();
    wrong.mode = Mode::Evacuate;
    assert!(wrong.check().is_err());
}

#[test]
fn markdown_names_stages_steps_and_what_is_left() {
    let plan = propose_evacuation("us-east-1", &inventory(), &all_answer, &no_lag);
    let md = plan.to_markdown();
    assert!(md.contains("## Stage 2: Neptune global databases"));
    assert!(md.contains("- Switch over identity-graph to us-west-2 — us-east-1 answers"));
    assert!(
        md.contains("## Not moved by this plan\n\n- orders-queue (ElastiCache replication group"),
        "{md}"
    );
}

#[test]
fn edits_keep_the_plan_well_formed() {
    let rows = inventory();
    let mut plan = propose_evacuation("us-east-1", &rows, &all_answer, &no_lag);
    // Retarget checkout-sessions to eu-west-1.
    let to = choices(&rows[0], "us-east-1", &all_answer)[1].clone();
    plan.retarget(0, 0, &to);
    assert!(plan.stages[0].steps()[0]
        .action
        .title()
        .contains("checkout-sessions-euw1 (eu-west-1)"));
    // identity-graph as a failover, then back.
    plan.set_allow_data_loss(1, 0, true);
    assert!(matches!(
        plan.stages[1].steps()[0].action,
        Action::NeptuneFailover { .. }
    ));
    assert!(plan.stages[1].steps()[0].why.contains("AllowDataLoss"));
    plan.set_allow_data_loss(1, 0, false);
    assert!(matches!(
        plan.stages[1].steps()[0].action,
        Action::NeptuneSwitchover { .. }
    ));
    // A gate between the stages; a step moved later jumps over it.
    plan.add_gate(1);
    assert_eq!(plan.stages.len(), 3);
    plan.move_step(0, 1, true);
    assert_eq!(plan.stages[2].steps().len(), 2);
    // Moving the last step of a stage later makes a new stage and drops the empty one.
    plan.move_step(0, 0, true);
    assert_eq!(plan.stages.len(), 2, "{:#?}", plan.stages);
    assert!(matches!(plan.stages[0], Stage::Approval { .. }));
    assert_eq!(plan.stages[1].steps().len(), 3);
    plan.move_step(1, 2, true);
    assert_eq!(plan.stages.len(), 3);
    assert_eq!(plan.stages[2].name(), "Stage 3");
    plan.remove_gate(0);
    plan.remove_step(1, 0);
    assert_eq!(plan.step_count(), 2);
    assert!(plan
        .not_moved
        .iter()
        .any(|n| n.why == "taken out of the plan by a person"));
    assert_eq!(plan.check(), Ok(()));
}

fn no_lag(_: &str) -> Option<f64> {
    None
}

#[test]
fn the_proposal_moves_each_writer_to_its_least_lagging_secondary() {
    let rows = inventory();
    let lag = |m: &str| match m {
        "checkout-sessions-usw2" => Some(4.0),
        "checkout-sessions-euw1" => Some(0.6),
        _ => None,
    };
    let plan = propose_evacuation("us-east-1", &rows, &all_answer, &lag);
    let (_, _, step) = plan
        .steps()
        .find(|(_, _, s)| s.from == "checkout-sessions-use1")
        .expect("a step for the checkout datastore");
    assert_eq!(step.action.moved_to(), Some("checkout-sessions-euw1"));
    assert!(
        step.why
            .contains("least replication lag of its secondaries (0.6 s)"),
        "{}",
        step.why
    );
    // Without lag the first secondary in the row's order, said so.
    let plain = propose_evacuation("us-east-1", &rows, &all_answer, &no_lag);
    let (_, _, step) = plain
        .steps()
        .find(|(_, _, s)| s.from == "checkout-sessions-use1")
        .unwrap();
    assert_eq!(step.action.moved_to(), Some("checkout-sessions-usw2"));
    assert!(
        step.why.ends_with("replication lag not known"),
        "{}",
        step.why
    );
}

#[test]
fn a_regional_cluster_of_a_multi_region_cluster_is_not_moved_and_says_why() {
    let cluster = memorydb_cluster("session-store-use1", Some("wqmzt-session-store"));
    let mut rows = inventory();
    rows.push(Row::from_memorydb(&cluster));
    let plan = propose_evacuation("us-east-1", &rows, &all_answer, &no_lag);
    let n = plan
        .not_moved
        .iter()
        .find(|n| n.name == "session-store-use1")
        .expect("listed as not moved");
    assert!(n.why.contains("active-active"), "{}", n.why);
    assert!(plan
        .not_moved
        .iter()
        .any(|n| n.name == "sessions-mdb" && !n.why.contains("active-active")));
}
