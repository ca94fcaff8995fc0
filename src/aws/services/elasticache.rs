//! ElastiCache (Query, API 2015-02-02): global datastores, replication groups, events, failover.

use super::{iso_time, text, token, Page, PAGE_SIZE};
use crate::aws::client::{CallBody, Client, Pages};
use crate::aws::endpoint::ELASTICACHE_API_VERSION;
use crate::aws::error::AwsError;
use crate::aws::protocol::query::QueryRequest;
use crate::aws::protocol::xml::from_xml;
use crate::aws::protocol::DecodeError;
use crate::model::{
    Event, EventSource, GlobalDatastore, GlobalDatastoreMember, GlobalShard, MemberRole, Node,
    NodeRole, ReplicationGroup, Service, Shard,
};
use serde::Deserialize;

/// ElastiCache in one region.
#[derive(Clone, Debug)]
pub struct ElastiCache<'a> {
    client: &'a Client,
    region: String,
}

impl<'a> ElastiCache<'a> {
    pub(crate) fn new(client: &'a Client, region: &str) -> Self {
        ElastiCache {
            client,
            region: region.to_string(),
        }
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    fn request(action: &str) -> QueryRequest {
        QueryRequest::new(action, ELASTICACHE_API_VERSION)
    }

    async fn send(
        &self,
        op: &'static str,
        q: QueryRequest,
        mutating: bool,
    ) -> Result<Vec<u8>, AwsError> {
        self.client
            .call(
                Service::ElastiCache,
                &self.region,
                op,
                CallBody::Query(q),
                mutating,
            )
            .await
    }

    fn ctx(&self, op: &'static str) -> impl Fn(AwsError) -> AwsError + '_ {
        move |e| e.with_context(Service::ElastiCache, &self.region, op)
    }

    /// Every global datastore visible from this region, with member details, all pages.
    pub async fn describe_global_datastores(&self) -> Result<Vec<GlobalDatastore>, AwsError> {
        const OP: &str = "DescribeGlobalReplicationGroups";
        let mut pages = Pages::new(self.client, OP);
        let mut out = Vec::new();
        loop {
            let q = requests::describe_global_replication_groups(None, pages.token());
            let body = self.send(OP, q, false).await?;
            let page = parse_describe_global_replication_groups(&body)
                .map_err(|e| self.ctx(OP)(e.into()))?;
            out.extend(page.items);
            if !pages.advance(page.next_token).map_err(self.ctx(OP))? {
                return Ok(out);
            }
        }
    }

    pub async fn describe_global_datastore(&self, id: &str) -> Result<GlobalDatastore, AwsError> {
        const OP: &str = "DescribeGlobalReplicationGroups";
        let q = requests::describe_global_replication_groups(Some(id), None);
        let body = self.send(OP, q, false).await?;
        let page =
            parse_describe_global_replication_groups(&body).map_err(|e| self.ctx(OP)(e.into()))?;
        page.items.into_iter().find(|g| g.id == id).ok_or_else(|| {
            self.ctx(OP)(AwsError::decode(format!(
                "the answer does not contain global datastore {id:?}"
            )))
        })
    }

    /// Every replication group of the region, all pages.
    pub async fn describe_replication_groups(&self) -> Result<Vec<ReplicationGroup>, AwsError> {
        const OP: &str = "DescribeReplicationGroups";
        let mut pages = Pages::new(self.client, OP);
        let mut out = Vec::new();
        loop {
            let q = requests::describe_replication_groups(None, pages.token());
            let body = self.send(OP, q, false).await?;
            let page = parse_describe_replication_groups(&body, &self.region)
                .map_err(|e| self.ctx(OP)(e.into()))?;
            out.extend(page.items);
            if !pages.advance(page.next_token).map_err(self.ctx(OP))? {
                return Ok(out);
            }
        }
    }

    pub async fn describe_replication_group(&self, id: &str) -> Result<ReplicationGroup, AwsError> {
        const OP: &str = "DescribeReplicationGroups";
        let q = requests::describe_replication_groups(Some(id), None);
        let body = self.send(OP, q, false).await?;
        let page = parse_describe_replication_groups(&body, &self.region)
            .map_err(|e| self.ctx(OP)(e.into()))?;
        page.items.into_iter().find(|g| g.id == id).ok_or_else(|| {
            self.ctx(OP)(AwsError::decode(format!(
                "the answer does not contain replication group {id:?}"
            )))
        })
    }

    /// Events of the region (AWS's default window is the last hour unless `since` is set).
    pub async fn describe_events(&self, source: &EventSource) -> Result<Vec<Event>, AwsError> {
        const OP: &str = "DescribeEvents";
        let mut pages = Pages::new(self.client, OP);
        let mut out = Vec::new();
        loop {
            let q = requests::describe_events(source, pages.token());
            let body = self.send(OP, q, false).await?;
            let page =
                parse_describe_events(&body, &self.region).map_err(|e| self.ctx(OP)(e.into()))?;
            out.extend(page.items);
            if !pages.advance(page.next_token).map_err(self.ctx(OP))? {
                return Ok(out);
            }
        }
    }

    /// CreateGlobalReplicationGroup: makes `primary_replication_group_id` the primary of a new
    /// global datastore (AWS prefixes the suffix to form the id).
    pub async fn create_global_datastore(
        &self,
        suffix: &str,
        primary_replication_group_id: &str,
        description: Option<&str>,
    ) -> Result<GlobalDatastore, AwsError> {
        const OP: &str = "CreateGlobalReplicationGroup";
        let q = requests::create_global_replication_group(
            suffix,
            primary_replication_group_id,
            description,
        );
        let body = self.send(OP, q, true).await?;
        parse_create_global_replication_group(&body).map_err(|e| self.ctx(OP)(e.into()))
    }

    /// FailoverGlobalReplicationGroup: promotes the secondary in `primary_region`.
    pub async fn failover_global_datastore(
        &self,
        id: &str,
        primary_region: &str,
        primary_replication_group_id: &str,
    ) -> Result<GlobalDatastore, AwsError> {
        const OP: &str = "FailoverGlobalReplicationGroup";
        let q = requests::failover_global_replication_group(
            id,
            primary_region,
            primary_replication_group_id,
        );
        let body = self.send(OP, q, true).await?;
        parse_failover_global_replication_group(&body).map_err(|e| self.ctx(OP)(e.into()))
    }

    /// TestFailover: fails over the primary of one shard (node group) to a replica.
    pub async fn test_failover(
        &self,
        replication_group_id: &str,
        shard_id: &str,
    ) -> Result<ReplicationGroup, AwsError> {
        const OP: &str = "TestFailover";
        let q = requests::test_failover(replication_group_id, shard_id);
        let body = self.send(OP, q, true).await?;
        parse_test_failover(&body, &self.region).map_err(|e| self.ctx(OP)(e.into()))
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
        let mut q = ElastiCache::request("DescribeEvents")
            .opt("SourceIdentifier", source.source_id.as_deref())
            .opt("SourceType", source.source_type.as_deref());
        if let Some(since) = source.since {
            q = q.timestamp("StartTime", since);
        }
        q.int("MaxRecords", PAGE_SIZE).opt("Marker", marker)
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

// ---- wire shapes (element names as in the ElastiCache API) ----

#[derive(Deserialize)]
struct DescribeGlobalReplicationGroupsResponse {
    #[serde(rename = "DescribeGlobalReplicationGroupsResult")]
    result: GlobalReplicationGroupsResult,
}

#[derive(Deserialize)]
struct GlobalReplicationGroupsResult {
    #[serde(rename = "Marker")]
    marker: Option<String>,
    #[serde(rename = "GlobalReplicationGroups", default)]
    groups: GlobalReplicationGroupList,
}

#[derive(Deserialize, Default)]
struct GlobalReplicationGroupList {
    #[serde(rename = "GlobalReplicationGroup", default)]
    items: Vec<WireGlobalReplicationGroup>,
}

#[derive(Deserialize)]
struct CreateGlobalReplicationGroupResponse {
    #[serde(rename = "CreateGlobalReplicationGroupResult")]
    result: GlobalReplicationGroupResult,
}

#[derive(Deserialize)]
struct FailoverGlobalReplicationGroupResponse {
    #[serde(rename = "FailoverGlobalReplicationGroupResult")]
    result: GlobalReplicationGroupResult,
}

#[derive(Deserialize)]
struct GlobalReplicationGroupResult {
    #[serde(rename = "GlobalReplicationGroup")]
    group: WireGlobalReplicationGroup,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireGlobalReplicationGroup {
    global_replication_group_id: String,
    global_replication_group_description: Option<String>,
    #[serde(default)]
    status: String,
    cache_node_type: Option<String>,
    engine: Option<String>,
    engine_version: Option<String>,
    #[serde(default)]
    members: GlobalMemberList,
    cluster_enabled: Option<bool>,
    #[serde(default)]
    global_node_groups: GlobalNodeGroupList,
    #[serde(rename = "ARN")]
    arn: Option<String>,
}

#[derive(Deserialize, Default)]
struct GlobalMemberList {
    #[serde(rename = "GlobalReplicationGroupMember", default)]
    items: Vec<WireGlobalMember>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireGlobalMember {
    replication_group_id: String,
    #[serde(default)]
    replication_group_region: String,
    role: Option<String>,
    automatic_failover: Option<String>,
    status: Option<String>,
}

#[derive(Deserialize, Default)]
struct GlobalNodeGroupList {
    #[serde(rename = "GlobalNodeGroup", default)]
    items: Vec<WireGlobalNodeGroup>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireGlobalNodeGroup {
    global_node_group_id: String,
    slots: Option<String>,
}

#[derive(Deserialize)]
struct DescribeReplicationGroupsResponse {
    #[serde(rename = "DescribeReplicationGroupsResult")]
    result: ReplicationGroupsResult,
}

#[derive(Deserialize)]
struct ReplicationGroupsResult {
    #[serde(rename = "Marker")]
    marker: Option<String>,
    #[serde(rename = "ReplicationGroups", default)]
    groups: ReplicationGroupList,
}

#[derive(Deserialize, Default)]
struct ReplicationGroupList {
    #[serde(rename = "ReplicationGroup", default)]
    items: Vec<WireReplicationGroup>,
}

#[derive(Deserialize)]
struct TestFailoverResponse {
    #[serde(rename = "TestFailoverResult")]
    result: TestFailoverResult,
}

#[derive(Deserialize)]
struct TestFailoverResult {
    #[serde(rename = "ReplicationGroup")]
    group: WireReplicationGroup,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireReplicationGroup {
    replication_group_id: String,
    description: Option<String>,
    global_replication_group_info: Option<WireGlobalInfo>,
    #[serde(default)]
    status: String,
    #[serde(default)]
    member_clusters: MemberClusterList,
    #[serde(default)]
    node_groups: NodeGroupList,
    automatic_failover: Option<String>,
    #[serde(rename = "MultiAZ")]
    multi_az: Option<String>,
    cluster_enabled: Option<bool>,
    cache_node_type: Option<String>,
    engine: Option<String>,
    #[serde(rename = "ARN")]
    arn: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireGlobalInfo {
    global_replication_group_id: Option<String>,
    global_replication_group_member_role: Option<String>,
}

#[derive(Deserialize, Default)]
struct MemberClusterList {
    #[serde(rename = "ClusterId", default)]
    items: Vec<String>,
}

#[derive(Deserialize, Default)]
struct NodeGroupList {
    #[serde(rename = "NodeGroup", default)]
    items: Vec<WireNodeGroup>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireNodeGroup {
    node_group_id: String,
    status: Option<String>,
    slots: Option<String>,
    #[serde(default)]
    node_group_members: NodeGroupMemberList,
}

#[derive(Deserialize, Default)]
struct NodeGroupMemberList {
    #[serde(rename = "NodeGroupMember", default)]
    items: Vec<WireNodeGroupMember>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireNodeGroupMember {
    cache_cluster_id: String,
    read_endpoint: Option<WireEndpoint>,
    preferred_availability_zone: Option<String>,
    current_role: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireEndpoint {
    address: Option<String>,
    port: Option<u32>,
}

#[derive(Deserialize)]
struct DescribeEventsResponse {
    #[serde(rename = "DescribeEventsResult")]
    result: EventsResult,
}

#[derive(Deserialize)]
struct EventsResult {
    #[serde(rename = "Marker")]
    marker: Option<String>,
    #[serde(rename = "Events", default)]
    events: EventList,
}

#[derive(Deserialize, Default)]
struct EventList {
    #[serde(rename = "Event", default)]
    items: Vec<WireEvent>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireEvent {
    #[serde(default)]
    source_identifier: String,
    source_type: Option<String>,
    #[serde(default)]
    message: String,
    date: String,
}

// ---- wire to domain ----

fn global_datastore(w: WireGlobalReplicationGroup) -> GlobalDatastore {
    GlobalDatastore {
        id: w.global_replication_group_id,
        description: text(w.global_replication_group_description),
        status: w.status,
        engine: text(w.engine),
        engine_version: text(w.engine_version),
        node_type: text(w.cache_node_type),
        cluster_enabled: w.cluster_enabled,
        arn: text(w.arn),
        members: w
            .members
            .items
            .into_iter()
            .map(|m| GlobalDatastoreMember {
                replication_group_id: m.replication_group_id,
                region: m.replication_group_region,
                role: MemberRole::parse(m.role.as_deref().unwrap_or("")),
                automatic_failover: text(m.automatic_failover),
                status: text(m.status),
            })
            .collect(),
        shards: w
            .global_node_groups
            .items
            .into_iter()
            .map(|g| GlobalShard {
                id: g.global_node_group_id,
                slots: text(g.slots),
            })
            .collect(),
    }
}

fn replication_group(w: WireReplicationGroup, region: &str) -> ReplicationGroup {
    let global_datastore = w.global_replication_group_info.and_then(|info| {
        let id = text(info.global_replication_group_id)?;
        Some((
            id,
            MemberRole::parse(
                info.global_replication_group_member_role
                    .as_deref()
                    .unwrap_or(""),
            ),
        ))
    });
    ReplicationGroup {
        id: w.replication_group_id,
        region: region.to_string(),
        description: text(w.description),
        status: w.status,
        global_datastore,
        multi_az: text(w.multi_az),
        automatic_failover: text(w.automatic_failover),
        cluster_enabled: w.cluster_enabled,
        node_type: text(w.cache_node_type),
        engine: text(w.engine),
        arn: text(w.arn),
        shards: w
            .node_groups
            .items
            .into_iter()
            .map(|g| Shard {
                id: g.node_group_id,
                status: text(g.status),
                slots: text(g.slots),
                nodes: g
                    .node_group_members
                    .items
                    .into_iter()
                    .map(|m| Node {
                        id: m.cache_cluster_id,
                        role: m
                            .current_role
                            .as_deref()
                            .map_or(NodeRole::Unknown, NodeRole::parse),
                        availability_zone: text(m.preferred_availability_zone),
                        status: None,
                        endpoint: m.read_endpoint.and_then(endpoint_text),
                    })
                    .collect(),
            })
            .collect(),
        member_clusters: w.member_clusters.items,
    }
}

fn endpoint_text(e: WireEndpoint) -> Option<String> {
    let address = text(e.address)?;
    Some(match e.port {
        Some(port) => format!("{address}:{port}"),
        None => address,
    })
}

fn event(w: WireEvent, region: &str) -> Result<Event, DecodeError> {
    Ok(Event {
        service: Service::ElastiCache,
        region: region.to_string(),
        source_id: w.source_identifier,
        source_type: text(w.source_type),
        message: w.message,
        date: iso_time(&w.date, "event Date")?,
    })
}

// ---- decoders (pure: bytes in, domain out) ----

pub fn parse_describe_global_replication_groups(
    body: &[u8],
) -> Result<Page<GlobalDatastore>, DecodeError> {
    let r: DescribeGlobalReplicationGroupsResponse = from_xml(body)?;
    Ok(Page {
        items: r
            .result
            .groups
            .items
            .into_iter()
            .map(global_datastore)
            .collect(),
        next_token: token(r.result.marker),
    })
}

pub fn parse_create_global_replication_group(body: &[u8]) -> Result<GlobalDatastore, DecodeError> {
    let r: CreateGlobalReplicationGroupResponse = from_xml(body)?;
    Ok(global_datastore(r.result.group))
}

pub fn parse_failover_global_replication_group(
    body: &[u8],
) -> Result<GlobalDatastore, DecodeError> {
    let r: FailoverGlobalReplicationGroupResponse = from_xml(body)?;
    Ok(global_datastore(r.result.group))
}

pub fn parse_describe_replication_groups(
    body: &[u8],
    region: &str,
) -> Result<Page<ReplicationGroup>, DecodeError> {
    let r: DescribeReplicationGroupsResponse = from_xml(body)?;
    Ok(Page {
        items: r
            .result
            .groups
            .items
            .into_iter()
            .map(|g| replication_group(g, region))
            .collect(),
        next_token: token(r.result.marker),
    })
}

pub fn parse_test_failover(body: &[u8], region: &str) -> Result<ReplicationGroup, DecodeError> {
    let r: TestFailoverResponse = from_xml(body)?;
    Ok(replication_group(r.result.group, region))
}

pub fn parse_describe_events(body: &[u8], region: &str) -> Result<Page<Event>, DecodeError> {
    let r: DescribeEventsResponse = from_xml(body)?;
    Ok(Page {
        items: r
            .result
            .events
            .items
            .into_iter()
            .map(|e| event(e, region))
            .collect::<Result<_, _>>()?,
        next_token: token(r.result.marker),
    })
}
