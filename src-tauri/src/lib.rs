//! ParkReview's desktop app. The only crate that knows Tauri: it opens the store, registers
//! the commands in [`commands`] and hands errors to the UI as `{code, message}`
//! ([`CodedError`]).

pub mod audit;
pub mod backup;
pub mod commands;
pub mod exchange;
pub mod inspection;
pub mod panel;
pub mod publication;
pub mod ranking;
pub mod review;
pub mod sheets;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use park_review_domain::CodedError;
use park_review_store::{ensure_default_dir, resolve_db_path, Store};

/// What the commands share: the open database, or why it could not be opened. A database that
/// cannot be opened (newer schema, not SQLite …) does not stop the app: the UI shows the error
/// with its code, so the user learns what to do instead of seeing a window vanish.
pub struct AppState {
    pub db_path: PathBuf,
    /// Opened on a thread of its own while the window comes up (a new database's schema takes
    /// ~50 ms of writes); the first command that needs it waits for it.
    store: Arc<OnceLock<Result<Arc<Mutex<Store>>, CodedError>>>,
}

impl AppState {
    /// Opens the store now, on this thread (tests, and anything that needs it at once).
    pub fn open(db_path: PathBuf) -> AppState {
        let state = AppState {
            db_path,
            store: Arc::new(OnceLock::new()),
        };
        let _ = state.store.set(open_store(&state.db_path));
        state
    }

    /// Starts opening the store on a thread of its own, then `then` with it once it opened.
    fn open_in_background(
        db_path: PathBuf,
        then: impl FnOnce(Arc<Mutex<Store>>) + Send + 'static,
    ) -> AppState {
        let cell = Arc::new(OnceLock::new());
        let (path, filled) = (db_path.clone(), cell.clone());
        std::thread::spawn(move || {
            let opened = filled.get_or_init(|| open_store(&path));
            if let Ok(store) = opened {
                then(store.clone());
            }
        });
        AppState {
            db_path,
            store: cell,
        }
    }

    pub(crate) fn store(&self) -> Result<Arc<Mutex<Store>>, CodedError> {
        self.store.wait().clone()
    }
}

fn open_store(db_path: &Path) -> Result<Arc<Mutex<Store>>, CodedError> {
    Store::open(db_path)
        .map(|s| Arc::new(Mutex::new(s)))
        .map_err(CodedError::from)
}

/// The variable WebKitGTK reads to draw pages without GPU compositing: set (to anything but 0),
/// pages are drawn in software; set to 0, with GPU compositing. The user's setting is kept; when
/// there is none, [`choose_drawing`] sets it.
pub const COMPOSITING_ENV: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Set when [`choose_drawing`] found no GPU and chose to draw in software.
static SOFTWARE_CHOSEN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether pages are drawn with GPU compositing, by WebKit's own reading of the variable.
pub fn gpu_compositing() -> bool {
    std::env::var_os(COMPOSITING_ENV).is_none_or(|v| v == "0")
}

/// Whether the app chose to draw in software because the machine has no GPU.
pub fn software_chosen() -> bool {
    SOFTWARE_CHOSEN.load(std::sync::atomic::Ordering::Relaxed)
}

/// Chooses how WebKit draws, before it starts (and before any other thread does): as the user
/// set it, or else with GPU compositing where the machine has a GPU (a DRM render node,
/// `/dev/dri/renderD*`) and in software where it has none (a virtual desktop, an old office
/// PC). Without a GPU, WebKit's compositing runs on Mesa's software OpenGL: under Xvfb
/// (`make bench-startup`) the first screen was drawn 0.5 s after its text was ready, against
/// 20 ms in software, and took 66 MB more. The end-to-end tests set the variable to 0: WebKit
/// 2.50 cannot take a snapshot of a page drawn in software (WebDriver's screenshot never
/// returns), so they judge the screens as drawn with compositing.
pub fn choose_drawing() {
    if std::env::var_os(COMPOSITING_ENV).is_some() {
        return;
    }
    let has_gpu = std::fs::read_dir("/dev/dri").is_ok_and(|dir| {
        dir.flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    });
    if !has_gpu {
        std::env::set_var(COMPOSITING_ENV, "1");
        SOFTWARE_CHOSEN.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Starts the app on the database named by `PARK_REVIEW_DB`, or the default location.
pub fn run() {
    choose_drawing();
    let db_path = resolve_db_path(None);
    // If this fails, opening the store reports the missing folder with its code.
    let _ = ensure_default_dir(&db_path);
    let state = AppState::open_in_background(db_path, backup::start_automatic);
    tauri::Builder::default()
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::status,
            commands::list_rounds,
            commands::create_round,
            commands::create_supplementary_round,
            commands::load_demo,
            commands::open_data_folder,
            commands::demo_info,
            commands::list_applications,
            commands::list_panel,
            commands::eligibility,
            commands::override_rule,
            commands::check_documents,
            commands::check_documents_batch,
            commands::record_recommendation,
            commands::check_material,
            panel::panel_status,
            panel::set_panel_leader,
            panel::record_recheck,
            panel::record_panel_dissent,
            panel::issue_panel_report,
            panel::sign_panel_report,
            panel::import_panel_report_signature,
            panel::sign_panel_report_file,
            publication::publication_state,
            publication::add_objection,
            publication::decide_objection,
            publication::publish,
            publication::designated_parks,
            publication::add_designated_park,
            commands::application_record,
            commands::import_applications,
            commands::create_application,
            commands::update_application,
            commands::list_cities,
            commands::list_attachments,
            commands::add_attachment,
            commands::read_attachment,
            commands::export_eligibility_pdf,
            commands::export_applications,
            review::round_rubric,
            review::replace_rubric,
            review::restore_default_rubric,
            review::copy_rubric,
            review::delete_round,
            review::import_rubric,
            review::export_rubric,
            review::open_round,
            review::close_round,
            review::set_review_settings,
            review::add_expert,
            review::remove_from_panel,
            review::import_experts,
            review::review_board,
            review::auto_assign,
            review::set_assignment,
            review::add_conflict,
            review::dismiss_conflict,
            review::expert_assignments,
            review::declare_no_conflict,
            review::declare_conflict,
            review::score_sheet,
            review::set_score,
            review::set_score_comment,
            review::set_opinion,
            review::submit_scores,
            review::reopen_scores,
            review::list_scores,
            review::expert_application,
            review::expert_attachments,
            review::read_expert_attachment,
            sheets::signing_status,
            sheets::secretariat_key,
            sheets::create_signing_key,
            sheets::change_key_passphrase,
            sheets::key_history,
            sheets::revoke_signing_key,
            sheets::replace_signing_key,
            sheets::save_hand_signature,
            sheets::hand_signature,
            sheets::export_sheet,
            sheets::export_sheets,
            sheets::export_summary,
            sheets::export_round_sheets,
            sheets::verify_sheet,
            inspection::checklist,
            inspection::import_checklist,
            inspection::save_checklist,
            inspection::export_checklist,
            inspection::list_registry,
            inspection::list_inspections,
            inspection::inspection,
            inspection::set_inspection_team,
            inspection::start_inspection,
            inspection::answer_item,
            inspection::attach_evidence,
            inspection::read_evidence,
            inspection::read_evidence_thumbnail,
            inspection::record_signatures,
            inspection::export_inspection_package,
            inspection::import_inspection_package,
            inspection::export_inspection_bundle,
            inspection::import_inspection_bundle,
            inspection::issue_inspection_record,
            inspection::countersign_inspection_record,
            inspection::finalise_inspection,
            inspection::reopen_inspection,
            inspection::set_site_factors,
            exchange::database_copy,
            exchange::exchange_status,
            exchange::import_package,
            exchange::export_packages,
            exchange::export_bundle,
            exchange::import_bundles,
            exchange::preview_certificate,
            exchange::register_certificate,
            sheets::create_secretariat_key,
            audit::audit_check,
            backup::backup_state,
            backup::set_backup_folder,
            backup::backup_now,
            backup::restore_backup,
            audit::audit_history,
            audit::export_audit,
            ranking::ranking,
            ranking::set_ranking_settings,
            ranking::set_site_score,
            ranking::resolve_outlier,
            ranking::finalise_ranking,
            ranking::export_ranking,
            ranking::save_chart,
            ranking::export_publicity,
        ])
        .run(tauri::generate_context!())
        .expect("error while running ParkReview");
}
