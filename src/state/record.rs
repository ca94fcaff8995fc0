//! A tracked run: what was asked, what was observed, and how it ended. Pure data with its
//! settle rule, schedule and JSON / Markdown export; `state::runs` drives it.

use super::action::Action;
use super::errors::ErrorInfo;
use crate::aws::protocol::DecodeError;
use crate::model::{classify_status, StatusKind, Timestamp};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

// Runs are kept in sessionStorage and exported as JSON in this shape: every field by its
// name, in declaration order, absent ones `null`. Builds from before serde wrote the same
// shape (tests/fixtures/stored/ holds what 919813a stored), so a run started before an
// upgrade resumes after it.

/// Stored by name: `sending`, `changing`, `settled`, `rejected`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// The call is on its way.
    Sending,
    /// Accepted; the change is under way.
    Changing,
    /// The settled state was observed.
    Settled,
    /// AWS refused the call; nothing changed.
    Rejected,
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Phase::Sending => "sending",
            Phase::Changing => "in progress",
            Phase::Settled => "settled",
            Phase::Rejected => "rejected",
        }
    }

    pub fn glyph(self) -> &'static str {
        match self {
            Phase::Sending => "↑",
            Phase::Changing => "◐",
            Phase::Settled => "✓",
            Phase::Rejected => "✕",
        }
    }

    /// The label as a CSS modifier (`in-progress`).
    pub fn class_name(self) -> &'static str {
        match self {
            Phase::Changing => "in-progress",
            other => other.as_str(),
        }
    }

    pub fn is_done(self) -> bool {
        matches!(self, Phase::Settled | Phase::Rejected)
    }

    /// The name stored and exported.
    fn as_str(self) -> &'static str {
        match self {
            Phase::Sending => "sending",
            Phase::Changing => "changing",
            Phase::Settled => "settled",
            Phase::Rejected => "rejected",
        }
    }
}

/// What one poll saw of the resource.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Observation {
    /// Overall status (`available`, `modifying`, `failing-over`, ...).
    pub status: String,
    /// Who writes now: the primary member / writer cluster / the shard's primary node.
    /// Empty when the API does not say (MemoryDB node roles).
    pub writer: String,
    /// A failover state AWS reports while the move is pending (Neptune).
    pub pending: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunEvent {
    pub at: i64,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub at: i64,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub writer: String,
}

/// Only `id`, `action`, `started_at` and `phase` must be there; the rest reads as empty when
/// missing, as the builds before serde read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    pub id: String,
    pub action: Action,
    /// Who: `access key …0001`, plus the account when an ARN gave it away.
    #[serde(default)]
    pub who: String,
    pub started_at: i64,
    #[serde(default)]
    pub accepted_at: Option<i64>,
    #[serde(default)]
    pub settled_at: Option<i64>,
    pub phase: Phase,
    /// Writer / primary before the call (from the page the action was started on).
    #[serde(default)]
    pub writer_before: String,
    /// The writer the action aims for, when it names one (promotion / switchover target).
    #[serde(default)]
    pub writer_expected: Option<String>,
    #[serde(default)]
    pub last: Observation,
    #[serde(default)]
    pub seen_change: bool,
    #[serde(default)]
    pub history: Vec<StatusChange>,
    #[serde(default)]
    pub events: Vec<RunEvent>,
    /// Set while polls fail: `connection lost — retrying`.
    #[serde(default)]
    pub connection: Option<ErrorInfo>,
    /// Why AWS refused the call.
    #[serde(default)]
    pub error: Option<ErrorInfo>,
    /// The final state in words.
    #[serde(default)]
    pub result: Option<String>,
    /// Polls so far; used to give up waiting for a change that never shows.
    #[serde(default)]
    pub polls: u32,
    // The fields below came after the stored format was fixed: each is left out of the text
    // while unset, so runs kept by earlier builds read and write as they did.
    /// The request id AWS gave the accepted call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Who called, as AWS names them (`sts:GetCallerIdentity`'s ARN), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller_arn: Option<String>,
    /// When AWS accepted the call, on AWS's clock (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_aws: Option<i64>,
    /// When the change completed, on AWS's clock: the service's completion event when it
    /// emits one, else the first read that showed it settled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settled_aws: Option<i64>,
    /// Where `settled_aws` comes from: `completion event` or `first settled read`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settle_source: Option<String>,
    /// Local clock minus AWS's when the call was accepted (ms), to put reads on AWS's clock.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub skew_ms: i64,
    /// Intervals in which no read answered while the run was open (local clock).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blind: Vec<Blind>,
    /// The last read that answered (local clock), where a blind interval starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_read_at: Option<i64>,
    /// A blind interval still open: since when no read answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blind_since: Option<i64>,
    /// A move of a writer: the writes it put at risk when it was sent, from the target's
    /// replication lag (`Estimated writes at risk: about 0.8 s of changes (...)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_risk: Option<String>,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

/// An interval in which the console could not read the resource (local clock, ms).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blind {
    pub from: i64,
    pub to: i64,
}

/// Where a settle time ends.
pub const SETTLED_BY_EVENT: &str = "completion event";
pub const SETTLED_BY_READ: &str = "first settled read";

/// An event that says a failover or switchover completed (ElastiCache, Neptune and MemoryDB
/// all say "… completed").
fn is_completion(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("completed") && (m.contains("failover") || m.contains("switchover"))
}

/// After settling, keep polling slowly this long to catch late events.
pub const AFTER_SETTLE_MS: i64 = 20_000;
/// Poll interval while the resource is changing.
pub const FAST_MS: u32 = 1_000;
/// Poll interval when idle / after settling.
pub const SLOW_MS: u32 = 5_000;

impl Run {
    /// Reads one run as [`Run::to_json`] wrote it (a JSON export).
    pub fn from_json(text: &str) -> Result<Run, DecodeError> {
        serde_json::from_str(text).map_err(|e| DecodeError::new(format!("not a run: {e}")))
    }

    /// The runs kept in sessionStorage. A run this version cannot read is dropped with a
    /// warning in the browser console (the others stay); unreadable text gives no runs.
    pub fn list_from_json(text: &str) -> Vec<Run> {
        let items: Vec<serde_json::Value> = match serde_json::from_str(text) {
            Ok(items) => items,
            Err(e) => {
                leptos::logging::warn!("stored runs dropped: {e}");
                return Vec::new();
            }
        };
        items
            .into_iter()
            .filter_map(|item| match serde_json::from_value(item) {
                Ok(run) => Some(run),
                Err(e) => {
                    leptos::logging::warn!("a stored run was dropped: {e}");
                    None
                }
            })
            .collect()
    }

    pub fn new(
        id: String,
        action: Action,
        who: String,
        writer_before: String,
        writer_expected: Option<String>,
        now: i64,
    ) -> Run {
        Run {
            id,
            action,
            who,
            started_at: now,
            accepted_at: None,
            settled_at: None,
            phase: Phase::Sending,
            writer_before,
            writer_expected,
            last: Observation::default(),
            seen_change: false,
            history: Vec::new(),
            events: Vec::new(),
            connection: None,
            error: None,
            result: None,
            polls: 0,
            request_id: None,
            caller_arn: None,
            accepted_aws: None,
            settled_aws: None,
            settle_source: None,
            skew_ms: 0,
            blind: Vec::new(),
            last_read_at: None,
            blind_since: None,
            at_risk: None,
        }
    }

    /// What AWS said of the accepted call: its request id, and when it answered on its clock
    /// (`local_ms` corrected by the clock's `skew_ms`, local minus AWS). The `Date` header
    /// has whole seconds only: it stands in when the two disagree by more than two seconds
    /// (the skew was not learnt yet), else the millisecond estimate is kept.
    pub fn accepted_by_aws(
        &mut self,
        local_ms: i64,
        skew_ms: i64,
        date: Option<i64>,
        request_id: Option<String>,
    ) {
        let estimate = local_ms - skew_ms;
        let aws = match date {
            Some(d) if (estimate - d).abs() > 2_000 => d,
            _ => estimate,
        };
        self.skew_ms = local_ms - aws;
        self.accepted_aws = Some(aws);
        self.request_id = request_id;
    }

    /// A read of the resource failed at `now`: shown as a lost connection, and the time
    /// from the last read that answered counts as blind until one answers again.
    pub fn read_failed(&mut self, now: i64, error: ErrorInfo) {
        if !self.phase.is_done() && self.blind_since.is_none() {
            self.blind_since = Some(self.last_read_at.or(self.accepted_at).unwrap_or(now));
        }
        self.connection_lost(error);
    }

    /// The service's event that says the change completed, after the call was accepted: its
    /// time on AWS's clock.
    fn completion_event(&self) -> Option<i64> {
        let from = self.accepted_aws? - 2_000;
        self.events
            .iter()
            .filter(|e| e.at >= from)
            .find(|e| is_completion(&e.message))
            .map(|e| e.at)
    }

    /// A shard failover's old and new primary as the service's events name them, after the
    /// call was accepted: ElastiCache says "Failover from primary node A to replica node B
    /// completed", MemoryDB "Failover to replica node B completed" then "Recovering node A"
    /// (MemoryDB's reads never say which node is the primary).
    pub fn shard_move_from_events(&self) -> (Option<String>, Option<String>) {
        let after = |m: &str, words: &str| {
            m.split_once(words)
                .and_then(|(_, rest)| rest.split_whitespace().next())
                .map(str::to_string)
        };
        let (mut old, mut new) = (None, None);
        let from = self
            .accepted_at
            .map_or(i64::MIN, |a| a - self.skew_ms - 2_000);
        for e in self.events.iter().filter(|e| e.at >= from) {
            if is_completion(&e.message) {
                old = old.or_else(|| after(&e.message, "from primary node "));
                new = new.or_else(|| after(&e.message, "to replica node "));
            } else if new.is_some() {
                old = old.or_else(|| after(&e.message, "Recovering node "));
            }
        }
        (old, new)
    }

    /// Total time no read answered while the run was open.
    pub fn blind_ms(&self) -> i64 {
        self.blind.iter().map(|b| b.to - b.from).sum()
    }

    pub fn accepted(&mut self, now: i64, first: Observation) {
        self.accepted_at = Some(now);
        self.phase = Phase::Changing;
        self.observe(now, first);
    }

    pub fn rejected(&mut self, now: i64, error: ErrorInfo) {
        self.phase = Phase::Rejected;
        // Its refusal is what it shows; a failing read before it is no longer news.
        self.connection = None;
        self.settled_at = Some(now);
        self.result = Some(format!("rejected: {}", error.one_line()));
        self.error = Some(error);
    }

    /// Records a poll and settles the run when the change is complete.
    pub fn observe(&mut self, now: i64, obs: Observation) {
        self.connection = None;
        self.polls += 1;
        if let Some(from) = self.blind_since.take() {
            self.blind.push(Blind { from, to: now });
        }
        self.last_read_at = Some(now);
        let changed = self
            .history
            .last()
            .is_none_or(|h| h.status != obs.status || h.writer != obs.writer);
        if changed {
            self.history.push(StatusChange {
                at: now,
                status: obs.status.clone(),
                writer: obs.writer.clone(),
            });
        }
        let kind = classify_status(&obs.status);
        if kind.is_transitional() || obs.pending {
            self.seen_change = true;
        }
        let writer_moved = !obs.writer.is_empty() && obs.writer != self.writer_before;
        if writer_moved {
            self.seen_change = true;
        }
        self.last = obs;
        if self.phase != Phase::Changing {
            return;
        }
        let available = kind == StatusKind::Healthy && !self.last.pending;
        let reached = match &self.writer_expected {
            Some(expected) => &self.last.writer == expected,
            // Shard failovers: the primary node moved, or (when roles are not reported)
            // the shard went through a change and came back.
            None => writer_moved || (self.last.writer.is_empty() && self.seen_change),
        };
        // A create has no writer to move: it is done when the new datastore is available.
        let reached = reached
            || matches!(self.action, Action::CreateGlobalDatastore { .. }) && self.seen_change;
        if available && reached {
            self.phase = Phase::Settled;
            self.settled_at = Some(now);
            self.result = Some(self.describe_result());
            self.settled_on_aws_clock(now);
        } else if kind == StatusKind::Failed {
            self.phase = Phase::Settled;
            self.settled_at = Some(now);
            self.result = Some(format!("{ENDED_IN_STATUS} {}", self.last.status));
        }
    }

    /// A read of the resource failed. Shown while the run is open; once it has settled or
    /// was rejected its result stands, and a failed look afterwards is not news.
    pub fn connection_lost(&mut self, error: ErrorInfo) {
        if !self.phase.is_done() {
            self.connection = Some(error);
        }
    }

    pub fn add_events(&mut self, events: impl IntoIterator<Item = RunEvent>) {
        for e in events {
            // When node roles are hidden (MemoryDB) and polls missed the short changing
            // window (read faults), the service's own "failover ... completed" event is the
            // evidence that the change happened.
            let m = e.message.to_ascii_lowercase();
            if is_completion(&m) {
                self.seen_change = true;
            }
            if !self.events.contains(&e) {
                self.events.push(e);
            }
        }
        self.events.sort_by_key(|e| e.at);
        // A completion event read after the run settled (events lag behind reads) is still
        // the better end.
        if self.phase == Phase::Settled && self.settle_source.as_deref() != Some(SETTLED_BY_EVENT) {
            if let Some(settled) = self.settled_at {
                self.settled_on_aws_clock(settled);
            }
        }
    }

    /// Sets when the change completed on AWS's clock: its completion event, else the read
    /// at `settled` (local) that showed it settled.
    fn settled_on_aws_clock(&mut self, settled: i64) {
        if self.accepted_aws.is_none() {
            return;
        }
        let (at, source) = match self.completion_event() {
            Some(at) => (at, SETTLED_BY_EVENT),
            None => (settled - self.skew_ms, SETTLED_BY_READ),
        };
        self.settled_aws = Some(at);
        self.settle_source = Some(source.to_string());
    }

    fn describe_result(&self) -> String {
        match &self.action {
            Action::PromoteSecondary {
                target_group,
                target_region,
                ..
            } => {
                format!(
                    "{target_group} ({target_region}) is primary; status {}",
                    self.last.status
                )
            }
            Action::NeptuneFailover { target_region, .. }
            | Action::NeptuneSwitchover { target_region, .. } => {
                format!("writer is now in {target_region} ({})", self.last.writer)
            }
            Action::CreateGlobalDatastore { .. } => {
                format!("global datastore {}", self.last.status)
            }
            Action::TestFailover { shard, .. } | Action::MemoryDbFailoverShard { shard, .. } => {
                match (self.last.writer.is_empty(), self.shard_move_from_events().1) {
                    (false, _) => format!("shard {shard} primary is now {}", self.last.writer),
                    (true, Some(new)) => {
                        format!("shard {shard} primary is now {new} (per the completion event)")
                    }
                    (true, None) => {
                        format!("shard {shard} failed over; status {}", self.last.status)
                    }
                }
            }
        }
    }

    /// Sorts runs newest first (started last first; equal starts keep their order).
    pub fn newest_first(runs: &mut [Run]) {
        runs.sort_by_key(|r| std::cmp::Reverse(r.started_at));
    }

    /// Once the run is over: whether it reached what it aimed for (settled, and not by
    /// ending in a failed status). `None` while it is open.
    pub fn succeeded(&self) -> Option<bool> {
        self.phase.is_done().then(|| {
            self.phase == Phase::Settled
                && !self
                    .result
                    .as_deref()
                    .is_some_and(|r| r.starts_with(ENDED_IN_STATUS))
        })
    }

    /// Milliseconds from accepted to settled, once settled: on AWS's clock when the run
    /// knows it (from the accepted answer to the completion event), else as the console saw it.
    pub fn time_to_settle(&self) -> Option<i64> {
        if self.phase != Phase::Settled {
            return None;
        }
        match (self.accepted_aws, self.settled_aws) {
            (Some(a), Some(s)) => Some((s - a).max(0)),
            _ => match (self.accepted_at, self.settled_at) {
                (Some(a), Some(s)) => Some(s - a),
                _ => None,
            },
        }
    }

    /// `blind for 10.0 s` when reads failed while the run was open.
    pub fn blind_note(&self) -> Option<String> {
        let open = self
            .blind_since
            .map(|_| " (reads still failing)")
            .unwrap_or("");
        (self.blind_ms() > 0 || self.blind_since.is_some())
            .then(|| format!("blind for {}{open}", format_duration(self.blind_ms())))
    }

    pub fn elapsed(&self, now: i64) -> i64 {
        self.settled_at.unwrap_or(now) - self.started_at
    }

    /// Whether to keep polling at `now`, and after how long.
    pub fn next_poll(&self, now: i64) -> Option<u32> {
        match self.phase {
            Phase::Sending | Phase::Rejected => None,
            // Back off while the connection is failing; reads already retry inside the client.
            Phase::Changing if self.connection.is_some() => Some(3_000),
            Phase::Changing => Some(FAST_MS),
            Phase::Settled => {
                let since = now - self.settled_at.unwrap_or(now);
                (since < AFTER_SETTLE_MS).then_some(SLOW_MS)
            }
        }
    }

    /// The JSON export: indented, one run.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a run serialises")
    }

    /// The list kept in sessionStorage: compact.
    pub fn list_to_json(runs: &[Run]) -> String {
        serde_json::to_string(runs).expect("runs serialise")
    }

    pub fn to_markdown(&self) -> String {
        // Writing to a String cannot fail.
        let mut md = String::new();
        let _ = writeln!(md, "# {}\n", self.action.title());
        let _ = writeln!(md, "- **Who:** {}", self.who);
        let _ = writeln!(md, "- **What:** {}", self.action.verb());
        let _ = writeln!(
            md,
            "- **Where:** {} (region {})",
            self.action.resource().id,
            self.action.call_region()
        );
        let _ = writeln!(
            md,
            "- **When:** {}",
            Timestamp(self.started_at).to_iso8601()
        );
        if let Some(risk) = &self.at_risk {
            let _ = writeln!(md, "- **When sent:** {risk}");
        }
        let _ = writeln!(
            md,
            "- **Result:** {} — {}",
            self.phase.label(),
            self.result.as_deref().unwrap_or("pending")
        );
        if let Some(ms) = self.time_to_settle() {
            let _ = write!(md, "- **Time to settle:** {}", format_duration(ms));
            if let Some(source) = &self.settle_source {
                let _ = write!(md, " (AWS's clock: accepted call to {source})");
            }
            md.push('\n');
        }
        if let Some(blind) = self.blind_note() {
            let _ = writeln!(md, "- **Blind:** {blind}");
            for b in &self.blind {
                let _ = writeln!(
                    md,
                    "  - {} – {} UTC",
                    Timestamp(b.from).time_of_day(),
                    Timestamp(b.to).time_of_day()
                );
            }
        }
        if let Some(id) = &self.request_id {
            let _ = writeln!(md, "- **Request id:** {id}");
        }
        if let Some(arn) = &self.caller_arn {
            let _ = writeln!(md, "- **Caller:** {arn}");
        }
        let _ = writeln!(md, "- **Writer before:** {}", or_dash(&self.writer_before));
        let _ = writeln!(md, "- **Writer after:** {}", or_dash(&self.last.writer));
        if let Some(e) = &self.error {
            let _ = writeln!(md, "- **Error:** {}", e.one_line());
        }
        md.push_str("\n## Status transitions\n\n| time (UTC) | status | writer |\n|---|---|---|\n");
        for h in &self.history {
            let _ = writeln!(
                md,
                "| {} | {} | {} |",
                Timestamp(h.at).time_of_day(),
                h.status,
                or_dash(&h.writer)
            );
        }
        md.push_str("\n## Events\n\n");
        if self.events.is_empty() {
            md.push_str("None observed.\n");
        }
        for e in &self.events {
            let _ = writeln!(
                md,
                "- {} `{}` {}",
                Timestamp(e.at).time_of_day(),
                e.source,
                e.message
            );
        }
        md
    }

    pub fn file_stem(&self) -> String {
        let mut stem = format!("run-{}-", self.action.resource().id);
        for c in Timestamp(self.started_at).to_iso8601().chars() {
            stem.push(if matches!(c, ':' | '.') { '-' } else { c });
        }
        stem
    }
}

/// How the result of a run that settled in a failed status begins.
const ENDED_IN_STATUS: &str = "ended in status";

/// The text, or `—` when it is empty.
pub fn or_dash(s: &str) -> &str {
    if s.is_empty() {
        "—"
    } else {
        s
    }
}

/// `1:05.3` for 65.3 s; `12.4 s` under a minute. Rounded to the nearest tenth, halves up
/// (in integers, so a half is never lost to binary floating point).
pub fn format_duration(ms: i64) -> String {
    let tenths = (ms.max(0) + 50) / 100;
    if tenths < 600 {
        format!("{}.{} s", tenths / 10, tenths % 10)
    } else {
        let (minutes, tenths) = (tenths / 600, tenths % 600);
        format!("{minutes}:{:02}.{}", tenths / 10, tenths % 10)
    }
}

/// `mm:ss` for live elapsed counters.
pub fn format_clock(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    format!("{:02}:{:02}", s / 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn promote_run() -> Run {
        let action = Action::PromoteSecondary {
            datastore: "ldgnf-checkout-sessions".into(),
            target_group: "checkout-sessions-usw2".into(),
            target_region: "us-west-2".into(),
        };
        Run::new(
            "r1".into(),
            action,
            "access key …0001".into(),
            "checkout-sessions-use1".into(),
            Some("checkout-sessions-usw2".into()),
            1_000,
        )
    }

    fn obs(status: &str, writer: &str) -> Observation {
        Observation {
            status: status.into(),
            writer: writer.into(),
            pending: false,
        }
    }

    #[test]
    fn settles_only_when_the_writer_moved_and_status_is_back() {
        let mut run = promote_run();
        run.accepted(2_000, obs("modifying", "checkout-sessions-use1"));
        assert_eq!(run.phase, Phase::Changing);
        run.observe(3_000, obs("modifying", "checkout-sessions-usw2"));
        assert_eq!(run.phase, Phase::Changing);
        run.observe(4_000, obs("available", "checkout-sessions-usw2"));
        assert_eq!(run.phase, Phase::Settled);
        assert_eq!(run.time_to_settle(), Some(2_000));
        assert_eq!(run.history.len(), 3);
        assert_eq!(run.next_poll(5_000), Some(SLOW_MS));
        assert_eq!(run.next_poll(4_000 + AFTER_SETTLE_MS), None);
    }

    #[test]
    fn an_available_status_before_the_move_does_not_settle() {
        let mut run = promote_run();
        run.accepted(2_000, obs("available", "checkout-sessions-use1"));
        assert_eq!(run.phase, Phase::Changing);
    }

    /// A promotion accepted at 2 s, with one event, settled at 4 s.
    fn settled_promotion() -> Run {
        let mut run = promote_run();
        run.accepted(2_000, obs("modifying", "checkout-sessions-use1"));
        run.add_events([RunEvent {
            at: 2_500,
            source: "checkout-sessions-usw2".into(),
            message: "Failover started".into(),
        }]);
        run.observe(4_000, obs("available", "checkout-sessions-usw2"));
        run
    }

    #[test]
    fn exports_name_who_what_and_result() {
        let run = settled_promotion();
        let md = run.to_markdown();
        assert!(md.contains("access key …0001"));
        assert!(md.contains("Time to settle:** 2.0 s"));
        assert!(md.contains("Failover started"));
        let back = Run::from_json(&run.to_json()).unwrap();
        assert_eq!(back, run);
    }

    /// A run as the derived decoders of earlier versions stored it (sessionStorage).
    const STORED_RUN: &str = r#"{"id":"r7","action":{"kind":"neptune-switchover","database":"orders","target_cluster_arn":"arn:aws:rds:eu-west-1:123456789012:cluster:orders-euw1","target_region":"eu-west-1","via_failover_api":true},"who":"access key …0001","started_at":1000,"accepted_at":2000,"settled_at":9000,"phase":"settled","writer_before":"orders-use1","writer_expected":"orders-euw1","last":{"status":"available","writer":"orders-euw1","pending":false},"seen_change":true,"history":[{"at":2000,"status":"switching-over","writer":"orders-use1"}],"events":[{"at":2500,"source":"orders","message":"Switchover \"started\""}],"connection":null,"error":{"summary":"s","code":"C","message":"m","request_id":null,"category":"throttling","advice":"a"},"result":"writer is now in eu-west-1 (orders-euw1)","polls":7}"#;

    #[test]
    fn a_stored_run_reads_back_and_writes_the_same_text() {
        let run = Run::from_json(STORED_RUN).unwrap();
        assert_eq!(run.phase, Phase::Settled);
        assert_eq!(run.polls, 7);
        assert_eq!(run.error.as_ref().unwrap().code.as_deref(), Some("C"));
        assert_eq!(run.events[0].message, "Switchover \"started\"");
        assert_eq!(serde_json::to_string(&run).unwrap(), STORED_RUN);
    }

    #[test]
    fn every_action_kind_round_trips() {
        let s = |v: &str| v.to_string();
        for action in crate::state::action::every_kind() {
            let mut run = Run::new(s("r1"), action, s("who"), s("w"), None, 1_000);
            run.accepted(2_000, obs("modifying", "w"));
            run.connection_lost(ErrorInfo::local("lost", "wait"));
            assert_eq!(Run::from_json(&run.to_json()).unwrap(), run);
        }
    }

    #[test]
    fn unreadable_stored_runs_are_dropped_and_the_rest_kept() {
        let other = STORED_RUN.replace("\"r7\"", "\"r8\"");
        let bad_kind = STORED_RUN.replace("neptune-switchover", "reboot");
        let no_phase = STORED_RUN.replace("\"phase\":\"settled\",", "");
        let text = format!("[{STORED_RUN},{bad_kind},{no_phase},7,{other}]");
        let runs = Run::list_from_json(&text);
        let ids: Vec<&str> = runs.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["r7", "r8"]);
        assert!(Run::list_from_json("{\"not\":\"a list\"}").is_empty());
        assert!(Run::list_from_json("[{").is_empty());
        assert!(Run::from_json(&bad_kind)
            .unwrap_err()
            .detail()
            .contains("reboot"));
    }

    #[test]
    fn a_completion_event_stands_in_for_a_missed_change() {
        let action = Action::MemoryDbFailoverShard {
            cluster: "c".into(),
            region: "r".into(),
            shard: "0001".into(),
        };
        let mut run = Run::new(
            "r2".into(),
            action,
            "who".into(),
            String::new(),
            None,
            1_000,
        );
        run.accepted(2_000, obs("available", ""));
        assert_eq!(run.phase, Phase::Changing);
        run.add_events([RunEvent {
            at: 2_500,
            source: "c".into(),
            message: "Failover to replica node c-0001-002 completed".into(),
        }]);
        run.observe(3_000, obs("available", ""));
        assert_eq!(run.phase, Phase::Settled);
    }

    #[test]
    fn settle_time_runs_on_aws_clock_to_the_completion_event_and_reports_the_blind_gap() {
        let mut run = promote_run();
        // The local clock is 3 s fast: AWS accepted at its 7_000, the console saw it at 10_000.
        run.accepted_by_aws(10_000, 3_000, Some(7_000), Some("req-1".into()));
        run.accepted(10_000, obs("modifying", "checkout-sessions-use1"));
        assert_eq!(run.accepted_aws, Some(7_000));
        // Reads fail from 11_000 (the token expired) until 21_000.
        run.read_failed(11_000, ErrorInfo::local("expired", "reconnect"));
        run.read_failed(14_000, ErrorInfo::local("expired", "reconnect"));
        assert_eq!(
            run.blind_note().as_deref(),
            Some("blind for 0.0 s (reads still failing)")
        );
        // AWS's own event says the failover completed at its 14_000: +7 s.
        run.add_events([RunEvent {
            at: 14_000,
            source: "us-west-2 ldgnf-checkout-sessions".into(),
            message: "Failover of global replication group ldgnf-checkout-sessions completed"
                .into(),
        }]);
        run.observe(21_000, obs("available", "checkout-sessions-usw2"));
        assert_eq!(run.phase, Phase::Settled);
        assert_eq!(
            run.time_to_settle(),
            Some(7_000),
            "not the 11 s the console took to see it"
        );
        assert_eq!(run.settle_source.as_deref(), Some(SETTLED_BY_EVENT));
        assert_eq!(
            run.blind,
            [Blind {
                from: 10_000,
                to: 21_000
            }]
        );
        assert_eq!(run.blind_note().as_deref(), Some("blind for 11.0 s"));
        let md = run.to_markdown();
        assert!(
            md.contains("Time to settle:** 7.0 s (AWS's clock: accepted call to completion event)"),
            "{md}"
        );
        assert!(md.contains("- **Blind:** blind for 11.0 s"), "{md}");
        assert!(md.contains("- **Request id:** req-1"), "{md}");
        let json = run.to_json();
        assert!(json.contains("\"request_id\": \"req-1\""), "{json}");
        assert_eq!(Run::from_json(&json).unwrap(), run);
    }

    #[test]
    fn without_a_completion_event_the_first_settled_read_ends_it_and_a_late_event_corrects_it() {
        let mut run = promote_run();
        run.accepted_by_aws(10_000, 0, None, None);
        run.accepted(10_000, obs("modifying", "checkout-sessions-use1"));
        run.observe(19_000, obs("available", "checkout-sessions-usw2"));
        assert_eq!(run.time_to_settle(), Some(9_000));
        assert_eq!(run.settle_source.as_deref(), Some(SETTLED_BY_READ));
        // The completion event shows up in a later poll.
        run.add_events([RunEvent {
            at: 17_500,
            source: "x".into(),
            message: "Failover of global replication group x completed".into(),
        }]);
        assert_eq!(run.time_to_settle(), Some(7_500));
        assert_eq!(run.settle_source.as_deref(), Some(SETTLED_BY_EVENT));
        // A Date header far from the estimate (the skew was not learnt yet) wins.
        let mut late = promote_run();
        late.accepted_by_aws(10_000, 0, Some(40_000), None);
        assert_eq!((late.accepted_aws, late.skew_ms), (Some(40_000), -30_000));
    }

    #[test]
    fn shard_failovers_name_old_and_new_primary_from_the_events() {
        let mut run = Run::new(
            "r3".into(),
            Action::MemoryDbFailoverShard {
                cluster: "payments-ledger".into(),
                region: "us-east-1".into(),
                shard: "0001".into(),
            },
            "who".into(),
            String::new(),
            None,
            1_000,
        );
        run.accepted(2_000, obs("available", ""));
        let event = |at, message: &str| RunEvent {
            at,
            source: "payments-ledger".into(),
            message: message.into(),
        };
        run.add_events([
            event(-5_000, "Failover to replica node old-one completed"),
            event(2_100, "Failover API called for shard 0001"),
            event(
                3_000,
                "Failover to replica node payments-ledger-0001-002 completed",
            ),
            event(3_500, "Recovering node payments-ledger-0001-001"),
        ]);
        assert_eq!(
            run.shard_move_from_events(),
            (
                Some("payments-ledger-0001-001".into()),
                Some("payments-ledger-0001-002".into())
            )
        );
        run.observe(4_000, obs("available", ""));
        assert_eq!(
            run.result.as_deref(),
            Some("shard 0001 primary is now payments-ledger-0001-002 (per the completion event)")
        );
        let mut test = promote_run();
        test.events = vec![event(
            5_000,
            "Failover from primary node orders-0002-001 to replica node orders-0002-002 completed",
        )];
        assert_eq!(
            test.shard_move_from_events(),
            (
                Some("orders-0002-001".into()),
                Some("orders-0002-002".into())
            )
        );
    }

    #[test]
    fn a_failed_look_after_settling_is_not_shown() {
        let mut run = promote_run();
        run.accepted(2_000, obs("modifying", "checkout-sessions-use1"));
        run.connection_lost(ErrorInfo::local("throttled", "wait"));
        assert!(
            run.connection.is_some(),
            "an open run shows its failing reads"
        );
        run.observe(3_000, obs("available", "checkout-sessions-usw2"));
        assert_eq!(run.phase, Phase::Settled);
        assert!(run.connection.is_none());
        run.connection_lost(ErrorInfo::local("throttled", "wait"));
        assert!(
            run.connection.is_none(),
            "a settled run keeps its result only"
        );
    }

    #[test]
    fn a_rejected_run_shows_its_refusal_not_the_reads_before_it() {
        let mut run = promote_run();
        run.connection_lost(ErrorInfo::local("throttled", "wait"));
        assert!(run.connection.is_some());
        run.rejected(2_000, ErrorInfo::local("refused", "fix it"));
        assert_eq!(run.phase, Phase::Rejected);
        assert!(run.connection.is_none());
        assert!(run.error.is_some());
    }

    /// The Markdown export of a settled run with an error, then of a rejected one.
    const MARKDOWN: &str = r#"# Promote checkout-sessions-usw2 (us-west-2) to primary of ldgnf-checkout-sessions

- **Who:** access key …0001
- **What:** Promote secondary
- **Where:** ldgnf-checkout-sessions (region us-west-2)
- **When:** 1970-01-01T00:00:01.000Z
- **Result:** settled — checkout-sessions-usw2 (us-west-2) is primary; status available
- **Time to settle:** 2.0 s
- **Writer before:** checkout-sessions-use1
- **Writer after:** checkout-sessions-usw2
- **Error:** refused

## Status transitions

| time (UTC) | status | writer |
|---|---|---|
| 00:00:02 | modifying | checkout-sessions-use1 |
| 00:00:04 | available | checkout-sessions-usw2 |

## Events

- 00:00:02 `checkout-sessions-usw2` Failover started
---
# Promote checkout-sessions-usw2 (us-west-2) to primary of ldgnf-checkout-sessions

- **Who:** access key …0001
- **What:** Promote secondary
- **Where:** ldgnf-checkout-sessions (region us-west-2)
- **When:** 1970-01-01T00:00:01.000Z
- **Result:** rejected — rejected: refused
- **Writer before:** checkout-sessions-use1
- **Writer after:** —
- **Error:** refused

## Status transitions

| time (UTC) | status | writer |
|---|---|---|

## Events

None observed.
"#;

    #[test]
    fn the_markdown_export_reads_as_before() {
        let mut run = settled_promotion();
        run.error = Some(ErrorInfo::local("refused", "fix it"));
        let mut rejected = promote_run();
        rejected.rejected(1_500, ErrorInfo::local("refused", "fix it"));
        let text = run.to_markdown() + "---\n" + &rejected.to_markdown();
        assert_eq!(text, MARKDOWN);
    }

    #[test]
    fn the_writes_at_risk_when_sent_are_kept_and_exported() {
        let mut run = promote_run();
        let said = "Estimated writes at risk: about 0.8 s of changes (last lag value at 10:41 UTC)";
        run.at_risk = Some(said.into());
        assert!(run
            .to_markdown()
            .contains(&format!("- **When sent:** {said}\n")));
        let json = serde_json::to_string(&run).unwrap();
        let back: Run = serde_json::from_str(&json).unwrap();
        assert_eq!(back.at_risk.as_deref(), Some(said));
        // Unset, it is left out: records of earlier builds read and write as before.
        assert!(!serde_json::to_string(&promote_run())
            .unwrap()
            .contains("at_risk"));
    }

    #[test]
    fn file_stems_have_no_colons_or_dots() {
        let run = promote_run();
        let iso = Timestamp(run.started_at).to_iso8601();
        assert_eq!(
            run.file_stem(),
            format!(
                "run-ldgnf-checkout-sessions-{}",
                iso.replace([':', '.'], "-")
            )
        );
        assert!(!run.file_stem().contains([':', '.']));
    }

    #[test]
    fn class_names_are_the_labels_hyphenated() {
        for phase in [
            Phase::Sending,
            Phase::Changing,
            Phase::Settled,
            Phase::Rejected,
        ] {
            assert_eq!(phase.class_name(), phase.label().replace(' ', "-"));
        }
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(format_duration(12_400), "12.4 s");
        assert_eq!(format_duration(65_300), "1:05.3");
        assert_eq!(format_duration(0), "0.0 s");
        assert_eq!(format_duration(-5), "0.0 s");
        assert_eq!(format_duration(1_249), "1.2 s");
        assert_eq!(format_duration(1_250), "1.3 s");
        assert_eq!(format_duration(59_949), "59.9 s");
        // Rounds into the next minute rather than printing "60.0 s".
        assert_eq!(format_duration(59_950), "1:00.0");
        assert_eq!(format_duration(600_040), "10:00.0");
        assert_eq!(format_duration(3_599_960), "60:00.0");
        assert_eq!(format_clock(65_300), "01:05");
    }
}
