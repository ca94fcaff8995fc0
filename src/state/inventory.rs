//! The inventory store: every selected region × service loads on its own, in parallel, and a
//! slow or failing one shows its own error without holding up the rest. Polled while visible.

use super::api::{self, SlotData};
use super::browser;
use super::errors::ErrorInfo;
use super::rows::{ResourceKind, Row};
use super::session::{Session, SessionCtx};
use super::task::{spawn_owned, Claims};
use crate::model::{Region, Service};
use leptos::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// How often the inventory refreshes while shown.
const REFRESH_MS: u32 = 10_000;
/// A listing older than this is stale: two refreshes missed, plus the time a list may take.
pub const STALE_AFTER_MS: i64 = 2 * REFRESH_MS as i64 + 5_000;

#[derive(Clone, Debug, PartialEq)]
pub enum SlotState {
    Loading,
    Ready {
        rows: Vec<Arc<Row>>,
        at: i64,
        /// Calls of this service that failed while another answered: the rows are partial.
        failed: Vec<ErrorInfo>,
    },
    Failed {
        error: ErrorInfo,
        rows: Vec<Arc<Row>>,
    },
}

pub type SlotKey = (Region, Service);

/// The inventory, provided as context by `<App/>`.
#[derive(Clone, Copy)]
pub struct InventoryCtx {
    /// The state of every region × service.
    pub slots: RwSignal<BTreeMap<SlotKey, SlotState>>,
    /// All rows, de-duplicated (a global resource is listed by every region it spans).
    pub rows: Memo<Vec<Arc<Row>>>,
    /// Raw data per slot, for resource pages that want to start from what is known. Only read
    /// untracked, so it is stored, not a signal.
    pub data: StoredValue<BTreeMap<SlotKey, SlotData>>,
    /// The slots loading now, keyed `region service`.
    loading: Claims,
}

impl InventoryCtx {
    pub fn provide(session: SessionCtx) -> InventoryCtx {
        let slots = RwSignal::new(BTreeMap::new());
        let ctx = InventoryCtx {
            slots,
            rows: Memo::new(move |_| slots.with(all_rows)),
            data: StoredValue::new(BTreeMap::new()),
            loading: Claims::new(),
        };
        provide_context(ctx);
        // A new connection starts a fresh inventory: the effect tracks the session, which
        // only a connect sets to a new one (a disconnect clears it, and nothing loads then).
        Effect::new(move |_| {
            if session.get().is_some() {
                ctx.slots.set(BTreeMap::new());
                ctx.refresh_all(session);
            }
        });
        // Background refresh: waits while the tab is hidden; a slot still loading is skipped.
        spawn_owned(async move {
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

    /// The context `<App/>` provides.
    pub fn expect() -> InventoryCtx {
        expect_context()
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
        let Some(loading) = self
            .loading
            .claim(&format!("{region} {}", service.as_str()))
        else {
            return;
        };
        let ctx = *self;
        ctx.slots.update(|slots| {
            slots.entry(key.clone()).or_insert(SlotState::Loading);
        });
        // Owned by the app, as the inventory is: a load outlives the page that asked for it.
        leptos::task::spawn_local(async move {
            let loaded = match session.get_untracked() {
                Some(s) => Some((api::load_slot(&s, &region, service).await, s)),
                None => None,
            };
            drop(loading);
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
            let listed = result.is_ok();
            let result = result.map(|mut data| {
                let failed = std::mem::take(&mut data.failed);
                // The last count stands until the new one comes.
                data.test_failovers_24h = ctx
                    .data
                    .with_value(|d| d.get(&key).and_then(|old| old.test_failovers_24h));
                let rows = rows_of(&data);
                session.learn_account(first_arn(&data));
                ctx.data.update_value(|d| {
                    d.insert(key.clone(), data);
                });
                (rows, failed)
            });
            ctx.slots.update(|slots| {
                // What the slot showed: kept on an error, reused for unchanged rows.
                let previous = slots.get(&key).map_or(&[][..], SlotState::rows);
                let state = match result {
                    Ok((rows, failed)) => SlotState::Ready {
                        rows: reuse_unchanged(rows, previous),
                        at: browser::now_ms(),
                        failed,
                    },
                    Err(error) => SlotState::Failed {
                        error,
                        rows: previous.to_vec(),
                    },
                };
                slots.insert(key.clone(), state);
            });
            if listed && service == Service::ElastiCache {
                ctx.count_test_failovers(&s, key).await;
            }
        });
    }

    /// Counts the Region's TestFailover calls of the last 24 hours (its quota) and flags the
    /// slot's rows when it is spent. After the listing, so the table never waits for it; an
    /// unreadable count leaves the flag as it was.
    async fn count_test_failovers(&self, s: &Session, key: SlotKey) {
        let now = api::server_time(s, browser::now_ms());
        let Ok(used) = api::count_test_failovers(s, &key.0, now).await else {
            return;
        };
        let changed = self.data.try_update_value(|d| {
            d.get_mut(&key).is_some_and(|slot| {
                let changed = slot.test_failovers_24h != Some(used);
                slot.test_failovers_24h = Some(used);
                changed
            })
        });
        if changed != Some(true) {
            return;
        }
        let Some(rows) = self.data.with_value(|d| d.get(&key).map(rows_of)) else {
            return;
        };
        self.slots.update(|slots| {
            if let Some(SlotState::Ready { rows: shown, .. }) = slots.get_mut(&key) {
                *shown = reuse_unchanged(rows, shown);
            }
        });
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
/// downstream re-renders.
fn reuse_unchanged(rows: Vec<Row>, previous: &[Arc<Row>]) -> Vec<Arc<Row>> {
    rows.into_iter()
        .map(|r| {
            previous
                .iter()
                .find(|p| p.resource == r.resource && p.rev == r.rev)
                .cloned()
                .unwrap_or_else(|| Arc::new(r))
        })
        .collect()
}

/// Every slot's rows in slot order, a global resource once: it is listed by each region it
/// spans, and the first listing is kept. Other resources live in one region, so one slot.
pub fn all_rows(slots: &BTreeMap<SlotKey, SlotState>) -> Vec<Arc<Row>> {
    let mut globals = BTreeSet::new();
    slots
        .values()
        .flat_map(SlotState::rows)
        .filter(|row| !row.resource.kind.is_global() || globals.insert(row.resource.key()))
        .cloned()
        .collect()
}

/// Any ARN of the slot: the account id is in it.
fn first_arn(d: &SlotData) -> Option<&str> {
    let arns = d.replication_groups.iter().map(|r| &r.arn);
    let arns = arns.chain(d.global_datastores.iter().map(|g| &g.arn));
    let arns = arns.chain(d.memorydb.iter().map(|m| &m.arn));
    let mut arns = arns.chain(d.db_clusters.iter().map(|c| &c.arn));
    arns.find_map(Option::as_deref)
}

pub fn rows_of(d: &SlotData) -> Vec<Row> {
    let globals = d.global_datastores.iter().map(Row::from_global_datastore);
    let spent = d
        .test_failovers_24h
        .is_some_and(|n| n >= crate::state::action::TEST_FAILOVER_DAILY_QUOTA);
    let groups = d
        .replication_groups
        .iter()
        .map(|rg| Row::from_replication_group(rg, spent));
    let databases = d.global_databases.iter().map(Row::from_global_database);
    let clusters = d.db_clusters.iter().map(Row::from_db_cluster);
    let multi = d.multi_region.iter().map(Row::from_multi_region);
    let memorydb = d.memorydb.iter().map(Row::from_memorydb);
    globals
        .chain(groups)
        .chain(databases)
        .chain(clusters)
        .chain(multi)
        .chain(memorydb)
        .collect()
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
            failed: Vec::new(),
        };
        let slots: BTreeMap<SlotKey, SlotState> = [
            (
                ("us-east-1".to_string(), Service::ElastiCache),
                ready(vec![
                    Row::from_global_datastore(&orders()),
                    Row::from_replication_group(
                        &rg("orders-use1", "us-east-1", "available"),
                        false,
                    ),
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
                        Arc::new(Row::from_replication_group(
                            &rg("orders-euw1", "eu-west-1", "available"),
                            false,
                        )),
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
