//! Jump to any resource by name: "/" or Ctrl+K opens it, arrows pick, Enter goes.

use crate::state::browser;
use crate::state::route::Navigator;
use crate::state::rows::{sort_rows, Filter, Row};
use leptos::html::Div;
use leptos::prelude::*;
use std::sync::Arc;

const MAX_MATCHES: usize = 12;

#[component]
pub fn CommandPalette(rows: Memo<Vec<Arc<Row>>>, on_close: Callback<()>) -> impl IntoView {
    let navigator = Navigator::new();
    let query = RwSignal::new(String::new());
    // The selected row's index.
    let selected = RwSignal::new(0i64);
    let root = NodeRef::<Div>::new();
    let matches = Memo::new(move |_| {
        let filter = Filter {
            text: query.get(),
            sort: "name".into(),
            ..Filter::default()
        };
        // Names that match rank first: typing a resource's name must land on it, not on a
        // member that mentions it.
        let q = filter.text.trim().to_ascii_lowercase();
        let rank = |r: &Row| {
            let name = r.name.to_ascii_lowercase();
            if name == q {
                0
            } else if name.starts_with(&q) {
                1
            } else if name.contains(&q) {
                2
            } else {
                3
            }
        };
        rows.with(|all| {
            let mut found = filter.apply(all);
            sort_rows(&mut found, &|a, b| rank(a).cmp(&rank(b)));
            found
                .into_iter()
                .take(MAX_MATCHES)
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    Effect::new(move |_| {
        if root.get().is_some() {
            browser::focus_element("palette-input");
        }
    });
    let pick = move |i: usize| {
        if let Some(row) = matches.with_untracked(|m| m.get(i).cloned()) {
            on_close.run(());
            navigator.go(&row.resource.path());
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            on_close.run(());
        }
        "ArrowDown" => {
            ev.prevent_default();
            let len = matches.with_untracked(Vec::len) as i64;
            if len > 0 {
                selected.update(|s| *s = (*s + 1) % len);
            }
        }
        "ArrowUp" => {
            ev.prevent_default();
            let len = matches.with_untracked(Vec::len) as i64;
            if len > 0 {
                selected.update(|s| *s = (*s + len - 1) % len);
            }
        }
        "Enter" => {
            ev.prevent_default();
            pick(selected.get_untracked() as usize);
        }
        "Tab" => {
            if let Some(el) = root.get_untracked() {
                browser::trap_tab(&el, &ev);
            }
        }
        _ => {}
    };
    view! {
        <div class="dialog-backdrop dialog-backdrop--top" on:click=move |_| on_close.run(())>
            <div
                class="palette"
                role="dialog"
                aria-modal="true"
                aria-label="Jump to resource"
                node_ref=root
                on:keydown=on_keydown
                on:click=|ev| ev.stop_propagation()
            >
                <input
                    id="palette-input"
                    class="palette__input"
                    type="text"
                    role="combobox"
                    aria-expanded="true"
                    aria-controls="palette-list"
                    aria-label="Resource name"
                    placeholder="Jump to resource by name…"
                    autocomplete="off"
                    spellcheck="false"
                    prop:value=move || query.get()
                    on:input=move |ev| {
                        query.set(event_target_value(&ev));
                        selected.set(0);
                    }
                />
                <ul id="palette-list" class="palette__list" role="listbox" aria-label="Matching resources">
                    // At most a dozen rows, drawn again when the matches or the selection change.
                    {move || {
                        let sel = selected.get() as usize;
                        matches
                            .get()
                            .into_iter()
                            .enumerate()
                            .map(|(i, row)| {
                                view! {
                                    <li
                                        role="option"
                                        class=if i == sel { "palette__option palette__option--selected" } else { "palette__option" }
                                        aria-selected=if i == sel { "true" } else { "false" }
                                        on:click=move |_| pick(i)
                                    >
                                        <span class="palette__name">{row.name.clone()}</span>
                                        <span class="palette__meta">{row.resource.kind.full_label()}" · "{row.regions.join(", ")}</span>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                    {view! { <Show when=move || matches.with(Vec::is_empty)>{move || view! {
                        <li class="palette__empty">"No resource matches."</li>
                    }}</Show> }}
                </ul>
            </div>
        </div>
    }
}
