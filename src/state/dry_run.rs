//! What an action would send, without sending it: the service, the Region's endpoint, the
//! operation and its parameters, built by the same request builders the client sends with;
//! and the `aws` CLI command that makes the same call.

use super::action::Action;
use crate::aws::endpoint::resolve;
use crate::aws::protocol::json::to_body;
use crate::aws::protocol::query::QueryRequest;
use crate::aws::services::{elasticache, memorydb, neptune};
use crate::aws::ClientConfig;
use crate::model::Service;

/// The description the console gives a global datastore it creates.
pub const CREATED_BY: &str = "created by failover-console";

/// One request as it would go on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedCall {
    pub service: Service,
    pub region: String,
    /// The URL it is sent to (an endpoint override when the session has one), or why none.
    pub endpoint: String,
    pub operation: String,
    /// The operation's parameters by their API names, in the order they are sent (`Action`
    /// and `Version` of a Query body left out).
    pub params: Vec<(String, String)>,
}

enum Body {
    Query(QueryRequest),
    Json(&'static str, serde_json::Value),
}

/// The body the client sends for `action` (see `state::api::execute`).
fn body_of(action: &Action) -> Body {
    match action {
        Action::PromoteSecondary {
            datastore,
            target_group,
            target_region,
        } => Body::Query(elasticache::requests::failover_global_replication_group(
            datastore,
            target_region,
            target_group,
        )),
        Action::CreateGlobalDatastore { group, suffix, .. } => Body::Query(
            elasticache::requests::create_global_replication_group(suffix, group, Some(CREATED_BY)),
        ),
        Action::TestFailover { group, shard, .. } => {
            Body::Query(elasticache::requests::test_failover(group, shard))
        }
        Action::NeptuneFailover {
            database,
            target_cluster_arn,
            ..
        } => Body::Query(neptune::requests::failover_global_cluster(
            database,
            target_cluster_arn,
            Some(true),
            None,
        )),
        Action::NeptuneSwitchover {
            database,
            target_cluster_arn,
            via_failover_api,
            ..
        } => Body::Query(if *via_failover_api {
            neptune::requests::failover_global_cluster(
                database,
                target_cluster_arn,
                None,
                Some(true),
            )
        } else {
            neptune::requests::switchover_global_cluster(database, target_cluster_arn)
        }),
        Action::MemoryDbFailoverShard { cluster, shard, .. } => {
            let body = to_body(&memorydb::requests::failover_shard(cluster, shard));
            Body::Json(
                "FailoverShard",
                serde_json::from_slice(&body).unwrap_or_default(),
            )
        }
    }
}

/// The request `action` would send with this client configuration.
pub fn planned_call(config: &ClientConfig, action: &Action) -> PlannedCall {
    let service = action.resource().kind.service();
    let region = action.call_region().to_string();
    let endpoint = match resolve(service, &region, config.override_for(service)) {
        Ok(e) => e.url,
        Err(e) => format!("(no endpoint: {e})"),
    };
    let (operation, params) = match body_of(action) {
        Body::Query(q) => (
            q.action().to_string(),
            q.params()
                .iter()
                .filter(|(k, _)| k != "Action" && k != "Version")
                .cloned()
                .collect(),
        ),
        Body::Json(op, value) => (
            op.to_string(),
            value
                .as_object()
                .map(|o| {
                    o.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().map_or(v.to_string(), str::to_string)))
                        .collect()
                })
                .unwrap_or_default(),
        ),
    };
    PlannedCall {
        service,
        region,
        endpoint,
        operation,
        params,
    }
}

impl PlannedCall {
    /// `FailoverGlobalReplicationGroup us-west-2 (https://…) GlobalReplicationGroupId=… …`.
    pub fn line(&self) -> String {
        let mut line = format!(
            "{} {} {} → {}",
            self.service.label(),
            self.operation,
            self.region,
            self.endpoint
        );
        for (k, v) in &self.params {
            line.push_str(&format!("\n    {k} = {v}"));
        }
        line
    }

    /// The `aws` CLI command making the same call: the operation and parameter names in the
    /// CLI's kebab case, booleans as `--flag` / `--no-flag`, values quoted for a POSIX shell;
    /// `--endpoint-url` when the session sends this service elsewhere than AWS.
    pub fn aws_cli(&self) -> String {
        let command = match self.service {
            Service::ElastiCache => "elasticache",
            Service::Neptune => "neptune",
            Service::MemoryDb => "memorydb",
            Service::Sts => "sts",
            Service::CloudWatch => "cloudwatch",
        };
        let mut line = format!("aws {command} {}", kebab(&self.operation));
        for (name, value) in &self.params {
            match value.as_str() {
                "true" => line.push_str(&format!(" --{}", kebab(name))),
                "false" => line.push_str(&format!(" --no-{}", kebab(name))),
                _ => line.push_str(&format!(" --{} {}", kebab(name), shell_quote(value))),
            }
        }
        line.push_str(&format!(" --region {}", self.region));
        let aws_host = format!(".{}.amazonaws.com", self.region);
        if !self.endpoint.contains(&aws_host) && self.endpoint.starts_with("http") {
            line.push_str(&format!(" --endpoint-url {}", shell_quote(&self.endpoint)));
        }
        line
    }
}

/// `FailoverGlobalReplicationGroup` → `failover-global-replication-group`; a run of capitals
/// is one word (`DBCluster` → `db-cluster`), as the CLI names them.
pub fn kebab(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev_lower = chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit();
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev_lower || (chars[i - 1].is_ascii_uppercase() && next_lower) {
                out.push('-');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// A value as one POSIX shell word: bare when it is only safe characters, else single-quoted.
pub fn shell_quote(value: &str) -> String {
    let safe = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:/=@,+".contains(&b));
    if safe {
        value.to_string()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::{Credentials, EndpointOverride, SignAs};

    fn config() -> ClientConfig {
        ClientConfig::new(Credentials::new("AKIDEXAMPLE", "secret", None))
    }

    #[test]
    fn names_turn_into_the_clis() {
        assert_eq!(
            kebab("FailoverGlobalReplicationGroup"),
            "failover-global-replication-group"
        );
        assert_eq!(
            kebab("TargetDbClusterIdentifier"),
            "target-db-cluster-identifier"
        );
        assert_eq!(kebab("DBClusterIdentifier"), "db-cluster-identifier");
        assert_eq!(kebab("ShardName"), "shard-name");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(
            shell_quote("arn:aws:rds:us-west-2:1:cluster:x"),
            "arn:aws:rds:us-west-2:1:cluster:x"
        );
    }

    #[test]
    fn a_promotion_is_sent_to_the_target_region_with_its_three_parameters() {
        let action = Action::PromoteSecondary {
            datastore: "ldgnf-checkout-sessions".into(),
            target_group: "checkout-sessions-usw2".into(),
            target_region: "us-west-2".into(),
        };
        let call = planned_call(&config(), &action);
        assert_eq!(call.operation, "FailoverGlobalReplicationGroup");
        assert_eq!(
            call.endpoint,
            "https://elasticache.us-west-2.amazonaws.com/"
        );
        assert_eq!(
            call.aws_cli(),
            "aws elasticache failover-global-replication-group \
             --global-replication-group-id ldgnf-checkout-sessions --primary-region us-west-2 \
             --primary-replication-group-id checkout-sessions-usw2 --region us-west-2"
        );
    }

    #[test]
    fn a_neptune_failover_allows_data_loss_and_an_override_is_named() {
        let mut config = config();
        config.set_override(
            Service::Neptune,
            EndpointOverride {
                url: "http://127.0.0.1:4566".into(),
                sign_as: SignAs::Endpoint,
            },
        );
        let action = Action::NeptuneFailover {
            database: "identity-graph".into(),
            target_cluster_arn: "arn:aws:rds:us-west-2:123456789012:cluster:identity-graph-usw2"
                .into(),
            target_region: "us-west-2".into(),
        };
        let call = planned_call(&config, &action);
        assert_eq!(call.operation, "FailoverGlobalCluster");
        assert_eq!(call.endpoint, "http://127.0.0.1:4566/");
        assert!(call.aws_cli().ends_with(
            "--allow-data-loss --region us-west-2 --endpoint-url http://127.0.0.1:4566/"
        ));
        let switch = Action::NeptuneSwitchover {
            database: "identity-graph".into(),
            target_cluster_arn: "arn".into(),
            target_region: "us-west-2".into(),
            via_failover_api: false,
        };
        assert_eq!(
            planned_call(&config, &switch).aws_cli(),
            "aws neptune switchover-global-cluster --global-cluster-identifier identity-graph \
             --target-db-cluster-identifier arn --region us-west-2 --endpoint-url http://127.0.0.1:4566/"
        );
    }

    #[test]
    fn a_memorydb_call_lists_its_json_members() {
        let action = Action::MemoryDbFailoverShard {
            cluster: "sessions".into(),
            region: "us-east-1".into(),
            shard: "0001".into(),
        };
        let call = planned_call(&config(), &action);
        assert_eq!(
            call.params,
            vec![
                ("ClusterName".to_string(), "sessions".to_string()),
                ("ShardName".to_string(), "0001".to_string())
            ]
        );
        assert_eq!(
            call.aws_cli(),
            "aws memorydb failover-shard --cluster-name sessions --shard-name 0001 --region us-east-1"
        );
    }
}
