//! Writing workbooks: the empty template and exports. Both share one layout, so an export can
//! be edited and imported again.

use park_review_domain::model::ApplicationRecord;
use rust_xlsxwriter::{DataValidation, Format, Workbook, Worksheet, XlsxError as WriteError};
use serde_json::Value;

use crate::columns::{Column, Kind, CODE_HEADER, LIST_SHEETS, PARK_COLUMNS, PARK_SHEET};
use crate::XlsxError;

/// Rows that get drop-down lists in the template and exports.
const VALIDATED_ROWS: u32 = 500;

fn wrap(e: WriteError) -> XlsxError {
    XlsxError::Write(e.to_string())
}

/// The empty template with Chinese headers and drop-down lists.
pub fn application_template() -> Result<Vec<u8>, XlsxError> {
    write_applications(&[])
}

/// A workbook holding `records` in the template's layout.
pub fn write_applications(records: &[ApplicationRecord]) -> Result<Vec<u8>, XlsxError> {
    let values: Vec<Value> = records
        .iter()
        .map(|r| serde_json::to_value(r).map_err(|e| XlsxError::Write(e.to_string())))
        .collect::<Result<_, _>>()?;
    let mut workbook = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_background_color("#DCE6F2")
        .set_text_wrap();

    let sheet = workbook
        .add_worksheet()
        .set_name(PARK_SHEET)
        .map_err(wrap)?;
    prepare(sheet, PARK_COLUMNS, &header)?;
    for (i, app) in values.iter().enumerate() {
        let row = i as u32 + 1;
        for (c, column) in PARK_COLUMNS.iter().enumerate() {
            write_cell(sheet, row, c as u16, column, &app[column.field])?;
        }
    }

    for list in LIST_SHEETS {
        let sheet = workbook.add_worksheet().set_name(list.name).map_err(wrap)?;
        let code_column = Column {
            header: CODE_HEADER,
            field: "code",
            kind: Kind::RequiredText,
            width: 14.0,
        };
        let columns: Vec<Column> = std::iter::once(code_column)
            .chain(list.columns.iter().copied())
            .collect();
        prepare(sheet, &columns, &header)?;
        let mut row = 1;
        for app in &values {
            for item in app[list.field].as_array().into_iter().flatten() {
                sheet
                    .write_string(row, 0, app["code"].as_str().unwrap_or_default())
                    .map_err(wrap)?;
                for (c, column) in list.columns.iter().enumerate() {
                    write_cell(sheet, row, c as u16 + 1, column, &item[column.field])?;
                }
                row += 1;
            }
        }
    }
    workbook.save_to_buffer().map_err(wrap)
}

/// Headers, widths, a frozen header row, and drop-down lists for yes/no and choices.
fn prepare(sheet: &mut Worksheet, columns: &[Column], header: &Format) -> Result<(), XlsxError> {
    sheet.set_freeze_panes(1, 0).map_err(wrap)?;
    sheet.set_row_height(0, 32).map_err(wrap)?;
    for (c, column) in columns.iter().enumerate() {
        let c = c as u16;
        sheet
            .write_string_with_format(0, c, column.header, header)
            .map_err(wrap)?;
        sheet.set_column_width(c, column.width).map_err(wrap)?;
        let choices: Vec<&str> = match column.kind {
            Kind::YesNo => vec!["是", "否"],
            Kind::Choice(options) | Kind::OptionalChoice(options) => {
                options.iter().map(|(label, _)| *label).collect()
            }
            _ => continue,
        };
        let validation = DataValidation::new()
            .allow_list_strings(&choices)
            .map_err(wrap)?;
        sheet
            .add_data_validation(1, c, VALIDATED_ROWS, c, &validation)
            .map_err(wrap)?;
    }
    Ok(())
}

fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    column: &Column,
    value: &Value,
) -> Result<(), XlsxError> {
    match (column.kind, value) {
        (Kind::YesNo, Value::Bool(flag)) => {
            sheet
                .write_string(row, col, if *flag { "是" } else { "否" })
                .map_err(wrap)?;
        }
        (Kind::Choice(options) | Kind::OptionalChoice(options), Value::String(code)) => {
            let label = options
                .iter()
                .find(|(_, c)| c == code)
                .map_or(code.as_str(), |(label, _)| label);
            sheet.write_string(row, col, label).map_err(wrap)?;
        }
        (_, Value::Number(n)) => {
            sheet
                .write_number(row, col, n.as_f64().unwrap_or_default())
                .map_err(wrap)?;
        }
        (_, Value::String(text)) => {
            sheet.write_string(row, col, text).map_err(wrap)?;
        }
        _ => {}
    }
    Ok(())
}
