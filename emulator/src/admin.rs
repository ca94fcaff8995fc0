//! The `/_emulator/*` endpoints: health, console config, full state, call log, token expiry.

use crate::app::{lock, App};
use crate::cli::{DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY};
use crate::models::{Millis, World};
use crate::timefmt::iso;
use serde_json::{json, Value};

/// (status, JSON body) for an `/_emulator/...` request.
pub fn handle(
    app: &App,
    method: &str,
    path: &str,
    host: Option<&str>,
    body: &[u8],
    now: Millis,
) -> (u16, Value) {
    match (method, path) {
        ("GET" | "HEAD", "/_emulator/health") => (200, json!({"status": "ok"})),
        ("GET" | "HEAD", "/_emulator/config.json") => (200, config(app, host)),
        ("GET" | "HEAD", "/_emulator/state") => {
            let mut w = lock(&app.world);
            w.advance(now);
            (200, state(&w, now))
        }
        ("GET" | "HEAD", "/_emulator/calls") => {
            let w = lock(&app.world);
            let calls: Vec<Value> = w
                .calls
                .iter()
                .map(|c| {
                    json!({
                        "time": iso(c.at),
                        "service": c.service,
                        "region": c.region,
                        "action": c.action,
                        "params": c.params,
                        "result": c.result,
                        "requestId": c.request_id,
                    })
                })
                .collect();
            (200, Value::Array(calls))
        }
        ("GET" | "HEAD", "/_emulator/faults") => (200, faults_json(app)),
        // {"regionDown": ["us-east-1"]}: those regions' endpoints stop answering (a drill
        // takes a region down mid-session), their calls closed at once; {"regionHang": [...]}
        // holds them open unanswered instead. [] (or a missing list) brings them back.
        ("POST", "/_emulator/faults") => {
            let body = serde_json::from_slice::<Value>(body).ok();
            let list = |key: &str| {
                body.as_ref()
                    .and_then(|v| v.get(key))
                    .map(|v| v.as_array().cloned().ok_or(()))
            };
            let (down, hang) = (list("regionDown"), list("regionHang"));
            if down.is_none() && hang.is_none()
                || matches!(down, Some(Err(_)))
                || matches!(hang, Some(Err(_)))
            {
                return (
                    400,
                    json!({"error": "expected a JSON body {\"regionDown\": [\"us-east-1\", ...]} and/or {\"regionHang\": [...]}"}),
                );
            }
            let mut sets = [
                std::collections::BTreeSet::new(),
                std::collections::BTreeSet::new(),
            ];
            for (set, asked) in sets.iter_mut().zip([down, hang]) {
                for r in asked.and_then(Result::ok).unwrap_or_default() {
                    match r.as_str().filter(|r| crate::models::is_valid_region(r)) {
                        Some(r) => {
                            set.insert(r.to_string());
                        }
                        None => return (400, json!({"error": format!("not a region name: {r}")})),
                    }
                }
            }
            let [down, hang] = sets;
            lock(&app.world).set_regions_down(down, hang, now);
            (200, faults_json(app))
        }
        ("GET" | "HEAD", "/_emulator/lag") => (200, lag_json(&lock(&app.world))),
        // {"checkout-sessions-euw1": "growing"}: sets secondaries' lag profiles (steady,
        // spiky, growing, zero), as `--lag` does at start.
        ("POST", "/_emulator/lag") => {
            let Some(Value::Object(asked)) = serde_json::from_slice::<Value>(body).ok() else {
                return (
                    400,
                    json!({"error": "expected a JSON body {\"<secondary id>\": \"steady|spiky|growing|zero\"}"}),
                );
            };
            let mut parsed = Vec::new();
            for (id, p) in &asked {
                match p.as_str().map(crate::models::metrics::LagProfile::parse) {
                    Some(Ok(p)) => parsed.push((id.clone(), p)),
                    Some(Err(e)) => return (400, json!({"error": e})),
                    None => {
                        return (
                            400,
                            json!({"error": format!("{id}: expected a profile name")}),
                        )
                    }
                }
            }
            let mut w = lock(&app.world);
            for (id, p) in parsed {
                w.lag.set_profile(&id, p, now);
            }
            (200, lag_json(&w))
        }
        ("POST", "/_emulator/credentials/expire" | "/_emulator/credentials/restore") => {
            let key = serde_json::from_slice::<Value>(body).ok().and_then(|v| {
                v.get("accessKeyId")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            });
            let Some(key) = key else {
                return (
                    400,
                    json!({"error": "expected a JSON body {\"accessKeyId\": \"...\"}"}),
                );
            };
            if !app.credentials.iter().any(|c| c.access_key_id == key) {
                return (404, json!({"error": format!("unknown access key {key}")}));
            }
            let expire = path.ends_with("/expire");
            let mut expired = lock(&app.expired);
            if expire {
                expired.insert(key.clone());
            } else {
                expired.remove(&key);
            }
            (200, json!({"accessKeyId": key, "expired": expire}))
        }
        (
            _,
            "/_emulator/health"
            | "/_emulator/config.json"
            | "/_emulator/state"
            | "/_emulator/calls"
            | "/_emulator/faults"
            | "/_emulator/lag",
        ) => (405, json!({"error": "method not allowed"})),
        _ => (
            404,
            json!({"error": format!("no such emulator endpoint: {path}")}),
        ),
    }
}

fn config(app: &App, host: Option<&str>) -> Value {
    let w = lock(&app.world);
    let mut v = json!({
        "endpoint": format!("http://{}", host.unwrap_or("127.0.0.1:4566")),
        "regions": w.regions,
        "accountId": crate::models::ACCOUNT_ID,
    });
    if app.demo {
        v["demo"] = json!({
            "accessKeyId": DEMO_ACCESS_KEY_ID,
            "secretAccessKey": DEMO_SECRET_ACCESS_KEY,
        });
    }
    v
}

/// When a running operation started and when its last step is due.
fn window(started: Millis, ends: Millis) -> Value {
    json!({"startedAt": iso(started), "endsAt": iso(ends)})
}

/// Every resource, including what the APIs hide (MemoryDB node roles).
pub fn state(w: &World, now: Millis) -> Value {
    let ec = &w.elasticache;
    let rgs: Vec<Value> = ec
        .replication_groups
        .values()
        .map(|rg| {
            let global = ec.global_role(rg);
            json!({
                "region": rg.region,
                "replicationGroupId": rg.id,
                "status": ec.replication_group_status(rg),
                "clusterEnabled": rg.cluster_enabled,
                "multiAZ": rg.multi_az,
                "automaticFailover": rg.automatic_failover,
                "globalReplicationGroupId": global.map(|g| g.0),
                "globalRole": global.map(|g| g.1.as_str()),
                "testFailover": rg.test_failover.as_ref().map(|s| window(s.started, s.ends_at())),
                "nodeGroups": rg.node_groups.iter().map(|ng| json!({
                    "nodeGroupId": ng.id,
                    "status": ng.status(),
                    "primary": ng.primary().map(|p| p.cluster_id.clone()),
                    "members": ng.members.iter().map(|m| json!({
                        "cacheClusterId": m.cluster_id,
                        "availabilityZone": m.availability_zone,
                        "role": m.role.as_str(),
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let gds: Vec<Value> = ec
        .global_datastores
        .values()
        .map(|g| {
            let p = g.primary();
            json!({
                "globalReplicationGroupId": g.id,
                "status": g.status.as_str(),
                "primaryRegion": p.map(|m| m.region.clone()),
                "operation": g.schedule.as_ref().map(|s| window(s.started, s.ends_at())),
                "primaryReplicationGroupId": p.map(|m| m.replication_group_id.clone()),
                "members": g.members.iter().map(|m| json!({
                    "replicationGroupId": m.replication_group_id,
                    "region": m.region,
                    "role": m.role.as_str(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let np = &w.neptune;
    let gcs: Vec<Value> = np
        .global_clusters
        .values()
        .map(|g| {
            let writer = g.writer();
            json!({
                "globalClusterIdentifier": g.id,
                "status": g.status,
                "writerClusterId": writer.map(|m| m.cluster_id.clone()),
                "writerRegion": writer.map(|m| m.region.clone()),
                "writerArn": writer.map(|m| m.arn()),
                "operation": g.schedule.as_ref().map(|s| window(s.started, s.ends_at())),
                "failoverState": g.failover.as_ref().map(|f| json!({
                    "status": f.phase.as_str(),
                    "fromDbClusterArn": f.from_arn,
                    "toDbClusterArn": f.to_arn,
                    "isDataLossAllowed": f.data_loss_allowed,
                })),
                "members": g.members.iter().map(|m| json!({
                    "dbClusterId": m.cluster_id,
                    "region": m.region,
                    "dbClusterArn": m.arn(),
                    "isWriter": m.is_writer,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let dbcs: Vec<Value> = np
        .clusters
        .values()
        .map(|c| {
            json!({
                "region": c.region,
                "dbClusterId": c.id,
                "engine": c.engine,
                "status": np.cluster_status(c),
                "globalClusterIdentifier": c.global_id,
                "instances": c.instances.iter().map(|i| json!({"id": i.id, "isWriter": i.is_writer})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mdb: Vec<Value> = w
        .memorydb
        .clusters
        .values()
        .map(|c| {
            json!({
                "region": c.region,
                "name": c.name,
                "status": c.status(),
                "multiAZ": c.multi_az,
                "failover": c.failover.as_ref().map(|s| window(s.started, s.ends_at())),
                "shards": c.shards.iter().map(|s| json!({
                    "name": s.name,
                    "status": s.status(),
                    "primary": s.primary().map(|n| n.name.clone()),
                    "nodes": s.nodes.iter().map(|n| json!({
                        "name": n.name,
                        "availabilityZone": n.availability_zone,
                        "role": if n.is_primary { "primary" } else { "replica" },
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut ec_quota = ec.test_failover_quota.clone();
    let ec_used: serde_json::Map<String, serde_json::Value> = ec_quota
        .iter_mut()
        .map(|(region, q)| (region.clone(), json!(q.used(now))))
        .collect();
    let mut mdb_quota = w.memorydb.failover_quota.clone();
    json!({
        "now": iso(now),
        "timeScale": w.timing.scale,
        "accountId": crate::models::ACCOUNT_ID,
        "regions": w.regions,
        "elasticache": {
            "globalReplicationGroups": gds,
            "replicationGroups": rgs,
            // Per Region, as AWS counts it; `used` is the sum, for a glance.
            "testFailoverQuota": {
                "limit": ec.test_failover_limit,
                "used": ec_used.values().filter_map(serde_json::Value::as_u64).sum::<u64>(),
                "usedByRegion": ec_used,
            },
        },
        "neptune": {"globalClusters": gcs, "dbClusters": dbcs},
        "memorydb": {
            "clusters": mdb,
            "failoverShardQuota": {"limit": mdb_quota.limit, "used": mdb_quota.used(now)},
        },
    })
}

/// The faults that can change at run time: `{"regionDown": [...], "regionHang": [...]}`
/// (a hanging region is not listed as down as well).
fn faults_json(app: &App) -> Value {
    let world = lock(&app.world);
    let down: Vec<&String> = world
        .regions_down
        .iter()
        .filter(|r| !world.regions_hang.contains(*r))
        .collect();
    json!({"regionDown": down, "regionHang": world.regions_hang.iter().collect::<Vec<_>>()})
}

/// The lag profiles set, by secondary id (any other secondary is steady).
fn lag_json(w: &World) -> Value {
    json!({ "profiles": w.lag.profiles() })
}
