//! What signing keeps in the database: each owner's certificate and encrypted private key, each
//! expert's hand-drawn signature, and a record of every signed sheet issued (with a snapshot of
//! what it shows and the SHA-256 of the signed file). The cryptography is in park-review-signing;
//! this module never sees a passphrase or a decrypted key.

use park_review_domain::claim::{ClaimedSigner, DocumentKind};
use park_review_domain::ids::RoundId;
use park_review_domain::ErrorCode;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use crate::error::{Result, StoreError};
use crate::CachedSql;
use crate::{Actor, Store};

/// Whose key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOwner<'a> {
    /// An expert, by code.
    Expert(&'a str),
    Secretariat,
}

/// A stored key: the certificate in clear, the private key encrypted.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct StoredKey {
    /// `E003 黄建华`, or `秘书处`.
    pub owner: String,
    #[serde(skip)]
    #[ts(skip)]
    pub certificate_der: Vec<u8>,
    pub certificate_sha256: String,
    /// The private key, encrypted; None for a certificate registered or pinned here whose key
    /// lives on its owner's own laptop.
    #[serde(skip)]
    #[ts(skip)]
    pub encrypted_key_pem: Option<String>,
    /// Where it came from: made here, registered by the secretariat, or pinned from a package.
    pub origin: KeyOrigin,
    pub created_at: String,
    /// When the key stopped counting and why (None: the active key).
    pub revoked_at: Option<String>,
    pub revoked_reason: Option<String>,
}

/// Where a stored certificate came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum KeyOrigin {
    /// The key was made on this laptop and is stored here, encrypted.
    Created,
    /// An expert's certificate the secretariat registered (the key is on the expert's laptop).
    Registered,
    /// The secretariat's certificate, pinned on an expert's copy by the first review package.
    Pinned,
}

impl KeyOrigin {
    fn as_str(self) -> &'static str {
        match self {
            KeyOrigin::Created => "created",
            KeyOrigin::Registered => "registered",
            KeyOrigin::Pinned => "pinned",
        }
    }

    fn parse(text: &str) -> KeyOrigin {
        match text {
            "registered" => KeyOrigin::Registered,
            "pinned" => KeyOrigin::Pinned,
            _ => KeyOrigin::Created,
        }
    }
}

impl StoredKey {
    /// The encrypted private key; NO_KEY for a certificate whose key is not on this laptop.
    pub fn private_key_pem(&self) -> Result<&str> {
        self.encrypted_key_pem.as_deref().ok_or_else(|| {
            rule(
                ErrorCode::NoKey,
                format!(
                    "{} 的证书（SHA-256 {}…）在这里只是登记，私钥在其本人的电脑上：只能在那台电脑上签名。",
                    self.owner,
                    &self.certificate_sha256[..16]
                ),
            )
        })
    }
}

/// What this database knows of a certificate: whose it is and whether it was revoked.
#[derive(Debug, Clone, PartialEq)]
pub struct CertificateRecord {
    pub signer: ClaimedSigner,
    pub revoked_at: Option<String>,
    pub revoked_reason: Option<String>,
}

/// A signed document as issued.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssuedSheet {
    pub sheet_id: String,
    pub round_id: RoundId,
    /// None for the secretariat's ranking report.
    pub expert: Option<String>,
    pub application: Option<String>,
    pub kind: DocumentKind,
    pub snapshot: serde_json::Value,
    pub file_sha256: String,
    pub issued_at: String,
}

/// A signed document to record: its uid (printed on it and in its claim), what it is, what it
/// shows (the snapshot `verify` compares later) and the signed file.
#[derive(Debug, Clone)]
pub struct NewIssuedDocument<'a> {
    pub uid: &'a str,
    pub round_id: RoundId,
    pub kind: DocumentKind,
    pub expert: Option<&'a str>,
    pub application: Option<&'a str>,
    pub snapshot: &'a serde_json::Value,
    pub pdf: &'a [u8],
}

fn kind_text(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::ScoreSheet => "sheet",
        DocumentKind::SummarySheet => "summary",
        DocumentKind::RankingReport => "ranking-report",
        DocumentKind::InspectionRecord => "inspection-record",
        DocumentKind::DesignationList => "designation-list",
        DocumentKind::PanelReport => "panel-report",
    }
}

fn kind_of(text: &str) -> DocumentKind {
    match text {
        "sheet" => DocumentKind::ScoreSheet,
        "summary" => DocumentKind::SummarySheet,
        "inspection-record" => DocumentKind::InspectionRecord,
        "designation-list" => DocumentKind::DesignationList,
        "panel-report" => DocumentKind::PanelReport,
        _ => DocumentKind::RankingReport,
    }
}

fn rule(code: ErrorCode, message: String) -> StoreError {
    StoreError::Rule { code, message }
}

/// A signed sheet as issued: whose, for which application (none: the summary sheet), the PDF.
#[derive(Debug, Clone)]
pub struct RoundSheet {
    pub expert: String,
    pub application: Option<String>,
    pub pdf: Vec<u8>,
}

/// A fresh identifier for something made outside a transaction (a sheet id printed on a page).
pub fn fresh_uid() -> String {
    uuid::Uuid::new_v4().to_string()
}

impl Store {
    /// The registry row (id, code, name) of an expert.
    fn registry_expert(&self, code: &str) -> Result<(i64, String, String)> {
        self.conn()
            .query_row_cached(
                "SELECT id, code, name FROM experts WHERE code = ?1 OR code = upper(?1)",
                [code.trim()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "评审专家",
                key: code.to_owned(),
                hint: "请用 `park-review expert list --round R` 查看专家编号。".into(),
            })
    }

    fn owner_name(&self, owner: KeyOwner<'_>) -> Result<(Option<i64>, String)> {
        Ok(match owner {
            KeyOwner::Expert(code) => {
                let (id, code, name) = self.registry_expert(code)?;
                (Some(id), format!("{code} {name}"))
            }
            KeyOwner::Secretariat => (None, "秘书处".to_owned()),
        })
    }

    /// The owner's key, or NO_KEY.
    pub fn signing_key(&self, owner: KeyOwner<'_>) -> Result<StoredKey> {
        let (expert_id, name) = self.owner_name(owner)?;
        let row = self
            .conn()
            .query_row_cached(
                "SELECT certificate_der, certificate_sha256, encrypted_key_pem, created_at, origin FROM signing_keys
                 WHERE ((expert_id = ?1) OR (?1 IS NULL AND is_secretariat = 1)) AND revoked_at IS NULL",
                params![expert_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get::<_, String>(4)?)),
            )
            .optional()?;
        let Some((certificate_der, certificate_sha256, encrypted_key_pem, created_at, origin)) =
            row
        else {
            return Err(rule(
                ErrorCode::NoKey,
                format!(
                    "{name} 还没有签名密钥。请先用 `park-review key create {}` 创建（或在程序中创建）。",
                    match owner {
                        KeyOwner::Expert(code) => format!("--expert {code}"),
                        KeyOwner::Secretariat => "--secretariat".into(),
                    }
                ),
            ));
        };
        Ok(StoredKey {
            owner: name,
            certificate_der,
            certificate_sha256,
            encrypted_key_pem,
            origin: KeyOrigin::parse(&origin),
            created_at,
            revoked_at: None,
            revoked_reason: None,
        })
    }

    /// Every key the owner has had, the active one first, then the revoked ones, newest first.
    pub fn key_history(&self, owner: KeyOwner<'_>) -> Result<Vec<StoredKey>> {
        let (expert_id, name) = self.owner_name(owner)?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT certificate_der, certificate_sha256, encrypted_key_pem, created_at, revoked_at, revoked_reason, origin
             FROM signing_keys WHERE (expert_id = ?1) OR (?1 IS NULL AND is_secretariat = 1)
             ORDER BY revoked_at IS NOT NULL, id DESC",
        )?;
        let rows = stmt.query_map(params![expert_id], |r| {
            Ok(StoredKey {
                owner: name.clone(),
                certificate_der: r.get(0)?,
                certificate_sha256: r.get(1)?,
                encrypted_key_pem: r.get(2)?,
                created_at: r.get(3)?,
                revoked_at: r.get(4)?,
                revoked_reason: r.get(5)?,
                origin: KeyOrigin::parse(&r.get::<_, String>(6)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Revokes the owner's active key from `effective_at` (RFC 3339; None: now), for `reason`.
    /// Documents signed before that moment stay valid; after it, they do not. The key stays in
    /// the database so those earlier signatures can still be verified. NO_KEY if there is no
    /// active key; OUT_OF_RANGE for an empty reason or a moment in the future.
    pub fn revoke_key(
        &mut self,
        actor: &Actor,
        owner: KeyOwner<'_>,
        reason: &str,
        effective_at: Option<&str>,
    ) -> Result<StoredKey> {
        self.permits(actor)?;
        let key = self.signing_key(owner)?;
        let (reason, at) = self.revocation(reason, effective_at)?;
        self.write(actor, |tx| revoke_in(tx, &key, &reason, &at))?;
        Ok(StoredKey {
            revoked_at: Some(at),
            revoked_reason: Some(reason),
            ..key
        })
    }

    /// Revokes the owner's active key (now, for `reason`) and stores a new one, in one
    /// transaction: the owner is never left with two active keys or none.
    pub fn replace_key(
        &mut self,
        actor: &Actor,
        owner: KeyOwner<'_>,
        reason: &str,
        certificate_der: &[u8],
        certificate_sha256: &str,
        encrypted_key_pem: &str,
    ) -> Result<StoredKey> {
        self.permits(actor)?;
        let old = self.signing_key(owner)?;
        let (expert_id, name) = self.owner_name(owner)?;
        let (reason, at) = self.revocation(reason, None)?;
        self.write(actor, |tx| {
            revoke_in(tx, &old, &reason, &at)?;
            insert_key(
                tx,
                expert_id,
                &name,
                certificate_der,
                certificate_sha256,
                encrypted_key_pem,
            )
        })?;
        self.signing_key(owner)
    }

    /// The reason (trimmed) and the moment (RFC 3339) of a revocation: OUT_OF_RANGE for an empty
    /// reason, an unreadable moment or one in the future. Callers check it before asking for a
    /// passphrase; revoking and replacing check it again.
    pub fn revocation(&self, reason: &str, effective_at: Option<&str>) -> Result<(String, String)> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(rule(
                ErrorCode::OutOfRange,
                "吊销密钥须写明原因（例如：笔记本电脑遗失）。".into(),
            ));
        }
        let now = self.now();
        let at = match effective_at {
            None => now,
            Some(text) => {
                let at = chrono::DateTime::parse_from_rfc3339(text.trim()).map_err(|_| {
                    rule(
                        ErrorCode::OutOfRange,
                        format!("吊销时间“{text}”无法识别：请写成 2026-11-30T09:00:00+08:00。"),
                    )
                })?;
                if at > now {
                    return Err(rule(
                        ErrorCode::OutOfRange,
                        format!("吊销时间 {text} 在将来：只能吊销到现在为止。"),
                    ));
                }
                at
            }
        };
        Ok((
            reason.to_owned(),
            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        ))
    }

    /// Stores a new key; KEY_EXISTS if the owner has one (a key is never silently replaced:
    /// sheets already signed name its certificate).
    pub fn save_key(
        &mut self,
        actor: &Actor,
        owner: KeyOwner<'_>,
        certificate_der: &[u8],
        certificate_sha256: &str,
        encrypted_key_pem: &str,
    ) -> Result<StoredKey> {
        let (expert_id, name) = self.owner_name(owner)?;
        self.check_no_key(owner)?;
        self.write(actor, |tx| {
            insert_key(
                tx,
                expert_id,
                &name,
                certificate_der,
                certificate_sha256,
                encrypted_key_pem,
            )
        })?;
        self.signing_key(owner)
    }

    /// KEY_EXISTS if the owner already has a key.
    pub fn check_no_key(&self, owner: KeyOwner<'_>) -> Result<()> {
        if let Ok(key) = self.signing_key(owner) {
            return Err(rule(
                ErrorCode::KeyExists,
                format!("{} 已有签名密钥（证书 SHA-256 {}…），不能重复创建：已签的评分表以该证书为准。如忘记口令，请联系秘书处。", key.owner, &key.certificate_sha256[..16]),
            ));
        }
        Ok(())
    }

    /// Replaces the encrypted private key after a passphrase change (same key, same certificate).
    pub fn update_encrypted_key(
        &mut self,
        actor: &Actor,
        owner: KeyOwner<'_>,
        encrypted_key_pem: &str,
    ) -> Result<()> {
        let key = self.signing_key(owner)?;
        self.write(actor, |tx| {
            tx.tx.execute_cached(
                "UPDATE signing_keys SET encrypted_key_pem = ?2 WHERE certificate_sha256 = ?1",
                params![key.certificate_sha256, encrypted_key_pem],
            )?;
            tx.audit(
                "key.passphrase",
                "signing_key",
                &key.certificate_sha256,
                json!({"owner": key.owner}),
            )
        })
    }

    /// Whose certificate this is, and whether it was revoked, if it is registered here (active
    /// or not).
    pub fn certificate_record(
        &self,
        certificate_sha256: &str,
    ) -> Result<Option<CertificateRecord>> {
        Ok(self
            .conn()
            .query_row_cached(
                "SELECT k.is_secretariat, e.code, e.name, k.revoked_at, k.revoked_reason
                 FROM signing_keys k LEFT JOIN experts e ON e.id = k.expert_id WHERE k.certificate_sha256 = ?1",
                [certificate_sha256],
                |r| {
                    let secretariat: bool = r.get(0)?;
                    Ok(CertificateRecord {
                        signer: if secretariat {
                            ClaimedSigner::Secretariat
                        } else {
                            ClaimedSigner::Expert {
                                code: r.get(1)?,
                                name: r.get(2)?,
                            }
                        },
                        revoked_at: r.get(3)?,
                        revoked_reason: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    /// Stores (or replaces) an expert's hand-drawn signature (PNG).
    pub fn save_hand_signature(&mut self, actor: &Actor, expert: &str, png: &[u8]) -> Result<()> {
        if !png.starts_with(b"\x89PNG\r\n\x1a\n") || png.len() > 2_000_000 {
            return Err(rule(
                ErrorCode::ImportMalformed,
                "手写签名须为 PNG 图片，且不超过 2 MB。".into(),
            ));
        }
        let (expert_id, code, _) = self.registry_expert(expert)?;
        self.write(actor, |tx| {
            let uid = tx.new_uid();
            let now = tx.now();
            tx.tx.execute_cached(
                "INSERT INTO hand_signatures (uid, expert_id, png, created_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (expert_id) DO UPDATE SET png = excluded.png, created_at = excluded.created_at",
                params![uid, expert_id, png, now],
            )?;
            tx.audit("hand_signature.save", "expert", &code, json!({"bytes": png.len()}))
        })
    }

    pub fn hand_signature(&self, expert: &str) -> Result<Option<Vec<u8>>> {
        let (expert_id, _, _) = self.registry_expert(expert)?;
        Ok(self
            .conn()
            .query_row_cached(
                "SELECT png FROM hand_signatures WHERE expert_id = ?1",
                [expert_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Records a signed document as issued.
    pub fn record_document(&mut self, actor: &Actor, doc: &NewIssuedDocument<'_>) -> Result<()> {
        let file_sha256 = park_review_domain::digest::sha256_hex(doc.pdf);
        let expert = doc.expert.map(|e| self.registry_expert(e)).transpose()?;
        let app_id = doc
            .application
            .map(|a| self.find_application(doc.round_id, a))
            .transpose()?
            .map(|a| a.id.0);
        self.write(actor, |tx| {
            let now = tx.now();
            tx.tx.execute_cached(
                "INSERT INTO signed_sheets (uid, round_id, expert_id, application_id, kind, snapshot, file_sha256, pdf, issued_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    doc.uid,
                    doc.round_id.0,
                    expert.as_ref().map(|e| e.0),
                    app_id,
                    kind_text(doc.kind),
                    doc.snapshot.to_string(),
                    file_sha256,
                    doc.pdf,
                    now
                ],
            )?;
            tx.audit(
                "sheet.issue",
                "signed_sheet",
                doc.uid,
                json!({"kind": kind_text(doc.kind), "expert": expert.as_ref().map(|e| &e.1), "application": doc.application, "file_sha256": file_sha256}),
            )
        })
    }

    /// The latest signed sheet of every assignment (and every summary sheet) of a round, for the
    /// secretariat to collect.
    pub fn round_sheets(&self, round_id: RoundId) -> Result<Vec<RoundSheet>> {
        self.require_secretariat_copy()?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT e.code, a.code, s.pdf FROM signed_sheets s
             JOIN experts e ON e.id = s.expert_id LEFT JOIN applications a ON a.id = s.application_id
             WHERE s.round_id = ?1 AND s.kind IN ('sheet', 'summary')
               AND s.id = (SELECT max(t.id) FROM signed_sheets t WHERE t.round_id = s.round_id
                           AND t.expert_id = s.expert_id AND t.kind = s.kind
                           AND coalesce(t.application_id, 0) = coalesce(s.application_id, 0))
             ORDER BY s.kind DESC, a.registration_order, e.code",
        )?;
        let rows = stmt.query_map([round_id.0], |r| {
            Ok(RoundSheet {
                expert: r.get(0)?,
                application: r.get(1)?,
                pdf: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The issued document with this uid.
    pub fn issued_document(&self, uid: &str) -> Result<Option<IssuedSheet>> {
        self.issued_where("s.uid = ?1", uid)
    }

    /// The issued document whose signed file has this SHA-256 (the latest, if issued twice).
    pub fn issued_document_by_file(&self, file_sha256: &str) -> Result<Option<IssuedSheet>> {
        self.issued_where("s.file_sha256 = ?1", file_sha256)
    }

    fn issued_where(&self, condition: &str, value: &str) -> Result<Option<IssuedSheet>> {
        Ok(self
            .conn()
            .query_row_cached(
                &format!(
                    "SELECT s.uid, s.round_id, e.code, a.code, s.kind, s.snapshot, s.file_sha256, s.issued_at FROM signed_sheets s
                     LEFT JOIN experts e ON e.id = s.expert_id LEFT JOIN applications a ON a.id = s.application_id
                     WHERE {condition} ORDER BY s.id DESC LIMIT 1"
                ),
                [value],
                |r| {
                    let snapshot: String = r.get(5)?;
                    let kind: String = r.get(4)?;
                    Ok(IssuedSheet {
                        sheet_id: r.get(0)?,
                        round_id: RoundId(r.get(1)?),
                        expert: r.get(2)?,
                        application: r.get(3)?,
                        kind: kind_of(&kind),
                        snapshot: serde_json::from_str(&snapshot).unwrap_or_default(),
                        file_sha256: r.get(6)?,
                        issued_at: r.get(7)?,
                    })
                },
            )
            .optional()?)
    }
}

fn insert_key(
    tx: &mut crate::write::WriteTx<'_>,
    expert_id: Option<i64>,
    name: &str,
    certificate_der: &[u8],
    certificate_sha256: &str,
    encrypted_key_pem: &str,
) -> Result<()> {
    insert_certificate(
        tx,
        expert_id,
        name,
        certificate_der,
        certificate_sha256,
        Some(encrypted_key_pem),
        KeyOrigin::Created,
    )
}

/// Stores a certificate, with its encrypted key when it was made here.
pub(crate) fn insert_certificate(
    tx: &mut crate::write::WriteTx<'_>,
    expert_id: Option<i64>,
    name: &str,
    certificate_der: &[u8],
    certificate_sha256: &str,
    encrypted_key_pem: Option<&str>,
    origin: KeyOrigin,
) -> Result<()> {
    let uid = tx.new_uid();
    let now = tx.now();
    tx.tx.execute_cached(
        "INSERT INTO signing_keys (uid, expert_id, is_secretariat, certificate_der, certificate_sha256, encrypted_key_pem, origin, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![uid, expert_id, expert_id.is_none(), certificate_der, certificate_sha256, encrypted_key_pem, origin.as_str(), now],
    ).map_err(|e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => rule(
            ErrorCode::KeyExists,
            format!("证书 SHA-256 {}… 已登记在本数据库中（可能属于另一位签名人），不能重复登记。", &certificate_sha256[..16]),
        ),
        _ => e.into(),
    })?;
    // The audit entry names the certificate, never the key.
    tx.audit(
        match origin {
            KeyOrigin::Created => "key.create",
            KeyOrigin::Registered => "certificate.register",
            KeyOrigin::Pinned => "certificate.pin",
        },
        "signing_key",
        &uid,
        json!({"owner": name, "certificate_sha256": certificate_sha256}),
    )
}

pub(crate) fn revoke_in(
    tx: &mut crate::write::WriteTx<'_>,
    key: &StoredKey,
    reason: &str,
    at: &str,
) -> Result<()> {
    let by = tx.actor_name().to_owned();
    tx.tx.execute_cached(
        "UPDATE signing_keys SET revoked_at = ?2, revoked_reason = ?3, revoked_by = ?4
         WHERE certificate_sha256 = ?1 AND revoked_at IS NULL",
        params![key.certificate_sha256, at, reason, by],
    )?;
    tx.audit(
        "key.revoke",
        "signing_key",
        &key.certificate_sha256,
        json!({"owner": key.owner, "revoked_at": at, "reason": reason}),
    )
}

/// What a scoring sheet shows, as data: recorded when it is issued, compared by `verify --db`.
pub fn sheet_snapshot(sheet: &crate::ScoreSheet) -> serde_json::Value {
    let scores: serde_json::Map<String, serde_json::Value> = sheet
        .scores
        .iter()
        .map(|s| {
            (
                s.code.clone(),
                json!({"points": s.points, "comment": s.comment}),
            )
        })
        .collect();
    json!({
        "round": sheet.round_code,
        "application": sheet.application.code,
        "expert": sheet.expert_code,
        "scores": scores,
        "total": sheet.total,
        "opinion": sheet.opinion,
        "declared_at": sheet.declared_at,
        "submitted_at": sheet.submitted_at,
        "rubric_sha256": sheet.rubric_sha256,
    })
}
