//! Neptune (Query on the RDS endpoint, API 2014-10-31): global databases, DB clusters,
//! events, failover and switchover.

use super::{parse_query_events, query_describe_events, token, Accepted, Api, Page, PAGE_SIZE};
use crate::aws::client::{CallBody, Client};
use crate::aws::endpoint::NEPTUNE_API_VERSION;
use crate::aws::error::AwsError;
use crate::aws::protocol::query::QueryRequest;
use crate::aws::protocol::xml::{decode, Element};
use crate::aws::protocol::DecodeError;
use crate::model::{
    region_of_arn, DbCluster, DbClusterMember, Event, EventSource, FailoverState, GlobalDatabase,
    GlobalDatabaseMember, Service,
};
use std::future::Future;

/// The engine name Neptune resources carry; the RDS endpoint also lists Aurora's.
const ENGINE: &str = "neptune";

/// Neptune in one region.
#[derive(Clone, Debug)]
pub struct Neptune<'a> {
    api: Api<'a>,
}

impl<'a> Neptune<'a> {
    pub(crate) fn new(client: &'a Client, region: &str) -> Self {
        Neptune {
            api: Api::new(client, Service::Neptune, region),
        }
    }

    pub fn region(&self) -> &str {
        self.api.region()
    }

    fn request(action: &str) -> QueryRequest {
        QueryRequest::new(action, NEPTUNE_API_VERSION)
    }

    /// Every Neptune global database, all pages. The RDS endpoint also returns Aurora global
    /// clusters: those (engine other than `neptune`) are left out.
    pub fn describe_global_databases<'s>(
        &'s self,
    ) -> impl Future<Output = Result<Vec<GlobalDatabase>, AwsError>> + use<'a, 's> {
        self.api.all_pages(
            "DescribeGlobalClusters",
            Box::new(|marker| CallBody::Query(requests::describe_global_clusters(None, marker))),
            |body, _| {
                let mut page = parse_describe_global_clusters(body)?;
                page.items.retain(is_neptune);
                Ok(page)
            },
        )
    }

    pub fn describe_global_database<'s>(
        &'s self,
        id: &'s str,
    ) -> impl Future<Output = Result<GlobalDatabase, AwsError>> + use<'a, 's> {
        self.api.find(
            "DescribeGlobalClusters",
            CallBody::Query(requests::describe_global_clusters(Some(id), None)),
            |body, _| parse_describe_global_clusters(body),
            move |g| g.id == id,
            "global database",
            id,
        )
    }

    /// The region's Neptune DB clusters (filter `engine=neptune`), all pages.
    pub fn describe_clusters<'s>(
        &'s self,
    ) -> impl Future<Output = Result<Vec<DbCluster>, AwsError>> + use<'a, 's> {
        self.api.all_pages(
            "DescribeDBClusters",
            Box::new(|marker| CallBody::Query(requests::describe_db_clusters(marker))),
            parse_describe_db_clusters,
        )
    }

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

    /// FailoverGlobalCluster with `AllowDataLoss`: with `true`, a failover that may lose
    /// writes not yet replicated (for a regional outage); with `false` AWS performs a
    /// switchover.
    pub fn failover_global_database<'s>(
        &'s self,
        id: &str,
        target_cluster_arn: &str,
        allow_data_loss: bool,
    ) -> impl Future<Output = Result<Accepted<GlobalDatabase>, AwsError>> + use<'a, 's> {
        let q =
            requests::failover_global_cluster(id, target_cluster_arn, Some(allow_data_loss), None);
        self.failover_call("FailoverGlobalCluster", q)
    }

    /// SwitchoverGlobalCluster: a planned move of the writer with no data loss.
    pub fn switchover_global_database<'s>(
        &'s self,
        id: &str,
        target_cluster_arn: &str,
    ) -> impl Future<Output = Result<Accepted<GlobalDatabase>, AwsError>> + use<'a, 's> {
        let q = requests::switchover_global_cluster(id, target_cluster_arn);
        self.api
            .mutate("SwitchoverGlobalCluster", CallBody::Query(q), |body, _| {
                parse_switchover_global_cluster(body)
            })
    }

    /// FailoverGlobalCluster with `Switchover=true`, the older way to ask for a switchover.
    pub fn failover_global_database_as_switchover<'s>(
        &'s self,
        id: &str,
        target_cluster_arn: &str,
    ) -> impl Future<Output = Result<Accepted<GlobalDatabase>, AwsError>> + use<'a, 's> {
        let q = requests::failover_global_cluster(id, target_cluster_arn, None, Some(true));
        self.failover_call("FailoverGlobalCluster", q)
    }

    fn failover_call<'s>(
        &'s self,
        op: &'static str,
        q: QueryRequest,
    ) -> impl Future<Output = Result<Accepted<GlobalDatabase>, AwsError>> + use<'a, 's> {
        self.api.mutate(op, CallBody::Query(q), |body, _| {
            parse_failover_global_cluster(body)
        })
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
        query_describe_events(NEPTUNE_API_VERSION, source, marker)
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

// ---- answers to domain (element names as in the Neptune API) ----

fn global_database(g: &Element) -> Result<GlobalDatabase, DecodeError> {
    // The fallible members first: an error then has fewer members built to drop.
    Ok(GlobalDatabase {
        id: g.string("GlobalClusterIdentifier")?,
        deletion_protection: g.opt_bool("DeletionProtection")?,
        members: g.decode_list("GlobalClusterMembers", "GlobalClusterMember", |m| {
            let cluster_arn = m.string("DBClusterArn")?;
            Ok(GlobalDatabaseMember {
                is_writer: m.opt_bool("IsWriter")?.unwrap_or(false),
                region: region_of_arn(&cluster_arn),
                cluster_arn,
                readers: m.texts("Readers", "member"),
            })
        })?,
        failover: match g.child("FailoverState") {
            Some(f) => Some(FailoverState {
                is_data_loss_allowed: f.opt_bool("IsDataLossAllowed")?,
                status: f.string_or_empty("Status"),
                from_cluster_arn: f.opt_string("FromDbClusterArn"),
                to_cluster_arn: f.opt_string("ToDbClusterArn"),
            }),
            None => None,
        },
        resource_id: g.opt_string("GlobalClusterResourceId"),
        arn: g.opt_string("GlobalClusterArn"),
        status: g.string_or_empty("Status"),
        engine: g.opt_string("Engine"),
        engine_version: g.opt_string("EngineVersion"),
    })
}

fn db_cluster(c: &Element, region: &str) -> Result<DbCluster, DecodeError> {
    Ok(DbCluster {
        id: c.string("DBClusterIdentifier")?,
        multi_az: c.opt_bool("MultiAZ")?,
        members: c.decode_list("DBClusterMembers", "DBClusterMember", |m| {
            Ok(DbClusterMember {
                instance_id: m.string("DBInstanceIdentifier")?,
                is_writer: m.opt_bool("IsClusterWriter")?.unwrap_or(false),
            })
        })?,
        arn: c.opt_string("DBClusterArn"),
        region: region.to_string(),
        status: c.string_or_empty("Status"),
        engine: c.opt_string("Engine"),
        engine_version: c.opt_string("EngineVersion"),
        endpoint: c.opt_string("Endpoint"),
        reader_endpoint: c.opt_string("ReaderEndpoint"),
    })
}

// ---- decoders (pure: bytes in, domain out) ----

pub fn parse_describe_global_clusters(body: &[u8]) -> Result<Page<GlobalDatabase>, DecodeError> {
    decode(body, |root| {
        let r = root.required("DescribeGlobalClustersResult")?;
        Ok(Page {
            // Sic: in DescribeGlobalClusters each GlobalCluster is wrapped in
            // `<GlobalClusterMember>`.
            items: r.decode_list("GlobalClusters", "GlobalClusterMember", global_database)?,
            next_token: token(r.opt_string("Marker")),
        })
    })
}

pub fn parse_failover_global_cluster(body: &[u8]) -> Result<GlobalDatabase, DecodeError> {
    decode(body, |root| {
        global_database(
            root.required("FailoverGlobalClusterResult")?
                .required("GlobalCluster")?,
        )
    })
}

pub fn parse_switchover_global_cluster(body: &[u8]) -> Result<GlobalDatabase, DecodeError> {
    decode(body, |root| {
        global_database(
            root.required("SwitchoverGlobalClusterResult")?
                .required("GlobalCluster")?,
        )
    })
}

pub fn parse_describe_db_clusters(
    body: &[u8],
    region: &str,
) -> Result<Page<DbCluster>, DecodeError> {
    decode(body, |root| {
        let r = root.required("DescribeDBClustersResult")?;
        Ok(Page {
            items: r.decode_list("DBClusters", "DBCluster", |c| db_cluster(c, region))?,
            next_token: token(r.opt_string("Marker")),
        })
    })
}

pub fn parse_describe_events(body: &[u8], region: &str) -> Result<Page<Event>, DecodeError> {
    parse_query_events(body, Service::Neptune, region)
}
