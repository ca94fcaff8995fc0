//! The connection: credentials, regions and endpoint overrides turned into one AWS client,
//! provided as context. Secrets live in memory; only an explicit opt-in keeps them in
//! sessionStorage, and nothing secret is ever rendered back, logged or put in a URL.

use super::browser;
use super::reach::ReachCtx;
use crate::aws::protocol::DecodeError;
use crate::aws::{Client, ClientConfig, Clock, Credentials, EndpointOverride, SignAs};
use crate::model::{Region, Service, Timestamp};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::rc::Rc;

/// Regions offered on the Connect screen.
pub const COMMON_REGIONS: [&str; 12] = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-central-1",
    "eu-north-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
];
/// Pre-ticked on the Connect screen.
pub const DEFAULT_REGIONS: [&str; 3] = ["us-east-1", "us-west-2", "eu-west-1"];

const SECRET_KEY: &str = "fc.session.secret";
const META_KEY: &str = "fc.session.meta";
/// Per-request timeout, seconds, unless the Connect screen sets another: a hung endpoint
/// becomes an error after this long instead of silence. Each read is tried up to four times,
/// so a page learns of a dead endpoint well before a person would give up on it.
pub const DEFAULT_TIMEOUT_S: u32 = 10;
/// The range the Connect screen accepts.
pub const TIMEOUT_RANGE_S: std::ops::RangeInclusive<u32> = 1..=120;

/// `GET /_emulator/config.json`, when the console is served by the emulator:
/// `{"endpoint": ..., "regions": [...], "demo": {"accessKeyId": ..., "secretAccessKey": ...}}`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct EmulatorConfig {
    pub endpoint: String,
    pub regions: Vec<Region>,
    pub demo: DemoCredentials,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
}

/// One service's override as the form holds it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverrideForm {
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub sign_for_aws_host: bool,
}

/// Everything needed to connect, minus nothing: the secret is in here, so this type is
/// never rendered and only stored when the person opted in.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectRequest {
    pub access_key_id: String,
    pub secret_access_key: String,
    #[serde(default)]
    pub session_token: Option<String>,
    #[serde(default)]
    pub expiration: Option<i64>,
    pub regions: Vec<Region>,
    /// By service key (`elasticache`, `neptune`, `memorydb`).
    #[serde(default)]
    pub overrides: BTreeMap<String, OverrideForm>,
    /// `emulator` when connected through the emulator preset.
    #[serde(default)]
    pub preset: Option<String>,
    #[serde(default)]
    pub keep_in_session_storage: bool,
    /// Per-request timeout in seconds; [`DEFAULT_TIMEOUT_S`] when absent. Left out of the
    /// stored text when unset, so sessions kept by earlier builds read and write the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_s: Option<u32>,
}

/// What may be stored without the opt-in: enough to prefill the form and, for the emulator
/// preset (whose demo credentials the emulator hands out anyway), to reconnect after a reload.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionMeta {
    pub regions: Vec<Region>,
    #[serde(default)]
    pub overrides: BTreeMap<String, OverrideForm>,
    #[serde(default)]
    pub preset: Option<String>,
    #[serde(default)]
    pub key_hint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_s: Option<u32>,
}

fn read<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T, DecodeError> {
    serde_json::from_str(text).map_err(|e| DecodeError::new(format!("{what}: {e}")))
}

impl EmulatorConfig {
    pub fn from_json(text: &str) -> Result<EmulatorConfig, DecodeError> {
        read(text, "the emulator config")
    }
}

impl ConnectRequest {
    /// Written to sessionStorage only with the opt-in.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a connect request serialises")
    }

    /// Reads what [`ConnectRequest::to_json`] wrote.
    pub fn from_json(text: &str) -> Result<ConnectRequest, DecodeError> {
        read(text, "the kept session")
    }
}

impl SessionMeta {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("session settings serialise")
    }

    /// Reads what [`SessionMeta::to_json`] wrote (sessionStorage).
    pub fn from_json(text: &str) -> Result<SessionMeta, DecodeError> {
        read(text, "the session settings")
    }
}

/// A live connection.
pub struct Session {
    pub client: Client,
    pub regions: Vec<Region>,
    pub expiration: Option<Timestamp>,
    pub preset: Option<String>,
    /// Per-request timeout, seconds.
    pub timeout_s: u32,
}

impl Session {
    /// `…0001`: the last four characters of the access key id signing now (renewed role
    /// credentials have a new one), the only part ever shown.
    pub fn key_hint(&self) -> String {
        key_hint(&self.client.credentials().access_key_id)
    }

    /// Who acts, for run records.
    pub fn who(&self, account: Option<&str>) -> String {
        let mut who = String::from("access key ");
        who.push_str(&self.key_hint());
        if let Some(a) = account {
            who.push_str(" · account ");
            who.push_str(a);
        }
        who
    }

    pub fn label(&self) -> String {
        let mut label = format!(
            "key {} · {}",
            self.key_hint(),
            super::rows::plural(self.regions.len(), "region")
        );
        match self.preset.as_deref() {
            Some("emulator") => label.push_str(" · emulator"),
            Some("sign-in") => label.push_str(" · signed in"),
            _ => {}
        }
        label
    }
}

/// `…0001`: the last four characters of an access key id (all of a shorter one).
pub fn key_hint(access_key_id: &str) -> String {
    let last: Vec<char> = access_key_id.chars().rev().take(4).collect();
    std::iter::once('…').chain(last.into_iter().rev()).collect()
}

/// The connection, provided as context by `<App/>`.
#[derive(Clone, Copy)]
pub struct SessionCtx {
    /// The live session. It holds the client's `Rc`s, so the signal keeps it in local
    /// storage (the browser has one thread).
    session: RwSignal<Option<Rc<Session>>, LocalStorage>,
    /// The emulator's config, when the page is served by it.
    pub emulator: RwSignal<Option<EmulatorConfig>>,
    /// Account id, learned from the first ARN seen.
    pub account: RwSignal<Option<String>>,
    /// The caller's ARN (`sts:GetCallerIdentity`), when it answered.
    pub caller_arn: RwSignal<Option<String>>,
    /// Still looking for the emulator (and maybe auto-connecting): saying "not connected"
    /// now would be premature.
    pub probing: RwSignal<bool>,
    /// Records which region × service answers the session's calls.
    reach: ReachCtx,
    /// The deployment's `config.json`, when the console was served with one.
    pub deploy: StoredValue<Option<super::deploy::DeployConfig>>,
}

impl SessionCtx {
    /// Creates the context, restores a kept session, and looks for the emulator.
    pub fn provide(reach: ReachCtx, deploy: Option<super::deploy::DeployConfig>) -> SessionCtx {
        let ctx = SessionCtx {
            deploy: StoredValue::new(deploy),
            session: RwSignal::new_local(None),
            emulator: RwSignal::new(None),
            account: RwSignal::new(None),
            caller_arn: RwSignal::new(None),
            probing: RwSignal::new(true),
            reach,
        };
        provide_context(ctx);
        if let Some(req) =
            browser::storage_get(SECRET_KEY).and_then(|t| ConnectRequest::from_json(&t).ok())
        {
            let _ = ctx.connect(req);
        }
        // A packaged deployment is not served by the emulator: no probe (it would be a 404 in
        // the browser's console on every load).
        if ctx.deploy.with_value(Option::is_some) {
            ctx.probing.set(false);
            return ctx;
        }
        leptos::task::spawn_local(async move {
            let config = match browser::origin() {
                Some(mut url) => {
                    url.push_str("/_emulator/config.json");
                    browser::fetch_text(&url)
                        .await
                        .and_then(|text| EmulatorConfig::from_json(&text).ok())
                }
                None => None,
            };
            let Some(config) = config else {
                ctx.probing.set(false);
                return;
            };
            ctx.emulator.set(Some(config.clone()));
            // Reconnect the emulator preset after a reload (no secret was stored: the emulator
            // hands its demo credentials to anyone), or connect when the URL asks for it.
            let meta = ctx.meta();
            let timeout_s = meta.timeout_s;
            let asked = browser::location().1.contains("connect=emulator");
            if ctx.session.with_untracked(Option::is_none)
                && (asked || meta.preset.as_deref() == Some("emulator"))
            {
                let regions = if asked || meta.regions.is_empty() {
                    config.regions.clone()
                } else {
                    meta.regions
                };
                let mut req = emulator_request(&config, regions, false);
                req.timeout_s = timeout_s;
                let _ = ctx.connect(req);
            }
            ctx.probing.set(false);
        });
        ctx
    }

    /// The context `<App/>` provides.
    pub fn expect() -> SessionCtx {
        expect_context()
    }

    /// The live session (tracked).
    pub fn get(&self) -> Option<Rc<Session>> {
        self.session.get()
    }

    pub fn get_untracked(&self) -> Option<Rc<Session>> {
        self.session.get_untracked()
    }

    pub fn is_connected(&self) -> bool {
        self.session.with(Option::is_some)
    }

    /// Replaces the session and tells whoever tracks it.
    fn set(&self, session: Option<Rc<Session>>) {
        self.session.set(session);
    }

    /// Builds the client. Fails only on an unusable form (no key, no region, bad URL).
    pub fn connect(&self, req: ConnectRequest) -> Result<(), String> {
        if req.access_key_id.trim().is_empty() || req.secret_access_key.trim().is_empty() {
            return Err(
                "Enter an access key id and a secret access key, or paste credentials.".into(),
            );
        }
        if req.regions.is_empty() {
            return Err("Pick at least one region.".into());
        }
        let timeout_s = req.timeout_s.unwrap_or(DEFAULT_TIMEOUT_S);
        if !TIMEOUT_RANGE_S.contains(&timeout_s) {
            return Err(format!(
                "The request timeout must be between {} and {} seconds.",
                TIMEOUT_RANGE_S.start(),
                TIMEOUT_RANGE_S.end()
            ));
        }
        let mut creds = Credentials::new(
            req.access_key_id.trim(),
            req.secret_access_key.trim(),
            match req.session_token.as_deref().map(str::trim) {
                Some(t) if !t.is_empty() => Some(t.to_string()),
                _ => None,
            },
        );
        creds.expiration = req.expiration.map(Timestamp);
        let mut config = ClientConfig::new(creds);
        // The deployment's endpoints (a relay for MemoryDB) hold for every way in, the pasted
        // break-glass credentials too, unless the form names another.
        let mut overrides = self
            .deploy
            .with_value(|d| d.as_ref().map(super::deploy::DeployConfig::override_forms))
            .unwrap_or_default();
        for (key, o) in &req.overrides {
            if !o.url.trim().is_empty() {
                overrides.insert(key.clone(), o.clone());
            }
        }
        for (key, o) in overrides.iter() {
            let Some(service) = Service::parse(key) else {
                continue;
            };
            let url = o.url.trim();
            if url.is_empty() {
                continue;
            }
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                let mut error = String::from("The ");
                error.push_str(service.label());
                error.push_str(" endpoint must start with http:// or https://");
                return Err(error);
            }
            let sign_as = if o.sign_for_aws_host {
                SignAs::AwsHost
            } else {
                SignAs::Endpoint
            };
            config.set_override(
                service,
                EndpointOverride {
                    url: url.trim_end_matches('/').to_string(),
                    sign_as,
                },
            );
        }
        let transport = self.reach.observe(transport(timeout_s * 1000));
        let client = Client::new(config, transport, Clock::system());
        let session = Session {
            client,
            regions: req.regions.clone(),
            expiration: req.expiration.map(Timestamp),
            preset: req.preset.clone(),
            timeout_s,
        };
        let meta = SessionMeta {
            regions: req.regions.clone(),
            overrides: req.overrides.clone(),
            preset: req.preset.clone(),
            key_hint: key_hint(req.access_key_id.trim()),
            timeout_s: req.timeout_s,
        };
        browser::storage_set(META_KEY, &meta.to_json());
        if req.keep_in_session_storage {
            browser::storage_set(SECRET_KEY, &req.to_json());
        } else {
            browser::storage_remove(SECRET_KEY);
        }
        let session = Rc::new(session);
        self.caller_arn.set(None);
        self.set(Some(session.clone()));
        self.learn_caller(session);
        Ok(())
    }

    /// Asks STS who the credentials belong to, once per connection: run records then name
    /// the caller by ARN. Not knowing is not an error the person must act on: the record
    /// keeps the key hint, and the browser console says why.
    fn learn_caller(&self, session: Rc<Session>) {
        let ctx = *self;
        leptos::task::spawn_local(async move {
            // STS answers in every region: the first that answers will do (one may be down).
            let mut answer = Err(None);
            for region in &session.regions {
                match session.client.sts(region).get_caller_identity().await {
                    Ok(who) => {
                        answer = Ok(who);
                        break;
                    }
                    Err(e) => answer = Err(Some(e)),
                }
            }
            // A reconnect in the meantime made this answer someone else's.
            if ctx
                .session
                .with_untracked(|now| !now.as_ref().is_some_and(|now| Rc::ptr_eq(now, &session)))
            {
                return;
            }
            match answer {
                Ok(who) => {
                    ctx.account.set(Some(who.account));
                    ctx.caller_arn.set(Some(who.arn));
                }
                Err(Some(e)) => leptos::logging::warn!("sts:GetCallerIdentity failed: {e}"),
                Err(None) => {}
            }
        });
    }

    /// Forgets the credentials (memory and storage); runs stay.
    pub fn disconnect(&self) {
        self.caller_arn.set(None);
        browser::storage_remove(SECRET_KEY);
        let mut meta = self.meta();
        meta.preset = None;
        browser::storage_set(META_KEY, &meta.to_json());
        self.set(None);
    }

    /// The non-secret settings of the last connection (prefills the form).
    pub fn meta(&self) -> SessionMeta {
        browser::storage_get(META_KEY)
            .and_then(|t| SessionMeta::from_json(&t).ok())
            .unwrap_or_default()
    }

    /// Learns the account id from an ARN (`arn:aws:service:region:ACCOUNT:...`).
    pub fn learn_account(&self, arn: Option<&str>) {
        if self.account.with_untracked(Option::is_some) {
            return;
        }
        match arn.and_then(|a| a.split(':').nth(4)) {
            Some(acct) if !acct.is_empty() => self.account.set(Some(acct.to_string())),
            _ => {}
        }
    }
}

/// The request the emulator preset makes: its demo credentials, its URL for all services.
pub fn emulator_request(
    config: &EmulatorConfig,
    regions: Vec<Region>,
    keep: bool,
) -> ConnectRequest {
    let mut overrides = BTreeMap::new();
    // The emulator answers STS's GetCallerIdentity too.
    for s in Service::WITH_ENDPOINTS {
        let form = OverrideForm {
            url: config.endpoint.clone(),
            sign_for_aws_host: false,
        };
        overrides.insert(s.as_str().to_string(), form);
    }
    ConnectRequest {
        access_key_id: config.demo.access_key_id.clone(),
        secret_access_key: config.demo.secret_access_key.clone(),
        session_token: None,
        expiration: None,
        regions,
        overrides,
        preset: Some("emulator".into()),
        keep_in_session_storage: keep,
        timeout_s: None,
    }
}

/// A transport outside the reach record (sign-in's STS call).
pub fn plain_transport(timeout_ms: u32) -> Rc<dyn crate::aws::Transport> {
    transport(timeout_ms)
}

#[cfg(target_arch = "wasm32")]
fn transport(timeout_ms: u32) -> Rc<dyn crate::aws::Transport> {
    Rc::new(crate::aws::FetchTransport::new(timeout_ms))
}

#[cfg(not(target_arch = "wasm32"))]
fn transport(_timeout_ms: u32) -> Rc<dyn crate::aws::Transport> {
    // Natively there is no browser to send with; the UI only runs in wasm.
    Rc::new(crate::aws::testing::ScriptedTransport::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_settings_read_back() {
        let config = EmulatorConfig::from_json(
            r#"{"endpoint":"http://127.0.0.1:4566","regions":["us-east-1","eu-west-1"],
               "demo":{"accessKeyId":"AKIAEMULATORDEMO0001","secretAccessKey":"s"},"other":1}"#,
        )
        .unwrap();
        assert_eq!(config.regions, ["us-east-1", "eu-west-1"]);
        assert_eq!(config.demo.access_key_id, "AKIAEMULATORDEMO0001");
        let mut req = emulator_request(&config, config.regions.clone(), true);
        req.session_token = Some("token".into());
        req.expiration = Some(1_800_000_000_000);
        req.overrides.insert(
            "memorydb".into(),
            OverrideForm {
                url: "https://relay.example/{region}".into(),
                sign_for_aws_host: true,
            },
        );
        let text = req.to_json();
        // The text the derived serde impls wrote before, so kept sessions still read back.
        assert!(text.starts_with(r#"{"access_key_id":"AKIAEMULATORDEMO0001","secret_access_key":"s","session_token":"token","expiration":1800000000000,"regions":["us-east-1","eu-west-1"],"overrides":{"#));
        assert!(text.contains(
            r#""memorydb":{"url":"https://relay.example/{region}","sign_for_aws_host":true}"#
        ));
        let back = ConnectRequest::from_json(&text).unwrap();
        assert!(back == req);
        assert_eq!(back.to_json(), text);
        let meta = SessionMeta {
            regions: req.regions.clone(),
            overrides: req.overrides.clone(),
            preset: None,
            key_hint: key_hint(&req.access_key_id),
            timeout_s: None,
        };
        let text = meta.to_json();
        assert_eq!(SessionMeta::from_json(&text).unwrap(), meta);
        assert!(SessionMeta::from_json("[]").is_err());
        assert!(EmulatorConfig::from_json(r#"{"endpoint":"x"}"#).is_err());
    }

    #[test]
    fn the_label_names_the_key_signing_now() {
        let client = Client::new(
            ClientConfig::new(Credentials::new("ASIAFIRSTKEY0001", "s", Some("t".into()))),
            transport(1000),
            Clock::system(),
        );
        let session = Session {
            client,
            regions: vec!["us-east-1".into()],
            expiration: None,
            preset: Some("sign-in".into()),
            timeout_s: 10,
        };
        assert_eq!(session.label(), "key …0001 · 1 region · signed in");
        // Renewed role credentials: a new key signs, and the label and records say so.
        session.client.replace_credentials(Credentials::new(
            "ASIASECONDKEY0002",
            "s2",
            Some("t2".into()),
        ));
        assert_eq!(session.label(), "key …0002 · 1 region · signed in");
        assert_eq!(
            session.who(Some("123456789012")),
            "access key …0002 · account 123456789012"
        );
    }

    #[test]
    fn only_the_last_four_characters_are_shown() {
        assert_eq!(key_hint("AKIAEMULATORDEMO0001"), "…0001");
        assert_eq!(key_hint("AB"), "…AB");
    }
}
