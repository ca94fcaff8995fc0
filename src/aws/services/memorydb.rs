//! MemoryDB (JSON 1.1, API 2021-01-01): clusters with shard details, Multi-Region clusters,
//! events, FailoverShard.

use super::{text, token, Accepted, Api, Page};
use crate::aws::client::{CallBody, Client};
use crate::aws::error::AwsError;
use crate::aws::protocol::json::{decode, to_body};
use crate::aws::protocol::DecodeError;
use crate::model::{
    Event, EventSource, MemoryDbCluster, MultiRegionCluster, Node, NodeRole, RegionalCluster,
    Service, Shard, Timestamp,
};
use std::future::Future;

/// Page size asked for on list calls.
const MAX_RESULTS: i64 = 100;

/// MemoryDB in one region.
#[derive(Clone, Debug)]
pub struct MemoryDb<'a> {
    api: Api<'a>,
}

impl<'a> MemoryDb<'a> {
    pub(crate) fn new(client: &'a Client, region: &str) -> Self {
        MemoryDb {
            api: Api::new(client, Service::MemoryDb, region),
        }
    }

    pub fn region(&self) -> &str {
        self.api.region()
    }

    /// Every cluster of the region with its shards and nodes, all pages.
    pub fn describe_clusters<'s>(
        &'s self,
    ) -> impl Future<Output = Result<Vec<MemoryDbCluster>, AwsError>> + use<'a, 's> {
        self.api.all_pages(
            "DescribeClusters",
            Box::new(|token| CallBody::Json(to_body(&requests::describe_clusters(None, token)))),
            parse_describe_clusters,
        )
    }

    pub fn describe_cluster<'s>(
        &'s self,
        name: &'s str,
    ) -> impl Future<Output = Result<MemoryDbCluster, AwsError>> + use<'a, 's> {
        self.api.find(
            "DescribeClusters",
            CallBody::Json(to_body(&requests::describe_clusters(Some(name), None))),
            parse_describe_clusters,
            move |c| c.name == name,
            "cluster",
            name,
        )
    }

    /// Every Multi-Region cluster with its regional clusters, all pages. They are global: any
    /// Region that is a member answers for them.
    pub fn describe_multi_region_clusters<'s>(
        &'s self,
    ) -> impl Future<Output = Result<Vec<MultiRegionCluster>, AwsError>> + use<'a, 's> {
        self.api.all_pages(
            "DescribeMultiRegionClusters",
            Box::new(|token| {
                CallBody::Json(to_body(&requests::describe_multi_region_clusters(
                    None, token,
                )))
            }),
            parse_describe_multi_region_clusters,
        )
    }

    pub fn describe_multi_region_cluster<'s>(
        &'s self,
        name: &'s str,
    ) -> impl Future<Output = Result<MultiRegionCluster, AwsError>> + use<'a, 's> {
        self.api.find(
            "DescribeMultiRegionClusters",
            CallBody::Json(to_body(&requests::describe_multi_region_clusters(
                Some(name),
                None,
            ))),
            parse_describe_multi_region_clusters,
            move |c| c.name == name,
            "Multi-Region cluster",
            name,
        )
    }

    pub fn describe_events<'s>(
        &'s self,
        source: &'s EventSource,
    ) -> impl Future<Output = Result<Vec<Event>, AwsError>> + use<'a, 's> {
        self.api.all_pages(
            "DescribeEvents",
            Box::new(move |token| {
                CallBody::Json(to_body(&requests::describe_events(source, token)))
            }),
            parse_describe_events,
        )
    }

    /// FailoverShard: promotes a replica of one shard.
    pub fn failover_shard<'s>(
        &'s self,
        cluster: &str,
        shard: &str,
    ) -> impl Future<Output = Result<Accepted<MemoryDbCluster>, AwsError>> + use<'a, 's> {
        let body = to_body(&requests::failover_shard(cluster, shard));
        self.api
            .mutate("FailoverShard", CallBody::Json(body), parse_failover_shard)
    }
}

/// The JSON bodies, exactly as sent (the tests compare them with botocore's): members in the
/// order of the API's shapes, optional members left out when absent.
pub mod requests {
    use super::*;
    use crate::aws::protocol::json::serialize_epoch_seconds;
    use serde::Serialize;

    #[derive(Serialize, Debug, PartialEq)]
    #[serde(rename_all = "PascalCase")]
    pub struct DescribeClusters<'a> {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub cluster_name: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub max_results: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub next_token: Option<&'a str>,
        pub show_shard_details: bool,
    }

    #[derive(Serialize, Debug, PartialEq)]
    #[serde(rename_all = "PascalCase")]
    pub struct DescribeEvents<'a> {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub source_name: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub source_type: Option<&'a str>,
        #[serde(
            skip_serializing_if = "Option::is_none",
            serialize_with = "some_epoch_seconds"
        )]
        pub start_time: Option<i64>,
        pub max_results: i64,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub next_token: Option<&'a str>,
    }

    #[derive(Serialize, Debug, PartialEq)]
    #[serde(rename_all = "PascalCase")]
    pub struct DescribeMultiRegionClusters<'a> {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub multi_region_cluster_name: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub max_results: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub next_token: Option<&'a str>,
        pub show_cluster_details: bool,
    }

    #[derive(Serialize, Debug, PartialEq)]
    #[serde(rename_all = "PascalCase")]
    pub struct FailoverShard<'a> {
        pub cluster_name: &'a str,
        pub shard_name: &'a str,
    }

    fn some_epoch_seconds<S: serde::Serializer>(
        millis: &Option<i64>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match millis {
            Some(millis) => serialize_epoch_seconds(millis, s),
            None => s.serialize_none(),
        }
    }

    /// One cluster by name (no page size: AWS refuses MaxResults with a name), or a page of all.
    pub fn describe_clusters<'a>(
        name: Option<&'a str>,
        next_token: Option<&'a str>,
    ) -> DescribeClusters<'a> {
        DescribeClusters {
            cluster_name: name,
            max_results: name.is_none().then_some(MAX_RESULTS),
            next_token,
            show_shard_details: true,
        }
    }

    /// One by name (without a page size, as for clusters), or a page of all; always with
    /// the regional clusters.
    pub fn describe_multi_region_clusters<'a>(
        name: Option<&'a str>,
        next_token: Option<&'a str>,
    ) -> DescribeMultiRegionClusters<'a> {
        DescribeMultiRegionClusters {
            multi_region_cluster_name: name,
            max_results: name.is_none().then_some(MAX_RESULTS),
            next_token,
            show_cluster_details: true,
        }
    }

    pub fn describe_events<'a>(
        source: &'a EventSource,
        next_token: Option<&'a str>,
    ) -> DescribeEvents<'a> {
        DescribeEvents {
            source_name: source.source_id.as_deref(),
            source_type: source.source_type.as_deref(),
            start_time: source.since.map(Timestamp::millis),
            max_results: MAX_RESULTS,
            next_token,
        }
    }

    pub fn failover_shard<'a>(cluster: &'a str, shard: &'a str) -> FailoverShard<'a> {
        FailoverShard {
            cluster_name: cluster,
            shard_name: shard,
        }
    }
}

/// The answers' shapes, with the member names of the MemoryDB API; only what the console
/// reads. Unknown members are ignored, a missing list is empty.
mod wire {
    use crate::aws::protocol::json::deserialize_epoch_seconds;
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct ClustersPage {
        #[serde(default)]
        pub clusters: Vec<Cluster>,
        pub next_token: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct MultiRegionClustersPage {
        #[serde(default)]
        pub multi_region_clusters: Vec<MultiRegionCluster>,
        pub next_token: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct MultiRegionCluster {
        pub multi_region_cluster_name: String,
        pub description: Option<String>,
        pub status: Option<String>,
        pub node_type: Option<String>,
        pub engine: Option<String>,
        pub engine_version: Option<String>,
        pub number_of_shards: Option<u32>,
        #[serde(rename = "ARN")]
        pub arn: Option<String>,
        #[serde(default)]
        pub clusters: Vec<RegionalCluster>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct RegionalCluster {
        pub cluster_name: String,
        pub region: Option<String>,
        pub status: Option<String>,
        #[serde(rename = "ARN")]
        pub arn: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct FailoverShardResult {
        pub cluster: Cluster,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct Cluster {
        pub name: String,
        pub description: Option<String>,
        pub status: Option<String>,
        pub multi_region_cluster_name: Option<String>,
        pub availability_mode: Option<String>,
        pub node_type: Option<String>,
        pub engine_version: Option<String>,
        #[serde(rename = "ARN")]
        pub arn: Option<String>,
        pub number_of_shards: Option<u32>,
        pub cluster_endpoint: Option<Endpoint>,
        #[serde(default)]
        pub shards: Vec<Shard>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct Shard {
        pub name: String,
        pub status: Option<String>,
        pub slots: Option<String>,
        #[serde(default)]
        pub nodes: Vec<Node>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct Node {
        pub name: String,
        pub availability_zone: Option<String>,
        pub status: Option<String>,
        pub endpoint: Option<Endpoint>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct Endpoint {
        pub address: Option<String>,
        pub port: Option<u32>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct EventsPage {
        #[serde(default)]
        pub events: Vec<Event>,
        pub next_token: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct Event {
        pub source_name: Option<String>,
        pub source_type: Option<String>,
        pub message: Option<String>,
        #[serde(deserialize_with = "deserialize_epoch_seconds")]
        pub date: i64,
    }
}

// ---- answers to domain ----

fn cluster(c: wire::Cluster, region: &str) -> MemoryDbCluster {
    MemoryDbCluster {
        name: c.name,
        description: text(c.description),
        status: c.status.unwrap_or_default(),
        availability_mode: text(c.availability_mode),
        node_type: text(c.node_type),
        engine_version: text(c.engine_version),
        arn: text(c.arn),
        number_of_shards: c.number_of_shards,
        endpoint: c.cluster_endpoint.and_then(endpoint_text),
        shards: c
            .shards
            .into_iter()
            .map(|s| Shard {
                id: s.name,
                status: text(s.status),
                slots: text(s.slots),
                nodes: s.nodes.into_iter().map(node).collect(),
            })
            .collect(),
        region: region.to_string(),
        multi_region: text(c.multi_region_cluster_name),
    }
}

/// `address:port` (or the address alone); `None` without an address.
fn endpoint_text(e: wire::Endpoint) -> Option<String> {
    text(e.address).map(|address| match e.port {
        Some(port) => format!("{address}:{port}"),
        None => address,
    })
}

fn node(n: wire::Node) -> Node {
    let endpoint = n.endpoint.and_then(endpoint_text);
    Node {
        id: n.name,
        // DescribeClusters does not say which node is the primary.
        role: NodeRole::Unknown,
        availability_zone: text(n.availability_zone),
        status: text(n.status),
        endpoint,
    }
}

fn event(e: wire::Event, region: &str) -> Result<Event, DecodeError> {
    Ok(Event {
        source_id: e.source_name.unwrap_or_default(),
        source_type: text(e.source_type),
        message: e.message.unwrap_or_default(),
        date: Timestamp::from_epoch_millis(e.date)
            .map_err(|e| DecodeError::new(format!("event Date: {e}")))?,
        service: Service::MemoryDb,
        region: region.to_string(),
    })
}

// ---- decoders (pure: bytes in, domain out) ----

pub fn parse_describe_clusters(
    body: &[u8],
    region: &str,
) -> Result<Page<MemoryDbCluster>, DecodeError> {
    let page: wire::ClustersPage = decode(body)?;
    Ok(Page {
        items: page
            .clusters
            .into_iter()
            .map(|c| cluster(c, region))
            .collect(),
        next_token: token(page.next_token),
    })
}

pub fn parse_describe_multi_region_clusters(
    body: &[u8],
    _region: &str,
) -> Result<Page<MultiRegionCluster>, DecodeError> {
    let page: wire::MultiRegionClustersPage = decode(body)?;
    Ok(Page {
        items: page
            .multi_region_clusters
            .into_iter()
            .map(|m| MultiRegionCluster {
                name: m.multi_region_cluster_name,
                description: text(m.description),
                status: m.status.unwrap_or_default(),
                node_type: text(m.node_type),
                engine: text(m.engine),
                engine_version: text(m.engine_version),
                number_of_shards: m.number_of_shards,
                arn: text(m.arn),
                clusters: m
                    .clusters
                    .into_iter()
                    .map(|c| RegionalCluster {
                        name: c.cluster_name,
                        region: c.region.unwrap_or_default(),
                        status: c.status.unwrap_or_default(),
                        arn: text(c.arn),
                    })
                    .collect(),
            })
            .collect(),
        next_token: token(page.next_token),
    })
}

pub fn parse_failover_shard(body: &[u8], region: &str) -> Result<MemoryDbCluster, DecodeError> {
    let result: wire::FailoverShardResult = decode(body)?;
    Ok(cluster(result.cluster, region))
}

pub fn parse_describe_events(body: &[u8], region: &str) -> Result<Page<Event>, DecodeError> {
    let page: wire::EventsPage = decode(body)?;
    Ok(Page {
        items: page
            .events
            .into_iter()
            .map(|e| event(e, region))
            .collect::<Result<_, _>>()?,
        next_token: token(page.next_token),
    })
}
