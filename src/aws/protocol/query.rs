//! AWS Query requests: a form-encoded `Action`/`Version` body with flattened member names.

use crate::model::Timestamp;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// The `Content-Type` botocore sends with a Query body.
pub const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";

/// Parameters of one Query call, in the order they are added (botocore's order: `Action`,
/// `Version`, then the members as given).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryRequest {
    params: Vec<(String, String)>,
}

impl QueryRequest {
    pub fn new(action: &str, version: &str) -> Self {
        QueryRequest {
            params: vec![
                ("Action".into(), action.into()),
                ("Version".into(), version.into()),
            ],
        }
    }

    pub fn action(&self) -> &str {
        &self.params[0].1
    }

    pub fn param(mut self, name: &str, value: impl Into<String>) -> Self {
        self.params.push((name.to_string(), value.into()));
        self
    }

    pub fn opt(self, name: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.param(name, v),
            None => self,
        }
    }

    /// Booleans go on the wire as `true`/`false`.
    pub fn bool(self, name: &str, value: bool) -> Self {
        self.param(name, if value { "true" } else { "false" })
    }

    pub fn int(self, name: &str, value: i64) -> Self {
        self.param(name, value.to_string())
    }

    /// ISO 8601 as botocore writes it: whole seconds `2024-05-01T12:00:00Z`, otherwise
    /// microseconds `2024-05-01T12:00:00.250000Z`.
    pub fn timestamp(self, name: &str, value: Timestamp) -> Self {
        self.param(name, iso8601_like_botocore(value))
    }

    /// A list of filters: `Filters.Filter.N.Name` and `Filters.Filter.N.Values.Value.M`
    /// (1-based), the member names RDS-family services use.
    pub fn filters(mut self, filters: &[(&str, &[&str])]) -> Self {
        for (i, (name, values)) in filters.iter().enumerate() {
            let n = i + 1;
            self = self.param(&format!("Filters.Filter.{n}.Name"), *name);
            for (j, value) in values.iter().enumerate() {
                self = self.param(
                    &format!("Filters.Filter.{n}.Values.Value.{}", j + 1),
                    *value,
                );
            }
        }
        self
    }

    /// A list of strings as `<name>.<member>.N` (1-based).
    pub fn list(mut self, name: &str, member: &str, values: &[&str]) -> Self {
        for (i, value) in values.iter().enumerate() {
            self = self.param(&format!("{name}.{member}.{}", i + 1), *value);
        }
        self
    }

    pub fn params(&self) -> &[(String, String)] {
        &self.params
    }

    /// `application/x-www-form-urlencoded`, encoded like Python's `urlencode` (botocore):
    /// unreserved characters kept, space as `+`, everything else `%XX`.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = String::new();
        for (i, (k, v)) in self.params.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            form_encode_into(&mut out, k);
            out.push('=');
            form_encode_into(&mut out, v);
        }
        out.into_bytes()
    }
}

/// Python's `quote_plus` keeps these besides letters and digits; everything else is `%XX`.
const FORM_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn form_encode_into(out: &mut String, text: &str) {
    // Spaces are encoded like any other byte, then written as `+`, as `quote_plus` writes
    // them; a literal `+` was encoded as `%2B`, so nothing else turns into `+`.
    for part in utf8_percent_encode(text, FORM_VALUE) {
        out.push_str(&part.replace("%20", "+"));
    }
}

/// Decodes a form body into pairs (tests compare bodies as key/value multisets).
pub fn decode_form(body: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(body);
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (form_decode(k), form_decode(v))
        })
        .collect()
}

fn form_decode(text: &str) -> String {
    percent_decode_str(&text.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

fn iso8601_like_botocore(t: Timestamp) -> String {
    let iso = t.to_iso8601(); // 2024-05-01T12:00:00.250Z
    let (seconds, millis) = iso.split_at(19);
    let millis = &millis[1..4];
    if millis == "000" {
        format!("{seconds}Z")
    } else {
        format!("{seconds}.{millis}000Z")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_python_urlencode() {
        let q = QueryRequest::new("DescribeEvents", "2015-02-02")
            .param("SourceIdentifier", "a b/c+d~é")
            .bool("ShowMemberInfo", true);
        assert_eq!(
            String::from_utf8(q.encode()).unwrap(),
            "Action=DescribeEvents&Version=2015-02-02&SourceIdentifier=a+b%2Fc%2Bd~%C3%A9&ShowMemberInfo=true"
        );
        assert_eq!(decode_form(&q.encode()), q.params().to_vec());
    }

    #[test]
    fn filters_use_rds_member_names() {
        let q = QueryRequest::new("DescribeDBClusters", "2014-10-31")
            .filters(&[("engine", &["neptune"])]);
        assert_eq!(
            &q.params()[2..],
            &[
                ("Filters.Filter.1.Name".to_string(), "engine".to_string()),
                (
                    "Filters.Filter.1.Values.Value.1".to_string(),
                    "neptune".to_string()
                )
            ]
        );
    }

    #[test]
    fn timestamps_match_botocore() {
        let t = Timestamp::parse_iso8601("2024-05-01T12:00:00Z").unwrap();
        assert_eq!(iso8601_like_botocore(t), "2024-05-01T12:00:00Z");
        let t = Timestamp::parse_iso8601("2024-05-01T12:00:00.25Z").unwrap();
        assert_eq!(iso8601_like_botocore(t), "2024-05-01T12:00:00.250000Z");
    }
}
