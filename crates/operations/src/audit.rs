//! The audit log for people: its history per round, application, expert and sheet; the check of
//! its hash chain; and its export for the archive — JSON lines signed by the secretariat's key
//! (a detached CMS signature beside the file, which OpenSSL checks by hand), which can later be
//! compared with the database to show that nothing before the export was changed or cut off.
//! docs/formats/audit.md is the format.

use park_review_domain::digest::sha256_hex;
use park_review_domain::ids::RoundId;
use park_review_domain::{CodedError, ErrorCode};
use park_review_signing::detached::{sign_detached, verify_detached};
use park_review_store::{AuditEntry, AuditSubject, Store, GENESIS};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::files::{stamp, Document};
use crate::sheets::Signer;
use crate::Result;

/// The format tag of an exported audit log.
pub const AUDIT_EXPORT_FORMAT: &str = "park-review/audit@1";

/// One entry of the audit log as the app and `--json` show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuditRecord {
    #[ts(type = "number")]
    pub id: i64,
    /// Local time with its UTC offset.
    pub at: String,
    /// `secretariat`, `expert`, `inspection` or `system`.
    pub actor_role: String,
    /// The person (an expert's code, a secretariat member's name).
    pub actor_name: String,
    /// `app`, `command_line` or `program` (empty before schema version 8).
    pub actor_surface: String,
    /// The computer's name (empty before schema version 16).
    pub station: String,
    pub action: String,
    pub entity: String,
    pub entity_uid: String,
    /// The detail as stored: a JSON text (hashed as it is).
    pub detail: String,
    pub prev_sha256: String,
    pub sha256: String,
}

impl From<AuditEntry> for AuditRecord {
    fn from(e: AuditEntry) -> Self {
        AuditRecord {
            id: e.id,
            at: e.at,
            actor_role: e.actor_role,
            actor_name: e.actor_name,
            actor_surface: e.actor_surface,
            station: e.station,
            action: e.action,
            entity: e.entity,
            entity_uid: e.entity_uid,
            detail: e.detail,
            prev_sha256: e.prev_sha256,
            sha256: e.sha256,
        }
    }
}

impl AuditRecord {
    fn entry(&self) -> AuditEntry {
        AuditEntry {
            id: self.id,
            at: self.at.clone(),
            actor_role: self.actor_role.clone(),
            actor_name: self.actor_name.clone(),
            actor_surface: self.actor_surface.clone(),
            station: self.station.clone(),
            action: self.action.clone(),
            entity: self.entity.clone(),
            entity_uid: self.entity_uid.clone(),
            detail: self.detail.clone(),
            prev_sha256: self.prev_sha256.clone(),
            sha256: self.sha256.clone(),
        }
    }
}

/// Where the chain breaks, and why (Chinese).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChainBreak {
    #[ts(type = "number")]
    pub id: i64,
    pub reason: String,
}

/// What checking the database's audit chain found.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AuditCheck {
    #[ts(type = "number")]
    pub entries: i64,
    /// The last entry: to write down, or to compare with an archived export.
    #[ts(type = "number")]
    pub head_id: i64,
    pub head_sha256: String,
    pub broken: Option<ChainBreak>,
}

/// Checks the database's whole audit chain.
pub fn verify_audit(store: &Store) -> Result<AuditCheck> {
    let v = store.verify_audit()?;
    Ok(AuditCheck {
        entries: v.entries,
        head_id: v.head_id,
        head_sha256: v.head_sha256,
        broken: v.broken.map(|b| ChainBreak {
            id: b.id,
            reason: b.reason,
        }),
    })
}

/// Whose history to show, by code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum HistoryOf {
    /// The round: its settings, rubric, checklist, panel, applications, sheets, ranking.
    Round,
    Application {
        code: String,
    },
    Expert {
        code: String,
    },
    /// One expert's sheet for one application.
    Sheet {
        application: String,
        expert: String,
    },
}

/// The history of a round, an application, an expert or a sheet, newest first.
pub fn audit_history(
    store: &Store,
    round: RoundId,
    of: &HistoryOf,
    limit: u32,
) -> Result<Vec<AuditRecord>> {
    let subject = match of {
        HistoryOf::Round => AuditSubject::Round(round),
        HistoryOf::Application { code } => {
            AuditSubject::Application(store.find_application(round, code)?.id)
        }
        HistoryOf::Expert { code } => AuditSubject::Expert {
            round,
            expert: store.expert_by_code(code)?.id,
        },
        HistoryOf::Sheet {
            application,
            expert,
        } => AuditSubject::Sheet {
            application: store.find_application(round, application)?.id,
            expert: store.expert_by_code(expert)?.id,
        },
    };
    Ok(store
        .audit_history(subject, limit)?
        .into_iter()
        .map(AuditRecord::from)
        .collect())
}

/// The first line of an exported log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuditExportHeader {
    pub format: String,
    /// The hash rule of each entry (`park-review-audit/1`).
    pub chain: String,
    pub exported_at: String,
    #[ts(type = "number")]
    pub entries: i64,
    #[ts(type = "number")]
    pub head_id: i64,
    pub head_sha256: String,
    /// The chain as the database held it when exported (an export of a broken chain says so).
    pub broken: Option<ChainBreak>,
}

/// An exported log: the JSON lines and their detached signature.
#[derive(Debug)]
pub struct AuditExport {
    pub header: AuditExportHeader,
    pub log: Document,
    pub signature: Document,
}

/// Writes the whole log as JSON lines (a header, then one entry per line, oldest first), signed
/// by `signer` (the secretariat's key) in a detached CMS signature.
pub fn export_audit(store: &Store, signer: &Signer) -> Result<AuditExport> {
    let check = verify_audit(store)?;
    let header = AuditExportHeader {
        format: AUDIT_EXPORT_FORMAT.into(),
        chain: park_review_store::CHAIN_FORMAT.into(),
        exported_at: store
            .now()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        entries: check.entries,
        head_id: check.head_id,
        head_sha256: check.head_sha256.clone(),
        broken: check.broken,
    };
    let mut text = serde_json::to_string(&header).map_err(internal)?;
    text.push('\n');
    store.each_audit_entry(|e| {
        text.push_str(&serde_json::to_string(&AuditRecord::from(e.clone())).map_err(internal)?);
        text.push('\n');
        Ok(())
    })?;
    let bytes = text.into_bytes();
    let signature = sign_detached(&bytes, signer.key(), signer.certificate_der())?;
    let file_name = format!("审计记录-{}.jsonl", stamp(store.now()));
    Ok(AuditExport {
        header,
        signature: Document {
            file_name: format!("{file_name}.p7s"),
            bytes: signature,
        },
        log: Document { file_name, bytes },
    })
}

fn internal(e: impl std::fmt::Display) -> park_review_store::StoreError {
    park_review_store::StoreError::Internal(e.to_string())
}

/// What checking an exported log found.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AuditExportCheck {
    pub header: AuditExportHeader,
    /// Who signed it: the certificate's name and its SHA-256 fingerprint.
    pub signer: String,
    pub signer_fingerprint: String,
    /// The signer is the secretariat's certificate of the database compared with.
    pub signer_is_secretariat: Option<bool>,
    /// The first broken link inside the file, if any.
    pub broken: Option<ChainBreak>,
    /// Compared with a database: every exported entry is still there, unchanged (None when no
    /// database was given).
    pub matches_database: Option<bool>,
    /// Why it does not match, in Chinese.
    pub mismatch: Option<String>,
}

/// Checks an exported log and its signature; with a database, also that the database still
/// holds every exported entry unchanged — which finds entries cut off the end of the log after
/// the export, which the chain alone cannot. A bad signature is SIGNATURE_INVALID; a file that
/// is not an export is IMPORT_MALFORMED; a chain that does not hold is reported in the result.
pub fn check_audit_export(
    store: Option<&Store>,
    log: &[u8],
    signature: &[u8],
) -> Result<AuditExportCheck> {
    let signer = verify_detached(log, signature).map_err(|problem| {
        CodedError::new(
            ErrorCode::SignatureInvalid,
            format!("审计记录存档的签名无效：{problem}。这份存档不能作为证据。"),
        )
    })?;
    let text = std::str::from_utf8(log).map_err(|_| malformed("不是 UTF-8 文本"))?;
    let mut lines = text.lines();
    let header: AuditExportHeader = lines
        .next()
        .ok_or_else(|| malformed("文件是空的"))
        .and_then(|l| serde_json::from_str(l).map_err(|e| malformed(&e.to_string())))?;
    if header.format != AUDIT_EXPORT_FORMAT {
        return Err(malformed(&format!(
            "格式为“{}”，本程序读取 {AUDIT_EXPORT_FORMAT}",
            header.format
        )));
    }
    let mut prev = GENESIS.to_owned();
    let mut expected = 1i64;
    let mut last: Option<AuditRecord> = None;
    let mut broken = None;
    for (n, line) in lines.enumerate() {
        let record: AuditRecord =
            serde_json::from_str(line).map_err(|e| malformed(&format!("第 {} 行：{e}", n + 2)))?;
        if broken.is_none() {
            let reason = if record.id != expected {
                Some(format!("存档缺少第 {expected} 条记录"))
            } else if record.prev_sha256 != prev {
                Some(format!("第 {} 条记录所记的前一条哈希不符", record.id))
            } else if sha256_hex(record.entry().chain_text().as_bytes()) != record.sha256 {
                Some(format!("第 {} 条记录的内容与它的哈希不符", record.id))
            } else {
                None
            };
            if let Some(reason) = reason {
                broken = Some(ChainBreak {
                    id: record.id,
                    reason,
                });
            }
        }
        prev = record.sha256.clone();
        expected = record.id + 1;
        last = Some(record);
    }
    let (last_id, last_sha) = last
        .as_ref()
        .map_or((0, GENESIS.to_owned()), |r| (r.id, r.sha256.clone()));
    if broken.is_none() && (last_id != header.head_id || last_sha != header.head_sha256) {
        broken = Some(ChainBreak {
            id: last_id,
            reason: format!(
                "文件头记载共 {} 条、最后一条为第 {} 条，文件中最后一条为第 {last_id} 条",
                header.entries, header.head_id
            ),
        });
    }
    let (signer_is_secretariat, matches_database, mismatch) = match store {
        None => (None, None, None),
        Some(store) => {
            let secretariat = store
                .signing_key(park_review_store::KeyOwner::Secretariat)
                .ok()
                .map(|k| sha256_hex(&k.certificate_der));
            let is_secretariat = secretariat.as_deref() == Some(signer.certificate_sha256.as_str());
            let mismatch = compare_with_database(store, last.as_ref())?;
            (Some(is_secretariat), Some(mismatch.is_none()), mismatch)
        }
    };
    Ok(AuditExportCheck {
        header,
        signer: signer.name,
        signer_fingerprint: signer.certificate_sha256,
        signer_is_secretariat,
        broken,
        matches_database,
        mismatch,
    })
}

/// None when the database holds the export's last entry unchanged (and so, by the chain, every
/// entry before it); otherwise what differs.
fn compare_with_database(store: &Store, last: Option<&AuditRecord>) -> Result<Option<String>> {
    let Some(last) = last else {
        return Ok(None);
    };
    let check = store.verify_audit()?;
    if check.head_id < last.id {
        return Ok(Some(format!(
            "数据库的审计记录只到第 {} 条，存档到第 {} 条：存档之后有记录被删除",
            check.head_id, last.id
        )));
    }
    let found = store.audit_entry(last.id)?.map(|e| e.sha256);
    Ok(match found {
        Some(sha) if sha == last.sha256 => check.broken.filter(|b| b.id <= last.id).map(|b| {
            format!(
                "数据库的审计链在第 {} 条断开（{}），早于存档的最后一条",
                b.id, b.reason
            )
        }),
        Some(_) => Some(format!(
            "数据库中第 {} 条记录与存档不符：存档之后，这条或更早的记录被改动",
            last.id
        )),
        None => Some(format!("数据库中没有第 {} 条记录", last.id)),
    })
}

fn malformed(what: &str) -> CodedError {
    CodedError::new(
        ErrorCode::ImportMalformed,
        format!("不是 ParkReview 导出的审计记录存档：{what}。"),
    )
}

/// Refuses, with AUDIT_CHAIN_BROKEN, a check that found a broken link.
pub fn require_intact(check: &AuditCheck) -> Result<()> {
    match &check.broken {
        None => Ok(()),
        Some(b) => Err(CodedError::new(
            ErrorCode::AuditChainBroken,
            format!(
                "审计记录的哈希链在第 {} 条断开：{}。该数据库的审计记录已被改动，请保留现场并联系技术支持。",
                b.id, b.reason
            ),
        )),
    }
}
