//! `<App/>`: context providers, router, route table, the run tray and the command palette.

use crate::components::app_header::AppHeader;
use crate::components::command_palette::CommandPalette;
use crate::components::run_tray::RunTray;
use crate::pages::connect::ConnectPage;
use crate::pages::inventory::InventoryPage;
use crate::pages::resource::{
    GlobalDatabasePage, GlobalDatastorePage, MemoryDbPage, NeptuneClusterPage, ReplicationGroupPage,
};
use crate::pages::runs::RunsPage;
use crate::state::browser;
use crate::state::inventory::InventoryCtx;
use crate::state::runs::RunsCtx;
use crate::state::session::SessionCtx;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_navigate;
use leptos_router::{path, NavigateOptions};

#[component]
pub fn App() -> impl IntoView {
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
        <Router>
            <AppHeader
                session=Signal::derive(move || session.get().map(|s| s.label()))
                on_palette=Callback::new(move |_| palette_open.set(true))
            />
            <main class="app" data-app-mounted="true">
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=InventoryPage />
                    <Route path=path!("/connect") view=ConnectPage />
                    <Route path=path!("/runs") view=RunsPage />
                    <Route path=path!("/r/elasticache/global/:id") view=GlobalDatastorePage />
                    <Route path=path!("/r/elasticache/rg/:region/:id") view=ReplicationGroupPage />
                    <Route path=path!("/r/neptune/global/:id") view=GlobalDatabasePage />
                    <Route path=path!("/r/neptune/cluster/:region/:id") view=NeptuneClusterPage />
                    <Route path=path!("/r/memorydb/:region/:id") view=MemoryDbPage />
                </Routes>
            </main>
            <RunTray runs=runs.runs now=runs.now />
            <Show when=move || palette_open.get()>
                <PaletteHost rows=inventory.rows on_close=Callback::new(move |_| palette_open.set(false)) />
            </Show>
        </Router>
    }
}

/// The palette inside the router, so picking a resource can navigate.
#[component]
fn PaletteHost(
    #[prop(into)] rows: Signal<Vec<std::sync::Arc<crate::state::rows::Row>>>,
    on_close: Callback<()>,
) -> impl IntoView {
    let navigate = use_navigate();
    let on_pick = Callback::new(move |path: String| {
        on_close.run(());
        navigate(&path, NavigateOptions::default());
    });
    view! { <CommandPalette rows=rows on_pick=on_pick on_close=on_close /> }
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
