//! The browser APIs the UI needs (storage, clock, visibility, timers, downloads, focus),
//! behind plain functions so the rest of the UI compiles and unit-tests natively.

#[cfg(target_arch = "wasm32")]
mod imp {
    use wasm_bindgen::JsCast;

    fn window() -> Option<web_sys::Window> {
        web_sys::window()
    }

    fn session_storage() -> Option<web_sys::Storage> {
        window()?.session_storage().ok().flatten()
    }

    pub fn storage_get(key: &str) -> Option<String> {
        session_storage()?.get_item(key).ok().flatten()
    }

    pub fn storage_set(key: &str, value: &str) {
        if let Some(storage) = session_storage() {
            // A full or disabled storage only loses persistence; the run itself goes on.
            let _ = storage.set_item(key, value);
        }
    }

    pub fn storage_remove(key: &str) {
        if let Some(storage) = session_storage() {
            let _ = storage.remove_item(key);
        }
    }

    pub fn now_ms() -> i64 {
        js_sys::Date::now() as i64
    }

    pub fn is_hidden() -> bool {
        window()
            .and_then(|w| w.document())
            .map(|d| d.visibility_state() == web_sys::VisibilityState::Hidden)
            .unwrap_or(false)
    }

    pub async fn sleep_ms(ms: u32) {
        gloo_timers::future::TimeoutFuture::new(ms).await;
    }

    /// Returns at once while the page is visible; otherwise when it is shown again (the
    /// `visibilitychange` event), so a hidden tab's loops wait without waking or calling AWS.
    pub async fn until_visible() {
        while is_hidden() {
            let Some(document) = window().and_then(|w| w.document()) else {
                return;
            };
            // The promise's own resolve function is the listener: no Rust closure to keep.
            let shown = js_sys::Promise::new(&mut |resolve, _reject| {
                let once = web_sys::AddEventListenerOptions::new();
                once.set_once(true);
                let _ = document.add_event_listener_with_callback_and_add_event_listener_options(
                    "visibilitychange",
                    &resolve,
                    &once,
                );
            });
            let _ = wasm_bindgen_futures::JsFuture::from(shown).await;
        }
    }

    pub fn origin() -> Option<String> {
        window()?.location().origin().ok()
    }

    /// The location's path and `?query`.
    pub fn location() -> (String, String) {
        let Some(loc) = window().map(|w| w.location()) else {
            return ("/".into(), String::new());
        };
        (
            loc.pathname().unwrap_or_else(|_| "/".into()),
            loc.search().unwrap_or_default(),
        )
    }

    /// The body of a GET that answered 2xx; `None` on any failure (the caller treats the
    /// file as absent).
    pub async fn fetch_text(url: &str) -> Option<String> {
        let resp = gloo_net::http::Request::get(url).send().await.ok()?;
        if !resp.ok() {
            return None;
        }
        resp.text().await.ok()
    }

    /// Puts `text` on the clipboard; false when the browser refused (no permission, no
    /// secure context).
    pub async fn copy_text(text: &str) -> bool {
        let Some(w) = window() else {
            return false;
        };
        let promise = w.navigator().clipboard().write_text(text);
        wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
    }

    /// The text of the first file chosen in the `<input type=file>` an event came from.
    pub async fn chosen_file_text(ev: &web_sys::Event) -> Option<Result<String, String>> {
        use wasm_bindgen::JsCast;
        let input: web_sys::HtmlInputElement = ev.target()?.dyn_into().ok()?;
        let file = input.files()?.get(0)?;
        let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
        // The same file chosen again must fire `change` again.
        input.set_value("");
        Some(
            text.ok()
                .and_then(|t| t.as_string())
                .ok_or_else(|| format!("{} could not be read as text", file.name())),
        )
    }

    pub fn download(filename: &str, mime: &str, text: &str) {
        let Some(document) = window().and_then(|w| w.document()) else {
            return;
        };
        let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(mime);
        let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
            return;
        };
        let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
            return;
        };
        if let Ok(anchor) = document.create_element("a") {
            let _ = anchor.set_attribute("href", &url);
            let _ = anchor.set_attribute("download", filename);
            if let Some(body) = document.body() {
                let _ = body.append_child(&anchor);
                if let Some(el) = anchor.dyn_ref::<web_sys::HtmlElement>() {
                    el.click();
                }
                let _ = body.remove_child(&anchor);
            }
        }
        // Revoked later: revoking in the same task can cancel the download in some browsers.
        gloo_timers::callback::Timeout::new(30_000, move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        })
        .forget();
    }

    pub fn remove_element(id: &str) {
        if let Some(el) = window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
        {
            el.remove();
        }
    }

    /// Whether the element an event was dispatched to has the `open` attribute (a
    /// `<details>` on its `toggle` event).
    pub fn target_is_open(ev: &web_sys::Event) -> bool {
        ev.target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| el.has_attribute("open"))
    }

    pub fn focus_element(id: &str) {
        if let Some(el) = window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    }

    pub fn active_element_is_editable() -> bool {
        let Some(active) = window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element())
        else {
            return false;
        };
        let tag = active.tag_name().to_ascii_lowercase();
        tag == "input" || tag == "textarea" || tag == "select"
    }

    /// The focused element (the button that opened a dialog), to give focus back to later.
    pub fn focused_element() -> Option<web_sys::HtmlElement> {
        window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element())
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    }

    /// Gives focus back to `el`, if it is still on the page.
    pub fn restore_focus(el: Option<web_sys::HtmlElement>) {
        if let Some(el) = el.filter(|el| el.is_connected()) {
            let _ = el.focus();
        }
    }

    const FOCUSABLE: &str = "a[href], button:not([disabled]), input:not([disabled]), \
        select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

    /// What Tab visits in a dialog: the focusable elements and the toggles of `<details>`.
    const TABBABLE: &str = "a[href], button:not([disabled]), input:not([disabled]), \
        select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1']), \
        details > summary";

    /// The elements of `container` matching `selector` that can take focus now: not hidden
    /// inside a closed `<details>` (its summary excepted), which `focus()` would ignore.
    fn shown(container: &web_sys::Element, selector: &str) -> Vec<web_sys::HtmlElement> {
        let Ok(list) = container.query_selector_all(selector) else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
            .filter(
                |el| match el.closest("details:not([open])").ok().flatten() {
                    None => true,
                    Some(closed) => {
                        el.tag_name() == "SUMMARY" && el.parent_element().as_ref() == Some(&closed)
                    }
                },
            )
            .collect()
    }

    /// Keeps Tab and Shift+Tab inside `container` (a modal dialog).
    pub fn trap_tab(container: &web_sys::Element, ev: &web_sys::KeyboardEvent) {
        if ev.key() != "Tab" {
            return;
        }
        let list = shown(container, TABBABLE);
        let (Some(first), Some(last)) = (list.first(), list.last()) else {
            ev.prevent_default();
            return;
        };
        let first: Option<web_sys::Node> = Some(first.clone().into());
        let last: Option<web_sys::Node> = Some(last.clone().into());
        let active = window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element());
        let active_node: Option<web_sys::Node> = active.clone().map(Into::into);
        let inside = active
            .as_ref()
            .map(|a| container.contains(Some(a.unchecked_ref())))
            .unwrap_or(false);
        let target = if ev.shift_key() {
            (!inside || active_node == first).then_some(last)
        } else {
            (!inside || active_node == last).then_some(first)
        };
        if let Some(Some(node)) = target {
            ev.prevent_default();
            if let Ok(el) = node.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    }

    /// Focuses the first focusable element inside `container`.
    pub fn focus_first(container: &web_sys::Element) {
        focus_selector(container, FOCUSABLE);
    }

    /// Focuses the first element in `container` that matches `selector` and can take focus;
    /// false when none.
    pub fn focus_selector(container: &web_sys::Element, selector: &str) -> bool {
        shown(container, selector)
            .first()
            .is_some_and(|el| el.focus().is_ok())
    }

    /// `n` bytes from the browser's cryptographic random source (PKCE verifier, state).
    pub fn random_bytes(n: usize) -> Vec<u8> {
        let mut buf = vec![0u8; n];
        if let Some(c) = window().and_then(|w| w.crypto().ok()) {
            let _ = c.get_random_values_with_u8_array(&mut buf);
        }
        buf
    }

    /// Leaves the page for `url` (the identity provider's sign-in).
    pub fn navigate(url: &str) {
        if let Some(w) = window() {
            let _ = w.location().assign(url);
        }
    }

    /// Replaces the address bar's URL without loading (drops `?code=` after sign-in).
    pub fn replace_url(url: &str) {
        if let Some(h) = window().and_then(|w| w.history().ok()) {
            let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url));
        }
    }

    /// GET: the status and text, or why nothing came back.
    pub async fn get_text(url: &str) -> Result<(u16, String), String> {
        let resp = gloo_net::http::Request::get(url)
            .cache(web_sys::RequestCache::NoCache)
            .send()
            .await
            .map_err(|e| format!("no answer from {url}: {e}"))?;
        let text = resp.text().await.map_err(|e| e.to_string())?;
        Ok((resp.status(), text))
    }

    /// POST of a form (`application/x-www-form-urlencoded`): the status and text.
    pub async fn post_form(url: &str, body: String) -> Result<(u16, String), String> {
        let resp = gloo_net::http::Request::post(url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .map_err(|e| e.to_string())?
            .send()
            .await
            .map_err(|e| format!("no answer from {url}: {e}"))?;
        let text = resp.text().await.map_err(|e| e.to_string())?;
        Ok((resp.status(), text))
    }

    /// The `content` of `<meta name="NAME">` in the page, if there is one.
    pub fn meta_content(name: &str) -> Option<String> {
        window()?
            .document()?
            .query_selector(&format!("meta[name=\"{name}\"]"))
            .ok()??
            .get_attribute("content")
    }

    pub fn set_title(title: &str) {
        if let Some(d) = window().and_then(|w| w.document()) {
            d.set_title(title);
        }
    }

    pub fn reload() {
        if let Some(w) = window() {
            let _ = w.location().reload();
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    //! Native stand-ins: nothing persists, time comes from the system clock, nothing is hidden.

    pub fn storage_get(_key: &str) -> Option<String> {
        None
    }
    pub fn storage_set(_key: &str, _value: &str) {}
    pub fn storage_remove(_key: &str) {}
    pub fn now_ms() -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }
    pub fn is_hidden() -> bool {
        false
    }
    pub async fn sleep_ms(_ms: u32) {}
    pub async fn until_visible() {}
    pub fn origin() -> Option<String> {
        None
    }
    pub fn location() -> (String, String) {
        ("/".into(), String::new())
    }
    pub async fn fetch_text(_url: &str) -> Option<String> {
        None
    }
    pub fn download(_filename: &str, _mime: &str, _text: &str) {}
    pub async fn chosen_file_text(_ev: &leptos::web_sys::Event) -> Option<Result<String, String>> {
        None
    }
    pub async fn copy_text(_text: &str) -> bool {
        false
    }
    pub fn remove_element(_id: &str) {}
    pub fn target_is_open(_ev: &leptos::web_sys::Event) -> bool {
        false
    }
    pub fn focus_element(_id: &str) {}
    pub fn active_element_is_editable() -> bool {
        false
    }
    pub fn trap_tab(_container: &leptos::web_sys::Element, _ev: &leptos::ev::KeyboardEvent) {}
    pub fn focus_first(_container: &leptos::web_sys::Element) {}
    pub fn focus_selector(_container: &leptos::web_sys::Element, _selector: &str) -> bool {
        false
    }
    pub fn focused_element() -> Option<leptos::web_sys::HtmlElement> {
        None
    }
    pub fn restore_focus(_el: Option<leptos::web_sys::HtmlElement>) {}
    pub fn random_bytes(n: usize) -> Vec<u8> {
        // Natively only tests run: distinct, not secret.
        (0..n)
            .map(|i| (now_ms() as usize).wrapping_add(i * 31) as u8)
            .collect()
    }
    pub fn navigate(_url: &str) {}
    pub fn replace_url(_url: &str) {}
    pub async fn get_text(_url: &str) -> Result<(u16, String), String> {
        Err("no browser".into())
    }
    pub async fn post_form(_url: &str, _body: String) -> Result<(u16, String), String> {
        Err("no browser".into())
    }
    pub fn set_title(_title: &str) {}
    pub fn meta_content(_name: &str) -> Option<String> {
        None
    }
    pub fn reload() {}
}

pub use imp::*;
