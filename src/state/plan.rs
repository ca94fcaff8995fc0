//! Plans: ordered stages of failover steps (parallel inside a stage) and approval gates, as a
//! team keeps them in a repository. Proposing "evacuate Region R" from the inventory, reading
//! and checking a plan file, its Markdown, and its inverse (failback). Pure logic.

use super::action::Action;
use super::rows::{ResourceKind, Row};
use crate::model::{is_region_name, Service};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The `format` of a plan file: a file without it is not a plan.
pub const PLAN_FORMAT: &str = "failover-console/plan";
/// The newest plan format this build reads and the one it writes.
pub const PLAN_VERSION: u32 = 1;
/// Steps of one service running at once inside a stage, unless the plan says otherwise.
pub const DEFAULT_CONCURRENCY: u32 = 2;

/// The question an approval gate asks when a person adds one.
pub const DEFAULT_GATE: &str = "Application traffic drained from the old writers?";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub format: String,
    pub version: u32,
    pub name: String,
    pub mode: Mode,
    /// The Region the writers leave (evacuate) or return to (failback).
    pub region: String,
    #[serde(default)]
    pub on_failure: OnFailure,
    /// Steps of one service in flight at once inside a stage.
    #[serde(default = "default_concurrency")]
    pub concurrency: u32,
    pub stages: Vec<Stage>,
    /// Resources in the Region that no step moves, and why.
    #[serde(default)]
    pub not_moved: Vec<NotMoved>,
}

fn default_concurrency() -> u32 {
    DEFAULT_CONCURRENCY
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Every writer leaves the Region.
    Evacuate,
    /// Writers return to the Region.
    Failback,
}

/// What happens after a step fails: the stage's other steps finish either way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnFailure {
    /// Start nothing more; a person may continue.
    #[default]
    Stop,
    /// Go on with the next stage.
    Continue,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Stage {
    Steps {
        name: String,
        steps: Vec<Step>,
    },
    /// Waits for a person to answer the question.
    Approval {
        name: String,
        question: String,
    },
}

impl Stage {
    pub fn name(&self) -> &str {
        match self {
            Stage::Steps { name, .. } | Stage::Approval { name, .. } => name,
        }
    }

    pub fn steps(&self) -> &[Step] {
        match self {
            Stage::Steps { steps, .. } => steps,
            Stage::Approval { .. } => &[],
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub action: Action,
    /// The writer when the plan was made (region and the id a failover call names), where a
    /// failback returns it.
    pub from_region: String,
    pub from: String,
    /// Why this target and this call, in words.
    #[serde(default)]
    pub why: String,
}

impl Step {
    pub fn service(&self) -> Service {
        self.action.resource().kind.service()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotMoved {
    pub name: String,
    pub kind: String,
    pub region: String,
    pub why: String,
}

/// One member a step may move a writer to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub region: String,
    pub target: String,
    pub id: String,
}

/// The move of a writer to `to`, as the action the console sends: a promotion for a global
/// datastore; for a global database a switchover, or a failover that accepts losing data when
/// the writer's Region does not answer.
pub fn move_action(row: &Row, to: &Choice, writer_reachable: bool) -> Option<Action> {
    match row.resource.kind {
        ResourceKind::GlobalDatastore => Some(Action::PromoteSecondary {
            datastore: row.name.clone(),
            target_group: to.target.clone(),
            target_region: to.region.clone(),
        }),
        ResourceKind::GlobalDatabase => Some(Action::neptune_move(
            &row.name,
            &to.target,
            &to.region,
            !writer_reachable,
        )),
        _ => None,
    }
}

/// Why a step is the call it is.
pub(super) fn why_of(action: &Action, writer_region: &str, to: &Choice) -> String {
    match action {
        Action::PromoteSecondary { .. } => format!(
            "{} in {} is a secondary in a Region that answers",
            to.id, to.region
        ),
        Action::NeptuneSwitchover { .. } => format!(
            "{writer_region} answers: a switchover waits for {} to catch up, no data loss",
            to.id
        ),
        Action::NeptuneFailover { .. } => format!(
            "{writer_region} · Neptune does not answer: a switchover needs the writer, so this \
             fails over with AllowDataLoss (writes not yet replicated to {} are lost)",
            to.id
        ),
        _ => String::new(),
    }
}

/// The members a writer in `region` may move to: secondaries in other Regions that answer,
/// in the row's order.
pub fn choices(row: &Row, away_from: &str, answers: &dyn Fn(&str, Service) -> bool) -> Vec<Choice> {
    row.parts
        .iter()
        .filter(|m| !m.writer && m.region != away_from && answers(&m.region, row.service()))
        .map(|m| Choice {
            region: m.region.clone(),
            target: m.target.clone(),
            id: m.id.clone(),
        })
        .collect()
}

/// "Evacuate `region`": a step per global datastore and global database whose writer is there,
/// to a member in a Region that answers (`answers(region, service)`) — the one with the least
/// replication lag (`lag(member)`, seconds, when read) — ElastiCache in one stage and Neptune
/// in the next; every other resource in the Region listed with what applies.
pub fn propose_evacuation<'a>(
    region: &str,
    rows: impl IntoIterator<Item = &'a Row>,
    answers: &dyn Fn(&str, Service) -> bool,
    lag: &dyn Fn(&str) -> Option<f64>,
) -> Plan {
    let mut caches = Vec::new();
    let mut graphs = Vec::new();
    let mut not_moved = Vec::new();
    let mut rows: Vec<&Row> = rows.into_iter().collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    // A resource listed by several Regions shows up once.
    rows.dedup_by(|a, b| a.resource.key() == b.resource.key());
    // Members of global resources move with their global resource's step.
    let members: std::collections::BTreeSet<(&str, &str)> = rows
        .iter()
        .flat_map(|r| r.parts.iter().map(|m| (m.region.as_str(), m.id.as_str())))
        .collect();
    for row in rows.iter().copied() {
        let writer = row.parts.iter().find(|m| m.writer);
        let global = row.resource.kind.is_global();
        if global {
            let Some(writer) = writer.filter(|w| w.region == region) else {
                continue;
            };
            let mut options = choices(row, region, answers);
            // Least lag first; a member whose lag is unknown after those known (stable).
            options.sort_by(|a, b| match (lag(&a.id), lag(&b.id)) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            });
            let reachable = answers(region, row.service());
            match options.first() {
                Some(to) => {
                    let action = move_action(row, to, reachable).expect("a global resource");
                    let mut why = why_of(&action, region, to);
                    match lag(&to.id) {
                        Some(s) if options.len() > 1 => why.push_str(&format!(
                            "; the least replication lag of its secondaries ({})",
                            crate::state::lag::seconds_text(s)
                        )),
                        Some(s) => why.push_str(&format!(
                            "; replication lag {}",
                            crate::state::lag::seconds_text(s)
                        )),
                        None => why.push_str("; replication lag not known"),
                    }
                    let step = Step {
                        why,
                        action,
                        from_region: writer.region.clone(),
                        from: writer.target.clone(),
                    };
                    if row.resource.kind == ResourceKind::GlobalDatastore {
                        caches.push(step);
                    } else {
                        graphs.push(step);
                    }
                }
                None => not_moved.push(NotMoved {
                    name: row.name.clone(),
                    kind: row.resource.kind.full_label().into(),
                    region: region.into(),
                    why: "no secondary outside this Region answers: nothing to move the writer to"
                        .into(),
                }),
            }
            continue;
        }
        if row.region != region || members.contains(&(row.region.as_str(), row.name.as_str())) {
            continue;
        }
        let why = match row.resource.kind {
            ResourceKind::MemoryDbCluster
                if row.members.starts_with(super::rows::REGIONAL_CLUSTER_OF) =>
            {
                "a regional cluster of a Multi-Region cluster: every Region already takes \
                 writes (active-active); shift traffic to another Region's regional cluster"
            }
            ResourceKind::MemoryDbCluster => {
                "a regional cluster: no MemoryDB call here moves its writer to another Region \
                 (FailoverShard moves a shard's primary inside the Region); restore a snapshot \
                 elsewhere or shift traffic to another Region's cluster"
            }
            ResourceKind::ReplicationGroup => {
                "not in a global datastore: it has no copy in another Region to promote"
            }
            _ => "not in a global database: it has no secondary in another Region",
        };
        not_moved.push(NotMoved {
            name: row.name.clone(),
            kind: row.resource.kind.full_label().into(),
            region: region.into(),
            why: why.into(),
        });
    }
    let mut stages = Vec::new();
    if !caches.is_empty() {
        stages.push(Stage::Steps {
            name: "ElastiCache global datastores".into(),
            steps: caches,
        });
    }
    if !graphs.is_empty() {
        stages.push(Stage::Steps {
            name: "Neptune global databases".into(),
            steps: graphs,
        });
    }
    Plan {
        format: PLAN_FORMAT.into(),
        version: PLAN_VERSION,
        name: format!("Evacuate {region}"),
        mode: Mode::Evacuate,
        region: region.into(),
        on_failure: OnFailure::Stop,
        concurrency: DEFAULT_CONCURRENCY,
        stages,
        not_moved,
    }
}

impl Plan {
    /// Every step, with its stage and place: `(stage, step, &Step)`.
    pub fn steps(&self) -> impl Iterator<Item = (usize, usize, &Step)> {
        self.stages.iter().enumerate().flat_map(|(s, stage)| {
            stage
                .steps()
                .iter()
                .enumerate()
                .map(move |(i, st)| (s, i, st))
        })
    }

    pub fn step_count(&self) -> usize {
        self.steps().count()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a plan serialises")
    }

    /// Reads a plan file and checks it; the error names the place and what is wrong.
    pub fn from_json(text: &str) -> Result<Plan, String> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| format!("not a JSON document: {e}"))?;
        let Some(object) = value.as_object() else {
            return Err("not a plan: the file holds no JSON object".into());
        };
        match object.get("format").and_then(Value::as_str) {
            Some(PLAN_FORMAT) => {}
            Some(other) => {
                return Err(format!(
                    "\"format\" is \"{other}\": not a failover-console plan (expected \"{PLAN_FORMAT}\")"
                ))
            }
            None => {
                return Err(format!(
                    "\"format\" is missing: not a failover-console plan (expected \"{PLAN_FORMAT}\")"
                ))
            }
        }
        match object.get("version").and_then(Value::as_u64) {
            Some(v) if v as u32 == PLAN_VERSION => {}
            Some(v) if v > PLAN_VERSION as u64 => {
                return Err(format!(
                    "\"version\" {v} is newer than this console reads ({PLAN_VERSION}): update the console"
                ))
            }
            Some(v) => return Err(format!("\"version\" {v} is not a plan format version")),
            None => return Err("\"version\" is missing or not a number".into()),
        }
        // Stage by stage first, so an error names the stage and step.
        if let Some(stages) = object.get("stages").and_then(Value::as_array) {
            for (s, stage) in stages.iter().enumerate() {
                if let Some(steps) = stage.get("steps").and_then(Value::as_array) {
                    for (i, step) in steps.iter().enumerate() {
                        serde_json::from_value::<Step>(step.clone())
                            .map_err(|e| format!("stage {}, step {}: {e}", s + 1, i + 1))?;
                    }
                }
                serde_json::from_value::<Stage>(stage.clone())
                    .map_err(|e| format!("stage {}: {e}", s + 1))?;
            }
        }
        let plan: Plan = serde_json::from_value(value).map_err(|e| format!("plan: {e}"))?;
        plan.check()?;
        Ok(plan)
    }

    /// What makes a plan unusable, the first thing found.
    pub fn check(&self) -> Result<(), String> {
        if !is_region_name(&self.region) {
            return Err(format!(
                "\"region\": \"{}\" is not an AWS Region name (e.g. us-east-1)",
                self.region
            ));
        }
        if self.concurrency == 0 {
            return Err("\"concurrency\" must be at least 1".into());
        }
        if self.step_count() == 0 {
            return Err("the plan has no step: nothing would move".into());
        }
        let mut seen: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for (s, stage) in self.stages.iter().enumerate() {
            if let Stage::Approval { question, .. } = stage {
                if question.trim().is_empty() {
                    return Err(format!(
                        "stage {}: an approval gate needs the question a person answers",
                        s + 1
                    ));
                }
            }
        }
        for (s, i, step) in self.steps() {
            let at = format!("stage {}, step {}", s + 1, i + 1);
            let Some((_, _, target)) = step.action.writer_move() else {
                return Err(format!(
                    "{at}: a {} does not move a writer between Regions; a plan holds promotions, switchovers and failovers of global resources",
                    step.action.noun()
                ));
            };
            if !is_region_name(target) {
                return Err(format!("{at}: \"{target}\" is not an AWS Region name"));
            }
            match self.mode {
                Mode::Evacuate if *target == self.region => {
                    return Err(format!(
                        "{at} moves {} into {target}, the Region this plan evacuates",
                        step.action.resource().id
                    ))
                }
                Mode::Failback if *target != self.region => {
                    return Err(format!(
                        "{at} moves {} to {target}, not back to {}",
                        step.action.resource().id,
                        self.region
                    ))
                }
                _ => {}
            }
            if let Some((s0, i0)) = seen.insert(step.action.resource().key(), (s, i)) {
                return Err(format!(
                    "{} is moved twice: stage {}, step {} and {at}",
                    step.action.resource().id,
                    s0 + 1,
                    i0 + 1
                ));
            }
        }
        Ok(())
    }

    /// The plan to review, as Markdown: stages in order, each step's call and why.
    pub fn to_markdown(&self) -> String {
        let mut md = format!("# {}\n\n", self.name);
        md.push_str(&format!(
            "- Region: {} ({})\n- Steps: {} in {} stages; at most {} per service at once\n- On a failed step: {}\n\n",
            self.region,
            match self.mode {
                Mode::Evacuate => "every writer leaves it",
                Mode::Failback => "writers return to it",
            },
            self.step_count(),
            self.stages.len(),
            self.concurrency,
            match self.on_failure {
                OnFailure::Stop => "stop before the next stage",
                OnFailure::Continue => "continue with the next stage",
            }
        ));
        for (s, stage) in self.stages.iter().enumerate() {
            md.push_str(&format!("## Stage {}: {}\n\n", s + 1, stage.name()));
            match stage {
                Stage::Approval { question, .. } => {
                    md.push_str(&format!("Approval gate: {question}\n\n"))
                }
                Stage::Steps { steps, .. } => {
                    for step in steps {
                        md.push_str(&format!("- {} — {}\n", step.action.title(), step.why));
                    }
                    md.push('\n');
                }
            }
        }
        if !self.not_moved.is_empty() {
            md.push_str("## Not moved by this plan\n\n");
            for n in &self.not_moved {
                md.push_str(&format!(
                    "- {} ({}, {}): {}\n",
                    n.name, n.kind, n.region, n.why
                ));
            }
        }
        md
    }

    /// Each writer back to where it was: one step per step that moved one (`moved(stage,
    /// step)`), switchovers for Neptune (the Region is expected back, so no data loss).
    pub fn failback(&self, moved: &dyn Fn(usize, usize) -> bool) -> Plan {
        let mut stages = Vec::new();
        for (s, stage) in self.stages.iter().enumerate() {
            let Stage::Steps { name, steps } = stage else {
                continue;
            };
            let back: Vec<Step> = steps
                .iter()
                .enumerate()
                .filter(|(i, _)| moved(s, *i))
                .filter_map(|(_, step)| inverse(step))
                .collect();
            if !back.is_empty() {
                stages.push(Stage::Steps {
                    name: name.clone(),
                    steps: back,
                });
            }
        }
        // Undo in reverse order of the way out.
        stages.reverse();
        Plan {
            format: PLAN_FORMAT.into(),
            version: PLAN_VERSION,
            name: format!("Fail back to {}", self.region),
            mode: Mode::Failback,
            region: self.region.clone(),
            on_failure: self.on_failure,
            concurrency: self.concurrency,
            stages,
            not_moved: Vec::new(),
        }
    }
}

/// The step that moves a writer back to where `step` found it.
fn inverse(step: &Step) -> Option<Step> {
    let (id, target, region) = step.action.writer_move()?;
    let action = match &step.action {
        Action::PromoteSecondary { .. } => Action::PromoteSecondary {
            datastore: id.to_string(),
            target_group: step.from.clone(),
            target_region: step.from_region.clone(),
        },
        _ => Action::neptune_move(id, &step.from, &step.from_region, false),
    };
    Some(Step {
        why: format!("back to where the writer was before ({})", step.from_region),
        from_region: region.to_string(),
        from: target.to_string(),
        action,
    })
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
