//! The formal review's printable summary (形式审查结果汇总表).

use park_review_documents::GeneratedAt;
use park_review_domain::ids::RoundId;
use park_review_store::Store;

use crate::files::{stamp, Document};
use crate::Result;

/// The round's formal review (C1–C7 and the quota P2, with figures, document checks and
/// overrides) as an A4 landscape PDF.
pub fn eligibility_summary(store: &Store, round_id: RoundId) -> Result<Document> {
    let round = store.round(round_id)?;
    let review = store.eligibility(round_id)?;
    let now = store.now();
    Ok(Document {
        file_name: format!("形式审查-{}-{}.pdf", round.code, stamp(now)),
        bytes: park_review_documents::eligibility_summary(
            &round.title,
            &review,
            &GeneratedAt::at(now),
        ),
    })
}
