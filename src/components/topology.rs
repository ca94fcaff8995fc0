//! A resource drawn as a picture: one box per region (the writer marked), an edge from the
//! writer to each secondary carrying its replication lag, and inside each box its shards with
//! primary and replicas. Every Region of an active-active cluster writes: its boxes stand side
//! by side, with the lag of every pair in a matrix.

use super::lag_view::{LagEdge, LagMatrix};
use super::status_badge::StatusBadge;
use crate::model::{NodeRole, Shard};
use crate::state::lag::Reading;
use leptos::prelude::*;

/// One region's member of a resource.
#[derive(Clone, Debug, PartialEq)]
pub struct TopoRegion {
    pub region: String,
    /// The member's name (replication group, cluster).
    pub name: String,
    /// The member's own page, when it has one apart from this one.
    pub link: Option<String>,
    /// `primary`, `secondary`, `writer`, `reader`.
    pub role: String,
    pub writes: bool,
    pub status: String,
    /// Shards when known; empty draws none.
    pub shards: Vec<Shard>,
    /// Extra facts: `Multi-AZ`, `2 instances`.
    pub note: String,
}

/// The lag to draw on the edges, when the page reads it.
#[derive(Clone, Copy)]
pub struct LagProps {
    pub readings: Signal<Vec<Reading>>,
    /// The member with the least lag, computed once for the edges and the buttons.
    pub least: Signal<Option<String>>,
    pub threshold: Signal<f64>,
    /// Sets the threshold (seconds) above which the lag is a warning.
    pub set_threshold: Callback<f64>,
}

#[component]
pub fn Topology(
    regions: Vec<TopoRegion>,
    /// While true, every status in the picture is drawn stale; `age` says how old.
    #[prop(optional)]
    stale: Signal<bool>,
    #[prop(optional)] age: Signal<String>,
    /// Replication lag: on each edge (writer → secondary), or as a matrix when every Region
    /// writes.
    #[prop(optional)]
    lag: Option<LagProps>,
    /// Every member takes writes (a MemoryDB Multi-Region cluster): no hub, no spokes.
    #[prop(optional)]
    active_active: bool,
) -> impl IntoView {
    let mut regions = regions;
    // Writer first; the others keep their order.
    regions.sort_by_key(|r| !r.writes);
    let writer = regions
        .iter()
        .find(|r| r.writes)
        .map(|r| r.region.clone())
        .filter(|_| !active_active);
    let count = regions.len();
    let label = match &writer {
        Some(w) => format!("Topology: {count} region(s), writer in {w}"),
        None if active_active => format!("Topology: {count} region(s), every one takes writes"),
        None => format!("Topology: {count} region(s), writer in no region"),
    };
    match writer {
        // The writer on the left, an edge from it to each secondary: data flows writer →
        // secondary, never secondary → secondary.
        Some(w) if count > 1 => {
            let mut rest = regions.into_iter();
            let hub = rest.next();
            let spokes = rest
                .map(|r| {
                    let edge = match lag {
                        Some(l) => view! {
                            <LagEdge from=w.clone() to=r.region.clone() member=r.name.clone()
                                readings=l.readings least=l.least threshold=l.threshold />
                        }
                        .into_any(),
                        None => view! {
                            <div class="topology__edge" aria-hidden="true">
                                <span class="topology__edge-line">{format!("{w} ⟶ {}", r.region)}</span>
                            </div>
                        }
                        .into_any(),
                    };
                    view! { <li class="topology__spoke">{edge}<RegionBox region=r stale=stale age=age /></li> }
                })
                .collect_view();
            view! {
                <div class="topology topology--star" role="group" aria-label=label>
                    <div class="topology__hub">
                        {hub.map(|r| view! { <RegionBox region=r stale=stale age=age /> })}
                    </div>
                    <ol class="topology__spokes">{spokes}</ol>
                </div>
            }
            .into_any()
        }
        _ => {
            let pairs: Vec<(String, String)> = regions
                .iter()
                .map(|r| (r.region.clone(), r.name.clone()))
                .collect();
            let boxes = regions
                .into_iter()
                .map(|r| view! { <RegionBox region=r stale=stale age=age /> })
                .collect_view();
            let matrix = lag.filter(|_| active_active).map(|l| {
                view! { <LagMatrix regions=pairs readings=l.readings threshold=l.threshold /> }
            });
            view! {
                <div class="topology" role="group" aria-label=label>{boxes}</div>
                {matrix}
            }
            .into_any()
        }
    }
}

#[component]
fn RegionBox(region: TopoRegion, stale: Signal<bool>, age: Signal<String>) -> impl IntoView {
    let class = if region.writes {
        "topology__region topology__region--writer"
    } else {
        "topology__region"
    };
    let status = region.status.clone();
    view! {
        <section class=class aria-label=format!("{} {}", region.region, region.role)>
            <header class="topology__region-head">
                <span class="topology__region-name">{region.region.clone()}</span>
                {region.writes.then(|| view! { <span class="topology__writer-mark">"✎ WRITER"</span> })}
            </header>
            <p class="topology__member">
                <span class="topology__member-name">
                    {match region.link.clone() {
                        Some(href) => view! { <a href=href>{region.name.clone()}</a> }.into_any(),
                        None => region.name.clone().into_any(),
                    }}
                </span>
                <span class="topology__role">{region.role.clone()}</span>
            </p>
            <p class="topology__status"><StatusBadge status=status stale=stale age=age /></p>
            {(!region.note.is_empty()).then(|| view! { <p class="topology__note">{region.note.clone()}</p> })}
            {view! { <ShardGrid shards=region.shards prefix=format!("{}-", region.name) stale=stale age=age /> }}
        </section>
    }
}

/// Shards as small cards: primary node filled, replicas hollow, each with its AZ.
#[component]
pub fn ShardGrid(
    shards: Vec<Shard>,
    /// Left off node ids for space (`orders-queue-0001-001` shows as `…0001-001`); the full id
    /// stays in the tooltip.
    #[prop(optional, into)]
    prefix: String,
    #[prop(optional)] stale: Signal<bool>,
    #[prop(optional)] age: Signal<String>,
) -> impl IntoView {
    if shards.is_empty() {
        return ().into_any();
    }
    let mut cards = Vec::with_capacity(shards.len());
    for s in shards {
        let status = s.status.unwrap_or_default();
        let mut nodes = Vec::with_capacity(s.nodes.len());
        for n in s.nodes {
            let (glyph, role, class) = match n.role {
                NodeRole::Primary => ("■", "primary", "shard-grid__node shard-grid__node--primary"),
                NodeRole::Replica => ("□", "replica", "shard-grid__node shard-grid__node--replica"),
                // MemoryDB's reads do not say which node is the primary: said, not guessed.
                NodeRole::Unknown => ("▪", "role ?", "shard-grid__node shard-grid__node--node"),
            };
            let short = short_id(&n.id, &prefix);
            nodes.push(view! {
                <li class=class>
                    <span aria-hidden="true">{glyph}</span>
                    <span class="shard-grid__node-id" title=n.id>{short}</span>
                    <span class="shard-grid__role" title=(n.role == NodeRole::Unknown).then_some("The service does not report this node's role")>{role}</span>
                    <span class="shard-grid__az">{n.availability_zone.unwrap_or_default()}</span>
                </li>
            }
            .into_any());
        }
        cards.push(
            view! {
                <li class="shard-grid__shard">
                    <p class="shard-grid__head">
                        <span class="shard-grid__id">"shard "{s.id}</span>
                        {(!status.is_empty()).then(|| view! { <StatusBadge status=status stale=stale age=age /> })}
                    </p>
                    <ul class="shard-grid__nodes">{nodes}</ul>
                </li>
            }
            .into_any(),
        );
    }
    view! { <ul class="shard-grid">{cards}</ul> }.into_any()
}

fn short_id(id: &str, prefix: &str) -> String {
    match id.strip_prefix(prefix) {
        Some(rest) if !prefix.is_empty() && !rest.is_empty() => format!("…{rest}"),
        _ => id.to_string(),
    }
}
