//! Commands of comprehensive scoring and ranking.

use park_review_domain::ids::{AssignmentKey, RoundId};
use park_review_domain::ranking::Aggregation;
use park_review_domain::CodedError;
use park_review_store::{RankingReport, RankingSettings};
use tauri::{AppHandle, State};

use crate::commands::{app_actor, save, with_store, write_store, Entity, Passphrase, APP};
use crate::AppState;

#[tauri::command]
pub async fn ranking(
    state: State<'_, AppState>,
    round_id: RoundId,
) -> Result<RankingReport, CodedError> {
    with_store(&state, move |store| Ok(store.ranking(round_id)?)).await
}

#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn set_ranking_settings(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    aggregation: Aggregation,
    material_weight: f64,
    outlier_margin: f64,
    selection_count: Option<u32>,
    selection_cutoff: Option<f64>,
) -> Result<RankingSettings, CodedError> {
    write_store(&app, &state, Entity::Ranking, move |store| {
        Ok(store.set_ranking_settings(
            &app_actor(),
            round_id,
            aggregation,
            material_weight,
            outlier_margin,
            selection_count,
            selection_cutoff,
        )?)
    })
    .await
}

#[tauri::command]
pub async fn set_site_score(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    application: String,
    score: f64,
    record_ref: String,
) -> Result<(), CodedError> {
    write_store(&app, &state, Entity::Ranking, move |store| {
        Ok(store.set_site_score(&app_actor(), round_id, &application, score, &record_ref)?)
    })
    .await
}

#[tauri::command]
pub async fn resolve_outlier(
    app: AppHandle,
    state: State<'_, AppState>,
    key: AssignmentKey,
    resolution: String,
    note: String,
) -> Result<(), CodedError> {
    write_store(&app, &state, Entity::Ranking, move |store| {
        Ok(store.resolve_outlier(&app_actor(), &key, &resolution, &note)?)
    })
    .await
}

#[tauri::command]
pub async fn finalise_ranking(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
) -> Result<RankingReport, CodedError> {
    write_store(&app, &state, Entity::Ranking, move |store| {
        Ok(store.finalise_ranking(&app_actor(), round_id)?)
    })
    .await
}

/// Saves the Excel workbook, and with the secretariat's passphrase the signed PDF, to `exports/`.
#[tauri::command]
pub async fn export_ranking(
    state: State<'_, AppState>,
    round_id: RoundId,
    passphrase: Option<Passphrase>,
) -> Result<Vec<String>, CodedError> {
    with_store(&state, move |store| {
        // All or nothing: both documents are made before either is saved; if the second cannot
        // be saved, the first is taken back.
        let (workbook, report) = park_review_operations::ranking_exports(
            store,
            park_review_operations::Caller::APP,
            round_id,
            true,
            passphrase
                .filter(|p| !p.is_empty())
                .map(|passphrase| move || Ok(passphrase.take())),
        )?;
        let workbook = workbook.ok_or_else(|| CodedError::internal("排名工作簿未生成"))?;
        let first = save(store, &workbook)?;
        let mut paths = vec![first.clone()];
        if let Some(report) = report {
            match save(store, &report) {
                Ok(path) => paths.push(path),
                Err(err) => {
                    let _ = std::fs::remove_file(&first);
                    return Err(err);
                }
            }
        }
        Ok(paths)
    })
    .await
}

/// Saves a chart (PNG) the UI rendered, to `exports/`.
#[tauri::command]
pub async fn save_chart(
    state: State<'_, AppState>,
    name: String,
    png: Vec<u8>,
) -> Result<String, CodedError> {
    with_store(&state, move |store| {
        let safe: String = name
            .chars()
            .filter(|c| !matches!(c, '/' | '\\' | ':'))
            .collect();
        Ok(store
            .save_export(&format!("{safe}.png"), &png)?
            .display()
            .to_string())
    })
    .await
}

/// Records the publicity period and saves the publicity list of the finalised ranking as PDF
/// and text to `exports/`.
#[tauri::command]
pub async fn export_publicity(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    start: String,
    days: u32,
    contact: String,
) -> Result<Vec<String>, CodedError> {
    write_store(&app, &state, Entity::Ranking, move |store| {
        let list = park_review_operations::publicity(store, APP, round_id, &start, days, &contact)?;
        Ok(vec![save(store, &list.pdf)?, save(store, &list.text)?])
    })
    .await
}
