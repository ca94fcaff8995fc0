//! The emulator's shared state: the world, the credentials, the fault dice.

use crate::cli::Config;
use crate::faults::{Faults, Rng};
use crate::models::{Millis, Timing, World};
use crate::sigv4::{Credential, CredentialStore};
use crate::topology;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

pub struct App {
    pub world: Mutex<World>,
    pub credentials: Vec<Credential>,
    /// Access keys made to answer ExpiredToken by `/_emulator/credentials/expire`.
    pub expired: Mutex<BTreeSet<String>>,
    pub demo: bool,
    pub serve: Option<PathBuf>,
    pub faults: Faults,
    pub rng: Mutex<Rng>,
    /// Actions answered `AccessDenied`, as to a role whose policy lacks them.
    pub deny: Vec<String>,
}

/// Locks a mutex even if a panicking request poisoned it: the data is still consistent,
/// because every model change completes before anything can panic.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl App {
    pub fn new(config: &Config, now: Millis) -> Self {
        let timing = Timing {
            scale: config.time_scale,
        };
        let mut world = topology::build(config.topology, timing, config.test_failover_quota, now);
        world.set_regions_down(
            config.faults.region_down.clone(),
            config.faults.region_hang.clone(),
            now,
        );
        for (id, profile) in &config.lag {
            world.lag.set_profile(id, *profile, now);
        }
        App {
            world: Mutex::new(world),
            credentials: config.credentials.clone(),
            expired: Mutex::new(BTreeSet::new()),
            demo: config.demo,
            serve: config.serve.clone(),
            faults: config.faults.clone(),
            rng: Mutex::new(Rng::new(config.seed)),
            deny: config.deny.clone(),
        }
    }

    pub fn request_id(&self) -> String {
        lock(&self.rng).request_id()
    }
}

/// A snapshot of the credential store for one verification.
pub struct Store<'a> {
    pub credentials: &'a [Credential],
    pub expired: BTreeSet<String>,
}

impl CredentialStore for Store<'_> {
    fn lookup(&self, access_key_id: &str) -> Option<&Credential> {
        self.credentials
            .iter()
            .find(|c| c.access_key_id == access_key_id)
    }

    fn is_expired(&self, access_key_id: &str) -> bool {
        self.expired.contains(access_key_id)
    }
}
