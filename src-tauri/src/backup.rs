//! Backups in the app: the folder chosen once (a USB stick), a backup when the app opens and
//! every few minutes while changes happen (on a thread of its own), one on demand, and restore —
//! which closes the database, restores it (checked first, the replaced one kept aside) and
//! opens it again.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use park_review_domain::CodedError;
use park_review_store::{list_backups, BackupManifest, Store};
use serde::Serialize;
use tauri::{AppHandle, State};
use ts_rs::TS;

use crate::commands::{app_actor, with_store, write_store, Entity};
use crate::AppState;

/// How often the automatic backup looks for changes (`PARK_REVIEW_BACKUP_SECONDS` overrides it,
/// for tests).
const DEFAULT_INTERVAL: Duration = Duration::from_secs(5 * 60);

/// One snapshot of the backup folder.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BackupInfo {
    pub snapshot: String,
    pub made_at: String,
    #[ts(type = "number")]
    pub audit_entries: i64,
    #[ts(type = "number")]
    pub bytes: u64,
    pub files: usize,
}

impl From<BackupManifest> for BackupInfo {
    fn from(m: BackupManifest) -> Self {
        BackupInfo {
            snapshot: m.snapshot,
            made_at: m.made_at,
            audit_entries: m.audit_entries,
            bytes: m.bytes,
            files: m.files,
        }
    }
}

/// The backup folder and what it holds, newest first.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BackupState {
    pub folder: Option<String>,
    pub backups: Vec<BackupInfo>,
    /// Minutes between the automatic checks for changes.
    pub interval_minutes: f64,
}

fn interval() -> Duration {
    std::env::var("PARK_REVIEW_BACKUP_SECONDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .map_or(DEFAULT_INTERVAL, Duration::from_secs)
}

fn state_of(store: &Store) -> Result<BackupState, CodedError> {
    let folder = store.backup_folder()?;
    let backups = match &folder {
        Some(folder) => list_backups(folder)?
            .into_iter()
            .map(BackupInfo::from)
            .collect(),
        None => Vec::new(),
    };
    Ok(BackupState {
        folder: folder.map(|f| f.display().to_string()),
        backups,
        interval_minutes: interval().as_secs_f64() / 60.0,
    })
}

#[tauri::command]
pub async fn backup_state(state: State<'_, AppState>) -> Result<BackupState, CodedError> {
    with_store(&state, |store| state_of(store)).await
}

/// Chooses the folder (created if need be, checked writable) and makes the first backup there.
#[tauri::command]
pub async fn set_backup_folder(
    app: AppHandle,
    state: State<'_, AppState>,
    folder: String,
) -> Result<BackupState, CodedError> {
    write_store(&app, &state, Entity::Round, move |store| {
        let folder = folder.trim();
        if folder.is_empty() {
            store.set_backup_folder(&app_actor(), None)?;
        } else {
            store.set_backup_folder(&app_actor(), Some(Path::new(folder)))?;
            store.backup(Path::new(folder))?;
        }
        state_of(store)
    })
    .await
}

#[tauri::command]
pub async fn backup_now(state: State<'_, AppState>) -> Result<BackupState, CodedError> {
    with_store(&state, |store| {
        let folder = store.backup_folder()?.ok_or_else(|| {
            CodedError::new(
                park_review_domain::ErrorCode::NotFound,
                "还没有选择备份文件夹：请先在“数据备份”中选择一个文件夹（例如 U 盘）。",
            )
        })?;
        store.backup(&folder)?;
        state_of(store)
    })
    .await
}

/// Restores a snapshot of the backup folder: the store is closed, the snapshot checked and put
/// in place (the replaced database kept beside it), the store opened again — on the restored
/// database if it succeeded, on the old one if not.
#[tauri::command]
pub async fn restore_backup(
    state: State<'_, AppState>,
    snapshot: String,
    force: bool,
) -> Result<String, CodedError> {
    let db_path = state.db_path.clone();
    let store = state.store()?;
    tauri::async_runtime::spawn_blocking(move || -> Result<String, CodedError> {
        let mut guard = store.lock().unwrap_or_else(|poisoned| {
            store.clear_poison();
            poisoned.into_inner()
        });
        let folder = guard.backup_folder()?.ok_or_else(|| {
            CodedError::new(
                park_review_domain::ErrorCode::NotFound,
                "还没有选择备份文件夹。",
            )
        })?;
        // A placeholder holds the lock's place while the real database is closed.
        let placeholder_path = std::env::temp_dir().join(format!(
            "park-review-placeholder-{}.sqlite3",
            std::process::id()
        ));
        let placeholder = Store::open(&placeholder_path)?;
        drop(std::mem::replace(&mut *guard, placeholder));
        let restored = park_review_store::restore(
            &db_path,
            &folder,
            Some(&snapshot),
            force,
            park_review_store::local_now(),
        );
        let reopened = Store::open(&db_path);
        match reopened {
            Ok(store) => *guard = store,
            Err(e) => return Err(e.into()),
        }
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", placeholder_path.display()));
        }
        let restored = restored?;
        Ok(match restored.previous_saved_as {
            Some(previous) => format!(
                "已从备份 {} 恢复；原来的数据库另存为 {}。",
                restored.manifest.snapshot,
                previous.display()
            ),
            None => format!("已从备份 {} 恢复。", restored.manifest.snapshot),
        })
    })
    .await
    .map_err(CodedError::internal)?
}

/// The automatic backups: when the app opens, then whenever the audit log has grown since the
/// last backup, checked every [`interval`]. A failure (the USB stick removed) is retried at the
/// next check; it never stops the app.
pub fn start_automatic(store: Arc<Mutex<Store>>) {
    std::thread::spawn(move || {
        let mut last_head: Option<(PathBuf, String)> = None;
        loop {
            if let Ok(store) = store.lock() {
                if let Ok(Some(folder)) = store.backup_folder() {
                    let head = store.audit_head().map(|(_, sha)| sha).unwrap_or_default();
                    let changed = last_head.as_ref() != Some(&(folder.clone(), head.clone()));
                    if changed && store.backup(&folder).is_ok() {
                        last_head = Some((folder, head));
                    }
                }
            }
            std::thread::sleep(interval());
        }
    });
}
