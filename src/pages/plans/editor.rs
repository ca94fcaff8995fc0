//! The draft under review: its stages and steps (target, Neptune call, stage), approval gates,
//! what it leaves alone; then the dry run and preflight of every step at once, and the one
//! confirmation (typing the Region) that starts it.

use crate::components::checklist::ChecklistItems;
use crate::components::dry_run::DryRun;
use crate::model::Service;
use crate::state::action::Action;
use crate::state::browser;
use crate::state::inventory::InventoryCtx;
use crate::state::plan::{choices, Mode, OnFailure, Plan, Stage, Step};
use crate::state::plans::{preflight_plan, PlansCtx, StepChecks};
use crate::state::reach::ReachCtx;
use crate::state::runs::RunsCtx;
use crate::state::session::SessionCtx;
use leptos::prelude::*;

#[component]
pub fn PlanEditor() -> impl IntoView {
    let plans = PlansCtx::expect();
    let draft = plans.draft;
    let edit = move |f: &dyn Fn(&mut Plan)| {
        draft.update(|d| {
            if let Some(p) = d {
                f(p)
            }
        })
    };
    let plan = Memo::new(move |_| draft.get());
    let field =
        move |f: fn(&Plan) -> String| move || plan.with(|p| p.as_ref().map(f).unwrap_or_default());

    // Stages keyed by their place and content: an edit redraws the stages it changed.
    let stages = Memo::new(move |_| {
        plan.with(|p| {
            p.as_ref()
                .map(|p| p.stages.iter().cloned().enumerate().collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    let export = move |markdown: bool| {
        if let Some(p) = draft.get_untracked() {
            let stem = format!("plan-{}-{}", p.mode_slug(), p.region);
            if markdown {
                browser::download(&format!("{stem}.md"), "text/markdown", &p.to_markdown());
            } else {
                browser::download(&format!("{stem}.json"), "application/json", &p.to_json());
            }
        }
    };
    view! {
        <section class="plan-editor" aria-labelledby="plan-title">
            <div class="plan-editor__head">
                <h2 id="plan-title" class="section-title">
                    <input class="plan-editor__name" type="text" aria-label="Plan name"
                        prop:value=field(|p| p.name.clone())
                        on:change=move |ev| { let v = event_target_value(&ev); edit(&|p| p.name = v.clone()) } />
                </h2>
                <p class="plan-editor__summary">{move || plan.with(|p| p.as_ref().map(summary).unwrap_or_default())}</p>
            </div>
            <div class="plan-editor__options">
                <label class="field">
                    <span class="field__label">"When a step fails"</span>
                    <select class="field__input plan-editor__on-failure"
                        prop:value=field(|p| match p.on_failure { OnFailure::Stop => "stop", OnFailure::Continue => "continue" }.into())
                        on:change=move |ev| {
                            let stop = event_target_value(&ev) == "stop";
                            edit(&|p| p.on_failure = if stop { OnFailure::Stop } else { OnFailure::Continue })
                        }>
                        <option value="stop">"stop before the next stage"</option>
                        <option value="continue">"continue with the next stage"</option>
                    </select>
                </label>
                <label class="field">
                    <span class="field__label">"Steps at once per service"</span>
                    <input class="field__input plan-editor__concurrency" type="number" min="1" max="10"
                        prop:value=field(|p| p.concurrency.to_string())
                        on:change=move |ev| {
                            let n = event_target_value(&ev).parse::<u32>().unwrap_or(1).clamp(1, 10);
                            edit(&|p| p.concurrency = n)
                        } />
                </label>
            </div>
            <ol class="plan-editor__stages">
                <For each=move || stages.get() key=|(i, s)| (*i, format!("{s:?}")) let:entry>
                    <StageView index=entry.0 stage=entry.1 />
                </For>
            </ol>
            <button type="button" class="button button--small plan-editor__add-gate-end"
                on:click=move |_| edit(&|p| p.add_gate(p.stages.len()))>
                "Add an approval gate at the end"
            </button>
            <Show when=move || plan.with(|p| p.as_ref().is_some_and(|p| !p.not_moved.is_empty()))>
                <h3 class="plan-editor__subtitle">"Not moved by this plan"</h3>
                <ul class="plan-editor__not-moved">
                    {move || plan.with(|p| p.iter().flat_map(|p| p.not_moved.clone()).map(|n| view! {
                        <li><strong>{n.name}</strong>" · "{n.kind}" · "{n.region}": "{n.why}</li>
                    }).collect_view())}
                </ul>
            </Show>
            <div class="plan-editor__buttons">
                <button type="button" class="button" on:click=move |_| export(false)>"Export JSON"</button>
                <button type="button" class="button" on:click=move |_| export(true)>"Export Markdown"</button>
                <button type="button" class="button" on:click=move |_| draft.set(None)>"Discard draft"</button>
            </div>
            <Review plan=plan />
        </section>
    }
}

fn summary(p: &Plan) -> String {
    let what = match p.mode {
        Mode::Evacuate => format!("Every writer leaves {}", p.region),
        Mode::Failback => format!("Writers return to {}", p.region),
    };
    format!(
        "{what} · {} steps in {} stages · at most {} per service at once",
        p.step_count(),
        p.stages.len(),
        p.concurrency
    )
}

#[component]
fn StageView(index: usize, stage: Stage) -> impl IntoView {
    let plans = PlansCtx::expect();
    let edit = move |f: &dyn Fn(&mut Plan)| {
        plans.draft.update(|d| {
            if let Some(p) = d {
                f(p)
            }
        })
    };
    let number = index + 1;
    let gate_before = move |_| edit(&|p| p.add_gate(index));
    match stage {
        Stage::Approval { question, .. } => view! {
            <li class="plan-stage plan-stage--gate">
                <h3 class="plan-stage__title">{format!("Stage {number}: approval gate")}</h3>
                <label class="field">
                    <span class="field__label">"A person answers before the next stage starts"</span>
                    <input class="field__input plan-stage__question" type="text" prop:value=question
                        on:change=move |ev| { let v = event_target_value(&ev); edit(&|p| p.set_question(index, v.clone())) } />
                </label>
                <button type="button" class="button button--small" on:click=move |_| edit(&|p| p.remove_gate(index))>"Remove gate"</button>
            </li>
        }
        .into_any(),
        Stage::Steps { name, steps } => view! {
            <li class="plan-stage">
                <h3 class="plan-stage__title">{format!("Stage {number}: {name}")}
                    <span class="plan-stage__meta">{format!(" · {} in parallel", steps.len())}</span>
                </h3>
                <button type="button" class="button button--small plan-stage__add-gate" on:click=gate_before>
                    "Add an approval gate before this stage"
                </button>
                <ul class="plan-stage__steps">
                    {steps.into_iter().enumerate().map(|(i, step)| view! { <StepView stage=index index=i step=step /> }).collect_view()}
                </ul>
            </li>
        }
        .into_any(),
    }
}

#[component]
fn StepView(stage: usize, index: usize, step: Step) -> impl IntoView {
    let plans = PlansCtx::expect();
    let inventory = InventoryCtx::expect();
    let reach = ReachCtx::expect();
    let edit = move |f: &dyn Fn(&mut Plan)| {
        plans.draft.update(|d| {
            if let Some(p) = d {
                f(p)
            }
        })
    };
    let key = step.action.resource().key();
    let (evacuating, region) = plans.draft.with_untracked(|d| {
        d.as_ref()
            .map(|p| (p.mode == Mode::Evacuate, p.region.clone()))
            .unwrap_or((true, String::new()))
    });
    // The members this step may move the writer to: from the inventory's row of it.
    let options = inventory.rows.with_untracked(|rows| {
        let failing = reach.failing.get_untracked();
        let answers = |r: &str, s: Service| !failing.contains_key(&(r.to_string(), s));
        rows.iter()
            .find(|r| r.resource.key() == key)
            .map(|row| choices(row, if evacuating { &region } else { "" }, &answers))
            .unwrap_or_default()
    });
    let current = step.action.call_region().to_string();
    let neptune = matches!(
        step.action,
        Action::NeptuneFailover { .. } | Action::NeptuneSwitchover { .. }
    );
    let loses_data = step.action.risks_data_loss();
    let rref = step.action.resource();
    let pick = {
        let options = options.clone();
        move |ev: leptos::ev::Event| {
            let r = event_target_value(&ev);
            if let Some(to) = options.iter().find(|c| c.region == r) {
                edit(&|p| p.retarget(stage, index, to));
            }
        }
    };
    view! {
        <li class=if loses_data { "plan-step plan-step--danger" } else { "plan-step" }>
            <div class="plan-step__what">
                <a class="plan-step__resource" href=rref.path()>{rref.id.clone()}</a>
                <span class="plan-step__kind">{format!(" · {} · from {}", rref.kind.full_label(), step.from_region)}</span>
                <div class="plan-step__title">{step.action.title()}</div>
                <div class="plan-step__why">{step.why.clone()}</div>
            </div>
            <div class="plan-step__controls">
                <label class="field field--inline">
                    <span class="field__label">"To"</span>
                    <select class="field__input plan-step__target" aria-label=format!("Target of {}", rref.id) on:change=pick>
                        {if options.iter().all(|c| c.region != current) {
                            Some(view! { <option value=current.clone() selected=true>{current.clone()}</option> })
                        } else {
                            None
                        }}
                        {options.into_iter().map(|c| {
                            let selected = c.region == current;
                            view! { <option value=c.region.clone() selected=selected>{format!("{} · {}", c.region, c.id)}</option> }
                        }).collect_view()}
                    </select>
                </label>
                {neptune.then(|| view! {
                    <label class="field field--inline">
                        <span class="field__label">"Call"</span>
                        <select class="field__input plan-step__call" aria-label=format!("Call for {}", rref.id)
                            on:change=move |ev| { let allow = event_target_value(&ev) == "failover"; edit(&|p| p.set_allow_data_loss(stage, index, allow)) }>
                            <option value="switchover" selected=!loses_data>"switchover (no data loss)"</option>
                            <option value="failover" selected=loses_data>"failover (allow data loss)"</option>
                        </select>
                    </label>
                })}
                <button type="button" class="button button--small" on:click=move |_| edit(&|p| p.move_step(stage, index, false))>"↑ Earlier stage"</button>
                <button type="button" class="button button--small plan-step__later" on:click=move |_| edit(&|p| p.move_step(stage, index, true))>"↓ Later stage"</button>
                <button type="button" class="button button--small" on:click=move |_| edit(&|p| p.remove_step(stage, index))>"Remove"</button>
            </div>
        </li>
    }
}

/// Dry run and preflight of every step, then the confirmation.
#[component]
fn Review(plan: Memo<Option<Plan>>) -> impl IntoView {
    let plans = PlansCtx::expect();
    let session = SessionCtx::expect();
    let runs = RunsCtx::expect();
    let reach = ReachCtx::expect();
    let lag_ctx = crate::state::lag::LagCtx::expect();
    // The plan as it was when its preflight was asked for: an edit after that asks again.
    let checked = RwSignal::new(None::<Plan>);
    let results = LocalResource::new(move || {
        let asked = checked.get();
        async move {
            let plan = asked?;
            let s = session.get_untracked()?;
            let failing = reach.failing.get_untracked();
            let in_flight = |key: &str| runs.in_flight_on(key);
            let threshold = lag_ctx.threshold_s.get_untracked();
            Some((
                plan.clone(),
                preflight_plan(&s, &plan, &in_flight, &failing, threshold).await,
            ))
        }
    });
    let typed = RwSignal::new(String::new());
    let current = Memo::new(move |_| {
        results
            .get()
            .flatten()
            .filter(|(p, _)| plan.with(|cur| cur.as_ref() == Some(p)))
    });
    let blockers = Memo::new(move |_| {
        current.with(|c| {
            c.as_ref()
                .map(|(_, checks)| checks.iter().map(|s| s.blockers().count()).sum::<usize>())
        })
    });
    let region =
        Memo::new(move |_| plan.with(|p| p.as_ref().map(|p| p.region.clone()).unwrap_or_default()));
    let may_start =
        Memo::new(move |_| blockers.get() == Some(0) && typed.with(|t| t.trim() == region.get()));
    let start = move |_| {
        if !may_start.get_untracked() {
            return;
        }
        if let Some((p, _)) = current.get_untracked() {
            plans.start(p, runs.who());
            plans.draft.set(None);
        }
    };
    let actions = Signal::derive(move || {
        plan.with(|p| {
            p.iter()
                .flat_map(|p| {
                    p.steps()
                        .map(|(_, _, s)| s.action.clone())
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<Action>>()
        })
    });
    view! {
        <div class="plan-review">
            <button type="button" class="button button--primary plan-review__check"
                on:click=move |_| checked.set(plan.get_untracked())>
                "Dry run and preflight every step"
            </button>
            <Show when=move || checked.with(Option::is_some)>
                <DryRun calls=actions open=true />
                <Transition fallback=|| view! { <p class="notice" role="status">"Reading every step's resource…"</p> }>
                    {move || match (current.get(), checked.with(Option::is_some)) {
                        (Some((_, checks)), _) => view! { <PreflightList checks=checks /> }.into_any(),
                        (None, true) if results.get().flatten().is_some() => view! {
                            <p class="notice" role="status">"The plan changed since its preflight: run it again."</p>
                        }.into_any(),
                        _ => view! { <p class="notice" role="status">"Reading every step's resource…"</p> }.into_any(),
                    }}
                </Transition>
                <div class="plan-review__confirm">
                    <label class="dialog__confirm">
                        <span>"Type "<code>{move || region.get()}</code>" to start the whole plan"</span>
                        <input type="text" class="plan-review__typed" autocomplete="off" spellcheck="false"
                            aria-label=move || format!("Type {} to start the plan", region.get())
                            prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev)) />
                    </label>
                    <button type="button" class="button button--danger plan-review__start"
                        prop:disabled=move || !may_start.get() on:click=start>
                        "Start plan"
                    </button>
                    <span class="field__hint">{move || match blockers.get() {
                        None => "Waiting for the preflight.".to_string(),
                        Some(0) => "No blocker: the plan may start.".to_string(),
                        Some(n) => format!("{n} blocker{} above: fix them or change the plan.", if n == 1 { "" } else { "s" }),
                    }}</span>
                </div>
            </Show>
        </div>
    }
}

#[component]
fn PreflightList(checks: Vec<StepChecks>) -> impl IntoView {
    let blockers: Vec<String> = checks
        .iter()
        .flat_map(|s| {
            s.blockers().map(move |c| {
                format!(
                    "Stage {} step {} · {}: {} — {}",
                    s.stage + 1,
                    s.step + 1,
                    s.title,
                    c.label,
                    c.detail
                )
            })
        })
        .collect();
    view! {
        <div class="plan-preflight">
            {(!blockers.is_empty()).then(|| view! {
                <div class="notice notice--bad plan-preflight__blockers" role="alert">
                    <strong>{format!("{} blocker{}", blockers.len(), if blockers.len() == 1 { "" } else { "s" })}</strong>
                    <ul>{blockers.into_iter().map(|b| view! { <li><span aria-hidden="true">"✕ "</span>{b}</li> }).collect_view()}</ul>
                </div>
            })}
            {checks.into_iter().map(|s| { let blocked = s.blockers().next().is_some(); view! {
                <details class="plan-preflight__step" open=blocked>
                    <summary>
                        <span aria-hidden="true">{if blocked { "✕ " } else { "✓ " }}</span>
                        {format!("Stage {} step {} · {}", s.stage + 1, s.step + 1, s.title)}
                    </summary>
                    <ul class="checklist">
                        <ChecklistItems checks=s.checks />
                    </ul>
                </details>
            }}).collect_view()}
        </div>
    }
}

impl Plan {
    fn mode_slug(&self) -> &'static str {
        match self.mode {
            Mode::Evacuate => "evacuate",
            Mode::Failback => "failback",
        }
    }
}
