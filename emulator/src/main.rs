//! failover-emulator: a local AWS-compatible server for the failover-console (see `--help`).

mod admin;
mod app;
mod aws;
mod cli;
mod clock;
mod error;
mod faults;
mod models;
mod oidc;
mod server;
mod services;
mod sigv4;
mod static_files;
mod timefmt;
mod topology;
mod wire;

use std::sync::Arc;

fn main() {
    let config = match cli::parse(std::env::args().skip(1)) {
        Ok(cli::Command::Run(c)) => c,
        Ok(cli::Command::Help) => {
            print!("{}", cli::USAGE);
            return;
        }
        Ok(cli::Command::Version) => {
            println!("failover-emulator {}", env!("CARGO_PKG_VERSION"));
            return;
        }
        Err(e) => {
            eprintln!("failover-emulator: {e}\n\n{}", cli::USAGE);
            std::process::exit(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("failover-emulator: cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = runtime.block_on(run(*config)) {
        eprintln!("failover-emulator: {e}");
        std::process::exit(1);
    }
}

async fn run(config: cli::Config) -> std::io::Result<()> {
    let started = clock::now_ms();
    let app = Arc::new(app::App::new(&config, started));
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let keys: Vec<&str> = config
        .credentials
        .iter()
        .map(|c| c.access_key_id.as_str())
        .collect();
    eprintln!(
        "failover-emulator listening on http://{addr} (topology {:?}, time scale {}, built in {} ms)",
        config.topology,
        config.time_scale,
        clock::now_ms() - started
    );
    eprintln!("  regions: {}", topology::REGIONS.join(", "));
    if config.demo {
        eprintln!(
            "  demo credentials: {} / {} (pass --credentials KEY:SECRET to replace them)",
            cli::DEMO_ACCESS_KEY_ID,
            cli::DEMO_SECRET_ACCESS_KEY
        );
    } else {
        eprintln!("  accepted access keys: {}", keys.join(", "));
    }
    if let Some(dir) = &config.serve {
        eprintln!("  serving {} at /", dir.display());
    }
    eprintln!("  state is in memory only and resets on restart");
    tokio::select! {
        () = server::accept_loop(listener, app) => Ok(()),
        _ = tokio::signal::ctrl_c() => {
            eprintln!("failover-emulator: stopping");
            Ok(())
        }
    }
}
