//! Commands of signing: keys, the hand-drawn signature, signed scoring sheets and verification.
//! Passphrases arrive as command arguments and are dropped after use; they are never logged
//! or stored.

use park_review_domain::ids::RoundId;
use park_review_domain::ErrorCode;
use park_review_sheets::{
    issue_sheet, issue_summary, verify_file, SheetError, Signer, Verification,
};
use park_review_store::{Actor, KeyOwner, Role};
use serde::Serialize;
use tauri::{AppHandle, Emitter, State};
use ts_rs::TS;

use crate::commands::{with_store, write_store, ExportedFile};
use crate::error::IpcError;
use crate::AppState;

impl From<SheetError> for IpcError {
    fn from(e: SheetError) -> Self {
        IpcError {
            code: e.code,
            message: e.message,
        }
    }
}

fn expert_actor(code: &str) -> Actor {
    Actor {
        role: Role::Expert,
        name: code.trim().to_owned(),
    }
}

fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Local::now().fixed_offset()
}

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
) -> Result<SigningStatus, IpcError> {
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
    passphrase: String,
) -> Result<String, IpcError> {
    write_store(&app, &state, "key", move |store| {
        let key = park_review_sheets::create_key(
            store,
            &expert_actor(&expert),
            KeyOwner::Expert(&expert),
            &passphrase,
            now(),
        )?;
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
    old: String,
    new: String,
) -> Result<(), IpcError> {
    write_store(&app, &state, "key", move |store| {
        Ok(park_review_sheets::change_passphrase(
            store,
            &expert_actor(&expert),
            KeyOwner::Expert(&expert),
            &old,
            &new,
        )?)
    })
    .await
}

#[tauri::command]
pub async fn save_hand_signature(
    state: State<'_, AppState>,
    expert: String,
    png: Vec<u8>,
) -> Result<(), IpcError> {
    with_store(&state, move |store| {
        Ok(store.save_hand_signature(&expert_actor(&expert), &expert, &png)?)
    })
    .await
}

#[tauri::command]
pub async fn hand_signature(
    state: State<'_, AppState>,
    expert: String,
) -> Result<tauri::ipc::Response, IpcError> {
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
    round_id: RoundId,
    expert: String,
    application: String,
    passphrase: String,
) -> Result<ExportedFile, IpcError> {
    write_store(&app, &state, "sheet", move |store| {
        let signer = Signer::unlock(store, KeyOwner::Expert(&expert), &passphrase)?;
        let round = store.round(round_id)?;
        let issued = issue_sheet(
            store,
            &expert_actor(&expert),
            &signer,
            round_id,
            &expert,
            &application,
            now(),
        )?;
        let name = format!(
            "评分表-{}-{}-{}.pdf",
            round.code, issued.application, issued.expert
        );
        let path = store.save_export(&name, &issued.bytes)?;
        Ok(ExportedFile {
            path: path.display().to_string(),
            bytes: issued.bytes,
        })
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
    passphrase: String,
) -> Result<ExportedFile, IpcError> {
    write_store(&app, &state, "sheet", move |store| {
        let signer = Signer::unlock(store, KeyOwner::Expert(&expert), &passphrase)?;
        let round = store.round(round_id)?;
        let issued = issue_summary(
            store,
            &expert_actor(&expert),
            &signer,
            round_id,
            &expert,
            now(),
        )?;
        let name = format!("评分汇总表-{}-{}.pdf", round.code, issued.expert);
        let path = store.save_export(&name, &issued.bytes)?;
        Ok(ExportedFile {
            path: path.display().to_string(),
            bytes: issued.bytes,
        })
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

/// Makes and signs every submitted sheet of an expert, reporting progress; returns the paths.
#[tauri::command]
pub async fn export_sheets(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    expert: String,
    passphrase: String,
) -> Result<Vec<String>, IpcError> {
    let events = app.clone();
    write_store(&app, &state, "sheet", move |store| {
        let round = store.round(round_id)?;
        let todo: Vec<String> = store
            .expert_assignments(round_id, &expert)?
            .into_iter()
            .filter(|a| a.submitted_at.is_some())
            .map(|a| a.application.code)
            .collect();
        if todo.is_empty() {
            return Err(IpcError {
                code: ErrorCode::NotSubmitted,
                message: "还没有已提交的评分，无法生成签名评分表。".into(),
            });
        }
        let signer = Signer::unlock(store, KeyOwner::Expert(&expert), &passphrase)?;
        let prepared = todo
            .iter()
            .map(|application| {
                park_review_sheets::prepare_sheet(store, round_id, &expert, application)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut paths = Vec::new();
        let mut saved: Vec<(String, Vec<u8>)> = Vec::new();
        park_review_sheets::issue_sheets(
            store,
            &expert_actor(&expert),
            &signer,
            prepared,
            threads,
            now(),
            |done, of, issued| {
                saved.push((
                    format!(
                        "评分表-{}-{}-{}.pdf",
                        round.code, issued.application, issued.expert
                    ),
                    issued.bytes.clone(),
                ));
                let _ = events.emit(
                    "sheet-progress",
                    SheetProgress {
                        done: done as u32,
                        of: of as u32,
                        application: issued.application.clone(),
                    },
                );
                Ok(())
            },
        )?;
        for (name, bytes) in saved {
            paths.push(store.save_export(&name, &bytes)?.display().to_string());
        }
        Ok(paths)
    })
    .await
}

/// Verifies a PDF the user picked or dropped, against this database.
#[tauri::command]
pub async fn verify_sheet(
    state: State<'_, AppState>,
    bytes: Vec<u8>,
) -> Result<Verification, IpcError> {
    with_store(&state, move |store| Ok(verify_file(&bytes, Some(store))?)).await
}

/// Saves every signed sheet of the round (the latest of each) to `exports/`, for the secretariat.
#[tauri::command]
pub async fn export_round_sheets(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
) -> Result<Vec<String>, IpcError> {
    let events = app.clone();
    with_store(&state, move |store| {
        let sheets = store.round_sheets(round_id)?;
        if sheets.is_empty() {
            return Err(IpcError {
                code: ErrorCode::NotSubmitted,
                message: "本批次还没有已签名的评分表。".into(),
            });
        }
        let mut paths = Vec::new();
        for (i, (name, pdf)) in sheets.iter().enumerate() {
            paths.push(store.save_export(name, pdf)?.display().to_string());
            let _ = events.emit(
                "sheet-progress",
                SheetProgress {
                    done: i as u32 + 1,
                    of: sheets.len() as u32,
                    application: name.clone(),
                },
            );
        }
        Ok(paths)
    })
    .await
}

/// Creates the secretariat's signing key (for the ranking report).
#[tauri::command]
pub async fn create_secretariat_key(
    app: AppHandle,
    state: State<'_, AppState>,
    passphrase: String,
) -> Result<String, IpcError> {
    write_store(&app, &state, "key", move |store| {
        let key = park_review_sheets::create_key(
            store,
            &crate::commands::app_actor(),
            KeyOwner::Secretariat,
            &passphrase,
            now(),
        )?;
        Ok(key.certificate_sha256)
    })
    .await
}
