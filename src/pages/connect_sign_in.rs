//! The Connect page's sign-in section, shown when the deployment's config.json has `signIn`:
//! pick a role, sign in with the identity provider, and STS gives this tab that role's
//! short-lived credentials.

use crate::state::deploy::origin_of;
use crate::state::route::Navigator;
use crate::state::session::SessionCtx;
use crate::state::signin::SignInCtx;
use leptos::prelude::*;

#[component]
pub fn SignInSection() -> impl IntoView {
    let session = SessionCtx::expect();
    let sign_in = SignInCtx::expect();
    let navigator = Navigator::new();
    let Some(config) = session
        .deploy
        .with_value(|d| d.as_ref().and_then(|d| d.sign_in.clone()))
    else {
        return ().into_any();
    };
    let chosen = RwSignal::new(config.roles[0].arn.clone());
    // Back from the provider and signed in: on to the inventory.
    Effect::new(move |before: Option<bool>| {
        let now = sign_in.role.with(Option::is_some);
        if before == Some(false) && now {
            navigator.go("/");
        }
        now
    });
    let provider = origin_of(&config.issuer).unwrap_or_else(|_| config.issuer.clone());
    let single = config.roles.len() == 1;
    view! {
        <section class="connect-page__signin" aria-labelledby="signin-title">
            <h2 id="signin-title" class="page__subtitle">"Sign in"</h2>
            <p class="field__hint">
                "With your identity provider ("<code>{provider}</code>"); AWS STS then gives this tab short-lived credentials for the role below. "
                "They are renewed before they expire, kept in memory only, and gone when the tab closes."
            </p>
            <fieldset class="connect-form__group signin__roles">
                <legend>{if single { "Role" } else { "Role (what you may do in this session)" }}</legend>
                {config.roles.iter().map(|role| {
                    let arn = role.arn.clone();
                    let for_checked = arn.clone();
                    view! {
                        <label class="check signin__role">
                            <input type="radio" name="signin-role" prop:checked=move || chosen.with(|c| *c == for_checked)
                                on:change=move |_| chosen.set(arn.clone()) />
                            <span class="signin__label">{role.label.clone()}</span>
                            <code class="signin__arn">{role.arn.clone()}</code>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <div class="connect-form__buttons">
                <button type="button" class="button button--primary signin__go"
                    on:click=move |_| sign_in.begin(chosen.get_untracked())>
                    "Sign in with the identity provider"
                </button>
            </div>
            {move || sign_in.status.get().map(|s| match s {
                Ok(working) => view! { <p class="signin__status" role="status">{working}</p> }.into_any(),
                Err(why) => view! { <p class="field__error signin__error" role="alert">{why}</p> }.into_any(),
            })}
        </section>
    }
    .into_any()
}
