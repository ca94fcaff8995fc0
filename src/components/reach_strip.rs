//! One line per region whose endpoints stopped answering the console's calls, under the header
//! on every page: "us-west-2 · ElastiCache, Neptune: no answer for 20 s (3 failed calls, …)".

use crate::model::{Region, Service};
use crate::state::reach::{describe_region, Unreachable};
use leptos::prelude::*;
use std::collections::BTreeMap;

#[component]
pub fn ReachStrip(
    failing: RwSignal<BTreeMap<(Region, Service), Unreachable>>,
    /// Ticks once a second: the "no answer for" counts go up in place.
    now: RwSignal<i64>,
) -> impl IntoView {
    let regions = Memo::new(move |_| {
        failing.with(|f| {
            let mut regions: Vec<Region> = f.keys().map(|(r, _)| r.clone()).collect();
            regions.dedup();
            regions
        })
    });
    view! {
        <Show when=move || regions.with(|r| !r.is_empty())>
            <ul class="reach-strip" role="status" aria-label="Endpoints not answering">
                <For each=move || regions.get() key=|r| r.clone() let:region>
                    <li class="reach-strip__item">
                        <span class="reach-strip__glyph" aria-hidden="true">"⚠ "</span>
                        {move || failing.with(|f| describe_region(f, &region, now.get()))}
                    </li>
                </For>
            </ul>
        </Show>
    }
}
