//! ElastiCache (Query, API 2015-02-02): global datastores, replication groups, events, failover.

use super::{parse_query_events, query_describe_events, token, Accepted, Api, Page, PAGE_SIZE};
use crate::aws::client::{CallBody, Client};
use crate::aws::endpoint::ELASTICACHE_API_VERSION;
use crate::aws::error::AwsError;
use crate::aws::protocol::query::QueryRequest;
use crate::aws::protocol::xml::{decode, Element};
use crate::aws::protocol::DecodeError;
use crate::model::{
    Event, EventSource, GlobalDatastore, GlobalDatastoreMember, GlobalShard, MemberRole, Node,
    NodeRole, ReplicationGroup, Service, Shard,
};
use std::future::Future;

/// ElastiCache in one region.
#[derive(Clone, Debug)]
pub struct ElastiCache<'a> {
    api: Api<'a>,
}

impl<'a> ElastiCache<'a> {
    pub(crate) fn new(client: &'a Client, region: &str) -> Self {
        ElastiCache {
            api: Api::new(client, Service::ElastiCache, region),
        }
    }

    pub fn region(&self) -> &str {
        self.api.region()
    }

    fn request(action: &str) -> QueryRequest {
        QueryRequest::new(action, ELASTICACHE_API_VERSION)
    }

    /// Every global datastore visible from this region, with member details, all pages.
    pub fn describe_global_datastores<'s>(
        &'s self,
    ) -> impl Future<Output = Result<Vec<GlobalDatastore>, AwsError>> + use<'a, 's> {
        self.api.all_pages(
            "DescribeGlobalReplicationGroups",
            Box::new(|marker| {
                CallBody::Query(requests::describe_global_replication_groups(None, marker))
            }),
            |body, _| parse_describe_global_replication_groups(body),
        )
    }

    pub fn describe_global_datastore<'s>(
        &'s self,
        id: &'s str,
    ) -> impl Future<Output = Result<GlobalDatastore, AwsError>> + use<'a, 's> {
        self.api.find(
            "DescribeGlobalReplicationGroups",
            CallBody::Query(requests::describe_global_replication_groups(Some(id), None)),
            |body, _| parse_describe_global_replication_groups(body),
            move |g| g.id == id,
            "global datastore",
            id,
        )
    }

    /// Every replication group of the region, all pages.
    pub fn describe_replication_groups<'s>(
        &'s self,
    ) -> impl Future<Output = Result<Vec<ReplicationGroup>, AwsError>> + use<'a, 's> {
        self.api.all_pages(
            "DescribeReplicationGroups",
            Box::new(|marker| CallBody::Query(requests::describe_replication_groups(None, marker))),
            parse_describe_replication_groups,
        )
    }

    pub fn describe_replication_group<'s>(
        &'s self,
        id: &'s str,
    ) -> impl Future<Output = Result<ReplicationGroup, AwsError>> + use<'a, 's> {
        self.api.find(
            "DescribeReplicationGroups",
            CallBody::Query(requests::describe_replication_groups(Some(id), None)),
            parse_describe_replication_groups,
            move |g| g.id == id,
            "replication group",
            id,
        )
    }

    /// Events of the region (AWS's default window is the last hour unless `since` is set).
    pub fn describe_events<'s>(
        &'s self,
        source: &'s EventSource,
    ) -> impl Future<Output = Result<Vec<Event>, AwsError>> + use<'a, 's> {
        self.api.all_pages(
            "DescribeEvents",
            Box::new(move |marker| CallBody::Query(requests::describe_events(source, marker))),
            parse_describe_events,
        )
    }

    /// CreateGlobalReplicationGroup: makes `primary_replication_group_id` the primary of a new
    /// global datastore (AWS prefixes the suffix to form the id).
    pub fn create_global_datastore<'s>(
        &'s self,
        suffix: &str,
        primary_replication_group_id: &str,
        description: Option<&'s str>,
    ) -> impl Future<Output = Result<Accepted<GlobalDatastore>, AwsError>> + use<'a, 's> {
        let q = requests::create_global_replication_group(
            suffix,
            primary_replication_group_id,
            description,
        );
        self.api.mutate(
            "CreateGlobalReplicationGroup",
            CallBody::Query(q),
            |body, _| parse_create_global_replication_group(body),
        )
    }

    /// FailoverGlobalReplicationGroup: promotes the secondary in `primary_region`.
    pub fn failover_global_datastore<'s>(
        &'s self,
        id: &str,
        primary_region: &str,
        primary_replication_group_id: &str,
    ) -> impl Future<Output = Result<Accepted<GlobalDatastore>, AwsError>> + use<'a, 's> {
        let q = requests::failover_global_replication_group(
            id,
            primary_region,
            primary_replication_group_id,
        );
        self.api.mutate(
            "FailoverGlobalReplicationGroup",
            CallBody::Query(q),
            |body, _| parse_failover_global_replication_group(body),
        )
    }

    /// TestFailover: fails over the primary of one shard (node group) to a replica.
    pub fn test_failover<'s>(
        &'s self,
        replication_group_id: &str,
        shard_id: &str,
    ) -> impl Future<Output = Result<Accepted<ReplicationGroup>, AwsError>> + use<'a, 's> {
        let q = requests::test_failover(replication_group_id, shard_id);
        self.api
            .mutate("TestFailover", CallBody::Query(q), parse_test_failover)
    }
}

/// The Query bodies, exactly as sent (the tests compare them with botocore's).
pub mod requests {
    use super::*;

    pub fn describe_global_replication_groups(
        id: Option<&str>,
        marker: Option<&str>,
    ) -> QueryRequest {
        let q = ElastiCache::request("DescribeGlobalReplicationGroups")
            .opt("GlobalReplicationGroupId", id);
        let q = if id.is_none() {
            q.int("MaxRecords", PAGE_SIZE)
        } else {
            q
        };
        q.opt("Marker", marker).bool("ShowMemberInfo", true)
    }

    pub fn describe_replication_groups(id: Option<&str>, marker: Option<&str>) -> QueryRequest {
        let q = ElastiCache::request("DescribeReplicationGroups").opt("ReplicationGroupId", id);
        // A single group needs no page size; the list asks for the largest page.
        let q = if id.is_none() {
            q.int("MaxRecords", PAGE_SIZE)
        } else {
            q
        };
        q.opt("Marker", marker)
    }

    pub fn describe_events(source: &EventSource, marker: Option<&str>) -> QueryRequest {
        query_describe_events(ELASTICACHE_API_VERSION, source, marker)
    }

    pub fn create_global_replication_group(
        suffix: &str,
        primary: &str,
        description: Option<&str>,
    ) -> QueryRequest {
        ElastiCache::request("CreateGlobalReplicationGroup")
            .param("GlobalReplicationGroupIdSuffix", suffix)
            .opt("GlobalReplicationGroupDescription", description)
            .param("PrimaryReplicationGroupId", primary)
    }

    pub fn failover_global_replication_group(
        id: &str,
        primary_region: &str,
        primary_group: &str,
    ) -> QueryRequest {
        ElastiCache::request("FailoverGlobalReplicationGroup")
            .param("GlobalReplicationGroupId", id)
            .param("PrimaryRegion", primary_region)
            .param("PrimaryReplicationGroupId", primary_group)
    }

    pub fn test_failover(replication_group_id: &str, node_group_id: &str) -> QueryRequest {
        ElastiCache::request("TestFailover")
            .param("ReplicationGroupId", replication_group_id)
            .param("NodeGroupId", node_group_id)
    }
}

// ---- answers to domain (element names as in the ElastiCache API) ----

fn global_datastore(g: &Element) -> Result<GlobalDatastore, DecodeError> {
    // The fallible members first: an error then has fewer members built to drop.
    Ok(GlobalDatastore {
        id: g.string("GlobalReplicationGroupId")?,
        cluster_enabled: g.opt_bool("ClusterEnabled")?,
        members: g.decode_list("Members", "GlobalReplicationGroupMember", |m| {
            Ok(GlobalDatastoreMember {
                replication_group_id: m.string("ReplicationGroupId")?,
                region: m.string_or_empty("ReplicationGroupRegion"),
                role: MemberRole::parse(&m.string_or_empty("Role")),
                automatic_failover: m.opt_string("AutomaticFailover"),
                status: m.opt_string("Status"),
            })
        })?,
        shards: g.decode_list("GlobalNodeGroups", "GlobalNodeGroup", |s| {
            Ok(GlobalShard {
                id: s.string("GlobalNodeGroupId")?,
                slots: s.opt_string("Slots"),
            })
        })?,
        description: g.opt_string("GlobalReplicationGroupDescription"),
        status: g.string_or_empty("Status"),
        engine: g.opt_string("Engine"),
        engine_version: g.opt_string("EngineVersion"),
        node_type: g.opt_string("CacheNodeType"),
        arn: g.opt_string("ARN"),
    })
}

fn replication_group(g: &Element, region: &str) -> Result<ReplicationGroup, DecodeError> {
    // The fallible members first: an error then has fewer members built to drop.
    Ok(ReplicationGroup {
        id: g.string("ReplicationGroupId")?,
        cluster_enabled: g.opt_bool("ClusterEnabled")?,
        shards: g.decode_list("NodeGroups", "NodeGroup", shard)?,
        region: region.to_string(),
        description: g.opt_string("Description"),
        status: g.string_or_empty("Status"),
        global_datastore: g.child("GlobalReplicationGroupInfo").and_then(|info| {
            let id = info.opt_string("GlobalReplicationGroupId")?;
            let role = info.string_or_empty("GlobalReplicationGroupMemberRole");
            Some((id, MemberRole::parse(&role)))
        }),
        multi_az: g.opt_string("MultiAZ"),
        automatic_failover: g.opt_string("AutomaticFailover"),
        node_type: g.opt_string("CacheNodeType"),
        engine: g.opt_string("Engine"),
        arn: g.opt_string("ARN"),
        member_clusters: g.texts("MemberClusters", "ClusterId"),
        endpoints: group_endpoints(g)?,
    })
}

/// The configuration endpoint (cluster mode), else the first node group's primary and
/// reader endpoints (cluster mode disabled has one node group).
fn group_endpoints(g: &Element) -> Result<Vec<(String, String)>, DecodeError> {
    let mut out = Vec::new();
    if let Some(e) = g.child("ConfigurationEndpoint") {
        if let Some(text) = endpoint_text(e)? {
            out.push(("configuration".to_string(), text));
        }
    }
    let first = g.child("NodeGroups").and_then(|n| n.child("NodeGroup"));
    for (tag, kind) in [("PrimaryEndpoint", "primary"), ("ReaderEndpoint", "reader")] {
        if let Some(e) = first.and_then(|ng| ng.child(tag)) {
            if let Some(text) = endpoint_text(e)? {
                out.push((kind.to_string(), text));
            }
        }
    }
    Ok(out)
}

fn shard(s: &Element) -> Result<Shard, DecodeError> {
    Ok(Shard {
        id: s.string("NodeGroupId")?,
        nodes: s.decode_list("NodeGroupMembers", "NodeGroupMember", |m| {
            Ok(Node {
                id: m.string("CacheClusterId")?,
                endpoint: match m.child("ReadEndpoint") {
                    Some(e) => endpoint_text(e)?,
                    None => None,
                },
                role: NodeRole::parse(&m.string_or_empty("CurrentRole")),
                availability_zone: m.opt_string("PreferredAvailabilityZone"),
                status: None,
            })
        })?,
        status: s.opt_string("Status"),
        slots: s.opt_string("Slots"),
    })
}

/// `address:port` (or the address alone); `None` without an address.
pub(crate) fn endpoint_text(e: &Element) -> Result<Option<String>, DecodeError> {
    let port = e.opt_u32("Port")?;
    Ok(e.opt_string("Address").map(|address| match port {
        Some(port) => format!("{address}:{port}"),
        None => address,
    }))
}

// ---- decoders (pure: bytes in, domain out) ----

pub fn parse_describe_global_replication_groups(
    body: &[u8],
) -> Result<Page<GlobalDatastore>, DecodeError> {
    decode(body, |root| {
        let r = root.required("DescribeGlobalReplicationGroupsResult")?;
        Ok(Page {
            items: r.decode_list(
                "GlobalReplicationGroups",
                "GlobalReplicationGroup",
                global_datastore,
            )?,
            next_token: token(r.opt_string("Marker")),
        })
    })
}

pub fn parse_create_global_replication_group(body: &[u8]) -> Result<GlobalDatastore, DecodeError> {
    decode(body, |root| {
        global_datastore(
            root.required("CreateGlobalReplicationGroupResult")?
                .required("GlobalReplicationGroup")?,
        )
    })
}

pub fn parse_failover_global_replication_group(
    body: &[u8],
) -> Result<GlobalDatastore, DecodeError> {
    decode(body, |root| {
        global_datastore(
            root.required("FailoverGlobalReplicationGroupResult")?
                .required("GlobalReplicationGroup")?,
        )
    })
}

pub fn parse_describe_replication_groups(
    body: &[u8],
    region: &str,
) -> Result<Page<ReplicationGroup>, DecodeError> {
    decode(body, |root| {
        let r = root.required("DescribeReplicationGroupsResult")?;
        Ok(Page {
            items: r.decode_list("ReplicationGroups", "ReplicationGroup", |g| {
                replication_group(g, region)
            })?,
            next_token: token(r.opt_string("Marker")),
        })
    })
}

pub fn parse_test_failover(body: &[u8], region: &str) -> Result<ReplicationGroup, DecodeError> {
    decode(body, |root| {
        replication_group(
            root.required("TestFailoverResult")?
                .required("ReplicationGroup")?,
            region,
        )
    })
}

pub fn parse_describe_events(body: &[u8], region: &str) -> Result<Page<Event>, DecodeError> {
    parse_query_events(body, Service::ElastiCache, region)
}
