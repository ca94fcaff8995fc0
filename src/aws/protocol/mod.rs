//! Pure encode/decode of the two wire protocols: AWS Query with XML answers, and JSON 1.1.
//!
//! Nothing here performs I/O; a malformed body is a [`DecodeError`], never a panic.

pub mod json;
pub mod query;
pub mod xml;

use std::fmt;

/// A body that does not have the expected shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError(String);

impl DecodeError {
    pub fn new(detail: impl Into<String>) -> Self {
        DecodeError(detail.into())
    }

    pub fn detail(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DecodeError {}

impl From<DecodeError> for super::AwsError {
    fn from(err: DecodeError) -> Self {
        super::AwsError::decode(err.0)
    }
}

/// An error answer as the service wrote it, before classification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireError {
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
}

/// The reason phrase used as a message when an error body cannot be read (as botocore does).
pub(crate) fn reason_phrase(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// The message of an error answer that names no code: the reason phrase and the start of
/// the body (botocore's fallback). One copy for both protocols.
pub(crate) fn status_message(status: u16, body: &[u8]) -> String {
    if body.is_empty() {
        reason_phrase(status).to_string()
    } else {
        format!("{} {}", reason_phrase(status), snippet(body))
            .trim()
            .to_string()
    }
}

/// Shortens a body for an error message, without splitting a character.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(120).collect();
    if text.chars().count() > 120 {
        out.push('…');
    }
    out
}
