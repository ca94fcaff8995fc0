//! The top bar: same geometry as the index.html shell, so mounting does not shift anything.

use crate::state::signin::countdown;
use leptos::prelude::*;

#[component]
pub fn AppHeader(
    /// The deployment's name (`prod`), so nobody acts on the wrong environment.
    environment: Option<String>,
    /// Signed-in credentials' expiry and lifetime, ms.
    expires: RwSignal<Option<(i64, i64)>>,
    /// Ticks every second.
    now: RwSignal<i64>,
    /// `key …0001 · 3 regions`, or `None` when not connected.
    session: Memo<Option<String>>,
    on_palette: Callback<()>,
) -> impl IntoView {
    view! {
        <header class="shell__bar app-header">
            <a class="shell__brand" href="/">"failover-console"</a>
            {environment.map(|env| {
                let title = format!("Environment: {env} (from this deployment's config.json)");
                view! {
                    <span class="app-header__env" title=title>
                        <span class="visually-hidden">"Environment: "</span><span class="app-header__env-name">{env}</span>
                    </span>
                }
            })}
            <nav class="app-header__nav" aria-label="Main">
                <a href="/" class="app-header__link">"Inventory"</a>
                <a href="/runs" class="app-header__link">"Runs"</a>
                <a href="/plans" class="app-header__link">"Plans"</a>
                <a href="/connect" class="app-header__link">"Connect"</a>
            </nav>
            <button type="button" class="app-header__jump" on:click=move |_| on_palette.run(()) aria-keyshortcuts="/ Control+K">
                "Jump to… "<kbd>"/"</kbd>
            </button>
            // Present from sign-in on (no shift when it starts counting): empty until the last
            // five minutes of the role's credentials.
            <Show when=move || expires.with(Option::is_some)>
                <span class="app-header__expiry" role="timer" aria-live="off">
                    {move || expires.get().and_then(|(at, _)| {
                        let now = now.get();
                        countdown(at, now).map(|left| if at <= now {
                            "credentials expired: sign in again".to_string()
                        } else {
                            format!("credentials expire in {left}")
                        })
                    })}
                </span>
            </Show>
            // Fixed width (no shift when connecting): the full text, caller ARN and all, in the tooltip.
            <span class="app-header__session" title=move || session.get()>
                {move || session.get().unwrap_or_else(|| "not connected".into())}
            </span>
        </header>
    }
}
