//! SigV4 verification against vectors signed by botocore 1.44.5 (tests/sigv4_vectors).

use super::*;
use serde_json::Value;

struct Store(Vec<Credential>, Vec<String>);

impl CredentialStore for Store {
    fn lookup(&self, id: &str) -> Option<&Credential> {
        self.0.iter().find(|c| c.access_key_id == id)
    }
    fn is_expired(&self, id: &str) -> bool {
        self.1.iter().any(|k| k == id)
    }
}

struct Vector {
    name: String,
    secret: String,
    token: Option<String>,
    headers: Vec<(String, String)>,
    body: String,
    now: Millis,
}

fn vectors() -> Vec<Vector> {
    let text = include_str!("../tests/sigv4_vectors/botocore.json");
    let all: Vec<Value> = serde_json::from_str(text).unwrap();
    all.iter()
        .map(|v| Vector {
            name: v["name"].as_str().unwrap().into(),
            secret: v["secret"].as_str().unwrap().into(),
            token: v["session_token"].as_str().map(Into::into),
            headers: v["headers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| (h[0].as_str().unwrap().into(), h[1].as_str().unwrap().into()))
                .collect(),
            body: v["body"].as_str().unwrap().into(),
            now: timefmt::parse_amz(v["now"].as_str().unwrap()).unwrap(),
        })
        .collect()
}

fn store_for(v: &Vector) -> Store {
    Store(
        vec![Credential {
            access_key_id: "AKIAEMULATORDEMO0001".into(),
            secret_access_key: v.secret.clone(),
            session_token: v.token.clone(),
        }],
        vec![],
    )
}

fn check(
    v: &Vector,
    headers: &[(String, String)],
    store: &Store,
    now: Millis,
) -> Result<Scope, AwsError> {
    let req = RequestParts {
        method: "POST",
        path: "/",
        query: "",
        headers,
        body: v.body.as_bytes(),
    };
    verify(&req, store, now)
}

#[test]
fn botocore_vectors_verify() {
    for v in vectors() {
        let scope = check(&v, &v.headers, &store_for(&v), v.now)
            .unwrap_or_else(|e| panic!("{}: {e}", v.name));
        assert_eq!(scope.access_key_id, "AKIAEMULATORDEMO0001", "{}", v.name);
    }
}

#[test]
fn tampered_body_or_wrong_secret_is_signature_does_not_match() {
    for v in vectors() {
        let mut tampered = Vector {
            body: format!("{}x", v.body),
            ..v
        };
        let err = check(
            &tampered,
            &tampered.headers,
            &store_for(&tampered),
            tampered.now,
        )
        .unwrap_err();
        assert_eq!(err.query_code(), "SignatureDoesNotMatch");
        tampered.body.pop();
        tampered.secret = "wrong".into();
        let err = check(
            &tampered,
            &tampered.headers,
            &store_for(&tampered),
            tampered.now,
        )
        .unwrap_err();
        assert_eq!(err.json_type(), "InvalidSignatureException");
    }
}

#[test]
fn clock_skew_reports_signature_expired_like_aws() {
    let v = vectors().remove(0);
    let now = timefmt::parse_amz("20240101T001000Z").unwrap();
    let err = check(&v, &v.headers, &store_for(&v), now).unwrap_err();
    assert_eq!(
        err,
        AwsError::SignatureDoesNotMatch(
            "Signature expired: 20240101T000000Z is now earlier than 20240101T000500Z (20240101T001000Z - 5 min.)".into()
        )
    );
    let early = timefmt::parse_amz("20231231T235000Z").unwrap();
    let err = check(&v, &v.headers, &store_for(&v), early).unwrap_err();
    assert!(err.message().starts_with("Signature not yet current"));
}

#[test]
fn unknown_key_missing_header_and_expired_token() {
    let v = vectors().remove(0);
    let empty = Store(vec![], vec![]);
    assert_eq!(
        check(&v, &v.headers, &empty, v.now),
        Err(AwsError::InvalidClientTokenId)
    );
    let no_auth: Vec<_> = v
        .headers
        .iter()
        .filter(|(n, _)| n != "authorization")
        .cloned()
        .collect();
    assert_eq!(
        check(&v, &no_auth, &store_for(&v), v.now),
        Err(AwsError::MissingAuthenticationToken)
    );
    let mut expired = store_for(&v);
    expired.1.push("AKIAEMULATORDEMO0001".into());
    assert_eq!(
        check(&v, &v.headers, &expired, v.now),
        Err(AwsError::ExpiredToken)
    );
}

#[test]
fn session_token_must_match_when_configured() {
    let v = vectors().into_iter().find(|v| v.token.is_some()).unwrap();
    let mut other = store_for(&v);
    other.0[0].session_token = Some("another-token".into());
    assert_eq!(
        check(&v, &v.headers, &other, v.now),
        Err(AwsError::InvalidClientTokenId)
    );
}

#[test]
fn host_must_be_signed() {
    let v = vectors().remove(0);
    let headers: Vec<_> = v
        .headers
        .iter()
        .map(|(n, val)| {
            let val = if n == "authorization" {
                val.replace("content-type;host;x-amz-date", "content-type;x-amz-date")
            } else {
                val.clone()
            };
            (n.clone(), val)
        })
        .collect();
    let err = check(&v, &headers, &store_for(&v), v.now).unwrap_err();
    assert_eq!(err.query_code(), "IncompleteSignature");
}

#[test]
fn malformed_authorization_headers_are_incomplete_signature() {
    for bad in [
        "AWS4-HMAC-SHA256",
        "AWS4-HMAC-SHA256 Credential=AK/20240101/us-east-1/elasticache",
        "AWS4-HMAC-SHA256 Credential=AK/20240101/us-east-1/rds/aws4_request, Signature=ab",
        "AWS AK:sig",
    ] {
        let err = parse_authorization(Some(bad)).unwrap_err();
        assert_eq!(err.query_code(), "IncompleteSignature", "{bad}");
        assert_eq!(err.query_status(), 400);
    }
}

#[test]
fn canonical_query_sorts_and_encodes() {
    assert_eq!(canonical_query("b=2&a=x%20y&a=1"), "a=1&a=x%20y&b=2");
    assert_eq!(canonical_query(""), "");
}

proptest::proptest! {
    #[test]
    fn arbitrary_authorization_headers_never_panic(s in ".{0,200}") {
        let _ = parse_authorization(Some(&s));
        let _ = canonical_query(&s);
        let _ = percent_decode(&s);
    }
}

#[test]
fn regions_of_aws_hosts() {
    assert_eq!(
        region_of_aws_host("elasticache.us-east-1.amazonaws.com"),
        Some("us-east-1")
    );
    assert_eq!(
        region_of_aws_host("memory-db.eu-west-1.amazonaws.com:443"),
        Some("eu-west-1")
    );
    assert_eq!(
        region_of_aws_host("rds.cn-north-1.amazonaws.com.cn"),
        Some("cn-north-1")
    );
    assert_eq!(region_of_aws_host("127.0.0.1:4566"), None);
    assert_eq!(region_of_aws_host("localhost"), None);
}

/// Signed for one region and sent with the AWS host of another: refused before the signature
/// is computed, with AWS's code and the scope's region named. (A scope region that is no region
/// at all is refused in aws.rs: tests/emulator/test_auth_cors.py.)
#[test]
fn scope_region_must_match_an_aws_host() {
    let v = vectors().remove(0);
    let with = |from: &str, to: &str, header: &str| -> Vec<(String, String)> {
        v.headers
            .iter()
            .map(|(k, val)| {
                if k.eq_ignore_ascii_case(header) {
                    (k.clone(), val.replace(from, to))
                } else {
                    (k.clone(), val.clone())
                }
            })
            .collect()
    };
    // Signed for us-east-1, sent with the host of another region's endpoint.
    let other_host = with(
        "127.0.0.1:4566",
        "elasticache.us-west-2.amazonaws.com",
        "host",
    );
    let err = check(&v, &other_host, &store_for(&v), v.now).unwrap_err();
    assert_eq!(err.query_code(), "SignatureDoesNotMatch");
    assert_eq!(
        err.message(),
        "Credential should be scoped to a valid region, not 'us-east-1'."
    );
}
