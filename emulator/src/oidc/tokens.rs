//! The issuer's tokens: ES256 ID tokens signed with its P-256 key, the JWKS that publishes
//! the key, and the verification STS does before assuming a role.

use super::{Issuer, Twist, DEMO_EMAIL, DEMO_NAME, DEMO_SUBJECT};
use crate::app::lock;
use crate::error::AwsError;
use crate::models::Millis;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, VerifyingKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub(super) fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `BASE64URL(SHA256(verifier))`, PKCE's S256 challenge.
pub fn s256(verifier: &str) -> String {
    b64(&Sha256::digest(verifier.as_bytes()))
}

impl Issuer {
    pub fn jwks(&self) -> Value {
        let point = self.key.verifying_key().to_encoded_point(false);
        json!({"keys": [{
            "kty": "EC",
            "crv": "P-256",
            "x": b64(point.x().map(|x| x.as_slice()).unwrap_or_default()),
            "y": b64(point.y().map(|y| y.as_slice()).unwrap_or_default()),
            "kid": self.kid,
            "use": "sig",
            "alg": "ES256",
        }]})
    }

    /// A signed ID token for the demo user.
    pub fn id_token(
        &self,
        issuer: &str,
        client_id: &str,
        nonce: Option<&str>,
        twist: &Twist,
        now: Millis,
    ) -> String {
        let now_s = now / 1000;
        let exp = now_s + twist.expires_in.unwrap_or(self.token_lifetime_s);
        let mut claims = json!({
            "iss": twist.issuer.as_deref().unwrap_or(issuer),
            "sub": DEMO_SUBJECT,
            "aud": twist.audience.as_deref().unwrap_or(client_id),
            "iat": now_s,
            "exp": exp,
            "email": DEMO_EMAIL,
            "name": DEMO_NAME,
        });
        if let Some(n) = nonce {
            claims["nonce"] = json!(n);
        }
        self.sign(&claims, twist.bad_signature)
    }

    fn sign(&self, claims: &Value, bad_signature: bool) -> String {
        let header = json!({"alg": "ES256", "kid": self.kid, "typ": "JWT"});
        let input = format!(
            "{}.{}",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        );
        let signature: Signature = self.key.sign(input.as_bytes());
        let mut sig = signature.to_bytes().to_vec();
        if bad_signature {
            sig[0] ^= 0x55;
        }
        format!("{input}.{}", b64(&sig))
    }

    /// Checks a web identity token as STS does before assuming a role: well formed, from an
    /// issuer it trusts, signed by that issuer's key, for a known client, not expired.
    /// Returns the claims.
    pub fn verify(&self, token: &str, now: Millis) -> Result<Value, AwsError> {
        let invalid = |why: &str| AwsError::InvalidIdentityToken(why.to_string());
        let mut parts = token.trim().split('.');
        let (Some(h), Some(p), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid(
                "The web identity token is not a JSON Web Token (three dot-separated parts).",
            ));
        };
        let decode = |part: &str| -> Option<Value> {
            let bytes = URL_SAFE_NO_PAD.decode(part).ok()?;
            serde_json::from_slice(&bytes).ok()
        };
        let (Some(header), Some(claims)) = (decode(h), decode(p)) else {
            return Err(invalid(
                "The web identity token's header or payload is not base64url-encoded JSON.",
            ));
        };
        let iss = claims["iss"].as_str().unwrap_or_default();
        if !lock(&self.state).known.contains(iss) {
            return Err(invalid(&format!(
                "No OpenIDConnect provider found in your account for {iss}"
            )));
        }
        if header["alg"] != "ES256" || header["kid"] != self.kid.as_str() {
            return Err(invalid(
                "Couldn't retrieve verification key from your identity provider: the token's kid or alg is not in its JWKS.",
            ));
        }
        let signature = URL_SAFE_NO_PAD
            .decode(s)
            .ok()
            .and_then(|b| Signature::from_slice(&b).ok());
        let input = format!("{h}.{p}");
        let verifying: &VerifyingKey = self.key.verifying_key();
        if signature.is_none_or(|sig| verifying.verify(input.as_bytes(), &sig).is_err()) {
            return Err(invalid(
                "The web identity token that was passed could not be validated by AWS: its signature does not match the identity provider's key. Get a new identity token from the identity provider and then retry the request.",
            ));
        }
        let aud_ok = match &claims["aud"] {
            Value::String(a) => self.client_ids.contains(a),
            Value::Array(list) => list.iter().any(|a| {
                a.as_str()
                    .is_some_and(|a| self.client_ids.iter().any(|c| c == a))
            }),
            _ => false,
        };
        if !aud_ok {
            return Err(invalid("Incorrect token audience"));
        }
        let exp = claims["exp"].as_i64().unwrap_or(0);
        let now_s = now / 1000;
        if now_s >= exp {
            return Err(AwsError::ExpiredWebIdentityToken(format!(
                "Token expired: current date/time {now_s} must be before the expiration date/time {exp}"
            )));
        }
        Ok(claims)
    }
}
