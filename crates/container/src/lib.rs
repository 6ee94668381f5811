//! The signed container (签名封装) that carries a review package out to an expert's laptop and a
//! score bundle back (and, later, inspection packages and records): a ZIP holding
//!
//! * `manifest.json` — what the container is (`format`, e.g. `park-review/bundle@1`), its uid,
//!   when it was made, the SHA-256 of the signer's certificate, a header the format defines
//!   (round, expert, sequence …) and every member with its SHA-256 and size;
//! * `members/…` — the members themselves;
//! * `manifest.p7s` — a detached CMS signature (ECDSA P-256, SHA-256) over the manifest's exact
//!   bytes, with the signer's certificate.
//!
//! The signature covers the manifest, the manifest covers every member by hash, so one check
//! covers everything; anyone can repeat it with OpenSSL and `sha256sum` (docs/formats/container.md).
//!
//! Opening a file from outside is done as an attacker would be expected: sizes are bounded before
//! anything is inflated (a ZIP bomb stops at the limit), names are checked (no `..`, no absolute
//! path, no duplicates, nothing outside `members/`), every member must be listed and every listed
//! member present with its hash, and the signature must verify. Whose signature is acceptable
//! (the pinned secretariat, the registered expert) is the caller's decision.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};

use park_review_domain::digest::sha256_hex;
use park_review_domain::{Coded, ErrorCode};
use park_review_signing::detached::{sign_detached, verify_detached, DetachedSigner};
use serde::{Deserialize, Serialize};

/// The manifest's name inside the ZIP.
pub const MANIFEST: &str = "manifest.json";
/// The signature's name inside the ZIP.
pub const SIGNATURE: &str = "manifest.p7s";
/// The folder the members live in.
pub const MEMBERS: &str = "members/";

/// What a container says about itself, signed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The container's format, e.g. `park-review/package@1`.
    pub format: String,
    /// This container's uid (a replayed container has the same one).
    pub uid: String,
    /// When it was made: RFC 3339 local time with its offset.
    pub created_at: String,
    /// The SHA-256 (hex) of the signer's certificate.
    pub signer_sha256: String,
    /// What the format adds (round, expert, sequence …).
    pub header: serde_json::Value,
    /// Every member, in order.
    pub members: Vec<MemberEntry>,
}

/// One member as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberEntry {
    /// The name under `members/`, e.g. `scores.json` or `sheets/2026-GZ-01.pdf`.
    pub name: String,
    pub sha256: String,
    pub size: u64,
}

/// How much a container may hold before it is refused unread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The container file itself.
    pub max_file_bytes: u64,
    pub max_members: usize,
    /// One member, unpacked.
    pub max_member_bytes: u64,
    /// Every member together, unpacked.
    pub max_total_bytes: u64,
}

impl Limits {
    /// 1 GiB file, 100,000 members, 256 MiB per member and 1 GiB unpacked in all: a round's
    /// scores and signed sheets fit many times over; a scanned attachment of up to 256 MiB fits.
    pub const DEFAULT: Limits = Limits {
        max_file_bytes: 1 << 30,
        max_members: 100_000,
        max_member_bytes: 256 << 20,
        max_total_bytes: 1 << 30,
    };
}

/// Why a container was refused. Nothing is ever written while opening one.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ContainerError {
    #[error("文件不是完整的 ZIP 封装（可能被截断、损坏或根本不是本系统导出的文件）：{0}")]
    NotArchive(String),
    #[error("封装中的文件名“{0}”不安全（含 ..、绝对路径、反斜杠或不在 members/ 下），已拒绝。")]
    UnsafeName(String),
    #[error("封装中的文件“{0}”出现了不止一次，已拒绝。")]
    Duplicate(String),
    #[error("封装过大：{what}超过上限 {limit} 字节，已拒绝，未解压其余内容。")]
    TooLarge { what: String, limit: u64 },
    #[error("封装缺少 {0}。")]
    Missing(String),
    #[error("这不是{expected}文件（文件自称 {found}）。")]
    WrongFormat { expected: String, found: String },
    #[error("清单（manifest.json）无法读取：{0}")]
    BadManifest(String),
    #[error("签名无效：{0}。文件可能被改动过，未导入任何内容。")]
    BadSignature(String),
    #[error("封装内容与签名的清单不符：{0}。文件被改动过（或成员被替换），未导入任何内容。")]
    Tampered(String),
}

impl Coded for ContainerError {
    fn code(&self) -> ErrorCode {
        match self {
            ContainerError::BadSignature(_) | ContainerError::Tampered(_) => {
                ErrorCode::SignatureInvalid
            }
            _ => ErrorCode::ImportMalformed,
        }
    }
}

type Result<T> = std::result::Result<T, ContainerError>;

/// A member name is a relative path of plain components: no `..`, `.`, empty component,
/// backslash, leading slash, drive letter or control character.
pub fn safe_member_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && !name.starts_with('/')
        && !name.contains('\\')
        && !name.contains(':')
        && !name.chars().any(char::is_control)
        && name
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

/// Everything needed to seal a container.
pub struct Seal<'a> {
    pub format: &'a str,
    pub uid: &'a str,
    pub created_at: &'a str,
    pub header: serde_json::Value,
    /// `(name, bytes)`; names must be safe and unique.
    pub members: Vec<(String, Vec<u8>)>,
}

/// Writes a container signed with `key` (whose certificate is `certificate_der`).
pub fn seal(
    seal: Seal<'_>,
    key: &p256::ecdsa::SigningKey,
    certificate_der: &[u8],
) -> Result<Vec<u8>> {
    let mut seen = BTreeSet::new();
    for (name, _) in &seal.members {
        if !safe_member_name(name) {
            return Err(ContainerError::UnsafeName(name.clone()));
        }
        if !seen.insert(name.as_str()) {
            return Err(ContainerError::Duplicate(name.clone()));
        }
    }
    let manifest = Manifest {
        format: seal.format.to_owned(),
        uid: seal.uid.to_owned(),
        created_at: seal.created_at.to_owned(),
        signer_sha256: sha256_hex(certificate_der),
        header: seal.header,
        members: seal
            .members
            .iter()
            .map(|(name, bytes)| MemberEntry {
                name: name.clone(),
                sha256: sha256_hex(bytes),
                size: bytes.len() as u64,
            })
            .collect(),
    };
    let mut manifest_bytes = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| ContainerError::BadManifest(e.to_string()))?;
    manifest_bytes.push(b'\n');
    let signature = sign_detached(&manifest_bytes, key, certificate_der)
        .map_err(|e| ContainerError::BadSignature(e.to_string()))?;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // A fixed time stamp inside the ZIP: the manifest carries the real one, signed.
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let fail = |e: &dyn std::fmt::Display| ContainerError::NotArchive(e.to_string());
    let mut add = |name: &str, bytes: &[u8]| -> Result<()> {
        zip.start_file(name, options).map_err(|e| fail(&e))?;
        zip.write_all(bytes).map_err(|e| fail(&e))
    };
    add(MANIFEST, &manifest_bytes)?;
    for (name, bytes) in &seal.members {
        add(&format!("{MEMBERS}{name}"), bytes)?;
    }
    add(SIGNATURE, &signature)?;
    Ok(zip.finish().map_err(|e| fail(&e))?.into_inner())
}

/// A container that opened: its manifest, its members by name, and who signed it.
#[derive(Debug, Clone)]
pub struct Opened {
    pub manifest: Manifest,
    pub members: BTreeMap<String, Vec<u8>>,
    pub signer: DetachedSigner,
}

/// Reads one entry, never more than `limit` bytes of it.
fn read_bounded(reader: impl Read, limit: u64, what: &str) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    reader
        .take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| ContainerError::NotArchive(format!("{what}：{e}")))?;
    if out.len() as u64 > limit {
        return Err(ContainerError::TooLarge {
            what: what.to_owned(),
            limit,
        });
    }
    Ok(out)
}

/// Opens a container of `format`, checking everything but who signed it.
pub fn open(bytes: &[u8], format: &str, limits: Limits) -> Result<Opened> {
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(ContainerError::TooLarge {
            what: "文件".into(),
            limit: limits.max_file_bytes,
        });
    }
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| ContainerError::NotArchive(e.to_string()))?;
    if archive.len() > limits.max_members + 2 {
        return Err(ContainerError::TooLarge {
            what: format!("成员数量（{} 个）", archive.len()),
            limit: limits.max_members as u64,
        });
    }
    let mut manifest_bytes = None;
    let mut signature = None;
    let mut members = BTreeMap::new();
    let mut total = 0u64;
    for index in 0..archive.len() {
        let entry = archive
            .by_index(index)
            .map_err(|e| ContainerError::NotArchive(e.to_string()))?;
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        if entry.is_dir() {
            return Err(ContainerError::UnsafeName(name));
        }
        let remaining = limits.max_total_bytes.saturating_sub(total);
        let limit = limits.max_member_bytes.min(remaining.max(1));
        let slot = match name.as_str() {
            MANIFEST => &mut manifest_bytes,
            SIGNATURE => &mut signature,
            other => match other.strip_prefix(MEMBERS) {
                Some(member) if safe_member_name(member) => {
                    if members.contains_key(member) {
                        return Err(ContainerError::Duplicate(name));
                    }
                    let data = read_bounded(entry, limit, &format!("成员 {member} "))?;
                    total += data.len() as u64;
                    members.insert(member.to_owned(), data);
                    continue;
                }
                _ => return Err(ContainerError::UnsafeName(name)),
            },
        };
        if slot.is_some() {
            return Err(ContainerError::Duplicate(name));
        }
        let data = read_bounded(entry, limits.max_member_bytes.min(64 << 20), &name)?;
        *slot = Some(data);
    }
    let manifest_bytes = manifest_bytes.ok_or_else(|| ContainerError::Missing(MANIFEST.into()))?;
    let signature = signature.ok_or_else(|| ContainerError::Missing(SIGNATURE.into()))?;
    // The signature first: nothing in the manifest is read before it is known to be signed.
    let signer =
        verify_detached(&manifest_bytes, &signature).map_err(ContainerError::BadSignature)?;
    let manifest: Manifest = serde_json::from_slice(&manifest_bytes)
        .map_err(|e| ContainerError::BadManifest(e.to_string()))?;
    if manifest.format != format {
        return Err(ContainerError::WrongFormat {
            expected: format.to_owned(),
            found: manifest.format,
        });
    }
    if signer.certificate_sha256 != manifest.signer_sha256 {
        return Err(ContainerError::BadSignature(
            "签名人的证书与清单所记的证书不是同一张".into(),
        ));
    }
    let mut listed = BTreeSet::new();
    for entry in &manifest.members {
        if !listed.insert(entry.name.as_str()) {
            return Err(ContainerError::Duplicate(entry.name.clone()));
        }
        let Some(data) = members.get(&entry.name) else {
            return Err(ContainerError::Tampered(format!("缺少成员 {}", entry.name)));
        };
        if data.len() as u64 != entry.size || sha256_hex(data) != entry.sha256 {
            return Err(ContainerError::Tampered(format!(
                "成员 {} 的内容与清单所记的 SHA-256 不符",
                entry.name
            )));
        }
    }
    if let Some(extra) = members.keys().find(|name| !listed.contains(name.as_str())) {
        return Err(ContainerError::Tampered(format!(
            "多出了清单中没有的成员 {extra}"
        )));
    }
    Ok(Opened {
        manifest,
        members,
        signer,
    })
}

#[cfg(test)]
mod tests;
