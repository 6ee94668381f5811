//! Backups (备份) and restore. A backup folder (a USB stick, another disk) holds:
//!
//! ```text
//! DIR/snapshots/park-review-20261130-091200.sqlite3   a consistent copy (VACUUM INTO)
//! DIR/snapshots/park-review-20261130-091200.json      its manifest (park-review/backup@1)
//! DIR/files/ab/ab12…                                 attachments and evidence, by SHA-256, once
//! ```
//!
//! Snapshots are rotated: the newest 10, and the newest of each of the last 30 days, are kept.
//! Restoring checks the snapshot first — SQLite's integrity check and the audit chain — and
//! refuses to replace a database that holds more than the snapshot (more audit entries, or a
//! different history) unless forced; the replaced database is kept beside it, never deleted.
//! docs/formats/backup.md is the layout.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate};
use park_review_domain::digest::sha256_hex;
use park_review_domain::ErrorCode;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use crate::attachments::sync_dir;
use crate::error::{Result, StoreError};
use crate::Store;

pub const BACKUP_FORMAT: &str = "park-review/backup@1";
/// How many of the newest snapshots are always kept.
pub const KEEP_NEWEST: usize = 10;
/// For how many days the newest snapshot of each day is kept.
pub const KEEP_DAILY_DAYS: i64 = 30;

/// A snapshot's manifest: what it holds, to compare before restoring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupManifest {
    pub format: String,
    /// The snapshot's file name in `snapshots/`.
    pub snapshot: String,
    pub made_at: String,
    /// The database it was made from.
    pub database: String,
    pub schema_version: i64,
    pub audit_entries: i64,
    pub audit_head_id: i64,
    pub audit_head_sha256: String,
    /// SHA-256 of the snapshot file.
    pub sha256: String,
    pub bytes: u64,
    /// Attachment and evidence files the database refers to (all present in `files/`).
    pub files: usize,
}

/// What one backup did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupMade {
    pub manifest: BackupManifest,
    pub path: PathBuf,
    /// Files copied into `files/` this time (the others were there already).
    pub files_copied: usize,
    /// Snapshots removed by the rotation.
    pub removed: Vec<String>,
}

fn io(what: &str, path: &Path, e: std::io::Error) -> StoreError {
    let code = if e.raw_os_error() == Some(28) {
        // ENOSPC
        return StoreError::Rule {
            code: ErrorCode::Io,
            message: format!(
                "{what} {} 失败：磁盘已满。请换一个有足够空间的位置（数据库本身未受影响）。",
                path.display()
            ),
        };
    } else {
        ErrorCode::Io
    };
    StoreError::Rule {
        code,
        message: format!("{what} {} 失败：{e}。数据库本身未受影响。", path.display()),
    }
}

fn create_dir(path: &Path) -> Result<()> {
    std::fs::create_dir_all(path).map_err(|e| io("创建文件夹", path, e))
}

fn stamp(now: DateTime<FixedOffset>) -> String {
    now.format("%Y%m%d-%H%M%S").to_string()
}

impl Store {
    /// Makes a backup into `dir`: a consistent snapshot of the database, its manifest, every
    /// attachment and evidence file not yet there, then the rotation. Readers and writers of
    /// this database are not stopped (VACUUM INTO reads one consistent state).
    pub fn backup(&self, dir: &Path) -> Result<BackupMade> {
        let snapshots = dir.join("snapshots");
        let files_dir = dir.join("files");
        create_dir(&snapshots)?;
        create_dir(&files_dir)?;
        let now = self.now();
        let mut name = format!("park-review-{}.sqlite3", stamp(now));
        let mut n = 2;
        while snapshots.join(&name).exists() {
            name = format!("park-review-{}-{n}.sqlite3", stamp(now));
            n += 1;
        }
        let target = snapshots.join(&name);
        let part = snapshots.join(format!(".{name}.part"));
        let _ = std::fs::remove_file(&part);
        let made = (|| -> Result<BackupMade> {
            self.conn()
                .execute("VACUUM INTO ?1", [part.to_string_lossy()])?;
            std::fs::File::open(&part)
                .and_then(|f| f.sync_all())
                .map_err(|e| io("写入备份", &part, e))?;
            let bytes = std::fs::read(&part).map_err(|e| io("读取备份", &part, e))?;
            let check = self.verify_audit()?;
            let files = self.referenced_files()?;
            let mut files_copied = 0;
            for sha in &files {
                let to = files_dir.join(&sha[..2]).join(sha);
                if to.exists() {
                    continue;
                }
                let from = self.attachments_dir().join(&sha[..2]).join(sha);
                let body = std::fs::read(&from).map_err(|e| io("读取附件", &from, e))?;
                crate::write_atomically(&to, &body).map_err(|e| io("复制附件到", &to, e))?;
                files_copied += 1;
            }
            let manifest = BackupManifest {
                format: BACKUP_FORMAT.into(),
                snapshot: name.clone(),
                made_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
                database: self.path().display().to_string(),
                schema_version: crate::migrate::schema_version(self.conn())?,
                audit_entries: check.entries,
                audit_head_id: check.head_id,
                audit_head_sha256: check.head_sha256,
                sha256: sha256_hex(&bytes),
                bytes: bytes.len() as u64,
                files: files.len(),
            };
            std::fs::rename(&part, &target).map_err(|e| io("写入备份", &target, e))?;
            let manifest_text = serde_json::to_vec_pretty(&manifest)
                .map_err(|e| StoreError::Internal(e.to_string()))?;
            crate::write_atomically(&snapshots.join(manifest_name(&name)), &manifest_text)
                .map_err(|e| io("写入备份清单", &snapshots, e))?;
            sync_dir(&snapshots).map_err(|e| io("写入备份", &snapshots, e))?;
            let removed = rotate(&snapshots)?;
            Ok(BackupMade {
                manifest,
                path: target.clone(),
                files_copied,
                removed,
            })
        })();
        if made.is_err() {
            let _ = std::fs::remove_file(&part);
        }
        made
    }

    /// The SHA-256 of every attachment and evidence file the database refers to.
    fn referenced_files(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn().prepare(
            "SELECT sha256 FROM attachments
             UNION SELECT sha256 FROM inspection_evidence",
        )?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let all: Vec<String> = rows.collect::<rusqlite::Result<_>>()?;
        Ok(all
            .into_iter()
            .filter(|sha| sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()))
            .filter(|sha| self.attachments_dir().join(&sha[..2]).join(sha).exists())
            .collect())
    }
}

/// The order of snapshots: by their time stamp, then by the number a second one within the same
/// second gets (`…-091200-2.sqlite3` is newer than `…-091200.sqlite3`).
fn snapshot_order(name: &str) -> (String, u32) {
    let stem = name
        .trim_start_matches("park-review-")
        .trim_end_matches(".sqlite3");
    let stamp: String = stem.chars().take(15).collect();
    let n = stem.get(16..).and_then(|n| n.parse().ok()).unwrap_or(1);
    (stamp, n)
}

fn manifest_name(snapshot: &str) -> String {
    format!("{}.json", snapshot.trim_end_matches(".sqlite3"))
}

/// Every snapshot of a backup folder with its manifest, newest first.
pub fn list_backups(dir: &Path) -> Result<Vec<BackupManifest>> {
    let snapshots = dir.join("snapshots");
    let entries = match std::fs::read_dir(&snapshots) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io("读取备份文件夹", &snapshots, e)),
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !(name.starts_with("park-review-") && name.ends_with(".json")) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        if let Ok(manifest) = serde_json::from_str::<BackupManifest>(&text) {
            if manifest.format == BACKUP_FORMAT && snapshots.join(&manifest.snapshot).exists() {
                found.push(manifest);
            }
        }
    }
    found.sort_by_key(|m| std::cmp::Reverse(snapshot_order(&m.snapshot)));
    Ok(found)
}

/// Which of `names` (snapshot files, any order) the rotation keeps: the newest
/// [`KEEP_NEWEST`], and the newest of each day within [`KEEP_DAILY_DAYS`] of the newest.
pub fn kept_by_rotation(names: &[String]) -> Vec<String> {
    let mut sorted: Vec<&String> = names.iter().collect();
    sorted.sort_by_key(|n| std::cmp::Reverse(snapshot_order(n)));
    let day = |name: &str| -> Option<NaiveDate> {
        NaiveDate::parse_from_str(name.get(12..20)?, "%Y%m%d").ok()
    };
    let newest_day = sorted.first().and_then(|n| day(n));
    let mut kept: Vec<String> = sorted
        .iter()
        .take(KEEP_NEWEST)
        .map(|n| (*n).clone())
        .collect();
    let mut days_seen = std::collections::HashSet::new();
    for name in &sorted {
        let (Some(d), Some(newest)) = (day(name), newest_day) else {
            continue;
        };
        if (newest - d).num_days() < KEEP_DAILY_DAYS && days_seen.insert(d) && !kept.contains(name)
        {
            kept.push((*name).clone());
        }
    }
    kept
}

fn rotate(snapshots: &Path) -> Result<Vec<String>> {
    let names: Vec<String> = std::fs::read_dir(snapshots)
        .map_err(|e| io("读取备份文件夹", snapshots, e))?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("park-review-") && n.ends_with(".sqlite3"))
        .collect();
    let kept = kept_by_rotation(&names);
    let mut removed = Vec::new();
    for name in names.into_iter().filter(|n| !kept.contains(n)) {
        let _ = std::fs::remove_file(snapshots.join(&name));
        let _ = std::fs::remove_file(snapshots.join(manifest_name(&name)));
        removed.push(name);
    }
    Ok(removed)
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Restored {
    pub manifest: BackupManifest,
    /// Where the database that was replaced now is (None if there was none).
    pub previous_saved_as: Option<PathBuf>,
    pub files_restored: usize,
}

/// Restores the snapshot `name` (the newest if None) of backup folder `dir` to `db`. The
/// snapshot is checked first (its SHA-256 against the manifest, SQLite's integrity check, the
/// audit chain); a database at `db` that holds more than the snapshot is replaced only with
/// `force`, and is then kept beside it (`….before-restore-STAMP`). No other program may have
/// `db` open.
pub fn restore(
    db: &Path,
    dir: &Path,
    name: Option<&str>,
    force: bool,
    now: DateTime<FixedOffset>,
) -> Result<Restored> {
    let backups = list_backups(dir)?;
    let manifest = match name {
        Some(name) => backups
            .into_iter()
            .find(|m| m.snapshot == name || m.snapshot.trim_end_matches(".sqlite3") == name),
        None => backups.into_iter().next(),
    }
    .ok_or_else(|| StoreError::NotFound {
        what: "备份",
        key: name.unwrap_or("（最新）").to_owned(),
        hint: format!(
            "文件夹 {} 中没有可用的备份。请确认选择的是备份文件夹（其中有 snapshots/）。",
            dir.display()
        ),
    })?;
    let snapshot = dir.join("snapshots").join(&manifest.snapshot);
    let bytes = std::fs::read(&snapshot).map_err(|e| io("读取备份", &snapshot, e))?;
    let refuse = |message: String| StoreError::Rule {
        code: ErrorCode::AuditChainBroken,
        message,
    };
    if sha256_hex(&bytes) != manifest.sha256 {
        return Err(refuse(format!(
            "备份 {} 的内容与它的清单不符（文件已损坏或被改动），未恢复，当前数据库未做任何改动。",
            manifest.snapshot
        )));
    }
    // Checked on a copy beside the database, which then becomes the database by a rename.
    let parent = db
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let staging = parent.join(format!(
        ".{}.restoring",
        db.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    ));
    let cleanup = |p: &Path| {
        for suffix in ["", "-wal", "-shm"] {
            let mut s = p.as_os_str().to_owned();
            s.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(s));
        }
    };
    cleanup(&staging);
    crate::write_atomically(&staging, &bytes).map_err(|e| io("写入", &staging, e))?;
    let checked = (|| -> Result<()> {
        let store = Store::open(&staging)?;
        let ok: String = store
            .conn()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if ok != "ok" {
            return Err(refuse(format!(
                "备份 {} 未通过 SQLite 完整性检查（{ok}），未恢复，当前数据库未做任何改动。",
                manifest.snapshot
            )));
        }
        if let Some(b) = store.verify_audit()?.broken {
            return Err(refuse(format!(
                "备份 {} 的审计记录在第 {} 条断开（{}），未恢复，当前数据库未做任何改动。",
                manifest.snapshot, b.id, b.reason
            )));
        }
        store
            .conn()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
        Ok(())
    })();
    if let Err(e) = checked {
        cleanup(&staging);
        return Err(e);
    }
    // Is the current database newer than the snapshot?
    if db.exists() && !force {
        let newer = (|| -> Result<Option<String>> {
            let current = Store::open(db)?;
            let head = current.verify_audit()?;
            if head.head_id > manifest.audit_head_id {
                return Ok(Some(format!(
                    "当前数据库有 {} 条审计记录，比备份（{} 条，{}）多",
                    head.head_id, manifest.audit_head_id, manifest.made_at
                )));
            }
            match current.audit_entry(manifest.audit_head_id)? {
                Some(e) if e.sha256 == manifest.audit_head_sha256 => Ok(None),
                _ if manifest.audit_head_id == 0 => Ok(None),
                _ => Ok(Some(
                    "当前数据库与备份的操作历史不同（不是同一个数据库的备份）".into(),
                )),
            }
        })();
        match newer {
            Ok(None) => {}
            Ok(Some(why)) => {
                cleanup(&staging);
                return Err(StoreError::Rule {
                    code: ErrorCode::InvalidTransition,
                    message: format!(
                        "{why}：恢复会丢失之后的工作，已拒绝，当前数据库未做任何改动。确需恢复，请选择“仍然恢复”（命令行加 --force）；当前数据库会另存，不会删除。"
                    ),
                });
            }
            // A current file that cannot be opened (damaged, not ours) is what a restore is
            // for; it is kept aside below all the same.
            Err(_) => {}
        }
    }
    let previous_saved_as = if db.exists() {
        let aside = parent.join(format!(
            "{}.before-restore-{}",
            db.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
            stamp(now)
        ));
        for suffix in ["", "-wal", "-shm"] {
            let mut from = db.as_os_str().to_owned();
            from.push(suffix);
            let mut to = aside.as_os_str().to_owned();
            to.push(suffix);
            if Path::new(&from).exists() {
                std::fs::rename(&from, &to).map_err(|e| io("另存当前数据库", &aside, e))?;
            }
        }
        Some(aside)
    } else {
        None
    };
    for suffix in ["-wal", "-shm"] {
        let mut s = staging.as_os_str().to_owned();
        s.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(s));
    }
    std::fs::rename(&staging, db).map_err(|e| io("恢复数据库到", db, e))?;
    sync_dir(parent).map_err(|e| io("恢复数据库到", db, e))?;
    // Attachments and evidence the snapshot refers to, from files/, checked by their hash.
    let store = Store::open(db)?;
    let mut files_restored = 0;
    for sha in store.all_file_hashes()? {
        let to = store.attachments_dir().join(&sha[..2]).join(&sha);
        if to.exists() {
            continue;
        }
        let from = dir.join("files").join(&sha[..2]).join(&sha);
        if let Ok(body) = std::fs::read(&from) {
            if sha256_hex(&body) == sha {
                crate::write_atomically(&to, &body).map_err(|e| io("恢复附件", &to, e))?;
                files_restored += 1;
            }
        }
    }
    Ok(Restored {
        manifest,
        previous_saved_as,
        files_restored,
    })
}

/// The setting that names the automatic backups' folder.
const BACKUP_FOLDER: &str = "backup.folder";

impl Store {
    /// The folder automatic backups go to, if one was chosen.
    pub fn backup_folder(&self) -> Result<Option<PathBuf>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                [BACKUP_FOLDER],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .filter(|v| !v.is_empty())
            .map(PathBuf::from))
    }

    /// Chooses (or, with None, clears) the folder of automatic backups; the folder is created
    /// and must be writable.
    pub fn set_backup_folder(&mut self, actor: &crate::Actor, folder: Option<&Path>) -> Result<()> {
        self.permits(actor)?;
        if let Some(folder) = folder {
            create_dir(&folder.join("snapshots"))?;
            let probe = folder.join("snapshots").join(".write-test");
            std::fs::write(&probe, b"ok").map_err(|e| io("写入备份文件夹", folder, e))?;
            let _ = std::fs::remove_file(&probe);
        }
        let value = folder.map(|f| f.display().to_string()).unwrap_or_default();
        let before = self.backup_folder()?.map(|f| f.display().to_string());
        self.write(actor, |tx| {
            tx.tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                rusqlite::params![BACKUP_FOLDER, value],
            )?;
            tx.audit_change(
                "settings.backup_folder",
                "database",
                BACKUP_FOLDER,
                serde_json::json!({}),
                serde_json::json!({"folder": before}),
                serde_json::json!({"folder": (!value.is_empty()).then_some(&value)}),
            )
        })
    }

    /// Every file hash the database names (present here or not).
    fn all_file_hashes(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn().prepare(
            "SELECT sha256 FROM attachments
             UNION SELECT sha256 FROM inspection_evidence",
        )?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let all: Vec<String> = rows.collect::<rusqlite::Result<_>>()?;
        Ok(all
            .into_iter()
            .filter(|sha| sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()))
            .collect())
    }
}
