//! The offline exchange (docs/formats/package.md, docs/formats/bundle.md): a review package
//! out to one expert's laptop, a score bundle back, and the expert's certificate registered by
//! fingerprint. Both files are signed containers (park-review-container); this module seals and
//! opens them, checks whose signature they carry and every signed PDF inside, and hands the
//! checked content to the store, which applies it in one transaction.

use std::collections::BTreeMap;

use park_review_container::{open, seal, Limits, Opened, Seal};
use park_review_domain::claim::DocumentKind;
use park_review_domain::digest::sha256_hex;
use park_review_domain::ids::RoundId;
use park_review_domain::offline::{
    attachment_member, fingerprint_groups, parse_bundle, parse_package, signed_member,
    BundleContent, BundleDocumentKind, BundleSigned, ExchangeHeader, BUNDLE_FORMAT, BUNDLE_MEMBER,
    CERTIFICATE_MEMBER, PACKAGE_FORMAT, PACKAGE_MEMBER,
};
use park_review_domain::{CodedError, ErrorCode};
use park_review_store::exchange::{
    BundleImported, ContainerFacts, Direction, PackageImported, VerifiedSigned,
};
use park_review_store::{KeyOwner, Store, StoredKey};
use serde::Serialize;
use ts_rs::TS;

use crate::files::{stamp, Document};
use crate::sheets::Signer;
use crate::{Caller, Result};

/// A review package's file extension.
pub const PACKAGE_EXTENSION: &str = "prpkg";
/// A score bundle's file extension.
pub const BUNDLE_EXTENSION: &str = "prbundle";

/// A container that was sealed: the file and what it is.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Sealed {
    pub file_name: String,
    pub uid: String,
    pub round: String,
    pub expert: String,
    pub sequence: u32,
    /// Applications (package) or sheets (bundle) inside.
    pub items: u32,
    /// Attachments (package) or signed PDFs (bundle) inside.
    pub files: u32,
    #[ts(type = "number")]
    pub bytes: u64,
    pub file_sha256: String,
    /// The signer's certificate, SHA-256 in groups of four, to compare aloud.
    pub signer_fingerprint: String,
}

fn malformed(message: String) -> CodedError {
    CodedError::new(ErrorCode::ImportMalformed, message)
}

fn tampered(message: String) -> CodedError {
    CodedError::new(
        ErrorCode::SignatureInvalid,
        format!("{message}：文件被改动过（或成员被替换），没有导入任何内容。"),
    )
}

fn seal_container(
    store: &Store,
    signer: &Signer,
    format: &str,
    header: &ExchangeHeader,
    members: Vec<(String, Vec<u8>)>,
) -> Result<(Vec<u8>, ContainerFacts)> {
    let uid = park_review_store::fresh_uid();
    let created_at = store
        .now()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    let header_json =
        serde_json::to_value(header).map_err(|e| CodedError::internal(e.to_string()))?;
    let bytes = seal(
        Seal {
            format,
            uid: &uid,
            created_at: &created_at,
            header: header_json,
            members,
        },
        signer.key(),
        signer.certificate_der(),
    )?;
    let facts = ContainerFacts {
        uid,
        header: header.clone(),
        signer_sha256: sha256_hex(signer.certificate_der()),
        signer_der: signer.certificate_der().to_vec(),
        file_sha256: sha256_hex(&bytes),
        created_at,
    };
    Ok((bytes, facts))
}

fn certificate_member(der: &[u8]) -> Result<(String, Vec<u8>)> {
    Ok((
        CERTIFICATE_MEMBER.to_owned(),
        park_review_signing::keys::certificate_pem(der)?.into_bytes(),
    ))
}

fn sealed(
    file_name: String,
    bytes: &[u8],
    facts: &ContainerFacts,
    items: usize,
    files: usize,
) -> Sealed {
    Sealed {
        file_name,
        uid: facts.uid.clone(),
        round: facts.header.round_code.clone(),
        expert: facts.header.expert_code.clone(),
        sequence: facts.header.sequence,
        items: items as u32,
        files: files as u32,
        bytes: bytes.len() as u64,
        file_sha256: facts.file_sha256.clone(),
        signer_fingerprint: fingerprint_groups(&facts.signer_sha256),
    }
}

/// Seals one expert's review package with the secretariat's key and logs it as sent. The
/// package holds only that expert's assignments without a standing conflict, their records and
/// materials, the frozen rubric and the round (docs/formats/package.md).
pub fn export_package(
    store: &mut Store,
    caller: Caller,
    round_id: RoundId,
    expert: &str,
    signer: &Signer,
) -> Result<(Sealed, Document)> {
    let data = store.package_data(round_id, expert)?;
    let content = serde_json::to_vec_pretty(&data.content)
        .map_err(|e| CodedError::internal(e.to_string()))?;
    let mut members = vec![
        (PACKAGE_MEMBER.to_owned(), content),
        certificate_member(signer.certificate_der())?,
    ];
    let files = data.attachments.len();
    for (sha, bytes) in data.attachments {
        members.push((attachment_member(&sha), bytes));
    }
    let (bytes, facts) = seal_container(store, signer, PACKAGE_FORMAT, &data.header, members)?;
    store.record_sent(&caller.secretariat(), Direction::PackageOut, &facts)?;
    let file_name = format!(
        "评审包-{}-{}-{}.{PACKAGE_EXTENSION}",
        data.header.round_code,
        data.header.expert_code,
        stamp(store.now())
    );
    let summary = sealed(
        file_name.clone(),
        &bytes,
        &facts,
        data.content.applications.len(),
        files,
    );
    Ok((summary, Document { file_name, bytes }))
}

/// The panel experts of a round who have at least one assignment: whom `package export --all`
/// makes a package for.
pub fn package_recipients(store: &Store, round_id: RoundId) -> Result<Vec<String>> {
    let board = store.review_board(round_id)?;
    Ok(board
        .experts
        .iter()
        .filter(|e| e.load > 0)
        .map(|e| e.code.clone())
        .collect())
}

/// A review package that opened and verified: ready for the expert's database.
pub struct OpenedPackage {
    facts: ContainerFacts,
    content: park_review_domain::offline::PackageContent,
    attachments: BTreeMap<String, Vec<u8>>,
}

impl OpenedPackage {
    /// The secretariat's certificate fingerprint in groups of four, to compare with
    /// `key show --secretariat` on the secretariat's laptop.
    pub fn signer_fingerprint(&self) -> String {
        fingerprint_groups(&self.facts.signer_sha256)
    }
}

fn facts_of(opened: &Opened, bytes: &[u8]) -> Result<ContainerFacts> {
    Ok(ContainerFacts {
        uid: opened.manifest.uid.clone(),
        header: ExchangeHeader::parse(&opened.manifest.header)?,
        signer_sha256: opened.signer.certificate_sha256.clone(),
        signer_der: opened.signer.certificate_der.clone(),
        file_sha256: sha256_hex(bytes),
        created_at: opened.manifest.created_at.clone(),
    })
}

/// Opens a review package from outside: the container (sizes, names, every member's hash, the
/// signature), the signer named 秘书处, the content against the signed header, and no member
/// beyond those the content lists. Nothing is stored.
pub fn read_package(bytes: &[u8]) -> Result<OpenedPackage> {
    let mut opened = open(bytes, PACKAGE_FORMAT, Limits::DEFAULT)?;
    if opened.signer.name != "秘书处" {
        return Err(CodedError::new(
            ErrorCode::PackageSignerChanged,
            format!(
                "评审包由“{}”签署，不是秘书处：未导入任何内容。",
                opened.signer.name
            ),
        ));
    }
    let facts = facts_of(&opened, bytes)?;
    let content = parse_package(
        &opened
            .members
            .remove(PACKAGE_MEMBER)
            .ok_or_else(|| malformed("评审包缺少 package.json：未导入任何内容。".into()))?,
    )?;
    opened.members.remove(CERTIFICATE_MEMBER);
    let mut attachments = BTreeMap::new();
    for (name, data) in opened.members {
        match name.strip_prefix("attachments/") {
            Some(sha) if !sha.contains('/') => {
                attachments.insert(sha.to_owned(), data);
            }
            _ => return Err(tampered(format!("评审包中有不应有的成员 {name}"))),
        }
    }
    Ok(OpenedPackage {
        facts,
        content,
        attachments,
    })
}

/// Imports a review package on an expert's laptop (see [`Store::apply_package`]).
pub fn import_package(store: &mut Store, package: &OpenedPackage) -> Result<PackageImported> {
    Ok(store.apply_package(&package.facts, &package.content, &package.attachments)?)
}

/// Seals the expert's score bundle for a round with the expert's key and logs it as sent: the
/// pledges, every score, comment and opinion (drafts as drafts), submissions and the signed
/// PDFs issued here (docs/formats/bundle.md).
pub fn export_bundle(
    store: &mut Store,
    caller: Caller,
    round_id: RoundId,
    signer: &Signer,
) -> Result<(Sealed, Document)> {
    let data = store.bundle_data(round_id)?;
    seal_bundle(store, caller, data, signer)
}

/// Seals a bundle's data with the expert's key and logs it as sent (what [`export_bundle`]
/// does once it has read the data; the benchmark calls it with data of its own making).
pub fn seal_bundle(
    store: &mut Store,
    caller: Caller,
    data: park_review_store::exchange::BundleData,
    signer: &Signer,
) -> Result<(Sealed, Document)> {
    let registered = store.signing_key(KeyOwner::Expert(&data.header.expert_code))?;
    if registered.certificate_sha256 != sha256_hex(signer.certificate_der()) {
        return Err(CodedError::internal("签名密钥不是本专家当前的密钥"));
    }
    let content = serde_json::to_vec_pretty(&data.content)
        .map_err(|e| CodedError::internal(e.to_string()))?;
    let mut members = vec![
        (BUNDLE_MEMBER.to_owned(), content),
        certificate_member(signer.certificate_der())?,
    ];
    let files = data.pdfs.len();
    for (uid, pdf) in data.pdfs {
        members.push((signed_member(&uid), pdf));
    }
    let (bytes, facts) = seal_container(store, signer, BUNDLE_FORMAT, &data.header, members)?;
    store.record_sent(
        &caller.expert(&data.header.expert_code),
        Direction::BundleOut,
        &facts,
    )?;
    let file_name = format!(
        "评分包-{}-{}-{:03}.{BUNDLE_EXTENSION}",
        data.header.round_code, data.header.expert_code, data.header.sequence
    );
    let summary = sealed(
        file_name.clone(),
        &bytes,
        &facts,
        data.content.sheets.len(),
        files,
    );
    Ok((summary, Document { file_name, bytes }))
}

/// A score bundle that opened: its container checked (sizes, names, hashes, signature), its
/// content parsed, its members exactly those the content lists. Whose signature it carries is
/// not yet judged.
pub struct OpenedBundle {
    facts: ContainerFacts,
    content: BundleContent,
    pdfs: BTreeMap<String, Vec<u8>>,
}

impl OpenedBundle {
    pub fn expert_code(&self) -> &str {
        &self.facts.header.expert_code
    }
    pub fn signer_sha256(&self) -> &str {
        &self.facts.signer_sha256
    }
    pub fn signer_der(&self) -> &[u8] {
        &self.facts.signer_der
    }
}

/// Opens a score bundle from outside (nothing is stored).
pub fn read_bundle(bytes: &[u8]) -> Result<OpenedBundle> {
    let mut opened = open(bytes, BUNDLE_FORMAT, Limits::DEFAULT)?;
    let facts = facts_of(&opened, bytes)?;
    let content = parse_bundle(
        &opened
            .members
            .remove(BUNDLE_MEMBER)
            .ok_or_else(|| malformed("评分包缺少 bundle.json：未导入任何内容。".into()))?,
    )?;
    opened.members.remove(CERTIFICATE_MEMBER);
    let mut pdfs = BTreeMap::new();
    for entry in &content.signed {
        let Some(pdf) = opened.members.remove(&signed_member(&entry.uid)) else {
            return Err(tampered(format!("评分包缺少签名评分表 {}", entry.uid)));
        };
        if sha256_hex(&pdf) != entry.file_sha256 {
            return Err(tampered(format!(
                "签名评分表 {} 与其记录的 SHA-256 不符",
                entry.uid
            )));
        }
        pdfs.insert(entry.uid.clone(), pdf);
    }
    if let Some(extra) = opened.members.keys().next() {
        return Err(tampered(format!("评分包中有不应有的成员 {extra}")));
    }
    Ok(OpenedBundle {
        facts,
        content,
        pdfs,
    })
}

/// Checks every signed PDF of a bundle: a valid signature by the bundle's own signer, with a
/// claim naming this round, this expert, the document's uid, kind and application.
fn verify_signed_pdfs(bundle: &OpenedBundle) -> Result<()> {
    // Each PDF is checked on its own: split over the cores.
    // One core stays with the store, which works meanwhile.
    let threads = std::thread::available_parallelism()
        .map_or(1, |t| t.get())
        .saturating_sub(1)
        .max(1);
    let signed: Vec<&BundleSigned> = bundle.content.signed.iter().collect();
    let chunk = signed.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = signed
            .chunks(chunk)
            .map(|part| scope.spawn(move || verify_some(bundle, part)))
            .collect();
        workers.into_iter().try_for_each(|w| {
            w.join()
                .unwrap_or_else(|_| Err(CodedError::internal("核验线程失败")))
        })
    })
}

fn verify_some(bundle: &OpenedBundle, entries: &[&BundleSigned]) -> Result<()> {
    let header = &bundle.facts.header;
    let trusted = [bundle.facts.signer_der.clone()];
    for entry in entries {
        let pdf = &bundle.pdfs[&entry.uid];
        let read = crate::verify::read_signatures(pdf);
        let verdict = crate::verify::judge(&read, crate::verify::Trust::Certificates(&trusted))?;
        let claims = read.claims();
        let claim = match claims.as_slice() {
            [only] => only.clone(),
            _ => None,
        };
        let refuse = |why: String| {
            CodedError::new(
                ErrorCode::SignatureInvalid,
                format!(
                    "评分包中的签名文件 {}{} 未通过核验：{why}。没有导入任何内容。",
                    entry.uid,
                    entry
                        .application_code
                        .as_deref()
                        .map(|c| format!("（申报 {c}）"))
                        .unwrap_or_default()
                ),
            )
        };
        if !verdict.valid {
            return Err(refuse(verdict.problems.join("；")));
        }
        let Some(claim) = claim else {
            return Err(refuse("签名中没有签署声明".into()));
        };
        let kind = match entry.kind {
            BundleDocumentKind::Sheet => DocumentKind::ScoreSheet,
            BundleDocumentKind::Summary => DocumentKind::SummarySheet,
        };
        if claim.document_uid != entry.uid
            || claim.kind != kind
            || claim.round_uid != header.round_uid
            || claim.expert_uid.as_deref() != Some(header.expert_uid.as_str())
            || claim.application != entry.application_code
        {
            return Err(refuse(format!(
                "签署声明（{}，批次 {}，申报 {}）与评分包的记录不符",
                claim.kind.name_zh(),
                claim.round,
                claim.application.as_deref().unwrap_or("—")
            )));
        }
    }
    Ok(())
}

/// Imports a score bundle on the secretariat's database: the signer must be the certificate
/// registered for its expert (CERT_NOT_REGISTERED), every signed PDF must verify, then the
/// store checks and applies everything in one transaction (see [`Store::apply_bundle`]).
pub fn import_bundle(store: &mut Store, bundle: &OpenedBundle) -> Result<BundleImported> {
    store.check_bundle_signer(&bundle.facts)?;
    let signed: Vec<VerifiedSigned<'_>> = bundle
        .content
        .signed
        .iter()
        .map(|entry| VerifiedSigned {
            entry,
            pdf: &bundle.pdfs[&entry.uid],
        })
        .collect();
    // The signed PDFs are verified on the other cores while the store checks and writes the
    // scores; the store commits only once they all passed.
    std::thread::scope(|scope| {
        let verified = scope.spawn(|| verify_signed_pdfs(bundle));
        let outcome = store.apply_bundle(&bundle.facts, &bundle.content, &signed, || {
            verified
                .join()
                .unwrap_or_else(|_| Err(CodedError::internal("核验线程失败")))
        });
        Ok(outcome?)
    })
}

/// Where a certificate to register comes from.
pub enum CertificateSource<'a> {
    /// A PEM or DER certificate file the expert handed over.
    File(&'a [u8]),
    /// The signer of a score bundle (after its fingerprint was confirmed with the expert).
    Bundle(&'a [u8]),
}

/// A certificate as registered.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CertificateRegistered {
    pub expert: String,
    pub certificate_sha256: String,
    /// In groups of four, to compare aloud.
    pub fingerprint: String,
    /// The subject's common name (the expert's name, as the key was made).
    pub subject: String,
    pub key: StoredKey,
}

/// Reads a certificate to register without storing it: DER, its SHA-256 and subject. For a
/// bundle, its signer (the bundle's container must verify).
pub fn read_certificate(source: CertificateSource<'_>) -> Result<(Vec<u8>, String, String)> {
    let der = match source {
        CertificateSource::File(bytes) => {
            if bytes.starts_with(b"-----BEGIN") {
                let text = String::from_utf8_lossy(bytes);
                let mut found = crate::verify::read_trusted_certificates(&text)?;
                if found.len() != 1 {
                    return Err(malformed(format!(
                        "证书文件应只含一张证书，却有 {} 张。",
                        found.len()
                    )));
                }
                found.remove(0)
            } else {
                bytes.to_vec()
            }
        }
        CertificateSource::Bundle(bytes) => read_bundle(bytes)?.facts.signer_der,
    };
    let certificate = park_review_signing::keys::parse_certificate(&der)
        .map_err(|e| malformed(format!("文件不是可读的 X.509 证书：{e}")))?;
    let subject = park_review_signing::keys::common_name(&certificate);
    Ok((der.clone(), sha256_hex(&der), subject))
}

/// Registers an expert's certificate on the secretariat's database (`cert import`): the
/// subject must be the expert's (`CN = name`, `OU = 评审专家 CODE`); replacing a registered one
/// needs a reason.
pub fn import_certificate(
    store: &mut Store,
    caller: Caller,
    expert: &str,
    source: CertificateSource<'_>,
    replace: Option<&str>,
) -> Result<CertificateRegistered> {
    let found = store.expert_by_code(expert)?;
    let (der, sha, subject) = read_certificate(source)?;
    let certificate = park_review_signing::keys::parse_certificate(&der)?;
    let unit = park_review_signing::keys::organisational_unit(&certificate);
    let signer = park_review_domain::claim::ClaimedSigner::Expert {
        code: found.code.clone(),
        name: found.name.clone(),
    };
    if !signer.matches_subject(&subject, &unit) {
        return Err(CodedError::new(
            ErrorCode::CertNotRegistered,
            format!(
                "证书属于“{subject}”（{unit}），不是专家 {} {}：没有登记。",
                found.code, found.name
            ),
        ));
    }
    let key =
        store.register_certificate(&caller.secretariat(), &found.code, &der, &sha, replace)?;
    Ok(CertificateRegistered {
        expert: format!("{} {}", found.code, found.name),
        fingerprint: fingerprint_groups(&sha),
        certificate_sha256: sha,
        subject,
        key,
    })
}
