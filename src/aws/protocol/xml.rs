//! XML answers of the Query protocol: success bodies into wire structs, `<ErrorResponse>` into
//! a [`WireError`]. Unknown elements are ignored; missing optional ones are `None`.

use super::{reason_phrase, snippet, DecodeError, WireError};
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// Deserialises a whole XML document (the root element's name is not checked: each envelope
/// struct names the `<Operation>Result` child it needs).
pub fn from_xml<T: DeserializeOwned>(body: &[u8]) -> Result<T, DecodeError> {
    let text = std::str::from_utf8(body)
        .map_err(|_| DecodeError::new(format!("the XML answer is not UTF-8: {}", snippet(body))))?;
    quick_xml::de::from_str(text)
        .map_err(|e| DecodeError::new(format!("unexpected XML ({e}): {}", snippet(body))))
}

#[derive(Deserialize)]
struct ErrorDocument {
    #[serde(rename = "Error")]
    error: Option<ErrorBody>,
    // EC2-style `<Response><Errors><Error>`: accepted too, relays sometimes answer so.
    #[serde(rename = "Errors")]
    errors: Option<ErrorList>,
    #[serde(rename = "RequestId", alias = "RequestID")]
    request_id: Option<String>,
}

#[derive(Deserialize)]
struct ErrorList {
    #[serde(rename = "Error", default)]
    items: Vec<ErrorBody>,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(rename = "Code")]
    code: Option<String>,
    #[serde(rename = "Message")]
    message: Option<String>,
}

/// Reads `<ErrorResponse><Error><Code>..</Code><Message>..</Message></Error><RequestId>..`.
/// A body that is not such a document still gives an error: the HTTP status as the code and
/// its reason phrase as the message, as botocore does.
pub fn parse_error(status: u16, body: &[u8], header_request_id: Option<&str>) -> WireError {
    let parsed: Option<ErrorDocument> = from_xml(body).ok();
    let (body_error, request_id) = match parsed {
        Some(doc) => {
            let first = doc
                .error
                .or_else(|| doc.errors.and_then(|l| l.items.into_iter().next()));
            (first, doc.request_id)
        }
        None => (None, None),
    };
    let request_id = request_id
        .filter(|s| !s.trim().is_empty())
        .or_else(|| header_request_id.map(str::to_string));
    match body_error.and_then(|e| {
        e.code
            .filter(|c| !c.trim().is_empty())
            .map(|c| (c, e.message))
    }) {
        Some((code, message)) => WireError {
            code: code.trim().to_string(),
            message: message.unwrap_or_default().trim().to_string(),
            request_id,
        },
        None => WireError {
            code: status.to_string(),
            message: if body.is_empty() {
                reason_phrase(status).to_string()
            } else {
                format!("{} {}", reason_phrase(status), snippet(body))
                    .trim()
                    .to_string()
            },
            request_id,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_query_error_document() {
        let body = br#"<ErrorResponse xmlns="http://elasticache.amazonaws.com/doc/2015-02-02/">
          <Error><Type>Sender</Type><Code>InvalidGlobalReplicationGroupState</Code>
          <Message>The global replication group is not available</Message></Error>
          <RequestId>8d7f7f3e-1111-2222-3333-444455556666</RequestId></ErrorResponse>"#;
        let e = parse_error(400, body, Some("from-header"));
        assert_eq!(e.code, "InvalidGlobalReplicationGroupState");
        assert_eq!(e.message, "The global replication group is not available");
        assert_eq!(
            e.request_id.as_deref(),
            Some("8d7f7f3e-1111-2222-3333-444455556666")
        );
    }

    #[test]
    fn an_unreadable_error_body_still_gives_the_status() {
        let e = parse_error(503, b"", Some("rid"));
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("503", "Service Unavailable")
        );
        assert_eq!(e.request_id.as_deref(), Some("rid"));
        let e = parse_error(403, b"<html>Forbidden by proxy</html>", None);
        assert_eq!(e.code, "403");
    }
}
