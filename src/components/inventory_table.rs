//! The inventory as a table, keyed by resource and revision: a poll that changes one row
//! redraws that row only, and a row that moves (a new sort order) keeps its DOM.

use super::status_badge::StatusBadge;
use crate::model::Service;
use crate::state::rows::Row;
use leptos::prelude::*;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Which region × service listings are fresh and which are stale (failed, or older than the
/// refresh allows). A row is stale when none of its listings is fresh and one is stale.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Listings {
    pub fresh: BTreeSet<(String, Service)>,
    pub stale: BTreeSet<(String, Service)>,
}

impl Listings {
    pub fn row_is_stale(&self, row: &Row) -> bool {
        let service = row.service();
        let regions = row.regions_writer_first();
        let slots = || regions.iter().map(|r| (r.to_string(), service));
        !slots().any(|k| self.fresh.contains(&k)) && slots().any(|k| self.stale.contains(&k))
    }
}

#[component]
pub fn InventoryTable(
    rows: Memo<Vec<Arc<Row>>>,
    listings: Memo<Listings>,
    /// Region × service pairs not answering now: a row names its members there.
    unreachable: Memo<BTreeSet<(String, Service)>>,
    /// How old a listing may get before it is stale, for the badges' tooltip.
    #[prop(into)]
    stale_after: String,
) -> impl IntoView {
    view! {
        <table class="inventory-table">
            <colgroup>
                <col class="inventory-table__col-name" />
                <col class="inventory-table__col-kind" />
                <col class="inventory-table__col-region" />
                <col class="inventory-table__col-status" />
                <col class="inventory-table__col-writer" />
                <col class="inventory-table__col-summary" />
            </colgroup>
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Kind"</th>
                    <th scope="col">"Region"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Writes in"</th>
                    <th scope="col">"Shape and members"</th>
                </tr>
            </thead>
            <tbody>
                <For each=move || rows.get() key=|row| (row.resource.key(), row.rev) let:row>
                    <InventoryRow row=row listings=listings unreachable=unreachable stale_after=stale_after.clone() />
                </For>
            </tbody>
        </table>
    }
}

#[component]
fn InventoryRow(
    row: Arc<Row>,
    listings: Memo<Listings>,
    unreachable: Memo<BTreeSet<(String, Service)>>,
    stale_after: String,
) -> impl IntoView {
    let status = row.status.clone();
    let stale = {
        let row = row.clone();
        Signal::derive(move || listings.with(|l| l.row_is_stale(&row)))
    };
    let age = Signal::stored(format!("not listed again for over {stale_after}"));
    // The row's regions whose endpoint for its service is not answering: a member there is
    // out of reach (a global resource stays listed from its other regions).
    let out_of_reach = {
        let row = row.clone();
        Memo::new(move |_| {
            unreachable.with(|u| {
                row.regions
                    .iter()
                    .filter(|r| u.contains(&((*r).clone(), row.service())))
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    };
    view! {
        <tr class=format!("inventory-table__row inventory-table__row--{}", row.status_kind.as_str())>
            <td class="inventory-table__name">
                <a href=row.resource.path()>{row.name.clone()}</a>
                <Show when=move || out_of_reach.with(|r| !r.is_empty())>
                    <span class="inventory-table__risks">
                        {move || out_of_reach.get().into_iter().map(|region| view! {
                            <span class="risk-badge risk-badge--reach"><span aria-hidden="true">"⚠ "</span>{region}" not answering"</span>
                        }).collect_view()}
                    </span>
                </Show>
                {(!row.risks.is_empty()).then(|| view! {
                    <span class="inventory-table__risks">
                        {row.risks.iter().map(|r| view! {
                            <span class="risk-badge"><span aria-hidden="true">"⚠ "</span>{*r}</span>
                        }).collect_view()}
                    </span>
                })}
            </td>
            <td class="inventory-table__kind">
                <span class="inventory-table__service">{row.service().label()}</span>
                " "
                {row.resource.kind.label_after_service()}
            </td>
            <td class="inventory-table__region">{row.region_list()}</td>
            <td><StatusBadge status=status stale=stale age=age /></td>
            <td class="inventory-table__writer">{row.writer.clone()}</td>
            <td class="inventory-table__summary">
                <span>{row.summary.clone()}</span>
                <span class="inventory-table__members">{row.members.clone()}</span>
            </td>
        </tr>
    }
}
