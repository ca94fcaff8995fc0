//! Neptune (Query on the RDS endpoint, API 2014-10-31): global databases, DB clusters,
//! events, failover and switchover.

use super::{iso_time, text, token, Page, PAGE_SIZE};
use crate::aws::client::{CallBody, Client, Pages};
use crate::aws::endpoint::NEPTUNE_API_VERSION;
use crate::aws::error::AwsError;
use crate::aws::protocol::query::QueryRequest;
use crate::aws::protocol::xml::from_xml;
use crate::aws::protocol::DecodeError;
use crate::model::{
    region_of_arn, DbCluster, DbClusterMember, Event, EventSource, FailoverState, GlobalDatabase,
    GlobalDatabaseMember, Service,
};
use serde::Deserialize;

/// The engine name Neptune resources carry; the RDS endpoint also lists Aurora's.
const ENGINE: &str = "neptune";

/// Neptune in one region.
#[derive(Clone, Debug)]
pub struct Neptune<'a> {
    client: &'a Client,
    region: String,
}

impl<'a> Neptune<'a> {
    pub(crate) fn new(client: &'a Client, region: &str) -> Self {
        Neptune {
            client,
            region: region.to_string(),
        }
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    fn request(action: &str) -> QueryRequest {
        QueryRequest::new(action, NEPTUNE_API_VERSION)
    }

    async fn send(
        &self,
        op: &'static str,
        q: QueryRequest,
        mutating: bool,
    ) -> Result<Vec<u8>, AwsError> {
        self.client
            .call(
                Service::Neptune,
                &self.region,
                op,
                CallBody::Query(q),
                mutating,
            )
            .await
    }

    fn ctx(&self, op: &'static str) -> impl Fn(AwsError) -> AwsError + '_ {
        move |e| e.with_context(Service::Neptune, &self.region, op)
    }

    /// Every Neptune global database, all pages. The RDS endpoint also returns Aurora global
    /// clusters: those (engine other than `neptune`) are left out.
    pub async fn describe_global_databases(&self) -> Result<Vec<GlobalDatabase>, AwsError> {
        const OP: &str = "DescribeGlobalClusters";
        let mut pages = Pages::new(self.client, OP);
        let mut out = Vec::new();
        loop {
            let q = requests::describe_global_clusters(None, pages.token());
            let body = self.send(OP, q, false).await?;
            let page = parse_describe_global_clusters(&body).map_err(|e| self.ctx(OP)(e.into()))?;
            out.extend(page.items.into_iter().filter(is_neptune));
            if !pages.advance(page.next_token).map_err(self.ctx(OP))? {
                return Ok(out);
            }
        }
    }

    pub async fn describe_global_database(&self, id: &str) -> Result<GlobalDatabase, AwsError> {
        const OP: &str = "DescribeGlobalClusters";
        let q = requests::describe_global_clusters(Some(id), None);
        let body = self.send(OP, q, false).await?;
        let page = parse_describe_global_clusters(&body).map_err(|e| self.ctx(OP)(e.into()))?;
        page.items.into_iter().find(|g| g.id == id).ok_or_else(|| {
            self.ctx(OP)(AwsError::decode(format!(
                "the answer does not contain global database {id:?}"
            )))
        })
    }

    /// The region's Neptune DB clusters (filter `engine=neptune`), all pages.
    pub async fn describe_clusters(&self) -> Result<Vec<DbCluster>, AwsError> {
        const OP: &str = "DescribeDBClusters";
        let mut pages = Pages::new(self.client, OP);
        let mut out = Vec::new();
        loop {
            let q = requests::describe_db_clusters(pages.token());
            let body = self.send(OP, q, false).await?;
            let page = parse_describe_db_clusters(&body, &self.region)
                .map_err(|e| self.ctx(OP)(e.into()))?;
            out.extend(page.items);
            if !pages.advance(page.next_token).map_err(self.ctx(OP))? {
                return Ok(out);
            }
        }
    }

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

    /// FailoverGlobalCluster with `AllowDataLoss`: with `true`, a failover that may lose
    /// writes not yet replicated (for a regional outage); with `false` AWS performs a
    /// switchover.
    pub async fn failover_global_database(
        &self,
        id: &str,
        target_cluster_arn: &str,
        allow_data_loss: bool,
    ) -> Result<GlobalDatabase, AwsError> {
        const OP: &str = "FailoverGlobalCluster";
        let q =
            requests::failover_global_cluster(id, target_cluster_arn, Some(allow_data_loss), None);
        let body = self.send(OP, q, true).await?;
        parse_failover_global_cluster(&body).map_err(|e| self.ctx(OP)(e.into()))
    }

    /// SwitchoverGlobalCluster: a planned move of the writer with no data loss.
    pub async fn switchover_global_database(
        &self,
        id: &str,
        target_cluster_arn: &str,
    ) -> Result<GlobalDatabase, AwsError> {
        const OP: &str = "SwitchoverGlobalCluster";
        let q = requests::switchover_global_cluster(id, target_cluster_arn);
        let body = self.send(OP, q, true).await?;
        parse_switchover_global_cluster(&body).map_err(|e| self.ctx(OP)(e.into()))
    }

    /// FailoverGlobalCluster with `Switchover=true`, the older way to ask for a switchover.
    pub async fn failover_global_database_as_switchover(
        &self,
        id: &str,
        target_cluster_arn: &str,
    ) -> Result<GlobalDatabase, AwsError> {
        const OP: &str = "FailoverGlobalCluster";
        let q = requests::failover_global_cluster(id, target_cluster_arn, None, Some(true));
        let body = self.send(OP, q, true).await?;
        parse_failover_global_cluster(&body).map_err(|e| self.ctx(OP)(e.into()))
    }
}

fn is_neptune(g: &GlobalDatabase) -> bool {
    g.engine
        .as_deref()
        .is_none_or(|e| e.eq_ignore_ascii_case(ENGINE))
}

/// The Query bodies, exactly as sent (the tests compare them with botocore's).
pub mod requests {
    use super::*;

    pub fn describe_global_clusters(id: Option<&str>, marker: Option<&str>) -> QueryRequest {
        let q = Neptune::request("DescribeGlobalClusters").opt("GlobalClusterIdentifier", id);
        let q = if id.is_none() {
            q.int("MaxRecords", PAGE_SIZE)
        } else {
            q
        };
        q.opt("Marker", marker)
    }

    pub fn describe_db_clusters(marker: Option<&str>) -> QueryRequest {
        Neptune::request("DescribeDBClusters")
            .filters(&[("engine", &[ENGINE])])
            .int("MaxRecords", PAGE_SIZE)
            .opt("Marker", marker)
    }

    pub fn describe_events(source: &EventSource, marker: Option<&str>) -> QueryRequest {
        let mut q = Neptune::request("DescribeEvents")
            .opt("SourceIdentifier", source.source_id.as_deref())
            .opt("SourceType", source.source_type.as_deref());
        if let Some(since) = source.since {
            q = q.timestamp("StartTime", since);
        }
        q.int("MaxRecords", PAGE_SIZE).opt("Marker", marker)
    }

    pub fn failover_global_cluster(
        id: &str,
        target: &str,
        allow_data_loss: Option<bool>,
        switchover: Option<bool>,
    ) -> QueryRequest {
        let mut q = Neptune::request("FailoverGlobalCluster")
            .param("GlobalClusterIdentifier", id)
            .param("TargetDbClusterIdentifier", target);
        if let Some(v) = allow_data_loss {
            q = q.bool("AllowDataLoss", v);
        }
        if let Some(v) = switchover {
            q = q.bool("Switchover", v);
        }
        q
    }

    pub fn switchover_global_cluster(id: &str, target: &str) -> QueryRequest {
        Neptune::request("SwitchoverGlobalCluster")
            .param("GlobalClusterIdentifier", id)
            .param("TargetDbClusterIdentifier", target)
    }
}

// ---- wire shapes (element names as in the Neptune API) ----

#[derive(Deserialize)]
struct DescribeGlobalClustersResponse {
    #[serde(rename = "DescribeGlobalClustersResult")]
    result: GlobalClustersResult,
}

#[derive(Deserialize)]
struct GlobalClustersResult {
    #[serde(rename = "Marker")]
    marker: Option<String>,
    #[serde(rename = "GlobalClusters", default)]
    clusters: GlobalClusterList,
}

/// Sic: in DescribeGlobalClusters each GlobalCluster is wrapped in `<GlobalClusterMember>`.
#[derive(Deserialize, Default)]
struct GlobalClusterList {
    #[serde(rename = "GlobalClusterMember", default)]
    items: Vec<WireGlobalCluster>,
}

#[derive(Deserialize)]
struct FailoverGlobalClusterResponse {
    #[serde(rename = "FailoverGlobalClusterResult")]
    result: GlobalClusterResult,
}

#[derive(Deserialize)]
struct SwitchoverGlobalClusterResponse {
    #[serde(rename = "SwitchoverGlobalClusterResult")]
    result: GlobalClusterResult,
}

#[derive(Deserialize)]
struct GlobalClusterResult {
    #[serde(rename = "GlobalCluster")]
    cluster: WireGlobalCluster,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireGlobalCluster {
    global_cluster_identifier: String,
    global_cluster_resource_id: Option<String>,
    global_cluster_arn: Option<String>,
    #[serde(default)]
    status: String,
    engine: Option<String>,
    engine_version: Option<String>,
    deletion_protection: Option<bool>,
    #[serde(default)]
    global_cluster_members: GlobalClusterMemberList,
    failover_state: Option<WireFailoverState>,
}

#[derive(Deserialize, Default)]
struct GlobalClusterMemberList {
    #[serde(rename = "GlobalClusterMember", default)]
    items: Vec<WireGlobalClusterMember>,
}

#[derive(Deserialize)]
struct WireGlobalClusterMember {
    #[serde(rename = "DBClusterArn")]
    db_cluster_arn: String,
    #[serde(rename = "Readers", default)]
    readers: ReaderList,
    #[serde(rename = "IsWriter", default)]
    is_writer: bool,
}

#[derive(Deserialize, Default)]
struct ReaderList {
    #[serde(rename = "member", default)]
    items: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireFailoverState {
    #[serde(default)]
    status: String,
    from_db_cluster_arn: Option<String>,
    to_db_cluster_arn: Option<String>,
    is_data_loss_allowed: Option<bool>,
}

#[derive(Deserialize)]
struct DescribeDbClustersResponse {
    #[serde(rename = "DescribeDBClustersResult")]
    result: DbClustersResult,
}

#[derive(Deserialize)]
struct DbClustersResult {
    #[serde(rename = "Marker")]
    marker: Option<String>,
    #[serde(rename = "DBClusters", default)]
    clusters: DbClusterList,
}

#[derive(Deserialize, Default)]
struct DbClusterList {
    #[serde(rename = "DBCluster", default)]
    items: Vec<WireDbCluster>,
}

#[derive(Deserialize)]
struct WireDbCluster {
    #[serde(rename = "DBClusterIdentifier")]
    id: String,
    #[serde(rename = "DBClusterArn")]
    arn: Option<String>,
    #[serde(rename = "Status", default)]
    status: String,
    #[serde(rename = "Engine")]
    engine: Option<String>,
    #[serde(rename = "EngineVersion")]
    engine_version: Option<String>,
    #[serde(rename = "MultiAZ")]
    multi_az: Option<bool>,
    #[serde(rename = "Endpoint")]
    endpoint: Option<String>,
    #[serde(rename = "ReaderEndpoint")]
    reader_endpoint: Option<String>,
    #[serde(rename = "DBClusterMembers", default)]
    members: DbClusterMemberList,
}

#[derive(Deserialize, Default)]
struct DbClusterMemberList {
    #[serde(rename = "DBClusterMember", default)]
    items: Vec<WireDbClusterMember>,
}

#[derive(Deserialize)]
struct WireDbClusterMember {
    #[serde(rename = "DBInstanceIdentifier")]
    instance_id: String,
    #[serde(rename = "IsClusterWriter", default)]
    is_writer: bool,
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

fn global_database(w: WireGlobalCluster) -> GlobalDatabase {
    GlobalDatabase {
        id: w.global_cluster_identifier,
        resource_id: text(w.global_cluster_resource_id),
        arn: text(w.global_cluster_arn),
        status: w.status,
        engine: text(w.engine),
        engine_version: text(w.engine_version),
        deletion_protection: w.deletion_protection,
        members: w
            .global_cluster_members
            .items
            .into_iter()
            .map(|m| GlobalDatabaseMember {
                region: region_of_arn(&m.db_cluster_arn),
                cluster_arn: m.db_cluster_arn,
                is_writer: m.is_writer,
                readers: m.readers.items,
            })
            .collect(),
        failover: w.failover_state.map(|f| FailoverState {
            status: f.status,
            from_cluster_arn: text(f.from_db_cluster_arn),
            to_cluster_arn: text(f.to_db_cluster_arn),
            is_data_loss_allowed: f.is_data_loss_allowed,
        }),
    }
}

fn db_cluster(w: WireDbCluster, region: &str) -> DbCluster {
    DbCluster {
        id: w.id,
        arn: text(w.arn),
        region: region.to_string(),
        status: w.status,
        engine: text(w.engine),
        engine_version: text(w.engine_version),
        multi_az: w.multi_az,
        endpoint: text(w.endpoint),
        reader_endpoint: text(w.reader_endpoint),
        members: w
            .members
            .items
            .into_iter()
            .map(|m| DbClusterMember {
                instance_id: m.instance_id,
                is_writer: m.is_writer,
            })
            .collect(),
    }
}

fn event(w: WireEvent, region: &str) -> Result<Event, DecodeError> {
    Ok(Event {
        service: Service::Neptune,
        region: region.to_string(),
        source_id: w.source_identifier,
        source_type: text(w.source_type),
        message: w.message,
        date: iso_time(&w.date, "event Date")?,
    })
}

// ---- decoders (pure: bytes in, domain out) ----

pub fn parse_describe_global_clusters(body: &[u8]) -> Result<Page<GlobalDatabase>, DecodeError> {
    let r: DescribeGlobalClustersResponse = from_xml(body)?;
    Ok(Page {
        items: r
            .result
            .clusters
            .items
            .into_iter()
            .map(global_database)
            .collect(),
        next_token: token(r.result.marker),
    })
}

pub fn parse_failover_global_cluster(body: &[u8]) -> Result<GlobalDatabase, DecodeError> {
    let r: FailoverGlobalClusterResponse = from_xml(body)?;
    Ok(global_database(r.result.cluster))
}

pub fn parse_switchover_global_cluster(body: &[u8]) -> Result<GlobalDatabase, DecodeError> {
    let r: SwitchoverGlobalClusterResponse = from_xml(body)?;
    Ok(global_database(r.result.cluster))
}

pub fn parse_describe_db_clusters(
    body: &[u8],
    region: &str,
) -> Result<Page<DbCluster>, DecodeError> {
    let r: DescribeDbClustersResponse = from_xml(body)?;
    Ok(Page {
        items: r
            .result
            .clusters
            .items
            .into_iter()
            .map(|c| db_cluster(c, region))
            .collect(),
        next_token: token(r.result.marker),
    })
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
