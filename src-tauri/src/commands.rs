//! The commands the UI calls. Each converts its arguments, makes one call into the crates on a
//! blocking thread (SQLite blocks; the main thread must not), maps the error, and returns a
//! domain type. Commands that change the database emit `store-changed` afterwards so every view
//! refreshes from the database, the single source of truth.

use park_review_domain::eligibility::{Eligibility, RuleId, RuleResult};
use park_review_domain::ids::RoundId;
use park_review_domain::model::{ApplicationRecord, ApplicationSummary, Expert, Round};
use park_review_domain::{CodedError, ErrorCode, RoundKind};
use park_review_operations::{ApplicationsImported, Caller, CityInfo, Document, ExportFormat};
use park_review_store::{Actor, Attachment, Status, Store};
use serde::Serialize;
use tauri::{AppHandle, Emitter, State};
use ts_rs::TS;

use crate::AppState;

/// The event name the UI listens to; its payload says which kind of entity changed.
pub const STORE_CHANGED: &str = "store-changed";

/// What a committed write changed, so that only the views showing it query again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum Entity {
    /// A round: created, opened, closed, its settings; the demo loaded.
    Round,
    Application,
    Attachment,
    /// The formal review's decisions: document checks, overrides.
    Eligibility,
    Rubric,
    /// The registry and a round's panel.
    Expert,
    /// Assignments, conflicts, pledges.
    Assignment,
    /// One autosaved point, comment or opinion: announced on its own so that a keystroke
    /// refreshes only the views that show scoring progress.
    ScoreDraft,
    /// Submissions and reopenings.
    Scores,
    /// Signing keys and hand-drawn signatures.
    Key,
    /// Issued signed sheets.
    Sheet,
    /// Ranking settings, site scores, outlier resolutions, finalisation.
    Ranking,
    /// Review packages and score bundles sent.
    Exchange,
    /// Checklists and inspections: teams, starts, evidence, finalising.
    Inspection,
    /// One autosaved answer of a visit (announced on its own, like a score draft).
    InspectionAnswer,
    /// The publicity period, objections, publication and the register of designated parks.
    Publication,
    /// The panel: its leader, dissents and the signatures on its report.
    Panel,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct StoreChanged {
    pub entity: Entity,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    pub db_path: String,
    /// The database's schema version (the migrations this build applies).
    pub schema_version: i64,
    /// The folder that holds the database, its attachments, exports and backups.
    pub data_dir: String,
    /// Where signed documents, reports and lists are saved.
    pub exports_dir: String,
    /// Whether pages are drawn with GPU compositing (where the machine has a GPU; off when the
    /// app is started with `WEBKIT_DISABLE_COMPOSITING_MODE=1`).
    pub gpu_compositing: bool,
    /// Whether the app chose to draw in software because the machine has no GPU.
    pub software_chosen: bool,
}

/// Runs `f` with the store on a blocking thread. Files are parsed before, not inside `f`
/// (see `verify_sheet`), so the store is held only for database work. Should `f` ever panic, its
/// transaction has rolled back as the panic unwound, the command reports INTERNAL, and the next
/// command still gets the store (the lock's poison flag is cleared, not left to fail every call).
pub(crate) async fn with_store<T: Send + 'static>(
    state: &State<'_, AppState>,
    f: impl FnOnce(&mut Store) -> Result<T, CodedError> + Send + 'static,
) -> Result<T, CodedError> {
    let store = state.store()?;
    tauri::async_runtime::spawn_blocking(move || {
        let mut guard = store.lock().unwrap_or_else(|poisoned| {
            store.clear_poison();
            poisoned.into_inner()
        });
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut guard))).unwrap_or_else(
            |_| {
                Err(CodedError::internal(
                    "本次操作中途出错而中止，已保存的数据未受影响",
                ))
            },
        )
    })
    .await
    .map_err(CodedError::internal)?
}

/// Reads a file the user gave (parsing, unzipping a workbook …) on a blocking thread of its own,
/// without the store: a large or hostile file never holds up other commands.
pub(crate) async fn read_file<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, CodedError> + Send + 'static,
) -> Result<T, CodedError> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(CodedError::internal)?
}

/// Runs a write on the store and, once it has committed, tells every window what changed
/// (`entity`), so views showing it refresh.
pub(crate) async fn write_store<T: Send + 'static>(
    app: &AppHandle,
    state: &State<'_, AppState>,
    entity: Entity,
    f: impl FnOnce(&mut Store) -> Result<T, CodedError> + Send + 'static,
) -> Result<T, CodedError> {
    let out = with_store(state, f).await?;
    notify(app, entity);
    Ok(out)
}

fn notify(app: &AppHandle, entity: Entity) {
    // A lost notification only delays a refresh; the write itself has committed.
    let _ = app.emit(STORE_CHANGED, StoreChanged { entity });
}

/// Who acts in the app: the secretariat member or the expert at this laptop, through the app
/// (the operations build the audit log's actor from it).
pub(crate) const APP: Caller = Caller::APP;

/// A passphrase received as a command's argument: wiped from memory when dropped, handed to an
/// operation without a copy (`take`), never printed (`Debug` shows stars). The request's own
/// JSON text is Tauri's buffer and outside our reach.
pub struct Passphrase(zeroize::Zeroizing<String>);

impl<'de> serde::Deserialize<'de> for Passphrase {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Passphrase(zeroize::Zeroizing::new(String::deserialize(d)?)))
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(***)")
    }
}

impl std::ops::Deref for Passphrase {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Passphrase {
    /// The passphrase itself, moved out (its buffer is not copied) for an operation that wipes
    /// it after use.
    pub fn take(mut self) -> String {
        std::mem::take(&mut *self.0)
    }
}

/// A command whose payload is a file: the bytes are the request's raw body (a scanned PDF may
/// be 200 MB — as a JSON array of numbers it would take gigabytes), the rest comes in `x-…`
/// headers, percent-encoded because headers are ASCII.
pub(crate) struct RawRequest<'a> {
    pub body: Vec<u8>,
    request: &'a tauri::ipc::Request<'a>,
}

impl<'a> RawRequest<'a> {
    /// `what` names the content in the message when it did not arrive as bytes.
    pub fn read(request: &'a tauri::ipc::Request<'a>, what: &str) -> Result<Self, CodedError> {
        let tauri::ipc::InvokeBody::Raw(body) = request.body() else {
            return Err(CodedError::internal(format!("{what}应以二进制传入")));
        };
        Ok(RawRequest {
            body: body.clone(),
            request,
        })
    }

    /// A header, percent-decoded.
    pub fn header(&self, name: &str) -> Result<String, CodedError> {
        let raw = self
            .request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| CodedError::internal(format!("缺少请求头 {name}")))?;
        Ok(percent_encoding::percent_decode_str(raw)
            .decode_utf8_lossy()
            .into_owned())
    }

    /// The round, from `x-round-id`.
    pub fn round_id(&self) -> Result<RoundId, CodedError> {
        Ok(RoundId(
            self.header("x-round-id")?
                .parse()
                .map_err(CodedError::internal)?,
        ))
    }
}

/// The secretariat member at this laptop, acting through the app.
pub(crate) fn app_actor() -> Actor {
    APP.secretariat()
}

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, CodedError> {
    let data_dir = state
        .db_path
        .parent()
        .unwrap_or(std::path::Path::new("."))
        .to_owned();
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        db_path: state.db_path.display().to_string(),
        schema_version: park_review_store::migrate::SCHEMA_VERSION,
        exports_dir: data_dir.join("exports").display().to_string(),
        data_dir: data_dir.display().to_string(),
        gpu_compositing: crate::gpu_compositing(),
        software_chosen: crate::software_chosen(),
    })
}

/// Opens the data folder, or a folder inside it (exports, backups), in the desktop's file
/// manager. Only folders under the data folder: nothing from a page can open another path.
#[tauri::command]
pub async fn open_data_folder(
    state: State<'_, AppState>,
    sub: Option<String>,
) -> Result<(), CodedError> {
    let data_dir = state
        .db_path
        .parent()
        .unwrap_or(std::path::Path::new("."))
        .to_owned();
    let target = match sub.as_deref() {
        None | Some("") => data_dir,
        Some(name @ ("exports" | "backups" | "attachments")) => data_dir.join(name),
        Some(other) => {
            return Err(CodedError::new(
                ErrorCode::NotPermitted,
                format!(
                    "只能打开数据文件夹中的 exports、backups 或 attachments，不能打开“{other}”。"
                ),
            ))
        }
    };
    std::fs::create_dir_all(&target).map_err(|e| {
        CodedError::new(
            ErrorCode::Io,
            format!("无法打开文件夹 {}：{e}", target.display()),
        )
    })?;
    std::process::Command::new("xdg-open")
        .arg(&target)
        .spawn()
        .map(|_| ())
        .map_err(|e| {
            CodedError::new(
                ErrorCode::Io,
                format!(
                    "无法用文件管理器打开 {}：{e}。文件就在这个文件夹里，可以手动打开。",
                    target.display()
                ),
            )
        })
}

#[tauri::command]
pub async fn status(state: State<'_, AppState>) -> Result<Status, CodedError> {
    with_store(&state, |store| Ok(store.status()?)).await
}

#[tauri::command]
pub async fn list_rounds(state: State<'_, AppState>) -> Result<Vec<Round>, CodedError> {
    with_store(&state, |store| Ok(store.list_rounds()?)).await
}

/// P1: a supplementary round (补充批次) with its reason, as `round create --supplementary`.
#[tauri::command]
pub async fn create_supplementary_round(
    app: AppHandle,
    state: State<'_, AppState>,
    year: i32,
    kind: RoundKind,
    reason: String,
) -> Result<Round, CodedError> {
    write_store(&app, &state, Entity::Round, move |store| {
        Ok(store.create_supplementary_round(&app_actor(), year, kind, &reason)?)
    })
    .await
}

#[tauri::command]
pub async fn create_round(
    app: AppHandle,
    state: State<'_, AppState>,
    year: i32,
    kind: RoundKind,
) -> Result<Round, CodedError> {
    write_store(&app, &state, Entity::Round, move |store| {
        Ok(store.create_round(&app_actor(), year, kind)?)
    })
    .await
}

/// What the demo's guide on the home page tells a visitor.
#[derive(Debug, Clone, serde::Serialize, TS)]
#[ts(export)]
pub struct DemoInfo {
    pub in_progress_code: String,
    pub completed_code: String,
    pub passphrase: String,
    pub visiting_expert: String,
    /// The expert who scored on a laptop of their own (a package out, a bundle back).
    pub exchange_expert: String,
}

#[tauri::command]
pub async fn demo_info() -> Result<DemoInfo, CodedError> {
    Ok(DemoInfo {
        in_progress_code: park_review_store::DEMO_IN_PROGRESS_CODE.into(),
        completed_code: park_review_store::DEMO_COMPLETED_CODE.into(),
        passphrase: park_review_operations::DEMO_PASSPHRASE.into(),
        visiting_expert: park_review_operations::DEMO_VISITING_EXPERT.into(),
        exchange_expert: park_review_operations::DEMO_EXCHANGE_EXPERT.into(),
    })
}

#[tauri::command]
pub async fn load_demo(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<park_review_operations::DemoRounds, CodedError> {
    write_store(&app, &state, Entity::Round, |store| {
        park_review_operations::load_demo(store, APP)
    })
    .await
}

#[tauri::command]
pub async fn list_applications(
    state: State<'_, AppState>,
    round_id: RoundId,
) -> Result<Vec<ApplicationSummary>, CodedError> {
    with_store(&state, move |store| Ok(store.list_applications(round_id)?)).await
}

#[tauri::command]
pub async fn list_panel(
    state: State<'_, AppState>,
    round_id: RoundId,
) -> Result<Vec<Expert>, CodedError> {
    with_store(&state, move |store| Ok(store.list_panel(round_id)?)).await
}

#[tauri::command]
pub async fn eligibility(
    state: State<'_, AppState>,
    round_id: RoundId,
) -> Result<Vec<Eligibility>, CodedError> {
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
) -> Result<(), CodedError> {
    write_store(&app, &state, Entity::Eligibility, move |store| {
        Ok(store.override_rule(
            &app_actor(),
            round_id,
            &application_code,
            rule,
            result,
            &reason,
        )?)
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
    by: String,
) -> Result<(), CodedError> {
    write_store(&app, &state, Entity::Eligibility, move |store| {
        Ok(store.check_documents_batch(
            &app_actor(),
            round_id,
            &[(application_code, rule)],
            &note,
            &by,
        )?)
    })
    .await
}

/// Several document checks at once, with one note and the checker's name (all or none).
#[tauri::command]
pub async fn check_documents_batch(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    items: Vec<(String, RuleId)>,
    note: String,
    by: String,
) -> Result<(), CodedError> {
    write_store(&app, &state, Entity::Eligibility, move |store| {
        Ok(store.check_documents_batch(&app_actor(), round_id, &items, &note, &by)?)
    })
    .await
}

/// What the secretariat enters of a city's recommendation (P3); the letter travels as the
/// request's binary body (empty when none is given now).
#[derive(Debug, Clone, serde::Deserialize)]
struct RecommendationFields {
    opinion: String,
    letter_date: String,
    signatory: String,
    order: u32,
}

/// P3: records the city's review and recommendation, with its letter (stored and listed under
/// P3 in the same transaction), as `park-review application recommend` does.
#[tauri::command]
pub async fn record_recommendation(
    app: AppHandle,
    state: State<'_, AppState>,
    request: tauri::ipc::Request<'_>,
) -> Result<park_review_domain::eligibility::CityRecommendation, CodedError> {
    let mut raw = RawRequest::read(&request, "推荐函内容")?;
    let letter = std::mem::take(&mut raw.body);
    let header = |name: &str| raw.header(name);
    let round_id = raw.round_id()?;
    let code = header("x-code")?;
    let letter_name = header("x-file-name")?;
    let fields: RecommendationFields =
        serde_json::from_str(&header("x-fields")?).map_err(CodedError::internal)?;
    write_store(&app, &state, Entity::Eligibility, move |store| {
        Ok(store.record_recommendation(
            &app_actor(),
            round_id,
            &code,
            &park_review_store::RecommendationInput {
                opinion: &fields.opinion,
                letter_date: &fields.letter_date,
                signatory: &fields.signatory,
                order: fields.order,
                letter: (!letter.is_empty()).then_some((letter_name.as_str(), letter.as_slice())),
            },
        )?)
    })
    .await
}

/// P4: one of the three materials checked present or missing.
#[tauri::command]
pub async fn check_material(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    application_code: String,
    material: park_review_domain::eligibility::Material,
    present: bool,
    note: String,
) -> Result<(), CodedError> {
    write_store(&app, &state, Entity::Eligibility, move |store| {
        Ok(store.check_material(
            &app_actor(),
            round_id,
            &application_code,
            material,
            present,
            &note,
        )?)
    })
    .await
}

#[tauri::command]
pub async fn application_record(
    state: State<'_, AppState>,
    round_id: RoundId,
    code: String,
) -> Result<ApplicationRecord, CodedError> {
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
) -> Result<ApplicationsImported, CodedError> {
    let records =
        read_file(move || park_review_operations::read_application_file(&file_name, bytes)).await?;
    write_store(&app, &state, Entity::Application, move |store| {
        park_review_operations::import_applications(store, APP, round_id, records)
    })
    .await
}

#[tauri::command]
pub async fn create_application(
    app: AppHandle,
    state: State<'_, AppState>,
    round_id: RoundId,
    record: ApplicationRecord,
) -> Result<(), CodedError> {
    write_store(&app, &state, Entity::Application, move |store| {
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
) -> Result<(), CodedError> {
    write_store(&app, &state, Entity::Application, move |store| {
        Ok(store.update_application(&app_actor(), round_id, &code, &record)?)
    })
    .await
}

#[tauri::command]
pub async fn list_cities() -> Result<Vec<CityInfo>, CodedError> {
    Ok(park_review_operations::cities())
}

#[tauri::command]
pub async fn list_attachments(
    state: State<'_, AppState>,
    round_id: RoundId,
    code: String,
) -> Result<Vec<Attachment>, CodedError> {
    with_store(&state, move |store| {
        Ok(store.list_attachments(round_id, &code)?)
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
) -> Result<Attachment, CodedError> {
    let mut raw = RawRequest::read(&request, "附件内容")?;
    let bytes = std::mem::take(&mut raw.body);
    let header = |name: &str| raw.header(name);
    let round_id = raw.round_id()?;
    let (code, clause, file_name) = (
        header("x-code")?,
        header("x-clause")?,
        header("x-file-name")?,
    );
    write_store(&app, &state, Entity::Attachment, move |store| {
        Ok(store.add_attachment(&app_actor(), round_id, &code, &clause, &file_name, &bytes)?)
    })
    .await
}

/// The attachment's bytes, verified against its SHA-256, as a binary response (no JSON array).
#[tauri::command]
pub async fn read_attachment(
    state: State<'_, AppState>,
    uid: String,
) -> Result<tauri::ipc::Response, CodedError> {
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

/// Saves a document an operation made to `exports/` beside the database; returns where.
pub(crate) fn save(store: &Store, document: &Document) -> Result<String, CodedError> {
    Ok(store
        .save_export(&document.file_name, &document.bytes)?
        .display()
        .to_string())
}

/// Saves a document and returns it with its path, for the in-app preview.
pub(crate) fn save_for_preview(
    store: &Store,
    document: Document,
) -> Result<ExportedFile, CodedError> {
    Ok(ExportedFile {
        path: save(store, &document)?,
        bytes: document.bytes,
    })
}

/// Writes the formal-review summary PDF to `exports/` beside the database.
#[tauri::command]
pub async fn export_eligibility_pdf(
    state: State<'_, AppState>,
    round_id: RoundId,
) -> Result<ExportedFile, CodedError> {
    with_store(&state, move |store| {
        let document = park_review_operations::eligibility_summary(store, round_id)?;
        save_for_preview(store, document)
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
) -> Result<String, CodedError> {
    with_store(&state, move |store| {
        let document = match format.as_str() {
            "template" => park_review_operations::application_template()?,
            "xlsx" => {
                park_review_operations::export_applications(store, round_id, ExportFormat::Xlsx)?
            }
            _ => park_review_operations::export_applications(store, round_id, ExportFormat::Json)?,
        };
        save(store, &document)
    })
    .await
}
