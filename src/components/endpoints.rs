//! Where applications connect, each address with a copy button: after a failover, repointing
//! the applications is the next step, and retyping a hostname at 3 a.m. is where mistakes are.

use crate::state::browser;
use leptos::prelude::*;

/// One endpoint: what it is (`us-west-2 · primary endpoint`) and its `address:port`.
#[derive(Clone, Debug, PartialEq)]
pub struct EndpointLine {
    pub label: String,
    pub address: String,
}

#[component]
pub fn EndpointList(endpoints: Vec<EndpointLine>) -> impl IntoView {
    if endpoints.is_empty() {
        return view! { <p class="placeholder">"No endpoint reported."</p> }.into_any();
    }
    view! {
        <dl class="endpoints">
            {endpoints.into_iter().map(|e| view! { <EndpointRow line=e /> }).collect_view()}
        </dl>
    }
    .into_any()
}

#[component]
fn EndpointRow(line: EndpointLine) -> impl IntoView {
    // What the last click did, shown in the button until the next one: the copy is confirmed
    // (or its refusal said) where the person is looking.
    let outcome = RwSignal::new(None::<bool>);
    let EndpointLine { label, address } = line;
    let copy = {
        let address = address.clone();
        move |_| {
            let address = address.clone();
            leptos::task::spawn_local(async move {
                outcome.set(Some(browser::copy_text(&address).await));
            });
        }
    };
    view! {
        <div class="endpoints__row">
            <dt class="endpoints__label">{label.clone()}</dt>
            <dd class="endpoints__value">
                <code class="endpoints__address">{address}</code>
                <button type="button" class="button button--small endpoints__copy" aria-label=format!("Copy {label}") on:click=copy>
                    {move || match outcome.get() {
                        None => "Copy",
                        Some(true) => "Copied ✓",
                        Some(false) => "Copy refused: select the text",
                    }.to_string()}
                </button>
            </dd>
        </div>
    }
}
