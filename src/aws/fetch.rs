//! `FetchTransport` (wasm32 only): requests through `gloo-net` (the browser's `fetch`), with a
//! timeout and cancellation through an `AbortController`.

use super::transport::{HttpRequest, HttpResponse, LocalBoxFuture, Transport, TransportError};
use gloo_net::http::{Method, RequestBuilder};
use std::cell::Cell;
use std::rc::Rc;
use web_sys::{AbortController, RequestMode};

/// Sends with `fetch`. Only CORS-exposed response headers are visible; AWS and the emulator
/// expose `Date`, `x-amzn-RequestId` and `x-amzn-ErrorType`.
#[derive(Clone, Debug)]
pub struct FetchTransport {
    timeout_ms: u32,
}

impl Default for FetchTransport {
    fn default() -> Self {
        FetchTransport { timeout_ms: 30_000 }
    }
}

impl FetchTransport {
    pub fn new(timeout_ms: u32) -> Self {
        FetchTransport { timeout_ms }
    }
}

/// Aborts the request when dropped: a poll that is cancelled (its future dropped, e.g. when
/// the page that started it goes away) stops its request in the browser too, instead of
/// leaving it to finish unread. Aborting a request that has already finished does nothing.
struct AbortOnDrop(AbortController);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn send(req: HttpRequest, timeout_ms: u32) -> Result<HttpResponse, TransportError> {
    let controller = AbortController::new()
        .map_err(|_| TransportError::network("the browser cannot make an AbortController"))?;
    let signal = controller.signal();
    let timed_out = Rc::new(Cell::new(false));
    // Dropping the timer cancels it, so it lives exactly as long as this request.
    let _abort_on_timeout = {
        let controller = controller.clone();
        let timed_out = timed_out.clone();
        gloo_timers::callback::Timeout::new(timeout_ms, move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    let _abort_on_drop = AbortOnDrop(controller);
    let failed = |e: gloo_net::Error| {
        if timed_out.get() {
            TransportError::timeout(timeout_ms)
        } else {
            // A TypeError: offline, DNS, refused connection or CORS; the page cannot tell.
            TransportError::network(e.to_string())
        }
    };

    let method = Method::from_bytes(req.method.as_bytes())
        .map_err(|_| TransportError::network(format!("no HTTP method {:?}", req.method)))?;
    let mut builder = RequestBuilder::new(&req.url)
        .method(method)
        .mode(RequestMode::Cors)
        .abort_signal(Some(&signal));
    for (name, value) in &req.headers {
        builder = builder.header(name, value);
    }
    let request = if req.body.is_empty() {
        builder.build()
    } else {
        builder.body(js_sys::Uint8Array::from(req.body.as_slice()))
    }
    .map_err(|e| TransportError::network(e.to_string()))?;
    let response = request.send().await.map_err(failed)?;
    let body = response.binary().await.map_err(failed)?;
    Ok(HttpResponse {
        status: response.status(),
        headers: response.headers().entries().collect(),
        body,
    })
}

impl Transport for FetchTransport {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(send(req, self.timeout_ms))
    }

    fn sleep(&self, ms: u32) -> LocalBoxFuture<'_, ()> {
        Box::pin(gloo_timers::future::TimeoutFuture::new(ms))
    }
}
