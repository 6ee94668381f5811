//! Commands of site inspection: the round's checklist, each application's inspection (team,
//! start, answers, evidence, finalise, reopen). Each answer is its own committed transaction,
//! as in the scoring workspace.

use park_review_domain::ids::RoundId;
use park_review_domain::inspection::{Checklist, ItemStatus, StatusFactors};
use park_review_domain::CodedError;
use park_review_store::inspection::{
    AnswerInput, Evidence, InspectionSummary, InspectionView, ItemView, RoundChecklist,
};
use park_review_store::Actor;
use serde::Deserialize;
use tauri::{AppHandle, State};
use ts_rs::TS;

use crate::commands::{
    read_file, save, save_for_preview, with_store, write_store, Entity, ExportedFile, Passphrase,
    RawRequest, APP,
};
use crate::AppState;

/// Who records: a team member (by expert code) or, when empty, the secretariat at this laptop.
fn actor(by: Option<String>) -> Actor {
    match by.filter(|b| !b.trim().is_empty()) {
        Some(code) => APP.inspector(&code),
        None => APP.secretariat(),
    }
}

#[tauri::command]
pub async fn checklist(
    state: State<'_, AppState>,
    round_id: RoundId,
) -> Result<RoundChecklist, CodedError> {
    with_store(&state, move |store| Ok(store.checklist(round_id)?)).await
}

#[tauri::command]
pub async fn import_checklist(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    file_name: String,
    bytes: Vec<u8>,
) -> Result<RoundChecklist, CodedError> {
    let checklist: Checklist =
        read_file(move || park_review_operations::read_checklist_file(&file_name, bytes)).await?;
    write_store(&app, &state, Entity::Inspection, move |store| {
        park_review_operations::import_checklist(store, APP, round_id, &checklist)
    })
    .await
}

/// Saves a checklist edited in the app (a draft round, no inspection started yet).
#[tauri::command]
pub async fn save_checklist(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    checklist: Checklist,
) -> Result<RoundChecklist, CodedError> {
    write_store(&app, &state, Entity::Inspection, move |store| {
        park_review_operations::import_checklist(store, APP, round_id, &checklist)
    })
    .await
}

/// Saves the checklist's JSON to `exports/`; returns the path.
#[tauri::command]
pub async fn export_checklist(
    state: State<'_, AppState>,
    round_id: RoundId,
) -> Result<String, CodedError> {
    with_store(&state, move |store| {
        let document = park_review_operations::export_checklist(
            store,
            round_id,
            park_review_operations::ExportFormat::Json,
        )?;
        save(store, &document)
    })
    .await
}

/// Every expert of the registry, for choosing an inspection team.
#[tauri::command]
pub async fn list_registry(
    state: State<'_, AppState>,
) -> Result<Vec<park_review_domain::model::Expert>, CodedError> {
    with_store(&state, move |store| Ok(store.list_registry()?)).await
}

#[tauri::command]
pub async fn list_inspections(
    state: State<'_, AppState>,
    round_id: RoundId,
) -> Result<Vec<InspectionSummary>, CodedError> {
    with_store(&state, move |store| Ok(store.list_inspections(round_id)?)).await
}

#[tauri::command]
pub async fn inspection(
    state: State<'_, AppState>,
    round_id: RoundId,
    application: String,
) -> Result<InspectionView, CodedError> {
    with_store(&state, move |store| {
        Ok(store.inspection(round_id, &application)?)
    })
    .await
}

/// The team of an application's inspection, its date and place.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct TeamInput {
    pub leader: String,
    pub members: Vec<String>,
    pub visit_date: Option<String>,
    pub place: Option<String>,
}

#[tauri::command]
pub async fn set_inspection_team(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    application: String,
    team: TeamInput,
) -> Result<InspectionView, CodedError> {
    write_store(&app, &state, Entity::Inspection, move |store| {
        Ok(store.set_inspection_team(
            &APP.secretariat(),
            round_id,
            &application,
            &team.leader,
            &team.members,
            team.visit_date.as_deref(),
            team.place.as_deref(),
        )?)
    })
    .await
}

#[tauri::command]
pub async fn start_inspection(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    application: String,
    by: Option<String>,
) -> Result<InspectionView, CodedError> {
    write_store(&app, &state, Entity::Inspection, move |store| {
        Ok(store.start_inspection(&actor(by), round_id, &application)?)
    })
    .await
}

/// One answer from the visit screen (fields left out stay as they are).
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct AnswerPatch {
    pub status: Option<ItemStatus>,
    pub value: Option<f64>,
    pub text: Option<String>,
    pub note: Option<String>,
}

#[tauri::command]
pub async fn answer_item(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    application: String,
    item: String,
    answer: AnswerPatch,
    by: Option<String>,
) -> Result<ItemView, CodedError> {
    write_store(&app, &state, Entity::InspectionAnswer, move |store| {
        Ok(store.answer_item(
            &actor(by),
            round_id,
            &application,
            &item,
            &AnswerInput {
                status: answer.status,
                value: answer.value,
                text: answer.text,
                note: answer.note,
            },
        )?)
    })
    .await
}

/// Attaches evidence sent as a raw body (a 5 MB photo is not a JSON array), with the round,
/// application, item, file name and recorder in percent-encoded headers.
#[tauri::command]
pub async fn attach_evidence(
    app: AppHandle,
    state: State<'_, AppState>,
    request: tauri::ipc::Request<'_>,
) -> Result<Evidence, CodedError> {
    let mut raw = RawRequest::read(&request, "佐证内容")?;
    let bytes = std::mem::take(&mut raw.body);
    let header = |name: &str| raw.header(name);
    let round_id = raw.round_id()?;
    let (application, item, file_name) = (
        header("x-application")?,
        header("x-item")?,
        header("x-file-name")?,
    );
    let by = header("x-by").ok();
    // Decoded and its EXIF read on a thread of its own, before the store is taken.
    let (file_name, bytes, meta) = read_file(move || {
        let meta = park_review_operations::read_evidence_file(&file_name, &bytes)?;
        Ok((file_name, bytes, meta))
    })
    .await?;
    write_store(&app, &state, Entity::Inspection, move |store| {
        Ok(store.attach_evidence(
            &actor(by),
            round_id,
            &application,
            &item,
            &file_name,
            &bytes,
            &meta,
        )?)
    })
    .await
}

/// An evidence file's bytes (checked against its SHA-256), for its thumbnail or preview.
#[tauri::command]
pub async fn read_evidence(
    state: State<'_, AppState>,
    uid: String,
) -> Result<tauri::ipc::Response, CodedError> {
    let (_, bytes) = with_store(&state, move |store| Ok(store.read_evidence(&uid)?)).await?;
    Ok(tauri::ipc::Response::new(bytes))
}

/// The small PNG of a photo (empty for a document), for the visit screen.
#[tauri::command]
pub async fn read_evidence_thumbnail(
    state: State<'_, AppState>,
    uid: String,
) -> Result<tauri::ipc::Response, CodedError> {
    let png = with_store(&state, move |store| Ok(store.evidence_thumbnail(&uid)?)).await?;
    Ok(tauri::ipc::Response::new(png.unwrap_or_default()))
}

#[tauri::command]
pub async fn finalise_inspection(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    application: String,
    by: Option<String>,
) -> Result<InspectionView, CodedError> {
    write_store(&app, &state, Entity::Inspection, move |store| {
        Ok(store.finalise_inspection(&actor(by), round_id, &application)?)
    })
    .await
}

#[tauri::command]
pub async fn reopen_inspection(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    application: String,
    reason: String,
) -> Result<InspectionView, CodedError> {
    write_store(&app, &state, Entity::Inspection, move |store| {
        Ok(store.reopen_inspection(&APP.secretariat(), round_id, &application, &reason)?)
    })
    .await
}

#[tauri::command]
pub async fn set_site_factors(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    factors: StatusFactors,
) -> Result<StatusFactors, CodedError> {
    write_store(&app, &state, Entity::Inspection, move |store| {
        Ok(store.set_site_factors(&APP.secretariat(), round_id, factors)?)
    })
    .await
}

/// One signature on an application's inspection record, oldest first.
#[derive(Debug, Clone, serde::Serialize, TS)]
#[ts(export)]
pub struct RecordSigner {
    pub document: String,
    pub signer: String,
    pub file_sha256: String,
}

#[tauri::command]
pub async fn record_signatures(
    state: State<'_, AppState>,
    round_id: RoundId,
    application: String,
) -> Result<Vec<RecordSigner>, CodedError> {
    with_store(&state, move |store| {
        Ok(store
            .inspection_record_signatures(round_id, &application)?
            .into_iter()
            .map(|(document, signer, file_sha256, _)| RecordSigner {
                document,
                signer,
                file_sha256,
            })
            .collect())
    })
    .await
}

/// The leader lays out and signs the record; saved to `exports/` and returned for the preview.
#[tauri::command]
pub async fn issue_inspection_record(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    application: String,
    passphrase: Passphrase,
) -> Result<ExportedFile, CodedError> {
    write_store(&app, &state, Entity::Sheet, move |store| {
        let issued = park_review_operations::issue_inspection_record(
            store,
            APP,
            round_id,
            &application,
            |_| Ok(passphrase.take()),
        )?;
        save_for_preview(store, issued.into_document())
    })
    .await
}

/// A member countersigns the newest revision (with a dissent, if any).
#[tauri::command]
pub async fn countersign_inspection_record(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    application: String,
    member: String,
    dissent: Option<String>,
    passphrase: Passphrase,
) -> Result<ExportedFile, CodedError> {
    write_store(&app, &state, Entity::Sheet, move |store| {
        let issued = park_review_operations::countersign_latest(
            store,
            APP,
            round_id,
            &application,
            &member,
            dissent.as_deref(),
            |_| Ok(passphrase.take()),
        )?;
        save_for_preview(store, issued.into_document())
    })
    .await
}

/// The secretariat exports an application's inspection package to `exports/`.
#[tauri::command]
pub async fn export_inspection_package(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    application: String,
    passphrase: Passphrase,
) -> Result<crate::exchange::SavedContainer, CodedError> {
    write_store(&app, &state, Entity::Exchange, move |store| {
        store.inspection(round_id, &application)?;
        let signer = park_review_operations::Signer::unlock(
            store,
            park_review_store::KeyOwner::Secretariat,
            &passphrase,
        )?;
        let (sealed, file) = park_review_operations::export_inspection_package(
            store,
            APP,
            round_id,
            &application,
            &signer,
        )?;
        Ok(crate::exchange::SavedContainer {
            path: save(store, &file)?,
            sealed,
        })
    })
    .await
}

/// The team imports its inspection package (the first screen of a new laptop).
#[tauri::command]
pub async fn import_inspection_package(
    app: AppHandle,
    state: State<'_, AppState>,
    bytes: Vec<u8>,
) -> Result<InspectionPackageView, CodedError> {
    let package =
        read_file(move || park_review_operations::read_inspection_package(&bytes)).await?;
    let fingerprint = package.signer_fingerprint();
    let imported = write_store(&app, &state, Entity::Round, move |store| {
        park_review_operations::import_inspection_package(store, &package)
    })
    .await?;
    Ok(InspectionPackageView {
        imported,
        fingerprint,
    })
}

/// An inspection package imported, with the secretariat's fingerprint to compare.
#[derive(Debug, Clone, serde::Serialize, TS)]
#[ts(export)]
pub struct InspectionPackageView {
    pub imported: park_review_store::inspection_exchange::InspectionExchanged,
    pub fingerprint: String,
}

/// The team exports its results, signed by the leader, to `exports/`.
#[tauri::command]
pub async fn export_inspection_bundle(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    application: String,
    passphrase: Passphrase,
) -> Result<crate::exchange::SavedContainer, CodedError> {
    write_store(&app, &state, Entity::Exchange, move |store| {
        let leader = store
            .inspection(round_id, &application)?
            .team
            .into_iter()
            .find(|m| m.leader)
            .map(|m| m.code)
            .unwrap_or_default();
        let signer = park_review_operations::Signer::unlock(
            store,
            park_review_store::KeyOwner::Expert(&leader),
            &passphrase,
        )?;
        let (sealed, file) = park_review_operations::export_inspection_bundle(
            store,
            APP,
            round_id,
            &application,
            &signer,
        )?;
        Ok(crate::exchange::SavedContainer {
            path: save(store, &file)?,
            sealed,
        })
    })
    .await
}

/// The secretariat imports a team's results.
#[tauri::command]
pub async fn import_inspection_bundle(
    app: AppHandle,
    state: State<'_, AppState>,
    bytes: Vec<u8>,
) -> Result<park_review_store::inspection_exchange::InspectionExchanged, CodedError> {
    let bundle = read_file(move || park_review_operations::read_inspection_bundle(&bytes)).await?;
    write_store(&app, &state, Entity::Inspection, move |store| {
        park_review_operations::import_inspection_bundle(store, &bundle)
    })
    .await
}
