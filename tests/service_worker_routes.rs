//! The service worker (scripts/lib/service-worker.js) answers the app's routes with
//! index.html and lets every other page of the origin through (an identity provider sharing
//! the origin, the emulator's own pages): its list must follow the route table of src/app.rs.

use std::fs;
use std::path::Path;

fn read(rel: &str) -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

#[test]
fn every_route_of_the_app_is_an_app_route_for_the_service_worker() {
    let worker = read("scripts/lib/service-worker.js");
    let list = worker
        .split("function isAppRoute(path) {")
        .nth(1)
        .and_then(|rest| rest.split('}').next())
        .expect("isAppRoute in the service worker");
    let routes: Vec<String> = read("src/app.rs")
        .split("path!(\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .collect();
    assert!(routes.len() >= 9, "{routes:?}");
    for route in &routes {
        let covered = if let Some(rest) = route.strip_prefix("/r/") {
            assert!(!rest.is_empty());
            list.contains("path.startsWith(\"/r/\")")
        } else {
            list.contains(&format!("\"{route}\""))
        };
        assert!(
            covered,
            "route {route} is not an app route in the service worker: {list}"
        );
    }
    // And nothing of the emulator's or a provider's is taken for the app.
    assert!(!list.contains("_emulator"));
}
