//! The round's comprehensive scoring and ranking, computed from the database on demand (it is
//! never stored, so it always equals what the submitted scores say), plus what people decide:
//! settings, site scores entered by hand, outlier resolutions, finalisation.

use std::collections::HashMap;

use park_review_domain::eligibility::RuleResult;
use park_review_domain::ids::{AssignmentKey, RoundId};
use park_review_domain::model::Round;
use park_review_domain::ranking::round::{
    industrial_base_section, rank_round, ApplicationScores, OutlierResolution, RankingRules,
    RoundScores, SectionDef, SiteScore, SubmittedSheet,
};
pub use park_review_domain::ranking::round::{ExpertScore, OutlierFlag, RankingRow, SectionScore};
use park_review_domain::ranking::Aggregation;
use park_review_domain::rubric::to_centi;
use park_review_domain::{City, DomainError, ErrorCode, Points};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use crate::error::{Result, StoreError};
use crate::{Actor, Store};

fn rule(code: ErrorCode, message: String) -> StoreError {
    StoreError::Rule { code, message }
}

fn points(centi: i64) -> Points {
    Points::from_centi(centi)
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct RankingSettings {
    pub aggregation: Aggregation,
    /// The material review's weight, 0–1 (default 0.6).
    pub material_weight: f64,
    /// An expert total further than this from the application's median is flagged (default 15).
    pub outlier_margin: Points,
    pub selection_count: Option<u32>,
    pub selection_cutoff: Option<Points>,
    pub finalised_at: Option<String>,
    pub finalised_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct RankingReport {
    pub round: Round,
    pub settings: RankingSettings,
    pub rows: Vec<RankingRow>,
    pub unresolved_outliers: u32,
    /// The proposed list (拟入选名单), in rank order.
    pub selected: Vec<String>,
    /// Objective criteria (客观分) of one application on which the experts' points differ: the
    /// panel's 复核 settles each before the ranking can be finalised.
    pub objective_disagreements: Vec<park_review_domain::panel::ObjectiveDisagreement>,
    /// What site inspections found different from the declared figures, by application code.
    pub discrepancies:
        std::collections::BTreeMap<String, Vec<park_review_domain::inspection::Discrepancy>>,
}

impl Store {
    pub fn ranking_settings(&self, round_id: RoundId) -> Result<RankingSettings> {
        ranking_settings_in(self.conn(), round_id)
    }

    pub(crate) fn refuse_if_finalised(&self, round_id: RoundId) -> Result<()> {
        let s = self.ranking_settings(round_id)?;
        if let Some(at) = s.finalised_at {
            return Err(rule(
                ErrorCode::RankingFinalised,
                format!(
                    "排名已于 {at} 由 {} 确定，不能再修改。",
                    s.finalised_by.unwrap_or_default()
                ),
            ));
        }
        Ok(())
    }

    /// Changes how the round is ranked (not after finalisation).
    #[allow(clippy::too_many_arguments)]
    pub fn set_ranking_settings(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        aggregation: Aggregation,
        material_weight: f64,
        outlier_margin: f64,
        selection_count: Option<u32>,
        selection_cutoff: Option<f64>,
    ) -> Result<RankingSettings> {
        self.permits(actor)?;
        self.refuse_if_finalised(round_id)?;
        let out_of_range = |field: &str, value: f64, rule: &str| {
            StoreError::from(DomainError::OutOfRange {
                field: field.into(),
                value: value.to_string(),
                rule: rule.into(),
            })
        };
        let weight = (material_weight * 1000.0).round();
        if !(0.0..=1000.0).contains(&weight) || !material_weight.is_finite() {
            return Err(out_of_range(
                "资料评审权重",
                material_weight,
                "须在 0 到 1 之间，例如 0.6",
            ));
        }
        let margin = to_centi(outlier_margin)
            .filter(|m| *m > 0)
            .ok_or_else(|| out_of_range("离群阈值", outlier_margin, "须为大于 0 的分数"))?;
        let cutoff = match selection_cutoff {
            Some(c) => Some(
                to_centi(c)
                    .filter(|c| (0..=10_000).contains(c))
                    .ok_or_else(|| out_of_range("入选分数线", c, "须在 0 到 100 之间"))?,
            ),
            None => None,
        };
        let round = self.round(round_id)?;
        let before = serde_json::to_value(self.ranking_settings(round_id)?).unwrap_or_default();
        self.write(actor, |tx| {
            tx.tx.execute(
                "UPDATE rounds SET aggregation = ?2, material_weight_permille = ?3, outlier_margin_centi = ?4,
                        selection_count = ?5, selection_cutoff_centi = ?6 WHERE id = ?1",
                params![round_id.0, aggregation.as_str(), weight as i64, margin, selection_count, cutoff],
            )?;
            let after = serde_json::to_value(ranking_settings_in(&tx.tx, round_id)?).unwrap_or_default();
            tx.audit_change("ranking.settings", "round", &round.uid.0, json!({}), before, after)
        })?;
        self.ranking_settings(round_id)
    }

    /// Enters an application's site score by hand, with the inspection record's reference.
    pub fn set_site_score(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        application: &str,
        score: f64,
        record_ref: &str,
    ) -> Result<()> {
        self.permits(actor)?;
        self.refuse_if_finalised(round_id)?;
        let app = self.find_application(round_id, application)?;
        self.refuse_if_recorded(&self.round(round_id)?, &app)?;
        let centi = to_centi(score)
            .filter(|c| (0..=10_000).contains(c))
            .ok_or_else(|| {
                StoreError::from(DomainError::OutOfRange {
                    field: "实地考察得分".into(),
                    value: if score.is_finite() {
                        score.to_string()
                    } else {
                        "（非数字）".into()
                    },
                    rule: "须在 0 到 100 之间，最多两位小数".into(),
                })
            })?;
        if record_ref.trim().is_empty() {
            return Err(rule(
                ErrorCode::OutOfRange,
                "请填写考察记录的编号或名称（--record-ref），以便核对。".into(),
            ));
        }
        self.write(actor, |tx| {
            let uid = tx.new_uid();
            let now = tx.now();
            let before: Option<(i64, String)> = tx
                .tx
                .query_row(
                    "SELECT points_centi, record_ref FROM site_scores WHERE application_id = ?1",
                    [app.id.0],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let (old_points, old_ref) = before.unzip();
            tx.tx.execute(
                "INSERT INTO site_scores (uid, application_id, points_centi, record_ref, entered_by, entered_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (application_id) DO UPDATE SET points_centi = excluded.points_centi,
                    record_ref = excluded.record_ref, entered_by = excluded.entered_by, entered_at = excluded.entered_at",
                params![uid, app.id.0, centi, record_ref.trim(), tx_actor_name(actor), now],
            )?;
            tx.audit_change(
                "site_score.set",
                "application",
                &app.uid.0,
                json!({}),
                json!({"points": old_points.map(points), "record_ref": old_ref}),
                json!({"points": points(centi), "record_ref": record_ref.trim()}),
            )
        })
    }

    /// Records how a flagged outlier total was resolved.
    pub fn resolve_outlier(
        &mut self,
        actor: &Actor,
        key: &AssignmentKey,
        resolution: &str,
        note: &str,
    ) -> Result<()> {
        self.permits(actor)?;
        let (round_id, expert, application) =
            (key.round_id, key.expert.as_str(), key.application.as_str());
        self.refuse_if_finalised(round_id)?;
        if !matches!(resolution, "confirmed" | "rescored" | "accepted") {
            return Err(rule(ErrorCode::OutOfRange, format!("处理方式“{resolution}”无效：应为 confirmed（已与专家确认）、rescored（已退回重评）或 accepted（予以采纳）。")));
        }
        if note.trim().is_empty() {
            return Err(rule(
                ErrorCode::OutOfRange,
                "请写明处理说明：说明会写入排名报告。".into(),
            ));
        }
        let report = self.ranking(round_id)?;
        let row = report
            .rows
            .iter()
            .find(|r| r.code == application.trim())
            .ok_or_else(|| StoreError::NotFound {
                what: "申报",
                key: application.to_owned(),
                hint: String::new(),
            })?;
        let flagged = row
            .experts
            .iter()
            .find(|e| e.expert == expert.trim() && e.outlier.is_some())
            .ok_or_else(|| {
                rule(
                    ErrorCode::NotFound,
                    format!(
                        "专家 {} 对申报 {} 的评分不是离群分，无需处理。",
                        expert.trim(),
                        row.code
                    ),
                )
            })?;
        let app = self.find_application(round_id, application)?;
        let expert_row = self.find_panel_expert(round_id, expert)?;
        let total = flagged.total.centi();
        self.write(actor, |tx| {
            let uid = tx.new_uid();
            let now = tx.now();
            tx.tx.execute(
                "INSERT INTO outlier_resolutions (uid, application_id, expert_id, total_centi, resolution, note, resolved_by, resolved_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (application_id, expert_id, total_centi) DO UPDATE SET resolution = excluded.resolution,
                    note = excluded.note, resolved_by = excluded.resolved_by, resolved_at = excluded.resolved_at",
                params![uid, app.id.0, expert_row.id.0, total, resolution, note.trim(), tx_actor_name(actor), now],
            )?;
            tx.audit("outlier.resolve", "application", &app.uid.0, json!({"expert": expert_row.code, "total": points(total), "resolution": resolution, "note": note.trim()}))
        })
    }

    /// Finalises the ranking (locks it, records who and when); refused while outliers are open.
    pub fn finalise_ranking(&mut self, actor: &Actor, round_id: RoundId) -> Result<RankingReport> {
        self.permits(actor)?;
        self.refuse_if_finalised(round_id)?;
        // Every sheet in: an expert still scoring would move a finalised ranking.
        let waiting: Vec<String> = self
            .conn()
            .prepare(
                "SELECT p.code || ' / ' || e.code FROM assignments a JOIN applications p ON p.id = a.application_id
                 JOIN experts e ON e.id = a.expert_id
                 WHERE a.round_id = ?1 AND a.submitted_at IS NULL ORDER BY p.registration_order, e.code",
            )?
            .query_map([round_id.0], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if !waiting.is_empty() {
            return Err(rule(
                ErrorCode::InvalidTransition,
                format!(
                    "还有 {} 张评分表未提交（{}{}）：请等专家提交，或写明理由把专家移出本批次专家组，再确定排名。",
                    waiting.len(),
                    waiting.iter().take(5).cloned().collect::<Vec<_>>().join("、"),
                    if waiting.len() > 5 { "……" } else { "" }
                ),
            ));
        }
        let report = self.ranking(round_id)?;
        // An application still 待补正 that would be selected once complete: finalising now
        // would decide its place without its formal review.
        {
            let settings = self.ranking_settings(round_id)?;
            let mut data = self.ranking_data(round_id, &settings)?;
            let pending: Vec<String> = data
                .applications
                .iter_mut()
                .filter(|a| a.formal_pending)
                .map(|a| {
                    a.eligible = true;
                    a.code.clone()
                })
                .collect();
            let would_be_selected: Vec<String> = rank_round(&data)
                .selected
                .into_iter()
                .filter(|code| pending.contains(code))
                .collect();
            if !would_be_selected.is_empty() {
                return Err(rule(
                    ErrorCode::FormalReviewPending,
                    format!(
                        "申报 {} 的形式审查尚待补正，按其得分可能进入拟入选范围：请先完成其形式审查（核验材料、记录市级推荐和申报材料），或认定不通过，再确定排名。",
                        would_be_selected.join("、")
                    ),
                ));
            }
        }
        // The 复核 first: its changes move totals, and with them which totals are outliers.
        if let Some(first) = report.objective_disagreements.first() {
            return Err(rule(
                ErrorCode::ObjectiveScoresDiffer,
                format!(
                    "还有 {} 处客观分评分不一致（如申报 {} 的评分项 {}：{}）：客观分应当一致，请评审委员会复核后记录修改（panel recheck --case objective_differs），再确定排名。",
                    report.objective_disagreements.len(),
                    first.application,
                    first.criterion,
                    first
                        .points
                        .iter()
                        .map(|p| format!("{} 给 {} 分", p.expert, p.points))
                        .collect::<Vec<_>>()
                        .join("，")
                ),
            ));
        }
        if report.unresolved_outliers > 0 {
            return Err(rule(
                ErrorCode::OutliersUnresolved,
                format!(
                    "还有 {} 个离群分未处理：请先记录每个离群分的处理方式，再确定排名。",
                    report.unresolved_outliers
                ),
            ));
        }
        self.write(actor, |tx| {
            let now = tx.now();
            tx.tx.execute(
                "UPDATE rounds SET ranking_finalised_at = ?2, ranking_finalised_by = ?3 WHERE id = ?1",
                params![round_id.0, now, tx_actor_name(actor)],
            )?;
            tx.audit(
                "ranking.finalise",
                "round",
                &report.round.uid.0,
                json!({"selected": report.selected, "rows": report.rows.iter().map(|r| json!({"code": r.code, "rank": r.rank, "comprehensive": r.comprehensive_score})).collect::<Vec<_>>()}),
            )
        })?;
        self.ranking(round_id)
    }

    /// The ranking as the database says now: [`Store::ranking_data`] loads the round,
    /// [`rank_round`] applies the rules.
    pub fn ranking(&self, round_id: RoundId) -> Result<RankingReport> {
        self.require_secretariat_copy()?;
        let round = self.round(round_id)?;
        let settings = self.ranking_settings(round_id)?;
        let data = self.ranking_data(round_id, &settings)?;
        let ranking = rank_round(&data);
        Ok(RankingReport {
            round,
            settings,
            rows: ranking.rows,
            unresolved_outliers: ranking.unresolved_outliers,
            selected: ranking.selected,
            objective_disagreements: self.objective_disagreements(round_id)?,
            discrepancies: self.round_discrepancies(round_id)?,
        })
    }

    /// Everything the round's ranking is computed from, as plain data.
    ///
    /// Set-based and linear in the number of sheets: the applications, assignments, outlier
    /// resolutions and site scores of the round in one query each, and every submitted sheet's
    /// points per rubric section (`assignment_section_points`, the sums of its scores kept by
    /// triggers) in one pass, integers only. The formal review comes from
    /// [`Store::formal_review_results`].
    pub fn ranking_data(
        &self,
        round_id: RoundId,
        settings: &RankingSettings,
    ) -> Result<RoundScores> {
        let formal = self.formal_review_results(round_id)?;
        let conn = self.conn();
        let rubric = self.rubric(round_id).ok();
        let max_total_centi = rubric.as_ref().map_or(10_000, |r| r.max_total.centi());
        let sections: Vec<SectionDef> = rubric
            .as_ref()
            .map(|r| {
                r.rubric
                    .sections
                    .iter()
                    .map(|s| SectionDef {
                        code: s.code.clone(),
                        title: s.title.clone(),
                        max_centi: s.criteria.iter().map(|c| c.max_points.centi()).sum(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let industrial_base_section = rubric
            .as_ref()
            .and_then(|r| industrial_base_section(&r.rubric));
        let section_position: HashMap<&str, usize> = sections
            .iter()
            .enumerate()
            .map(|(i, s)| (s.code.as_str(), i))
            .collect();
        // Section id → position in the rubric, sorted by id.
        let section_of: Vec<(i64, usize)> = {
            let mut stmt = conn.prepare(
                "SELECT s.id, s.code FROM rubric_sections s JOIN rubrics r ON r.id = s.rubric_id
                 WHERE r.round_id = ?1 ORDER BY s.id",
            )?;
            let rows = stmt.query_map([round_id.0], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (id, code) = row?;
                if let Some(i) = section_position.get(code.as_str()) {
                    out.push((id, *i));
                }
            }
            out
        };
        let n_sections = sections.len();

        let site: HashMap<i64, SiteScore> = {
            let mut stmt = conn.prepare(
                "SELECT s.application_id, s.points_centi, s.record_ref FROM site_scores s
                 JOIN applications a ON a.id = s.application_id WHERE a.round_id = ?1",
            )?;
            let rows = stmt.query_map([round_id.0], |r| {
                Ok((
                    r.get(0)?,
                    SiteScore {
                        centi: r.get(1)?,
                        record_ref: r.get(2)?,
                    },
                ))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut application_ids: Vec<i64> = Vec::new();
        let mut applications: Vec<ApplicationScores> = {
            let mut stmt = conn.prepare(
                "SELECT id, code, park_name, city, registration_order FROM applications
                 WHERE round_id = ?1 ORDER BY registration_order",
            )?;
            let mut rows = stmt.query([round_id.0])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                let id: i64 = r.get(0)?;
                let city: String = r.get(3)?;
                application_ids.push(id);
                out.push(ApplicationScores {
                    code: r.get(1)?,
                    park_name: r.get(2)?,
                    city: City::parse(&city).map_or("", |c| c.name_zh()).to_owned(),
                    registration_order: r.get(4)?,
                    // Ranked only once the formal review is complete and passed (issue 16: a
                    // 待补正 application was ranked, selected and printed before).
                    eligible: formal.get(&id) == Some(&RuleResult::Pass),
                    formal_pending: formal.get(&id) == Some(&RuleResult::NeedsReview),
                    assigned: 0,
                    site: site.get(&id).cloned(),
                });
            }
            out
        };
        let app_index = DenseIndex::new(application_ids.iter().enumerate().map(|(i, id)| (*id, i)));
        // The experts of the round in code order; a sheet refers to one by its position.
        let (expert_ids, experts): (Vec<i64>, Vec<String>) = {
            let mut stmt = conn.prepare(
                "SELECT id, code FROM experts WHERE id IN (SELECT expert_id FROM assignments WHERE round_id = ?1)
                 ORDER BY code",
            )?;
            let rows = stmt.query_map([round_id.0], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
                .into_iter()
                .unzip()
        };
        let expert_index = DenseIndex::new(expert_ids.iter().enumerate().map(|(i, id)| (*id, i)));

        // Every assignment, in id order: counted as assigned; the submitted ones are sheets.
        let mut sheet_assignments: Vec<i64> = Vec::new();
        let mut sheets: Vec<SubmittedSheet> = Vec::new();
        {
            let mut stmt = conn.prepare(
                "SELECT id, application_id, expert_id, submitted_at IS NOT NULL FROM assignments
                 WHERE round_id = ?1 ORDER BY id",
            )?;
            let mut rows = stmt.query([round_id.0])?;
            while let Some(r) = rows.next()? {
                let Some(app) = app_index.get(r.get(1)?) else {
                    continue;
                };
                applications[app].assigned += 1;
                if r.get::<_, bool>(3)? {
                    if let Some(expert) = expert_index.get(r.get(2)?) {
                        sheet_assignments.push(r.get(0)?);
                        sheets.push(SubmittedSheet {
                            application: app,
                            expert,
                        });
                    }
                }
            }
        }
        // Every submitted sheet's points per section (the sums of its scores, which triggers
        // keep in `assignment_section_points`; migration 0007), streamed. A round's assignments
        // are made together, so their ids form (nearly) one range: one sequential read over that
        // range is far cheaper than one search per assignment. The sums and the sheets both come
        // in assignment order, so they are matched by walking the two together, keeping only
        // this round's submitted sheets.
        let mut sheet_totals = vec![0i64; sheets.len()];
        let mut section_points = vec![0i64; sheets.len() * n_sections];
        if let (Some(first), Some(last)) = (sheet_assignments.first(), sheet_assignments.last()) {
            let mut stmt = conn.prepare(
                "SELECT assignment_id, section_id, points_centi FROM assignment_section_points
                 WHERE assignment_id BETWEEN ?1 AND ?2 ORDER BY assignment_id",
            )?;
            let mut rows = stmt.query([first, last])?;
            let mut slot = 0;
            while let Some(r) = rows.next()? {
                let assignment: i64 = r.get(0)?;
                while slot < sheet_assignments.len() && sheet_assignments[slot] < assignment {
                    slot += 1;
                }
                if slot == sheet_assignments.len() {
                    break;
                }
                if sheet_assignments[slot] != assignment {
                    continue;
                }
                let points: i64 = r.get(2)?;
                sheet_totals[slot] += points;
                let section: i64 = r.get(1)?;
                if let Ok(k) = section_of.binary_search_by_key(&section, |(id, _)| *id) {
                    section_points[slot * n_sections + section_of[k].1] += points;
                }
            }
        }
        // Resolutions by (application, expert, total) positions.
        let resolutions: HashMap<(usize, usize, i64), OutlierResolution> = {
            let mut stmt = conn.prepare(
                "SELECT o.application_id, o.expert_id, o.total_centi, o.resolution, o.note, o.resolved_by, o.resolved_at
                 FROM outlier_resolutions o JOIN applications a ON a.id = o.application_id
                 WHERE a.round_id = ?1",
            )?;
            let mut rows = stmt.query([round_id.0])?;
            let mut out = HashMap::new();
            while let Some(r) = rows.next()? {
                let (Some(app), Some(expert)) =
                    (app_index.get(r.get(0)?), expert_index.get(r.get(1)?))
                else {
                    continue;
                };
                out.insert(
                    (app, expert, r.get(2)?),
                    OutlierResolution {
                        resolution: r.get(3)?,
                        note: r.get(4)?,
                        resolved_by: r.get(5)?,
                        resolved_at: r.get(6)?,
                    },
                );
            }
            out
        };
        Ok(RoundScores {
            rules: RankingRules {
                aggregation: settings.aggregation,
                material_weight_permille: (settings.material_weight * 1000.0).round() as i64,
                outlier_margin_centi: settings.outlier_margin.centi(),
                selection_count: settings.selection_count,
                selection_cutoff_centi: settings.selection_cutoff.map(Points::centi),
            },
            max_total_centi,
            sections,
            industrial_base_section,
            applications,
            experts,
            sheets,
            sheet_totals,
            section_points,
            resolutions,
        })
    }
}

/// Positions looked up by database id, for ids that come in one dense range (the rows of one
/// round, made together): a plain vector over the range instead of hashing, which is what the
/// ranking of a large round would otherwise spend its time on.
struct DenseIndex {
    first: i64,
    slots: Vec<u32>,
}

impl DenseIndex {
    const NONE: u32 = u32::MAX;

    fn new(entries: impl Iterator<Item = (i64, usize)> + Clone) -> DenseIndex {
        let first = entries.clone().map(|(id, _)| id).min().unwrap_or(0);
        let last = entries.clone().map(|(id, _)| id).max().unwrap_or(-1);
        let mut slots = vec![Self::NONE; (last - first + 1).max(0) as usize];
        for (id, position) in entries {
            slots[(id - first) as usize] = position as u32;
        }
        DenseIndex { first, slots }
    }

    fn get(&self, id: i64) -> Option<usize> {
        let offset = usize::try_from(id.checked_sub(self.first)?).ok()?;
        self.slots
            .get(offset)
            .filter(|p| **p != Self::NONE)
            .map(|p| *p as usize)
    }
}

fn tx_actor_name(actor: &Actor) -> &str {
    &actor.name
}

/// A round's ranking settings, read on any connection (inside a write, too).
fn ranking_settings_in(conn: &rusqlite::Connection, round_id: RoundId) -> Result<RankingSettings> {
    Ok(conn.query_row(
        "SELECT aggregation, material_weight_permille, outlier_margin_centi, selection_count,
                selection_cutoff_centi, ranking_finalised_at, ranking_finalised_by
         FROM rounds WHERE id = ?1",
        [round_id.0],
        |r| {
            let method: String = r.get(0)?;
            Ok(RankingSettings {
                aggregation: Aggregation::parse(&method).unwrap_or(Aggregation::TrimmedMean),
                material_weight: r.get::<_, i64>(1)? as f64 / 1000.0,
                outlier_margin: points(r.get(2)?),
                selection_count: r.get(3)?,
                selection_cutoff: r.get::<_, Option<i64>>(4)?.map(points),
                finalised_at: r.get(5)?,
                finalised_by: r.get(6)?,
            })
        },
    )?)
}
