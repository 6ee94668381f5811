//! Exchange formats: parsing and checking the JSON files that travel between the secretariat,
//! cities and experts. Each file names its format and version in a `format` field
//! (`park-review/application@1` …), so that a file from a newer version is refused with a clear
//! message instead of being half-read. Parsing is pure: callers read the bytes.

use serde::{Deserialize, Serialize};

use crate::model::{ApplicationRecord, Checklist, ExpertRecord, Rubric};
use crate::{code, credit_code, Coded, DomainError, ErrorCode, RoundKind};

pub const APPLICATION_FORMAT: &str = "park-review/application@1";
pub const DEMO_ROUND_FORMAT: &str = "park-review/demo-round@1";
pub const RUBRIC_FORMAT: &str = "park-review/rubric@1";
pub const CHECKLIST_FORMAT: &str = "park-review/checklist@1";
pub const EXPERTS_FORMAT: &str = "park-review/experts@1";
pub const SCORES_FORMAT: &str = "park-review/scores@1";

/// An experts file: `{"format": "park-review/experts@1", "round": "2026-SB", "experts": […]}`.
/// `round` may be left out when the command names the round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpertsFile {
    pub format: String,
    #[serde(default)]
    pub round: Option<String>,
    pub experts: Vec<ExpertRecord>,
}

/// Parses a `park-review/experts@1` file.
pub fn parse_experts_file(text: &str) -> Result<ExpertsFile, DomainError> {
    crate::input::check_json(text)?;
    let file: ExpertsFile = serde_json::from_str(text).map_err(malformed)?;
    check_format(&file.format, EXPERTS_FORMAT)?;
    Ok(file)
}

/// One paper scoring sheet (纸质评分表) to enter, `park-review/scores@1`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoresEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    pub round: String,
    /// Expert code, e.g. `E003`.
    pub expert: String,
    /// Application code, e.g. `2026-SZ-01`.
    pub application: String,
    /// Criterion code → points.
    pub scores: std::collections::BTreeMap<String, f64>,
    /// Criterion code → comment.
    #[serde(default)]
    pub comments: std::collections::BTreeMap<String, String>,
    /// The overall opinion (评审意见).
    #[serde(default)]
    pub opinion: String,
    /// The expert signed the no-conflict pledge on paper. Required, and must be true.
    pub declared_no_conflict: bool,
    /// The sheet is final: lock the scores after entering them.
    #[serde(default)]
    pub submitted: bool,
}

/// The objects of a file that holds one object or an array of them (`what`: 申报对象 …).
fn objects_of(text: &str, what: &str) -> Result<Vec<serde_json::Value>, DomainError> {
    crate::input::check_json(text)?;
    match serde_json::from_str(text).map_err(malformed)? {
        serde_json::Value::Array(items) => Ok(items),
        object @ serde_json::Value::Object(_) => Ok(vec![object]),
        _ => Err(DomainError::Malformed(format!(
            "文件内容应为一个{what}，或由{what}组成的数组。"
        ))),
    }
}

/// Parses a `park-review/scores@1` file: one entry, or an array of entries.
pub fn parse_scores_file(text: &str) -> Result<Vec<ScoresEntry>, DomainError> {
    objects_of(text, "评分对象")?
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let entry: ScoresEntry = serde_json::from_value(item).map_err(|e| {
                DomainError::Malformed(format!(
                    "第 {} 条：{}",
                    i + 1,
                    translate_serde_message(&e.to_string())
                ))
            })?;
            if let Some(format) = &entry.format {
                check_format(format, SCORES_FORMAT)?;
            }
            Ok(entry)
        })
        .collect()
}

/// One problem found in an imported record: where it is and what is wrong, in Chinese.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct FieldProblem {
    /// Which record, e.g. `申报 2026-GZ-01` or `第 3 条`.
    pub record: String,
    /// The field, in the exchange format's name, e.g. `enterprises[2].credit_code`.
    pub field: String,
    /// The kind of problem, e.g. `INVALID_CREDIT_CODE`.
    pub code: ErrorCode,
    pub message: String,
}

impl std::fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}，字段 {}：{}［{}］",
            self.record, self.field, self.message, self.code
        )
    }
}

/// How many problems a message lists; the count says how many there are in all.
pub const PROBLEMS_LISTED: usize = 50;

/// The first [`PROBLEMS_LISTED`] problems, one per line, and how many more there are: a file
/// with 200,000 bad rows gets a message a person can read, not one of 100 MB.
pub fn list_problems(problems: &[FieldProblem]) -> String {
    let mut lines: Vec<String> = problems
        .iter()
        .take(PROBLEMS_LISTED)
        .map(|p| format!("  · {p}"))
        .collect();
    if problems.len() > PROBLEMS_LISTED {
        lines.push(format!(
            "  …… 另有 {} 处问题未列出（请先改正以上问题再导入）",
            problems.len() - PROBLEMS_LISTED
        ));
    }
    lines.join("\n")
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
    crate::input::check_json(text)?;
    let demo: DemoRound = serde_json::from_str(text).map_err(malformed)?;
    check_format(&demo.format, DEMO_ROUND_FORMAT)?;
    let problems = check_applications(&demo.applications);
    if let Some(first) = problems.first() {
        return Err(DomainError::Malformed(first.to_string()));
    }
    Ok(demo)
}

/// Parses a `park-review/application@1` file: one application object, or an array of them.
/// Each object may name its format in a `format` field; if it does, it must be this one.
/// Returns every record, or the first problem with its position.
pub fn parse_application_file(text: &str) -> Result<Vec<ApplicationRecord>, DomainError> {
    let items = objects_of(text, "申报对象")?;
    let mut records = Vec::with_capacity(items.len());
    for (index, mut item) in items.into_iter().enumerate() {
        let position = format!("第 {} 条申报", index + 1);
        if let Some(object) = item.as_object_mut() {
            if let Some(format) = object.remove("format") {
                check_format(format.as_str().unwrap_or_default(), APPLICATION_FORMAT)
                    .map_err(|e| DomainError::Malformed(format!("{position}：{e}")))?;
            }
        }
        let record: ApplicationRecord = serde_json::from_value(item.clone()).map_err(|e| {
            DomainError::Malformed(format!(
                "{position}：{}",
                translate_serde_message(&e.to_string())
            ))
        })?;
        // A misspelt field would otherwise be dropped without a word, and the value it held
        // lost: every field of the file must be one the record has.
        let known = serde_json::to_value(&record).expect("an application record is plain data");
        let mut unknown = Vec::new();
        unknown_fields(&item, &known, "", &mut unknown);
        if !unknown.is_empty() {
            return Err(DomainError::Malformed(format!(
                "{position}：有本格式没有的字段 {}（是否拼错了？）",
                unknown.join("、")
            )));
        }
        records.push(record);
    }
    Ok(records)
}

/// The fields of `input` that `known` (the parsed record, written back) does not have, by path.
fn unknown_fields(
    input: &serde_json::Value,
    known: &serde_json::Value,
    path: &str,
    out: &mut Vec<String>,
) {
    use serde_json::Value;
    match (input, known) {
        (Value::Object(given), Value::Object(have)) => {
            for (key, value) in given {
                let here = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match have.get(key) {
                    Some(inner) => unknown_fields(value, inner, &here, out),
                    None if value.is_null() => {}
                    None => out.push(format!("“{here}”")),
                }
            }
        }
        (Value::Array(given), Value::Array(have)) => {
            for (i, (value, inner)) in given.iter().zip(have).enumerate() {
                unknown_fields(value, inner, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// Writes records as a `park-review/application@1` file: a pretty-printed JSON array in which
/// every object names its format, ending with a newline. [`parse_application_file`] reads it back.
pub fn write_application_file(records: &[ApplicationRecord]) -> String {
    let tagged: Vec<serde_json::Value> = records
        .iter()
        .map(|record| {
            let mut value =
                serde_json::to_value(record).expect("an application record is plain data");
            value["format"] = APPLICATION_FORMAT.into();
            value
        })
        .collect();
    serde_json::to_string_pretty(&tagged).expect("JSON values serialise") + "\n"
}

/// Parses a rubric file.
pub fn parse_rubric(text: &str) -> Result<Rubric, DomainError> {
    crate::input::check_json(text)?;
    let file: RubricFile = serde_json::from_str(text).map_err(malformed)?;
    check_format(&file.format, RUBRIC_FORMAT)?;
    Ok(file.rubric)
}

/// Parses a checklist file.
pub fn parse_checklist(text: &str) -> Result<Checklist, DomainError> {
    crate::input::check_json(text)?;
    let file: ChecklistFile = serde_json::from_str(text).map_err(malformed)?;
    check_format(&file.format, CHECKLIST_FORMAT)?;
    crate::inspection::validate_checklist(&file.checklist)?;
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
        let mut problem = |field: String, code: ErrorCode, message: String| {
            problems.push(FieldProblem {
                record: record.clone(),
                field,
                code,
                message,
            })
        };
        if let Err(e) = code::validate_code("code", &app.code) {
            problem("code".into(), e.code(), e.to_string());
        } else if !seen_codes.insert(app.code.to_ascii_uppercase()) {
            let message = DomainError::DuplicateCode(app.code.clone()).to_string();
            problem("code".into(), ErrorCode::DuplicateCode, message);
        }
        for (field, text, multiline) in crate::input::texts_of(app) {
            if let Err(e) = crate::input::check_text("", &text, multiline) {
                problem(field, e.code(), e.to_string());
            }
        }
        if app.park_name.trim().is_empty() {
            problem(
                "park_name".into(),
                ErrorCode::ImportMalformed,
                "园区名称不能为空。".into(),
            );
        }
        if app.city_recommendation_rank == 0 {
            let message = "推荐顺序从 1 开始。".into();
            problem(
                "city_recommendation_rank".into(),
                ErrorCode::OutOfRange,
                message,
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
                problem(
                    field,
                    ErrorCode::OutOfRange,
                    format!("{value} 不是有效的非负数。"),
                );
            }
        }
        for (i, enterprise) in app.enterprises.iter().enumerate() {
            if let Err(e) = credit_code::validate(&enterprise.credit_code) {
                problem(
                    format!("enterprises[{i}].credit_code"),
                    e.code(),
                    e.to_string(),
                );
            }
            let output = enterprise.ai_output_wan_yuan;
            if !output.is_finite() || output < 0.0 {
                problem(
                    format!("enterprises[{i}].ai_output_wan_yuan"),
                    ErrorCode::OutOfRange,
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
    fn application_files_hold_one_object_or_an_array() {
        let one = minimal("2026-SG-01").to_string();
        assert_eq!(parse_application_file(&one).unwrap().len(), 1);
        let mut tagged = minimal("2026-GZ-01");
        tagged["format"] = APPLICATION_FORMAT.into();
        tagged["city"] = "广州市".into();
        let many = serde_json::json!([minimal("2026-SG-01"), tagged]).to_string();
        let records = parse_application_file(&many).unwrap();
        assert_eq!(records[1].city, crate::City::GZ);
    }

    #[test]
    fn written_application_files_read_back_unchanged() {
        let records: Vec<ApplicationRecord> = vec![
            serde_json::from_value(minimal("2026-SG-01")).unwrap(),
            serde_json::from_value(minimal("2026-SG-02")).unwrap(),
        ];
        let text = write_application_file(&records);
        assert!(text.contains(APPLICATION_FORMAT) && text.ends_with("\n"));
        assert_eq!(parse_application_file(&text).unwrap(), records);
    }

    #[test]
    fn application_file_errors_name_the_record() {
        let mut bad = minimal("2026-SG-02");
        bad["city"] = "长沙市".into();
        let text = serde_json::json!([minimal("2026-SG-01"), bad]).to_string();
        let err = parse_application_file(&text).unwrap_err();
        assert!(
            err.to_string().contains("第 2 条申报") && err.to_string().contains("长沙市"),
            "{err}"
        );
        let mut negative = minimal("2026-SG-01");
        negative["planned_area_mu"] = "三百".into();
        let err = parse_application_file(&negative.to_string()).unwrap_err();
        assert!(err.to_string().contains("数据类型不对"), "{err}");
        let mut future = minimal("2026-SG-01");
        future["format"] = "park-review/application@2".into();
        assert!(parse_application_file(&future.to_string())
            .unwrap_err()
            .to_string()
            .contains("application@2"));
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let err = parse_demo_round("{\n  \"format\": ").unwrap_err();
        assert!(err.to_string().contains("第 2 行"), "{err}");
    }
}
