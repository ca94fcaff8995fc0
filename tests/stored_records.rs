//! Records stored by the build before serde (919813a) still load: a run in progress and a
//! settled one, and the session settings, read field by field and written back unchanged.

use failover_console::state::action::Action;
use failover_console::state::record::{Phase, Run};
use failover_console::state::session::SessionMeta;
use std::fs;

fn fixture(name: &str) -> String {
    fs::read_to_string(format!(
        "{}/tests/fixtures/stored/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn runs_stored_by_919813a_load_field_by_field() {
    let text = fixture("runs-919813a.json");
    let runs = Run::list_from_json(&text);
    assert_eq!(runs.len(), 2);

    let settled = &runs[0];
    assert_eq!(settled.id, "run-1796348851033-0");
    assert_eq!(
        settled.action,
        Action::PromoteSecondary {
            datastore: "ldgnf-checkout-sessions".into(),
            target_group: "checkout-sessions-euw1".into(),
            target_region: "eu-west-1".into(),
        }
    );
    assert_eq!(settled.who, "access key …0001 · account 123456789012");
    assert_eq!(settled.started_at, 1_796_348_851_033);
    assert_eq!(settled.accepted_at, Some(1_796_348_851_102));
    assert_eq!(settled.settled_at, Some(1_796_348_863_245));
    assert_eq!(settled.phase, Phase::Settled);
    assert_eq!(settled.writer_before, "checkout-sessions-use1");
    assert_eq!(
        settled.writer_expected.as_deref(),
        Some("checkout-sessions-euw1")
    );
    assert_eq!(settled.last.status, "available");
    assert_eq!(settled.last.writer, "checkout-sessions-euw1");
    assert!(!settled.last.pending);
    assert!(settled.seen_change);
    assert_eq!(settled.history.len(), 2);
    assert_eq!(settled.history[0].status, "modifying");
    assert_eq!(settled.events.len(), 3);
    assert!(settled.events[2].message.contains("completed"));
    assert_eq!(settled.connection, None);
    assert_eq!(settled.error, None);
    assert_eq!(
        settled.result.as_deref(),
        Some("checkout-sessions-euw1 (eu-west-1) is primary; status available")
    );
    assert_eq!(settled.polls, 13);
    assert_eq!(settled.time_to_settle(), Some(12_143));

    let running = &runs[1];
    assert_eq!(running.phase, Phase::Changing);
    assert_eq!(running.settled_at, None);
    assert_eq!(running.result, None);
    assert_eq!(running.polls, 2);
    // Still in progress: it is polled again after the upgrade.
    assert!(running.next_poll(running.started_at + 5_000).is_some());
}

#[test]
fn what_today_writes_is_what_919813a_wrote() {
    let text = fixture("runs-919813a.json");
    let runs = Run::list_from_json(&text);
    let ours: serde_json::Value = serde_json::from_str(&Run::list_to_json(&runs)).unwrap();
    let theirs: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(ours, theirs);
    // The field order is the same too, so the two builds' texts compare equal.
    assert_eq!(Run::list_to_json(&runs), text.trim_end());
}

#[test]
fn session_settings_stored_by_919813a_load() {
    let text = fixture("session-meta-919813a.json");
    let meta = SessionMeta::from_json(&text).unwrap();
    assert_eq!(meta.regions, ["us-east-1", "us-west-2", "eu-west-1"]);
    assert_eq!(meta.preset.as_deref(), Some("emulator"));
    assert_eq!(meta.key_hint, "…0001");
    assert_eq!(meta.overrides.len(), 3);
    let neptune = &meta.overrides["neptune"];
    assert_eq!(neptune.url, "http://127.0.0.1:41447");
    assert!(!neptune.sign_for_aws_host);
    assert_eq!(meta.to_json(), text.trim_end());
}

#[test]
fn every_action_kind_and_outcome_stored_by_919813a_loads() {
    let text = fixture("runs-every-kind-919813a.json");
    let runs = Run::list_from_json(&text);
    // Nothing dropped: seven runs, one per action form (both switchover APIs).
    assert_eq!(runs.len(), 7);
    let kinds: Vec<String> = runs
        .iter()
        .map(|r| {
            serde_json::to_value(&r.action).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "promote-secondary",
            "create-global-datastore",
            "test-failover",
            "neptune-failover",
            "neptune-switchover",
            "neptune-switchover",
            "memory-db-failover-shard",
        ]
    );
    assert!(matches!(
        runs[4].action,
        Action::NeptuneSwitchover {
            via_failover_api: true,
            ..
        }
    ));
    assert!(matches!(
        runs[5].action,
        Action::NeptuneSwitchover {
            via_failover_api: false,
            ..
        }
    ));

    // In progress with a lost connection: the connection error comes back whole.
    let lost = &runs[0];
    assert_eq!(lost.phase, Phase::Changing);
    assert!(lost.last.pending);
    let connection = lost.connection.as_ref().expect("the lost connection");
    assert_eq!(connection.code.as_deref(), Some("Throttling"));
    assert_eq!(connection.request_id.as_deref(), Some("req-1"));
    assert_eq!(connection.category, "throttling");
    assert_eq!(lost.events[0].message, "Failover \"started\"");

    // Refused: the error, no acceptance.
    let refused = &runs[1];
    assert_eq!(refused.phase, Phase::Rejected);
    assert_eq!(refused.accepted_at, None);
    let error = refused.error.as_ref().expect("the refusal");
    assert_eq!(
        error.code.as_deref(),
        Some("InvalidGlobalReplicationGroupState")
    );
    assert_eq!(error.category, "invalid-state");

    // Settled: its time to settle as recorded.
    let settled = &runs[2];
    assert_eq!(settled.phase, Phase::Settled);
    assert_eq!(settled.time_to_settle(), Some(9_000));
    assert_eq!(settled.last.writer, "writer-after");

    assert_eq!(Run::list_to_json(&runs), text.trim_end());
}

#[test]
fn the_kept_session_stored_by_919813a_loads() {
    use failover_console::state::session::ConnectRequest;
    let text = fixture("session-secret-919813a.json");
    let req = ConnectRequest::from_json(&text).unwrap();
    assert_eq!(req.access_key_id, "ASIAEXAMPLEKEY000001");
    assert_eq!(req.secret_access_key, "example-secret-not-for-aws");
    assert_eq!(req.session_token.as_deref(), Some("example-session-token"));
    assert_eq!(req.expiration, Some(1_796_003_600_000));
    assert_eq!(req.regions, ["us-east-1", "eu-west-1"]);
    assert_eq!(req.preset, None);
    assert!(req.keep_in_session_storage);
    let relay = &req.overrides["memorydb"];
    assert_eq!(relay.url, "https://relay.example/{region}");
    assert!(relay.sign_for_aws_host);
    assert_eq!(req.to_json(), text.trim_end());
}
