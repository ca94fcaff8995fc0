//! Sign-in with an OpenID Connect provider: authorization code with PKCE in the browser, then
//! STS `AssumeRoleWithWebIdentity` for the role the person picked; the role's credentials are
//! renewed before they expire, in place, so a run in progress keeps going.
//!
//! Secrets (ID token, refresh token, credentials) live in memory only. What crosses the
//! redirect to the provider and back (state, PKCE verifier, nonce, role) is in sessionStorage:
//! the page is reloaded by the redirect, and none of it is a credential.

use super::browser;
use super::deploy::{DeployConfig, SignIn};
use super::session::{ConnectRequest, SessionCtx};
use crate::aws::services::sts::AssumedRole;
use crate::aws::{Client, ClientConfig, Clock, Credentials};
use crate::model::Service;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use leptos::prelude::*;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

const PENDING_KEY: &str = "fc.signin.pending";
/// Renewal starts this long before expiry at most (and a third of the lifetime for short
/// ones), and the header counts down the same last minutes.
pub const RENEW_MARGIN_MS: i64 = 5 * 60 * 1000;
/// Between two failed renewals.
const RETRY_MS: i64 = 10_000;

/// `BASE64URL(SHA256(verifier))` (RFC 7636 S256).
pub fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A random URL-safe string of `bytes` random bytes (32 give PKCE's 43 characters).
pub fn random_token(bytes: usize) -> String {
    URL_SAFE_NO_PAD.encode(browser::random_bytes(bytes))
}

/// Everything but RFC 3986's unreserved characters is escaped in a form value.
const FORM_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn enc(s: &str) -> String {
    utf8_percent_encode(s, FORM_VALUE).to_string()
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// What survives the round trip to the provider.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    pub state: String,
    pub verifier: String,
    pub nonce: String,
    pub role_arn: String,
    pub redirect_uri: String,
    pub token_endpoint: String,
}

/// The provider's endpoints.
#[derive(Clone, Debug, PartialEq)]
pub struct Endpoints {
    pub authorization: String,
    pub token: String,
}

/// The authorization request's URL.
pub fn authorize_url(endpoint: &str, sign_in: &SignIn, pending: &Pending) -> String {
    let sep = if endpoint.contains('?') { '&' } else { '?' };
    format!(
        "{endpoint}{sep}{}",
        form(&[
            ("response_type", "code"),
            ("client_id", &sign_in.client_id),
            ("redirect_uri", &pending.redirect_uri),
            ("scope", &sign_in.scope),
            ("state", &pending.state),
            ("nonce", &pending.nonce),
            ("code_challenge", &challenge(&pending.verifier)),
            ("code_challenge_method", "S256"),
        ])
    )
}

/// What the provider sent back in the redirect's query.
#[derive(Clone, Debug, PartialEq)]
pub enum Callback {
    Code {
        code: String,
        state: String,
    },
    Error {
        error: String,
        description: String,
        state: String,
    },
}

/// Reads `?code=..&state=..` or `?error=..&state=..`; `None` for any other query.
pub fn parse_callback(query: &str) -> Option<Callback> {
    let mut p: BTreeMap<String, String> = BTreeMap::new();
    for pair in query.trim_start_matches('?').split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = v.replace('+', " ");
        let v = percent_encoding::percent_decode_str(&v)
            .decode_utf8_lossy()
            .into_owned();
        p.insert(k.to_string(), v);
    }
    let state = p.get("state").cloned()?;
    if let Some(code) = p.get("code") {
        return Some(Callback::Code {
            code: code.clone(),
            state,
        });
    }
    p.get("error").map(|e| Callback::Error {
        error: e.clone(),
        description: p.get("error_description").cloned().unwrap_or_default(),
        state,
    })
}

/// The claims of a JWT, unverified: STS verifies the token; the console only reads the name
/// to give the role session.
pub fn claims(id_token: &str) -> Option<serde_json::Value> {
    let payload = id_token.split('.').nth(1)?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

/// `RoleSessionName` from the person's email or subject: the characters STS allows, 2 to 64
/// of them. It appears in CloudTrail and in run records as who acted.
pub fn session_name(claims: Option<&serde_json::Value>) -> String {
    let raw = claims
        .and_then(|c| c["email"].as_str().or(c["sub"].as_str()))
        .unwrap_or("failover-console");
    let mut name: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_+=,.@-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    while name.len() < 2 {
        name.push('-');
    }
    name
}

/// When to start renewing credentials that live `lifetime_ms`: five minutes before they
/// expire, or a third of their lifetime before for short ones.
pub fn renew_at(expires_ms: i64, lifetime_ms: i64) -> i64 {
    expires_ms - RENEW_MARGIN_MS.min(lifetime_ms / 3)
}

/// `4:59`: time left, shown in the header in the last five minutes.
pub fn countdown(expires_ms: i64, now_ms: i64) -> Option<String> {
    let left = expires_ms - now_ms;
    if left > RENEW_MARGIN_MS {
        return None;
    }
    let s = (left.max(0) + 999) / 1000;
    Some(format!("{}:{:02}", s / 60, s % 60))
}

/// A token endpoint's answer: the ID token and the refresh token, or the provider's error.
pub fn parse_token_answer(status: u16, text: &str) -> Result<(String, Option<String>), String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|_| {
        format!("the token endpoint answered HTTP {status} with something that is not JSON")
    })?;
    if let Some(e) = v["error"].as_str() {
        let d = v["error_description"].as_str().unwrap_or_default();
        return Err(format!("the identity provider refused: {e} ({d})"));
    }
    let id = v["id_token"]
        .as_str()
        .ok_or_else(|| format!("the token endpoint answered HTTP {status} without an id_token"))?;
    Ok((
        id.to_string(),
        v["refresh_token"].as_str().map(str::to_string),
    ))
}

/// What is held in memory to renew: secrets, never stored.
#[derive(Clone)]
pub struct Grant {
    pub id_token: String,
    pub refresh_token: Option<String>,
    pub token_endpoint: String,
    pub role_arn: String,
    pub session_name: String,
}

/// The sign-in's state, provided as context.
#[derive(Clone, Copy)]
pub struct SignInCtx {
    /// `Signing in…`, or the last failure in words; `None` when there is nothing to say.
    pub status: RwSignal<Option<Result<String, String>>>,
    /// When the role's credentials expire and how long they lived, ms; set while signed in.
    pub expires: RwSignal<Option<(i64, i64)>>,
    /// The role signed in as (`failover-console-operator`).
    pub role: RwSignal<Option<String>>,
    grant: StoredValue<Option<Grant>>,
    session: SessionCtx,
}

impl SignInCtx {
    pub fn provide(session: SessionCtx) -> SignInCtx {
        let ctx = SignInCtx {
            status: RwSignal::new(None),
            expires: RwSignal::new(None),
            role: RwSignal::new(None),
            grant: StoredValue::new(None),
            session,
        };
        provide_context(ctx);
        ctx.complete_if_called_back();
        ctx
    }

    pub fn expect() -> SignInCtx {
        expect_context()
    }

    fn config(&self) -> Option<(DeployConfig, SignIn)> {
        let config = self.session.deploy.get_value()?;
        let sign_in = config.sign_in.clone()?;
        Some((config, sign_in))
    }

    /// Goes to the provider's sign-in page for `role_arn`.
    pub fn begin(&self, role_arn: String) {
        let Some((_, sign_in)) = self.config() else {
            return;
        };
        let ctx = *self;
        ctx.status
            .set(Some(Ok("Opening the identity provider…".into())));
        leptos::task::spawn_local(async move {
            let endpoints = match endpoints(&sign_in).await {
                Ok(e) => e,
                Err(e) => return ctx.status.set(Some(Err(e))),
            };
            let redirect_uri = match browser::origin() {
                Some(o) => format!("{o}/"),
                None => return,
            };
            let pending = Pending {
                state: random_token(16),
                verifier: random_token(32),
                nonce: random_token(16),
                role_arn,
                redirect_uri,
                token_endpoint: endpoints.token,
            };
            browser::storage_set(
                PENDING_KEY,
                &serde_json::to_string(&pending).expect("serialises"),
            );
            browser::navigate(&authorize_url(&endpoints.authorization, &sign_in, &pending));
        });
    }

    /// Back from the provider (`/?code=..&state=..`): the address is cleaned at once (the code
    /// is single-use and not for the history), the code exchanged, the role assumed.
    fn complete_if_called_back(&self) {
        let (path, query) = browser::location();
        let Some(callback) = parse_callback(&query) else {
            return;
        };
        let pending: Option<Pending> =
            browser::storage_get(PENDING_KEY).and_then(|t| serde_json::from_str(&t).ok());
        browser::storage_remove(PENDING_KEY);
        browser::replace_url(if path == "/" { "/connect" } else { &path });
        let Some(pending) = pending else {
            return self.status.set(Some(Err(
                "A sign-in answer arrived that this tab did not ask for (or asked for before a reload): sign in again.".into(),
            )));
        };
        let ctx = *self;
        match callback {
            Callback::Error {
                error,
                description,
                state,
            } => {
                let why = if state == pending.state {
                    format!("The identity provider refused the sign-in: {error} ({description}).")
                } else {
                    "A sign-in answer with the wrong state arrived: ignored. Sign in again.".into()
                };
                ctx.status.set(Some(Err(why)));
            }
            Callback::Code { code, state } => {
                if state != pending.state {
                    return ctx.status.set(Some(Err(
                        "A sign-in answer with the wrong state arrived: ignored. Sign in again."
                            .into(),
                    )));
                }
                ctx.status.set(Some(Ok("Signing in…".into())));
                leptos::task::spawn_local(async move {
                    let body = form(&[
                        ("grant_type", "authorization_code"),
                        ("code", &code),
                        ("redirect_uri", &pending.redirect_uri),
                        ("client_id", &ctx.client_id()),
                        ("code_verifier", &pending.verifier),
                    ]);
                    let tokens = browser::post_form(&pending.token_endpoint, body)
                        .await
                        .and_then(|(status, text)| parse_token_answer(status, &text));
                    let (id_token, refresh_token) = match tokens {
                        Ok(t) => t,
                        Err(e) => return ctx.status.set(Some(Err(format!("Sign-in failed: {e}")))),
                    };
                    let name = session_name(claims(&id_token).as_ref());
                    let grant = Grant {
                        id_token,
                        refresh_token,
                        token_endpoint: pending.token_endpoint,
                        role_arn: pending.role_arn,
                        session_name: name,
                    };
                    match ctx.assume(&grant).await {
                        Ok(role) => ctx.connect(grant, role),
                        Err(e) => ctx.status.set(Some(Err(e))),
                    }
                });
            }
        }
    }

    fn client_id(&self) -> String {
        self.config().map(|(_, s)| s.client_id).unwrap_or_default()
    }

    /// `AssumeRoleWithWebIdentity` with the grant's token, in the configured STS region.
    async fn assume(&self, grant: &Grant) -> Result<AssumedRole, String> {
        let Some((config, sign_in)) = self.config() else {
            return Err("This deployment has no sign-in settings.".into());
        };
        let mut client_config = ClientConfig::new(Credentials::new("", "", None));
        if let Some(e) = config.endpoints.get(&Service::Sts) {
            client_config.set_override(Service::Sts, e.endpoint_override(Service::Sts));
        }
        let timeout = config
            .request_timeout_s
            .unwrap_or(super::session::DEFAULT_TIMEOUT_S);
        let client = Client::new(
            client_config,
            super::session::plain_transport(timeout * 1000),
            Clock::system(),
        );
        client
            .sts(&sign_in.sts_region)
            .assume_role_with_web_identity(
                &grant.role_arn,
                &grant.session_name,
                &grant.id_token,
                sign_in.session_seconds,
            )
            .await
            .map_err(|e| {
                format!(
                    "STS refused the sign-in: {}: {}",
                    e.code().unwrap_or("error"),
                    e.message()
                )
            })
    }

    /// Connects with the role's credentials and the deployment's regions and endpoints.
    fn connect(&self, grant: Grant, role: AssumedRole) {
        let Some((config, _)) = self.config() else {
            return;
        };
        let now = browser::now_ms();
        let expires = role.credentials.expiration.map(|t| t.millis());
        let role_name = grant
            .role_arn
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let req = ConnectRequest {
            access_key_id: role.credentials.access_key_id.clone(),
            secret_access_key: role.credentials.secret_access_key.clone(),
            session_token: role.credentials.session_token.clone(),
            expiration: expires,
            regions: config.regions.clone(),
            // SessionCtx::connect applies the deployment's endpoints to every connection.
            overrides: BTreeMap::new(),
            preset: Some("sign-in".into()),
            keep_in_session_storage: false,
            timeout_s: config.request_timeout_s,
        };
        match self.session.connect(req) {
            Ok(()) => {
                self.grant.set_value(Some(grant));
                self.role.set(Some(role_name));
                self.expires.set(expires.map(|e| (e, e - now)));
                self.status.set(None);
            }
            Err(e) => self.status.set(Some(Err(e))),
        }
    }

    /// Forgets the grant (disconnect).
    pub fn forget(&self) {
        self.grant.set_value(None);
        self.expires.set(None);
        self.role.set(None);
    }

    /// Renews the role's credentials: a fresh ID token from the refresh token when the old
    /// one is near its end, then STS again; the live client switches between two requests.
    async fn renew(&self) -> Result<(), String> {
        let Some(mut grant) = self.grant.get_value() else {
            return Err("not signed in".into());
        };
        let token_exp = claims(&grant.id_token)
            .and_then(|c| c["exp"].as_i64())
            .unwrap_or(0)
            * 1000;
        if token_exp - browser::now_ms() < 60_000 {
            let Some(refresh) = grant.refresh_token.clone() else {
                return Err(
                    "the ID token expired and the provider gave no refresh token: sign in again"
                        .into(),
                );
            };
            let body = form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", &refresh),
                ("client_id", &self.client_id()),
            ]);
            let (id_token, new_refresh) = browser::post_form(&grant.token_endpoint, body)
                .await
                .and_then(|(status, text)| parse_token_answer(status, &text))?;
            grant.id_token = id_token;
            if new_refresh.is_some() {
                grant.refresh_token = new_refresh;
            }
        }
        let role = self.assume(&grant).await?;
        let Some(session) = self.session.get_untracked() else {
            return Err("disconnected meanwhile".into());
        };
        let now = browser::now_ms();
        let expires = role.credentials.expiration.map(|t| t.millis());
        session.client.replace_credentials(role.credentials);
        self.grant.set_value(Some(grant));
        self.expires.set(expires.map(|e| (e, e - now)));
        Ok(())
    }

    /// The renewal loop, owned by `<CredentialRenewal/>` (stopped when it unmounts): checks
    /// every second, renews when due, retries every ten seconds on failure.
    pub async fn keep_fresh(self) {
        let mut next_try = 0;
        loop {
            browser::sleep_ms(1000).await;
            let Some((expires, lifetime)) = self.expires.get_untracked() else {
                continue;
            };
            let now = browser::now_ms();
            if now < renew_at(expires, lifetime) || now < next_try {
                continue;
            }
            if let Err(e) = self.renew().await {
                next_try = browser::now_ms() + RETRY_MS;
                let when = if browser::now_ms() >= expires {
                    "The credentials expired"
                } else {
                    "Renewing the credentials failed"
                };
                self.status.set(Some(Err(format!(
                    "{when}: {e}. Retrying in 10 s; or sign in again."
                ))));
            } else {
                self.status.set(None);
            }
        }
    }
}

/// The provider's endpoints: from the config when it names them, else from discovery.
async fn endpoints(sign_in: &SignIn) -> Result<Endpoints, String> {
    if let (Some(a), Some(t)) = (&sign_in.authorization_endpoint, &sign_in.token_endpoint) {
        return Ok(Endpoints {
            authorization: a.clone(),
            token: t.clone(),
        });
    }
    let url = format!("{}/.well-known/openid-configuration", sign_in.issuer);
    let (status, text) = browser::get_text(&url).await?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .map_err(|_| format!("{url} answered HTTP {status} with something that is not JSON"))?;
    let field = |k: &str| {
        v[k].as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("{url} has no {k}"))
    };
    Ok(Endpoints {
        authorization: sign_in
            .authorization_endpoint
            .clone()
            .map_or_else(|| field("authorization_endpoint"), Ok)?,
        token: sign_in
            .token_endpoint
            .clone()
            .map_or_else(|| field("token_endpoint"), Ok)?,
    })
}

#[cfg(test)]
#[path = "signin_tests.rs"]
mod tests;
