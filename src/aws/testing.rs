//! A scripted [`Transport`] for native tests: records every request, replays canned answers,
//! and records backoff pauses instead of waiting.

use super::transport::{HttpRequest, HttpResponse, LocalBoxFuture, Transport, TransportError};
use std::cell::RefCell;
use std::collections::VecDeque;

type Responder = Box<dyn Fn(&HttpRequest) -> Result<HttpResponse, TransportError>>;

/// Answers from a queue, then (when the queue is empty) from an optional responder function.
#[derive(Default)]
pub struct ScriptedTransport {
    queue: RefCell<VecDeque<Result<HttpResponse, TransportError>>>,
    responder: RefCell<Option<Responder>>,
    requests: RefCell<Vec<HttpRequest>>,
    sleeps: RefCell<Vec<u32>>,
}

impl ScriptedTransport {
    pub fn new() -> Self {
        ScriptedTransport::default()
    }

    /// Queues one answer.
    pub fn push(&self, answer: Result<HttpResponse, TransportError>) -> &Self {
        self.queue.borrow_mut().push_back(answer);
        self
    }

    /// Queues an answer with a status, headers and body.
    pub fn push_response(
        &self,
        status: u16,
        headers: &[(&str, &str)],
        body: impl Into<Vec<u8>>,
    ) -> &Self {
        self.push(Ok(HttpResponse {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.into(),
        }))
    }

    /// Answers every request the queue does not cover.
    pub fn set_responder(
        &self,
        f: impl Fn(&HttpRequest) -> Result<HttpResponse, TransportError> + 'static,
    ) {
        *self.responder.borrow_mut() = Some(Box::new(f));
    }

    /// Every request sent, in order.
    pub fn requests(&self) -> Vec<HttpRequest> {
        self.requests.borrow().clone()
    }

    /// Every backoff pause asked for, in milliseconds.
    pub fn sleeps(&self) -> Vec<u32> {
        self.sleeps.borrow().clone()
    }
}

impl Transport for ScriptedTransport {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>> {
        let queued = self.queue.borrow_mut().pop_front();
        let answer = queued.unwrap_or_else(|| match self.responder.borrow().as_ref() {
            Some(f) => f(&req),
            None => Err(TransportError::network(
                "ScriptedTransport: no answer scripted",
            )),
        });
        self.requests.borrow_mut().push(req);
        Box::pin(async move { answer })
    }

    fn sleep(&self, ms: u32) -> LocalBoxFuture<'_, ()> {
        self.sleeps.borrow_mut().push(ms);
        Box::pin(async {})
    }
}
