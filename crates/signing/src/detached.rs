//! Detached CMS signatures over arbitrary bytes (the manifest of a review package or a score
//! bundle): the same SignedData as a PDF signature — SHA-256, ECDSA P-256, signing-certificate-v2,
//! the signer's certificate included — so OpenSSL checks one by hand:
//! `openssl cms -verify -binary -inform DER -in manifest.p7s -content manifest.json -CAfile signer.pem -purpose any`.
//! Who may sign is the caller's decision (a registered or pinned certificate).

use sha2::{Digest, Sha256};

use crate::verify::SignatureReport;
use crate::SigningError;

/// Signs `content` with `key`, whose certificate is `certificate_der`: DER CMS SignedData.
pub fn sign_detached(
    content: &[u8],
    key: &p256::ecdsa::SigningKey,
    certificate_der: &[u8],
) -> Result<Vec<u8>, SigningError> {
    let certificate = crate::keys::parse_certificate(certificate_der)?;
    crate::pades::cms_signature(&Sha256::digest(content), key, &certificate)
}

/// A detached signature that verified: the signer's certificate (DER) and its SHA-256.
#[derive(Debug, Clone, PartialEq)]
pub struct DetachedSigner {
    pub certificate_der: Vec<u8>,
    pub certificate_sha256: String,
    /// The certificate's common name, for messages.
    pub name: String,
}

/// Verifies a detached signature over `content`; the error says, in Chinese, what is wrong.
/// The checks are the PDF verifier's own (one SignerInfo, SHA-256, ECDSA P-256, canonical DER,
/// signing-certificate-v2, key usage), so a manifest is held to the same standard as a sheet.
pub fn verify_detached(content: &[u8], signature_der: &[u8]) -> Result<DetachedSigner, String> {
    let mut report = SignatureReport::empty();
    crate::verify::check_cms(&mut report, signature_der, &Sha256::digest(content));
    if !report.problems.is_empty() {
        return Err(report.problems.join("；"));
    }
    Ok(DetachedSigner {
        certificate_der: report.certificate_der,
        certificate_sha256: report.certificate_sha256,
        name: report.signer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{create_key, unlock, Subject};

    #[test]
    fn a_detached_signature_verifies_and_any_change_is_refused() {
        let key = create_key(
            &Subject {
                name: "秘书处".into(),
                organisation: String::new(),
                unit: String::new(),
            },
            "秘书处的口令 2026",
            1_795_000_000,
        )
        .unwrap();
        let signing = unlock(&key.encrypted_key_pem, "秘书处的口令 2026").unwrap();
        let content = br#"{"format":"park-review/package@1"}"#;
        let signature = sign_detached(content, &signing, &key.certificate_der).unwrap();
        let signer = verify_detached(content, &signature).unwrap();
        assert_eq!(signer.certificate_der, key.certificate_der);
        assert_eq!(signer.name, "秘书处");
        assert!(verify_detached(br#"{"format":"park-review/package@2"}"#, &signature).is_err());
        let mut flipped = signature.clone();
        let last = flipped.len() - 3;
        flipped[last] ^= 1;
        assert!(verify_detached(content, &flipped).is_err());
        assert!(verify_detached(content, b"").is_err());
    }

    /// OpenSSL, which nobody here wrote, accepts the signature over the same bytes.
    #[test]
    fn openssl_verifies_a_detached_signature() {
        let key = create_key(
            &Subject {
                name: "黄建华".into(),
                organisation: String::new(),
                unit: "评审专家 E004".into(),
            },
            "专家的口令 2026",
            1_795_000_000,
        )
        .unwrap();
        let signing = unlock(&key.encrypted_key_pem, "专家的口令 2026").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("manifest.json");
        std::fs::write(&content, br#"{"members":[]}"#).unwrap();
        let signature =
            sign_detached(br#"{"members":[]}"#, &signing, &key.certificate_der).unwrap();
        std::fs::write(dir.path().join("manifest.p7s"), signature).unwrap();
        std::fs::write(
            dir.path().join("signer.pem"),
            crate::keys::certificate_pem(&key.certificate_der).unwrap(),
        )
        .unwrap();
        let out = std::process::Command::new("openssl")
            .current_dir(dir.path())
            .args([
                "cms",
                "-verify",
                "-binary",
                "-inform",
                "DER",
                "-in",
                "manifest.p7s",
                "-content",
                "manifest.json",
                "-CAfile",
                "signer.pem",
                "-purpose",
                "any",
                "-out",
                "/dev/null",
            ])
            .output()
            .expect("openssl is installed on Debian");
        let text = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && text.contains("Verification successful"),
            "{text}"
        );
    }
}
