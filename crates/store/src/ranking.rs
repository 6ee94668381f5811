//! The round's comprehensive scoring and ranking, computed from the database on demand (it is
//! never stored, so it always equals what the submitted scores say), plus what people decide:
//! settings, site scores entered by hand, outlier resolutions, finalisation.

use std::collections::{HashMap, HashSet};

use park_review_domain::eligibility::RuleResult;
use park_review_domain::ids::RoundId;
use park_review_domain::model::Round;
use park_review_domain::ranking::{
    aggregate, outliers, rank, select, zscore_adjusted, Aggregation, ExpertTotal, RankInput,
    TieBreak,
};
use park_review_domain::rubric::to_centi;
use park_review_domain::{City, DomainError, ErrorCode};
use rusqlite::params;
use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use crate::error::{Result, StoreError};
use crate::{Actor, Store};

fn rule(code: ErrorCode, message: String) -> StoreError {
    StoreError::Rule { code, message }
}

fn points(centi: i64) -> f64 {
    centi as f64 / 100.0
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct RankingSettings {
    pub aggregation: Aggregation,
    /// The material review's weight, 0–1 (default 0.6).
    pub material_weight: f64,
    /// An expert total further than this from the application's median is flagged (default 15).
    pub outlier_margin: f64,
    pub selection_count: Option<u32>,
    pub selection_cutoff: Option<f64>,
    pub finalised_at: Option<String>,
    pub finalised_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct OutlierFlag {
    /// The total minus the application's median.
    pub deviation: f64,
    /// `confirmed`, `rescored` or `accepted`; none while unresolved.
    pub resolution: Option<String>,
    pub note: Option<String>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ExpertScore {
    pub expert: String,
    pub total: f64,
    /// The z-score adjusted total, with the `zscore` method.
    pub adjusted: Option<f64>,
    pub outlier: Option<OutlierFlag>,
}

/// A section's aggregate for one application (for the radar chart and the report).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct SectionScore {
    pub code: String,
    pub title: String,
    pub max: f64,
    pub score: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct RankingRow {
    pub rank: Option<u32>,
    pub code: String,
    pub park_name: String,
    pub city: String,
    pub registration_order: u32,
    /// Did not fail the formal review (形式审查).
    pub eligible: bool,
    pub material_score: Option<f64>,
    pub site_score: Option<f64>,
    pub site_record_ref: Option<String>,
    pub comprehensive_score: Option<f64>,
    /// Eligible but without a material or site score yet.
    pub incomplete: bool,
    pub selected: bool,
    pub tie_break: Option<TieBreak>,
    /// The industrial-base (C3) section's aggregate, used to break ties.
    pub industrial_base: Option<f64>,
    /// Each rubric section's aggregate (same method; plain mean with `zscore`).
    pub sections: Vec<SectionScore>,
    /// Submitted scoring sheets counted, of the experts assigned.
    pub submitted: u32,
    pub assigned: u32,
    pub experts: Vec<ExpertScore>,
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
}

impl Store {
    pub fn ranking_settings(&self, round_id: RoundId) -> Result<RankingSettings> {
        Ok(self.conn().query_row(
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

    fn refuse_if_finalised(&self, round_id: RoundId) -> Result<()> {
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
        self.write(actor, |tx| {
            tx.tx.execute(
                "UPDATE rounds SET aggregation = ?2, material_weight_permille = ?3, outlier_margin_centi = ?4,
                        selection_count = ?5, selection_cutoff_centi = ?6 WHERE id = ?1",
                params![round_id.0, aggregation.as_str(), weight as i64, margin, selection_count, cutoff],
            )?;
            tx.audit(
                "ranking.settings",
                "round",
                &round.uid.0,
                json!({"aggregation": aggregation.as_str(), "material_weight": material_weight, "outlier_margin": outlier_margin,
                       "selection_count": selection_count, "selection_cutoff": selection_cutoff}),
            )
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
        self.refuse_if_finalised(round_id)?;
        let app = self.find_application(round_id, application)?;
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
            tx.tx.execute(
                "INSERT INTO site_scores (uid, application_id, points_centi, record_ref, entered_by, entered_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (application_id) DO UPDATE SET points_centi = excluded.points_centi,
                    record_ref = excluded.record_ref, entered_by = excluded.entered_by, entered_at = excluded.entered_at",
                params![uid, app.id.0, centi, record_ref.trim(), tx_actor_name(actor), now],
            )?;
            tx.audit("site_score.set", "application", &app.uid.0, json!({"points": points(centi), "record_ref": record_ref.trim()}))
        })
    }

    /// Records how a flagged outlier total was resolved.
    pub fn resolve_outlier(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        application: &str,
        expert: &str,
        resolution: &str,
        note: &str,
    ) -> Result<()> {
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
        let total = (flagged.total * 100.0).round() as i64;
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
        self.refuse_if_finalised(round_id)?;
        let report = self.ranking(round_id)?;
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

    /// The ranking as the database says now.
    ///
    /// Set-based and linear in the number of sheets: the applications, assignments, outlier
    /// resolutions and site scores of the round in one query each, and every submitted sheet's
    /// points per rubric section (`assignment_section_points`, the sums of its scores kept by
    /// triggers) in one pass, integers only. The formal review comes from
    /// [`Store::formal_review_results`].
    pub fn ranking(&self, round_id: RoundId) -> Result<RankingReport> {
        let round = self.round(round_id)?;
        let settings = self.ranking_settings(round_id)?;
        let formal = self.formal_review_results(round_id)?;
        let conn = self.conn();
        let rubric = self.rubric(round_id).ok();
        let max_total = rubric
            .as_ref()
            .and_then(|r| to_centi(r.max_total))
            .unwrap_or(10_000);
        // The rubric's sections in order: (code, title, max). The industrial-base section is
        // the one whose criteria cite C3.
        let sections: Vec<(String, String, i64)> = rubric
            .as_ref()
            .map(|r| {
                r.rubric
                    .sections
                    .iter()
                    .map(|s| {
                        let max = s
                            .criteria
                            .iter()
                            .filter_map(|c| to_centi(c.max_points))
                            .sum();
                        (s.code.clone(), s.title.clone(), max)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let industrial_base_section: Option<usize> = rubric.as_ref().and_then(|r| {
            r.rubric.sections.iter().position(|s| {
                s.criteria
                    .iter()
                    .any(|c| c.clauses.iter().any(|k| k == "C3"))
            })
        });
        let section_position: HashMap<&str, usize> = rubric
            .as_ref()
            .map(|r| {
                r.rubric
                    .sections
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (s.code.as_str(), i))
                    .collect()
            })
            .unwrap_or_default();
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
        let section_method = if settings.aggregation == Aggregation::Zscore {
            Aggregation::Mean
        } else {
            settings.aggregation
        };

        struct App {
            id: i64,
            code: String,
            park_name: String,
            city: &'static str,
            order: u32,
        }
        let apps: Vec<App> = {
            let mut stmt = conn.prepare(
                "SELECT id, code, park_name, city, registration_order FROM applications
                 WHERE round_id = ?1 ORDER BY registration_order",
            )?;
            let rows = stmt.query_map([round_id.0], |r| {
                let city: String = r.get(3)?;
                Ok(App {
                    id: r.get(0)?,
                    code: r.get(1)?,
                    park_name: r.get(2)?,
                    city: City::parse(&city).map_or("", |c| c.name_zh()),
                    order: r.get(4)?,
                })
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let app_index = DenseIndex::new(apps.iter().enumerate().map(|(i, a)| (a.id, i)));
        // The experts of the round in code order; a sheet refers to one by its position.
        let experts_by_code: Vec<(i64, String)> = {
            let mut stmt = conn.prepare(
                "SELECT id, code FROM experts WHERE id IN (SELECT expert_id FROM assignments WHERE round_id = ?1)
                 ORDER BY code",
            )?;
            let rows = stmt.query_map([round_id.0], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let expert_index = DenseIndex::new(
            experts_by_code
                .iter()
                .enumerate()
                .map(|(i, (id, _))| (*id, i)),
        );

        // Every assignment, in id order: counted as assigned; the submitted ones are sheets.
        struct Sheet {
            assignment: i64,
            app: usize,
            expert: usize,
        }
        let mut assigned = vec![0u32; apps.len()];
        let mut sheets: Vec<Sheet> = Vec::new();
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
                assigned[app] += 1;
                if r.get::<_, bool>(3)? {
                    if let Some(expert) = expert_index.get(r.get(2)?) {
                        sheets.push(Sheet {
                            assignment: r.get(0)?,
                            app,
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
        let mut totals = vec![0i64; sheets.len()];
        let mut section_sums = vec![0i64; sheets.len() * n_sections];
        if let (Some(first), Some(last)) = (sheets.first(), sheets.last()) {
            let mut stmt = conn.prepare(
                "SELECT assignment_id, section_id, points_centi FROM assignment_section_points
                 WHERE assignment_id BETWEEN ?1 AND ?2 ORDER BY assignment_id",
            )?;
            let mut rows = stmt.query([first.assignment, last.assignment])?;
            let mut slot = 0;
            while let Some(r) = rows.next()? {
                let assignment: i64 = r.get(0)?;
                while slot < sheets.len() && sheets[slot].assignment < assignment {
                    slot += 1;
                }
                if slot == sheets.len() {
                    break;
                }
                if sheets[slot].assignment != assignment {
                    continue;
                }
                let points: i64 = r.get(2)?;
                totals[slot] += points;
                let section: i64 = r.get(1)?;
                if let Ok(k) = section_of.binary_search_by_key(&section, |(id, _)| *id) {
                    section_sums[slot * n_sections + section_of[k].1] += points;
                }
            }
        }
        // Each application's sheets, in expert-code order.
        let mut sheets_of: Vec<Vec<usize>> = vec![Vec::new(); apps.len()];
        for (slot, sheet) in sheets.iter().enumerate() {
            sheets_of[sheet.app].push(slot);
        }
        for list in &mut sheets_of {
            list.sort_by_key(|slot| sheets[*slot].expert);
        }
        let adjusted: Vec<Option<i64>> = if settings.aggregation == Aggregation::Zscore {
            let input: Vec<ExpertTotal<usize, usize>> = sheets
                .iter()
                .enumerate()
                .map(|(slot, s)| ExpertTotal {
                    application: slot,
                    expert: s.expert,
                    total: totals[slot],
                })
                .collect();
            zscore_adjusted(&input, max_total)
                .into_iter()
                .map(|t| Some(t.total))
                .collect()
        } else {
            vec![None; sheets.len()]
        };
        let margin = (settings.outlier_margin * 100.0).round() as i64;
        // (application id, expert id, total) → (resolution, note, by, at)
        type Resolutions = HashMap<(i64, i64, i64), (String, String, String, String)>;
        let resolutions: Resolutions = {
            let mut stmt = conn.prepare(
                "SELECT o.application_id, o.expert_id, o.total_centi, o.resolution, o.note, o.resolved_by, o.resolved_at
                 FROM outlier_resolutions o JOIN applications a ON a.id = o.application_id
                 WHERE a.round_id = ?1",
            )?;
            let rows = stmt.query_map([round_id.0], |r| {
                Ok((
                    (r.get(0)?, r.get(1)?, r.get(2)?),
                    (r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?),
                ))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let site: HashMap<i64, (i64, String)> = {
            let mut stmt = conn.prepare(
                "SELECT s.application_id, s.points_centi, s.record_ref FROM site_scores s
                 JOIN applications a ON a.id = s.application_id WHERE a.round_id = ?1",
            )?;
            let rows = stmt.query_map([round_id.0], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?;
            rows.collect::<rusqlite::Result<_>>()?
        };

        let mut unresolved = 0;
        let mut inputs = Vec::with_capacity(apps.len());
        let mut details: Vec<Option<RankingRow>> = Vec::with_capacity(apps.len());
        for (index, app) in apps.iter().enumerate() {
            let mine = &sheets_of[index];
            let own: Vec<i64> = mine.iter().map(|s| totals[*s]).collect();
            let material = match settings.aggregation {
                Aggregation::Zscore => {
                    let values: Vec<i64> = mine.iter().filter_map(|s| adjusted[*s]).collect();
                    aggregate(&values, Aggregation::Zscore)
                }
                method => aggregate(&own, method),
            };
            let section_scores: Vec<Option<i64>> = (0..n_sections)
                .map(|k| {
                    let sums: Vec<i64> = mine
                        .iter()
                        .map(|s| section_sums[s * n_sections + k])
                        .collect();
                    aggregate(&sums, section_method)
                })
                .collect();
            let industrial_base = industrial_base_section.and_then(|k| section_scores[k]);
            let flags: Vec<(usize, i64)> = outliers(
                &mine.iter().map(|s| (*s, totals[*s])).collect::<Vec<_>>(),
                margin,
            );
            let experts: Vec<ExpertScore> = mine
                .iter()
                .map(|slot| {
                    let expert = sheets[*slot].expert;
                    let total = totals[*slot];
                    let outlier = flags.iter().find(|(s, _)| s == slot).map(|(_, d)| {
                        let resolved = resolutions.get(&(app.id, experts_by_code[expert].0, total));
                        if resolved.is_none() {
                            unresolved += 1;
                        }
                        OutlierFlag {
                            deviation: points(*d),
                            resolution: resolved.map(|r| r.0.clone()),
                            note: resolved.map(|r| r.1.clone()),
                            resolved_by: resolved.map(|r| r.2.clone()),
                            resolved_at: resolved.map(|r| r.3.clone()),
                        }
                    });
                    ExpertScore {
                        expert: experts_by_code[expert].1.clone(),
                        total: points(total),
                        adjusted: adjusted[*slot].map(points),
                        outlier,
                    }
                })
                .collect();
            let eligible = formal.get(&app.id) != Some(&RuleResult::Fail);
            let site_score = site.get(&app.id);
            inputs.push(RankInput {
                code: app.code.clone(),
                registration_order: app.order,
                eligible,
                material,
                site: site_score.map(|s| s.0),
                industrial_base,
            });
            details.push(Some(RankingRow {
                rank: None,
                code: app.code.clone(),
                park_name: app.park_name.clone(),
                city: app.city.to_owned(),
                registration_order: app.order,
                eligible,
                material_score: material.map(points),
                site_score: site_score.map(|s| points(s.0)),
                site_record_ref: site_score.map(|s| s.1.clone()),
                comprehensive_score: None,
                incomplete: false,
                selected: false,
                tie_break: None,
                industrial_base: industrial_base.map(points),
                sections: sections
                    .iter()
                    .zip(&section_scores)
                    .map(|((code, title, max), score)| SectionScore {
                        code: code.clone(),
                        title: title.clone(),
                        max: points(*max),
                        score: score.map(points),
                    })
                    .collect(),
                submitted: mine.len() as u32,
                assigned: assigned[index],
                experts,
            }));
        }
        let weight = (settings.material_weight * 1000.0).round() as i64;
        let ranked = rank(&inputs, weight);
        let cutoff = settings
            .selection_cutoff
            .map(|c| (c * 100.0).round() as i64);
        let selected = select(&ranked, settings.selection_count, cutoff);
        let selected_set: HashSet<&str> = selected.iter().map(String::as_str).collect();
        let index_of: HashMap<&str, usize> = apps
            .iter()
            .enumerate()
            .map(|(i, a)| (a.code.as_str(), i))
            .collect();
        let rows = ranked
            .into_iter()
            .map(|r| {
                let mut row = index_of
                    .get(r.code.as_str())
                    .and_then(|i| details[*i].take())
                    .expect("every ranked code has its details");
                row.rank = r.rank;
                row.comprehensive_score = r.comprehensive.map(points);
                row.incomplete = r.incomplete;
                row.tie_break = r.tie_break;
                row.selected = selected_set.contains(r.code.as_str());
                row
            })
            .collect();
        Ok(RankingReport {
            round,
            settings,
            rows,
            unresolved_outliers: unresolved,
            selected,
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
