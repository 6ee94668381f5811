//! Keys and certificates: an ECDSA P-256 key per expert (and for the secretariat), kept as
//! encrypted PKCS#8 — PBES2 with scrypt (N = 2^15, r = 8, p = 1: 32 MiB and ~0.1 s per attempt
//! on this project's laptops, so a stolen database cannot be brute-forced cheaply while a
//! signing still fits the 150 ms budget) and AES-256-CBC, a standard format OpenSSL reads
//! (`openssl pkcs8 -in key.pem`) — and a self-signed X.509 end-entity certificate that others
//! import to trust the signer.

use std::str::FromStr;
use std::time::Duration;

use der::{Decode, Encode, EncodePem};
use p256::ecdsa::{DerSignature, SigningKey};
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rand_core::{OsRng, RngCore};
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::time::{Time, Validity};
use x509_cert::Certificate;

use crate::SigningError;

/// The smallest passphrase accepted when a key is created, in characters other than spaces.
pub const MIN_PASSPHRASE_CHARS: usize = 8;
/// How many different characters a passphrase needs at least.
pub const MIN_DISTINCT_CHARS: usize = 5;

/// Passphrases that guessing tools try first (compared without case, and with trailing digits
/// removed, so `Password2026` is caught too).
const COMMON_PASSPHRASES: &[&str] = &[
    "password",
    "passw0rd",
    "qwerty",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx",
    "qazwsx",
    "iloveyou",
    "admin",
    "administrator",
    "welcome",
    "letmein",
    "abc123",
    "woaini",
    "woaini1314",
    "changeme",
    "secret",
    "p@ssw0rd",
    "abcd1234",
    "a1b2c3d4",
];

/// Whether a passphrase is strong enough to protect a signing key: WEAK_PASSPHRASE (with what
/// is wrong, in Chinese) if it is short once spaces are left out, uses fewer than five
/// different characters, is a run like `12345678` or `abcdefgh`, or is a common password.
pub fn check_passphrase(passphrase: &str) -> Result<(), SigningError> {
    let chars: Vec<char> = passphrase.chars().filter(|c| !c.is_whitespace()).collect();
    if chars.len() < MIN_PASSPHRASE_CHARS {
        return Err(SigningError::WeakPassphrase(format!(
            "口令太短：除空格外至少需要 {MIN_PASSPHRASE_CHARS} 个字符。"
        )));
    }
    let distinct: std::collections::BTreeSet<char> =
        chars.iter().flat_map(|c| c.to_lowercase()).collect();
    if distinct.len() < MIN_DISTINCT_CHARS {
        return Err(SigningError::WeakPassphrase(format!(
            "口令过于单调：至少需要 {MIN_DISTINCT_CHARS} 个不同的字符。"
        )));
    }
    let steps: std::collections::BTreeSet<i64> = chars
        .windows(2)
        .map(|w| w[1] as i64 - w[0] as i64)
        .collect();
    if steps.len() == 1 {
        return Err(SigningError::WeakPassphrase(
            "口令是连续的字符序列（如 12345678、abcdefgh），很容易被猜到。".into(),
        ));
    }
    let plain: String = passphrase.trim().to_lowercase();
    let stem = plain.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation());
    if COMMON_PASSPHRASES.contains(&plain.as_str()) || COMMON_PASSPHRASES.contains(&stem) {
        return Err(SigningError::WeakPassphrase(
            "口令是常见口令，很容易被猜到。请换一个只有自己知道的短句。".into(),
        ));
    }
    Ok(())
}

/// Who a certificate names.
#[derive(Debug, Clone)]
pub struct Subject {
    /// The person's name, e.g. 陈志远 (or 秘书处 for the secretariat).
    pub name: String,
    /// The employer, e.g. 华南理工大学计算机科学与工程学院.
    pub organisation: String,
    /// A role or code, e.g. `评审专家 E001`.
    pub unit: String,
}

/// A new key: its certificate (DER) and the private key encrypted with the passphrase (PEM).
#[derive(Debug, Clone)]
pub struct NewKey {
    pub certificate_der: Vec<u8>,
    pub encrypted_key_pem: String,
}

/// RFC 4514 escaping for a value in a distinguished name string.
fn escape(value: &str) -> String {
    let mut out = String::new();
    for (i, c) in value.trim().chars().enumerate() {
        if matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=')
            || (i == 0 && matches!(c, '#' | ' '))
        {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn name_of(subject: &Subject) -> Result<Name, SigningError> {
    let mut parts = vec![format!("CN={}", escape(&subject.name))];
    if !subject.unit.trim().is_empty() {
        parts.push(format!("OU={}", escape(&subject.unit)));
    }
    if !subject.organisation.trim().is_empty() {
        parts.push(format!("O={}", escape(&subject.organisation)));
    }
    parts.push("C=CN".into());
    Name::from_str(&parts.join(",")).map_err(|e| SigningError::BadKey(e.to_string()))
}

/// Creates a key and its self-signed certificate, valid for five years from `not_before_unix`.
pub fn create_key(
    subject: &Subject,
    passphrase: &str,
    not_before_unix: u64,
) -> Result<NewKey, SigningError> {
    create_key_unlocked(subject, passphrase, not_before_unix).map(|(key, _)| key)
}

/// [`create_key`], also handing back the key itself, for signing at once without unlocking it
/// again (the demo's round signs its sheets this way: one key derivation per expert, not two).
/// The key is wiped from memory when dropped.
pub fn create_key_unlocked(
    subject: &Subject,
    passphrase: &str,
    not_before_unix: u64,
) -> Result<(NewKey, SigningKey), SigningError> {
    create_at_cost(subject, passphrase, not_before_unix, SCRYPT_LOG_N)
}

/// [`create_key_unlocked`] for the demo's keys only, at scrypt's cost [`DEMO_SCRYPT_LOG_N`]:
/// their passphrase is printed on the demo's page, so a slow derivation would protect nothing
/// and only cost the visitor the load time of the demo (seven keys, ~0.35 s each at the real
/// cost). Never for a key anyone signs with for real.
pub fn create_demo_key_unlocked(
    subject: &Subject,
    passphrase: &str,
    not_before_unix: u64,
) -> Result<(NewKey, SigningKey), SigningError> {
    create_at_cost(subject, passphrase, not_before_unix, DEMO_SCRYPT_LOG_N)
}

/// scrypt's cost for the demo's keys, whose passphrase is public: N = 2^12 (4 MiB).
pub const DEMO_SCRYPT_LOG_N: u8 = 12;

fn create_at_cost(
    subject: &Subject,
    passphrase: &str,
    not_before_unix: u64,
    log_n: u8,
) -> Result<(NewKey, SigningKey), SigningError> {
    check_passphrase(passphrase)?;
    let signing_key = SigningKey::random(&mut OsRng);
    let mut serial = [0u8; 16];
    OsRng.fill_bytes(&mut serial);
    let not_after = not_before_unix + CERTIFICATE_VALIDITY_SECONDS;
    let certificate_der =
        self_signed_certificate(&signing_key, subject, serial, not_before_unix, not_after)?;
    let encrypted_key_pem = encrypt(&signing_key, passphrase, log_n)?;
    Ok((
        NewKey {
            certificate_der,
            encrypted_key_pem,
        },
        signing_key,
    ))
}

/// Five years and a day.
pub const CERTIFICATE_VALIDITY_SECONDS: u64 = 5 * 365 * 24 * 3600 + 24 * 3600;

/// A self-signed end-entity certificate for `signing_key` (DER), valid between the two Unix
/// times, with key usage digitalSignature and nonRepudiation.
pub fn self_signed_certificate(
    signing_key: &SigningKey,
    subject: &Subject,
    mut serial: [u8; 16],
    not_before_unix: u64,
    not_after_unix: u64,
) -> Result<Vec<u8>, SigningError> {
    serial[0] &= 0x7f; // a positive INTEGER
    serial[0] |= 0x01; // and never a leading zero byte
    let time = |secs: u64| {
        der::asn1::GeneralizedTime::from_unix_duration(Duration::from_secs(secs))
            .map(Time::GeneralTime)
            .map_err(|e| SigningError::Sign(e.to_string()))
    };
    let validity = Validity {
        not_before: time(not_before_unix)?,
        not_after: time(not_after_unix)?,
    };
    let name = name_of(subject)?;
    let spki = SubjectPublicKeyInfoOwned::from_key(*signing_key.verifying_key())
        .map_err(|e| SigningError::Sign(e.to_string()))?;
    let profile = Profile::Leaf {
        issuer: name.clone(),
        enable_key_agreement: false,
        enable_key_encipherment: false,
    };
    let serial = SerialNumber::new(&serial).map_err(|e| SigningError::Sign(e.to_string()))?;
    let builder = CertificateBuilder::new(profile, serial, validity, name, spki, signing_key)
        .map_err(|e| SigningError::Sign(e.to_string()))?;
    let certificate = builder
        .build::<DerSignature>()
        .map_err(|e| SigningError::Sign(e.to_string()))?;
    certificate
        .to_der()
        .map_err(|e| SigningError::Sign(e.to_string()))
}

/// scrypt's cost: N = 2^17, r = 8, p = 1 — 128 MiB per attempt, the minimum OWASP's Password
/// Storage Cheat Sheet recommends for scrypt today (`park-review bench keys` measures it: see
/// README). Keys made before with N = 2^15 still open (the parameters travel in the PEM) and
/// take the new cost when their passphrase is next changed.
pub const SCRYPT_LOG_N: u8 = 17;

/// The key as encrypted PKCS#8 PEM with a fresh salt and IV.
fn encrypt(key: &SigningKey, passphrase: &str, log_n: u8) -> Result<String, SigningError> {
    use pkcs8::pkcs5::{pbes2, scrypt};
    let fail = |e: &dyn std::fmt::Display| SigningError::Sign(e.to_string());
    let der = key.to_pkcs8_der().map_err(|e| fail(&e))?;
    let info = pkcs8::PrivateKeyInfo::try_from(der.as_bytes()).map_err(|e| fail(&e))?;
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 16];
    OsRng.fill_bytes(&mut salt);
    OsRng.fill_bytes(&mut iv);
    let params = scrypt::Params::new(log_n, 8, 1, 32).map_err(|e| fail(&e))?;
    let pbes2 = pbes2::Parameters::scrypt_aes256cbc(params, &salt, &iv).map_err(|e| fail(&e))?;
    let document = info
        .encrypt_with_params(pbes2, passphrase.as_bytes())
        .map_err(|e| fail(&e))?;
    document
        .to_pem("ENCRYPTED PRIVATE KEY", LineEnding::LF)
        .map(|pem| pem.to_string())
        .map_err(|e| fail(&e))
}

/// Decrypts a private key. A wrong passphrase is `WrongPassphrase`; nothing is written anywhere.
///
/// Only a container that cannot be read is `BadKey`. Once it is read, any failure is the
/// passphrase's: decrypting with a wrong one usually fails its padding check, but about once in
/// 256 the padding happens to look right and the garbage fails to parse as a key instead — that
/// too is a wrong passphrase, not a broken key.
pub fn unlock(encrypted_key_pem: &str, passphrase: &str) -> Result<SigningKey, SigningError> {
    let bad = |e: &dyn std::fmt::Display| SigningError::BadKey(e.to_string());
    let (_, document) = pkcs8::SecretDocument::from_pem(encrypted_key_pem).map_err(|e| bad(&e))?;
    let info =
        pkcs8::EncryptedPrivateKeyInfo::try_from(document.as_bytes()).map_err(|e| bad(&e))?;
    let plain = info
        .decrypt(passphrase.as_bytes())
        .map_err(|_| SigningError::WrongPassphrase)?;
    SigningKey::from_pkcs8_der(plain.as_bytes()).map_err(|_| SigningError::WrongPassphrase)
}

/// Changes a key's passphrase; the old one must be right.
pub fn change_passphrase(
    encrypted_key_pem: &str,
    old: &str,
    new: &str,
) -> Result<String, SigningError> {
    check_passphrase(new)?;
    encrypt(&unlock(encrypted_key_pem, old)?, new, SCRYPT_LOG_N)
}

pub fn parse_certificate(der: &[u8]) -> Result<Certificate, SigningError> {
    Certificate::from_der(der).map_err(|e| SigningError::BadKey(e.to_string()))
}

/// The certificate as PEM, for `park-review cert export`.
pub fn certificate_pem(der: &[u8]) -> Result<String, SigningError> {
    parse_certificate(der)?
        .to_pem(LineEnding::LF)
        .map_err(|e| SigningError::BadKey(e.to_string()))
}

/// A certificate from its PEM text, as DER.
pub fn certificate_der_from_pem(pem: &str) -> Result<Vec<u8>, SigningError> {
    use der::DecodePem;
    let certificate =
        Certificate::from_pem(pem.as_bytes()).map_err(|e| SigningError::BadKey(e.to_string()))?;
    certificate
        .to_der()
        .map_err(|e| SigningError::BadKey(e.to_string()))
}

/// The SHA-256 of the certificate (hex): how a certificate is recognised and compared.
pub fn certificate_fingerprint(der: &[u8]) -> String {
    park_review_domain::digest::sha256_hex(der)
}

/// The common name (CN) of a certificate's subject, for messages.
pub fn common_name(certificate: &Certificate) -> String {
    subject_attribute(certificate, const_oid::db::rfc4519::CN)
}

/// The organisational unit (OU) of a certificate's subject: `评审专家 E004` for an expert.
pub fn organisational_unit(certificate: &Certificate) -> String {
    subject_attribute(certificate, const_oid::db::rfc4519::OU)
}

fn subject_attribute(certificate: &Certificate, oid: der::oid::ObjectIdentifier) -> String {
    for rdn in certificate.tbs_certificate.subject.0.iter() {
        for atv in rdn.0.iter() {
            if atv.oid == oid {
                if let Ok(s) = der::asn1::Utf8StringRef::try_from(&atv.value) {
                    return s.as_str().to_owned();
                }
                if let Ok(s) = der::asn1::PrintableStringRef::try_from(&atv.value) {
                    return s.as_str().to_owned();
                }
            }
        }
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject() -> Subject {
        Subject {
            name: "陈志远".into(),
            organisation: "华南理工大学计算机科学与工程学院".into(),
            unit: "评审专家 E001".into(),
        }
    }

    #[test]
    fn a_key_is_encrypted_and_opens_only_with_its_passphrase() {
        let key = create_key(&subject(), "正确的口令 2026", 1_795_000_000).unwrap();
        assert!(key
            .encrypted_key_pem
            .starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        let opened = unlock(&key.encrypted_key_pem, "正确的口令 2026").unwrap();
        let cert = parse_certificate(&key.certificate_der).unwrap();
        let spki = SubjectPublicKeyInfoOwned::from_key(*opened.verifying_key()).unwrap();
        assert_eq!(cert.tbs_certificate.subject_public_key_info, spki);
        assert!(matches!(
            unlock(&key.encrypted_key_pem, "错误的口令 2026"),
            Err(SigningError::WrongPassphrase)
        ));
        assert!(matches!(
            create_key(&subject(), "short", 0),
            Err(SigningError::WeakPassphrase(_))
        ));
    }

    /// Decrypting with a wrong passphrase sometimes passes the padding check and yields
    /// garbage (about once in 256 tries); garbage that is not a key is a wrong passphrase too,
    /// never "a broken key". Shown here with a container whose content is not a key.
    #[test]
    fn content_that_decrypts_but_is_not_a_key_is_a_wrong_passphrase() {
        use pkcs8::pkcs5::{pbes2, scrypt};
        let params = scrypt::Params::new(10, 8, 1, 32).unwrap();
        let pbes2 = pbes2::Parameters::scrypt_aes256cbc(params, &[7u8; 16], &[9u8; 16]).unwrap();
        let ciphertext = pbes2
            .encrypt("口令", b"these bytes are not a PKCS#8 key")
            .unwrap();
        let info = pkcs8::EncryptedPrivateKeyInfo {
            encryption_algorithm: pkcs8::pkcs5::EncryptionScheme::Pbes2(pbes2),
            encrypted_data: &ciphertext,
        };
        let pem = der::EncodePem::to_pem(&info, LineEnding::LF).unwrap();
        assert!(matches!(
            unlock(&pem, "口令"),
            Err(SigningError::WrongPassphrase)
        ));
        // A container that cannot be read at all is a broken key.
        assert!(matches!(
            unlock("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n", "口令"),
            Err(SigningError::BadKey(_))
        ));
    }

    #[test]
    fn the_certificate_names_the_expert_in_chinese_and_allows_non_repudiation() {
        let key = create_key(&subject(), "正确的口令 2026", 1_795_000_000).unwrap();
        let cert = parse_certificate(&key.certificate_der).unwrap();
        assert_eq!(common_name(&cert), "陈志远");
        assert_eq!(cert.tbs_certificate.subject, cert.tbs_certificate.issuer);
        let pem = certificate_pem(&key.certificate_der).unwrap();
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
        let usage = cert
            .tbs_certificate
            .extensions
            .unwrap()
            .into_iter()
            .find(|e| e.extn_id == const_oid::db::rfc5280::ID_CE_KEY_USAGE)
            .unwrap();
        let usage = x509_cert::ext::pkix::KeyUsage::from_der(usage.extn_value.as_bytes()).unwrap();
        assert!(usage.digital_signature() && usage.non_repudiation());
    }

    /// scrypt's (N, r, p) of an encrypted key.
    fn cost_of(pem: &str) -> (u64, u32, u32) {
        use der::Decode;
        let (_, doc) = der::SecretDocument::from_pem(pem).unwrap();
        let info = pkcs8::EncryptedPrivateKeyInfo::from_der(doc.as_bytes()).unwrap();
        let pkcs8::pkcs5::EncryptionScheme::Pbes2(params) = info.encryption_algorithm else {
            panic!("not PBES2")
        };
        let pkcs8::pkcs5::pbes2::Kdf::Scrypt(scrypt) = params.kdf else {
            panic!("not scrypt")
        };
        (
            scrypt.cost_parameter,
            scrypt.block_size.into(),
            scrypt.parallelization.into(),
        )
    }

    #[test]
    fn the_key_is_encrypted_with_scrypt_at_the_documented_cost() {
        let key = create_key(&subject(), "正确的口令 2026", 0).unwrap();
        // The documented figure (docs/cli.md: N=2^17), not the code's own constant.
        assert_eq!(cost_of(&key.encrypted_key_pem), (131_072, 8, 1));
    }

    #[test]
    fn a_demo_key_is_cheap_to_open_until_its_public_passphrase_is_changed() {
        let (key, _) = create_demo_key_unlocked(&subject(), "示例批次演示口令2026", 0).unwrap();
        assert_eq!(cost_of(&key.encrypted_key_pem), (4096, 8, 1));
        unlock(&key.encrypted_key_pem, "示例批次演示口令2026").unwrap();
        // A passphrase of the user's own takes the real cost.
        let changed = change_passphrase(
            &key.encrypted_key_pem,
            "示例批次演示口令2026",
            "正确的口令 2026",
        )
        .unwrap();
        assert_eq!(cost_of(&changed), (131_072, 8, 1));
    }

    #[test]
    fn weak_passphrases_are_refused_with_the_reason() {
        for (weak, reason) in [
            ("        ", "太短"),
            ("  ab cd ef  ", "太短"),
            ("口令口令口令口令", "单调"),
            ("aaaabbbbcccc", "单调"),
            ("12345678", "连续"),
            ("abcdefghij", "连续"),
            ("Password2026", "常见"),
            ("qwertyuiop", "常见"),
        ] {
            match check_passphrase(weak) {
                Err(SigningError::WeakPassphrase(message)) => {
                    assert!(message.contains(reason), "{weak}: {message}")
                }
                other => panic!("{weak} accepted: {other:?}"),
            }
        }
        for strong in [
            "专家的口令 2026",
            "测试口令 correct horse",
            "黄建华评审用的钥匙",
            "Tr0ub4dor&3x",
        ] {
            assert!(check_passphrase(strong).is_ok(), "{strong}");
        }
    }

    #[test]
    fn a_changed_passphrase_replaces_the_old_one() {
        let key = create_key(&subject(), "正确的口令 2026", 0).unwrap();
        let pem =
            change_passphrase(&key.encrypted_key_pem, "正确的口令 2026", "新的口令 2027").unwrap();
        assert!(unlock(&pem, "新的口令 2027").is_ok());
        assert!(matches!(
            unlock(&pem, "正确的口令 2026"),
            Err(SigningError::WrongPassphrase)
        ));
    }
}
