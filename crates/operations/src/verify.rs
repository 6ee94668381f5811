//! Verifying a signed PDF (核验): every signature, who made it, and whether they were entitled
//! to. The file is read first, without the database ([`read_signatures`]: pure computation, so
//! the app does it without holding the store); then each signature is judged against a trust
//! source ([`judge`]):
//!
//! * **a database** — the signer's certificate must be registered there to the very person the
//!   signature's claim names (and not revoked when it signed), and the document must be one this
//!   database issued, byte for byte; what it shows is then compared with what the database holds;
//! * **a list of trusted certificates** (`--trust F.pem`) — the certificate must be in the list and
//!   its subject must be the person the claim names;
//! * **nothing** — only the file's integrity is checked; the verdict says so and is not "valid".

use park_review_domain::claim::{ClaimedSigner, DocumentKind, SignedClaim};
use park_review_domain::digest::sha256_hex;
use park_review_signing::verify::{verify_pdf, PdfVerification, SignatureReport};
use park_review_store::{sheet_snapshot, Store};
use serde::Serialize;
use ts_rs::TS;

use crate::sheets::{summary_rows, summary_snapshot};
use crate::Result;

/// Against what the signers were checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum TrustBasis {
    /// The registered certificates and issued documents of a database.
    Database,
    /// A file of trusted certificates.
    Certificates,
    /// Nothing: integrity only, the signer is not verified.
    None,
}

/// One signature of a verified file, with what the trust source says of its signer.
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
    /// Who the signed claim says signs, and what the document is (None: no claim of ours).
    pub claimed_signer: Option<String>,
    pub document_kind: Option<String>,
    pub problems: Vec<String>,
}

/// The verdict on a file.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Verification {
    /// Every signature is intact, nothing but signatures follows any of them, and every signer
    /// is the person the claim names according to the trust source. Never true without one.
    pub valid: bool,
    pub trust: TrustBasis,
    pub signatures: Vec<SignatureVerdict>,
    /// The issued document this file is, if the database recorded it.
    pub sheet_id: Option<String>,
    /// Whether the database still holds exactly what the document shows (None: not checked).
    pub matches_database: Option<bool>,
    /// What differs, in Chinese.
    pub differences: Vec<String>,
    /// For a document every member of a group signs (the panel report): the members, by code
    /// and name, whose signature is not on this file yet (checked with `--db` only).
    pub unsigned: Vec<String>,
    pub problems: Vec<String>,
}

impl Verification {
    /// Every signature is intact and the only problem is that nothing says who may sign.
    pub fn integrity_only(&self) -> bool {
        self.trust == TrustBasis::None
            && !self.signatures.is_empty()
            && self.signatures.iter().all(|s| s.problems.is_empty())
            && self.problems.len() == 1
    }
}

/// What the verifier trusts.
pub enum Trust<'a> {
    Database(&'a Store),
    /// Trusted certificates, DER.
    Certificates(&'a [Vec<u8>]),
    None,
}

/// A file read and its signatures checked, before any trust decision.
#[derive(Debug, Clone)]
pub struct ReadFile {
    pdf: std::result::Result<PdfVerification, String>,
    /// The SHA-256 of the revision each signature signed (the file as it was issued).
    revision_sha256: Vec<String>,
}

impl ReadFile {
    /// The SHA-256 of the revision signature `i` signed.
    pub fn revision_sha256(&self, i: usize) -> Option<String> {
        self.revision_sha256.get(i).cloned()
    }

    /// The SHA-256 of the certificate signature `i` was made with.
    pub fn certificate_sha256(&self, i: usize) -> Option<String> {
        self.pdf
            .as_ref()
            .ok()?
            .signatures
            .get(i)
            .map(|s| s.certificate_sha256.clone())
    }

    /// The claim of each signature, in order (None: a signature without one, or not ours).
    pub fn claims(&self) -> Vec<Option<SignedClaim>> {
        match &self.pdf {
            Ok(pdf) => pdf
                .signatures
                .iter()
                .map(|s| s.claim.as_deref().and_then(SignedClaim::parse))
                .collect(),
            Err(_) => Vec::new(),
        }
    }
}

/// Reads a PDF and checks its signatures' integrity (no database, no trust decision).
pub fn read_signatures(bytes: &[u8]) -> ReadFile {
    match verify_pdf(bytes) {
        Ok(pdf) => ReadFile {
            revision_sha256: pdf
                .signatures
                .iter()
                .map(|s| sha256_hex(bytes.get(..s.signed_end).unwrap_or_default()))
                .collect(),
            pdf: Ok(pdf),
        },
        Err(e) => ReadFile {
            pdf: Err(e.to_string()),
            revision_sha256: Vec::new(),
        },
    }
}

/// Reads and judges a file in one step.
pub fn verify_file(bytes: &[u8], trust: Trust<'_>) -> Result<Verification> {
    judge(&read_signatures(bytes), trust)
}

/// A PDF date (`D:20261127093000+08'00'`) as people read it (`2026-11-27 09:30:00 +08:00`),
/// in the signer's own offset; anything that is not a date is shown as written.
pub fn readable_pdf_date(date: &str) -> String {
    park_review_signing::verify::syntax::pdf_date(date)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S %:z").to_string())
        .unwrap_or_else(|| date.to_owned())
}

fn integrity_ok(report: &SignatureReport) -> bool {
    report.digest_matches && report.signature_valid && report.certificate_bound
}

/// The moment a signature was made, as the verifier believes it: the time the database recorded
/// issuing the document if it did (the signer cannot backdate that), else the signer's `/M`.
fn signed_at(report: &SignatureReport, issued_at: Option<&str>) -> Option<i64> {
    issued_at
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.timestamp())
        .or(report.signing_time_unix)
}

const NO_CLAIM: &str = "签名中没有本系统的签署声明（或无法识别）：无法确认签名人与文件的对应关系。";

/// The claim a document issued before claims existed would have carried, from the database's
/// record of issuing exactly this file (None: the database never issued it).
fn legacy_claim(store: &Store, revision_sha256: &str) -> Result<Option<SignedClaim>> {
    let Some(doc) = store.issued_document_by_file(revision_sha256)? else {
        return Ok(None);
    };
    let round = store.round(doc.round_id)?;
    let signer = match &doc.expert {
        Some(code) => {
            let expert = store.expert_by_code(code)?;
            park_review_domain::claim::ClaimedSigner::Expert {
                code: expert.code,
                name: expert.name,
            }
        }
        None => park_review_domain::claim::ClaimedSigner::Secretariat,
    };
    Ok(Some(SignedClaim {
        format: park_review_domain::claim::CLAIM_FORMAT.into(),
        kind: doc.kind,
        document_uid: doc.sheet_id,
        round_uid: round.uid.0,
        round: round.code,
        application_uid: None,
        application: doc.application,
        expert_uid: None,
        signer,
        rubric_sha256: None,
    }))
}

/// Judges a read file against a trust source.
pub fn judge(file: &ReadFile, trust: Trust<'_>) -> Result<Verification> {
    let basis = match trust {
        Trust::Database(_) => TrustBasis::Database,
        Trust::Certificates(_) => TrustBasis::Certificates,
        Trust::None => TrustBasis::None,
    };
    let pdf = match &file.pdf {
        Ok(pdf) => pdf,
        Err(e) => {
            return Ok(Verification {
                valid: false,
                trust: basis,
                signatures: Vec::new(),
                sheet_id: None,
                matches_database: None,
                differences: Vec::new(),
                unsigned: Vec::new(),
                problems: vec![format!("文件无法作为 PDF 读取，可能已损坏或被改动：{e}")],
            })
        }
    };
    let mut problems: Vec<String> = pdf.problems.clone();
    let mut signatures = Vec::new();
    let mut sheet_id = None;
    let mut matches_database = None;
    let mut differences = Vec::new();
    let mut panel: Vec<(String, String)> = Vec::new();
    let mut claimed_experts: Vec<String> = Vec::new();
    for (i, report) in pdf.signatures.iter().enumerate() {
        let claim = report.claim.as_deref().and_then(SignedClaim::parse);
        let mut verdict = SignatureVerdict {
            signer: report.signer.clone(),
            signing_time: readable_pdf_date(&report.signing_time),
            reason: report.reason.clone(),
            certificate_sha256: report.certificate_sha256.clone(),
            cryptographically_valid: integrity_ok(report),
            covers_whole_file: report.covers_whole_file,
            registered_owner: None,
            claimed_signer: claim.as_ref().map(|c| c.signer.label()),
            document_kind: claim.as_ref().map(|c| c.kind.name_zh().to_owned()),
            problems: report.problems.clone(),
        };
        // Who signed can only be judged for an intact signature with a certificate.
        if report.certificate_sha256.is_empty() {
            signatures.push(verdict);
            continue;
        }
        let claim = match (claim, &trust) {
            (Some(claim), _) => claim,
            // A document issued before signatures carried claims: the database's record of
            // issuing exactly these bytes stands in for the claim.
            (None, Trust::Database(store)) => {
                match legacy_claim(store, &file.revision_sha256[i])? {
                    Some(claim) => claim,
                    None => {
                        verdict.problems.push(NO_CLAIM.into());
                        signatures.push(verdict);
                        continue;
                    }
                }
            }
            (None, _) => {
                verdict.problems.push(NO_CLAIM.into());
                signatures.push(verdict);
                continue;
            }
        };
        if let ClaimedSigner::Expert { code, .. } = &claim.signer {
            claimed_experts.push(code.clone());
        }
        match trust {
            Trust::Database(store) => {
                let record = store.certificate_record(&report.certificate_sha256)?;
                verdict.registered_owner = record.as_ref().map(|r| r.signer.label());
                let issued = store.issued_document(&claim.document_uid)?;
                let issued_at = issued.as_ref().map(|d| d.issued_at.as_str());
                match &record {
                    None => verdict.problems.push(format!(
                        "签名人“{}”的证书不是本数据库登记的证书：无法确认签名人是{}。",
                        report.signer,
                        claim.signer.label()
                    )),
                    Some(r) if r.signer != claim.signer => verdict.problems.push(format!(
                        "签署声明写明由 {} 签署，但签名所用的证书登记给 {}：签名人与文件不符。",
                        claim.signer.label(),
                        r.signer.label()
                    )),
                    Some(r) => {
                        let revoked = r
                            .revoked_at
                            .as_deref()
                            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
                        if let Some(revoked) = revoked {
                            let signed = signed_at(report, issued_at);
                            if signed.is_none_or(|t| t >= revoked.timestamp()) {
                                verdict.problems.push(format!(
                                    "签名所用的证书已于 {} 吊销（{}），此后签署的文件无效。",
                                    r.revoked_at
                                        .clone()
                                        .unwrap_or_default()
                                        .replacen('T', " ", 1),
                                    r.revoked_reason.clone().unwrap_or_default()
                                ));
                            }
                        }
                    }
                }
                match &issued {
                    None => verdict.problems.push(format!(
                        "本数据库没有签发过编号为 {} 的{}：文件不是本数据库签发的。",
                        claim.document_uid,
                        claim.kind.name_zh()
                    )),
                    Some(doc) if doc.file_sha256 != file.revision_sha256[i] => {
                        verdict.problems.push(format!(
                            "签署声明指向的{} {} 与本文件不同：签名被移到了另一份文件上，或这不是签发时的文件。",
                            claim.kind.name_zh(),
                            claim.document_uid
                        ))
                    }
                    Some(doc) if doc.kind != claim.kind => verdict.problems.push(format!(
                        "签署声明称本文件为{}，数据库记录的却是{}。",
                        claim.kind.name_zh(),
                        doc.kind.name_zh()
                    )),
                    Some(doc) => {
                        // The first signature's document is the one the file shows.
                        if sheet_id.is_none() {
                            sheet_id = Some(doc.sheet_id.clone());
                            if doc.kind == DocumentKind::PanelReport {
                                panel = store
                                    .list_panel(doc.round_id)?
                                    .into_iter()
                                    .map(|e| (e.code, e.name))
                                    .collect();
                            }
                            let current = current_snapshot(store, doc);
                            match current {
                                Ok(now) => {
                                    differences = compare(&doc.snapshot, &now);
                                    // A score the panel changed in its 复核 after the expert
                                    // signed: say so, with the case and reason recorded.
                                    if doc.kind == DocumentKind::ScoreSheet && !differences.is_empty() {
                                        for c in store.rechecks(doc.round_id)? {
                                            if Some(&c.application) == doc.application.as_ref()
                                                && Some(&c.expert) == doc.expert.as_ref()
                                            {
                                                differences.push(format!(
                                                    "评审委员会复核时将评分项 {} 由 {} 分改为 {} 分（{}：{}；{} 记录于 {}）",
                                                    c.criterion, c.old_points, c.new_points, c.case_zh, c.reason,
                                                    c.recorded_by, c.recorded_at.replacen('T', " ", 1)
                                                ));
                                            }
                                        }
                                    }
                                    matches_database = Some(differences.is_empty());
                                }
                                Err(e) => {
                                    differences.push(format!("数据库中已无法取得该文件的内容：{e}"));
                                    matches_database = Some(false);
                                }
                            }
                        }
                    }
                }
            }
            Trust::Certificates(trusted) => {
                let listed = trusted.iter().any(|der| {
                    park_review_signing::keys::certificate_fingerprint(der)
                        == report.certificate_sha256
                });
                if !listed {
                    verdict
                        .problems
                        .push(format!("签名人“{}”的证书不在信任列表中。", report.signer));
                } else if !claim
                    .signer
                    .matches_subject(&report.signer, &report.signer_unit)
                {
                    verdict.problems.push(format!(
                        "签署声明写明由 {} 签署，但证书属于“{}”（{}）：签名人与文件不符。",
                        claim.signer.label(),
                        report.signer,
                        report.signer_unit
                    ));
                }
            }
            Trust::None => {}
        }
        signatures.push(verdict);
    }
    if matches!(trust, Trust::None) && !signatures.is_empty() {
        problems.push(
            "未提供信任来源：只核验了文件的完整性，未核实签名人是谁。请用 --db 指定签发它的数据库，或用 --trust 指定受信任的证书。"
                .into(),
        );
    }
    for s in &signatures {
        for p in &s.problems {
            if !problems.contains(p) {
                problems.push(p.clone());
            }
        }
    }
    // Members still to sign: the panel less everyone whose claim is on the file.
    let unsigned: Vec<String> = panel
        .into_iter()
        .filter(|(code, _)| !claimed_experts.contains(code))
        .map(|(code, name)| format!("{code} {name}"))
        .collect();
    let valid = problems.is_empty() && !signatures.is_empty();
    Ok(Verification {
        unsigned,
        valid,
        trust: basis,
        signatures,
        sheet_id,
        matches_database,
        differences,
        problems,
    })
}

/// What the database holds now for an issued document, in the form of its snapshot.
fn current_snapshot(
    store: &Store,
    doc: &park_review_store::IssuedSheet,
) -> Result<serde_json::Value> {
    match (doc.kind, &doc.expert, &doc.application) {
        (DocumentKind::ScoreSheet, Some(expert), Some(app)) => {
            Ok(sheet_snapshot(&store.score_sheet(
                &park_review_domain::ids::AssignmentKey::new(doc.round_id, expert, app),
            )?))
        }
        (DocumentKind::InspectionRecord, _, Some(app)) => {
            let view = store.inspection(doc.round_id, app)?;
            let dissents = store.inspection_dissents(doc.round_id, app)?;
            Ok(park_review_store::inspection::record_snapshot(
                &view, &dissents,
            ))
        }
        (DocumentKind::PanelReport, _, _) => {
            let layout = doc
                .snapshot
                .get("layout")
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned();
            crate::panel::current_snapshot(store, doc.round_id, &layout, &doc.snapshot)
        }
        (DocumentKind::DesignationList, _, _) => {
            let (designated, removed) = store.designation_list(doc.round_id)?;
            Ok(park_review_domain::publication::designation_snapshot(
                &designated,
                &removed,
            ))
        }
        (DocumentKind::SummarySheet, Some(expert), _) => Ok(summary_snapshot(&summary_rows(
            store,
            doc.round_id,
            expert,
        )?)),
        _ => Ok(crate::reports::ranking_snapshot(
            &store.ranking(doc.round_id)?,
        )),
    }
}

fn compare(then: &serde_json::Value, now: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(content) = then.get("content") {
        let now = &now["content"];
        for (key, what) in [
            ("ranking", "排名结果"),
            ("rechecks", "复核修改"),
            ("dissents", "不同意见"),
            ("leader", "组长"),
            ("members", "评审委员会成员"),
        ] {
            if content[key] != now[key] {
                out.push(format!(
                    "报告所列的{what}和数据库不一致：报告 {}，数据库现为 {}",
                    content[key], now[key]
                ));
            }
        }
        return out;
    }
    if then.get("rows").is_some() {
        if then["rows"] != now["rows"] {
            out.push(format!(
                "文件所列的内容和数据库不一致：文件 {}，数据库现为 {}",
                then["rows"], now["rows"]
            ));
        }
        if then.get("finalised_at").is_some() && then["finalised_at"] != now["finalised_at"] {
            out.push(format!(
                "排名确定时间：文件 {}，数据库现为 {}",
                then["finalised_at"], now["finalised_at"]
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

/// Reads a file of trusted certificates (PEM, one or more); IMPORT_MALFORMED if it holds none.
pub fn read_trusted_certificates(pem: &str) -> Result<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    let mut rest = pem;
    while let Some(start) = rest.find("-----BEGIN CERTIFICATE-----") {
        let Some(len) = rest[start..].find("-----END CERTIFICATE-----") else {
            break;
        };
        let end = start + len + "-----END CERTIFICATE-----".len();
        let block = &rest[start..end];
        let der = park_review_signing::keys::certificate_der_from_pem(block).map_err(|e| {
            park_review_domain::CodedError::new(
                park_review_domain::ErrorCode::ImportMalformed,
                format!("信任列表中有一张证书无法读取：{e}"),
            )
        })?;
        out.push(der);
        rest = &rest[end..];
    }
    if out.is_empty() {
        return Err(park_review_domain::CodedError::new(
            park_review_domain::ErrorCode::ImportMalformed,
            "信任列表中没有证书：请给出 PEM 格式的证书文件（-----BEGIN CERTIFICATE-----），可用 `park-review cert export` 导出。",
        ));
    }
    Ok(out)
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
        // A multi-byte character where the zone should be: never a panic.
        assert_eq!(
            super::readable_pdf_date("D:2026112709300你'00'"),
            "D:2026112709300你'00'"
        );
    }
}
