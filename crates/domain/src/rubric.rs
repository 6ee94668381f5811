//! Rubric rules (评分细则): what makes a rubric valid, its fingerprint once frozen, and what a
//! score for one criterion may be.
//!
//! The guide fixes no points (domain.md, "What the guide does not fix"); the product's rule is a
//! 100-point rubric whose criteria each cite the clauses (C1–C7, T1–T8 …) they assess. Points are
//! checked in integer hundredths so that 0.1 + 0.2 never matters.

use crate::exchange::{RubricFile, RUBRIC_FORMAT};
use crate::model::{Band, Criterion, Rubric};
use crate::{DomainError, Points};

/// The total every rubric must add up to.
pub const RUBRIC_TOTAL: Points = Points::from_centi(10_000);

/// Points as integer hundredths, if the value is finite and has at most two decimals.
pub fn to_centi(points: f64) -> Option<i64> {
    Points::from_f64(points).map(Points::centi)
}

/// Formats points the way a scoring sheet prints them: `7`, `7.5`, `7.25`.
pub fn format_points(points: f64) -> String {
    let text = format!("{points:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Every problem of a rubric, in Chinese, each starting with where it is. Empty when valid.
pub fn rubric_problems(rubric: &Rubric) -> Vec<String> {
    let mut problems = draft_problems(rubric);
    let total = rubric_total(rubric);
    if !rubric.sections.is_empty() && total != RUBRIC_TOTAL {
        problems.push(format!(
            "各评分项满分合计为 {total} 分，应为 {RUBRIC_TOTAL} 分"
        ));
    }
    problems
}

/// The sum of every criterion's maximum.
pub fn rubric_total(rubric: &Rubric) -> Points {
    rubric
        .sections
        .iter()
        .flat_map(|s| &s.criteria)
        .fold(Points::ZERO, |total, c| total + c.max_points)
}

/// A draft's problems: everything but the 100-point total, which is checked when the round
/// opens, so that points can be moved from one criterion to another one save at a time.
pub fn draft_problems(rubric: &Rubric) -> Vec<String> {
    let mut problems = Vec::new();
    if rubric.title.trim().is_empty() {
        problems.push("评分细则缺少标题".to_owned());
    }
    if rubric.sections.is_empty() {
        problems.push("评分细则至少要有一个部分".to_owned());
    }
    let mut section_codes = std::collections::HashSet::new();
    let mut criterion_codes = std::collections::HashSet::new();
    for (i, section) in rubric.sections.iter().enumerate() {
        let at = if section.code.trim().is_empty() {
            format!("第 {} 部分", i + 1)
        } else {
            format!("部分 {}", section.code)
        };
        if section.code.trim().is_empty() {
            problems.push(format!("{at}：缺少编号"));
        } else if !section_codes.insert(section.code.trim()) {
            problems.push(format!("{at}：编号重复"));
        }
        if section.title.trim().is_empty() {
            problems.push(format!("{at}：缺少名称"));
        }
        if section.criteria.is_empty() {
            problems.push(format!("{at}：至少要有一个评分项"));
        }
        for (j, criterion) in section.criteria.iter().enumerate() {
            let code = criterion.code.trim();
            let at = if code.is_empty() {
                format!("{at} 第 {} 个评分项", j + 1)
            } else {
                format!("评分项 {code}")
            };
            if code.is_empty() {
                problems.push(format!("{at}：缺少编号"));
            } else if code.chars().any(char::is_whitespace) {
                problems.push(format!("{at}：编号不能含空格"));
            } else if !criterion_codes.insert(code) {
                problems.push(format!("{at}：编号重复，评分项编号在细则中必须唯一"));
            }
            if criterion.title.trim().is_empty() {
                problems.push(format!("{at}：缺少名称"));
            }
            problems.extend(
                criterion_problems(criterion)
                    .into_iter()
                    .map(|p| format!("{at}：{p}")),
            );
        }
    }
    problems
}

fn criterion_problems(c: &Criterion) -> Vec<String> {
    let mut problems = Vec::new();
    let (max, step) = (c.max_points.centi(), c.step.centi());
    if max <= 0 {
        problems.push("满分须大于 0".to_owned());
    }
    if step <= 0 {
        problems.push("步长须大于 0".to_owned());
        return problems;
    }
    if max % step != 0 {
        problems.push(format!(
            "满分 {} 不是步长 {} 的整数倍",
            c.max_points, c.step
        ));
    }
    for clause in &c.clauses {
        if crate::Clause::parse(clause).is_none() {
            problems.push(format!(
                "条款“{clause}”不是申报指南的条款编号（C1–C7、P1–P5、T1–T8、A1–A3）"
            ));
        }
    }
    let mut bands: Vec<(&Band, i64, i64)> = Vec::new();
    let mut labels = std::collections::HashSet::new();
    for band in &c.bands {
        let label = band.label.trim();
        if label.is_empty() {
            problems.push("档次缺少名称".to_owned());
        } else if !labels.insert(label) {
            problems.push(format!("档次“{label}”重复"));
        }
        match (band.min_points.centi(), band.max_points.centi()) {
            (lo, hi) if lo <= hi && lo >= 0 && hi <= max => {
                if lo % step != 0 || hi % step != 0 {
                    problems.push(format!("档次“{label}”的分数不是步长的整数倍"));
                }
                bands.push((band, lo, hi));
            }
            _ => problems.push(format!(
                "档次“{label}”的分数范围 {}–{} 无效：须在 0 到满分之间，且下限不大于上限",
                band.min_points, band.max_points
            )),
        }
    }
    bands.sort_by_key(|(_, lo, _)| *lo);
    for pair in bands.windows(2) {
        if pair[1].1 <= pair[0].2 {
            problems.push(format!(
                "档次“{}”与“{}”的分数范围重叠",
                pair[0].0.label, pair[1].0.label
            ));
        }
    }
    problems
}

/// Checks a rubric a round opens with (or a package carries); the error lists every problem.
pub fn validate_rubric(rubric: &Rubric) -> Result<(), DomainError> {
    refuse_on(rubric, rubric_problems)
}

/// Checks a draft rubric as it is saved: every problem but the total (see [`draft_problems`]).
pub fn validate_rubric_draft(rubric: &Rubric) -> Result<(), DomainError> {
    refuse_on(rubric, draft_problems)
}

/// The texts' limits, then INVALID_RUBRIC listing every problem `problems` finds.
fn refuse_on(rubric: &Rubric, problems: fn(&Rubric) -> Vec<String>) -> Result<(), DomainError> {
    crate::input::check_texts(rubric)?;
    let problems = problems(rubric);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(DomainError::InvalidRubric(problems.join("；")))
    }
}

/// The rubric as its `park-review/rubric@1` file: the bytes the fingerprint is taken of.
pub fn rubric_file_text(rubric: &Rubric) -> String {
    let file = RubricFile {
        format: RUBRIC_FORMAT.to_owned(),
        rubric: rubric.clone(),
    };
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

/// The SHA-256 (hex) of the rubric's file text: recorded when a round opens and printed on
/// every scoring sheet, so that anyone can check a sheet was scored against this rubric.
pub fn rubric_sha256(rubric: &Rubric) -> String {
    crate::digest::sha256_hex(rubric_file_text(rubric).as_bytes())
}

/// Checks the points an expert gives a criterion and returns them exactly.
pub fn check_points(criterion: &Criterion, points: f64) -> Result<Points, DomainError> {
    let field = format!("评分项 {}", criterion.code);
    let out_of_range = |rule: String| DomainError::OutOfRange {
        field: field.clone(),
        value: if points.is_finite() {
            format_points(points)
        } else {
            "（非数字）".into()
        },
        rule,
    };
    let max = criterion.max_points.centi();
    let Some(centi) = to_centi(points) else {
        return Err(out_of_range("分数须为数字，最多两位小数".to_owned()));
    };
    if centi < 0 || centi > max {
        return Err(out_of_range(format!(
            "须在 0 到满分 {} 之间",
            criterion.max_points
        )));
    }
    let step = criterion.step.centi().max(1);
    if centi % step != 0 {
        return Err(DomainError::OffStep {
            criterion: criterion.code.clone(),
            points: format_points(points),
            step: criterion.step.to_string(),
        });
    }
    Ok(Points::from_centi(centi))
}

/// The band (档次) the points fall in, for the hint beside the field.
pub fn band_for(criterion: &Criterion, points: Points) -> Option<&Band> {
    let centi = points.centi();
    criterion
        .bands
        .iter()
        .find(|b| b.min_points.centi() <= centi && centi <= b.max_points.centi())
}

#[cfg(test)]
mod tests;
