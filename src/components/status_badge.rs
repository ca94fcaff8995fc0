//! A status shown as shape + word + colour, fixed width so polling never shifts the layout.
//! A status read too long ago is drawn stale: its own glyph and the word "stale", so an old
//! answer never looks like a fresh healthy one.

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

/// The glyph of a stale status, whatever the status.
pub const STALE_GLYPH: &str = "◌";

/// Takes the status as a value: the places that show one re-render it when it changes.
#[component]
pub fn StatusBadge(
    status: String,
    /// True while the read behind this status is older than its polls allow.
    #[prop(optional)]
    stale: Signal<bool>,
    /// `last read 40 s ago`, for the tooltip while stale.
    #[prop(optional)]
    age: Signal<String>,
) -> impl IntoView {
    let kind = classify_status(&status);
    let is_stale = move || stale.get();
    let text = status.clone();
    view! {
        <span
            class=move || {
                let mut class = format!("status-badge status-badge--{}", kind.as_str());
                if is_stale() {
                    class.push_str(" status-badge--stale");
                }
                class
            }
            title=move || {
                if is_stale() {
                    format!("{status} — stale, {}", age.get())
                } else {
                    status.clone()
                }
            }
        >
            <span class="status-badge__glyph" aria-hidden="true">
                {move || if is_stale() { STALE_GLYPH } else { status_glyph(kind) }}
            </span>
            <span class="status-badge__text">
                {move || if is_stale() { format!("stale: {text}") } else { text.clone() }}
            </span>
        </span>
    }
}
