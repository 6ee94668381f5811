//! Paper scoring sheets (纸质评分表) entered from a file (`park-review/scores@1`).

use park_review_domain::exchange::{parse_scores_file, ScoresEntry};
use park_review_store::Store;
use serde::Serialize;

use crate::files::json_text;
use crate::{Caller, Result};

/// What a paper-score import stored.
#[derive(Debug, Clone, Serialize)]
pub struct PaperScoresImported {
    /// Sheets entered.
    pub imported: u32,
    /// Who entered them (recorded with every score as `entered_by`).
    pub entered_by: String,
}

/// Reads a `park-review/scores@1` file of paper sheets.
pub fn read_scores_file(file_name: &str, bytes: Vec<u8>) -> Result<Vec<ScoresEntry>> {
    Ok(parse_scores_file(&json_text(file_name, bytes)?)?)
}

/// Enters a file of paper sheets ([`read_scores_file`]) on the experts' behalf, all or nothing; `entered_by` names the
/// secretariat member who typed them (default: the member at this machine).
pub fn import_paper_scores(
    store: &mut Store,
    caller: Caller,
    entered_by: Option<&str>,
    entries: &[ScoresEntry],
) -> Result<PaperScoresImported> {
    let actor = match entered_by.map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => park_review_store::Actor::secretariat(name, caller.surface),
        None => caller.secretariat(),
    };
    let imported = store.import_scores(&actor, entries)?;
    Ok(PaperScoresImported {
        imported,
        entered_by: actor.name,
    })
}
