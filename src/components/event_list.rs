//! A timeline of service events, each time with its date and zone (UTC).

use crate::model::Timestamp;
use leptos::prelude::*;

/// One line: when, from where, what. The run record's event type, so a run's events are shown
/// as they are kept.
pub use crate::state::record::RunEvent as EventLine;

/// The events as they are now; a list that grows on a poll adds its new lines only (keyed by
/// time, source and message), so nothing already read moves or flickers.
#[component]
pub fn EventList(
    #[prop(into)] events: Signal<Vec<EventLine>>,
    /// Shown when there are none.
    empty: &'static str,
) -> impl IntoView {
    view! {
        <ol class="event-list">
            <Show when=move || events.with(Vec::is_empty)>
                <li class="event-list__empty">{empty}</li>
            </Show>
            <For
                each=move || events.get()
                key=|e| (e.at, e.source.clone(), e.message.clone())
                let:e
            >
                <li class="event-list__item">
                    <time class="event-list__time" datetime=Timestamp(e.at).to_iso8601()>{Timestamp(e.at).short_utc()}</time>
                    <span class="event-list__source">{e.source}</span>
                    <span class="event-list__message">{e.message}</span>
                </li>
            </For>
        </ol>
    }
}
