//! Connect: credentials in whatever form people have them, regions, endpoint overrides, and a
//! one-click preset for the local emulator.

use crate::aws::Credentials;
use crate::model::Service;
use crate::state::route::Navigator;
use crate::state::session::{
    emulator_request, key_hint, ConnectRequest, SessionCtx, COMMON_REGIONS, DEFAULT_REGIONS,
    TIMEOUT_RANGE_S,
};
use leptos::prelude::*;

/// The credentials in text that was pasted and read. The page keeps that text in memory only
/// and never renders it back.
fn read_pasted(text: Option<String>) -> Option<Credentials> {
    Credentials::parse(&text?).ok()
}

#[component]
pub fn ConnectPage() -> impl IntoView {
    let session = SessionCtx::expect();
    let navigator = Navigator::new();
    let meta = session.meta();

    let key_id = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let token = RwSignal::new(String::new());
    let pasted = RwSignal::new(None::<String>);
    let paste_text = RwSignal::new(String::new());
    let paste_error = RwSignal::new(None::<String>);
    let deploy = session.deploy.get_value();
    let mut initial_regions = meta.regions.clone();
    if initial_regions.is_empty() {
        if let Some(d) = &deploy {
            initial_regions = d.regions.clone();
        }
    }
    if initial_regions.is_empty() {
        for region in DEFAULT_REGIONS {
            initial_regions.push(region.to_string());
        }
    }
    // Regions beyond the common ones, typed: AWS has more than a form can list.
    let other_regions = RwSignal::new(
        initial_regions
            .iter()
            .filter(|r| !COMMON_REGIONS.contains(&r.as_str()))
            .cloned()
            .collect::<Vec<_>>()
            .join(", "),
    );
    let regions = RwSignal::new(initial_regions);
    let timeout = RwSignal::new(
        meta.timeout_s
            .or(deploy.as_ref().and_then(|d| d.request_timeout_s))
            .unwrap_or(crate::state::session::DEFAULT_TIMEOUT_S)
            .to_string(),
    );
    // The deployment's endpoints (its relay) unless this browser connected with others.
    let overrides = RwSignal::new(
        if meta.overrides.values().any(|o| !o.url.trim().is_empty()) {
            meta.overrides.clone()
        } else {
            deploy
                .as_ref()
                .map(crate::state::deploy::DeployConfig::override_forms)
                .unwrap_or_default()
        },
    );
    let sign_in = crate::state::signin::SignInCtx::expect();
    let has_sign_in = deploy.as_ref().is_some_and(|d| d.sign_in.is_some());
    let keep = RwSignal::new(false);
    let form_error = RwSignal::new(None::<String>);

    let on_paste = move |text: String| {
        // An emptied box keeps what was read: the box is cleared on purpose after reading,
        // and a paste may arrive as several input events.
        if text.trim().is_empty() {
            paste_error.set(None);
            return;
        }
        match Credentials::parse(&text) {
            Ok(_) => {
                pasted.set(Some(text));
                paste_error.set(None);
                // The text held the secret: it is not kept on screen.
                paste_text.set(String::new());
            }
            Err(e) => paste_error.set(Some(e.to_string())),
        }
    };

    let connect = {
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let (access_key_id, secret_access_key, session_token, expiration) =
                match read_pasted(pasted.get_untracked()) {
                    Some(creds) => (
                        creds.access_key_id,
                        creds.secret_access_key,
                        creds.session_token,
                        creds.expiration.map(|t| t.millis()),
                    ),
                    None => (
                        key_id.get_untracked(),
                        secret.get_untracked(),
                        Some(token.get_untracked()).filter(|t| !t.trim().is_empty()),
                        None,
                    ),
                };
            let mut chosen: Vec<String> = regions
                .get_untracked()
                .into_iter()
                .filter(|r| COMMON_REGIONS.contains(&r.as_str()))
                .collect();
            match parse_regions(&other_regions.get_untracked()) {
                Ok(typed) => {
                    for r in typed {
                        if !chosen.contains(&r) {
                            chosen.push(r);
                        }
                    }
                }
                Err(e) => return form_error.set(Some(e)),
            }
            let timeout_s = match timeout.get_untracked().trim().parse::<u32>() {
                Ok(s) => s,
                Err(_) => {
                    return form_error.set(Some(
                        "The request timeout is a whole number of seconds.".into(),
                    ))
                }
            };
            let req = ConnectRequest {
                access_key_id,
                secret_access_key,
                session_token,
                expiration,
                regions: chosen,
                overrides: overrides.get_untracked(),
                preset: None,
                keep_in_session_storage: keep.get_untracked(),
                timeout_s: Some(timeout_s),
            };
            match session.connect(req) {
                Ok(()) => {
                    secret.set(String::new());
                    token.set(String::new());
                    pasted.set(None);
                    form_error.set(None);
                    navigator.go("/");
                }
                Err(e) => form_error.set(Some(e)),
            }
        }
    };

    let connect_emulator = move |_| {
        let Some(config) = session.emulator.get_untracked() else {
            return;
        };
        let regions = if config.regions.is_empty() {
            regions.get_untracked()
        } else {
            config.regions.clone()
        };
        let mut req = emulator_request(&config, regions, keep.get_untracked());
        req.timeout_s = timeout.get_untracked().trim().parse().ok();
        match session.connect(req) {
            Ok(()) => navigator.go("/"),
            Err(e) => form_error.set(Some(e)),
        }
    };

    view! {
        <div class="page connect-page">
            <h1 class="page__title">"Connect"</h1>
            {move || session.get().map(|s| view! {
                <p class="connect-page__current" role="status">
                    "Connected: " {s.label()} " "
                    <button type="button" class="button button--quiet" on:click=move |_| {
                        sign_in.forget();
                        session.disconnect();
                    }>"Disconnect"</button>
                </p>
            })}
            {move || session.emulator.get().map(|config| view! {
                <section class="connect-page__preset" aria-labelledby="preset-title">
                    <h2 id="preset-title" class="page__subtitle">"Local emulator"</h2>
                    <p>"This console is served by failover-emulator at "<code>{config.endpoint.clone()}</code>
                       ". Connect with its demo credentials (regions "{config.regions.join(", ")}")."</p>
                    <button type="button" class="button button--primary" on:click=connect_emulator>"Connect to the local emulator"</button>
                </section>
            })}
            <crate::pages::connect_sign_in::SignInSection />
            {has_sign_in.then(|| view! {
                <h2 class="page__subtitle connect-page__break-glass">"Break glass: paste credentials"</h2>
                <p class="field__hint">"When the identity provider is down. Prefer short-lived credentials (a session token) to long-term keys."</p>
            })}
            <form class="connect-form" on:submit=connect autocomplete="off">
                <fieldset class="connect-form__group">
                    <legend>"Credentials"</legend>
                    <label class="field">
                        <span class="field__label">"Paste credentials"</span>
                        <span class="field__hint">"Output of "<code>"aws configure export-credentials --format env"</code>", the JSON of "<code>"aws sts assume-role"</code>", or KEY=VALUE lines. Read at once and cleared from the box."</span>
                        <textarea
                            class="field__input field__input--mono"
                            rows="3"
                            spellcheck="false"
                            prop:value=move || paste_text.get()
                            on:input=move |ev| {
                                let text = event_target_value(&ev);
                                paste_text.set(text.clone());
                                on_paste(text);
                            }
                        ></textarea>
                    </label>
                    {field_error(paste_error)}
                    {move || read_pasted(pasted.get()).map(|creds| view! {
                        <p class="connect-form__parsed" role="status">
                            "✓ Read credentials for access key "<code>{key_hint(&creds.access_key_id)}</code>
                            {if creds.session_token.is_some() { " (temporary, with session token)" } else { "" }}
                            {creds.expiration.map(|t| format!(", expires {}", t.to_iso8601()))}
                            " "
                            <button type="button" class="button button--quiet" on:click=move |_| pasted.set(None)>"Forget"</button>
                        </p>
                    })}
                    {view! { <Show when=move || pasted.with(Option::is_none)>{move || view! {
                        <div class="connect-form__fields">
                            {credential_field("Access key id", "text", key_id)}
                            {credential_field("Secret access key", "password", secret)}
                            {credential_field("Session token (optional)", "password", token)}
                        </div>
                    }}</Show> }}
                </fieldset>
                <fieldset class="connect-form__group">
                    <legend>"Regions"</legend>
                    <div class="connect-form__regions">
                        {COMMON_REGIONS.iter().map(|&r| checkbox(
                            "check",
                            r,
                            move || regions.with(|list| list.iter().any(|x| x == r)),
                            move |on| regions.update(|list| {
                                list.retain(|x| x != r);
                                if on { list.push(r.to_string()); }
                            }),
                        )).collect_view()}
                    </div>
                    <label class="field">
                        <span class="field__label">"Other regions"</span>
                        <span class="field__hint">"Comma-separated, e.g. ap-south-1, me-central-1"</span>
                        <input class="field__input field__input--mono" type="text" spellcheck="false" autocomplete="off"
                            prop:value=move || other_regions.get()
                            on:input=move |ev| other_regions.set(event_target_value(&ev)) />
                    </label>
                </fieldset>
                <fieldset class="connect-form__group">
                    <legend>"Requests"</legend>
                    <label class="field">
                        <span class="field__label">"Request timeout (seconds)"</span>
                        <span class="field__hint">"A call with no answer after this long counts as failed (reads are retried), so a hung endpoint shows as an error, not as silence."</span>
                        <input class="field__input connect-form__timeout" type="number" inputmode="numeric"
                            min=TIMEOUT_RANGE_S.start().to_string() max=TIMEOUT_RANGE_S.end().to_string()
                            prop:value=move || timeout.get()
                            on:input=move |ev| timeout.set(event_target_value(&ev)) />
                    </label>
                </fieldset>
                <fieldset class="connect-form__group">
                    <legend>"Endpoint overrides (optional)"</legend>
                    <p class="field__hint">"For a CORS relay or the emulator. "<code>"{region}"</code>" in the URL is replaced by the region. Tick “sign for the AWS host” when the relay forwards to AWS unchanged."</p>
                    {Service::WITH_ENDPOINTS.into_iter().map(|service| {
                        let key = service.as_str();
                        view! {
                            <div class="connect-form__override">
                                <label class="field">
                                    <span class="field__label">{service.label()}" endpoint URL"</span>
                                    <input class="field__input field__input--mono" type="url" placeholder="https://relay.example/{region}"
                                        prop:value=move || overrides.with(|o| o.get(key).map(|x| x.url.clone()).unwrap_or_default())
                                        on:input=move |ev| {
                                            let url = event_target_value(&ev);
                                            overrides.update(|o| o.entry(key.to_string()).or_default().url = url);
                                        } />
                                </label>
                                {checkbox(
                                    "check",
                                    "Sign for the AWS host",
                                    move || overrides.with(|o| o.get(key).is_some_and(|x| x.sign_for_aws_host)),
                                    move |on| overrides.update(|o| o.entry(key.to_string()).or_default().sign_for_aws_host = on),
                                )}
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                {checkbox(
                    "check connect-form__keep",
                    "Keep credentials in this tab's session storage (survives a reload; cleared when the tab closes)",
                    move || keep.get(),
                    move |on| keep.set(on),
                )}
                {field_error(form_error)}
                <div class="connect-form__buttons">
                    <button type="submit" class="button button--primary">"Connect"</button>
                </div>
            </form>
        </div>
    }
}

/// Regions typed in a text box: comma- or space-separated names such as `ap-south-1`.
fn parse_regions(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for name in text
        .split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        let name = name.to_ascii_lowercase();
        if !crate::model::is_region_name(&name) {
            return Err(format!(
                "“{name}” is not a region name (like ap-south-1 or us-gov-west-1)."
            ));
        }
        if !out.contains(&name) {
            out.push(name);
        }
    }
    Ok(out)
}

/// A credential field bound to `value`, with the spell checker off (browsers never check
/// password fields anyway).
fn credential_field(
    label: &'static str,
    input_type: &'static str,
    value: RwSignal<String>,
) -> AnyView {
    view! {
        <label class="field">
            <span class="field__label">{label}</span>
            <input class="field__input field__input--mono" type=input_type
                spellcheck="false" autocomplete="off"
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
        </label>
    }
    .into_any()
}

/// The message in `error`, if any, as an alert under its field.
fn field_error(error: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        error
            .get()
            .map(|e| view! { <p class="field__error" role="alert">{e}</p> })
    }
}

/// A labelled checkbox: `checked` reads its state, `set` is called with the new one.
fn checkbox(
    class: &'static str,
    text: &'static str,
    checked: impl Fn() -> bool + Send + Sync + 'static,
    set: impl Fn(bool) + 'static,
) -> AnyView {
    view! {
        <label class=class>
            <input type="checkbox" prop:checked=checked on:change=move |ev| set(event_target_checked(&ev)) />
            <span>{text}</span>
        </label>
    }
    .into_any()
}
