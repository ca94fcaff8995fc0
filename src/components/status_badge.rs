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

/// Takes the status as a value: the places that show one re-render it when it changes.
#[component]
pub fn StatusBadge(status: String) -> impl IntoView {
    let kind = classify_status(&status);
    let title = status.clone();
    view! {
        <span class=format!("status-badge status-badge--{}", kind.as_str()) title=title>
            <span class="status-badge__glyph" aria-hidden="true">{status_glyph(kind)}</span>
            <span class="status-badge__text">{status}</span>
        </span>
    }
}
