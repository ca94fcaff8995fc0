//! A plan being carried out: which stage it is in, each step's run and outcome, approvals,
//! and what to start next. Pure: `state::plans` starts the runs this asks for and feeds their
//! outcomes back. Kept in storage, so a reload resumes where the plan was.

use super::plan::{OnFailure, Plan, Stage};
use super::record::{format_duration, Phase, Run};
use crate::model::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRun {
    pub id: String,
    pub plan: Plan,
    /// Who confirmed it, as the runs name the caller.
    pub who: String,
    pub started_at: i64,
    /// The stage under way (== stages.len() once every stage is through).
    pub stage: usize,
    /// Per stage, per step.
    pub steps: Vec<Vec<StepRun>>,
    /// Per stage: who answered its approval gate, and when.
    pub approvals: Vec<Option<Approval>>,
    /// Stages whose failed steps a person chose to go past.
    #[serde(default)]
    pub continued: Vec<usize>,
    pub state: PlanState,
    #[serde(default)]
    pub finished_at: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum PlanState {
    Running,
    /// A step failed and the plan stops on failure: nothing more starts until a person says.
    Halted {
        why: String,
    },
    /// A person stopped it; steps already sent are still followed.
    Stopped {
        by: String,
        at: i64,
    },
    Done,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRun {
    /// The run that carries the step's call, once started.
    pub run_id: Option<String>,
    pub outcome: Option<StepOutcome>,
    /// The step's run is still going: its phase and latest word.
    #[serde(default)]
    pub phase: Option<Phase>,
}

/// How a step ended, copied from its run so the record stands when runs are dismissed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepOutcome {
    pub ok: bool,
    pub result: String,
    pub time_to_settle: Option<i64>,
    /// Local clock.
    pub settled_at: Option<i64>,
    pub request_id: Option<String>,
}

impl StepRun {
    /// Sent and not over yet.
    fn is_open(&self) -> bool {
        self.run_id.is_some() && self.outcome.is_none()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    pub by: String,
    pub at: i64,
}

impl StepOutcome {
    /// The outcome of a run that is over; `None` while it is open.
    pub fn of(run: &Run) -> Option<StepOutcome> {
        let ok = run.succeeded()?;
        Some(StepOutcome {
            ok,
            result: run
                .result
                .clone()
                .unwrap_or_else(|| run.phase.label().into()),
            time_to_settle: run.time_to_settle(),
            settled_at: run.settled_at,
            request_id: run.request_id.clone(),
        })
    }
}

impl PlanRun {
    pub fn new(id: String, plan: Plan, who: String, now: i64) -> PlanRun {
        PlanRun {
            id,
            steps: plan
                .stages
                .iter()
                .map(|s| vec![StepRun::default(); s.steps().len()])
                .collect(),
            approvals: vec![None; plan.stages.len()],
            plan,
            who,
            started_at: now,
            stage: 0,
            continued: Vec::new(),
            state: PlanState::Running,
            finished_at: None,
        }
    }

    pub fn is_over(&self) -> bool {
        self.state == PlanState::Done
    }

    /// Steps of other plans or runs may still be in flight after a stop: the record is only
    /// quiet once none of its runs is open.
    pub fn open_steps(&self) -> usize {
        self.steps.iter().flatten().filter(|s| s.is_open()).count()
    }

    /// Waiting for a person at an approval gate: its question.
    pub fn waiting_for(&self) -> Option<&str> {
        match (&self.state, self.plan.stages.get(self.stage)) {
            (PlanState::Running, Some(Stage::Approval { question, .. }))
                if self.approvals[self.stage].is_none() =>
            {
                Some(question)
            }
            _ => None,
        }
    }

    pub fn approve(&mut self, by: String, now: i64) {
        if self.waiting_for().is_some() {
            self.approvals[self.stage] = Some(Approval { by, at: now });
        }
    }

    pub fn stop(&mut self, by: String, now: i64) {
        if matches!(self.state, PlanState::Running | PlanState::Halted { .. }) {
            self.state = PlanState::Stopped { by, at: now };
        }
    }

    /// Goes on after a halt or a stop: the failed steps of the current stage are gone past.
    pub fn resume(&mut self) {
        if matches!(
            self.state,
            PlanState::Halted { .. } | PlanState::Stopped { .. }
        ) {
            if !self.continued.contains(&self.stage) {
                self.continued.push(self.stage);
            }
            self.state = PlanState::Running;
        }
    }

    /// Sends the current stage's failed steps again (a person chose to, after a halt or a
    /// stop): their records are cleared and the plan runs on.
    pub fn retry_failed(&mut self) {
        if !matches!(
            self.state,
            PlanState::Halted { .. } | PlanState::Stopped { .. }
        ) {
            return;
        }
        if let Some(steps) = self.steps.get_mut(self.stage) {
            for st in steps.iter_mut() {
                if st.outcome.as_ref().is_some_and(|o| !o.ok) {
                    *st = StepRun::default();
                }
            }
        }
        self.state = PlanState::Running;
    }

    /// Brings the steps up to date with their runs (`run(id)`), moves through finished stages
    /// and answered gates, and says which steps of the current stage to start now: `(stage,
    /// step)`, at most `concurrency` in flight per service.
    pub fn tick(&mut self, now: i64, run: &dyn Fn(&str) -> Option<Run>) -> Vec<(usize, usize)> {
        for step in self.steps.iter_mut().flatten() {
            if let (Some(id), None) = (&step.run_id, &step.outcome) {
                match run(id) {
                    Some(r) => {
                        step.phase = Some(r.phase);
                        step.outcome = StepOutcome::of(&r);
                    }
                    // Dismissed before it was copied: say so rather than wait for ever.
                    None => {
                        step.outcome = Some(StepOutcome {
                            ok: false,
                            result: "its run record is gone".into(),
                            time_to_settle: None,
                            settled_at: None,
                            request_id: None,
                        })
                    }
                }
            }
        }
        let mut start = Vec::new();
        while self.state == PlanState::Running {
            let s = self.stage;
            let Some(stage) = self.plan.stages.get(s) else {
                self.state = PlanState::Done;
                self.finished_at = Some(self.last_settled().unwrap_or(now));
                break;
            };
            if let Stage::Approval { .. } = stage {
                if self.approvals[s].is_none() {
                    break;
                }
                self.stage += 1;
                continue;
            }
            let failed = self.steps[s]
                .iter()
                .position(|st| st.outcome.as_ref().is_some_and(|o| !o.ok));
            let go_past =
                self.continued.contains(&s) || self.plan.on_failure == OnFailure::Continue;
            let hold = failed.is_some() && !go_past;
            if !hold {
                let mut in_flight: BTreeMap<&'static str, u32> = BTreeMap::new();
                let service = |i: usize| stage.steps()[i].service().as_str();
                for (i, st) in self.steps[s].iter().enumerate() {
                    if st.is_open() {
                        *in_flight.entry(service(i)).or_default() += 1;
                    }
                }
                for (i, st) in self.steps[s].iter().enumerate() {
                    let n = in_flight.entry(service(i)).or_default();
                    if st.run_id.is_none() && *n < self.plan.concurrency {
                        *n += 1;
                        start.push((s, i));
                    }
                }
            }
            if !start.is_empty() {
                break;
            }
            let open = self.steps[s].iter().any(StepRun::is_open);
            let unstarted = self.steps[s].iter().any(|st| st.run_id.is_none());
            if open || (unstarted && !hold) {
                break;
            }
            if let Some(i) = failed.filter(|_| hold) {
                let step = &stage.steps()[i];
                let why = self.steps[s][i]
                    .outcome
                    .as_ref()
                    .map(|o| o.result.clone())
                    .unwrap_or_default();
                self.state = PlanState::Halted {
                    why: format!(
                        "stage {} step {} ({}) failed: {why}",
                        s + 1,
                        i + 1,
                        step.action.chip()
                    ),
                };
                break;
            }
            self.stage += 1;
        }
        start
    }

    /// The step's run has been started: recorded at once, so a reload never sends it twice.
    pub fn started(&mut self, stage: usize, step: usize, run_id: String) {
        self.steps[stage][step].run_id = Some(run_id);
        self.steps[stage][step].phase = Some(Phase::Sending);
    }

    fn last_settled(&self) -> Option<i64> {
        self.steps
            .iter()
            .flatten()
            .filter_map(|s| s.outcome.as_ref().and_then(|o| o.settled_at))
            .max()
    }

    /// From confirmation to the last step settled, once the plan is through.
    pub fn recovery_time(&self) -> Option<i64> {
        self.finished_at.map(|f| f - self.started_at)
    }

    /// Where the plan is, in one line.
    pub fn state_line(&self, now: i64) -> String {
        match &self.state {
            PlanState::Running => match self.waiting_for() {
                Some(q) => format!("waiting for approval: {q}"),
                None => format!(
                    "running stage {} of {} · {}",
                    self.stage + 1,
                    self.plan.stages.len(),
                    format_duration(now - self.started_at)
                ),
            },
            PlanState::Halted { why } => format!("halted: {why}"),
            PlanState::Stopped { by, at } => format!("stopped by {by} at {}", at_utc(*at)),
            PlanState::Done => format!(
                "done: recovery time {}",
                format_duration(self.recovery_time().unwrap_or(0))
            ),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a plan run serialises")
    }

    /// The record of the plan's execution, as Markdown.
    pub fn to_markdown(&self) -> String {
        let mut md = format!("# {} — record\n\n", self.plan.name);
        md.push_str(&format!(
            "- Started: {} by {}\n- State: {}\n",
            at_utc(self.started_at),
            self.who,
            self.state_line(self.finished_at.unwrap_or(self.started_at))
        ));
        if let Some(t) = self.recovery_time() {
            md.push_str(&format!("- Recovery time: {}\n", format_duration(t)));
        }
        md.push('\n');
        for (s, stage) in self.plan.stages.iter().enumerate() {
            md.push_str(&format!("## Stage {}: {}\n\n", s + 1, stage.name()));
            if let Stage::Approval { question, .. } = stage {
                match &self.approvals[s] {
                    Some(a) => md.push_str(&format!(
                        "{question} — approved by {} at {}\n\n",
                        a.by,
                        at_utc(a.at)
                    )),
                    None => md.push_str(&format!("{question} — not answered\n\n")),
                }
                continue;
            }
            md.push_str("| step | outcome | time to settle | request id |\n|---|---|---|---|\n");
            for (i, step) in stage.steps().iter().enumerate() {
                let st = &self.steps[s][i];
                let (outcome, settle, request) = match &st.outcome {
                    Some(o) => (
                        o.result.clone(),
                        o.time_to_settle.map(format_duration).unwrap_or("—".into()),
                        o.request_id.clone().unwrap_or("—".into()),
                    ),
                    None if st.run_id.is_some() => ("in progress".into(), "—".into(), "—".into()),
                    None => ("not started".into(), "—".into(), "—".into()),
                };
                md.push_str(&format!(
                    "| {} | {outcome} | {settle} | {request} |\n",
                    step.action.title()
                ));
            }
            md.push('\n');
        }
        md
    }

    /// `plan-evacuate-us-east-1-<start, ms>`: the plan's name, then its id's time.
    pub fn file_stem(&self) -> String {
        let slug: String = self
            .plan
            .name
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        format!("plan-{slug}-{}", self.id.trim_start_matches("plan-"))
    }
}

/// A moment of the record (local clock, ms) as people read it: `Dec 4 07:41:02 UTC`.
pub fn at_utc(ms: i64) -> String {
    Timestamp::from_millis(ms).short_utc()
}

#[cfg(test)]
#[path = "plan_run_tests.rs"]
mod tests;
