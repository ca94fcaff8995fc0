//! JSON 1.1 (MemoryDB): `X-Amz-Target` requests, JSON answers and `__type` errors.

use super::{reason_phrase, snippet, DecodeError, WireError};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// `AmazonMemoryDB.FailoverShard`.
pub fn target(prefix: &str, operation: &str) -> String {
    format!("{prefix}.{operation}")
}

pub fn to_body<T: Serialize>(input: &T) -> Vec<u8> {
    // Serialising plain structs of strings, numbers and booleans cannot fail.
    serde_json::to_vec(input).unwrap_or_else(|_| b"{}".to_vec())
}

pub fn from_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, DecodeError> {
    // An empty body means an empty object (botocore treats it so).
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body)
        .map_err(|e| DecodeError::new(format!("unexpected JSON ({e}): {}", snippet(body))))
}

/// The error code from `__type` (or the `x-amzn-ErrorType` header), stripped as botocore
/// does: anything after `:` and up to the last `#` go (`aws.memorydb#ClusterNotFoundFault:`
/// becomes `ClusterNotFoundFault`). Message from `message` or `Message`.
pub fn parse_error(
    status: u16,
    body: &[u8],
    header_error_type: Option<&str>,
    header_request_id: Option<&str>,
) -> WireError {
    let value: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let field = |name: &str| {
        value
            .as_ref()
            .and_then(|v| v.get(name))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let raw_code = field("__type")
        .or_else(|| field("code"))
        .or_else(|| header_error_type.map(str::to_string))
        .filter(|c| !c.trim().is_empty());
    let message = field("message").or_else(|| field("Message"));
    match raw_code {
        Some(raw) => WireError {
            code: strip_code(&raw),
            message: message.unwrap_or_default(),
            request_id: header_request_id.map(str::to_string),
        },
        None => WireError {
            code: status.to_string(),
            message: message.unwrap_or_else(|| {
                if body.is_empty() {
                    reason_phrase(status).to_string()
                } else {
                    format!("{} {}", reason_phrase(status), snippet(body))
                        .trim()
                        .to_string()
                }
            }),
            request_id: header_request_id.map(str::to_string),
        },
    }
}

fn strip_code(raw: &str) -> String {
    let code = raw.split(':').next().unwrap_or(raw);
    let code = code.rsplit('#').next().unwrap_or(code);
    code.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_namespaces_and_suffixes_like_botocore() {
        assert_eq!(
            strip_code("com.amazonaws.memorydb#InvalidClusterStateFault"),
            "InvalidClusterStateFault"
        );
        assert_eq!(
            strip_code("ClusterNotFoundFault:http://internal.amazon.com/"),
            "ClusterNotFoundFault"
        );
        assert_eq!(
            strip_code("aws#a#ThrottlingException"),
            "ThrottlingException"
        );
    }

    #[test]
    fn code_comes_from_body_or_header() {
        let e = parse_error(
            400,
            br#"{"__type":"x#ShardNotFoundFault","message":"no shard"}"#,
            None,
            Some("r1"),
        );
        assert_eq!(
            (e.code.as_str(), e.message.as_str(), e.request_id.as_deref()),
            ("ShardNotFoundFault", "no shard", Some("r1"))
        );
        let e = parse_error(
            400,
            br#"{"Message":"slow down"}"#,
            Some("ThrottlingException:http://x"),
            None,
        );
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("ThrottlingException", "slow down")
        );
        let e = parse_error(502, b"<html>", None, None);
        assert_eq!(e.code, "502");
    }
}
