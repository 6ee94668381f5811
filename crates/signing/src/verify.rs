//! Verifying the signatures of a PDF without trusting the file: each signature's byte ranges,
//! digest, ECDSA signature, the signing-certificate-v2 binding, and whether it covers the whole
//! file (anything appended after signing — even a valid incremental update — is reported).

use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use der::Encode;
use lopdf::{Document, Object};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{DerSignature, VerifyingKey};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;

use crate::SigningError;

/// One signature of a file, as found.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SignatureReport {
    /// The signer's common name from the certificate.
    pub signer: String,
    /// `/M` as written in the file, e.g. `D:20261127093000+08'00'`.
    pub signing_time: String,
    pub reason: String,
    /// The signer's certificate (DER) and its SHA-256.
    #[serde(skip)]
    pub certificate_der: Vec<u8>,
    pub certificate_sha256: String,
    pub byte_range: Vec<i64>,
    /// The digest of the signed bytes equals the signed messageDigest.
    pub digest_matches: bool,
    /// The ECDSA signature over the signed attributes verifies with the certificate's key.
    pub signature_valid: bool,
    /// signing-certificate-v2 names this certificate.
    pub certificate_bound: bool,
    /// The signed bytes run from the first byte to the last of the file.
    pub covers_whole_file: bool,
    /// What is wrong, in Chinese; empty when the signature is good and covers the file.
    pub problems: Vec<String>,
}

impl SignatureReport {
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }
}

const ID_MESSAGE_DIGEST: der::oid::ObjectIdentifier = const_oid::db::rfc5911::ID_MESSAGE_DIGEST;
const ID_AA_SIGNING_CERTIFICATE_V2: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");

fn decode_text(bytes: &[u8]) -> String {
    if bytes.starts_with(&[0xfe, 0xff]) {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .filter(|c| c.len() == 2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

/// Every signature in the file, in file order. A file that cannot be parsed is an error.
pub fn verify_pdf(bytes: &[u8]) -> Result<Vec<SignatureReport>, SigningError> {
    let doc = Document::load_mem(bytes).map_err(|e| SigningError::BadPdf(e.to_string()))?;
    let mut found = Vec::new();
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        let (Ok(range), Ok(contents)) = (dict.get(b"ByteRange"), dict.get(b"Contents")) else {
            continue;
        };
        let Ok(range) = range.as_array() else {
            continue;
        };
        let range: Vec<i64> = range.iter().filter_map(|o| o.as_i64().ok()).collect();
        let contents = match contents {
            Object::String(s, _) => s.clone(),
            _ => continue,
        };
        let text_of = |key: &[u8]| match dict.get(key) {
            Ok(Object::String(s, _)) => decode_text(s),
            _ => String::new(),
        };
        found.push(check(
            bytes,
            range,
            &contents,
            text_of(b"M"),
            text_of(b"Reason"),
        ));
    }
    found.sort_by_key(|r| r.byte_range.get(1).copied().unwrap_or(0));
    Ok(found)
}

fn check(
    file: &[u8],
    range: Vec<i64>,
    contents: &[u8],
    signing_time: String,
    reason: String,
) -> SignatureReport {
    let mut report = SignatureReport {
        signer: String::new(),
        signing_time,
        reason,
        certificate_der: Vec::new(),
        certificate_sha256: String::new(),
        byte_range: range.clone(),
        digest_matches: false,
        signature_valid: false,
        certificate_bound: false,
        covers_whole_file: false,
        problems: Vec::new(),
    };
    let len = file.len() as i64;
    let ranges_ok = range.len() == 4
        && range[0] == 0
        && range.iter().all(|n| *n >= 0)
        && range[1] < range[2]
        && range[2] + range[3] <= len
        && file.get(range[1] as usize) == Some(&b'<')
        && file.get(range[2] as usize - 1) == Some(&b'>');
    if !ranges_ok {
        report
            .problems
            .push("签名的字节范围（/ByteRange）无效，签名不可信。".into());
        return report;
    }
    let (a, b, c, d) = (
        range[0] as usize,
        range[1] as usize,
        range[2] as usize,
        range[3] as usize,
    );
    report.covers_whole_file = (c + d) as i64 == len;
    if !report.covers_whole_file {
        report.problems.push(format!(
            "签名之后文件又被追加了 {} 字节的内容：签名只覆盖文件的前 {} 字节，之后的改动未经签名。",
            len - (c + d) as i64,
            c + d
        ));
    }
    let mut hasher = Sha256::new();
    hasher.update(&file[a..a + b]);
    hasher.update(&file[c..c + d]);
    let digest = hasher.finalize();

    let mut reader = match der::SliceReader::new(contents) {
        Ok(r) => r,
        Err(_) => {
            report.problems.push("签名数据为空。".into());
            return report;
        }
    };
    let info = match <ContentInfo as der::Decode>::decode(&mut reader) {
        Ok(info) => info,
        Err(e) => {
            report
                .problems
                .push(format!("签名数据无法解析（{e}），文件可能被改动过。"));
            return report;
        }
    };
    let signed: SignedData = match info.content.decode_as() {
        Ok(s) => s,
        Err(e) => {
            report
                .problems
                .push(format!("签名数据不是 CMS SignedData（{e}）。"));
            return report;
        }
    };
    let certificate: Option<Certificate> = signed.certificates.as_ref().and_then(|set| {
        set.0.iter().find_map(|c| match c {
            cms::cert::CertificateChoices::Certificate(cert) => Some(cert.clone()),
            _ => None,
        })
    });
    let Some(certificate) = certificate else {
        report.problems.push("签名中没有签名人的证书。".into());
        return report;
    };
    let cert_der = certificate.to_der().unwrap_or_default();
    report.signer = crate::keys::common_name(&certificate);
    report.certificate_sha256 = crate::keys::certificate_fingerprint(&cert_der);
    report.certificate_der = cert_der.clone();
    let Some(signer) = signed.signer_infos.0.iter().next() else {
        report.problems.push("签名中没有签名人信息。".into());
        return report;
    };
    let Some(attrs) = &signer.signed_attrs else {
        report
            .problems
            .push("签名缺少签名属性（PAdES 要求）。".into());
        return report;
    };
    for attr in attrs.iter() {
        if attr.oid == ID_MESSAGE_DIGEST {
            if let Some(value) = attr.values.iter().next() {
                if let Ok(octets) = value.decode_as::<der::asn1::OctetString>() {
                    report.digest_matches = octets.as_bytes() == digest.as_slice();
                }
            }
        }
        if attr.oid == ID_AA_SIGNING_CERTIFICATE_V2 {
            let expected = Sha256::digest(&cert_der);
            // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 … }; the hash is
            // the first OCTET STRING inside: look for it rather than decode every option.
            if let Some(value) = attr.values.iter().next() {
                let der = value.to_der().unwrap_or_default();
                report.certificate_bound = der
                    .windows(expected.len())
                    .any(|w| w == expected.as_slice());
            }
        }
    }
    if !report.digest_matches {
        report
            .problems
            .push("文件内容与签名时不一致（摘要不符）：签名范围内的内容被改动过。".into());
    }
    if !report.certificate_bound {
        report
            .problems
            .push("签名未绑定签名人证书（缺少或不符的 signing-certificate-v2）。".into());
    }
    let signed_attrs_der = attrs.to_der().unwrap_or_default();
    let key = VerifyingKey::from_sec1_bytes(
        certificate
            .tbs_certificate
            .subject_public_key_info
            .subject_public_key
            .raw_bytes(),
    );
    let signature = DerSignature::try_from(signer.signature.as_bytes());
    report.signature_valid = match (key, signature) {
        (Ok(key), Ok(signature)) => key.verify(&signed_attrs_der, &signature).is_ok(),
        _ => false,
    };
    if !report.signature_valid {
        report
            .problems
            .push("签名值无效：签名数据被改动，或不是该证书的私钥所签。".into());
    }
    report
}

#[cfg(test)]
mod tests;
