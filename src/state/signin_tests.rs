use super::*;

fn sign_in() -> SignIn {
    SignIn {
        issuer: "https://idp.example.com".into(),
        client_id: "failover-console".into(),
        roles: Vec::new(),
        session_seconds: 3600,
        sts_region: "us-east-1".into(),
        scope: "openid email".into(),
        token_endpoint: None,
        authorization_endpoint: None,
    }
}

#[test]
fn pkce_challenge_is_rfc_7636s() {
    // RFC 7636, appendix B.
    assert_eq!(
        challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
    assert_eq!(random_token(32).len(), 43);
}

#[test]
fn the_authorization_request_carries_pkce_state_and_nonce() {
    let pending = Pending {
        state: "st".into(),
        verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into(),
        nonce: "nn".into(),
        role_arn: "arn:aws:iam::123456789012:role/r".into(),
        redirect_uri: "https://console.example/".into(),
        token_endpoint: "https://idp.example.com/token".into(),
    };
    let url = authorize_url("https://idp.example.com/authorize", &sign_in(), &pending);
    assert_eq!(
        url,
        "https://idp.example.com/authorize?response_type=code&client_id=failover-console\
         &redirect_uri=https%3A%2F%2Fconsole.example%2F&scope=openid%20email&state=st&nonce=nn\
         &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
    );
}

#[test]
fn callbacks_are_told_apart() {
    assert_eq!(
        parse_callback("?code=abc%2Bd&state=s1"),
        Some(Callback::Code {
            code: "abc+d".into(),
            state: "s1".into()
        })
    );
    assert_eq!(
        parse_callback("?error=access_denied&error_description=the+person+cancelled&state=s1"),
        Some(Callback::Error {
            error: "access_denied".into(),
            description: "the person cancelled".into(),
            state: "s1".into()
        })
    );
    // A console URL with a query of its own is no callback.
    assert_eq!(parse_callback("?connect=emulator"), None);
    assert_eq!(parse_callback("?code=abc"), None);
}

#[test]
fn session_names_are_what_sts_accepts() {
    let c = serde_json::json!({"email": "on call@example.com", "sub": "x"});
    assert_eq!(session_name(Some(&c)), "on-call@example.com");
    assert_eq!(session_name(Some(&serde_json::json!({"sub": "a"}))), "a-");
    assert_eq!(session_name(None), "failover-console");
    let long = serde_json::json!({"sub": "s".repeat(100)});
    assert_eq!(session_name(Some(&long)).len(), 64);
    // The payload of a JWT, read without verifying (STS verifies).
    let token = format!(
        "e30.{}.sig",
        URL_SAFE_NO_PAD.encode(br#"{"email":"oncall@example.com","exp":5}"#)
    );
    assert_eq!(claims(&token).unwrap()["exp"], 5);
    assert!(claims("garbage").is_none());
}

#[test]
fn renewal_starts_before_expiry_and_the_countdown_shows_the_last_five_minutes() {
    let hour = 3_600_000;
    assert_eq!(renew_at(10 * hour, hour), 10 * hour - RENEW_MARGIN_MS);
    // Short-lived credentials (a 60 s test lifetime) renew with 20 s left.
    assert_eq!(renew_at(100_000, 60_000), 80_000);
    assert_eq!(countdown(10 * hour, 0), None);
    assert_eq!(countdown(300_000, 0).as_deref(), Some("5:00"));
    assert_eq!(countdown(61_500, 0).as_deref(), Some("1:02"));
    assert_eq!(countdown(0, 5_000).as_deref(), Some("0:00"));
}

#[test]
fn token_answers_and_provider_errors_read_plainly() {
    assert_eq!(
        parse_token_answer(200, r#"{"id_token":"a.b.c","refresh_token":"r"}"#).unwrap(),
        ("a.b.c".to_string(), Some("r".to_string()))
    );
    let e = parse_token_answer(
        400,
        r#"{"error":"invalid_grant","error_description":"code_verifier does not match"}"#,
    )
    .unwrap_err();
    assert_eq!(
        e,
        "the identity provider refused: invalid_grant (code_verifier does not match)"
    );
    assert!(parse_token_answer(502, "<html>")
        .unwrap_err()
        .contains("HTTP 502"));
}
