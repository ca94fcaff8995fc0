//! Neptune: global databases and the DB clusters that belong to them.

use super::Region;

/// A Neptune global database (AWS: global cluster): one writer cluster, up to five readers in
/// other regions.
#[derive(Clone, Debug, PartialEq)]
pub struct GlobalDatabase {
    pub id: String,
    pub resource_id: Option<String>,
    pub arn: Option<String>,
    pub status: String,
    pub engine: Option<String>,
    pub engine_version: Option<String>,
    pub deletion_protection: Option<bool>,
    pub members: Vec<GlobalDatabaseMember>,
    /// Present while a failover or switchover is pending or running.
    pub failover: Option<FailoverState>,
}

impl GlobalDatabase {
    pub fn writer(&self) -> Option<&GlobalDatabaseMember> {
        self.members.iter().find(|m| m.is_writer)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct GlobalDatabaseMember {
    pub cluster_arn: String,
    /// Taken from the ARN (`arn:aws:rds:<region>:...`); `None` when the ARN is malformed.
    pub region: Option<Region>,
    pub is_writer: bool,
    pub readers: Vec<String>,
}

impl GlobalDatabaseMember {
    /// The cluster identifier: the last `:`-separated part of the ARN.
    pub fn cluster_id(&self) -> &str {
        self.cluster_arn
            .rsplit(':')
            .next()
            .unwrap_or(&self.cluster_arn)
    }
}

/// Region of an ARN such as `arn:aws:rds:us-east-1:123456789012:cluster:orders`.
pub fn region_of_arn(arn: &str) -> Option<Region> {
    let mut parts = arn.split(':');
    if parts.next()? != "arn" {
        return None;
    }
    let region = parts.nth(2)?;
    (!region.is_empty()).then(|| region.to_string())
}

#[derive(Clone, Debug, PartialEq)]
pub struct FailoverState {
    /// `pending`, `failing-over` or `cancelling`.
    pub status: String,
    pub from_cluster_arn: Option<String>,
    pub to_cluster_arn: Option<String>,
    /// `true` for a failover that allows data loss, `false` for a switchover.
    pub is_data_loss_allowed: Option<bool>,
}

/// A Neptune DB cluster in one region.
#[derive(Clone, Debug, PartialEq)]
pub struct DbCluster {
    pub id: String,
    pub arn: Option<String>,
    pub region: Region,
    pub status: String,
    pub engine: Option<String>,
    pub engine_version: Option<String>,
    pub multi_az: Option<bool>,
    pub endpoint: Option<String>,
    pub reader_endpoint: Option<String>,
    pub members: Vec<DbClusterMember>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DbClusterMember {
    pub instance_id: String,
    pub is_writer: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_comes_from_the_arn() {
        assert_eq!(
            region_of_arn("arn:aws:rds:eu-west-1:123456789012:cluster:orders-eu"),
            Some("eu-west-1".to_string())
        );
        assert_eq!(region_of_arn("orders-eu"), None);
        assert_eq!(region_of_arn("arn:aws:rds::1:cluster:x"), None);
    }
}
