//! The inventory as a table, keyed by resource and revision: a poll that changes one row
//! redraws that row only, and a row that moves (a new sort order) keeps its DOM.

use super::status_badge::StatusBadge;
use crate::state::rows::Row;
use leptos::prelude::*;
use std::sync::Arc;

#[component]
pub fn InventoryTable(rows: Memo<Vec<Arc<Row>>>) -> impl IntoView {
    view! {
        <table class="inventory-table">
            <colgroup>
                <col class="inventory-table__col-name" />
                <col class="inventory-table__col-kind" />
                <col class="inventory-table__col-status" />
                <col class="inventory-table__col-writer" />
                <col class="inventory-table__col-summary" />
            </colgroup>
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Kind"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Writes in"</th>
                    <th scope="col">"Shape and members"</th>
                </tr>
            </thead>
            <tbody>
                <For each=move || rows.get() key=|row| (row.resource.key(), row.rev) let:row>
                    <InventoryRow row=row />
                </For>
            </tbody>
        </table>
    }
}

#[component]
fn InventoryRow(row: Arc<Row>) -> impl IntoView {
    let status = row.status.clone();
    view! {
        <tr class=format!("inventory-table__row inventory-table__row--{}", row.status_kind.as_str())>
            <td class="inventory-table__name">
                <a href=row.resource.path()>{row.name.clone()}</a>
            </td>
            <td class="inventory-table__kind">
                <span class="inventory-table__service">{row.service().label()}</span>
                " "
                {row.resource.kind.label_after_service()}
            </td>
            <td><StatusBadge status=status /></td>
            <td class="inventory-table__writer">{row.writer.clone()}</td>
            <td class="inventory-table__summary">
                <span>{row.summary.clone()}</span>
                <span class="inventory-table__members">{row.members.clone()}</span>
            </td>
        </tr>
    }
}
