//! SigV4 (`AWS4-HMAC-SHA256`, header form) verification: pure functions over a request's parts,
//! the configured credentials and an injected instant.

use crate::error::AwsError;
use crate::models::Millis;
use crate::timefmt;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::fmt;

/// How far the request's date may be from ours, as AWS allows.
const MAX_SKEW_MS: Millis = 5 * 60 * 1000;

/// One configured access key.
#[derive(Clone)]
pub struct Credential {
    pub access_key_id: String,
    pub secret_access_key: String,
    /// When set, requests must carry exactly this `X-Amz-Security-Token`, signed.
    pub session_token: Option<String>,
}

impl fmt::Debug for Credential {
    // Never print secrets, even in debug output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("access_key_id", &self.access_key_id)
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .finish_non_exhaustive()
    }
}

/// The parts of an HTTP request that the signature covers. Header names are lower case.
pub struct RequestParts<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

impl RequestParts<'_> {
    fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.header_values(name).first().copied()
    }
}

/// The credential scope of a request, known before the signature is checked (for routing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub access_key_id: String,
    pub date: String,
    pub region: String,
    pub service: String,
}

/// The parsed `Authorization` header.
#[derive(Debug, Clone)]
pub struct Authorization {
    pub scope: Scope,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

/// Parses `AWS4-HMAC-SHA256 Credential=AK/20240101/us-east-1/elasticache/aws4_request,
/// SignedHeaders=host;x-amz-date, Signature=hex`.
pub fn parse_authorization(value: Option<&str>) -> Result<Authorization, AwsError> {
    let value = value.ok_or(AwsError::MissingAuthenticationToken)?;
    let rest = value.strip_prefix("AWS4-HMAC-SHA256").ok_or_else(|| {
        AwsError::IncompleteSignature(format!(
            "Unsupported AWS 'algorithm': '{}'. Only AWS4-HMAC-SHA256 is supported.",
            value.split_whitespace().next().unwrap_or("")
        ))
    })?;
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim();
        if let Some(v) = part.strip_prefix("Credential=") {
            credential = Some(v);
        } else if let Some(v) = part.strip_prefix("SignedHeaders=") {
            signed = Some(v);
        } else if let Some(v) = part.strip_prefix("Signature=") {
            signature = Some(v);
        }
    }
    let mut missing = Vec::new();
    for (name, v) in [
        ("Credential", credential),
        ("Signature", signature),
        ("SignedHeaders", signed),
    ] {
        if v.is_none_or(str::is_empty) {
            missing.push(format!("Authorization header requires '{name}' parameter."));
        }
    }
    if !missing.is_empty() {
        // The header itself is not echoed: it would put the signature in error logs.
        return Err(AwsError::IncompleteSignature(missing.join(" ")));
    }
    let credential = credential.unwrap_or_default();
    let fields: Vec<&str> = credential.split('/').collect();
    if fields.len() != 5 || fields[4] != "aws4_request" || fields.iter().any(|f| f.is_empty()) {
        return Err(AwsError::IncompleteSignature(format!(
            "Credential should be scoped to a valid region, service and date: \
             'Credential={}/...' is malformed.",
            fields.first().copied().unwrap_or("")
        )));
    }
    Ok(Authorization {
        scope: Scope {
            access_key_id: fields[0].to_string(),
            date: fields[1].to_string(),
            region: fields[2].to_string(),
            service: fields[3].to_string(),
        },
        signed_headers: signed
            .unwrap_or_default()
            .split(';')
            .map(str::to_ascii_lowercase)
            .collect(),
        signature: signature.unwrap_or_default().to_ascii_lowercase(),
    })
}

/// What the verifier needs to know about credentials.
pub trait CredentialStore {
    fn lookup(&self, access_key_id: &str) -> Option<&Credential>;
    fn is_expired(&self, access_key_id: &str) -> bool;
}

/// Verifies the request's signature at instant `now`; returns the credential scope.
pub fn verify(
    req: &RequestParts<'_>,
    store: &dyn CredentialStore,
    now: Millis,
) -> Result<Scope, AwsError> {
    let auth = parse_authorization(req.header("authorization"))?;
    let amz_date = req
        .header("x-amz-date")
        .map(str::to_string)
        .or_else(|| req.header("date").map(str::to_string))
        .ok_or_else(|| {
            AwsError::IncompleteSignature(
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
                    .into(),
            )
        })?;
    if !auth.signed_headers.iter().any(|h| h == "host") {
        return Err(AwsError::IncompleteSignature(
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.".into(),
        ));
    }
    let request_time = timefmt::parse_amz(&amz_date).ok_or_else(|| {
        AwsError::IncompleteSignature(format!(
            "Date must be in ISO-8601 'basic format'. Got '{amz_date}'. See http://en.wikipedia.org/wiki/ISO_8601"
        ))
    })?;
    let cred = store
        .lookup(&auth.scope.access_key_id)
        .ok_or(AwsError::InvalidClientTokenId)?;
    if let Some(token) = &cred.session_token {
        let sent = req.header("x-amz-security-token");
        if sent != Some(token.as_str()) {
            return Err(AwsError::InvalidClientTokenId);
        }
        if !auth
            .signed_headers
            .iter()
            .any(|h| h == "x-amz-security-token")
        {
            return Err(AwsError::IncompleteSignature(
                "'X-Amz-Security-Token' must be a 'SignedHeader' in the AWS Authorization.".into(),
            ));
        }
    }
    if auth.scope.date != amz_date[..8] {
        return Err(AwsError::SignatureDoesNotMatch(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{}', from '{amz_date}'.",
            auth.scope.date,
            &amz_date[..8]
        )));
    }
    // One port serves every region here, so the scope says which region is meant (its shape
    // is checked in aws.rs). When the host is an AWS endpoint (a relay forwarding requests
    // signed for elasticache.<region>.amazonaws.com unchanged), the scope must name its region.
    if let Some(host_region) = req.header("host").and_then(region_of_aws_host) {
        if host_region != auth.scope.region {
            return Err(AwsError::SignatureDoesNotMatch(format!(
                "Credential should be scoped to a valid region, not '{}'.",
                auth.scope.region
            )));
        }
    }
    let expected = signature(req, &auth, &amz_date, &cred.secret_access_key)?;
    if !constant_time_eq(expected.as_bytes(), auth.signature.as_bytes()) {
        return Err(AwsError::SignatureDoesNotMatch(
            "The request signature we calculated does not match the signature you provided. \
             Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
                .into(),
        ));
    }
    if request_time < now - MAX_SKEW_MS {
        return Err(AwsError::SignatureDoesNotMatch(format!(
            "Signature expired: {amz_date} is now earlier than {} ({} - 5 min.)",
            timefmt::amz(now - MAX_SKEW_MS),
            timefmt::amz(now)
        )));
    }
    if request_time > now + MAX_SKEW_MS {
        return Err(AwsError::SignatureDoesNotMatch(format!(
            "Signature not yet current: {amz_date} is still later than {} ({} + 5 min.)",
            timefmt::amz(now + MAX_SKEW_MS),
            timefmt::amz(now)
        )));
    }
    // Checked last: an expired token is only reported for an otherwise valid request.
    if store.is_expired(&auth.scope.access_key_id) {
        return Err(AwsError::ExpiredToken);
    }
    Ok(auth.scope)
}

/// The region of an AWS endpoint host (`elasticache.us-east-1.amazonaws.com[:443]`), if it is one.
pub(crate) fn region_of_aws_host(host: &str) -> Option<&str> {
    let name = host.rsplit_once(':').map_or(host, |(name, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) {
            name
        } else {
            host
        }
    });
    let labels: Vec<&str> = name.split('.').collect();
    match labels.as_slice() {
        [_, region, "amazonaws", "com"] | [_, region, "amazonaws", "com", "cn"] => Some(region),
        _ => None,
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// RFC 3986 encoding as SigV4 wants it: unreserved characters kept, everything else `%XX`.
fn uri_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The canonical query string: decoded pairs re-encoded, sorted by name then value.
fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                uri_encode(&percent_decode(k), false),
                uri_encode(&percent_decode(v), false),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The canonical request of SigV4 (non-S3 rules: the path is encoded once more).
pub fn canonical_request(
    req: &RequestParts<'_>,
    signed_headers: &[String],
) -> Result<String, AwsError> {
    let path = if req.path.is_empty() { "/" } else { req.path };
    let mut headers = String::new();
    for name in signed_headers {
        let values: Vec<String> = req
            .header_values(name)
            .iter()
            .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        headers.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    let payload_hash = match req.header("x-amz-content-sha256") {
        Some(h) => {
            let actual = sha256_hex(req.body);
            if h != "UNSIGNED-PAYLOAD" && !h.eq_ignore_ascii_case(&actual) {
                return Err(AwsError::SignatureDoesNotMatch(
                    "The provided 'x-amz-content-sha256' header does not match what was computed."
                        .into(),
                ));
            }
            h.to_string()
        }
        None => sha256_hex(req.body),
    };
    Ok(format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        req.method,
        uri_encode(path, true),
        canonical_query(req.query),
        headers,
        signed_headers.join(";"),
        payload_hash
    ))
}

/// The signature the caller should have sent, hex-encoded.
fn signature(
    req: &RequestParts<'_>,
    auth: &Authorization,
    amz_date: &str,
    secret: &str,
) -> Result<String, AwsError> {
    let canonical = canonical_request(req, &auth.signed_headers)?;
    let s = &auth.scope;
    let scope = format!("{}/{}/{}/aws4_request", s.date, s.region, s.service);
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        sha256_hex(canonical.as_bytes())
    );
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), s.date.as_bytes());
    let k_region = hmac(&k_date, s.region.as_bytes());
    let k_service = hmac(&k_region, s.service.as_bytes());
    let k_signing = hmac(&k_service, b"aws4_request");
    Ok(hex::encode(hmac(&k_signing, string_to_sign.as_bytes())))
}

#[cfg(test)]
#[path = "sigv4_tests.rs"]
mod tests;

/// Signs a request the way an SDK would, for tests of the layers above verification.
#[cfg(test)]
pub fn sign_for_tests(
    req: &RequestParts<'_>,
    scope: &Scope,
    signed_headers: &[&str],
    amz_date: &str,
    secret: &str,
) -> String {
    let auth = Authorization {
        scope: scope.clone(),
        signed_headers: signed_headers.iter().map(|h| (*h).to_string()).collect(),
        signature: String::new(),
    };
    let sig = signature(req, &auth, amz_date, secret).unwrap_or_default();
    format!(
        "AWS4-HMAC-SHA256 Credential={}/{}/{}/{}/aws4_request, SignedHeaders={}, Signature={sig}",
        scope.access_key_id,
        scope.date,
        scope.region,
        scope.service,
        signed_headers.join(";")
    )
}
