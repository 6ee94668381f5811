//! What signing keeps in the database: each owner's certificate and encrypted private key, each
//! expert's hand-drawn signature, and a record of every signed sheet issued (with a snapshot of
//! what it shows and the SHA-256 of the signed file). The cryptography is in park-review-signing;
//! this module never sees a passphrase or a decrypted key.

use park_review_domain::ids::RoundId;
use park_review_domain::ErrorCode;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use crate::error::{Result, StoreError};
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
    #[serde(skip)]
    #[ts(skip)]
    pub encrypted_key_pem: String,
    pub created_at: String,
}

/// A signed sheet as issued.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssuedSheet {
    pub sheet_id: String,
    pub round_id: RoundId,
    pub expert: String,
    pub application: Option<String>,
    pub kind: String,
    pub snapshot: serde_json::Value,
    pub issued_at: String,
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
            .query_row(
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
            .query_row(
                "SELECT certificate_der, certificate_sha256, encrypted_key_pem, created_at FROM signing_keys
                 WHERE (expert_id = ?1) OR (?1 IS NULL AND is_secretariat = 1)",
                params![expert_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((certificate_der, certificate_sha256, encrypted_key_pem, created_at)) = row else {
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
            created_at,
        })
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
            let uid = tx.new_uid();
            let now = tx.now();
            tx.tx.execute(
                "INSERT INTO signing_keys (uid, expert_id, is_secretariat, certificate_der, certificate_sha256, encrypted_key_pem, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![uid, expert_id, expert_id.is_none(), certificate_der, certificate_sha256, encrypted_key_pem, now],
            )?;
            // The audit entry names the certificate, never the key.
            tx.audit("key.create", "signing_key", &uid, json!({"owner": name, "certificate_sha256": certificate_sha256}))
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
            tx.tx.execute(
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

    /// Whose certificate this is, if it is registered here.
    pub fn certificate_owner(&self, certificate_sha256: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT CASE WHEN k.is_secretariat = 1 THEN '秘书处' ELSE e.code || ' ' || e.name END
                 FROM signing_keys k LEFT JOIN experts e ON e.id = k.expert_id WHERE k.certificate_sha256 = ?1",
                [certificate_sha256],
                |r| r.get(0),
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
            tx.tx.execute(
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
            .query_row(
                "SELECT png FROM hand_signatures WHERE expert_id = ?1",
                [expert_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Records a signed sheet as issued.
    #[allow(clippy::too_many_arguments)]
    pub fn record_sheet(
        &mut self,
        actor: &Actor,
        sheet_id: &str,
        round_id: RoundId,
        expert: &str,
        application: Option<&str>,
        snapshot: &serde_json::Value,
        pdf: &[u8],
    ) -> Result<()> {
        use sha2::Digest;
        let file_sha256: String = sha2::Sha256::digest(pdf)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let (expert_id, code, _) = self.registry_expert(expert)?;
        let app_id = application
            .map(|a| self.find_application(round_id, a))
            .transpose()?
            .map(|a| a.id.0);
        self.write(actor, |tx| {
            let now = tx.now();
            tx.tx.execute(
                "INSERT INTO signed_sheets (uid, round_id, expert_id, application_id, kind, snapshot, file_sha256, pdf, issued_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    sheet_id,
                    round_id.0,
                    expert_id,
                    app_id,
                    if application.is_some() { "sheet" } else { "summary" },
                    snapshot.to_string(),
                    file_sha256,
                    pdf,
                    now
                ],
            )?;
            tx.audit("sheet.issue", "signed_sheet", sheet_id, json!({"expert": code, "application": application, "file_sha256": file_sha256}))
        })
    }

    /// The latest signed sheet of every assignment (and every summary sheet) of a round, for the
    /// secretariat to collect.
    pub fn round_sheets(&self, round_id: RoundId) -> Result<Vec<RoundSheet>> {
        let mut stmt = self.conn().prepare(
            "SELECT e.code, a.code, s.pdf FROM signed_sheets s
             JOIN experts e ON e.id = s.expert_id LEFT JOIN applications a ON a.id = s.application_id
             WHERE s.round_id = ?1
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

    /// The issued sheet whose signed file has this SHA-256.
    pub fn find_sheet(&self, file_sha256: &str) -> Result<Option<IssuedSheet>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT s.uid, s.round_id, e.code, a.code, s.kind, s.snapshot, s.issued_at FROM signed_sheets s
                 JOIN experts e ON e.id = s.expert_id LEFT JOIN applications a ON a.id = s.application_id
                 WHERE s.file_sha256 = ?1 ORDER BY s.id DESC LIMIT 1",
                [file_sha256],
                |r| {
                    let snapshot: String = r.get(5)?;
                    Ok(IssuedSheet {
                        sheet_id: r.get(0)?,
                        round_id: RoundId(r.get(1)?),
                        expert: r.get(2)?,
                        application: r.get(3)?,
                        kind: r.get(4)?,
                        snapshot: serde_json::from_str(&snapshot).unwrap_or_default(),
                        issued_at: r.get(6)?,
                    })
                },
            )
            .optional()?)
    }
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
