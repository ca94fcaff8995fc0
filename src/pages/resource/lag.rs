//! The resource page's replication lag: read from CloudWatch once a minute while the page is
//! shown (at once when the members change, after a failover), paused while the tab is hidden.
//! The page owns the loop; the readings go to the app-wide [`LagCtx`], where the dialog's
//! preflight and a plan's proposal find them.

use crate::components::topology::LagProps;
use crate::state::api::{self, Detail};
use crate::state::browser;
use crate::state::errors::ErrorInfo;
use crate::state::lag::{self, LagCtx};
use crate::state::session::SessionCtx;
use crate::state::task::spawn_owned;
use leptos::prelude::*;

/// A source of lag as the loop compares it: (member, its Region, the Region it replicates from).
type Edge = (String, String, String);

/// Starts the page's lag loop for the resource `key`, read from its `detail`; returns what
/// the topology draws.
pub(super) fn poll(key: String, detail: RwSignal<Option<Result<Detail, ErrorInfo>>>) -> LagProps {
    let ctx = LagCtx::expect();
    let session = SessionCtx::expect();
    {
        let key = key.clone();
        spawn_owned(async move {
            // What was read last and when: the members and their sources, not the shard ids
            // (a member read that fails now and then must not make every poll a new read).
            let mut last: Option<(Vec<Edge>, i64)> = None;
            loop {
                browser::until_visible().await;
                let sources = detail.with_untracked(|d| match d {
                    Some(Ok(d)) => lag::sources_for(d),
                    _ => Vec::new(),
                });
                let now = browser::now_ms();
                let shape: Vec<Edge> = sources
                    .iter()
                    .map(|s| (s.member.clone(), s.region.clone(), s.from_region.clone()))
                    .collect();
                let due = match &last {
                    _ if sources.is_empty() => false,
                    None => true,
                    // New members or a new writer: read at once; else once a minute.
                    Some((before, at)) => *before != shape || now - at >= i64::from(lag::POLL_MS),
                };
                let connected = session.get_untracked();
                if let (true, Some(s)) = (due, connected) {
                    let readings = lag::fetch(&s, &sources, api::server_time(&s, now)).await;
                    ctx.book.update(|b| {
                        b.insert(key.clone(), readings);
                    });
                    last = Some((shape, now));
                }
                browser::sleep_ms(1_000).await;
            }
        });
    }
    let readings =
        Signal::derive(move || ctx.book.with(|b| b.get(&key).cloned().unwrap_or_default()));
    let least =
        Memo::new(move |_| readings.with(|rs| lag::least_lag(rs).map(|r| r.member.clone())));
    LagProps {
        readings,
        least: least.into(),
        threshold: ctx.threshold_s.into(),
        set_threshold: Callback::new(move |s| ctx.set_threshold(s)),
    }
}
