//! MemoryDB (JSON 1.1, API 2021-01-01): clusters with shard details, events, FailoverShard.

use super::{text, token, Api, Page};
use crate::aws::client::{CallBody, Client};
use crate::aws::error::AwsError;
use crate::aws::protocol::json::{decode, to_body, Object};
use crate::aws::protocol::DecodeError;
use crate::model::{
    Event, EventSource, MemoryDbCluster, Node, NodeRole, Service, Shard, Timestamp,
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
    ) -> impl Future<Output = Result<MemoryDbCluster, AwsError>> + use<'a, 's> {
        let body = to_body(&requests::failover_shard(cluster, shard));
        self.api.call(
            "FailoverShard",
            CallBody::Json(body),
            true,
            parse_failover_shard,
        )
    }
}

/// The JSON bodies, exactly as sent (the tests compare them with botocore's): members in the
/// order of the API's shapes, optional members left out when absent.
pub mod requests {
    use super::*;
    use crate::aws::protocol::json::Value;

    fn body(members: Vec<(&str, Option<Value>)>) -> Value {
        let mut present = Vec::with_capacity(members.len());
        for (name, value) in members {
            if let Some(value) = value {
                present.push((name.to_string(), value));
            }
        }
        Value::Object(present)
    }

    pub fn describe_clusters(name: Option<&str>, next_token: Option<&str>) -> Value {
        body(vec![
            ("ClusterName", name.map(Value::from)),
            ("MaxResults", name.is_none().then(|| MAX_RESULTS.into())),
            ("NextToken", next_token.map(Value::from)),
            ("ShowShardDetails", Some(true.into())),
        ])
    }

    pub fn describe_events(source: &EventSource, next_token: Option<&str>) -> Value {
        body(vec![
            ("SourceName", source.source_id.as_deref().map(Value::from)),
            ("SourceType", source.source_type.as_deref().map(Value::from)),
            ("StartTime", source.since.map(epoch_seconds)),
            ("MaxResults", Some(MAX_RESULTS.into())),
            ("NextToken", next_token.map(Value::from)),
        ])
    }

    pub fn failover_shard(cluster: &str, shard: &str) -> Value {
        body(vec![
            ("ClusterName", Some(cluster.into())),
            ("ShardName", Some(shard.into())),
        ])
    }

    /// JSON 1.1 sends timestamps as epoch seconds: whole seconds as an integer (botocore's
    /// form), a fraction only when there is one (`1700000000.5`).
    pub(crate) fn epoch_seconds(t: Timestamp) -> Value {
        let ms = t.millis();
        let (seconds, fraction) = (ms.unsigned_abs() / 1000, ms.unsigned_abs() % 1000);
        let sign = if ms < 0 { "-" } else { "" };
        if fraction == 0 {
            Value::Number(format!("{sign}{seconds}"))
        } else {
            let text = format!("{sign}{seconds}.{fraction:03}");
            Value::Number(text.trim_end_matches('0').to_string())
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn epoch_seconds_are_written_as_botocore_writes_them() {
            for (ms, text) in [
                (1_700_000_000_000, "1700000000"),
                (1_700_000_000_500, "1700000000.5"),
                (1_700_000_000_123, "1700000000.123"),
                (1_700_000_000_010, "1700000000.01"),
                (-1_500, "-1.5"),
                (-500, "-0.5"),
                (0, "0"),
            ] {
                assert_eq!(epoch_seconds(Timestamp(ms)).to_text(), text);
            }
        }
    }
}

// ---- answers to domain (member names as in the MemoryDB API) ----

fn cluster(c: Object<'_>, region: &str) -> Result<MemoryDbCluster, DecodeError> {
    Ok(MemoryDbCluster {
        name: c.string("Name")?,
        description: opt_text(c, "Description")?,
        status: c.string_or_empty("Status")?,
        availability_mode: opt_text(c, "AvailabilityMode")?,
        node_type: opt_text(c, "NodeType")?,
        engine_version: opt_text(c, "EngineVersion")?,
        arn: opt_text(c, "ARN")?,
        number_of_shards: c.opt_u32("NumberOfShards")?,
        shards: c.decode_list("Shards", |s| {
            Ok(Shard {
                id: s.string("Name")?,
                status: opt_text(s, "Status")?,
                slots: opt_text(s, "Slots")?,
                nodes: s.decode_list("Nodes", node)?,
            })
        })?,
        region: region.to_string(),
    })
}

/// Optional text where an empty string means absent. One out-of-line copy for every member.
fn opt_text(o: Object<'_>, name: &str) -> Result<Option<String>, DecodeError> {
    Ok(text(o.opt_string(name)?))
}

fn node(n: Object<'_>) -> Result<Node, DecodeError> {
    let endpoint = match n.opt_object("Endpoint")? {
        Some(e) => {
            let port = e.opt_u32("Port")?;
            opt_text(e, "Address")?.map(|address| match port {
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
        availability_zone: opt_text(n, "AvailabilityZone")?,
        status: opt_text(n, "Status")?,
        endpoint,
    })
}

fn event(e: Object<'_>, region: &str) -> Result<Event, DecodeError> {
    Ok(Event {
        source_id: e.string_or_empty("SourceName")?,
        source_type: opt_text(e, "SourceType")?,
        message: e.string_or_empty("Message")?,
        // Epoch seconds.
        date: Timestamp::from_epoch_millis(e.epoch_millis("Date")?)
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
    decode(body, |r| {
        Ok(Page {
            items: r.decode_list("Clusters", |c| cluster(c, region))?,
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
            items: r.decode_list("Events", |e| event(e, region))?,
            next_token: token(r.opt_string("NextToken")?),
        })
    })
}
