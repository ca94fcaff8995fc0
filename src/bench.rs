//! A micro-benchmark the page can call: `window.wasmBindings.bench_sign(n)` signs a typical
//! DescribeReplicationGroups request `n` times with the console's signer (aws-sigv4) and returns the
//! milliseconds it took. `e2e/bench/signing-bench.mjs` runs it beside `aws4fetch` in the same
//! Chromium; the figure is printed there, never asserted. Browser-only, like the product.
#![cfg(target_arch = "wasm32")]

use crate::aws::protocol::query;
use crate::aws::services::elasticache::requests;
use crate::aws::signing::{self, SigningScope};
use crate::aws::{Credentials, HttpRequest};
use std::time::{Duration, UNIX_EPOCH};
use wasm_bindgen::prelude::*;

/// Signs `iterations` requests; returns the elapsed milliseconds (NaN if signing failed, so
/// a broken signer can never pass for a fast one).
#[wasm_bindgen]
pub fn bench_sign(iterations: u32) -> f64 {
    // Fixed, made-up temporary credentials: the bench must not depend on a session.
    let credentials = Credentials::new(
        "AKIABENCHMARK0000001",
        "bench-secret-access-key-not-for-aws-00000",
        Some("bench-session-token".repeat(20)),
    );
    let url = "https://elasticache.us-east-1.amazonaws.com/";
    let scope = SigningScope {
        name: "elasticache",
        region: "us-east-1",
        signing_url: url,
    };
    let body = requests::describe_replication_groups(None, None).encode();
    let clock = web_sys::window().and_then(|w| w.performance());
    let now = || clock.as_ref().map_or_else(js_sys::Date::now, |p| p.now());
    let start = now();
    for i in 0..iterations {
        let mut req = HttpRequest {
            method: "POST",
            url: url.to_string(),
            headers: vec![("Content-Type".to_string(), query::CONTENT_TYPE.to_string())],
            body: body.clone(),
        };
        // A different second each time, as real calls have: nothing can be reused between them.
        let time = UNIX_EPOCH + Duration::from_secs(1_700_000_000 + u64::from(i));
        if signing::sign(&mut req, &credentials, &scope, time).is_err() {
            return f64::NAN;
        }
    }
    now() - start
}
