//! Status classification: which raw AWS statuses mean settled, changing or broken.
//!
//! Polling cadence and the status badges both derive from [`classify_status`], so a status
//! AWS adds later falls into `Unknown` and is polled as if changing rather than ignored.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StatusKind {
    /// Ready for work: `available`, `active`.
    Healthy,
    /// A change is under way: `modifying`, `failing-over`, `creating`, ...
    Transitional,
    /// Needs a person: `failed`, `incompatible-network`, `inaccessible-encryption-credentials`, ...
    Failed,
    /// A status the console does not know.
    Unknown,
}

impl StatusKind {
    /// Nothing is changing: polling may slow down.
    pub fn is_settled(self) -> bool {
        matches!(self, StatusKind::Healthy | StatusKind::Failed)
    }

    pub fn is_transitional(self) -> bool {
        matches!(self, StatusKind::Transitional | StatusKind::Unknown)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StatusKind::Healthy => "healthy",
            StatusKind::Transitional => "transitional",
            StatusKind::Failed => "failed",
            StatusKind::Unknown => "unknown",
        }
    }
}

/// Classifies a raw status string from any of the three services (case-insensitive).
pub fn classify_status(raw: &str) -> StatusKind {
    // Lists looked up rather than a `match`: the same strings, less code.
    const HEALTHY: &[&str] = &["available", "active", "primary", "in-sync", "associated"];
    const TRANSITIONAL: &[&str] = &[
        "creating",
        "modifying",
        "deleting",
        "snapshotting",
        "updating",
        "failing-over",
        "failingover",
        "switching-over",
        "pending",
        "rebooting",
        "rebooting cluster nodes",
        "migrating",
        "associating",
        "disassociating",
        "primary-only",
        "backing-up",
        "starting",
        "stopping",
        "upgrading",
        "resharding",
        "promoting",
        "cancelling",
        "maintenance",
        "renaming",
        "resetting-master-credentials",
        "copying",
    ];
    const FAILED: &[&str] = &[
        "failed",
        "create-failed",
        "incompatible-network",
        "incompatible-parameters",
        "inaccessible-encryption-credentials",
        "restore-failed",
        "deleted",
        "stopped",
        "storage-full",
    ];
    let status = raw.trim().to_ascii_lowercase();
    let status = status.as_str();
    if HEALTHY.contains(&status) {
        StatusKind::Healthy
    } else if TRANSITIONAL.contains(&status) {
        StatusKind::Transitional
    } else if FAILED.contains(&status) {
        StatusKind::Failed
    } else {
        StatusKind::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settled_statuses_stop_fast_polling() {
        assert!(classify_status("available").is_settled());
        assert!(classify_status("Available").is_settled());
        assert!(classify_status("failed").is_settled());
        assert!(!classify_status("modifying").is_settled());
        assert!(classify_status("failing-over").is_transitional());
    }

    #[test]
    fn unknown_status_is_polled_like_a_change() {
        let kind = classify_status("some-new-status");
        assert_eq!(kind, StatusKind::Unknown);
        assert!(kind.is_transitional());
        assert!(!kind.is_settled());
    }
}
