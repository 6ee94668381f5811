//! Signed scoring sheets (专家评分表): one sheet, every submitted sheet of an expert (laid out
//! and signed on every core), the expert's summary sheet (专家评分汇总表), and collecting a
//! round's signed sheets for the secretariat. Each issued sheet is recorded with a snapshot of
//! what it shows and the SHA-256 of the signed file, so `verify` can compare it later.

use chrono::{DateTime, FixedOffset};
use park_review_documents::GeneratedAt;
use park_review_domain::claim::{ClaimedSigner, DocumentKind, SignedClaim, CLAIM_FORMAT};
use park_review_domain::digest::sha256_hex;
use park_review_domain::ids::{AssignmentKey, RoundId};
use park_review_domain::{CodedError, ErrorCode, Points};
use park_review_signing::keys::{common_name, parse_certificate, unlock};
use park_review_signing::pades::{pdf_date, sign_pdf, SignatureInfo};
use park_review_store::{sheet_snapshot, Actor, KeyOwner, NewIssuedDocument, Store};
use serde::Serialize;
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::files::{sheet_file_name, summary_file_name, Document};
use crate::{Caller, Result};

/// `2026-11-27T09:30:00+08:00` as printed on a sheet: `2026-11-27 09:30:00+08:00`.
fn printed_time(stamp: &Option<String>) -> String {
    stamp
        .as_deref()
        .map(|s| s.replacen('T', " ", 1))
        .unwrap_or_default()
}

/// A sheet made and signed.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct IssuedFile {
    pub sheet_id: String,
    /// Empty for a summary sheet.
    pub application: String,
    pub expert: String,
    pub total: Points,
    pub file_sha256: String,
    /// The name it is saved under.
    pub file_name: String,
    #[serde(skip)]
    #[ts(skip)]
    pub bytes: Vec<u8>,
}

impl IssuedFile {
    /// The signed file under the name it is saved as.
    pub fn into_document(self) -> Document {
        Document {
            file_name: self.file_name,
            bytes: self.bytes,
        }
    }
}

/// An unlocked key, ready to sign many documents (the passphrase is asked once per batch).
pub struct Signer {
    key: park_review_signing::SigningKeyP256,
    certificate_der: Vec<u8>,
    name: String,
}

impl Signer {
    /// A signer from a key just made (not read back and unlocked).
    pub(crate) fn from_key(
        key: park_review_signing::SigningKeyP256,
        certificate_der: Vec<u8>,
    ) -> Result<Signer> {
        let name = common_name(&parse_certificate(&certificate_der)?);
        Ok(Signer {
            key,
            certificate_der,
            name,
        })
    }

    /// Unlocks the stored key of `owner` with its passphrase (WRONG_PASSPHRASE otherwise).
    pub fn unlock(store: &Store, owner: KeyOwner<'_>, passphrase: &str) -> Result<Signer> {
        Signer::ask(store, owner, || Ok(passphrase.to_owned()))
    }

    /// The certificate this signer signs with (DER).
    pub fn certificate_der(&self) -> &[u8] {
        &self.certificate_der
    }

    /// The unlocked key, for sealing a container (review package, score bundle).
    pub(crate) fn key(&self) -> &park_review_signing::SigningKeyP256 {
        &self.key
    }

    /// Reads the stored key of `owner` (NO_KEY before asking), then asks for its passphrase
    /// and unlocks it, so a user is never asked for a passphrase of a key that does not exist.
    pub fn ask(
        store: &Store,
        owner: KeyOwner<'_>,
        passphrase: impl FnOnce() -> Result<String>,
    ) -> Result<Signer> {
        let stored = store.signing_key(owner)?;
        // The passphrase is wiped from memory when this function returns.
        let passphrase = Zeroizing::new(passphrase()?);
        let key = unlock(stored.private_key_pem()?, &passphrase)?;
        let name = common_name(&parse_certificate(&stored.certificate_der)?);
        Ok(Signer {
            key,
            certificate_der: stored.certificate_der,
            name,
        })
    }

    /// Signs a PDF as an incremental update (PAdES B-B), at `now`, for `reason`, with the claim
    /// of what it is inside the signed bytes.
    pub(crate) fn sign(
        &self,
        pdf: &[u8],
        reason: String,
        now: DateTime<FixedOffset>,
        claim: &SignedClaim,
    ) -> Result<Vec<u8>> {
        self.sign_with(pdf, reason, now, Some(claim.to_text()))
    }

    fn sign_with(
        &self,
        pdf: &[u8],
        reason: String,
        now: DateTime<FixedOffset>,
        claim: Option<String>,
    ) -> Result<Vec<u8>> {
        let info = SignatureInfo {
            name: self.name.clone(),
            reason,
            pdf_date: pdf_date(&now),
            claim,
        };
        Ok(sign_pdf(pdf, &self.key, &self.certificate_der, &info)?)
    }
}

#[cfg(test)]
impl Signer {
    /// A signature as this product made them before claims existed.
    pub(crate) fn sign_without_claim(&self, pdf: &[u8], now: DateTime<FixedOffset>) -> Vec<u8> {
        self.sign_with(pdf, "评审专家评分表".into(), now, None)
            .unwrap()
    }
}

/// A sheet read from the database and ready to be laid out and signed (no database needed for
/// that step, so a batch can do it on several cores).
#[derive(Debug, Clone)]
pub struct PreparedSheet {
    pub(crate) data: park_review_documents::SheetData,
    pub(crate) claim: SignedClaim,
    pub(crate) snapshot: serde_json::Value,
    round_id: RoundId,
    round_code: String,
}

fn not_submitted(expert: &str, application: &str) -> CodedError {
    CodedError::new(
        ErrorCode::NotSubmitted,
        format!(
            "专家 {expert} 对申报 {application} 的评分尚未提交：只有已提交（锁定）的评分才能生成签名评分表。"
        ),
    )
}

/// Reads one submitted assignment for its sheet; NOT_SUBMITTED otherwise.
pub fn prepare_sheet(store: &Store, key: &AssignmentKey) -> Result<PreparedSheet> {
    let round_id = key.round_id;
    let round = store.round(round_id)?;
    let sheet = store.score_sheet(key)?;
    if sheet.submitted_at.is_none() {
        return Err(not_submitted(&sheet.expert_code, &sheet.application.code));
    }
    let expert_row = store.find_panel_expert(round_id, &key.expert)?;
    let sheet_id = park_review_store::fresh_uid();
    let claim = SignedClaim {
        format: CLAIM_FORMAT.into(),
        kind: DocumentKind::ScoreSheet,
        document_uid: sheet_id.clone(),
        round_uid: round.uid.0.clone(),
        round: round.code.clone(),
        application_uid: Some(sheet.application.uid.0.clone()),
        application: Some(sheet.application.code.clone()),
        expert_uid: Some(expert_row.uid.0.clone()),
        signer: ClaimedSigner::Expert {
            code: expert_row.code.clone(),
            name: expert_row.name.clone(),
        },
        rubric_sha256: sheet.rubric_sha256.clone(),
    };
    let data = park_review_documents::SheetData {
        sheet_id,
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
        claim,
        data,
        round_id,
        round_code: round.code,
    })
}

/// Lays out and signs a prepared sheet: pure computation.
pub fn sign_prepared(
    prepared: &PreparedSheet,
    signer: &Signer,
    now: DateTime<FixedOffset>,
) -> Result<Vec<u8>> {
    let pdf = park_review_documents::scoring_sheet(&prepared.data, &GeneratedAt::at(now));
    signer.sign(
        &pdf,
        format!(
            "评审专家评分表 {} {}",
            prepared.data.application_code, prepared.data.expert_code
        ),
        now,
        &prepared.claim,
    )
}

/// Records a signed sheet as issued.
fn record_prepared(
    store: &mut Store,
    actor: &Actor,
    prepared: &PreparedSheet,
    signed: Vec<u8>,
) -> Result<IssuedFile> {
    let d = &prepared.data;
    store.record_document(
        actor,
        &NewIssuedDocument {
            uid: &d.sheet_id,
            round_id: prepared.round_id,
            kind: DocumentKind::ScoreSheet,
            expert: Some(&d.expert_code),
            application: Some(&d.application_code),
            snapshot: &prepared.snapshot,
            pdf: &signed,
        },
    )?;
    Ok(IssuedFile {
        sheet_id: d.sheet_id.clone(),
        application: d.application_code.clone(),
        expert: d.expert_code.clone(),
        total: d.total,
        file_sha256: sha256_hex(&signed),
        file_name: sheet_file_name(&prepared.round_code, &d.application_code, &d.expert_code),
        bytes: signed,
    })
}

/// Reads, lays out, signs and records one sheet with an unlocked key (benchmarks sign many).
pub fn issue_with_signer(
    store: &mut Store,
    actor: &Actor,
    signer: &Signer,
    key: &AssignmentKey,
) -> Result<IssuedFile> {
    let prepared = prepare_sheet(store, key)?;
    let signed = sign_prepared(&prepared, signer, store.now())?;
    record_prepared(store, actor, &prepared, signed)
}

/// Issues the signed scoring sheet of one submitted assignment, signed by the expert. What
/// cannot be signed (not submitted, no key) is refused before the passphrase is asked for;
/// `passphrase` is called with the expert's code.
pub fn issue_sheet(
    store: &mut Store,
    caller: Caller,
    key: &AssignmentKey,
    passphrase: impl FnOnce(&str) -> Result<String>,
) -> Result<IssuedFile> {
    let prepared = prepare_sheet(store, key)?;
    let code = prepared.data.expert_code.clone();
    let signer = Signer::ask(store, KeyOwner::Expert(&code), || passphrase(&code))?;
    let signed = sign_prepared(&prepared, &signer, store.now())?;
    record_prepared(store, &caller.expert(&code), &prepared, signed)
}

/// Issues many prepared sheets: laid out and signed on `threads` cores, recorded in the order
/// given (a sheet signed early waits for those before it, so the files and the audit log come
/// out in the same order on every run); `progress(done, of, sheet)` is called as each is
/// recorded.
pub fn issue_prepared(
    store: &mut Store,
    actor: &Actor,
    signer: &Signer,
    prepared: Vec<PreparedSheet>,
    threads: usize,
    mut progress: impl FnMut(usize, usize, &IssuedFile) -> Result<()>,
) -> Result<Vec<IssuedFile>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let now = store.now();
    let total = prepared.len();
    let next = AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Result<Vec<u8>>)>();
    let mut issued = Vec::with_capacity(total);
    std::thread::scope(|scope| -> Result<()> {
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
        let mut waiting = std::collections::BTreeMap::new();
        for (i, signed) in rx {
            waiting.insert(i, signed);
            while let Some(signed) = waiting.remove(&issued.len()) {
                let file = record_prepared(store, actor, &prepared[issued.len()], signed?)?;
                progress(issued.len() + 1, total, &file)?;
                issued.push(file);
            }
        }
        Ok(())
    })?;
    Ok(issued)
}

/// Every submitted sheet of `expert` in a round, read for signing (in the order of their
/// assignments).
pub fn prepare_submitted(
    store: &Store,
    round_id: RoundId,
    expert: &str,
) -> Result<Vec<PreparedSheet>> {
    store
        .expert_assignments(round_id, expert)?
        .into_iter()
        .filter(|a| a.submitted_at.is_some())
        .map(|a| {
            prepare_sheet(
                store,
                &AssignmentKey::new(round_id, expert, &a.application.code),
            )
        })
        .collect()
}

/// Every core, for laying out and signing a batch of sheets.
pub fn signing_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Issues every submitted sheet of one expert in a round, signed with their key (asked once,
/// after checking there is something to sign), on every core; `progress` sees each sheet as it
/// is recorded, so the front end can save it and show how far the batch is.
pub fn issue_expert_sheets(
    store: &mut Store,
    caller: Caller,
    round_id: RoundId,
    expert: &str,
    passphrase: impl FnOnce(&str) -> Result<String>,
    progress: impl FnMut(usize, usize, &IssuedFile) -> Result<()>,
) -> Result<Vec<IssuedFile>> {
    let round = store.round(round_id)?;
    let expert = store.find_panel_expert(round_id, expert)?;
    let prepared = prepare_submitted(store, round_id, &expert.code)?;
    if prepared.is_empty() {
        return Err(CodedError::new(
            ErrorCode::NotSubmitted,
            format!(
                "专家 {} 在批次 {} 中还没有已提交的评分，无法生成签名评分表。",
                expert.code, round.code
            ),
        ));
    }
    let signer = Signer::ask(store, KeyOwner::Expert(&expert.code), || {
        passphrase(&expert.code)
    })?;
    issue_prepared(
        store,
        &caller.expert(&expert.code),
        &signer,
        prepared,
        signing_threads(),
        progress,
    )
}

/// What a summary sheet shows: every submitted application of the expert with its total.
pub(crate) fn summary_rows(
    store: &Store,
    round_id: RoundId,
    expert: &str,
) -> Result<Vec<park_review_documents::SummaryRow>> {
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

pub(crate) fn summary_snapshot(rows: &[park_review_documents::SummaryRow]) -> serde_json::Value {
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
    caller: Caller,
    round_id: RoundId,
    expert: &str,
    passphrase: impl FnOnce(&str) -> Result<String>,
) -> Result<IssuedFile> {
    let round = store.round(round_id)?;
    let expert_row = store.find_panel_expert(round_id, expert)?;
    let rows = summary_rows(store, round_id, &expert_row.code)?;
    if rows.is_empty() {
        return Err(CodedError::new(
            ErrorCode::NotSubmitted,
            format!(
                "专家 {} 在批次 {} 中还没有已提交的评分，无法生成评分汇总表。",
                expert_row.code, round.code
            ),
        ));
    }
    let owner = KeyOwner::Expert(&expert_row.code);
    let signer = Signer::ask(store, owner, || passphrase(&expert_row.code))?;
    let rubric = store.rubric(round_id)?;
    let sheet_id = park_review_store::fresh_uid();
    let claim = SignedClaim {
        format: CLAIM_FORMAT.into(),
        kind: DocumentKind::SummarySheet,
        document_uid: sheet_id.clone(),
        round_uid: round.uid.0.clone(),
        round: round.code.clone(),
        application_uid: None,
        application: None,
        expert_uid: Some(expert_row.uid.0.clone()),
        signer: ClaimedSigner::Expert {
            code: expert_row.code.clone(),
            name: expert_row.name.clone(),
        },
        rubric_sha256: rubric.frozen_sha256.clone(),
    };
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
    let now = store.now();
    let pdf = park_review_documents::summary_sheet(&data, &GeneratedAt::at(now));
    let signed = signer.sign(
        &pdf,
        format!("评审专家评分汇总表 {} {}", round.code, expert_row.code),
        now,
        &claim,
    )?;
    store.record_document(
        &caller.expert(&expert_row.code),
        &NewIssuedDocument {
            uid: &sheet_id,
            round_id,
            kind: DocumentKind::SummarySheet,
            expert: Some(&expert_row.code),
            application: None,
            snapshot: &summary_snapshot(&rows),
            pdf: &signed,
        },
    )?;
    Ok(IssuedFile {
        sheet_id,
        application: String::new(),
        expert: expert_row.code.clone(),
        total: rows.iter().map(|r| r.total).sum(),
        file_sha256: sha256_hex(&signed),
        file_name: summary_file_name(&round.code, &expert_row.code),
        bytes: signed,
    })
}

/// The latest signed sheet of every assignment, and every summary sheet, of a round, for the
/// secretariat to collect; NOT_SUBMITTED when there is none yet.
pub fn collect_round_sheets(store: &Store, round_id: RoundId) -> Result<Vec<Document>> {
    let round = store.round(round_id)?;
    let sheets = store.round_sheets(round_id)?;
    if sheets.is_empty() {
        return Err(CodedError::new(
            ErrorCode::NotSubmitted,
            format!("批次 {} 还没有已签名的评分表。", round.code),
        ));
    }
    Ok(sheets
        .into_iter()
        .map(|s| Document {
            file_name: match &s.application {
                Some(application) => sheet_file_name(&round.code, application, &s.expert),
                None => summary_file_name(&round.code, &s.expert),
            },
            bytes: s.pdf,
        })
        .collect())
}
