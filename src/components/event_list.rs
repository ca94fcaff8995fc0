//! A timeline of service events, newest last, times in UTC.

use crate::components::shown::OptionAny;
use crate::model::Timestamp;
use leptos::prelude::*;

/// One line: when, from where, what. The run record's event type, so a run's events are shown
/// as they are kept.
pub use crate::state::record::RunEvent as EventLine;

#[component]
pub fn EventList(
    events: Vec<EventLine>,
    /// Shown when there are none.
    empty: &'static str,
) -> impl IntoView {
    let empty = events
        .is_empty()
        .then(|| view! { <li class="event-list__empty">{empty}</li> })
        .any_view();
    let mut items = Vec::with_capacity(events.len());
    // Items as `AnyView`: `Vec<AnyView>` is the app's one list type; a `Vec` of a typed view would
    // have Leptos's list code compiled for it (about 2.4 KB of wasm per element type).
    for e in events {
        items.push(
            view! {
                <li class="event-list__item">
                    <time class="event-list__time">{Timestamp(e.at).time_of_day()}</time>
                    <span class="event-list__source">{e.source}</span>
                    <span class="event-list__message">{e.message}</span>
                </li>
            }
            .into_any(),
        );
    }
    view! {
        <ol class="event-list">
            {empty}
            {items}
        </ol>
    }
}
