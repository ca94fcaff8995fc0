//! MemoryDB (JSON 1.1, API 2021-01-01): clusters with shard details, events, FailoverShard.

use super::{text, token, Page};
use crate::aws::client::{CallBody, Client, Pages};
use crate::aws::error::AwsError;
use crate::aws::protocol::json::{from_json, to_body};
use crate::aws::protocol::DecodeError;
use crate::model::{
    Event, EventSource, MemoryDbCluster, Node, NodeRole, Service, Shard, Timestamp,
};
use serde::{Deserialize, Serialize};

/// Page size asked for on list calls.
const MAX_RESULTS: i64 = 100;

/// MemoryDB in one region.
#[derive(Clone, Debug)]
pub struct MemoryDb<'a> {
    client: &'a Client,
    region: String,
}

impl<'a> MemoryDb<'a> {
    pub(crate) fn new(client: &'a Client, region: &str) -> Self {
        MemoryDb {
            client,
            region: region.to_string(),
        }
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    async fn send(
        &self,
        op: &'static str,
        body: Vec<u8>,
        mutating: bool,
    ) -> Result<Vec<u8>, AwsError> {
        self.client
            .call(
                Service::MemoryDb,
                &self.region,
                op,
                CallBody::Json(body),
                mutating,
            )
            .await
    }

    fn ctx(&self, op: &'static str) -> impl Fn(AwsError) -> AwsError + '_ {
        move |e| e.with_context(Service::MemoryDb, &self.region, op)
    }

    /// Every cluster of the region with its shards and nodes, all pages.
    pub async fn describe_clusters(&self) -> Result<Vec<MemoryDbCluster>, AwsError> {
        const OP: &str = "DescribeClusters";
        let mut pages = Pages::new(self.client, OP);
        let mut out = Vec::new();
        loop {
            let body = to_body(&requests::describe_clusters(None, pages.token()));
            let answer = self.send(OP, body, false).await?;
            let page = parse_describe_clusters(&answer, &self.region)
                .map_err(|e| self.ctx(OP)(e.into()))?;
            out.extend(page.items);
            if !pages.advance(page.next_token).map_err(self.ctx(OP))? {
                return Ok(out);
            }
        }
    }

    pub async fn describe_cluster(&self, name: &str) -> Result<MemoryDbCluster, AwsError> {
        const OP: &str = "DescribeClusters";
        let body = to_body(&requests::describe_clusters(Some(name), None));
        let answer = self.send(OP, body, false).await?;
        let page =
            parse_describe_clusters(&answer, &self.region).map_err(|e| self.ctx(OP)(e.into()))?;
        page.items
            .into_iter()
            .find(|c| c.name == name)
            .ok_or_else(|| {
                self.ctx(OP)(AwsError::decode(format!(
                    "the answer does not contain cluster {name:?}"
                )))
            })
    }

    pub async fn describe_events(&self, source: &EventSource) -> Result<Vec<Event>, AwsError> {
        const OP: &str = "DescribeEvents";
        let mut pages = Pages::new(self.client, OP);
        let mut out = Vec::new();
        loop {
            let body = to_body(&requests::describe_events(source, pages.token()));
            let answer = self.send(OP, body, false).await?;
            let page =
                parse_describe_events(&answer, &self.region).map_err(|e| self.ctx(OP)(e.into()))?;
            out.extend(page.items);
            if !pages.advance(page.next_token).map_err(self.ctx(OP))? {
                return Ok(out);
            }
        }
    }

    /// FailoverShard: promotes a replica of one shard.
    pub async fn failover_shard(
        &self,
        cluster: &str,
        shard: &str,
    ) -> Result<MemoryDbCluster, AwsError> {
        const OP: &str = "FailoverShard";
        let body = to_body(&requests::failover_shard(cluster, shard));
        let answer = self.send(OP, body, true).await?;
        parse_failover_shard(&answer, &self.region).map_err(|e| self.ctx(OP)(e.into()))
    }
}

/// The JSON bodies, exactly as sent (the tests compare them with botocore's).
pub mod requests {
    use super::*;

    #[derive(Serialize, Debug, PartialEq)]
    #[serde(rename_all = "PascalCase")]
    pub struct DescribeClusters {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub cluster_name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub max_results: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub next_token: Option<String>,
        pub show_shard_details: bool,
    }

    pub fn describe_clusters(name: Option<&str>, next_token: Option<&str>) -> DescribeClusters {
        DescribeClusters {
            cluster_name: name.map(str::to_string),
            max_results: name.is_none().then_some(MAX_RESULTS),
            next_token: next_token.map(str::to_string),
            show_shard_details: true,
        }
    }

    #[derive(Serialize, Debug, PartialEq)]
    #[serde(rename_all = "PascalCase")]
    pub struct DescribeEvents {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub source_name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub source_type: Option<String>,
        /// Epoch seconds, as JSON 1.1 sends timestamps.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub start_time: Option<serde_json::Number>,
        pub max_results: i64,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub next_token: Option<String>,
    }

    pub fn describe_events(source: &EventSource, next_token: Option<&str>) -> DescribeEvents {
        DescribeEvents {
            source_name: source.source_id.clone(),
            source_type: source.source_type.clone(),
            start_time: source.since.map(epoch_seconds),
            max_results: MAX_RESULTS,
            next_token: next_token.map(str::to_string),
        }
    }

    #[derive(Serialize, Debug, PartialEq)]
    #[serde(rename_all = "PascalCase")]
    pub struct FailoverShard {
        pub cluster_name: String,
        pub shard_name: String,
    }

    pub fn failover_shard(cluster: &str, shard: &str) -> FailoverShard {
        FailoverShard {
            cluster_name: cluster.to_string(),
            shard_name: shard.to_string(),
        }
    }

    /// Whole seconds as an integer (botocore's form), a fraction only when there is one.
    fn epoch_seconds(t: Timestamp) -> serde_json::Number {
        let ms = t.millis();
        if ms % 1000 == 0 {
            serde_json::Number::from(ms / 1000)
        } else {
            serde_json::Number::from_f64(ms as f64 / 1000.0)
                .unwrap_or_else(|| serde_json::Number::from(ms / 1000))
        }
    }
}

// ---- wire shapes (member names as in the MemoryDB API) ----

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeClustersResponse {
    next_token: Option<String>,
    #[serde(default)]
    clusters: Vec<WireCluster>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct FailoverShardResponse {
    cluster: WireCluster,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireCluster {
    name: String,
    description: Option<String>,
    #[serde(default)]
    status: String,
    number_of_shards: Option<u32>,
    #[serde(default)]
    shards: Vec<WireShard>,
    availability_mode: Option<String>,
    node_type: Option<String>,
    engine_version: Option<String>,
    #[serde(rename = "ARN")]
    arn: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireShard {
    name: String,
    status: Option<String>,
    slots: Option<String>,
    #[serde(default)]
    nodes: Vec<WireNode>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireNode {
    name: String,
    status: Option<String>,
    availability_zone: Option<String>,
    endpoint: Option<WireEndpoint>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireEndpoint {
    address: Option<String>,
    port: Option<u32>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeEventsResponse {
    next_token: Option<String>,
    #[serde(default)]
    events: Vec<WireEvent>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireEvent {
    #[serde(default)]
    source_name: String,
    source_type: Option<String>,
    #[serde(default)]
    message: String,
    /// Epoch seconds.
    date: f64,
}

// ---- wire to domain ----

fn cluster(w: WireCluster, region: &str) -> MemoryDbCluster {
    MemoryDbCluster {
        name: w.name,
        region: region.to_string(),
        description: text(w.description),
        status: w.status,
        availability_mode: text(w.availability_mode),
        node_type: text(w.node_type),
        engine_version: text(w.engine_version),
        arn: text(w.arn),
        number_of_shards: w.number_of_shards,
        shards: w
            .shards
            .into_iter()
            .map(|s| Shard {
                id: s.name,
                status: text(s.status),
                slots: text(s.slots),
                nodes: s
                    .nodes
                    .into_iter()
                    .map(|n| Node {
                        id: n.name,
                        // DescribeClusters does not say which node is the primary.
                        role: NodeRole::Unknown,
                        availability_zone: text(n.availability_zone),
                        status: text(n.status),
                        endpoint: n.endpoint.and_then(|e| {
                            let address = text(e.address)?;
                            Some(match e.port {
                                Some(p) => format!("{address}:{p}"),
                                None => address,
                            })
                        }),
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn event(w: WireEvent, region: &str) -> Result<Event, DecodeError> {
    Ok(Event {
        service: Service::MemoryDb,
        region: region.to_string(),
        source_id: w.source_name,
        source_type: text(w.source_type),
        message: w.message,
        date: Timestamp::from_epoch_seconds(w.date)
            .map_err(|e| DecodeError::new(format!("event Date: {e}")))?,
    })
}

// ---- decoders (pure: bytes in, domain out) ----

pub fn parse_describe_clusters(
    body: &[u8],
    region: &str,
) -> Result<Page<MemoryDbCluster>, DecodeError> {
    let r: DescribeClustersResponse = from_json(body)?;
    Ok(Page {
        items: r.clusters.into_iter().map(|c| cluster(c, region)).collect(),
        next_token: token(r.next_token),
    })
}

pub fn parse_failover_shard(body: &[u8], region: &str) -> Result<MemoryDbCluster, DecodeError> {
    let r: FailoverShardResponse = from_json(body)?;
    Ok(cluster(r.cluster, region))
}

pub fn parse_describe_events(body: &[u8], region: &str) -> Result<Page<Event>, DecodeError> {
    let r: DescribeEventsResponse = from_json(body)?;
    Ok(Page {
        items: r
            .events
            .into_iter()
            .map(|e| event(e, region))
            .collect::<Result<_, _>>()?,
        next_token: token(r.next_token),
    })
}
