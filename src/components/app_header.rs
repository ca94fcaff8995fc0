//! The top bar: same geometry as the index.html shell, so mounting does not shift anything.

use leptos::prelude::*;

#[component]
pub fn AppHeader(
    /// `key …0001 · 3 regions`, or `None` when not connected.
    session: Memo<Option<String>>,
    on_palette: Callback<()>,
) -> impl IntoView {
    view! {
        <header class="shell__bar app-header">
            <a class="shell__brand" href="/">"failover-console"</a>
            <nav class="app-header__nav" aria-label="Main">
                <a href="/" class="app-header__link">"Inventory"</a>
                <a href="/runs" class="app-header__link">"Runs"</a>
                <a href="/plans" class="app-header__link">"Plans"</a>
                <a href="/connect" class="app-header__link">"Connect"</a>
            </nav>
            <button type="button" class="app-header__jump" on:click=move |_| on_palette.run(()) aria-keyshortcuts="/ Control+K">
                "Jump to… "<kbd>"/"</kbd>
            </button>
            // Fixed width (no shift when connecting): the full text, caller ARN and all, in the tooltip.
            <span class="app-header__session" title=move || session.get()>
                {move || session.get().unwrap_or_else(|| "not connected".into())}
            </span>
        </header>
    }
}
