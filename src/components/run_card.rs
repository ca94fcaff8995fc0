//! One tracked run in full: phase, elapsed and settle time, transitions, events, export.

use super::error_panel::ErrorPanel;
use super::event_list::EventList;
use crate::model::Timestamp;
use crate::state::browser;
use crate::state::record::{format_clock, format_duration, or_dash, Run};
use crate::state::runs::RunsCtx;
use leptos::prelude::*;

/// Runs newest first, each a `RunCard` wired to export and dismiss; `empty` when there are none.
/// Keyed by run id: a poll updates the card of its run in place.
#[component]
pub fn RunList(
    runs: Memo<Vec<Run>>,
    #[prop(optional)] empty: Option<&'static str>,
) -> impl IntoView {
    let ctx = RunsCtx::expect();
    let ids = Memo::new(move |_| {
        let mut list = runs.get();
        Run::newest_first(&mut list);
        list.into_iter().map(|r| r.id).collect::<Vec<_>>()
    });
    view! {
        {move || (runs.with(Vec::is_empty)).then_some(empty).flatten().map(|text| view! { <p class="placeholder">{text}</p> })}
        <For each=move || ids.get() key=|id| id.clone() let:id>
            <RunCard id=id ctx=ctx />
        </For>
    }
}

#[component]
pub fn RunCard(
    id: String,
    /// Exports and dismisses the run; its clock ticks the elapsed time.
    ctx: RunsCtx,
) -> impl IntoView {
    let run = {
        let id = id.clone();
        Memo::new(move |_| ctx.get(&id))
    };
    // Each part of the card reads the run it needs; a poll changes only what changed.
    let read =
        move |f: fn(&Run) -> String| move || run.with(|r| r.as_ref().map(f).unwrap_or_default());
    let phase = move || run.with(|r| r.as_ref().map(|r| r.phase));
    let done = move || phase().is_some_and(|p| p.is_done());
    // The history is open while the run is in progress and closed once it is done, unless the
    // reader chose otherwise (then their choice stands until the page goes away).
    let history_choice = RwSignal::new(None::<bool>);
    let on_toggle = move |ev: leptos::ev::Event| {
        let open = browser::target_is_open(&ev);
        // A toggle that matches the default (the run ending closes it) is no choice.
        history_choice.set((open == done()).then_some(open));
    };
    let events = Signal::derive(move || {
        run.with(|r| r.as_ref().map(|r| r.events.clone()).unwrap_or_default())
    });
    let (export_json, export_md, dismiss) = {
        let (a, b, c) = (id.clone(), id.clone(), id.clone());
        (
            move |_| ctx.export(&a, false),
            move |_| ctx.export(&b, true),
            move |_| ctx.dismiss(&c),
        )
    };
    let started = run.with_untracked(|r| r.as_ref().map_or(0, |r| r.started_at));
    let title = run.with_untracked(|r| r.as_ref().map(|r| r.action.title()).unwrap_or_default());
    let path = run.with_untracked(|r| {
        r.as_ref()
            .map(|r| r.action.resource().path())
            .unwrap_or_default()
    });
    view! {
        <article
            class=move || format!("run-card run-card--{}", phase().map_or("", |p| p.class_name()))
            aria-label=title.clone()
        >
            <header class="run-card__head">
                <span class="run-card__phase">
                    <span aria-hidden="true">{move || phase().map_or("", |p| p.glyph())}</span>" "
                    {move || phase().map_or("", |p| p.label())}
                </span>
                <h3 class="run-card__title"><a href=path>{title.clone()}</a></h3>
            </header>
            <dl class="run-card__facts">
                <dt>"Started"</dt>
                <dd><time>{Timestamp(started).to_iso8601()}</time></dd>
                <dt>"Elapsed"</dt>
                <dd class="run-card__clock">
                    {move || elapsed(ctx.now.get(), started, run.with(|r| r.as_ref().and_then(|r| r.settled_at)))}
                </dd>
                <dt>"Time to settle"</dt>
                <dd class="run-card__settle">{read(|r| r.time_to_settle().map(format_duration).unwrap_or_else(|| "—".into()))}</dd>
                {move || run.with(|r| r.as_ref().and_then(|r| r.settle_source.clone().filter(|_| r.time_to_settle().is_some()))).map(|source| view! {
                    <dt>"Measured"</dt><dd class="run-card__settle-source">"on AWS's clock, accepted call to "{source}</dd>
                })}
                {move || run.with(|r| r.as_ref().and_then(Run::blind_note)).map(|note| view! {
                    <dt>"Blind"</dt><dd class="run-card__blind"><span aria-hidden="true">"⚠ "</span>{note}</dd>
                })}
                {move || run.with(|r| r.as_ref().and_then(|r| r.at_risk.clone())).map(|risk| view! {
                    <dt>"When sent"</dt><dd class="run-card__at-risk">{risk}</dd>
                })}
                {move || run.with(|r| r.as_ref().and_then(|r| r.request_id.clone())).map(|id| view! {
                    <dt>"Request id"</dt><dd class="run-card__request-id"><code>{id}</code></dd>
                })}
                <dt>"Status"</dt>
                <dd>{read(|r| or_dash(&r.last.status).to_string())}</dd>
                <dt>"Writer"</dt>
                <dd>{read(writer_line)}</dd>
                <dt>"Who"</dt>
                <dd>{read(|r| r.caller_arn.clone().unwrap_or_else(|| r.who.clone()))}</dd>
                {move || run.with(|r| r.as_ref().and_then(|r| r.result.clone())).map(|result| view! {
                    <dt>"Result"</dt><dd class="run-card__result">{result}</dd>
                })}
            </dl>
            {move || run.with(|r| r.as_ref().and_then(|r| r.connection.clone())).map(|e| view! {
                <ErrorPanel context=e.retry_context() error=e compact=true />
            })}
            {move || run.with(|r| r.as_ref().and_then(|r| r.error.clone())).map(|e| view! {
                <ErrorPanel context=e.refusal_context() error=e compact=false />
            })}
            <details class="run-card__history" prop:open=move || history_choice.get().unwrap_or(!done()) on:toggle=on_toggle>
                <summary>{move || format!("Status transitions ({})", run.with(|r| r.as_ref().map_or(0, |r| r.history.len())))}</summary>
                <ol class="run-card__transitions">
                    {move || run.with(|r| r.as_ref().map(|r| r.history.clone()).unwrap_or_default()).into_iter().map(|h| view! {
                        <li>
                            <time>{Timestamp(h.at).time_of_day()}</time>" "
                            <span>{h.status}</span>
                            {(!h.writer.is_empty()).then(|| format!(" · writer {}", h.writer))}
                        </li>
                    }).collect_view()}
                </ol>
            </details>
            <h4 class="run-card__subtitle">"Events"</h4>
            <EventList events=events empty="No events yet." />
            <div class="run-card__buttons">
                <button type="button" class="button" on:click=export_json>"Export JSON"</button>
                <button type="button" class="button" on:click=export_md>"Export Markdown"</button>
                <Show when=done>
                    <button type="button" class="button button--quiet" on:click=dismiss.clone()>"Dismiss"</button>
                </Show>
            </div>
        </article>
    }
}

/// The elapsed time of a run (the card's and the tray's): to `now` while it runs, to its
/// settling once settled.
pub fn elapsed(now: i64, started: i64, settled: Option<i64>) -> String {
    format_clock(settled.unwrap_or(now) - started)
}

/// `before ⟶ now`, and while the move is pending, where it is going. A shard failover
/// names the nodes: from the reads when they report roles, else from the service's events;
/// it never shows a node moving to itself.
fn writer_line(run: &Run) -> String {
    let shard = run.action.shard().is_some();
    let (event_old, event_new) = if shard {
        run.shard_move_from_events()
    } else {
        (None, None)
    };
    let before = Some(run.writer_before.clone())
        .filter(|w| !w.is_empty())
        .or(event_old);
    let before = before.as_deref().unwrap_or("—");
    let moved = Some(run.last.writer.clone()).filter(|w| !w.is_empty() && w != &run.writer_before);
    match (&run.writer_expected, moved.or(event_new)) {
        (Some(target), now) if !run.phase.is_done() && now.as_ref() != Some(target) => {
            format!("{before} (moving to {target})")
        }
        (_, Some(now)) => format!("{before} ⟶ {now}"),
        (_, None) if shard && !run.phase.is_done() => {
            format!("{before} (a replica is being promoted)")
        }
        (_, None) if shard => format!("{before} ⟶ not reported"),
        (_, None) => format!("{before} ⟶ {}", or_dash(&run.last.writer)),
    }
}
