//! What the preflight checks are told about a resource, from a read of it (the resource
//! page's, or a plan's preflight).

use super::action::{Action, PreflightFacts};
use super::api::Detail;

pub fn facts_for(
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
            Detail::GlobalDatabase { database: g, .. },
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
