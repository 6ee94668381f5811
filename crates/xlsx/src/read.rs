//! Reading workbooks: every cell converted to the exchange format's JSON value, every problem
//! recorded with its sheet, row and field, then the records checked like a JSON import.

use std::collections::HashMap;

use calamine::{Data, Range};
use park_review_domain::exchange::{check_applications, FieldProblem};
use park_review_domain::model::ApplicationRecord;
use park_review_domain::ErrorCode;
use serde_json::{Map, Value};

use crate::columns::{Column, Kind, CODE_HEADER, LIST_SHEETS, PARK_COLUMNS, PARK_SHEET};
use crate::XlsxError;

/// Reads every application of a workbook; all or nothing.
pub fn read_applications(bytes: &[u8]) -> Result<Vec<ApplicationRecord>, XlsxError> {
    let mut workbook = crate::guard::open(bytes)?;
    let mut problems = Vec::new();

    let parks = workbook.sheet(PARK_SHEET)?;
    let park_index = header_index(&parks, PARK_SHEET, PARK_COLUMNS)?;
    let mut apps: Vec<Map<String, Value>> = Vec::new();
    let mut by_code: HashMap<String, usize> = HashMap::new();
    for (r, row) in parks.rows().enumerate().skip(1) {
        if row.iter().all(|c| matches!(c, Data::Empty)) {
            continue;
        }
        let mut object = Map::new();
        for column in PARK_COLUMNS {
            let cell = &row
                .get(park_index[column.header])
                .cloned()
                .unwrap_or(Data::Empty);
            match convert(cell, column) {
                Ok(Some(value)) => {
                    object.insert(column.field.to_owned(), value);
                }
                Ok(None) => {}
                Err((code, message)) => {
                    problems.push(problem(PARK_SHEET, r, column, code, message))
                }
            }
        }
        for list in LIST_SHEETS {
            object.insert(list.field.to_owned(), Value::Array(Vec::new()));
        }
        if let Some(code) = object.get("code").and_then(Value::as_str) {
            by_code.insert(code.to_owned(), apps.len());
        }
        apps.push(object);
    }

    for list in LIST_SHEETS {
        let range = workbook.sheet(list.name)?;
        let code_column = Column {
            header: CODE_HEADER,
            field: "code",
            kind: Kind::RequiredText,
            width: 0.0,
        };
        let columns: Vec<Column> = std::iter::once(code_column)
            .chain(list.columns.iter().copied())
            .collect();
        let index = header_index(&range, list.name, &columns)?;
        for (r, row) in range.rows().enumerate().skip(1) {
            if row.iter().all(|c| matches!(c, Data::Empty)) {
                continue;
            }
            let cell = |column: &Column| {
                row.get(index[column.header])
                    .cloned()
                    .unwrap_or(Data::Empty)
            };
            let code = match convert(&cell(&columns[0]), &columns[0]) {
                Ok(Some(Value::String(code))) => code,
                Ok(_) | Err(_) => {
                    problems.push(problem(
                        list.name,
                        r,
                        &columns[0],
                        ErrorCode::ImportMalformed,
                        "请填写申报编号。".into(),
                    ));
                    continue;
                }
            };
            let Some(&app) = by_code.get(&code) else {
                let message = format!("申报编号“{code}”在工作表“{PARK_SHEET}”中不存在。");
                problems.push(problem(
                    list.name,
                    r,
                    &columns[0],
                    ErrorCode::NotFound,
                    message,
                ));
                continue;
            };
            let mut item = Map::new();
            for column in list.columns {
                match convert(&cell(column), column) {
                    Ok(Some(value)) => {
                        item.insert(column.field.to_owned(), value);
                    }
                    Ok(None) => {}
                    Err((code, message)) => {
                        problems.push(problem(list.name, r, column, code, message))
                    }
                }
            }
            if let Some(Value::Array(items)) = apps[app].get_mut(list.field) {
                items.push(Value::Object(item));
            }
        }
    }
    if !problems.is_empty() {
        return Err(XlsxError::Invalid(problems));
    }

    let mut records = Vec::with_capacity(apps.len());
    for (i, object) in apps.into_iter().enumerate() {
        match serde_json::from_value::<ApplicationRecord>(Value::Object(object)) {
            Ok(record) => records.push(record),
            Err(e) => problems.push(FieldProblem {
                record: format!("工作表“{PARK_SHEET}”第 {} 行", i + 2),
                field: String::new(),
                code: ErrorCode::ImportMalformed,
                message: e.to_string(),
            }),
        }
    }
    problems.extend(check_applications(&records));
    if problems.is_empty() {
        Ok(records)
    } else {
        Err(XlsxError::Invalid(problems))
    }
}

/// Where each column is, by its header text.
fn header_index(
    range: &Range<Data>,
    sheet: &'static str,
    columns: &[Column],
) -> Result<HashMap<&'static str, usize>, XlsxError> {
    crate::header_positions(range, sheet, columns.iter().map(|c| c.header))
}

fn problem(
    sheet: &str,
    row_index: usize,
    column: &Column,
    code: ErrorCode,
    message: String,
) -> FieldProblem {
    FieldProblem {
        record: format!("工作表“{sheet}”第 {} 行", row_index + 1),
        field: format!("{}（{}）", column.header, column.field),
        code,
        message,
    }
}

/// One cell as the exchange format's JSON value; `None` for an empty optional cell.
fn convert(cell: &Data, column: &Column) -> Result<Option<Value>, (ErrorCode, String)> {
    let text = match cell {
        Data::String(s) => s.trim().to_owned(),
        Data::Empty => String::new(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        other => other.to_string(),
    };
    let empty = text.is_empty();
    match column.kind {
        Kind::Text => Ok((!empty).then_some(Value::String(text))),
        Kind::RequiredText if empty => Err((ErrorCode::ImportMalformed, "必填，不能为空。".into())),
        Kind::RequiredText => Ok(Some(Value::String(text))),
        Kind::Rank | Kind::Number if empty => {
            if matches!(column.kind, Kind::Rank) || column.field == "planned_area_mu" {
                Err((ErrorCode::ImportMalformed, "必填，不能为空。".into()))
            } else {
                Ok(None)
            }
        }
        Kind::Rank => match text.parse::<u32>() {
            Ok(n) if n >= 1 => Ok(Some(Value::from(n))),
            _ => Err((
                ErrorCode::OutOfRange,
                format!("“{text}”不是从 1 开始的整数。"),
            )),
        },
        Kind::Number => {
            let number = match cell {
                Data::Float(f) => Some(*f),
                Data::Int(i) => Some(*i as f64),
                _ => text.replace(',', "").parse::<f64>().ok(),
            };
            match number {
                Some(n) if n.is_finite() && n >= 0.0 => Ok(Some(Value::from(n))),
                Some(n) => Err((ErrorCode::OutOfRange, format!("{n} 不是有效的非负数。"))),
                None => Err((ErrorCode::OutOfRange, format!("“{text}”不是数字。"))),
            }
        }
        Kind::YesNo => match text.as_str() {
            "" => Ok(None),
            "是" | "有" | "Y" | "y" | "TRUE" | "true" | "1" => Ok(Some(Value::Bool(true))),
            "否" | "无" | "N" | "n" | "FALSE" | "false" | "0" => Ok(Some(Value::Bool(false))),
            _ => Err((ErrorCode::OutOfRange, format!("“{text}”应为“是”或“否”。"))),
        },
        Kind::OptionalChoice(_) if empty => Ok(None),
        Kind::Choice(options) | Kind::OptionalChoice(options) => {
            if empty {
                return Err((ErrorCode::ImportMalformed, "必填，不能为空。".into()));
            }
            options
                .iter()
                .find(|(label, code)| *label == text || *code == text)
                .or_else(|| {
                    crate::columns::FORMER_LABELS.iter().find(|(label, code)| {
                        *label == text && options.iter().any(|(_, c)| c == code)
                    })
                })
                .map(|(_, code)| Some(Value::String((*code).to_owned())))
                .ok_or_else(|| {
                    let allowed: Vec<_> = options.iter().map(|(label, _)| *label).collect();
                    (
                        ErrorCode::OutOfRange,
                        format!("“{text}”不在可选值中（{}）。", allowed.join("、")),
                    )
                })
        }
    }
}
