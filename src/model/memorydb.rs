//! MemoryDB clusters and their shards.

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
}

impl MemoryDbCluster {
    pub fn is_multi_az(&self) -> bool {
        self.availability_mode.as_deref() == Some("multiaz")
    }

    pub fn shard(&self, name: &str) -> Option<&Shard> {
        self.shards.iter().find(|s| s.id == name)
    }
}
