//! Resource page (deep-linkable): the topology as a picture, recent events, the actions that
//! apply with their preflight dialog, and the runs on this resource.

use crate::components::action_dialog::ActionDialog;
use crate::components::error_panel::ErrorPanel;
use crate::components::event_list::{EventLine, EventList};
use crate::components::run_card::RunList;
use crate::components::status_badge::StatusBadge;
use crate::components::topology::{ShardGrid, TopoRegion, Topology};
use crate::model::{classify_status, NodeRole, StatusKind, Timestamp};
use crate::state::action::{preflight, Action, Check, PreflightFacts};
use crate::state::api::{self, Detail};
use crate::state::browser;
use crate::state::errors::ErrorInfo;
use crate::state::record::Phase;
use crate::state::rows::{ResourceKind, ResourceRef};
use crate::state::runs::RunsCtx;
use crate::state::session::SessionCtx;
use crate::state::task::spawn_owned;
use leptos::prelude::*;

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
    let key = rref.key();

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
                    let d = api::fetch_detail(&s, &rref).await;
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
                    let busy = runs.runs.with_untracked(|r| {
                        r.iter()
                            .any(|r| !r.phase.is_done() && r.action.resource().key() == key)
                    });
                    if changing || busy {
                        1_000
                    } else {
                        5_000
                    }
                };
                browser::sleep_ms(wait).await;
            }
        });
    }

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
            Some(api::count_test_failovers(&s, now).await)
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
                if let Action::CreateGlobalDatastore { .. } = p.action {
                    let ok = suffix.with(|s| {
                        !s.trim().is_empty()
                            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    });
                    checks.push(Check {
                        label: "Suffix is set".into(),
                        outcome: if ok {
                            crate::state::action::CheckOutcome::Pass
                        } else {
                            crate::state::action::CheckOutcome::Fail
                        },
                        detail: "letters, digits and hyphens".into(),
                    });
                }
                checks
            })
        })
    };

    let confirm = Callback::new(move |_| {
        let Some(p) = pending.with_untracked(Clone::clone) else {
            return;
        };
        if p.run_id.is_some() {
            return; // already sent: one request, ever
        }
        // What the dialog's inputs add to the action.
        let mut action = p.action.clone();
        match &mut action {
            Action::CreateGlobalDatastore { suffix: s, .. } => {
                *s = suffix.get_untracked().trim().to_string();
            }
            Action::NeptuneSwitchover {
                via_failover_api: v,
                ..
            } => *v = via_failover_api.get_untracked(),
            _ => {}
        }
        let id = runs.start(action, p.expected.clone());
        pending.set(Some(Pending {
            run_id: Some(id),
            ..p
        }));
    });

    let close = Callback::new(move |_| pending.set(None));

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

    let inventory = crate::state::inventory::InventoryCtx::expect();
    let cluster_status = move |region: &str, id: &str| {
        inventory.data.with_value(|d| {
            d.get(&(region.to_string(), crate::model::Service::Neptune))
                .and_then(|slot| slot.db_clusters.iter().find(|c| c.id == id))
                .map(|c| c.status.clone())
        })
    };

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
                <p class="page__meta">{rref.kind.full_label()}" · "{title_region}</p>
                <span class="resource-page__status">
                    // Always a badge, so the heading line keeps its height when the status comes.
                    {move || {
                        let status = detail.with(|d| match d {
                            Some(Ok(d)) => detail_status(d),
                            Some(Err(_)) => "unknown".to_string(),
                            None if offline() => "not connected".to_string(),
                            None => "loading".to_string(),
                        });
                        view! { <StatusBadge status=status /> }
                    }}
                </span>
                // While the latest refresh failed: marked stale, and its title says why.
                <p class="resource-page__freshness" role="status"
                    class:resource-page__freshness--stale=move || refresh_error.with(Option::is_some)
                    title=move || refresh_error.with(|e| e.as_ref().map(ErrorInfo::one_line))>
                    {move || freshness(read_at.with(|at| *at), refresh_error.get().as_ref(), runs.now.get())}
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
                    Some(Ok(d)) => view! { <DetailView page=layout(d, &cluster_status) open=open /> }.into_any(),
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
                let is_switch = matches!(action, Action::NeptuneSwitchover { .. });
                view! {
                    <ActionDialog action=action writer=writer checks=checks error=dialog_error on_confirm=confirm on_close=close>
                        {is_create.then(|| view! {
                            <label class="field dialog__extra">
                                <span class="field__label">"Global datastore suffix"</span>
                                <span class="field__hint">"AWS prefixes it with a region-independent id, e.g. ldgnf-"{move || suffix.get()}</span>
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

/// `read 07:41:02 UTC`, or, when the latest refresh failed, how old the picture is and why.
fn freshness(read_at: Option<i64>, error: Option<&ErrorInfo>, now: i64) -> String {
    let Some(at) = read_at else {
        return String::new();
    };
    let when = Timestamp(at).time_of_day();
    match error {
        None => format!("read {when} UTC"),
        Some(e) => {
            let age = ((now - at).max(0) / 1000) as u64;
            // Short enough for the heading line; the run cards and the title carry the rest.
            let why = match (e.code.as_deref(), e.category.as_str()) {
                (Some(code), _) => code,
                (None, "transport") => "no answer (network)",
                (None, "decode") => "unreadable answer",
                (None, other) => other,
            };
            format!("⚠ not refreshed for {age} s (since {when} UTC): {why} — retrying")
        }
    }
}

fn detail_status(d: &Detail) -> String {
    match d {
        Detail::GlobalDatastore { datastore, .. } => datastore.status.clone(),
        Detail::ReplicationGroup(r) => r.status.clone(),
        Detail::GlobalDatabase(g) => g.status.clone(),
        Detail::NeptuneCluster(c) => c.status.clone(),
        Detail::MemoryDb(m) => m.status.clone(),
    }
}

fn detail_changing(d: &Detail) -> bool {
    let t = |s: &str| classify_status(s).is_transitional();
    match d {
        Detail::GlobalDatastore { datastore, members } => {
            t(&datastore.status) || members.iter().flatten().any(|m| t(&m.status))
        }
        Detail::GlobalDatabase(g) => t(&g.status) || g.failover.is_some(),
        _ => t(&detail_status(d)),
    }
}

/// Which events concern this resource: service, regions to ask, ids to match.
fn event_scope(
    r: &ResourceRef,
    d: Option<&Detail>,
    regions: &[String],
) -> (crate::model::Service, Vec<String>, Vec<String>) {
    let mut related = vec![r.id.clone()];
    let mut scope_regions = if r.region.is_empty() {
        regions.to_vec()
    } else {
        vec![r.region.clone()]
    };
    match d {
        Some(Detail::GlobalDatastore { datastore, .. }) => {
            scope_regions.clear();
            for m in &datastore.members {
                related.push(m.replication_group_id.clone());
                if regions.contains(&m.region) {
                    scope_regions.push(m.region.clone());
                }
            }
        }
        Some(Detail::GlobalDatabase(g)) => {
            for m in &g.members {
                related.push(m.cluster_id().to_string());
            }
        }
        _ => {}
    }
    (r.kind.service(), scope_regions, related)
}

fn facts_for(
    action: &Action,
    d: &Detail,
    run_in_flight: bool,
    quota: Option<Result<u32, String>>,
) -> PreflightFacts {
    let mut f = PreflightFacts {
        run_in_flight,
        ..Default::default()
    };
    match (action, d) {
        (
            Action::PromoteSecondary { target_group, .. },
            Detail::GlobalDatastore { datastore, members },
        ) => {
            f.status = datastore.status.clone();
            for m in members.iter().flatten() {
                f.part_statuses.push((m.id.clone(), m.status.clone()));
            }
            for m in &datastore.members {
                if let Some(status) = &m.status {
                    f.part_statuses
                        .push((m.replication_group_id.clone(), status.clone()));
                }
            }
            f.target_is_secondary = Some(datastore.members.iter().any(|m| {
                &m.replication_group_id == target_group
                    && m.role == crate::model::MemberRole::Secondary
            }));
        }
        (Action::CreateGlobalDatastore { .. }, Detail::ReplicationGroup(rg)) => {
            f.status = rg.status.clone();
            f.already_global = Some(rg.global_datastore.is_some());
            for s in &rg.shards {
                push_shard_status(&mut f.part_statuses, Some(s));
            }
        }
        (Action::TestFailover { shard, .. }, Detail::ReplicationGroup(rg)) => {
            f.status = rg.status.clone();
            let s = rg.shard(shard);
            push_shard_status(&mut f.part_statuses, s);
            f.multi_az = Some(rg.is_multi_az());
            f.replicas = Some(s.map(|s| s.replicas().count()).unwrap_or(0));
            f.quota_used = quota;
        }
        (
            Action::NeptuneFailover {
                target_cluster_arn, ..
            }
            | Action::NeptuneSwitchover {
                target_cluster_arn, ..
            },
            Detail::GlobalDatabase(g),
        ) => {
            f.status = g.status.clone();
            if let Some(fo) = &g.failover {
                f.part_statuses = vec![(
                    "global failover".into(),
                    if fo.status.is_empty() {
                        "pending".into()
                    } else {
                        fo.status.clone()
                    },
                )];
            }
            f.target_is_secondary = Some(
                g.members
                    .iter()
                    .any(|m| &m.cluster_arn == target_cluster_arn && !m.is_writer),
            );
        }
        (Action::MemoryDbFailoverShard { shard, .. }, Detail::MemoryDb(m)) => {
            f.status = m.status.clone();
            let s = m.shard(shard);
            push_shard_status(&mut f.part_statuses, s);
            f.multi_az = Some(m.is_multi_az());
            // MemoryDB does not report node roles: every node but the primary is a replica.
            f.replicas = Some(s.map(|s| s.nodes.len().saturating_sub(1)).unwrap_or(0));
        }
        _ => f.status = "unknown".into(),
    }
    f
}

/// A shard's status, as a part that must be settled, when the shard reports one.
fn push_shard_status(parts: &mut Vec<(String, String)>, shard: Option<&crate::model::Shard>) {
    if let Some(s) = shard {
        if let Some(status) = &s.status {
            parts.push((format!("shard {}", s.id), status.clone()));
        }
    }
}

type OpenCb = Callback<(Action, String, Option<String>)>;

/// One action button: its label, look, and what the dialog is opened with.
#[derive(Clone, Debug, PartialEq)]
struct ActionButton {
    label: String,
    /// `button--primary`, `button--danger`, or none.
    look: &'static str,
    /// The shard is changing: drawn busy (it stays clickable; preflight says why not).
    busy: bool,
    action: Action,
    /// Who writes before the action, for the dialog.
    writer: String,
    /// Who should write after it, checked when the run settles.
    expected: Option<String>,
}

/// What the resource page draws for any kind of resource: built from the detail by a plain
/// function (`layout`), drawn by one view, so the page's sections come in the same order
/// for every kind.
#[derive(Debug, Default, PartialEq)]
struct Layout {
    regions: Vec<TopoRegion>,
    /// A Neptune global failover or switchover in progress.
    changing: Option<String>,
    /// The global datastore a replication group belongs to: (`primary of global datastore `, id).
    global: Option<(String, String)>,
    /// Shards to draw as cards, with the id prefix left off node names.
    shards: Option<(Vec<crate::model::Shard>, String)>,
    member_errors: Vec<ErrorInfo>,
    /// `Writes now: …`, for global resources.
    writes_now: Option<String>,
    /// Lists of buttons, each with its extra class; a group of several is framed together.
    lists: Vec<(&'static str, Vec<Vec<ActionButton>>)>,
    notice: Option<&'static str>,
}

/// The page for a detail. `cluster_status(region, id)` is a Neptune member cluster's own status
/// when the inventory has it.
fn layout(detail: &Detail, cluster_status: &dyn Fn(&str, &str) -> Option<String>) -> Layout {
    let multi_az = |on: bool| if on { "Multi-AZ" } else { "single-AZ" };
    let button =
        |label: String, action: Action, writer: &str, expected: Option<String>| ActionButton {
            label,
            look: "button--primary",
            busy: false,
            action,
            writer: writer.to_string(),
            expected,
        };
    match detail {
        Detail::GlobalDatastore { datastore, members } => {
            let writer = datastore
                .primary()
                .map(|p| format!("{} ({})", p.replication_group_id, p.region))
                .unwrap_or_default();
            let mut regions = Vec::new();
            for m in &datastore.members {
                let rg = members
                    .iter()
                    .flatten()
                    .find(|r| r.id == m.replication_group_id);
                regions.push(TopoRegion {
                    region: m.region.clone(),
                    name: m.replication_group_id.clone(),
                    role: m.role.as_str().to_string(),
                    writes: m.role == crate::model::MemberRole::Primary,
                    status: rg
                        .map(|r| r.status.clone())
                        .or_else(|| m.status.clone())
                        .unwrap_or_default(),
                    shards: rg.map(|r| r.shards.clone()).unwrap_or_default(),
                    note: rg
                        .map(|r| multi_az(r.is_multi_az()).to_string())
                        .unwrap_or_default(),
                });
            }
            let mut promote = Vec::new();
            for m in datastore.secondaries() {
                let (group, region) = (&m.replication_group_id, &m.region);
                let action = Action::PromoteSecondary {
                    datastore: datastore.id.clone(),
                    target_group: group.clone(),
                    target_region: region.clone(),
                };
                let label = format!("Promote {group} ({region}) to primary");
                promote.push(vec![button(label, action, &writer, Some(group.clone()))]);
            }
            let mut member_errors = Vec::new();
            for m in members {
                if let Err(e) = m {
                    member_errors.push(e.clone());
                }
            }
            Layout {
                regions,
                member_errors,
                notice: writer
                    .is_empty()
                    .then_some("No member is primary right now."),
                writes_now: Some(writer),
                lists: vec![("", promote)],
                ..Layout::default()
            }
        }
        Detail::ReplicationGroup(rg) => {
            let global = rg.global_datastore.clone();
            let mut create = Vec::new();
            if global.is_none() {
                let action = Action::CreateGlobalDatastore {
                    group: rg.id.clone(),
                    region: rg.region.clone(),
                    suffix: format!("{}-global", rg.id),
                };
                let label = "Create global datastore from this group".to_string();
                create.push(vec![ActionButton {
                    look: "",
                    ..button(label, action, "", None)
                }]);
            }
            Layout {
                regions: vec![TopoRegion {
                    region: rg.region.clone(),
                    name: rg.id.clone(),
                    role: global
                        .as_ref()
                        .map(|(_, r)| r.as_str().to_string())
                        .unwrap_or_else(|| "regional".into()),
                    writes: global
                        .as_ref()
                        .is_none_or(|(_, r)| *r == crate::model::MemberRole::Primary),
                    status: rg.status.clone(),
                    shards: Vec::new(),
                    note: format!(
                        "{} · automatic failover {}",
                        if rg.is_multi_az() {
                            "Multi-AZ"
                        } else {
                            "Multi-AZ off"
                        },
                        rg.automatic_failover.as_deref().unwrap_or("unknown")
                    ),
                }],
                global: global
                    .map(|(gid, role)| (format!("{} of global datastore ", role.as_str()), gid)),
                shards: Some((rg.shards.clone(), format!("{}-", rg.id))),
                lists: vec![
                    ("", create),
                    shard_buttons(&rg.shards, &rg.region, &rg.id, false),
                ],
                ..Layout::default()
            }
        }
        Detail::GlobalDatabase(g) => {
            let writer = g
                .writer()
                .map(|w| format!("{} ({})", w.cluster_id(), w.region.as_deref().unwrap_or("")))
                .unwrap_or_default();
            let mut regions = Vec::new();
            for m in &g.members {
                // `replicates to a, b`: the readers' cluster names.
                let mut note = String::new();
                for r in &m.readers {
                    note.push_str(if note.is_empty() {
                        "replicates to "
                    } else {
                        ", "
                    });
                    note.push_str(r.rsplit(':').next().unwrap_or(r));
                }
                regions.push(TopoRegion {
                    region: m.region.clone().unwrap_or_else(|| "unknown region".into()),
                    name: m.cluster_id().to_string(),
                    role: if m.is_writer { "writer" } else { "reader" }.into(),
                    writes: m.is_writer,
                    // The member cluster's own status from the inventory; the global one
                    // when the inventory has not listed that region.
                    status: m
                        .region
                        .as_deref()
                        .and_then(|r| cluster_status(r, m.cluster_id()))
                        .unwrap_or_else(|| g.status.clone()),
                    shards: Vec::new(),
                    note,
                });
            }
            fn short(arn: Option<&str>) -> &str {
                arn.map_or("?", |a| a.rsplit(':').next().unwrap_or(a))
            }
            let changing = g.failover.as_ref().map(|f| {
                format!(
                    "{} {}: {} ⟶ {}",
                    if f.is_data_loss_allowed == Some(true) {
                        "Failover"
                    } else {
                        "Switchover"
                    },
                    if f.status.is_empty() {
                        "pending"
                    } else {
                        &f.status
                    },
                    short(f.from_cluster_arn.as_deref()),
                    short(f.to_cluster_arn.as_deref())
                )
            });
            let mut pairs = Vec::new();
            for m in &g.members {
                if m.is_writer {
                    continue;
                }
                let arn = &m.cluster_arn;
                let (cluster, region) = (m.cluster_id(), m.region.as_deref().unwrap_or(""));
                let switch = Action::NeptuneSwitchover {
                    database: g.id.clone(),
                    target_cluster_arn: arn.clone(),
                    target_region: region.to_string(),
                    via_failover_api: false,
                };
                let failover = Action::NeptuneFailover {
                    database: g.id.clone(),
                    target_cluster_arn: arn.clone(),
                    target_region: region.to_string(),
                };
                let expected = Some(cluster.to_string());
                pairs.push(vec![
                    button(
                        format!("Switch over to {cluster} ({region})"),
                        switch,
                        &writer,
                        expected.clone(),
                    ),
                    ActionButton {
                        look: "button--danger",
                        ..button(
                            format!("Fail over to {cluster} (allow data loss)"),
                            failover,
                            &writer,
                            expected,
                        )
                    },
                ]);
            }
            Layout {
                regions,
                changing,
                writes_now: Some(writer),
                lists: vec![("", pairs)],
                ..Layout::default()
            }
        }
        Detail::NeptuneCluster(c) => {
            // `name (writer), name (reader)`.
            let mut instances = String::new();
            for m in &c.members {
                if !instances.is_empty() {
                    instances.push_str(", ");
                }
                instances.push_str(&m.instance_id);
                instances.push_str(if m.is_writer {
                    " (writer)"
                } else {
                    " (reader)"
                });
            }
            Layout {
                regions: vec![TopoRegion {
                    region: c.region.clone(),
                    name: c.id.clone(),
                    role: "cluster".into(),
                    writes: c.members.iter().any(|m| m.is_writer),
                    status: c.status.clone(),
                    shards: Vec::new(),
                    note: instances,
                }],
                notice: Some(
                    "Failover and switchover act on a global database; open it from the inventory.",
                ),
                ..Layout::default()
            }
        }
        Detail::MemoryDb(m) => Layout {
            regions: vec![TopoRegion {
                region: m.region.clone(),
                name: m.name.clone(),
                role: "cluster".into(),
                writes: true,
                status: m.status.clone(),
                shards: Vec::new(),
                note: format!(
                    "{} · {}",
                    multi_az(m.is_multi_az()),
                    m.node_type.as_deref().unwrap_or("")
                ),
            }],
            shards: Some((m.shards.clone(), format!("{}-", m.name))),
            lists: vec![shard_buttons(&m.shards, &m.region, &m.name, true)],
            ..Layout::default()
        },
    }
}

/// One failover button per shard, busy while the shard changes.
fn shard_buttons(
    shards: &[crate::model::Shard],
    region: &str,
    group: &str,
    memorydb: bool,
) -> (&'static str, Vec<Vec<ActionButton>>) {
    let mut buttons = Vec::new();
    for s in shards {
        let primary = s
            .nodes
            .iter()
            .find(|n| n.role == NodeRole::Primary)
            .map(|n| n.id.clone())
            .unwrap_or_default();
        let (group, region, shard) = (group.to_string(), region.to_string(), s.id.clone());
        let (action, label) = if memorydb {
            let label = format!("Fail over shard {shard}");
            let action = Action::MemoryDbFailoverShard {
                cluster: group,
                region,
                shard,
            };
            (action, label)
        } else {
            let label = format!("Test failover shard {shard}");
            (
                Action::TestFailover {
                    group,
                    region,
                    shard,
                },
                label,
            )
        };
        let kind = s
            .status
            .as_deref()
            .map(classify_status)
            .unwrap_or(StatusKind::Healthy);
        buttons.push(vec![ActionButton {
            label,
            look: "",
            busy: kind.is_transitional(),
            action,
            writer: primary,
            expected: None,
        }]);
    }
    ("action-list--shards", buttons)
}

#[component]
fn DetailView(page: Layout, open: OpenCb) -> impl IntoView {
    let button = move |b: ActionButton| {
        let class = format!(
            "button {}{}",
            b.look,
            if b.busy { " button--busy" } else { "" }
        );
        let ActionButton {
            label,
            action,
            writer,
            expected,
            ..
        } = b;
        view! {
            <button type="button" class=class.trim_end().to_string()
                on:click=move |_| open.run((action.clone(), writer.clone(), expected.clone()))>
                {label}
            </button>
        }
    };
    view! {
        <section class="resource-page__topology" aria-labelledby="topo-title">
            <h2 id="topo-title" class="page__subtitle">"Topology"</h2>
            <Topology regions=page.regions />
            {page.changing.map(|text| view! {
                <p class="notice notice--changing" role="status"><span aria-hidden="true">"◐ "</span>{text}</p>
            })}
            {page.global.map(|(text, gid)| view! {
                <p class="resource-page__writes">{text}
                    <a href=ResourceRef::new(ResourceKind::GlobalDatastore, "", &gid).path()>{gid.clone()}</a></p>
            })}
            {page.shards.map(|(shards, prefix)| view! { <ShardGrid shards=shards prefix=prefix /> })}
            {page.member_errors.into_iter().map(|e| view! { <ErrorPanel error=e context="Member" compact=true /> }).collect_view()}
        </section>
        <section class="resource-page__actions" aria-labelledby="actions-title">
            <h2 id="actions-title" class="page__subtitle">"Actions"</h2>
            {page.writes_now.map(|w| view! { <p class="resource-page__writes">"Writes now: "<strong>{w}</strong></p> })}
            {page.lists.into_iter().map(|(extra, groups)| view! {
                <div class=format!("action-list {extra}").trim_end().to_string()>
                    {groups.into_iter().map(|group| if group.len() == 1 {
                        group.into_iter().map(button).collect_view().into_any()
                    } else {
                        view! { <div class="action-list__group">{group.into_iter().map(button).collect_view()}</div> }.into_any()
                    }).collect_view()}
                </div>
            }).collect_view()}
            {page.notice.map(|n| view! { <p class="notice">{n}</p> })}
        </section>
    }
}

#[cfg(test)]
mod tests {
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
        let page = layout(&detail, &|_, _| None);
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
        let page = layout(&Detail::ReplicationGroup(group), &|_, _| None);
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
        let page = layout(&Detail::NeptuneCluster(cluster), &|_, _| None);
        assert!(labels(&page).is_empty());
        assert!(page.notice.is_some_and(|n| n.contains("global database")));
        assert_eq!(page.regions[0].note, "graph-use1-1 (writer)");
    }
}
