//! A deployment's `config.json`, read beside `index.html` at start: the environment's name,
//! its regions, per-service endpoints or relay, sign-in settings and thresholds. One built
//! console serves any number of teams and environments, each with its own file.
//!
//! Parsed by hand from JSON values rather than derived, so that every mistake names its field
//! (`signIn.roles[1].arn`) and says what was expected. `scripts/package.sh` runs the same
//! checks natively (`src/bin/fc-config.rs`) and computes the page's `connect-src` from here.

use super::session::OverrideForm;
use crate::aws::endpoint::aws_url;
use crate::aws::{EndpointOverride, SignAs};
use crate::model::{Region, Service};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Where a service is reached when the deployment does not use AWS's own endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// A URL (`{region}` replaced per request), signed for its own host (an emulator) or, with
    /// `signForAwsHost`, for AWS's.
    Url {
        url: String,
        sign_for_aws_host: bool,
    },
    /// A `failover-relay` origin: requests go to `RELAY/<aws host>/`, signed for the AWS host.
    Relay(String),
}

impl Endpoint {
    /// The client's override for `service`: where it sends, and what it signs for.
    pub fn endpoint_override(&self, service: Service) -> EndpointOverride {
        let (url, sign_as) = match self {
            Endpoint::Url {
                url,
                sign_for_aws_host,
            } => (
                url.clone(),
                if *sign_for_aws_host {
                    SignAs::AwsHost
                } else {
                    SignAs::Endpoint
                },
            ),
            Endpoint::Relay(origin) => (relay_url(origin, service), SignAs::AwsHost),
        };
        EndpointOverride { url, sign_as }
    }
}

/// `https://relay.example.net/memory-db.{region}.amazonaws.com/`: the relay forwards a request
/// to the AWS host named by its first path segment.
pub fn relay_url(origin: &str, service: Service) -> String {
    let prefix = crate::aws::endpoint::spec(service).host_prefix;
    format!(
        "{}/{prefix}.{{region}}.amazonaws.com/",
        origin.trim_end_matches('/')
    )
}

/// One role a person may sign in as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleChoice {
    pub arn: String,
    /// `Read-only`, `Operator`: what the picker shows.
    pub label: String,
}

/// OpenID Connect sign-in, then STS `AssumeRoleWithWebIdentity`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignIn {
    /// `https://idp.example.com` (discovery at `ISSUER/.well-known/openid-configuration`).
    pub issuer: String,
    pub client_id: String,
    /// At least one; the first is preselected.
    pub roles: Vec<RoleChoice>,
    /// `DurationSeconds` asked of STS (900 to 43,200).
    pub session_seconds: u32,
    /// Where `AssumeRoleWithWebIdentity` is sent (the first region when not given).
    pub sts_region: Region,
    pub scope: String,
    /// When the provider's token endpoint is on another origin than the issuer (Cognito): it
    /// must be named here for the page's connect-src. Discovery gives it otherwise.
    pub token_endpoint: Option<String>,
    pub authorization_endpoint: Option<String>,
}

/// The whole file.
#[derive(Clone, Debug, PartialEq)]
pub struct DeployConfig {
    /// `prod`, `staging`: shown in the header and the title.
    pub environment: String,
    pub regions: Vec<Region>,
    /// By service; AWS's own endpoint for the others.
    pub endpoints: BTreeMap<Service, Endpoint>,
    pub sign_in: Option<SignIn>,
    /// Replication lag above which a move is warned about, seconds.
    pub lag_threshold_s: Option<f64>,
    /// Per-request timeout, seconds.
    pub request_timeout_s: Option<u32>,
}

/// A mistake in the file: the field's path and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub field: String,
    pub problem: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() {
            write!(f, "config.json: {}", self.problem)
        } else {
            write!(f, "config.json: {}: {}", self.field, self.problem)
        }
    }
}

fn err<T>(field: &str, problem: impl Into<String>) -> Result<T, ConfigError> {
    Err(ConfigError {
        field: field.to_string(),
        problem: problem.into(),
    })
}

/// Refuses keys not in `known`: a typo (`enviroment`) must not pass silently.
fn only(obj: &Map<String, Value>, path: &str, known: &[&str]) -> Result<(), ConfigError> {
    match obj.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => err(
            &join(path, k),
            format!("unknown field (known here: {})", known.join(", ")),
        ),
        None => Ok(()),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn object<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>, ConfigError> {
    v.as_object()
        .map_or_else(|| err(path, "expected an object ({ ... })"), Ok)
}

fn string(obj: &Map<String, Value>, path: &str, key: &str) -> Result<Option<String>, ConfigError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_string())),
        Some(Value::String(_)) => err(&join(path, key), "must not be empty"),
        Some(_) => err(&join(path, key), "expected a string"),
    }
}

fn required(obj: &Map<String, Value>, path: &str, key: &str) -> Result<String, ConfigError> {
    string(obj, path, key)?.map_or_else(|| err(&join(path, key), "missing (required)"), Ok)
}

fn number(
    obj: &Map<String, Value>,
    path: &str,
    key: &str,
    range: std::ops::RangeInclusive<f64>,
) -> Result<Option<f64>, ConfigError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match v.as_f64() {
            Some(n) if range.contains(&n) => Ok(Some(n)),
            _ => err(
                &join(path, key),
                format!(
                    "expected a number from {} to {}, got {v}",
                    range.start(),
                    range.end()
                ),
            ),
        },
    }
}

/// `https://host[:port]`: the origin of an absolute http(s) URL, or why it is not one.
pub fn origin_of(url: &str) -> Result<String, String> {
    let (scheme, rest) = url
        .split_once("://")
        .filter(|(s, _)| *s == "https" || *s == "http")
        .ok_or_else(|| format!("\"{url}\" is not an absolute http(s) URL"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_ok = !host.is_empty()
        && !host.contains('@')
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-:[]{}".contains(&b));
    if !host_ok {
        return Err(format!("\"{url}\" has no valid host"));
    }
    Ok(format!("{scheme}://{host}"))
}

/// Loopback hosts may be plain http (an emulator, a relay on the same machine); anything else
/// must be https, as a page served over https cannot call http anyway.
fn is_loopback(origin: &str) -> bool {
    let host = origin.split_once("://").map_or("", |(_, h)| h);
    let host = host.rsplit_once(':').map_or(host, |(h, p)| {
        if p.bytes().all(|b| b.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    matches!(host, "localhost" | "127.0.0.1" | "[::1]")
}

fn checked_url(raw: &str, field: &str, allow_region: bool) -> Result<String, ConfigError> {
    let url = raw.trim_end_matches('/');
    if url.contains("{region}") && !allow_region {
        return err(field, "{region} is not allowed here");
    }
    let origin = origin_of(url).or_else(|e| err(field, e))?;
    if origin.starts_with("http://") && !is_loopback(&origin) {
        return err(
            field,
            format!("\"{raw}\" must use https:// (plain http only for localhost or 127.0.0.1)"),
        );
    }
    Ok(url.to_string())
}

fn regions(v: Option<&Value>, field: &str) -> Result<Vec<Region>, ConfigError> {
    let Some(list) = v.and_then(Value::as_array) else {
        return err(
            field,
            "missing: a list of AWS region names, e.g. [\"us-east-1\"]",
        );
    };
    if list.is_empty() {
        return err(field, "name at least one region");
    }
    let mut out: Vec<Region> = Vec::new();
    for (i, r) in list.iter().enumerate() {
        let at = format!("{field}[{i}]");
        let Some(name) = r.as_str() else {
            return err(&at, "expected a region name such as \"us-east-1\"");
        };
        if aws_url(Service::ElastiCache, name).is_err() || !name.contains('-') {
            return err(
                &at,
                format!("\"{name}\" is not an AWS region name (e.g. us-east-1)"),
            );
        }
        if out.iter().any(|o| o == name) {
            return err(&at, format!("\"{name}\" is listed twice"));
        }
        out.push(name.to_string());
    }
    Ok(out)
}

fn endpoint(v: &Value, path: &str) -> Result<Endpoint, ConfigError> {
    let obj = object(v, path)?;
    only(obj, path, &["url", "signForAwsHost", "relay"])?;
    match (string(obj, path, "url")?, string(obj, path, "relay")?) {
        (Some(_), Some(_)) => err(path, "give either url or relay, not both"),
        (None, None) => err(
            path,
            "give url (an endpoint) or relay (a failover-relay origin)",
        ),
        (Some(url), None) => {
            let sign_for_aws_host = match obj.get("signForAwsHost") {
                None => false,
                Some(Value::Bool(b)) => *b,
                Some(_) => return err(&join(path, "signForAwsHost"), "expected true or false"),
            };
            Ok(Endpoint::Url {
                url: checked_url(&url, &join(path, "url"), true)?,
                sign_for_aws_host,
            })
        }
        (None, Some(relay)) => {
            if obj.contains_key("signForAwsHost") {
                return err(
                    &join(path, "signForAwsHost"),
                    "a relay is always signed for the AWS host: leave this out",
                );
            }
            let field = join(path, "relay");
            let url = checked_url(&relay, &field, false)?;
            if origin_of(&url).ok().as_deref() != Some(url.as_str()) {
                return err(
                    &field,
                    "give the relay's origin only (https://relay.example.net), no path",
                );
            }
            Ok(Endpoint::Relay(url))
        }
    }
}

fn sign_in(v: &Value, first_region: &Region) -> Result<SignIn, ConfigError> {
    let path = "signIn";
    let obj = object(v, path)?;
    only(
        obj,
        path,
        &[
            "issuer",
            "clientId",
            "roles",
            "sessionSeconds",
            "stsRegion",
            "scope",
            "tokenEndpoint",
            "authorizationEndpoint",
        ],
    )?;
    let issuer = checked_url(&required(obj, path, "issuer")?, "signIn.issuer", false)?;
    let client_id = required(obj, path, "clientId")?;
    let Some(list) = obj.get("roles").and_then(Value::as_array) else {
        return err(
            "signIn.roles",
            "missing: a list of {\"arn\": ..., \"label\": ...}",
        );
    };
    if list.is_empty() {
        return err("signIn.roles", "name at least one role");
    }
    let mut roles = Vec::new();
    for (i, r) in list.iter().enumerate() {
        let at = format!("signIn.roles[{i}]");
        let o = object(r, &at)?;
        only(o, &at, &["arn", "label"])?;
        let arn = required(o, &at, "arn")?;
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let is_role = parts.len() == 6
            && parts[0] == "arn"
            && parts[2] == "iam"
            && parts[4].len() == 12
            && parts[4].bytes().all(|b| b.is_ascii_digit())
            && parts[5]
                .strip_prefix("role/")
                .is_some_and(|n| !n.is_empty());
        if !is_role {
            return err(
                &format!("{at}.arn"),
                format!("\"{arn}\" is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)"),
            );
        }
        let label = string(o, &at, "label")?
            .unwrap_or_else(|| parts[5].trim_start_matches("role/").to_string());
        roles.push(RoleChoice { arn, label });
    }
    let session_seconds =
        number(obj, path, "sessionSeconds", 900.0..=43_200.0)?.map_or(3600, |n| n as u32);
    let sts_region = match string(obj, path, "stsRegion")? {
        Some(r) => regions(
            Some(&Value::Array(vec![Value::String(r)])),
            "signIn.stsRegion",
        )
        .map_err(|e| ConfigError {
            field: "signIn.stsRegion".into(),
            problem: e.problem,
        })?
        .remove(0),
        None => first_region.clone(),
    };
    let scope = string(obj, path, "scope")?.unwrap_or_else(|| "openid email".into());
    if !scope.split(' ').any(|s| s == "openid") {
        return err("signIn.scope", "must include openid");
    }
    let url_field = |key: &str| -> Result<Option<String>, ConfigError> {
        string(obj, path, key)?
            .map(|u| checked_url(&u, &join(path, key), false))
            .transpose()
    };
    Ok(SignIn {
        issuer,
        client_id,
        roles,
        session_seconds,
        sts_region,
        scope,
        token_endpoint: url_field("tokenEndpoint")?,
        authorization_endpoint: url_field("authorizationEndpoint")?,
    })
}

impl DeployConfig {
    /// Reads and checks the file's text.
    pub fn parse(text: &str) -> Result<DeployConfig, ConfigError> {
        let v: Value = serde_json::from_str(text).or_else(|e| {
            err(
                "",
                format!(
                    "not valid JSON (line {}, column {}): {e}",
                    e.line(),
                    e.column()
                ),
            )
        })?;
        let root = object(&v, "")?;
        only(
            root,
            "",
            &[
                "environment",
                "regions",
                "endpoints",
                "signIn",
                "thresholds",
                "requestTimeoutSeconds",
            ],
        )?;
        let environment = required(root, "", "environment")?;
        if environment.chars().count() > 32 {
            return err(
                "environment",
                "at most 32 characters (it is shown in the header)",
            );
        }
        let regions = regions(root.get("regions"), "regions")?;
        let mut endpoints = BTreeMap::new();
        if let Some(e) = root.get("endpoints") {
            let obj = object(e, "endpoints")?;
            let known: Vec<&str> = Service::WITH_ENDPOINTS.iter().map(|s| s.as_str()).collect();
            only(obj, "endpoints", &known)?;
            for (key, value) in obj {
                let service = Service::parse(key).expect("checked by only()");
                endpoints.insert(service, endpoint(value, &format!("endpoints.{key}"))?);
            }
        }
        let sign_in = root
            .get("signIn")
            .map(|s| sign_in(s, &regions[0]))
            .transpose()?;
        let mut lag_threshold_s = None;
        if let Some(t) = root.get("thresholds") {
            let obj = object(t, "thresholds")?;
            only(obj, "thresholds", &["lagSeconds"])?;
            lag_threshold_s = number(obj, "thresholds", "lagSeconds", 0.1..=86_400.0)?;
        }
        let request_timeout_s = number(
            root,
            "",
            "requestTimeoutSeconds",
            f64::from(*super::session::TIMEOUT_RANGE_S.start())
                ..=f64::from(*super::session::TIMEOUT_RANGE_S.end()),
        )?
        .map(|n| n as u32);
        Ok(DeployConfig {
            environment,
            regions,
            endpoints,
            sign_in,
            lag_threshold_s,
            request_timeout_s,
        })
    }

    /// The deployment's endpoints as the Connect form holds overrides (by service key).
    pub fn override_forms(&self) -> BTreeMap<String, OverrideForm> {
        self.endpoints
            .iter()
            .map(|(service, e)| {
                let o = e.endpoint_override(*service);
                let form = OverrideForm {
                    url: o.url,
                    sign_for_aws_host: o.sign_as == SignAs::AwsHost,
                };
                (service.as_str().to_string(), form)
            })
            .collect()
    }

    /// Every origin the console may call with this config, for the page's `connect-src`: each
    /// service's endpoint (or AWS's) in each region, STS for sign-in, and the identity
    /// provider. Sorted, without duplicates.
    pub fn connect_origins(&self) -> Vec<String> {
        let mut out = std::collections::BTreeSet::new();
        let mut regions = self.regions.clone();
        if let Some(s) = &self.sign_in {
            if !regions.contains(&s.sts_region) {
                regions.push(s.sts_region.clone());
            }
            for url in [Some(&s.issuer), s.token_endpoint.as_ref()]
                .into_iter()
                .flatten()
            {
                if let Ok(o) = origin_of(url) {
                    out.insert(o);
                }
            }
        }
        for service in Service::WITH_ENDPOINTS {
            for region in &regions {
                let url = match self.endpoints.get(&service) {
                    Some(e) => e.endpoint_override(service).url.replace("{region}", region),
                    None => match aws_url(service, region) {
                        Ok(u) => u,
                        Err(_) => continue,
                    },
                };
                if let Ok(o) = origin_of(&url) {
                    out.insert(o);
                }
            }
        }
        out.into_iter().collect()
    }
}

/// What the console found beside its `index.html`.
#[derive(Clone, Debug, PartialEq)]
pub enum Loaded {
    /// No config named: a development build or the emulator; everything is typed on the
    /// Connect page as before.
    Absent,
    Ready(Box<DeployConfig>),
    /// A file with a mistake, missing, or unreadable: the console refuses to start rather
    /// than act on the wrong environment.
    Invalid(String),
}

/// The `<meta name="fc-config">` scripts/package.sh writes into a packaged `index.html`: where
/// its config is (`/config.json`, the console being served at the root of its origin). A
/// development build has none and looks for no file, so no request fails in its console.
pub const CONFIG_META: &str = "fc-config";

/// Reads the config the page names.
pub async fn load() -> Loaded {
    let Some(path) = super::browser::meta_content(CONFIG_META) else {
        return Loaded::Absent;
    };
    match super::browser::get_text(&path).await {
        Ok((200, text)) if text.trim_start().starts_with('<') => Loaded::Invalid(format!(
            "config.json: the host answered {path} with a web page, not JSON: is config.json deployed beside index.html?"
        )),
        Ok((200, text)) => match DeployConfig::parse(&text) {
            Ok(c) => Loaded::Ready(Box::new(c)),
            Err(e) => Loaded::Invalid(e.to_string()),
        },
        Ok((404, _)) => Loaded::Invalid(format!(
            "config.json is missing ({path}: HTTP 404): this index.html was packaged with one; deploy it beside index.html"
        )),
        Ok((status, _)) => Loaded::Invalid(format!("config.json could not be read: HTTP {status}")),
        Err(e) => Loaded::Invalid(format!("config.json could not be read: {e}")),
    }
}

#[cfg(test)]
#[path = "deploy_tests.rs"]
mod tests;
