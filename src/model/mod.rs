//! Domain types the console speaks in: what the AWS client returns and what the pages show.
//!
//! AWS wire names stay in `aws::protocol` and `aws::services`; here a replication group's node
//! group is a [`Shard`], a Neptune global cluster is a [`GlobalDatabase`], and so on.

mod elasticache;
mod event;
mod memorydb;
mod neptune;
mod service;
mod status;
mod time;

pub use elasticache::{
    global_datastore_prefix, suffix_problem, GlobalDatastore, GlobalDatastoreMember, GlobalShard,
    MemberRole, Node, NodeRole, ReplicationGroup, Shard,
};
pub use event::{Event, EventSource};
pub use memorydb::{MemoryDbCluster, MultiRegionCluster, RegionalCluster};
pub use neptune::{
    region_of_arn, DbCluster, DbClusterMember, FailoverState, GlobalDatabase, GlobalDatabaseMember,
};
pub use service::{is_region_name, Region, Service};
pub use status::{classify_status, StatusKind};
pub use time::{Timestamp, TimestampError};
