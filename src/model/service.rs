//! The three AWS services the console covers, and region names.

/// One of the services whose resources the console lists and fails over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Service {
    ElastiCache,
    Neptune,
    MemoryDb,
}

impl Service {
    pub const ALL: [Service; 3] = [Service::ElastiCache, Service::Neptune, Service::MemoryDb];

    /// Stable lower-case key, used in URLs and storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Service::ElastiCache => "elasticache",
            Service::Neptune => "neptune",
            Service::MemoryDb => "memorydb",
        }
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Service::ElastiCache => "ElastiCache",
            Service::Neptune => "Neptune",
            Service::MemoryDb => "MemoryDB",
        }
    }

    pub fn parse(key: &str) -> Option<Service> {
        Service::ALL.into_iter().find(|s| s.as_str() == key)
    }
}

/// An AWS region name such as `us-east-1`.
pub type Region = String;
