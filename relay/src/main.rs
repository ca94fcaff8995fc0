//! `failover-relay`: a CORS relay for failover-console. The console signs each request for the
//! real AWS host in the browser and sends it to `RELAY/<aws host>/`; the relay checks the
//! origin and the host against its allow-lists and forwards the request unchanged (signature
//! and all) to that host. It holds no credentials and logs no secrets.

mod policy;
mod server;

use std::net::SocketAddr;

const USAGE: &str = "\
failover-relay: forwards browser-signed AWS requests, unchanged, to the AWS hosts of the
services failover-console calls, answering CORS for the console's origins only.

USAGE:
  failover-relay --allow-origin ORIGIN [--allow-origin ORIGIN]... [OPTIONS]

OPTIONS:
  --listen ADDR          address to listen on [default: 127.0.0.1:8787]
  --allow-origin ORIGIN  an origin the console is served from, exactly as the browser sends
                         it (https://console.example.net); repeatable, at least one
  --upstream URL         send every request to URL instead of https://<aws host> (the Host
                         header still names the AWS host): to stand an emulator in for AWS
  --max-body BYTES       largest request body accepted [default: 1048576]
  --rate N               requests per minute per client address [default: 600]
  --timeout SECONDS      how long to wait for AWS [default: 30]
  -h, --help             print this help

A request goes to /<service>.<region>.amazonaws.com[.cn]/<path>, with <service> one of
elasticache, rds, memory-db, monitoring, sts. GET /healthz answers ok.
";

/// The command line.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub allow_origins: Vec<String>,
    pub upstream: Option<String>,
    pub max_body: usize,
    pub rate_per_minute: u32,
    pub timeout_s: u64,
}

fn parse(args: impl IntoIterator<Item = String>) -> Result<Option<Config>, String> {
    let mut c = Config {
        listen: "127.0.0.1:8787".parse().expect("a valid address"),
        allow_origins: Vec::new(),
        upstream: None,
        max_body: 1024 * 1024,
        rate_per_minute: 600,
        timeout_s: 30,
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        let number = |v: String| {
            v.parse::<u64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("{flag} {v}: expected a whole number above 0"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--listen" => {
                let v = value()?;
                c.listen = std::net::ToSocketAddrs::to_socket_addrs(v.as_str())
                    .ok()
                    .and_then(|mut a| a.next())
                    .ok_or_else(|| format!("--listen {v}: expected HOST:PORT"))?;
            }
            "--allow-origin" => {
                let v = value()?;
                let o = v.trim_end_matches('/');
                let ok = (o.starts_with("https://") || o.starts_with("http://"))
                    && !o["https://".len().min(o.len())..].contains('/');
                if !ok {
                    return Err(format!(
                        "--allow-origin {v}: expected an origin such as https://console.example.net (scheme, host, port; no path)"
                    ));
                }
                c.allow_origins.push(o.to_string());
            }
            "--upstream" => {
                let v = value()?;
                if !(v.starts_with("http://") || v.starts_with("https://")) {
                    return Err(format!("--upstream {v}: expected an http(s) URL"));
                }
                c.upstream = Some(v.trim_end_matches('/').to_string());
            }
            "--max-body" => c.max_body = number(value()?)? as usize,
            "--rate" => c.rate_per_minute = number(value()?)?.min(u64::from(u32::MAX)) as u32,
            "--timeout" => c.timeout_s = number(value()?)?,
            other => return Err(format!("unknown argument '{other}' (see --help)")),
        }
    }
    if c.allow_origins.is_empty() {
        return Err("name at least one --allow-origin: the relay answers no other origin".into());
    }
    Ok(Some(c))
}

/// Locks a mutex even if a panicking request poisoned it (the rate buckets stay usable).
pub fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn main() {
    let config = match parse(std::env::args().skip(1)) {
        Ok(Some(c)) => c,
        Ok(None) => {
            print!("{USAGE}");
            return;
        }
        Err(e) => {
            eprintln!("failover-relay: {e}");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    if let Err(e) = runtime.block_on(server::run(config)) {
        eprintln!("failover-relay: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Result<Option<Config>, String> {
        parse(a.iter().map(|s| (*s).to_string()))
    }

    #[test]
    fn the_command_line_needs_an_origin_and_checks_it() {
        assert!(args(&[]).unwrap_err().contains("--allow-origin"));
        let c = args(&[
            "--allow-origin",
            "https://c.example/",
            "--rate=5",
            "--upstream",
            "http://127.0.0.1:4566",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(c.allow_origins, ["https://c.example"]);
        assert_eq!(c.rate_per_minute, 5);
        assert_eq!(c.upstream.as_deref(), Some("http://127.0.0.1:4566"));
        assert!(args(&["--allow-origin", "https://c.example/app"]).is_err());
        assert!(args(&["--allow-origin", "*"]).is_err());
        assert!(args(&["--allow-origin", "https://c.example", "--max-body", "0"]).is_err());
    }
}
