//! The compact live tray of runs, visible on every page.

use super::run_card::elapsed;
use crate::state::record::Run;
use leptos::prelude::*;

/// Chips in the tray; the rest are counted.
const SHOWN: usize = 3;

#[component]
pub fn RunTray(runs: RwSignal<Vec<Run>>, now: RwSignal<i64>) -> impl IntoView {
    // Newest first, at most a handful: the tray is a glance, /runs has the rest, counted in
    // a "+N more" chip rather than clipped off the edge.
    let shown = Memo::new(move |_| {
        let mut list = runs.get();
        Run::newest_first(&mut list);
        list.truncate(SHOWN);
        list
    });
    let more = Memo::new(move |_| runs.with(Vec::len).saturating_sub(SHOWN));
    view! {
        <aside class="run-tray" aria-label="Runs" aria-live="polite">
            <a class="run-tray__title" href="/runs">"Runs"</a>
            <Show when=move || runs.with(Vec::is_empty)>
                <span class="run-tray__empty">"No runs yet"</span>
            </Show>
            <ul class="run-tray__list">
                // Keyed by the run and what the chip shows, so a chip is redrawn only when it
                // changes; the clock ticks in place.
                <For
                    each=move || shown.get()
                    key=|run| (run.id.clone(), run.phase, run.last.status.clone(), run.connection.is_some())
                    let:run
                >
                    <li class=format!("run-tray__item run-tray__item--{}", run.phase.class_name())>
                        <a href="/runs" title=run.action.title()>
                            <span class="run-tray__phase" aria-hidden="true">{run.phase.glyph()}</span>
                            <span class="run-tray__name">{run.action.chip()}</span>
                            <span class="run-tray__state">
                                {if let Some(e) = &run.connection { e.retry_context().to_ascii_lowercase() } else if run.phase.is_done() { run.phase.label().to_string() } else { run.last.status.clone() }}
                            </span>
                            <span class="run-tray__clock">{move || elapsed(now.get(), run.started_at, run.settled_at)}</span>
                        </a>
                    </li>
                </For>
            </ul>
            <Show when=move || { more.get() > 0 }>
                <a class="run-tray__more" href="/runs">{move || format!("+{} more", more.get())}</a>
            </Show>
        </aside>
    }
}
