//! Files on disk: reading one the user named, and writing one where `--out` says.

use std::path::Path;

use park_review_domain::{CodedError, ErrorCode};

/// The bytes of a file the user named, with its name (operations decide by the name whether a
/// file is Excel or JSON).
pub fn read(path: &Path) -> Result<(String, Vec<u8>), CodedError> {
    let bytes = std::fs::read(path).map_err(|e| {
        CodedError::new(
            ErrorCode::Io,
            format!("无法读取文件 {}：{e}", path.display()),
        )
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok((name, bytes))
}

/// The name a path gives an output file, for operations that choose a format by it.
pub fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Refuses an output path before an action records anything (a signed sheet, a package, an
/// archive): its folder must exist and it must hold no file yet, unless the user said
/// `--overwrite`. So a refused output never leaves behind a record without its file.
pub fn check_out(path: &Path, overwrite: bool) -> Result<(), CodedError> {
    check_folder(path)?;
    if path.is_dir() {
        return Err(is_a_folder(path));
    }
    if !overwrite && path.exists() {
        return Err(CodedError::new(
            ErrorCode::OutputExists,
            format!(
                "文件 {} 已存在，未覆盖，也未生成或签发任何内容。请换一个文件名，或加 --overwrite 覆盖它。",
                path.display()
            ),
        ));
    }
    Ok(())
}

/// Writes a whole file through a temporary file and a rename, so that a crash or a full disk
/// never leaves a half-written file under the name the user asked for. An existing file is
/// never replaced by other contents unless `overwrite` (the user's `--overwrite`): the same
/// contents again (exporting an unchanged list twice) is not a change and is accepted.
pub fn write(path: &Path, bytes: &[u8], overwrite: bool) -> Result<(), CodedError> {
    check_folder(path)?;
    if path.is_dir() {
        return Err(is_a_folder(path));
    }
    if !overwrite && path.exists() {
        if holds_exactly(path, bytes) {
            return Ok(());
        }
        return Err(CodedError::new(
            ErrorCode::OutputExists,
            format!(
                "文件 {} 已存在且内容不同，未覆盖。请换一个文件名或文件夹，或加 --overwrite 覆盖它。",
                path.display()
            ),
        ));
    }
    park_review_store::write_atomically(path, bytes).map_err(|e| write_failed(path, &e))
}

/// Replaces a file the user named as both input and output (a record each member countersigns
/// in turn: the new file keeps the old one as its earlier revision).
pub fn replace(path: &Path, bytes: &[u8]) -> Result<(), CodedError> {
    park_review_store::write_atomically(path, bytes).map_err(|e| write_failed(path, &e))
}

fn write_failed(path: &Path, e: &std::io::Error) -> CodedError {
    CodedError::new(
        ErrorCode::Io,
        format!("无法写入文件 {}：{e}", path.display()),
    )
}

/// A folder the user named must exist: a typo is reported, not created.
fn check_folder(path: &Path) -> Result<(), CodedError> {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    if parent.is_some_and(|p| !p.is_dir()) {
        return Err(write_failed(
            path,
            &std::io::Error::from(std::io::ErrorKind::NotFound),
        ));
    }
    Ok(())
}

fn is_a_folder(path: &Path) -> CodedError {
    CodedError::new(
        ErrorCode::OutputExists,
        format!(
            "{} 是一个文件夹，不能作为输出文件。请给出文件名。",
            path.display()
        ),
    )
}

/// Whether the file at `path` holds exactly `bytes` (its size is compared first).
fn holds_exactly(path: &Path, bytes: &[u8]) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.len() == bytes.len() as u64)
        && std::fs::read(path).is_ok_and(|existing| existing == bytes)
}

/// Creates the folder a batch writes into.
pub fn create_dir(path: &Path) -> Result<(), CodedError> {
    std::fs::create_dir_all(path).map_err(|e| {
        CodedError::new(
            ErrorCode::Io,
            format!("无法创建文件夹 {}：{e}", path.display()),
        )
    })
}
