//! `<App/>`: the context providers, the route table, the run tray and the command palette.

use crate::components::app_header::AppHeader;
use crate::components::command_palette::CommandPalette;
use crate::components::reach_strip::ReachStrip;
use crate::components::run_tray::RunTray;
use crate::pages::connect::ConnectPage;
use crate::pages::inventory::InventoryPage;
use crate::pages::plans::PlansPage;
use crate::pages::resource::ResourcePage;
use crate::pages::runs::RunsPage;
use crate::state::browser;
use crate::state::deploy::Loaded;
use crate::state::inventory::InventoryCtx;
use crate::state::plans::PlansCtx;
use crate::state::reach::ReachCtx;
use crate::state::route::resource_from_params;
use crate::state::rows::ResourceKind;
use crate::state::runs::RunsCtx;
use crate::state::session::SessionCtx;
use crate::state::signin::SignInCtx;
use crate::state::task::spawn_owned;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_params_map;
use leptos_router::path;

#[component]
pub fn App(
    /// What was found beside index.html (`config.json`).
    #[prop(optional, into)]
    deploy: Option<Loaded>,
) -> impl IntoView {
    let deploy = match deploy.unwrap_or(Loaded::Absent) {
        Loaded::Invalid(why) => return view! { <ConfigRefused why /> }.into_any(),
        Loaded::Ready(c) => Some(*c),
        Loaded::Absent => None,
    };
    let environment = deploy.as_ref().map(|d| d.environment.clone());
    if let Some(env) = &environment {
        browser::set_title(&format!("{env} · failover-console"));
    }
    let lag_default = deploy.as_ref().and_then(|d| d.lag_threshold_s);
    let packaged = deploy.is_some();
    let reach = ReachCtx::provide();
    let session = SessionCtx::provide(reach, deploy);
    let sign_in = SignInCtx::provide(session);
    let inventory = InventoryCtx::provide(session);
    let runs = RunsCtx::provide(session);
    PlansCtx::provide(session, runs);
    crate::state::lag::LagCtx::provide(lag_default);
    let palette_open = RwSignal::new(false);

    // A run that settles changed what the inventory shows: its rows are read again at once,
    // not at the next refresh, so no row keeps a status from before the run.
    let settled = Memo::new(move |_| {
        runs.runs
            .with(|r| r.iter().filter(|r| r.phase.is_done()).count())
    });
    Effect::new(move |previous: Option<usize>| {
        let now = settled.get();
        if previous.is_some_and(|before| now > before) {
            inventory.refresh_all(session);
        }
        now
    });

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
                environment
                expires=sign_in.expires
                now=runs.now
                session=Memo::new(move |_| {
                    // A renewal swaps the key inside the same session: read the label again.
                    sign_in.expires.track();
                    session.get().map(|s| {
                        let mut label = s.label();
                        // Who AWS says the caller is: the role or user, not just a key.
                        if let Some(arn) = session.caller_arn.get() {
                            label.push_str(" · ");
                            label.push_str(arn.rsplit(':').next().unwrap_or(&arn));
                        }
                        label
                    })
                })
                on_palette=Callback::new(move |_| palette_open.set(true))
            />
            <ReachStrip failing=reach.failing now=runs.now />
            <main class="app" data-app-mounted="true">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=InventoryPage />
                    <Route path=path!("/connect") view=ConnectPage />
                    <Route path=path!("/runs") view=RunsPage />
                    <Route path=path!("/plans") view=PlansPage />
                    <Route
                        path=path!("/r/elasticache/global/:id")
                        view=|| view! { <ResourceRoute kind=ResourceKind::GlobalDatastore /> }
                    />
                    <Route
                        path=path!("/r/elasticache/rg/:region/:id")
                        view=|| view! { <ResourceRoute kind=ResourceKind::ReplicationGroup /> }
                    />
                    <Route
                        path=path!("/r/neptune/global/:id")
                        view=|| view! { <ResourceRoute kind=ResourceKind::GlobalDatabase /> }
                    />
                    <Route
                        path=path!("/r/neptune/cluster/:region/:id")
                        view=|| view! { <ResourceRoute kind=ResourceKind::NeptuneCluster /> }
                    />
                    <Route
                        path=path!("/r/memorydb-multi-region/:id")
                        view=|| view! { <ResourceRoute kind=ResourceKind::MultiRegionCluster /> }
                    />
                    <Route
                        path=path!("/r/memorydb/:region/:id")
                        view=|| view! { <ResourceRoute kind=ResourceKind::MemoryDbCluster /> }
                    />
                </Routes>
            </main>
            <RunTray runs=runs.runs now=runs.now />
            <CredentialRenewal sign_in />
            {packaged.then(|| view! {
                <VersionNotice running=Signal::derive(move || runs.runs.with(|r| r.iter().any(|r| !r.phase.is_done()))) />
            })}
            <Show when=move || palette_open.get()>
                <CommandPalette
                    rows=inventory.rows
                    on_close=Callback::new(move |_| palette_open.set(false))
                />
            </Show>
        </Router>
    }
    .into_any()
}

/// Keeps signed-in credentials fresh for as long as the app is mounted (a run in progress
/// keeps its client; the credentials inside it are swapped between two requests).
#[component]
fn CredentialRenewal(sign_in: SignInCtx) -> impl IntoView {
    spawn_owned(sign_in.keep_fresh());
}

/// A packaged deployment: registers its service worker, looks for a new deployment every
/// minute (and when the tab comes back), and offers the reload, never during a run.
#[component]
fn VersionNotice(running: Signal<bool>) -> impl IntoView {
    use crate::state::offline;
    let waiting = RwSignal::new(false);
    offline::register();
    spawn_owned(async move {
        let mut next_check = browser::now_ms() + 60_000;
        loop {
            browser::sleep_ms(2000).await;
            if browser::now_ms() >= next_check && !browser::is_hidden() {
                next_check = browser::now_ms() + 60_000;
                offline::check_for_update().await;
            }
            waiting.set(offline::new_version_waiting().await);
        }
    });
    view! {
        <Show when=move || waiting.get()>
            <div class="version-notice" role="status">
                <span>"A new version of this console is deployed."</span>
                <button type="button" class="button button--primary version-notice__reload"
                    disabled=move || running.get()
                    on:click=move |_| leptos::task::spawn_local(offline::activate_new_version())>
                    "New version — reload"
                </button>
                <Show when=move || running.get()>
                    <span class="version-notice__held">"Held until the running operation settles."</span>
                </Show>
            </div>
        </Show>
    }
}

/// The deployment's config.json has a mistake: nothing is sent anywhere until it is fixed.
#[component]
fn ConfigRefused(why: String) -> impl IntoView {
    browser::set_title("config.json refused · failover-console");
    view! {
        <header class="shell__bar app-header">
            <span class="shell__brand">"failover-console"</span>
        </header>
        <main class="app page config-refused" data-app-mounted="true">
            <h1 class="page__title">"This deployment's configuration is refused"</h1>
            <p class="field__error config-refused__why" role="alert">{why}</p>
            <p>"The console reads "<code>"config.json"</code>" beside its "<code>"index.html"</code>
               " to know the environment, its regions, endpoints and sign-in. Nothing was sent to AWS. "
               "Fix the file (check it with "<code>"scripts/package.sh"</code>", which refuses the same mistakes) and reload."</p>
        </main>
    }
}

/// A resource page for the route's parameters. Built again when they change (a link from one
/// resource to another of the same kind), so the page's polls follow the resource shown.
#[component]
fn ResourceRoute(kind: ResourceKind) -> impl IntoView {
    let params = use_params_map();
    let resource = Memo::new(move |_| params.with(|p| resource_from_params(kind, |k| p.get(k))));
    move || match resource.get() {
        Some(rref) => view! { <ResourcePage rref=rref /> }.into_any(),
        None => view! { <NotFound /> }.into_any(),
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
