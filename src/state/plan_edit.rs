//! Edits a person makes to a draft plan: another target, switchover or failover, a step moved
//! between stages or taken out, approval gates added or removed. Each keeps the plan well
//! formed.

use super::action::Action;
use super::plan::{why_of, Choice, NotMoved, Plan, Stage, Step, DEFAULT_GATE};

/// No empty stage of steps is left behind, and a removed step is listed as not moved, with
/// who decided.
impl Plan {
    fn step_mut(&mut self, stage: usize, step: usize) -> Option<&mut Step> {
        match self.stages.get_mut(stage) {
            Some(Stage::Steps { steps, .. }) => steps.get_mut(step),
            _ => None,
        }
    }

    /// Moves the step's writer to `to` instead.
    pub fn retarget(&mut self, stage: usize, step: usize, to: &Choice) {
        if let Some(st) = self.step_mut(stage, step) {
            match &mut st.action {
                Action::PromoteSecondary {
                    target_group,
                    target_region,
                    ..
                } => {
                    *target_group = to.target.clone();
                    *target_region = to.region.clone();
                }
                Action::NeptuneFailover {
                    target_cluster_arn,
                    target_region,
                    ..
                }
                | Action::NeptuneSwitchover {
                    target_cluster_arn,
                    target_region,
                    ..
                } => {
                    *target_cluster_arn = to.target.clone();
                    *target_region = to.region.clone();
                }
                _ => return,
            }
            let from_region = st.from_region.clone();
            st.why = why_of(&st.action, &from_region, to);
        }
    }

    /// A Neptune step as a switchover, or as a failover that allows data loss.
    pub fn set_allow_data_loss(&mut self, stage: usize, step: usize, allow: bool) {
        let Some(st) = self.step_mut(stage, step) else {
            return;
        };
        let neptune = matches!(
            st.action,
            Action::NeptuneFailover { .. } | Action::NeptuneSwitchover { .. }
        );
        let Some((database, target, region)) = st.action.writer_move().filter(|_| neptune) else {
            return;
        };
        let to = Choice {
            id: target.rsplit(':').next().unwrap_or_default().to_string(),
            region: region.to_string(),
            target: target.to_string(),
        };
        st.action = Action::neptune_move(database, target, region, allow);
        let from_region = st.from_region.clone();
        st.why = why_of(&st.action, &from_region, &to);
    }

    /// Moves a step to the previous or next stage of steps (past approval gates), making a
    /// new last stage when there is none after it.
    pub fn move_step(&mut self, stage: usize, step: usize, later: bool) {
        let Some(Stage::Steps { steps, .. }) = self.stages.get_mut(stage) else {
            return;
        };
        if step >= steps.len() {
            return;
        }
        let moved = steps.remove(step);
        let mut to = None;
        let mut i = stage;
        loop {
            if later {
                i += 1;
                if i >= self.stages.len() {
                    break;
                }
            } else {
                if i == 0 {
                    break;
                }
                i -= 1;
            }
            if matches!(self.stages[i], Stage::Steps { .. }) {
                to = Some(i);
                break;
            }
        }
        let to = match to {
            Some(i) => i,
            None if later => {
                self.stages.push(Stage::Steps {
                    name: format!("Stage {}", self.stages.len() + 1),
                    steps: Vec::new(),
                });
                self.stages.len() - 1
            }
            None => {
                self.stages.insert(
                    0,
                    Stage::Steps {
                        name: "Stage 1".into(),
                        steps: Vec::new(),
                    },
                );
                0
            }
        };
        if let Stage::Steps { steps, .. } = &mut self.stages[to] {
            steps.push(moved);
        }
        self.stages
            .retain(|s| !matches!(s, Stage::Steps { steps, .. } if steps.is_empty()));
    }

    /// An approval gate before stage `before` (at the end when past the last).
    pub fn add_gate(&mut self, before: usize) {
        let gate = Stage::Approval {
            name: "Approval".into(),
            question: DEFAULT_GATE.into(),
        };
        let at = before.min(self.stages.len());
        self.stages.insert(at, gate);
    }

    pub fn set_question(&mut self, stage: usize, text: String) {
        if let Some(Stage::Approval { question, .. }) = self.stages.get_mut(stage) {
            *question = text;
        }
    }

    /// Removes an approval gate.
    pub fn remove_gate(&mut self, stage: usize) {
        if matches!(self.stages.get(stage), Some(Stage::Approval { .. })) {
            self.stages.remove(stage);
        }
    }

    /// Takes a step out; it is listed as not moved, saying a person took it out.
    pub fn remove_step(&mut self, stage: usize, step: usize) {
        let Some(Stage::Steps { steps, .. }) = self.stages.get_mut(stage) else {
            return;
        };
        if step >= steps.len() {
            return;
        }
        let removed = steps.remove(step);
        let r = removed.action.resource();
        self.not_moved.push(NotMoved {
            name: r.id.clone(),
            kind: r.kind.full_label().into(),
            region: removed.from_region,
            why: "taken out of the plan by a person".into(),
        });
        self.stages
            .retain(|s| !matches!(s, Stage::Steps { steps, .. } if steps.is_empty()));
    }
}
