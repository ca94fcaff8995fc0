//! An AWS error shown where it happened: code, message, request id and what to do.

use crate::state::errors::ErrorInfo;
use leptos::prelude::*;

#[component]
pub fn ErrorPanel(
    error: ErrorInfo,
    /// Where it happened, e.g. "us-east-1 · ElastiCache" or "Connection lost — retrying".
    #[prop(optional, into)]
    context: Option<String>,
    /// One region cell of the inventory: code, request id and advice; the message folds away.
    #[prop(optional)]
    compact: bool,
) -> impl IntoView {
    let class = if compact {
        "error-panel error-panel--compact"
    } else {
        "error-panel"
    };
    // The summary sentence repeats code and message; show it only when AWS sent no code
    // (network, CORS, decoding), where it is the only explanation there is.
    let headline = error.code.clone().unwrap_or_else(|| error.summary.clone());
    let message = error.message.clone().filter(|_| error.code.is_some());
    let details = message.map(|m| {
        if compact {
            view! { <details class="error-panel__more"><summary>"Message"</summary><p>{m}</p></details> }.into_any()
        } else {
            view! { <p class="error-panel__message">{m}</p> }.into_any()
        }
    });
    view! {
        <div class=class role="alert">
            <p class="error-panel__summary">
                <span class="error-panel__glyph" aria-hidden="true">"✕"</span>
                {context.map(|c| view! { <span class="error-panel__context">{c}": "</span> })}
                <code class="error-panel__code">{headline}</code>
            </p>
            {details}
            {error.request_id.clone().map(|r| view! {
                <p class="error-panel__request">"Request id "<code>{r}</code></p>
            })}
            <p class="error-panel__advice">{error.advice.clone()}</p>
        </div>
    }
}
