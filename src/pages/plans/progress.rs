//! A plan under way or finished: each stage and step with its live state and time to settle,
//! the approval gate waiting for a person, stop / retry / continue, exports, and once it is
//! through, its failback as a new plan to review.

use crate::state::plan::{Mode, Plan, Stage};
use crate::state::plan_run::at_utc;
use crate::state::plan_run::{PlanRun, PlanState, StepRun};
use crate::state::plans::PlansCtx;
use crate::state::record::{format_duration, Phase};
use crate::state::runs::RunsCtx;
use crate::state::session::SessionCtx;
use leptos::prelude::*;

#[component]
pub fn PlanProgress(id: String) -> impl IntoView {
    let plans = PlansCtx::expect();
    let runs = RunsCtx::expect();
    let session = SessionCtx::expect();
    let record = {
        let id = id.clone();
        Memo::new(move |_| plans.get(&id))
    };
    // The id as a `Copy` handle, so every button's handler is `Copy` too.
    let key = StoredValue::new(id.clone());
    let act = move |f: fn(&mut PlanRun, String, i64)| {
        let who = runs.who();
        let now = crate::state::browser::now_ms();
        key.with_value(|id| plans.update(id, |p| f(p, who, now)));
    };
    let export = move |markdown: bool| key.with_value(|id| plans.export(id, markdown));
    let dismiss = move |_| key.with_value(|id| plans.dismiss(id));
    let failback = move |_| {
        if let Some(p) = record.get_untracked() {
            let back = p
                .plan
                .failback(&|s, i| p.steps[s][i].outcome.as_ref().is_some_and(|o| o.ok));
            plans.draft.set(Some(back));
        }
    };
    let state_class = move || {
        record.with(|r| match r.as_ref().map(|r| &r.state) {
            Some(PlanState::Running) if r.as_ref().is_some_and(|r| r.waiting_for().is_some()) => {
                "waiting"
            }
            Some(PlanState::Running) => "running",
            Some(PlanState::Halted { .. }) => "halted",
            Some(PlanState::Stopped { .. }) => "stopped",
            Some(PlanState::Done) => "done",
            None => "gone",
        })
    };
    let glyph = move || match state_class() {
        "running" => "◐",
        "waiting" => "‖",
        "halted" => "✕",
        "stopped" => "■",
        _ => "✓",
    };
    view! {
        <section class=move || format!("plan-run plan-run--{}", state_class()) data-plan=id.clone() aria-live="polite">
            <div class="plan-run__head">
                <h2 class="plan-run__title">{move || record.with(|r| r.as_ref().map(|r| r.plan.name.clone()).unwrap_or_default())}</h2>
                <p class="plan-run__state">
                    <span class="plan-run__glyph" aria-hidden="true">{glyph}</span>" "
                    {move || record.with(|r| r.as_ref().map(|r| r.state_line(runs.now.get())).unwrap_or_default())}
                </p>
                <p class="plan-run__meta">{move || record.with(|r| r.as_ref().map(|r| format!("confirmed by {} at {}", r.who, at_utc(r.started_at))).unwrap_or_default())}</p>
            </div>
            <Show when=move || session.get().is_none() && record.with(|r| r.as_ref().is_some_and(|r| !r.is_over()))>
                <p class="notice notice--bad plan-run__paused" role="alert">
                    <span aria-hidden="true">"■ "</span>
                    "Paused: not connected. Steps already sent go on at AWS; reconnect and this plan resumes where it was, sending nothing twice."
                </p>
            </Show>
            {move || record.with(|r| r.as_ref().and_then(|r| r.waiting_for().map(str::to_string))).map(|q| view! {
                <div class="plan-run__gate" role="alert">
                    <span aria-hidden="true">"‖ "</span>
                    <strong>"Approval needed: "</strong>{q}
                    <button type="button" class="button button--primary plan-run__approve"
                        on:click=move |_| act(|p, who, now| p.approve(who, now))>
                        "Approve and go on"
                    </button>
                </div>
            })}
            <ol class="plan-run__stages">
                {move || record.with(|r| r.as_ref().map(|r| stage_views(r, runs.now.get())))}
            </ol>
            <div class="plan-run__buttons">
                <Show when=move || record.with(|r| r.as_ref().is_some_and(|r| matches!(r.state, PlanState::Running)))>
                    <button type="button" class="button plan-run__stop" on:click=move |_| act(|p, who, now| p.stop(who, now))>
                        "Stop (start no more steps)"
                    </button>
                </Show>
                <Show when=move || record.with(|r| r.as_ref().is_some_and(|r| matches!(r.state, PlanState::Halted { .. } | PlanState::Stopped { .. })))>
                    <button type="button" class="button plan-run__retry" on:click=move |_| act(|p, _, _| p.retry_failed())>
                        "Retry the failed steps"
                    </button>
                    <button type="button" class="button plan-run__continue" on:click=move |_| act(|p, _, _| p.resume())>
                        "Continue past them"
                    </button>
                </Show>
                <button type="button" class="button plan-run__export-json" on:click=move |_| export(false)>"Export JSON"</button>
                <button type="button" class="button plan-run__export-md" on:click=move |_| export(true)>"Export Markdown"</button>
                <Show when=move || record.with(|r| r.as_ref().is_some_and(|r| r.is_over() && r.plan.mode == Mode::Evacuate))>
                    <button type="button" class="button plan-run__failback" on:click=failback>"Plan failback"</button>
                </Show>
                <Show when=move || record.with(|r| r.as_ref().is_some_and(|r| r.is_over() || r.open_steps() == 0))>
                    <button type="button" class="button plan-run__dismiss" on:click=dismiss>"Dismiss"</button>
                </Show>
            </div>
            <Show when=move || record.with(|r| r.as_ref().is_some_and(|r| r.is_over() && r.plan.step_count() > 0))>
                <p class="notice plan-run__drift">
                    <span aria-hidden="true">"⚠ "</span>
                    "Infrastructure as code that pins the primary (Terraform's aws_elasticache_global_replication_group, CloudFormation's GlobalReplicationGroup, Neptune global cluster templates) now sees drift: update it to the new writers before its next apply, or that apply moves them back."
                </p>
            </Show>
        </section>
    }
}

fn stage_views(r: &PlanRun, now: i64) -> impl IntoView {
    r.plan
        .stages
        .iter()
        .enumerate()
        .map(|(s, stage)| {
            let here = s == r.stage && !r.is_over();
            let class = if s < r.stage || r.is_over() {
                "plan-run__stage plan-run__stage--done"
            } else if here {
                "plan-run__stage plan-run__stage--current"
            } else {
                "plan-run__stage"
            };
            let body = match stage {
                Stage::Approval { question, .. } => {
                    let answer = match &r.approvals[s] {
                        Some(a) => format!("✓ approved by {} at {}", a.by, at_utc(a.at)),
                        None if here => "‖ waiting for a person".into(),
                        None => "not reached".into(),
                    };
                    view! { <p class="plan-run__gate-line">{format!("{question} — {answer}")}</p> }
                        .into_any()
                }
                Stage::Steps { steps, .. } => view! {
                    <ul class="plan-run__steps">
                        {steps.iter().zip(&r.steps[s]).map(|(step, st)| {
                            let (glyph, label, class) = step_state(st);
                            let rref = step.action.resource();
                            view! {
                                <li class=format!("plan-run__step plan-run__step--{class}")>
                                    <span class="plan-run__step-glyph" aria-hidden="true">{glyph}</span>
                                    <span class="plan-run__step-state">{label}</span>
                                    <a class="plan-run__step-resource" href=rref.path()>{step.action.chip()}</a>
                                    <span class="plan-run__step-result">{step_detail(st, now, &r.plan)}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any(),
            };
            view! {
                <li class=class>
                    <h3 class="plan-run__stage-title">{format!("Stage {}: {}", s + 1, stage.name())}</h3>
                    {body}
                </li>
            }
        })
        .collect_view()
}

/// Glyph, word and CSS modifier of a step: each reads without colour.
fn step_state(st: &StepRun) -> (&'static str, &'static str, &'static str) {
    match (&st.outcome, st.phase) {
        (Some(o), _) if o.ok => ("✓", "settled", "settled"),
        (Some(_), _) => ("✕", "failed", "failed"),
        (None, Some(Phase::Sending)) => ("↑", "sending", "sending"),
        (None, Some(_)) => ("◐", "in progress", "in-progress"),
        (None, None) if st.run_id.is_some() => ("↑", "sending", "sending"),
        (None, None) => ("·", "not started", "pending"),
    }
}

fn step_detail(st: &StepRun, _now: i64, _plan: &Plan) -> String {
    match &st.outcome {
        Some(o) => {
            let settle = o
                .time_to_settle
                .map(|t| format!(" · settled in {}", format_duration(t)))
                .unwrap_or_default();
            format!("{}{settle}", o.result)
        }
        None => String::new(),
    }
}
