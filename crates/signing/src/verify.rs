//! Verifying the signatures of a PDF without trusting the file, on the model of pyHanko:
//!
//! 1. each signature is found through the AcroForm's signature fields (`/V`), never by scanning
//!    for dictionaries that look like one;
//! 2. its excluded byte range is exactly that dictionary's `/Contents` hex string (located in the
//!    raw bytes) and holds hex digits only, so no object, xref table or trailer hides in it;
//! 3. the bytes it signs end a revision (`%%EOF`), and the field is part of that revision;
//! 4. every revision after a signature is compared with the one before, and only the addition of a
//!    further signature (its field, widget, value and appearance) is allowed; bytes after the last
//!    signature are reported;
//! 5. the CMS SignedData is checked against the digest (see `cms_check`).
//!
//! Who may sign is not decided here: the report carries the certificate and the signer's claim
//! for the caller to judge against a database or a trust list. Every read is checked; nothing in a
//! file can make this panic (and lopdf's parser runs under `catch_unwind` as a second guard).

mod cms_check;
pub(crate) mod revisions;
pub mod syntax;

use lopdf::xref::XrefEntry;
use lopdf::{Document, Object, ObjectId, StringFormat};
use sha2::{Digest, Sha256};

use crate::SigningError;

/// One signature of a file, as found.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SignatureReport {
    /// The field's name (`/T`), e.g. 签名1.
    pub field: String,
    /// The signer's common name from the certificate.
    pub signer: String,
    /// The certificate's organisational unit (`评审专家 E004` for an expert).
    pub signer_unit: String,
    /// `/M` as written in the file, e.g. `D:20261127093000+08'00'` (the signer's claim).
    pub signing_time: String,
    /// `/M` as Unix seconds, if it is a date.
    pub signing_time_unix: Option<i64>,
    pub reason: String,
    /// The product's signed claim (`/ParkReviewClaim`): what the signer says this document is.
    pub claim: Option<String>,
    /// The signer's certificate (DER) and its SHA-256.
    #[serde(skip)]
    pub certificate_der: Vec<u8>,
    pub certificate_sha256: String,
    /// The certificate's validity period, Unix seconds (0 when unread).
    pub certificate_not_before: i64,
    pub certificate_not_after: i64,
    /// The certificate's key usage allows signing.
    pub certificate_usage_ok: bool,
    pub byte_range: Vec<i64>,
    /// The signed revision is the file's first `signed_end` bytes.
    pub signed_end: usize,
    /// The digest of the signed bytes equals the signed messageDigest.
    pub digest_matches: bool,
    /// The ECDSA signature over the signed attributes verifies with the certificate's key.
    pub signature_valid: bool,
    /// signing-certificate-v2 names this certificate.
    pub certificate_bound: bool,
    /// The signed bytes run from the first byte to the last of the file.
    pub covers_whole_file: bool,
    /// What is wrong, in Chinese; empty when the signature is good and nothing but further
    /// signatures follows it.
    pub problems: Vec<String>,
}

impl SignatureReport {
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }

    /// A report with nothing found yet.
    pub(crate) fn empty() -> SignatureReport {
        SignatureReport {
            field: String::new(),
            signer: String::new(),
            signer_unit: String::new(),
            signing_time: String::new(),
            signing_time_unix: None,
            reason: String::new(),
            claim: None,
            certificate_der: Vec::new(),
            certificate_sha256: String::new(),
            certificate_not_before: 0,
            certificate_not_after: 0,
            certificate_usage_ok: false,
            byte_range: Vec::new(),
            signed_end: 0,
            digest_matches: false,
            signature_valid: false,
            certificate_bound: false,
            covers_whole_file: false,
            problems: Vec::new(),
        }
    }
}

/// Checks a CMS SignedData against the digest of what it signs (used for detached signatures).
pub(crate) fn check_cms(report: &mut SignatureReport, der: &[u8], digest: &[u8]) {
    cms_check::check(report, der, digest)
}

/// Every signature of a file, in the order they were made, and what is wrong with the file as a
/// whole.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PdfVerification {
    pub signatures: Vec<SignatureReport>,
    pub problems: Vec<String>,
}

impl PdfVerification {
    /// Every signature is intact, nothing but signatures follows any of them, and there is one.
    pub fn is_intact(&self) -> bool {
        !self.signatures.is_empty()
            && self.problems.is_empty()
            && self.signatures.iter().all(SignatureReport::is_valid)
    }
}

/// The key of the signature dictionary that holds the product's claim.
pub const CLAIM_KEY: &[u8] = b"ParkReviewClaim";

pub(crate) fn decode_text(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xfe, 0xff]) {
        Some(utf16) => {
            let units: Vec<u16> = utf16
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// lopdf's parser, guarded: a panic inside it on a crafted file is a rejection, not a crash.
fn load(bytes: &[u8]) -> Result<Document, SigningError> {
    if !bytes.starts_with(b"%PDF-") {
        return Err(SigningError::BadPdf("文件不以 %PDF- 开头".into()));
    }
    match std::panic::catch_unwind(|| Document::load_mem(bytes)) {
        Ok(Ok(doc)) => Ok(doc),
        Ok(Err(e)) => Err(SigningError::BadPdf(e.to_string())),
        Err(_) => Err(SigningError::BadPdf("PDF 结构异常，解析中止".into())),
    }
}

/// The signed revision ends where a revision ends: `%%EOF` and at most one end-of-line.
fn ends_a_revision(prefix: &[u8]) -> bool {
    let trimmed = prefix
        .strip_suffix(b"\r\n")
        .or_else(|| prefix.strip_suffix(b"\n"))
        .or_else(|| prefix.strip_suffix(b"\r"))
        .unwrap_or(prefix);
    trimmed.ends_with(b"%%EOF")
}

/// Verifies every signature of `bytes`. A file that cannot be parsed is an error.
pub fn verify_pdf(bytes: &[u8]) -> Result<PdfVerification, SigningError> {
    let doc = load(bytes)?;
    let mut problems = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut found: Vec<(ObjectId, ObjectId, SignatureReport)> = Vec::new();
    for (field_id, value) in revisions::signature_fields(&doc) {
        let Some(sig_id) = value else { continue };
        if !seen.insert(sig_id) {
            problems.push(format!(
                "多个签名域指向同一个签名（对象 {} {}）。",
                sig_id.0, sig_id.1
            ));
            continue;
        }
        found.push((field_id, sig_id, inspect(bytes, &doc, field_id, sig_id)));
    }
    if found.is_empty() {
        problems.push("文件中没有数字签名（表单中没有已签的签名域）。".into());
    }
    found.sort_by_key(|(_, _, r)| r.signed_end);
    analyse_revisions(bytes, &doc, &mut found, &mut problems);
    Ok(PdfVerification {
        signatures: found.into_iter().map(|(_, _, r)| r).collect(),
        problems,
    })
}

/// Reads and checks one signature: its dictionary, byte range and CMS.
fn inspect(bytes: &[u8], doc: &Document, field_id: ObjectId, sig_id: ObjectId) -> SignatureReport {
    let text_of = |dict: &lopdf::Dictionary, key: &[u8]| match dict.get(key) {
        Ok(Object::String(s, _)) => decode_text(s),
        _ => String::new(),
    };
    let field = doc
        .get_dictionary(field_id)
        .map(|f| text_of(f, b"T"))
        .unwrap_or_default();
    let mut report = SignatureReport {
        field,
        ..SignatureReport::empty()
    };
    let Ok(dict) = doc.get_dictionary(sig_id) else {
        report
            .problems
            .push("签名域的值（/V）不是签名字典。".into());
        return report;
    };
    report.signing_time = text_of(dict, b"M");
    report.signing_time_unix = syntax::pdf_date_unix(&report.signing_time);
    report.reason = text_of(dict, b"Reason");
    report.claim = match dict.get(CLAIM_KEY) {
        Ok(Object::String(s, _)) => Some(decode_text(s)),
        _ => None,
    };
    let sub_filter = match dict.get(b"SubFilter") {
        Ok(Object::Name(n)) => n.clone(),
        _ => Vec::new(),
    };
    if sub_filter != b"ETSI.CAdES.detached" && sub_filter != b"adbe.pkcs7.detached" {
        report.problems.push(format!(
            "不支持的签名格式（/SubFilter {}）：只接受 ETSI.CAdES.detached。",
            String::from_utf8_lossy(&sub_filter)
        ));
        return report;
    }

    // /ByteRange: exactly four non-negative integers.
    let range: Option<Vec<i64>> = match dict.get(b"ByteRange") {
        Ok(Object::Array(items)) if items.len() == 4 => items
            .iter()
            .map(|o| match o {
                Object::Integer(n) if *n >= 0 => Some(*n),
                _ => None,
            })
            .collect(),
        _ => None,
    };
    let Some(range) = range else {
        report
            .problems
            .push("签名的字节范围（/ByteRange）缺失或不是四个非负整数，签名不可信。".into());
        return report;
    };
    report.byte_range = range.clone();
    let as_usize = |n: i64| usize::try_from(n).ok();
    let (Some(a), Some(b), Some(c), Some(d)) = (
        as_usize(range[0]),
        as_usize(range[1]),
        as_usize(range[2]),
        as_usize(range[3]),
    ) else {
        report
            .problems
            .push("签名的字节范围（/ByteRange）超出文件。".into());
        return report;
    };
    let Some(end) = c.checked_add(d).filter(|e| *e <= bytes.len()) else {
        report
            .problems
            .push("签名的字节范围（/ByteRange）超出文件末尾，签名不可信。".into());
        return report;
    };

    // /Contents: a hex string, located in the raw file, which the excluded range must equal.
    let contents = match dict.get(b"Contents") {
        Ok(Object::String(s, StringFormat::Hexadecimal)) if !s.is_empty() => s.clone(),
        _ => {
            report
                .problems
                .push("签名字典缺少签名数据（/Contents 为空或不是十六进制串）。".into());
            return report;
        }
    };
    let raw = match doc.reference_table.get(sig_id.0) {
        Some(XrefEntry::Normal { offset, generation }) if *generation == sig_id.1 => {
            syntax::raw_dictionary(bytes, *offset as usize, sig_id.0)
        }
        _ => None,
    };
    let Some(raw) = raw else {
        report.problems.push(
            "签名字典不是文件中可直接定位的对象（例如位于压缩对象流中），无法确认签名范围。".into(),
        );
        return report;
    };
    if raw.contents_keys != 1 || raw.byte_range_keys != 1 {
        report
            .problems
            .push("签名字典中 /Contents 或 /ByteRange 出现多次，含义不明确。".into());
        return report;
    }
    let exact = raw.contents == Some((b, c))
        && a == 0
        && syntax::is_plain_hex_string(bytes, b, c)
        && (c - b - 2) / 2 == contents.len();
    if !exact {
        report.problems.push(
            "签名未排除恰好其自身的签名数据：字节范围之间的空隙不是该签名字典的 /Contents（签名包装攻击的特征），签名不可信。"
                .into(),
        );
        return report;
    }
    let inside = |offset: usize| offset > b && offset < c;
    let hidden = doc
        .reference_table
        .entries
        .values()
        .any(|e| matches!(e, XrefEntry::Normal { offset, .. } if inside(*offset as usize)))
        || inside(doc.xref_start);
    if hidden {
        report
            .problems
            .push("有对象或交叉引用表位于签名数据之内（签名包装攻击的特征）。".into());
        return report;
    }
    report.signed_end = end;
    report.covers_whole_file = end == bytes.len();
    if !ends_a_revision(&bytes[..end]) {
        report
            .problems
            .push("签名覆盖的内容不是一个完整的修订（不以 %%EOF 结尾）。".into());
    }

    let mut hasher = Sha256::new();
    hasher.update(&bytes[..b]);
    hasher.update(&bytes[c..end]);
    cms_check::check(&mut report, &contents, &hasher.finalize());

    match report.signing_time_unix {
        None => report
            .problems
            .push("签名缺少可读的签名时间（/M）。".into()),
        Some(t)
            if !report.certificate_sha256.is_empty()
                && (t < report.certificate_not_before || t > report.certificate_not_after) =>
        {
            report.problems.push(format!(
                "签名时间 {} 不在签名人证书的有效期内。",
                report.signing_time
            ))
        }
        Some(_) => {}
    }
    report
}

/// The revisions after each signature: each later one may only add a further signature, and
/// nothing may follow the last.
fn analyse_revisions(
    bytes: &[u8],
    doc: &Document,
    found: &mut [(ObjectId, ObjectId, SignatureReport)],
    problems: &mut Vec<String>,
) {
    let signed: Vec<usize> = (0..found.len())
        .filter(|i| found[*i].2.signed_end > 0)
        .collect();
    // The revision each signature signed, as a document; its field must already be in it.
    let mut revisions: Vec<Option<Document>> = Vec::with_capacity(found.len());
    for (i, (field_id, sig_id, report)) in found.iter_mut().enumerate() {
        if !signed.contains(&i) {
            revisions.push(None);
            continue;
        }
        let revision = load(&bytes[..report.signed_end]).ok();
        let contains_itself = revision.as_ref().is_some_and(|r| {
            revisions::signature_fields(r).contains(&(*field_id, Some(*sig_id)))
                && r.objects.get(sig_id) == doc.objects.get(sig_id)
        });
        if !contains_itself {
            report
                .problems
                .push("签名所覆盖的修订中没有这个签名域：签名不属于它声称签署的文件版本。".into());
        }
        revisions.push(revision);
    }
    let mut after: Vec<(usize, String)> = Vec::new();
    for pair in signed.windows(2) {
        let (k, next) = (pair[0], pair[1]);
        if found[k].2.signed_end == found[next].2.signed_end {
            after.push((k, "两个签名声称签署同一个修订".into()));
            continue;
        }
        if let (Some(before), Some(later)) = (&revisions[k], &revisions[next]) {
            if let Err(what) = revisions::only_signatures_added(before, later) {
                after.push((k, format!("签名之后的修订{what}，不只是追加了签名")));
            }
        }
    }
    if let Some(&last) = signed.last() {
        let end = found[last].2.signed_end;
        if end < bytes.len() {
            let detail = match &revisions[last] {
                Some(before) => match revisions::only_signatures_added(before, doc) {
                    Err(what) => format!("（追加的修订{what}）"),
                    Ok(()) => String::new(),
                },
                None => String::new(),
            };
            let text = format!(
                "签名之后文件又被追加了 {} 字节的内容{detail}：签名只覆盖文件的前 {end} 字节，之后的改动未经签名。",
                bytes.len() - end
            );
            problems.push(text.clone());
            after.push((last, text));
        }
    }
    // A change after signature k also leaves every earlier signature describing another file.
    for (k, text) in after {
        for (_, _, report) in found.iter_mut().take(k + 1) {
            if report.signed_end > 0 && !report.problems.contains(&text) {
                report.problems.push(text.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests;
