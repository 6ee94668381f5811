//! Files as the operations see them: bytes with a name. Reading a file from disk, or receiving
//! it from the webview, is the front end's job; what its name and bytes mean is decided here,
//! once. So are the names of the files the operations make.

use chrono::{DateTime, FixedOffset};
use park_review_domain::{CodedError, ErrorCode};

/// A file an operation made: the name it suggests and its bytes. The CLI writes the bytes where
/// `--out` says; the app saves them under `file_name` in `exports/` beside the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// The two exchange formats of applications and rubrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// The versioned JSON format (`park-review/…@1`).
    Json,
    /// An Excel workbook.
    Xlsx,
}

impl ExportFormat {
    /// The format a file name asks for: `.xlsx` (any case) is Excel, anything else JSON.
    pub fn of_file_name(name: &str) -> ExportFormat {
        let is_xlsx = name
            .rsplit_once('.')
            .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("xlsx"));
        if is_xlsx {
            ExportFormat::Xlsx
        } else {
            ExportFormat::Json
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Xlsx => "xlsx",
        }
    }
}

/// The text of a JSON file, or IMPORT_MALFORMED naming the file.
pub(crate) fn json_text(file_name: &str, bytes: Vec<u8>) -> Result<String, CodedError> {
    String::from_utf8(bytes).map_err(|_| {
        CodedError::new(
            ErrorCode::ImportMalformed,
            format!("文件 {file_name} 不是 UTF-8 编码的 JSON 文本。"),
        )
    })
}

/// `20261130-093000`: the time part of an export's name, so successive exports sort in order.
pub(crate) fn stamp(now: DateTime<FixedOffset>) -> String {
    now.format("%Y%m%d-%H%M%S").to_string()
}

/// The file name of a signed scoring sheet, the same wherever it is written.
pub(crate) fn sheet_file_name(round: &str, application: &str, expert: &str) -> String {
    format!("评分表-{round}-{application}-{expert}.pdf")
}

/// The file name of an expert's signed summary sheet.
pub(crate) fn summary_file_name(round: &str, expert: &str) -> String {
    format!("评分汇总表-{round}-{expert}.pdf")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_follows_the_extension_in_any_case() {
        assert_eq!(ExportFormat::of_file_name("申报.XLSX"), ExportFormat::Xlsx);
        assert_eq!(ExportFormat::of_file_name("a.b.xlsx"), ExportFormat::Xlsx);
        assert_eq!(ExportFormat::of_file_name("申报.json"), ExportFormat::Json);
        assert_eq!(ExportFormat::of_file_name("xlsx"), ExportFormat::Json);
    }

    #[test]
    fn a_file_that_is_not_utf8_is_malformed_and_named() {
        let e = json_text("坏.json", vec![0xff, 0xfe]).unwrap_err();
        assert_eq!(e.code, ErrorCode::ImportMalformed);
        assert!(e.message.contains("坏.json"), "{}", e.message);
    }
}
