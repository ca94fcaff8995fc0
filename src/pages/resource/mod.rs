//! Resource page (deep-linkable): the topology as a picture, recent events, the actions that
//! apply with their preflight dialog, and the runs on this resource.

mod lag;
mod layout;
mod reading;

use crate::components::action_dialog::ActionDialog;
use crate::components::error_panel::ErrorPanel;
use crate::components::event_list::{EventLine, EventList};
use crate::components::run_card::RunList;
use crate::components::status_badge::StatusBadge;
use crate::model::suffix_problem;
use crate::state::action::{preflight, Action, Check, CheckOutcome, PreflightFacts};
use crate::state::api::{self, Detail};
use crate::state::browser;
use crate::state::errors::ErrorInfo;
use crate::state::preflight::facts_for;
use crate::state::record::Phase;
use crate::state::rows::ResourceRef;
use crate::state::runs::RunsCtx;
use crate::state::session::SessionCtx;
use crate::state::task::spawn_owned;
use layout::{layout, DetailView};
use leptos::prelude::*;
use reading::{
    ago, detail_changing, detail_status, event_scope, freshness, new_datastore_id, read_order,
    stale_after,
};

/// Poll intervals: while something changes here, and otherwise.
const FAST_POLL_MS: u32 = 1_000;
const SLOW_POLL_MS: u32 = 5_000;
/// What one read may take on a slow but healthy connection (several calls, one region away).
const READ_ALLOWANCE_MS: i64 = 3_000;

/// Events shown on the page: the last six hours.
const EVENTS_WINDOW_MS: i64 = 6 * 3600 * 1000;

/// The page of one resource, for the resource routes of `<App/>`.
#[component]
pub fn ResourcePage(rref: ResourceRef) -> impl IntoView {
    view! { <ResourceView rref=rref /> }
}

/// An action the person picked, waiting in the dialog.
#[derive(Clone)]
struct Pending {
    action: Action,
    writer: String,
    expected: Option<String>,
    run_id: Option<String>,
}

#[component]
fn ResourceView(rref: ResourceRef) -> impl IntoView {
    let session = SessionCtx::expect();
    let runs = RunsCtx::expect();
    let detail = RwSignal::new(None::<Result<Detail, ErrorInfo>>);
    let events = RwSignal::new(None::<Result<Vec<EventLine>, ErrorInfo>>);
    let pending = RwSignal::new(None::<Pending>);
    let suffix = RwSignal::new(String::new());
    let via_failover_api = RwSignal::new(false);
    // When the picture was last read, and why the latest refresh failed (the picture stays).
    let read_at = RwSignal::new(None::<i64>);
    let refresh_error = RwSignal::new(None::<ErrorInfo>);
    // The poll's current interval: the picture is stale once two of them passed without an
    // answer (plus the time a read itself may take).
    let interval = RwSignal::new(SLOW_POLL_MS);
    let stale = Signal::derive(move || {
        let age = read_at.get().map(|at| runs.now.get() - at);
        refresh_error.with(Option::is_some)
            || age.is_some_and(|age| age > stale_after(interval.get()))
    });
    let age = Signal::derive(move || {
        read_at
            .get()
            .map(|at| format!("last read {} ago", ago(runs.now.get() - at)))
            .unwrap_or_default()
    });
    let key = rref.key();
    // The member region that answered the last read of a global resource: asked first next
    // time, and named in the heading.
    let answered_by = RwSignal::new(None::<String>);
    let inventory = crate::state::inventory::InventoryCtx::expect();
    let reach = crate::state::reach::ReachCtx::expect();

    // Poll while the page is shown: fast while something changes here, slow otherwise,
    // paused while hidden. The page owns the loop: when it goes away the loop is dropped, its
    // request aborted and its claim on the resource released.
    {
        let rref = rref.clone();
        let key = key.clone();
        spawn_owned(async move {
            loop {
                // Paused while hidden; shown again, the page reads at once.
                browser::until_visible().await;
                // How long to wait before the next read.
                let wait = 'read: {
                    let Some(s) = session.get_untracked() else {
                        break 'read 500;
                    };
                    // One read of a resource in flight at a time: wait while a run polls it.
                    let Some(read) = runs.claim_read(&key) else {
                        break 'read 200;
                    };
                    let order = read_order(
                        &rref,
                        answered_by.get_untracked(),
                        &inventory,
                        &s.regions,
                        &reach,
                    );
                    let service = rref.kind.service();
                    let failing = reach.failing.get_untracked();
                    let silent =
                        |region: &str| failing.contains_key(&(region.to_string(), service));
                    let d = api::fetch_detail(&s, &rref, &order, &silent)
                        .await
                        .map(|read| {
                            if read.answered_by.is_some()
                                && answered_by.with_untracked(|a| *a != read.answered_by)
                            {
                                answered_by.set(read.answered_by);
                            }
                            read.detail
                        });
                    let (service, regions, related) =
                        event_scope(&rref, d.as_ref().ok(), &s.regions);
                    let e = api::resource_events(
                        &s,
                        service,
                        &regions,
                        &related,
                        api::server_time(&s, browser::now_ms()) - EVENTS_WINDOW_MS,
                    )
                    .await;
                    drop(read);
                    let changing = d.as_ref().is_ok_and(detail_changing);
                    match d {
                        Ok(d) => {
                            read_at.set(Some(browser::now_ms()));
                            if refresh_error.with_untracked(Option::is_some) {
                                refresh_error.set(None);
                            }
                            // Only a real change re-renders the picture and the buttons (keeps focus).
                            if detail
                                .with_untracked(|old| !matches!(old, Some(Ok(old)) if *old == d))
                            {
                                detail.set(Some(Ok(d)));
                            }
                        }
                        // A failed refresh keeps the last picture read, marked stale with its age:
                        // at 3 a.m. an old answer that says it is old beats a blank page.
                        Err(err) if detail.with_untracked(|old| matches!(old, Some(Ok(_)))) => {
                            refresh_error.set(Some(err));
                        }
                        Err(err) => {
                            if detail.with_untracked(|old| old.as_ref() != Some(&Err(err.clone())))
                            {
                                detail.set(Some(Err(err)));
                            }
                        }
                    }
                    // Likewise the events: a failed refresh keeps the list already shown.
                    let keep_events =
                        e.is_err() && events.with_untracked(|old| matches!(old, Some(Ok(_))));
                    // Newest first.
                    let e = Some(e.map(|mut list| {
                        list.reverse();
                        list
                    }));
                    if !keep_events && events.with_untracked(|old| old != &e) {
                        events.set(e);
                    }
                    // No observer in a task: this tracks nothing.
                    let busy = runs.in_flight_on(&key);
                    let next = if changing || busy {
                        FAST_POLL_MS
                    } else {
                        SLOW_POLL_MS
                    };
                    if interval.get_untracked() != next {
                        interval.set(next);
                    }
                    next
                };
                browser::sleep_ms(wait).await;
            }
        });
    }

    // Replication lag from CloudWatch, read by its own loop (once a minute at most).
    let lag_props = lag::poll(key.clone(), detail);
    let lag_ctx = crate::state::lag::LagCtx::expect();

    // The run the dialog sent, once sent. Read in place: the pending action is not cloned.
    let sent_run = { move || pending.with(|p| p.as_ref().and_then(|p| p.run_id.clone())) };
    // The refusal AWS returned for the sent call, for the dialog. A signal of the type the page
    // already has (`refresh_error`), kept by the effect below: a `Memo` of this type was
    // Leptos's memo code compiled for it alone.
    let dialog_error = RwSignal::new(None::<ErrorInfo>);
    // Close the dialog once AWS accepted the call; keep it open to show a refusal.

    Effect::new(move |_| {
        let run = sent_run().and_then(|id| runs.get(&id));
        if run
            .as_ref()
            .is_some_and(|r| r.phase == Phase::Changing || r.phase == Phase::Settled)
        {
            pending.set(None);
        }
        let error = run.and_then(|r| r.error);
        if dialog_error.with_untracked(|old| *old != error) {
            dialog_error.set(error);
        }
    });

    let open = Callback::new(
        move |(action, writer, expected): (Action, String, Option<String>)| {
            if let Action::CreateGlobalDatastore { suffix: s, .. } = &action {
                suffix.set(s.clone());
            }
            via_failover_api.set(false);
            pending.set(Some(Pending {
                action,
                writer,
                expected,
                run_id: None,
            }));
        },
    );

    // The TestFailover calls of the last 24 hours, read when a test failover's dialog opens
    // (and again each time one opens); `None` while not wanted or still loading, which the
    // preflight shows as a pending check.
    let testing = Memo::new(move |_| {
        pending.with(|p| matches!(p, Some(p) if matches!(p.action, Action::TestFailover { .. })))
    });
    let quota = LocalResource::new(move || {
        let wanted = testing.get();
        async move {
            if !wanted {
                return None;
            }
            let Some(s) = session.get_untracked() else {
                return Some(Err("not connected".to_string()));
            };
            let now = api::server_time(&s, browser::now_ms());
            // The quota is the Region's: count the calls made in this group's Region only.
            let region = pending.with_untracked(|p| {
                p.as_ref()
                    .map(|p| p.action.call_region().to_string())
                    .unwrap_or_default()
            });
            Some(api::count_test_failovers(&s, &region, now).await)
        }
    });

    let checks = {
        let key = key.clone();
        Memo::new(move |_| -> Vec<Check> {
            pending.with(|p| {
                let Some(p) = p else {
                    return Vec::new();
                };
                let facts = detail.with(|d| match d {
                    Some(Ok(d)) => {
                        facts_for(&p.action, d, runs.in_flight_on(&key), quota.get().flatten())
                    }
                    _ => PreflightFacts {
                        status: "unknown".into(),
                        ..Default::default()
                    },
                });
                let mut checks = preflight(&p.action, &facts);
                // What a move would lose: the target's replication lag (a warning, never a
                // blocker: it is an estimate).
                if let Some(member) = p.action.moved_to() {
                    let reading = lag_props
                        .readings
                        .with(|rs| rs.iter().find(|r| r.member == member).cloned());
                    let (outcome, detail) =
                        crate::state::lag::check(reading.as_ref(), lag_ctx.threshold_s.get());
                    checks.push(Check {
                        label: "Replication lag of the target".into(),
                        outcome,
                        detail,
                    });
                }
                if let Action::CreateGlobalDatastore { region, .. } = &p.action {
                    let (outcome, detail) = suffix.with(|s| match suffix_problem(s) {
                        Some(problem) => (CheckOutcome::Fail, problem),
                        None => (
                            CheckOutcome::Pass,
                            format!("AWS will name it {}", new_datastore_id(region, s)),
                        ),
                    });
                    checks.push(Check {
                        label: "Suffix is valid".into(),
                        outcome,
                        detail,
                    });
                }
                checks
            })
        })
    };

    // The action with what the dialog's inputs add to it: what the dry run shows and what
    // the confirm button sends.
    let effective = Memo::new(move |_| {
        pending.with(|p| {
            p.as_ref().map(|p| {
                let mut action = p.action.clone();
                match &mut action {
                    Action::CreateGlobalDatastore { suffix: s, .. } => {
                        *s = suffix.get().trim().to_string();
                    }
                    Action::NeptuneSwitchover {
                        via_failover_api: v,
                        ..
                    } => *v = via_failover_api.get(),
                    _ => {}
                }
                action
            })
        })
    });

    // What the move may lose, said in the dialog and kept in the run's record.
    let at_risk = Signal::derive(move || {
        let member = pending.with(|p| {
            p.as_ref()
                .and_then(|p| p.action.moved_to().map(str::to_string))
        })?;
        Some(lag_props.readings.with(|rs| {
            rs.iter()
                .find(|r| r.member == member)
                .map(crate::state::lag::at_risk)
                .unwrap_or_else(|| {
                    "Estimated writes at risk: unknown (the lag has not been read yet)".into()
                })
        }))
    });

    let confirm = Callback::new(move |_| {
        let Some(p) = pending.with_untracked(Clone::clone) else {
            return;
        };
        if p.run_id.is_some() {
            return; // already sent: one request, ever
        }
        let Some(action) = effective.get_untracked() else {
            return;
        };
        let id = runs.start(action, p.expected.clone());
        if let Some(text) = at_risk.get_untracked() {
            runs.note_at_risk(&id, text);
        }
        pending.set(Some(Pending {
            run_id: Some(id),
            ..p
        }));
    });

    let close = Callback::new(move |_| pending.set(None));

    // Why no action may start now: a run on this resource that has not settled, or the last
    // read failed for want of a connection (or of valid credentials).
    let blocked = {
        let key = key.clone();
        let home = rref.region.clone();
        Signal::derive(move || {
            if let Some(noun) = runs.open_run_on(&key) {
                return Some(format!(
                    "A {noun} is in progress on this resource: actions wait until it settles."
                ));
            }
            let lost = refresh_error.with(|e| {
                let e = e.as_ref().filter(|e| e.is_connection_problem())?;
                let region = answered_by.get().unwrap_or_else(|| home.clone());
                let place = if region.is_empty() {
                    "AWS".to_string()
                } else {
                    region
                };
                Some(if e.needs_reconnect() {
                    format!("Credentials refused by {place}: reconnect before acting.")
                } else {
                    format!("No connection to {place}: actions wait until it answers again.")
                })
            });
            // Acting on a picture this old would be acting blind.
            lost.or_else(|| {
                stale.get().then(|| {
                    format!(
                        "The picture is stale ({}): actions wait for a fresh read.",
                        age.get()
                    )
                })
            })
        })
    };

    let page_runs = {
        let key = key.clone();
        Memo::new(move |_| {
            runs.runs.with(|r| {
                r.iter()
                    .filter(|r| r.action.resource().key() == key)
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    };

    // Not connected and not about to be (no emulator preset pending): nothing will be read,
    // so the page says so and shows the runs it has instead of waiting for a picture.
    let offline = move || !session.is_connected() && !session.probing.get();

    let title_region = if rref.region.is_empty() {
        "global".to_string()
    } else {
        rref.region.clone()
    };
    // The page's three views of the detail.

    view! {
            <div class="page resource-page">
                <p class="resource-page__crumbs"><a href="/">"Inventory"</a>" / "{rref.kind.full_label()}</p>
                <div class="page__head">
                    <h1 class="page__title">{rref.id.clone()}</h1>
                    <p class="page__meta">{rref.kind.full_label()}" · "{title_region}
    </p>
                    <span class="resource-page__status">
                        // Always a badge, so the heading line keeps its height when the status comes.
                        {move || {
                            let status = detail.with(|d| match d {
                                Some(Ok(d)) => detail_status(d),
                                Some(Err(_)) => "unknown".to_string(),
                                None if offline() => "not connected".to_string(),
                                None => "loading".to_string(),
                            });
                            view! { <StatusBadge status=status stale=stale age=age /> }
                        }}
                    </span>
                    // While the latest refresh failed: marked stale, and its title says why.
                    <p class="resource-page__freshness" role="status"
                        class:resource-page__freshness--stale=move || stale.get()
                        title=move || refresh_error.with(|e| e.as_ref().map(ErrorInfo::one_line))>
                        // Which member region answered is said here, at the end of the line, so its
                        // arrival moves nothing drawn before it.
                        {move || {
                            let mut line = freshness(read_at.get(), stale.get(), refresh_error.get().as_ref(), runs.now.get());
                            if let Some(region) = answered_by.get().filter(|_| !line.is_empty()) {
                                line.push_str(" · from ");
                                line.push_str(&region);
                            }
                            line
                        }}
                    </p>
                </div>
                <div class="resource-page__body">
                    // Read in place: the page is drawn from a `Layout`, so the detail is not cloned.
                    {move || detail.with(|d| match d {
                        None if offline() => view! {
                            <div class="notice" role="status">
                                <p>"Not connected: this resource cannot be read. "<a href="/connect">"Connect"</a>" — the runs below are kept and resume."</p>
                            </div>
                        }.into_any(),
                        None => view! { <p class="placeholder placeholder--tall">"Loading…"</p> }.into_any(),
                        Some(Err(e)) => view! { <ErrorPanel error=e.clone() context="Could not read this resource" /> }.into_any(),
                        Some(Ok(d)) => view! { <DetailView page=layout(d) open=open blocked=blocked stale=stale age=age lag=lag_props /> }.into_any(),
                    })}
                </div>
                // Runs and events wait for the resource: drawn under the placeholder, they would be
                // pushed down when the picture (of unknown height) replaces it.
                {view! { <Show when=move || detail.with(Option::is_some) || offline()>{move || { let events = events; view! {
                <section class="resource-page__runs" aria-labelledby="runs-title">
                    <h2 id="runs-title" class="page__subtitle">"Runs on this resource"</h2>
                    <RunList runs=page_runs empty="None from this tab yet." />
                </section>
                <section class="resource-page__events" aria-labelledby="events-title">
                    <h2 id="events-title" class="page__subtitle">"Recent events (6 h)"</h2>
                    {move || events.with(|e| match e {
                        None if offline() => view! { <p class="placeholder">"Not connected."</p> }.into_any(),
                        None => view! { <p class="placeholder">"Loading events…"</p> }.into_any(),
                        Some(Err(e)) => view! { <ErrorPanel error=e.clone() context="Events" compact=true /> }.into_any(),
                        Some(Ok(list)) => view! { <EventList events=list.clone() empty="No events in the last six hours." /> }.into_any(),
                    })}
                </section>
                }}}</Show> }}
                {move || pending.with(|p| p.as_ref().map(|p| (p.action.clone(), p.writer.clone()))).map(|(action, writer)| {
                    let is_create = matches!(action, Action::CreateGlobalDatastore { .. });
                    let create_region = action.call_region().to_string();
                    let is_switch = matches!(action, Action::NeptuneSwitchover { .. });
                    view! {
                        <ActionDialog action=action effective=effective writer=writer checks=checks error=dialog_error on_confirm=confirm on_close=close at_risk=at_risk>
                            {is_create.then(|| view! {
                                <label class="field dialog__extra">
                                    <span class="field__label">"Global datastore suffix"</span>
                                    <span class="field__hint">{move || format!("AWS puts its prefix for {create_region} before it: {}", new_datastore_id(&create_region, &suffix.get()))}</span>
                                    <input class="field__input field__input--mono" type="text" spellcheck="false"
                                        prop:value=move || suffix.get() on:input=move |ev| suffix.set(event_target_value(&ev)) />
                                </label>
                            })}
                            {is_switch.then(|| view! {
                                <label class="check dialog__extra">
                                    <input type="checkbox" prop:checked=move || via_failover_api.get() on:change=move |ev| via_failover_api.set(event_target_checked(&ev)) />
                                    <span>"Send as FailoverGlobalCluster with Switchover=true (equivalent; for accounts whose policy allows only that call)"</span>
                                </label>
                            })}
                        </ActionDialog>
                    }
                })}
            </div>
        }
}
