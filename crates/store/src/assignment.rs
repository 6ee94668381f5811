//! The assignment of experts to applications (评审分配): the board (回避与分配), automatic and
//! manual assignment, and taking an expert off a round's panel.

use std::collections::{BTreeMap, BTreeSet};

use park_review_domain::assignment::{assign, AssignmentInput};
use park_review_domain::ids::{ApplicationId, ExpertId, RoundId};
use park_review_domain::model::{Expert, Round};
use park_review_domain::recusal::Conflict;
use park_review_domain::{City, ErrorCode, RoundStatus};
use rusqlite::params;
use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use crate::access::{assignment_row, insert_assignment, remove_assignment, AssignmentRow};
use crate::error::{Result, StoreError};
use crate::recusal::Dismissal;
use crate::{Actor, Store};

/// Where an assignment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AssignmentStage {
    /// Assigned; the pledge is not signed yet.
    Assigned,
    /// Pledge signed; scoring may be under way.
    Declared,
    /// Scores submitted and locked.
    Submitted,
}

impl AssignmentStage {
    /// The stage from the assignment's pledge and submission times.
    pub fn of(declared_at: &Option<String>, submitted_at: &Option<String>) -> AssignmentStage {
        if submitted_at.is_some() {
            Self::Submitted
        } else if declared_at.is_some() {
            Self::Declared
        } else {
            Self::Assigned
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Assigned => "待承诺",
            Self::Declared => "评分中",
            Self::Submitted => "已提交",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AssignmentState {
    pub stage: AssignmentStage,
    pub declared_at: Option<String>,
    pub submitted_at: Option<String>,
    /// Criteria with points.
    pub scored: u32,
    /// The secretariat member who entered scores from paper, if any.
    pub entered_by: Option<String>,
}

/// One expert × application pair that has something to show.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct BoardCell {
    pub application: ApplicationId,
    pub expert: ExpertId,
    pub conflicts: Vec<Conflict>,
    pub dismissed: Vec<Dismissal>,
    pub assignment: Option<AssignmentState>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct BoardApplication {
    pub id: ApplicationId,
    pub code: String,
    pub park_name: String,
    pub city: City,
    pub assigned: u32,
    /// Panel experts without a conflict.
    pub eligible: u32,
    /// The formal review (形式审查) failed: automatic assignment leaves it out.
    pub failed_formal_review: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct BoardExpert {
    pub id: ExpertId,
    pub code: String,
    pub name: String,
    pub employer: String,
    pub city: Option<City>,
    pub load: u32,
}

/// An expert declared a conflict instead of the pledge: the secretariat must know.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct DeclaredConflictNotice {
    pub application_code: String,
    pub expert_code: String,
    pub expert_name: String,
    pub reason: String,
    pub at: String,
}

/// The assignment board (回避与分配): every application, expert, conflict and assignment.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ReviewBoard {
    pub round: Round,
    pub applications: Vec<BoardApplication>,
    pub experts: Vec<BoardExpert>,
    pub cells: Vec<BoardCell>,
    pub notices: Vec<DeclaredConflictNotice>,
    /// In Chinese: each application that cannot get enough experts and why.
    pub shortfalls: Vec<String>,
}

/// What an automatic assignment did.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AssignOutcome {
    pub round: String,
    pub per_application: u32,
    #[ts(type = "number")]
    pub seed: u64,
    pub added: u32,
    pub removed: u32,
    /// Pairs kept because the expert had already signed the pledge or scored.
    pub kept: u32,
    /// Applications left out because they failed the formal review (形式审查).
    pub skipped: Vec<String>,
    /// (expert code, number of applications), by code.
    pub loads: Vec<(String, u32)>,
}

/// What removing an expert from a round's panel did.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PanelRemoval {
    pub expert: String,
    pub name: String,
    /// The applications whose assignment to the expert was cancelled.
    pub cancelled: Vec<String>,
    /// Of those, the ones the expert had already pledged on or scored (their draft scores are
    /// kept in the audit log).
    pub started: Vec<String>,
}

fn rule(code: ErrorCode, message: String) -> StoreError {
    StoreError::Rule { code, message }
}

impl Store {
    /// The assignment board of a round.
    pub fn review_board(&self, round_id: RoundId) -> Result<ReviewBoard> {
        self.board_for(round_id, None)
    }

    /// The board, with shortfalls reckoned for `per_application` experts if given (the round's
    /// setting otherwise).
    fn board_for(&self, round_id: RoundId, per_application: Option<u32>) -> Result<ReviewBoard> {
        let mut round = self.round(round_id)?;
        if let Some(n) = per_application {
            round.experts_per_application = n;
        }
        let panel = self.list_panel(round_id)?;
        let apps = self.list_applications(round_id)?;
        let mut conflicts = self.round_conflicts(&round, &panel)?;
        let failed: BTreeSet<String> = self
            .eligibility(round_id)?
            .into_iter()
            .filter(|e| e.result == park_review_domain::eligibility::RuleResult::Fail)
            .map(|e| e.code)
            .collect();
        let mut states: BTreeMap<(ApplicationId, ExpertId), AssignmentState> = BTreeMap::new();
        let mut stmt = self.conn().prepare(
            "SELECT a.application_id, a.expert_id, a.declared_no_conflict_at, a.submitted_at, a.entered_by,
                    (SELECT count(*) FROM scores s WHERE s.assignment_id = a.id AND s.points_centi IS NOT NULL)
             FROM assignments a WHERE a.round_id = ?1",
        )?;
        let rows = stmt.query_map([round_id.0], |r| {
            let declared_at: Option<String> = r.get(2)?;
            let submitted_at: Option<String> = r.get(3)?;
            Ok((
                (ApplicationId(r.get(0)?), ExpertId(r.get(1)?)),
                AssignmentState {
                    stage: AssignmentStage::of(&declared_at, &submitted_at),
                    declared_at,
                    submitted_at,
                    entered_by: r.get(4)?,
                    scored: r.get(5)?,
                },
            ))
        })?;
        for row in rows {
            let (pair, state) = row?;
            states.insert(pair, state);
        }
        let pairs: BTreeSet<(ApplicationId, ExpertId)> =
            conflicts.keys().chain(states.keys()).copied().collect();
        let cells: Vec<BoardCell> = pairs
            .into_iter()
            .map(|pair| {
                let (c, d) = conflicts.remove(&pair).unwrap_or_default();
                BoardCell {
                    application: pair.0,
                    expert: pair.1,
                    conflicts: c,
                    dismissed: d,
                    assignment: states.get(&pair).cloned(),
                }
            })
            .collect();
        let conflicted = |app: ApplicationId, e: ExpertId| {
            cells
                .iter()
                .any(|c| c.application == app && c.expert == e && !c.conflicts.is_empty())
        };
        let applications: Vec<BoardApplication> = apps
            .iter()
            .map(|a| BoardApplication {
                id: a.id,
                code: a.code.clone(),
                park_name: a.park_name.clone(),
                city: a.city,
                assigned: states.keys().filter(|(app, _)| *app == a.id).count() as u32,
                eligible: panel.iter().filter(|e| !conflicted(a.id, e.id)).count() as u32,
                failed_formal_review: failed.contains(&a.code),
            })
            .collect();
        let experts = panel
            .iter()
            .map(|e| BoardExpert {
                id: e.id,
                code: e.code.clone(),
                name: e.name.clone(),
                employer: e.employer.clone(),
                city: e.city,
                load: states.keys().filter(|(_, ex)| *ex == e.id).count() as u32,
            })
            .collect();
        let mut shortfalls = Vec::new();
        for a in applications.iter().filter(|a| !a.failed_formal_review) {
            if a.eligible < round.experts_per_application {
                let reasons: Vec<String> = panel
                    .iter()
                    .filter_map(|e| {
                        let cell = cells
                            .iter()
                            .find(|c| c.application == a.id && c.expert == e.id)?;
                        let first = cell.conflicts.first()?;
                        Some(format!("{} {}（{}）", e.code, e.name, first.reason))
                    })
                    .collect();
                shortfalls.push(format!(
                    "{} {}：需要 {} 位评审专家，专家库中无利益冲突的只有 {} 位。回避的专家：{}。请增加专家，或核实后撤销不成立的回避。",
                    a.code,
                    a.park_name,
                    round.experts_per_application,
                    a.eligible,
                    if reasons.is_empty() { "无".to_owned() } else { reasons.join("；") }
                ));
            }
        }
        let mut notices = Vec::new();
        let mut stmt = self.conn().prepare(
            "SELECT ap.code, e.code, e.name, r.reason, r.created_at FROM recusals r
             JOIN applications ap ON ap.id = r.application_id JOIN experts e ON e.id = r.expert_id
             WHERE r.round_id = ?1 AND r.action = 'declared' ORDER BY r.id",
        )?;
        for row in stmt.query_map([round_id.0], |r| {
            Ok(DeclaredConflictNotice {
                application_code: r.get(0)?,
                expert_code: r.get(1)?,
                expert_name: r.get(2)?,
                reason: r.get(3)?,
                at: r.get(4)?,
            })
        })? {
            notices.push(row?);
        }
        Ok(ReviewBoard {
            round,
            applications,
            experts,
            cells,
            notices,
            shortfalls,
        })
    }

    /// Assigns experts to every application of the round (see the domain's `assignment`).
    /// Pairs already started are kept; the others are replaced. NO_VALID_ASSIGNMENT, with
    /// every short application and its reasons, when the panel cannot serve them.
    pub fn auto_assign(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        per_application: Option<u32>,
        seed: u64,
    ) -> Result<AssignOutcome> {
        self.permits(actor)?;
        if let Some(n) = per_application {
            if !(1..=50).contains(&n) {
                return Err(park_review_domain::DomainError::OutOfRange {
                    field: "每个申报的评审专家人数".into(),
                    value: n.to_string(),
                    rule: "须在 1 到 50 之间".into(),
                }
                .into());
            }
        }
        let stored_n = self.round(round_id)?.experts_per_application;
        let board = self.board_for(round_id, per_application)?;
        let round = board.round.clone();
        if round.status == RoundStatus::Closed {
            return Err(rule(
                ErrorCode::InvalidTransition,
                format!("批次 {} 已结束，不能再分配评审专家。", round.code),
            ));
        }
        if board.applications.is_empty() || board.experts.is_empty() {
            return Err(rule(
                ErrorCode::NoValidAssignment,
                format!(
                    "批次 {} 还没有{}，无法分配。",
                    round.code,
                    if board.applications.is_empty() {
                        "申报"
                    } else {
                        "评审专家"
                    }
                ),
            ));
        }
        if !board.shortfalls.is_empty() {
            return Err(rule(
                ErrorCode::NoValidAssignment,
                format!(
                    "无法为每个申报分配 {} 位无利益冲突的评审专家，未做任何改动：\n  · {}",
                    round.experts_per_application,
                    board.shortfalls.join("\n  · ")
                ),
            ));
        }
        let mut conflicts = BTreeSet::new();
        let mut fixed = BTreeSet::new();
        let mut current = BTreeSet::new();
        for cell in &board.cells {
            let pair = (cell.application, cell.expert);
            if !cell.conflicts.is_empty() {
                conflicts.insert(pair);
            }
            if let Some(state) = &cell.assignment {
                current.insert(pair);
                if state.stage != AssignmentStage::Assigned || state.scored > 0 {
                    fixed.insert(pair);
                }
            }
        }
        let skipped: Vec<String> = board
            .applications
            .iter()
            .filter(|a| a.failed_formal_review)
            .map(|a| a.code.clone())
            .collect();
        let input = AssignmentInput {
            applications: board
                .applications
                .iter()
                .filter(|a| !a.failed_formal_review)
                .map(|a| a.id)
                .collect(),
            experts: board.experts.iter().map(|e| e.id).collect(),
            conflicts,
            fixed: fixed.clone(),
            per_application: round.experts_per_application,
            seed,
        };
        let mut chosen = assign(&input).map_err(|shortfalls| {
            rule(
                ErrorCode::NoValidAssignment,
                format!("无法分配：{} 个申报的可用专家不足。", shortfalls.len()),
            )
        })?;
        // Work already started stays, even on an application left out.
        chosen.extend(fixed.iter().copied());
        let code_of_app: BTreeMap<ApplicationId, &str> = board
            .applications
            .iter()
            .map(|a| (a.id, a.code.as_str()))
            .collect();
        let code_of_expert: BTreeMap<ExpertId, &str> = board
            .experts
            .iter()
            .map(|e| (e.id, e.code.as_str()))
            .collect();
        let removed: Vec<_> = current.difference(&chosen).copied().collect();
        let added: Vec<_> = chosen.difference(&current).copied().collect();
        self.write(actor, |tx| {
            if round.experts_per_application != stored_n {
                tx.tx.execute(
                    "UPDATE rounds SET experts_per_application = ?2, updated_at = ?3 WHERE id = ?1",
                    params![round.id.0, round.experts_per_application, tx.now()],
                )?;
                tx.audit_change(
                    "round.review_settings",
                    "round",
                    &round.uid.0,
                    json!({}),
                    json!({"experts_per_application": stored_n}),
                    json!({"experts_per_application": round.experts_per_application}),
                )?;
            }
            for (app, expert) in &removed {
                remove_assignment(
                    tx,
                    &round,
                    *app,
                    *expert,
                    code_of_app[app],
                    code_of_expert[expert],
                    "重新自动分配",
                )?;
            }
            for (app, expert) in &added {
                insert_assignment(
                    tx,
                    &round,
                    *app,
                    *expert,
                    code_of_app[app],
                    code_of_expert[expert],
                )?;
            }
            tx.audit(
                "assignment.auto",
                "round",
                &round.uid.0,
                json!({"seed": seed, "per_application": round.experts_per_application,
                       "added": added.len(), "removed": removed.len(), "kept": fixed.len()}),
            )
        })?;
        let mut loads: BTreeMap<&str, u32> = code_of_expert.values().map(|c| (*c, 0)).collect();
        for (_, e) in &chosen {
            *loads.get_mut(code_of_expert[e]).unwrap() += 1;
        }
        Ok(AssignOutcome {
            round: round.code.clone(),
            per_application: round.experts_per_application,
            seed,
            added: added.len() as u32,
            removed: removed.len() as u32,
            kept: fixed.len() as u32,
            skipped,
            loads: loads.into_iter().map(|(c, n)| (c.to_owned(), n)).collect(),
        })
    }

    /// Sets an application's experts by hand. Refused for an expert with a conflict, and for
    /// removing an expert whose scores are submitted.
    pub fn set_assignment(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        application: &str,
        expert_codes: &[String],
    ) -> Result<Vec<String>> {
        self.permits(actor)?;
        let round = self.round(round_id)?;
        let app = self.find_application(round_id, application)?;
        let mut wanted = Vec::new();
        for code in expert_codes
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
        {
            let expert = self.find_panel_expert(round_id, code)?;
            let conflicts = self.pair_conflicts(&round, app.id, &expert)?;
            if let Some(first) = conflicts.first() {
                return Err(rule(
                    ErrorCode::ConflictOfInterest,
                    format!(
                        "专家 {} {} 与申报 {} 存在利益冲突，须回避：{}。如该回避不成立，请先写明理由撤销它。",
                        expert.code, expert.name, app.code, first.reason
                    ),
                ));
            }
            if !wanted.iter().any(|e: &Expert| e.id == expert.id) {
                wanted.push(expert);
            }
        }
        let current: Vec<(ExpertId, String, AssignmentRow)> = {
            let mut stmt = self.conn().prepare(
                "SELECT a.expert_id, e.code FROM assignments a JOIN experts e ON e.id = a.expert_id
                 WHERE a.application_id = ?1",
            )?;
            let pairs: Vec<(i64, String)> = stmt
                .query_map([app.id.0], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let mut out = Vec::new();
            for (id, code) in pairs {
                if let Some(row) = assignment_row(self.conn(), app.id, ExpertId(id))? {
                    out.push((ExpertId(id), code, row));
                }
            }
            out
        };
        for (id, code, row) in &current {
            if row.submitted_at.is_some() && !wanted.iter().any(|e| e.id == *id) {
                return Err(rule(
                    ErrorCode::ScoresLocked,
                    format!(
                        "专家 {code} 已提交申报 {} 的评分，不能从分配中移除。",
                        app.code
                    ),
                ));
            }
        }
        if current.len() == wanted.len()
            && current
                .iter()
                .all(|(id, _, _)| wanted.iter().any(|e| e.id == *id))
        {
            return Ok(wanted.into_iter().map(|e| e.code).collect());
        }
        self.write(actor, |tx| {
            for (id, code, _) in &current {
                if !wanted.iter().any(|e| e.id == *id) {
                    remove_assignment(tx, &round, app.id, *id, &app.code, code, "秘书处手工调整")?;
                }
            }
            for e in &wanted {
                if !current.iter().any(|(id, _, _)| *id == e.id) {
                    insert_assignment(tx, &round, app.id, e.id, &app.code, &e.code)?;
                }
            }
            Ok(())
        })?;
        Ok(wanted.into_iter().map(|e| e.code).collect())
    }

    /// Removes an expert from a round's panel (e.g. one who cannot attend), with a reason:
    /// their assignments in the round are cancelled (drafts kept in the audit log) and the
    /// applications left short show on the board. Refused once the expert has submitted a
    /// sheet in the round: submitted scores count in the ranking and are not thrown away.
    pub fn remove_from_panel(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        expert: &str,
        reason: &str,
    ) -> Result<PanelRemoval> {
        self.permits(actor)?;
        let round = self.round(round_id)?;
        let expert = self.find_panel_expert(round_id, expert)?;
        if reason.trim().is_empty() {
            return Err(rule(
                ErrorCode::OutOfRange,
                "请写明移出专家组的理由（例如：因病不能参加评审），理由会记入审计日志。".into(),
            ));
        }
        // (application id, code, declared, submitted)
        let assignments: Vec<(i64, String, bool, bool)> = self
            .conn()
            .prepare(
                "SELECT a.application_id, ap.code, a.declared_no_conflict_at IS NOT NULL
                        OR EXISTS (SELECT 1 FROM scores s WHERE s.assignment_id = a.id),
                        a.submitted_at IS NOT NULL
                 FROM assignments a JOIN applications ap ON ap.id = a.application_id
                 WHERE a.round_id = ?1 AND a.expert_id = ?2 ORDER BY ap.registration_order",
            )?
            .query_map(params![round_id.0, expert.id.0], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let submitted: Vec<&str> = assignments
            .iter()
            .filter(|a| a.3)
            .map(|a| a.1.as_str())
            .collect();
        if !submitted.is_empty() {
            return Err(rule(
                ErrorCode::ScoresLocked,
                format!(
                    "专家 {} {} 已提交 {} 的评分，这些评分计入排名，不能移出专家组。如确需更换，请先退回其评分。",
                    expert.code,
                    expert.name,
                    submitted.join("、")
                ),
            ));
        }
        let outcome = PanelRemoval {
            expert: expert.code.clone(),
            name: expert.name.clone(),
            cancelled: assignments.iter().map(|a| a.1.clone()).collect(),
            started: assignments
                .iter()
                .filter(|a| a.2)
                .map(|a| a.1.clone())
                .collect(),
        };
        let reason = reason.trim();
        self.write(actor, |tx| {
            for (app, code, _, _) in &assignments {
                remove_assignment(
                    tx,
                    &round,
                    ApplicationId(*app),
                    expert.id,
                    code,
                    &expert.code,
                    &format!("专家移出批次专家组：{reason}"),
                )?;
            }
            let member_uid: String = tx.tx.query_row(
                "SELECT uid FROM round_experts WHERE round_id = ?1 AND expert_id = ?2",
                params![round_id.0, expert.id.0],
                |r| r.get(0),
            )?;
            tx.tx.execute(
                "DELETE FROM round_experts WHERE round_id = ?1 AND expert_id = ?2",
                params![round_id.0, expert.id.0],
            )?;
            tx.audit(
                "panel.remove",
                "round_expert",
                &member_uid,
                json!({"round": round.code, "expert": expert.code, "reason": reason, "cancelled": outcome.cancelled}),
            )
        })?;
        Ok(outcome)
    }
}
