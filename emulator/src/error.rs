//! Every AWS error the emulator can answer, one variant per AWS error code, with the code,
//! HTTP status and JSON type each protocol puts on the wire.

use std::fmt;

/// An AWS error. The `String` is the message shown to the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AwsError {
    // Authentication and request framing (common to all services).
    MissingAuthenticationToken,
    IncompleteSignature(String),
    InvalidClientTokenId,
    SignatureDoesNotMatch(String),
    ExpiredToken,
    /// IAM refused the action (`--deny`).
    AccessDenied(String),
    InvalidAction(String),
    MissingParameter(String),
    InvalidParameterValue(String),
    InvalidParameterCombination(String),
    /// A JSON body that does not parse or has the wrong shape.
    Validation(String),
    RequestEntityTooLarge,
    Throttling,
    ServiceUnavailable,
    InternalFailure,
    // ElastiCache.
    ReplicationGroupNotFound(String),
    InvalidReplicationGroupState(String),
    GlobalReplicationGroupAlreadyExists(String),
    GlobalReplicationGroupNotFound(String),
    InvalidGlobalReplicationGroupState(String),
    NodeGroupNotFound(String),
    TestFailoverNotAvailable(String),
    ApiCallRateForCustomerExceeded(String),
    // Neptune.
    GlobalClusterNotFound(String),
    InvalidGlobalClusterState(String),
    DbClusterNotFound(String),
    // MemoryDB.
    ClusterNotFound(String),
    ShardNotFound(String),
    InvalidClusterState(String),
    MultiRegionClusterNotFound(String),
    // STS AssumeRoleWithWebIdentity.
    InvalidIdentityToken(String),
    /// The web identity token is past its `exp` (code `ExpiredTokenException`, unlike the
    /// `ExpiredToken` of a request signed with expired credentials).
    ExpiredWebIdentityToken(String),
    /// STS's own validation code (`ValidationError`), e.g. a DurationSeconds out of range.
    StsValidation(String),
}

/// How a protocol identifies the error: Query `Code` and JSON `__type` differ for a few.
impl AwsError {
    /// The Query `<Code>` (the model's `error.code`, not the shape name).
    pub fn query_code(&self) -> &'static str {
        use AwsError::*;
        match self {
            MissingAuthenticationToken => "MissingAuthenticationToken",
            IncompleteSignature(_) => "IncompleteSignature",
            InvalidClientTokenId => "InvalidClientTokenId",
            SignatureDoesNotMatch(_) => "SignatureDoesNotMatch",
            ExpiredToken => "ExpiredToken",
            AccessDenied(_) => "AccessDenied",
            InvalidAction(_) => "InvalidAction",
            MissingParameter(_) => "MissingParameter",
            InvalidParameterValue(_) | Validation(_) => "InvalidParameterValue",
            InvalidParameterCombination(_) => "InvalidParameterCombination",
            RequestEntityTooLarge => "RequestEntityTooLarge",
            Throttling => "Throttling",
            ServiceUnavailable => "ServiceUnavailable",
            InternalFailure => "InternalFailure",
            ReplicationGroupNotFound(_) => "ReplicationGroupNotFoundFault",
            InvalidReplicationGroupState(_) => "InvalidReplicationGroupState",
            GlobalReplicationGroupAlreadyExists(_) => "GlobalReplicationGroupAlreadyExistsFault",
            GlobalReplicationGroupNotFound(_) => "GlobalReplicationGroupNotFoundFault",
            InvalidGlobalReplicationGroupState(_) => "InvalidGlobalReplicationGroupState",
            NodeGroupNotFound(_) => "NodeGroupNotFoundFault",
            TestFailoverNotAvailable(_) => "TestFailoverNotAvailableFault",
            ApiCallRateForCustomerExceeded(_) => "APICallRateForCustomerExceeded",
            GlobalClusterNotFound(_) => "GlobalClusterNotFoundFault",
            InvalidGlobalClusterState(_) => "InvalidGlobalClusterStateFault",
            DbClusterNotFound(_) => "DBClusterNotFoundFault",
            ClusterNotFound(_) => "ClusterNotFoundFault",
            ShardNotFound(_) => "ShardNotFoundFault",
            InvalidClusterState(_) => "InvalidClusterStateFault",
            MultiRegionClusterNotFound(_) => "MultiRegionClusterNotFoundFault",
            InvalidIdentityToken(_) => "InvalidIdentityToken",
            ExpiredWebIdentityToken(_) => "ExpiredTokenException",
            StsValidation(_) => "ValidationError",
        }
    }

    /// The JSON 1.1 `__type` without namespace (MemoryDB codes are the shape names).
    pub fn json_type(&self) -> &'static str {
        use AwsError::*;
        match self {
            MissingAuthenticationToken => "MissingAuthenticationTokenException",
            IncompleteSignature(_) => "IncompleteSignatureException",
            InvalidClientTokenId => "UnrecognizedClientException",
            SignatureDoesNotMatch(_) => "InvalidSignatureException",
            ExpiredToken => "ExpiredTokenException",
            AccessDenied(_) => "AccessDeniedException",
            InvalidAction(_) => "UnknownOperationException",
            MissingParameter(_) | Validation(_) => "ValidationException",
            InvalidParameterValue(_) => "InvalidParameterValueException",
            InvalidParameterCombination(_) => "InvalidParameterCombinationException",
            Throttling => "ThrottlingException",
            ApiCallRateForCustomerExceeded(_) => "APICallRateForCustomerExceededFault",
            other => other.query_code(),
        }
    }

    /// The JSON namespace: framework-level errors come from Coral, the rest from the service.
    pub fn json_namespace(&self) -> &'static str {
        use AwsError::*;
        match self {
            MissingAuthenticationToken
            | IncompleteSignature(_)
            | InvalidClientTokenId
            | SignatureDoesNotMatch(_)
            | ExpiredToken
            | AccessDenied(_)
            | InvalidAction(_)
            | Validation(_)
            | MissingParameter(_)
            | RequestEntityTooLarge
            | Throttling
            | ServiceUnavailable
            | InternalFailure => "com.amazon.coral.service",
            _ => "com.amazonaws.memorydb",
        }
    }

    /// HTTP status in the Query protocol (the model's `httpStatusCode`).
    pub fn query_status(&self) -> u16 {
        use AwsError::*;
        match self {
            MissingAuthenticationToken
            | InvalidClientTokenId
            | SignatureDoesNotMatch(_)
            | ExpiredToken
            | AccessDenied(_) => 403,
            ReplicationGroupNotFound(_)
            | GlobalReplicationGroupNotFound(_)
            | NodeGroupNotFound(_)
            | GlobalClusterNotFound(_)
            | DbClusterNotFound(_)
            | ClusterNotFound(_)
            | ShardNotFound(_)
            | MultiRegionClusterNotFound(_) => 404,
            RequestEntityTooLarge => 413,
            InternalFailure => 500,
            ServiceUnavailable => 503,
            _ => 400,
        }
    }

    /// HTTP status in JSON 1.1: every client error is 400 there.
    pub fn json_status(&self) -> u16 {
        match self {
            AwsError::RequestEntityTooLarge => 413,
            AwsError::InternalFailure => 500,
            AwsError::ServiceUnavailable => 503,
            _ => 400,
        }
    }

    /// `Sender` or `Receiver`, for the Query `<Type>`.
    pub fn fault_side(&self) -> &'static str {
        match self {
            AwsError::InternalFailure | AwsError::ServiceUnavailable => "Receiver",
            _ => "Sender",
        }
    }

    pub fn message(&self) -> String {
        use AwsError::*;
        match self {
            MissingAuthenticationToken => "Request is missing Authentication Token".into(),
            InvalidClientTokenId => "The security token included in the request is invalid.".into(),
            ExpiredToken => "The security token included in the request is expired".into(),
            RequestEntityTooLarge => "Request body must be at most 1048576 bytes".into(),
            Throttling => "Rate exceeded".into(),
            ServiceUnavailable => "Service is unavailable. Please try again later.".into(),
            InternalFailure => {
                "The request processing has failed because of an unknown error, exception or failure."
                    .into()
            }
            IncompleteSignature(m)
            | SignatureDoesNotMatch(m)
            | AccessDenied(m)
            | InvalidAction(m)
            | MissingParameter(m)
            | InvalidParameterValue(m)
            | InvalidParameterCombination(m)
            | Validation(m)
            | ReplicationGroupNotFound(m)
            | InvalidReplicationGroupState(m)
            | GlobalReplicationGroupAlreadyExists(m)
            | GlobalReplicationGroupNotFound(m)
            | InvalidGlobalReplicationGroupState(m)
            | NodeGroupNotFound(m)
            | TestFailoverNotAvailable(m)
            | ApiCallRateForCustomerExceeded(m)
            | GlobalClusterNotFound(m)
            | InvalidGlobalClusterState(m)
            | DbClusterNotFound(m)
            | ClusterNotFound(m)
            | ShardNotFound(m)
            | InvalidClusterState(m)
            | MultiRegionClusterNotFound(m)
            | InvalidIdentityToken(m)
            | ExpiredWebIdentityToken(m)
            | StsValidation(m) => m.clone(),
        }
    }
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.query_code(), self.message())
    }
}

impl std::error::Error for AwsError {}
