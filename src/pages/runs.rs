//! Runs: every tracked action, newest first, with its timeline and exports.

use crate::components::run_card::RunCard;
use crate::state::runs::RunsCtx;
use leptos::prelude::*;

#[component]
pub fn RunsPage() -> impl IntoView {
    let runs = RunsCtx::expect();
    let sorted = move || {
        let mut list = runs.runs.get();
        list.sort_by_key(|r| std::cmp::Reverse(r.started_at));
        list
    };
    view! {
        <div class="page runs-page">
            <div class="page__head">
                <h1 class="page__title">"Runs"</h1>
                <p class="page__meta">"Kept for this tab (session storage, no secrets); live runs resume after a reload."</p>
            </div>
            <Show when=move || runs.runs.with(Vec::is_empty)>
                <p class="notice">"No runs yet. Actions started from a resource page appear here and in the tray below."</p>
            </Show>
            <div class="runs-page__list">
                <For each=sorted key=|r| (r.id.clone(), r.polls, r.phase, r.events.len(), r.connection.is_some()) let:run>
                    {
                        let id = run.id.clone();
                        let (a, b, c) = (id.clone(), id.clone(), id);
                        view! {
                            <RunCard
                                run=run
                                now=runs.now
                                on_export_json=Callback::new(move |_| runs.export(&a, false))
                                on_export_markdown=Callback::new(move |_| runs.export(&b, true))
                                on_dismiss=Callback::new(move |_| runs.dismiss(&c))
                            />
                        }
                    }
                </For>
            </div>
        </div>
    }
}
