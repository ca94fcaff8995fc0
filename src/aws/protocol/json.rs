//! JSON 1.1 (MemoryDB): `X-Amz-Target` requests, JSON answers and `__type` errors.

pub use super::json_value::{number_as_millis, parse, Value};
use super::{snippet, status_message, DecodeError, WireError};

pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// `AmazonMemoryDB.FailoverShard`.
pub fn target(prefix: &str, operation: &str) -> String {
    format!("{prefix}.{operation}")
}

/// A request body: the object's members in the order given, compact.
pub fn to_body(input: &Value) -> Vec<u8> {
    input.to_text().into_bytes()
}

/// Parses a JSON answer and hands its top-level object to `read`. Hand-written decoders over
/// one value tree (json_value.rs) rather than derived ones: each derived decoder costs wasm
/// of its own.
pub fn decode<T>(
    body: &[u8],
    read: impl FnOnce(Object<'_>) -> Result<T, DecodeError>,
) -> Result<T, DecodeError> {
    // An empty body means an empty object (botocore treats it so).
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    let value = parse(body).map_err(|e| unexpected(e, body))?;
    Object::of(&value, "the answer")
        .and_then(read)
        .map_err(|e| unexpected(e, body))
}

/// A failure of [`decode`] with the start of the body. Not generic: one copy for every
/// decoder.
fn unexpected(e: DecodeError, body: &[u8]) -> DecodeError {
    DecodeError::new(format!("unexpected JSON ({e}): {}", snippet(body)))
}

/// A JSON object read by member name. As with serde's derives: a missing member or `null`
/// is `None` for optional members, a missing list is empty, and a member of the wrong type
/// is an error.
#[derive(Clone, Copy)]
pub struct Object<'a>(&'a [(String, Value)]);

impl<'a> Object<'a> {
    /// The value as an object; `what` names it in the error.
    pub fn of(value: &'a Value, what: &str) -> Result<Self, DecodeError> {
        value
            .as_object()
            .map(Object)
            .ok_or_else(|| DecodeError::new(format!("{what} is not an object")))
    }

    /// The member, `None` when missing or `null`.
    fn member(&self, name: &str) -> Option<&'a Value> {
        super::json_value::member(self.0, name).filter(|v| !v.is_null())
    }

    fn wrong(name: &str, expected: &str) -> DecodeError {
        DecodeError::new(format!("`{name}` is not {expected}"))
    }

    pub fn opt_string(&self, name: &str) -> Result<Option<String>, DecodeError> {
        self.member(name)
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| Self::wrong(name, "a string"))
            })
            .transpose()
    }

    /// A string that must be there.
    pub fn string(&self, name: &str) -> Result<String, DecodeError> {
        self.opt_string(name)?
            .ok_or_else(|| DecodeError::new(format!("missing `{name}`")))
    }

    /// A string, empty when missing.
    pub fn string_or_empty(&self, name: &str) -> Result<String, DecodeError> {
        Ok(self.opt_string(name)?.unwrap_or_default())
    }

    pub fn opt_u32(&self, name: &str) -> Result<Option<u32>, DecodeError> {
        self.member(name)
            .map(|v| {
                v.as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or_else(|| Self::wrong(name, "a 32-bit unsigned number"))
            })
            .transpose()
    }

    /// A 32-bit unsigned number, 0 when missing.
    pub fn u32_or_zero(&self, name: &str) -> Result<u32, DecodeError> {
        Ok(self.opt_u32(name)?.unwrap_or_default())
    }

    pub fn opt_i64(&self, name: &str) -> Result<Option<i64>, DecodeError> {
        self.member(name)
            .map(|v| v.as_i64().ok_or_else(|| Self::wrong(name, "an integer")))
            .transpose()
    }

    /// An integer that must be there.
    pub fn i64(&self, name: &str) -> Result<i64, DecodeError> {
        self.opt_i64(name)?
            .ok_or_else(|| DecodeError::new(format!("missing `{name}`")))
    }

    /// A boolean, false when missing.
    pub fn bool_or_false(&self, name: &str) -> Result<bool, DecodeError> {
        self.member(name)
            .map(|v| v.as_bool().ok_or_else(|| Self::wrong(name, "a boolean")))
            .transpose()
            .map(Option::unwrap_or_default)
    }

    /// A list of strings, empty when missing.
    pub fn strings(&self, name: &str) -> Result<Vec<String>, DecodeError> {
        match self.member(name) {
            None => Ok(Vec::new()),
            Some(v) => {
                let items = v.as_array().ok_or_else(|| Self::wrong(name, "a list"))?;
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    let text = item
                        .as_str()
                        .ok_or_else(|| Self::wrong(name, "a list of strings"))?;
                    out.push(text.to_string());
                }
                Ok(out)
            }
        }
    }

    /// The members of an object member (a map), none when missing.
    pub fn entries(&self, name: &str) -> Result<Vec<(&'a str, Object<'a>)>, DecodeError> {
        match self.opt_object(name)? {
            None => Ok(Vec::new()),
            Some(map) => {
                let mut out = Vec::with_capacity(map.0.len());
                for (key, v) in map.0 {
                    out.push((key.as_str(), Object::of(v, name)?));
                }
                Ok(out)
            }
        }
    }

    /// A time sent as epoch seconds (integer or not), in milliseconds; it must be there.
    pub fn epoch_millis(&self, name: &str) -> Result<i64, DecodeError> {
        self.member(name)
            .ok_or_else(|| DecodeError::new(format!("missing `{name}`")))?
            .as_number()
            .and_then(number_as_millis)
            .ok_or_else(|| Self::wrong(name, "a time in epoch seconds"))
    }

    /// A member object that must be there.
    pub fn object(&self, name: &str) -> Result<Object<'a>, DecodeError> {
        self.opt_object(name)?
            .ok_or_else(|| DecodeError::new(format!("missing `{name}`")))
    }

    pub fn opt_object(&self, name: &str) -> Result<Option<Object<'a>>, DecodeError> {
        self.member(name).map(|v| Object::of(v, name)).transpose()
    }

    /// Each object of a list member decoded by `decode`, empty when missing; the first error
    /// stops it. A loop rather than an iterator chain, which was compiled again for every
    /// decoder (about 1 KB of wasm each).
    pub fn decode_list<T>(
        &self,
        name: &str,
        mut decode: impl FnMut(Object<'a>) -> Result<T, DecodeError>,
    ) -> Result<Vec<T>, DecodeError> {
        let items = self.list(name)?;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            out.push(decode(item)?);
        }
        Ok(out)
    }

    /// A list of objects, empty when missing.
    pub fn list(&self, name: &str) -> Result<Vec<Object<'a>>, DecodeError> {
        match self.member(name) {
            None => Ok(Vec::new()),
            Some(v) => {
                let items = v.as_array().ok_or_else(|| Self::wrong(name, "a list"))?;
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(Object::of(item, name)?);
                }
                Ok(out)
            }
        }
    }
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
    let value = parse(body).ok();
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
            message: message.unwrap_or_else(|| status_message(status, body)),
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
