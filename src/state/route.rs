//! The console's routes on `leptos_router`: the resource pages' paths and their parameters,
//! and a `Copy` handle for the views that navigate after an action.

use super::rows::{ResourceKind, ResourceRef};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

/// The resource a resource route's parameters name (`:region` and `:id`, as `param` gives
/// them: the router has already percent-decoded what [`ResourceRef::path`] encoded). `None`
/// when a parameter is missing or empty.
pub fn resource_from_params(
    kind: ResourceKind,
    param: impl Fn(&str) -> Option<String>,
) -> Option<ResourceRef> {
    let present = |name: &str| param(name).filter(|v| !v.is_empty());
    let region = if kind.is_global() {
        String::new()
    } else {
        present("region")?
    };
    Some(ResourceRef::new(kind, &region, &present("id")?))
}

/// Navigation as a `Copy` handle, made inside the `<Router>`: components keep it in closures
/// and event handlers, where the router's context is no longer at hand.
#[derive(Clone, Copy)]
pub struct Navigator(Callback<(String, NavigateOptions)>);

impl Navigator {
    pub fn new() -> Self {
        let navigate = use_navigate();
        Navigator(Callback::new(
            move |(url, options): (String, NavigateOptions)| navigate(&url, options),
        ))
    }

    /// Goes to an app URL in a new history entry, scrolled to the top, as a link does.
    pub fn go(&self, url: &str) {
        self.0.run((url.to_string(), NavigateOptions::default()));
    }

    /// A new history entry for the same page, which stays where it is scrolled (a filter
    /// choice that Back undoes).
    pub fn push_in_place(&self, url: &str) {
        let options = NavigateOptions {
            scroll: false,
            ..NavigateOptions::default()
        };
        self.0.run((url.to_string(), options));
    }

    /// Rewrites the current history entry, in place (typing in the filter box).
    pub fn replace(&self, url: &str) {
        let options = NavigateOptions {
            replace: true,
            scroll: false,
            ..NavigateOptions::default()
        };
        self.0.run((url.to_string(), options));
    }
}

impl Default for Navigator {
    fn default() -> Self {
        Navigator::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::collections::BTreeMap;

    /// The parameters a route with `:region` and `:id` takes from `path`, decoded as the
    /// router decodes them.
    fn params_of(path: &str) -> BTreeMap<&'static str, String> {
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        match segments.as_slice() {
            ["r", _, "global", id] => BTreeMap::from([("id", decode(id))]),
            ["r", "memorydb", region, id] | ["r", _, _, region, id] => {
                BTreeMap::from([("region", decode(region)), ("id", decode(id))])
            }
            other => panic!("not a resource path: {other:?}"),
        }
    }

    #[test]
    fn every_resource_path_reads_back_from_its_parameters() {
        let cases = [
            ResourceRef::new(ResourceKind::GlobalDatastore, "", "ldgnf-checkout-sessions"),
            ResourceRef::new(ResourceKind::ReplicationGroup, "us-east-1", "orders-queue"),
            ResourceRef::new(ResourceKind::GlobalDatabase, "", "identity-graph"),
            ResourceRef::new(
                ResourceKind::NeptuneCluster,
                "eu-west-1",
                "identity-graph-euw1",
            ),
            ResourceRef::new(
                ResourceKind::MemoryDbCluster,
                "us-west-2",
                "payments-ledger",
            ),
            ResourceRef::new(ResourceKind::MemoryDbCluster, "us-east-1", "odd name/ü"),
        ];
        for r in cases {
            let params = params_of(&r.path());
            assert_eq!(
                resource_from_params(r.kind, |k| params.get(k).cloned()),
                Some(r.clone()),
                "{}",
                r.path()
            );
        }
    }

    #[test]
    fn a_missing_or_empty_parameter_names_no_resource() {
        let only_id = |k: &str| (k == "id").then(|| "orders-queue".to_string());
        assert_eq!(
            resource_from_params(ResourceKind::ReplicationGroup, only_id),
            None
        );
        let empty_region = |k: &str| Some(if k == "id" { "orders-queue" } else { "" }.to_string());
        assert_eq!(
            resource_from_params(ResourceKind::ReplicationGroup, empty_region),
            None
        );
        assert!(resource_from_params(ResourceKind::GlobalDatastore, only_id).is_some());
    }
}
