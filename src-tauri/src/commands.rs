//! The commands the UI calls. Each converts its arguments, makes one call into the crates on a
//! blocking thread (SQLite blocks; the main thread must not), maps the error, and returns a
//! domain type. Commands that change the database emit `store-changed` afterwards so every view
//! refreshes from the database, the single source of truth.

use park_review_domain::eligibility::{Eligibility, RuleId, RuleResult};
use park_review_domain::ids::RoundId;
use park_review_domain::model::{ApplicationRecord, ApplicationSummary, Expert, Round};
use park_review_domain::RoundKind;
use park_review_store::{Actor, Attachment, DemoLoaded, Status, Store};
use serde::Serialize;
use tauri::{AppHandle, Emitter, State};
use ts_rs::TS;

use crate::error::IpcError;
use crate::AppState;

/// The event name the UI listens to; its payload says which kind of entity changed.
pub const STORE_CHANGED: &str = "store-changed";

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct StoreChanged {
    pub entity: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    pub db_path: String,
}

/// Runs `f` with the store on a blocking thread.
pub(crate) async fn with_store<T: Send + 'static>(
    state: &State<'_, AppState>,
    f: impl FnOnce(&mut Store) -> Result<T, IpcError> + Send + 'static,
) -> Result<T, IpcError> {
    let store = state.store()?;
    tauri::async_runtime::spawn_blocking(move || {
        let mut guard = store
            .lock()
            .map_err(|_| IpcError::internal("数据库连接已损坏，请重启程序"))?;
        f(&mut guard)
    })
    .await
    .map_err(IpcError::internal)?
}

/// Runs a write on the store and, once it has committed, tells every window what changed
/// (`entity`), so views showing it refresh.
pub(crate) async fn write_store<T: Send + 'static>(
    app: &AppHandle,
    state: &State<'_, AppState>,
    entity: &str,
    f: impl FnOnce(&mut Store) -> Result<T, IpcError> + Send + 'static,
) -> Result<T, IpcError> {
    let out = with_store(state, f).await?;
    notify(app, entity);
    Ok(out)
}

fn notify(app: &AppHandle, entity: &str) {
    // A lost notification only delays a refresh; the write itself has committed.
    let _ = app.emit(
        STORE_CHANGED,
        StoreChanged {
            entity: entity.to_owned(),
        },
    );
}

/// The actor recorded for changes made in the app. Until sign-in arrives with expert keys, the
/// app acts as the secretariat under the operating-system user's name.
pub(crate) fn app_actor() -> Actor {
    let user = std::env::var("USER").unwrap_or_default();
    Actor::secretariat(if user.is_empty() {
        "秘书处".to_owned()
    } else {
        user
    })
}

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, IpcError> {
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        db_path: state.db_path.display().to_string(),
    })
}

#[tauri::command]
pub async fn status(state: State<'_, AppState>) -> Result<Status, IpcError> {
    with_store(&state, |store| Ok(store.status()?)).await
}

#[tauri::command]
pub async fn list_rounds(state: State<'_, AppState>) -> Result<Vec<Round>, IpcError> {
    with_store(&state, |store| Ok(store.list_rounds()?)).await
}

#[tauri::command]
pub async fn create_round(
    app: AppHandle,
    state: State<'_, AppState>,
    year: i32,
    kind: RoundKind,
) -> Result<Round, IpcError> {
    write_store(&app, &state, "round", move |store| {
        Ok(store.create_round(&app_actor(), year, kind)?)
    })
    .await
}

#[tauri::command]
pub async fn load_demo(app: AppHandle, state: State<'_, AppState>) -> Result<DemoLoaded, IpcError> {
    write_store(&app, &state, "round", |store| {
        Ok(store.load_demo(&app_actor())?)
    })
    .await
}

#[tauri::command]
pub async fn list_applications(
    state: State<'_, AppState>,
    round_id: RoundId,
) -> Result<Vec<ApplicationSummary>, IpcError> {
    with_store(&state, move |store| Ok(store.list_applications(round_id)?)).await
}

#[tauri::command]
pub async fn list_panel(
    state: State<'_, AppState>,
    round_id: RoundId,
) -> Result<Vec<Expert>, IpcError> {
    with_store(&state, move |store| Ok(store.list_panel(round_id)?)).await
}

#[tauri::command]
pub async fn eligibility(
    state: State<'_, AppState>,
    round_id: RoundId,
) -> Result<Vec<Eligibility>, IpcError> {
    with_store(&state, move |store| Ok(store.eligibility(round_id)?)).await
}

#[tauri::command]
pub async fn override_rule(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    application_code: String,
    rule: RuleId,
    result: RuleResult,
    reason: String,
) -> Result<(), IpcError> {
    write_store(&app, &state, "eligibility", move |store| {
        let application = store.find_application(round_id, &application_code)?;
        Ok(store.override_rule(&app_actor(), application.id, rule, result, &reason)?)
    })
    .await
}

#[tauri::command]
pub async fn check_documents(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    application_code: String,
    rule: RuleId,
    note: String,
) -> Result<(), IpcError> {
    write_store(&app, &state, "eligibility", move |store| {
        let application = store.find_application(round_id, &application_code)?;
        Ok(store.check_documents(&app_actor(), application.id, rule, &note)?)
    })
    .await
}

#[tauri::command]
pub async fn application_record(
    state: State<'_, AppState>,
    round_id: RoundId,
    code: String,
) -> Result<ApplicationRecord, IpcError> {
    with_store(&state, move |store| {
        Ok(store.application_record(round_id, &code)?)
    })
    .await
}

/// Imports a file the user picked: Excel (the template's layout) by its name, otherwise
/// `park-review/application@1` JSON. All or nothing.
#[tauri::command]
pub async fn import_applications(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    file_name: String,
    bytes: Vec<u8>,
) -> Result<u32, IpcError> {
    let records = if file_name.to_ascii_lowercase().ends_with(".xlsx") {
        park_review_xlsx::read_applications(&bytes).map_err(|e| IpcError {
            code: e.code(),
            message: e.to_string(),
        })?
    } else {
        let text = String::from_utf8(bytes).map_err(|_| IpcError {
            code: park_review_domain::ErrorCode::ImportMalformed,
            message: format!("文件 {file_name} 不是 UTF-8 编码的 JSON 文本。"),
        })?;
        park_review_domain::exchange::parse_application_file(&text)?
    };
    write_store(&app, &state, "application", move |store| {
        Ok(store
            .import_applications(&app_actor(), round_id, &records)?
            .len() as u32)
    })
    .await
}

#[tauri::command]
pub async fn create_application(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    record: ApplicationRecord,
) -> Result<(), IpcError> {
    write_store(&app, &state, "application", move |store| {
        store.import_applications(&app_actor(), round_id, std::slice::from_ref(&record))?;
        Ok(())
    })
    .await
}

#[tauri::command]
pub async fn update_application(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    code: String,
    record: ApplicationRecord,
) -> Result<(), IpcError> {
    write_store(&app, &state, "application", move |store| {
        Ok(store.update_application(&app_actor(), round_id, &code, &record)?)
    })
    .await
}

/// One of the 21 cities, for pickers.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CityInfo {
    pub code: String,
    pub name: String,
    pub name_en: String,
    /// P2: applications the city may recommend a year.
    pub quota: u32,
}

#[tauri::command]
pub async fn list_cities() -> Result<Vec<CityInfo>, IpcError> {
    Ok(park_review_domain::City::ALL
        .into_iter()
        .map(|c| CityInfo {
            code: c.code().to_owned(),
            name: c.name_zh().to_owned(),
            name_en: c.name_en().to_owned(),
            quota: c.yearly_quota(),
        })
        .collect())
}

#[tauri::command]
pub async fn list_attachments(
    state: State<'_, AppState>,
    round_id: RoundId,
    code: String,
) -> Result<Vec<Attachment>, IpcError> {
    with_store(&state, move |store| {
        let application = store.find_application(round_id, &code)?;
        Ok(store.list_attachments(application.id)?)
    })
    .await
}

/// Attaches a file. The bytes arrive as the raw request body (a scanned PDF may be 200 MB: as a
/// JSON array of numbers it would take gigabytes); round, application, clause and file name
/// come in `x-…` headers, percent-encoded because headers are ASCII.
#[tauri::command]
pub async fn add_attachment(
    app: AppHandle,
    state: State<'_, AppState>,
    request: tauri::ipc::Request<'_>,
) -> Result<Attachment, IpcError> {
    let tauri::ipc::InvokeBody::Raw(body) = request.body() else {
        return Err(IpcError::internal("附件内容应以二进制传入"));
    };
    let bytes = body.clone();
    let header = |name: &str| -> Result<String, IpcError> {
        let raw = request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| IpcError::internal(format!("缺少请求头 {name}")))?;
        Ok(percent_encoding::percent_decode_str(raw)
            .decode_utf8_lossy()
            .into_owned())
    };
    let round_id = RoundId(header("x-round-id")?.parse().map_err(IpcError::internal)?);
    let (code, clause, file_name) = (
        header("x-code")?,
        header("x-clause")?,
        header("x-file-name")?,
    );
    write_store(&app, &state, "attachment", move |store| {
        let application = store.find_application(round_id, &code)?;
        Ok(store.add_attachment(&app_actor(), application.id, &clause, &file_name, &bytes)?)
    })
    .await
}

/// The attachment's bytes, verified against its SHA-256, as a binary response (no JSON array).
#[tauri::command]
pub async fn read_attachment(
    state: State<'_, AppState>,
    uid: String,
) -> Result<tauri::ipc::Response, IpcError> {
    let (_, bytes) = with_store(&state, move |store| Ok(store.read_attachment(&uid)?)).await?;
    Ok(tauri::ipc::Response::new(bytes))
}

/// A document the app saved, with its bytes for the in-app preview.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ExportedFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Writes the formal-review summary PDF to `exports/` beside the database.
#[tauri::command]
pub async fn export_eligibility_pdf(
    state: State<'_, AppState>,
    round_id: RoundId,
) -> Result<ExportedFile, IpcError> {
    with_store(&state, move |store| {
        let round = store.round(round_id)?;
        let review = store.eligibility(round_id)?;
        let now = chrono::Local::now();
        let generated = park_review_documents::GeneratedAt {
            unix_seconds: now.timestamp(),
            local_text: now.format("%Y-%m-%d %H:%M:%S %:z").to_string(),
        };
        let bytes = park_review_documents::eligibility_summary(&round.title, &review, &generated);
        let name = format!(
            "形式审查-{}-{}.pdf",
            round.code,
            now.format("%Y%m%d-%H%M%S")
        );
        let path = store.save_export(&name, &bytes)?;
        Ok(ExportedFile {
            path: path.display().to_string(),
            bytes,
        })
    })
    .await
}

/// Saves the round's applications (`xlsx` or `json`) or the empty Excel template (`template`) to
/// `exports/` beside the database; returns where.
#[tauri::command]
pub async fn export_applications(
    state: State<'_, AppState>,
    round_id: RoundId,
    format: String,
) -> Result<String, IpcError> {
    with_store(&state, move |store| {
        let round = store.round(round_id)?;
        let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
        let xlsx_error = |e: park_review_xlsx::XlsxError| IpcError {
            code: e.code(),
            message: e.to_string(),
        };
        let records = || -> Result<Vec<ApplicationRecord>, IpcError> {
            Ok(store
                .application_records(round_id)?
                .into_iter()
                .map(|(_, r, _)| r)
                .collect())
        };
        let (name, bytes) = match format.as_str() {
            "template" => (
                format!("申报填报模板-{stamp}.xlsx"),
                park_review_xlsx::application_template().map_err(xlsx_error)?,
            ),
            "xlsx" => (
                format!("申报-{}-{stamp}.xlsx", round.code),
                park_review_xlsx::write_applications(&records()?).map_err(xlsx_error)?,
            ),
            _ => {
                let text = park_review_domain::exchange::write_application_file(&records()?);
                (
                    format!("申报-{}-{stamp}.json", round.code),
                    text.into_bytes(),
                )
            }
        };
        Ok(store.save_export(&name, &bytes)?.display().to_string())
    })
    .await
}
