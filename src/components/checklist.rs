//! A preflight checklist: each check's glyph, label, outcome in words and detail, so it reads
//! without colour.

use crate::state::action::Check;
use leptos::prelude::*;

#[component]
pub fn ChecklistItems(checks: Vec<Check>) -> impl IntoView {
    checks
        .into_iter()
        .map(|c| {
            view! {
                <li class=format!("checklist__item checklist__item--{}", c.outcome.as_str())>
                    <span class="checklist__glyph" aria-hidden="true">{c.outcome.glyph()}</span>
                    <span class="checklist__label">{c.label}</span>
                    <span class="checklist__outcome">{c.outcome.as_str()}</span>
                    <span class="checklist__detail">{c.detail}</span>
                </li>
            }
        })
        .collect_view()
}
