//! `<App/>`: context providers, the page for the URL (state/route.rs), the run tray and the
//! command palette.

use crate::components::app_header::AppHeader;
use crate::components::command_palette::CommandPalette;
use crate::components::run_tray::RunTray;
use crate::components::shown::{rebuilt, shown_when};
use crate::pages::connect::ConnectPage;
use crate::pages::inventory::InventoryPage;
use crate::pages::resource::ResourcePage;
use crate::pages::runs::RunsPage;
use crate::state::browser;
use crate::state::inventory::InventoryCtx;
use crate::state::route::{Page, Router};
use crate::state::runs::RunsCtx;
use crate::state::session::SessionCtx;
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    let router = Router::provide();
    let session = SessionCtx::provide();
    let inventory = InventoryCtx::provide(session);
    let runs = RunsCtx::provide(session);
    let palette_open = RwSignal::new(false);

    // "/" (outside text fields) or Ctrl/Cmd+K opens the jump-to palette from anywhere.
    let handle =
        leptos::leptos_dom::helpers::window_event_listener(leptos::ev::keydown, move |ev| {
            let ctrl_k = (ev.ctrl_key() || ev.meta_key()) && ev.key().eq_ignore_ascii_case("k");
            let slash = ev.key() == "/" && !browser::active_element_is_editable();
            if ctrl_k || slash {
                ev.prevent_default();
                palette_open.set(true);
            }
        });
    on_cleanup(move || handle.remove());

    view! {
        <AppHeader
            session=Memo::new(move |_| session.get().map(|s| s.label()))
            on_palette=Callback::new(move |_| palette_open.set(true))
        />
        <main class="app" data-app-mounted="true">
            // Re-rendered only when the page changes, not when the query (the filter) does.
            {rebuilt(move || match router.page.get() {
                Page::Inventory => view! { <InventoryPage /> }.into_any(),
                Page::Connect => view! { <ConnectPage /> }.into_any(),
                Page::Runs => view! { <RunsPage /> }.into_any(),
                Page::Resource(rref) => view! { <ResourcePage rref=rref /> }.into_any(),
                Page::NotFound => view! { <NotFound /> }.into_any(),
            })}
        </main>
        <RunTray runs=runs.runs now=runs.now />
        {shown_when(move || palette_open.get(), move || view! {
            <CommandPalette
                rows=inventory.rows
                router=router
                on_close=Callback::new(move |_| palette_open.set(false))
            />
        })}
    }
}

#[component]
fn NotFound() -> impl IntoView {
    view! {
        <div class="page">
            <h1 class="page__title">"Not found"</h1>
            <p>"No such page. "<a href="/">"Back to the inventory"</a></p>
        </div>
    }
}
