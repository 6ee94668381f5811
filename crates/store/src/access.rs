//! The access gate: who may see and change an assignment's materials and scores. Every read and
//! write of an expert's materials or scores passes through here: the expert is assigned
//! (NOT_ASSIGNED), has no standing conflict, recomputed from current data on every call
//! (CONFLICT_OF_INTEREST), signed the no-conflict pledge (NOT_DECLARED), and — to change
//! scores — the round is open and the sheet not submitted (ROUND_NOT_OPEN, SCORES_LOCKED).
//! The assignment rows themselves are added and removed here too (with their audit entries),
//! below both the assignment board and recusal, which use them.

use park_review_domain::ids::{ApplicationId, AssignmentKey, ExpertId};
use park_review_domain::model::{ApplicationSummary, Expert, Round};
use park_review_domain::{ErrorCode, RoundStatus};
use rusqlite::{params, OptionalExtension};
use serde_json::json;

use crate::error::{Result, StoreError};
use crate::CachedSql;
use crate::{Actor, Attachment, Store, WriteTx};

/// An assignment that passed a check: its round, application, expert and row.
pub(crate) type CheckedPair = (Round, ApplicationSummary, Expert, AssignmentRow);

#[derive(Debug, Clone)]
pub(crate) struct AssignmentRow {
    pub id: i64,
    pub uid: String,
    pub declared_at: Option<String>,
    pub submitted_at: Option<String>,
}

pub(crate) fn assignment_row(
    conn: &rusqlite::Connection,
    app: ApplicationId,
    expert: ExpertId,
) -> Result<Option<AssignmentRow>> {
    Ok(conn
        .query_row_cached(
            "SELECT a.id, a.uid, a.declared_no_conflict_at, a.submitted_at
             FROM assignments a WHERE a.application_id = ?1 AND a.expert_id = ?2",
            params![app.0, expert.0],
            |r| {
                Ok(AssignmentRow {
                    id: r.get(0)?,
                    uid: r.get(1)?,
                    declared_at: r.get(2)?,
                    submitted_at: r.get(3)?,
                })
            },
        )
        .optional()?)
}

fn rule(code: ErrorCode, message: String) -> StoreError {
    StoreError::Rule { code, message }
}

impl Store {
    /// The no-conflict pledge (无利益冲突承诺): opens the application's materials and scores to
    /// the expert. Refused if not assigned or if a conflict stands. Signing twice keeps the
    /// first time.
    pub fn declare_no_conflict(&mut self, actor: &Actor, key: &AssignmentKey) -> Result<String> {
        let (round, app, expert, row) = self.assigned_pair(key)?;
        if round.status != RoundStatus::Open {
            return Err(not_open(&round));
        }
        if let Some(at) = row.declared_at {
            return Ok(at);
        }
        self.refuse_if_finalised(round.id)?;
        self.write(actor, |tx| {
            let now = tx.now();
            tx.tx.execute_cached(
                "UPDATE assignments SET declared_no_conflict_at = ?2, updated_at = ?2 WHERE id = ?1",
                params![row.id, now],
            )?;
            tx.audit(
                "assignment.declare_no_conflict",
                "assignment",
                &row.uid,
                json!({"application": app.code, "expert": expert.code}),
            )?;
            Ok(now)
        })
    }

    /// The round, application and panel expert a key names (NOT_FOUND otherwise); no check of
    /// the assignment itself.
    pub(crate) fn resolve_key(
        &self,
        key: &AssignmentKey,
    ) -> Result<(Round, ApplicationSummary, Expert)> {
        Ok((
            self.round(key.round_id)?,
            self.find_application(key.round_id, &key.application)?,
            self.find_panel_expert(key.round_id, &key.expert)?,
        ))
    }

    /// The round, application, expert and assignment of a pair, checking that the expert is
    /// assigned (NOT_ASSIGNED) and has no standing conflict (CONFLICT_OF_INTEREST).
    pub(crate) fn assigned_pair(&self, key: &AssignmentKey) -> Result<CheckedPair> {
        let (round, app, expert) = self.resolve_key(key)?;
        // On an expert's copy, only that expert's pairs open.
        self.permits(&crate::Actor::expert(&expert.code, crate::Surface::Program))?;
        let conflicts = self.pair_conflicts(&round, app.id, &expert)?;
        if let Some(first) = conflicts.first() {
            return Err(rule(
                ErrorCode::ConflictOfInterest,
                format!(
                    "专家 {} {} 与申报 {} 存在利益冲突（{}），须回避，不能查看其材料或评分。",
                    expert.code, expert.name, app.code, first.reason
                ),
            ));
        }
        let row = assignment_row(self.conn(), app.id, expert.id)?.ok_or_else(|| {
            rule(
                ErrorCode::NotAssigned,
                format!(
                    "专家 {} {} 未被分配评审申报 {}，不能查看其材料或评分。",
                    expert.code, expert.name, app.code
                ),
            )
        })?;
        Ok((round, app, expert, row))
    }

    /// The pair, checked for scoring: assigned, no conflict, pledge signed.
    pub(crate) fn declared_pair(&self, key: &AssignmentKey) -> Result<CheckedPair> {
        let (round, app, expert, row) = self.assigned_pair(key)?;
        if row.declared_at.is_none() {
            return Err(rule(
                ErrorCode::NotDeclared,
                format!(
                    "专家 {} 尚未就申报 {} 签署无利益冲突承诺：签署后才能查看材料和评分。",
                    expert.code, app.code
                ),
            ));
        }
        Ok((round, app, expert, row))
    }

    /// The pair, checked for a change of scores: also the round is open and nothing submitted.
    pub(crate) fn editable_pair(&self, key: &AssignmentKey) -> Result<CheckedPair> {
        let round_id = key.round_id;
        let round = self.round(round_id)?;
        if round.status != RoundStatus::Open {
            return Err(not_open(&round));
        }
        self.refuse_if_finalised(round_id)?;
        let pair = self.declared_pair(key)?;
        if let Some(at) = &pair.3.submitted_at {
            return Err(rule(
                ErrorCode::ScoresLocked,
                format!(
                    "专家 {} 对申报 {} 的评分已于 {at} 提交并锁定，不能再修改；如需更正，请秘书处写明理由退回。",
                    pair.2.code, pair.1.code
                ),
            ));
        }
        Ok(pair)
    }

    /// The materials of an application, for an expert who signed the pledge.
    pub fn expert_attachments(&self, key: &AssignmentKey) -> Result<Vec<Attachment>> {
        let (_, app, _, _) = self.declared_pair(key)?;
        self.attachments_of(app.id)
    }

    /// One attachment's bytes, for an expert who signed the pledge for its application.
    pub fn read_expert_attachment(
        &self,
        key: &AssignmentKey,
        uid: &str,
    ) -> Result<(Attachment, Vec<u8>)> {
        let list = self.expert_attachments(key)?;
        if !list.iter().any(|a| a.uid.0 == uid) {
            return Err(StoreError::NotFound {
                what: "附件",
                key: uid.to_owned(),
                hint: "该附件不属于此申报。".into(),
            });
        }
        self.read_attachment_bytes(uid)
    }
}

pub(crate) fn not_open(round: &Round) -> StoreError {
    rule(
        ErrorCode::RoundNotOpen,
        format!(
            "批次 {} 的状态为“{}”：只有进行中的批次才能签署承诺和评分。{}",
            round.code,
            round.status.name_zh(),
            if round.status == RoundStatus::Draft {
                "请秘书处先开始评审（冻结评分细则）。"
            } else {
                ""
            }
        ),
    )
}

pub(crate) fn require_reason(reason: &str) -> Result<&str> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(rule(
            ErrorCode::OutOfRange,
            "请写明理由：理由会记录在案，供日后核查。".into(),
        ));
    }
    Ok(reason)
}

pub(crate) fn insert_assignment(
    tx: &mut WriteTx<'_>,
    round: &Round,
    app: ApplicationId,
    expert: ExpertId,
    app_code: &str,
    expert_code: &str,
) -> Result<()> {
    let uid = tx.new_uid();
    let now = tx.now();
    tx.tx.execute_cached(
        "INSERT INTO assignments (uid, round_id, application_id, expert_id, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![uid, round.id.0, app.0, expert.0, now],
    )?;
    tx.audit(
        "assignment.add",
        "assignment",
        &uid,
        json!({"round": round.code, "application": app_code, "expert": expert_code}),
    )
}

pub(crate) fn remove_assignment(
    tx: &mut WriteTx<'_>,
    round: &Round,
    app: ApplicationId,
    expert: ExpertId,
    app_code: &str,
    expert_code: &str,
    reason: &str,
) -> Result<()> {
    let Some(row) = assignment_row(&tx.tx, app, expert)? else {
        return Ok(());
    };
    let scores: Vec<(String, Option<i64>)> = tx
        .tx
        .prepare_cached(
            "SELECT c.code, s.points_centi FROM scores s JOIN criteria c ON c.id = s.criterion_id
             WHERE s.assignment_id = ?1",
        )?
        .query_map([row.id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    tx.tx
        .execute_cached("DELETE FROM assignments WHERE id = ?1", [row.id])?;
    tx.audit(
        "assignment.remove",
        "assignment",
        &row.uid,
        json!({"round": round.code, "application": app_code, "expert": expert_code, "reason": reason,
               "declared_at": row.declared_at, "submitted_at": row.submitted_at, "scores": scores}),
    )
}
