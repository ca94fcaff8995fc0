//! A resource drawn as a picture: one box per region (the writer marked), replication arrows
//! from the writer to the others, and inside each box its shards with primary and replicas.

use super::status_badge::StatusBadge;
use crate::model::{NodeRole, Shard};
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

#[component]
pub fn Topology(
    regions: Vec<TopoRegion>,
    /// While true, every status in the picture is drawn stale; `age` says how old.
    #[prop(optional)]
    stale: Signal<bool>,
    #[prop(optional)] age: Signal<String>,
) -> impl IntoView {
    // Writer first, so arrows read left to right from it; the others keep their order.
    let mut regions = regions;
    regions.sort_by_key(|r| !r.writes);
    let writer_name = regions.iter().find(|r| r.writes).map(|r| r.region.clone());
    let count = regions.len();
    view! {
        <div class="topology" role="group" aria-label=format!("Topology: {count} region(s), writer in {}", writer_name.clone().unwrap_or_else(|| "no region".into()))>
            {regions
                .into_iter()
                .enumerate()
                .map(|(i, r)| {
                    let arrow = (i > 0 && writer_name.is_some()).then(|| {
                        view! {
                            <div class="topology__arrow" aria-hidden="true">
                                <span class="topology__arrow-line">"replicates ⟶"</span>
                            </div>
                        }
                    })
                    ;
                    view! {
                        {arrow}
                        <RegionBox region=r stale=stale age=age />
                    }
                })
                .collect_view()}
        </div>
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
