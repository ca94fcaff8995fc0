//! The wire layer of each service (moto's `responses`): parameters in, model calls, XML or
//! JSON out. One place knows each service's signing name, protocol and namespace.

pub mod cloudwatch;
pub mod elasticache;
pub mod memorydb;
pub mod neptune;
pub mod sts;

use crate::error::AwsError;
use crate::models::EventQuery;
use crate::wire::query::Params;

/// DescribeEvents' filter, read the same way in ElastiCache's and Neptune's Query APIs; a
/// `SourceType` the service does not have is `InvalidParameterValue`.
pub(crate) fn query_event_filter<'a>(
    p: &'a Params,
    region: &'a str,
    source_types: &[&str],
) -> Result<EventQuery<'a>, AwsError> {
    let source_type = p.get("SourceType");
    if let Some(t) = source_type {
        if !source_types.contains(&t) {
            return Err(AwsError::InvalidParameterValue(format!(
                "Invalid value '{t}' for SourceType."
            )));
        }
    }
    Ok(EventQuery {
        region,
        source_id: p.get("SourceIdentifier"),
        source_type,
        start: p.time("StartTime")?,
        end: p.time("EndTime")?,
        duration_minutes: p.int("Duration")?,
    })
}

/// A service, as named by the SigV4 credential scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    ElastiCache,
    Neptune,
    MemoryDb,
    /// Only `GetCallerIdentity`.
    Sts,
    /// `GetMetricData` and `ListMetrics` of the replication lag.
    CloudWatch,
}

impl Service {
    pub fn from_signing_name(name: &str) -> Option<Self> {
        match name {
            "elasticache" => Some(Service::ElastiCache),
            "rds" => Some(Service::Neptune),
            "memorydb" => Some(Service::MemoryDb),
            "sts" => Some(Service::Sts),
            "monitoring" => Some(Service::CloudWatch),
            _ => None,
        }
    }

    pub fn signing_name(self) -> &'static str {
        match self {
            Service::ElastiCache => "elasticache",
            Service::Neptune => "rds",
            Service::MemoryDb => "memorydb",
            Service::Sts => "sts",
            Service::CloudWatch => "monitoring",
        }
    }

    /// The prefix of the service's IAM actions (`cloudwatch:GetMetricData`), which is not
    /// always its signing name (`monitoring`).
    pub fn iam_prefix(self) -> &'static str {
        match self {
            Service::CloudWatch => "cloudwatch",
            other => other.signing_name(),
        }
    }

    pub fn is_json(self) -> bool {
        matches!(self, Service::MemoryDb | Service::CloudWatch)
    }

    /// The JSON content type (MemoryDB speaks JSON 1.1, CloudWatch JSON 1.0).
    pub fn json_content_type(self) -> &'static str {
        match self {
            Service::CloudWatch => "application/x-amz-json-1.0",
            _ => "application/x-amz-json-1.1",
        }
    }

    /// The `X-Amz-Target` prefix of a JSON service, which is also its rpc-v2 service name.
    pub fn target_prefix(self) -> &'static str {
        match self {
            Service::MemoryDb => "AmazonMemoryDB",
            Service::CloudWatch => cloudwatch::TARGET_PREFIX,
            _ => "",
        }
    }

    /// The service a JSON target prefix or rpc-v2 service name belongs to.
    pub fn from_target_prefix(prefix: &str) -> Option<Self> {
        [Service::MemoryDb, Service::CloudWatch]
            .into_iter()
            .find(|s| s.target_prefix() == prefix)
    }

    /// The Query XML namespace (unused for JSON).
    pub fn xmlns(self) -> &'static str {
        match self {
            Service::ElastiCache => elasticache::XMLNS,
            Service::Neptune => neptune::XMLNS,
            Service::MemoryDb | Service::CloudWatch => "",
            Service::Sts => sts::XMLNS,
        }
    }

    pub fn is_known_action(self, action: &str) -> bool {
        match self {
            Service::ElastiCache => elasticache::ACTIONS.contains(&action),
            Service::Neptune => neptune::ACTIONS.contains(&action),
            Service::MemoryDb => memorydb::ACTIONS.contains(&action),
            Service::Sts => sts::ACTIONS.contains(&action),
            Service::CloudWatch => cloudwatch::ACTIONS.contains(&action),
        }
    }

    /// Whether the action changes state (logged in `/_emulator/calls`; faults spare it by default).
    pub fn is_mutating(self, action: &str) -> bool {
        self.is_known_action(action)
            && !action.starts_with("Describe")
            && !matches!(self, Service::Sts | Service::CloudWatch)
    }
}
