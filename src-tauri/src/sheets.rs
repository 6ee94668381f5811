//! Commands of signing: keys, the hand-drawn signature, signed scoring sheets and verification.
//! Passphrases arrive as command arguments (`Passphrase`) and are wiped after use; they are never logged
//! or stored.

use park_review_domain::ids::{AssignmentKey, RoundId};
use park_review_domain::CodedError;
use park_review_operations::{judge, read_signatures, Trust, Verification};
use park_review_store::{KeyOwner, StoredKey};
use serde::Serialize;
use tauri::{AppHandle, Emitter, State};
use ts_rs::TS;

use crate::commands::{
    read_file, save, save_for_preview, with_store, write_store, Entity, ExportedFile, Passphrase,
    APP,
};
use crate::AppState;

/// What an expert has for signing.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SigningStatus {
    /// The certificate's SHA-256, if a key was made.
    pub certificate_sha256: Option<String>,
    pub has_hand_signature: bool,
}

#[tauri::command]
pub async fn signing_status(
    state: State<'_, AppState>,
    expert: String,
) -> Result<SigningStatus, CodedError> {
    with_store(&state, move |store| {
        Ok(SigningStatus {
            certificate_sha256: store
                .signing_key(KeyOwner::Expert(&expert))
                .ok()
                .map(|k| k.certificate_sha256),
            has_hand_signature: store.hand_signature(&expert)?.is_some(),
        })
    })
    .await
}

#[tauri::command]
pub async fn create_signing_key(
    app: AppHandle,
    state: State<'_, AppState>,
    expert: String,
    passphrase: Passphrase,
) -> Result<String, CodedError> {
    write_store(&app, &state, Entity::Key, move |store| {
        let key =
            park_review_operations::create_key(store, APP, KeyOwner::Expert(&expert), || {
                Ok(passphrase.take())
            })?;
        Ok(key.certificate_sha256)
    })
    .await
}

/// Changes the passphrase of an expert's key (same key, same certificate).
#[tauri::command]
pub async fn change_key_passphrase(
    app: AppHandle,
    state: State<'_, AppState>,
    expert: String,
    old: Passphrase,
    new: Passphrase,
) -> Result<(), CodedError> {
    write_store(&app, &state, Entity::Key, move |store| {
        park_review_operations::change_passphrase(store, APP, KeyOwner::Expert(&expert), || {
            Ok((old.take(), new.take()))
        })?;
        Ok(())
    })
    .await
}

/// Every key an expert has had: the active one first, then the revoked ones with when and why.
#[tauri::command]
pub async fn key_history(
    state: State<'_, AppState>,
    expert: String,
) -> Result<Vec<StoredKey>, CodedError> {
    with_store(&state, move |store| {
        Ok(store.key_history(KeyOwner::Expert(&expert))?)
    })
    .await
}

/// Revokes an expert's key (the secretariat's action): documents signed from `from` (RFC 3339,
/// default now) on no longer verify; those signed before still do.
#[tauri::command]
pub async fn revoke_signing_key(
    app: AppHandle,
    state: State<'_, AppState>,
    expert: String,
    reason: String,
    from: Option<String>,
) -> Result<StoredKey, CodedError> {
    write_store(&app, &state, Entity::Key, move |store| {
        park_review_operations::revoke_key(
            store,
            APP,
            KeyOwner::Expert(&expert),
            &reason,
            from.as_deref().filter(|f| !f.trim().is_empty()),
        )
    })
    .await
}

/// Replaces an expert's key: the old one is revoked now, a new one made with the new passphrase.
#[tauri::command]
pub async fn replace_signing_key(
    app: AppHandle,
    state: State<'_, AppState>,
    expert: String,
    reason: String,
    passphrase: Passphrase,
) -> Result<String, CodedError> {
    write_store(&app, &state, Entity::Key, move |store| {
        let key = park_review_operations::replace_key(
            store,
            APP,
            KeyOwner::Expert(&expert),
            &reason,
            || Ok(passphrase.take()),
        )?;
        Ok(key.certificate_sha256)
    })
    .await
}

#[tauri::command]
pub async fn save_hand_signature(
    app: AppHandle,
    state: State<'_, AppState>,
    expert: String,
    png: Vec<u8>,
) -> Result<(), CodedError> {
    write_store(&app, &state, Entity::Key, move |store| {
        Ok(store.save_hand_signature(&APP.expert(&expert), &expert, &png)?)
    })
    .await
}

#[tauri::command]
pub async fn hand_signature(
    state: State<'_, AppState>,
    expert: String,
) -> Result<tauri::ipc::Response, CodedError> {
    let png = with_store(&state, move |store| {
        Ok(store.hand_signature(&expert)?.unwrap_or_default())
    })
    .await?;
    Ok(tauri::ipc::Response::new(png))
}

/// Makes and signs one submitted sheet; saves it to `exports/` and returns it for the preview.
#[tauri::command]
pub async fn export_sheet(
    app: AppHandle,
    state: State<'_, AppState>,
    key: AssignmentKey,
    passphrase: Passphrase,
) -> Result<ExportedFile, CodedError> {
    write_store(&app, &state, Entity::Sheet, move |store| {
        let issued =
            park_review_operations::issue_sheet(store, APP, &key, |_| Ok(passphrase.take()))?;
        save_for_preview(store, issued.into_document())
    })
    .await
}

/// Makes and signs the expert's summary sheet (专家评分汇总表) of the round.
#[tauri::command]
pub async fn export_summary(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    expert: String,
    passphrase: Passphrase,
) -> Result<ExportedFile, CodedError> {
    write_store(&app, &state, Entity::Sheet, move |store| {
        let issued = park_review_operations::issue_summary(store, APP, round_id, &expert, |_| {
            Ok(passphrase.take())
        })?;
        save_for_preview(store, issued.into_document())
    })
    .await
}

/// Progress of a batch, sent as `sheet-progress` events.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SheetProgress {
    pub done: u32,
    pub of: u32,
    pub application: String,
}

fn progress(app: &AppHandle, done: usize, of: usize, item: &str) {
    // A lost progress event only leaves the bar behind; the batch itself goes on.
    let _ = app.emit(
        "sheet-progress",
        SheetProgress {
            done: done as u32,
            of: of as u32,
            application: item.to_owned(),
        },
    );
}

/// Makes and signs every submitted sheet of an expert, reporting progress; returns the paths.
#[tauri::command]
pub async fn export_sheets(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    expert: String,
    passphrase: Passphrase,
) -> Result<Vec<String>, CodedError> {
    let events = app.clone();
    write_store(&app, &state, Entity::Sheet, move |store| {
        let issued = park_review_operations::issue_expert_sheets(
            store,
            APP,
            round_id,
            &expert,
            |_| Ok(passphrase.take()),
            |done, of, issued| {
                progress(&events, done, of, &issued.application);
                Ok(())
            },
        )?;
        issued
            .into_iter()
            .map(|file| save(store, &file.into_document()))
            .collect()
    })
    .await
}

/// Verifies a PDF the user picked or dropped, against this database. The file is parsed and its
/// signatures checked first, on a thread of its own without the store; only the trust decision
/// (registered certificates, issued documents) holds it.
#[tauri::command]
pub async fn verify_sheet(
    state: State<'_, AppState>,
    bytes: Vec<u8>,
) -> Result<Verification, CodedError> {
    let read = read_file(move || Ok(read_signatures(&bytes))).await?;
    with_store(&state, move |store| judge(&read, Trust::Database(store))).await
}

/// Saves every signed sheet of the round (the latest of each) to `exports/`, for the secretariat.
#[tauri::command]
pub async fn export_round_sheets(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
) -> Result<Vec<String>, CodedError> {
    let events = app.clone();
    with_store(&state, move |store| {
        let documents = park_review_operations::collect_round_sheets(store, round_id)?;
        let mut paths = Vec::with_capacity(documents.len());
        for (i, document) in documents.iter().enumerate() {
            paths.push(save(store, document)?);
            progress(&events, i + 1, documents.len(), &document.file_name);
        }
        Ok(paths)
    })
    .await
}

/// The secretariat's signing key, if one was made (the settings page shows its fingerprint).
#[tauri::command]
pub async fn secretariat_key(state: State<'_, AppState>) -> Result<Option<StoredKey>, CodedError> {
    with_store(&state, move |store| {
        Ok(store
            .key_history(KeyOwner::Secretariat)?
            .into_iter()
            .find(|k| k.revoked_at.is_none()))
    })
    .await
}

/// Creates the secretariat's signing key (for the ranking report).
#[tauri::command]
pub async fn create_secretariat_key(
    app: AppHandle,
    state: State<'_, AppState>,
    passphrase: Passphrase,
) -> Result<String, CodedError> {
    write_store(&app, &state, Entity::Key, move |store| {
        let key = park_review_operations::create_key(store, APP, KeyOwner::Secretariat, || {
            Ok(passphrase.take())
        })?;
        Ok(key.certificate_sha256)
    })
    .await
}
