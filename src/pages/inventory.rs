//! Inventory: every selected region × service in one filterable, sortable view. The filter
//! lives in the URL query; each region × service cell shows its own loading state or error.

use crate::components::error_panel::ErrorPanel;
use crate::components::inventory_table::{InventoryTable, Listings};
use crate::model::Service;
use crate::state::inventory::{InventoryCtx, SlotState, STALE_AFTER_MS};
use crate::state::route::Navigator;
use crate::state::rows::{Filter, FilterField, Row, RISK_FILTERS, SORTS, STATUS_FILTERS};
use crate::state::runs::RunsCtx;
use crate::state::session::SessionCtx;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;
use std::sync::Arc;

/// Rows rendered at first; "Show more" adds as many again. Keeps a keystroke cheap with
/// thousands of resources.
const PAGE: i64 = 200;

/// How long the table waits for every region × service cell before it shows what has come.
/// Rows arrive cell by cell and sort into place, so rows drawn early would be pushed down by
/// later ones (a layout shift under the reader's eyes); the grid above shows progress meanwhile,
/// and a slow region holds the table back no longer than this.
const FIRST_DRAW_WAIT_MS: u64 = 1500;
/// Sooner than that once most cells have answered: the one still out is likely a Region in
/// trouble, and its timeout must not keep the healthy Regions' rows off the screen.
const MOST_ANSWERED_WAIT_MS: u64 = 350;

#[component]
pub fn InventoryPage() -> impl IntoView {
    let session = SessionCtx::expect();
    let inventory = InventoryCtx::expect();
    let limit = RwSignal::new(PAGE);
    let filters = Filters {
        limit,
        query: use_query_map(),
        navigator: Navigator::new(),
    };
    let matched = Memo::new(move |_| {
        let f = filters.current();
        inventory.rows.with(|rows| {
            f.apply(rows)
                .into_iter()
                .cloned()
                .collect::<Vec<Arc<Row>>>()
        })
    });
    // Which listings are fresh and which stale, for the rows' badges. Read each second (the
    // clock ticks), but a row redraws only when its own listings change state.
    let now = RunsCtx::expect().now;
    let listings = Memo::new(move |_| {
        let now = now.get();
        inventory.slots.with(|slots| {
            let mut l = Listings::default();
            for (key, state) in slots {
                match state {
                    SlotState::Ready { at, .. } if now - at <= STALE_AFTER_MS => {
                        l.fresh.insert(key.clone());
                    }
                    SlotState::Ready { .. } | SlotState::Failed { .. } => {
                        l.stale.insert(key.clone());
                    }
                    SlotState::Loading => {}
                }
            }
            l
        })
    });
    let reach = crate::state::reach::ReachCtx::expect();
    let unreachable = Memo::new(move |_| {
        reach
            .failing
            .with(|f| f.keys().cloned().collect::<std::collections::BTreeSet<_>>())
    });
    // Latched: once the first full answer (or the wait) has come, later loads never hide rows.
    let drawn = RwSignal::new(false);
    let waited = RwSignal::new(false);
    set_timeout(
        move || drawn.set(true),
        std::time::Duration::from_millis(FIRST_DRAW_WAIT_MS),
    );
    set_timeout(
        move || waited.set(true),
        std::time::Duration::from_millis(MOST_ANSWERED_WAIT_MS),
    );
    // Drawn once every cell has answered or its endpoint is known not to answer (a failed
    // call already said so), or after the short wait once most have answered.
    Effect::new(move |_| {
        if drawn.get_untracked() {
            return;
        }
        let (answered, total) =
            unreachable.with(|silent| inventory.slots.with(|slots| answered_cells(slots, silent)));
        if total > 0 && (answered == total || waited.get() && answered * 2 >= total) {
            drawn.set(true);
        }
    });
    let shown = Memo::new(move |_| {
        if !drawn.get() {
            return Vec::new();
        }
        matched.with(|m| {
            m.iter()
                .take(limit.get() as usize)
                .cloned()
                .collect::<Vec<_>>()
        })
    });

    view! {
        <div class="page inventory-page">
            <div class="page__head">
                <h1 class="page__title">"Inventory"</h1>
                <p class="page__meta">
                    {move || {
                        let total = inventory.rows.with(Vec::len);
                        let m = matched.with(Vec::len);
                        let s = shown.with(Vec::len);
                        format!("{s} shown · {m} matching · {total} resources")
                    }}
                </p>
            </div>
            {view! { <Show when=move || !session.is_connected() && !session.probing.get()>{move || view! {
                <div class="notice" role="status">
                    <p>"Not connected. "<a href="/connect">"Connect"</a>" with credentials, or to the local emulator when it serves this page."</p>
                </div>
            }}</Show> }}
            {move || refused(&inventory).map(|e| view! {
                <div class="notice notice--bad" role="alert">
                    <strong>"Credentials refused in every region ("{e.code.clone().unwrap_or_default()}"). "</strong>
                    {e.advice.clone()}" "
                    <a href="/connect">"Reconnect"</a>" — runs are kept."
                </div>
            })}
            <form class="filters" role="search" on:submit=|ev| ev.prevent_default()>
                <label class="field filters__text">
                    <span class="field__label">"Filter"</span>
                    <input
                        class="field__input"
                        type="search"
                        placeholder="name, region, writer…"
                        prop:value=move || filters.current().text
                        on:input=move |ev| filters.set(FilterField::Text, &ev)
                    />
                </label>
                {filters.select("Service", FilterField::Service, Some("All services"), Service::ALL.into_iter().map(|s| {
                    filters.choice(FilterField::Service, s.as_str(), s.label())
                }).collect_view().into_any())}
                {filters.select("Region", FilterField::Region, Some("All regions"), (move || {
                    regions(&session).iter().map(|r| filters.choice(FilterField::Region, r, r)).collect_view()
                }).into_any())}
                {filters.select("Status", FilterField::Status, Some("Any status"), STATUS_FILTERS.into_iter().map(|(k, label)| {
                    filters.choice(FilterField::Status, k, label)
                }).collect_view().into_any())}
                {filters.select("Risk", FilterField::Risk, Some("Any risk"), RISK_FILTERS.into_iter().map(|(k, label)| {
                    filters.choice(FilterField::Risk, k, label)
                }).collect_view().into_any())}
                {filters.select("Sort", FilterField::Sort, None, SORTS.into_iter().map(|(k, label)| {
                    filters.choice(FilterField::Sort, k, label)
                }).collect_view().into_any())}
            </form>
            // Nothing below the filters until the emulator preset has connected: the grid's
            // rows and the table then appear together, instead of the grid growing above a
            // table already drawn.
            {view! { <Show when=move || session.is_connected() || !session.probing.get()>{move || view! {
                <SlotGrid />
                <InventoryTable rows=shown listings=listings unreachable=unreachable stale_after=format!("{} s", STALE_AFTER_MS / 1000) />
            }}</Show> }}
            {view! { <Show when=move || { drawn.get() && matched.with(Vec::len) > shown.with(Vec::len) }>{move || view! {
                <p class="inventory-page__more">
                    <button type="button" class="button" on:click=move |_| limit.update(|l| *l += PAGE)>
                        {move || format!("Show {} more", (matched.with(Vec::len) - shown.with(Vec::len)).min(PAGE as usize))}
                    </button>
                </p>
            }}</Show> }}
            {view! { <Show when=move || session.is_connected() && matched.with(Vec::is_empty) && inventory.rows.with(|r| !r.is_empty())>{move || view! {
                <p class="notice">"No resource matches this filter."</p>
            }}</Show> }}
        </div>
    }
}

/// The filter in the URL and what its controls need.
#[derive(Clone, Copy)]
struct Filters {
    limit: RwSignal<i64>,
    query: Memo<ParamsMap>,
    navigator: Navigator,
}

impl Filters {
    /// The filter the URL holds (tracked).
    fn current(self) -> Filter {
        self.query.with(|q| Filter::from_query(|k| q.get(k)))
    }

    /// Sets `field` to the control's value; the table starts again at one page of rows. A
    /// choice in a select is a step Back can undo (a new history entry); typing in the text
    /// box rewrites the current entry, so a word is not one entry per keystroke.
    fn set(self, field: FilterField, ev: &leptos::ev::Event) {
        let mut f = untrack(|| self.current());
        f.set_field(field, event_target_value(ev));
        self.limit.set(PAGE);
        let url = format!("/{}", f.to_query());
        if field == FilterField::Text {
            self.navigator.replace(&url);
        } else {
            self.navigator.push_in_place(&url);
        }
    }

    /// The select of `field`, headed by an empty "all" option when the filter can be off.
    fn select(
        self,
        label: &'static str,
        field: FilterField,
        all: Option<&'static str>,
        options: AnyView,
    ) -> AnyView {
        view! {
            <label class="field">
                <span class="field__label">{label}</span>
                // The URL decides what is selected: Back and Forward move the selection too.
                <select class="field__input" aria-label=label on:change=move |ev| self.set(field, &ev)
                    prop:value=move || self.current().field(field).to_string()>
                    {all.map(|text| self.choice(field, "", text))}
                    {options}
                </select>
            </label>
        }
        .into_any()
    }

    /// An option of `field`'s select, selected while the filter holds `value`.
    fn choice(self, field: FilterField, value: &str, label: &str) -> AnyView {
        let value = value.to_string();
        view! {
            <option value=value.clone() selected=move || self.current().field(field) == value>
                {label.to_string()}
            </option>
        }
        .into_any()
    }
}

/// The session's regions (tracked). The session changes only on connect and disconnect.
fn regions(session: &SessionCtx) -> Vec<String> {
    session.get().map(|s| s.regions.clone()).unwrap_or_default()
}

/// How many cells have answered (rows or an error) or belong to an endpoint known not to
/// answer, of how many: when all have, the table can be drawn without rows arriving above rows
/// already drawn.
fn answered_cells(
    slots: &std::collections::BTreeMap<crate::state::inventory::SlotKey, SlotState>,
    silent: &std::collections::BTreeSet<crate::state::inventory::SlotKey>,
) -> (usize, usize) {
    let answered = slots
        .iter()
        .filter(|(key, s)| !matches!(s, SlotState::Loading) || silent.contains(*key))
        .count();
    (answered, slots.len())
}

/// The auth error when every loaded cell refused the credentials: one banner, not nine.
fn refused(inventory: &InventoryCtx) -> Option<crate::state::errors::ErrorInfo> {
    inventory.slots.with(|slots| {
        let mut first = None;
        for state in slots.values() {
            match state {
                SlotState::Failed { error, .. } if error.needs_reconnect() => {
                    first.get_or_insert_with(|| error.clone());
                }
                SlotState::Loading => {}
                _ => return None,
            }
        }
        first
    })
}

/// Region × service load states: each cell on its own, errors shown in place.
#[component]
fn SlotGrid() -> impl IntoView {
    let session = SessionCtx::expect();
    let inventory = InventoryCtx::expect();
    view! {
        <table class="slot-grid" aria-label="Load state by region and service">
            <thead>
                <tr>
                    <th scope="col">"Region"</th>
                    {Service::ALL.into_iter().map(|s| view! { <th scope="col">{s.label()}</th> }).collect_view()}
                </tr>
            </thead>
            <tbody>
                {move || regions(&session).into_iter().map(|region| view! {
                    <tr>
                        <th scope="row">{region.clone()}</th>
                        {Service::ALL.into_iter().map(|service| {
                            let key = (region.clone(), service);
                            let state = Memo::new(move |_| inventory.slots.with(|s| s.get(&key).cloned()));
                            let context = format!("{} · {}", region, service.label());
                            view! {
                                <td class="slot-grid__cell">
                                    {move || match state.get() {
                                        None | Some(SlotState::Loading) => view! {
                                            <span class="slot-grid__state slot-grid__state--loading"><span aria-hidden="true">"◌ "</span>"loading…"</span>
                                        }.into_any(),
                                        Some(SlotState::Ready { rows, failed, .. }) => {
                                            // What answered is listed; a call that failed is said, by name.
                                            let partial = (!failed.is_empty()).then(|| format!("{context} — partly listed"));
                                            view! {
                                                <span class="slot-grid__state slot-grid__state--ready"><span aria-hidden="true">"✓ "</span>{format!("{} listed", rows.len())}</span>
                                                {partial.map(|context| failed.into_iter().map(|error| view! {
                                                    <ErrorPanel error=error context=context.clone() compact=true />
                                                }).collect_view())}
                                            }.into_any()
                                        }
                                        Some(SlotState::Failed { error, .. }) => {
                                            // Reads retry by themselves; say so for the errors that pass.
                                            let context = if error.is_transient() { format!("{context} — retrying") } else { context.clone() };
                                            view! { <ErrorPanel error=error context=context compact=true /> }.into_any()
                                        }
                                    }}
                                </td>
                            }
                        }).collect_view()}
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Service;
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    fn a_cell_whose_endpoint_is_known_silent_counts_as_answered() {
        let ready = || SlotState::Ready {
            rows: vec![],
            at: 0,
            failed: vec![],
        };
        let key = |r: &str, s| (r.to_string(), s);
        let mut slots = BTreeMap::new();
        slots.insert(key("us-west-2", Service::ElastiCache), ready());
        slots.insert(key("us-east-1", Service::ElastiCache), SlotState::Loading);
        slots.insert(key("us-east-1", Service::Neptune), SlotState::Loading);
        assert_eq!(answered_cells(&slots, &BTreeSet::new()), (1, 3));
        let silent = BTreeSet::from([key("us-east-1", Service::ElastiCache)]);
        assert_eq!(answered_cells(&slots, &silent), (2, 3));
        let silent = BTreeSet::from([
            key("us-east-1", Service::ElastiCache),
            key("us-east-1", Service::Neptune),
        ]);
        assert_eq!(answered_cells(&slots, &silent), (3, 3));
    }
}
