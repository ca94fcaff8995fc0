//! What the page draws for any kind of resource, built from its detail by a plain function
//! (`layout`) and drawn by one view (`DetailView`), so the sections come in the same order for
//! every kind.

use crate::components::endpoints::{EndpointLine, EndpointList};
use crate::components::error_panel::ErrorPanel;
use crate::components::topology::{ShardGrid, TopoRegion, Topology};
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
) -> impl IntoView {
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
                prop:disabled=move || blocked.with(Option::is_some)
                aria-describedby="actions-blocked"
                on:click=move |_| open.run((action.clone(), writer.clone(), expected.clone()))>
                {label}
            </button>
        }
    };
    view! {
        <section class="resource-page__topology" aria-labelledby="topo-title">
            <h2 id="topo-title" class="page__subtitle">"Topology"</h2>
            <Topology regions=page.regions stale=stale age=age />
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
        let page = layout(&detail);
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
        let page = layout(&Detail::ReplicationGroup(group));
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
        let page = layout(&Detail::NeptuneCluster {
            cluster,
            global: None,
        });
        assert!(labels(&page).is_empty());
        assert!(page.notice.is_some_and(|n| n.contains("global database")));
        assert_eq!(page.regions[0].note, "graph-use1-1 (writer)");
    }
}
