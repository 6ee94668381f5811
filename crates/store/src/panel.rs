//! The panel (评审委员会) of a round after its totals are in (issue 16): its leader (组长),
//! objective criteria (客观分) on which experts disagree, the review of the results (复核) that
//! changes a submitted score only for one of four cases, members' dissents, and the signatures
//! on the panel report.
//!
//! Rules, in order: the leader and the dissents are panel members' (NOT_PANEL_MEMBER
//! otherwise); a 复核 change needs a submitted sheet, one of the four cases and a reason
//! (RECHECK_CASE_REQUIRED), points in the criterion's range and step, and — for the objective
//! case — an objective criterion the experts disagree on; it writes the change and the score in
//! one transaction (the score lock in SQLite lets exactly that change through, migration 21);
//! nothing changes once the ranking is finalised.

use std::collections::BTreeMap;

use park_review_domain::ids::{AssignmentKey, RoundId};
use park_review_domain::model::Expert;
use park_review_domain::panel::{
    objective_disagreements, CriterionPoints, ObjectiveDisagreement, RecheckCase,
};
use park_review_domain::rubric::check_points;
use park_review_domain::{ErrorCode, Points};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use crate::error::{Result, StoreError};
use crate::{Actor, Store};

fn rule(code: ErrorCode, message: String) -> StoreError {
    StoreError::Rule { code, message }
}

/// The panel's leader (组长), as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PanelLeader {
    pub expert: String,
    pub name: String,
    /// How the panel chose (e.g. 经专家组推选).
    pub note: String,
    pub chosen_by: String,
    pub chosen_at: String,
}

/// One 复核 change of a submitted score.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct RecheckChange {
    pub uid: String,
    pub application: String,
    pub expert: String,
    pub criterion: String,
    pub criterion_title: String,
    pub old_points: Points,
    pub new_points: Points,
    pub case: RecheckCase,
    /// The case in words (a summary of practice's four cases).
    pub case_zh: String,
    pub reason: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// One signature on the panel report, in signing order.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PanelSignature {
    pub uid: String,
    pub expert: String,
    pub signed_at: String,
}

/// A panel member as the panel page and the report show them.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PanelMember {
    pub code: String,
    pub name: String,
    pub employer: String,
    pub leader: bool,
    pub dissent: Option<String>,
    /// When they signed the newest panel report; none while they have not.
    pub signed_at: Option<String>,
    /// Their dissent was recorded after the newest report was laid out: it is not printed on
    /// it, and the report must be laid out (issued) again.
    pub dissent_not_printed: bool,
}

/// Where a round's panel stands.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PanelStatus {
    pub round: String,
    pub leader: Option<PanelLeader>,
    pub members: Vec<PanelMember>,
    /// Objective criteria (客观分) of the rubric, by code.
    pub objective_criteria: Vec<String>,
    pub disagreements: Vec<ObjectiveDisagreement>,
    pub rechecks: Vec<RecheckChange>,
    pub finalised: bool,
    /// The newest panel report's document id (the leader's signature), if issued.
    pub report: Option<String>,
    pub report_issued_at: Option<String>,
    /// Signatures on the newest report, in order.
    pub signatures: Vec<PanelSignature>,
    /// Members who have not signed the newest report yet.
    pub unsigned: Vec<String>,
}

/// A signature row of the panel report: its document uid, the signer, the file's SHA-256, the
/// PDF, the layout it belongs to (the uid of the leader's first signature), when.
pub type PanelReportRow = (String, String, String, Vec<u8>, String, String);

impl Store {
    /// An expert of the round's panel, or NOT_PANEL_MEMBER for one of the registry who is not,
    /// or NOT_FOUND for a code nobody has.
    pub fn panel_member(&self, round_id: RoundId, code: &str) -> Result<Expert> {
        match self.find_panel_expert(round_id, code) {
            Ok(e) => Ok(e),
            Err(StoreError::NotFound { .. }) => {
                let expert = self.expert_by_code(code)?;
                let round = self.round(round_id)?;
                Err(rule(
                    ErrorCode::NotPanelMember,
                    format!(
                        "专家 {} {} 不是批次 {} 评审委员会（专家组）的成员：只有本批次的评审专家能担任组长、提出不同意见和签署评审报告。没有做任何改动。",
                        expert.code, expert.name, round.code
                    ),
                ))
            }
            Err(e) => Err(e),
        }
    }

    /// Records the panel's leader (组长), chosen by the panel.
    pub fn set_panel_leader(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        expert: &str,
        note: &str,
    ) -> Result<PanelLeader> {
        self.permits(actor)?;
        let round = self.round(round_id)?;
        let member = self.panel_member(round_id, expert)?;
        // A leader changed after a report was signed lays out the report again (the new
        // leader signs first); the earlier signatures stay on the earlier revision.
        let note = note.trim().to_owned();
        self.write(actor, |tx| {
            let now = tx.now();
            let before: Option<String> = tx
                .tx
                .query_row(
                    "SELECT e.code FROM panel_leaders l JOIN experts e ON e.id = l.expert_id WHERE l.round_id = ?1",
                    [round_id.0],
                    |r| r.get(0),
                )
                .optional()?;
            tx.tx.execute(
                "INSERT INTO panel_leaders (round_id, expert_id, note, chosen_by, chosen_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (round_id) DO UPDATE SET expert_id = excluded.expert_id, note = excluded.note,
                    chosen_by = excluded.chosen_by, chosen_at = excluded.chosen_at",
                params![round_id.0, member.id.0, note, tx.actor_name().to_owned(), now],
            )?;
            tx.audit_change(
                "panel.leader",
                "round",
                &round.uid.0,
                json!({"note": note}),
                json!({"leader": before}),
                json!({"leader": member.code}),
            )
        })?;
        self.panel_leader(round_id)?
            .ok_or_else(|| StoreError::Internal("组长记录后读不到".into()))
    }

    pub fn panel_leader(&self, round_id: RoundId) -> Result<Option<PanelLeader>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT e.code, e.name, l.note, l.chosen_by, l.chosen_at FROM panel_leaders l
                 JOIN experts e ON e.id = l.expert_id WHERE l.round_id = ?1",
                [round_id.0],
                |r| {
                    Ok(PanelLeader {
                        expert: r.get(0)?,
                        name: r.get(1)?,
                        note: r.get(2)?,
                        chosen_by: r.get(3)?,
                        chosen_at: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    /// Every objective criterion of one application on which the submitted sheets disagree.
    pub fn objective_disagreements(&self, round_id: RoundId) -> Result<Vec<ObjectiveDisagreement>> {
        let rows: Vec<(String, String, String, i64)> = self
            .conn()
            .prepare(
                "SELECT p.code, c.code, e.code, s.points_centi FROM scores s
                 JOIN assignments a ON a.id = s.assignment_id
                 JOIN applications p ON p.id = a.application_id
                 JOIN experts e ON e.id = a.expert_id
                 JOIN criteria c ON c.id = s.criterion_id
                 WHERE a.round_id = ?1 AND a.submitted_at IS NOT NULL AND c.objective = 1
                   AND s.points_centi IS NOT NULL
                 ORDER BY p.registration_order, c.position, e.code",
            )?
            .query_map([round_id.0], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let points: Vec<CriterionPoints<'_>> = rows
            .iter()
            .map(|(a, c, e, p)| CriterionPoints {
                application: a,
                criterion: c,
                expert: e,
                points: Points::from_centi(*p),
            })
            .collect();
        Ok(objective_disagreements(&points))
    }

    /// Records a 复核 change of one submitted score, with its case and reason, and changes the
    /// score — both in one transaction. Refused, with nothing changed: without one of the four
    /// cases or a reason (RECHECK_CASE_REQUIRED), for a sheet not submitted, for points out of
    /// range or off step, for the objective case where the criterion is not objective or the
    /// experts agree, and once the ranking is finalised.
    pub fn record_recheck(
        &mut self,
        actor: &Actor,
        key: &AssignmentKey,
        criterion: &str,
        points: f64,
        case: Option<&str>,
        reason: &str,
    ) -> Result<RecheckChange> {
        self.permits(actor)?;
        let round_id = key.round_id;
        self.refuse_if_finalised(round_id)?;
        let Some(case) = case.map(str::trim).filter(|c| !c.is_empty()) else {
            return Err(rule(
                ErrorCode::RecheckCaseRequired,
                format!(
                    "复核只能在以下四种情形之一修改已提交的评分，请写明情形：{}。没有做任何改动。",
                    RecheckCase::list_zh()
                ),
            ));
        };
        let Some(case) = RecheckCase::parse(case) else {
            return Err(rule(
                ErrorCode::RecheckCaseRequired,
                format!(
                    "“{case}”不是复核可以修改评分的情形；只有这四种：{}。没有做任何改动。",
                    RecheckCase::list_zh()
                ),
            ));
        };
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(rule(
                ErrorCode::RecheckCaseRequired,
                "请写明复核修改的理由：理由会印在评审报告上。没有做任何改动。".into(),
            ));
        }
        let (round, app, expert, row) = self.declared_pair(key)?;
        if row.submitted_at.is_none() {
            return Err(rule(
                ErrorCode::InvalidTransition,
                format!(
                    "专家 {} 对申报 {} 的评分尚未提交：复核只修改已汇总的评分，未提交的由专家本人修改。",
                    expert.code, app.code
                ),
            ));
        }
        let rubric = crate::catalog::load_rubric(self.conn(), round_id)?.ok_or_else(|| {
            StoreError::NotFound {
                what: "评分细则",
                key: round.code.clone(),
                hint: String::new(),
            }
        })?;
        let (criterion_id, c) =
            rubric
                .criterion(criterion)
                .ok_or_else(|| StoreError::NotFound {
                    what: "评分项",
                    key: criterion.trim().to_owned(),
                    hint: "请用 `park-review rubric show --round R` 查看评分项编号。".into(),
                })?;
        let new = check_points(c, points)?;
        if case == RecheckCase::ObjectiveDiffers {
            if !c.objective {
                return Err(rule(
                    ErrorCode::RecheckCaseRequired,
                    format!(
                        "评分项 {} 不是客观分评分项：不能以“{}”为由修改。没有做任何改动。",
                        c.code,
                        case.name_zh()
                    ),
                ));
            }
            let differs = self
                .objective_disagreements(round_id)?
                .iter()
                .any(|d| d.application == app.code && d.criterion == c.code);
            if !differs {
                return Err(rule(
                    ErrorCode::RecheckCaseRequired,
                    format!(
                        "各专家对申报 {} 的评分项 {} 评分一致：不存在“{}”的情形。没有做任何改动。",
                        app.code,
                        c.code,
                        case.name_zh()
                    ),
                ));
            }
        }
        let old: Option<i64> = self
            .conn()
            .query_row(
                "SELECT points_centi FROM scores WHERE assignment_id = ?1 AND criterion_id = ?2",
                params![row.id, criterion_id],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        let Some(old) = old else {
            return Err(StoreError::Internal(format!(
                "已提交的评分表缺少评分项 {}",
                c.code
            )));
        };
        if old == new.centi() {
            return Err(rule(
                ErrorCode::InvalidTransition,
                format!(
                    "专家 {} 对申报 {} 的评分项 {} 已是 {} 分：无需修改。",
                    expert.code, app.code, c.code, new
                ),
            ));
        }
        let code = c.code.clone();
        let uid = self.write(actor, |tx| {
            let uid = tx.new_uid();
            let now = tx.now();
            let by = tx.actor_name().to_owned();
            tx.tx.execute(
                "INSERT INTO recheck_changes (uid, round_id, assignment_id, criterion_id, old_points_centi,
                                              new_points_centi, reason_case, reason, recorded_by, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![uid, round_id.0, row.id, criterion_id, old, new.centi(), case.as_str(), reason, by, now],
            )?;
            // The score lock lets exactly this change through (migration 21); `old` is checked
            // again here, so a score changed since it was read is not overwritten.
            let changed = tx.tx.execute(
                "UPDATE scores SET points_centi = ?3, updated_at = ?4, entered_by = ?5
                 WHERE assignment_id = ?1 AND criterion_id = ?2 AND points_centi = ?6",
                params![row.id, criterion_id, new.centi(), now, by, old],
            )?;
            if changed != 1 {
                return Err(rule(
                    ErrorCode::InvalidTransition,
                    "这项评分刚被改动过：请刷新后再复核。没有做任何改动。".into(),
                ));
            }
            tx.audit(
                "panel.recheck",
                "assignment",
                &row.uid,
                json!({"application": app.code, "expert": expert.code, "criterion": code,
                       "old": Points::from_centi(old), "new": new, "case": case.as_str(), "reason": reason}),
            )?;
            Ok(uid)
        })?;
        // The stored row, with its time.
        self.rechecks(round_id)?
            .into_iter()
            .find(|r| r.uid == uid)
            .ok_or_else(|| StoreError::Internal("复核修改记录后读不到".into()))
    }

    /// The round's 复核 changes, in the order they were made.
    pub fn rechecks(&self, round_id: RoundId) -> Result<Vec<RecheckChange>> {
        let rows = self
            .conn()
            .prepare(
                "SELECT r.uid, p.code, e.code, c.code, c.title, r.old_points_centi, r.new_points_centi,
                        r.reason_case, r.reason, r.recorded_by, r.recorded_at
                 FROM recheck_changes r JOIN assignments a ON a.id = r.assignment_id
                 JOIN applications p ON p.id = a.application_id JOIN experts e ON e.id = a.expert_id
                 JOIN criteria c ON c.id = r.criterion_id
                 WHERE r.round_id = ?1 ORDER BY r.id",
            )?
            .query_map([round_id.0], |r| {
                let case: String = r.get(7)?;
                let case = RecheckCase::parse(&case).unwrap_or(RecheckCase::Abnormal);
                Ok(RecheckChange {
                    uid: r.get(0)?,
                    application: r.get(1)?,
                    expert: r.get(2)?,
                    criterion: r.get(3)?,
                    criterion_title: r.get(4)?,
                    old_points: Points::from_centi(r.get(5)?),
                    new_points: Points::from_centi(r.get(6)?),
                    case,
                    case_zh: case.name_zh().into(),
                    reason: r.get(8)?,
                    recorded_by: r.get(9)?,
                    recorded_at: r.get(10)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Records (or, with none, withdraws) a member's dissent from the panel report. It is
    /// printed on a report laid out after it.
    pub fn record_panel_dissent(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        expert: &str,
        text: Option<&str>,
    ) -> Result<()> {
        self.permits(actor)?;
        let round = self.round(round_id)?;
        let member = self.panel_member(round_id, expert)?;
        let text = text.map(str::trim).filter(|t| !t.is_empty());
        if let Some(t) = text {
            if t.chars().count() > 2000 {
                return Err(rule(
                    ErrorCode::OutOfRange,
                    "不同意见最多 2000 字。没有做任何改动。".into(),
                ));
            }
        }
        self.write(actor, |tx| {
            let now = tx.now();
            match text {
                Some(t) => tx.tx.execute(
                    "INSERT INTO panel_dissents (round_id, expert_id, text, recorded_by, recorded_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (round_id, expert_id) DO UPDATE SET text = excluded.text,
                        recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
                    params![round_id.0, member.id.0, t, tx.actor_name().to_owned(), now],
                )?,
                None => tx.tx.execute(
                    "DELETE FROM panel_dissents WHERE round_id = ?1 AND expert_id = ?2",
                    params![round_id.0, member.id.0],
                )?,
            };
            tx.audit(
                "panel.dissent",
                "round",
                &round.uid.0,
                json!({"expert": member.code, "dissent": text}),
            )
        })
    }

    /// Each member's recorded dissent, by expert code.
    pub fn panel_dissents(&self, round_id: RoundId) -> Result<BTreeMap<String, String>> {
        let rows = self
            .conn()
            .prepare(
                "SELECT e.code, d.text FROM panel_dissents d JOIN experts e ON e.id = d.expert_id
                 WHERE d.round_id = ?1",
            )?
            .query_map([round_id.0], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Every signature on the round's panel reports, in order.
    pub fn panel_report_rows(&self, round_id: RoundId) -> Result<Vec<PanelReportRow>> {
        let rows = self
            .conn()
            .prepare(
                "SELECT s.uid, e.code, s.file_sha256, s.pdf, json_extract(s.snapshot, '$.layout'), s.issued_at
                 FROM signed_sheets s JOIN experts e ON e.id = s.expert_id
                 WHERE s.round_id = ?1 AND s.kind = 'panel-report' ORDER BY s.id",
            )?
            .query_map([round_id.0], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get::<_, Option<String>>(4)?.unwrap_or_default(),
                    r.get(5)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The signatures on the newest laid-out panel report, in order (empty: none issued).
    pub fn newest_panel_report(&self, round_id: RoundId) -> Result<Vec<PanelReportRow>> {
        let rows = self.panel_report_rows(round_id)?;
        let Some(layout) = rows.last().map(|r| r.4.clone()) else {
            return Ok(Vec::new());
        };
        Ok(rows.into_iter().filter(|r| r.4 == layout).collect())
    }

    /// Where the round's panel stands: leader, members (signed or not, dissents), objective
    /// disagreements, 复核 changes, the newest report.
    pub fn panel_status(&self, round_id: RoundId) -> Result<PanelStatus> {
        self.require_secretariat_copy()?;
        let round = self.round(round_id)?;
        let leader = self.panel_leader(round_id)?;
        let dissents = self.panel_dissents(round_id)?;
        let report = self.newest_panel_report(round_id)?;
        let printed: BTreeMap<String, String> = report
            .first()
            .and_then(|first| {
                self.issued_document(&first.0)
                    .ok()
                    .flatten()
                    .and_then(|d| d.snapshot.pointer("/content/dissents").cloned())
            })
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        let members: Vec<PanelMember> = self
            .list_panel(round_id)?
            .into_iter()
            .map(|e| {
                let dissent = dissents.get(&e.code).cloned();
                PanelMember {
                    leader: leader.as_ref().is_some_and(|l| l.expert == e.code),
                    signed_at: report.iter().find(|r| r.1 == e.code).map(|r| r.5.clone()),
                    dissent_not_printed: !report.is_empty()
                        && dissent.is_some()
                        && printed.get(&e.code) != dissent.as_ref(),
                    dissent,
                    code: e.code,
                    name: e.name,
                    employer: e.employer,
                }
            })
            .collect();
        let objective_criteria = crate::catalog::load_rubric(self.conn(), round_id)?
            .map(|r| {
                r.rubric
                    .sections
                    .iter()
                    .flat_map(|s| &s.criteria)
                    .filter(|c| c.objective)
                    .map(|c| c.code.clone())
                    .collect()
            })
            .unwrap_or_default();
        let unsigned = if report.is_empty() {
            members.iter().map(|m| m.code.clone()).collect()
        } else {
            members
                .iter()
                .filter(|m| m.signed_at.is_none())
                .map(|m| m.code.clone())
                .collect()
        };
        Ok(PanelStatus {
            round: round.code,
            leader,
            objective_criteria,
            disagreements: self.objective_disagreements(round_id)?,
            rechecks: self.rechecks(round_id)?,
            finalised: self.ranking_settings(round_id)?.finalised_at.is_some(),
            report: report.first().map(|r| r.0.clone()),
            report_issued_at: report.first().map(|r| r.5.clone()),
            signatures: report
                .iter()
                .map(|r| PanelSignature {
                    uid: r.0.clone(),
                    expert: r.1.clone(),
                    signed_at: r.5.clone(),
                })
                .collect(),
            unsigned,
            members,
        })
    }
}
