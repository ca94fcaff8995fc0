//! A status shown as shape + word + colour, fixed width so polling never shifts the layout.

use crate::model::{classify_status, StatusKind};
use leptos::prelude::*;

pub fn status_glyph(kind: StatusKind) -> &'static str {
    match kind {
        StatusKind::Healthy => "●",
        StatusKind::Transitional => "◐",
        StatusKind::Failed => "✕",
        StatusKind::Unknown => "?",
    }
}

#[component]
pub fn StatusBadge(#[prop(into)] status: Signal<String>) -> impl IntoView {
    let kind = move || status.with(|s| classify_status(s));
    view! {
        <span
            class=move || format!("status-badge status-badge--{}", kind().as_str())
            title=move || status.get()
        >
            <span class="status-badge__glyph" aria-hidden="true">{move || status_glyph(kind())}</span>
            <span class="status-badge__text">{move || status.get()}</span>
        </span>
    }
}
