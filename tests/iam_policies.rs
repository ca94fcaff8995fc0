//! The IAM policies in deploy/iam/ grant exactly what the console calls: the read-only one
//! every list, describe and metric read and no change; the operator one those and every
//! failover call. The operations are the ones the client's golden vectors cover
//! (tests/vectors/serialization/<service>/<Operation>*.json: one per operation the console
//! sends, checked by tests/serialization_vectors.rs); STS `GetCallerIdentity` needs no
//! permission.

use serde_json::Value;
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `elasticache:TestFailover`, ... for every operation the console sends.
fn called() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (dir, prefix) in [
        ("elasticache", "elasticache"),
        ("neptune", "rds"),
        ("memorydb", "memorydb"),
        ("cloudwatch", "cloudwatch"),
    ] {
        for entry in fs::read_dir(root().join("tests/vectors/serialization").join(dir)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().to_string();
            let operation = name.split('.').next().unwrap().to_string();
            out.insert(format!("{prefix}:{operation}"));
        }
    }
    out
}

fn is_read(action: &str) -> bool {
    let op = action.split(':').nth(1).unwrap();
    ["Describe", "Get", "List"]
        .iter()
        .any(|p| op.starts_with(p))
}

/// Every action the policy allows; fails on a wildcard action, a Deny or a NotAction.
fn allowed(file: &str) -> BTreeSet<String> {
    let text = fs::read_to_string(root().join("deploy/iam").join(file)).unwrap();
    let policy: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert_eq!(policy["Version"], "2012-10-17", "{file}");
    let mut out = BTreeSet::new();
    for s in policy["Statement"].as_array().unwrap() {
        assert_eq!(s["Effect"], "Allow", "{file}: {s}");
        assert!(s.get("NotAction").is_none(), "{file}: NotAction");
        for a in s["Action"].as_array().unwrap() {
            let a = a.as_str().unwrap();
            assert!(!a.contains('*'), "{file}: wildcard action {a}");
            assert!(out.insert(a.to_string()), "{file}: {a} listed twice");
        }
    }
    out
}

#[test]
fn the_read_only_policy_allows_every_read_and_no_change() {
    let calls = called();
    let reads: BTreeSet<String> = calls.iter().filter(|a| is_read(a)).cloned().collect();
    assert!(reads.contains("cloudwatch:GetMetricData"), "{reads:?}");
    assert_eq!(allowed("failover-console-read-only.json"), reads);
}

#[test]
fn the_operator_policy_allows_exactly_what_the_console_calls() {
    let calls = called();
    assert_eq!(
        calls.len(),
        17,
        "one per operation of the client: {calls:?}"
    );
    assert!(calls.iter().any(|a| !is_read(a)));
    assert_eq!(allowed("failover-console-operator.json"), calls);
}
