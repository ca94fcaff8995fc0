//! The three AWS services the console covers, and region names.

/// One of the services whose resources the console lists and fails over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Service {
    ElastiCache,
    Neptune,
    MemoryDb,
    /// Not listed or failed over: asked once who the caller is (`GetCallerIdentity`).
    Sts,
    /// Not listed: read for the replication lag between Regions (`GetMetricData`).
    CloudWatch,
}

impl Service {
    /// The services whose resources are listed.
    pub const ALL: [Service; 3] = [Service::ElastiCache, Service::Neptune, Service::MemoryDb];
    /// Every service the console calls: the listed ones, STS and CloudWatch (endpoints to
    /// override).
    pub const WITH_ENDPOINTS: [Service; 5] = [
        Service::ElastiCache,
        Service::Neptune,
        Service::MemoryDb,
        Service::Sts,
        Service::CloudWatch,
    ];

    /// Stable lower-case key, used in URLs and storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Service::ElastiCache => "elasticache",
            Service::Neptune => "neptune",
            Service::MemoryDb => "memorydb",
            Service::Sts => "sts",
            Service::CloudWatch => "cloudwatch",
        }
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Service::ElastiCache => "ElastiCache",
            Service::Neptune => "Neptune",
            Service::MemoryDb => "MemoryDB",
            Service::Sts => "STS",
            Service::CloudWatch => "CloudWatch",
        }
    }

    pub fn parse(key: &str) -> Option<Service> {
        Service::WITH_ENDPOINTS
            .into_iter()
            .find(|s| s.as_str() == key)
    }
}

/// An AWS region name such as `us-east-1`.
pub type Region = String;

/// Whether `name` has the shape of an AWS region name: `ap-south-1`, `us-gov-west-1`,
/// `us-isob-east-1` (two letters, one or two words, a number).
pub fn is_region_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    let letters = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
    matches!(parts.len(), 3 | 4)
        && parts[0].len() == 2
        && letters(&parts[0])
        && parts[1..parts.len() - 1].iter().all(letters)
        && parts[parts.len() - 1].len() <= 2
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

#[cfg(test)]
mod region_tests {
    use super::is_region_name;

    #[test]
    fn region_names_have_their_shape() {
        for ok in [
            "us-east-1",
            "ap-southeast-5",
            "us-gov-west-1",
            "us-isob-east-1",
            "me-central-1",
        ] {
            assert!(is_region_name(ok), "{ok}");
        }
        for bad in [
            "",
            "us-east",
            "useast1",
            "us-east-1a",
            "US-EAST-1",
            "us--1",
            "us-east-123",
            "x-east-1",
        ] {
            assert!(!is_region_name(bad), "{bad}");
        }
    }
}
