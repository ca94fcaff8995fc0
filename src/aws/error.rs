//! `AwsError`: every way a call can fail, as one type whose message an on-call engineer can act on.

use super::transport::{TransportError, TransportErrorKind};
use crate::model::Service;
use std::fmt;

/// What failed, broadly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// AWS (or the emulator) answered with an error.
    Service,
    /// No answer: network down, CORS refusal or timeout.
    Transport,
    /// An answer that could not be read.
    Decode,
    /// The request could not be built: bad region, bad endpoint, unusable credentials.
    Config,
}

/// What a service error means for the person at the console.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCategory {
    Throttling,
    Auth,
    ExpiredToken,
    ClockSkew,
    NotFound,
    InvalidState,
    Parameter,
    Quota,
    Server,
    Other,
}

impl ErrorCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCategory::Throttling => "throttling",
            ErrorCategory::Auth => "auth",
            ErrorCategory::ExpiredToken => "expired-token",
            ErrorCategory::ClockSkew => "clock-skew",
            ErrorCategory::NotFound => "not-found",
            ErrorCategory::InvalidState => "invalid-state",
            ErrorCategory::Parameter => "parameter",
            ErrorCategory::Quota => "quota",
            ErrorCategory::Server => "server",
            ErrorCategory::Other => "other",
        }
    }

    /// Classifies an AWS error code (with its message and HTTP status, which disambiguate
    /// `SignatureDoesNotMatch` and unknown codes).
    pub fn classify(code: &str, message: &str, status: u16) -> ErrorCategory {
        const THROTTLING: &[&str] = &[
            "Throttling",
            "ThrottlingException",
            "ThrottledException",
            "RequestThrottledException",
            "RequestThrottled",
            "RequestLimitExceeded",
            "TooManyRequestsException",
            "SlowDown",
            "PriorRequestNotComplete",
            "BandwidthLimitExceeded",
            "EC2ThrottledException",
            "TransactionInProgressException",
        ];
        const CLOCK: &[&str] = &[
            "RequestTimeTooSkewed",
            "RequestExpired",
            "RequestInTheFuture",
        ];
        const MAYBE_CLOCK: &[&str] = &[
            "SignatureDoesNotMatch",
            "InvalidSignatureException",
            "AuthFailure",
        ];
        const AUTH: &[&str] = &[
            "AccessDenied",
            "AccessDeniedException",
            "UnauthorizedOperation",
            "UnrecognizedClientException",
            "InvalidClientTokenId",
            "IncompleteSignature",
            "IncompleteSignatureException",
            "MissingAuthenticationToken",
            "MissingAuthenticationTokenException",
            "NotAuthorized",
            "OptInRequired",
            "SignatureDoesNotMatch",
            "InvalidSignatureException",
            "AuthFailure",
            "InvalidAccessKeyId",
        ];
        const EXPIRED: &[&str] = &[
            "ExpiredToken",
            "ExpiredTokenException",
            "TokenRefreshRequired",
        ];
        const PARAMETER: &[&str] = &[
            "InvalidParameterValue",
            "InvalidParameterValueException",
            "InvalidParameterCombination",
            "InvalidParameterCombinationException",
            "InvalidParameter",
            "MissingParameter",
            "ValidationError",
            "ValidationException",
            "InvalidAction",
            "InvalidQueryParameter",
            "MalformedQueryString",
            "SerializationException",
            "UnknownOperationException",
            "InvalidARN",
        ];
        const SERVER: &[&str] = &[
            "InternalFailure",
            "InternalError",
            "InternalServerError",
            "InternalServerErrorException",
            "ServiceUnavailable",
            "ServiceUnavailableException",
            "ServiceFailure",
        ];
        if CLOCK.contains(&code) {
            return ErrorCategory::ClockSkew;
        }
        if MAYBE_CLOCK.contains(&code) && speaks_of_time(message) {
            return ErrorCategory::ClockSkew;
        }
        if THROTTLING.contains(&code) {
            return ErrorCategory::Throttling;
        }
        if EXPIRED.contains(&code) {
            return ErrorCategory::ExpiredToken;
        }
        if AUTH.contains(&code) {
            return ErrorCategory::Auth;
        }
        if PARAMETER.contains(&code) {
            return ErrorCategory::Parameter;
        }
        if SERVER.contains(&code) {
            return ErrorCategory::Server;
        }
        let base = code
            .strip_suffix("Fault")
            .or_else(|| code.strip_suffix("Exception"))
            .unwrap_or(code);
        // The account lacks the service's linked role: a setup problem, not a missing
        // resource; AWS's message says what to create.
        if base == "ServiceLinkedRoleNotFound" {
            return ErrorCategory::Other;
        }
        if base.ends_with("NotFound") {
            return ErrorCategory::NotFound;
        }
        if (base.starts_with("Invalid") && base.ends_with("State"))
            || base == "TestFailoverNotAvailable"
        {
            return ErrorCategory::InvalidState;
        }
        // APICallRateForCustomerExceeded is ElastiCache's daily TestFailover allowance, not
        // a transient rate: waiting seconds does not help, so it is a quota.
        if base.contains("Quota")
            || base.ends_with("LimitExceeded")
            || base.ends_with("RateForCustomerExceeded")
        {
            return ErrorCategory::Quota;
        }
        if base.ends_with("AlreadyExists") || base.starts_with("Invalid") {
            return ErrorCategory::Parameter;
        }
        match status {
            404 => ErrorCategory::NotFound,
            401 | 403 => ErrorCategory::Auth,
            429 => ErrorCategory::Throttling,
            500..=599 => ErrorCategory::Server,
            _ => ErrorCategory::Other,
        }
    }
}

/// `SignatureDoesNotMatch`/`InvalidSignatureException` also cover plain wrong secrets; only
/// these phrases mean the clock is off ("Signature expired: 20210216T173032Z is now earlier
/// than ...", "Signature not yet current: ...").
fn speaks_of_time(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "signature expired",
        "not yet current",
        "too skewed",
        "request time",
        "earlier than",
        "later than",
        "clock",
    ]
    .iter()
    .any(|p| m.contains(p))
}

/// One failed call.
#[derive(Clone, PartialEq)]
pub struct AwsError {
    inner: Box<Inner>,
}

#[derive(Clone, Debug, PartialEq)]
struct Inner {
    repr: Repr,
    context: Option<Context>,
}

#[derive(Clone, Debug, PartialEq)]
struct Context {
    service: Service,
    region: String,
    operation: &'static str,
}

#[derive(Clone, Debug, PartialEq)]
enum Repr {
    Service {
        code: String,
        message: String,
        request_id: Option<String>,
        status: u16,
        category: ErrorCategory,
    },
    Transport(TransportError),
    Decode(String),
    /// A list that would not end (page cap, repeated token). Reported as `ErrorKind::Decode`:
    /// the answers were readable, but not a list that finishes.
    Pagination(String),
    Config(String),
}

impl AwsError {
    /// An error answer from the service. The category is derived from code, message and status.
    pub fn service(
        code: impl Into<String>,
        message: impl Into<String>,
        request_id: Option<String>,
        status: u16,
    ) -> Self {
        let (code, message) = (code.into(), message.into());
        let category = ErrorCategory::classify(&code, &message, status);
        AwsError::from_repr(Repr::Service {
            code,
            message,
            request_id,
            status,
            category,
        })
    }

    pub fn transport(err: TransportError) -> Self {
        AwsError::from_repr(Repr::Transport(err))
    }

    pub fn decode(detail: impl Into<String>) -> Self {
        AwsError::from_repr(Repr::Decode(detail.into()))
    }

    /// A list call stopped before its end (page cap reached, or a token repeated).
    pub fn pagination(detail: impl Into<String>) -> Self {
        AwsError::from_repr(Repr::Pagination(detail.into()))
    }

    pub fn config(detail: impl Into<String>) -> Self {
        AwsError::from_repr(Repr::Config(detail.into()))
    }

    fn from_repr(repr: Repr) -> Self {
        AwsError {
            inner: Box::new(Inner {
                repr,
                context: None,
            }),
        }
    }

    /// Records which call failed, for the message.
    pub fn with_context(mut self, service: Service, region: &str, operation: &'static str) -> Self {
        self.inner.context = Some(Context {
            service,
            region: region.to_string(),
            operation,
        });
        self
    }

    pub fn kind(&self) -> ErrorKind {
        match self.inner.repr {
            Repr::Service { .. } => ErrorKind::Service,
            Repr::Transport(_) => ErrorKind::Transport,
            Repr::Decode(_) | Repr::Pagination(_) => ErrorKind::Decode,
            Repr::Config(_) => ErrorKind::Config,
        }
    }

    /// The AWS error code (`InvalidReplicationGroupState`), for service errors.
    pub fn code(&self) -> Option<&str> {
        match &self.inner.repr {
            Repr::Service { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The service's own message, or the detail of other kinds.
    pub fn message(&self) -> &str {
        match &self.inner.repr {
            Repr::Service { message, .. } => message,
            Repr::Transport(t) => t.detail(),
            Repr::Decode(d) | Repr::Pagination(d) | Repr::Config(d) => d,
        }
    }

    pub fn request_id(&self) -> Option<&str> {
        match &self.inner.repr {
            Repr::Service { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    pub fn http_status(&self) -> Option<u16> {
        match &self.inner.repr {
            Repr::Service { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The category of a service error; `None` for other kinds.
    pub fn category(&self) -> Option<ErrorCategory> {
        match &self.inner.repr {
            Repr::Service { category, .. } => Some(*category),
            _ => None,
        }
    }

    pub fn transport_kind(&self) -> Option<TransportErrorKind> {
        match &self.inner.repr {
            Repr::Transport(t) => Some(t.kind()),
            _ => None,
        }
    }

    pub fn service_name(&self) -> Option<Service> {
        self.inner.context.as_ref().map(|c| c.service)
    }

    pub fn region(&self) -> Option<&str> {
        self.inner.context.as_ref().map(|c| c.region.as_str())
    }

    pub fn operation(&self) -> Option<&'static str> {
        self.inner.context.as_ref().map(|c| c.operation)
    }

    pub fn is_clock_skew(&self) -> bool {
        self.category() == Some(ErrorCategory::ClockSkew)
    }

    /// Worth retrying a read after a pause: throttling, a server fault, or no answer at all.
    pub fn is_retryable(&self) -> bool {
        match &self.inner.repr {
            Repr::Service {
                category, status, ..
            } => {
                matches!(category, ErrorCategory::Throttling | ErrorCategory::Server)
                    || *status >= 500
            }
            Repr::Transport(_) => true,
            Repr::Decode(_) | Repr::Pagination(_) | Repr::Config(_) => false,
        }
    }

    /// What to do about it, in one or two sentences.
    pub fn advice(&self) -> String {
        let action = self.operation().unwrap_or("this call");
        match &self.inner.repr {
            Repr::Service { category, .. } => match category {
                ErrorCategory::Throttling => "AWS is rate-limiting this account. Wait a minute and retry; \
                    polling fewer resources at once helps."
                    .into(),
                ErrorCategory::Auth => format!(
                    "Check that the access key and secret are right and that the IAM identity is \
                     allowed to call {action} in this region."
                ),
                ErrorCategory::ExpiredToken => "The session token has expired. Paste fresh credentials \
                    (aws sts assume-role or aws configure export-credentials)."
                    .into(),
                ErrorCategory::ClockSkew => "This computer's clock disagrees with AWS. The console has \
                    corrected its clock from the server's time: retry the action. Fixing the system \
                    clock (NTP) avoids this."
                    .into(),
                ErrorCategory::NotFound => "The resource does not exist in this region (deleted, or \
                    another region or account). Refresh the inventory."
                    .into(),
                ErrorCategory::InvalidState => "The resource is busy or not in a state that allows this \
                    (for example still modifying or failing over). Wait until it is available, then retry."
                    .into(),
                ErrorCategory::Parameter => "AWS rejected a parameter: check the identifiers and the \
                    chosen target, which the message names."
                    .into(),
                ErrorCategory::Quota => "An AWS quota or allowance is used up (TestFailover, for one, \
                    is limited per day). Wait for it to reset or ask for a quota increase."
                    .into(),
                ErrorCategory::Server => "AWS had an internal fault. Retry in a minute; if it persists, \
                    check the AWS Health Dashboard for the region."
                    .into(),
                ErrorCategory::Other => "See the AWS message; the request id helps AWS Support.".into(),
            },
            Repr::Transport(t) => match t.kind() {
                TransportErrorKind::Network => "Check the network connection. If the browser's developer \
                    console shows a CORS error, this endpoint does not allow calls from this page: use \
                    the emulator or a CORS relay as a custom endpoint."
                    .into(),
                TransportErrorKind::Timeout => "The endpoint did not answer in time. Check the network \
                    and retry; a mutating action may still have been applied, so refresh before retrying it."
                    .into(),
            },
            Repr::Pagination(_) => "The list did not end within the page cap. Filter to fewer \
                resources or raise the cap (Client::with_max_pages); a repeated token is a service \
                fault: retry later."
                .into(),
            Repr::Decode(_) => "The answer did not look like the AWS API. Check that the custom endpoint \
                (if any) points at AWS, the emulator or a relay, not at a web page."
                .into(),
            Repr::Config(_) => "Fix the connection settings (region, endpoint, credentials) and retry.".into(),
        }
    }
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let who = match &self.inner.context {
            Some(c) => format!("{} {} in {}", c.service.label(), c.operation, c.region),
            None => "The AWS call".to_string(),
        };
        match &self.inner.repr {
            Repr::Service {
                code,
                message,
                request_id,
                status,
                category,
            } => {
                let what = match category {
                    ErrorCategory::Throttling => "was throttled",
                    ErrorCategory::Auth => "was refused (not authorised)",
                    ErrorCategory::ExpiredToken => "was refused: the session token has expired",
                    ErrorCategory::ClockSkew => "was refused: this computer's clock is off",
                    ErrorCategory::NotFound => "found no such resource",
                    ErrorCategory::InvalidState => {
                        "was refused: the resource is not in a state that allows it"
                    }
                    ErrorCategory::Parameter => "was rejected: invalid parameter",
                    ErrorCategory::Quota => "was refused: a quota is exhausted",
                    ErrorCategory::Server => "failed inside AWS",
                    ErrorCategory::Other => "failed",
                };
                write!(f, "{who} {what} ({code}, HTTP {status}")?;
                if let Some(id) = request_id {
                    write!(f, ", request id {id}")?;
                }
                f.write_str(")")?;
                if !message.is_empty() {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
            Repr::Transport(t) => match t.kind() {
                TransportErrorKind::Network => {
                    write!(
                        f,
                        "{who} got no answer: network error or CORS refusal ({})",
                        t.detail()
                    )
                }
                TransportErrorKind::Timeout => write!(f, "{who} timed out: {}", t.detail()),
            },
            Repr::Decode(d) => write!(f, "{who} returned an answer that could not be read: {d}"),
            Repr::Pagination(d) => write!(f, "{who} was stopped before the end of the list: {d}"),
            Repr::Config(d) => write!(f, "{who} could not be sent: {d}"),
        }
    }
}

impl fmt::Debug for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwsError")
            .field("repr", &self.inner.repr)
            .field("context", &self.inner.context)
            .finish()
    }
}

impl std::error::Error for AwsError {}

impl From<TransportError> for AwsError {
    fn from(err: TransportError) -> Self {
        AwsError::transport(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_follow_aws_codes() {
        use ErrorCategory::*;
        let cases: &[(&str, &str, u16, ErrorCategory)] = &[
            ("Throttling", "Rate exceeded", 400, Throttling),
            ("ThrottlingException", "", 400, Throttling),
            ("RequestLimitExceeded", "", 503, Throttling),
            ("TooManyRequestsException", "", 429, Throttling),
            ("InvalidReplicationGroupState", "", 400, InvalidState),
            ("InvalidGlobalClusterStateFault", "", 400, InvalidState),
            ("InvalidClusterStateFault", "", 400, InvalidState),
            ("ReplicationGroupNotFoundFault", "", 404, NotFound),
            ("ClusterNotFoundFault", "", 400, NotFound),
            ("DBClusterNotFoundFault", "", 404, NotFound),
            ("ServiceLinkedRoleNotFoundFault", "", 400, Other),
            ("InvalidParameterValue", "", 400, Parameter),
            ("APICallRateForCustomerExceeded", "", 400, Quota),
            ("GlobalClusterQuotaExceededFault", "", 400, Quota),
            ("ExpiredToken", "The security token included in the request is expired", 403, ExpiredToken),
            ("RequestTimeTooSkewed", "", 403, ClockSkew),
            ("RequestExpired", "", 400, ClockSkew),
            ("SignatureDoesNotMatch", "Signature expired: 20210216T173032Z is now earlier than 20210216T173532Z (20210216T174032Z - 15 min.)", 403, ClockSkew),
            ("InvalidSignatureException", "Signature expired: 20210216T173032Z is now earlier than 20210216T173532Z", 400, ClockSkew),
            ("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.", 403, Auth),
            ("AccessDenied", "", 403, Auth),
            ("InternalFailure", "", 500, Server),
            ("Whatever", "", 503, Server),
            ("Whatever", "", 400, Other),
        ];
        for (code, message, status, want) in cases {
            assert_eq!(
                ErrorCategory::classify(code, message, *status),
                *want,
                "{code} {message}"
            );
        }
    }

    #[test]
    fn display_names_the_call_the_code_and_the_request_id() {
        let err = AwsError::service(
            "InvalidReplicationGroupState",
            "Replication group must be available",
            Some("req-1".into()),
            400,
        )
        .with_context(Service::ElastiCache, "us-east-1", "TestFailover");
        let text = err.to_string();
        assert_eq!(
            text,
            "ElastiCache TestFailover in us-east-1 was refused: the resource is not in a state that allows it \
             (InvalidReplicationGroupState, HTTP 400, request id req-1): Replication group must be available"
        );
        assert!(err.advice().contains("Wait until it is available"));
        let net = AwsError::transport(TransportError::network("TypeError: Failed to fetch"));
        assert!(net.to_string().contains("network error or CORS refusal"));
        assert!(net.is_retryable());
        assert!(!AwsError::decode("x").is_retryable());
    }
}
