//! The expert registry (评审专家库) and each round's panel.

use park_review_domain::code::validate_code;
use park_review_domain::exchange::FieldProblem;
use park_review_domain::ids::{ExpertId, RoundId, Uid};
use park_review_domain::model::{Expert, ExpertRecord};
use park_review_domain::{City, Coded, DomainError, ErrorCode};
use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use crate::error::{Result, StoreError};
use crate::CachedSql;
use crate::{Actor, Store, WriteTx};

fn expert_from_row(row: &Row<'_>) -> rusqlite::Result<Expert> {
    let city: Option<String> = row.get(4)?;
    let relations: String = row.get(9)?;
    Ok(Expert {
        id: ExpertId(row.get(0)?),
        uid: Uid(row.get(1)?),
        code: row.get(2)?,
        name: row.get(3)?,
        city: city.and_then(|c| City::parse(&c).ok()),
        employer: row.get(5)?,
        field: row.get(6)?,
        contact: row.get(7)?,
        employer_credit_code: row.get(8)?,
        relations: serde_json::from_str(&relations).unwrap_or_default(),
    })
}

pub(crate) const EXPERT_COLUMNS: &str = "e.id, e.uid, e.code, e.name, e.city, e.employer, e.field, e.contact, e.employer_credit_code, e.relations";

pub(crate) fn expert_code_taken(tx: &WriteTx<'_>, code: &str) -> Result<bool> {
    Ok(tx
        .tx
        .query_row_cached("SELECT 1 FROM experts WHERE code = ?1", [code], |_| Ok(()))
        .optional()?
        .is_some())
}

/// What adding an expert to a panel did.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ExpertAdded {
    pub code: String,
    pub name: String,
    /// The expert was new to the registry (otherwise their details were updated).
    pub new_in_registry: bool,
    /// The expert was already on the round's panel.
    pub already_on_panel: bool,
}

/// Checks one expert record: the problems in the import format's field names.
pub fn expert_problems(index: usize, e: &ExpertRecord) -> Vec<FieldProblem> {
    let record = if e.code.trim().is_empty() {
        format!("第 {} 位专家", index + 1)
    } else {
        format!("专家 {}", e.code.trim())
    };
    let mut problems = Vec::new();
    let mut push = |field: &str, code: ErrorCode, message: String| {
        problems.push(FieldProblem {
            record: record.clone(),
            field: field.to_owned(),
            code,
            message,
        });
    };
    if let Err(err) = validate_code("code", &e.code) {
        push("code", err.code(), err.to_string());
    }
    for (field, text, multiline) in park_review_domain::input::texts_of(e) {
        if let Err(err) = park_review_domain::input::check_text("", &text, multiline) {
            push(&field, err.code(), err.to_string());
        }
    }
    if e.name.trim().is_empty() {
        push("name", ErrorCode::ImportMalformed, "缺少专家姓名".into());
    }
    if e.employer.trim().is_empty() {
        push(
            "employer",
            ErrorCode::ImportMalformed,
            "缺少工作单位（回避审查需要）".into(),
        );
    }
    let credit = e.employer_credit_code.trim();
    if !credit.is_empty() {
        if let Err(err) = park_review_domain::credit_code::validate(credit) {
            push("employer_credit_code", err.code(), err.to_string());
        }
    }
    problems
}

/// Adds an expert to the registry (or updates the one with this code and name) and to a
/// round's panel.
pub(crate) fn upsert_panel_expert(
    tx: &mut WriteTx<'_>,
    round_id: RoundId,
    expert: &ExpertRecord,
) -> Result<ExpertAdded> {
    let problems = expert_problems(0, expert);
    if !problems.is_empty() {
        return Err(StoreError::Invalid(problems));
    }
    let code = expert.code.trim();
    let existing: Option<(i64, String, String, serde_json::Value)> = tx
        .tx
        .query_row_cached(
            "SELECT id, uid, name, employer, city, field, contact, employer_credit_code, relations
             FROM experts WHERE code = ?1",
            [code],
            |r| {
                let city: Option<String> = r.get(4)?;
                let relations: String = r.get(8)?;
                let before = json!({
                    "employer": r.get::<_, String>(3)?,
                    "city": city.and_then(|c| City::parse(&c).ok()).map(City::name_zh),
                    "field": r.get::<_, String>(5)?,
                    "contact": r.get::<_, String>(6)?,
                    "employer_credit_code": r.get::<_, String>(7)?,
                    "relations": serde_json::from_str::<serde_json::Value>(&relations).unwrap_or_default(),
                });
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, before))
            },
        )
        .optional()?;
    let now = tx.now();
    let relations = serde_json::to_string(&expert.relations).unwrap_or_else(|_| "[]".into());
    let (id, new_in_registry) = match existing {
        Some((_, _, name, _)) if name.trim() != expert.name.trim() => {
            return Err(StoreError::Conflict(format!(
                "专家编号“{code}”已被专家库中的“{name}”使用，请换一个编号。"
            )));
        }
        Some((id, uid, _, before)) => {
            tx.tx.execute_cached(
                "UPDATE experts SET employer = ?2, city = ?3, field = ?4, contact = ?5,
                        employer_credit_code = ?6, relations = ?7, updated_at = ?8
                 WHERE id = ?1",
                params![
                    id,
                    expert.employer.trim(),
                    expert.city.map(City::code),
                    expert.field.trim(),
                    expert.contact.trim(),
                    expert.employer_credit_code.trim(),
                    relations,
                    now
                ],
            )?;
            tx.audit_change(
                "expert.update",
                "expert",
                &uid,
                json!({"code": code}),
                before,
                json!({
                    "employer": expert.employer.trim(),
                    "city": expert.city.map(City::name_zh),
                    "field": expert.field.trim(),
                    "contact": expert.contact.trim(),
                    "employer_credit_code": expert.employer_credit_code.trim(),
                    "relations": expert.relations,
                }),
            )?;
            (id, false)
        }
        None => {
            let uid = tx.new_uid();
            tx.tx.execute_cached(
                "INSERT INTO experts (uid, code, name, employer, city, field, contact,
                                      employer_credit_code, relations, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
                params![
                    uid,
                    code,
                    expert.name.trim(),
                    expert.employer.trim(),
                    expert.city.map(City::code),
                    expert.field.trim(),
                    expert.contact.trim(),
                    expert.employer_credit_code.trim(),
                    relations,
                    now
                ],
            )?;
            let id = tx.tx.last_insert_rowid();
            tx.audit(
                "expert.create",
                "expert",
                &uid,
                json!({"code": code, "name": expert.name}),
            )?;
            (id, true)
        }
    };
    let already_on_panel = tx
        .tx
        .query_row_cached(
            "SELECT 1 FROM round_experts WHERE round_id = ?1 AND expert_id = ?2",
            params![round_id.0, id],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if !already_on_panel {
        let member_uid = tx.new_uid();
        tx.tx.execute_cached(
            "INSERT INTO round_experts (uid, round_id, expert_id, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![member_uid, round_id.0, id, now],
        )?;
        tx.audit(
            "panel.add",
            "round_expert",
            &member_uid,
            json!({"round_id": round_id.0, "expert": code}),
        )?;
    }
    Ok(ExpertAdded {
        code: code.to_owned(),
        name: expert.name.trim().to_owned(),
        new_in_registry,
        already_on_panel,
    })
}

impl Store {
    /// The experts on a round's panel, by code.
    pub fn list_panel(&self, round_id: RoundId) -> Result<Vec<Expert>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {EXPERT_COLUMNS} FROM experts e
             JOIN round_experts m ON m.expert_id = e.id
             WHERE m.round_id = ?1 ORDER BY e.code"
        ))?;
        let experts = stmt
            .query_map([round_id.0], expert_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(experts)
    }

    /// Every expert of the registry (评审专家库), of any round, by code: whom an inspection
    /// team can be made of.
    pub fn list_registry(&self) -> Result<Vec<Expert>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {EXPERT_COLUMNS} FROM experts e ORDER BY e.code"
        ))?;
        let experts = stmt
            .query_map([], expert_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(experts)
    }

    /// An expert of the registry (any round) by code.
    pub fn expert_by_code(&self, code: &str) -> Result<Expert> {
        self.conn()
            .query_row_cached(
                &format!("SELECT {EXPERT_COLUMNS} FROM experts e WHERE e.code = ?1 OR e.code = upper(?1)"),
                [code.trim()],
                expert_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "评审专家",
                key: code.to_owned(),
                hint: "请用 `park-review expert list --round R` 查看专家编号。".into(),
            })
    }

    /// A panel expert by code (or row id).
    pub fn find_panel_expert(&self, round_id: RoundId, key: &str) -> Result<Expert> {
        let key = key.trim();
        self.conn()
            .query_row_cached(
                &format!(
                    "SELECT {EXPERT_COLUMNS} FROM experts e
                     JOIN round_experts m ON m.expert_id = e.id
                     WHERE m.round_id = ?1 AND (e.code = ?2 OR e.code = upper(?2) OR CAST(e.id AS TEXT) = ?2)"
                ),
                params![round_id.0, key],
                expert_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "评审专家",
                key: key.to_owned(),
                hint: "该专家不在本批次的专家名单中；请用 `park-review expert list --round R` 查看。"
                    .into(),
            })
    }

    /// Adds (or updates) experts and puts them on the round's panel, all or nothing.
    pub fn add_experts(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        experts: &[ExpertRecord],
    ) -> Result<Vec<ExpertAdded>> {
        self.permits(actor)?;
        let mut problems = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (i, e) in experts.iter().enumerate() {
            problems.extend(expert_problems(i, e));
            if !seen.insert(e.code.trim().to_owned()) {
                problems.push(FieldProblem {
                    record: format!("专家 {}", e.code.trim()),
                    field: "code".into(),
                    code: ErrorCode::DuplicateCode,
                    message: DomainError::DuplicateCode(e.code.trim().to_owned()).to_string(),
                });
            }
        }
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        if experts.is_empty() {
            return Ok(Vec::new());
        }
        self.round(round_id)?;
        self.write(actor, |tx| {
            experts
                .iter()
                .map(|e| upsert_panel_expert(tx, round_id, e))
                .collect()
        })
    }
}
