//! The service worker of a packaged deployment (`sw.js`, written by `scripts/package.sh`):
//! registered when the console runs with a `config.json`, so a console visited once opens when
//! its host is down; and the "new version" check, whose reload the person decides.

#[cfg(target_arch = "wasm32")]
mod imp {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{ServiceWorkerContainer, ServiceWorkerRegistration};

    fn container() -> Option<ServiceWorkerContainer> {
        let navigator = web_sys::window()?.navigator();
        // Absent on plain http other than localhost, and in some private modes.
        js_sys::Reflect::has(&navigator, &"serviceWorker".into())
            .ok()
            .filter(|has| *has)?;
        Some(navigator.service_worker())
    }

    async fn registration() -> Option<ServiceWorkerRegistration> {
        let found = JsFuture::from(container()?.get_registration()).await.ok()?;
        found.dyn_into().ok()
    }

    /// Registers `/sw.js`; a failure (no worker deployed, a browser without them) only means
    /// no offline shell, said in the browser's console.
    pub fn register() {
        let Some(c) = container() else {
            return;
        };
        let promise = c.register("/sw.js");
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = JsFuture::from(promise).await {
                leptos::logging::warn!("service worker not registered (no offline shell): {e:?}");
            }
        });
    }

    /// Asks the browser to look for a new `sw.js` now (it also does on each navigation).
    pub async fn check_for_update() {
        if let Some(r) = registration().await {
            if let Ok(p) = r.update() {
                let _ = JsFuture::from(p).await;
            }
        }
    }

    /// A new deployment is installed and waiting for this page to let it take over.
    pub async fn new_version_waiting() -> bool {
        let controlled = container().is_some_and(|c| c.controller().is_some());
        controlled && registration().await.is_some_and(|r| r.waiting().is_some())
    }

    /// Lets the waiting version take over, and reloads into it once it has.
    pub async fn activate_new_version() {
        let (Some(c), Some(r)) = (container(), registration().await) else {
            return;
        };
        let Some(waiting) = r.waiting() else {
            return;
        };
        let reload = Closure::once_into_js(|| {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        });
        let _ = c.add_event_listener_with_callback("controllerchange", reload.unchecked_ref());
        let _ = waiting.post_message(&"skip-waiting".into());
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    pub fn register() {}
    pub async fn check_for_update() {}
    pub async fn new_version_waiting() -> bool {
        false
    }
    pub async fn activate_new_version() {}
}

pub use imp::*;
