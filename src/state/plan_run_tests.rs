use super::*;
use crate::state::action::Action;
use crate::state::plan::{Mode, Step, DEFAULT_CONCURRENCY, PLAN_FORMAT, PLAN_VERSION};
use std::collections::BTreeMap;

fn promote(datastore: &str) -> Step {
    Step {
        action: Action::PromoteSecondary {
            datastore: datastore.into(),
            target_group: format!("{datastore}-usw2"),
            target_region: "us-west-2".into(),
        },
        from_region: "us-east-1".into(),
        from: format!("{datastore}-use1"),
        why: String::new(),
    }
}

fn switchover(database: &str) -> Step {
    Step {
        action: Action::NeptuneSwitchover {
            database: database.into(),
            target_cluster_arn: "arn".into(),
            target_region: "us-west-2".into(),
            via_failover_api: false,
        },
        from_region: "us-east-1".into(),
        from: "arn-use1".into(),
        why: String::new(),
    }
}

fn plan(stages: Vec<Stage>) -> Plan {
    Plan {
        format: PLAN_FORMAT.into(),
        version: PLAN_VERSION,
        name: "Evacuate us-east-1".into(),
        mode: Mode::Evacuate,
        region: "us-east-1".into(),
        on_failure: OnFailure::Stop,
        concurrency: DEFAULT_CONCURRENCY,
        stages,
        not_moved: vec![],
    }
}

/// Three promotions in a stage, then a switchover in the next.
fn three_caches_then_a_graph() -> PlanRun {
    let p = plan(vec![
        Stage::Steps {
            name: "caches".into(),
            steps: vec![promote("a"), promote("b"), promote("c")],
        },
        Stage::Steps {
            name: "graphs".into(),
            steps: vec![switchover("g")],
        },
    ]);
    PlanRun::new("plan-1".into(), p, "me".into(), 0)
}

/// The runs a test has started, by id, and how each ends.
struct Runs(BTreeMap<String, Run>);

impl Runs {
    fn start(&mut self, pr: &mut PlanRun, moves: &[(usize, usize)]) {
        for &(s, i) in moves {
            let id = format!("run-{s}-{i}");
            let action = pr.plan.stages[s].steps()[i].action.clone();
            let mut run = Run::new(id.clone(), action, "me".into(), String::new(), None, 0);
            run.phase = Phase::Changing;
            self.0.insert(id.clone(), run);
            pr.started(s, i, id);
        }
    }

    fn end(&mut self, s: usize, i: usize, ok: bool, at: i64) {
        let run = self.0.get_mut(&format!("run-{s}-{i}")).unwrap();
        run.accepted_at = Some(0);
        run.settled_at = Some(at);
        if ok {
            run.phase = Phase::Settled;
            run.result = Some("writer is now the target".into());
        } else {
            run.phase = Phase::Rejected;
            run.result = Some("rejected: InvalidGlobalReplicationGroupState".into());
        }
    }

    fn tick(&self, pr: &mut PlanRun, now: i64) -> Vec<(usize, usize)> {
        pr.tick(now, &|id| self.0.get(id).cloned())
    }
}

#[test]
fn stages_run_in_order_with_steps_in_parallel_up_to_the_limit() {
    let mut pr = three_caches_then_a_graph();
    let mut runs = Runs(BTreeMap::new());
    let first = runs.tick(&mut pr, 0);
    assert_eq!(first, [(0, 0), (0, 1)], "two ElastiCache steps at once");
    runs.start(&mut pr, &first);
    assert!(runs.tick(&mut pr, 1).is_empty(), "the limit holds");
    runs.end(0, 0, true, 5_000);
    let next = runs.tick(&mut pr, 5_000);
    assert_eq!(next, [(0, 2)]);
    runs.start(&mut pr, &next);
    runs.end(0, 1, true, 6_000);
    assert!(
        runs.tick(&mut pr, 6_000).is_empty(),
        "stage 2 waits for all of stage 1"
    );
    runs.end(0, 2, true, 9_000);
    let graphs = runs.tick(&mut pr, 9_000);
    assert_eq!(graphs, [(1, 0)]);
    runs.start(&mut pr, &graphs);
    runs.end(1, 0, true, 20_000);
    assert!(runs.tick(&mut pr, 21_000).is_empty());
    assert_eq!(pr.state, PlanState::Done);
    assert_eq!(
        pr.recovery_time(),
        Some(20_000),
        "to the last settle, not to the tick"
    );
    let md = pr.to_markdown();
    assert!(md.contains("- Recovery time: 20.0 s"), "{md}");
    assert!(
        md.contains("| Switch over g to us-west-2 | writer is now the target | 20.0 s |"),
        "{md}"
    );
}

#[test]
fn a_failed_step_halts_before_the_next_stage_until_a_person_continues() {
    let mut pr = three_caches_then_a_graph();
    let mut runs = Runs(BTreeMap::new());
    let first = runs.tick(&mut pr, 0);
    runs.start(&mut pr, &first);
    runs.end(0, 0, false, 1_000);
    // The failure stops new steps of the stage; the one in flight is followed to its end.
    assert!(runs.tick(&mut pr, 1_000).is_empty());
    assert_eq!(pr.state, PlanState::Running);
    runs.end(0, 1, true, 3_000);
    assert!(runs.tick(&mut pr, 3_000).is_empty());
    match &pr.state {
        PlanState::Halted { why } => assert!(
            why.starts_with("stage 1 step 1 (Promote secondary · a → us-west-2) failed: rejected"),
            "{why}"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(pr.steps[0][2].run_id, None, "step 3 never sent");
    // A retry sends the failed step again, and only it.
    pr.retry_failed();
    assert_eq!(runs.tick(&mut pr, 3_500), [(0, 0), (0, 2)]);
    runs.0.remove("run-0-0");
    let mut again = pr.clone();
    runs.start(&mut again, &[(0, 0)]);
    runs.end(0, 0, false, 3_600);
    assert!(runs.tick(&mut again, 3_600).is_empty());
    assert!(matches!(again.state, PlanState::Halted { .. }));
    pr = again;
    pr.resume();
    let rest = runs.tick(&mut pr, 4_000);
    assert_eq!(rest, [(0, 2)]);
    runs.start(&mut pr, &rest);
    runs.end(0, 2, true, 5_000);
    assert_eq!(runs.tick(&mut pr, 5_000), [(1, 0)]);
}

#[test]
fn an_approval_gate_holds_the_next_stage_and_a_stop_starts_nothing() {
    let p = plan(vec![
        Stage::Steps {
            name: "caches".into(),
            steps: vec![promote("a")],
        },
        Stage::Approval {
            name: "traffic".into(),
            question: "Traffic drained?".into(),
        },
        Stage::Steps {
            name: "graphs".into(),
            steps: vec![switchover("g")],
        },
    ]);
    let mut pr = PlanRun::new("plan-1".into(), p, "me".into(), 0);
    let mut runs = Runs(BTreeMap::new());
    let first = runs.tick(&mut pr, 0);
    runs.start(&mut pr, &first);
    runs.end(0, 0, true, 2_000);
    assert!(runs.tick(&mut pr, 2_000).is_empty());
    assert_eq!(pr.waiting_for(), Some("Traffic drained?"));
    assert!(runs.tick(&mut pr, 60_000).is_empty(), "still waiting");
    pr.approve("me".into(), 61_000);
    assert_eq!(runs.tick(&mut pr, 61_000), [(2, 0)]);
    // A stopped plan starts nothing, and reads back as stopped after a reload.
    pr.stop("me".into(), 61_500);
    assert!(runs.tick(&mut pr, 62_000).is_empty());
    let back: PlanRun = serde_json::from_str(&pr.to_json()).unwrap();
    assert_eq!(back, pr);
    assert!(pr
        .to_markdown()
        .contains("Traffic drained? — approved by me"));
}

#[test]
fn a_continue_plan_goes_past_failures_and_a_lost_run_counts_as_failed() {
    let mut p = plan(vec![
        Stage::Steps {
            name: "caches".into(),
            steps: vec![promote("a")],
        },
        Stage::Steps {
            name: "graphs".into(),
            steps: vec![switchover("g")],
        },
    ]);
    p.on_failure = OnFailure::Continue;
    let mut pr = PlanRun::new("plan-1".into(), p, "me".into(), 0);
    let mut runs = Runs(BTreeMap::new());
    let first = runs.tick(&mut pr, 0);
    runs.start(&mut pr, &first);
    runs.0.clear();
    assert_eq!(runs.tick(&mut pr, 1_000), [(1, 0)]);
    assert_eq!(
        pr.steps[0][0].outcome.as_ref().map(|o| o.result.as_str()),
        Some("its run record is gone")
    );
}
