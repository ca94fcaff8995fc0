//! Typed operations per service: wire structs (AWS element names) in, domain types out.

pub mod elasticache;
pub mod memorydb;
pub mod neptune;

pub use elasticache::ElastiCache;
pub use memorydb::MemoryDb;
pub use neptune::Neptune;

use super::protocol::xml::Element;
use super::protocol::DecodeError;
use crate::model::{Event, Service, Timestamp};

/// One page of a list answer: the items and the token of the next page.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
}

/// Page size asked for on every list call (the maximum the Query services accept).
pub(crate) const PAGE_SIZE: i64 = 100;

pub(crate) fn iso_time(raw: &str, what: &str) -> Result<Timestamp, DecodeError> {
    Timestamp::parse_iso8601(raw).map_err(|e| DecodeError::new(format!("{what}: {e}")))
}

/// Empty elements (`<Marker/>`) and empty strings mean "no next page".
pub(crate) fn token(raw: Option<String>) -> Option<String> {
    raw.map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

/// Optional text where an empty element means absent.
pub(crate) fn text(raw: Option<String>) -> Option<String> {
    raw.filter(|t| !t.trim().is_empty())
}

/// An `<Event>` of ElastiCache or Neptune (the same shape in both APIs).
pub(crate) fn query_event(
    e: &Element,
    service: Service,
    region: &str,
) -> Result<Event, DecodeError> {
    Ok(Event {
        service,
        region: region.to_string(),
        source_id: e.string_or_empty("SourceIdentifier"),
        source_type: e.opt_string("SourceType"),
        message: e.string_or_empty("Message"),
        date: iso_time(e.required("Date")?.text(), "event Date")?,
    })
}
