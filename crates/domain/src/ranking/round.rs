//! The whole ranking of a round, computed from plain data: the store loads the round's sheets,
//! site scores and decisions ([`RoundScores`]); [`rank_round`] applies the guide's rules and the
//! round's settings to them — aggregation per application and per rubric section, the z-score
//! adjustment, outliers and their recorded resolutions, the comprehensive score, the order with
//! its tie-breaks (material, then the industrial-base section C3, then registration) and the
//! proposed list. Pure: no I/O, no clock.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use ts_rs::TS;

use super::{
    aggregate, outliers, rank, select, zscore_adjusted, Aggregation, ExpertTotal, RankInput,
    TieBreak,
};
use crate::model::Rubric;
use crate::{Clause, Points};

/// How a round is ranked, in exact units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RankingRules {
    pub aggregation: Aggregation,
    /// The material review's weight in thousandths (600 = 0.6).
    pub material_weight_permille: i64,
    /// An expert total further than this (hundredths) from the application's median is flagged.
    pub outlier_margin_centi: i64,
    pub selection_count: Option<u32>,
    pub selection_cutoff_centi: Option<i64>,
}

impl Default for RankingRules {
    /// A new round's settings: trimmed mean, material 60 % and site 40 %, outliers beyond
    /// 15 points, no selection yet.
    fn default() -> RankingRules {
        RankingRules {
            aggregation: Aggregation::TrimmedMean,
            material_weight_permille: 600,
            outlier_margin_centi: 1500,
            selection_count: None,
            selection_cutoff_centi: None,
        }
    }
}

/// A rubric section as the ranking reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionDef {
    pub code: String,
    pub title: String,
    pub max_centi: i64,
}

/// A site score entered for an application, with the inspection record it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteScore {
    pub centi: i64,
    pub record_ref: String,
}

/// One application of the round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationScores {
    pub code: String,
    pub park_name: String,
    pub city: String,
    pub registration_order: u32,
    /// The formal review (形式审查) is complete and passed: only such an application is ranked.
    pub eligible: bool,
    /// The formal review is not complete (待补正): not ranked, listed as such.
    pub formal_pending: bool,
    /// Experts assigned (submitted or not).
    pub assigned: u32,
    pub site: Option<SiteScore>,
}

/// One submitted scoring sheet: whose (positions in [`RoundScores::applications`] and
/// [`RoundScores::experts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubmittedSheet {
    pub application: usize,
    pub expert: usize,
}

/// How a flagged outlier total was resolved, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlierResolution {
    /// `confirmed`, `rescored` or `accepted`.
    pub resolution: String,
    pub note: String,
    pub resolved_by: String,
    pub resolved_at: String,
}

/// Everything a round's ranking is computed from, in exact hundredths.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RoundScores {
    pub rules: RankingRules,
    /// The rubric's maximum total (the z-score clamp).
    pub max_total_centi: i64,
    pub sections: Vec<SectionDef>,
    /// The section whose aggregate breaks ties after the material score (C3, industrial base).
    pub industrial_base_section: Option<usize>,
    pub applications: Vec<ApplicationScores>,
    /// Expert codes, in code order.
    pub experts: Vec<String>,
    pub sheets: Vec<SubmittedSheet>,
    /// Each sheet's total, in the order of `sheets`.
    pub sheet_totals: Vec<i64>,
    /// Each sheet's points per section: `sheets.len() × sections.len()`, sheet-major.
    pub section_points: Vec<i64>,
    /// Resolutions by (application, expert, total) — a resolution holds for the total it saw.
    pub resolutions: HashMap<(usize, usize, i64), OutlierResolution>,
}

/// The section whose criteria cite C3 (the industrial base, 产业基础): the guide's second
/// tie-break after the material score.
pub fn industrial_base_section(rubric: &Rubric) -> Option<usize> {
    rubric.sections.iter().position(|s| {
        s.criteria.iter().any(|c| {
            c.clauses
                .iter()
                .any(|k| Clause::parse(k) == Some(Clause::INDUSTRIAL_BASE))
        })
    })
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct OutlierFlag {
    /// The total minus the application's median.
    pub deviation: Points,
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
    pub total: Points,
    /// The z-score adjusted total, with the `zscore` method.
    pub adjusted: Option<Points>,
    pub outlier: Option<OutlierFlag>,
}

/// A section's aggregate for one application (for the radar chart and the report).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct SectionScore {
    pub code: String,
    pub title: String,
    pub max: Points,
    pub score: Option<Points>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct RankingRow {
    pub rank: Option<u32>,
    pub code: String,
    pub park_name: String,
    pub city: String,
    pub registration_order: u32,
    /// Passed the formal review (形式审查), complete: only such a row is ranked.
    pub eligible: bool,
    /// The formal review is still 待补正 (something to check or supply): not ranked until it is
    /// complete and passed.
    pub formal_pending: bool,
    pub material_score: Option<Points>,
    pub site_score: Option<Points>,
    pub site_record_ref: Option<String>,
    pub comprehensive_score: Option<Points>,
    /// Eligible but without a material or site score yet.
    pub incomplete: bool,
    pub selected: bool,
    pub tie_break: Option<TieBreak>,
    /// The industrial-base (C3) section's aggregate, used to break ties.
    pub industrial_base: Option<Points>,
    /// Each rubric section's aggregate (same method; plain mean with `zscore`).
    pub sections: Vec<SectionScore>,
    /// Submitted scoring sheets counted, of the experts assigned.
    pub submitted: u32,
    pub assigned: u32,
    pub experts: Vec<ExpertScore>,
}

/// A round's ranking: every application in order, the open outliers, the proposed list.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundRanking {
    pub rows: Vec<RankingRow>,
    pub unresolved_outliers: u32,
    /// The proposed list (拟入选名单), in rank order.
    pub selected: Vec<String>,
}

fn points(centi: i64) -> Points {
    Points::from_centi(centi)
}

/// Computes the round's ranking from its data.
pub fn rank_round(data: &RoundScores) -> RoundRanking {
    let rules = data.rules;
    let n_sections = data.sections.len();
    // Sections are aggregated like totals, except that z-scores standardise whole totals only:
    // a section's points are averaged plainly under `zscore`.
    let section_method = if rules.aggregation == Aggregation::Zscore {
        Aggregation::Mean
    } else {
        rules.aggregation
    };
    // Each application's sheets, in expert-code order.
    let mut sheets_of: Vec<Vec<usize>> = vec![Vec::new(); data.applications.len()];
    for (slot, sheet) in data.sheets.iter().enumerate() {
        if let Some(list) = sheets_of.get_mut(sheet.application) {
            list.push(slot);
        }
    }
    for list in &mut sheets_of {
        list.sort_by_key(|slot| data.sheets[*slot].expert);
    }
    let total = |slot: usize| data.sheet_totals.get(slot).copied().unwrap_or(0);
    let adjusted: Vec<Option<i64>> = if rules.aggregation == Aggregation::Zscore {
        let input: Vec<ExpertTotal<usize, usize>> = data
            .sheets
            .iter()
            .enumerate()
            .map(|(slot, s)| ExpertTotal {
                application: slot,
                expert: s.expert,
                total: total(slot),
            })
            .collect();
        zscore_adjusted(&input, data.max_total_centi)
            .into_iter()
            .map(|t| Some(t.total))
            .collect()
    } else {
        vec![None; data.sheets.len()]
    };

    let mut unresolved = 0;
    let mut inputs = Vec::with_capacity(data.applications.len());
    let mut details: Vec<Option<RankingRow>> = Vec::with_capacity(data.applications.len());
    for (index, app) in data.applications.iter().enumerate() {
        let mine = &sheets_of[index];
        let own: Vec<i64> = mine.iter().map(|s| total(*s)).collect();
        let material = match rules.aggregation {
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
                    .map(|s| {
                        data.section_points
                            .get(s * n_sections + k)
                            .copied()
                            .unwrap_or(0)
                    })
                    .collect();
                aggregate(&sums, section_method)
            })
            .collect();
        let industrial_base = data
            .industrial_base_section
            .and_then(|k| section_scores.get(k).copied().flatten());
        let flags: Vec<(usize, i64)> = outliers(
            &mine.iter().map(|s| (*s, total(*s))).collect::<Vec<_>>(),
            rules.outlier_margin_centi,
        );
        let experts: Vec<ExpertScore> = mine
            .iter()
            .map(|slot| {
                let expert = data.sheets[*slot].expert;
                let sheet_total = total(*slot);
                let outlier = flags.iter().find(|(s, _)| s == slot).map(|(_, d)| {
                    let resolved = data.resolutions.get(&(index, expert, sheet_total));
                    if resolved.is_none() {
                        unresolved += 1;
                    }
                    OutlierFlag {
                        deviation: points(*d),
                        resolution: resolved.map(|r| r.resolution.clone()),
                        note: resolved.map(|r| r.note.clone()),
                        resolved_by: resolved.map(|r| r.resolved_by.clone()),
                        resolved_at: resolved.map(|r| r.resolved_at.clone()),
                    }
                });
                ExpertScore {
                    expert: data.experts.get(expert).cloned().unwrap_or_default(),
                    total: points(sheet_total),
                    adjusted: adjusted[*slot].map(points),
                    outlier,
                }
            })
            .collect();
        inputs.push(RankInput {
            code: app.code.clone(),
            registration_order: app.registration_order,
            eligible: app.eligible,
            material,
            site: app.site.as_ref().map(|s| s.centi),
            industrial_base,
        });
        details.push(Some(RankingRow {
            rank: None,
            code: app.code.clone(),
            park_name: app.park_name.clone(),
            city: app.city.clone(),
            registration_order: app.registration_order,
            eligible: app.eligible,
            formal_pending: app.formal_pending,
            material_score: material.map(points),
            site_score: app.site.as_ref().map(|s| points(s.centi)),
            site_record_ref: app.site.as_ref().map(|s| s.record_ref.clone()),
            comprehensive_score: None,
            incomplete: false,
            selected: false,
            tie_break: None,
            industrial_base: industrial_base.map(points),
            sections: data
                .sections
                .iter()
                .zip(&section_scores)
                .map(|(section, score)| SectionScore {
                    code: section.code.clone(),
                    title: section.title.clone(),
                    max: points(section.max_centi),
                    score: score.map(points),
                })
                .collect(),
            submitted: mine.len() as u32,
            assigned: app.assigned,
            experts,
        }));
    }
    let ranked = rank(&inputs, rules.material_weight_permille);
    let selected = select(&ranked, rules.selection_count, rules.selection_cutoff_centi);
    let selected_set: HashSet<&str> = selected.iter().map(String::as_str).collect();
    let index_of: HashMap<&str, usize> = data
        .applications
        .iter()
        .enumerate()
        .map(|(i, a)| (a.code.as_str(), i))
        .collect();
    let rows: Vec<RankingRow> = ranked
        .into_iter()
        .filter_map(|r| {
            let mut row = index_of
                .get(r.code.as_str())
                .and_then(|i| details[*i].take())?;
            row.rank = r.rank;
            row.comprehensive_score = r.comprehensive.map(points);
            row.incomplete = r.incomplete;
            row.tie_break = r.tie_break;
            row.selected = selected_set.contains(r.code.as_str());
            Some(row)
        })
        .collect();
    RoundRanking {
        rows,
        unresolved_outliers: unresolved,
        selected,
    }
}
