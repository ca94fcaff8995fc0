//! The run store: every action becomes a tracked run, polled on an adaptive schedule (fast
//! while changing, slow after settling, paused while the tab is hidden, one poll in flight per
//! resource), kept in sessionStorage (no secrets) so a reload resumes it.

use super::action::Action;
use super::api;
use super::browser;
use super::errors::{ErrorInfo, NOTHING_SENT};
use super::record::{Phase, Run};
use super::session::SessionCtx;
use super::task::{spawn_owned, Claim, Claims};
use leptos::prelude::*;

const RUNS_KEY: &str = "fc.runs";
/// While disconnected, check again this often (cheap: no request).
const IDLE_CHECK_MS: u32 = 500;
/// The read before an action's call: rounds after the first (each one the client's own
/// retries), and the pause before round n is n times this.
const PRE_READ_ROUNDS: u32 = 3;
const PRE_READ_PAUSE_MS: u32 = 1_000;

/// The runs, provided as context by `<App/>`; its polls live as long as the app.
#[derive(Clone, Copy)]
pub struct RunsCtx {
    pub runs: RwSignal<Vec<Run>>,
    /// Wall clock for elapsed counters, ticking once a second.
    pub now: RwSignal<i64>,
    session: SessionCtx,
    /// The runs with a polling loop: never two loops for one run.
    loops: Claims,
    /// The resources with a read in flight (a run's poll or a resource page's refresh).
    busy: Claims,
    /// The app's owner: runs are started from pages, but their polls belong to the app and
    /// go on when the page that started them goes away.
    owner: StoredValue<Owner>,
}

impl RunsCtx {
    pub fn provide(session: SessionCtx) -> RunsCtx {
        let stored: Vec<Run> = browser::storage_get(RUNS_KEY)
            .map(|t| Run::list_from_json(&t))
            .unwrap_or_default();
        let ctx = RunsCtx {
            runs: RwSignal::new(stored),
            now: RwSignal::new(browser::now_ms()),
            session,
            loops: Claims::new(),
            busy: Claims::new(),
            owner: StoredValue::new(Owner::current().expect("RunsCtx is provided inside <App/>")),
        };
        provide_context(ctx);
        Effect::new(move |_| {
            ctx.runs
                .with(|runs| browser::storage_set(RUNS_KEY, &Run::list_to_json(runs)));
        });
        spawn_owned(async move {
            loop {
                browser::sleep_ms(1000).await;
                ctx.now.set(browser::now_ms());
            }
        });
        // Resume what a reload interrupted. A run caught while sending cannot know whether
        // AWS got the call: it is watched like an accepted one, never re-sent.
        let mut ids = Vec::new();
        ctx.runs.with_untracked(|runs| {
            for run in runs.iter().filter(|r| !r.phase.is_done()) {
                ids.push(run.id.clone());
            }
        });
        for id in ids {
            ctx.update(&id, |r| {
                if r.phase == Phase::Sending {
                    r.phase = Phase::Changing;
                    r.accepted_at = Some(r.started_at);
                }
            });
            ctx.spawn_poll(id);
        }
        ctx
    }

    /// The context `<App/>` provides.
    pub fn expect() -> RunsCtx {
        expect_context()
    }

    pub fn get(&self, id: &str) -> Option<Run> {
        self.runs
            .with(|runs| runs.iter().find(|r| r.id == id).cloned())
    }

    /// Claims the one read of `resource_key` allowed in flight: `None` while another read of
    /// it (a run's poll, or a resource page's refresh) is under way. Released when dropped.
    pub fn claim_read(&self, resource_key: &str) -> Option<Claim> {
        self.busy.claim(resource_key)
    }

    /// A run on this resource that has not settled, as a noun ("switchover").
    pub fn open_run_on(&self, resource_key: &str) -> Option<&'static str> {
        self.runs.with(|runs| {
            runs.iter()
                .find(|r| !r.phase.is_done() && r.action.resource().key() == resource_key)
                .map(|r| r.action.noun())
        })
    }

    /// A run on this resource that has not settled.
    pub fn in_flight_on(&self, resource_key: &str) -> bool {
        self.open_run_on(resource_key).is_some()
    }

    fn update(&self, id: &str, f: impl FnOnce(&mut Run)) {
        self.runs.update(|runs| {
            if let Some(run) = runs.iter_mut().find(|r| r.id == id) {
                f(run);
            }
        });
    }

    pub fn dismiss(&self, id: &str) {
        self.runs
            .update(|runs| runs.retain(|r| r.id != id || !r.phase.is_done()));
    }

    pub fn export(&self, id: &str, markdown: bool) {
        if let Some(run) = self.get(id) {
            let (name, kind, text) = if markdown {
                (".md", "text/markdown", run.to_markdown())
            } else {
                (".json", "application/json", run.to_json())
            };
            browser::download(&(run.file_stem() + name), kind, &text);
        }
    }

    /// Who acts, as runs and plans record it: the caller's ARN when STS named it, and the key.
    pub fn who(&self) -> String {
        self.session
            .get_untracked()
            .map(|s| {
                let key = s.who(self.session.account.get_untracked().as_deref());
                match self.session.caller_arn.get_untracked() {
                    Some(arn) => format!("{arn} ({key})"),
                    None => key,
                }
            })
            .unwrap_or_else(|| "not connected".into())
    }

    /// Starts a run: reads the resource once (who writes before), then sends the action's one
    /// call. Returns the run id at once; the run carries the outcome.
    /// Keeps, in a run's record, the writes its move put at risk when it was sent.
    pub fn note_at_risk(&self, id: &str, text: String) {
        self.runs.update(|runs| {
            if let Some(r) = runs.iter_mut().find(|r| r.id == id) {
                r.at_risk = Some(text);
            }
        });
    }

    pub fn start(&self, action: Action, writer_expected: Option<String>) -> String {
        let now = browser::now_ms();
        let id = format!("run-{now}-{}", self.runs.with_untracked(Vec::len));
        let who = self.who();
        let run = Run::new(
            id.clone(),
            action.clone(),
            who,
            String::new(),
            writer_expected,
            now,
        );
        self.runs.update(|runs| runs.push(run));
        let ctx = *self;
        let run_id = id.clone();
        // Not owned by the page that started it: a mutating call, once on its way, is always
        // followed to its answer, even if the person navigates away.
        leptos::task::spawn_local(async move {
            // Every way the run can end before its call is accepted, then the one update
            // that ends it so.
            let refused = 'send: {
                let Some(session) = ctx.session.get_untracked() else {
                    break 'send ErrorInfo::local(
                        "Not connected: nothing was sent.",
                        "Connect, then start the action again.",
                    );
                };
                // Who writes before: a read, so a throttled or failed one is tried again (the
                // client already retried it) before the action is given up unsent.
                let mut round = 0;
                let before = loop {
                    match api::observe(&session, &action).await {
                        Err(e) if e.is_transient() && round < PRE_READ_ROUNDS => {
                            round += 1;
                            ctx.update(&run_id, |r| r.connection_lost(e));
                            browser::sleep_ms(PRE_READ_PAUSE_MS * round).await;
                        }
                        other => break other,
                    }
                };
                match before {
                    Ok(before) => ctx.update(&run_id, |r| {
                        r.writer_before = before.writer;
                        r.connection = None;
                    }),
                    Err(mut e) => {
                        e.summary = format!("{NOTHING_SENT} {}", e.summary);
                        break 'send e;
                    }
                }
                // The one mutating call of this run; a failure is shown, never retried.
                let receipt = match api::execute(&session, &action).await {
                    Ok(receipt) => receipt,
                    Err(e) => break 'send e,
                };
                let accepted = browser::now_ms();
                // Local minus AWS's clock, as the client learnt it from AWS's answers.
                let skew = accepted - api::server_time(&session, accepted);
                ctx.update(&run_id, |r| {
                    r.accepted_by_aws(accepted, skew, receipt.date, receipt.request_id);
                    r.caller_arn = ctx.session.caller_arn.get_untracked();
                });
                let first = api::observe(&session, &action).await;
                ctx.update(&run_id, |r| match first {
                    Ok(obs) => r.accepted(accepted, obs),
                    Err(e) => {
                        r.accepted(accepted, r.last.clone());
                        r.read_failed(accepted, e);
                    }
                });
                ctx.spawn_poll(run_id);
                return;
            };
            ctx.update(&run_id, |r| r.rejected(browser::now_ms(), refused));
        });
        id
    }

    /// One polling loop per run; never two.
    fn spawn_poll(&self, id: String) {
        let Some(loop_claim) = self.loops.claim(&id) else {
            return;
        };
        let ctx = *self;
        let owner = ctx.owner.get_value();
        owner.with(|| spawn_owned(async move {
            let _loop_claim = loop_claim;
            // No reactive observer in a task: `get` tracks nothing here.
            while let Some(run) = ctx.get(&id) {
                let Some(delay) = run.next_poll(browser::now_ms()) else {
                    break;
                };
                browser::sleep_ms(delay).await;
                // Paused while hidden: no requests from a background tab.
                browser::until_visible().await;
                let Some(session) = ctx.session.get_untracked() else {
                    ctx.update(&id, |r| {
                        r.read_failed(browser::now_ms(), ErrorInfo {
                            category: "auth".into(),
                            ..ErrorInfo::local(
                                "Not connected: polling is paused.",
                                "Reconnect on the Connect screen; this run resumes by itself and keeps its history.",
                            )
                        })
                    });
                    browser::sleep_ms(IDLE_CHECK_MS).await;
                    continue;
                };
                let key = run.action.resource().key();
                // A resource page may be reading this resource right now: wait for its answer
                // to come back (moments), not for a whole poll interval.
                let read = loop {
                    match ctx.claim_read(&key) {
                        Some(read) => break read,
                        None => browser::sleep_ms(100).await,
                    }
                };
                let mut related = vec![run.action.resource().id, run.writer_before.clone()];
                if let Some(expected) = &run.writer_expected {
                    related.push(expected.clone());
                }
                if let Action::PromoteSecondary { target_group, .. } = &run.action {
                    related.push(target_group.clone());
                }
                let since = api::server_time(&session, run.started_at) - 60_000;
                let (obs, events) = futures::future::join(
                    api::observe(&session, &run.action),
                    api::run_events(&session, &run.action, &related, since),
                )
                .await;
                drop(read);
                let now = browser::now_ms();
                ctx.update(&id, |r| {
                    if let Ok(events) = events {
                        r.add_events(events);
                    }
                    match obs {
                        Ok(obs) => r.observe(now, obs),
                        Err(e) => r.read_failed(now, e),
                    }
                });
            }
        }));
    }
}
