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

/// Writes a whole file through a temporary file and a rename, so that a crash or a full disk
/// never leaves a half-written file under the name the user asked for.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), CodedError> {
    let fail = |e: std::io::Error| {
        CodedError::new(
            ErrorCode::Io,
            format!("无法写入文件 {}：{e}", path.display()),
        )
    };
    // A folder the user named must exist: a typo is reported, not created.
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    if parent.is_some_and(|p| !p.is_dir()) {
        return Err(fail(std::io::Error::from(std::io::ErrorKind::NotFound)));
    }
    park_review_store::write_atomically(path, bytes).map_err(fail)
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
