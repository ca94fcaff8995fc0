//! `fc-config CONFIG.json`: checks a deployment's config with the console's own rules and
//! prints what packaging needs (`{"environment": ..., "connectSrc": [...]}`), or the mistake,
//! naming its field, with exit status 2. Used by `scripts/package.sh`.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: fc-config CONFIG.json");
        std::process::exit(64);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    match failover_console::state::deploy::DeployConfig::parse(&text) {
        Ok(config) => println!(
            "{}",
            serde_json::json!({
                "environment": config.environment,
                "connectSrc": config.connect_origins(),
            })
        ),
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}
