//! The cryptographic half of a signature: the CMS SignedData in `/Contents` against the digest of
//! the signed bytes — message digest, ECDSA signature, signing-certificate-v2, and the signer's
//! certificate (its validity period and key usage). Nothing here trusts the certificate: who
//! may sign is decided by the caller, against a database or a trust list.

use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier};
use der::{Decode, Encode, Reader};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{DerSignature, VerifyingKey};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;

use super::SignatureReport;

const ID_MESSAGE_DIGEST: der::oid::ObjectIdentifier = const_oid::db::rfc5911::ID_MESSAGE_DIGEST;
const ID_CONTENT_TYPE: der::oid::ObjectIdentifier = const_oid::db::rfc5911::ID_CONTENT_TYPE;
const ID_AA_SIGNING_CERTIFICATE_V2: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");

fn unix(time: &x509_cert::time::Time) -> i64 {
    time.to_unix_duration().as_secs() as i64
}

/// Checks the CMS blob `contents` against `digest`, filling in the report.
pub fn check(report: &mut SignatureReport, contents: &[u8], digest: &[u8]) {
    let problem = |report: &mut SignatureReport, text: String| report.problems.push(text);
    let Ok(mut reader) = der::SliceReader::new(contents) else {
        return problem(report, "签名数据过大，无法读取。".into());
    };
    let info = match ContentInfo::decode(&mut reader) {
        Ok(info) => info,
        Err(e) => {
            return problem(
                report,
                format!(
                    "签名数据（/Contents）不是有效的 CMS 结构（{e}），可能为空、全零或被改动。"
                ),
            )
        }
    };
    // Only zeros may follow the DER: the padding of the reserved space. Our signer writes zeros;
    // anything else is data that looks signed but is not (pdfsig and pyHanko ignore it; we refuse).
    let used = usize::try_from(u32::from(reader.position())).unwrap_or(usize::MAX);
    if contents
        .get(used..)
        .is_none_or(|rest| rest.iter().any(|b| *b != 0))
    {
        problem(
            report,
            "签名数据之后的预留空间不全为零：其中藏有未经签名的数据。".into(),
        );
    }
    if info.content_type != const_oid::db::rfc5911::ID_SIGNED_DATA {
        return problem(report, "签名数据不是 CMS SignedData。".into());
    }
    let signed: SignedData = match info.content.decode_as() {
        Ok(s) => s,
        Err(e) => return problem(report, format!("签名数据不是 CMS SignedData（{e}）。")),
    };
    // Exactly the DER a signer writes: re-encoding gives the same bytes (no alternative
    // encodings), and the parts no signature covers hold the only values PAdES B-B with P-256
    // allows, so no byte of the blob can change without the verdict changing.
    let canonical = info.to_der().ok().as_deref() == contents.get(..used);
    let sha256 = const_oid::db::rfc5912::ID_SHA_256;
    let plain = signed.version == cms::content_info::CmsVersion::V1
        && signed.digest_algorithms.len() == 1
        && signed
            .digest_algorithms
            .iter()
            .all(|a| a.oid == sha256 && a.parameters.is_none())
        && signed.encap_content_info.econtent_type == const_oid::db::rfc5911::ID_DATA
        && signed.crls.is_none()
        && signed.signer_infos.0.iter().all(|s| {
            s.version == cms::content_info::CmsVersion::V1
                && s.signature_algorithm.oid == const_oid::db::rfc5912::ECDSA_WITH_SHA_256
                && s.signature_algorithm.parameters.is_none()
                && s.digest_alg.parameters.is_none()
                && s.unsigned_attrs.is_none()
        });
    if !canonical || !plain {
        problem(
            report,
            "签名数据的编码或算法不是本系统签名的形式（DER 非规范、算法或版本不符），可能被改动过。"
                .into(),
        );
    }
    if signed.encap_content_info.econtent.is_some() {
        problem(
            report,
            "签名不是分离式签名（detached），与 PAdES 不符。".into(),
        );
    }
    let mut signers = signed.signer_infos.0.iter();
    let (Some(signer), None) = (signers.next(), signers.next()) else {
        return problem(report, "签名数据中须恰有一个签名人信息。".into());
    };
    // The certificate the signer identifies (issuer and serial), not simply the first one.
    let SignerIdentifier::IssuerAndSerialNumber(sid) = &signer.sid else {
        return problem(report, "签名人以不支持的方式标识证书。".into());
    };
    let certificate: Option<&Certificate> = signed.certificates.as_ref().and_then(|set| {
        set.0.iter().find_map(|c| match c {
            cms::cert::CertificateChoices::Certificate(cert)
                if cert.tbs_certificate.issuer == sid.issuer
                    && cert.tbs_certificate.serial_number == sid.serial_number =>
            {
                Some(cert)
            }
            _ => None,
        })
    });
    let Some(certificate) = certificate else {
        return problem(report, "签名中没有签名人的证书。".into());
    };
    let Ok(cert_der) = certificate.to_der() else {
        return problem(report, "签名人证书无法编码。".into());
    };
    report.signer = crate::keys::common_name(certificate);
    report.signer_unit = crate::keys::organisational_unit(certificate);
    report.certificate_sha256 = crate::keys::certificate_fingerprint(&cert_der);
    report.certificate_der = cert_der.clone();
    let validity = &certificate.tbs_certificate.validity;
    report.certificate_not_before = unix(&validity.not_before);
    report.certificate_not_after = unix(&validity.not_after);
    report.certificate_usage_ok = usage_allows_signing(certificate);
    if !report.certificate_usage_ok {
        problem(
            report,
            "签名人证书的密钥用途不允许数字签名（缺少 digitalSignature / nonRepudiation）。".into(),
        );
    }
    if signer.digest_alg.oid != const_oid::db::rfc5912::ID_SHA_256 {
        problem(report, "签名使用的摘要算法不是 SHA-256。".into());
    }
    let Some(attrs) = &signer.signed_attrs else {
        return problem(report, "签名缺少签名属性（PAdES 要求）。".into());
    };
    let mut digests = 0;
    let mut content_type_ok = false;
    for attr in attrs.iter() {
        if attr.oid == ID_MESSAGE_DIGEST {
            digests += 1;
            if let (Some(value), 1) = (attr.values.iter().next(), attr.values.len()) {
                if let Ok(octets) = value.decode_as::<der::asn1::OctetString>() {
                    report.digest_matches = octets.as_bytes() == digest;
                }
            }
        }
        if attr.oid == ID_CONTENT_TYPE {
            content_type_ok = attr
                .values
                .iter()
                .next()
                .and_then(|v| v.decode_as::<der::oid::ObjectIdentifier>().ok())
                == Some(const_oid::db::rfc5911::ID_DATA);
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
    if digests != 1 {
        report.digest_matches = false;
    }
    if !content_type_ok {
        problem(
            report,
            "签名属性中缺少或不符的内容类型（content-type）。".into(),
        );
    }
    if !report.digest_matches {
        problem(
            report,
            "文件内容与签名时不一致（摘要不符）：签名范围内的内容被改动过。".into(),
        );
    }
    if !report.certificate_bound {
        problem(
            report,
            "签名未绑定签名人证书（缺少或不符的 signing-certificate-v2）。".into(),
        );
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
        problem(
            report,
            "签名值无效：签名数据被改动，或不是该证书的私钥所签。".into(),
        );
    }
}

/// Key usage, if the certificate states one, allows digital signatures.
fn usage_allows_signing(certificate: &Certificate) -> bool {
    let extensions = certificate
        .tbs_certificate
        .extensions
        .as_deref()
        .unwrap_or_default();
    match extensions
        .iter()
        .find(|e| e.extn_id == const_oid::db::rfc5280::ID_CE_KEY_USAGE)
    {
        None => true,
        Some(e) => x509_cert::ext::pkix::KeyUsage::from_der(e.extn_value.as_bytes())
            .is_ok_and(|u| u.digital_signature() || u.non_repudiation()),
    }
}
