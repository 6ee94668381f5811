//! Commands of comprehensive scoring and ranking.

use park_review_domain::ids::RoundId;
use park_review_domain::ranking::Aggregation;
use park_review_store::{KeyOwner, RankingReport, RankingSettings};
use tauri::{AppHandle, State};

use crate::commands::{app_actor, with_store, write_store};
use crate::error::IpcError;
use crate::AppState;

#[tauri::command]
pub async fn ranking(
    state: State<'_, AppState>,
    round_id: RoundId,
) -> Result<RankingReport, IpcError> {
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
) -> Result<RankingSettings, IpcError> {
    write_store(&app, &state, "ranking", move |store| {
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
) -> Result<(), IpcError> {
    write_store(&app, &state, "ranking", move |store| {
        Ok(store.set_site_score(&app_actor(), round_id, &application, score, &record_ref)?)
    })
    .await
}

#[tauri::command]
pub async fn resolve_outlier(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    application: String,
    expert: String,
    resolution: String,
    note: String,
) -> Result<(), IpcError> {
    write_store(&app, &state, "ranking", move |store| {
        Ok(store.resolve_outlier(
            &app_actor(),
            round_id,
            &application,
            &expert,
            &resolution,
            &note,
        )?)
    })
    .await
}

#[tauri::command]
pub async fn finalise_ranking(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
) -> Result<RankingReport, IpcError> {
    write_store(&app, &state, "ranking", move |store| {
        Ok(store.finalise_ranking(&app_actor(), round_id)?)
    })
    .await
}

/// Saves the Excel workbook, and with the secretariat's passphrase the signed PDF, to `exports/`.
#[tauri::command]
pub async fn export_ranking(
    state: State<'_, AppState>,
    round_id: RoundId,
    passphrase: Option<String>,
) -> Result<Vec<String>, IpcError> {
    with_store(&state, move |store| {
        let round = store.round(round_id)?;
        let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
        let xlsx = park_review_sheets::ranking_xlsx(store, round_id)?;
        let mut paths = vec![store
            .save_export(&format!("排名-{}-{stamp}.xlsx", round.code), &xlsx)?
            .display()
            .to_string()];
        if let Some(passphrase) = passphrase.filter(|p| !p.is_empty()) {
            let signer =
                park_review_sheets::Signer::unlock(store, KeyOwner::Secretariat, &passphrase)?;
            let pdf = park_review_sheets::ranking_pdf(
                store,
                round_id,
                &signer,
                chrono::Local::now().fixed_offset(),
            )?;
            paths.push(
                store
                    .save_export(&format!("排名报告-{}-{stamp}.pdf", round.code), &pdf)?
                    .display()
                    .to_string(),
            );
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
) -> Result<String, IpcError> {
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

/// Saves the publicity list of the finalised ranking as PDF and text to `exports/`.
#[tauri::command]
pub async fn export_publicity(
    state: State<'_, AppState>,
    round_id: RoundId,
    start: String,
    days: u32,
    contact: String,
) -> Result<Vec<String>, IpcError> {
    let start =
        chrono::NaiveDate::parse_from_str(start.trim(), "%Y-%m-%d").map_err(|_| IpcError {
            code: park_review_domain::ErrorCode::OutOfRange,
            message: format!("日期“{start}”无效。"),
        })?;
    with_store(&state, move |store| {
        let round = store.round(round_id)?;
        let (pdf, text) = park_review_sheets::publicity(
            store,
            round_id,
            start,
            days,
            &contact,
            chrono::Local::now().fixed_offset(),
        )?;
        Ok(vec![
            store
                .save_export(&format!("公示名单-{}.pdf", round.code), &pdf)?
                .display()
                .to_string(),
            store
                .save_export(&format!("公示名单-{}.txt", round.code), text.as_bytes())?
                .display()
                .to_string(),
        ])
    })
    .await
}
