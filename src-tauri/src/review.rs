//! Commands of material review: rubric, experts, conflicts, assignment, the no-conflict pledge
//! and scoring. Thin, like `commands.rs`: convert, one call into the store, map the error.

use park_review_domain::ids::{AssignmentKey, RoundId};
use park_review_domain::model::{ExpertRecord, Round, Rubric};
use park_review_domain::CodedError;
use park_review_operations::ExportFormat;
use park_review_store::{
    Actor, AssignOutcome, Attachment, ExpertAdded, ExpertApplication, ExpertAssignment,
    ReviewBoard, RoundOpened, RoundRubric, ScoreRow, ScoreSaved, ScoreSheet,
};
use tauri::{AppHandle, State};

use crate::commands::{app_actor, read_file, save, with_store, write_store, Entity, APP};
use crate::AppState;

/// Who makes a scoring change: the expert at this laptop, or (paper entry, 录入) the
/// secretariat member entering a paper sheet on the expert's behalf.
fn scorer(expert: &str, paper: bool) -> Actor {
    APP.scorer(expert, paper.then_some(""))
}

#[tauri::command]
pub async fn round_rubric(
    state: State<'_, AppState>,
    round_id: RoundId,
) -> Result<RoundRubric, CodedError> {
    with_store(&state, move |store| Ok(store.rubric(round_id)?)).await
}

#[tauri::command]
pub async fn replace_rubric(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    rubric: Rubric,
) -> Result<RoundRubric, CodedError> {
    write_store(&app, &state, Entity::Rubric, move |store| {
        Ok(store.replace_rubric(&app_actor(), round_id, &rubric)?)
    })
    .await
}

/// 恢复默认: the default rubric back, while the round is a draft.
#[tauri::command]
pub async fn restore_default_rubric(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
) -> Result<RoundRubric, CodedError> {
    write_store(&app, &state, Entity::Rubric, move |store| {
        Ok(store.restore_default_rubric(&app_actor(), round_id)?)
    })
    .await
}

/// Deletes a draft round, or a demo round, with a reason (audited).
#[tauri::command]
pub async fn delete_round(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    reason: String,
) -> Result<Round, CodedError> {
    write_store(&app, &state, Entity::Round, move |store| {
        Ok(store.delete_round(&app_actor(), round_id, &reason)?)
    })
    .await
}

/// 复制往年细则: another round's rubric into this draft round.
#[tauri::command]
pub async fn copy_rubric(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    from: RoundId,
) -> Result<RoundRubric, CodedError> {
    write_store(&app, &state, Entity::Rubric, move |store| {
        Ok(store.copy_rubric(&app_actor(), round_id, from)?)
    })
    .await
}

/// Imports a rubric file: Excel by its name, otherwise `park-review/rubric@1` JSON.
#[tauri::command]
pub async fn import_rubric(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    file_name: String,
    bytes: Vec<u8>,
) -> Result<RoundRubric, CodedError> {
    let rubric =
        read_file(move || park_review_operations::read_rubric_file(&file_name, bytes)).await?;
    write_store(&app, &state, Entity::Rubric, move |store| {
        park_review_operations::import_rubric(store, APP, round_id, &rubric)
    })
    .await
}

/// Saves the rubric (`json` or `xlsx`) to `exports/` beside the database; returns where.
#[tauri::command]
pub async fn export_rubric(
    state: State<'_, AppState>,
    round_id: RoundId,
    format: String,
) -> Result<String, CodedError> {
    with_store(&state, move |store| {
        let format = if format == "xlsx" {
            ExportFormat::Xlsx
        } else {
            ExportFormat::Json
        };
        save(
            store,
            &park_review_operations::export_rubric(store, round_id, format)?,
        )
    })
    .await
}

#[tauri::command]
pub async fn open_round(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
) -> Result<RoundOpened, CodedError> {
    write_store(&app, &state, Entity::Round, move |store| {
        Ok(store.open_round(&app_actor(), round_id)?)
    })
    .await
}

#[tauri::command]
pub async fn close_round(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
) -> Result<Round, CodedError> {
    write_store(&app, &state, Entity::Round, move |store| {
        Ok(store.close_round(&app_actor(), round_id)?)
    })
    .await
}

#[tauri::command]
pub async fn set_review_settings(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    experts_per_application: u32,
    recuse_same_city: bool,
) -> Result<Round, CodedError> {
    write_store(&app, &state, Entity::Round, move |store| {
        Ok(store.set_review_settings(
            &app_actor(),
            round_id,
            experts_per_application,
            recuse_same_city,
        )?)
    })
    .await
}

#[tauri::command]
pub async fn add_expert(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    record: ExpertRecord,
) -> Result<ExpertAdded, CodedError> {
    write_store(&app, &state, Entity::Expert, move |store| {
        Ok(store
            .add_experts(&app_actor(), round_id, std::slice::from_ref(&record))?
            .remove(0))
    })
    .await
}

/// Takes an expert off the round's panel with a reason; their assignments are cancelled.
#[tauri::command]
pub async fn remove_from_panel(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    expert: String,
    reason: String,
) -> Result<park_review_store::PanelRemoval, CodedError> {
    write_store(&app, &state, Entity::Expert, move |store| {
        Ok(store.remove_from_panel(&app_actor(), round_id, &expert, &reason)?)
    })
    .await
}

/// Imports a `park-review/experts@1` file into this round's panel (its `round` field, if any,
/// must name this round).
#[tauri::command]
pub async fn import_experts(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    file_name: String,
    bytes: Vec<u8>,
) -> Result<Vec<ExpertAdded>, CodedError> {
    let name = file_name.clone();
    let file = read_file(move || park_review_operations::read_experts_file(&name, bytes)).await?;
    write_store(&app, &state, Entity::Expert, move |store| {
        Ok(
            park_review_operations::import_experts(store, APP, Some(round_id), &file_name, file)?
                .experts,
        )
    })
    .await
}

#[tauri::command]
pub async fn review_board(
    state: State<'_, AppState>,
    round_id: RoundId,
) -> Result<ReviewBoard, CodedError> {
    with_store(&state, move |store| Ok(store.review_board(round_id)?)).await
}

#[tauri::command]
pub async fn auto_assign(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    per_application: Option<u32>,
    seed: u32,
) -> Result<AssignOutcome, CodedError> {
    write_store(&app, &state, Entity::Assignment, move |store| {
        Ok(store.auto_assign(&app_actor(), round_id, per_application, u64::from(seed))?)
    })
    .await
}

#[tauri::command]
pub async fn set_assignment(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    application: String,
    experts: Vec<String>,
) -> Result<Vec<String>, CodedError> {
    write_store(&app, &state, Entity::Assignment, move |store| {
        Ok(store.set_assignment(&app_actor(), round_id, &application, &experts)?)
    })
    .await
}

#[tauri::command]
pub async fn add_conflict(
    app: AppHandle,
    state: State<'_, AppState>,
    key: AssignmentKey,
    reason: String,
) -> Result<(), CodedError> {
    write_store(&app, &state, Entity::Assignment, move |store| {
        Ok(store.add_conflict(&app_actor(), &key, &reason)?)
    })
    .await
}

#[tauri::command]
pub async fn dismiss_conflict(
    app: AppHandle,
    state: State<'_, AppState>,
    key: AssignmentKey,
    conflict_key: String,
    reason: String,
) -> Result<(), CodedError> {
    write_store(&app, &state, Entity::Assignment, move |store| {
        Ok(store.dismiss_conflict(&app_actor(), &key, &conflict_key, &reason)?)
    })
    .await
}

#[tauri::command]
pub async fn expert_assignments(
    state: State<'_, AppState>,
    round_id: RoundId,
    expert: String,
) -> Result<Vec<ExpertAssignment>, CodedError> {
    with_store(&state, move |store| {
        Ok(store.expert_assignments(round_id, &expert)?)
    })
    .await
}

#[tauri::command]
pub async fn declare_no_conflict(
    app: AppHandle,
    state: State<'_, AppState>,
    key: AssignmentKey,
    paper: bool,
) -> Result<String, CodedError> {
    write_store(&app, &state, Entity::Assignment, move |store| {
        Ok(store.declare_no_conflict(&scorer(&key.expert, paper), &key)?)
    })
    .await
}

#[tauri::command]
pub async fn declare_conflict(
    app: AppHandle,
    state: State<'_, AppState>,
    key: AssignmentKey,
    reason: String,
) -> Result<(), CodedError> {
    write_store(&app, &state, Entity::Assignment, move |store| {
        Ok(store.declare_conflict(&scorer(&key.expert, false), &key, &reason)?)
    })
    .await
}

#[tauri::command]
pub async fn score_sheet(
    state: State<'_, AppState>,
    key: AssignmentKey,
) -> Result<ScoreSheet, CodedError> {
    with_store(&state, move |store| Ok(store.score_sheet(&key)?)).await
}

/// One autosave: the points of a criterion (null clears them) and, if given, its comment.
/// Its change is announced as `score-draft`, which only views showing scoring progress follow,
/// so a keystroke does not refresh every view.
#[tauri::command]
pub async fn set_score(
    app: AppHandle,
    state: State<'_, AppState>,
    key: AssignmentKey,
    criterion: String,
    points: Option<f64>,
    comment: Option<String>,
    paper: bool,
) -> Result<ScoreSaved, CodedError> {
    write_store(&app, &state, Entity::ScoreDraft, move |store| {
        Ok(store.set_score(
            &scorer(&key.expert, paper),
            &key,
            &criterion,
            points,
            comment.as_deref(),
        )?)
    })
    .await
}

#[tauri::command]
pub async fn set_score_comment(
    app: AppHandle,
    state: State<'_, AppState>,
    key: AssignmentKey,
    criterion: String,
    comment: String,
    paper: bool,
) -> Result<ScoreSaved, CodedError> {
    write_store(&app, &state, Entity::ScoreDraft, move |store| {
        Ok(store.set_score_comment(&scorer(&key.expert, paper), &key, &criterion, &comment)?)
    })
    .await
}

#[tauri::command]
pub async fn set_opinion(
    app: AppHandle,
    state: State<'_, AppState>,
    key: AssignmentKey,
    opinion: String,
    paper: bool,
) -> Result<ScoreSaved, CodedError> {
    write_store(&app, &state, Entity::ScoreDraft, move |store| {
        Ok(store.set_opinion(&scorer(&key.expert, paper), &key, &opinion)?)
    })
    .await
}

#[tauri::command]
pub async fn submit_scores(
    app: AppHandle,
    state: State<'_, AppState>,
    key: AssignmentKey,
    opinion: Option<String>,
    paper: bool,
) -> Result<ScoreSheet, CodedError> {
    write_store(&app, &state, Entity::Scores, move |store| {
        Ok(store.submit_scores(&scorer(&key.expert, paper), &key, opinion.as_deref())?)
    })
    .await
}

#[tauri::command]
pub async fn reopen_scores(
    app: AppHandle,
    state: State<'_, AppState>,
    key: AssignmentKey,
    reason: String,
) -> Result<(), CodedError> {
    write_store(&app, &state, Entity::Scores, move |store| {
        Ok(store.reopen_scores(&app_actor(), &key, &reason)?)
    })
    .await
}

#[tauri::command]
pub async fn list_scores(
    state: State<'_, AppState>,
    round_id: RoundId,
) -> Result<Vec<ScoreRow>, CodedError> {
    with_store(&state, move |store| Ok(store.list_scores(round_id)?)).await
}

/// The application's record and C1–C7's figures, only after the expert's pledge.
#[tauri::command]
pub async fn expert_application(
    state: State<'_, AppState>,
    key: AssignmentKey,
) -> Result<ExpertApplication, CodedError> {
    with_store(&state, move |store| Ok(store.expert_application(&key)?)).await
}

/// The materials of an application, only after the expert's pledge (NOT_DECLARED before).
#[tauri::command]
pub async fn expert_attachments(
    state: State<'_, AppState>,
    key: AssignmentKey,
) -> Result<Vec<Attachment>, CodedError> {
    with_store(&state, move |store| Ok(store.expert_attachments(&key)?)).await
}

/// One attachment's bytes for an expert, through the same gate.
#[tauri::command]
pub async fn read_expert_attachment(
    state: State<'_, AppState>,
    key: AssignmentKey,
    uid: String,
) -> Result<tauri::ipc::Response, CodedError> {
    let (_, bytes) = with_store(&state, move |store| {
        Ok(store.read_expert_attachment(&key, &uid)?)
    })
    .await?;
    Ok(tauri::ipc::Response::new(bytes))
}
