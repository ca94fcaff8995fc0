//! Browser entry point: install the panic hook, replace the static shell, mount the app.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    // Same task as the mount, so no frame shows both the shell and the app.
    failover_console::state::browser::remove_element("app-shell");
    leptos::mount::mount_to_body(failover_console::app::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("failover-console is a browser app: build it with `trunk build` (see README.md)");
}
