//! The real client against the real emulator over TCP: signing, both protocols, every read
//! and the failover calls, end to end. Skipped (with a note) when the emulator binary has not
//! been built (`cargo build -p failover-emulator --profile emulator`).

use failover_console::aws::{
    Client, ClientConfig, Clock, Credentials, EndpointOverride, ErrorCategory, HttpRequest,
    HttpResponse, LocalBoxFuture, SignAs, Transport, TransportError,
};
use failover_console::model::{EventSource, MemberRole, Timestamp};
use futures::executor::block_on;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::rc::Rc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const KEY: &str = "AKIAEMULATORDEMO0001";
const SECRET: &str = "emulator-demo-secret-key-not-for-aws";

/// A minimal blocking HTTP/1.1 client, standing in for the browser's fetch: it sends `Host`
/// itself from the URL, as a browser does.
struct TcpTransport;

fn http(req: &HttpRequest) -> Result<HttpResponse, TransportError> {
    let net = |e: std::io::Error| TransportError::network(e.to_string());
    let rest = req
        .url
        .strip_prefix("http://")
        .ok_or_else(|| TransportError::network("http only"))?;
    let (authority, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_string()), |(a, p)| (a, format!("/{p}")));
    let mut stream = TcpStream::connect(authority).map_err(net)?;
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .map_err(net)?;
    let mut head = format!(
        "{} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nContent-Length: {}\r\n",
        req.method,
        req.body.len()
    );
    for (k, v) in &req.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).map_err(net)?;
    stream.write_all(&req.body).map_err(net)?;
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).map_err(net)?;
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| TransportError::network("bad status line"))?;
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).map_err(net)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let mut body = Vec::new();
    reader.read_to_end(&mut body).map_err(net)?;
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

fn dechunk(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = raw;
    while let Some(pos) = rest.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&rest[..pos]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = pos + 2;
        out.extend_from_slice(&rest[start..start + size]);
        rest = &rest[start + size + 2..];
    }
    out
}

impl Transport for TcpTransport {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>> {
        let answer = http(&req);
        Box::pin(async move { answer })
    }

    fn sleep(&self, ms: u32) -> LocalBoxFuture<'_, ()> {
        std::thread::sleep(Duration::from_millis(u64::from(ms)));
        Box::pin(async {})
    }
}

struct Emulator {
    child: Child,
    url: String,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The most recently built emulator: a build of one profile left over from an older checkout
/// (the target directory is shared) must not stand in for today's.
fn emulator_binary() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        "target/emulator/failover-emulator",
        "target/debug/failover-emulator",
    ]
    .iter()
    .map(|p| root.join(p))
    .filter_map(|p| Some((p.metadata().ok()?.modified().ok()?, p)))
    .max_by_key(|(modified, _)| *modified)
    .map(|(_, p)| p)
}

fn start(extra: &[&str]) -> Option<Emulator> {
    let Some(bin) = emulator_binary() else {
        eprintln!("skipped: failover-emulator is not built");
        return None;
    };
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let child = Command::new(bin)
        .args(["--listen", &listen, "--time-scale", "200"])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the emulator");
    let emulator = Emulator {
        child,
        url: format!("http://{listen}"),
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let health = HttpRequest {
            method: "GET",
            url: format!("{}/_emulator/health", emulator.url),
            headers: vec![],
            body: vec![],
        };
        if http(&health).is_ok_and(|r| r.status == 200) {
            return Some(emulator);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the emulator did not become healthy");
}

fn wall_clock() -> Clock {
    Clock::from_fn(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64
    })
}

fn client(emulator: &Emulator, clock: Clock) -> Client {
    let config = ClientConfig::new(Credentials::new(KEY, SECRET, None)).with_endpoint_for_all(
        EndpointOverride {
            url: emulator.url.clone(),
            sign_as: SignAs::Endpoint,
        },
    );
    Client::new(config, Rc::new(TcpTransport), clock)
}

fn wait_until(mut settled: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !settled() {
        assert!(Instant::now() < deadline, "did not settle");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn every_read_works_against_the_emulator() {
    let Some(emu) = start(&[]) else { return };
    let client = client(&emu, wall_clock());
    block_on(async {
        let mut datastores = 0;
        let mut databases = 0;
        for region in ["us-east-1", "us-west-2", "eu-west-1"] {
            let ec = client.elasticache(region);
            datastores += ec.describe_global_datastores().await.unwrap().len();
            for g in ec.describe_replication_groups().await.unwrap() {
                assert_eq!(g.region, region);
            }
            ec.describe_events(&EventSource::default()).await.unwrap();
            let np = client.neptune(region);
            databases += np.describe_global_databases().await.unwrap().len();
            np.describe_clusters().await.unwrap();
            np.describe_events(&EventSource::default()).await.unwrap();
            let mdb = client.memorydb(region);
            for c in mdb.describe_clusters().await.unwrap() {
                assert_eq!(c.region, region);
            }
            mdb.describe_events(&EventSource {
                since: Some(Timestamp::from_millis(0)),
                ..Default::default()
            })
            .await
            .unwrap();
        }
        assert!(datastores > 0, "the default topology has global datastores");
        assert!(databases > 0, "the default topology has global databases");
        // STS names the caller (the console asks once at connect).
        let who = client.sts("eu-west-1").get_caller_identity().await.unwrap();
        assert_eq!(who.account, "123456789012");
        assert_eq!(
            who.arn,
            "arn:aws:iam::123456789012:user/emulator-akiaemulatordemo0001"
        );
    });
}

#[test]
fn failovers_move_the_writer_on_the_emulator() {
    let Some(emu) = start(&[]) else { return };
    let client = client(&emu, wall_clock());
    let regions = [
        "us-east-1",
        "us-east-2",
        "us-west-2",
        "eu-west-1",
        "eu-central-1",
        "ap-southeast-1",
    ];

    // ElastiCache: promote the secondary of the first global datastore found.
    let (home, g) = regions
        .iter()
        .find_map(|r| {
            let found = block_on(client.elasticache(r).describe_global_datastores()).unwrap();
            found
                .into_iter()
                .find(|g| g.secondaries().next().is_some())
                .map(|g| (*r, g))
        })
        .expect("a global datastore with a secondary");
    let secondary = g.secondaries().next().unwrap().clone();
    let after = block_on(client.elasticache(home).failover_global_datastore(
        &g.id,
        &secondary.region,
        &secondary.replication_group_id,
    ))
    .unwrap();
    assert_eq!(after.id, g.id);
    wait_until(|| {
        block_on(
            client
                .elasticache(&secondary.region)
                .describe_global_datastore(&g.id),
        )
        .is_ok_and(|g| {
            g.primary().map(|p| p.replication_group_id.clone())
                == Some(secondary.replication_group_id.clone())
                && g.members
                    .iter()
                    .filter(|m| m.role == MemberRole::Primary)
                    .count()
                    == 1
        })
    });

    // Neptune: switch the writer to a reader cluster.
    let (home, g) = regions
        .iter()
        .find_map(|r| {
            let found = block_on(client.neptune(r).describe_global_databases()).unwrap();
            found
                .into_iter()
                .find(|g| g.members.len() > 1)
                .map(|g| (*r, g))
        })
        .expect("a global database with a reader");
    let reader = g
        .members
        .iter()
        .find(|m| !m.is_writer)
        .unwrap()
        .cluster_arn
        .clone();
    block_on(
        client
            .neptune(home)
            .switchover_global_database(&g.id, &reader),
    )
    .unwrap();
    wait_until(|| {
        block_on(client.neptune(home).describe_global_database(&g.id))
            .is_ok_and(|g| g.writer().map(|w| w.cluster_arn.clone()) == Some(reader.clone()))
    });

    // MemoryDB: fail over one shard that has a replica.
    let (region, c) = regions
        .iter()
        .find_map(|r| {
            let found = block_on(client.memorydb(r).describe_clusters()).unwrap();
            found
                .into_iter()
                .find(|c| c.shards.iter().any(|s| s.nodes.len() > 1))
                .map(|c| (*r, c))
        })
        .expect("a MemoryDB cluster with replicas");
    let shard = c
        .shards
        .iter()
        .find(|s| s.nodes.len() > 1)
        .unwrap()
        .id
        .clone();
    let after = block_on(client.memorydb(region).failover_shard(&c.name, &shard)).unwrap();
    assert_eq!(
        (after.name.as_str(), after.region.as_str()),
        (c.name.as_str(), region)
    );

    // ElastiCache TestFailover on a shard with a replica.
    let (region, rg) = regions
        .iter()
        .find_map(|r| {
            let found = block_on(client.elasticache(r).describe_replication_groups()).unwrap();
            found
                .into_iter()
                .find(|g| g.status == "available" && g.shards.iter().any(|s| s.nodes.len() > 1))
                .map(|g| (*r, g))
        })
        .expect("a replication group with replicas");
    let shard = rg
        .shards
        .iter()
        .find(|s| s.nodes.len() > 1)
        .unwrap()
        .id
        .clone();
    let after = block_on(client.elasticache(region).test_failover(&rg.id, &shard)).unwrap();
    assert_eq!(after.id, rg.id);
}

#[test]
fn a_skewed_machine_clock_is_corrected_against_the_emulator() {
    let Some(emu) = start(&[]) else { return };
    // This machine believes it is an hour behind.
    let skewed = Clock::from_fn(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64
            - 3_600_000
    });
    let client = client(&emu, skewed.clone());
    let groups = block_on(
        client
            .elasticache("us-east-1")
            .describe_replication_groups(),
    );
    assert!(
        groups.is_ok(),
        "the read is re-signed with the server's time: {groups:?}"
    );
    assert!(
        (skewed.skew_ms() - 3_600_000).abs() < 5_000,
        "skew learned: {}",
        skewed.skew_ms()
    );
}

#[test]
fn wrong_credentials_are_an_auth_error() {
    let Some(emu) = start(&[]) else { return };
    let config = ClientConfig::new(Credentials::new(KEY, "not-the-secret", None))
        .with_endpoint_for_all(EndpointOverride {
            url: emu.url.clone(),
            sign_as: SignAs::Endpoint,
        });
    let client = Client::new(config, Rc::new(TcpTransport), wall_clock());
    let err = block_on(client.memorydb("us-east-1").describe_clusters()).unwrap_err();
    assert_eq!(err.category(), Some(ErrorCategory::Auth), "{err}");
}
