//! The command line: hand-rolled, so the emulator builds fast.

use crate::faults::Faults;
use crate::models::metrics::LagProfile;
use crate::sigv4::Credential;
use crate::topology::Topology;
use std::net::SocketAddr;
use std::path::PathBuf;

pub const DEMO_ACCESS_KEY_ID: &str = "AKIAEMULATORDEMO0001";
pub const DEMO_SECRET_ACCESS_KEY: &str = "emulator-demo-secret-key-not-for-aws";

pub const USAGE: &str = "\
failover-emulator: a local AWS-compatible emulator of the ElastiCache, Neptune and MemoryDB
failover APIs (Query/XML and JSON 1.1, SigV4-verified), for failover-console.

USAGE:
  failover-emulator [OPTIONS]

OPTIONS:
  --listen ADDR             address to listen on [default: 127.0.0.1:4566]
  --time-scale N            divide realistic durations by N (float, > 0) [default: 1]
  --credentials KEY:SECRET  accept this access key (repeatable); KEY:SECRET:TOKEN also
                            requires that exact, signed X-Amz-Security-Token.
                            Without it the demo pair is accepted:
                            AKIAEMULATORDEMO0001 / emulator-demo-secret-key-not-for-aws
  --serve DIR               serve the static files of DIR at / (index.html for unknown paths)
  --topology T              'default' or 'large:N' (N replication groups per region,
                            20 shards each) [default: default]
  --faults SPEC             e.g. throttle=0.1,error5xx=0.05,latency=300ms[,mutations=true];
                            reads only unless mutations=true; region-down=R[+R] closes
                            a region's calls unanswered, region-hang=R[+R] holds them open
  --seed N                  seed of the fault dice and request ids [default: 1]
  --test-failover-quota N   TestFailover / FailoverShard shards per rolling 24 h [default: 15]
  --deny ACTION[,ACTION]    answer these actions AccessDenied, as to a role whose policy
                            lacks them (e.g. DescribeGlobalReplicationGroups)
  --lag ID=PROFILE[,...]    replication lag profile of a secondary (replication group,
                            Neptune cluster or regional cluster): steady, spiky, growing
                            or zero, as CloudWatch's GetMetricData then serves it
  --oidc-client-id ID       the client id (ID token audience) the test issuer and STS
                            accept (repeatable) [default: failover-console]
  --oidc-token-lifetime S   seconds an ID token from the test issuer lives [default: 3600]
  --sts-duration S          seconds the credentials of AssumeRoleWithWebIdentity live,
                            whatever DurationSeconds asked (shorter than STS's 900 s
                            minimum allowed, to test refreshing)
  -h, --help                print this help
  -V, --version             print the version

STATE:
  Nothing is persisted: every resource lives in memory and the seeded topology is rebuilt
  on each start, so state resets on restart.

ENDPOINTS:
  POST /                    the AWS APIs, routed by the SigV4 credential scope
  GET  /_emulator/health, /_emulator/config.json, /_emulator/state, /_emulator/calls
  GET|POST /_emulator/faults {\"regionDown\":[..],\"regionHang\":[..]}
  GET|POST /_emulator/lag    {\"checkout-sessions-euw1\":\"growing\"}
  POST /_emulator/credentials/expire | /_emulator/credentials/restore  {\"accessKeyId\":\"..\"}
  /_emulator/oidc/...       a test OpenID Connect issuer: .well-known/openid-configuration,
                            authorize, token, jwks.json; POST mint|next {\"audience\":..,
                            \"issuer\":.., \"expiresIn\":S, \"badSignature\":true} for bad tokens
";

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub time_scale: f64,
    pub credentials: Vec<Credential>,
    /// True when no `--credentials` was given and the demo pair is accepted.
    pub demo: bool,
    pub serve: Option<PathBuf>,
    pub topology: Topology,
    pub faults: Faults,
    pub seed: u64,
    pub test_failover_quota: usize,
    /// Actions answered `AccessDenied` (`--deny`).
    pub deny: Vec<String>,
    /// Lag profiles of secondaries (`--lag`).
    pub lag: Vec<(String, LagProfile)>,
    /// Audiences the test issuer serves and STS accepts (`--oidc-client-id`).
    pub oidc_client_ids: Vec<String>,
    pub oidc_token_lifetime_s: i64,
    /// Forced lifetime of issued credentials (`--sts-duration`).
    pub sts_duration_s: Option<i64>,
}

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    Run(Box<Config>),
    Help,
    Version,
}

fn parse_credential(s: &str) -> Result<Credential, String> {
    let mut parts = s.splitn(3, ':');
    let key = parts.next().unwrap_or_default();
    let secret = parts.next().unwrap_or_default();
    let token = parts.next();
    if key.is_empty() || secret.is_empty() || token == Some("") {
        return Err("--credentials expects KEY:SECRET or KEY:SECRET:SESSIONTOKEN".into());
    }
    Ok(Credential {
        access_key_id: key.into(),
        secret_access_key: secret.into(),
        session_token: token.map(Into::into),
    })
}

pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut listen: SocketAddr = "127.0.0.1:4566".parse().map_err(|e| format!("{e}"))?;
    let mut time_scale = 1.0;
    let mut credentials = Vec::new();
    let mut serve = None;
    let mut topology = Topology::Default;
    let mut faults = Faults::default();
    let mut seed = 1;
    let mut quota = 15;
    let mut deny = Vec::new();
    let mut lag = Vec::new();
    let mut oidc_client_ids = Vec::new();
    let mut oidc_token_lifetime_s = crate::oidc::DEFAULT_TOKEN_LIFETIME_S;
    let mut sts_duration_s = None;
    let seconds = |flag: &str, v: &str| {
        v.parse::<i64>()
            .ok()
            .filter(|s| *s > 0)
            .ok_or_else(|| format!("{flag} {v}: expected a number of seconds greater than 0"))
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
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            "--listen" => {
                let v = value()?;
                // Host names (localhost:4566) are resolved once, here.
                listen = std::net::ToSocketAddrs::to_socket_addrs(v.as_str())
                    .ok()
                    .and_then(|mut a| a.next())
                    .ok_or_else(|| {
                        format!("--listen {v}: expected HOST:PORT, e.g. 127.0.0.1:4566")
                    })?;
            }
            "--time-scale" => {
                let v = value()?;
                time_scale = v
                    .parse::<f64>()
                    .ok()
                    .filter(|s| s.is_finite() && *s > 0.0)
                    .ok_or_else(|| format!("--time-scale {v}: expected a number greater than 0"))?;
            }
            "--credentials" => credentials.push(parse_credential(&value()?)?),
            "--serve" => serve = Some(PathBuf::from(value()?)),
            "--topology" => topology = Topology::parse(&value()?)?,
            "--faults" => faults = Faults::parse(&value()?)?,
            "--seed" => {
                let v = value()?;
                seed = v
                    .parse()
                    .map_err(|_| format!("--seed {v}: expected an integer"))?;
            }
            "--deny" => {
                for action in value()?.split(',').map(str::trim).filter(|a| !a.is_empty()) {
                    deny.push(action.to_string());
                }
            }
            "--lag" => {
                for pair in value()?.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    let (id, p) = pair
                        .split_once('=')
                        .ok_or_else(|| format!("--lag {pair}: expected ID=PROFILE"))?;
                    lag.push((id.to_string(), LagProfile::parse(p)?));
                }
            }
            "--oidc-client-id" => oidc_client_ids.push(value()?),
            "--oidc-token-lifetime" => oidc_token_lifetime_s = seconds(&flag, &value()?)?,
            "--sts-duration" => sts_duration_s = Some(seconds(&flag, &value()?)?),
            "--test-failover-quota" => {
                let v = value()?;
                quota = v
                    .parse()
                    .map_err(|_| format!("--test-failover-quota {v}: expected an integer"))?;
            }
            other => return Err(format!("unknown argument '{other}'")),
        }
    }
    let demo = credentials.is_empty();
    if demo {
        credentials.push(Credential {
            access_key_id: DEMO_ACCESS_KEY_ID.into(),
            secret_access_key: DEMO_SECRET_ACCESS_KEY.into(),
            session_token: None,
        });
    }
    Ok(Command::Run(Box::new(Config {
        listen,
        time_scale,
        credentials,
        demo,
        serve,
        topology,
        faults,
        seed,
        test_failover_quota: quota,
        deny,
        lag,
        oidc_client_ids: if oidc_client_ids.is_empty() {
            vec![crate::oidc::DEFAULT_CLIENT_ID.to_string()]
        } else {
            oidc_client_ids
        },
        oidc_token_lifetime_s,
        sts_duration_s,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Config, String> {
        match parse(args.iter().map(|s| (*s).to_string()))? {
            Command::Run(c) => Ok(*c),
            other => Err(format!("{other:?}")),
        }
    }

    #[test]
    fn the_contract_command_line_parses() {
        let c = run(&[
            "--listen",
            "127.0.0.1:4999",
            "--time-scale",
            "20",
            "--credentials",
            "AK:SK",
            "--credentials=AK2:SK2:TOK",
            "--serve",
            "dist",
            "--topology",
            "large:3",
            "--faults",
            "throttle=0.1,error5xx=0.05,latency=300ms",
        ])
        .unwrap();
        assert_eq!(c.listen.port(), 4999);
        assert_eq!(
            run(&["--listen", "localhost:4998"]).unwrap().listen.port(),
            4998
        );
        assert_eq!(c.time_scale, 20.0);
        assert!(!c.demo);
        assert_eq!(c.credentials.len(), 2);
        assert_eq!(c.credentials[1].session_token.as_deref(), Some("TOK"));
        assert_eq!(c.topology, Topology::Large(3));
        assert_eq!(c.test_failover_quota, 15);
        let l = run(&["--lag", "a=growing,b=zero"]).unwrap().lag;
        assert_eq!(
            l,
            vec![
                ("a".into(), LagProfile::Growing),
                ("b".into(), LagProfile::Zero)
            ]
        );
    }

    #[test]
    fn defaults_to_the_demo_pair_and_rejects_nonsense() {
        let c = run(&[]).unwrap();
        assert!(c.demo);
        assert_eq!(c.credentials[0].access_key_id, DEMO_ACCESS_KEY_ID);
        for bad in [
            &["--time-scale", "0"][..],
            &["--credentials", "nosecret"],
            &["--bogus"],
            &["--listen"],
            &["--lag", "x"],
            &["--lag", "x=wobbly"],
        ] {
            assert!(run(bad).is_err(), "{bad:?}");
        }
        assert!(matches!(parse(["--help".to_string()]), Ok(Command::Help)));
    }
}
