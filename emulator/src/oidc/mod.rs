//! A test OpenID Connect issuer at `/_emulator/oidc`, so the console's sign-in (authorization
//! code with PKCE, then STS `AssumeRoleWithWebIdentity`) can be rehearsed without an identity
//! provider: discovery, a sign-in page for one demo user, the token endpoint (code and refresh
//! grants), the JWKS, and ES256-signed ID tokens that [`Issuer::verify`] checks the way STS
//! does. Test knobs (`/mint`, `/next`) issue tokens with a wrong audience, issuer, signature or
//! expiry, to see how the console shows STS refusing them.

use crate::app::lock;
use crate::faults::Rng;
use crate::models::Millis;
use p256::ecdsa::SigningKey;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

/// Where the issuer lives on the emulator's origin.
pub const PATH: &str = "/_emulator/oidc";
/// The client id the issuer knows unless `--oidc-client-id` says otherwise.
pub const DEFAULT_CLIENT_ID: &str = "failover-console";
/// ID tokens live an hour unless `--oidc-token-lifetime` says otherwise.
pub const DEFAULT_TOKEN_LIFETIME_S: i64 = 3600;
/// An authorization code is good for one exchange within this long.
const CODE_LIFETIME_MS: Millis = 60_000;

/// The one person who can sign in.
pub const DEMO_SUBJECT: &str = "demo-oncall";
pub const DEMO_EMAIL: &str = "oncall@example.com";
pub const DEMO_NAME: &str = "Demo On-call";

/// What the next tokens look like, set by `/mint` or `/next` to test refusals.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Twist {
    pub audience: Option<String>,
    pub issuer: Option<String>,
    /// Seconds from now; negative for a token already expired.
    pub expires_in: Option<i64>,
    pub bad_signature: bool,
}

impl Twist {
    fn from_json(v: &Value) -> Result<Twist, String> {
        let Value::Object(m) = v else {
            return Err("expected a JSON object".into());
        };
        let text = |k: &str| -> Result<Option<String>, String> {
            match m.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(format!("{k} must be a string")),
            }
        };
        let known = ["audience", "issuer", "expiresIn", "badSignature"];
        if let Some(k) = m.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(format!("unknown field {k} (known: {})", known.join(", ")));
        }
        Ok(Twist {
            audience: text("audience")?,
            issuer: text("issuer")?,
            expires_in: match m.get("expiresIn") {
                None | Some(Value::Null) => None,
                Some(v) => Some(v.as_i64().ok_or("expiresIn must be an integer")?),
            },
            bad_signature: match m.get("badSignature") {
                None | Some(Value::Null) => false,
                Some(v) => v.as_bool().ok_or("badSignature must be true or false")?,
            },
        })
    }
}

struct Pending {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    nonce: Option<String>,
    issuer: String,
    expires: Millis,
}

struct Grant {
    client_id: String,
    issuer: String,
}

#[derive(Default)]
struct State {
    codes: BTreeMap<String, Pending>,
    refresh: BTreeMap<String, Grant>,
    /// The issuer URLs this issuer has been reached at: STS trusts tokens from these only,
    /// as an IAM OIDC provider is registered for one URL.
    known: BTreeSet<String>,
    next: Option<Twist>,
}

pub struct Issuer {
    key: SigningKey,
    pub kid: String,
    pub client_ids: Vec<String>,
    pub token_lifetime_s: i64,
    rng: Mutex<Rng>,
    state: Mutex<State>,
}

/// An HTTP answer of the issuer.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    fn json(status: u16, v: Value) -> Answer {
        Answer {
            status,
            headers: vec![
                ("content-type", "application/json".into()),
                ("cache-control", "no-store".into()),
            ],
            body: v.to_string().into_bytes(),
        }
    }

    fn html(status: u16, body: String) -> Answer {
        Answer {
            status,
            headers: vec![
                ("content-type", "text/html; charset=utf-8".into()),
                ("cache-control", "no-store".into()),
            ],
            body: body.into_bytes(),
        }
    }

    fn redirect(to: String) -> Answer {
        Answer {
            status: 302,
            headers: vec![("location", to), ("cache-control", "no-store".into())],
            body: Vec::new(),
        }
    }

    /// RFC 6749 §5.2: `{"error": ..., "error_description": ...}`.
    fn oauth_error(error: &str, description: &str) -> Answer {
        Answer::json(
            400,
            json!({"error": error, "error_description": description}),
        )
    }
}

fn form(body: &[u8]) -> BTreeMap<String, String> {
    form_urlencoded::parse(body).into_owned().collect()
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl Issuer {
    /// A new issuer with a key derived from `seed` (and the start time, so two emulators do
    /// not share a key).
    pub fn new(seed: u64, client_ids: Vec<String>, token_lifetime_s: i64, now: Millis) -> Issuer {
        let mut counter = 0u32;
        let key = loop {
            let mut h = Sha256::new();
            h.update(seed.to_be_bytes());
            h.update(now.to_be_bytes());
            h.update(std::process::id().to_be_bytes());
            h.update(counter.to_be_bytes());
            // Fails only for the zero scalar or one past the curve order: try the next.
            if let Ok(k) = SigningKey::from_slice(&h.finalize()) {
                break k;
            }
            counter += 1;
        };
        let point = key.verifying_key().to_encoded_point(false);
        let kid = b64(&Sha256::digest(point.as_bytes())[..8]);
        let mut rng_seed = [0u8; 8];
        rng_seed.copy_from_slice(&Sha256::digest(key.to_bytes())[..8]);
        Issuer {
            key,
            kid,
            client_ids,
            token_lifetime_s,
            rng: Mutex::new(Rng::new(u64::from_be_bytes(rng_seed))),
            state: Mutex::new(State::default()),
        }
    }

    /// An opaque random value (codes, refresh tokens, credentials).
    pub fn random(&self, bytes: usize) -> String {
        let mut rng = lock(&self.rng);
        let raw: Vec<u8> = (0..bytes).map(|_| rng.next_u64() as u8).collect();
        b64(&raw)
    }

    /// Random upper-case letters and digits, as AWS access key ids are made of.
    pub fn random_key_chars(&self, n: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let mut rng = lock(&self.rng);
        (0..n)
            .map(|_| ALPHABET[(rng.next_u64() % 32) as usize] as char)
            .collect()
    }

    /// `http://HOST/_emulator/oidc`: the issuer URL as reached at `host`; remembered as one
    /// STS trusts.
    pub fn issuer_url(&self, host: &str) -> String {
        let url = format!("http://{host}{PATH}");
        lock(&self.state).known.insert(url.clone());
        url
    }

    pub fn discovery(&self, issuer: &str) -> Value {
        json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{issuer}/authorize"),
            "token_endpoint": format!("{issuer}/token"),
            "jwks_uri": format!("{issuer}/jwks.json"),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["ES256"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["none"],
            "claims_supported": ["iss", "sub", "aud", "exp", "iat", "nonce", "email", "name"],
        })
    }

    /// Serves `/_emulator/oidc/...`; `host` is the request's Host header.
    pub fn handle(
        &self,
        method: &str,
        path: &str,
        query: &str,
        host: &str,
        body: &[u8],
        now: Millis,
    ) -> Answer {
        let issuer = self.issuer_url(host);
        let sub = path.strip_prefix(PATH).unwrap_or(path);
        match (method, sub) {
            ("GET" | "HEAD", "/.well-known/openid-configuration") => {
                Answer::json(200, self.discovery(&issuer))
            }
            ("GET" | "HEAD", "/jwks.json") => Answer::json(200, self.jwks()),
            ("GET", "/authorize") => self.authorize_page(&form(query.as_bytes())),
            ("POST", "/authorize") => self.authorize_decision(&form(body), &issuer, now),
            ("POST", "/token") => self.token(&form(body), now),
            ("POST", "/mint") => match parse_twist(body) {
                Ok(t) => {
                    let client = self.client_ids[0].clone();
                    let token = self.id_token(&issuer, &client, None, &t, now);
                    Answer::json(200, json!({"idToken": token}))
                }
                Err(e) => Answer::json(400, json!({"error": e})),
            },
            ("POST", "/next") => match parse_twist(body) {
                Ok(t) => {
                    let clear = t == Twist::default();
                    lock(&self.state).next = (!clear).then_some(t);
                    Answer::json(
                        200,
                        json!({"next": if clear { "normal tokens" } else { "twisted" }}),
                    )
                }
                Err(e) => Answer::json(400, json!({"error": e})),
            },
            _ => Answer::json(404, json!({"error": format!("not found: {path}")})),
        }
    }

    /// Checks an authorization request; `Err` is a page to show (RFC 6749 §4.1.2.1: a bad
    /// client or redirect URI is never redirected to).
    fn check_request<'a>(
        &self,
        p: &'a BTreeMap<String, String>,
    ) -> Result<&'a str, Result<Answer, Answer>> {
        let get = |k: &str| p.get(k).map(String::as_str).unwrap_or_default();
        let client = get("client_id");
        if !self.client_ids.iter().any(|c| c == client) {
            return Err(Err(Answer::html(
                400,
                page(&format!(
                    "<p>Unknown client_id <code>{}</code>: this issuer knows {}.</p>",
                    escape_html(client),
                    escape_html(&self.client_ids.join(", "))
                )),
            )));
        }
        let redirect = get("redirect_uri");
        if !(redirect.starts_with("http://") || redirect.starts_with("https://"))
            || redirect.contains('#')
        {
            return Err(Err(Answer::html(
                400,
                page("<p>redirect_uri must be an absolute http(s) URL without a fragment.</p>"),
            )));
        }
        let fail = |error: &str, why: &str| {
            Err(Ok(Answer::redirect(with_params(
                redirect,
                &[
                    ("error", error),
                    ("error_description", why),
                    ("state", get("state")),
                ],
            ))))
        };
        if get("response_type") != "code" {
            return fail("unsupported_response_type", "only response_type=code");
        }
        if get("code_challenge").len() < 43 || get("code_challenge_method") != "S256" {
            return fail(
                "invalid_request",
                "PKCE is required: code_challenge with code_challenge_method=S256",
            );
        }
        if !get("scope").split(' ').any(|s| s == "openid") {
            return fail("invalid_scope", "scope must include openid");
        }
        Ok(redirect)
    }

    fn authorize_page(&self, p: &BTreeMap<String, String>) -> Answer {
        if let Err(answer) = self.check_request(p) {
            return answer.unwrap_or_else(|a| a);
        }
        let hidden: String = p
            .iter()
            .map(|(k, v)| {
                format!(
                    "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                    escape_html(k),
                    escape_html(v)
                )
            })
            .collect();
        Answer::html(
            200,
            page(&format!(
                "<p>The emulator's test identity provider. Sign in as the demo user:</p>\
                 <p><strong>{DEMO_NAME}</strong> &lt;{DEMO_EMAIL}&gt;</p>\
                 <form method=\"post\" action=\"{PATH}/authorize\">{hidden}\
                 <button type=\"submit\" name=\"decision\" value=\"allow\">Sign in</button> \
                 <button type=\"submit\" name=\"decision\" value=\"deny\">Cancel</button></form>"
            )),
        )
    }

    fn authorize_decision(
        &self,
        p: &BTreeMap<String, String>,
        issuer: &str,
        now: Millis,
    ) -> Answer {
        let redirect = match self.check_request(p) {
            Ok(r) => r.to_string(),
            Err(answer) => return answer.unwrap_or_else(|a| a),
        };
        let state = p.get("state").cloned().unwrap_or_default();
        if p.get("decision").map(String::as_str) != Some("allow") {
            return Answer::redirect(with_params(
                &redirect,
                &[
                    ("error", "access_denied"),
                    ("error_description", "the person cancelled the sign-in"),
                    ("state", &state),
                ],
            ));
        }
        let code = self.random(24);
        let mut s = lock(&self.state);
        s.codes.retain(|_, c| c.expires > now);
        s.codes.insert(
            code.clone(),
            Pending {
                client_id: p["client_id"].clone(),
                redirect_uri: redirect.clone(),
                challenge: p["code_challenge"].clone(),
                nonce: p.get("nonce").cloned(),
                issuer: issuer.to_string(),
                expires: now + CODE_LIFETIME_MS,
            },
        );
        Answer::redirect(with_params(
            &redirect,
            &[("code", &code), ("state", &state)],
        ))
    }

    fn token(&self, p: &BTreeMap<String, String>, now: Millis) -> Answer {
        let get = |k: &str| p.get(k).map(String::as_str).unwrap_or_default();
        let (client_id, token_issuer, nonce, refresh) = match get("grant_type") {
            "authorization_code" => {
                let Some(pending) = lock(&self.state).codes.remove(get("code")) else {
                    return Answer::oauth_error(
                        "invalid_grant",
                        "the authorization code is unknown or was already used",
                    );
                };
                if pending.expires <= now {
                    return Answer::oauth_error("invalid_grant", "the authorization code expired");
                }
                if pending.client_id != get("client_id")
                    || pending.redirect_uri != get("redirect_uri")
                {
                    return Answer::oauth_error(
                        "invalid_grant",
                        "client_id or redirect_uri differ from the authorization request",
                    );
                }
                let verifier = get("code_verifier");
                if !(43..=128).contains(&verifier.len()) || s256(verifier) != pending.challenge {
                    return Answer::oauth_error(
                        "invalid_grant",
                        "code_verifier does not match the code_challenge (PKCE)",
                    );
                }
                let refresh = self.random(32);
                lock(&self.state).refresh.insert(
                    refresh.clone(),
                    Grant {
                        client_id: pending.client_id.clone(),
                        issuer: pending.issuer.clone(),
                    },
                );
                (pending.client_id, pending.issuer, pending.nonce, refresh)
            }
            "refresh_token" => {
                let token = get("refresh_token");
                let s = lock(&self.state);
                let Some(grant) = s.refresh.get(token) else {
                    return Answer::oauth_error("invalid_grant", "unknown refresh token");
                };
                if grant.client_id != get("client_id") {
                    return Answer::oauth_error(
                        "invalid_grant",
                        "the refresh token is another client's",
                    );
                }
                (
                    grant.client_id.clone(),
                    grant.issuer.clone(),
                    None,
                    token.to_string(),
                )
            }
            other => {
                return Answer::oauth_error(
                    "unsupported_grant_type",
                    &format!("grant_type {other:?}: authorization_code or refresh_token"),
                )
            }
        };
        let twist = lock(&self.state).next.clone().unwrap_or_default();
        let id_token = self.id_token(&token_issuer, &client_id, nonce.as_deref(), &twist, now);
        Answer::json(
            200,
            json!({
                "access_token": self.random(32),
                "token_type": "Bearer",
                "expires_in": twist.expires_in.unwrap_or(self.token_lifetime_s),
                "id_token": id_token,
                "refresh_token": refresh,
                "scope": "openid email profile",
            }),
        )
    }
}

fn parse_twist(body: &[u8]) -> Result<Twist, String> {
    let v: Value = if body.is_empty() {
        json!({})
    } else {
        serde_json::from_slice(body).map_err(|e| format!("body: {e}"))?
    };
    Twist::from_json(&v)
}

fn with_params(url: &str, params: &[(&str, &str)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        if !v.is_empty() {
            out.append_pair(k, v);
        }
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{}", out.finish())
}

fn page(content: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Emulator sign-in</title><link rel=\"icon\" href=\"data:,\"></head><body><h1>failover-emulator: test sign-in</h1>\
         {content}</body></html>"
    )
}

mod tokens;
use tokens::b64;
pub use tokens::s256;

#[cfg(test)]
mod tests;
