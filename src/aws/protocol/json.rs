//! JSON 1.1 (MemoryDB) and 1.0 (CloudWatch): `X-Amz-Target` requests, JSON answers and
//! `__type` errors, through serde. The shapes themselves are derived structs in
//! `services/memorydb.rs` and `services/cloudwatch.rs`.

use super::{snippet, status_message, DecodeError, WireError};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize, Serializer};

/// `AmazonMemoryDB.FailoverShard`.
pub fn target(prefix: &str, operation: &str) -> String {
    format!("{prefix}.{operation}")
}

/// A request body: the input's members in declaration order, compact.
pub fn to_body<T: Serialize>(input: &T) -> Vec<u8> {
    // Serialising a derived struct of strings, numbers and booleans into memory cannot fail.
    serde_json::to_vec(input).expect("a request shape serialises")
}

/// Reads a JSON answer into its shape. An empty body reads as an empty object, as botocore
/// reads it; a body of another shape is a [`DecodeError`] naming what did not fit.
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, DecodeError> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body)
        .map_err(|e| DecodeError::new(format!("unexpected JSON ({e}): {}", snippet(body))))
}

/// JSON 1.1 writes timestamps as epoch seconds: whole seconds as an integer (botocore's
/// form), a fraction only when there is one (`1700000000.5`).
pub fn serialize_epoch_seconds<S: Serializer>(millis: &i64, s: S) -> Result<S::Ok, S::Error> {
    if millis % 1000 == 0 {
        s.serialize_i64(millis / 1000)
    } else {
        s.serialize_f64(*millis as f64 / 1000.0)
    }
}

/// Reads epoch seconds (an integer or a fraction) as milliseconds.
pub fn deserialize_epoch_seconds<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let seconds = f64::deserialize(d)?;
    if !seconds.is_finite() || seconds.abs() > 1e13 {
        return Err(serde::de::Error::custom(format!(
            "{seconds} is not a time in epoch seconds"
        )));
    }
    Ok((seconds * 1000.0).round() as i64)
}

/// The members of an error body that botocore reads.
#[derive(Deserialize, Default)]
struct ErrorBody {
    #[serde(rename = "__type")]
    kind: Option<String>,
    code: Option<String>,
    #[serde(alias = "Message")]
    message: Option<String>,
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
    let parsed: ErrorBody = serde_json::from_slice(body).unwrap_or_default();
    let raw_code = parsed
        .kind
        .or(parsed.code)
        .or_else(|| header_error_type.map(str::to_string))
        .filter(|c| !c.trim().is_empty());
    let request_id = header_request_id.map(str::to_string);
    match raw_code {
        Some(raw) => WireError {
            code: strip_code(&raw),
            message: parsed.message.unwrap_or_default(),
            request_id,
        },
        None => WireError {
            code: status.to_string(),
            message: parsed
                .message
                .unwrap_or_else(|| status_message(status, body)),
            request_id,
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

    #[derive(Serialize)]
    struct At {
        #[serde(serialize_with = "serialize_epoch_seconds")]
        at: i64,
    }

    #[test]
    fn epoch_seconds_are_written_as_botocore_writes_them() {
        for (ms, text) in [
            (1_700_000_000_000, "1700000000"),
            (1_700_000_000_500, "1700000000.5"),
            (1_700_000_000_123, "1700000000.123"),
            (1_700_000_000_010, "1700000000.01"),
            (-1_500, "-1.5"),
            (-500, "-0.5"),
            (0, "0"),
        ] {
            let body = String::from_utf8(to_body(&At { at: ms })).unwrap();
            assert_eq!(body, format!("{{\"at\":{text}}}"), "{ms}");
        }
    }

    #[test]
    fn an_empty_body_is_an_empty_object_and_a_wrong_shape_is_an_error() {
        #[derive(Deserialize, Debug, PartialEq, Default)]
        struct Page {
            #[serde(rename = "NextToken")]
            next_token: Option<String>,
        }
        assert_eq!(decode::<Page>(b"  ").unwrap(), Page::default());
        let err = decode::<Page>(br#"{"NextToken": 5}"#).unwrap_err();
        assert!(err.detail().starts_with("unexpected JSON"), "{err}");
    }
}
