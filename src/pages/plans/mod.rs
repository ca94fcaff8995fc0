//! Plans (`/plans`, `/plans?evacuate=us-east-1`): propose "evacuate Region R" from the
//! inventory or import a plan file, review and edit it, dry-run and preflight every step,
//! confirm once by typing the Region, and follow the plans under way.

mod editor;
mod progress;

use crate::model::Service;
use crate::state::browser;
use crate::state::inventory::{InventoryCtx, SlotState};
use crate::state::plan::{propose_evacuation, Plan};
use crate::state::plans::PlansCtx;
use crate::state::reach::ReachCtx;
use crate::state::route::Navigator;
use crate::state::session::SessionCtx;
use crate::state::{api, lag};
use editor::PlanEditor;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use progress::PlanProgress;

#[component]
pub fn PlansPage() -> impl IntoView {
    let plans = PlansCtx::expect();
    let session = SessionCtx::expect();
    let inventory = InventoryCtx::expect();
    let reach = ReachCtx::expect();
    let query = use_query_map();
    let asked = Memo::new(move |_| query.with(|q| q.get("evacuate")).filter(|r| !r.is_empty()));
    let region = RwSignal::new(asked.get_untracked().unwrap_or_default());
    let import_error = RwSignal::new(None::<String>);
    let navigator = Navigator::new();

    // Regions to offer: the session's, then any other the inventory saw.
    let regions = Memo::new(move |_| {
        let mut list: Vec<String> = session.get().map(|s| s.regions.clone()).unwrap_or_default();
        inventory.rows.with(|rows| {
            for row in rows {
                for r in row.regions_writer_first() {
                    if !list.iter().any(|x| x == r) {
                        list.push(r.to_string());
                    }
                }
            }
        });
        list
    });
    // Every listing has answered or failed: a proposal made now misses nothing still coming.
    let listed = Memo::new(move |_| {
        inventory
            .slots
            .with(|s| !s.is_empty() && s.values().all(|v| !matches!(v, SlotState::Loading)))
    });
    // Reading the secondaries' lag before a proposal (the target is the least lagging).
    let reading_lag = RwSignal::new(false);
    let propose = move |r: String| {
        let failing = reach.failing.get_untracked();
        let rows = inventory.rows.get_untracked();
        reading_lag.set(true);
        leptos::task::spawn_local(async move {
            let answers = |region: &str, service: Service| {
                !failing.contains_key(&(region.to_string(), service))
            };
            let sources =
                lag::sources_for_evacuation(&r, rows.iter().map(|r| r.as_ref()), &answers);
            // A CloudWatch that does not answer delays the proposal by 4 s at most: the plan
            // then says the lag is not known.
            let readings = match session.get_untracked() {
                Some(s) => {
                    let now = api::server_time(&s, browser::now_ms());
                    let read = lag::fetch(&s, &sources, now);
                    let timeout = browser::sleep_ms(4_000);
                    futures::pin_mut!(read, timeout);
                    match futures::future::select(read, timeout).await {
                        futures::future::Either::Left((readings, _)) => readings,
                        futures::future::Either::Right(_) => Vec::new(),
                    }
                }
                None => Vec::new(),
            };
            let lag_of = |member: &str| {
                readings
                    .iter()
                    .find(|x| x.member == member)
                    .and_then(lag::Reading::seconds)
            };
            plans.draft.set(Some(propose_evacuation(
                &r,
                rows.iter().map(|r| r.as_ref()),
                &answers,
                &lag_of,
            )));
            reading_lag.set(false);
        });
    };
    // A deep link proposes its plan once the inventory is listed, unless that draft is open.
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        let (Some(r), true) = (asked.get(), listed.get()) else {
            return false;
        };
        let open = plans
            .draft
            .with_untracked(|d| d.as_ref().is_some_and(|p| p.region == r));
        if !open {
            propose(r);
        }
        // The link has done its work: a reload must not propose the plan again.
        navigator.replace("/plans");
        true
    });
    let on_import = move |ev: leptos::ev::Event| {
        leptos::task::spawn_local(async move {
            match browser::chosen_file_text(&ev).await {
                Some(Ok(text)) => match Plan::from_json(&text) {
                    Ok(plan) => {
                        import_error.set(None);
                        plans.draft.set(Some(plan));
                    }
                    Err(why) => import_error.set(Some(why)),
                },
                Some(Err(why)) => import_error.set(Some(why)),
                None => {}
            }
        });
    };
    let started = Memo::new(move |_| {
        plans
            .runs
            .with(|r| r.iter().rev().map(|p| p.id.clone()).collect::<Vec<_>>())
    });

    view! {
        <div class="page plans-page">
            <div class="page__head">
                <h1 class="page__title">"Plans"</h1>
                <p class="page__meta">"Ordered stages of failovers, run as one: steps of a stage in parallel, stages in order, approval gates between them."</p>
            </div>
            <Show when=move || session.get().is_none()>
                <p class="notice notice--bad" role="alert">"Not connected: connect first; plans read the inventory and send signed calls."</p>
            </Show>
            <div class="plans-page__runs">
                <For each=move || started.get() key=|id| id.clone() let:id>
                    <PlanProgress id=id />
                </For>
            </div>
            <section class="plans-page__new" aria-labelledby="new-plan">
                <h2 id="new-plan" class="section-title">"New plan"</h2>
                <form class="plans-page__propose" on:submit=move |ev| {
                    ev.prevent_default();
                    let r = region.get_untracked();
                    if !r.is_empty() {
                        propose(r);
                    }
                }>
                    <label class="field">
                        <span class="field__label">"Evacuate Region"</span>
                        <select class="field__input plans-page__region"
                            on:change=move |ev| region.set(event_target_value(&ev))
                            prop:value=move || region.get()>
                            <option value="">"choose a Region…"</option>
                            <For each=move || regions.get() key=|r| r.clone() let:r>
                                <option value=r.clone()>{r.clone()}</option>
                            </For>
                        </select>
                    </label>
                    <button type="submit" class="button button--primary" prop:disabled=move || region.get().is_empty() || reading_lag.get()>
                        "Propose plan"
                    </button>
                    <span class="field__hint" role="status">
                        {move || reading_lag.get().then_some("Reading the secondaries' replication lag (the least lagging is proposed)…")}
                    </span>
                    <Show when=move || !listed.get()>
                        <span class="field__hint">"The inventory is still listing: a plan proposed now may miss resources."</span>
                    </Show>
                </form>
                <label class="field plans-page__import">
                    <span class="field__label">"Or import a plan file (JSON)"</span>
                    <input type="file" accept="application/json,.json" class="plans-page__file" on:change=on_import />
                </label>
                {move || import_error.get().map(|why| view! {
                    <p class="notice notice--bad plans-page__import-error" role="alert">
                        <span aria-hidden="true">"✕ "</span>"Plan file refused: "{why}
                    </p>
                })}
            </section>
            <Show when=move || plans.draft.with(Option::is_some)>
                <PlanEditor />
            </Show>
        </div>
    }
}
