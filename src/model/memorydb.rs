//! MemoryDB clusters and their shards, and Multi-Region clusters (active-active regional
//! clusters, one per Region).

use super::{Region, Shard};

#[derive(Clone, Debug, PartialEq)]
pub struct MemoryDbCluster {
    pub name: String,
    pub region: Region,
    pub description: Option<String>,
    pub status: String,
    /// `singleaz` or `multiaz`.
    pub availability_mode: Option<String>,
    pub node_type: Option<String>,
    pub engine_version: Option<String>,
    pub arn: Option<String>,
    pub number_of_shards: Option<u32>,
    /// The cluster endpoint applications connect to (`address:port`).
    pub endpoint: Option<String>,
    /// Nodes carry [`super::NodeRole::Unknown`]: MemoryDB does not report roles.
    pub shards: Vec<Shard>,
    /// The Multi-Region cluster this regional cluster belongs to.
    pub multi_region: Option<String>,
}

/// A MemoryDB Multi-Region cluster: regional clusters that all accept writes and replicate
/// to each other. Nothing is promoted; "failing over" is moving traffic between Regions.
#[derive(Clone, Debug, PartialEq)]
pub struct MultiRegionCluster {
    pub name: String,
    pub description: Option<String>,
    pub status: String,
    pub node_type: Option<String>,
    pub engine: Option<String>,
    pub engine_version: Option<String>,
    pub number_of_shards: Option<u32>,
    pub arn: Option<String>,
    pub clusters: Vec<RegionalCluster>,
}

/// One Region's cluster of a Multi-Region cluster, as the Multi-Region answer lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionalCluster {
    pub name: String,
    pub region: Region,
    pub status: String,
    pub arn: Option<String>,
}

impl MemoryDbCluster {
    pub fn is_multi_az(&self) -> bool {
        self.availability_mode.as_deref() == Some("multiaz")
    }

    pub fn shard(&self, name: &str) -> Option<&Shard> {
        self.shards.iter().find(|s| s.id == name)
    }
}
