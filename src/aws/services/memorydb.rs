//! MemoryDB (JSON 1.1, API 2021-01-01): clusters with shard details, events, FailoverShard.

use super::{text, token, Api, Page};
use crate::aws::client::{CallBody, Client};
use crate::aws::error::AwsError;
use crate::aws::protocol::json::{decode, to_body, Object};
use crate::aws::protocol::DecodeError;
use crate::model::{
    Event, EventSource, MemoryDbCluster, Node, NodeRole, Service, Shard, Timestamp,
};
use serde::Serialize;

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
    pub async fn describe_clusters(&self) -> Result<Vec<MemoryDbCluster>, AwsError> {
        self.api
            .all_pages(
                "DescribeClusters",
                |token| CallBody::Json(to_body(&requests::describe_clusters(None, token))),
                parse_describe_clusters,
            )
            .await
    }

    pub async fn describe_cluster(&self, name: &str) -> Result<MemoryDbCluster, AwsError> {
        self.api
            .find(
                "DescribeClusters",
                CallBody::Json(to_body(&requests::describe_clusters(Some(name), None))),
                parse_describe_clusters,
                |c| c.name == name,
                || format!("cluster {name:?}"),
            )
            .await
    }

    pub async fn describe_events(&self, source: &EventSource) -> Result<Vec<Event>, AwsError> {
        self.api
            .all_pages(
                "DescribeEvents",
                |token| CallBody::Json(to_body(&requests::describe_events(source, token))),
                parse_describe_events,
            )
            .await
    }

    /// FailoverShard: promotes a replica of one shard.
    pub async fn failover_shard(
        &self,
        cluster: &str,
        shard: &str,
    ) -> Result<MemoryDbCluster, AwsError> {
        let body = to_body(&requests::failover_shard(cluster, shard));
        self.api
            .call(
                "FailoverShard",
                CallBody::Json(body),
                true,
                parse_failover_shard,
            )
            .await
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

// ---- answers to domain (member names as in the MemoryDB API) ----

fn cluster(c: Object<'_>, region: &str) -> Result<MemoryDbCluster, DecodeError> {
    Ok(MemoryDbCluster {
        name: c.string("Name")?,
        region: region.to_string(),
        description: text(c.opt_string("Description")?),
        status: c.string_or_empty("Status")?,
        availability_mode: text(c.opt_string("AvailabilityMode")?),
        node_type: text(c.opt_string("NodeType")?),
        engine_version: text(c.opt_string("EngineVersion")?),
        arn: text(c.opt_string("ARN")?),
        number_of_shards: c.opt_u32("NumberOfShards")?,
        shards: c
            .list("Shards")?
            .into_iter()
            .map(|s| {
                Ok(Shard {
                    id: s.string("Name")?,
                    status: text(s.opt_string("Status")?),
                    slots: text(s.opt_string("Slots")?),
                    nodes: s
                        .list("Nodes")?
                        .into_iter()
                        .map(node)
                        .collect::<Result<_, _>>()?,
                })
            })
            .collect::<Result<_, DecodeError>>()?,
    })
}

fn node(n: Object<'_>) -> Result<Node, DecodeError> {
    let endpoint = match n.opt_object("Endpoint")? {
        Some(e) => {
            let port = e.opt_u32("Port")?;
            text(e.opt_string("Address")?).map(|address| match port {
                Some(p) => format!("{address}:{p}"),
                None => address,
            })
        }
        None => None,
    };
    Ok(Node {
        id: n.string("Name")?,
        // DescribeClusters does not say which node is the primary.
        role: NodeRole::Unknown,
        availability_zone: text(n.opt_string("AvailabilityZone")?),
        status: text(n.opt_string("Status")?),
        endpoint,
    })
}

fn event(e: Object<'_>, region: &str) -> Result<Event, DecodeError> {
    Ok(Event {
        service: Service::MemoryDb,
        region: region.to_string(),
        source_id: e.string_or_empty("SourceName")?,
        source_type: text(e.opt_string("SourceType")?),
        message: e.string_or_empty("Message")?,
        // Epoch seconds.
        date: Timestamp::from_epoch_seconds(e.number("Date")?)
            .map_err(|e| DecodeError::new(format!("event Date: {e}")))?,
    })
}

// ---- decoders (pure: bytes in, domain out) ----

pub fn parse_describe_clusters(
    body: &[u8],
    region: &str,
) -> Result<Page<MemoryDbCluster>, DecodeError> {
    decode(body, |r| {
        Ok(Page {
            items: r
                .list("Clusters")?
                .into_iter()
                .map(|c| cluster(c, region))
                .collect::<Result<_, _>>()?,
            next_token: token(r.opt_string("NextToken")?),
        })
    })
}

pub fn parse_failover_shard(body: &[u8], region: &str) -> Result<MemoryDbCluster, DecodeError> {
    decode(body, |r| cluster(r.object("Cluster")?, region))
}

pub fn parse_describe_events(body: &[u8], region: &str) -> Result<Page<Event>, DecodeError> {
    decode(body, |r| {
        Ok(Page {
            items: r
                .list("Events")?
                .into_iter()
                .map(|e| event(e, region))
                .collect::<Result<_, _>>()?,
            next_token: token(r.opt_string("NextToken")?),
        })
    })
}
