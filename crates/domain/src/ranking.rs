//! Comprehensive scoring and ranking (综合评分与排名), pure and exact.
//!
//! Totals are integer hundredths of a point (`centi`), so every figure in a report is exact to
//! two decimals; divisions round half away from zero, once, at the end.
//!
//! * Aggregation of the expert totals of one application (domain.md, "What the guide does not
//!   fix"): `mean`, `median`, `trimmed_mean` (drop one highest and one lowest when at least five
//!   totals exist, 去掉一个最高分和一个最低分), `zscore` (each expert's totals normalised over the
//!   applications they scored, rescaled to the panel's mean and spread, clamped to the range).
//! * Outliers: an expert total further than a margin from the application's median.
//! * Comprehensive score = material × w + site × (1 − w); no site score → incomplete, not zero.
//! * Order: comprehensive desc, then material desc, then the industrial-base (C3) section,
//!   then registration order; the rule that separated each tie is reported.

use std::collections::BTreeMap;

pub mod round;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How expert totals are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Aggregation {
    Mean,
    Median,
    TrimmedMean,
    Zscore,
}

impl Aggregation {
    pub fn parse(text: &str) -> Option<Aggregation> {
        match text.trim() {
            "mean" | "平均" => Some(Self::Mean),
            "median" | "中位数" => Some(Self::Median),
            "trimmed_mean" | "去掉最高最低" => Some(Self::TrimmedMean),
            "zscore" | "z_score" | "标准分" => Some(Self::Zscore),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mean => "mean",
            Self::Median => "median",
            Self::TrimmedMean => "trimmed_mean",
            Self::Zscore => "zscore",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Mean => "算术平均",
            Self::Median => "中位数",
            Self::TrimmedMean => "去掉一个最高分和一个最低分后平均（不足 5 位专家时算术平均）",
            Self::Zscore => "标准分（按专家校正宽严后平均）",
        }
    }
}

/// `numerator / denominator` rounded half away from zero.
pub fn div_round(numerator: i64, denominator: i64) -> i64 {
    debug_assert!(denominator > 0);
    let q = numerator / denominator;
    let r = numerator % denominator;
    if 2 * r.abs() >= denominator {
        q + numerator.signum()
    } else {
        q
    }
}

pub fn mean(values: &[i64]) -> Option<i64> {
    (!values.is_empty()).then(|| div_round(values.iter().sum(), values.len() as i64))
}

pub fn median(values: &[i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_unstable();
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        div_round(v[n / 2 - 1] + v[n / 2], 2)
    })
}

/// The mean without one highest and one lowest total when at least five exist.
pub fn trimmed_mean(values: &[i64]) -> Option<i64> {
    if values.len() < 5 {
        return mean(values);
    }
    let mut v = values.to_vec();
    v.sort_unstable();
    mean(&v[1..v.len() - 1])
}

/// Aggregates one application's totals with a method that needs no other application.
pub fn aggregate(values: &[i64], method: Aggregation) -> Option<i64> {
    match method {
        Aggregation::Mean | Aggregation::Zscore => mean(values),
        Aggregation::Median => median(values),
        Aggregation::TrimmedMean => trimmed_mean(values),
    }
}

/// One expert total of one application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpertTotal<A, E> {
    pub application: A,
    pub expert: E,
    pub total: i64,
}

/// z-score adjusted totals: each expert's totals standardised over the applications they
/// scored, then put back on the panel's mean and spread, clamped to `0..=max`. Experts with one
/// total, or all totals equal, keep theirs (nothing to standardise).
pub fn zscore_adjusted<A: Ord + Copy, E: Ord + Copy>(
    totals: &[ExpertTotal<A, E>],
    max: i64,
) -> Vec<ExpertTotal<A, E>> {
    let all: Vec<f64> = totals.iter().map(|t| t.total as f64).collect();
    if all.is_empty() {
        return Vec::new();
    }
    let stats = |v: &[f64]| {
        let m = v.iter().sum::<f64>() / v.len() as f64;
        let sd = (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / v.len() as f64).sqrt();
        (m, sd)
    };
    let (panel_mean, panel_sd) = stats(&all);
    let mut by_expert: BTreeMap<E, Vec<f64>> = BTreeMap::new();
    for t in totals {
        by_expert.entry(t.expert).or_default().push(t.total as f64);
    }
    let expert_stats: BTreeMap<E, (f64, f64, usize)> = by_expert
        .into_iter()
        .map(|(e, v)| {
            let (m, sd) = stats(&v);
            (e, (m, sd, v.len()))
        })
        .collect();
    totals
        .iter()
        .map(|t| {
            let (m, sd, n) = expert_stats[&t.expert];
            let adjusted = if n < 2 || sd == 0.0 {
                t.total
            } else {
                ((panel_mean + (t.total as f64 - m) / sd * panel_sd).round() as i64).clamp(0, max)
            };
            ExpertTotal {
                total: adjusted,
                ..*t
            }
        })
        .collect()
}

/// The expert totals further than `margin` from their application's median.
pub fn outliers<E: Copy>(totals: &[(E, i64)], margin: i64) -> Vec<(E, i64)> {
    let values: Vec<i64> = totals.iter().map(|(_, t)| *t).collect();
    let Some(m) = median(&values) else {
        return Vec::new();
    };
    totals
        .iter()
        .filter(|(_, t)| (t - m).abs() > margin)
        .map(|(e, t)| (*e, t - m))
        .collect()
}

/// What decided the order of two applications with the same comprehensive score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TieBreak {
    MaterialScore,
    IndustrialBase,
    RegistrationOrder,
}

impl TieBreak {
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::MaterialScore => "资料评审得分高者在前",
            Self::IndustrialBase => "产业基础（C3）得分高者在前",
            Self::RegistrationOrder => "登记在先者在前",
        }
    }
}

/// One application as the ranking sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct RankInput {
    pub code: String,
    pub registration_order: u32,
    /// Passed the formal review (not `fail`).
    pub eligible: bool,
    pub material: Option<i64>,
    pub site: Option<i64>,
    /// The aggregate of the industrial-base (C3) section, for the tie-break.
    pub industrial_base: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Ranked {
    pub code: String,
    /// 1-based; none for ineligible or incomplete applications.
    pub rank: Option<u32>,
    #[ts(type = "number | null")]
    pub comprehensive: Option<i64>,
    /// Eligible, but the material or the site score is missing.
    pub incomplete: bool,
    pub eligible: bool,
    /// Set when this application tied with the one above on the comprehensive score.
    pub tie_break: Option<TieBreak>,
}

/// Comprehensive score in hundredths: material × w + site × (1 − w), `w` in thousandths.
pub fn comprehensive(material: i64, site: i64, material_weight_permille: i64) -> i64 {
    div_round(
        material * material_weight_permille + site * (1000 - material_weight_permille),
        1000,
    )
}

/// Ranks the eligible, complete applications; the others follow unranked (incomplete first,
/// then ineligible), each group in registration order.
pub fn rank(inputs: &[RankInput], material_weight_permille: i64) -> Vec<Ranked> {
    let mut complete: Vec<(&RankInput, i64)> = Vec::new();
    let mut rest: Vec<Ranked> = Vec::new();
    let mut by_registration: Vec<&RankInput> = inputs.iter().collect();
    by_registration.sort_by_key(|i| i.registration_order);
    for input in &by_registration {
        match (input.eligible, input.material, input.site) {
            (true, Some(m), Some(s)) => {
                complete.push((input, comprehensive(m, s, material_weight_permille)))
            }
            (eligible, m, s) => rest.push(Ranked {
                code: input.code.clone(),
                rank: None,
                comprehensive: match (m, s) {
                    (Some(m), Some(s)) if eligible => {
                        Some(comprehensive(m, s, material_weight_permille))
                    }
                    _ => None,
                },
                incomplete: eligible,
                eligible,
                tie_break: None,
            }),
        }
    }
    let key = |(i, c): &(&RankInput, i64)| {
        (
            std::cmp::Reverse(*c),
            std::cmp::Reverse(i.material.unwrap_or(0)),
            std::cmp::Reverse(i.industrial_base.unwrap_or(0)),
            i.registration_order,
        )
    };
    complete.sort_by_key(key);
    let mut out: Vec<Ranked> = Vec::new();
    for (n, (input, score)) in complete.iter().enumerate() {
        let tie_break = (n > 0 && complete[n - 1].1 == *score).then(|| {
            let above = complete[n - 1].0;
            if above.material != input.material {
                TieBreak::MaterialScore
            } else if above.industrial_base != input.industrial_base {
                TieBreak::IndustrialBase
            } else {
                TieBreak::RegistrationOrder
            }
        });
        out.push(Ranked {
            code: input.code.clone(),
            rank: Some(n as u32 + 1),
            comprehensive: Some(*score),
            incomplete: false,
            eligible: true,
            tie_break,
        });
    }
    rest.sort_by_key(|r| !r.eligible);
    out.extend(rest);
    out
}

/// The proposed list (拟入选名单): ranked applications within the first `count` (if set) whose
/// comprehensive score reaches `cutoff` (if set).
pub fn select(ranked: &[Ranked], count: Option<u32>, cutoff: Option<i64>) -> Vec<String> {
    ranked
        .iter()
        .filter(|r| match (r.rank, r.comprehensive) {
            (Some(rank), Some(score)) => {
                count.is_none_or(|c| rank <= c) && cutoff.is_none_or(|c| score >= c)
            }
            _ => false,
        })
        .map(|r| r.code.clone())
        .collect()
}

#[cfg(test)]
mod tests;

/// The last day of a publicity period of `working_days` working days (Monday–Friday) starting
/// on `start` (counted if it is a working day). Public holidays are not known to the product:
/// the secretariat moves the end date by hand when one falls in the period.
pub fn publicity_end(start: chrono::NaiveDate, working_days: u32) -> chrono::NaiveDate {
    use chrono::Datelike;
    let is_working = |d: chrono::NaiveDate| d.weekday().num_days_from_monday() < 5;
    let mut day = start;
    let mut counted = u32::from(is_working(day));
    while counted < working_days.max(1) {
        day = day.succ_opt().unwrap_or(day);
        if is_working(day) {
            counted += 1;
        }
    }
    day
}
