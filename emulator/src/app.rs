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
    /// The test OpenID Connect issuer (`/_emulator/oidc`).
    pub oidc: crate::oidc::Issuer,
    /// Credentials issued by `AssumeRoleWithWebIdentity`.
    pub issued: Mutex<Vec<Issued>>,
    /// Lifetime of issued credentials, seconds, whatever `DurationSeconds` asked
    /// (`--sts-duration`): shorter than STS allows, to test refreshing.
    pub sts_duration_s: Option<i64>,
}

/// Temporary credentials of an assumed role.
pub struct Issued {
    pub credential: Credential,
    /// The role's name (`failover-console-operator`).
    pub role: String,
    pub session_name: String,
    pub expires: Millis,
}

impl Issued {
    /// Whether the role's policy allows this action: the read-only role allows no mutation.
    pub fn allows(&self, mutating: bool) -> bool {
        !mutating || self.role != crate::services::sts::READ_ONLY_ROLE
    }
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
            oidc: crate::oidc::Issuer::new(
                config.seed,
                config.oidc_client_ids.clone(),
                config.oidc_token_lifetime_s,
                now,
            ),
            issued: Mutex::new(Vec::new()),
            sts_duration_s: config.sts_duration_s,
        }
    }

    pub fn request_id(&self) -> String {
        lock(&self.rng).request_id()
    }
}

/// A snapshot of the credential store for one verification.
pub struct Store {
    pub credentials: Vec<Credential>,
    pub expired: BTreeSet<String>,
}

impl Store {
    /// The configured keys and the issued ones, those past their expiry marked expired.
    pub fn snapshot(app: &App, now: Millis) -> Store {
        let mut credentials = app.credentials.clone();
        let mut expired = lock(&app.expired).clone();
        for i in lock(&app.issued).iter() {
            credentials.push(i.credential.clone());
            if i.expires <= now {
                expired.insert(i.credential.access_key_id.clone());
            }
        }
        Store {
            credentials,
            expired,
        }
    }
}

impl CredentialStore for Store {
    fn lookup(&self, access_key_id: &str) -> Option<&Credential> {
        self.credentials
            .iter()
            .find(|c| c.access_key_id == access_key_id)
    }

    fn is_expired(&self, access_key_id: &str) -> bool {
        self.expired.contains(access_key_id)
    }
}
