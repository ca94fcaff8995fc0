//! The compact live tray of runs, visible on every page.

use super::run_card::elapsed;
use super::shown::{rebuilt, shown_when};
use crate::components::shown::CollectAny;
use crate::state::record::Run;
use leptos::prelude::*;

#[component]
pub fn RunTray(runs: RwSignal<Vec<Run>>, now: RwSignal<i64>) -> impl IntoView {
    // Newest first, at most a handful: the tray is a glance, /runs has the rest.
    let shown = move || {
        let mut list = runs.get();
        Run::newest_first(&mut list);
        list.truncate(4);
        list
    };
    view! {
        <aside class="run-tray" aria-label="Runs" aria-live="polite">
            <a class="run-tray__title" href="/runs">"Runs"</a>
            {shown_when(move || runs.with(Vec::is_empty), move || view! {
                <span class="run-tray__empty">"No runs yet"</span>
            })}
            <ul class="run-tray__list">
                {rebuilt(move || shown().into_iter().map(|run| view! {
                    <li class=format!("run-tray__item run-tray__item--{}", run.phase.class_name())>
                        <a href="/runs" title=run.action.title()>
                            <span class="run-tray__phase" aria-hidden="true">{run.phase.glyph()}</span>
                            <span class="run-tray__name">{run.action.verb()}" · "{run.action.resource().id}</span>
                            <span class="run-tray__state">
                                {if let Some(e) = &run.connection { e.retry_context().to_ascii_lowercase() } else if run.phase.is_done() { run.phase.label().to_string() } else { run.last.status.clone() }}
                            </span>
                            <span class="run-tray__clock">{elapsed(now, run.started_at, run.settled_at)}</span>
                        </a>
                    </li>
                }).collect_any())}
            </ul>
        </aside>
    }
}
