//! The smithy-rpc-v2-cbor protocol: the same members as the JSON protocol, in CBOR, with
//! timestamps as tag 1 (epoch seconds). Converted to and from `serde_json::Value` so one
//! service layer serves both protocols.

use crate::error::AwsError;
use ciborium::value::Value as Cbor;
use serde_json::{Map, Number, Value};

/// The header that names the protocol on requests and answers.
pub const PROTOCOL_HEADER: &str = "smithy-protocol";
pub const PROTOCOL: &str = "rpc-v2-cbor";
pub const CONTENT_TYPE: &str = "application/cbor";

/// `/service/<ServiceName>/operation/<Operation>`: the service name and the operation.
pub fn route(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix("/service/")?;
    let (service, op) = rest.split_once("/operation/")?;
    (!service.is_empty() && !op.is_empty() && !op.contains('/')).then_some((service, op))
}

/// A request body as JSON: tag-1 timestamps become epoch seconds, as the JSON protocol sends.
pub fn to_json(body: &[u8]) -> Result<Value, AwsError> {
    if body.is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    let v: Cbor = ciborium::from_reader(body)
        .map_err(|e| AwsError::Validation(format!("The request body is not valid CBOR: {e}")))?;
    from_cbor(v)
}

fn from_cbor(v: Cbor) -> Result<Value, AwsError> {
    let bad = |what: &str| AwsError::Validation(format!("CBOR {what} is not supported here."));
    Ok(match v {
        Cbor::Null => Value::Null,
        Cbor::Bool(b) => Value::Bool(b),
        Cbor::Integer(i) => {
            let i: i128 = i.into();
            Value::Number(Number::from(
                i64::try_from(i).map_err(|_| bad("a 128-bit integer"))?,
            ))
        }
        Cbor::Float(f) => Number::from_f64(f).map_or(Value::Null, Value::Number),
        Cbor::Text(s) => Value::String(s),
        Cbor::Array(items) => {
            Value::Array(items.into_iter().map(from_cbor).collect::<Result<_, _>>()?)
        }
        Cbor::Map(pairs) => {
            let mut m = Map::new();
            for (k, v) in pairs {
                let Cbor::Text(k) = k else {
                    return Err(bad("a map key that is not text"));
                };
                m.insert(k, from_cbor(v)?);
            }
            Value::Object(m)
        }
        // Timestamps: epoch seconds, integer or float.
        Cbor::Tag(1, inner) => from_cbor(*inner)?,
        Cbor::Tag(..) => return Err(bad("a tag other than 1 (timestamp)")),
        Cbor::Bytes(_) => return Err(bad("a byte string")),
        _ => return Err(bad("this value")),
    })
}

/// An answer as CBOR; members named in `timestamps` (or lists under those names) are epoch
/// seconds and are written as tag-1 timestamps.
pub fn from_json(v: &Value, timestamps: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = ciborium::into_writer(&to_cbor(v, false, timestamps), &mut out);
    out
}

fn to_cbor(v: &Value, is_time: bool, timestamps: &[&str]) -> Cbor {
    match v {
        Value::Null => Cbor::Null,
        Value::Bool(b) => Cbor::Bool(*b),
        Value::Number(n) => {
            let plain = match n.as_i64() {
                Some(i) => Cbor::Integer(i.into()),
                None => Cbor::Float(n.as_f64().unwrap_or(0.0)),
            };
            if is_time {
                Cbor::Tag(1, Box::new(plain))
            } else {
                plain
            }
        }
        Value::String(s) => Cbor::Text(s.clone()),
        Value::Array(items) => Cbor::Array(
            items
                .iter()
                .map(|i| to_cbor(i, is_time, timestamps))
                .collect(),
        ),
        Value::Object(m) => Cbor::Map(
            m.iter()
                .map(|(k, v)| {
                    (
                        Cbor::Text(k.clone()),
                        to_cbor(v, timestamps.contains(&k.as_str()), timestamps),
                    )
                })
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn answers_round_trip_with_timestamps_tagged() {
        let v =
            json!({"Timestamps": [1_700_000_000, 1_700_000_060], "Values": [0.5, 1.0], "Id": "a"});
        let bytes = from_json(&v, &["Timestamps"]);
        let raw: Cbor = ciborium::from_reader(bytes.as_slice()).unwrap();
        let Cbor::Map(pairs) = raw else { panic!() };
        let (_, ts) = pairs
            .iter()
            .find(|(k, _)| *k == Cbor::Text("Timestamps".into()))
            .unwrap();
        let Cbor::Array(ts) = ts else { panic!() };
        assert!(matches!(ts[0], Cbor::Tag(1, _)));
        assert_eq!(to_json(&bytes).unwrap(), v);
    }

    #[test]
    fn routes_and_refusals() {
        assert_eq!(
            route("/service/GraniteServiceVersion20100801/operation/GetMetricData"),
            Some(("GraniteServiceVersion20100801", "GetMetricData"))
        );
        assert_eq!(route("/"), None);
        assert!(to_json(b"\xff\x00").is_err());
        assert_eq!(to_json(b"").unwrap(), json!({}));
    }
}
