//! An AWS error shown where it happened: what went wrong, code, message, request id, advice.

use crate::state::errors::ErrorInfo;
use leptos::prelude::*;

#[component]
pub fn ErrorPanel(
    error: ErrorInfo,
    /// Shown as a heading line, e.g. "us-east-1 · ElastiCache" or "Connection lost — retrying".
    #[prop(optional, into)]
    context: Option<String>,
    /// Renders compactly (one region cell of the inventory).
    #[prop(optional)]
    compact: bool,
) -> impl IntoView {
    let class = if compact {
        "error-panel error-panel--compact"
    } else {
        "error-panel"
    };
    view! {
        <div class=class role="alert">
            <p class="error-panel__summary">
                <span class="error-panel__glyph" aria-hidden="true">"✕"</span>
                {context.map(|c| view! { <strong>{c}": "</strong> })}
                {error.summary.clone()}
            </p>
            <dl class="error-panel__facts">
                {error.code.clone().map(|c| view! { <dt>"Code"</dt><dd><code>{c}</code></dd> })}
                {error.message.clone().map(|m| view! { <dt>"Message"</dt><dd>{m}</dd> })}
                {error.request_id.clone().map(|r| view! { <dt>"Request id"</dt><dd><code>{r}</code></dd> })}
            </dl>
            <p class="error-panel__advice">{error.advice.clone()}</p>
        </div>
    }
}
