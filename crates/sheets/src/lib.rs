//! Signed scoring sheets (专家评分表): issuing one (the database's submitted scores → an A4 PDF →
//! the expert's PAdES signature → a record of what was issued) and verifying a file (the
//! signatures, whose certificate, and whether the database still holds what the sheet shows).
//! Shared by the CLI and the app; the clock is read here, by the caller's side, not the domain.

use chrono::{DateTime, FixedOffset};
use park_review_domain::ids::RoundId;
use park_review_domain::ErrorCode;
use park_review_signing::keys::{common_name, parse_certificate, unlock, Subject};
use park_review_signing::pades::{pdf_date, sign_pdf, SignatureInfo};
use park_review_signing::verify::{verify_pdf, SignatureReport};
use park_review_signing::SigningError;
use park_review_store::{sheet_snapshot, Actor, KeyOwner, Store, StoreError};
use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

mod reports;
pub use reports::{publicity, ranking_pdf, ranking_xlsx};

/// A failure with its stable code and a Chinese message.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct SheetError {
    pub code: ErrorCode,
    pub message: String,
}

impl From<StoreError> for SheetError {
    fn from(e: StoreError) -> Self {
        SheetError {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl From<SigningError> for SheetError {
    fn from(e: SigningError) -> Self {
        let code = match e {
            SigningError::WrongPassphrase => ErrorCode::WrongPassphrase,
            SigningError::WeakPassphrase => ErrorCode::OutOfRange,
            SigningError::BadPdf(_) => ErrorCode::SignatureInvalid,
            SigningError::BadKey(_) | SigningError::Sign(_) => ErrorCode::Internal,
        };
        SheetError {
            code,
            message: e.to_string(),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn printed_time(stamp: &Option<String>) -> String {
    stamp
        .as_deref()
        .map(|s| s.replacen('T', " ", 1))
        .unwrap_or_default()
}

/// Creates a key and certificate for an expert (or the secretariat) and stores them.
pub fn create_key(
    store: &mut Store,
    actor: &Actor,
    owner: KeyOwner<'_>,
    passphrase: &str,
    now: DateTime<FixedOffset>,
) -> Result<park_review_store::StoredKey, SheetError> {
    let subject = match owner {
        KeyOwner::Expert(code) => {
            let expert = store.expert_by_code(code)?;
            Subject {
                name: expert.name,
                organisation: expert.employer,
                unit: format!("评审专家 {}", expert.code),
            }
        }
        KeyOwner::Secretariat => Subject {
            name: "秘书处".into(),
            organisation: "广东省人工智能产业园区评审秘书处".into(),
            unit: String::new(),
        },
    };
    // Checked before the (slow) key derivation; save_key checks again.
    store.check_no_key(owner)?;
    let key =
        park_review_signing::keys::create_key(&subject, passphrase, now.timestamp().max(0) as u64)?;
    let sha = park_review_signing::keys::certificate_fingerprint(&key.certificate_der);
    Ok(store.save_key(
        actor,
        owner,
        &key.certificate_der,
        &sha,
        &key.encrypted_key_pem,
    )?)
}

/// Changes the passphrase that protects a stored key (the key and its certificate stay): the
/// old passphrase must unlock it, the new one must be long enough; nothing changes otherwise.
pub fn change_passphrase(
    store: &mut Store,
    actor: &Actor,
    owner: KeyOwner<'_>,
    old: &str,
    new: &str,
) -> Result<(), SheetError> {
    let stored = store.signing_key(owner)?;
    let pem = park_review_signing::keys::change_passphrase(&stored.encrypted_key_pem, old, new)?;
    Ok(store.update_encrypted_key(actor, owner, &pem)?)
}

/// A sheet made and signed.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct IssuedFile {
    pub sheet_id: String,
    pub application: String,
    pub expert: String,
    pub total: f64,
    pub file_sha256: String,
    #[serde(skip)]
    #[ts(skip)]
    pub bytes: Vec<u8>,
}

/// An unlocked key, ready to sign many sheets (the passphrase is asked once per batch).
pub struct Signer {
    key: park_review_signing::SigningKeyP256,
    certificate_der: Vec<u8>,
    name: String,
}

impl Signer {
    pub(crate) fn key(&self) -> &park_review_signing::SigningKeyP256 {
        &self.key
    }

    pub(crate) fn certificate_der(&self) -> &[u8] {
        &self.certificate_der
    }

    pub fn unlock(
        store: &Store,
        owner: KeyOwner<'_>,
        passphrase: &str,
    ) -> Result<Signer, SheetError> {
        let stored = store.signing_key(owner)?;
        let key = unlock(&stored.encrypted_key_pem, passphrase)?;
        let name = common_name(&parse_certificate(&stored.certificate_der)?);
        Ok(Signer {
            key,
            certificate_der: stored.certificate_der,
            name,
        })
    }
}

/// A sheet read from the database and ready to be laid out and signed (no database needed for
/// that step, so a batch can do it on several cores).
#[derive(Debug, Clone)]
pub struct PreparedSheet {
    data: park_review_documents::SheetData,
    snapshot: serde_json::Value,
    round_id: RoundId,
}

/// Reads one submitted assignment for its sheet; NOT_SUBMITTED otherwise.
pub fn prepare_sheet(
    store: &Store,
    round_id: RoundId,
    expert: &str,
    application: &str,
) -> Result<PreparedSheet, SheetError> {
    let round = store.round(round_id)?;
    let sheet = store.score_sheet(round_id, expert, application)?;
    if sheet.submitted_at.is_none() {
        return Err(SheetError {
            code: ErrorCode::NotSubmitted,
            message: format!(
                "专家 {} 对申报 {} 的评分尚未提交：只有已提交（锁定）的评分才能生成签名评分表。",
                sheet.expert_code, sheet.application.code
            ),
        });
    }
    let expert_row = store.find_panel_expert(round_id, expert)?;
    let data = park_review_documents::SheetData {
        sheet_id: park_review_store::fresh_uid(),
        round_title: round.title.clone(),
        application_code: sheet.application.code.clone(),
        park_name: sheet.application.park_name.clone(),
        city: sheet.application.city.name_zh().to_owned(),
        expert_code: sheet.expert_code.clone(),
        expert_name: sheet.expert_name.clone(),
        employer: expert_row.employer.clone(),
        rubric: sheet.rubric.clone(),
        scores: sheet
            .scores
            .iter()
            .map(|s| (s.points, s.comment.clone()))
            .collect(),
        total: sheet.total,
        opinion: sheet.opinion.clone(),
        declared_at: printed_time(&sheet.declared_at),
        submitted_at: printed_time(&sheet.submitted_at),
        rubric_sha256: sheet.rubric_sha256.clone().unwrap_or_default(),
        entered_by: sheet.entered_by.clone(),
        signature_png: store.hand_signature(&sheet.expert_code)?,
    };
    Ok(PreparedSheet {
        snapshot: sheet_snapshot(&sheet),
        data,
        round_id,
    })
}

/// Lays out and signs a prepared sheet: pure computation.
pub fn sign_prepared(
    prepared: &PreparedSheet,
    signer: &Signer,
    now: DateTime<FixedOffset>,
) -> Result<Vec<u8>, SheetError> {
    let generated = park_review_documents::GeneratedAt {
        unix_seconds: now.timestamp(),
        local_text: now.format("%Y-%m-%d %H:%M:%S %:z").to_string(),
    };
    let pdf = park_review_documents::scoring_sheet(&prepared.data, &generated);
    let info = SignatureInfo {
        name: signer.name.clone(),
        reason: format!(
            "评审专家评分表 {} {}",
            prepared.data.application_code, prepared.data.expert_code
        ),
        pdf_date: pdf_date(&now),
    };
    Ok(sign_pdf(&pdf, &signer.key, &signer.certificate_der, &info)?)
}

/// Records a signed sheet as issued.
pub fn record_prepared(
    store: &mut Store,
    actor: &Actor,
    prepared: &PreparedSheet,
    signed: Vec<u8>,
) -> Result<IssuedFile, SheetError> {
    let file_sha256 = hex(&Sha256::digest(&signed));
    let d = &prepared.data;
    store.record_sheet(
        actor,
        &d.sheet_id,
        prepared.round_id,
        &d.expert_code,
        Some(&d.application_code),
        &prepared.snapshot,
        &signed,
    )?;
    Ok(IssuedFile {
        sheet_id: d.sheet_id.clone(),
        application: d.application_code.clone(),
        expert: d.expert_code.clone(),
        total: d.total,
        file_sha256,
        bytes: signed,
    })
}

/// Issues the signed scoring sheet of one submitted assignment.
pub fn issue_sheet(
    store: &mut Store,
    actor: &Actor,
    signer: &Signer,
    round_id: RoundId,
    expert: &str,
    application: &str,
    now: DateTime<FixedOffset>,
) -> Result<IssuedFile, SheetError> {
    let prepared = prepare_sheet(store, round_id, expert, application)?;
    let signed = sign_prepared(&prepared, signer, now)?;
    record_prepared(store, actor, &prepared, signed)
}

/// Issues many sheets: read in turn, laid out and signed on `threads` cores, recorded in turn;
/// `progress(done, of, sheet)` is called as each is recorded (in completion order).
pub fn issue_sheets(
    store: &mut Store,
    actor: &Actor,
    signer: &Signer,
    prepared: Vec<PreparedSheet>,
    threads: usize,
    now: DateTime<FixedOffset>,
    mut progress: impl FnMut(usize, usize, &IssuedFile) -> Result<(), SheetError>,
) -> Result<Vec<IssuedFile>, SheetError> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let total = prepared.len();
    let next = AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Result<Vec<u8>, SheetError>)>();
    let mut issued = Vec::with_capacity(total);
    std::thread::scope(|scope| -> Result<(), SheetError> {
        for _ in 0..threads.clamp(1, 16) {
            let tx = tx.clone();
            let (next, prepared) = (&next, &prepared);
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(p) = prepared.get(i) else { break };
                if tx.send((i, sign_prepared(p, signer, now))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        for (i, signed) in rx {
            let file = record_prepared(store, actor, &prepared[i], signed?)?;
            progress(issued.len() + 1, total, &file)?;
            issued.push(file);
        }
        Ok(())
    })?;
    Ok(issued)
}

/// What a summary sheet shows: every submitted application of the expert with its total.
fn summary_rows(
    store: &Store,
    round_id: RoundId,
    expert: &str,
) -> Result<Vec<park_review_documents::SummaryRow>, SheetError> {
    Ok(store
        .expert_assignments(round_id, expert)?
        .into_iter()
        .filter(|a| a.submitted_at.is_some())
        .map(|a| park_review_documents::SummaryRow {
            application_code: a.application.code,
            park_name: a.application.park_name,
            city: a.application.city.name_zh().to_owned(),
            total: a.total,
            submitted_at: printed_time(&a.submitted_at),
        })
        .collect())
}

fn summary_snapshot(rows: &[park_review_documents::SummaryRow]) -> serde_json::Value {
    serde_json::json!({
        "rows": rows
            .iter()
            .map(|r| serde_json::json!({"application": r.application_code, "total": r.total, "submitted_at": r.submitted_at}))
            .collect::<Vec<_>>()
    })
}

/// Issues the expert's signed summary sheet (专家评分汇总表) of a round.
pub fn issue_summary(
    store: &mut Store,
    actor: &Actor,
    signer: &Signer,
    round_id: RoundId,
    expert: &str,
    now: DateTime<FixedOffset>,
) -> Result<IssuedFile, SheetError> {
    let round = store.round(round_id)?;
    let expert_row = store.find_panel_expert(round_id, expert)?;
    let rows = summary_rows(store, round_id, &expert_row.code)?;
    if rows.is_empty() {
        return Err(SheetError {
            code: ErrorCode::NotSubmitted,
            message: format!(
                "专家 {} 在批次 {} 中还没有已提交的评分，无法生成评分汇总表。",
                expert_row.code, round.code
            ),
        });
    }
    let rubric = store.rubric(round_id)?;
    let sheet_id = park_review_store::fresh_uid();
    let data = park_review_documents::SummaryData {
        sheet_id: sheet_id.clone(),
        round_title: round.title.clone(),
        expert_code: expert_row.code.clone(),
        expert_name: expert_row.name.clone(),
        employer: expert_row.employer.clone(),
        rows: rows.clone(),
        max_total: rubric.max_total,
        rubric_sha256: rubric.frozen_sha256.clone().unwrap_or_default(),
        signature_png: store.hand_signature(&expert_row.code)?,
    };
    let generated = park_review_documents::GeneratedAt {
        unix_seconds: now.timestamp(),
        local_text: now.format("%Y-%m-%d %H:%M:%S %:z").to_string(),
    };
    let pdf = park_review_documents::summary_sheet(&data, &generated);
    let info = SignatureInfo {
        name: signer.name.clone(),
        reason: format!("评审专家评分汇总表 {} {}", round.code, expert_row.code),
        pdf_date: pdf_date(&now),
    };
    let signed = sign_pdf(&pdf, &signer.key, &signer.certificate_der, &info)?;
    let file_sha256 = hex(&Sha256::digest(&signed));
    store.record_sheet(
        actor,
        &sheet_id,
        round_id,
        &expert_row.code,
        None,
        &summary_snapshot(&rows),
        &signed,
    )?;
    Ok(IssuedFile {
        sheet_id,
        application: String::new(),
        expert: expert_row.code,
        total: rows.iter().map(|r| r.total).sum(),
        file_sha256,
        bytes: signed,
    })
}

/// One signature of a verified file, with what this database knows of its signer.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SignatureVerdict {
    pub signer: String,
    pub signing_time: String,
    pub reason: String,
    pub certificate_sha256: String,
    pub cryptographically_valid: bool,
    pub covers_whole_file: bool,
    /// `E003 黄建华` if the certificate is registered in this database.
    pub registered_owner: Option<String>,
    pub problems: Vec<String>,
}

/// The verdict on a file.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Verification {
    /// Every signature is cryptographically valid, the last covers the whole file, and every
    /// signer is registered (when a database was consulted).
    pub valid: bool,
    pub signatures: Vec<SignatureVerdict>,
    /// The issued sheet this file is, if the database recorded it.
    pub sheet_id: Option<String>,
    /// Whether the database still holds exactly what the sheet shows (None: not a recorded sheet).
    pub matches_database: Option<bool>,
    /// What differs, in Chinese.
    pub differences: Vec<String>,
    pub problems: Vec<String>,
}

/// A PDF date (`D:20261127093000+08'00'`) as people read it (`2026-11-27 09:30:00 +08:00`).
pub fn readable_pdf_date(date: &str) -> String {
    let d = date.trim_start_matches("D:");
    let digits: String = d.chars().take(14).collect();
    if digits.len() < 14 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return date.to_owned();
    }
    let zone = d[14..].replace('\'', "");
    let zone = match zone.as_str() {
        "" | "Z" => "+00:00".to_owned(),
        z if z.len() >= 5 => format!("{}:{}", &z[..3], &z[3..5]),
        z => z.to_owned(),
    };
    format!(
        "{}-{}-{} {}:{}:{} {zone}",
        &digits[0..4],
        &digits[4..6],
        &digits[6..8],
        &digits[8..10],
        &digits[10..12],
        &digits[12..14]
    )
}

fn verdict(report: &SignatureReport, owner: Option<String>) -> SignatureVerdict {
    SignatureVerdict {
        signer: report.signer.clone(),
        signing_time: readable_pdf_date(&report.signing_time),
        reason: report.reason.clone(),
        certificate_sha256: report.certificate_sha256.clone(),
        cryptographically_valid: report.digest_matches
            && report.signature_valid
            && report.certificate_bound,
        covers_whole_file: report.covers_whole_file,
        registered_owner: owner,
        problems: report.problems.clone(),
    }
}

/// Verifies a file; with a database, also who signed it and whether the database agrees.
pub fn verify_file(bytes: &[u8], store: Option<&Store>) -> Result<Verification, SheetError> {
    let reports = match verify_pdf(bytes) {
        Ok(r) => r,
        Err(e) => {
            return Ok(Verification {
                valid: false,
                signatures: Vec::new(),
                sheet_id: None,
                matches_database: None,
                differences: Vec::new(),
                problems: vec![format!("文件无法作为 PDF 读取，可能已损坏或被改动：{e}")],
            })
        }
    };
    let mut problems = Vec::new();
    if reports.is_empty() {
        problems.push("文件中没有数字签名。".into());
    }
    let mut signatures = Vec::new();
    for r in &reports {
        let owner = match store {
            Some(s) => s.certificate_owner(&r.certificate_sha256)?,
            None => None,
        };
        if store.is_some() && owner.is_none() && !r.certificate_sha256.is_empty() {
            problems.push(format!(
                "签名人“{}”的证书不是本数据库登记的专家或秘书处证书。",
                r.signer
            ));
        }
        // Every signature must cover the whole file: a sheet has one signer, so anything added
        // after it — even a further signed revision — is a change the signer did not sign.
        let v = verdict(r, owner);
        problems.extend(v.problems.iter().cloned());
        signatures.push(v);
    }
    let mut sheet_id = None;
    let mut matches_database = None;
    let mut differences = Vec::new();
    if let (Some(store), Some(last)) = (store, reports.last()) {
        let end = (last.byte_range[2] + last.byte_range[3]) as usize;
        let signed_sha = hex(&Sha256::digest(&bytes[..end.min(bytes.len())]));
        if let Some(issued) = store.find_sheet(&signed_sha)? {
            sheet_id = Some(issued.sheet_id.clone());
            let now = match &issued.application {
                Some(app) => store
                    .score_sheet(issued.round_id, &issued.expert, app)
                    .map(|s| sheet_snapshot(&s))
                    .map_err(SheetError::from),
                None => summary_rows(store, issued.round_id, &issued.expert)
                    .map(|rows| summary_snapshot(&rows)),
            };
            match now {
                Ok(current) => {
                    differences = compare(&issued.snapshot, &current);
                    matches_database = Some(differences.is_empty());
                }
                Err(e) => {
                    differences.push(format!("数据库中已无法取得该评分：{e}"));
                    matches_database = Some(false);
                }
            }
        }
    }
    let valid = problems.is_empty() && !signatures.is_empty();
    Ok(Verification {
        valid,
        signatures,
        sheet_id,
        matches_database,
        differences,
        problems,
    })
}

fn compare(then: &serde_json::Value, now: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    if then.get("rows").is_some() {
        if then["rows"] != now["rows"] {
            out.push(format!(
                "汇总表所列的申报与合计分和数据库不一致：汇总表 {}，数据库现为 {}",
                then["rows"], now["rows"]
            ));
        }
        return out;
    }
    if then["total"] != now["total"] {
        out.push(format!(
            "合计：评分表 {}，数据库现为 {}",
            then["total"], now["total"]
        ));
    }
    if let (Some(a), Some(b)) = (then["scores"].as_object(), now["scores"].as_object()) {
        for (code, v) in a {
            if b.get(code) != Some(v) {
                out.push(format!(
                    "评分项 {code}：评分表 {}，数据库现为 {}",
                    v,
                    b.get(code).cloned().unwrap_or_default()
                ));
            }
        }
    }
    if then["opinion"] != now["opinion"] {
        out.push("评审意见与数据库不一致".into());
    }
    if then["submitted_at"] != now["submitted_at"] {
        out.push(format!(
            "提交时间：评分表 {}，数据库现为 {}（评分可能被退回后重新提交或仍未提交）",
            then["submitted_at"], now["submitted_at"]
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn pdf_dates_read_like_the_rest_of_the_product() {
        assert_eq!(
            super::readable_pdf_date("D:20261127093000+08'00'"),
            "2026-11-27 09:30:00 +08:00"
        );
        assert_eq!(
            super::readable_pdf_date("D:20261127013000Z"),
            "2026-11-27 01:30:00 +00:00"
        );
        assert_eq!(super::readable_pdf_date("garbage"), "garbage");
    }
}
