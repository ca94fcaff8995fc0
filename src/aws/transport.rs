//! The one seam between the client and the network: a request/response pair and a trait.
//!
//! The product uses [`super::FetchTransport`] (wasm32 only); native tests use
//! [`super::testing::ScriptedTransport`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// A future that need not be `Send`: the browser is single-threaded.
pub type LocalBoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// A signed request ready to go out. `url` is always absolute.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

// Hand-written so a logged request never shows the signature's session token.
impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                let secret = k.eq_ignore_ascii_case("x-amz-security-token");
                (
                    k.as_str(),
                    if secret { "** redacted **" } else { v.as_str() },
                )
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

/// What came back, whatever the status.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Why no response arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransportError {
    kind: TransportErrorKind,
    detail: String,
}

/// The two faults a browser can tell apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TransportErrorKind {
    /// `fetch` rejected: the network is down, the host is unknown, or the browser refused the
    /// response under CORS. A page cannot tell these apart (all are a bare `TypeError`).
    Network,
    /// No answer within the request timeout; the request was aborted.
    Timeout,
}

/// `2.5` for 2,500 ms, `10` for 10,000: seconds without trailing zeros.
fn seconds_text(ms: u32) -> String {
    let (whole, frac) = (ms / 1000, ms % 1000);
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{:03}", frac)
            .trim_end_matches('0')
            .to_string()
    }
}

impl TransportError {
    pub fn network(detail: impl Into<String>) -> Self {
        TransportError {
            kind: TransportErrorKind::Network,
            detail: detail.into(),
        }
    }

    pub fn timeout(after_ms: u32) -> Self {
        TransportError {
            kind: TransportErrorKind::Timeout,
            detail: format!("no response within {} s", seconds_text(after_ms)),
        }
    }

    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            TransportErrorKind::Network => {
                write!(f, "network error or CORS refusal ({})", self.detail)
            }
            TransportErrorKind::Timeout => write!(f, "timed out ({})", self.detail),
        }
    }
}

impl std::error::Error for TransportError {}

/// Sends requests and waits. Single-threaded (wasm): futures need not be `Send`.
pub trait Transport {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>>;
    /// Waits `ms` milliseconds, for retry backoff.
    fn sleep(&self, ms: u32) -> LocalBoxFuture<'_, ()>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_say_seconds_as_a_person_writes_them() {
        for (ms, text) in [
            (10_000, "10"),
            (2_500, "2.5"),
            (1_250, "1.25"),
            (5, "0.005"),
            (0, "0"),
        ] {
            assert_eq!(seconds_text(ms), text);
            assert_eq!(
                TransportError::timeout(ms).detail,
                format!("no response within {text} s")
            );
        }
    }
}
