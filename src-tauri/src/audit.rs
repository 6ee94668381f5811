//! Commands of the audit log: the chain's check, the history of a round, an application, an
//! expert or a sheet, and the signed export for the archive.

use park_review_domain::ids::RoundId;
use park_review_domain::CodedError;
use park_review_operations::{AuditCheck, AuditRecord, HistoryOf, Signer};
use park_review_store::KeyOwner;
use tauri::State;

use crate::commands::{save, with_store, Passphrase};
use crate::AppState;

/// Checks the whole hash chain (a few hundred thousand entries take about a second).
#[tauri::command]
pub async fn audit_check(state: State<'_, AppState>) -> Result<AuditCheck, CodedError> {
    with_store(&state, |store| park_review_operations::verify_audit(store)).await
}

/// The newest `limit` entries of a round's, an application's, an expert's or a sheet's history.
#[tauri::command]
pub async fn audit_history(
    state: State<'_, AppState>,
    round_id: RoundId,
    of: HistoryOf,
    limit: u32,
) -> Result<Vec<AuditRecord>, CodedError> {
    with_store(&state, move |store| {
        park_review_operations::audit_history(store, round_id, &of, limit)
    })
    .await
}

/// Exports the whole log with the secretariat's signature to `exports/`; returns both paths.
#[tauri::command]
pub async fn export_audit(
    state: State<'_, AppState>,
    passphrase: Passphrase,
) -> Result<Vec<String>, CodedError> {
    with_store(&state, move |store| {
        let signer = Signer::unlock(store, KeyOwner::Secretariat, &passphrase)?;
        let export = park_review_operations::export_audit(store, &signer)?;
        Ok(vec![
            save(store, &export.log)?,
            save(store, &export.signature)?,
        ])
    })
    .await
}
