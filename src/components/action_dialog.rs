//! The confirmation dialog every action goes through: names the resource, region and effect,
//! shows the preflight checklist, asks for the resource's name where a mistake is costly,
//! and sends at most once.

use super::checklist::ChecklistItems;
use super::dry_run::DryRun;
use super::error_panel::ErrorPanel;
use crate::state::action::{may_confirm, Action, Check};
use crate::state::browser;
use crate::state::errors::ErrorInfo;
use leptos::html::Div;
use leptos::prelude::*;

#[component]
pub fn ActionDialog(
    action: Action,
    /// Who writes now, for the effect sentences.
    #[prop(into)]
    writer: String,
    /// The action with the dialog's inputs applied: what the dry run shows.
    effective: Memo<Option<Action>>,
    checks: Memo<Vec<Check>>,
    /// The error AWS returned, if the call was refused (read only here).
    error: RwSignal<Option<ErrorInfo>>,
    on_confirm: Callback<()>,
    on_close: Callback<()>,
    /// What a move may lose (`Estimated writes at risk: about 0.8 s of changes ...`), said
    /// again where the move is confirmed.
    #[prop(optional)]
    at_risk: Option<Signal<Option<String>>>,
    /// Extra inputs (the new datastore's suffix).
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let words = RwSignal::new(String::new());
    // Set on the first click and never cleared: a failover is sent once, never twice.
    let sent = RwSignal::new(false);
    let dialog_ref = NodeRef::<Div>::new();
    let confirm_name = action.confirm_name().map(str::to_string);
    let ready = {
        let action = action.clone();
        Memo::new(move |_| {
            checks.with(|c| typed.with(|t| words.with(|w| may_confirm(&action, c, t, w))))
        })
    };
    // Focus moves into the dialog and, when it closes, back to the button that opened it.
    // Focus goes back to the button that opened the dialog when it closes. The element is
    // not `Send`; the browser has one thread, which `SendWrapper` checks.
    let opener = send_wrapper::SendWrapper::new(browser::focused_element());
    on_cleanup(move || browser::restore_focus(opener.take()));
    Effect::new(move |_| {
        if let Some(el) = dialog_ref.get() {
            // Focus lands where the resource's name is typed, in every dialog that asks for
            // it (a checkbox above it must not catch the typing); else on the first control.
            if !browser::focus_selector(&el, ".dialog__confirm-input") {
                browser::focus_first(&el);
            }
        }
    });
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            on_close.run(());
        } else if let Some(el) = dialog_ref.get_untracked() {
            browser::trap_tab(&el, &ev);
        }
    };
    let confirm = move |_| {
        if sent.get_untracked() || !ready.get_untracked() {
            return;
        }
        sent.set(true);
        on_confirm.run(());
    };
    let resource = action.resource();
    let danger = action.risks_data_loss();
    let verb = action.verb();
    let title = action.title();
    let region = action.call_region().to_string();
    let effects = action
        .effects(&writer)
        .into_iter()
        .map(|effect| view! { <li>{effect}</li> })
        .collect_view();
    view! {
        <div class="dialog-backdrop" on:click=move |_| on_close.run(())>
            <div
                class=if danger { "dialog dialog--danger" } else { "dialog" }
                role="dialog"
                aria-modal="true"
                aria-labelledby="dialog-title"
                node_ref=dialog_ref
                on:keydown=on_keydown
                on:click=|ev| ev.stop_propagation()
            >
                <h2 id="dialog-title" class="dialog__title">{title}</h2>
                <dl class="dialog__facts">
                    <dt>"Resource"</dt>
                    <dd><code>{resource.id.clone()}</code>" · "{resource.kind.label()}</dd>
                    <dt>"Region"</dt>
                    <dd>{region}</dd>
                    {action.shard().map(|s| view! { <dt>"Shard"</dt><dd><code>{s.to_string()}</code></dd> })}
                </dl>
                {danger.then(|| view! {
                    <p class="dialog__warning" role="alert">
                        <span aria-hidden="true">"⚠ "</span>
                        "Data loss: this failover does not wait for replication. Prefer Switch over unless the writer's region is down."
                    </p>
                })}
                <h3 class="dialog__subtitle">"What will happen"</h3>
                <ul class="dialog__effects">
                    {effects}
                </ul>
                <h3 class="dialog__subtitle">"Preflight checks"</h3>
                <ul class="checklist" aria-label="Preflight checks">
                    {move || view! { <ChecklistItems checks=checks.get() /> }}
                </ul>
                {children.map(|c| c())}
                <DryRun calls=Signal::derive(move || effective.get().into_iter().collect()) />
                // Some for every move of a writer (the lag said, or said unknown), so the line is
                // there from the dialog's first frame; none for other actions.
                {at_risk.map(|text| move || text.get().map(|t| view! {
                    <p class="dialog__at-risk" role="status">{t}</p>
                }))}
                {confirm_name.map(|name| typed_box(
                    ("Type ", name.clone(), " to confirm"),
                    format!("Type {name} to confirm"),
                    "dialog__confirm-input",
                    typed,
                ))}
                {action.confirm_words().map(|phrase| typed_box(
                    ("And type ", phrase.to_string(), " to accept losing the writes not yet replicated"),
                    format!("Type {phrase} to accept the loss"),
                    "dialog__confirm-words",
                    words,
                ))}
                {move || error.get().map(|e| view! { <ErrorPanel context=e.refusal_context() error=e /> })}
                <div class="dialog__buttons">
                    <button type="button" class="button" on:click=move |_| on_close.run(())>
                        // A String, as the app's other reactive texts: `&str` would be a type of its own.
                        {move || if error.get().is_some() || sent.get() { "Close" } else { "Cancel" }.to_string()}
                    </button>
                    <button
                        type="button"
                        class=if danger { "button button--danger" } else { "button button--primary" }
                        // As a property (reflected as the attribute), sharing the code of the
                        // app's other reactive `prop:`s instead of a `disabled=` type of its own.
                        prop:disabled=move || !ready.get() || sent.get()
                        on:click=confirm
                    >
                        {move || if sent.get() { format!("{verb} — sent") } else { verb.to_string() }}
                    </button>
                </div>
            </div>
        </div>
    }
}

/// A box where the person types what the prompt asks (`before`, the words in code, `after`),
/// bound to `value`.
fn typed_box(
    (before, words, after): (&'static str, String, &'static str),
    aria_label: String,
    class: &'static str,
    value: RwSignal<String>,
) -> impl IntoView {
    view! {
        <label class="dialog__confirm">
            <span>{before}<code>{words}</code>{after}</span>
            <input
                type="text"
                class=class
                autocomplete="off"
                spellcheck="false"
                aria-label=aria_label
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </label>
    }
}
