//! `Client`: the only code that sends requests. Signs, sends, retries reads, learns clock skew.

use super::clock::{parse_http_date, Clock};
use super::credentials::Credentials;
use super::endpoint::{self, EndpointOverride, Protocol};
use super::error::AwsError;
use super::protocol::{json, query, xml, WireError};
use super::retry::{Jitter, RetryPolicy};
use super::services::sts::Sts;
use super::services::{ElastiCache, MemoryDb, Neptune};
use super::signing::{self, SigningScope};
use super::transport::{HttpRequest, HttpResponse, Transport};
use crate::model::Service;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;

/// What the client needs to reach AWS.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientConfig {
    pub credentials: Credentials,
    /// Custom endpoints (emulator, CORS relay) per service; AWS's own otherwise.
    /// At most one per service, set with [`ClientConfig::set_override`].
    pub overrides: Vec<(Service, EndpointOverride)>,
}

impl ClientConfig {
    pub fn new(credentials: Credentials) -> Self {
        ClientConfig {
            credentials,
            overrides: Vec::new(),
        }
    }

    /// The same custom endpoint for every service (the emulator serves them all, STS too).
    pub fn with_endpoint_for_all(mut self, endpoint: EndpointOverride) -> Self {
        for service in Service::WITH_ENDPOINTS {
            self.set_override(service, endpoint.clone());
        }
        self
    }

    /// Sets the custom endpoint of one service, replacing any it had.
    pub fn set_override(&mut self, service: Service, endpoint: EndpointOverride) {
        self.overrides.retain(|(s, _)| *s != service);
        self.overrides.push((service, endpoint));
    }

    pub fn override_for(&self, service: Service) -> Option<&EndpointOverride> {
        self.overrides
            .iter()
            .find(|(s, _)| *s == service)
            .map(|(_, e)| e)
    }
}

/// Default cap on pages followed by one list call.
pub const DEFAULT_MAX_PAGES: u32 = 200;

/// The AWS client. Cheap to clone (an `Rc` inside); clones share the clock correction.
#[derive(Clone)]
pub struct Client {
    inner: Rc<Inner>,
}

struct Inner {
    config: ClientConfig,
    /// The credentials requests are signed with: those of `config` until
    /// [`Client::replace_credentials`] swaps in renewed ones.
    credentials: RefCell<Credentials>,
    transport: Rc<dyn Transport>,
    clock: Clock,
    retry: Cell<RetryPolicy>,
    max_pages: Cell<u32>,
    jitter: Jitter,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .field("clock", &self.inner.clock)
            .field("retry", &self.inner.retry.get())
            .field("max_pages", &self.inner.max_pages.get())
            .finish()
    }
}

/// The body of one call, in its service's protocol.
pub(crate) enum CallBody {
    Query(query::QueryRequest),
    Json(Vec<u8>),
}

impl Client {
    pub fn new(config: ClientConfig, transport: Rc<dyn Transport>, clock: Clock) -> Self {
        // Seeded from the clock: jitter needs spread between browser tabs, not secrecy.
        let seed = clock.local_now().millis() as u64;
        Client {
            inner: Rc::new(Inner {
                credentials: RefCell::new(config.credentials.clone()),
                config,
                transport,
                clock,
                retry: Cell::new(RetryPolicy::default()),
                max_pages: Cell::new(DEFAULT_MAX_PAGES),
                jitter: Jitter::new(seed),
            }),
        }
    }

    /// Replaces the retry policy (default: 4 attempts, 200 ms base, 5 s ceiling).
    pub fn with_retry_policy(self, policy: RetryPolicy) -> Self {
        self.inner.retry.set(policy);
        self
    }

    /// Replaces the cap on pages one list call follows (default [`DEFAULT_MAX_PAGES`]).
    pub fn with_max_pages(self, max_pages: u32) -> Self {
        self.inner.max_pages.set(max_pages.max(1));
        self
    }

    pub fn elasticache(&self, region: &str) -> ElastiCache<'_> {
        ElastiCache::new(self, region)
    }

    pub fn neptune(&self, region: &str) -> Neptune<'_> {
        Neptune::new(self, region)
    }

    pub fn memorydb(&self, region: &str) -> MemoryDb<'_> {
        MemoryDb::new(self, region)
    }

    pub fn cloudwatch(&self, region: &str) -> super::services::CloudWatch<'_> {
        super::services::CloudWatch::new(self, region)
    }

    pub fn sts(&self, region: &str) -> Sts<'_> {
        Sts::new(self, region)
    }

    /// Signs every later request with `credentials` (renewed role credentials): clones of
    /// this client, held by runs in progress, switch too, between two requests.
    pub fn replace_credentials(&self, credentials: Credentials) {
        *self.inner.credentials.borrow_mut() = credentials;
    }

    /// The credentials requests are signed with now.
    pub fn credentials(&self) -> Credentials {
        self.inner.credentials.borrow().clone()
    }

    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    /// How the client was built: its endpoints. Its `credentials` are the first ones; those
    /// signing now (after [`Client::replace_credentials`]) are [`Client::credentials`].
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    pub(crate) fn max_pages(&self) -> u32 {
        self.inner.max_pages.get()
    }

    /// Sends one operation and returns its success answer: the body, and what a record of
    /// the call needs (request id, the server's `Date`).
    ///
    /// Reads retry throttling, 5xx and transport faults with backoff; a clock-skew refusal
    /// corrects the clock and a read is re-signed and sent once more. Mutating calls go out
    /// exactly once: their clock-skew error comes back (with the clock already corrected).
    pub(crate) async fn call(
        &self,
        service: Service,
        region: &str,
        operation: &'static str,
        body: CallBody,
        mutating: bool,
    ) -> Result<Answer, AwsError> {
        self.call_as(service, region, operation, body, mutating, true)
            .await
    }

    /// [`Client::call`], optionally unsigned: STS's `AssumeRoleWithWebIdentity` is sent
    /// without a signature (the web identity token is the proof), as the SDKs send it.
    pub(crate) async fn call_as(
        &self,
        service: Service,
        region: &str,
        operation: &'static str,
        body: CallBody,
        mutating: bool,
        signed: bool,
    ) -> Result<Answer, AwsError> {
        let ctx = |e: AwsError| e.with_context(service, region, operation);
        let inner = &self.inner;
        let spec = endpoint::spec(service);
        let resolved =
            endpoint::resolve(service, region, inner.config.override_for(service)).map_err(ctx)?;
        let (headers, bytes) = match (spec.protocol, body) {
            (Protocol::Query { .. }, CallBody::Query(q)) => (
                vec![("Content-Type".to_string(), query::CONTENT_TYPE.to_string())],
                q.encode(),
            ),
            (
                Protocol::Json {
                    content_type,
                    target_prefix,
                    query_compatible,
                },
                CallBody::Json(bytes),
            ) => {
                let mut headers = vec![
                    ("Content-Type".to_string(), content_type.to_string()),
                    (
                        "X-Amz-Target".to_string(),
                        json::target(target_prefix, operation),
                    ),
                ];
                if query_compatible {
                    headers.push(("x-amzn-query-mode".to_string(), "true".to_string()));
                }
                (headers, bytes)
            }
            _ => {
                return Err(ctx(AwsError::config(
                    "internal: body does not match the service protocol",
                )))
            }
        };
        let scope = SigningScope {
            name: resolved.signing_name,
            region: &resolved.signing_region,
            signing_url: &resolved.signing_url,
        };
        let policy = inner.retry.get();
        let mut attempt = 0;
        let mut resent_after_skew = false;
        loop {
            attempt += 1;
            let mut req = HttpRequest {
                method: "POST",
                url: resolved.url.clone(),
                headers: headers.clone(),
                body: bytes.clone(),
            };
            if signed {
                let credentials = inner.credentials.borrow().clone();
                signing::sign(
                    &mut req,
                    &credentials,
                    &scope,
                    inner.clock.now_system_time(),
                )
                .map_err(ctx)?;
            }
            let err = match inner.transport.send(req).await {
                Ok(resp) if resp.is_success() => {
                    return Ok(Answer {
                        request_id: request_id_of(&resp).map(str::to_string),
                        date: resp.header("date").map(str::to_string),
                        body: resp.body,
                    })
                }
                Ok(resp) => {
                    let err = service_error(spec.protocol, &resp);
                    if err.is_clock_skew()
                        && self.learn_skew(&resp, &err)
                        && !mutating
                        && !resent_after_skew
                        && attempt < policy.max_attempts.max(2)
                    {
                        resent_after_skew = true;
                        continue;
                    }
                    err
                }
                Err(t) => AwsError::transport(t),
            };
            if policy.should_retry(&err, attempt, mutating) {
                let pause = policy.delay_ms(attempt, &inner.jitter);
                inner.transport.sleep(pause).await;
                continue;
            }
            return Err(ctx(err));
        }
    }

    /// Sets the clock's skew from the answer's `Date` header, or failing that from the server
    /// time AWS quotes in "Signature expired: ... (20240501T124500Z - 15 min.)". Returns
    /// whether the skew was learned.
    fn learn_skew(&self, resp: &HttpResponse, err: &AwsError) -> bool {
        let clock = &self.inner.clock;
        if let Some(date) = resp.header("date") {
            if clock.correct_from_http_date(date).is_ok() {
                return true;
            }
        }
        let quoted = err
            .message()
            .rsplit_once('(')
            .and_then(|(_, tail)| tail.split_whitespace().next())
            .and_then(|t| parse_http_date(t).ok());
        match quoted {
            Some(server) => {
                clock.correct_to(server);
                true
            }
            None => false,
        }
    }
}

/// A success answer: its body, request id and `Date` header.
pub(crate) struct Answer {
    pub body: Vec<u8>,
    pub request_id: Option<String>,
    pub date: Option<String>,
}

/// The request id AWS sends as a header (both protocols; Query also repeats it in the body).
fn request_id_of(resp: &HttpResponse) -> Option<&str> {
    resp.header("x-amzn-requestid")
        .or_else(|| resp.header("x-amz-request-id"))
}

fn service_error(protocol: Protocol, resp: &HttpResponse) -> AwsError {
    let request_id = request_id_of(resp);
    let WireError {
        code,
        message,
        request_id,
    } = match protocol {
        Protocol::Query { .. } => xml::parse_error(resp.status, &resp.body, request_id),
        Protocol::Json { .. } => json::parse_error(
            resp.status,
            &resp.body,
            resp.header("x-amzn-errortype"),
            request_id,
        ),
    };
    AwsError::service(code, message, request_id, resp.status)
}

/// Follows a list's pagination token, with a cap.
pub(crate) struct Pages {
    operation: &'static str,
    max_pages: u32,
    fetched: u32,
    token: Option<String>,
}

impl Pages {
    pub(crate) fn new(client: &Client, operation: &'static str) -> Self {
        Pages {
            operation,
            max_pages: client.max_pages(),
            fetched: 0,
            token: None,
        }
    }

    /// The token to send with the next request (`None` for the first page).
    pub(crate) fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// Records a page's next token. `Ok(true)`: fetch another page.
    pub(crate) fn advance(&mut self, next: Option<String>) -> Result<bool, AwsError> {
        self.fetched += 1;
        let next = next.filter(|t| !t.is_empty());
        let Some(next) = next else { return Ok(false) };
        if self.token.as_deref() == Some(next.as_str()) {
            return Err(AwsError::pagination(format!(
                "{} returned the same pagination token twice (\"{next}\"); stopped to avoid looping",
                self.operation
            )));
        }
        if self.fetched >= self.max_pages {
            return Err(AwsError::pagination(format!(
                "{} still had more results after {} pages; stopped at the page cap. Narrow the \
                 query or raise the cap",
                self.operation, self.max_pages
            )));
        }
        self.token = Some(next);
        Ok(true)
    }
}
