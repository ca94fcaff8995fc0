use super::*;

const FULL: &str = r#"{
  "environment": "prod",
  "regions": ["us-east-1", "eu-west-1"],
  "endpoints": {"memorydb": {"relay": "https://relay.example.net/"}},
  "signIn": {
    "issuer": "https://idp.example.com",
    "clientId": "failover-console",
    "roles": [
      {"arn": "arn:aws:iam::123456789012:role/failover-console-read-only", "label": "Read-only"},
      {"arn": "arn:aws:iam::123456789012:role/failover-console-operator"}
    ],
    "sessionSeconds": 1800
  },
  "thresholds": {"lagSeconds": 5},
  "requestTimeoutSeconds": 15
}"#;

fn problem(text: &str) -> (String, String) {
    let e = DeployConfig::parse(text).unwrap_err();
    (e.field, e.problem)
}

#[test]
fn a_full_config_reads_back() {
    let c = DeployConfig::parse(FULL).unwrap();
    assert_eq!(c.environment, "prod");
    assert_eq!(c.regions, ["us-east-1", "eu-west-1"]);
    assert_eq!(
        c.endpoints[&Service::MemoryDb],
        Endpoint::Relay("https://relay.example.net".into())
    );
    let o = c.endpoints[&Service::MemoryDb].endpoint_override(Service::MemoryDb);
    assert_eq!(
        o.url,
        "https://relay.example.net/memory-db.{region}.amazonaws.com/"
    );
    assert_eq!(o.sign_as, SignAs::AwsHost);
    let forms = c.override_forms();
    assert_eq!(forms.len(), 1);
    assert_eq!(forms["memorydb"].url, o.url);
    assert!(forms["memorydb"].sign_for_aws_host);
    let s = c.sign_in.as_ref().unwrap();
    assert_eq!(s.roles.len(), 2);
    assert_eq!(s.roles[1].label, "failover-console-operator");
    assert_eq!(s.session_seconds, 1800);
    assert_eq!(s.sts_region, "us-east-1");
    assert_eq!(s.scope, "openid email");
    assert_eq!(c.lag_threshold_s, Some(5.0));
    assert_eq!(c.request_timeout_s, Some(15));
}

#[test]
fn connect_src_is_exactly_what_the_config_reaches() {
    let c = DeployConfig::parse(FULL).unwrap();
    let origins = c.connect_origins();
    for expected in [
        "https://elasticache.us-east-1.amazonaws.com",
        "https://rds.eu-west-1.amazonaws.com",
        "https://monitoring.eu-west-1.amazonaws.com",
        "https://sts.us-east-1.amazonaws.com",
        "https://relay.example.net",
        "https://idp.example.com",
    ] {
        assert!(
            origins.iter().any(|o| o == expected),
            "{expected} in {origins:?}"
        );
    }
    // MemoryDB goes through the relay only; no region outside the config; no wildcard.
    assert!(
        !origins.iter().any(|o| o.contains("memory-db")),
        "{origins:?}"
    );
    assert!(!origins
        .iter()
        .any(|o| o.contains("us-west-2") || o.contains('*')));
    assert_eq!(origins.len(), 2 * 4 + 2, "{origins:?}");
    // An emulator for everything: its one origin, plus the issuer.
    let local = DeployConfig::parse(
        r#"{"environment":"drill","regions":["us-east-1"],
            "endpoints":{"elasticache":{"url":"http://127.0.0.1:4566"},"neptune":{"url":"http://127.0.0.1:4566"},
              "memorydb":{"url":"http://127.0.0.1:4566"},"cloudwatch":{"url":"http://127.0.0.1:4566"},
              "sts":{"url":"http://127.0.0.1:4566"}}}"#,
    )
    .unwrap();
    assert_eq!(local.connect_origins(), ["http://127.0.0.1:4566"]);
}

#[test]
fn mistakes_name_their_field() {
    assert_eq!(problem("{").0, "");
    assert!(problem("{").1.contains("not valid JSON (line 1"));
    assert_eq!(
        problem(r#"{"enviroment":"prod","regions":["us-east-1"]}"#).0,
        "enviroment"
    );
    assert_eq!(problem(r#"{"regions":["us-east-1"]}"#).0, "environment");
    assert_eq!(
        problem(r#"{"environment":"p","regions":["us-east-1","US East"]}"#),
        (
            "regions[1]".to_string(),
            "\"US East\" is not an AWS region name (e.g. us-east-1)".to_string()
        )
    );
    assert_eq!(problem(r#"{"environment":"p","regions":[]}"#).0, "regions");
    assert_eq!(
        problem(
            r#"{"environment":"p","regions":["us-east-1"],"endpoints":{"memorydb":{"relay":"http://relay.example.net"}}}"#
        )
        .0,
        "endpoints.memorydb.relay"
    );
    assert_eq!(
        problem(r#"{"environment":"p","regions":["us-east-1"],"endpoints":{"redis":{"url":"https://x"}}}"#)
            .0,
        "endpoints.redis"
    );
    let bad_role = FULL.replace("role/failover-console-operator", "user/bob");
    let (field, why) = problem(&bad_role);
    assert_eq!(field, "signIn.roles[1].arn");
    assert!(why.contains("is not an IAM role ARN"), "{why}");
    let (field, _) = problem(&FULL.replace("\"sessionSeconds\": 1800", "\"sessionSeconds\": 60"));
    assert_eq!(field, "signIn.sessionSeconds");
    let (field, _) = problem(&FULL.replace("\"clientId\": \"failover-console\",", ""));
    assert_eq!(field, "signIn.clientId");
    let (field, _) = problem(&FULL.replace("\"lagSeconds\": 5", "\"lagSeconds\": \"5\""));
    assert_eq!(field, "thresholds.lagSeconds");
    let e =
        DeployConfig::parse(&FULL.replace("\"lagSeconds\": 5", "\"lagSeconds\": -1")).unwrap_err();
    assert!(e
        .to_string()
        .starts_with("config.json: thresholds.lagSeconds: expected a number"));
}

#[test]
fn the_example_config_in_the_guide_is_valid() {
    let c = DeployConfig::parse(include_str!("../../deploy/config.example.json")).unwrap();
    assert_eq!(c.environment, "prod");
    assert_eq!(c.sign_in.unwrap().roles.len(), 2);
    // The rehearsal config (`FC_CONFIG=deploy/config.emulator.json scripts/run.sh`).
    let local = DeployConfig::parse(include_str!("../../deploy/config.emulator.json")).unwrap();
    assert_eq!(local.connect_origins(), ["http://127.0.0.1:4566"]);
}
