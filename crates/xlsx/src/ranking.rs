//! The ranking workbook: 排名 (the ranking), 评分明细 (every expert's points on every
//! criterion), 离群分 (flags and resolutions), 形式审查 (eligibility). Plain data in, bytes out.

use rust_xlsxwriter::{Format, Workbook, Worksheet};

use crate::XlsxError;

fn wrap(e: rust_xlsxwriter::XlsxError) -> XlsxError {
    XlsxError::Write(e.to_string())
}

/// A cell: text or a number (None = empty).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(Option<f64>),
}

/// One sheet: its name, headers and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

fn write_sheet(sheet: &mut Worksheet, data: &Sheet, header: &Format) -> Result<(), XlsxError> {
    for (c, h) in data.headers.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, h, header)
            .map_err(wrap)?;
        sheet
            .set_column_width(c as u16, (h.chars().count() as f64 * 2.2).max(10.0))
            .map_err(wrap)?;
    }
    for (r, row) in data.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            match cell {
                Cell::Text(t) => {
                    sheet.write_string(r, c, t).map_err(wrap)?;
                }
                Cell::Number(Some(n)) => {
                    sheet.write_number(r, c, *n).map_err(wrap)?;
                }
                Cell::Number(None) => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(wrap)?;
    Ok(())
}

/// A workbook of the given sheets, in order.
pub fn write_workbook(sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let header = Format::new().set_bold().set_background_color("#DCE6F2");
    for data in sheets {
        let sheet = workbook
            .add_worksheet()
            .set_name(&data.name)
            .map_err(wrap)?;
        write_sheet(sheet, data, &header)?;
    }
    workbook.save_to_buffer().map_err(wrap)
}
