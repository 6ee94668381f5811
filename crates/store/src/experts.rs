//! The expert registry (评审专家库) and each round's panel.

use park_review_domain::code::validate_code;
use park_review_domain::ids::{ExpertId, RoundId, Uid};
use park_review_domain::model::{Expert, ExpertRecord};
use park_review_domain::City;
use rusqlite::{params, OptionalExtension, Row};
use serde_json::json;

use crate::error::{Result, StoreError};
use crate::{Store, WriteTx};

fn expert_from_row(row: &Row<'_>) -> rusqlite::Result<Expert> {
    let city: Option<String> = row.get(4)?;
    Ok(Expert {
        id: ExpertId(row.get(0)?),
        uid: Uid(row.get(1)?),
        code: row.get(2)?,
        name: row.get(3)?,
        city: city.and_then(|c| City::parse(&c).ok()),
        employer: row.get(5)?,
        field: row.get(6)?,
        contact: row.get(7)?,
    })
}

const EXPERT_COLUMNS: &str = "e.id, e.uid, e.code, e.name, e.city, e.employer, e.field, e.contact";

pub(crate) fn expert_code_taken(tx: &WriteTx<'_>, code: &str) -> Result<bool> {
    Ok(tx
        .tx
        .query_row("SELECT 1 FROM experts WHERE code = ?1", [code], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Adds an expert to the registry and to a round's panel.
pub(crate) fn insert_panel_expert(
    tx: &mut WriteTx<'_>,
    round_id: RoundId,
    expert: &ExpertRecord,
) -> Result<ExpertId> {
    validate_code("code", &expert.code)?;
    if expert_code_taken(tx, &expert.code)? {
        return Err(StoreError::Conflict(format!(
            "专家编号“{}”已被专家库中的其他专家使用，请换一个编号。",
            expert.code
        )));
    }
    let uid = tx.new_uid();
    let now = tx.now();
    tx.tx.execute(
        "INSERT INTO experts (uid, code, name, employer, city, field, contact, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        params![
            uid,
            expert.code,
            expert.name,
            expert.employer,
            expert.city.map(City::code),
            expert.field,
            expert.contact,
            now
        ],
    )?;
    let id = tx.tx.last_insert_rowid();
    let member_uid = tx.new_uid();
    tx.tx.execute(
        "INSERT INTO round_experts (uid, round_id, expert_id, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![member_uid, round_id.0, id, now],
    )?;
    tx.audit(
        "expert.create",
        "expert",
        &uid,
        json!({"code": expert.code, "name": expert.name}),
    )?;
    tx.audit(
        "panel.add",
        "round_expert",
        &member_uid,
        json!({"round_id": round_id.0, "expert": expert.code}),
    )?;
    Ok(ExpertId(id))
}

impl Store {
    /// The experts on a round's panel, by code.
    pub fn list_panel(&self, round_id: RoundId) -> Result<Vec<Expert>> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {EXPERT_COLUMNS} FROM experts e
             JOIN round_experts m ON m.expert_id = e.id
             WHERE m.round_id = ?1 ORDER BY e.code"
        ))?;
        let experts = stmt
            .query_map([round_id.0], expert_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(experts)
    }
}
