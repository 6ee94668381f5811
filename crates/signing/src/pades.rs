//! PAdES B-B signatures (ETSI EN 319 142-1, baseline B): a CMS SignedData, detached, over the
//! whole file except the signature's own `/Contents`, with the ESS signing-certificate-v2
//! attribute and the signer's certificate, appended as an incremental update (so the signed
//! bytes of the original file stay exactly as they were).

use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::ContentInfo;
use cms::signed_data::{EncapsulatedContentInfo, SignerIdentifier};
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode};
use lopdf::{Dictionary, Document, IncrementalDocument, Object, StringFormat};
use p256::ecdsa::{DerSignature, SigningKey};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;
use x509_cert::Certificate;

use crate::SigningError;

/// Room for the CMS blob, in bytes (written as twice as many hex digits). A P-256 signature
/// with its certificate takes about 1.2 KB.
const CONTENTS_BYTES: usize = 8192;
/// `/ByteRange` placeholder: four numbers wide enough for any file we make, patched in place.
const BYTE_RANGE_PLACEHOLDER: [i64; 4] = [0, 9_999_999_999, 9_999_999_999, 9_999_999_999];

/// id-aa-signingCertificateV2 (RFC 5035).
const ID_AA_SIGNING_CERTIFICATE_V2: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");

/// ESSCertIDv2 with the default hash algorithm (SHA-256), so `hashAlgorithm` is omitted.
#[derive(Debug, der::Sequence)]
struct EssCertIdV2 {
    cert_hash: OctetString,
}

#[derive(Debug, der::Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

/// What the signature dictionary says besides the cryptography.
#[derive(Debug, Clone)]
pub struct SignatureInfo {
    /// `/Name`: the signer's name.
    pub name: String,
    /// `/Reason`, e.g. 评审专家评分表.
    pub reason: String,
    /// `/M`: the signing time as a PDF date, e.g. `D:20261127093000+08'00'`.
    pub pdf_date: String,
    /// The product's claim (JSON): what this document is and who signs it, written into the
    /// signature dictionary, hence inside the signed bytes.
    pub claim: Option<String>,
}

/// A PDF date from a local time with its offset.
pub fn pdf_date(time: &chrono::DateTime<chrono::FixedOffset>) -> String {
    let offset = time.offset().local_minus_utc();
    let sign = if offset < 0 { '-' } else { '+' };
    let offset = offset.abs();
    format!(
        "D:{}{sign}{:02}'{:02}'",
        time.format("%Y%m%d%H%M%S"),
        offset / 3600,
        (offset % 3600) / 60
    )
}

fn text(s: &str) -> Object {
    // PDF text strings: UTF-16BE with a byte-order mark, so Chinese survives.
    let mut bytes = vec![0xfe, 0xff];
    for unit in s.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

fn pdf_err(e: lopdf::Error) -> SigningError {
    SigningError::BadPdf(e.to_string())
}

/// Signs `pdf` with `key`, whose certificate is `certificate_der`; returns the signed file.
pub fn sign_pdf(
    pdf: &[u8],
    key: &SigningKey,
    certificate_der: &[u8],
    info: &SignatureInfo,
) -> Result<Vec<u8>, SigningError> {
    let certificate = crate::keys::parse_certificate(certificate_der)?;
    let prepared = prepare(pdf, info)?;
    let (start, end) = contents_span(&prepared)?;
    let total = prepared.len();
    let ranges = [0, start as i64, end as i64, (total - end) as i64];
    let mut signed = patch_byte_range(prepared, ranges)?;
    let mut hasher = Sha256::new();
    hasher.update(&signed[..start]);
    hasher.update(&signed[end..]);
    let digest = hasher.finalize();
    let cms = cms_signature(&digest, key, &certificate)?;
    let hex = park_review_domain::digest::hex(&cms);
    if hex.len() > 2 * CONTENTS_BYTES {
        return Err(SigningError::Sign("签名数据超出预留空间".into()));
    }
    // `start` is the `<` of the hex string; its digits follow.
    signed[start + 1..start + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(signed)
}

/// The file with an incremental update that adds the signature field, its widget on page 1 and
/// the signature dictionary with placeholders.
fn prepare(pdf: &[u8], info: &SignatureInfo) -> Result<Vec<u8>, SigningError> {
    let previous = Document::load_mem(pdf).map_err(pdf_err)?;
    let root_id = previous
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(pdf_err)?;
    let first_page = *previous
        .get_pages()
        .values()
        .next()
        .ok_or_else(|| SigningError::BadPdf("PDF 没有页面".into()))?;
    let existing_fields = crate::verify::revisions::acroform_fields(&previous);
    let mut doc = IncrementalDocument::create_from(pdf.to_vec(), previous);

    let mut sig = Dictionary::new();
    sig.set("Type", Object::Name(b"Sig".to_vec()));
    sig.set("Filter", Object::Name(b"Adobe.PPKLite".to_vec()));
    sig.set("SubFilter", Object::Name(b"ETSI.CAdES.detached".to_vec()));
    sig.set(
        "ByteRange",
        Object::Array(
            BYTE_RANGE_PLACEHOLDER
                .iter()
                .map(|n| Object::Integer(*n))
                .collect(),
        ),
    );
    sig.set(
        "Contents",
        Object::String(vec![0u8; CONTENTS_BYTES], StringFormat::Hexadecimal),
    );
    sig.set(
        "M",
        Object::String(info.pdf_date.clone().into_bytes(), StringFormat::Literal),
    );
    sig.set("Name", text(&info.name));
    sig.set("Reason", text(&info.reason));
    if let Some(claim) = &info.claim {
        sig.set(
            crate::verify::CLAIM_KEY,
            Object::String(claim.clone().into_bytes(), StringFormat::Hexadecimal),
        );
    }
    let sig_id = doc.new_document.add_object(Object::Dictionary(sig));

    let field_number = existing_fields.len() + 1;
    let mut widget = Dictionary::new();
    widget.set("Type", Object::Name(b"Annot".to_vec()));
    widget.set("Subtype", Object::Name(b"Widget".to_vec()));
    widget.set("FT", Object::Name(b"Sig".to_vec()));
    widget.set("T", text(&format!("签名{field_number}")));
    widget.set("V", Object::Reference(sig_id));
    widget.set("F", Object::Integer(132));
    widget.set("P", Object::Reference(first_page));
    widget.set(
        "Rect",
        Object::Array(vec![0.into(), 0.into(), 0.into(), 0.into()]),
    );
    let widget_id = doc.new_document.add_object(Object::Dictionary(widget));

    doc.opt_clone_object_to_new_document(first_page)
        .map_err(pdf_err)?;
    let page = doc
        .new_document
        .get_dictionary_mut(first_page)
        .map_err(pdf_err)?;
    let mut annots = match page.get(b"Annots") {
        Ok(Object::Array(a)) => a.clone(),
        _ => Vec::new(),
    };
    annots.push(Object::Reference(widget_id));
    page.set("Annots", Object::Array(annots));

    doc.opt_clone_object_to_new_document(root_id)
        .map_err(pdf_err)?;
    let catalog = doc
        .new_document
        .get_dictionary_mut(root_id)
        .map_err(pdf_err)?;
    let mut fields = existing_fields;
    fields.push(Object::Reference(widget_id));
    let mut acroform = Dictionary::new();
    acroform.set("Fields", Object::Array(fields));
    acroform.set("SigFlags", Object::Integer(3));
    catalog.set("AcroForm", Object::Dictionary(acroform));

    let mut out = Vec::with_capacity(pdf.len() + 3 * CONTENTS_BYTES);
    doc.save_to(&mut out)
        .map_err(|e| SigningError::BadPdf(e.to_string()))?;
    Ok(out)
}

/// Where the placeholder `/Contents` hex string is: the offsets of its `<` and one past its `>`.
fn contents_span(bytes: &[u8]) -> Result<(usize, usize), SigningError> {
    let mut needle = Vec::with_capacity(2 * CONTENTS_BYTES + 2);
    needle.push(b'<');
    needle.extend(std::iter::repeat_n(b'0', 2 * CONTENTS_BYTES));
    needle.push(b'>');
    let start =
        find_last(bytes, &needle).ok_or_else(|| SigningError::Sign("找不到签名占位".into()))?;
    Ok((start, start + needle.len()))
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// Writes the real byte ranges over the placeholder, padded with spaces to the same width.
fn patch_byte_range(mut bytes: Vec<u8>, ranges: [i64; 4]) -> Result<Vec<u8>, SigningError> {
    let placeholder = format!(
        "{} {} {} {}",
        BYTE_RANGE_PLACEHOLDER[0],
        BYTE_RANGE_PLACEHOLDER[1],
        BYTE_RANGE_PLACEHOLDER[2],
        BYTE_RANGE_PLACEHOLDER[3]
    );
    let at = find_last(&bytes, placeholder.as_bytes())
        .ok_or_else(|| SigningError::Sign("找不到 /ByteRange 占位".into()))?;
    let actual = format!("{} {} {} {}", ranges[0], ranges[1], ranges[2], ranges[3]);
    let padded = format!("{actual:<width$}", width = placeholder.len());
    bytes[at..at + placeholder.len()].copy_from_slice(padded.as_bytes());
    Ok(bytes)
}

fn sha256_algorithm() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: const_oid::db::rfc5912::ID_SHA_256,
        parameters: None,
    }
}

/// The detached CMS SignedData over `digest`, with signing-certificate-v2.
pub(crate) fn cms_signature(
    digest: &[u8],
    key: &SigningKey,
    certificate: &Certificate,
) -> Result<Vec<u8>, SigningError> {
    let fail = |e: &dyn std::fmt::Display| SigningError::Sign(e.to_string());
    let content = EncapsulatedContentInfo {
        econtent_type: const_oid::db::rfc5911::ID_DATA,
        econtent: None,
    };
    let cert_der = certificate.to_der().map_err(|e| fail(&e))?;
    let ess = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            cert_hash: OctetString::new(Sha256::digest(&cert_der).to_vec())
                .map_err(|e| fail(&e))?,
        }],
    };
    let ess_value = Any::from_der(&ess.to_der().map_err(|e| fail(&e))?).map_err(|e| fail(&e))?;
    let mut values = SetOfVec::new();
    values.insert(ess_value).map_err(|e| fail(&e))?;
    let ess_attribute = Attribute {
        oid: ID_AA_SIGNING_CERTIFICATE_V2,
        values,
    };
    let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer: certificate.tbs_certificate.issuer.clone(),
        serial_number: certificate.tbs_certificate.serial_number.clone(),
    });
    let mut signer_info =
        SignerInfoBuilder::new(key, sid, sha256_algorithm(), &content, Some(digest))
            .map_err(|e| fail(&e))?;
    signer_info
        .add_signed_attribute(ess_attribute)
        .map_err(|e| fail(&e))?;
    let signed = SignedDataBuilder::new(&content)
        .add_digest_algorithm(sha256_algorithm())
        .map_err(|e| fail(&e))?
        .add_certificate(CertificateChoices::Certificate(certificate.clone()))
        .map_err(|e| fail(&e))?
        .add_signer_info::<SigningKey, DerSignature>(signer_info)
        .map_err(|e| fail(&e))?
        .build()
        .map_err(|e| fail(&e))?;
    let info: ContentInfo = signed;
    info.to_der().map_err(|e| fail(&e))
}
