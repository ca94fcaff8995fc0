//! SigV4 signing (AWS4-HMAC-SHA256 in headers), written here rather than with `aws-sigv4`:
//! pure (time passed in), no I/O. It does what `aws-sigv4`'s default settings did, which is
//! what botocore does for these services (tests/sigv4_vectors.rs checks 11 botocore cases
//! byte for byte): the URI path normalised and percent-encoded twice, query parameters
//! sorted, header values trimmed with runs of spaces collapsed, `host`, `x-amz-date` and
//! `x-amz-security-token` signed, no `x-amz-content-sha256` header. `aws-sigv4` with the
//! `http` crate and the smithy types it needs was about 70 KB of the console's wasm before
//! wasm-opt; this file is a few KB.
//!
//! The canonical host comes from the signing URL: the request's own URL when a custom endpoint
//! is signed as itself (browsers forbid setting `Host`, so the host the browser sends,
//! `host[:port]`, is what must be signed), or the AWS host when a relay forwards the request.

use super::credentials::Credentials;
use super::error::AwsError;
use super::percent;
use super::transport::HttpRequest;
use crate::model::Timestamp;
use std::time::{SystemTime, UNIX_EPOCH};

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

/// Headers SigV4 never signs (`aws-sigv4`'s defaults): set or changed on the way.
const EXCLUDED: [&str; 4] = [
    "authorization",
    "user-agent",
    "x-amzn-trace-id",
    "transfer-encoding",
];

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
    let millis = time
        .duration_since(UNIX_EPOCH)
        .map_err(|_| AwsError::config("cannot sign: the clock is before 1970"))?
        .as_millis();
    // `20240501T120000Z` from `2024-05-01T12:00:00.000Z`.
    let mut amz_date = String::with_capacity(16);
    for c in Timestamp(millis as i64).to_iso8601()[..19].chars() {
        if c != '-' && c != ':' {
            amz_date.push(c);
        }
    }
    amz_date.push('Z');
    let date = &amz_date[..8];
    let token = credentials.session_token.as_deref();

    // Canonical headers: names lower-cased, values of one name joined with `,`, sorted by
    // name; `x-amz-date` and the token replace any the request had.
    let mut headers: Vec<(String, String)> = Vec::new();
    for (name, value) in &req.headers {
        let replaced = name.eq_ignore_ascii_case("x-amz-date")
            || (token.is_some() && name.eq_ignore_ascii_case("x-amz-security-token"));
        if !replaced {
            add_canonical(&mut headers, name, value);
        }
    }
    add_canonical(&mut headers, "host", &host);
    add_canonical(&mut headers, "x-amz-date", &amz_date);
    if let Some(token) = token {
        add_canonical(&mut headers, "x-amz-security-token", token);
    }
    headers.sort_unstable();
    let mut signed_headers = String::new();
    for (name, _) in &headers {
        if !signed_headers.is_empty() {
            signed_headers.push(';');
        }
        signed_headers.push_str(name);
    }

    let (path, query) = path_and_query(scope.signing_url);
    let mut canonical = String::from(req.method);
    canonical.push('\n');
    canonical.push_str(&percent::encode(&normalize_path(path), true));
    canonical.push('\n');
    canonical.push_str(&canonical_query(query));
    canonical.push('\n');
    for (name, value) in &headers {
        canonical.push_str(name);
        canonical.push(':');
        canonical.push_str(value);
        canonical.push('\n');
    }
    canonical.push('\n');
    canonical.push_str(&signed_headers);
    canonical.push('\n');
    canonical.push_str(&hex(&sha256(&req.body)));

    let credential_scope = format!("{date}/{}/{}/aws4_request", scope.region, scope.name);
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{credential_scope}\n{}",
        hex(&sha256(canonical.as_bytes()))
    );
    let mut key = hmac_sha256(
        format!("AWS4{}", credentials.secret_access_key).as_bytes(),
        date.as_bytes(),
    );
    for part in [scope.region, scope.name, "aws4_request"] {
        key = hmac_sha256(&key, part.as_bytes());
    }
    let signature = hex(&hmac_sha256(&key, string_to_sign.as_bytes()));
    let authorization = format!(
        "AWS4-HMAC-SHA256 Credential={}/{credential_scope}, SignedHeaders={signed_headers}, Signature={signature}",
        credentials.access_key_id
    );

    let mut add = |name: &str, value: String| {
        req.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        req.headers.push((name.to_string(), value));
    };
    add("X-Amz-Date", amz_date.clone());
    add("Authorization", authorization);
    if let Some(token) = token {
        add("X-Amz-Security-Token", token.to_string());
    }
    Ok(())
}

/// Adds one header to the canonical list: name lower-cased, value trimmed, joined with `,`
/// to an earlier value of the same name; the headers SigV4 never signs are left out.
fn add_canonical(headers: &mut Vec<(String, String)>, name: &str, value: &str) {
    let name = name.to_ascii_lowercase();
    if EXCLUDED.contains(&name.as_str()) {
        return;
    }
    let value = trim_all(value);
    match headers.iter_mut().find(|(k, _)| *k == name) {
        Some((_, values)) => {
            values.push(',');
            values.push_str(&value);
        }
        None => headers.push((name, value)),
    }
}

/// Leading and trailing spaces removed, runs of spaces made one (spaces only, as `aws-sigv4`).
fn trim_all(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.trim_matches(' ').chars() {
        if !(c == ' ' && out.ends_with(' ')) {
            out.push(c);
        }
    }
    out
}

/// The path (`/` when empty) and the query of an absolute URL.
fn path_and_query(url: &str) -> (&str, &str) {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.split('#').next().unwrap_or_default();
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    (rest.find('/').map_or("", |i| &rest[i..]), query)
}

/// RFC 3986 5.2.4: `.` and `..` segments and empty segments removed; absolute; a trailing `/`
/// kept.
fn normalize_path(path: &str) -> String {
    if path.is_empty() {
        return "/".into();
    }
    if !(path.contains('.') || path.contains("//")) {
        return if path.starts_with('/') {
            path.to_string()
        } else {
            format!("/{path}")
        };
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let mut out = format!("/{}", segments.join("/"));
    let ends_with_slash = ["/", "/.", "/.."].iter().any(|end| path.ends_with(end));
    if ends_with_slash && !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// Query parameters form-decoded, re-encoded (unreserved characters only), sorted.
fn canonical_query(query: &str) -> String {
    // Everything but the unreserved characters (`A-Z a-z 0-9 - . _ ~`) is encoded.
    let decode = |s: &str| percent::decode(&s.replace('+', " "));
    let mut params: Vec<(String, String)> = Vec::new();
    for p in query.split('&') {
        if p.is_empty() {
            continue;
        }
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        params.push((
            percent::encode(&decode(k), false),
            percent::encode(&decode(v), false),
        ));
    }
    params.sort_unstable();
    let mut out = String::new();
    for (k, v) in &params {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// SHA-256 (FIPS 180-4), one small loop: signing hashes a few hundred bytes per request.
struct Sha256 {
    state: [u32; 8],
    block: [u8; 64],
    len: u64,
}

impl Sha256 {
    fn new() -> Self {
        Sha256 {
            state: [
                0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
                0x5be0cd19,
            ],
            block: [0; 64],
            len: 0,
        }
    }

    fn update(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            let used = (self.len % 64) as usize;
            let take = (64 - used).min(data.len());
            self.block[used..used + take].copy_from_slice(&data[..take]);
            self.len += take as u64;
            data = &data[take..];
            if used + take == 64 {
                self.compress();
            }
        }
    }

    fn compress(&mut self) {
        let mut w = [0u32; 64];
        for (i, word) in self.block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let mut h = self.state;
        for (k, w) in K.iter().zip(w) {
            let [a, b, c, d, e, f, g, hh] = h;
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(*k)
                .wrapping_add(w);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let t2 = s0.wrapping_add((a & b) ^ (a & c) ^ (b & c));
            h = [t1.wrapping_add(t2), a, b, c, d.wrapping_add(t1), e, f, g];
        }
        for (s, v) in self.state.iter_mut().zip(h) {
            *s = s.wrapping_add(v);
        }
    }

    fn finish(mut self) -> [u8; 32] {
        let bits = self.len.wrapping_mul(8);
        self.update(&[0x80]);
        while self.len % 64 != 56 {
            self.update(&[0]);
        }
        self.update(&bits.to_be_bytes());
        let mut out = [0u8; 32];
        for (bytes, word) in out.chunks_exact_mut(4).zip(self.state) {
            bytes.copy_from_slice(&word.to_be_bytes());
        }
        out
    }
}

pub fn sha256(data: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(data);
    h.finish()
}

/// HMAC-SHA256 (RFC 2104).
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&sha256(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(&k.map(|b| b ^ 0x36));
    inner.update(message);
    let mut outer = Sha256::new();
    outer.update(&k.map(|b| b ^ 0x5c));
    outer.update(&inner.finish());
    outer.finish()
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
    fn sha256_matches_fips_180_vectors() {
        assert_eq!(
            hex(&sha256(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hex(&sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(&sha256(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            )),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        let mut h = Sha256::new();
        for _ in 0..1000 {
            h.update(&[b'a'; 1000]);
        }
        assert_eq!(
            hex(&h.finish()),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        );
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        assert_eq!(
            hex(&hmac_sha256(&[0x0b; 20], b"Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        assert_eq!(
            hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // A key longer than the block is hashed first.
        assert_eq!(
            hex(&hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn paths_and_queries_are_canonical() {
        assert_eq!(normalize_path(""), "/");
        assert_eq!(normalize_path("/a/./b/../c//d/"), "/a/c/d/");
        assert_eq!(normalize_path("/a/b/.."), "/a/");
        assert_eq!(normalize_path("/../a"), "/a");
        assert_eq!(
            path_and_query("https://h:1/x y?b=2&a=1#f"),
            ("/x y", "b=2&a=1")
        );
        assert_eq!(path_and_query("https://h"), ("", ""));
        assert_eq!(
            percent::encode(&normalize_path("/aws/a b%2F"), true),
            "/aws/a%20b%252F"
        );
        assert_eq!(canonical_query("b=2&a=x+y&a=%41"), "a=A&a=x%20y&b=2");
        assert_eq!(trim_all("  a   b c "), "a b c");
    }

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
