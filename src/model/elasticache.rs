//! ElastiCache: global datastores, replication groups, their shards (node groups) and nodes.

use super::Region;

/// A global datastore (AWS: global replication group): one primary replication group that
/// takes writes and up to two secondaries in other regions.
#[derive(Clone, Debug, PartialEq)]
pub struct GlobalDatastore {
    pub id: String,
    pub description: Option<String>,
    pub status: String,
    pub engine: Option<String>,
    pub engine_version: Option<String>,
    pub node_type: Option<String>,
    pub cluster_enabled: Option<bool>,
    pub arn: Option<String>,
    pub members: Vec<GlobalDatastoreMember>,
    pub shards: Vec<GlobalShard>,
}

impl GlobalDatastore {
    /// The member whose region takes writes now.
    pub fn primary(&self) -> Option<&GlobalDatastoreMember> {
        self.members.iter().find(|m| m.role == MemberRole::Primary)
    }

    pub fn secondaries(&self) -> impl Iterator<Item = &GlobalDatastoreMember> {
        self.members
            .iter()
            .filter(|m| m.role == MemberRole::Secondary)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct GlobalDatastoreMember {
    pub replication_group_id: String,
    pub region: Region,
    pub role: MemberRole,
    /// `enabled`, `disabled`, `enabling`, `disabling`.
    pub automatic_failover: Option<String>,
    pub status: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MemberRole {
    Primary,
    Secondary,
    Other(String),
}

impl MemberRole {
    pub fn parse(raw: &str) -> Self {
        if raw.eq_ignore_ascii_case("primary") {
            MemberRole::Primary
        } else if raw.eq_ignore_ascii_case("secondary") {
            MemberRole::Secondary
        } else {
            MemberRole::Other(raw.to_string())
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            MemberRole::Primary => "primary",
            MemberRole::Secondary => "secondary",
            MemberRole::Other(raw) => raw,
        }
    }
}

/// A shard as the global datastore sees it: id and hash slots.
#[derive(Clone, Debug, PartialEq)]
pub struct GlobalShard {
    pub id: String,
    pub slots: Option<String>,
}

/// A replication group in one region (console: a Redis OSS or Valkey cluster).
#[derive(Clone, Debug, PartialEq)]
pub struct ReplicationGroup {
    pub id: String,
    pub region: Region,
    pub description: Option<String>,
    pub status: String,
    /// Set when the group belongs to a global datastore: (datastore id, role in it).
    pub global_datastore: Option<(String, MemberRole)>,
    /// `enabled` or `disabled`.
    pub multi_az: Option<String>,
    /// `enabled`, `disabled`, `enabling`, `disabling`.
    pub automatic_failover: Option<String>,
    pub cluster_enabled: Option<bool>,
    pub node_type: Option<String>,
    pub engine: Option<String>,
    pub arn: Option<String>,
    pub shards: Vec<Shard>,
    pub member_clusters: Vec<String>,
    /// Where applications connect, as `(kind, address:port)`: the configuration endpoint
    /// (cluster mode), else the primary and reader endpoints.
    pub endpoints: Vec<(String, String)>,
}

impl ReplicationGroup {
    pub fn is_multi_az(&self) -> bool {
        self.multi_az.as_deref() == Some("enabled")
    }

    pub fn has_automatic_failover(&self) -> bool {
        self.automatic_failover.as_deref() == Some("enabled")
    }

    pub fn shard(&self, id: &str) -> Option<&Shard> {
        self.shards.iter().find(|s| s.id == id)
    }
}

/// A shard (AWS: node group in ElastiCache, shard in MemoryDB).
#[derive(Clone, Debug, PartialEq)]
pub struct Shard {
    pub id: String,
    pub status: Option<String>,
    pub slots: Option<String>,
    pub nodes: Vec<Node>,
}

impl Shard {
    pub fn primary(&self) -> Option<&Node> {
        self.nodes.iter().find(|n| n.role == NodeRole::Primary)
    }

    pub fn replicas(&self) -> impl Iterator<Item = &Node> {
        self.nodes.iter().filter(|n| n.role == NodeRole::Replica)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Cache cluster id (ElastiCache) or node name (MemoryDB).
    pub id: String,
    pub role: NodeRole,
    pub availability_zone: Option<String>,
    pub status: Option<String>,
    pub endpoint: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeRole {
    Primary,
    Replica,
    /// The API does not say (MemoryDB's DescribeClusters has no node role).
    Unknown,
}

impl NodeRole {
    pub fn parse(raw: &str) -> Self {
        if raw.eq_ignore_ascii_case("primary") {
            NodeRole::Primary
        } else if raw.eq_ignore_ascii_case("replica") {
            NodeRole::Replica
        } else {
            NodeRole::Unknown
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            NodeRole::Primary => "primary",
            NodeRole::Replica => "replica",
            NodeRole::Unknown => "unknown",
        }
    }
}

/// The prefix ElastiCache gives a new global datastore's id in the Region of its primary
/// (`ldgnf-` + the suffix in us-east-1), as AWS's "Using global datastores (CLI)" page lists
/// them; `None` for a Region that table does not list.
pub fn global_datastore_prefix(region: &str) -> Option<&'static str> {
    Some(match region {
        "us-east-1" => "ldgnf",
        "us-east-2" => "fpkhr",
        "us-west-1" => "virxk",
        "us-west-2" => "sgaui",
        "ca-central-1" => "bxodz",
        "ap-south-1" => "erpgt",
        "ap-northeast-1" => "quwsw",
        "ap-northeast-2" => "lfqnh",
        "ap-northeast-3" => "nlapn",
        "ap-southeast-1" => "vlqxn",
        "ap-southeast-2" => "vbgxd",
        "ap-east-1" => "knjmp",
        "eu-central-1" => "iudkw",
        "eu-west-1" => "gxeiz",
        "eu-west-2" => "okuqm",
        "eu-west-3" => "fgjhi",
        "sa-east-1" => "juxlw",
        "cn-north-1" => "emvgo",
        "cn-northwest-1" => "ckbem",
        _ => return None,
    })
}

/// Why a global datastore suffix would be refused, or `None` when it will do: letters,
/// digits and hyphens, starting with a letter or digit, and not empty.
pub fn suffix_problem(suffix: &str) -> Option<String> {
    let suffix = suffix.trim();
    if suffix.is_empty() {
        return Some("empty: type a suffix".into());
    }
    if let Some(c) = suffix
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        return Some(format!(
            "“{c}” is not allowed: letters, digits and hyphens only"
        ));
    }
    if suffix.starts_with('-') || suffix.ends_with('-') || suffix.contains("--") {
        return Some("a hyphen may not start or end it, nor follow another".into());
    }
    None
}

#[cfg(test)]
mod prefix_tests {
    use super::*;

    #[test]
    fn prefixes_are_the_documented_ones_per_region() {
        assert_eq!(global_datastore_prefix("us-east-1"), Some("ldgnf"));
        assert_eq!(global_datastore_prefix("eu-west-1"), Some("gxeiz"));
        assert_eq!(global_datastore_prefix("eu-central-1"), Some("iudkw"));
        assert_eq!(global_datastore_prefix("me-central-1"), None);
    }

    #[test]
    fn a_bad_suffix_says_what_is_wrong() {
        assert_eq!(suffix_problem("orders-global"), None);
        assert!(suffix_problem("  ").unwrap().contains("empty"));
        assert!(suffix_problem("orders_global").unwrap().contains("“_”"));
        assert!(suffix_problem("-orders").unwrap().contains("hyphen"));
        assert!(suffix_problem("a--b").unwrap().contains("hyphen"));
    }
}
