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
