//! The console's router: the URL's path picks the page, its query holds the inventory filter.
//!
//! Links are plain `<a href="/…">`. One click listener on the window turns a same-origin,
//! unmodified left click on such a link into `history.pushState`, and `popstate` (Back,
//! Forward) reads the location again. That is all the console asked of `leptos_router`,
//! which cost about 66 KB of wasm code before wasm-opt (bench/README.md).
//!
//! `Page::parse` and `query_value` are pure and tested natively.

use super::browser;
use super::rows::{ResourceKind, ResourceRef};
use leptos::prelude::*;
use std::cell::{Cell, RefCell};

/// What a path shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Page {
    Inventory,
    Connect,
    Runs,
    Resource(ResourceRef),
    NotFound,
}

impl Page {
    /// Reads an app path (`/r/memorydb/us-east-1/payments-ledger`). Segments are
    /// percent-decoded, as `ResourceRef::path` encodes them; a trailing slash is ignored.
    pub fn parse(path: &str) -> Page {
        let trimmed = path.trim_start_matches('/').trim_end_matches('/');
        if trimmed.is_empty() {
            return Page::Inventory;
        }
        // Plain loops: the `map(..).collect()` chains were copies of their own.
        let mut decoded = Vec::new();
        for seg in trimmed.split('/') {
            let seg = decode(seg);
            if seg.is_empty() {
                return Page::NotFound;
            }
            decoded.push(seg);
        }
        let mut segs = Vec::with_capacity(decoded.len());
        for seg in &decoded {
            segs.push(seg.as_str());
        }
        let resource =
            |kind, region: &str, id: &str| Page::Resource(ResourceRef::new(kind, region, id));
        match segs.as_slice() {
            ["connect"] => Page::Connect,
            ["runs"] => Page::Runs,
            ["r", "elasticache", "global", id] => resource(ResourceKind::GlobalDatastore, "", id),
            ["r", "elasticache", "rg", region, id] => {
                resource(ResourceKind::ReplicationGroup, region, id)
            }
            ["r", "neptune", "global", id] => resource(ResourceKind::GlobalDatabase, "", id),
            ["r", "neptune", "cluster", region, id] => {
                resource(ResourceKind::NeptuneCluster, region, id)
            }
            ["r", "memorydb", region, id] => resource(ResourceKind::MemoryDbCluster, region, id),
            _ => Page::NotFound,
        }
    }
}

fn decode(raw: &str) -> String {
    percent_encoding::percent_decode_str(raw)
        .decode_utf8_lossy()
        .into_owned()
}

/// The value of `key` in a query string (`?q=orders+queue&service=memorydb`), decoded as a
/// form is (`+` is a space); the first one wins.
pub fn query_value(search: &str, key: &str) -> Option<String> {
    let form = |s: &str| decode(&s.replace('+', " "));
    for pair in search.trim_start_matches('?').split('&') {
        if pair.is_empty() {
            continue;
        }
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if form(k) == key {
            return Some(form(v));
        }
    }
    None
}

/// Splits `/path?query#fragment` into the path and the `?query` (fragment dropped).
fn split_url(url: &str) -> (String, String) {
    let url = url.split('#').next().unwrap_or_default();
    match url.find('?') {
        Some(i) => (url[..i].to_string(), url[i..].to_string()),
        None => (url.to_string(), String::new()),
    }
}

thread_local! {
    /// The path and the page it shows; [`CurrentPage`] reads the page.
    static LOCATION: RefCell<(String, Page)> = const { RefCell::new((String::new(), Page::NotFound)) };
}

/// The page the path shows, read as a memo's value is: `get` tracks it, and readers re-run
/// only when the page changes (not with the query, nor for another path to the same page).
/// Held outside the reactive graph and tracked by a `bool` signal: a memo of `Page` was a
/// copy of the memo code of its own.
#[derive(Clone, Copy)]
pub struct CurrentPage {
    /// Set whenever the page changes.
    changed: RwSignal<bool>,
}

impl CurrentPage {
    pub fn get(&self) -> Page {
        self.changed.track();
        LOCATION.with_borrow(|(_, page)| page.clone())
    }
}

thread_local! {
    /// The app's one `Router`, set by its `provide`. A thread-local rather than a Leptos
    /// context: `provide_context`/`expect_context` were a copy of their code per context
    /// type.
    static PROVIDED: Cell<Option<Router>> = const { Cell::new(None) };
}

/// The location as the app sees it, provided by `<App/>`.
#[derive(Clone, Copy)]
pub struct Router {
    search: RwSignal<String>,
    /// The page the path shows; changes only when the page does (not with the query).
    pub page: CurrentPage,
}

impl Router {
    pub fn provide() -> Router {
        let (path, search) = browser::location();
        let page = Page::parse(&path);
        LOCATION.set((path, page));
        let router = Router {
            search: RwSignal::new(search),
            page: CurrentPage {
                changed: RwSignal::new(false),
            },
        };
        PROVIDED.set(Some(router));
        browser::on_popstate(move || {
            let (p, s) = browser::location();
            router.set(p, s);
        });
        browser::on_link_click(move |href| router.navigate(&href, false));
        router
    }

    /// The app's one `Router` (kept in a thread-local, not a Leptos context).
    pub fn expect() -> Router {
        PROVIDED
            .get()
            .expect("Router::provide runs before the views that use it")
    }

    fn set(&self, path: String, search: String) {
        let page_changed = LOCATION.with_borrow_mut(|(p, page)| {
            if *p == path {
                return false;
            }
            let new_page = Page::parse(&path);
            *p = path;
            if *page == new_page {
                return false;
            }
            *page = new_page;
            true
        });
        if page_changed {
            self.page.changed.set(true);
        }
        if self.search.with_untracked(|s| *s != search) {
            self.search.set(search);
        }
    }

    /// Goes to an app URL (`/runs`, `/?q=orders`). `replace` rewrites the current history
    /// entry and keeps the scroll position (filter edits); otherwise a new entry, scrolled to
    /// the top, as a link does.
    pub fn navigate(&self, url: &str, replace: bool) {
        browser::set_url(url, replace);
        let (path, search) = split_url(url);
        let new_page = LOCATION.with_borrow(|(p, _)| *p != path);
        self.set(path, search);
        if new_page && !replace {
            browser::scroll_to_top();
        }
    }

    /// A query value, tracked: a reader re-runs when the query changes.
    pub fn query(&self, key: &str) -> Option<String> {
        self.search.with(|s| query_value(s, key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_and_its_parameters() {
        assert_eq!(Page::parse("/"), Page::Inventory);
        assert_eq!(Page::parse(""), Page::Inventory);
        assert_eq!(Page::parse("/connect"), Page::Connect);
        assert_eq!(Page::parse("/runs/"), Page::Runs);
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
        ];
        for r in cases {
            assert_eq!(
                Page::parse(&r.path()),
                Page::Resource(r.clone()),
                "{}",
                r.path()
            );
        }
    }

    #[test]
    fn ids_round_trip_through_the_encoded_path() {
        let r = ResourceRef::new(ResourceKind::MemoryDbCluster, "us-east-1", "odd name/ü");
        assert_ne!(r.path(), "/r/memorydb/us-east-1/odd name/ü");
        assert_eq!(Page::parse(&r.path()), Page::Resource(r));
    }

    #[test]
    fn unknown_or_incomplete_paths_are_not_found() {
        for p in [
            "/nope",
            "/r",
            "/r/memorydb/us-east-1",
            "/r/memorydb/us-east-1/",
            "/r/memorydb//payments-ledger",
            "/r/elasticache/rg/orders-queue",
            "/r/neptune/global/a/b",
            "/runs/extra",
        ] {
            assert_eq!(Page::parse(p), Page::NotFound, "{p}");
        }
    }

    #[test]
    fn query_values_are_decoded_like_a_form() {
        let q = "?q=orders+queue%2Fx&service=memorydb&empty=&flag&q=second";
        assert_eq!(query_value(q, "q").as_deref(), Some("orders queue/x"));
        assert_eq!(query_value(q, "service").as_deref(), Some("memorydb"));
        assert_eq!(query_value(q, "empty").as_deref(), Some(""));
        assert_eq!(query_value(q, "flag").as_deref(), Some(""));
        assert_eq!(query_value(q, "region"), None);
        assert_eq!(query_value("", "q"), None);
    }

    #[test]
    fn a_filter_written_to_the_url_reads_back() {
        use crate::model::Service;
        use crate::state::rows::Filter;
        let f = Filter {
            text: "checkout sessions & co".into(),
            service: Some(Service::MemoryDb),
            region: Some("eu-west-1".into()),
            status: Some("changing".into()),
            sort: "status".into(),
        };
        let (path, search) = split_url(&format!("/{}", f.to_query()));
        assert_eq!(path, "/");
        assert_eq!(Filter::from_query(|k| query_value(&search, k)), f);
    }

    #[test]
    fn urls_split_into_path_and_query() {
        assert_eq!(split_url("/runs"), ("/runs".into(), String::new()));
        assert_eq!(split_url("/?q=a#top"), ("/".into(), "?q=a".into()));
    }
}
