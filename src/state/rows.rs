//! Inventory rows: one flat, pre-summarised row per resource, plus the filter and sort that
//! the inventory table, the URL query and the command palette share. Pure logic, no Leptos.

use crate::model::{
    classify_status, DbCluster, GlobalDatabase, GlobalDatastore, MemoryDbCluster,
    MultiRegionCluster, ReplicationGroup, Service, StatusKind,
};
use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

/// What a row (and a resource page) is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResourceKind {
    GlobalDatastore,
    ReplicationGroup,
    GlobalDatabase,
    NeptuneCluster,
    MemoryDbCluster,
    /// MemoryDB Multi-Region cluster: active-active regional clusters.
    MultiRegionCluster,
}

impl ResourceKind {
    pub fn label(self) -> &'static str {
        match self {
            ResourceKind::GlobalDatastore => "Global datastore",
            ResourceKind::ReplicationGroup => "Replication group",
            ResourceKind::GlobalDatabase => "Global database",
            ResourceKind::NeptuneCluster => "DB cluster",
            ResourceKind::MemoryDbCluster => "MemoryDB cluster",
            ResourceKind::MultiRegionCluster => "Multi-Region cluster",
        }
    }

    /// The kind with its service, as a heading says it ("MemoryDB cluster", not "MemoryDB
    /// MemoryDB cluster").
    pub fn full_label(self) -> &'static str {
        match self {
            ResourceKind::GlobalDatastore => "ElastiCache global datastore",
            ResourceKind::ReplicationGroup => "ElastiCache replication group",
            ResourceKind::GlobalDatabase => "Neptune global database",
            ResourceKind::NeptuneCluster => "Neptune DB cluster",
            ResourceKind::MemoryDbCluster => "MemoryDB cluster",
            ResourceKind::MultiRegionCluster => "MemoryDB Multi-Region cluster",
        }
    }

    /// The kind after its service's name, for a column that shows the service already:
    /// "cluster" for a MemoryDB cluster, "Replication group" for ElastiCache's.
    pub fn label_after_service(self) -> &'static str {
        let label = self.label();
        label
            .strip_prefix(self.service().label())
            .map(str::trim_start)
            .unwrap_or(label)
    }

    pub fn service(self) -> Service {
        match self {
            ResourceKind::GlobalDatastore | ResourceKind::ReplicationGroup => Service::ElastiCache,
            ResourceKind::GlobalDatabase | ResourceKind::NeptuneCluster => Service::Neptune,
            ResourceKind::MemoryDbCluster | ResourceKind::MultiRegionCluster => Service::MemoryDb,
        }
    }

    pub fn is_global(self) -> bool {
        matches!(
            self,
            ResourceKind::GlobalDatastore
                | ResourceKind::GlobalDatabase
                | ResourceKind::MultiRegionCluster
        )
    }
}

/// Names one resource; its [`ResourceRef::path`] is the deep link.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ResourceRef {
    pub kind: ResourceKind,
    /// Home region; empty for global resources.
    pub region: String,
    pub id: String,
}

impl ResourceRef {
    pub fn new(kind: ResourceKind, region: &str, id: &str) -> Self {
        let region = if kind.is_global() {
            String::new()
        } else {
            region.to_string()
        };
        ResourceRef {
            kind,
            region,
            id: id.to_string(),
        }
    }

    /// The app route for this resource, e.g. `/r/elasticache/rg/us-east-1/orders-queue`.
    pub fn path(&self) -> String {
        let mut path = String::from(match self.kind {
            ResourceKind::GlobalDatastore => "/r/elasticache/global/",
            ResourceKind::ReplicationGroup => "/r/elasticache/rg/",
            ResourceKind::GlobalDatabase => "/r/neptune/global/",
            ResourceKind::NeptuneCluster => "/r/neptune/cluster/",
            ResourceKind::MemoryDbCluster => "/r/memorydb/",
            ResourceKind::MultiRegionCluster => "/r/memorydb-multi-region/",
        });
        if !self.kind.is_global() {
            path.push_str(&self.region);
            path.push('/');
        }
        path.push_str(&encode_segment(&self.id));
        path
    }

    /// Stable key for maps and the run store.
    pub fn key(&self) -> String {
        self.path()
    }
}

/// Everything but RFC 3986's unreserved characters is encoded in a path segment or query
/// value, so AWS names (mostly `[a-z0-9-]`) stay readable in the URL.
pub const URL_COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn encode_segment(raw: &str) -> String {
    percent_encoding::utf8_percent_encode(raw, URL_COMPONENT).to_string()
}

/// One inventory row. `rev` changes whenever anything shown changes, so a keyed list can keep
/// the DOM of every row whose `(key, rev)` is unchanged across a poll.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub resource: ResourceRef,
    pub name: String,
    /// The region that takes writes (global) or the home region.
    pub region: String,
    /// Every region the resource spans.
    pub regions: Vec<String>,
    pub status: String,
    pub status_kind: StatusKind,
    /// Who writes: `us-east-1 · checkout-sessions-use1`.
    pub writer: String,
    /// `3 shards · 9 nodes · Multi-AZ`.
    pub summary: String,
    /// Members by region: `us-west-2 (secondary) · eu-west-1 (secondary)`.
    pub members: String,
    /// What makes a failover of it riskier or impossible, as text badges: `single-AZ`,
    /// `no replica`, `quota spent`, `no secondary`. Empty when nothing is flagged.
    pub risks: Vec<&'static str>,
    /// A global resource's members, for plans that move its writer; empty for the others.
    pub parts: Vec<RowMember>,
    /// Lower-case text searched by the filter.
    pub haystack: String,
    pub rev: u64,
}

/// One member of a global resource: where it is, what a failover call names it by (a
/// replication group id, a Neptune cluster ARN), and whether it takes writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowMember {
    pub region: String,
    pub id: String,
    pub target: String,
    pub writer: bool,
}

/// How a MemoryDB cluster's row says it belongs to a Multi-Region cluster (`regional cluster
/// of wqmzt-sessions`); plans read it to say why such a cluster is not moved.
pub const REGIONAL_CLUSTER_OF: &str = "regional cluster of ";

/// Risk flags, as the inventory shows them.
pub const RISK_SINGLE_AZ: &str = "single-AZ";
pub const RISK_NO_REPLICA: &str = "no replica";
pub const RISK_QUOTA_SPENT: &str = "quota spent";
pub const RISK_NO_SECONDARY: &str = "no secondary";

impl Row {
    fn finish(mut self) -> Self {
        self.haystack = format!(
            "{} {} {} {} {} {} {}",
            self.name,
            self.regions.join(" "),
            self.writer,
            self.members,
            self.resource.kind.label(),
            self.resource.kind.service().label(),
            self.risks.join(" ")
        )
        .to_ascii_lowercase();
        // A hash of everything the row shows: a change detector for the keyed table.
        let mut hasher = std::hash::DefaultHasher::new();
        (
            &self.name,
            &self.status,
            &self.writer,
            &self.summary,
            &self.members,
            &self.regions,
            &self.risks,
        )
            .hash(&mut hasher);
        self.rev = hasher.finish();
        self
    }

    pub fn service(&self) -> Service {
        self.resource.kind.service()
    }

    /// Every region the row spans, its writer's first: `us-east-1, us-west-2`.
    pub fn region_list(&self) -> String {
        self.regions_writer_first().join(", ")
    }

    /// Every region the row spans, each once, its writer's (or home) region first.
    pub fn regions_writer_first(&self) -> Vec<&str> {
        let mut list = vec![self.region.as_str()];
        for r in &self.regions {
            if !list.contains(&r.as_str()) {
                list.push(r);
            }
        }
        list.retain(|r| !r.is_empty());
        list
    }

    pub fn from_global_datastore(g: &GlobalDatastore) -> Row {
        let writer = g
            .primary()
            .map(|p| format!("{} · {}", p.region, p.replication_group_id))
            .unwrap_or_else(|| "no primary".into());
        let mut members = String::new();
        let mut regions = Vec::new();
        for m in &g.members {
            let role = m.role.as_str();
            push_member(&mut members, &m.region, &m.replication_group_id, role);
            regions.push(m.region.clone());
        }
        let shards = g.shards.len();
        Row {
            resource: ResourceRef::new(ResourceKind::GlobalDatastore, "", &g.id),
            name: g.id.clone(),
            region: g.primary().map(|p| p.region.clone()).unwrap_or_default(),
            regions,
            status: g.status.clone(),
            status_kind: classify_status(&g.status),
            writer,
            summary: format!(
                "{} · {}",
                plural(g.members.len(), "region"),
                plural(shards, "shard")
            ),
            members,
            risks: if g.members.len() < 2 {
                vec![RISK_NO_SECONDARY]
            } else {
                Vec::new()
            },
            parts: g
                .members
                .iter()
                .map(|m| RowMember {
                    region: m.region.clone(),
                    id: m.replication_group_id.clone(),
                    target: m.replication_group_id.clone(),
                    writer: m.role == crate::model::MemberRole::Primary,
                })
                .collect(),
            haystack: String::new(),
            rev: 0,
        }
        .finish()
    }

    /// A replication group; `quota_spent` when its Region's TestFailover quota is used up.
    pub fn from_replication_group(rg: &ReplicationGroup, quota_spent: bool) -> Row {
        let nodes: usize = rg.shards.iter().map(|s| s.nodes.len()).sum();
        let mut summary = shards_and_nodes(rg.shards.len(), nodes);
        summary.push_str(if rg.is_multi_az() {
            " · Multi-AZ"
        } else {
            " · single-AZ"
        });
        let members = match &rg.global_datastore {
            Some((id, role)) => format!("{} of {id}", role.as_str()),
            None => "not global".into(),
        };
        Row {
            resource: ResourceRef::new(ResourceKind::ReplicationGroup, &rg.region, &rg.id),
            name: rg.id.clone(),
            region: rg.region.clone(),
            regions: vec![rg.region.clone()],
            status: rg.status.clone(),
            status_kind: classify_status(&rg.status),
            // A secondary of a global datastore does not take writes: never say it does.
            writer: match &rg.global_datastore {
                Some((_, role)) if *role != crate::model::MemberRole::Primary => {
                    format!("— ({})", role.as_str())
                }
                _ => rg.region.clone(),
            },
            summary,
            members,
            risks: {
                let mut risks = Vec::new();
                if !rg.is_multi_az() {
                    risks.push(RISK_SINGLE_AZ);
                }
                if rg.shards.iter().any(|s| s.replicas().next().is_none()) {
                    risks.push(RISK_NO_REPLICA);
                }
                if quota_spent {
                    risks.push(RISK_QUOTA_SPENT);
                }
                risks
            },
            parts: Vec::new(),
            haystack: String::new(),
            rev: 0,
        }
        .finish()
    }

    pub fn from_global_database(g: &GlobalDatabase) -> Row {
        let writer = g
            .writer()
            .map(|w| {
                format!(
                    "{} · {}",
                    w.region.clone().unwrap_or_default(),
                    w.cluster_id()
                )
            })
            .unwrap_or_else(|| "no writer".into());
        let mut members = String::new();
        let mut regions = Vec::new();
        for m in &g.members {
            let role = if m.is_writer { "writer" } else { "reader" };
            let region = m.region.as_deref().unwrap_or_default();
            push_member(&mut members, region, m.cluster_id(), role);
            regions.extend(m.region.clone());
        }
        let mut summary = plural(g.members.len(), "cluster");
        if let Some(f) = &g.failover {
            summary.push_str(" · failover ");
            summary.push_str(&f.status);
        }
        Row {
            resource: ResourceRef::new(ResourceKind::GlobalDatabase, "", &g.id),
            name: g.id.clone(),
            region: g
                .writer()
                .and_then(|w| w.region.clone())
                .unwrap_or_default(),
            regions,
            status: g.status.clone(),
            status_kind: classify_status(&g.status),
            writer,
            summary,
            members,
            risks: if g.members.len() < 2 {
                vec![RISK_NO_SECONDARY]
            } else {
                Vec::new()
            },
            parts: g
                .members
                .iter()
                .map(|m| RowMember {
                    region: m.region.clone().unwrap_or_default(),
                    id: m.cluster_id().to_string(),
                    target: m.cluster_arn.clone(),
                    writer: m.is_writer,
                })
                .collect(),
            haystack: String::new(),
            rev: 0,
        }
        .finish()
    }

    pub fn from_db_cluster(c: &DbCluster) -> Row {
        let writers = c.members.iter().filter(|m| m.is_writer).count();
        let mut summary = plural(c.members.len(), "instance");
        summary.push_str(if writers > 0 {
            " · writer"
        } else {
            " · readers only"
        });
        if c.multi_az == Some(true) {
            summary.push_str(" · Multi-AZ");
        }
        Row {
            resource: ResourceRef::new(ResourceKind::NeptuneCluster, &c.region, &c.id),
            name: c.id.clone(),
            region: c.region.clone(),
            regions: vec![c.region.clone()],
            status: c.status.clone(),
            status_kind: classify_status(&c.status),
            writer: if writers > 0 {
                c.region.clone()
            } else {
                "— (reader)".into()
            },
            summary,
            members: c.engine.clone().unwrap_or_default(),
            risks: {
                let mut risks = Vec::new();
                if c.multi_az == Some(false) {
                    risks.push(RISK_SINGLE_AZ);
                }
                if c.members.len() < 2 {
                    risks.push(RISK_NO_REPLICA);
                }
                risks
            },
            parts: Vec::new(),
            haystack: String::new(),
            rev: 0,
        }
        .finish()
    }

    pub fn from_memorydb(c: &MemoryDbCluster) -> Row {
        let nodes: usize = c.shards.iter().map(|s| s.nodes.len()).sum();
        let shards = c
            .number_of_shards
            .map(|n| n as usize)
            .unwrap_or(c.shards.len());
        let mut summary = shards_and_nodes(shards, nodes);
        summary.push_str(if c.is_multi_az() {
            " · Multi-AZ"
        } else {
            " · single-AZ"
        });
        Row {
            resource: ResourceRef::new(ResourceKind::MemoryDbCluster, &c.region, &c.name),
            name: c.name.clone(),
            region: c.region.clone(),
            regions: vec![c.region.clone()],
            status: c.status.clone(),
            status_kind: classify_status(&c.status),
            writer: c.region.clone(),
            summary,
            members: match &c.multi_region {
                Some(m) => format!("{REGIONAL_CLUSTER_OF}{m}"),
                None => c.node_type.clone().unwrap_or_default(),
            },
            risks: {
                let mut risks = Vec::new();
                if !c.is_multi_az() {
                    risks.push(RISK_SINGLE_AZ);
                }
                if c.shards.iter().any(|s| s.nodes.len() < 2) {
                    risks.push(RISK_NO_REPLICA);
                }
                risks
            },
            parts: Vec::new(),
            haystack: String::new(),
            rev: 0,
        }
        .finish()
    }
}

impl Row {
    /// A Multi-Region cluster: every regional cluster takes writes, so the "writer" column
    /// says so rather than naming one.
    pub fn from_multi_region(m: &MultiRegionCluster) -> Row {
        let mut members = String::new();
        let mut regions = Vec::new();
        for c in &m.clusters {
            push_member(&mut members, &c.region, &c.name, "active");
            regions.push(c.region.clone());
        }
        let shards = m.number_of_shards.map_or(0, |n| n as usize);
        Row {
            resource: ResourceRef::new(ResourceKind::MultiRegionCluster, "", &m.name),
            name: m.name.clone(),
            region: String::new(),
            regions,
            status: m.status.clone(),
            status_kind: classify_status(&m.status),
            writer: "every Region (active-active)".into(),
            summary: format!(
                "{} · {}",
                plural(m.clusters.len(), "region"),
                plural(shards, "shard")
            ),
            members,
            risks: if m.clusters.len() < 2 {
                vec![RISK_NO_SECONDARY]
            } else {
                Vec::new()
            },
            parts: Vec::new(),
            haystack: String::new(),
            rev: 0,
        }
        .finish()
    }
}

/// Adds `region id (role)` to a ` · `-separated list of members.
fn push_member(members: &mut String, region: &str, id: &str, role: &str) {
    if !members.is_empty() {
        members.push_str(" · ");
    }
    for part in [region, " ", id, " (", role, ")"] {
        members.push_str(part);
    }
}

/// Adds `name=value` to a query: `?` before the first, `&` before the others.
fn query_param(query: &mut String, name: &str, value: &str) {
    query.push(if query.is_empty() { '?' } else { '&' });
    query.push_str(name);
    query.push_str(value);
}

/// `2 shards · 4 nodes`.
fn shards_and_nodes(shards: usize, nodes: usize) -> String {
    let mut text = plural(shards, "shard");
    text.push_str(" · ");
    text.push_str(&plural(nodes, "node"));
    text
}

pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Status filter values offered in the UI.
pub const STATUS_FILTERS: [(&str, &str); 4] = [
    ("healthy", "Available"),
    ("transitional", "Changing"),
    ("failed", "Failed"),
    ("unknown", "Unknown"),
];

/// The risk filter's choice besides "any": rows with a risk flag only.
pub const RISK_FILTERS: [(&str, &str); 1] = [("at-risk", "At risk")];

/// Sort orders offered in the UI: (URL key, label).
pub const SORTS: [(&str, &str); 4] = [
    ("name", "Name"),
    ("status", "Status (changing first)"),
    ("region", "Region"),
    ("service", "Service"),
];

/// One control of the inventory's filter form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterField {
    Text,
    Service,
    Region,
    Status,
    Risk,
    Sort,
}

/// The inventory filter, as read from and written to the URL query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub text: String,
    pub service: Option<Service>,
    pub region: Option<String>,
    pub status: Option<String>,
    /// Only rows with a risk flag.
    pub at_risk: bool,
    pub sort: String,
}

impl Filter {
    /// From query parameters (`q`, `service`, `region`, `status`, `sort`).
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Filter {
        let nonempty = |k: &str| get(k).filter(|v| !v.is_empty());
        Filter {
            text: get("q").unwrap_or_default(),
            service: nonempty("service").and_then(|s| Service::parse(&s)),
            region: nonempty("region"),
            status: nonempty("status"),
            at_risk: nonempty("risk").is_some_and(|v| v == "at-risk"),
            sort: nonempty("sort").unwrap_or_else(|| "name".into()),
        }
    }

    /// A field as its control on the inventory page holds it: `""` when unset.
    pub fn field(&self, field: FilterField) -> &str {
        match field {
            FilterField::Text => &self.text,
            FilterField::Service => self.service.map_or("", Service::as_str),
            FilterField::Region => self.region.as_deref().unwrap_or(""),
            FilterField::Status => self.status.as_deref().unwrap_or(""),
            FilterField::Risk => {
                if self.at_risk {
                    "at-risk"
                } else {
                    ""
                }
            }
            FilterField::Sort => &self.sort,
        }
    }

    /// Sets a field from its control's value; `""` unsets the optional ones.
    pub fn set_field(&mut self, field: FilterField, value: String) {
        let nonempty = |v: String| Some(v).filter(|v| !v.is_empty());
        match field {
            FilterField::Text => self.text = value,
            FilterField::Service => self.service = Service::parse(&value),
            FilterField::Region => self.region = nonempty(value),
            FilterField::Status => self.status = nonempty(value),
            FilterField::Risk => self.at_risk = value == "at-risk",
            FilterField::Sort => self.sort = value,
        }
    }

    /// `?q=..&service=..` with empty fields left out; `""` when nothing is set.
    pub fn to_query(&self) -> String {
        let mut query = String::new();
        if !self.text.is_empty() {
            query_param(&mut query, "q=", &encode_segment(&self.text));
        }
        if let Some(s) = self.service {
            query_param(&mut query, "service=", s.as_str());
        }
        if let Some(r) = &self.region {
            query_param(&mut query, "region=", &encode_segment(r));
        }
        if let Some(s) = &self.status {
            query_param(&mut query, "status=", &encode_segment(s));
        }
        if self.at_risk {
            query_param(&mut query, "risk=", "at-risk");
        }
        if self.sort != "name" && !self.sort.is_empty() {
            query_param(&mut query, "sort=", &encode_segment(&self.sort));
        }
        query
    }

    pub fn matches(&self, row: &Row, needle: &[&str]) -> bool {
        if let Some(s) = self.service {
            if row.service() != s {
                return false;
            }
        }
        if let Some(r) = &self.region {
            if !row.regions.iter().any(|x| x == r) {
                return false;
            }
        }
        if let Some(s) = &self.status {
            if row.status_kind.as_str() != s {
                return false;
            }
        }
        if self.at_risk && row.risks.is_empty() {
            return false;
        }
        needle.iter().all(|word| row.haystack.contains(word))
    }

    /// Rows that match, sorted; the caller caps how many it renders. Text matching ignores
    /// the case of ASCII letters only: AWS resource names are ASCII.
    pub fn apply<'a, R: AsRef<Row> + 'a>(
        &self,
        rows: impl IntoIterator<Item = &'a R>,
    ) -> Vec<&'a R> {
        let lower = self.text.to_ascii_lowercase();
        let needle: Vec<&str> = lower.split_whitespace().collect();
        let mut out: Vec<&R> = Vec::new();
        for r in rows {
            if self.matches(r.as_ref(), &needle) {
                out.push(r);
            }
        }
        fn rank(k: StatusKind) -> u8 {
            match k {
                StatusKind::Failed => 0,
                StatusKind::Transitional => 1,
                StatusKind::Unknown => 2,
                StatusKind::Healthy => 3,
            }
        }
        let by: fn(&Row, &Row) -> Ordering = match self.sort.as_str() {
            "status" => |a, b| {
                rank(a.status_kind)
                    .cmp(&rank(b.status_kind))
                    .then_with(|| a.name.cmp(&b.name))
            },
            "region" => |a, b| a.region.cmp(&b.region).then_with(|| a.name.cmp(&b.name)),
            "service" => |a, b| (a.resource.kind, &a.name).cmp(&(b.resource.kind, &b.name)),
            _ => |a, b| a.name.cmp(&b.name).then_with(|| a.region.cmp(&b.region)),
        };
        sort_rows(&mut out, &by);
        out
    }
}

/// Sorts rows (stably) by `by`.
pub fn sort_rows<R: AsRef<Row>>(rows: &mut [&R], by: &dyn Fn(&Row, &Row) -> Ordering) {
    rows.sort_by(|a, b| by((*a).as_ref(), (*b).as_ref()));
}

impl AsRef<Row> for Row {
    fn as_ref(&self) -> &Row {
        self
    }
}

/// Model values for the state modules' native tests.
#[cfg(test)]
pub(crate) mod fixtures {
    use crate::model::{GlobalDatastore, GlobalDatastoreMember, MemberRole, ReplicationGroup};

    pub fn rg(id: &str, region: &str, status: &str) -> ReplicationGroup {
        ReplicationGroup {
            id: id.into(),
            region: region.into(),
            description: None,
            status: status.into(),
            global_datastore: None,
            multi_az: Some("enabled".into()),
            automatic_failover: Some("enabled".into()),
            cluster_enabled: Some(true),
            node_type: None,
            engine: None,
            arn: None,
            shards: vec![],
            member_clusters: vec![],
            endpoints: vec![],
        }
    }

    /// A global datastore with these (replication group, region, role) members.
    pub fn datastore(id: &str, members: &[(&str, &str, MemberRole)]) -> GlobalDatastore {
        GlobalDatastore {
            id: id.into(),
            description: None,
            status: "available".into(),
            engine: None,
            engine_version: None,
            node_type: None,
            cluster_enabled: None,
            arn: None,
            members: members
                .iter()
                .map(|(group, region, role)| GlobalDatastoreMember {
                    replication_group_id: group.to_string(),
                    region: region.to_string(),
                    role: role.clone(),
                    automatic_failover: None,
                    status: None,
                })
                .collect(),
            shards: vec![],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{datastore, rg};
    use super::*;
    use crate::model::MemberRole;

    #[test]
    fn full_labels_name_the_service_once_and_the_kind() {
        for kind in [
            ResourceKind::GlobalDatastore,
            ResourceKind::ReplicationGroup,
            ResourceKind::GlobalDatabase,
            ResourceKind::NeptuneCluster,
            ResourceKind::MemoryDbCluster,
        ] {
            let full = kind.full_label();
            let service = kind.service().label();
            assert_eq!(full.matches(service).count(), 1, "{full}");
            assert!(
                full.to_ascii_lowercase()
                    .ends_with(&kind.label().to_ascii_lowercase()),
                "{full}"
            );
            // Service column + kind column read as the full label, the service said once.
            let column = format!("{service} {}", kind.label_after_service());
            assert_eq!(column.matches(service).count(), 1, "{column}");
            assert_eq!(
                column.to_ascii_lowercase(),
                full.to_ascii_lowercase(),
                "{column}"
            );
        }
    }

    #[test]
    fn filter_round_trips_through_the_query() {
        let f = Filter {
            text: "checkout use1".into(),
            service: Some(Service::ElastiCache),
            region: Some("us-east-1".into()),
            status: Some("healthy".into()),
            at_risk: true,
            sort: "status".into(),
        };
        let q = f.to_query();
        let pairs: Vec<(String, String)> = q
            .trim_start_matches('?')
            .split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                (
                    k.to_string(),
                    percent_encoding::percent_decode_str(v)
                        .decode_utf8()
                        .unwrap()
                        .to_string(),
                )
            })
            .collect();
        let back =
            Filter::from_query(|k| pairs.iter().find(|(pk, _)| pk == k).map(|(_, v)| v.clone()));
        assert_eq!(back, f);
        assert_eq!(Filter::from_query(|_| None).to_query(), "");
    }

    #[test]
    fn a_control_reads_and_sets_its_field() {
        let mut f = Filter::from_query(|_| None);
        assert_eq!(f.field(FilterField::Region), "");
        assert_eq!(f.field(FilterField::Sort), "name");
        f.set_field(FilterField::Service, "neptune".into());
        f.set_field(FilterField::Region, "eu-west-1".into());
        f.set_field(FilterField::Status, String::new());
        assert_eq!(f.service, Some(Service::Neptune));
        assert_eq!(f.field(FilterField::Service), "neptune");
        assert_eq!(f.region.as_deref(), Some("eu-west-1"));
        assert_eq!(f.status, None);
        f.set_field(FilterField::Service, String::new());
        assert_eq!(f.service, None);
    }

    #[test]
    fn text_filter_needs_every_word_and_sort_puts_changes_first() {
        let rows = vec![
            Row::from_replication_group(&rg("orders-queue", "us-east-1", "available"), false),
            Row::from_replication_group(&rg("feature-flags", "us-west-2", "modifying"), false),
            Row::from_replication_group(&rg("orders-archive", "eu-west-1", "available"), false),
        ];
        let f = Filter {
            text: "ORDERS east".into(),
            sort: "name".into(),
            ..Filter::default()
        };
        let names: Vec<_> = f.apply(&rows).into_iter().map(|r| r.name.clone()).collect();
        assert_eq!(names, ["orders-queue"]);
        let f = Filter {
            sort: "status".into(),
            ..Filter::default()
        };
        assert_eq!(f.apply(&rows)[0].name, "feature-flags");
        let f = Filter {
            region: Some("eu-west-1".into()),
            sort: "name".into(),
            ..Filter::default()
        };
        assert_eq!(f.apply(&rows).len(), 1);
    }

    #[test]
    fn risks_are_flagged_and_the_at_risk_filter_keeps_only_them() {
        let mut single = rg("legacy-sessions", "eu-west-1", "available");
        single.multi_az = Some("disabled".into());
        single.shards = vec![crate::model::Shard {
            id: "0001".into(),
            status: None,
            slots: None,
            nodes: vec![crate::model::Node {
                id: "legacy-sessions-001".into(),
                role: crate::model::NodeRole::Primary,
                availability_zone: None,
                status: None,
                endpoint: None,
            }],
        }];
        let rows = vec![
            Row::from_replication_group(&single, false),
            Row::from_replication_group(&rg("orders-queue", "us-east-1", "available"), false),
            Row::from_replication_group(&rg("pricing", "us-east-1", "available"), true),
        ];
        assert_eq!(rows[0].risks, [RISK_SINGLE_AZ, RISK_NO_REPLICA]);
        assert!(rows[1].risks.is_empty());
        assert_eq!(rows[2].risks, [RISK_QUOTA_SPENT]);
        let f = Filter::from_query(|k| (k == "risk").then(|| "at-risk".to_string()));
        assert_eq!(f.to_query(), "?risk=at-risk");
        let names: Vec<_> = f.apply(&rows).into_iter().map(|r| r.name.clone()).collect();
        assert_eq!(names, ["legacy-sessions", "pricing"]);
        // The flags are searchable words too.
        let f = Filter::from_query(|k| (k == "q").then(|| "single-az".to_string()));
        assert_eq!(f.apply(&rows).len(), 1);
    }

    #[test]
    fn a_changed_status_changes_the_revision_only() {
        let a = Row::from_replication_group(&rg("x", "us-east-1", "available"), false);
        let b = Row::from_replication_group(&rg("x", "us-east-1", "modifying"), false);
        let c = Row::from_replication_group(&rg("x", "us-east-1", "available"), false);
        assert_eq!(a.resource.key(), b.resource.key());
        assert_ne!(a.rev, b.rev);
        assert_eq!(a.rev, c.rev);
    }

    #[test]
    fn global_rows_name_the_writer() {
        let g = datastore(
            "ldgnf-checkout-sessions",
            &[
                ("checkout-sessions-usw2", "us-west-2", MemberRole::Secondary),
                ("checkout-sessions-use1", "us-east-1", MemberRole::Primary),
            ],
        );
        let row = Row::from_global_datastore(&g);
        assert_eq!(row.writer, "us-east-1 · checkout-sessions-use1");
        assert_eq!(
            row.members,
            "us-west-2 checkout-sessions-usw2 (secondary) · us-east-1 checkout-sessions-use1 (primary)"
        );
        assert_eq!(row.regions, ["us-west-2", "us-east-1"]);
        assert_eq!(
            row.resource.path(),
            "/r/elasticache/global/ldgnf-checkout-sessions"
        );
    }
}
