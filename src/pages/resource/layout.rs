//! What the page draws for any kind of resource, built from its detail by a plain function
//! (`layout`) and drawn by one view (`DetailView`), so the sections come in the same order for
//! every kind.

use crate::components::endpoints::{EndpointLine, EndpointList};
use crate::components::error_panel::ErrorPanel;
use crate::components::lag_view::LagSettings;
use crate::components::topology::{LagProps, ShardGrid, TopoRegion, Topology};
use crate::model::{classify_status, NodeRole, StatusKind};
use crate::state::action::Action;
use crate::state::api::Detail;
use crate::state::errors::ErrorInfo;
use crate::state::rows::{ResourceKind, ResourceRef};
use leptos::prelude::*;

pub(super) type OpenCb = Callback<(Action, String, Option<String>)>;

/// One action button: its label, look, and what the dialog is opened with.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct ActionButton {
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
pub(super) struct Layout {
    regions: Vec<TopoRegion>,
    /// A Neptune global failover or switchover in progress.
    changing: Option<String>,
    /// The global datastore a replication group belongs to: (`primary of global datastore `, id).
    global: Option<(String, ResourceRef)>,
    /// Shards to draw as cards, with the id prefix left off node names.
    shards: Option<(Vec<crate::model::Shard>, String)>,
    member_errors: Vec<ErrorInfo>,
    /// Where applications connect, member by member for a global resource.
    endpoints: Vec<EndpointLine>,
    /// `Writes now: …`, for global resources.
    writes_now: Option<String>,
    /// Lists of buttons, each with its extra class; a group of several is framed together.
    lists: Vec<(&'static str, Vec<Vec<ActionButton>>)>,
    notice: Option<&'static str>,
    /// Every member takes writes (MemoryDB Multi-Region).
    active_active: bool,
}

/// The page for a detail.
pub(super) fn layout(detail: &Detail) -> Layout {
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
                    link: Some(
                        ResourceRef::new(
                            ResourceKind::ReplicationGroup,
                            &m.region,
                            &m.replication_group_id,
                        )
                        .path(),
                    ),
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
            // Each member's endpoints, the primary's first: after a promotion the applications
            // move to the new primary's.
            let mut endpoints = Vec::new();
            let mut ordered: Vec<_> = datastore.members.iter().collect();
            ordered.sort_by_key(|m| m.role != crate::model::MemberRole::Primary);
            for m in ordered {
                let rg = members
                    .iter()
                    .flatten()
                    .find(|r| r.id == m.replication_group_id);
                for (kind, address) in rg.map(|r| r.endpoints.as_slice()).unwrap_or_default() {
                    endpoints.push(EndpointLine {
                        label: format!("{} · {} · {kind}", m.region, m.role.as_str()),
                        address: address.clone(),
                    });
                }
            }
            Layout {
                regions,
                member_errors,
                endpoints,
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
                endpoints: rg
                    .endpoints
                    .iter()
                    .map(|(kind, address)| EndpointLine {
                        label: format!("{kind} endpoint"),
                        address: address.clone(),
                    })
                    .collect(),
                regions: vec![TopoRegion {
                    link: None,
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
                global: global.map(|(gid, role)| {
                    (
                        format!("{} of global datastore ", role.as_str()),
                        ResourceRef::new(ResourceKind::GlobalDatastore, "", &gid),
                    )
                }),
                shards: Some((rg.shards.clone(), format!("{}-", rg.id))),
                lists: vec![
                    ("", create),
                    shard_buttons(&rg.shards, &rg.region, &rg.id, false),
                ],
                ..Layout::default()
            }
        }
        Detail::GlobalDatabase {
            database: g,
            clusters,
        } => {
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
                    link: m.region.as_deref().map(|region| {
                        ResourceRef::new(ResourceKind::NeptuneCluster, region, m.cluster_id())
                            .path()
                    }),
                    name: m.cluster_id().to_string(),
                    role: if m.is_writer { "writer" } else { "reader" }.into(),
                    writes: m.is_writer,
                    // The member cluster's own status, as its region answered; the global
                    // one when that region did not answer.
                    status: clusters
                        .iter()
                        .flatten()
                        .find(|c| c.id == m.cluster_id())
                        .map_or_else(|| g.status.clone(), |c| c.status.clone()),
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
            let member_errors = clusters.iter().filter_map(|c| c.clone().err()).collect();
            let mut endpoints = Vec::new();
            let mut ordered: Vec<_> = g.members.iter().collect();
            ordered.sort_by_key(|m| !m.is_writer);
            for m in ordered {
                if let Some(c) = clusters.iter().flatten().find(|c| c.id == m.cluster_id()) {
                    endpoints.extend(cluster_endpoints(c, &format!("{} · ", c.region)));
                }
            }
            Layout {
                regions,
                changing,
                member_errors,
                endpoints,
                writes_now: Some(writer),
                lists: vec![("", pairs)],
                ..Layout::default()
            }
        }
        Detail::NeptuneCluster { cluster: c, global } => {
            let endpoints = cluster_endpoints(c, "");
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
                    link: None,
                    region: c.region.clone(),
                    name: c.id.clone(),
                    role: "cluster".into(),
                    writes: c.members.iter().any(|m| m.is_writer),
                    status: c.status.clone(),
                    shards: Vec::new(),
                    note: instances,
                }],
                global: global.as_ref().map(|(gid, writes)| {
                    (
                        format!(
                            "{} of global database ",
                            if *writes { "Writer" } else { "Reader" }
                        ),
                        ResourceRef::new(ResourceKind::GlobalDatabase, "", gid),
                    )
                }),
                endpoints,
                notice: Some(if global.is_some() {
                    "Failover and switchover act on the global database: open it above."
                } else {
                    "Not a member of a global database: no cross-region failover applies here."
                }),
                ..Layout::default()
            }
        }
        Detail::MemoryDb(m) => Layout {
            regions: vec![TopoRegion {
                link: None,
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
            endpoints: m
                .endpoint
                .iter()
                .map(|address| EndpointLine {
                    label: "cluster endpoint".into(),
                    address: address.clone(),
                })
                .collect(),
            lists: vec![shard_buttons(&m.shards, &m.region, &m.name, true)],
            notice: Some(
                "MemoryDB does not report which node is a shard's primary (role ?); a shard failover's run names the new primary from the service's events.",
            ),
            ..Layout::default()
        },
        Detail::MultiRegion { cluster, regional } => {
            let mut regions = Vec::new();
            let mut endpoints = Vec::new();
            let mut member_errors = Vec::new();
            for c in &cluster.clusters {
                let read = regional
                    .iter()
                    .flatten()
                    .find(|m| m.name == c.name && m.region == c.region);
                regions.push(TopoRegion {
                    region: c.region.clone(),
                    name: c.name.clone(),
                    link: Some(
                        ResourceRef::new(ResourceKind::MemoryDbCluster, &c.region, &c.name).path(),
                    ),
                    role: "active".into(),
                    writes: true,
                    status: read.map_or_else(|| c.status.clone(), |m| m.status.clone()),
                    shards: read.map(|m| m.shards.clone()).unwrap_or_default(),
                    note: read
                        .map(|m| multi_az(m.is_multi_az()).to_string())
                        .unwrap_or_default(),
                });
                if let Some(address) = read.and_then(|m| m.endpoint.clone()) {
                    endpoints.push(EndpointLine {
                        label: format!("{} · {}", c.region, c.name),
                        address,
                    });
                }
            }
            for m in regional {
                if let Err(e) = m {
                    member_errors.push(e.clone());
                }
            }
            Layout {
                regions,
                member_errors,
                endpoints,
                writes_now: Some("every Region (active-active)".into()),
                notice: Some(
                    "Active-active: every regional cluster accepts writes and replicates to the others. There is no writer to move: failing over means shifting application traffic to another Region's regional cluster (DNS or your routing). A shard failover (FailoverShard) is per regional cluster, inside its Region: open the regional cluster above.",
                ),
                active_active: true,
                ..Layout::default()
            }
        }
    }
}

/// A Neptune cluster's writer and reader endpoints, labelled after `prefix`.
fn cluster_endpoints(c: &crate::model::DbCluster, prefix: &str) -> Vec<EndpointLine> {
    let writes = c.members.iter().any(|m| m.is_writer);
    let mut out = Vec::new();
    if let Some(address) = &c.endpoint {
        out.push(EndpointLine {
            label: format!(
                "{prefix}cluster endpoint{}",
                if writes { " (writer)" } else { "" }
            ),
            address: address.clone(),
        });
    }
    if let Some(address) = &c.reader_endpoint {
        out.push(EndpointLine {
            label: format!("{prefix}reader endpoint"),
            address: address.clone(),
        });
    }
    out
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
pub(super) fn DetailView(
    page: Layout,
    open: OpenCb,
    /// Why no action may start now (a run on this resource, no connection): the buttons are
    /// disabled and the reason is shown above them.
    blocked: Signal<Option<String>>,
    /// The picture is older than its polls allow; `age` says how old.
    stale: Signal<bool>,
    age: Signal<String>,
    lag: LagProps,
) -> impl IntoView {
    // Only global resources have replication between Regions.
    let has_lag = page.regions.len() > 1;
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
        // The member the move makes the writer: marked when its lag is the least.
        let member = action.moved_to().map(str::to_string);
        let has_target = member.is_some();
        let is_least = Signal::derive(move || member.is_some() && lag.least.with(|l| *l == member));
        view! {
            <button type="button" class=class.trim_end().to_string()
                prop:disabled=move || blocked.with(Option::is_some)
                aria-describedby="actions-blocked"
                on:click=move |_| open.run((action.clone(), writer.clone(), expected.clone()))>
                {label}
                // Always there, shown only on the least-lagging member's button: the buttons
                // keep their width when the lag arrives or the least one changes.
                {has_target.then(|| view! {
                    <span class="button__tag" class:button__tag--on=is_least>" ◆ least lag"</span>
                })}
            </button>
        }
    };
    view! {
        <section class="resource-page__topology" aria-labelledby="topo-title">
            <h2 id="topo-title" class="page__subtitle">"Topology"</h2>
            <Topology regions=page.regions stale=stale age=age lag=lag active_active=page.active_active />
            {has_lag.then(|| view! { <LagSettings threshold=lag.threshold set_threshold=lag.set_threshold /> })}
            {page.changing.map(|text| view! {
                <p class="notice notice--changing" role="status"><span aria-hidden="true">"◐ "</span>{text}</p>
            })}
            {page.global.map(|(text, global)| view! {
                <p class="resource-page__writes">{text}
                    <a href=global.path()>{global.id.clone()}</a></p>
            })}
            {page.shards.map(|(shards, prefix)| view! { <ShardGrid shards=shards prefix=prefix stale=stale age=age /> })}
            {page.member_errors.into_iter().map(|e| view! { <ErrorPanel error=e context="Member" compact=true /> }).collect_view()}
        </section>
        <section class="resource-page__endpoints" aria-labelledby="endpoints-title">
            <h2 id="endpoints-title" class="page__subtitle">"Endpoints"</h2>
            <EndpointList endpoints=page.endpoints />
        </section>
        <section class="resource-page__actions" aria-labelledby="actions-title">
            <h2 id="actions-title" class="page__subtitle">"Actions"</h2>
            // Always there (empty when nothing blocks), so the buttons do not move when it fills.
            <p id="actions-blocked" class="resource-page__blocked" role="status">
                {move || blocked.get().map(|why| view! { <span aria-hidden="true">"⚠ "</span>{why} })}
            </p>
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
#[path = "layout_tests.rs"]
mod tests;
