//! A dry run: the exact requests the actions would send (service, Region, endpoint, operation,
//! parameters), and the same calls as `aws` CLI commands to copy. Nothing is sent from here.

use crate::state::action::Action;
use crate::state::browser;
use crate::state::dry_run::{planned_call, PlannedCall};
use crate::state::session::SessionCtx;
use leptos::prelude::*;

#[component]
pub fn DryRun(
    /// In the order they would be sent.
    calls: Signal<Vec<Action>>,
    /// Open at first (a plan's dry run asked for); closed in a dialog.
    #[prop(optional)]
    open: bool,
) -> impl IntoView {
    let session = SessionCtx::expect();
    let planned = Memo::new(move |_| {
        let Some(s) = session.get() else {
            return Vec::new();
        };
        calls.with(|calls| {
            calls
                .iter()
                .map(|a| planned_call(s.client.config(), a))
                .collect::<Vec<PlannedCall>>()
        })
    });
    let copied = RwSignal::new(None::<bool>);
    let copy = move |_| {
        let text = planned.with_untracked(|p| {
            p.iter()
                .map(PlannedCall::aws_cli)
                .collect::<Vec<_>>()
                .join("\n")
        });
        leptos::task::spawn_local(async move {
            copied.set(Some(browser::copy_text(&text).await));
        });
    };
    view! {
        <details class="dry-run" open=open>
            <summary class="dry-run__summary">"Dry run: the requests this sends (nothing is sent from here)"</summary>
            <ol class="dry-run__calls">
                {move || planned.get().into_iter().map(|c| view! {
                    <li class="dry-run__call">
                        <pre class="dry-run__request">{c.line()}</pre>
                        <pre class="dry-run__cli">{c.aws_cli()}</pre>
                    </li>
                }).collect_view()}
            </ol>
            <button type="button" class="button button--small dry-run__copy" on:click=copy>
                {move || match copied.get() {
                    None => "Copy as AWS CLI",
                    Some(true) => "Copied ✓",
                    Some(false) => "Copy refused: select the text",
                }.to_string()}
            </button>
        </details>
    }
}
