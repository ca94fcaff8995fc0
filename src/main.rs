//! Browser entry point: install the panic hook, replace the static shell, mount the app.

#[cfg(target_arch = "wasm32")]
fn main() {
    use failover_console::state::{browser, deploy};
    console_error_panic_hook::set_once();
    // The deployment's config.json decides regions, endpoints and sign-in before anything
    // is drawn or sent: one request, answered from the service worker's cache when offline.
    wasm_bindgen_futures::spawn_local(async {
        let loaded = deploy::load().await;
        // Same task as the mount, so no frame shows both the shell and the app.
        browser::remove_element("app-shell");
        leptos::mount::mount_to_body(move || {
            leptos::view! { <failover_console::app::App deploy=loaded.clone() /> }
        });
    });
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("failover-console is a browser app: build it with `trunk build` (see README.md)");
}
