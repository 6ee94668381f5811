//! Applications as Excel workbooks: the template a city fills in, import with every problem
//! named by sheet, row and field, and export that imports again unchanged.
//!
//! Layout (Chinese headers, matched by name so columns may be reordered): the sheet 园区 holds
//! one row per application; the sheets 企业, 创新平台, 研发合作 and 服务平台 hold the lists, each
//! row naming its application by 申报编号. Writing uses rust_xlsxwriter, reading calamine: both
//! pure Rust, both widely used; neither does any I/O here (bytes in, bytes out).

mod checklist;
mod columns;
mod guard;
mod ranking;
mod read;
mod rubric;
mod write;

pub use checklist::{read_checklist, write_checklist};
pub use guard::{MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS, MAX_UNPACKED_BYTES};
pub use ranking::{write_workbook, Cell, Sheet};
pub use read::read_applications;
pub use rubric::{read_rubric, write_rubric};
pub use write::{application_template, write_applications};

use park_review_domain::exchange::FieldProblem;
use park_review_domain::{Coded, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum XlsxError {
    #[error("无法读取 Excel 文件：{0}。请确认文件是 .xlsx 格式且没有损坏。")]
    Unreadable(String),
    #[error(
        "Excel 文件缺少工作表“{0}”。请使用 `park-review template application` 生成的模板填写。"
    )]
    MissingSheet(&'static str),
    #[error("工作表“{sheet}”缺少列“{column}”。请使用模板中的列名。")]
    MissingColumn {
        sheet: &'static str,
        column: &'static str,
    },
    #[error("Excel 文件有 {} 处问题，未保存任何内容：\n{}", .0.len(), park_review_domain::exchange::list_problems(.0))]
    Invalid(Vec<FieldProblem>),
    #[error("Excel 文件过大，未读取：{0}。请检查文件是否正确，或分成几个文件导入。")]
    TooLarge(String),
    #[error("无法生成 Excel 文件：{0}")]
    Write(String),
}

impl Coded for XlsxError {
    fn code(&self) -> ErrorCode {
        match self {
            XlsxError::Invalid(problems) => problems
                .first()
                .map_or(ErrorCode::ImportMalformed, |p| p.code),
            XlsxError::Write(_) => ErrorCode::Internal,
            XlsxError::TooLarge(_) => ErrorCode::ImportTooLarge,
            _ => ErrorCode::ImportMalformed,
        }
    }
}

/// Where each header is in the first row of a sheet: headers are matched by their text, so
/// columns may be reordered; a missing one is `MissingColumn`.
pub(crate) fn header_positions(
    range: &calamine::Range<calamine::Data>,
    sheet: &'static str,
    headers: impl Iterator<Item = &'static str>,
) -> Result<std::collections::HashMap<&'static str, usize>, XlsxError> {
    let found: Vec<String> = range
        .rows()
        .next()
        .map(|row| {
            row.iter()
                .map(|c| c.to_string().trim().to_owned())
                .collect()
        })
        .unwrap_or_default();
    headers
        .map(|header| {
            found
                .iter()
                .position(|f| f == header)
                .map(|p| (header, p))
                .ok_or(XlsxError::MissingColumn {
                    sheet,
                    column: header,
                })
        })
        .collect()
}

#[cfg(test)]
mod tests;
