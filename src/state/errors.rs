//! An AWS or connection error as the UI shows it: code, message, request id and advice.
//!
//! Kept apart from `aws::AwsError` so it can be cloned into signals, stored with a run and
//! exported, without carrying anything secret.

use serde::{Deserialize, Serialize};

/// How an action's error starts when the action was never sent (the read before it failed).
pub const NOTHING_SENT: &str = "Nothing was sent: reading the resource first failed.";

/// Stored with runs and exported: every field by its name, absent parts `null`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorInfo {
    /// One sentence saying what went wrong.
    #[serde(default)]
    pub summary: String,
    /// The AWS error code (`InvalidGlobalReplicationGroupState`), when AWS sent one.
    pub code: Option<String>,
    pub message: Option<String>,
    pub request_id: Option<String>,
    /// Lower-case category key: `auth`, `expired-token`, `throttling`, `invalid-state`, ...
    #[serde(default = "other_category")]
    pub category: String,
    /// What the person can do about it.
    #[serde(default)]
    pub advice: String,
}

fn other_category() -> String {
    "other".into()
}

impl ErrorInfo {
    /// An error raised by the console itself (no AWS call behind it).
    pub fn local(summary: impl Into<String>, advice: impl Into<String>) -> Self {
        ErrorInfo {
            summary: summary.into(),
            code: None,
            message: None,
            request_id: None,
            category: "other".into(),
            advice: advice.into(),
        }
    }

    /// Credentials were refused or have expired: the fix is to reconnect.
    pub fn needs_reconnect(&self) -> bool {
        matches!(self.category.as_str(), "auth" | "expired-token")
    }

    /// Worth retrying a read after a pause.
    pub fn is_transient(&self) -> bool {
        matches!(
            self.category.as_str(),
            "throttling" | "transport" | "server" | "clock-skew"
        )
    }

    /// The heading of an action's refusal (a run card, the dialog): whether the action's own
    /// call was refused, or never sent because the read before it failed.
    pub fn refusal_context(&self) -> &'static str {
        if self.summary.starts_with(NOTHING_SENT) {
            NOTHING_SENT.trim_end_matches('.')
        } else {
            "AWS refused the call"
        }
    }

    /// The heading of a failing poll: throttling and a lost connection pass by themselves
    /// (retrying); expired or refused credentials do not, and say what will fix them.
    pub fn retry_context(&self) -> &'static str {
        match self.category.as_str() {
            "throttling" => "Throttled — retrying",
            "expired-token" => "Credentials expired — reconnect to resume",
            "auth" => "Credentials refused — reconnect to resume",
            _ => "Connection lost — retrying",
        }
    }

    /// The read failed because AWS could not be reached or would not take the credentials:
    /// no action should be started until it is read again.
    pub fn is_connection_problem(&self) -> bool {
        // The transient failures but throttling (AWS answered: it is only slowing us down),
        // and the ones only a reconnect fixes.
        (self.is_transient() && self.category != "throttling") || self.needs_reconnect()
    }

    /// One line for logs of a run: `Code: message (request id)`.
    pub fn one_line(&self) -> String {
        let mut line = match (&self.code, &self.message) {
            (Some(code), Some(message)) => format!("{code}: {message}"),
            (Some(code), None) => code.clone(),
            _ => self.summary.clone(),
        };
        if let Some(id) = &self.request_id {
            line.push_str(&format!(" (request id {id})"));
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttled() -> ErrorInfo {
        ErrorInfo {
            summary: "The AWS call was throttled.".into(),
            code: Some("ThrottlingException".into()),
            message: Some("Rate exceeded".into()),
            request_id: Some("r1".into()),
            category: "throttling".into(),
            advice: "Wait.".into(),
        }
    }

    #[test]
    fn a_refusal_says_whether_the_action_was_sent() {
        let mut e = throttled();
        assert_eq!(e.refusal_context(), "AWS refused the call");
        e.summary = format!("{NOTHING_SENT} {}", e.summary);
        assert_eq!(
            e.refusal_context(),
            "Nothing was sent: reading the resource first failed"
        );
    }

    #[test]
    fn a_retried_poll_calls_throttling_by_its_name() {
        let mut e = throttled();
        assert_eq!(e.retry_context(), "Throttled — retrying");
        e.category = "transport".into();
        assert_eq!(e.retry_context(), "Connection lost — retrying");
        e.category = "expired-token".into();
        assert_eq!(
            e.retry_context(),
            "Credentials expired — reconnect to resume"
        );
        e.category = "auth".into();
        assert_eq!(
            e.retry_context(),
            "Credentials refused — reconnect to resume"
        );
    }

    #[test]
    fn a_connection_problem_is_no_answer_or_credentials_refused_not_throttling() {
        let mut e = throttled();
        assert!(!e.is_connection_problem());
        for category in ["transport", "server", "clock-skew", "auth", "expired-token"] {
            e.category = category.into();
            assert!(e.is_connection_problem(), "{category}");
        }
        for category in ["not-found", "invalid-state", "decode", "other"] {
            e.category = category.into();
            assert!(!e.is_connection_problem(), "{category}");
        }
    }
}
