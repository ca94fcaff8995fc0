//! HTTP plumbing (hyper 1): routing between the AWS APIs, CORS preflights, `/_emulator/*` and
//! static files; one log line per request on stderr.

use crate::app::App;
use crate::aws::{self, Reply, MAX_BODY};
use crate::error::AwsError;
use crate::sigv4::RequestParts;
use crate::{admin, clock, static_files, timefmt};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue};
use hyper::{Request, Response, StatusCode};
use std::sync::Arc;

const EXPOSE_HEADERS: &str = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date";
const DEFAULT_ALLOW_HEADERS: &str = "content-type,content-length,host,x-amz-user-agent,user-agent,authorization,amz-sdk-invocation-id,amz-sdk-request,x-amz-security-token,x-amz-date,x-amz-target,x-amz-content-sha256";

type Body = Full<Bytes>;

fn response(
    status: u16,
    headers: Vec<(&str, String)>,
    body: impl Into<Bytes>,
    now: i64,
) -> Response<Body> {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = r.headers_mut();
    // Every answer carries Date (clients correct clock skew from it) and the CORS basics.
    let mut all = vec![
        ("date", timefmt::http_date(now)),
        ("access-control-allow-origin", "*".to_string()),
        ("access-control-expose-headers", EXPOSE_HEADERS.to_string()),
    ];
    all.extend(headers);
    for (k, v) in all {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            h.insert(name, value);
        }
    }
    r
}

fn json_response(status: u16, v: &serde_json::Value, now: i64) -> Response<Body> {
    response(
        status,
        vec![
            ("content-type", "application/json".into()),
            ("cache-control", "no-store".into()),
        ],
        v.to_string(),
        now,
    )
}

fn aws_response(reply: Reply, now: i64) -> Response<Body> {
    response(reply.status, reply.headers, reply.body, now)
}

fn log(line: &str) {
    eprintln!("{} {line}", timefmt::iso(clock::now_ms()));
}

/// The answer to a call for a region that is down: none. Returned as the service's error,
/// hyper closes the connection without a response, which a browser's fetch reports as a
/// network error, as it does for an AWS endpoint it cannot reach.
#[derive(Debug)]
pub struct RegionDown(String);

/// How long a call to a hanging region is held before its connection is closed.
const HANG_FOR: std::time::Duration = std::time::Duration::from_secs(120);

impl std::fmt::Display for RegionDown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} is down (region-down fault): connection closed unanswered",
            self.0
        )
    }
}

impl std::error::Error for RegionDown {}

/// The region a request is signed for, when its `Authorization` header says.
fn signed_region(headers: &[(String, String)]) -> Option<String> {
    let auth = headers.iter().find(|(k, _)| k == "authorization")?;
    crate::sigv4::parse_authorization(Some(&auth.1))
        .ok()
        .map(|a| a.scope.region)
}

/// Serves one HTTP request.
pub async fn serve(app: Arc<App>, req: Request<Incoming>) -> Result<Response<Body>, RegionDown> {
    let now = clock::now_ms();
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let headers: Vec<(String, String)> = req
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let header = |n: &str| headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());

    if method == "OPTIONS" {
        let methods = if path.starts_with("/_emulator/") {
            "GET,POST"
        } else {
            "POST"
        };
        let allow = header("access-control-request-headers")
            .unwrap_or_else(|| DEFAULT_ALLOW_HEADERS.into());
        let rid = app.request_id();
        log(&format!("OPTIONS {path} 200 (CORS preflight)"));
        return Ok(response(
            200,
            vec![
                ("access-control-allow-methods", methods.into()),
                ("access-control-allow-headers", allow),
                ("access-control-max-age", "172800".into()),
                ("x-amzn-RequestId", rid),
            ],
            Bytes::new(),
            now,
        ));
    }

    let too_big = header("content-length")
        .and_then(|l| l.trim().parse::<usize>().ok())
        .is_some_and(|l| l > MAX_BODY);
    let body = if too_big {
        None
    } else {
        match Limited::new(req.into_body(), MAX_BODY).collect().await {
            Ok(b) => Some(b.to_bytes()),
            Err(_) => None,
        }
    };

    if path == crate::oidc::PATH || path.starts_with(&format!("{}/", crate::oidc::PATH)) {
        let body = body.unwrap_or_default();
        let host = header("host").unwrap_or_else(|| "127.0.0.1:4566".into());
        let answer = app.oidc.handle(&method, &path, &query, &host, &body, now);
        log(&format!("{method} {path} {}", answer.status));
        return Ok(response(answer.status, answer.headers, answer.body, now));
    }

    if path.starts_with("/_emulator/") {
        let body = body.unwrap_or_default();
        let (status, v) =
            admin::handle(&app, &method, &path, header("host").as_deref(), &body, now);
        log(&format!("{method} {path} {status}"));
        return Ok(json_response(status, &v, now));
    }

    if method == "POST" {
        let Some(body) = body else {
            let service = aws::guess_service(&headers);
            let reply = aws::error_reply(
                service,
                &AwsError::RequestEntityTooLarge,
                &app.request_id(),
                &format!("{} - - refused:", service.signing_name()),
            );
            log(&reply.log);
            return Ok(aws_response(reply, now));
        };
        let parts = RequestParts {
            method: "POST",
            path: &path,
            query: &query,
            headers: &headers,
            body: &body,
        };
        if let Some(region) = signed_region(&headers)
            .filter(|r| crate::app::lock(&app.world).regions_down.contains(r))
        {
            let hang = crate::app::lock(&app.world).regions_hang.contains(&region);
            if hang {
                // Held open unanswered: the client's own timeout ends it (the connection is
                // closed after two minutes, so nothing waits for ever).
                log(&format!(
                    "POST / {region} held unanswered (region-hang fault)"
                ));
                tokio::time::sleep(HANG_FOR).await;
            } else {
                log(&format!("POST / {region} dropped (region-down fault)"));
            }
            return Err(RegionDown(region));
        }
        let reply = aws::handle(&app, &parts, now);
        log(&reply.log);
        if reply.delayed {
            tokio::time::sleep(app.faults.latency).await;
        }
        return Ok(aws_response(reply, clock::now_ms()));
    }

    if method == "GET" || method == "HEAD" {
        if let Some(root) = &app.serve {
            if let Some(file) = static_files::resolve(root, &path) {
                let copy = static_files::precompressed(&file, header("accept-encoding").as_deref());
                let mut head = vec![
                    ("content-type", static_files::content_type(&file).into()),
                    ("cache-control", "no-cache".into()),
                    ("vary", "accept-encoding".into()),
                ];
                if let Some((_, encoding)) = &copy {
                    head.push(("content-encoding", encoding.as_str().into()));
                }
                let source = copy.as_ref().map_or(&file, |(path, _)| path);
                return Ok(match std::fs::read(source) {
                    Ok(bytes) => {
                        let how = copy.map_or(String::new(), |(_, e)| format!(" ({})", e.as_str()));
                        log(&format!("{method} {path} 200{how}"));
                        response(200, head, bytes, now)
                    }
                    Err(_) => json_response(404, &serde_json::json!({"error": "not found"}), now),
                });
            }
        } else if path == "/" {
            return Ok(response(
                200,
                vec![("content-type", "text/plain; charset=utf-8".into())],
                "failover-emulator is running. AWS APIs: POST /. See /_emulator/health.\n",
                now,
            ));
        }
        log(&format!("{method} {path} 404"));
        return Ok(json_response(
            404,
            &serde_json::json!({"error": format!("not found: {path}")}),
            now,
        ));
    }

    log(&format!("{method} {path} 405"));
    Ok(json_response(
        405,
        &serde_json::json!({"error": "method not allowed"}),
        now,
    ))
}

/// Accepts connections forever, serving each on its own task.
pub async fn accept_loop(listener: tokio::net::TcpListener, app: Arc<App>) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                eprintln!("accept failed: {e}");
                continue;
            }
        };
        let app = app.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| serve(app.clone(), req));
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            if let Err(e) = conn.await {
                // A dropped call for a region that is down was logged where it was dropped.
                let region_down = std::error::Error::source(&e)
                    .is_some_and(|s| s.downcast_ref::<RegionDown>().is_some());
                if !e.is_incomplete_message() && !region_down {
                    eprintln!("connection error: {e}");
                }
            }
        });
    }
}

#[cfg(test)]
#[path = "server_tests.rs"]
mod tests;
