//! Rounds: create, list, and find one by whatever a user typed (code, year, uid or row id).

use park_review_domain::ids::{RoundId, Uid};
use park_review_domain::model::Round;
use park_review_domain::round::{round_code, round_title, validate_year};
use park_review_domain::{RoundKind, RoundStatus};
use rusqlite::{params, OptionalExtension, Row};
use serde_json::json;

use crate::error::{Result, StoreError};
use crate::CachedSql;
use crate::{Store, WriteTx};

const ROUND_COLUMNS: &str = "id, uid, code, year, kind, status, title, created_at,
     experts_per_application, recuse_same_city,
     (SELECT frozen_sha256 FROM rubrics WHERE rubrics.round_id = rounds.id), supplementary_reason";

fn round_from_row(row: &Row<'_>) -> rusqlite::Result<Round> {
    let kind: String = row.get(4)?;
    let status: String = row.get(5)?;
    Ok(Round {
        id: RoundId(row.get(0)?),
        uid: Uid(row.get(1)?),
        code: row.get(2)?,
        year: row.get(3)?,
        // The CHECK constraints of the schema guarantee these parse.
        kind: RoundKind::parse(&kind).unwrap_or(RoundKind::Designation),
        status: RoundStatus::parse(&status).unwrap_or(RoundStatus::Draft),
        title: row.get(6)?,
        created_at: row.get(7)?,
        experts_per_application: row.get(8)?,
        recuse_same_city: row.get(9)?,
        rubric_sha256: row.get(10)?,
        supplementary_reason: row.get(11)?,
    })
}

impl Store {
    /// A supplementary round (补充批次) of a year whose regular round of that kind exists: P1 says
    /// 原则上每年集中申报1次 — in principle one application window a year — so another needs its
    /// reason, recorded with the round and in the audit log. Its code is the regular one with
    /// `-B2`, `-B3`…; P2 counts a city's applications across the year's rounds.
    pub fn create_supplementary_round(
        &mut self,
        actor: &crate::Actor,
        year: i32,
        kind: RoundKind,
        reason: &str,
    ) -> Result<Round> {
        self.permits(actor)?;
        validate_year(year)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(park_review_domain::DomainError::OutOfRange {
                field: "补充批次的理由".into(),
                value: "（空）".into(),
                rule: "申报指南规定“原则上每年集中申报1次”，补充批次须写明理由".into(),
            }
            .into());
        }
        park_review_domain::input::check_text("补充批次的理由", reason, true)?;
        let siblings: i64 = self.conn().query_row_cached(
            "SELECT count(*) FROM rounds WHERE year = ?1 AND kind = ?2 AND is_demo = 0",
            params![year, kind.as_str()],
            |r| r.get(0),
        )?;
        if siblings == 0 {
            return Err(StoreError::Rule {
                code: park_review_domain::ErrorCode::InvalidTransition,
                message: format!(
                    "{year} 年还没有{}批次：请先创建当年的批次，补充批次只在其后开设。",
                    kind.name_zh()
                ),
            });
        }
        let code = format!("{}-B{}", round_code(year, kind), siblings + 1);
        let title = format!("{}（补充批次）", round_title(year, kind));
        self.write(actor, |tx| {
            let uid = tx.new_uid();
            let now = tx.now();
            tx.tx.execute_cached(
                "INSERT INTO rounds (uid, code, year, kind, title, is_demo, supplementary_reason, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7, ?7)",
                params![uid, code, year, kind.as_str(), title, reason, now],
            )?;
            let id = RoundId(tx.tx.last_insert_rowid());
            tx.audit(
                "round.create",
                "round",
                &uid,
                json!({"code": code, "year": year, "kind": kind.as_str(), "supplementary_reason": reason}),
            )?;
            if kind == RoundKind::Designation {
                crate::inspection::insert_checklist(tx, id, &crate::inspection::default_checklist())?;
            }
            Ok(())
        })?;
        self.find_round(&code)
    }

    /// Creates a round in status draft. One round per year and kind, except the demo round.
    pub fn create_round(
        &mut self,
        actor: &crate::Actor,
        year: i32,
        kind: RoundKind,
    ) -> Result<Round> {
        self.permits(actor)?;
        validate_year(year)?;
        self.write(actor, |tx| {
            let round = insert_round(
                tx,
                year,
                kind,
                &round_code(year, kind),
                &round_title(year, kind),
                false,
            )?;
            // Every designation round starts with the shipped rubric and site checklist (both
            // editable while a draft; the rubric page offers 恢复默认).
            if kind == RoundKind::Designation {
                crate::catalog::insert_rubric(tx, round.id, &crate::catalog::default_rubric())?;
                crate::inspection::insert_checklist(
                    tx,
                    round.id,
                    &crate::inspection::default_checklist(),
                )?;
            }
            Ok(round)
        })
    }

    /// Every round, newest year first.
    pub fn list_rounds(&self) -> Result<Vec<Round>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {ROUND_COLUMNS} FROM rounds ORDER BY year DESC, is_demo ASC, id DESC"
        ))?;
        let rounds = stmt
            .query_map([], round_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rounds)
    }

    /// Finds a round by code (`2026-SB`), uid, row id, or a year that has exactly one round.
    pub fn find_round(&self, key: &str) -> Result<Round> {
        let key = key.trim();
        let by = |column: &str, value: &dyn rusqlite::ToSql| -> Result<Option<Round>> {
            Ok(self
                .conn()
                .query_row_cached(
                    &format!("SELECT {ROUND_COLUMNS} FROM rounds WHERE {column} = ?1"),
                    [value],
                    round_from_row,
                )
                .optional()?)
        };
        if let Some(round) = by("code", &key.to_ascii_uppercase())? {
            return Ok(round);
        }
        if let Some(round) = by("uid", &key.to_ascii_lowercase())? {
            return Ok(round);
        }
        if let Ok(number) = key.parse::<i64>() {
            let of_year: Vec<Round> = self
                .list_rounds()?
                .into_iter()
                .filter(|r| i64::from(r.year) == number)
                .collect();
            match of_year.len() {
                1 => return Ok(of_year.into_iter().next().unwrap()),
                0 => {}
                _ => {
                    let codes: Vec<_> = of_year.iter().map(|r| r.code.as_str()).collect();
                    return Err(StoreError::NotFound {
                        what: "批次",
                        key: key.to_owned(),
                        hint: format!("{key} 年有多个批次，请用编号指定：{}。", codes.join("、")),
                    });
                }
            }
            if let Some(round) = by("id", &number)? {
                return Ok(round);
            }
        }
        Err(StoreError::NotFound {
            what: "批次",
            key: key.to_owned(),
            hint: "请用 `park-review round list` 查看已有批次的编号，例如 2026-SB。".into(),
        })
    }

    pub fn round(&self, id: RoundId) -> Result<Round> {
        self.conn()
            .query_row_cached(
                &format!("SELECT {ROUND_COLUMNS} FROM rounds WHERE id = ?1"),
                [id.0],
                round_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "批次",
                key: id.to_string(),
                hint: String::new(),
            })
    }
}

pub(crate) fn insert_round(
    tx: &mut WriteTx<'_>,
    year: i32,
    kind: RoundKind,
    code: &str,
    title: &str,
    is_demo: bool,
) -> Result<Round> {
    if !is_demo {
        let existing: Option<String> = tx
            .tx
            .query_row_cached(
                "SELECT code FROM rounds WHERE year = ?1 AND kind = ?2 AND is_demo = 0",
                params![year, kind.as_str()],
                |row| row.get(0),
            )
            .optional()?;
        if let Some(code) = existing {
            return Err(StoreError::RoundExists {
                year,
                kind: kind.name_zh(),
                code,
            });
        }
    }
    let uid = tx.new_uid();
    let now = tx.now();
    tx.tx.execute_cached(
        "INSERT INTO rounds (uid, code, year, kind, title, is_demo, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        params![uid, code, year, kind.as_str(), title, is_demo, now],
    )?;
    let id = RoundId(tx.tx.last_insert_rowid());
    tx.audit(
        "round.create",
        "round",
        &uid,
        json!({"code": code, "year": year, "kind": kind.as_str()}),
    )?;
    Ok(Round {
        id,
        uid: Uid(uid),
        code: code.to_owned(),
        year,
        kind,
        status: RoundStatus::Draft,
        title: title.to_owned(),
        created_at: now,
        experts_per_application: park_review_domain::assignment::DEFAULT_PER_APPLICATION,
        recuse_same_city: true,
        rubric_sha256: None,
        supplementary_reason: None,
    })
}

/// What opening a round recorded.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RoundOpened {
    pub round: Round,
    pub rubric_sha256: String,
}

impl Store {
    /// Opens a draft round: checks its rubric and freezes it, recording its SHA-256.
    pub fn open_round(&mut self, actor: &crate::Actor, round_id: RoundId) -> Result<RoundOpened> {
        self.permits(actor)?;
        let round = self.round(round_id)?;
        round.status.transition_to(RoundStatus::Open)?;
        let stored = crate::catalog::load_rubric(self.conn(), round_id)?.ok_or_else(|| {
            StoreError::Rule {
                code: park_review_domain::ErrorCode::InvalidRubric,
                message: format!(
                    "批次 {} 还没有评分细则，不能开始评审。请先导入评分细则。",
                    round.code
                ),
            }
        })?;
        park_review_domain::rubric::validate_rubric(&stored.rubric)?;
        let sha = park_review_domain::rubric::rubric_sha256(&stored.rubric);
        self.write(actor, |tx| {
            let now = tx.now();
            tx.tx.execute_cached(
                "UPDATE rubrics SET frozen_sha256 = ?2, frozen_at = ?3, updated_at = ?3 WHERE round_id = ?1",
                params![round_id.0, sha, now],
            )?;
            tx.tx.execute_cached(
                "UPDATE rounds SET status = 'open', updated_at = ?2 WHERE id = ?1",
                params![round_id.0, now],
            )?;
            tx.audit(
                "round.open",
                "round",
                &round.uid.0,
                json!({"code": round.code, "rubric_sha256": sha}),
            )
        })?;
        Ok(RoundOpened {
            round: self.round(round_id)?,
            rubric_sha256: sha,
        })
    }

    /// Closes an open round: no more scoring.
    pub fn close_round(&mut self, actor: &crate::Actor, round_id: RoundId) -> Result<Round> {
        self.permits(actor)?;
        let round = self.round(round_id)?;
        round.status.transition_to(RoundStatus::Closed)?;
        self.write(actor, |tx| {
            let now = tx.now();
            tx.tx.execute_cached(
                "UPDATE rounds SET status = 'closed', updated_at = ?2 WHERE id = ?1",
                params![round_id.0, now],
            )?;
            tx.audit(
                "round.close",
                "round",
                &round.uid.0,
                json!({"code": round.code}),
            )
        })?;
        self.round(round_id)
    }

    /// Deletes a round that is still a draft, or a demo round (one loaded by mistake into the
    /// real database), with everything it holds; the reason and what was removed go to the audit
    /// log, which keeps the round's history. A round that opened is part of the record:
    /// NOT_PERMITTED.
    pub fn delete_round(
        &mut self,
        actor: &crate::Actor,
        round_id: RoundId,
        reason: &str,
    ) -> Result<Round> {
        self.permits(actor)?;
        let round = self.round(round_id)?;
        let reason = crate::access::require_reason(reason)?;
        let is_demo: bool = self.conn().query_row_cached(
            "SELECT is_demo FROM rounds WHERE id = ?1",
            [round_id.0],
            |r| r.get(0),
        )?;
        if round.status != RoundStatus::Draft && !is_demo {
            return Err(StoreError::Rule {
                code: park_review_domain::ErrorCode::NotPermitted,
                message: format!(
                    "批次 {} 已{}，是评审记录的一部分，不能删除；只有草稿批次和示例批次可以删除。",
                    round.code,
                    if round.status == RoundStatus::Open {
                        "开始评审"
                    } else {
                        "结束"
                    }
                ),
            });
        }
        let count = |table: &str| -> Result<i64> {
            Ok(self.conn().query_row_cached(
                &format!("SELECT count(*) FROM {table} WHERE round_id = ?1"),
                [round_id.0],
                |r| r.get(0),
            )?)
        };
        let applications = count("applications")?;
        let assignments = count("assignments")?;
        // A demo round the visitor published put its parks in the register, and the demo's
        // completed round came with parks designated before it (migration 22): they are the
        // demo's, and go with it (a real round that could be published never gets here, and a
        // park a secretariat entered belongs to no round).
        let designated: i64 = self.conn().query_row_cached(
            "SELECT count(*) FROM designated_parks WHERE round_id = ?1 OR demo_round_id = ?1",
            [round_id.0],
            |r| r.get(0),
        )?;
        self.write(actor, |tx| {
            tx.tx.execute_cached(
                "DELETE FROM designated_parks WHERE round_id = ?1 OR demo_round_id = ?1",
                [round_id.0],
            )?;
            // Everything the round holds goes with it (ON DELETE CASCADE); a real round that
            // could hold a finalised ranking never gets here (only drafts and demos do).
            tx.tx
                .execute_cached("DELETE FROM rounds WHERE id = ?1", [round_id.0])?;
            tx.audit(
                "round.delete",
                "round",
                &round.uid.0,
                json!({
                    "code": round.code,
                    "title": round.title,
                    "status": round.status.as_str(),
                    "demo": is_demo,
                    "reason": reason,
                    "applications": applications,
                    "assignments": assignments,
                    "designated_parks": designated,
                }),
            )
        })?;
        Ok(round)
    }

    /// Sets how many experts review each application and whether same-city experts are
    /// recused. Existing assignments stay; the assignment board flags any that now conflict.
    pub fn set_review_settings(
        &mut self,
        actor: &crate::Actor,
        round_id: RoundId,
        experts_per_application: u32,
        recuse_same_city: bool,
    ) -> Result<Round> {
        self.permits(actor)?;
        let round = self.round(round_id)?;
        if !(1..=50).contains(&experts_per_application) {
            return Err(park_review_domain::DomainError::OutOfRange {
                field: "每个申报的评审专家人数".into(),
                value: experts_per_application.to_string(),
                rule: "须在 1 到 50 之间".into(),
            }
            .into());
        }
        if round.status == RoundStatus::Closed {
            return Err(park_review_domain::DomainError::InvalidTransition {
                from: round.status.name_zh(),
                to: round.status.name_zh(),
            }
            .into());
        }
        self.write(actor, |tx| {
            let now = tx.now();
            tx.tx.execute_cached(
                "UPDATE rounds SET experts_per_application = ?2, recuse_same_city = ?3, updated_at = ?4 WHERE id = ?1",
                params![round_id.0, experts_per_application, recuse_same_city, now],
            )?;
            tx.audit_change(
                "round.review_settings",
                "round",
                &round.uid.0,
                json!({}),
                json!({"experts_per_application": round.experts_per_application, "recuse_same_city": round.recuse_same_city}),
                json!({"experts_per_application": experts_per_application, "recuse_same_city": recuse_same_city}),
            )
        })?;
        self.round(round_id)
    }
}
