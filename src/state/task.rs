//! Background work owned by whoever starts it, and claims on what is in flight.

use leptos::prelude::*;
use std::collections::BTreeSet;
use std::future::Future;

use futures::future::{AbortHandle, Abortable};

/// Spawns `work` on the browser's event loop and stops it when the current reactive owner is
/// cleaned up (the component that started it unmounts): the future is dropped at its next
/// `.await`, and with it any request it was waiting on (the fetch transport aborts the request
/// when its future is dropped) and any [`Claim`] it held.
pub fn spawn_owned(work: impl Future<Output = ()> + 'static) {
    let (handle, registration) = AbortHandle::new_pair();
    leptos::task::spawn_local(async move {
        // Aborted is the normal end of a poll whose page went away: nothing to report.
        let _ = Abortable::new(work, registration).await;
    });
    on_cleanup(move || handle.abort());
}

/// A set of keys, each claimed by one thing in flight (a poll of a resource, a run's loop, a
/// region's load). Nothing renders it, so it is a `StoredValue`, not a signal.
#[derive(Clone, Copy)]
pub struct Claims(StoredValue<BTreeSet<String>>);

impl Claims {
    pub fn new() -> Self {
        Claims(StoredValue::new(BTreeSet::new()))
    }

    /// Claims `key`; `None` while someone else holds it. The claim ends when the returned
    /// guard is dropped, also when the task holding it is aborted.
    pub fn claim(&self, key: &str) -> Option<Claim> {
        let fresh = self
            .0
            .try_update_value(|set| set.insert(key.to_string()))
            .unwrap_or(false);
        fresh.then(|| Claim {
            claims: *self,
            key: key.to_string(),
        })
    }
}

impl Default for Claims {
    fn default() -> Self {
        Claims::new()
    }
}

/// One claimed key; released on drop.
pub struct Claim {
    claims: Claims,
    key: String,
}

impl Drop for Claim {
    fn drop(&mut self) {
        // The owner may be gone already (the app unmounting): then there is nothing to release.
        let _ = self.claims.0.try_update_value(|set| set.remove(&self.key));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_claimed_once_until_its_guard_drops() {
        let owner = Owner::new();
        owner.with(|| {
            let claims = Claims::new();
            let first = claims.claim("us-east-1 elasticache");
            assert!(first.is_some());
            assert!(claims.claim("us-east-1 elasticache").is_none());
            assert!(claims.claim("us-east-1 neptune").is_some());
            drop(first);
            assert!(claims.claim("us-east-1 elasticache").is_some());
        });
    }
}
