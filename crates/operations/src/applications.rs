//! Applications (申报) in and out: reading an application file (Excel or JSON), importing it,
//! replacing one application from a file, exporting a round's applications, the empty Excel
//! template, and the cities list the forms offer.

use park_review_domain::exchange::{parse_application_file, write_application_file};
use park_review_domain::ids::RoundId;
use park_review_domain::model::ApplicationRecord;
use park_review_domain::{City, CodedError, ErrorCode};
use park_review_store::Store;
use serde::Serialize;
use ts_rs::TS;

use crate::files::{json_text, stamp, Document, ExportFormat};
use crate::{Caller, Result};

/// Reads an application file: Excel (the template's layout) when its name ends in `.xlsx`,
/// otherwise `park-review/application@1` JSON. Nothing is stored.
pub fn read_application_file(file_name: &str, bytes: Vec<u8>) -> Result<Vec<ApplicationRecord>> {
    match ExportFormat::of_file_name(file_name) {
        ExportFormat::Xlsx => Ok(park_review_xlsx::read_applications(&bytes)?),
        ExportFormat::Json => Ok(parse_application_file(&json_text(file_name, bytes)?)?),
    }
}

/// What an import stored.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ApplicationsImported {
    /// The round's code.
    pub round: String,
    pub imported: u32,
    /// The imported applications' codes, in the file's order.
    pub codes: Vec<String>,
}

/// Imports an application file into a round: every record is checked first, and either all
/// are stored in one transaction or none (the problems are listed with record and field).
pub fn import_applications(
    store: &mut Store,
    caller: Caller,
    round_id: RoundId,
    records: Vec<ApplicationRecord>,
) -> Result<ApplicationsImported> {
    let round = store.round(round_id)?;
    // An empty file (e.g. the blank template, saved untouched) is a mistake to say, not a
    // success of nothing.
    if records.is_empty() {
        return Err(CodedError::new(
            ErrorCode::ImportMalformed,
            "文件中没有申报：请在模板的“园区”工作表中每行填写一个申报后再导入（未导入任何内容）。",
        ));
    }
    let ids = store.import_applications(&caller.secretariat(), round_id, &records)?;
    Ok(ApplicationsImported {
        round: round.code,
        imported: ids.len() as u32,
        codes: records.into_iter().map(|r| r.code).collect(),
    })
}

/// Replaces every fact of one application with the single record of a file.
pub fn update_application_from_file(
    store: &mut Store,
    caller: Caller,
    round_id: RoundId,
    application: &str,
    mut records: Vec<ApplicationRecord>,
) -> Result<ApplicationRecord> {
    if records.len() != 1 {
        return Err(CodedError::new(
            ErrorCode::ImportMalformed,
            format!(
                "文件中有 {} 个申报；修改时文件应只包含一个申报。",
                records.len()
            ),
        ));
    }
    let record = records.remove(0);
    store.update_application(&caller.secretariat(), round_id, application, &record)?;
    Ok(record)
}

/// A round's applications as a file that can be imported again.
pub fn export_applications(
    store: &Store,
    round_id: RoundId,
    format: ExportFormat,
) -> Result<Document> {
    let round = store.round(round_id)?;
    let records: Vec<ApplicationRecord> = store
        .application_records(round_id)?
        .into_iter()
        .map(|(_, record, _)| record)
        .collect();
    let bytes = match format {
        ExportFormat::Xlsx => park_review_xlsx::write_applications(&records)?,
        ExportFormat::Json => write_application_file(&records).into_bytes(),
    };
    Ok(Document {
        file_name: format!(
            "申报-{}-{}.{}",
            round.code,
            stamp(store.now()),
            format.extension()
        ),
        bytes,
    })
}

/// The empty Excel template the cities fill in (Chinese headers, drop-down choices). It is the
/// same every time, so its name carries no time (a second copy in `exports/` gets a number).
pub fn application_template() -> Result<Document> {
    Ok(Document {
        file_name: "申报填报模板.xlsx".into(),
        bytes: park_review_xlsx::application_template()?,
    })
}

/// One of the 21 prefecture-level cities, for pickers and `park-review cities`.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CityInfo {
    pub code: String,
    pub name: String,
    pub name_en: String,
    /// P2: applications the city may recommend a year.
    pub quota: u32,
}

/// The 21 cities of Guangdong with their yearly quota (P2).
pub fn cities() -> Vec<CityInfo> {
    City::ALL
        .into_iter()
        .map(|c| CityInfo {
            code: c.code().to_owned(),
            name: c.name_zh().to_owned(),
            name_en: c.name_en().to_owned(),
            quota: c.yearly_quota(),
        })
        .collect()
}
