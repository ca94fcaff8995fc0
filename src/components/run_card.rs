//! One tracked run in full: phase, elapsed and settle time, transitions, events, export.

use super::error_panel::ErrorPanel;
use super::event_list::EventList;
use super::shown::{rebuilt, shown_some};
use crate::components::shown::{CollectAny, OptionAny};
use crate::model::Timestamp;
use crate::state::browser;
use crate::state::errors::ErrorInfo;
use crate::state::record::{format_clock, format_duration, or_dash, Run};
use crate::state::runs::RunsCtx;
use crate::state::sorted_map::SortedMap;
use leptos::prelude::*;
use leptos::tachys::reactive_graph::{ReactiveFunction, SharedReactiveFunction};
use std::cell::RefCell;

/// Runs newest first, each a `RunCard` wired to export and dismiss; `empty` when there are none.
#[component]
pub fn RunList(
    runs: Memo<Vec<Run>>,
    #[prop(optional)] empty: Option<&'static str>,
) -> impl IntoView {
    let ctx = RunsCtx::expect();
    let sorted = move || {
        let mut list = runs.get();
        Run::newest_first(&mut list);
        list
    };
    view! {
        {shown_some(move || (runs.with(Vec::is_empty)).then_some(empty).flatten().map(|text| view! { <p class="placeholder">{text}</p> }))}
        {rebuilt(move || sorted().into_iter().map(|run| view! { <RunCard run=run ctx=ctx /> }).collect_any())}
    }
}

thread_local! {
    /// Runs whose history the reader opened or closed against the default, by run id.
    static HISTORY_CHOICE: RefCell<SortedMap<String, bool>> = const { RefCell::new(SortedMap::new()) };
}

#[component]
pub fn RunCard(
    mut run: Run,
    /// Exports and dismisses the run; its clock ticks the elapsed time.
    ctx: RunsCtx,
) -> impl IntoView {
    // One handler type for the three buttons: 0 exports JSON, 1 Markdown, 2 dismisses.
    let id = run.id.clone();
    let on = move |what: u8| {
        let id = id.clone();
        move |_| match what {
            0 | 1 => ctx.export(&id, what == 1),
            _ => ctx.dismiss(&id),
        }
    };
    // One view type for the two panels: a failing read (compact) and the refusal.
    let panel = |context: &'static str, error: ErrorInfo, compact: bool| {
        view! { <ErrorPanel context=context error=error compact=compact /> }
    };
    let phase = run.phase;
    // The history is open while the run is in progress and closed once it is done, unless the
    // reader chose otherwise. The card is redrawn in place on every poll, and Leptos then sets
    // each of an element's attributes again; so the choice is kept here, by run, not in the DOM.
    let default_open = !phase.is_done();
    let history_open = HISTORY_CHOICE
        .with_borrow(|m| m.get(&run.id).copied())
        .unwrap_or(default_open);
    let on_toggle = {
        let id = run.id.clone();
        move |ev: leptos::ev::Event| {
            let open = browser::target_is_open(&ev);
            HISTORY_CHOICE.with_borrow_mut(|m| {
                // Only a choice against the default is kept: toggles of the redraw itself
                // match it, and a closed history still closes by default when the run ends.
                if open == default_open {
                    m.remove(&id);
                } else {
                    m.insert(id.clone(), open);
                }
            });
        }
    };
    let started = run.started_at;
    let settled_at = run.settled_at;
    let settle = run.time_to_settle();
    let path = run.action.resource().path();
    let events = std::mem::take(&mut run.events);
    let mut transitions = Vec::with_capacity(run.history.len());
    // As `AnyView`, like `EventList`'s items: one list type for the app.
    for h in &run.history {
        transitions.push(
            view! {
                <li>
                    <time>{Timestamp(h.at).time_of_day()}</time>" "
                    <span>{h.status.clone()}</span>
                    {(!h.writer.is_empty()).then(|| format!(" · writer {}", h.writer)).any_view()}
                </li>
            }
            .into_any(),
        );
    }
    view! {
        <article class=format!("run-card run-card--{}", phase.class_name()) aria-label=run.action.title()>
            <header class="run-card__head">
                <span class="run-card__phase">
                    <span aria-hidden="true">{phase.glyph()}</span>" "{phase.label()}
                </span>
                <h3 class="run-card__title"><a href=path>{run.action.title()}</a></h3>
            </header>
            <dl class="run-card__facts">
                <dt>"Started"</dt>
                <dd><time>{Timestamp(started).to_iso8601()}</time></dd>
                <dt>"Elapsed"</dt>
                <dd class="run-card__clock">{elapsed(ctx.now, started, settled_at)}</dd>
                <dt>"Time to settle"</dt>
                <dd class="run-card__settle">{settle.map(format_duration).unwrap_or_else(|| "—".into())}</dd>
                <dt>"Status"</dt>
                <dd>{if run.last.status.is_empty() { "—".to_string() } else { run.last.status.clone() }}</dd>
                <dt>"Writer"</dt>
                <dd>{writer_line(&run)}</dd>
                <dt>"Who"</dt>
                <dd>{run.who.clone()}</dd>
                {run.result.clone().map(|r| view! { <dt>"Result"</dt><dd class="run-card__result">{r}</dd> }).any_view()}
            </dl>
            {run.connection.clone().map(|e| panel(e.retry_context(), e, true)).any_view()}
            {run.error.clone().map(|e| panel(e.refusal_context(), e, false)).any_view()}
            <details class="run-card__history" open=history_open on:toggle=on_toggle>
                <summary>{format!("Status transitions ({})", run.history.len())}</summary>
                <ol class="run-card__transitions">
                    {transitions}
                </ol>
            </details>
            <h4 class="run-card__subtitle">"Events"</h4>
            <EventList events=events empty="No events yet." />
            <div class="run-card__buttons">
                <button type="button" class="button" on:click=on(0)>"Export JSON"</button>
                <button type="button" class="button" on:click=on(1)>"Export Markdown"</button>
                {phase.is_done().then(move || view! {
                    <button type="button" class="button button--quiet" on:click=on(2)>"Dismiss"</button>
                }).any_view()}
            </div>
        </article>
    }
}

/// The live elapsed counter of a run (the card's and the tray's). Shared as the type `view!`
/// gives its own text closures, so Leptos's render code for it is not compiled again.
pub fn elapsed(
    now: RwSignal<i64>,
    started: i64,
    settled: Option<i64>,
) -> SharedReactiveFunction<String> {
    (move || format_clock(settled.unwrap_or_else(|| now.get()) - started)).into_shared()
}

/// `before ⟶ now`, and while the move is pending, where it is going.
fn writer_line(run: &Run) -> String {
    let mut line = or_dash(&run.writer_before).to_string();
    match &run.writer_expected {
        Some(target) if !run.phase.is_done() && &run.last.writer != target => {
            line.push_str(" (moving to ");
            line.push_str(target);
            line.push(')');
        }
        _ => {
            line.push_str(" ⟶ ");
            line.push_str(or_dash(&run.last.writer));
        }
    }
    line
}
