//! Scoring (评分): the expert's drafts, saved on every edit; submission, which locks them;
//! the secretariat's reopening and paper entry (录入).

use std::collections::BTreeMap;

use park_review_domain::eligibility::{condition_figures, ConditionFigures, RuleResult};
use park_review_domain::exchange::ScoresEntry;
use park_review_domain::ids::{AssignmentKey, RoundId};
use park_review_domain::model::{ApplicationRecord, ApplicationSummary, Rubric};
use park_review_domain::rubric::{band_for, check_points};
use park_review_domain::{Coded, ErrorCode, Points, RoundStatus};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use crate::access::{not_open, AssignmentRow};
use crate::assignment::AssignmentStage;
use crate::catalog::{load_rubric, StoredRubric};
use crate::error::{Result, StoreError};
use crate::write::Role;
use crate::CachedSql;
use crate::{Actor, Store, WriteTx};

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CriterionScore {
    pub code: String,
    pub points: Option<Points>,
    pub comment: String,
    /// The band the points fall in, e.g. `A`.
    pub band: Option<String>,
    /// Set when the secretariat entered this score from a paper sheet.
    pub entered_by: Option<String>,
}

/// One expert's scoring of one application, as the workspace shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ScoreSheet {
    pub round_code: String,
    pub rubric_sha256: Option<String>,
    pub application: ApplicationSummary,
    pub expert_code: String,
    pub expert_name: String,
    pub rubric: Rubric,
    /// One per criterion, in the rubric's order.
    pub scores: Vec<CriterionScore>,
    pub opinion: String,
    pub total: Points,
    pub max_total: Points,
    pub scored: u32,
    pub criteria: u32,
    pub stage: AssignmentStage,
    pub declared_at: Option<String>,
    pub submitted_at: Option<String>,
    pub entered_by: Option<String>,
}

/// The application an expert scores, as the workspace shows it beside the rubric: the whole
/// record and C1–C7's figures (with the formal review's results on the secretariat's database).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ExpertApplication {
    pub record: ApplicationRecord,
    pub conditions: Vec<ConditionFigures>,
    /// The formal review's overall result; None on an expert's copy, which holds no checks.
    pub formal_review: Option<RuleResult>,
}

/// What one autosave committed.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ScoreSaved {
    pub total: Points,
    pub scored: u32,
    pub criteria: u32,
    pub saved_at: String,
}

/// One row of an expert's worklist (我的评审).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ExpertAssignment {
    pub application: ApplicationSummary,
    pub stage: AssignmentStage,
    pub declared_at: Option<String>,
    pub submitted_at: Option<String>,
    pub scored: u32,
    pub criteria: u32,
    pub total: Points,
}

/// One assignment's scores, for `park-review scores` and the secretariat's overview.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ScoreRow {
    pub application: String,
    pub expert: String,
    pub expert_name: String,
    pub stage: AssignmentStage,
    pub declared_at: Option<String>,
    pub submitted_at: Option<String>,
    pub entered_by: Option<String>,
    pub opinion: String,
    pub total: Points,
    pub scored: u32,
    pub scores: BTreeMap<String, Points>,
    pub comments: BTreeMap<String, String>,
}

fn rule(code: ErrorCode, message: String) -> StoreError {
    StoreError::Rule { code, message }
}

fn centi(points: Option<i64>) -> Option<Points> {
    points.map(Points::from_centi)
}

fn stage_of(row: &AssignmentRow) -> AssignmentStage {
    AssignmentStage::of(&row.declared_at, &row.submitted_at)
}

/// The totals of an assignment: (sum of points in hundredths, criteria with points).
fn totals(conn: &rusqlite::Connection, assignment: i64) -> rusqlite::Result<(i64, u32)> {
    conn.query_row_cached(
        "SELECT coalesce(sum(points_centi), 0), count(points_centi) FROM scores WHERE assignment_id = ?1",
        [assignment],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// What an autosave reports back: the assignment's totals after the change.
fn saved(tx: &WriteTx<'_>, assignment: i64, criteria: u32) -> Result<ScoreSaved> {
    let (total, scored) = totals(&tx.tx, assignment)?;
    Ok(ScoreSaved {
        total: Points::from_centi(total),
        scored,
        criteria,
        saved_at: tx.now(),
    })
}

fn entered_by(actor: &Actor) -> Option<&str> {
    (actor.role == Role::Secretariat).then_some(actor.name.as_str())
}

/// Writes one criterion's draft: points (None clears them) and, if given, the comment.
fn upsert_score(
    tx: &mut WriteTx<'_>,
    assignment: &AssignmentRow,
    criterion_id: i64,
    criterion_code: &str,
    points_centi: Option<Option<i64>>,
    comment: Option<&str>,
    by: Option<&str>,
) -> Result<()> {
    let now = tx.now();
    let uid = tx.new_uid();
    let before: Option<(Option<i64>, String)> = tx
        .tx
        .query_row_cached(
            "SELECT points_centi, comment FROM scores WHERE assignment_id = ?1 AND criterion_id = ?2",
            params![assignment.id, criterion_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (old_points, old_comment) = before.unwrap_or((None, String::new()));
    let new_points = points_centi.unwrap_or(old_points);
    let new_comment = comment.map_or_else(|| old_comment.clone(), str::to_owned);
    tx.tx.execute_cached(
        "INSERT INTO scores (uid, assignment_id, criterion_id, points_centi, comment, entered_by, updated_at)
         VALUES (?1, ?2, ?3, ?4, coalesce(?5, ''), ?6, ?7)
         ON CONFLICT (assignment_id, criterion_id) DO UPDATE SET
            points_centi = CASE WHEN ?8 THEN excluded.points_centi ELSE points_centi END,
            comment = coalesce(?5, comment),
            entered_by = excluded.entered_by,
            updated_at = excluded.updated_at",
        params![
            uid,
            assignment.id,
            criterion_id,
            points_centi.flatten(),
            comment,
            by,
            now,
            points_centi.is_some()
        ],
    )?;
    tx.tx.execute_cached(
        "UPDATE assignments SET updated_at = ?2, entered_by = coalesce(?3, entered_by) WHERE id = ?1",
        params![assignment.id, now, by],
    )?;
    tx.audit_change(
        "score.set",
        "assignment",
        &assignment.uid,
        json!({"criterion": criterion_code}),
        json!({"points": old_points.map(Points::from_centi), "comment": old_comment}),
        json!({"points": new_points.map(Points::from_centi), "comment": new_comment}),
    )
}

fn missing_for_submission(
    rubric: &StoredRubric,
    scored: &BTreeMap<i64, Option<i64>>,
    opinion: &str,
) -> Vec<String> {
    let mut missing: Vec<String> = rubric
        .criterion_ids
        .iter()
        .filter(|(_, id)| !matches!(scored.get(id), Some(Some(_))))
        .map(|(code, _)| code.clone())
        .collect();
    if opinion.trim().is_empty() {
        missing.push("评审意见".into());
    }
    missing
}

impl Store {
    fn frozen_rubric(&self, round_id: RoundId) -> Result<StoredRubric> {
        load_rubric(self.conn(), round_id)?.ok_or_else(|| StoreError::NotFound {
            what: "评分细则",
            key: round_id.to_string(),
            hint: "本批次还没有评分细则。".into(),
        })
    }

    /// The application of one assignment, through the expert's gate (after the pledge), so that
    /// the expert scores with the declared facts in front of them.
    pub fn expert_application(&self, key: &AssignmentKey) -> Result<ExpertApplication> {
        let (_, app, _, _) = self.declared_pair(key)?;
        let record = self.application_record(key.round_id, &app.code)?;
        let reviewed = match self.copy() {
            crate::DatabaseCopy::Secretariat => self
                .eligibility(key.round_id)?
                .into_iter()
                .find(|e| e.code == app.code),
            _ => None,
        };
        Ok(ExpertApplication {
            conditions: condition_figures(&record, reviewed.as_ref()),
            formal_review: reviewed.map(|e| e.result),
            record,
        })
    }

    /// The scoring sheet of one assignment (after the pledge).
    pub fn score_sheet(&self, key: &AssignmentKey) -> Result<ScoreSheet> {
        let round_id = key.round_id;
        let (round, app, expert, row) = self.declared_pair(key)?;
        let rubric = self.frozen_rubric(round_id)?;
        let stored: BTreeMap<i64, (Option<i64>, String, Option<String>)> = self
            .conn()
            .prepare_cached("SELECT criterion_id, points_centi, comment, entered_by FROM scores WHERE assignment_id = ?1")?
            .query_map([row.id], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))))?
            .collect::<rusqlite::Result<_>>()?;
        let mut scores = Vec::new();
        for section in &rubric.rubric.sections {
            for c in &section.criteria {
                let id = rubric
                    .criterion(&c.code)
                    .map(|(id, _)| id)
                    .unwrap_or_default();
                let (points, comment, by) = stored.get(&id).cloned().unwrap_or_default();
                let points = centi(points);
                scores.push(CriterionScore {
                    code: c.code.clone(),
                    band: points.and_then(|p| band_for(c, p)).map(|b| b.label.clone()),
                    points,
                    comment,
                    entered_by: by,
                });
            }
        }
        let (opinion, entered_by): (String, Option<String>) = self.conn().query_row_cached(
            "SELECT opinion, entered_by FROM assignments WHERE id = ?1",
            [row.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let (total, scored) = totals(self.conn(), row.id)?;
        Ok(ScoreSheet {
            round_code: round.code,
            rubric_sha256: rubric.frozen_sha256.clone(),
            application: app,
            expert_code: expert.code,
            expert_name: expert.name,
            max_total: rubric.rubric.max_total(),
            criteria: rubric.criterion_ids.len() as u32,
            rubric: rubric.rubric,
            scores,
            opinion,
            total: Points::from_centi(total),
            scored,
            stage: stage_of(&row),
            declared_at: row.declared_at,
            submitted_at: row.submitted_at,
            entered_by,
        })
    }

    /// Saves one criterion's points (None clears them) and, if given, its comment: the
    /// workspace calls this on every edit.
    pub fn set_score(
        &mut self,
        actor: &Actor,
        key: &AssignmentKey,
        criterion: &str,
        points: Option<f64>,
        comment: Option<&str>,
    ) -> Result<ScoreSaved> {
        self.save_draft(actor, key, criterion, Some(points), comment)
    }

    /// Saves a comment without touching the points.
    pub fn set_score_comment(
        &mut self,
        actor: &Actor,
        key: &AssignmentKey,
        criterion: &str,
        comment: &str,
    ) -> Result<ScoreSaved> {
        self.save_draft(actor, key, criterion, None, Some(comment))
    }

    /// One draft edit of a criterion: its points (`Some(None)` clears them, `None` leaves
    /// them) and, if given, its comment.
    fn save_draft(
        &mut self,
        actor: &Actor,
        key: &AssignmentKey,
        criterion: &str,
        points: Option<Option<f64>>,
        comment: Option<&str>,
    ) -> Result<ScoreSaved> {
        let round_id = key.round_id;
        let (_, _, _, row) = self.editable_pair(key)?;
        let rubric = self.frozen_rubric(round_id)?;
        let (criterion_id, c) =
            rubric
                .criterion(criterion)
                .ok_or_else(|| StoreError::NotFound {
                    what: "评分项",
                    key: criterion.to_owned(),
                    hint: format!(
                        "本批次评分细则的评分项有：{}。",
                        rubric
                            .criterion_ids
                            .iter()
                            .map(|(c, _)| c.as_str())
                            .collect::<Vec<_>>()
                            .join("、")
                    ),
                })?;
        let points_centi = match points {
            Some(p) => Some(
                p.map(|p| check_points(c, p).map(Points::centi))
                    .transpose()?,
            ),
            None => None,
        };
        let code = c.code.clone();
        let criteria = rubric.criterion_ids.len() as u32;
        self.write(actor, |tx| {
            upsert_score(
                tx,
                &row,
                criterion_id,
                &code,
                points_centi,
                comment,
                entered_by(actor),
            )?;
            saved(tx, row.id, criteria)
        })
    }

    /// Saves the overall opinion (评审意见) as a draft.
    pub fn set_opinion(
        &mut self,
        actor: &Actor,
        key: &AssignmentKey,
        opinion: &str,
    ) -> Result<ScoreSaved> {
        let round_id = key.round_id;
        let (_, _, _, row) = self.editable_pair(key)?;
        let criteria = self.frozen_rubric(round_id)?.criterion_ids.len() as u32;
        self.write(actor, |tx| {
            let now = tx.now();
            tx.tx.execute_cached(
                "UPDATE assignments SET opinion = ?2, updated_at = ?3, entered_by = coalesce(?4, entered_by) WHERE id = ?1",
                params![row.id, opinion, now, entered_by(actor)],
            )?;
            tx.audit("opinion.set", "assignment", &row.uid, json!({"length": opinion.chars().count()}))?;
            saved(tx, row.id, criteria)
        })
    }

    /// Submits an assignment's scores: every criterion scored and an opinion written
    /// (SCORES_INCOMPLETE otherwise). Locks them.
    pub fn submit_scores(
        &mut self,
        actor: &Actor,
        key: &AssignmentKey,
        opinion: Option<&str>,
    ) -> Result<ScoreSheet> {
        let round_id = key.round_id;
        let (_, app, expert_row, row) = self.editable_pair(key)?;
        let rubric = self.frozen_rubric(round_id)?;
        let scored: BTreeMap<i64, Option<i64>> = self
            .conn()
            .prepare_cached(
                "SELECT criterion_id, points_centi FROM scores WHERE assignment_id = ?1",
            )?
            .query_map([row.id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let stored_opinion: String = self.conn().query_row_cached(
            "SELECT opinion FROM assignments WHERE id = ?1",
            [row.id],
            |r| r.get(0),
        )?;
        let opinion = opinion.map_or(stored_opinion, str::to_owned);
        let missing = missing_for_submission(&rubric, &scored, &opinion);
        if !missing.is_empty() {
            return Err(rule(
                ErrorCode::ScoresIncomplete,
                format!(
                    "还不能提交专家 {} 对申报 {} 的评分：尚未填写 {}。",
                    expert_row.code,
                    app.code,
                    missing.join("、")
                ),
            ));
        }
        self.write(actor, |tx| {
            let now = tx.now();
            tx.tx.execute_cached(
                "UPDATE assignments SET opinion = ?2, submitted_at = ?3, updated_at = ?3,
                        entered_by = coalesce(?4, entered_by) WHERE id = ?1",
                params![row.id, opinion.trim(), now, entered_by(actor)],
            )?;
            let (total, _) = totals(&tx.tx, row.id)?;
            tx.audit(
                "scores.submit",
                "assignment",
                &row.uid,
                json!({"application": app.code, "expert": expert_row.code,
                       "total": Points::from_centi(total), "rubric_sha256": rubric.frozen_sha256}),
            )
        })?;
        self.score_sheet(key)
    }

    /// Reopens submitted scores (secretariat only), with the reason recorded.
    pub fn reopen_scores(
        &mut self,
        actor: &Actor,
        key: &AssignmentKey,
        reason: &str,
    ) -> Result<()> {
        self.permits(actor)?;
        if actor.role != Role::Secretariat {
            return Err(rule(
                ErrorCode::ScoresLocked,
                "只有秘书处可以退回已提交的评分。".into(),
            ));
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(rule(
                ErrorCode::OutOfRange,
                "请写明退回评分的理由：理由会记录在案。".into(),
            ));
        }
        let (round, app, expert_row, row) = self.declared_pair(key)?;
        self.refuse_if_finalised(round.id)?;
        if round.status != RoundStatus::Open {
            return Err(not_open(&round));
        }
        let Some(submitted_at) = row.submitted_at else {
            return Err(rule(
                ErrorCode::InvalidTransition,
                format!(
                    "专家 {} 对申报 {} 的评分尚未提交，无需退回。",
                    expert_row.code, app.code
                ),
            ));
        };
        self.write(actor, |tx| {
            let now = tx.now();
            tx.tx.execute_cached(
                "UPDATE assignments SET submitted_at = NULL, updated_at = ?2 WHERE id = ?1",
                params![row.id, now],
            )?;
            tx.audit(
                "scores.reopen",
                "assignment",
                &row.uid,
                json!({"application": app.code, "expert": expert_row.code, "reason": reason,
                       "was_submitted_at": submitted_at}),
            )
        })
    }

    /// An expert's worklist: their assignments in the round.
    pub fn expert_assignments(
        &self,
        round_id: RoundId,
        expert: &str,
    ) -> Result<Vec<ExpertAssignment>> {
        let expert = self.find_panel_expert(round_id, expert)?;
        let criteria =
            load_rubric(self.conn(), round_id)?.map_or(0, |r| r.criterion_ids.len() as u32);
        let apps = self.list_applications(round_id)?;
        let mut out = Vec::new();
        for app in apps {
            if let Some(row) = crate::access::assignment_row(self.conn(), app.id, expert.id)? {
                let (total, scored) = totals(self.conn(), row.id)?;
                out.push(ExpertAssignment {
                    application: app,
                    stage: stage_of(&row),
                    declared_at: row.declared_at,
                    submitted_at: row.submitted_at,
                    scored,
                    criteria,
                    total: Points::from_centi(total),
                });
            }
        }
        Ok(out)
    }

    /// Every assignment's scores in the round.
    pub fn list_scores(&self, round_id: RoundId) -> Result<Vec<ScoreRow>> {
        // Every expert's progress: the secretariat's view, not an expert's copy's.
        self.require_secretariat_copy()?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT a.id, ap.code, e.code, e.name, a.declared_no_conflict_at, a.submitted_at, a.entered_by, a.opinion
             FROM assignments a JOIN applications ap ON ap.id = a.application_id JOIN experts e ON e.id = a.expert_id
             WHERE a.round_id = ?1 ORDER BY ap.registration_order, e.code",
        )?;
        /// id, application, expert code and name, declared, submitted, entered by, opinion.
        type Row = (
            i64,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            String,
        );
        let rows: Vec<Row> = stmt
            .query_map([round_id.0], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        // Every score of the round in one read, grouped by assignment.
        let mut by_assignment: std::collections::HashMap<i64, Vec<(String, Option<i64>, String)>> =
            std::collections::HashMap::new();
        let mut scores_stmt = self.conn().prepare_cached(
            "SELECT s.assignment_id, c.code, s.points_centi, s.comment FROM scores s
             JOIN criteria c ON c.id = s.criterion_id JOIN assignments a ON a.id = s.assignment_id
             WHERE a.round_id = ?1 ORDER BY s.assignment_id, c.position",
        )?;
        for row in scores_stmt.query_map([round_id.0], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, String>(3)?,
            ))
        })? {
            let (id, code, points, comment) = row?;
            by_assignment
                .entry(id)
                .or_default()
                .push((code, points, comment));
        }
        let mut out = Vec::new();
        for (id, app, code, name, declared_at, submitted_at, entered_by, opinion) in rows {
            let mut scores = BTreeMap::new();
            let mut comments = BTreeMap::new();
            let mut total_centi: i64 = 0;
            for (c, p, comment) in by_assignment.remove(&id).unwrap_or_default() {
                if let Some(p) = p {
                    total_centi += p;
                    scores.insert(c.clone(), Points::from_centi(p));
                }
                if !comment.is_empty() {
                    comments.insert(c, comment);
                }
            }
            out.push(ScoreRow {
                application: app,
                expert: code,
                expert_name: name,
                stage: AssignmentStage::of(&declared_at, &submitted_at),
                declared_at,
                submitted_at,
                entered_by,
                opinion,
                total: Points::from_centi(total_centi),
                scored: scores.len() as u32,
                scores,
                comments,
            })
        }
        Ok(out)
    }

    /// Imports paper-entered scores (`park-review/scores@1`), all or nothing: every entry is
    /// checked (round, assignment, conflicts, pledge on paper, points) before anything is written.
    pub fn import_scores(&mut self, actor: &Actor, entries: &[ScoresEntry]) -> Result<u32> {
        self.permits(actor)?;
        struct Plan {
            row: AssignmentRow,
            scores: Vec<(i64, String, i64, Option<String>)>,
            opinion: Option<String>,
            submit: bool,
            declare: bool,
            label: String,
        }
        let mut plans = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            let label = format!(
                "第 {} 条（专家 {}，申报 {}）",
                i + 1,
                entry.expert,
                entry.application
            );
            let fail = |e: StoreError| rule(e.code(), format!("{label}：{e}"));
            let round = self.find_round(&entry.round).map_err(fail)?;
            if round.status != RoundStatus::Open {
                return Err(fail(not_open(&round)));
            }
            self.refuse_if_finalised(round.id).map_err(fail)?;
            if !entry.declared_no_conflict {
                return Err(rule(
                    ErrorCode::NotDeclared,
                    format!("{label}：declared_no_conflict 须为 true——纸质评分表须附专家签署的无利益冲突承诺，否则不能录入。"),
                ));
            }
            let (_, _, _, row) = self
                .assigned_pair(&AssignmentKey::new(
                    round.id,
                    &entry.expert,
                    &entry.application,
                ))
                .map_err(fail)?;
            // One sheet is one entry: a file that names it twice says two different things
            // about one paper sheet, and which is right cannot be told.
            if let Some(first) = plans.iter().find(|p: &&Plan| p.row.id == row.id) {
                return Err(rule(
                    ErrorCode::ImportMalformed,
                    format!(
                        "{label}与{}是同一张评分表：一张纸质评分表只能录入一次，请合并后重新导入。没有做任何改动。",
                        first.label
                    ),
                ));
            }
            if let Some(at) = &row.submitted_at {
                return Err(rule(
                    ErrorCode::ScoresLocked,
                    format!("{label}：该评分已于 {at} 提交并锁定。"),
                ));
            }
            let rubric = self.frozen_rubric(round.id).map_err(fail)?;
            let mut scores = Vec::new();
            for (code, points) in &entry.scores {
                let (id, c) = rubric.criterion(code).ok_or_else(|| {
                    rule(
                        ErrorCode::NotFound,
                        format!("{label}：评分细则中没有评分项“{code}”。"),
                    )
                })?;
                let centi = check_points(c, *points)
                    .map_err(|e| fail(e.into()))?
                    .centi();
                scores.push((id, c.code.clone(), centi, entry.comments.get(code).cloned()));
            }
            for code in entry.comments.keys() {
                if !entry.scores.contains_key(code) {
                    return Err(rule(
                        ErrorCode::NotFound,
                        format!("{label}：comments 中的评分项“{code}”没有分数。"),
                    ));
                }
            }
            if entry.submitted {
                let scored: BTreeMap<i64, Option<i64>> =
                    scores.iter().map(|(id, _, p, _)| (*id, Some(*p))).collect();
                let missing = missing_for_submission(&rubric, &scored, &entry.opinion);
                if !missing.is_empty() {
                    return Err(rule(
                        ErrorCode::ScoresIncomplete,
                        format!("{label}：标记为已提交，但尚未填写 {}。", missing.join("、")),
                    ));
                }
            }
            plans.push(Plan {
                declare: row.declared_at.is_none(),
                row,
                scores,
                opinion: (!entry.opinion.trim().is_empty())
                    .then(|| entry.opinion.trim().to_owned()),
                submit: entry.submitted,
                label,
            });
        }
        if plans.is_empty() {
            return Ok(0);
        }
        let by = actor.name.clone();
        self.write(actor, |tx| {
            for plan in &plans {
                let now = tx.now();
                if plan.declare {
                    tx.tx.execute_cached(
                        "UPDATE assignments SET declared_no_conflict_at = ?2 WHERE id = ?1",
                        params![plan.row.id, now],
                    )?;
                    tx.audit("assignment.declare_no_conflict", "assignment", &plan.row.uid,
                             json!({"on_paper": true, "entered_by": by}))?;
                }
                for (id, code, points, comment) in &plan.scores {
                    upsert_score(tx, &plan.row, *id, code, Some(Some(*points)), comment.as_deref(), Some(&by))?;
                }
                tx.tx.execute_cached(
                    "UPDATE assignments SET opinion = coalesce(?2, opinion), entered_by = ?3,
                            submitted_at = CASE WHEN ?4 THEN ?5 ELSE submitted_at END, updated_at = ?5
                     WHERE id = ?1",
                    params![plan.row.id, plan.opinion, by, plan.submit, now],
                )?;
                tx.audit("scores.import", "assignment", &plan.row.uid,
                         json!({"entry": plan.label, "scores": plan.scores.len(), "submitted": plan.submit}))?;
            }
            Ok(plans.len() as u32)
        })
    }
}
