//! `FetchTransport` (wasm32 only): requests through the browser's `fetch`, with a timeout
//! enforced by an `AbortController`.

use super::transport::{HttpRequest, HttpResponse, LocalBoxFuture, Transport, TransportError};
use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, Request, RequestInit, RequestMode, Response};

/// Sends with `window.fetch`. Only CORS-exposed response headers are visible; AWS and the
/// emulator expose `Date`, `x-amzn-RequestId` and `x-amzn-ErrorType`.
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

fn describe(err: &wasm_bindgen::JsValue) -> String {
    err.as_string()
        .or_else(|| {
            err.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| "fetch failed".to_string())
}

async fn send(req: HttpRequest, timeout_ms: u32) -> Result<HttpResponse, TransportError> {
    let net = |e: wasm_bindgen::JsValue| TransportError::network(describe(&e));
    let window = web_sys::window().ok_or_else(|| TransportError::network("no window"))?;
    let headers = Headers::new().map_err(net)?;
    for (name, value) in &req.headers {
        headers.append(name, value).map_err(net)?;
    }
    let controller = AbortController::new().map_err(net)?;
    let signal = controller.signal();
    let init = RequestInit::new();
    init.set_method(req.method);
    init.set_mode(RequestMode::Cors);
    init.set_headers(&headers);
    init.set_signal(Some(&signal));
    if !req.body.is_empty() {
        init.set_body(&Uint8Array::from(req.body.as_slice()).into());
    }
    let request = Request::new_with_str_and_init(&req.url, &init).map_err(net)?;
    // Dropping the timer cancels it, so it lives exactly as long as this request.
    let abort_on_timeout = {
        let controller = controller.clone();
        gloo_timers::callback::Timeout::new(timeout_ms, move || controller.abort())
    };
    let failed = |e: wasm_bindgen::JsValue| {
        if signal.aborted() {
            TransportError::timeout(timeout_ms)
        } else {
            // A TypeError: offline, DNS, refused connection or CORS; the page cannot tell.
            TransportError::network(describe(&e))
        }
    };
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(failed)?
        .dyn_into()
        .map_err(net)?;
    let mut out_headers = Vec::new();
    for entry in response.headers().entries() {
        let pair: Array = entry.map_err(net)?.unchecked_into();
        if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
            out_headers.push((k, v));
        }
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(net)?)
        .await
        .map_err(failed)?;
    drop(abort_on_timeout);
    Ok(HttpResponse {
        status: response.status(),
        headers: out_headers,
        body: Uint8Array::new(&buffer).to_vec(),
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
