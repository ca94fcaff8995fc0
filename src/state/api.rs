//! The one place where the UI calls the AWS client: list a region, read one resource, read
//! events, carry out an action and observe its progress. Pages and stores only call this.

use super::action::{Action, TEST_FAILOVER_EVENT};
use super::errors::ErrorInfo;
use super::record::{Observation, RunEvent};
use super::rows::{ResourceKind, ResourceRef};
use super::session::Session;
use crate::aws::{AwsError, Client, ErrorCategory, ErrorKind};
use crate::model::{
    classify_status, DbCluster, Event, EventSource, GlobalDatabase, GlobalDatastore,
    MemoryDbCluster, MultiRegionCluster, NodeRole, ReplicationGroup, Service, StatusKind,
    Timestamp,
};
use futures::future::join_all;

pub fn to_error(e: &AwsError) -> ErrorInfo {
    let category = match (e.kind(), e.category()) {
        (ErrorKind::Transport, _) => "transport",
        (ErrorKind::Decode, _) => "decode",
        (ErrorKind::Config, _) => "config",
        (_, Some(c)) => c.as_str(),
        (_, None) => "other",
    };
    let message = e.message();
    ErrorInfo {
        summary: e.to_string(),
        code: e.code().map(str::to_string),
        message: (!message.is_empty()).then(|| message.to_string()),
        request_id: e.request_id().map(str::to_string),
        category: category.to_string(),
        advice: e.advice(),
    }
}

/// A local wall-clock time in AWS's time: the client's clock learns the skew from the `Date`
/// header, and event filters (`since`) must use it or a fast local clock hides every event.
pub fn server_time(session: &Session, local_ms: i64) -> i64 {
    local_ms + session.client.clock().skew_ms()
}

/// What one region of one service holds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SlotData {
    pub global_datastores: Vec<GlobalDatastore>,
    pub replication_groups: Vec<ReplicationGroup>,
    pub global_databases: Vec<GlobalDatabase>,
    pub db_clusters: Vec<DbCluster>,
    pub memorydb: Vec<MemoryDbCluster>,
    pub multi_region: Vec<MultiRegionCluster>,
    /// The list calls that failed while another of the same service answered.
    pub failed: Vec<ErrorInfo>,
    /// ElastiCache: TestFailover calls in the Region in the last 24 hours (its quota), once
    /// counted (after the listing, which does not wait for it) and when the events could be read.
    pub test_failovers_24h: Option<u32>,
}

/// Lists one service in one region (both list calls for the two-level services, in parallel).
/// Each call stands on its own: when one fails and the other answers (a role allowed
/// `DescribeReplicationGroups` but not `DescribeGlobalReplicationGroups`), what answered is
/// kept and the failed call is in `failed`; only when every call failed is the slot an error.
pub async fn load_slot(
    session: &Session,
    region: &str,
    service: Service,
) -> Result<SlotData, ErrorInfo> {
    let c = &session.client;
    let mut data = SlotData::default();
    let mut failed = Vec::new();
    let calls = match service {
        Service::ElastiCache => {
            let ec = c.elasticache(region);
            let (g, r) = futures::future::join(
                ec.describe_global_datastores(),
                ec.describe_replication_groups(),
            )
            .await;
            data.global_datastores = kept(g, &mut failed);
            data.replication_groups = kept(r, &mut failed);
            2
        }
        Service::Neptune => {
            let np = c.neptune(region);
            let (g, cl) =
                futures::future::join(np.describe_global_databases(), np.describe_clusters()).await;
            data.global_databases = kept(g, &mut failed);
            data.db_clusters = kept(cl, &mut failed);
            2
        }
        Service::MemoryDb => {
            let mdb = c.memorydb(region);
            let (clusters, multi) = futures::future::join(
                mdb.describe_clusters(),
                mdb.describe_multi_region_clusters(),
            )
            .await;
            data.memorydb = kept(clusters, &mut failed);
            data.multi_region = kept(multi, &mut failed);
            2
        }
        // Never listed: the inventory lists the three services it covers.
        Service::Sts | Service::CloudWatch => 0,
    };
    if calls > 0 && failed.len() == calls {
        return Err(failed.swap_remove(0));
    }
    data.failed = failed;
    Ok(data)
}

/// A list call's items, or none with its error noted.
fn kept<T: Default>(answer: Result<T, AwsError>, failed: &mut Vec<ErrorInfo>) -> T {
    answer.unwrap_or_else(|e| {
        failed.push(to_error(&e));
        T::default()
    })
}

/// One resource in full, for its page.
#[derive(Clone, Debug, PartialEq)]
pub enum Detail {
    GlobalDatastore {
        datastore: GlobalDatastore,
        members: Vec<Result<ReplicationGroup, ErrorInfo>>,
    },
    ReplicationGroup(ReplicationGroup),
    /// The global database and each member cluster as its own region reads it: the global
    /// answer says who writes, the clusters say how each one is (their own status).
    GlobalDatabase {
        database: GlobalDatabase,
        clusters: Vec<Result<DbCluster, ErrorInfo>>,
    },
    /// A Neptune cluster and the global database it belongs to, if any: (id, writes in it).
    NeptuneCluster {
        cluster: DbCluster,
        global: Option<(String, bool)>,
    },
    MemoryDb(MemoryDbCluster),
    /// A Multi-Region cluster and each regional cluster as its own Region reads it.
    MultiRegion {
        cluster: MultiRegionCluster,
        regional: Vec<Result<MemoryDbCluster, ErrorInfo>>,
    },
}

/// A resource as read for its page, and for a global one the region that answered.
pub struct Read {
    pub detail: Detail,
    pub answered_by: Option<String>,
}

/// Whether another region may answer a global resource where this one failed: a region that
/// is not a member does not know it (not found), an impaired one does not answer.
fn try_next_region(e: &AwsError) -> bool {
    e.kind() == ErrorKind::Transport
        || matches!(
            e.category(),
            Some(ErrorCategory::NotFound | ErrorCategory::Server | ErrorCategory::Throttling)
        )
}

/// Reads a global resource from the first of `regions` that answers for it, and says which.
/// AWS answers for a global datastore or global database in its member regions only, so the
/// caller puts the regions it saw the resource in first.
async fn from_first_region<T, F, Fut>(regions: &[String], read: F) -> Result<(T, String), AwsError>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Result<T, AwsError>>,
{
    let mut last = None;
    for region in regions {
        match read(region.clone()).await {
            Ok(found) => return Ok((found, region.clone())),
            Err(e) if try_next_region(&e) => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| AwsError::config("no region to read this global resource from")))
}

/// A Neptune cluster as its region lists it.
async fn neptune_cluster(c: &Client, region: &str, id: &str) -> Result<DbCluster, ErrorInfo> {
    let clusters = c
        .neptune(region)
        .describe_clusters()
        .await
        .map_err(|e| to_error(&e))?;
    clusters.into_iter().find(|x| x.id == id).ok_or_else(|| {
        ErrorInfo::local(
            format!("No Neptune cluster named {id} in {region}."),
            "Check the name and region, or go back to the inventory.",
        )
    })
}

/// Why a member in a Region known not to answer was not read.
fn not_read(region: &str, service: Service) -> ErrorInfo {
    ErrorInfo::local(
        format!(
            "Not read: {region} · {} is not answering the console.",
            service.label()
        ),
        "Its own status shows again once the Region answers.",
    )
}

/// Reads one resource for its page. A global one is asked of `regions` in turn (the regions
/// it is known in first), until one answers; its members are read in their own Regions,
/// except in a Region `silent` says is not answering (a read there would only wait for its
/// timeout): those members come back as not read.
pub async fn fetch_detail(
    session: &Session,
    r: &ResourceRef,
    regions: &[String],
    silent: &dyn Fn(&str) -> bool,
) -> Result<Read, ErrorInfo> {
    let c = &session.client;
    let regional = |detail| Read {
        detail,
        answered_by: None,
    };
    match r.kind {
        ResourceKind::GlobalDatastore => {
            let (datastore, region) = from_first_region(regions, |region| async move {
                c.elasticache(&region)
                    .describe_global_datastore(&r.id)
                    .await
            })
            .await
            .map_err(|e| to_error(&e))?;
            let reads = datastore.members.iter().map(|m| async move {
                if silent(&m.region) {
                    return Err(not_read(&m.region, Service::ElastiCache));
                }
                c.elasticache(&m.region)
                    .describe_replication_group(&m.replication_group_id)
                    .await
                    .map_err(|e| to_error(&e))
            });
            let members = join_all(reads).await;
            Ok(Read {
                detail: Detail::GlobalDatastore { datastore, members },
                answered_by: Some(region),
            })
        }
        ResourceKind::ReplicationGroup => c
            .elasticache(&r.region)
            .describe_replication_group(&r.id)
            .await
            .map(|rg| regional(Detail::ReplicationGroup(rg)))
            .map_err(|e| to_error(&e)),
        ResourceKind::GlobalDatabase => {
            let (database, region) = from_first_region(regions, |region| async move {
                c.neptune(&region).describe_global_database(&r.id).await
            })
            .await
            .map_err(|e| to_error(&e))?;
            let reads = database.members.iter().map(|m| async move {
                match m.region.as_deref() {
                    Some(region) if silent(region) => Err(not_read(region, Service::Neptune)),
                    Some(region) => neptune_cluster(c, region, m.cluster_id()).await,
                    None => Err(ErrorInfo::local(
                        format!("No region in the ARN of {}.", m.cluster_arn),
                        "The member's own status cannot be read.",
                    )),
                }
            });
            let clusters = join_all(reads).await;
            Ok(Read {
                detail: Detail::GlobalDatabase { database, clusters },
                answered_by: Some(region),
            })
        }
        ResourceKind::NeptuneCluster => {
            let np = c.neptune(&r.region);
            let (cluster, globals) = futures::future::join(
                neptune_cluster(c, &r.region, &r.id),
                np.describe_global_databases(),
            )
            .await;
            let cluster = cluster?;
            // The global database it belongs to: a link to where its failovers are. Not
            // knowing it (that list failed) leaves the link out, not the page.
            let global = globals.ok().and_then(|globals| {
                globals.into_iter().find_map(|g| {
                    g.members
                        .iter()
                        .find(|m| {
                            m.cluster_id() == cluster.id
                                && m.region.as_deref().is_none_or(|reg| reg == cluster.region)
                        })
                        .map(|m| (g.id.clone(), m.is_writer))
                })
            });
            Ok(regional(Detail::NeptuneCluster { cluster, global }))
        }
        ResourceKind::MemoryDbCluster => c
            .memorydb(&r.region)
            .describe_cluster(&r.id)
            .await
            .map(|m| regional(Detail::MemoryDb(m)))
            .map_err(|e| to_error(&e)),
        ResourceKind::MultiRegionCluster => {
            let (cluster, region) = from_first_region(regions, |region| async move {
                c.memorydb(&region)
                    .describe_multi_region_cluster(&r.id)
                    .await
            })
            .await
            .map_err(|e| to_error(&e))?;
            let reads = cluster.clusters.iter().map(|m| async move {
                if silent(&m.region) {
                    return Err(not_read(&m.region, Service::MemoryDb));
                }
                c.memorydb(&m.region)
                    .describe_cluster(&m.name)
                    .await
                    .map_err(|e| to_error(&e))
            });
            let regional = join_all(reads).await;
            Ok(Read {
                detail: Detail::MultiRegion { cluster, regional },
                answered_by: Some(region),
            })
        }
    }
}

/// Events of one service in one region.
pub async fn fetch_events(
    session: &Session,
    service: Service,
    region: &str,
    source: &EventSource,
) -> Result<Vec<Event>, ErrorInfo> {
    let c = &session.client;
    let result = match service {
        Service::ElastiCache => c.elasticache(region).describe_events(source).await,
        Service::Neptune => c.neptune(region).describe_events(source).await,
        Service::MemoryDb => c.memorydb(region).describe_events(source).await,
        Service::Sts | Service::CloudWatch => return Ok(Vec::new()),
    };
    result.map_err(|e| to_error(&e))
}

/// Events of one service in each region, read at once, in the order of `regions`.
async fn events_in(
    session: &Session,
    service: Service,
    regions: &[String],
    source: &EventSource,
) -> Vec<Result<Vec<Event>, ErrorInfo>> {
    join_all(
        regions
            .iter()
            .map(|region| fetch_events(session, service, region, source)),
    )
    .await
}

/// Recent events about a resource, across the regions it spans, as lines oldest first.
pub async fn resource_events(
    session: &Session,
    service: Service,
    regions: &[String],
    related: &[String],
    since: i64,
) -> Result<Vec<RunEvent>, ErrorInfo> {
    let source = EventSource {
        source_id: None,
        source_type: None,
        since: Some(Timestamp(since)),
    };
    let mut out = Vec::new();
    let mut first_error = None;
    let mut answered = false;
    for result in events_in(session, service, regions, &source).await {
        // A region that does not answer leaves out its events, not those of the others
        // (the reachability line says which region is silent); all silent is an error.
        let events = match result {
            Ok(events) => {
                answered = true;
                events
            }
            Err(e) => {
                first_error.get_or_insert(e);
                continue;
            }
        };
        for e in events {
            if is_related(&e, related) {
                out.push(RunEvent {
                    at: e.date.millis(),
                    source: format!("{} {}", e.region, e.source_id),
                    message: e.message,
                });
            }
        }
    }
    if !answered {
        if let Some(e) = first_error {
            return Err(e);
        }
    }
    out.sort_by_key(|e| e.at);
    Ok(out)
}

fn is_related(e: &Event, related: &[String]) -> bool {
    related.iter().any(|id| {
        !id.is_empty() && (e.source_id.contains(id.as_str()) || e.message.contains(id.as_str()))
    })
}

/// TestFailover calls in the last 24 hours in one Region: AWS documents the quota as 15 shards
/// in any rolling 24 hours, and like its other quotas it is per account and Region (the call
/// goes to the Region's own endpoint).
pub async fn count_test_failovers(
    session: &Session,
    region: &str,
    now: i64,
) -> Result<u32, String> {
    let source = EventSource {
        source_id: None,
        source_type: None,
        since: Some(Timestamp(now - 24 * 3600 * 1000)),
    };
    let events = fetch_events(session, Service::ElastiCache, region, &source)
        .await
        .map_err(|e| e.one_line())?;
    Ok(count_test_failover_events(&events))
}

/// The TestFailover calls among these events (one "Test Failover API called" event each).
pub fn count_test_failover_events(events: &[Event]) -> u32 {
    events
        .iter()
        .filter(|e| e.message.contains(TEST_FAILOVER_EVENT))
        .count() as u32
}

/// What AWS said when it accepted an action's call: its request id, and the time in its
/// `Date` header (ms, whole seconds).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Receipt {
    pub request_id: Option<String>,
    pub date: Option<i64>,
}

fn receipt<T>(accepted: crate::aws::Accepted<T>) -> Receipt {
    Receipt {
        request_id: accepted.request_id,
        date: accepted.date.map(|d| d.millis()),
    }
}

/// Sends the action's one mutating call. Never retried (the client does not retry mutations
/// and neither does this).
pub async fn execute(session: &Session, action: &Action) -> Result<Receipt, ErrorInfo> {
    let c = &session.client;
    // Each arm answers the call's receipt without its decoded answer, so the error is
    // converted at one place.
    let sent = match action {
        Action::PromoteSecondary {
            datastore,
            target_group,
            target_region,
        } => c
            .elasticache(target_region)
            .failover_global_datastore(datastore, target_region, target_group)
            .await
            .map(receipt),
        Action::CreateGlobalDatastore {
            group,
            region,
            suffix,
        } => c
            .elasticache(region)
            .create_global_datastore(suffix, group, Some(super::dry_run::CREATED_BY))
            .await
            .map(receipt),
        Action::TestFailover {
            group,
            region,
            shard,
        } => c
            .elasticache(region)
            .test_failover(group, shard)
            .await
            .map(receipt),
        Action::NeptuneFailover {
            database,
            target_cluster_arn,
            target_region,
        } => c
            .neptune(target_region)
            .failover_global_database(database, target_cluster_arn, true)
            .await
            .map(receipt),
        Action::NeptuneSwitchover {
            database,
            target_cluster_arn,
            target_region,
            via_failover_api,
        } => {
            let np = c.neptune(target_region);
            if *via_failover_api {
                np.failover_global_database_as_switchover(database, target_cluster_arn)
                    .await
            } else {
                np.switchover_global_database(database, target_cluster_arn)
                    .await
            }
            .map(receipt)
        }
        Action::MemoryDbFailoverShard {
            cluster,
            region,
            shard,
        } => c
            .memorydb(region)
            .failover_shard(cluster, shard)
            .await
            .map(receipt),
    };
    sent.map_err(|e| to_error(&e))
}

/// The status to report of a resource and one of its parts: `current` unless it is healthy
/// and the part's is not. Folded over several parts it answers the resource's own status
/// when that is not healthy, else the first part's that is not.
fn worse<'a>(current: &'a str, part: Option<&'a str>) -> &'a str {
    match part {
        Some(part)
            if classify_status(current) == StatusKind::Healthy
                && classify_status(part) != StatusKind::Healthy =>
        {
            part
        }
        _ => current,
    }
}

/// Reads the resource an action changes and says who writes and how it is.
pub async fn observe(session: &Session, action: &Action) -> Result<Observation, ErrorInfo> {
    observed(&session.client, action)
        .await
        .map_err(|e| to_error(&e))
}

/// [`observe`] with the AWS error as is, so it is converted at one place.
async fn observed(c: &Client, action: &Action) -> Result<Observation, AwsError> {
    Ok(match action {
        Action::PromoteSecondary {
            datastore,
            target_region,
            ..
        } => {
            let g = c
                .elasticache(target_region)
                .describe_global_datastore(datastore)
                .await?;
            let mut status = g.status.as_str();
            for m in &g.members {
                status = worse(status, m.status.as_deref());
            }
            Observation {
                status: status.to_string(),
                writer: g
                    .primary()
                    .map(|p| p.replication_group_id.clone())
                    .unwrap_or_default(),
                pending: false,
            }
        }
        Action::CreateGlobalDatastore { group, region, .. } => {
            let rg = c
                .elasticache(region)
                .describe_replication_group(group)
                .await?;
            match &rg.global_datastore {
                Some((id, _)) => {
                    let g = c.elasticache(region).describe_global_datastore(id).await?;
                    Observation {
                        status: worse(&g.status, Some(&rg.status)).to_string(),
                        writer: g.id.clone(),
                        pending: false,
                    }
                }
                None => Observation {
                    status: rg.status.clone(),
                    writer: String::new(),
                    pending: false,
                },
            }
        }
        Action::TestFailover {
            group,
            region,
            shard,
        } => {
            let rg = c
                .elasticache(region)
                .describe_replication_group(group)
                .await?;
            let s = rg.shard(shard);
            Observation {
                status: worse(&rg.status, s.and_then(|s| s.status.as_deref())).to_string(),
                writer: s
                    .and_then(|s| s.primary())
                    .map(|n| n.id.clone())
                    .unwrap_or_default(),
                pending: false,
            }
        }
        Action::NeptuneFailover {
            database,
            target_region,
            ..
        }
        | Action::NeptuneSwitchover {
            database,
            target_region,
            ..
        } => {
            let g = c
                .neptune(target_region)
                .describe_global_database(database)
                .await?;
            Observation {
                status: g.status.clone(),
                writer: g
                    .writer()
                    .map(|w| w.cluster_id().to_string())
                    .unwrap_or_default(),
                pending: g.failover.is_some(),
            }
        }
        Action::MemoryDbFailoverShard {
            cluster,
            region,
            shard,
        } => {
            let m = c.memorydb(region).describe_cluster(cluster).await?;
            let s = m.shard(shard);
            Observation {
                status: worse(&m.status, s.and_then(|s| s.status.as_deref())).to_string(),
                writer: s
                    .and_then(|s| s.nodes.iter().find(|n| n.role == NodeRole::Primary))
                    .map(|n| n.id.clone())
                    .unwrap_or_default(),
                pending: false,
            }
        }
    })
}

/// The events a run shows: the action's service, in the regions it touches, about its ids.
pub async fn run_events(
    session: &Session,
    action: &Action,
    related: &[String],
    since: i64,
) -> Result<Vec<RunEvent>, ErrorInfo> {
    let service = action.resource().kind.service();
    let regions: Vec<String> = match action {
        Action::PromoteSecondary { .. }
        | Action::NeptuneFailover { .. }
        | Action::NeptuneSwitchover { .. } => session.regions.clone(),
        _ => vec![action.call_region().to_string()],
    };
    resource_events(session, service, &regions, related, since).await
}

#[cfg(test)]
mod status_tests {
    use super::worse;

    #[test]
    fn the_status_reported_is_the_own_unless_healthy_then_the_first_part_not_healthy() {
        let fold = |own, parts: &[Option<&'static str>]| {
            let mut status = own;
            for part in parts {
                status = worse(status, *part);
            }
            status
        };
        assert_eq!(fold("modifying", &[Some("creating")]), "modifying");
        assert_eq!(
            fold(
                "available",
                &[None, Some("available"), Some("creating"), Some("modifying")]
            ),
            "creating"
        );
        assert_eq!(fold("available", &[None, Some("in-sync")]), "available");
    }
}
