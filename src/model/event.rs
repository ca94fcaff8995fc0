//! Service events (DescribeEvents), from any of the three services.

use super::{Region, Service, Timestamp};

#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub service: Service,
    pub region: Region,
    /// The resource the event is about (replication group id, cache cluster id, DB cluster,
    /// MemoryDB cluster or node name).
    pub source_id: String,
    /// The service's own source type: `replication-group`, `cache-cluster`, `db-cluster`,
    /// `cluster`, `node`, ...
    pub source_type: Option<String>,
    pub message: String,
    pub date: Timestamp,
}

/// Which events to ask for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventSource {
    /// A resource id; `None` asks for every resource of the region.
    pub source_id: Option<String>,
    /// The service's source type, e.g. `replication-group`.
    pub source_type: Option<String>,
    /// Only events at or after this time.
    pub since: Option<Timestamp>,
}
