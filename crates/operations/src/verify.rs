//! Verifying a signed PDF (核验): every signature, whose certificate, and — with a database —
//! whether the database still holds what the sheet shows.

use park_review_signing::verify::{verify_pdf, SignatureReport};
use park_review_store::{sheet_snapshot, Store};
use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::sheets::{hex, summary_rows, summary_snapshot};
use crate::Result;

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
pub fn verify_file(bytes: &[u8], store: Option<&Store>) -> Result<Verification> {
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
                    .score_sheet(&park_review_domain::ids::AssignmentKey::new(
                        issued.round_id,
                        &issued.expert,
                        app,
                    ))
                    .map(|s| sheet_snapshot(&s))
                    .map_err(park_review_domain::CodedError::from),
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
