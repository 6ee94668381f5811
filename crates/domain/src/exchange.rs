//! Exchange formats: parsing and checking the JSON files that travel between the secretariat,
//! cities and experts. Each file names its format and version in a `format` field
//! (`park-review/application@1` …), so that a file from a newer version is refused with a clear
//! message instead of being half-read. Parsing is pure: callers read the bytes.

use serde::{Deserialize, Serialize};

use crate::model::{ApplicationRecord, Checklist, ExpertRecord, Rubric};
use crate::{code, credit_code, DomainError, RoundKind};

pub const APPLICATION_FORMAT: &str = "park-review/application@1";
pub const DEMO_ROUND_FORMAT: &str = "park-review/demo-round@1";
pub const RUBRIC_FORMAT: &str = "park-review/rubric@1";
pub const CHECKLIST_FORMAT: &str = "park-review/checklist@1";

/// One problem found in an imported record: where it is and what is wrong, in Chinese.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldProblem {
    /// Which record, e.g. `申报 2026-GZ-01` or `第 3 条`.
    pub record: String,
    /// The field, in the exchange format's name, e.g. `enterprises[2].credit_code`.
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}，字段 {}：{}", self.record, self.field, self.message)
    }
}

/// The demo round shipped in `assets/demo/`: a round with its applications, experts, rubric
/// and checklists, in one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoRound {
    pub format: String,
    pub year: i32,
    pub kind: RoundKind,
    pub applications: Vec<ApplicationRecord>,
    pub experts: Vec<ExpertRecord>,
}

/// A rubric file: `{"format": "park-review/rubric@1", "title": …, "sections": […]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RubricFile {
    pub format: String,
    #[serde(flatten)]
    pub rubric: Rubric,
}

/// A checklist file: `{"format": "park-review/checklist@1", …}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChecklistFile {
    pub format: String,
    #[serde(flatten)]
    pub checklist: Checklist,
}

fn malformed(err: serde_json::Error) -> DomainError {
    DomainError::Malformed(format!(
        "第 {} 行第 {} 列：{}",
        err.line(),
        err.column(),
        translate_serde_message(&err.to_string())
    ))
}

/// serde's messages are English; keep them (they name the field) but say the common ones in
/// Chinese first, so a secretary knows what kind of mistake to look for.
fn translate_serde_message(message: &str) -> String {
    let hint = if message.contains("missing field") {
        "缺少必填字段"
    } else if message.contains("unknown variant") {
        "取值不在允许的范围内"
    } else if message.contains("invalid type") {
        "数据类型不对（例如应为数字却填了文字）"
    } else if message.contains("EOF") || message.contains("expected") {
        "JSON 语法错误"
    } else {
        "内容无法识别"
    };
    format!("{hint}（{message}）")
}

fn check_format(found: &str, expected: &str) -> Result<(), DomainError> {
    if found == expected {
        Ok(())
    } else {
        Err(DomainError::Malformed(format!(
            "文件格式为“{found}”，这里需要“{expected}”。请确认选择了正确的文件；若文件来自更新版本的软件，请先升级本软件。"
        )))
    }
}

/// Parses the demo round and checks every application and expert in it.
pub fn parse_demo_round(text: &str) -> Result<DemoRound, DomainError> {
    let demo: DemoRound = serde_json::from_str(text).map_err(malformed)?;
    check_format(&demo.format, DEMO_ROUND_FORMAT)?;
    let problems = check_applications(&demo.applications);
    if let Some(first) = problems.first() {
        return Err(DomainError::Malformed(first.to_string()));
    }
    Ok(demo)
}

/// Parses a rubric file.
pub fn parse_rubric(text: &str) -> Result<Rubric, DomainError> {
    let file: RubricFile = serde_json::from_str(text).map_err(malformed)?;
    check_format(&file.format, RUBRIC_FORMAT)?;
    Ok(file.rubric)
}

/// Parses a checklist file.
pub fn parse_checklist(text: &str) -> Result<Checklist, DomainError> {
    let file: ChecklistFile = serde_json::from_str(text).map_err(malformed)?;
    check_format(&file.format, CHECKLIST_FORMAT)?;
    Ok(file.checklist)
}

/// Checks the records of an import: codes, credit codes, and that numbers are finite and not
/// negative. Returns every problem, so that a secretary can fix a file in one pass.
pub fn check_applications(records: &[ApplicationRecord]) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    let mut seen_codes = std::collections::HashSet::new();
    for (index, app) in records.iter().enumerate() {
        let record = if app.code.is_empty() {
            format!("第 {} 条申报", index + 1)
        } else {
            format!("申报 {}", app.code)
        };
        let mut problem = |field: String, message: String| {
            problems.push(FieldProblem {
                record: record.clone(),
                field,
                message,
            })
        };
        if let Err(e) = code::validate_code("code", &app.code) {
            problem("code".into(), e.to_string());
        } else if !seen_codes.insert(app.code.as_str()) {
            problem(
                "code".into(),
                DomainError::DuplicateCode(app.code.clone()).to_string(),
            );
        }
        if app.park_name.trim().is_empty() {
            problem("park_name".into(), "园区名称不能为空。".into());
        }
        if app.city_recommendation_rank == 0 {
            problem(
                "city_recommendation_rank".into(),
                "推荐顺序从 1 开始。".into(),
            );
        }
        for (field, value) in [
            ("planned_area_mu".to_owned(), app.planned_area_mu),
            (
                "county_funding_wan_yuan".to_owned(),
                app.county_funding_wan_yuan,
            ),
        ] {
            if !value.is_finite() || value < 0.0 {
                problem(field, format!("{value} 不是有效的非负数。"));
            }
        }
        for (i, enterprise) in app.enterprises.iter().enumerate() {
            if let Err(e) = credit_code::validate(&enterprise.credit_code) {
                problem(format!("enterprises[{i}].credit_code"), e.to_string());
            }
            let output = enterprise.ai_output_wan_yuan;
            if !output.is_finite() || output < 0.0 {
                problem(
                    format!("enterprises[{i}].ai_output_wan_yuan"),
                    format!("{output} 不是有效的非负数。"),
                );
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal(code: &str) -> serde_json::Value {
        serde_json::json!({
            "code": code, "park_name": "测试园区", "city": "韶关市",
            "city_recommendation_rank": 1, "planned_area_mu": 300.0,
            "enterprises": [{"name": "甲公司", "credit_code": "91350100M000100Y43", "ai_output_wan_yuan": 5000}]
        })
    }

    #[test]
    fn a_minimal_application_parses_and_checks_clean() {
        let app: ApplicationRecord = serde_json::from_value(minimal("2026-SG-01")).unwrap();
        assert_eq!(app.city, crate::City::SG);
        assert!(check_applications(&[app]).is_empty());
    }

    #[test]
    fn problems_name_record_and_field() {
        let mut bad = minimal("2026-SG-01");
        bad["enterprises"][0]["credit_code"] = "91350100M000100Y44".into();
        bad["planned_area_mu"] = (-1.0).into();
        let app: ApplicationRecord = serde_json::from_value(bad).unwrap();
        let dup = app.clone();
        let problems = check_applications(&[app, dup]);
        let fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
        assert!(fields.contains(&"enterprises[0].credit_code"), "{fields:?}");
        assert!(fields.contains(&"planned_area_mu"), "{fields:?}");
        assert!(fields.contains(&"code"), "duplicate code: {fields:?}");
        assert!(problems[0].to_string().starts_with("申报 2026-SG-01"));
    }

    #[test]
    fn wrong_format_tag_is_refused_with_the_tag_named() {
        let err = parse_rubric(r#"{"format":"park-review/rubric@9","title":"x","sections":[]}"#)
            .unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::ImportMalformed);
        assert!(err.to_string().contains("rubric@9"));
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let err = parse_demo_round("{\n  \"format\": ").unwrap_err();
        assert!(err.to_string().contains("第 2 行"), "{err}");
    }
}
