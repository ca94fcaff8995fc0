//! The plans store: the plan being drafted and the plans being carried out, kept in storage
//! (no secrets) so a reload resumes them; the loop that starts each step as a run when its
//! stage comes; and the preflight over every step of a plan.

use super::action::{preflight, Check, CheckOutcome, PreflightFacts};
use super::api;
use super::browser;
use super::plan::{Mode, Plan};
use super::plan_run::PlanRun;
use super::preflight::facts_for;
use super::reach::Unreachable;
use super::runs::RunsCtx;
use super::session::{Session, SessionCtx};
use super::task::spawn_owned;
use crate::model::{Region, Service};
use leptos::prelude::*;
use std::collections::BTreeMap;

const DRAFT_KEY: &str = "fc.plan-draft";
const PLANS_KEY: &str = "fc.plans";
/// How often the plans look at their runs: no request is made, only state is compared.
const TICK_MS: u32 = 250;

#[derive(Clone, Copy)]
pub struct PlansCtx {
    /// The plan under review, before it starts.
    pub draft: RwSignal<Option<Plan>>,
    /// Plans started, oldest first.
    pub runs: RwSignal<Vec<PlanRun>>,
}

impl PlansCtx {
    /// Provided by `<App/>`, which owns the loop that carries the plans out.
    pub fn provide(session: SessionCtx, runs: RunsCtx) -> PlansCtx {
        let read = |key| browser::storage_get(key);
        let ctx = PlansCtx {
            draft: RwSignal::new(read(DRAFT_KEY).and_then(|t| Plan::from_json(&t).ok())),
            runs: RwSignal::new(
                read(PLANS_KEY)
                    .and_then(|t| serde_json::from_str(&t).ok())
                    .unwrap_or_default(),
            ),
        };
        provide_context(ctx);
        Effect::new(move |_| {
            ctx.draft.with(|d| match d {
                Some(plan) => browser::storage_set(DRAFT_KEY, &plan.to_json()),
                None => browser::storage_remove(DRAFT_KEY),
            })
        });
        Effect::new(move |_| {
            ctx.runs.with(|r| {
                browser::storage_set(PLANS_KEY, &serde_json::to_string(r).unwrap_or_default())
            })
        });
        spawn_owned(async move {
            loop {
                ctx.drive(session, runs);
                browser::sleep_ms(TICK_MS).await;
            }
        });
        ctx
    }

    pub fn expect() -> PlansCtx {
        expect_context()
    }

    pub fn get(&self, id: &str) -> Option<PlanRun> {
        self.runs.with(|r| r.iter().find(|p| p.id == id).cloned())
    }

    /// Starts a plan confirmed by a person; its first steps go out at the next tick.
    pub fn start(&self, plan: Plan, who: String) -> String {
        let now = browser::now_ms();
        let id = format!("plan-{now}");
        self.runs
            .update(|r| r.push(PlanRun::new(id.clone(), plan, who, now)));
        id
    }

    pub fn update(&self, id: &str, f: impl FnOnce(&mut PlanRun)) {
        self.runs.update(|r| {
            if let Some(p) = r.iter_mut().find(|p| p.id == id) {
                f(p);
            }
        });
    }

    pub fn dismiss(&self, id: &str) {
        self.runs
            .update(|r| r.retain(|p| p.id != id || (!p.is_over() && p.open_steps() > 0)));
    }

    pub fn export(&self, id: &str, markdown: bool) {
        if let Some(p) = self.get(id) {
            if markdown {
                browser::download(&(p.file_stem() + ".md"), "text/markdown", &p.to_markdown());
            } else {
                browser::download(&(p.file_stem() + ".json"), "application/json", &p.to_json());
            }
        }
    }

    /// One look at every plan under way: its runs' outcomes copied, and the steps whose turn
    /// has come started as runs. The run id is recorded in the same update that starts it, so
    /// a reload can never send a step twice. Nothing starts while disconnected.
    fn drive(&self, session: SessionCtx, runs: RunsCtx) {
        if session.get_untracked().is_none() {
            return;
        }
        let active = |p: &PlanRun| !p.is_over() || p.open_steps() > 0;
        // Most ticks find nothing under way: no copy of the records then.
        if !self.runs.with_untracked(|r| r.iter().any(active)) {
            return;
        }
        let now = browser::now_ms();
        let mut plans = self.runs.get_untracked();
        let mut changed = false;
        for plan in plans
            .iter_mut()
            .filter(|p| !p.is_over() || p.open_steps() > 0)
        {
            let before = plan.clone();
            let start = plan.tick(now, &|id| runs.get(id));
            for (s, i) in start {
                let action = plan.plan.stages[s].steps()[i].action.clone();
                let expected = action.expected_writer();
                let run_id = runs.start(action, expected);
                plan.started(s, i, run_id);
            }
            changed |= *plan != before;
        }
        if changed {
            self.runs.set(plans);
        }
    }
}

/// The preflight of one step: its title and checks.
#[derive(Clone, Debug, PartialEq)]
pub struct StepChecks {
    pub stage: usize,
    pub step: usize,
    pub title: String,
    pub checks: Vec<Check>,
}

impl StepChecks {
    pub fn blockers(&self) -> impl Iterator<Item = &Check> {
        self.checks
            .iter()
            .filter(|c| matches!(c.outcome, CheckOutcome::Fail | CheckOutcome::Pending))
    }
}

/// Reads every step's resource (at once) and runs the action's preflight on it, plus what a
/// plan adds: the target's Region answers, and a switchover's writer Region answers.
pub async fn preflight_plan(
    session: &Session,
    plan: &Plan,
    in_flight: &dyn Fn(&str) -> bool,
    failing: &BTreeMap<(Region, Service), Unreachable>,
    lag_threshold_s: f64,
) -> Vec<StepChecks> {
    let reads = plan.steps().map(|(_, _, step)| {
        let rref = step.action.resource();
        // The target's Region first: it is the one the plan relies on.
        let mut regions = vec![step.action.call_region().to_string()];
        for r in std::iter::once(&step.from_region).chain(&session.regions) {
            if !regions.contains(r) {
                regions.push(r.clone());
            }
        }
        let service = rref.kind.service();
        async move {
            let silent = |region: &str| failing.contains_key(&(region.to_string(), service));
            api::fetch_detail(session, &rref, &regions, &silent).await
        }
    });
    let reads = futures::future::join_all(reads).await;
    // Each move's target lag, read in one GetMetricData per Region for the whole plan.
    let mut sources = Vec::new();
    for ((_, _, step), read) in plan.steps().zip(&reads) {
        let service = step.action.resource().kind.service();
        if let (Ok(read), Some(to)) = (read, step.action.moved_to()) {
            // A target in a Region that does not answer is a blocker of its own (below); its
            // lag read would only wait for the timeout.
            sources.extend(
                super::lag::sources_for(&read.detail)
                    .into_iter()
                    .filter(|s| s.member == to)
                    .filter(|s| !failing.contains_key(&(s.region.clone(), service))),
            );
        }
    }
    let lag = super::lag::fetch(
        session,
        &sources,
        api::server_time(session, super::browser::now_ms()),
    )
    .await;
    plan.steps()
        .zip(reads)
        .map(|((s, i, step), read)| {
            let action = &step.action;
            let service = action.resource().kind.service();
            let mut checks = match read {
                Ok(read) => preflight(
                    action,
                    &facts_for(action, &read.detail, in_flight(&action.resource().key()), None),
                ),
                Err(e) => {
                    let mut checks = preflight(action, &PreflightFacts::default());
                    checks.insert(
                        0,
                        Check {
                            label: "Resource can be read".into(),
                            outcome: CheckOutcome::Fail,
                            detail: e.one_line(),
                        },
                    );
                    checks
                }
            };
            if let Some(to) = action.moved_to() {
                let (outcome, detail) =
                    super::lag::check(lag.iter().find(|r| r.member == to), lag_threshold_s);
                checks.push(Check {
                    label: "Replication lag of the target".into(),
                    outcome,
                    detail,
                });
            }
            let target = action.call_region();
            let silent = |region: &str| failing.contains_key(&(region.to_string(), service));
            checks.push(Check {
                label: "Target Region answers".into(),
                outcome: if silent(target) {
                    CheckOutcome::Fail
                } else {
                    CheckOutcome::Pass
                },
                detail: if silent(target) {
                    format!("{target} · {} is not answering the console", service.label())
                } else {
                    format!("{target} · {} answers", service.label())
                },
            });
            if matches!(action, super::action::Action::NeptuneSwitchover { .. })
                && plan.mode == Mode::Evacuate
                && silent(&step.from_region)
            {
                checks.push(Check {
                    label: "Writer Region answers (a switchover needs it)".into(),
                    outcome: CheckOutcome::Fail,
                    detail: format!(
                        "{} does not answer: a switchover waits for the writer; choose failover (allow data loss)",
                        step.from_region
                    ),
                });
            }
            StepChecks {
                stage: s,
                step: i,
                title: action.title(),
                checks,
            }
        })
        .collect()
}
