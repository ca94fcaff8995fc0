//! `<App/>`: context providers, router and route table.

use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    view! {
        <main class="app" data-app-mounted="true">
            <h1 class="app__title">"failover-console"</h1>
        </main>
    }
}
