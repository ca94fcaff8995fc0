//! The HTTP layer over a real loopback socket: CORS preflights, common headers, admin
//! endpoints, static files and oversized bodies.

use super::*;
use crate::cli::{self, Command};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Sends one raw HTTP/1.1 request to a fresh emulator; returns (status line + headers, body).
fn exchange(args: &[&str], request: Vec<u8>) -> (String, Vec<u8>) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let Ok(Command::Run(config)) = cli::parse(args.iter().map(|s| (*s).to_string())) else {
            panic!("bad arguments")
        };
        let app = Arc::new(App::new(&config, clock::now_ms()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(accept_loop(listener, app));
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(&request).await.unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).await.unwrap();
        let split = out.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        (
            String::from_utf8_lossy(&out[..split]).to_lowercase(),
            out[split + 4..].to_vec(),
        )
    })
}

fn get(args: &[&str], path: &str) -> (String, Vec<u8>) {
    exchange(
        args,
        format!("GET {path} HTTP/1.1\r\nHost: localhost:4566\r\nConnection: close\r\n\r\n")
            .into_bytes(),
    )
}

#[test]
fn preflight_answers_like_the_real_endpoints() {
    let (head, body) = exchange(
        &[],
        b"OPTIONS / HTTP/1.1\r\nHost: x\r\nOrigin: http://localhost:8080\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: authorization,x-amz-date,x-amz-target\r\nConnection: close\r\n\r\n".to_vec(),
    );
    assert!(head.starts_with("http/1.1 200"));
    for h in [
        "access-control-allow-origin: *",
        "access-control-allow-methods: post",
        "access-control-allow-headers: authorization,x-amz-date,x-amz-target",
        "access-control-expose-headers: x-amzn-requestid,x-amzn-errortype,x-amzn-errormessage,date",
        "access-control-max-age: 172800",
        "date: ",
    ] {
        assert!(head.contains(h), "{h} missing in\n{head}");
    }
    assert!(body.is_empty());
}

#[test]
fn admin_endpoints_and_config_endpoint_follow_the_host() {
    let (head, body) = get(&[], "/_emulator/config.json");
    assert!(head.starts_with("http/1.1 200") && head.contains("access-control-allow-origin: *"));
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["endpoint"], "http://localhost:4566");
    assert_eq!(v["demo"]["accessKeyId"], cli::DEMO_ACCESS_KEY_ID);
    let (_, body) = get(&["--credentials", "AK:SK"], "/_emulator/config.json");
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert!(
        v.get("demo").is_none(),
        "no demo pair when --credentials replaced it"
    );
    let (_, body) = get(&[], "/_emulator/state");
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        v["memorydb"]["clusters"][0]["shards"][0]["primary"],
        "0001-001"
    );
}

#[test]
fn oversized_bodies_get_413_in_the_service_shape() {
    let body = vec![b'a'; MAX_BODY + 1];
    let mut req = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AmazonMemoryDB.DescribeClusters\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    req.extend(body);
    let (head, body) = exchange(&[], req);
    assert!(head.starts_with("http/1.1 413"), "{head}");
    assert!(head.contains("x-amzn-errortype: requestentitytoolarge"));
    assert!(String::from_utf8_lossy(&body).contains("__type"));
}

#[test]
fn static_files_with_wasm_type_and_spa_fallback() {
    let dir = std::env::temp_dir().join(format!("emu-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html>console").unwrap();
    std::fs::write(dir.join("app_bg.wasm"), b"\0asm").unwrap();
    let d = dir.to_str().unwrap();
    let (head, _) = get(&["--serve", d], "/app_bg.wasm");
    assert!(head.contains("content-type: application/wasm"), "{head}");
    let (head, body) = get(
        &["--serve", d],
        "/inventory/elasticache/us-east-1/orders-queue",
    );
    assert!(head.starts_with("http/1.1 200") && head.contains("text/html"));
    assert!(body.ends_with(b"console"));
    let (head, _) = get(&["--serve", d], "/../../etc/passwd");
    assert!(head.starts_with("http/1.1 404"), "{head}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn static_files_send_the_precompressed_copy_the_browser_accepts() {
    let dir = std::env::temp_dir().join(format!("emu-serve-gz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("app_bg.wasm"), b"\0asm plain").unwrap();
    std::fs::write(dir.join("app_bg.wasm.gz"), b"gzip bytes").unwrap();
    let d = dir.to_str().unwrap();
    let ask = |accept: &str| {
        exchange(
            &["--serve", d],
            format!("GET /app_bg.wasm HTTP/1.1\r\nHost: x\r\n{accept}Connection: close\r\n\r\n")
                .into_bytes(),
        )
    };
    let (head, body) = ask("Accept-Encoding: gzip, deflate, br\r\n");
    assert!(head.contains("content-encoding: gzip"), "{head}");
    assert!(head.contains("content-type: application/wasm"), "{head}");
    assert!(head.contains("vary: accept-encoding"), "{head}");
    assert_eq!(body, b"gzip bytes");
    let (head, body) = ask("");
    assert!(!head.contains("content-encoding"), "{head}");
    assert_eq!(body, b"\0asm plain");
    // With a brotli copy beside it, a browser that accepts br gets that one.
    std::fs::write(dir.join("app_bg.wasm.br"), b"brotli bytes").unwrap();
    let (head, body) = ask("Accept-Encoding: gzip, deflate, br\r\n");
    assert!(head.contains("content-encoding: br"), "{head}");
    assert_eq!(body, b"brotli bytes");
    let (head, body) = ask("Accept-Encoding: gzip\r\n");
    assert!(head.contains("content-encoding: gzip"), "{head}");
    assert_eq!(body, b"gzip bytes");
    std::fs::remove_dir_all(&dir).unwrap();
}
