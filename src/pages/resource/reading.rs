//! How the resource page reads: where to ask a global resource, which events concern it,
//! whether it is changing, and how fresh (or stale) the picture is said to be.

use super::READ_ALLOWANCE_MS;
use crate::components::status_badge::STALE_GLYPH;
use crate::model::{classify_status, global_datastore_prefix, Timestamp};
use crate::state::api::Detail;
use crate::state::errors::ErrorInfo;
use crate::state::rows::ResourceRef;
use leptos::prelude::*;

/// How old a picture may get before it is drawn stale: two poll intervals without an answer.
pub(super) fn stale_after(interval_ms: u32) -> i64 {
    2 * (i64::from(interval_ms) + READ_ALLOWANCE_MS)
}

/// `4 s`, `2 min 5 s`.
pub(super) fn ago(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    if s < 60 {
        format!("{s} s")
    } else {
        format!("{} min {} s", s / 60, s % 60)
    }
}

/// `read 3 s ago (07:41:02 UTC)`; once stale, how old the picture is and, when the latest
/// refresh failed, why.
pub(super) fn freshness(
    read_at: Option<i64>,
    stale: bool,
    error: Option<&ErrorInfo>,
    now: i64,
) -> String {
    let Some(at) = read_at else {
        return String::new();
    };
    let when = Timestamp(at).time_of_day();
    let age = ago(now - at);
    if !stale {
        return format!("read {age} ago ({when} UTC)");
    }
    // Short enough for the heading line; the run cards and the title carry the rest.
    let why = match error.map(|e| (e.code.as_deref(), e.category.as_str())) {
        None => "no answer yet",
        Some((Some(code), _)) => code,
        Some((None, "transport")) => "no answer (network)",
        Some((None, "decode")) => "unreadable answer",
        Some((None, other)) => other,
    };
    format!("{STALE_GLYPH} STALE — last read {age} ago ({when} UTC): {why} — retrying")
}

pub(super) fn detail_status(d: &Detail) -> String {
    match d {
        Detail::GlobalDatastore { datastore, .. } => datastore.status.clone(),
        Detail::ReplicationGroup(r) => r.status.clone(),
        Detail::GlobalDatabase { database: g, .. } => g.status.clone(),
        Detail::NeptuneCluster { cluster: c, .. } => c.status.clone(),
        Detail::MemoryDb(m) => m.status.clone(),
        Detail::MultiRegion { cluster, .. } => cluster.status.clone(),
    }
}

pub(super) fn detail_changing(d: &Detail) -> bool {
    let t = |s: &str| classify_status(s).is_transitional();
    match d {
        Detail::GlobalDatastore { datastore, members } => {
            t(&datastore.status) || members.iter().flatten().any(|m| t(&m.status))
        }
        Detail::GlobalDatabase {
            database: g,
            clusters,
        } => {
            t(&g.status) || g.failover.is_some() || clusters.iter().flatten().any(|c| t(&c.status))
        }
        _ => t(&detail_status(d)),
    }
}

/// The regions to ask for a global resource, in order: the one that answered last, then those
/// the inventory listed it in (its writer's first), then the session's; a region whose
/// endpoint for the service is not answering goes last, so a dead region's timeouts are not
/// waited out before a healthy one is asked. Empty for a regional resource, which is read in
/// its own region.
pub(super) fn read_order(
    rref: &ResourceRef,
    answered_by: Option<String>,
    inventory: &crate::state::inventory::InventoryCtx,
    session_regions: &[String],
    reach: &crate::state::reach::ReachCtx,
) -> Vec<String> {
    if !rref.kind.is_global() {
        return Vec::new();
    }
    let mut order: Vec<String> = answered_by.into_iter().collect();
    inventory.rows.with_untracked(|rows| {
        if let Some(row) = rows.iter().find(|row| row.resource == *rref) {
            order.extend(row.regions_writer_first().into_iter().map(str::to_string));
        }
    });
    order.extend(session_regions.iter().cloned());
    let mut seen = std::collections::BTreeSet::new();
    order.retain(|r| !r.is_empty() && seen.insert(r.clone()));
    let service = rref.kind.service();
    // Stable: the order above holds among the answering and among the failing.
    order.sort_by_key(|r| {
        reach
            .failing
            .with_untracked(|f| f.contains_key(&(r.clone(), service)))
    });
    order
}

/// The id AWS gives a global datastore created in `region` with `suffix`: its documented
/// prefix for that Region, or a placeholder where the table has none.
pub(super) fn new_datastore_id(region: &str, suffix: &str) -> String {
    let suffix = suffix.trim();
    match global_datastore_prefix(region) {
        Some(prefix) => format!("{prefix}-{suffix}"),
        None => format!("<{region} prefix>-{suffix}"),
    }
}

/// Which events concern this resource: service, regions to ask, ids to match.
pub(super) fn event_scope(
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
        Some(Detail::GlobalDatabase { database: g, .. }) => {
            for m in &g.members {
                related.push(m.cluster_id().to_string());
            }
        }
        Some(Detail::MultiRegion { cluster, .. }) => {
            for c in &cluster.clusters {
                related.push(c.name.clone());
            }
        }
        _ => {}
    }
    (r.kind.service(), scope_regions, related)
}
