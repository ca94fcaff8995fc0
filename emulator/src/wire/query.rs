//! The Query protocol: form-encoded parameters in, `<{Action}Response>` XML out.

use crate::error::AwsError;
use crate::models::{decode_marker, Millis};
use crate::timefmt;
use crate::wire::xml::escape;
use std::collections::BTreeMap;

/// A request's decoded form parameters.
#[derive(Debug, Clone, Default)]
pub struct Params(pub BTreeMap<String, String>);

impl Params {
    /// Decodes an `application/x-www-form-urlencoded` body. Invalid UTF-8 is refused.
    pub fn parse(body: &[u8]) -> Result<Self, AwsError> {
        let text = std::str::from_utf8(body).map_err(|_| {
            AwsError::InvalidParameterValue("The request body is not valid UTF-8 form data.".into())
        })?;
        let mut map = BTreeMap::new();
        for (k, v) in form_urlencoded::parse(text.trim().as_bytes()) {
            if !k.is_empty() {
                map.insert(k.into_owned(), v.into_owned());
            }
        }
        Ok(Params(map))
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    pub fn required(&self, name: &str) -> Result<&str, AwsError> {
        match self.get(name) {
            Some(v) if !v.is_empty() => Ok(v),
            _ => Err(AwsError::MissingParameter(format!(
                "The request must contain the parameter {name}"
            ))),
        }
    }

    pub fn boolean(&self, name: &str) -> Result<Option<bool>, AwsError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(v) => Err(AwsError::InvalidParameterValue(format!(
                "Invalid boolean value '{v}' for parameter {name}."
            ))),
        }
    }

    pub fn int(&self, name: &str) -> Result<Option<i64>, AwsError> {
        self.get(name)
            .map(|v| {
                v.trim().parse().map_err(|_| {
                    AwsError::InvalidParameterValue(format!(
                        "Invalid integer value '{v}' for parameter {name}."
                    ))
                })
            })
            .transpose()
    }

    pub fn time(&self, name: &str) -> Result<Option<Millis>, AwsError> {
        self.get(name)
            .map(|v| {
                timefmt::parse_iso(v).ok_or_else(|| {
                    AwsError::InvalidParameterValue(format!(
                        "Invalid timestamp value '{v}' for parameter {name}."
                    ))
                })
            })
            .transpose()
    }

    /// `MaxRecords` (AWS bounds 20..=100, default 100) and `Marker`.
    pub fn paging(&self) -> Result<(usize, Option<usize>), AwsError> {
        let size = match self.int("MaxRecords")? {
            None => 100,
            Some(n) if (20..=100).contains(&n) => n as usize,
            Some(n) => {
                return Err(AwsError::InvalidParameterValue(format!(
                    "Invalid value {n} for MaxRecords: it must be between 20 and 100."
                )))
            }
        };
        let marker =
            match self.get("Marker") {
                None | Some("") => None,
                Some(m) => Some(decode_marker(m).ok_or_else(|| {
                    AwsError::InvalidParameterValue(format!("Invalid marker: {m}"))
                })?),
            };
        Ok((size, marker))
    }

    /// `Prefix.Filter.N.Name` / `Prefix.Filter.N.Values.Value.M` pairs, in N order.
    pub fn filters(&self) -> Vec<(String, Vec<String>)> {
        let mut out = Vec::new();
        for n in 1.. {
            let Some(name) = self.get(&format!("Filters.Filter.{n}.Name")) else {
                break;
            };
            let mut values = Vec::new();
            for m in 1.. {
                match self.get(&format!("Filters.Filter.{n}.Values.Value.{m}")) {
                    Some(v) => values.push(v.to_string()),
                    None => break,
                }
            }
            out.push((name.to_string(), values));
        }
        out
    }
}

/// A successful Query response around the result's inner XML.
pub fn success(action: &str, xmlns: &str, result: &str, request_id: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{action}Response xmlns=\"{xmlns}\"><{action}Result>{result}</{action}Result><ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{action}Response>\n"
    )
}

/// The Query error envelope.
pub fn error(err: &AwsError, request_id: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse><Error><Type>{}</Type><Code>{}</Code><Message>{}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>\n",
        err.fault_side(),
        err.query_code(),
        escape(&err.message())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_forms_filters_and_paging() {
        let p = Params::parse(
            b"Action=DescribeDBClusters&Filters.Filter.1.Name=engine&Filters.Filter.1.Values.Value.1=neptune&MaxRecords=20",
        )
        .unwrap();
        assert_eq!(p.get("Action"), Some("DescribeDBClusters"));
        assert_eq!(
            p.filters(),
            vec![("engine".to_string(), vec!["neptune".to_string()])]
        );
        assert_eq!(p.paging().unwrap(), (20, None));
        let bad = Params::parse(b"MaxRecords=19").unwrap();
        assert_eq!(
            bad.paging().unwrap_err().query_code(),
            "InvalidParameterValue"
        );
        let bad = Params::parse(b"ShowMemberInfo=yes").unwrap();
        assert!(bad.boolean("ShowMemberInfo").is_err());
        assert_eq!(
            Params::parse(b"")
                .unwrap()
                .required("X")
                .unwrap_err()
                .query_code(),
            "MissingParameter"
        );
        assert!(Params::parse(&[0xff, 0xfe]).is_err());
    }

    #[test]
    fn error_envelope_escapes_messages() {
        let xml = error(&AwsError::InvalidParameterValue("a<b".into()), "rid");
        assert!(xml.contains("<Code>InvalidParameterValue</Code><Message>a&lt;b</Message>"));
        assert!(xml.contains("<RequestId>rid</RequestId>"));
    }

    proptest::proptest! {
        #[test]
        fn random_bodies_never_panic(body in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            if let Ok(p) = Params::parse(&body) {
                let _ = p.paging();
                let _ = p.filters();
                let _ = p.time("StartTime");
                let _ = p.boolean("ShowMemberInfo");
            }
        }
    }
}
