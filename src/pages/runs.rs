//! Runs: every tracked action, newest first, with its timeline and exports.

use crate::components::run_card::RunList;
use crate::state::runs::RunsCtx;
use leptos::prelude::*;

#[component]
pub fn RunsPage() -> impl IntoView {
    let runs = RunsCtx::expect();
    view! {
        <div class="page runs-page">
            <div class="page__head">
                <h1 class="page__title">"Runs"</h1>
                <p class="page__meta">"Kept for this tab (session storage, no secrets); live runs resume after a reload."</p>
            </div>
            {view! { <Show when=move || runs.runs.with(Vec::is_empty)>{move || view! {
                <p class="notice">"No runs yet. Actions started from a resource page appear here and in the tray below."</p>
            }}</Show> }}
            <div class="runs-page__list">
                <RunList runs=Memo::new(move |_| runs.runs.get()) />
            </div>
        </div>
    }
}
