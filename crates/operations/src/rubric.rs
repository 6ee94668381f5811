//! The rubric (评分细则) in and out of a round: `park-review/rubric@1` JSON or Excel.

use park_review_domain::exchange::parse_rubric;
use park_review_domain::ids::RoundId;
use park_review_domain::model::Rubric;
use park_review_domain::rubric::rubric_file_text;
use park_review_store::{RoundRubric, Store};

use crate::files::{json_text, stamp, Document, ExportFormat};
use crate::{Caller, Result};

/// Reads a rubric file: Excel by its name, otherwise rubric@1 JSON (no database: the app reads
/// it before taking the store).
pub fn read_rubric_file(file_name: &str, bytes: Vec<u8>) -> Result<Rubric> {
    Ok(match ExportFormat::of_file_name(file_name) {
        ExportFormat::Xlsx => park_review_xlsx::read_rubric(&bytes)?,
        ExportFormat::Json => parse_rubric(&json_text(file_name, bytes)?)?,
    })
}

/// Replaces a draft round's rubric with one read from a file ([`read_rubric_file`]);
/// RUBRIC_FROZEN once the round has opened. A file is a whole rubric, so it is checked whole,
/// its 100-point total included (INVALID_RUBRIC); edits in the app save one criterion at a time
/// and leave the total to the opening of the round.
pub fn import_rubric(
    store: &mut Store,
    caller: Caller,
    round_id: RoundId,
    rubric: &Rubric,
) -> Result<RoundRubric> {
    park_review_domain::rubric::validate_rubric(rubric)?;
    Ok(store.replace_rubric(&caller.secretariat(), round_id, rubric)?)
}

/// The round's rubric as a file. The JSON file is the rubric@1 text — whose SHA-256 is the
/// fingerprint recorded when the round opens (docs/formats/rubric.md) — followed by one
/// newline, as text files end.
pub fn export_rubric(store: &Store, round_id: RoundId, format: ExportFormat) -> Result<Document> {
    let round = store.round(round_id)?;
    let rubric = store.rubric(round_id)?;
    let bytes = match format {
        ExportFormat::Xlsx => park_review_xlsx::write_rubric(&rubric.rubric)?,
        ExportFormat::Json => {
            let mut text = rubric_file_text(&rubric.rubric);
            text.push('\n');
            text.into_bytes()
        }
    };
    Ok(Document {
        file_name: format!(
            "评分细则-{}-{}.{}",
            round.code,
            stamp(store.now()),
            format.extension()
        ),
        bytes,
    })
}
