use super::*;
use crate::error::AwsError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

const NOW: Millis = 1_800_000_000_000;
const HOST: &str = "127.0.0.1:4566";

fn issuer() -> Issuer {
    Issuer::new(7, vec![DEFAULT_CLIENT_ID.into()], 60, NOW)
}

fn body_json(a: &Answer) -> Value {
    serde_json::from_slice(&a.body).unwrap()
}

fn location(a: &Answer) -> String {
    a.headers
        .iter()
        .find(|(k, _)| *k == "location")
        .map(|(_, v)| v.clone())
        .unwrap()
}

fn param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Signs in through the authorize form and returns the code.
fn code_for(i: &Issuer, verifier: &str) -> String {
    let body = format!(
        "response_type=code&client_id={DEFAULT_CLIENT_ID}&redirect_uri=http%3A%2F%2Fconsole.test%2F&scope=openid&state=s1&code_challenge={}&code_challenge_method=S256&decision=allow",
        s256(verifier)
    );
    let a = i.handle(
        "POST",
        "/_emulator/oidc/authorize",
        "",
        HOST,
        body.as_bytes(),
        NOW,
    );
    assert_eq!(a.status, 302);
    let to = location(&a);
    assert!(to.starts_with("http://console.test/?code="), "{to}");
    assert_eq!(param(&to, "state").as_deref(), Some("s1"));
    param(&to, "code").unwrap()
}

fn exchange(i: &Issuer, code: &str, verifier: &str) -> Answer {
    let body = format!(
        "grant_type=authorization_code&code={code}&client_id={DEFAULT_CLIENT_ID}&redirect_uri=http%3A%2F%2Fconsole.test%2F&code_verifier={verifier}"
    );
    i.handle(
        "POST",
        "/_emulator/oidc/token",
        "",
        HOST,
        body.as_bytes(),
        NOW + 1000,
    )
}

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

#[test]
fn the_code_flow_with_pkce_gives_a_token_sts_accepts() {
    let i = issuer();
    let discovery = body_json(&i.handle(
        "GET",
        "/_emulator/oidc/.well-known/openid-configuration",
        "",
        HOST,
        b"",
        NOW,
    ));
    assert_eq!(discovery["issuer"], "http://127.0.0.1:4566/_emulator/oidc");
    assert_eq!(discovery["code_challenge_methods_supported"][0], "S256");
    // RFC 7636's appendix B example.
    assert_eq!(
        s256(VERIFIER),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
    let code = code_for(&i, VERIFIER);
    let a = exchange(&i, &code, VERIFIER);
    assert_eq!(a.status, 200);
    let tokens = body_json(&a);
    let claims = i
        .verify(tokens["id_token"].as_str().unwrap(), NOW + 2000)
        .unwrap();
    assert_eq!(claims["sub"], DEMO_SUBJECT);
    assert_eq!(claims["aud"], DEFAULT_CLIENT_ID);
    assert_eq!(claims["exp"].as_i64().unwrap(), NOW / 1000 + 1 + 60);
    // A code is good once.
    assert_eq!(exchange(&i, &code, VERIFIER).status, 400);
    // The refresh grant gives a new token.
    let body = format!(
        "grant_type=refresh_token&refresh_token={}&client_id={DEFAULT_CLIENT_ID}",
        tokens["refresh_token"].as_str().unwrap()
    );
    let a = i.handle(
        "POST",
        "/_emulator/oidc/token",
        "",
        HOST,
        body.as_bytes(),
        NOW + 50_000,
    );
    let again = body_json(&a)["id_token"].as_str().unwrap().to_string();
    assert!(i.verify(&again, NOW + 100_000).is_ok());
}

#[test]
fn a_wrong_verifier_or_missing_pkce_is_refused() {
    let i = issuer();
    let code = code_for(&i, VERIFIER);
    let a = exchange(&i, &code, "x".repeat(43).as_str());
    assert_eq!(a.status, 400);
    assert_eq!(body_json(&a)["error"], "invalid_grant");
    let a = i.handle(
        "GET",
        "/_emulator/oidc/authorize",
        "response_type=code&client_id=failover-console&redirect_uri=http%3A%2F%2Fc%2F&scope=openid&state=z",
        HOST,
        b"",
        NOW,
    );
    assert_eq!(a.status, 302);
    assert_eq!(
        param(&location(&a), "error").as_deref(),
        Some("invalid_request")
    );
    // An unknown client is never redirected to.
    let a = i.handle(
        "GET",
        "/_emulator/oidc/authorize",
        "response_type=code&client_id=other&redirect_uri=http%3A%2F%2Fc%2F",
        HOST,
        b"",
        NOW,
    );
    assert_eq!(a.status, 400);
}

#[test]
fn sts_refuses_tokens_as_sts_does() {
    let i = issuer();
    let iss = i.issuer_url(HOST);
    let mint = |t: Twist| i.id_token(&iss, DEFAULT_CLIENT_ID, None, &t, NOW);
    let code = |r: Result<Value, AwsError>| r.unwrap_err().query_code();
    assert!(i.verify(&mint(Twist::default()), NOW).is_ok());
    let wrong_aud = mint(Twist {
        audience: Some("someone-else".into()),
        ..Twist::default()
    });
    let e = i.verify(&wrong_aud, NOW).unwrap_err();
    assert_eq!(e.query_code(), "InvalidIdentityToken");
    assert_eq!(e.message(), "Incorrect token audience");
    let expired = mint(Twist {
        expires_in: Some(-5),
        ..Twist::default()
    });
    assert_eq!(code(i.verify(&expired, NOW)), "ExpiredTokenException");
    // Past its exp a good token is expired too.
    assert_eq!(
        code(i.verify(&mint(Twist::default()), NOW + 61_000)),
        "ExpiredTokenException"
    );
    let forged = mint(Twist {
        bad_signature: true,
        ..Twist::default()
    });
    assert_eq!(code(i.verify(&forged, NOW)), "InvalidIdentityToken");
    let elsewhere = mint(Twist {
        issuer: Some("https://idp.example".into()),
        ..Twist::default()
    });
    let e = i.verify(&elsewhere, NOW).unwrap_err();
    assert!(e.message().contains("https://idp.example"), "{e}");
    assert_eq!(code(i.verify("not.a-token", NOW)), "InvalidIdentityToken");
    // Another issuer's key (same claims) does not verify.
    let other = Issuer::new(8, vec![DEFAULT_CLIENT_ID.into()], 60, NOW);
    other.issuer_url(HOST);
    let theirs = other.id_token(&iss, DEFAULT_CLIENT_ID, None, &Twist::default(), NOW);
    assert_eq!(code(i.verify(&theirs, NOW)), "InvalidIdentityToken");
}

#[test]
fn the_jwks_names_the_signing_key() {
    let i = issuer();
    let jwks = i.jwks();
    let k = &jwks["keys"][0];
    assert_eq!(k["kty"], "EC");
    assert_eq!(k["crv"], "P-256");
    assert_eq!(k["kid"], i.kid.as_str());
    assert_eq!(
        URL_SAFE_NO_PAD
            .decode(k["x"].as_str().unwrap())
            .unwrap()
            .len(),
        32
    );
}
