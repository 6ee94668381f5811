//! A round's rubric (评分细则) and checklists (考察清单), stored as rows so that scores and
//! inspection items can reference single criteria and items.

use park_review_domain::ids::RoundId;
use park_review_domain::model::Rubric;
use park_review_domain::Points;
use rusqlite::params;
use serde_json::json;

use crate::error::Result;
use crate::CachedSql;
use crate::WriteTx;

/// The shipped 100-point designation rubric (`assets/rubrics/default-designation.json`,
/// embedded, so an installed program has it too).
const DEFAULT_RUBRIC: &str = include_str!("../../../assets/rubrics/default-designation.json");

/// The default rubric every new designation round starts with.
pub fn default_rubric() -> Rubric {
    park_review_domain::exchange::parse_rubric(DEFAULT_RUBRIC)
        .expect("the shipped rubric parses (checked by a test)")
}

pub(crate) fn insert_rubric(
    tx: &mut WriteTx<'_>,
    round_id: RoundId,
    rubric: &Rubric,
) -> Result<()> {
    let uid = tx.new_uid();
    let now = tx.now();
    tx.tx.execute_cached(
        "INSERT INTO rubrics (uid, round_id, title, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        params![uid, round_id.0, rubric.title, now],
    )?;
    let rubric_id = tx.tx.last_insert_rowid();
    let mut position = 0;
    for (section_position, section) in rubric.sections.iter().enumerate() {
        let section_uid = tx.new_uid();
        tx.tx.execute_cached(
            "INSERT INTO rubric_sections (uid, rubric_id, position, code, title) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![section_uid, rubric_id, section_position, section.code, section.title],
        )?;
        let section_id = tx.tx.last_insert_rowid();
        for criterion in &section.criteria {
            let criterion_uid = tx.new_uid();
            tx.tx.execute_cached(
                "INSERT INTO criteria (uid, rubric_id, section_id, position, code, title, guidance,
                                       max_points_centi, step_centi, bands, clauses, objective)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    criterion_uid,
                    rubric_id,
                    section_id,
                    position,
                    criterion.code,
                    criterion.title,
                    criterion.guidance,
                    criterion.max_points.centi(),
                    criterion.step.centi(),
                    serde_json::to_string(&criterion.bands).unwrap_or_else(|_| "[]".into()),
                    serde_json::to_string(&criterion.clauses).unwrap_or_else(|_| "[]".into()),
                    criterion.objective,
                ],
            )?;
            position += 1;
        }
    }
    tx.audit(
        "rubric.create",
        "rubric",
        &uid,
        json!({"round_id": round_id.0, "title": rubric.title, "max_total": rubric.max_total()}),
    )
}

/// A round's rubric as stored, with the row id of each criterion (by code).
#[derive(Debug, Clone)]
pub(crate) struct StoredRubric {
    pub rubric: Rubric,
    pub frozen_sha256: Option<String>,
    pub criterion_ids: Vec<(String, i64)>,
}

impl StoredRubric {
    pub(crate) fn criterion(
        &self,
        code: &str,
    ) -> Option<(i64, &park_review_domain::model::Criterion)> {
        let id = self
            .criterion_ids
            .iter()
            .find(|(c, _)| c == code.trim())
            .map(|(_, id)| *id)?;
        let criterion = self
            .rubric
            .sections
            .iter()
            .flat_map(|s| &s.criteria)
            .find(|c| c.code == code.trim())?;
        Some((id, criterion))
    }
}

pub(crate) fn load_rubric(
    conn: &rusqlite::Connection,
    round_id: RoundId,
) -> Result<Option<StoredRubric>> {
    use rusqlite::OptionalExtension;
    let Some((rubric_id, title, frozen_sha256)) = conn
        .query_row_cached(
            "SELECT id, title, frozen_sha256 FROM rubrics WHERE round_id = ?1",
            [round_id.0],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get(2)?)),
        )
        .optional()?
    else {
        return Ok(None);
    };
    let mut sections: Vec<(i64, park_review_domain::model::RubricSection)> = conn
        .prepare_cached(
            "SELECT id, code, title FROM rubric_sections WHERE rubric_id = ?1 ORDER BY position",
        )?
        .query_map([rubric_id], |r| {
            Ok((
                r.get(0)?,
                park_review_domain::model::RubricSection {
                    code: r.get(1)?,
                    title: r.get(2)?,
                    criteria: Vec::new(),
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut criterion_ids = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT id, section_id, code, title, guidance, max_points_centi, step_centi, bands, clauses, objective
         FROM criteria WHERE rubric_id = ?1 ORDER BY position",
    )?;
    let rows = stmt.query_map([rubric_id], |r| {
        let bands: String = r.get(7)?;
        let clauses: String = r.get(8)?;
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            park_review_domain::model::Criterion {
                code: r.get(2)?,
                title: r.get(3)?,
                guidance: r.get(4)?,
                max_points: park_review_domain::Points::from_centi(r.get(5)?),
                step: park_review_domain::Points::from_centi(r.get(6)?),
                bands: serde_json::from_str(&bands).unwrap_or_default(),
                clauses: serde_json::from_str(&clauses).unwrap_or_default(),
                objective: r.get(9)?,
            },
        ))
    })?;
    for row in rows {
        let (id, section_id, criterion) = row?;
        criterion_ids.push((criterion.code.clone(), id));
        if let Some((_, section)) = sections.iter_mut().find(|(sid, _)| *sid == section_id) {
            section.criteria.push(criterion);
        }
    }
    Ok(Some(StoredRubric {
        rubric: Rubric {
            title,
            sections: sections.into_iter().map(|(_, s)| s).collect(),
        },
        frozen_sha256,
        criterion_ids,
    }))
}

/// A round's rubric for the UI and the CLI.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RoundRubric {
    pub rubric: Rubric,
    /// Set once the round opened: the rubric can no longer change.
    pub frozen_sha256: Option<String>,
    pub max_total: Points,
    /// Problems that would stop the round from opening (empty when valid).
    pub problems: Vec<String>,
}

impl crate::Store {
    /// The round's rubric, or NOT_FOUND if it has none yet.
    pub fn rubric(&self, round_id: RoundId) -> Result<RoundRubric> {
        let stored = load_rubric(self.conn(), round_id)?.ok_or_else(|| {
            crate::StoreError::NotFound {
                what: "评分细则",
                key: round_id.to_string(),
                hint: "本批次还没有评分细则：请用 `park-review rubric import F --round R` 导入，或在“评分细则”页导入。".into(),
            }
        })?;
        Ok(RoundRubric {
            max_total: stored.rubric.max_total(),
            problems: park_review_domain::rubric::rubric_problems(&stored.rubric),
            rubric: stored.rubric,
            frozen_sha256: stored.frozen_sha256,
        })
    }

    /// Replaces the round's rubric while the round is a draft (RUBRIC_FROZEN afterwards).
    /// Puts the default rubric back (恢复默认), while the round is a draft.
    pub fn restore_default_rubric(
        &mut self,
        actor: &crate::Actor,
        round_id: RoundId,
    ) -> Result<RoundRubric> {
        self.replace_rubric(actor, round_id, &default_rubric())
    }

    /// Copies another round's rubric (复制往年细则) into this draft round: the criteria, their
    /// points, bands and clauses, to adjust and then freeze when the round opens.
    pub fn copy_rubric(
        &mut self,
        actor: &crate::Actor,
        round_id: RoundId,
        from: RoundId,
    ) -> Result<RoundRubric> {
        if from == round_id {
            return Err(crate::error::StoreError::Rule {
                code: park_review_domain::ErrorCode::NotPermitted,
                message: "不能从本批次复制评分细则：请选择另一个批次。".into(),
            });
        }
        let source = self.round(from)?;
        let rubric = load_rubric(self.conn(), from)?
            .ok_or_else(|| crate::error::StoreError::NotFound {
                what: "评分细则",
                key: source.code.clone(),
                hint: format!("批次 {} 没有评分细则，无从复制。", source.code),
            })?
            .rubric;
        self.replace_rubric(actor, round_id, &rubric)
    }

    pub fn replace_rubric(
        &mut self,
        actor: &crate::Actor,
        round_id: RoundId,
        rubric: &Rubric,
    ) -> Result<RoundRubric> {
        self.permits(actor)?;
        // The 100-point total is checked when the round opens (open_round), not on every save.
        park_review_domain::rubric::validate_rubric_draft(rubric)?;
        let round = self.round(round_id)?;
        refuse_if_frozen(&round)?;
        self.write(actor, |tx| {
            let old: Option<String> = {
                use rusqlite::OptionalExtension;
                tx.tx
                    .query_row_cached(
                        "SELECT uid FROM rubrics WHERE round_id = ?1",
                        [round_id.0],
                        |r| r.get(0),
                    )
                    .optional()?
            };
            if let Some(old) = old {
                tx.tx
                    .execute_cached("DELETE FROM rubrics WHERE round_id = ?1", [round_id.0])?;
                tx.audit(
                    "rubric.replace",
                    "rubric",
                    &old,
                    json!({"round": round.code}),
                )?;
            }
            insert_rubric(tx, round_id, rubric)
        })?;
        self.rubric(round_id)
    }
}

pub(crate) fn refuse_if_frozen(round: &park_review_domain::model::Round) -> Result<()> {
    if round.status != park_review_domain::RoundStatus::Draft || round.rubric_sha256.is_some() {
        return Err(crate::StoreError::Rule {
            code: park_review_domain::ErrorCode::RubricFrozen,
            message: format!(
                "批次 {} 的状态为“{}”，评分细则已冻结（SHA-256 {}），不能再修改。",
                round.code,
                round.status.name_zh(),
                round.rubric_sha256.as_deref().unwrap_or("—")
            ),
        });
    }
    Ok(())
}
