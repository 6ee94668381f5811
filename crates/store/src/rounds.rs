//! Rounds: create, list, and find one by whatever a user typed (code, year, uid or row id).

use park_review_domain::ids::{RoundId, Uid};
use park_review_domain::model::Round;
use park_review_domain::round::{round_code, round_title, validate_year};
use park_review_domain::{RoundKind, RoundStatus};
use rusqlite::{params, OptionalExtension, Row};
use serde_json::json;

use crate::error::{Result, StoreError};
use crate::{Store, WriteTx};

const ROUND_COLUMNS: &str = "id, uid, code, year, kind, status, title, created_at";

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
    })
}

impl Store {
    /// Creates a round in status draft. One round per year and kind, except the demo round.
    pub fn create_round(
        &mut self,
        actor: &crate::Actor,
        year: i32,
        kind: RoundKind,
    ) -> Result<Round> {
        validate_year(year)?;
        self.write(actor, |tx| {
            insert_round(
                tx,
                year,
                kind,
                &round_code(year, kind),
                &round_title(year, kind),
                false,
            )
        })
    }

    /// Every round, newest year first.
    pub fn list_rounds(&self) -> Result<Vec<Round>> {
        let mut stmt = self.conn().prepare(&format!(
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
                .query_row(
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
            .query_row(
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
            .query_row(
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
    tx.tx.execute(
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
    })
}
