//! The HTTP side (hyper 1): CORS for the allowed origins, the allow-list, the body and rate
//! caps, forwarding over HTTPS (or to `--upstream`), and one log line per request.

use crate::policy::{self, RateLimit};
use crate::Config;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue};
use hyper::{Request, Response, StatusCode};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

type Body = Full<Bytes>;
type Https = hyper_rustls::HttpsConnector<HttpConnector>;

struct Relay {
    config: Config,
    client: Client<Https, Body>,
    rate: Mutex<RateLimit>,
}

fn log(line: &str) {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    eprintln!("{ms} {line}");
}

fn answer(status: u16, headers: Vec<(String, String)>, body: impl Into<Bytes>) -> Response<Body> {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    for (k, v) in headers {
        if let (Ok(k), Ok(v)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            r.headers_mut().append(k, v);
        }
    }
    r
}

/// A refusal the browser can read when the origin is allowed (CORS headers on), and cannot
/// when it is not.
fn refuse(status: u16, cors: &[(String, String)], why: &str) -> Response<Body> {
    let mut headers = cors.to_vec();
    headers.push(("content-type".into(), "application/json".into()));
    let body = format!(
        "{{\"__type\":\"RelayRefused\",\"message\":\"failover-relay: {}\"}}",
        why.replace('\\', "\\\\").replace('"', "'")
    );
    answer(status, headers, body)
}

fn cors_headers(origin: &str) -> Vec<(String, String)> {
    vec![
        ("access-control-allow-origin".into(), origin.to_string()),
        ("vary".into(), "Origin".into()),
        (
            "access-control-expose-headers".into(),
            policy::FORWARDED_RESPONSE_HEADERS.join(","),
        ),
    ]
}

async fn handle(relay: Arc<Relay>, peer: IpAddr, req: Request<Incoming>) -> Response<Body> {
    let started = Instant::now();
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let origin = header("origin");
    let shown_origin = origin.clone().unwrap_or_else(|| "-".into());

    if method == "GET" && path == "/healthz" {
        return answer(
            200,
            vec![("content-type".into(), "text/plain".into())],
            "ok\n",
        );
    }
    let allowed = policy::origin_allowed(&relay.config.allow_origins, origin.as_deref());
    let cors = if allowed {
        cors_headers(origin.as_deref().unwrap_or_default())
    } else {
        Vec::new()
    };
    let target = policy::target(&path);
    if !allowed {
        log(&format!(
            "{method} {path} origin={shown_origin} 403 origin not allowed"
        ));
        return refuse(
            403,
            &cors,
            "this origin is not allowed (see --allow-origin)",
        );
    }
    let (host, upstream_path) = match target {
        Ok(t) => t,
        Err(why) => {
            log(&format!("{method} {path} origin={shown_origin} 403 {why}"));
            return refuse(403, &cors, &why);
        }
    };

    if method == "OPTIONS" {
        let asked = header("access-control-request-method").unwrap_or_default();
        let headers =
            policy::preflight_headers(header("access-control-request-headers").as_deref());
        return match (asked.as_str(), headers) {
            ("POST", Ok(list)) => {
                let mut h = cors;
                h.push(("access-control-allow-methods".into(), "POST".into()));
                h.push(("access-control-allow-headers".into(), list));
                h.push(("access-control-max-age".into(), "600".into()));
                log(&format!(
                    "OPTIONS {host} origin={shown_origin} 204 preflight"
                ));
                answer(204, h, Bytes::new())
            }
            (m, Err(why)) => {
                log(&format!(
                    "OPTIONS {host} origin={shown_origin} 403 {why} ({m})"
                ));
                refuse(403, &cors, &why)
            }
            (m, Ok(_)) => {
                log(&format!(
                    "OPTIONS {host} origin={shown_origin} 405 method {m}"
                ));
                refuse(405, &cors, "only POST is forwarded")
            }
        };
    }
    if method != "POST" {
        log(&format!("{method} {host} origin={shown_origin} 405"));
        return refuse(405, &cors, "only POST is forwarded");
    }
    if let Err(wait) = crate::lock(&relay.rate).take(peer, started) {
        let mut h = cors.clone();
        h.push(("retry-after".into(), wait.as_secs().max(1).to_string()));
        log(&format!(
            "POST {host} origin={shown_origin} peer={peer} 429 rate"
        ));
        return refuse(429, &h, "too many requests from this address (see --rate)");
    }
    let too_big = header("content-length")
        .and_then(|l| l.trim().parse::<usize>().ok())
        .is_some_and(|l| l > relay.config.max_body);
    let mut forwarded = Vec::new();
    for name in policy::FORWARDED_REQUEST_HEADERS {
        for v in req.headers().get_all(name) {
            forwarded.push((name, v.clone()));
        }
    }
    let target_header = header("x-amz-target");
    let body = if too_big {
        None
    } else {
        Limited::new(req.into_body(), relay.config.max_body)
            .collect()
            .await
            .ok()
            .map(|b| b.to_bytes())
    };
    let Some(body) = body else {
        log(&format!(
            "POST {host} origin={shown_origin} 413 body over {} bytes",
            relay.config.max_body
        ));
        return refuse(413, &cors, "the request body is larger than --max-body");
    };
    let op = policy::operation(target_header.as_deref(), &body);

    let base = relay
        .config
        .upstream
        .clone()
        .unwrap_or_else(|| format!("https://{host}"));
    let url = match &query {
        Some(q) => format!("{base}{upstream_path}?{q}"),
        None => format!("{base}{upstream_path}"),
    };
    let mut out = Request::post(url.as_str());
    // The signature covers the AWS host: sent as Host, whichever address the request goes to.
    out = out.header("host", host.as_str());
    for (name, value) in forwarded {
        out = out.header(name, value);
    }
    let out = match out.body(Full::new(body)) {
        Ok(r) => r,
        Err(e) => return refuse(400, &cors, &format!("request not forwardable: {e}")),
    };
    let timeout = Duration::from_secs(relay.config.timeout_s);
    let result = tokio::time::timeout(timeout, async {
        let resp = relay.client.request(out).await.map_err(|e| e.to_string())?;
        let status = resp.status().as_u16();
        let mut headers = cors.clone();
        for name in policy::FORWARDED_RESPONSE_HEADERS {
            for v in resp.headers().get_all(name) {
                if let Ok(v) = v.to_str() {
                    headers.push((name.to_string(), v.to_string()));
                }
            }
        }
        let bytes = resp
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        Ok::<_, String>((status, headers, bytes))
    })
    .await;
    let ms = started.elapsed().as_millis();
    match result {
        Ok(Ok((status, headers, bytes))) => {
            log(&format!(
                "POST {host} {op} origin={shown_origin} {status} ({ms} ms)"
            ));
            answer(status, headers, bytes)
        }
        Ok(Err(e)) => {
            log(&format!(
                "POST {host} {op} origin={shown_origin} 502 ({ms} ms): {e}"
            ));
            refuse(502, &cors, &format!("could not reach {host}: {e}"))
        }
        Err(_) => {
            log(&format!(
                "POST {host} {op} origin={shown_origin} 504 after {ms} ms"
            ));
            refuse(
                504,
                &cors,
                &format!("{host} did not answer within {} s", relay.config.timeout_s),
            )
        }
    }
}

/// Serves until Ctrl+C.
pub async fn run(config: Config) -> Result<(), String> {
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
        .map_err(|e| format!("TLS setup: {e}"))?
        .https_or_http()
        .enable_http1()
        .build();
    let client = Client::builder(TokioExecutor::new()).build(https);
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let local: SocketAddr = listener.local_addr().map_err(|e| e.to_string())?;
    eprintln!(
        "failover-relay listening on http://{local}\n  origins: {}\n  forwarding to: {}",
        config.allow_origins.join(", "),
        config.upstream.clone().unwrap_or_else(|| format!(
            "https://<{}>.<region>.amazonaws.com",
            policy::SERVICES.join("|")
        ))
    );
    let relay = Arc::new(Relay {
        rate: Mutex::new(RateLimit::new(config.rate_per_minute)),
        config,
        client,
    });
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        eprintln!("accept failed: {e}");
                        continue;
                    }
                };
                let relay = relay.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let relay = relay.clone();
                        async move { Ok::<_, std::convert::Infallible>(handle(relay, peer.ip(), req).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
    }
}
