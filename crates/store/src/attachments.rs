//! Attachments (证明材料): PDFs and images that support an application's conditions, copied
//! beside the database, addressed and verified by SHA-256.
//!
//! A file is written to a temporary name, synced and renamed before its row is committed, so a
//! crash leaves at worst an unreferenced file, never a row without its file.

use std::io::Write;
use std::path::{Path, PathBuf};

use park_review_domain::digest::sha256_hex;
use park_review_domain::ids::{ApplicationId, RoundId, Uid};
use park_review_domain::ErrorCode;
use rusqlite::params;
use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use crate::error::{Result, StoreError};
use crate::{Actor, Store};

/// The largest attachment accepted.
pub const MAX_ATTACHMENT_BYTES: u64 = 200 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Attachment {
    pub uid: Uid,
    pub clause: String,
    pub file_name: String,
    pub media_type: String,
    #[ts(type = "number")]
    pub size_bytes: u64,
    pub sha256: String,
    pub added_by: String,
    pub added_at: String,
}

/// Recognises a PDF, PNG or JPEG by its structure, not by its name: the signature at the start
/// *and* the end the format requires — `%%EOF` in a PDF's last kilobyte, a PNG's `IEND` chunk (each within the last kilobyte: some writers add bytes after),
/// a JPEG's end-of-image marker. `%PDF-` followed by an HTML page, or a PNG signature with
/// nothing after it, is none of them. (A photo is also decoded whole before it is kept as
/// evidence; a PDF's pages are read when it is shown.)
pub fn sniff_media_type(bytes: &[u8]) -> Option<&'static str> {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    let ends_with = |needle: &[u8]| tail.windows(needle.len()).any(|w| w == needle);
    if bytes.starts_with(b"%PDF-") && ends_with(b"%%EOF") {
        Some("application/pdf")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        && bytes.len() >= 8 + 25 + 12
        && ends_with(b"\0\0\0\0IEND")
    {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        && bytes.len() >= 4
        && tail.windows(2).any(|w| w == [0xFF, 0xD9])
    {
        Some("image/jpeg")
    } else {
        None
    }
}

fn invalid(code: ErrorCode, message: String) -> StoreError {
    StoreError::Attachment { code, message }
}

impl Store {
    /// Where attachment files live: `attachments/` beside the database.
    pub fn attachments_dir(&self) -> PathBuf {
        self.path()
            .parent()
            .unwrap_or(Path::new("."))
            .join("attachments")
    }

    fn attachment_path(&self, sha256: &str) -> PathBuf {
        self.attachments_dir().join(&sha256[..2]).join(sha256)
    }

    /// Checks a file given as evidence (size, and that it is a whole PDF, PNG or JPEG) and copies
    /// it in under its SHA-256, before any row names it: `(sha256, media type)`. A file already
    /// there is not written again.
    pub(crate) fn store_attachment_file(
        &self,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<(String, &'static str)> {
        if bytes.is_empty() || bytes.len() as u64 > MAX_ATTACHMENT_BYTES {
            return Err(invalid(
                ErrorCode::OutOfRange,
                format!(
                    "文件“{file_name}”大小为 {} 字节：附件须为 1 字节至 200 MB。",
                    bytes.len()
                ),
            ));
        }
        let media_type = sniff_media_type(bytes).ok_or_else(|| {
            invalid(
                ErrorCode::ImportMalformed,
                format!("文件“{file_name}”不是完整的 PDF、PNG 或 JPEG 文件（开头或结尾不符合格式，可能已损坏或被截断），不能作为证明材料。"),
            )
        })?;
        let sha256 = sha256_hex(bytes);
        let path = self.attachment_path(&sha256);
        if !path.exists() {
            write_atomically(&path, bytes).map_err(|e| {
                invalid(
                    ErrorCode::Io,
                    format!("无法保存附件“{file_name}”：{e}。已保存的数据不受影响。"),
                )
            })?;
        }
        Ok((sha256, media_type))
    }

    /// Copies a file in and lists it under one application's clause.
    pub fn add_attachment(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        application: &str,
        clause: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<Attachment> {
        self.permits(actor)?;
        let application = self.find_application(round_id, application)?.id;
        let clause = match park_review_domain::Clause::parse(&clause.trim().to_ascii_uppercase()) {
            Some(c) if park_review_domain::Clause::ATTACHABLE.contains(&c) => c.as_str(),
            _ => {
                return Err(invalid(
                    ErrorCode::OutOfRange,
                    format!(
                        "“{}”不是可挂接材料的条款：应为 C1–C7、P3（市级推荐函）或 P4（申报材料）。",
                        clause.trim().to_ascii_uppercase()
                    ),
                ))
            }
        };
        let (sha256, media_type) = self.store_attachment_file(file_name, bytes)?;
        let file_name = file_name.to_owned();
        self.write(actor, |tx| {
            let uid = tx.new_uid();
            let now = tx.now();
            tx.tx
                .execute(
                    "INSERT INTO attachments (uid, application_id, clause, file_name, media_type, size_bytes,
                                              sha256, added_by, added_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    params![uid, application.0, clause, file_name, media_type, bytes.len() as i64, sha256, actor.name, now],
                )
                .map_err(|e| match e.sqlite_error_code() {
                    Some(rusqlite::ErrorCode::ConstraintViolation) => invalid(
                        ErrorCode::DuplicateCode,
                        format!("同一文件已挂接在 {clause} 下，无需重复添加。"),
                    ),
                    _ => e.into(),
                })?;
            let app_uid = tx.application_uid(application)?;
            tx.audit(
                "attachment.add",
                "application",
                &app_uid,
                json!({"clause": clause, "file_name": file_name, "sha256": sha256}),
            )?;
            Ok(Attachment {
                uid: Uid(uid),
                clause: clause.to_owned(),
                file_name: file_name.clone(),
                media_type: media_type.to_owned(),
                size_bytes: bytes.len() as u64,
                sha256: sha256.clone(),
                added_by: actor.name.clone(),
                added_at: now,
            })
        })
    }

    /// An application's attachments, by clause then time added.
    pub fn list_attachments(
        &self,
        round_id: RoundId,
        application: &str,
    ) -> Result<Vec<Attachment>> {
        self.require_secretariat_copy()?;
        self.attachments_of(self.find_application(round_id, application)?.id)
    }

    /// The attachments of an application already found.
    pub(crate) fn attachments_of(&self, application: ApplicationId) -> Result<Vec<Attachment>> {
        let mut stmt = self.conn().prepare(
            "SELECT uid, clause, file_name, media_type, size_bytes, sha256, added_by, added_at
             FROM attachments WHERE application_id = ?1 ORDER BY clause, id",
        )?;
        let rows = stmt.query_map([application.0], |r| {
            Ok(Attachment {
                uid: Uid(r.get(0)?),
                clause: r.get(1)?,
                file_name: r.get(2)?,
                media_type: r.get(3)?,
                size_bytes: r.get::<_, i64>(4)? as u64,
                sha256: r.get(5)?,
                added_by: r.get(6)?,
                added_at: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Reads an attachment's bytes, verifying them against the SHA-256 recorded when it was
    /// added: a file changed or removed behind our back is reported, never shown as genuine.
    /// The secretariat's read, with no pledge asked: refused on an expert's copy, where materials
    /// are read only through the expert's gate ([`Store::read_expert_attachment`]).
    pub fn read_attachment(&self, uid: &str) -> Result<(Attachment, Vec<u8>)> {
        self.require_secretariat_copy()?;
        self.read_attachment_bytes(uid)
    }

    pub(crate) fn read_attachment_bytes(&self, uid: &str) -> Result<(Attachment, Vec<u8>)> {
        let found = self
            .conn()
            .query_row(
                "SELECT application_id FROM attachments WHERE uid = ?1",
                [uid],
                |r| r.get::<_, i64>(0),
            )
            .map_err(|_| StoreError::NotFound {
                what: "附件",
                key: uid.to_owned(),
                hint: String::new(),
            })?;
        let attachment = self
            .attachments_of(ApplicationId(found))?
            .into_iter()
            .find(|a| a.uid.0 == uid)
            .ok_or_else(|| StoreError::NotFound {
                what: "附件",
                key: uid.to_owned(),
                hint: String::new(),
            })?;
        let bytes = std::fs::read(self.attachment_path(&attachment.sha256)).map_err(|e| {
            invalid(
                ErrorCode::AttachmentTampered,
                format!(
                    "附件“{}”的文件已丢失（{e}）。请重新挂接该材料。",
                    attachment.file_name
                ),
            )
        })?;
        if sha256_hex(&bytes) != attachment.sha256 {
            return Err(invalid(
                ErrorCode::AttachmentTampered,
                format!(
                    "附件“{}”的内容与挂接时的 SHA-256 不一致，文件可能被改动过。请重新挂接原件。",
                    attachment.file_name
                ),
            ));
        }
        Ok((attachment, bytes))
    }
}

/// Writes a whole file: temporary name, sync, rename. A crash or a full disk never leaves half a
/// file under the final name.
/// Writes a file whole or not at all (a temporary file, synced, then renamed over the name), for
/// its owner only: the file 0600 and any folder it creates 0700, since exports, attachments and
/// signed sheets hold scores and names. Every file the product writes goes through here.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.part"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&temp).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&temp, path)) {
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    sync_dir(dir)
}

/// Makes a rename in `dir` durable: the directory's entry is on disk, not only the file's
/// bytes (after a power cut the file would otherwise be missing although its row committed).
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

impl Store {
    /// Saves a document the app produced (a PDF report …) in `exports/` beside the database and
    /// returns its path. The name gets a number if it is taken, so nothing is overwritten.
    pub fn save_export(&self, file_name: &str, bytes: &[u8]) -> Result<PathBuf> {
        let dir = self
            .path()
            .parent()
            .unwrap_or(Path::new("."))
            .join("exports");
        let (stem, extension) = file_name.rsplit_once('.').unwrap_or((file_name, ""));
        let mut path = dir.join(file_name);
        let mut n = 2;
        while path.exists() {
            path = dir.join(format!("{stem}-{n}.{extension}"));
            n += 1;
        }
        write_atomically(&path, bytes).map_err(|e| {
            invalid(
                ErrorCode::Io,
                format!("无法保存文件 {}：{e}", path.display()),
            )
        })?;
        Ok(path)
    }
}
