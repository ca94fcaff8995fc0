//! The JSON 1.1 protocol (MemoryDB): a JSON object in, a JSON object out; errors carry `__type`.

use crate::error::AwsError;
use crate::models::{decode_marker, Millis};
use crate::timefmt;
use serde_json::{json, Map, Value};

/// A request's JSON object.
#[derive(Debug, Clone, Default)]
pub struct Input(pub Map<String, Value>);

impl Input {
    /// Parses the body; an empty body is an empty object, as SDKs send `{}` anyway.
    pub fn parse(body: &[u8]) -> Result<Self, AwsError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Input(Map::new()));
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(m)) => Ok(Input(m)),
            Ok(_) => Err(AwsError::Validation(
                "The request body must be a JSON object.".into(),
            )),
            Err(e) => Err(AwsError::Validation(format!(
                "The request body is not valid JSON: {e}"
            ))),
        }
    }

    fn wrong_type(name: &str, expected: &str) -> AwsError {
        AwsError::Validation(format!(
            "1 validation error detected: Value at '{name}' failed to satisfy constraint: Member must be {expected}"
        ))
    }

    pub fn string(&self, name: &str) -> Result<Option<&str>, AwsError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(Self::wrong_type(name, "a string")),
        }
    }

    pub fn required(&self, name: &str) -> Result<&str, AwsError> {
        match self.string(name)? {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(AwsError::Validation(format!(
                "1 validation error detected: Value null at '{name}' failed to satisfy constraint: Member must not be null"
            ))),
        }
    }

    pub fn boolean(&self, name: &str) -> Result<Option<bool>, AwsError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(Self::wrong_type(name, "a boolean")),
        }
    }

    pub fn int(&self, name: &str) -> Result<Option<i64>, AwsError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| Self::wrong_type(name, "an integer")),
            Some(_) => Err(Self::wrong_type(name, "an integer")),
        }
    }

    /// Timestamps arrive as epoch seconds (botocore's default for JSON) or ISO strings.
    pub fn time(&self, name: &str) -> Result<Option<Millis>, AwsError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_f64()
                .filter(|f| f.is_finite())
                .map(|f| Some((f * 1000.0) as Millis))
                .ok_or_else(|| Self::wrong_type(name, "a timestamp")),
            Some(Value::String(s)) => timefmt::parse_iso(s)
                .map(Some)
                .ok_or_else(|| Self::wrong_type(name, "a timestamp")),
            Some(_) => Err(Self::wrong_type(name, "a timestamp")),
        }
    }

    /// `MaxResults` (1..=100, default 100) and `NextToken`.
    pub fn paging(&self) -> Result<(usize, Option<usize>), AwsError> {
        let size = match self.int("MaxResults")? {
            None => 100,
            Some(n) if (1..=100).contains(&n) => n as usize,
            Some(n) => {
                return Err(AwsError::InvalidParameterValue(format!(
                    "The value {n} for MaxResults is invalid: it must be between 1 and 100."
                )))
            }
        };
        let token = match self.string("NextToken")? {
            None | Some("") => None,
            Some(t) => Some(decode_marker(t).ok_or_else(|| {
                AwsError::InvalidParameterValue(format!("Invalid NextToken: {t}"))
            })?),
        };
        Ok((size, token))
    }
}

/// Seconds since the epoch, as JSON 1.1 encodes timestamps.
pub fn epoch(t: Millis) -> Value {
    json!(t as f64 / 1000.0)
}

/// The JSON 1.1 error body.
pub fn error(err: &AwsError) -> String {
    json!({
        "__type": format!("{}#{}", err.json_namespace(), err.json_type()),
        "message": err.message(),
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_bodies_are_validation_errors() {
        for body in [&b"[1]"[..], b"{", b"\"x\"", &[0xff, 0x00]] {
            assert_eq!(
                Input::parse(body).unwrap_err().json_type(),
                "ValidationException"
            );
        }
        let i = Input::parse(br#"{"ClusterName": 5, "MaxResults": 0}"#).unwrap();
        assert!(i.string("ClusterName").is_err());
        assert_eq!(
            i.paging().unwrap_err().json_type(),
            "InvalidParameterValueException"
        );
        assert!(Input::parse(b"").unwrap().required("ClusterName").is_err());
    }

    #[test]
    fn error_body_has_namespaced_type() {
        let body = error(&AwsError::InvalidClusterState("busy".into()));
        assert_eq!(
            body,
            r#"{"__type":"com.amazonaws.memorydb#InvalidClusterStateFault","message":"busy"}"#
        );
    }

    proptest::proptest! {
        #[test]
        fn random_bodies_never_panic(body in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            if let Ok(i) = Input::parse(&body) {
                let _ = i.paging();
                let _ = i.time("StartTime");
                let _ = i.required("ClusterName");
            }
        }
    }
}
