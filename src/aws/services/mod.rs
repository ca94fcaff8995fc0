//! Typed operations per service: wire structs (AWS element names) in, domain types out.

pub mod cloudwatch;
pub mod elasticache;
pub mod memorydb;
pub mod neptune;
pub mod sts;

pub use cloudwatch::CloudWatch;
pub use elasticache::ElastiCache;
pub use memorydb::MemoryDb;
pub use neptune::Neptune;

use super::client::{CallBody, Client, Pages};
use super::error::AwsError;
use super::protocol::query::QueryRequest;
use super::protocol::xml::{decode, Element};
use super::protocol::DecodeError;
use crate::model::{Event, EventSource, Service, Timestamp};
use futures::FutureExt;
use std::future::Future;

/// One service in one region: the call, the error context and the paging that every typed
/// operation shares. Each service module adds its request builders and parsers; a parser is
/// given the answer's bytes and the region.
#[derive(Clone, Debug)]
pub(crate) struct Api<'a> {
    client: &'a Client,
    service: Service,
    region: String,
}

impl<'a> Api<'a> {
    pub(crate) fn new(client: &'a Client, service: Service, region: &str) -> Self {
        Api {
            client,
            service,
            region: region.to_string(),
        }
    }

    pub(crate) fn region(&self) -> &str {
        &self.region
    }

    fn ctx(&self, op: &'static str) -> impl Fn(AwsError) -> AwsError + '_ {
        move |e| e.with_context(self.service, &self.region, op)
    }

    /// An answer decoded by `parse`; a decode error names the call, service and region.
    fn decoded<T>(
        &self,
        op: &'static str,
        answer: &[u8],
        parse: impl FnOnce(&[u8], &str) -> Result<T, DecodeError>,
    ) -> Result<T, AwsError> {
        parse(answer, &self.region).map_err(|e| self.undecodable(op, e))
    }

    /// The error of an answer `decoded` could not read.
    fn undecodable(&self, op: &'static str, e: DecodeError) -> AwsError {
        self.ctx(op)(e.into())
    }

    /// One read; the answer's bytes.
    async fn send(&self, op: &'static str, body: CallBody) -> Result<Vec<u8>, AwsError> {
        self.client
            .call(self.service, &self.region, op, body, false)
            .await
            .map(|answer| answer.body)
    }

    /// One read of a single answer, decoded (retried like every read).
    pub(crate) async fn read<T>(
        &self,
        op: &'static str,
        body: CallBody,
        parse: impl FnOnce(&[u8], &str) -> Result<T, DecodeError>,
    ) -> Result<T, AwsError> {
        let answer = self.send(op, body).await?;
        self.decoded(op, &answer, parse)
    }

    /// [`Api::read`] sent without a signature (STS `AssumeRoleWithWebIdentity`).
    pub(crate) async fn read_unsigned<T>(
        &self,
        op: &'static str,
        body: CallBody,
        parse: impl FnOnce(&[u8], &str) -> Result<T, DecodeError>,
    ) -> Result<T, AwsError> {
        let answer = self
            .client
            .call_as(self.service, &self.region, op, body, false, false)
            .await?;
        self.decoded(op, &answer.body, parse)
    }

    /// A mutating call, sent once: its answer decoded, with the request id and the time AWS
    /// answered, for the record of the run.
    pub(crate) async fn mutate<T>(
        &self,
        op: &'static str,
        body: CallBody,
        parse: impl FnOnce(&[u8], &str) -> Result<T, DecodeError>,
    ) -> Result<Accepted<T>, AwsError> {
        let answer = self
            .client
            .call(self.service, &self.region, op, body, true)
            .await?;
        let value = self.decoded(op, &answer.body, parse)?;
        Ok(Accepted {
            value,
            request_id: answer.request_id,
            date: answer
                .date
                .as_deref()
                .and_then(|d| crate::aws::clock::parse_http_date(d).ok()),
        })
    }

    /// A read of one named resource: the item of the answer that `is_it`, or a decode error
    /// saying the answer lacks that `what` called `id` (`replication group "orders"`).
    pub(crate) fn find<'s, T, P, F>(
        &'s self,
        op: &'static str,
        body: CallBody,
        parse: P,
        is_it: F,
        what: &'s str,
        id: &'s str,
    ) -> impl Future<Output = Result<T, AwsError>> + use<'s, 'a, T, P, F>
    where
        P: FnOnce(&[u8], &str) -> Result<Page<T>, DecodeError>,
        F: Fn(&T) -> bool,
    {
        self.send(op, body).map(move |answer| {
            let page = self.decoded(op, &answer?, parse)?;
            for item in page.items {
                if is_it(&item) {
                    return Ok(item);
                }
            }
            Err(self.missing(op, what, id))
        })
    }

    /// The error of [`Api::find`] when the answer lacks the resource.
    fn missing(&self, op: &'static str, what: &str, id: &str) -> AwsError {
        self.ctx(op)(AwsError::decode(format!(
            "the answer does not contain {what} \"{id}\""
        )))
    }

    /// Every page of a list read, following its token to the end (capped by `Pages`, with a
    /// clear error).
    pub(crate) async fn all_pages<T>(
        &self,
        op: &'static str,
        request: Request<'_>,
        parse: ParsePage<T>,
    ) -> Result<Vec<T>, AwsError> {
        let mut out = Vec::new();
        self.each_page(op, &*request, &mut |answer, region| {
            let page = parse(answer, region)?;
            out.extend(page.items);
            Ok(page.next_token)
        })
        .await?;
        Ok(out)
    }

    /// The loop of [`Api::all_pages`]: `read` decodes one answer, keeps its items and gives
    /// the next token.
    async fn each_page(
        &self,
        op: &'static str,
        request: &dyn Fn(Option<&str>) -> CallBody,
        read: &mut ReadPage<'_>,
    ) -> Result<(), AwsError> {
        let mut pages = Pages::new(self.client, op);
        loop {
            let answer = self.send(op, request(pages.token())).await?;
            let next = self.decoded(op, &answer, &mut *read)?;
            if !pages.advance(next).map_err(self.ctx(op))? {
                return Ok(());
            }
        }
    }
}

/// The request of one page of a list read, given the token of the page (none for the first).
type Request<'r> = Box<dyn Fn(Option<&str>) -> CallBody + 'r>;

/// Decodes one page of a list answer (bytes, region) into its items and next token.
type ParsePage<T> = fn(&[u8], &str) -> Result<Page<T>, DecodeError>;

/// Decodes one page of a list answer (bytes, region), keeps its items and gives the next
/// token.
type ReadPage<'r> = dyn FnMut(&[u8], &str) -> Result<Option<String>, DecodeError> + 'r;

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

/// DescribeEvents of ElastiCache or Neptune: the same parameters in both Query APIs.
pub(crate) fn query_describe_events(
    version: &str,
    source: &EventSource,
    marker: Option<&str>,
) -> QueryRequest {
    let mut q = QueryRequest::new("DescribeEvents", version)
        .opt("SourceIdentifier", source.source_id.as_deref())
        .opt("SourceType", source.source_type.as_deref());
    if let Some(since) = source.since {
        q = q.timestamp("StartTime", since);
    }
    q.int("MaxRecords", PAGE_SIZE).opt("Marker", marker)
}

/// A DescribeEvents answer of ElastiCache or Neptune (the same document in both).
pub(crate) fn parse_query_events(
    body: &[u8],
    service: Service,
    region: &str,
) -> Result<Page<Event>, DecodeError> {
    decode(body, |root| {
        let r = root.required("DescribeEventsResult")?;
        Ok(Page {
            items: r.decode_list("Events", "Event", |e| query_event(e, service, region))?,
            next_token: token(r.opt_string("Marker")),
        })
    })
}

/// An `<Event>` of ElastiCache or Neptune (the same shape in both APIs).
fn query_event(e: &Element, service: Service, region: &str) -> Result<Event, DecodeError> {
    Ok(Event {
        service,
        region: region.to_string(),
        source_id: e.string_or_empty("SourceIdentifier"),
        source_type: e.opt_string("SourceType"),
        message: e.string_or_empty("Message"),
        date: iso_time(e.required("Date")?.text(), "event Date")?,
    })
}

/// What AWS answered to a mutating call: the decoded answer (read through `Deref`), its
/// request id, and the time in its `Date` header (whole seconds).
#[derive(Clone, Debug, PartialEq)]
pub struct Accepted<T> {
    pub value: T,
    pub request_id: Option<String>,
    pub date: Option<Timestamp>,
}

impl<T> std::ops::Deref for Accepted<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}
