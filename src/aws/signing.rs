//! SigV4 signing (AWS4-HMAC-SHA256 in headers) with the `aws-sigv4` crate: pure, the time
//! passed in (the console's one clock, with its skew correction: `SystemTime::now()` panics
//! on wasm32), no I/O.
//!
//! The canonical host comes from the signing URL: the request's own URL when a custom endpoint
//! is signed as itself (browsers forbid setting `Host`, so the host the browser sends,
//! `host[:port]`, is what must be signed), or the AWS host when a relay forwards the request.
//! The signed headers are those botocore signs for these services: every header the client
//! set, `host`, `x-amz-date` and `x-amz-security-token`; no `x-amz-content-sha256`
//! (tests/sigv4_vectors.rs compares with botocore byte for byte).

use super::credentials::Credentials;
use super::error::AwsError;
use super::transport::HttpRequest;
use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{self, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use std::time::SystemTime;

/// Who the signature is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigningScope<'a> {
    /// SigV4 service name: `elasticache`, `rds`, `memorydb`.
    pub name: &'a str,
    pub region: &'a str,
    /// Absolute URL whose host (and path) the signature covers. Equal to the request's URL
    /// unless the request goes to a relay signed for the AWS host.
    pub signing_url: &'a str,
}

/// Adds `X-Amz-Date`, `X-Amz-Security-Token` (temporary credentials) and `Authorization` to
/// `req`. Every header already in `req` is signed (none of them is one SigV4 excludes), plus
/// `host`, which is signed but never added: the browser sets it.
pub fn sign(
    req: &mut HttpRequest,
    credentials: &Credentials,
    scope: &SigningScope<'_>,
    time: SystemTime,
) -> Result<(), AwsError> {
    let host = host_of(scope.signing_url).ok_or_else(|| {
        AwsError::config(format!(
            "cannot sign for \"{}\": no host",
            scope.signing_url
        ))
    })?;
    let identity: Identity = AwsCredentials::new(
        &credentials.access_key_id,
        &credentials.secret_access_key,
        credentials.session_token.clone(),
        None,
        "failover-console",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(scope.region)
        .name(scope.name)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| AwsError::config(format!("cannot sign: {e}")))?
        .into();
    // A header the signer writes replaces one of the same name the request had.
    let replaced = |name: &str| {
        name.eq_ignore_ascii_case("x-amz-date")
            || name.eq_ignore_ascii_case("authorization")
            || (credentials.session_token.is_some()
                && name.eq_ignore_ascii_case("x-amz-security-token"))
    };
    req.headers.retain(|(name, _)| !replaced(name));
    let headers = req
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .chain(std::iter::once(("host", host.as_str())));
    let signable = SignableRequest::new(
        req.method,
        scope.signing_url,
        headers,
        SignableBody::Bytes(&req.body),
    )
    .map_err(|e| AwsError::config(format!("cannot sign the request: {e}")))?;
    let (instructions, _signature) = http_request::sign(signable, &params)
        .map_err(|e| AwsError::config(format!("cannot sign the request: {e}")))?
        .into_parts();
    let (new_headers, _query) = instructions.into_parts();
    for header in new_headers {
        // Spelled as botocore and the AWS documentation spell them.
        let name = match header.name() {
            "x-amz-date" => "X-Amz-Date",
            "x-amz-security-token" => "X-Amz-Security-Token",
            "authorization" => "Authorization",
            other => other,
        };
        req.headers
            .push((name.to_string(), header.value().to_string()));
    }
    Ok(())
}

/// `host[:port]` as the browser sends it: the default port (80 for http, 443 for https) is
/// left out, any other kept.
pub fn host_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() {
        return None;
    }
    let default_port = match scheme {
        "http" => ":80",
        "https" => ":443",
        _ => "",
    };
    let host = if !default_port.is_empty() && authority.ends_with(default_port) {
        &authority[..authority.len() - default_port.len()]
    } else {
        authority
    };
    Some(host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_keeps_custom_ports_only() {
        assert_eq!(
            host_of("http://127.0.0.1:4566/").as_deref(),
            Some("127.0.0.1:4566")
        );
        assert_eq!(
            host_of("https://rds.us-east-1.amazonaws.com:443/").as_deref(),
            Some("rds.us-east-1.amazonaws.com")
        );
        assert_eq!(host_of("http://localhost:80").as_deref(), Some("localhost"));
        assert_eq!(host_of("nope"), None);
    }
}
