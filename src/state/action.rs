//! The six actions the console can take, what each one means in words, and its preflight
//! checks. Pure logic: the dialog shows it, `state::api` carries it out.

use super::rows::{ResourceKind, ResourceRef};
use crate::model::{classify_status, StatusKind};
use serde::{Deserialize, Serialize};

/// TestFailover may be called on at most this many node groups per rolling 24 hours.
pub const TEST_FAILOVER_DAILY_QUOTA: u32 = 15;
/// The event message ElastiCache writes for each TestFailover call; counted for the quota.
pub const TEST_FAILOVER_EVENT: &str = "Test Failover API called for node group";

/// Stored and exported as JSON: `{"kind": "promote-secondary", "datastore": ..., ...}`, the
/// kind naming the variant, then its fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Action {
    /// ElastiCache: make a secondary replication group the primary of its global datastore.
    PromoteSecondary {
        datastore: String,
        target_group: String,
        target_region: String,
    },
    /// ElastiCache: create a global datastore with this replication group as primary.
    CreateGlobalDatastore {
        group: String,
        region: String,
        suffix: String,
    },
    /// ElastiCache: fail over the primary of one shard to a replica.
    TestFailover {
        group: String,
        region: String,
        shard: String,
    },
    /// Neptune: move the writer to a secondary, allowing data loss (the old writer is cut off).
    NeptuneFailover {
        database: String,
        target_cluster_arn: String,
        target_region: String,
    },
    /// Neptune: planned move of the writer, no data loss. `via_failover_api` uses
    /// FailoverGlobalCluster with Switchover=true, which AWS documents as equivalent.
    NeptuneSwitchover {
        database: String,
        target_cluster_arn: String,
        target_region: String,
        #[serde(default)]
        via_failover_api: bool,
    },
    /// MemoryDB: fail over the primary of one shard.
    MemoryDbFailoverShard {
        cluster: String,
        region: String,
        shard: String,
    },
}

impl Action {
    /// The member a move makes the writer (a promotion, a Neptune failover or switchover):
    /// its replication lag is what the move may lose.
    pub fn moved_to(&self) -> Option<&str> {
        match self {
            Action::PromoteSecondary { target_group, .. } => Some(target_group),
            Action::NeptuneFailover {
                target_cluster_arn, ..
            }
            | Action::NeptuneSwitchover {
                target_cluster_arn, ..
            } => target_cluster_arn.rsplit(':').next(),
            _ => None,
        }
    }

    pub fn verb(&self) -> &'static str {
        match self {
            Action::PromoteSecondary { .. } => "Promote secondary",
            Action::CreateGlobalDatastore { .. } => "Create global datastore",
            Action::TestFailover { .. } => "Test failover",
            Action::NeptuneFailover { .. } => "Fail over (allow data loss)",
            Action::NeptuneSwitchover { .. } => "Switch over",
            Action::MemoryDbFailoverShard { .. } => "Fail over shard",
        }
    }

    /// The resource whose page shows the run and which the run polls.
    pub fn resource(&self) -> ResourceRef {
        match self {
            Action::PromoteSecondary { datastore, .. } => {
                ResourceRef::new(ResourceKind::GlobalDatastore, "", datastore)
            }
            Action::CreateGlobalDatastore { group, region, .. }
            | Action::TestFailover { group, region, .. } => {
                ResourceRef::new(ResourceKind::ReplicationGroup, region, group)
            }
            Action::NeptuneFailover { database, .. }
            | Action::NeptuneSwitchover { database, .. } => {
                ResourceRef::new(ResourceKind::GlobalDatabase, "", database)
            }
            Action::MemoryDbFailoverShard {
                cluster, region, ..
            } => ResourceRef::new(ResourceKind::MemoryDbCluster, region, cluster),
        }
    }

    /// The region the call is sent to.
    pub fn call_region(&self) -> &str {
        match self {
            Action::PromoteSecondary { target_region, .. }
            | Action::NeptuneFailover { target_region, .. }
            | Action::NeptuneSwitchover { target_region, .. } => target_region,
            Action::CreateGlobalDatastore { region, .. }
            | Action::TestFailover { region, .. }
            | Action::MemoryDbFailoverShard { region, .. } => region,
        }
    }

    /// One line: what, on what, where.
    pub fn title(&self) -> String {
        match self {
            Action::PromoteSecondary {
                datastore,
                target_group,
                target_region,
            } => {
                format!("Promote {target_group} ({target_region}) to primary of {datastore}")
            }
            Action::CreateGlobalDatastore { group, region, .. } => {
                format!("Create a global datastore from {group} ({region})")
            }
            Action::TestFailover {
                group,
                region,
                shard,
            } => {
                format!("Test failover of shard {shard} of {group} ({region})")
            }
            Action::NeptuneFailover {
                database,
                target_region,
                ..
            } => {
                format!("Fail over {database} to {target_region} (allow data loss)")
            }
            Action::NeptuneSwitchover {
                database,
                target_region,
                ..
            } => {
                format!("Switch over {database} to {target_region}")
            }
            Action::MemoryDbFailoverShard {
                cluster,
                region,
                shard,
            } => {
                format!("Fail over shard {shard} of {cluster} ({region})")
            }
        }
    }

    /// The name a person types to confirm; `None` when a click suffices (shard tests).
    pub fn confirm_name(&self) -> Option<&str> {
        match self {
            Action::PromoteSecondary { datastore, .. } => Some(datastore),
            Action::NeptuneFailover { database, .. }
            | Action::NeptuneSwitchover { database, .. } => Some(database),
            Action::CreateGlobalDatastore { group, .. } => Some(group),
            Action::TestFailover { .. } | Action::MemoryDbFailoverShard { .. } => None,
        }
    }

    /// Words typed besides the name, for an action that accepts losing data: typing the name
    /// says which resource, these say the loss is understood.
    pub fn confirm_words(&self) -> Option<&'static str> {
        self.risks_data_loss().then_some(DATA_LOSS_WORDS)
    }

    /// A run's chip: the verb, the resource and where it goes (`Promote secondary ·
    /// ldgnf-checkout-sessions → us-west-2`), so two runs on one resource read apart.
    pub fn chip(&self) -> String {
        let id = self.resource().id;
        match self {
            Action::PromoteSecondary { target_region, .. }
            | Action::NeptuneFailover { target_region, .. }
            | Action::NeptuneSwitchover { target_region, .. } => {
                format!("{} · {id} → {target_region}", self.verb())
            }
            Action::TestFailover { shard, .. } | Action::MemoryDbFailoverShard { shard, .. } => {
                format!("{} · {id} shard {shard}", self.verb())
            }
            Action::CreateGlobalDatastore { .. } => format!("{} · {id}", self.verb()),
        }
    }

    /// The run as a noun, for "a switchover is in progress".
    pub fn noun(&self) -> &'static str {
        match self {
            Action::PromoteSecondary { .. } => "promotion",
            Action::CreateGlobalDatastore { .. } => "global datastore creation",
            Action::TestFailover { .. } => "test failover",
            Action::NeptuneFailover { .. } => "failover",
            Action::NeptuneSwitchover { .. } => "switchover",
            Action::MemoryDbFailoverShard { .. } => "shard failover",
        }
    }

    /// Data may be lost: the dialog shows a loud warning.
    pub fn risks_data_loss(&self) -> bool {
        matches!(self, Action::NeptuneFailover { .. })
    }

    /// What will happen, in the words the dialog shows; `writer` is who writes now.
    pub fn effects(&self, writer: &str) -> Vec<String> {
        let writer = if writer.is_empty() {
            "the current primary"
        } else {
            writer
        };
        match self {
            Action::PromoteSecondary { target_group, target_region, .. } => vec![
                format!("{writer} stops taking writes and becomes a secondary."),
                format!("{target_group} in {target_region} becomes the primary and takes writes."),
                "Applications must write to the new primary's endpoint. Writes not yet replicated to the secondary may be lost.".into(),
            ],
            Action::CreateGlobalDatastore { group, .. } => vec![
                format!("{group} becomes the primary of a new global datastore named with the suffix entered below."),
                "Nothing stops taking writes; secondary regions can be added afterwards.".into(),
            ],
            Action::TestFailover { shard, .. } => vec![
                format!("The primary node of shard {shard} ({writer}) stops taking writes for a few seconds while a replica is promoted."),
                "The old primary comes back as a replica. Counts against the 15-per-24-hours TestFailover quota.".into(),
            ],
            Action::NeptuneFailover { target_region, .. } => vec![
                format!("DATA LOSS: writes to {writer} that have not replicated yet are lost."),
                format!("{writer} is cut off as writer; the secondary in {target_region} becomes the writer at once, without waiting to catch up."),
                "Use only when the writer's region is unreachable; otherwise use Switch over.".into(),
            ],
            Action::NeptuneSwitchover { target_region, .. } => vec![
                format!("{writer} stops taking writes while the secondary in {target_region} catches up (no data loss)."),
                format!("The cluster in {target_region} becomes the writer; the old writer becomes a reader."),
            ],
            Action::MemoryDbFailoverShard { shard, .. } => vec![
                format!("The primary node of shard {shard} stops taking writes for a few seconds while a replica is promoted."),
                "The old primary comes back as a replica.".into(),
            ],
        }
    }

    /// A move of a global resource's writer to another Region: (resource id, the target
    /// member as the call names it, its Region). `None` for actions that move no writer
    /// between Regions.
    pub fn writer_move(&self) -> Option<(&str, &str, &str)> {
        match self {
            Action::PromoteSecondary {
                datastore,
                target_group,
                target_region,
            } => Some((datastore, target_group, target_region)),
            Action::NeptuneFailover {
                database,
                target_cluster_arn,
                target_region,
            }
            | Action::NeptuneSwitchover {
                database,
                target_cluster_arn,
                target_region,
                ..
            } => Some((database, target_cluster_arn, target_region)),
            _ => None,
        }
    }

    /// A Neptune global database's writer to `target` in `region`: a switchover, or a failover
    /// that accepts losing what has not replicated.
    pub fn neptune_move(
        database: &str,
        target: &str,
        region: &str,
        allow_data_loss: bool,
    ) -> Action {
        let (database, target_cluster_arn, target_region) =
            (database.to_string(), target.to_string(), region.to_string());
        if allow_data_loss {
            Action::NeptuneFailover {
                database,
                target_cluster_arn,
                target_region,
            }
        } else {
            Action::NeptuneSwitchover {
                database,
                target_cluster_arn,
                target_region,
                via_failover_api: false,
            }
        }
    }

    /// The writer a move aims for, as a run's reads name it: the promoted group, the Neptune
    /// cluster's id. `None` for actions that name no new writer.
    pub fn expected_writer(&self) -> Option<String> {
        match self {
            Action::PromoteSecondary { target_group, .. } => Some(target_group.clone()),
            Action::NeptuneFailover {
                target_cluster_arn, ..
            }
            | Action::NeptuneSwitchover {
                target_cluster_arn, ..
            } => target_cluster_arn.rsplit(':').next().map(str::to_string),
            _ => None,
        }
    }

    /// The shard the action is about, if any.
    pub fn shard(&self) -> Option<&str> {
        match self {
            Action::TestFailover { shard, .. } | Action::MemoryDbFailoverShard { shard, .. } => {
                Some(shard)
            }
            _ => None,
        }
    }
}

/// Outcome of one preflight check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckOutcome {
    Pass,
    Warn,
    Fail,
    /// Still being looked up.
    Pending,
}

impl CheckOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckOutcome::Pass => "pass",
            CheckOutcome::Warn => "warn",
            CheckOutcome::Fail => "fail",
            CheckOutcome::Pending => "pending",
        }
    }

    /// A shape that reads without colour.
    pub fn glyph(self) -> &'static str {
        match self {
            CheckOutcome::Pass => "✓",
            CheckOutcome::Warn => "!",
            CheckOutcome::Fail => "✕",
            CheckOutcome::Pending => "…",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    pub label: String,
    pub outcome: CheckOutcome,
    pub detail: String,
}

impl Check {
    fn new(label: &str, outcome: CheckOutcome, detail: impl Into<String>) -> Self {
        Check {
            label: label.into(),
            outcome,
            detail: detail.into(),
        }
    }
}

/// What the preflight needs to know, gathered by the resource page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PreflightFacts {
    /// Status of the resource the action changes.
    pub status: String,
    /// Statuses of other parts that must be settled too (members, the shard), with a name.
    pub part_statuses: Vec<(String, String)>,
    /// A tracked run on this resource has not settled.
    pub run_in_flight: bool,
    /// Shard failovers: Multi-AZ on, and how many replicas the shard has.
    pub multi_az: Option<bool>,
    pub replicas: Option<usize>,
    /// TestFailover calls in the last 24 hours across the selected regions: `None` while
    /// loading, `Some(Err)` when the events could not be read.
    pub quota_used: Option<Result<u32, String>>,
    /// The target member is a secondary / reader (promotions and Neptune moves).
    pub target_is_secondary: Option<bool>,
    /// Create global datastore: the group already belongs to one.
    pub already_global: Option<bool>,
}

/// The checklist the dialog shows; the confirm button needs no `Fail` and no `Pending`.
pub fn preflight(action: &Action, facts: &PreflightFacts) -> Vec<Check> {
    use CheckOutcome::*;
    let mut checks = Vec::new();
    let status_ok = classify_status(&facts.status) == StatusKind::Healthy;
    checks.push(Check::new(
        "Resource is available",
        if status_ok { Pass } else { Fail },
        format!(
            "status is {}",
            if facts.status.is_empty() {
                "unknown"
            } else {
                &facts.status
            }
        ),
    ));
    // The parts changing now, by name: `a, b`.
    let mut busy = String::new();
    for (name, status) in &facts.part_statuses {
        if classify_status(status).is_transitional() {
            if !busy.is_empty() {
                busy.push_str(", ");
            }
            busy.push_str(name);
        }
    }
    let in_flight =
        facts.run_in_flight || !busy.is_empty() || classify_status(&facts.status).is_transitional();
    checks.push(Check::new(
        "Nothing else in flight on it",
        if in_flight { Fail } else { Pass },
        if facts.run_in_flight {
            "a tracked run on this resource has not settled yet".to_string()
        } else if !busy.is_empty() {
            format!("changing now: {busy}")
        } else if in_flight {
            format!("status {} means a change is under way", facts.status)
        } else {
            "no tracked run, no changing status".to_string()
        },
    ));
    if let Some(secondary) = facts.target_is_secondary {
        let label = match action {
            Action::PromoteSecondary { .. } => "Target is a secondary",
            _ => "Target is a reader (secondary) cluster",
        };
        checks.push(Check::new(
            label,
            if secondary { Pass } else { Fail },
            if secondary {
                "it does not take writes now"
            } else {
                "it already takes writes"
            },
        ));
    }
    if let Some(global) = facts.already_global {
        checks.push(Check::new(
            "Not already in a global datastore",
            if global { Fail } else { Pass },
            if global {
                "this group already belongs to a global datastore"
            } else {
                "standalone group"
            },
        ));
    }
    if matches!(
        action,
        Action::TestFailover { .. } | Action::MemoryDbFailoverShard { .. }
    ) {
        let multi = facts.multi_az.unwrap_or(false);
        checks.push(Check::new(
            "Multi-AZ is enabled",
            if multi { Pass } else { Fail },
            if multi {
                "automatic failover can pick a replica in another AZ"
            } else {
                "Multi-AZ is off: the service refuses a shard failover"
            },
        ));
        let replicas = facts.replicas.unwrap_or(0);
        checks.push(Check::new(
            "Shard has a replica",
            if replicas > 0 { Pass } else { Fail },
            format!("{replicas} replica{}", if replicas == 1 { "" } else { "s" }),
        ));
    }
    if matches!(action, Action::TestFailover { .. }) {
        let (outcome, detail) = match &facts.quota_used {
            None => (Pending, "counting recent test failovers…".to_string()),
            Some(Err(why)) => (Warn, format!("could not count: {why}")),
            Some(Ok(used)) => {
                let left = TEST_FAILOVER_DAILY_QUOTA.saturating_sub(*used);
                let outcome = if left == 0 {
                    Fail
                } else if left <= 3 {
                    Warn
                } else {
                    Pass
                };
                (
                    outcome,
                    format!(
                        "{used} of {TEST_FAILOVER_DAILY_QUOTA} used in {} in the last 24 hours, {left} left (counted per Region)",
                        action.call_region()
                    ),
                )
            }
        };
        checks.push(Check::new("TestFailover quota (24 h)", outcome, detail));
    }
    checks
}

/// What a failover that allows data loss asks to be typed besides the name.
pub const DATA_LOSS_WORDS: &str = "allow data loss";

/// The confirm button may be pressed: no check failed or pending, the typed name matches, and
/// for an action that may lose data, the words accepting it were typed too.
pub fn may_confirm(action: &Action, checks: &[Check], typed: &str, words: &str) -> bool {
    let checks_ok = checks
        .iter()
        .all(|c| matches!(c.outcome, CheckOutcome::Pass | CheckOutcome::Warn));
    let name_ok = action
        .confirm_name()
        .is_none_or(|name| typed.trim() == name);
    let words_ok = action
        .confirm_words()
        .is_none_or(|w| words.trim().eq_ignore_ascii_case(w));
    checks_ok && name_ok && words_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn promote() -> Action {
        Action::PromoteSecondary {
            datastore: "ldgnf-checkout-sessions".into(),
            target_group: "checkout-sessions-usw2".into(),
            target_region: "us-west-2".into(),
        }
    }

    fn ready() -> PreflightFacts {
        PreflightFacts {
            status: "available".into(),
            target_is_secondary: Some(true),
            ..PreflightFacts::default()
        }
    }

    #[test]
    fn promotion_needs_checks_and_the_exact_name() {
        let checks = preflight(&promote(), &ready());
        assert!(checks.iter().all(|c| c.outcome == CheckOutcome::Pass));
        assert!(!may_confirm(&promote(), &checks, "ldgnf-checkout", ""));
        assert!(may_confirm(
            &promote(),
            &checks,
            "ldgnf-checkout-sessions",
            ""
        ));
    }

    #[test]
    fn chips_name_the_target() {
        assert_eq!(
            promote().chip(),
            "Promote secondary · ldgnf-checkout-sessions → us-west-2"
        );
        let test = Action::TestFailover {
            group: "orders-queue".into(),
            region: "us-east-1".into(),
            shard: "0002".into(),
        };
        assert_eq!(test.chip(), "Test failover · orders-queue shard 0002");
    }

    #[test]
    fn a_failover_that_loses_data_needs_the_words_too() {
        let action = Action::NeptuneFailover {
            database: "fraud-graph".into(),
            target_cluster_arn: "arn:aws:rds:us-east-1:123456789012:cluster:fraud-graph-use1"
                .into(),
            target_region: "us-east-1".into(),
        };
        let checks = preflight(&action, &ready());
        assert!(!may_confirm(&action, &checks, "fraud-graph", ""));
        assert!(!may_confirm(&action, &checks, "fraud-graph", "allow data"));
        assert!(may_confirm(
            &action,
            &checks,
            "fraud-graph",
            "allow data loss"
        ));
        assert!(may_confirm(
            &action,
            &checks,
            "fraud-graph",
            " Allow Data Loss "
        ));
        assert!(!may_confirm(&action, &checks, "", "allow data loss"));
        // Other actions ask for the name only.
        assert_eq!(promote().confirm_words(), None);
    }

    #[test]
    fn a_run_in_flight_or_a_changing_member_blocks() {
        let mut facts = ready();
        facts.run_in_flight = true;
        assert!(!may_confirm(
            &promote(),
            &preflight(&promote(), &facts),
            "ldgnf-checkout-sessions",
            ""
        ));
        let mut facts = ready();
        facts.part_statuses = vec![("checkout-sessions-euw1".into(), "modifying".into())];
        assert!(!may_confirm(
            &promote(),
            &preflight(&promote(), &facts),
            "ldgnf-checkout-sessions",
            ""
        ));
    }

    #[test]
    fn shard_failover_needs_multi_az_a_replica_and_quota() {
        let action = Action::TestFailover {
            group: "g".into(),
            region: "r".into(),
            shard: "0001".into(),
        };
        let mut facts = PreflightFacts {
            status: "available".into(),
            multi_az: Some(true),
            replicas: Some(2),
            ..Default::default()
        };
        assert!(
            !may_confirm(&action, &preflight(&action, &facts), "", ""),
            "quota still loading"
        );
        facts.quota_used = Some(Ok(14));
        let checks = preflight(&action, &facts);
        assert_eq!(checks.last().unwrap().outcome, CheckOutcome::Warn);
        assert!(may_confirm(&action, &checks, "", ""));
        facts.quota_used = Some(Ok(15));
        assert!(!may_confirm(&action, &preflight(&action, &facts), "", ""));
        facts.quota_used = Some(Ok(0));
        facts.multi_az = Some(false);
        assert!(!may_confirm(&action, &preflight(&action, &facts), "", ""));
    }
}

/// One action of each kind (both forms of switchover), for the tests of what stores them.
#[cfg(test)]
pub(crate) fn every_kind() -> [Action; 7] {
    let s = |v: &str| v.to_string();
    [
        Action::PromoteSecondary {
            datastore: s("d"),
            target_group: s("g"),
            target_region: s("r"),
        },
        Action::CreateGlobalDatastore {
            group: s("g"),
            region: s("r"),
            suffix: s("x"),
        },
        Action::TestFailover {
            group: s("g"),
            region: s("r"),
            shard: s("0001"),
        },
        Action::NeptuneFailover {
            database: s("d"),
            target_cluster_arn: s("arn"),
            target_region: s("r"),
        },
        Action::NeptuneSwitchover {
            database: s("d"),
            target_cluster_arn: s("arn"),
            target_region: s("r"),
            via_failover_api: true,
        },
        Action::NeptuneSwitchover {
            database: s("d"),
            target_cluster_arn: s("arn"),
            target_region: s("r"),
            via_failover_api: false,
        },
        Action::MemoryDbFailoverShard {
            cluster: s("c"),
            region: s("r"),
            shard: s("0001"),
        },
    ]
}

#[cfg(test)]
mod json_tests {
    use super::*;

    /// The stored text of each kind, as the builds before serde (919813a and earlier) wrote it.
    const TEXTS: [&str; 7] = [
        r#"{"kind":"promote-secondary","datastore":"d","target_group":"g","target_region":"r"}"#,
        r#"{"kind":"create-global-datastore","group":"g","region":"r","suffix":"x"}"#,
        r#"{"kind":"test-failover","group":"g","region":"r","shard":"0001"}"#,
        r#"{"kind":"neptune-failover","database":"d","target_cluster_arn":"arn","target_region":"r"}"#,
        r#"{"kind":"neptune-switchover","database":"d","target_cluster_arn":"arn","target_region":"r","via_failover_api":true}"#,
        r#"{"kind":"neptune-switchover","database":"d","target_cluster_arn":"arn","target_region":"r","via_failover_api":false}"#,
        r#"{"kind":"memory-db-failover-shard","cluster":"c","region":"r","shard":"0001"}"#,
    ];

    #[test]
    fn each_kind_writes_its_stored_text_and_reads_it_back() {
        for (action, text) in every_kind().into_iter().zip(TEXTS) {
            assert_eq!(serde_json::to_string(&action).unwrap(), text);
            let back: Action = serde_json::from_str(text).unwrap();
            assert_eq!(back, action);
        }
    }

    #[test]
    fn a_switchover_stored_without_its_api_flag_reads_as_the_switchover_api() {
        let text = r#"{"kind":"neptune-switchover","database":"d","target_cluster_arn":"arn","target_region":"r"}"#;
        let action: Action = serde_json::from_str(text).unwrap();
        assert_eq!(action, every_kind()[5]);
        let unknown = r#"{"kind":"reboot","group":"g"}"#;
        assert!(serde_json::from_str::<Action>(unknown).is_err());
    }
}
