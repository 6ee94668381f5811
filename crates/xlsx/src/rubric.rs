//! Rubrics (评分细则) as Excel workbooks, for a secretariat that drafts them in a spreadsheet.
//!
//! Layout: sheet 细则信息 holds the title (A2); sheet 评分细则 one row per criterion with its
//! section; sheet 档次 one row per band, naming its criterion. Reading checks the shape here and
//! leaves the rules (totals, codes, steps) to `park_review_domain::rubric`.

use std::collections::HashMap;

use calamine::{Data, Range};
use park_review_domain::exchange::FieldProblem;
use park_review_domain::model::{Band, Criterion, Rubric, RubricSection};
use park_review_domain::ErrorCode;
use park_review_domain::Points;
use rust_xlsxwriter::{Format, Workbook};

use crate::XlsxError;

const INFO_SHEET: &str = "细则信息";
const CRITERIA_SHEET: &str = "评分细则";
const BANDS_SHEET: &str = "档次";
const CRITERIA_HEADERS: [&str; 8] = [
    "部分编号",
    "部分名称",
    "评分项编号",
    "评分项名称",
    "满分",
    "步长",
    "对应条款",
    "评分指引",
];
/// Optional (a workbook made before it existed has none): 是 marks an objective criterion.
const OBJECTIVE_HEADER: &str = "客观分";
const BAND_HEADERS: [&str; 5] = ["评分项编号", "档次", "最低分", "最高分", "说明"];

fn wrap(e: rust_xlsxwriter::XlsxError) -> XlsxError {
    XlsxError::Write(e.to_string())
}

/// The rubric as a workbook.
pub fn write_rubric(rubric: &Rubric) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let header = Format::new().set_bold().set_background_color("#DCE6F2");
    let info = workbook
        .add_worksheet()
        .set_name(INFO_SHEET)
        .map_err(wrap)?;
    info.write_string_with_format(0, 0, "评分细则标题", &header)
        .map_err(wrap)?;
    info.write_string(1, 0, &rubric.title).map_err(wrap)?;
    info.write_string(3, 0, "满分合计须为 100 分；分数须为步长的整数倍；对应条款用逗号分隔（C1–C7、P1–P5、T1–T8、A1–A3）。").map_err(wrap)?;
    info.set_column_width(0, 60).map_err(wrap)?;

    let sheet = workbook
        .add_worksheet()
        .set_name(CRITERIA_SHEET)
        .map_err(wrap)?;
    for (c, h) in CRITERIA_HEADERS.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &header)
            .map_err(wrap)?;
    }
    sheet
        .write_string_with_format(0, CRITERIA_HEADERS.len() as u16, OBJECTIVE_HEADER, &header)
        .map_err(wrap)?;
    for (c, w) in [10.0, 18.0, 12.0, 30.0, 8.0, 8.0, 14.0, 60.0, 8.0]
        .iter()
        .enumerate()
    {
        sheet.set_column_width(c as u16, *w).map_err(wrap)?;
    }
    let mut row = 1;
    for section in &rubric.sections {
        for criterion in &section.criteria {
            sheet.write_string(row, 0, &section.code).map_err(wrap)?;
            sheet.write_string(row, 1, &section.title).map_err(wrap)?;
            sheet.write_string(row, 2, &criterion.code).map_err(wrap)?;
            sheet.write_string(row, 3, &criterion.title).map_err(wrap)?;
            sheet
                .write_number(row, 4, criterion.max_points.to_f64())
                .map_err(wrap)?;
            sheet
                .write_number(row, 5, criterion.step.to_f64())
                .map_err(wrap)?;
            sheet
                .write_string(row, 6, criterion.clauses.join(","))
                .map_err(wrap)?;
            sheet
                .write_string(row, 7, &criterion.guidance)
                .map_err(wrap)?;
            if criterion.objective {
                sheet.write_string(row, 8, "是").map_err(wrap)?;
            }
            row += 1;
        }
    }

    let bands = workbook
        .add_worksheet()
        .set_name(BANDS_SHEET)
        .map_err(wrap)?;
    for (c, h) in BAND_HEADERS.iter().enumerate() {
        bands
            .write_string_with_format(0, c as u16, *h, &header)
            .map_err(wrap)?;
    }
    bands.set_column_width(4, 60).map_err(wrap)?;
    let mut row = 1;
    for criterion in rubric.sections.iter().flat_map(|s| &s.criteria) {
        for band in &criterion.bands {
            bands.write_string(row, 0, &criterion.code).map_err(wrap)?;
            bands.write_string(row, 1, &band.label).map_err(wrap)?;
            bands
                .write_number(row, 2, band.min_points.to_f64())
                .map_err(wrap)?;
            bands
                .write_number(row, 3, band.max_points.to_f64())
                .map_err(wrap)?;
            bands
                .write_string(row, 4, &band.description)
                .map_err(wrap)?;
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

fn columns(
    range: &Range<Data>,
    sheet: &'static str,
    headers: &[&'static str],
) -> Result<HashMap<&'static str, usize>, XlsxError> {
    crate::header_positions(range, sheet, headers.iter().copied())
}

/// Reads a rubric workbook; every cell that is not a number where one is needed is named.
pub fn read_rubric(bytes: &[u8]) -> Result<Rubric, XlsxError> {
    let mut workbook = crate::guard::open(bytes)?;
    let info = workbook.sheet(INFO_SHEET)?;
    let title = text(info.get_value((1, 0)));
    let criteria = workbook.sheet(CRITERIA_SHEET)?;
    let bands = workbook.sheet(BANDS_SHEET)?;
    let at = columns(&criteria, CRITERIA_SHEET, &CRITERIA_HEADERS)?;
    let band_at = columns(&bands, BANDS_SHEET, &BAND_HEADERS)?;
    let objective_at = columns(&criteria, CRITERIA_SHEET, &[OBJECTIVE_HEADER])
        .ok()
        .map(|m| m[OBJECTIVE_HEADER]);
    let mut problems = Vec::new();
    let number = |sheet: &str,
                  r: usize,
                  header: &str,
                  cell: Option<&Data>,
                  problems: &mut Vec<FieldProblem>|
     -> Points {
        let value = match cell {
            Some(Data::Float(f)) => Some(*f),
            Some(Data::Int(i)) => Some(*i as f64),
            other => text(other).parse::<f64>().ok(),
        };
        match value.map(|v| (v, Points::from_f64(v))) {
            Some((_, Some(points))) => points,
            problem => {
                problems.push(FieldProblem {
                    record: format!("工作表“{sheet}”第 {} 行", r + 1),
                    field: header.to_owned(),
                    code: ErrorCode::ImportMalformed,
                    message: match problem {
                        Some((v, None)) => format!("{v} 分须最多两位小数"),
                        _ => format!("“{}”不是数字", text(cell)),
                    },
                });
                Points::ZERO
            }
        }
    };
    let mut sections: Vec<RubricSection> = Vec::new();
    for (r, row) in criteria.rows().enumerate().skip(1) {
        if row.iter().all(|c| matches!(c, Data::Empty)) {
            continue;
        }
        let cell = |h: &str| row.get(at[h]);
        let section_code = text(cell("部分编号"));
        let criterion = Criterion {
            code: text(cell("评分项编号")),
            title: text(cell("评分项名称")),
            guidance: text(cell("评分指引")),
            max_points: number(CRITERIA_SHEET, r, "满分", cell("满分"), &mut problems),
            step: if text(cell("步长")).is_empty() {
                Points::from_centi(50)
            } else {
                number(CRITERIA_SHEET, r, "步长", cell("步长"), &mut problems)
            },
            bands: Vec::new(),
            clauses: text(cell("对应条款"))
                .split([',', '，', '、', ' '])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            objective: objective_at.is_some_and(|c| {
                matches!(
                    text(row.get(c)).to_lowercase().as_str(),
                    "是" | "客观" | "客观分" | "yes" | "true" | "1" | "y" | "√"
                )
            }),
        };
        match sections.iter_mut().find(|s| s.code == section_code) {
            Some(section) => section.criteria.push(criterion),
            None => sections.push(RubricSection {
                code: section_code,
                title: text(cell("部分名称")),
                criteria: vec![criterion],
            }),
        }
    }
    for (r, row) in bands.rows().enumerate().skip(1) {
        if row.iter().all(|c| matches!(c, Data::Empty)) {
            continue;
        }
        let cell = |h: &str| row.get(band_at[h]);
        let code = text(cell("评分项编号"));
        let band = Band {
            label: text(cell("档次")),
            min_points: number(BANDS_SHEET, r, "最低分", cell("最低分"), &mut problems),
            max_points: number(BANDS_SHEET, r, "最高分", cell("最高分"), &mut problems),
            description: text(cell("说明")),
        };
        match sections
            .iter_mut()
            .flat_map(|s| &mut s.criteria)
            .find(|c| c.code == code)
        {
            Some(c) => c.bands.push(band),
            None => problems.push(FieldProblem {
                record: format!("工作表“{BANDS_SHEET}”第 {} 行", r + 1),
                field: "评分项编号".into(),
                code: ErrorCode::NotFound,
                message: format!("工作表“{CRITERIA_SHEET}”中没有评分项“{code}”"),
            }),
        }
    }
    if !problems.is_empty() {
        return Err(XlsxError::Invalid(problems));
    }
    Ok(Rubric { title, sections })
}
