//! A round's rubric (评分细则) and checklists (考察清单), stored as rows so that scores and
//! inspection items can reference single criteria and items.

use park_review_domain::ids::RoundId;
use park_review_domain::model::{Checklist, Rubric};
use rusqlite::params;
use serde_json::json;

use crate::error::Result;
use crate::WriteTx;

/// Points are stored as integer hundredths so that sums are exact.
pub(crate) fn to_centi(points: f64) -> i64 {
    (points * 100.0).round() as i64
}

pub(crate) fn insert_rubric(
    tx: &mut WriteTx<'_>,
    round_id: RoundId,
    rubric: &Rubric,
) -> Result<()> {
    let uid = tx.new_uid();
    let now = tx.now();
    tx.tx.execute(
        "INSERT INTO rubrics (uid, round_id, title, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        params![uid, round_id.0, rubric.title, now],
    )?;
    let rubric_id = tx.tx.last_insert_rowid();
    let mut position = 0;
    for (section_position, section) in rubric.sections.iter().enumerate() {
        let section_uid = tx.new_uid();
        tx.tx.execute(
            "INSERT INTO rubric_sections (uid, rubric_id, position, code, title) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![section_uid, rubric_id, section_position, section.code, section.title],
        )?;
        let section_id = tx.tx.last_insert_rowid();
        for criterion in &section.criteria {
            let criterion_uid = tx.new_uid();
            tx.tx.execute(
                "INSERT INTO criteria (uid, rubric_id, section_id, position, code, title, guidance,
                                       max_points_centi, step_centi, bands, clauses)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    criterion_uid,
                    rubric_id,
                    section_id,
                    position,
                    criterion.code,
                    criterion.title,
                    criterion.guidance,
                    to_centi(criterion.max_points),
                    to_centi(criterion.step),
                    serde_json::to_string(&criterion.bands).unwrap_or_else(|_| "[]".into()),
                    serde_json::to_string(&criterion.clauses).unwrap_or_else(|_| "[]".into()),
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

pub(crate) fn insert_checklist(
    tx: &mut WriteTx<'_>,
    round_id: RoundId,
    checklist: &Checklist,
) -> Result<()> {
    let uid = tx.new_uid();
    let now = tx.now();
    tx.tx.execute(
        "INSERT INTO checklists (uid, round_id, code, title, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![uid, round_id.0, checklist.code, checklist.title, now],
    )?;
    let checklist_id = tx.tx.last_insert_rowid();
    for (position, item) in checklist.items.iter().enumerate() {
        let item_uid = tx.new_uid();
        tx.tx.execute(
            "INSERT INTO checklist_items (uid, checklist_id, position, code, title, guidance, clauses)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                item_uid,
                checklist_id,
                position,
                item.code,
                item.title,
                item.guidance,
                serde_json::to_string(&item.clauses).unwrap_or_else(|_| "[]".into())
            ],
        )?;
    }
    tx.audit(
        "checklist.create",
        "checklist",
        &uid,
        json!({"round_id": round_id.0, "code": checklist.code, "items": checklist.items.len()}),
    )
}
