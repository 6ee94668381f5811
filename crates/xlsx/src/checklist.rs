//! Site-inspection checklists (考察清单) as Excel workbooks, for a secretariat that drafts them in
//! a spreadsheet, like the rubric.
//!
//! Layout: sheet 清单信息 holds the code (A2), title (B2) and round kind (C2); sheet 考察项 one row
//! per item with its section. Reading checks the shape here and leaves the rules (codes,
//! thresholds, weights) to `park_review_domain::inspection`.

use calamine::Data;
use park_review_domain::exchange::FieldProblem;
use park_review_domain::inspection::{
    Checklist, ChecklistItem, ChecklistSection, DeclaredFact, Response,
};
use park_review_domain::{ErrorCode, RoundKind};
use rust_xlsxwriter::{Format, Workbook};

use crate::XlsxError;

const INFO_SHEET: &str = "清单信息";
const ITEMS_SHEET: &str = "考察项";
const HEADERS: [&str; 15] = [
    "部分编号",
    "部分名称",
    "考察项编号",
    "考察内容",
    "应答方式",
    "单位",
    "达标值",
    "最小值",
    "最大值",
    "必填",
    "须佐证",
    "权重",
    "对应条款",
    "申报数据",
    "考察要点",
];

fn wrap(e: rust_xlsxwriter::XlsxError) -> XlsxError {
    XlsxError::Write(e.to_string())
}

fn fact_name(fact: DeclaredFact) -> String {
    serde_json::to_value(fact)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The checklist as a workbook.
pub fn write_checklist(checklist: &Checklist) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let header = Format::new().set_bold().set_background_color("#DCE6F2");
    let info = workbook
        .add_worksheet()
        .set_name(INFO_SHEET)
        .map_err(wrap)?;
    for (c, h) in ["清单编号", "清单名称", "批次类型"].iter().enumerate() {
        info.write_string_with_format(0, c as u16, *h, &header)
            .map_err(wrap)?;
    }
    info.write_string(1, 0, &checklist.code).map_err(wrap)?;
    info.write_string(1, 1, &checklist.title).map_err(wrap)?;
    info.write_string(1, 2, checklist.round_kind.as_str())
        .map_err(wrap)?;
    info.write_string(3, 0, "应答方式：状态（符合/基本符合/不符合/不适用）、数值（填单位、达标值、最小值、最大值）或文字；必填、须佐证填“是”或“否”；文字项和没有达标值的数值项权重须为 0。").map_err(wrap)?;
    info.set_column_width(1, 40).map_err(wrap)?;

    let sheet = workbook
        .add_worksheet()
        .set_name(ITEMS_SHEET)
        .map_err(wrap)?;
    for (c, h) in HEADERS.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &header)
            .map_err(wrap)?;
    }
    for (c, w) in [
        8.0, 12.0, 10.0, 36.0, 8.0, 6.0, 8.0, 8.0, 10.0, 6.0, 6.0, 6.0, 10.0, 24.0, 60.0,
    ]
    .iter()
    .enumerate()
    {
        sheet.set_column_width(c as u16, *w).map_err(wrap)?;
    }
    let mut row = 1;
    for section in &checklist.sections {
        for item in &section.items {
            sheet.write_string(row, 0, &section.code).map_err(wrap)?;
            sheet.write_string(row, 1, &section.title).map_err(wrap)?;
            sheet.write_string(row, 2, &item.code).map_err(wrap)?;
            sheet.write_string(row, 3, &item.prompt).map_err(wrap)?;
            match &item.response {
                Response::Status => {
                    sheet.write_string(row, 4, "状态").map_err(wrap)?;
                }
                Response::Number {
                    unit,
                    at_least,
                    min,
                    max,
                } => {
                    sheet.write_string(row, 4, "数值").map_err(wrap)?;
                    sheet.write_string(row, 5, unit).map_err(wrap)?;
                    if let Some(t) = at_least {
                        sheet.write_number(row, 6, *t).map_err(wrap)?;
                    }
                    sheet.write_number(row, 7, *min).map_err(wrap)?;
                    sheet.write_number(row, 8, *max).map_err(wrap)?;
                }
                Response::Text => {
                    sheet.write_string(row, 4, "文字").map_err(wrap)?;
                }
            }
            sheet
                .write_string(row, 9, if item.required { "是" } else { "否" })
                .map_err(wrap)?;
            sheet
                .write_string(row, 10, if item.evidence_required { "是" } else { "否" })
                .map_err(wrap)?;
            sheet
                .write_number(row, 11, f64::from(item.weight))
                .map_err(wrap)?;
            sheet
                .write_string(row, 12, item.clauses.join(","))
                .map_err(wrap)?;
            if let Some(fact) = item.declared {
                sheet.write_string(row, 13, fact_name(fact)).map_err(wrap)?;
            }
            sheet.write_string(row, 14, &item.guidance).map_err(wrap)?;
            row += 1;
        }
    }
    workbook.save_to_buffer().map_err(wrap)
}

fn text(cell: Option<&Data>) -> String {
    match cell {
        None | Some(Data::Empty) => String::new(),
        Some(Data::Float(f)) if f.fract() == 0.0 => format!("{f:.0}"),
        Some(other) => other.to_string().trim().to_owned(),
    }
}

/// Reads a checklist workbook; every cell of the wrong kind is named with its row.
pub fn read_checklist(bytes: &[u8]) -> Result<Checklist, XlsxError> {
    let mut workbook = crate::guard::open(bytes)?;
    let info = workbook.sheet(INFO_SHEET)?;
    let items = workbook.sheet(ITEMS_SHEET)?;
    let at = crate::header_positions(&items, ITEMS_SHEET, HEADERS.iter().copied())?;
    let mut problems = Vec::new();
    let mut problem = |r: usize, field: &str, message: String| {
        problems.push(FieldProblem {
            record: format!("工作表“{ITEMS_SHEET}”第 {} 行", r + 1),
            field: field.to_owned(),
            code: ErrorCode::ImportMalformed,
            message,
        })
    };
    let round_kind =
        RoundKind::parse(&text(info.get_value((1, 2)))).unwrap_or(RoundKind::Designation);
    let mut sections: Vec<ChecklistSection> = Vec::new();
    for (r, row) in items.rows().enumerate().skip(1) {
        if row.iter().all(|c| matches!(c, Data::Empty)) {
            continue;
        }
        let cell = |h: &str| text(row.get(at[h]));
        let mut number = |h: &str, required: bool| -> Option<f64> {
            let raw = cell(h);
            if raw.is_empty() {
                if required {
                    problem(r, h, "须填写数字".into());
                }
                return None;
            }
            match raw.parse::<f64>() {
                Ok(v) if v.is_finite() => Some(v),
                _ => {
                    problem(r, h, format!("“{raw}”不是数字"));
                    None
                }
            }
        };
        let response = match cell("应答方式").as_str() {
            "状态" | "status" => Response::Status,
            "文字" | "text" => Response::Text,
            "数值" | "number" => Response::Number {
                unit: cell("单位"),
                at_least: number("达标值", false),
                min: number("最小值", true).unwrap_or(0.0),
                max: number("最大值", true).unwrap_or(0.0),
            },
            other => {
                problem(r, "应答方式", format!("“{other}”应为 状态、数值 或 文字"));
                Response::Status
            }
        };
        let yes_no =
            |h: &str, default: bool, problem: &mut dyn FnMut(usize, &str, String)| match cell(h)
                .as_str()
            {
                "" => default,
                "是" | "yes" | "true" => true,
                "否" | "no" | "false" => false,
                other => {
                    problem(r, h, format!("“{other}”应为 是 或 否"));
                    default
                }
            };
        let required = yes_no("必填", true, &mut problem);
        let evidence_required = yes_no("须佐证", false, &mut problem);
        let weight = match cell("权重").parse::<u32>() {
            Ok(w) => w,
            Err(_) if cell("权重").is_empty() => 0,
            Err(_) => {
                problem(r, "权重", format!("“{}”应为不小于 0 的整数", cell("权重")));
                0
            }
        };
        let declared = match cell("申报数据").as_str() {
            "" => None,
            name => {
                match serde_json::from_value::<DeclaredFact>(serde_json::Value::String(name.into()))
                {
                    Ok(fact) => Some(fact),
                    Err(_) => {
                        problem(
                            r,
                            "申报数据",
                            format!(
                                "“{name}”不是可预填的申报数据名称（见 docs/formats/checklist.md）"
                            ),
                        );
                        None
                    }
                }
            }
        };
        let item = ChecklistItem {
            code: cell("考察项编号"),
            prompt: cell("考察内容"),
            guidance: cell("考察要点"),
            clauses: cell("对应条款")
                .split([',', '，', '、', ' '])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            response,
            required,
            evidence_required,
            weight,
            declared,
        };
        let section_code = cell("部分编号");
        match sections.iter_mut().find(|s| s.code == section_code) {
            Some(section) => section.items.push(item),
            None => sections.push(ChecklistSection {
                code: section_code,
                title: cell("部分名称"),
                items: vec![item],
            }),
        }
    }
    if !problems.is_empty() {
        return Err(XlsxError::Invalid(problems));
    }
    Ok(Checklist {
        code: text(info.get_value((1, 0))),
        title: text(info.get_value((1, 1))),
        round_kind,
        sections,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped checklist survives a trip through Excel unchanged.
    #[test]
    fn the_shipped_checklist_round_trips_through_a_workbook() {
        let shipped = park_review_domain::exchange::parse_checklist(include_str!(
            "../../../assets/checklists/designation-site.json"
        ))
        .unwrap();
        let back = read_checklist(&write_checklist(&shipped).unwrap()).unwrap();
        assert_eq!(back, shipped);
    }
}
