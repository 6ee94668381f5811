//! Commands of the panel (评审委员会, issue 16): its status, the leader, the 复核 changes,
//! dissents and the co-signed panel report — the same store calls and operations as the CLI's
//! `panel status|leader set|recheck|dissent|report|report sign`.

use park_review_domain::ids::{AssignmentKey, RoundId};
use park_review_domain::CodedError;
use park_review_store::panel::{PanelLeader, PanelStatus, RecheckChange};
use serde::Serialize;
use tauri::{AppHandle, State};
use ts_rs::TS;

use crate::commands::{app_actor, save, with_store, write_store, Entity, Passphrase, APP};
use crate::AppState;

#[tauri::command]
pub async fn panel_status(
    state: State<'_, AppState>,
    round_id: RoundId,
) -> Result<PanelStatus, CodedError> {
    with_store(&state, move |store| Ok(store.panel_status(round_id)?)).await
}

#[tauri::command]
pub async fn set_panel_leader(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    expert: String,
    note: String,
) -> Result<PanelLeader, CodedError> {
    write_store(&app, &state, Entity::Panel, move |store| {
        Ok(store.set_panel_leader(&app_actor(), round_id, &expert, &note)?)
    })
    .await
}

#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn record_recheck(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    application: String,
    expert: String,
    criterion: String,
    points: f64,
    case: Option<String>,
    reason: String,
) -> Result<RecheckChange, CodedError> {
    // A changed score moves the ranking too: announced as a ranking change.
    write_store(&app, &state, Entity::Ranking, move |store| {
        Ok(store.record_recheck(
            &app_actor(),
            &AssignmentKey::new(round_id, &expert, &application),
            &criterion,
            points,
            case.as_deref(),
            &reason,
        )?)
    })
    .await
}

#[tauri::command]
pub async fn record_panel_dissent(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    expert: String,
    text: Option<String>,
) -> Result<PanelStatus, CodedError> {
    write_store(&app, &state, Entity::Panel, move |store| {
        store.record_panel_dissent(&APP.expert(&expert), round_id, &expert, text.as_deref())?;
        Ok(store.panel_status(round_id)?)
    })
    .await
}

/// A revision of the panel report, saved, and who still has to sign.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PanelReportSaved {
    pub path: String,
    pub signer: String,
    pub unsigned: Vec<String>,
}

/// Lays out the report and signs it as the leader (the leader's passphrase).
#[tauri::command]
pub async fn issue_panel_report(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    passphrase: Passphrase,
) -> Result<PanelReportSaved, CodedError> {
    write_store(&app, &state, Entity::Panel, move |store| {
        let issued = park_review_operations::issue_panel_report(store, APP, round_id, |_| {
            Ok(passphrase.take())
        })?;
        let signer = issued.expert.clone();
        Ok(PanelReportSaved {
            path: save(store, &issued.into_document())?,
            signer,
            unsigned: store.panel_status(round_id)?.unsigned,
        })
    })
    .await
}

/// A member signs the newest revision (in turn, on this laptop), with a dissent if any.
#[tauri::command]
pub async fn sign_panel_report(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    expert: String,
    dissent: Option<String>,
    passphrase: Passphrase,
) -> Result<PanelReportSaved, CodedError> {
    write_store(&app, &state, Entity::Panel, move |store| {
        let issued = park_review_operations::sign_latest_panel_report(
            store,
            APP,
            round_id,
            &expert,
            dissent.as_deref(),
            |_| Ok(passphrase.take()),
        )?;
        let signer = issued.expert.clone();
        Ok(PanelReportSaved {
            path: save(store, &issued.into_document())?,
            signer,
            unsigned: store.panel_status(round_id)?.unsigned,
        })
    })
    .await
}

/// At the secretariat: a report a member signed on their own laptop, taken in.
#[tauri::command]
pub async fn import_panel_report_signature(
    app: AppHandle,
    state: State<'_, AppState>,
    bytes: Vec<u8>,
) -> Result<PanelReportSaved, CodedError> {
    write_store(&app, &state, Entity::Panel, move |store| {
        let (round, issued) =
            park_review_operations::import_panel_report_signature(store, APP, &bytes)?;
        let signer = issued.expert.clone();
        Ok(PanelReportSaved {
            path: save(store, &issued.into_document())?,
            signer,
            unsigned: store.panel_status(round.id)?.unsigned,
        })
    })
    .await
}

/// On a member's own laptop: signs the report file the secretariat sent; saved to exports/ to
/// be carried back.
#[tauri::command]
pub async fn sign_panel_report_file(
    app: AppHandle,
    state: State<'_, AppState>,
    expert: String,
    bytes: Vec<u8>,
    passphrase: Passphrase,
) -> Result<PanelReportSaved, CodedError> {
    write_store(&app, &state, Entity::Sheet, move |store| {
        let issued =
            park_review_operations::sign_panel_report_file(store, APP, &expert, &bytes, |_| {
                Ok(passphrase.take())
            })?;
        let signer = issued.expert.clone();
        Ok(PanelReportSaved {
            path: save(store, &issued.into_document())?,
            signer,
            unsigned: Vec::new(),
        })
    })
    .await
}
