//! Site inspection (实地考察) as the database keeps it: each round's checklist (frozen with its
//! SHA-256 when the first inspection starts), one inspection per application with its team
//! (recusal applies to inspectors as to reviewers), every answer a committed transaction,
//! evidence files beside the database under their SHA-256, and the site score a finalised
//! inspection records — which the ranking then takes instead of a hand-entered one.
//!
//! The rules (what an answer may be, what is missing, the score, discrepancies) are the
//! domain's (`park_review_domain::inspection`); this module stores and gates.

use std::collections::BTreeMap;

use park_review_domain::ids::{ApplicationId, RoundId};
use park_review_domain::inspection::{
    check_answer, checklist_sha256, declared, discrepancies, effective_status, missing, site_score,
    validate_checklist, Answer, Checklist, Declared, Discrepancy, ItemStatus, SiteScore,
    StatusFactors,
};
use park_review_domain::model::{ApplicationSummary, Expert, Round};
use park_review_domain::{ErrorCode, Points, RoundStatus};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use crate::error::{Result, StoreError};
use crate::write::Role;
use crate::{Actor, Store, WriteTx};

/// The largest evidence file accepted (a photo or a scanned document).
pub const MAX_EVIDENCE_BYTES: u64 = 50 * 1024 * 1024;

fn rule(code: ErrorCode, message: String) -> StoreError {
    StoreError::Rule { code, message }
}

/// A round's checklist, with its freeze.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct RoundChecklist {
    pub checklist: Checklist,
    /// Set when the first inspection of the round started: the checklist no longer changes.
    pub frozen_sha256: Option<String>,
    pub frozen_at: Option<String>,
}

/// Where an inspection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum InspectionStatus {
    Planned,
    InProgress,
    Finalised,
}

impl InspectionStatus {
    fn parse(text: &str) -> InspectionStatus {
        match text {
            "in_progress" => InspectionStatus::InProgress,
            "finalised" => InspectionStatus::Finalised,
            _ => InspectionStatus::Planned,
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            InspectionStatus::Planned => "待考察",
            InspectionStatus::InProgress => "考察中",
            InspectionStatus::Finalised => "已定稿",
        }
    }
}

/// One member of an inspection team.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Inspector {
    pub code: String,
    pub name: String,
    pub employer: String,
    pub leader: bool,
}

/// A piece of evidence (photo or document) attached to an item.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Evidence {
    pub uid: String,
    pub item: String,
    pub file_name: String,
    pub media_type: String,
    #[ts(type = "number")]
    pub size_bytes: u64,
    pub sha256: String,
    /// The photo's own capture time (EXIF), when it has one.
    pub captured_at: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// Taken before the visit date: not a picture of the visit.
    pub before_visit: bool,
    pub added_by: String,
    pub added_at: String,
}

/// What a photo says about itself, read from its EXIF by the caller.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvidenceMeta {
    /// `2026-11-28T10:15:00` (the camera's local time, as EXIF writes it).
    pub captured_at: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// A small PNG of a photo (made when it is read), for the record and the screen.
    pub thumbnail: Option<Vec<u8>>,
}

/// One item as the team sees it: what to verify, what was declared, what was found.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ItemView {
    pub section: String,
    pub item: park_review_domain::inspection::ChecklistItem,
    pub declared: Option<Declared>,
    pub answer: Answer,
    /// The status the answer earns (a number item's from its value).
    pub status: Option<ItemStatus>,
    pub evidence: Vec<Evidence>,
    pub updated_at: Option<String>,
    pub updated_by: Option<String>,
}

/// An inspection with everything the visit screen, the CLI and the record need.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct InspectionView {
    pub uid: String,
    pub round: String,
    pub application: ApplicationSummary,
    pub status: InspectionStatus,
    pub visit_date: Option<String>,
    pub place: String,
    pub team: Vec<Inspector>,
    pub checklist_title: String,
    pub checklist_sha256: Option<String>,
    pub items: Vec<ItemView>,
    /// What keeps it from being finalised.
    pub missing: Vec<String>,
    pub discrepancies: Vec<Discrepancy>,
    /// The score as answered so far (the recorded one once finalised).
    pub site_score: SiteScore,
    pub started_at: Option<String>,
    pub finalised_at: Option<String>,
    pub finalised_by: Option<String>,
}

/// One line of a round's inspections.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct InspectionSummary {
    pub application: String,
    pub park_name: String,
    pub status: Option<InspectionStatus>,
    pub leader: Option<String>,
    pub members: u32,
    pub visit_date: Option<String>,
    pub answered: u32,
    pub items: u32,
    pub site_score: Option<Points>,
}

/// One signed revision of an inspection record: the document uid of that signature, the
/// signer's expert code, the SHA-256 of the file as signed, and the file.
pub type RecordSignature = (String, String, String, Vec<u8>);

/// What one answer changes (None: keep what is there).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AnswerInput {
    pub status: Option<ItemStatus>,
    pub value: Option<f64>,
    pub text: Option<String>,
    pub note: Option<String>,
}

struct InspectionRow {
    id: i64,
    uid: String,
    status: InspectionStatus,
    visit_date: Option<String>,
    place: String,
    checklist_sha256: Option<String>,
    started_at: Option<String>,
    finalised_at: Option<String>,
    finalised_by: Option<String>,
    site_score_centi: Option<i64>,
}

pub(crate) fn insert_checklist(
    tx: &mut WriteTx<'_>,
    round_id: RoundId,
    checklist: &Checklist,
) -> Result<()> {
    validate_checklist(checklist)?;
    let uid = tx.new_uid();
    let now = tx.now();
    let body = serde_json::to_string(checklist).map_err(|e| StoreError::Internal(e.to_string()))?;
    tx.tx.execute(
        "INSERT INTO checklists (uid, round_id, code, title, body, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![uid, round_id.0, checklist.code, checklist.title, body, now],
    )?;
    tx.audit(
        "checklist.create",
        "checklist",
        &uid,
        json!({"round_id": round_id.0, "code": checklist.code, "items": checklist.items().count()}),
    )
}

/// The shipped checklist of a round kind (designation: the site checklist of C1–C7 and T1, T2,
/// T3, T7); every new designation round starts with it.
pub fn default_checklist() -> Checklist {
    park_review_domain::exchange::parse_checklist(include_str!(
        "../../../assets/checklists/designation-site.json"
    ))
    .expect("the shipped checklist is valid (tested)")
}

impl Store {
    /// The round's checklist, or NOT_FOUND.
    pub fn checklist(&self, round_id: RoundId) -> Result<RoundChecklist> {
        self.conn()
            .query_row(
                "SELECT body, frozen_sha256, frozen_at FROM checklists WHERE round_id = ?1",
                [round_id.0],
                |r| {
                    let body: String = r.get(0)?;
                    Ok((body, r.get(1)?, r.get(2)?))
                },
            )
            .optional()?
            .map(
                |(body, frozen_sha256, frozen_at)| -> Result<RoundChecklist> {
                    Ok(RoundChecklist {
                        checklist: serde_json::from_str(&body)
                            .map_err(|e| StoreError::Internal(format!("考察清单无法读取：{e}")))?,
                        frozen_sha256,
                        frozen_at,
                    })
                },
            )
            .transpose()?
            .ok_or_else(|| StoreError::NotFound {
                what: "考察清单",
                key: round_id.to_string(),
                hint:
                    "本批次还没有考察清单：请用 `park-review checklist import F --round R` 导入。"
                        .into(),
            })
    }

    /// Replaces the round's checklist while the round is a draft and no inspection has started
    /// (CHECKLIST_FROZEN afterwards).
    pub fn replace_checklist(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        checklist: &Checklist,
    ) -> Result<RoundChecklist> {
        self.permits(actor)?;
        validate_checklist(checklist)?;
        let round = self.round(round_id)?;
        if let Ok(current) = self.checklist(round_id) {
            if let Some(sha) = current.frozen_sha256 {
                return Err(rule(
                    ErrorCode::ChecklistFrozen,
                    format!(
                        "批次 {} 的考察清单已在第一次实地考察开始时冻结（SHA-256 {}），不能再修改。",
                        round.code, sha
                    ),
                ));
            }
        }
        if round.status != RoundStatus::Draft {
            return Err(rule(
                ErrorCode::ChecklistFrozen,
                format!(
                    "批次 {} 的状态为“{}”：考察清单只能在草稿阶段修改。",
                    round.code,
                    round.status.name_zh()
                ),
            ));
        }
        self.write(actor, |tx| {
            tx.tx
                .execute("DELETE FROM checklists WHERE round_id = ?1", [round_id.0])?;
            insert_checklist(tx, round_id, checklist)
        })?;
        self.checklist(round_id)
    }

    fn inspection_row(&self, app: ApplicationId) -> Result<Option<InspectionRow>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id, uid, status, visit_date, place, checklist_sha256, started_at, finalised_at,
                        finalised_by, site_score_centi
                 FROM inspections WHERE application_id = ?1",
                [app.0],
                |r| {
                    Ok(InspectionRow {
                        id: r.get(0)?,
                        uid: r.get(1)?,
                        status: InspectionStatus::parse(&r.get::<_, String>(2)?),
                        visit_date: r.get(3)?,
                        place: r.get(4)?,
                        checklist_sha256: r.get(5)?,
                        started_at: r.get(6)?,
                        finalised_at: r.get(7)?,
                        finalised_by: r.get(8)?,
                        site_score_centi: r.get(9)?,
                    })
                },
            )
            .optional()?)
    }

    fn site_factors(&self, round_id: RoundId) -> Result<StatusFactors> {
        let text: String = self.conn().query_row(
            "SELECT site_factors FROM rounds WHERE id = ?1",
            [round_id.0],
            |r| r.get(0),
        )?;
        Ok(serde_json::from_str(&text).unwrap_or(StatusFactors::DEFAULT))
    }

    /// Sets what each status earns in the site score (thousandths: 符合, 基本符合, 不符合), for
    /// the round; not after the ranking was finalised.
    pub fn set_site_factors(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        factors: StatusFactors,
    ) -> Result<StatusFactors> {
        self.permits(actor)?;
        let round = self.round(round_id)?;
        if factors.confirmed > 1000
            || factors.partly > factors.confirmed
            || factors.not_met > factors.partly
        {
            return Err(rule(
                ErrorCode::OutOfRange,
                "计分系数须满足 1 ≥ 符合 ≥ 基本符合 ≥ 不符合 ≥ 0。".into(),
            ));
        }
        let finalised: i64 = self.conn().query_row(
            "SELECT count(*) FROM inspections WHERE round_id = ?1 AND status = 'finalised'",
            [round_id.0],
            |r| r.get(0),
        )?;
        if finalised > 0 {
            return Err(rule(
                ErrorCode::InspectionFinalised,
                format!(
                    "批次 {} 已有 {finalised} 份考察记录定稿，计分系数不能再改。",
                    round.code
                ),
            ));
        }
        self.write(actor, |tx| {
            tx.tx.execute(
                "UPDATE rounds SET site_factors = ?2 WHERE id = ?1",
                params![round_id.0, json!(factors).to_string()],
            )?;
            tx.audit("inspection.factors", "round", &round.uid.0, json!(factors))
        })?;
        Ok(factors)
    }

    /// Sets an application's inspection team: a leader and members from the expert registry,
    /// none with a conflict of interest with the application (recusal applies to inspectors as
    /// to reviewers), a visit date and a place. Not after the inspection was finalised.
    #[allow(clippy::too_many_arguments)]
    pub fn set_inspection_team(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        application: &str,
        leader: &str,
        members: &[String],
        visit_date: Option<&str>,
        place: Option<&str>,
    ) -> Result<InspectionView> {
        self.permits(actor)?;
        let round = self.round(round_id)?;
        let app = self.find_application(round_id, application)?;
        let row = self.inspection_row(app.id)?;
        if let Some(row) = &row {
            refuse_finalised(row, &app)?;
        }
        let mut team: Vec<(Expert, bool)> = vec![(self.expert_by_code(leader)?, true)];
        for code in members.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
            let expert = self.expert_by_code(code)?;
            if team.iter().any(|(e, _)| e.id == expert.id) {
                return Err(rule(
                    ErrorCode::DuplicateCode,
                    format!("专家 {} 在考察组中出现了两次。", expert.code),
                ));
            }
            team.push((expert, false));
        }
        let date = match visit_date.map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) => Some(
                chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map_err(|_| {
                        rule(
                            ErrorCode::OutOfRange,
                            format!("考察日期“{d}”无法识别：请写成 2026-12-03。"),
                        )
                    })?
                    .to_string(),
            ),
            None => row.as_ref().and_then(|r| r.visit_date.clone()),
        };
        let record = self.application_record(round_id, &app.code)?;
        let experts: Vec<Expert> = team.iter().map(|(e, _)| e.clone()).collect();
        let conflicts = self.conflicts_of(&round, &[(app.id, &record)], &experts)?;
        for (expert, _) in &team {
            if let Some((found, _)) = conflicts.get(&(app.id, expert.id)) {
                if let Some(first) = found.first() {
                    return Err(rule(
                        ErrorCode::ConflictOfInterest,
                        format!(
                            "专家 {} {} 与申报 {} 存在利益冲突（{}），须回避，不能参加其实地考察。",
                            expert.code, expert.name, app.code, first.reason
                        ),
                    ));
                }
            }
        }
        let place = place
            .map(|p| p.trim().to_owned())
            .or_else(|| row.as_ref().map(|r| r.place.clone()))
            .unwrap_or_default();
        self.write(actor, |tx| {
            let now = tx.now();
            let mut before = json!({"leader": null, "members": [], "visit_date": null, "place": null});
            if let Some(row) = &row {
                let mut stmt = tx.tx.prepare(
                    "SELECT e.code, m.role = 'leader' FROM inspection_members m
                     JOIN experts e ON e.id = m.expert_id WHERE m.inspection_id = ?1 ORDER BY m.rowid",
                )?;
                let old: Vec<(String, bool)> = stmt
                    .query_map([row.id], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                before = json!({
                    "leader": old.iter().find(|(_, l)| *l).map(|(c, _)| c),
                    "members": old.iter().filter(|(_, l)| !*l).map(|(c, _)| c).collect::<Vec<_>>(),
                    "visit_date": row.visit_date, "place": row.place,
                });
            }
            let id = match &row {
                Some(row) => {
                    tx.tx.execute(
                        "UPDATE inspections SET visit_date = ?2, place = ?3, updated_at = ?4 WHERE id = ?1",
                        params![row.id, date, place, now],
                    )?;
                    tx.tx
                        .execute("DELETE FROM inspection_members WHERE inspection_id = ?1", [row.id])?;
                    row.id
                }
                None => {
                    tx.tx.execute(
                        "INSERT INTO inspections (uid, round_id, application_id, visit_date, place, created_at, updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                        params![tx.new_uid(), round_id.0, app.id.0, date, place, now],
                    )?;
                    tx.tx.last_insert_rowid()
                }
            };
            for (expert, leader) in &team {
                tx.tx.execute(
                    "INSERT INTO inspection_members (inspection_id, expert_id, role) VALUES (?1, ?2, ?3)",
                    params![id, expert.id.0, if *leader { "leader" } else { "member" }],
                )?;
            }
            tx.audit_change(
                "inspection.team",
                "application",
                &app.uid.0,
                json!({}),
                before,
                json!({"leader": team[0].0.code, "members": team[1..].iter().map(|(e, _)| &e.code).collect::<Vec<_>>(),
                       "visit_date": date, "place": place}),
            )
        })?;
        self.inspection(round_id, &app.code)
    }

    /// Starts an application's inspection: the round's checklist is frozen with its SHA-256
    /// (the first start of the round freezes it) and answers may be recorded.
    pub fn start_inspection(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        application: &str,
    ) -> Result<InspectionView> {
        self.permits(actor)?;
        let round = self.round(round_id)?;
        let app = self.find_application(round_id, application)?;
        let row = self.inspection_row(app.id)?.ok_or_else(|| no_team(&app))?;
        refuse_finalised(&row, &app)?;
        self.check_inspector(actor, &row, &app)?;
        if row.status == InspectionStatus::InProgress {
            return self.inspection(round_id, &app.code);
        }
        let checklist = self.checklist(round_id)?;
        let sha = checklist
            .frozen_sha256
            .clone()
            .unwrap_or_else(|| checklist_sha256(&checklist.checklist));
        self.write(actor, |tx| {
            let now = tx.now();
            if checklist.frozen_sha256.is_none() {
                tx.tx.execute(
                    "UPDATE checklists SET frozen_sha256 = ?2, frozen_at = ?3 WHERE round_id = ?1",
                    params![round_id.0, sha, now],
                )?;
                tx.audit(
                    "checklist.freeze",
                    "round",
                    &round.uid.0,
                    json!({"checklist_sha256": sha}),
                )?;
            }
            tx.tx.execute(
                "UPDATE inspections SET status = 'in_progress', checklist_sha256 = ?2, started_at = ?3, updated_at = ?3
                 WHERE id = ?1",
                params![row.id, sha, now],
            )?;
            tx.audit(
                "inspection.start",
                "inspection",
                &row.uid,
                json!({"application": app.code, "checklist_sha256": sha}),
            )
        })?;
        self.inspection(round_id, &app.code)
    }

    /// The inspection of an application, whole. NOT_FOUND before its team is set.
    pub fn inspection(&self, round_id: RoundId, application: &str) -> Result<InspectionView> {
        let round = self.round(round_id)?;
        let app = self.find_application(round_id, application)?;
        let row = self.inspection_row(app.id)?.ok_or_else(|| no_team(&app))?;
        let checklist = self.checklist(round_id)?.checklist;
        let record = self.application_record(round_id, &app.code)?;
        let team: Vec<Inspector> = self
            .conn()
            .prepare(
                "SELECT e.code, e.name, e.employer, m.role = 'leader' FROM inspection_members m
                 JOIN experts e ON e.id = m.expert_id WHERE m.inspection_id = ?1
                 ORDER BY m.role = 'leader' DESC, e.code",
            )?
            .query_map([row.id], |r| {
                Ok(Inspector {
                    code: r.get(0)?,
                    name: r.get(1)?,
                    employer: r.get(2)?,
                    leader: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut answers: BTreeMap<String, (Answer, String, String)> = BTreeMap::new();
        {
            let mut stmt = self.conn().prepare(
                "SELECT item_code, status, value, text, note, updated_at, updated_by FROM inspection_answers
                 WHERE inspection_id = ?1",
            )?;
            let rows = stmt.query_map([row.id], |r| {
                let status: Option<String> = r.get(1)?;
                Ok((
                    r.get::<_, String>(0)?,
                    Answer {
                        status: status.as_deref().and_then(ItemStatus::parse),
                        value: r.get(2)?,
                        text: r.get(3)?,
                        note: r.get(4)?,
                        evidence: 0,
                    },
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                ))
            })?;
            for found in rows {
                let (code, answer, at, by) = found?;
                answers.insert(code, (answer, at, by));
            }
        }
        let evidence = self.evidence_of(row.id, row.visit_date.as_deref())?;
        let mut plain: BTreeMap<String, Answer> = BTreeMap::new();
        for item in checklist.items() {
            let mut answer = answers
                .get(&item.code)
                .map(|(a, _, _)| a.clone())
                .unwrap_or_default();
            answer.evidence = evidence.iter().filter(|e| e.item == item.code).count() as u32;
            plain.insert(item.code.clone(), answer);
        }
        let items = checklist
            .sections
            .iter()
            .flat_map(|section| section.items.iter().map(move |item| (section, item)))
            .map(|(section, item)| {
                let answer = plain[&item.code].clone();
                ItemView {
                    section: section.code.clone(),
                    declared: item.declared.map(|fact| declared(&record, fact)),
                    status: effective_status(item, &answer),
                    evidence: evidence
                        .iter()
                        .filter(|e| e.item == item.code)
                        .cloned()
                        .collect(),
                    updated_at: answers.get(&item.code).map(|(_, at, _)| at.clone()),
                    updated_by: answers.get(&item.code).map(|(_, _, by)| by.clone()),
                    item: item.clone(),
                    answer,
                }
            })
            .collect();
        let mut score = site_score(&checklist, &plain, self.site_factors(round_id)?);
        if let Some(centi) = row.site_score_centi {
            score.total = Points::from_centi(centi);
        }
        Ok(InspectionView {
            uid: row.uid,
            round: round.code,
            status: row.status,
            visit_date: row.visit_date,
            place: row.place,
            team,
            checklist_title: checklist.title.clone(),
            checklist_sha256: row.checklist_sha256,
            missing: missing(&checklist, &plain),
            discrepancies: discrepancies(&checklist, &record, &plain),
            items,
            site_score: score,
            started_at: row.started_at,
            finalised_at: row.finalised_at,
            finalised_by: row.finalised_by,
            application: app,
        })
    }

    fn evidence_of(&self, inspection: i64, visit_date: Option<&str>) -> Result<Vec<Evidence>> {
        let mut stmt = self.conn().prepare(
            "SELECT uid, item_code, file_name, media_type, size_bytes, sha256, captured_at, latitude, longitude,
                    added_by, added_at
             FROM inspection_evidence WHERE inspection_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([inspection], |r| {
            let captured_at: Option<String> = r.get(6)?;
            Ok(Evidence {
                uid: r.get(0)?,
                item: r.get(1)?,
                file_name: r.get(2)?,
                media_type: r.get(3)?,
                size_bytes: r.get::<_, i64>(4)? as u64,
                sha256: r.get(5)?,
                before_visit: match (&captured_at, visit_date) {
                    (Some(at), Some(date)) => at.get(..10).is_some_and(|day| day < date),
                    _ => false,
                },
                captured_at,
                latitude: r.get(7)?,
                longitude: r.get(8)?,
                added_by: r.get(9)?,
                added_at: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The inspections of a round, one line per application (none yet: no team set).
    pub fn list_inspections(&self, round_id: RoundId) -> Result<Vec<InspectionSummary>> {
        let items = self
            .checklist(round_id)
            .map(|c| c.checklist.items().count() as u32)
            .unwrap_or(0);
        let mut stmt = self.conn().prepare(
            "SELECT a.code, a.park_name, i.status,
                    (SELECT e.code || ' ' || e.name FROM inspection_members m JOIN experts e ON e.id = m.expert_id
                      WHERE m.inspection_id = i.id AND m.role = 'leader'),
                    (SELECT count(*) FROM inspection_members m WHERE m.inspection_id = i.id),
                    i.visit_date,
                    (SELECT count(*) FROM inspection_answers s WHERE s.inspection_id = i.id
                      AND (s.status IS NOT NULL OR s.value IS NOT NULL OR s.text != '')),
                    i.site_score_centi
             FROM applications a LEFT JOIN inspections i ON i.application_id = a.id
             WHERE a.round_id = ?1 ORDER BY a.registration_order",
        )?;
        let rows = stmt.query_map([round_id.0], |r| {
            let status: Option<String> = r.get(2)?;
            Ok(InspectionSummary {
                application: r.get(0)?,
                park_name: r.get(1)?,
                status: status.as_deref().map(InspectionStatus::parse),
                leader: r.get(3)?,
                members: r.get::<_, Option<u32>>(4)?.unwrap_or(0),
                visit_date: r.get(5)?,
                answered: r.get::<_, Option<u32>>(6)?.unwrap_or(0),
                items,
                site_score: r.get::<_, Option<i64>>(7)?.map(Points::from_centi),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// NOT_PERMITTED for an inspector who is not on the application's team (the secretariat
    /// may act for a team, e.g. entering a paper checklist).
    fn check_inspector(
        &self,
        actor: &Actor,
        row: &InspectionRow,
        app: &ApplicationSummary,
    ) -> Result<()> {
        if actor.role != Role::Inspection {
            return Ok(());
        }
        let member: bool = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM inspection_members m JOIN experts e ON e.id = m.expert_id
                            WHERE m.inspection_id = ?1 AND e.code = ?2)",
            params![row.id, actor.name],
            |r| r.get(0),
        )?;
        if member {
            Ok(())
        } else {
            Err(rule(
                ErrorCode::NotPermitted,
                format!(
                    "{} 不是申报 {} 考察组的成员，不能记录其考察情况。",
                    actor.name, app.code
                ),
            ))
        }
    }

    /// The inspection row, checked for a change by the team: started, not finalised.
    fn editable_inspection(&self, app: &ApplicationSummary) -> Result<InspectionRow> {
        let row = self.inspection_row(app.id)?.ok_or_else(|| no_team(app))?;
        refuse_finalised(&row, app)?;
        if row.status == InspectionStatus::Planned {
            return Err(rule(
                ErrorCode::InvalidTransition,
                format!(
                    "申报 {} 的实地考察尚未开始：请先开始考察（park-review inspection start），考察清单随之冻结。",
                    app.code
                ),
            ));
        }
        Ok(row)
    }

    /// Records (part of) one item's answer, in its own committed transaction: status, value,
    /// text, note — what is not given stays. Checked against the item (a status for a status
    /// item, a plausible number for a number item …).
    pub fn answer_item(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        application: &str,
        item_code: &str,
        input: &AnswerInput,
    ) -> Result<ItemView> {
        self.permits(actor)?;
        let app = self.find_application(round_id, application)?;
        let row = self.editable_inspection(&app)?;
        self.check_inspector(actor, &row, &app)?;
        let checklist = self.checklist(round_id)?.checklist;
        let item = checklist
            .item(item_code)
            .cloned()
            .ok_or_else(|| StoreError::NotFound {
                what: "考察项",
                key: item_code.to_owned(),
                hint: format!(
                    "考察清单中的考察项有：{}。",
                    checklist
                        .items()
                        .map(|i| i.code.as_str())
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            })?;
        let current: Answer = self
            .conn()
            .query_row(
                "SELECT status, value, text, note FROM inspection_answers WHERE inspection_id = ?1 AND item_code = ?2",
                params![row.id, item.code],
                |r| {
                    let status: Option<String> = r.get(0)?;
                    Ok(Answer {
                        status: status.as_deref().and_then(ItemStatus::parse),
                        value: r.get(1)?,
                        text: r.get(2)?,
                        note: r.get(3)?,
                        evidence: 0,
                    })
                },
            )
            .optional()?
            .unwrap_or_default();
        let next = Answer {
            status: input.status.or(current.status),
            value: input.value.or(current.value),
            text: input.text.clone().unwrap_or_else(|| current.text.clone()),
            note: input.note.clone().unwrap_or_else(|| current.note.clone()),
            evidence: 0,
        };
        // A status sent to a number item (or a value to a status item) is refused, whatever
        // was stored before.
        let sent = Answer {
            status: input.status,
            value: input.value,
            ..Answer::default()
        };
        check_answer(&item, &sent)?;
        check_answer(&item, &next)?;
        let by = actor.name.clone();
        self.write(actor, |tx| {
            let now = tx.now();
            tx.tx.execute(
                "INSERT INTO inspection_answers (inspection_id, item_code, status, value, text, note, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (inspection_id, item_code) DO UPDATE SET status = excluded.status, value = excluded.value,
                    text = excluded.text, note = excluded.note, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                params![row.id, item.code, next.status.map(ItemStatus::as_str), next.value, next.text, next.note, now, by],
            )?;
            tx.tx.execute(
                "UPDATE inspections SET updated_at = ?2 WHERE id = ?1",
                params![row.id, now],
            )?;
            let fields = |a: &Answer| {
                json!({"status": a.status.map(ItemStatus::as_str), "value": a.value, "text": a.text, "note": a.note})
            };
            tx.audit_change(
                "inspection.answer",
                "inspection",
                &row.uid,
                json!({"application": app.code, "item": item.code}),
                fields(&current),
                fields(&next),
            )
        })?;
        let view = self.inspection(round_id, &app.code)?;
        Ok(view
            .items
            .into_iter()
            .find(|i| i.item.code == item.code)
            .expect("the item answered is in the checklist"))
    }

    /// Attaches a photo (JPEG, PNG) or a document (PDF) to an item, stored by SHA-256 beside the
    /// database (never recompressed); `meta` is what the photo's EXIF says.
    #[allow(clippy::too_many_arguments)]
    pub fn attach_evidence(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        application: &str,
        item_code: &str,
        file_name: &str,
        bytes: &[u8],
        meta: &EvidenceMeta,
    ) -> Result<Evidence> {
        self.permits(actor)?;
        let app = self.find_application(round_id, application)?;
        let row = self.editable_inspection(&app)?;
        self.check_inspector(actor, &row, &app)?;
        let checklist = self.checklist(round_id)?.checklist;
        let item = checklist
            .item(item_code)
            .ok_or_else(|| StoreError::NotFound {
                what: "考察项",
                key: item_code.to_owned(),
                hint: "请用 `park-review inspection show` 查看考察项编号。".into(),
            })?;
        if bytes.is_empty() || bytes.len() as u64 > MAX_EVIDENCE_BYTES {
            return Err(rule(
                ErrorCode::OutOfRange,
                format!(
                    "文件“{file_name}”大小为 {} 字节：佐证材料须为 1 字节至 50 MB。",
                    bytes.len()
                ),
            ));
        }
        let media_type = crate::attachments::sniff_media_type(bytes).ok_or_else(|| {
            rule(
                ErrorCode::ImportMalformed,
                format!("文件“{file_name}”不是 JPEG、PNG 照片或 PDF 文件，不能作为佐证。"),
            )
        })?;
        let sha256 = park_review_domain::digest::sha256_hex(bytes);
        let path = self.attachments_dir().join(&sha256[..2]).join(&sha256);
        if !path.exists() {
            crate::write_atomically(&path, bytes).map_err(|e| {
                rule(
                    ErrorCode::Io,
                    format!("无法保存佐证“{file_name}”：{e}。已保存的数据不受影响。"),
                )
            })?;
        }
        let code = item.code.clone();
        let file_name = file_name.to_owned();
        let by = actor.name.clone();
        let uid = self.write(actor, |tx| {
            let uid = tx.new_uid();
            let now = tx.now();
            tx.tx
                .execute(
                    "INSERT INTO inspection_evidence (uid, inspection_id, item_code, file_name, media_type, size_bytes, sha256,
                                                      captured_at, latitude, longitude, added_by, added_at, thumbnail)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                    params![uid, row.id, code, file_name, media_type, bytes.len() as i64, sha256,
                            meta.captured_at, meta.latitude, meta.longitude, by, now, meta.thumbnail],
                )
                .map_err(|e| match e.sqlite_error_code() {
                    Some(rusqlite::ErrorCode::ConstraintViolation) => rule(
                        ErrorCode::DuplicateCode,
                        format!("同一文件已作为考察项 {code} 的佐证，无需重复添加。"),
                    ),
                    _ => e.into(),
                })?;
            tx.audit(
                "inspection.evidence",
                "inspection",
                &row.uid,
                json!({"application": app.code, "item": code, "file_name": file_name, "sha256": sha256,
                       "captured_at": meta.captured_at}),
            )?;
            Ok(uid)
        })?;
        self.evidence_of(row.id, row.visit_date.as_deref())?
            .into_iter()
            .find(|e| e.uid == uid)
            .ok_or_else(|| StoreError::Internal("佐证记录未找到".into()))
    }

    /// The small PNG of a photo made when it was attached (None for a document).
    pub fn evidence_thumbnail(&self, uid: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT thumbnail FROM inspection_evidence WHERE uid = ?1",
                [uid],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    /// One evidence file's bytes, checked against its SHA-256.
    pub fn read_evidence(&self, uid: &str) -> Result<(Evidence, Vec<u8>)> {
        let (inspection, visit): (i64, Option<String>) = self
            .conn()
            .query_row(
                "SELECT e.inspection_id, i.visit_date FROM inspection_evidence e JOIN inspections i ON i.id = e.inspection_id
                 WHERE e.uid = ?1",
                [uid],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "佐证",
                key: uid.to_owned(),
                hint: String::new(),
            })?;
        let evidence = self
            .evidence_of(inspection, visit.as_deref())?
            .into_iter()
            .find(|e| e.uid == uid)
            .ok_or_else(|| StoreError::Internal("佐证记录未找到".into()))?;
        let path = self
            .attachments_dir()
            .join(&evidence.sha256[..2])
            .join(&evidence.sha256);
        let bytes = std::fs::read(&path).map_err(|e| {
            rule(
                ErrorCode::Io,
                format!("无法读取佐证文件 {}：{e}", path.display()),
            )
        })?;
        if park_review_domain::digest::sha256_hex(&bytes) != evidence.sha256 {
            return Err(rule(
                ErrorCode::AttachmentTampered,
                format!(
                    "佐证文件“{}”与添加时记录的 SHA-256 不符：文件被改动过。",
                    evidence.file_name
                ),
            ));
        }
        Ok((evidence, bytes))
    }

    /// Finalises an inspection: every required item answered and its evidence present
    /// (INSPECTION_INCOMPLETE names what is missing); records the site score, which the ranking
    /// takes from then on (its hand-entered score, if any, is replaced and audited).
    pub fn finalise_inspection(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        application: &str,
    ) -> Result<InspectionView> {
        self.permits(actor)?;
        self.refuse_if_finalised(round_id)?;
        let app = self.find_application(round_id, application)?;
        let row = self.editable_inspection(&app)?;
        self.check_inspector(actor, &row, &app)?;
        let view = self.inspection(round_id, &app.code)?;
        if !view.missing.is_empty() {
            return Err(rule(
                ErrorCode::InspectionIncomplete,
                format!(
                    "申报 {} 的实地考察还不能定稿，尚缺：{}。",
                    app.code,
                    view.missing.join("、")
                ),
            ));
        }
        let score = view.site_score.total;
        let record_ref = format!("实地考察记录 {}", row.uid);
        self.write(actor, |tx| {
            let now = tx.now();
            tx.tx.execute(
                "UPDATE inspections SET status = 'finalised', finalised_at = ?2, finalised_by = ?3, site_score_centi = ?4,
                        updated_at = ?2 WHERE id = ?1",
                params![row.id, now, tx.actor_name().to_owned(), score.centi()],
            )?;
            tx.tx.execute(
                "INSERT INTO site_scores (uid, application_id, points_centi, record_ref, source, entered_by, entered_at)
                 VALUES (?1, ?2, ?3, ?4, 'inspection', ?5, ?6)
                 ON CONFLICT (application_id) DO UPDATE SET points_centi = excluded.points_centi,
                    record_ref = excluded.record_ref, source = 'inspection', entered_by = excluded.entered_by,
                    entered_at = excluded.entered_at",
                params![tx.new_uid(), app.id.0, score.centi(), record_ref, tx.actor_name().to_owned(), now],
            )?;
            tx.audit(
                "inspection.finalise",
                "inspection",
                &row.uid,
                json!({"application": app.code, "site_score": score, "discrepancies": view.discrepancies.len()}),
            )
        })?;
        self.inspection(round_id, &app.code)
    }

    /// Reopens a finalised inspection (the secretariat only, with a reason): its site score
    /// leaves the ranking until it is finalised again.
    pub fn reopen_inspection(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        application: &str,
        reason: &str,
    ) -> Result<InspectionView> {
        self.permits(actor)?;
        if actor.role != Role::Secretariat {
            return Err(rule(
                ErrorCode::NotPermitted,
                "只有秘书处可以退回已定稿的考察记录。".into(),
            ));
        }
        let reason = crate::access::require_reason(reason)?.to_owned();
        self.refuse_if_finalised(round_id)?;
        let app = self.find_application(round_id, application)?;
        let row = self.inspection_row(app.id)?.ok_or_else(|| no_team(&app))?;
        if row.status != InspectionStatus::Finalised {
            return Err(rule(
                ErrorCode::InvalidTransition,
                format!("申报 {} 的实地考察尚未定稿，无需退回。", app.code),
            ));
        }
        self.write(actor, |tx| {
            let now = tx.now();
            tx.tx.execute(
                "UPDATE inspections SET status = 'in_progress', finalised_at = NULL, finalised_by = NULL,
                        site_score_centi = NULL, updated_at = ?2 WHERE id = ?1",
                params![row.id, now],
            )?;
            tx.tx.execute(
                "DELETE FROM site_scores WHERE application_id = ?1 AND source = 'inspection'",
                [app.id.0],
            )?;
            tx.audit(
                "inspection.reopen",
                "inspection",
                &row.uid,
                json!({"application": app.code, "reason": reason, "site_score": row.site_score_centi.map(Points::from_centi)}),
            )
        })?;
        self.inspection(round_id, &app.code)
    }

    /// Records (or, with None, withdraws) a team member's dissent: printed beside the member's
    /// signature on the next record laid out. Only a member of the team (or the secretariat for
    /// them); any time before the record is countersigned.
    pub fn record_dissent(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        application: &str,
        member: &str,
        dissent: Option<&str>,
    ) -> Result<()> {
        self.permits(actor)?;
        let app = self.find_application(round_id, application)?;
        let row = self.inspection_row(app.id)?.ok_or_else(|| no_team(&app))?;
        self.check_inspector(actor, &row, &app)?;
        let expert = self.expert_by_code(member)?;
        let on_team: bool = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM inspection_members WHERE inspection_id = ?1 AND expert_id = ?2)",
            params![row.id, expert.id.0],
            |r| r.get(0),
        )?;
        if !on_team {
            return Err(rule(
                ErrorCode::NotPermitted,
                format!("专家 {} 不是申报 {} 考察组的成员。", expert.code, app.code),
            ));
        }
        let dissent = dissent
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_owned);
        self.write(actor, |tx| {
            let now = tx.now();
            match &dissent {
                Some(text) => tx.tx.execute(
                    "INSERT INTO inspection_dissents (inspection_id, expert_id, dissent, recorded_at) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (inspection_id, expert_id) DO UPDATE SET dissent = excluded.dissent, recorded_at = excluded.recorded_at",
                    params![row.id, expert.id.0, text, now],
                )?,
                None => tx.tx.execute(
                    "DELETE FROM inspection_dissents WHERE inspection_id = ?1 AND expert_id = ?2",
                    params![row.id, expert.id.0],
                )?,
            };
            tx.audit(
                "inspection.dissent",
                "inspection",
                &row.uid,
                json!({"application": app.code, "member": expert.code, "dissent": dissent}),
            )
        })
    }

    /// The dissents recorded for an inspection, by member code.
    pub fn inspection_dissents(
        &self,
        round_id: RoundId,
        application: &str,
    ) -> Result<BTreeMap<String, String>> {
        let app = self.find_application(round_id, application)?;
        let row = self.inspection_row(app.id)?.ok_or_else(|| no_team(&app))?;
        let rows = self
            .conn()
            .prepare(
                "SELECT e.code, d.dissent FROM inspection_dissents d JOIN experts e ON e.id = d.expert_id
                 WHERE d.inspection_id = ?1",
            )?
            .query_map([row.id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The newest signed revision of an application's inspection record, with who signed it
    /// (the document uid, signer's code, file SHA-256, the PDF), oldest signature first.
    pub fn inspection_record_signatures(
        &self,
        round_id: RoundId,
        application: &str,
    ) -> Result<Vec<RecordSignature>> {
        let app = self.find_application(round_id, application)?;
        let rows = self
            .conn()
            .prepare(
                "SELECT s.uid, e.code, s.file_sha256, s.pdf FROM signed_sheets s JOIN experts e ON e.id = s.expert_id
                 WHERE s.application_id = ?1 AND s.kind = 'inspection-record' ORDER BY s.id",
            )?
            .query_map([app.id.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Every discrepancy the round's inspections found, by application code (for the formal
    /// review, beside its clause, and the ranking).
    pub fn round_discrepancies(
        &self,
        round_id: RoundId,
    ) -> Result<BTreeMap<String, Vec<Discrepancy>>> {
        let codes: Vec<String> = self
            .conn()
            .prepare(
                "SELECT a.code FROM inspections i JOIN applications a ON a.id = i.application_id
                 WHERE i.round_id = ?1 AND EXISTS (SELECT 1 FROM inspection_answers s
                                                    WHERE s.inspection_id = i.id AND s.value IS NOT NULL)",
            )?
            .query_map([round_id.0], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = BTreeMap::new();
        for code in codes {
            let found = self.inspection(round_id, &code)?.discrepancies;
            if !found.is_empty() {
                out.insert(code, found);
            }
        }
        Ok(out)
    }

    /// SITE_SCORE_FROM_RECORD if the application's site score comes from a finalised
    /// inspection record (a hand-entered score is only for an inspection done on paper).
    pub(crate) fn refuse_if_recorded(&self, round: &Round, app: &ApplicationSummary) -> Result<()> {
        if let Some(row) = self.inspection_row(app.id)? {
            if row.status == InspectionStatus::Finalised {
                return Err(rule(
                    ErrorCode::SiteScoreFromRecord,
                    format!(
                        "申报 {} 的实地考察记录已定稿（{} 分），排名取自该记录，不能手工录入得分。如记录有误，请秘书处写明理由退回考察记录（批次 {}）。",
                        app.code,
                        Points::from_centi(row.site_score_centi.unwrap_or_default()),
                        round.code
                    ),
                ));
            }
        }
        Ok(())
    }
}

fn no_team(app: &ApplicationSummary) -> StoreError {
    StoreError::NotFound {
        what: "实地考察",
        key: app.code.clone(),
        hint: format!(
            "申报 {} 还没有考察组：请先用 `park-review inspection team set --round R --application {} --leader E` 组建考察组。",
            app.code, app.code
        ),
    }
}

fn refuse_finalised(row: &InspectionRow, app: &ApplicationSummary) -> Result<()> {
    if row.status == InspectionStatus::Finalised {
        return Err(rule(
            ErrorCode::InspectionFinalised,
            format!(
                "申报 {} 的实地考察已于 {} 定稿并锁定，不能再修改；如需更正，请秘书处写明理由退回。",
                app.code,
                row.finalised_at.clone().unwrap_or_default().replacen('T', " ", 1)
            ),
        ));
    }
    Ok(())
}

/// What an inspection record shows, as data: recorded when it is issued (and with each
/// countersignature), compared by `verify --db` with what the database holds then.
pub fn record_snapshot(
    view: &InspectionView,
    dissents: &BTreeMap<String, String>,
) -> serde_json::Value {
    json!({
        "rows": view.items.iter().map(|i| json!({
            "item": i.item.code,
            "status": i.status.map(ItemStatus::as_str),
            "value": i.answer.value,
            "text": i.answer.text,
            "note": i.answer.note,
            "evidence": i.evidence.iter().map(|e| &e.sha256).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "site_score": view.site_score.total,
        "team": view.team.iter().map(|m| &m.code).collect::<Vec<_>>(),
        "dissents": dissents,
        "finalised_at": view.finalised_at,
    })
}
