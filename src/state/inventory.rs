//! The inventory store: every selected region × service loads on its own, in parallel, and a
//! slow or failing one shows its own error without holding up the rest. Polled while visible.

use super::api::{self, SlotData};
use super::browser;
use super::errors::ErrorInfo;
use super::rows::{ResourceKind, Row};
use super::runs::{claim, release};
use super::session::SessionCtx;
use super::sorted_map::SortedMap;
use crate::components::shown::{effect, memo};
use crate::model::{Region, Service};
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::sync::Arc;

/// How often the inventory refreshes while shown.
const REFRESH_MS: u32 = 10_000;

#[derive(Clone, Debug, PartialEq)]
pub enum SlotState {
    Loading,
    Ready {
        rows: Vec<Arc<Row>>,
        at: i64,
    },
    Failed {
        error: ErrorInfo,
        rows: Vec<Arc<Row>>,
    },
}

pub type SlotKey = (Region, Service);

thread_local! {
    /// The app's one `InventoryCtx`, set by its `provide`. A thread-local rather than a Leptos
    /// context: `provide_context`/`expect_context` were a copy of their code per context
    /// type.
    static PROVIDED: Cell<Option<InventoryCtx>> = const { Cell::new(None) };
}

#[derive(Clone, Copy)]
pub struct InventoryCtx {
    pub slots: Slots,
    /// All rows, de-duplicated (a global resource is listed by every region it spans).
    pub rows: Memo<Vec<Arc<Row>>>,
    /// Raw data per slot, for resource pages that want to start from what is known.
    pub data: SlotDataStore,
}

impl InventoryCtx {
    pub fn provide(session: SessionCtx) -> InventoryCtx {
        let slots = Slots {
            changed: RwSignal::new(false),
        };
        let rows = memo(move || slots.with(all_rows));
        let ctx = InventoryCtx {
            slots,
            rows,
            data: SlotDataStore,
        };
        PROVIDED.set(Some(ctx));
        // A new connection starts a fresh inventory: the effect tracks the session, which
        // only a connect sets to a new one (a disconnect clears it, and nothing loads then).
        effect(move || {
            if session.get().is_some() {
                ctx.slots.update(|slots| *slots = SortedMap::new());
                ctx.refresh_all(session);
            }
        });
        // Background refresh: waits while the tab is hidden; a slot still loading is skipped.
        leptos::task::spawn_local(async move {
            loop {
                browser::sleep_ms(REFRESH_MS).await;
                // Paused while hidden; a tab shown again after a refresh was due reads at once.
                browser::until_visible().await;
                if session.get_untracked().is_some() {
                    ctx.refresh_all(session);
                }
            }
        });
        ctx
    }

    /// The app's one `InventoryCtx` (kept in a thread-local, not a Leptos context).
    pub fn expect() -> InventoryCtx {
        PROVIDED
            .get()
            .expect("InventoryCtx::provide runs before the views that use it")
    }

    /// Starts loading every region × service that is not already loading.
    pub fn refresh_all(&self, session: SessionCtx) {
        let Some(s) = session.get_untracked() else {
            return;
        };
        for region in &s.regions {
            for service in Service::ALL {
                self.refresh_slot(session, region.clone(), service);
            }
        }
    }

    fn refresh_slot(&self, session: SessionCtx, region: Region, service: Service) {
        let key = (region.clone(), service);
        // Never two loads of the same slot in flight.
        let loading = format!("{region} {}", service.as_str());
        if !claim(&LOADING, &loading) {
            return;
        }
        let ctx = *self;
        ctx.slots.update(|slots| {
            slots.get_or_insert_with(key.clone(), || SlotState::Loading);
        });
        leptos::task::spawn_local(async move {
            let loaded = match session.get_untracked() {
                Some(s) => Some((api::load_slot(&s, &region, service).await, s)),
                None => None,
            };
            release(&LOADING, &loading);
            // No session, or a reconnect in the meantime made this answer stale.
            let Some((result, s)) = loaded else {
                return;
            };
            if session
                .get_untracked()
                .is_none_or(|now| !std::rc::Rc::ptr_eq(&now, &s))
            {
                return;
            }
            let result = result.map(|data| {
                let rows = rows_of(&data);
                session.learn_account(first_arn(&data));
                DATA.with_borrow_mut(|d| d.insert(key.clone(), data));
                rows
            });
            ctx.slots.update(|slots| {
                // What the slot showed: kept on an error, reused for unchanged rows.
                let previous = slots.get(&key).map_or(&[][..], SlotState::rows);
                let state = match result {
                    Ok(rows) => SlotState::Ready {
                        rows: reuse_unchanged(rows, previous),
                        at: browser::now_ms(),
                    },
                    Err(error) => SlotState::Failed {
                        error,
                        rows: previous.to_vec(),
                    },
                };
                slots.insert(key, state);
            });
        });
    }
}

thread_local! {
    /// The slots loading now, keyed `region service`: claimed like the run store's reads.
    static LOADING: RefCell<SortedMap<String, ()>> = const { RefCell::new(SortedMap::new()) };
    /// What [`Slots`] holds.
    static SLOTS: RefCell<SortedMap<SlotKey, SlotState>> = const { RefCell::new(SortedMap::new()) };
    /// What [`SlotDataStore`] holds.
    static DATA: RefCell<SortedMap<SlotKey, SlotData>> = const { RefCell::new(SortedMap::new()) };
}

/// The state of every slot, read as a signal's value is (`with` tracks it). Held outside the
/// reactive graph and tracked by a `bool` signal (one of a type the app has anyway), as the
/// session is: a signal of this map's type was a copy of the signal code of its own.
#[derive(Clone, Copy)]
pub struct Slots {
    /// Set on every change; reading the slots tracks it.
    changed: RwSignal<bool>,
}

impl Slots {
    /// Reads the slots, tracked.
    pub fn with<R>(&self, f: impl FnOnce(&SortedMap<SlotKey, SlotState>) -> R) -> R {
        self.changed.track();
        SLOTS.with_borrow(f)
    }

    /// Changes the slots, then tells whoever tracks them.
    fn update(&self, f: impl FnOnce(&mut SortedMap<SlotKey, SlotState>)) {
        SLOTS.with_borrow_mut(f);
        self.changed.set(true);
    }
}

/// The raw data of every slot loaded. Only ever read untracked (a resource page starts from
/// it and reads the resource itself), so it is no signal: a signal of this type was a copy of
/// the signal code of its own.
#[derive(Clone, Copy)]
pub struct SlotDataStore;

impl SlotDataStore {
    /// Reads the data without tracking it.
    pub fn with_untracked<R>(&self, f: impl FnOnce(&SortedMap<SlotKey, SlotData>) -> R) -> R {
        DATA.with_borrow(f)
    }
}

impl SlotState {
    /// The rows the slot has (the last good answer's, on an error); none while loading.
    pub fn rows(&self) -> &[Arc<Row>] {
        match self {
            SlotState::Ready { rows, .. } | SlotState::Failed { rows, .. } => rows,
            SlotState::Loading => &[],
        }
    }
}

/// The new rows as shared rows, keeping the old Arc of each unchanged row so nothing
/// downstream re-renders. A plain loop: the `map(find..).collect()` chain was a copy of each.
fn reuse_unchanged(rows: Vec<Row>, previous: &[Arc<Row>]) -> Vec<Arc<Row>> {
    let mut out = Vec::with_capacity(rows.len());
    'rows: for r in rows {
        for p in previous {
            if p.resource == r.resource && p.rev == r.rev {
                out.push(p.clone());
                continue 'rows;
            }
        }
        out.push(Arc::new(r));
    }
    out
}

/// Every slot's rows in slot order, a global resource once: it is listed by each region it
/// spans, and the first listing is kept. Other resources live in one region, so one slot.
pub fn all_rows(slots: &SortedMap<SlotKey, SlotState>) -> Vec<Arc<Row>> {
    let mut globals = SortedMap::new();
    let mut out = Vec::new();
    for state in slots.values() {
        for row in state.rows() {
            if !row.resource.kind.is_global() || globals.insert(row.resource.key(), ()).is_none() {
                out.push(row.clone());
            }
        }
    }
    out
}

fn first_arn(d: &SlotData) -> Option<&str> {
    // Plain loops: a `find_map` per list was a copy of `find_map` per list.
    for r in &d.replication_groups {
        if let Some(arn) = &r.arn {
            return Some(arn);
        }
    }
    for g in &d.global_datastores {
        if let Some(arn) = &g.arn {
            return Some(arn);
        }
    }
    for m in &d.memorydb {
        if let Some(arn) = &m.arn {
            return Some(arn);
        }
    }
    for c in &d.db_clusters {
        if let Some(arn) = &c.arn {
            return Some(arn);
        }
    }
    None
}

pub fn rows_of(d: &SlotData) -> Vec<Row> {
    // Plain loops: an `extend(map(..))` per list was a copy of `extend` per list.
    let mut rows = Vec::new();
    for g in &d.global_datastores {
        rows.push(Row::from_global_datastore(g));
    }
    for rg in &d.replication_groups {
        rows.push(Row::from_replication_group(rg));
    }
    for g in &d.global_databases {
        rows.push(Row::from_global_database(g));
    }
    for c in &d.db_clusters {
        rows.push(Row::from_db_cluster(c));
    }
    for c in &d.memorydb {
        rows.push(Row::from_memorydb(c));
    }
    rows
}

/// Whether a kind of resource is listed by this service (for counting per slot).
pub fn kind_count(rows: &[Arc<Row>], kind: ResourceKind) -> usize {
    rows.iter().filter(|r| r.resource.kind == kind).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MemberRole;
    use crate::state::rows::fixtures::{datastore, rg};

    fn orders() -> crate::model::GlobalDatastore {
        datastore(
            "ldgnf-orders",
            &[
                ("orders-use1", "us-east-1", MemberRole::Primary),
                ("orders-euw1", "eu-west-1", MemberRole::Secondary),
            ],
        )
    }

    #[test]
    fn a_global_resource_listed_by_two_regions_is_one_row() {
        let ready = |rows: Vec<Row>| SlotState::Ready {
            rows: rows.into_iter().map(Arc::new).collect(),
            at: 0,
        };
        let slots: SortedMap<SlotKey, SlotState> = [
            (
                ("us-east-1".to_string(), Service::ElastiCache),
                ready(vec![
                    Row::from_global_datastore(&orders()),
                    Row::from_replication_group(&rg("orders-use1", "us-east-1", "available")),
                ]),
            ),
            (
                ("us-west-2".to_string(), Service::ElastiCache),
                SlotState::Loading,
            ),
            (
                ("eu-west-1".to_string(), Service::ElastiCache),
                SlotState::Failed {
                    error: ErrorInfo::local("x", "y"),
                    rows: vec![
                        Arc::new(Row::from_global_datastore(&orders())),
                        Arc::new(Row::from_replication_group(&rg(
                            "orders-euw1",
                            "eu-west-1",
                            "available",
                        ))),
                    ],
                },
            ),
        ]
        .into_iter()
        .collect();
        let names: Vec<String> = all_rows(&slots).iter().map(|r| r.name.clone()).collect();
        // Slot order is key order: eu-west-1 before us-east-1.
        assert_eq!(names, ["ldgnf-orders", "orders-euw1", "orders-use1"]);
    }
}
