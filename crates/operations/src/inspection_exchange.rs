//! The inspection team's laptop (docs/formats/inspection-exchange.md): an inspection package
//! sealed with the secretariat's key, an inspection bundle sealed with the leader's, in the same
//! signed container as the experts' packages and bundles, opened as an attacker's file would be,
//! and applied by the store in one transaction, exactly once.

use std::collections::BTreeMap;

use park_review_container::{open, seal, Limits, Seal};
use park_review_domain::claim::DocumentKind;
use park_review_domain::digest::sha256_hex;
use park_review_domain::ids::RoundId;
use park_review_domain::offline::{
    attachment_member, evidence_member, fingerprint_groups, parse_inspection_bundle,
    parse_inspection_package, record_member, InspectionBundleContent, InspectionHeader,
    InspectionPackageContent, CERTIFICATE_MEMBER, INSPECTION_BUNDLE_FORMAT, INSPECTION_MEMBER,
    INSPECTION_PACKAGE_FORMAT,
};
use park_review_domain::{CodedError, ErrorCode};
use park_review_store::exchange::Direction;
use park_review_store::inspection::InspectionStatus;
use park_review_store::inspection_exchange::{InspectionExchanged, InspectionFacts};
use park_review_store::{KeyOwner, Store};

use crate::exchange::Sealed;
use crate::files::{stamp, Document};
use crate::sheets::Signer;
use crate::{Caller, Result};

/// An inspection package's file extension.
pub const INSPECTION_PACKAGE_EXTENSION: &str = "prinsp";
/// An inspection bundle's file extension.
pub const INSPECTION_BUNDLE_EXTENSION: &str = "prinspres";

fn tampered(message: String) -> CodedError {
    CodedError::new(
        ErrorCode::SignatureInvalid,
        format!("{message}：文件被改动过（或成员被替换），没有导入任何内容。"),
    )
}

fn seal_inspection(
    store: &Store,
    signer: &Signer,
    format: &str,
    header: &InspectionHeader,
    members: Vec<(String, Vec<u8>)>,
) -> Result<(Vec<u8>, InspectionFacts)> {
    let uid = park_review_store::fresh_uid();
    let created_at = store
        .now()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    let bytes = seal(
        Seal {
            format,
            uid: &uid,
            created_at: &created_at,
            header: serde_json::to_value(header).map_err(CodedError::internal)?,
            members,
        },
        signer.key(),
        signer.certificate_der(),
    )?;
    Ok((
        bytes.clone(),
        InspectionFacts {
            uid,
            header: header.clone(),
            signer_sha256: sha256_hex(signer.certificate_der()),
            signer_der: signer.certificate_der().to_vec(),
            file_sha256: sha256_hex(&bytes),
            created_at,
        },
    ))
}

fn sealed(
    file_name: String,
    bytes: &[u8],
    facts: &InspectionFacts,
    items: usize,
    files: usize,
) -> Sealed {
    Sealed {
        file_name,
        uid: facts.uid.clone(),
        round: facts.header.round_code.clone(),
        expert: facts.header.leader_code.clone(),
        sequence: facts.header.sequence,
        items: items as u32,
        files: files as u32,
        bytes: bytes.len() as u64,
        file_sha256: facts.file_sha256.clone(),
        signer_fingerprint: fingerprint_groups(&facts.signer_sha256),
    }
}

fn certificate(der: &[u8]) -> Result<(String, Vec<u8>)> {
    Ok((
        CERTIFICATE_MEMBER.to_owned(),
        park_review_signing::keys::certificate_pem(der)?.into_bytes(),
    ))
}

/// Seals the inspection package of an application for its team's laptop, with the
/// secretariat's key; a planned inspection is started first (its checklist frozen).
pub fn export_inspection_package(
    store: &mut Store,
    caller: Caller,
    round_id: RoundId,
    application: &str,
    signer: &Signer,
) -> Result<(Sealed, Document)> {
    if store.inspection(round_id, application)?.status == InspectionStatus::Planned {
        store.start_inspection(&caller.secretariat(), round_id, application)?;
    }
    let data = store.inspection_package_data(round_id, application)?;
    let mut members = vec![
        (
            INSPECTION_MEMBER.to_owned(),
            serde_json::to_vec_pretty(&data.content).map_err(CodedError::internal)?,
        ),
        certificate(signer.certificate_der())?,
    ];
    let files = data.attachments.len();
    for (sha, bytes) in data.attachments {
        members.push((attachment_member(&sha), bytes));
    }
    let (bytes, facts) = seal_inspection(
        store,
        signer,
        INSPECTION_PACKAGE_FORMAT,
        &data.header,
        members,
    )?;
    store.record_inspection_sent(
        &caller.secretariat(),
        Direction::InspectionPackageOut,
        &facts,
    )?;
    let file_name = format!(
        "考察包-{}-{}-{}.{INSPECTION_PACKAGE_EXTENSION}",
        data.header.round_code,
        data.header.application_code,
        stamp(store.now())
    );
    let summary = sealed(
        file_name.clone(),
        &bytes,
        &facts,
        data.content.checklist.items().count(),
        files,
    );
    Ok((summary, Document { file_name, bytes }))
}

/// An inspection package that opened and verified.
pub struct OpenedInspectionPackage {
    facts: InspectionFacts,
    content: InspectionPackageContent,
    attachments: BTreeMap<String, Vec<u8>>,
}

impl OpenedInspectionPackage {
    pub fn signer_fingerprint(&self) -> String {
        fingerprint_groups(&self.facts.signer_sha256)
    }
}

fn facts_of(opened: &park_review_container::Opened, bytes: &[u8]) -> Result<InspectionFacts> {
    Ok(InspectionFacts {
        uid: opened.manifest.uid.clone(),
        header: InspectionHeader::parse(&opened.manifest.header)?,
        signer_sha256: opened.signer.certificate_sha256.clone(),
        signer_der: opened.signer.certificate_der.clone(),
        file_sha256: sha256_hex(bytes),
        created_at: opened.manifest.created_at.clone(),
    })
}

/// Opens an inspection package from outside (nothing is stored).
pub fn read_inspection_package(bytes: &[u8]) -> Result<OpenedInspectionPackage> {
    let mut opened = open(bytes, INSPECTION_PACKAGE_FORMAT, Limits::DEFAULT)?;
    if opened.signer.name != "秘书处" {
        return Err(CodedError::new(
            ErrorCode::PackageSignerChanged,
            format!(
                "考察包由“{}”签署，不是秘书处：未导入任何内容。",
                opened.signer.name
            ),
        ));
    }
    let facts = facts_of(&opened, bytes)?;
    let content = parse_inspection_package(
        &opened
            .members
            .remove(INSPECTION_MEMBER)
            .ok_or_else(|| tampered("考察包缺少 inspection.json".into()))?,
    )?;
    opened.members.remove(CERTIFICATE_MEMBER);
    let mut attachments = BTreeMap::new();
    for (name, data) in opened.members {
        match name.strip_prefix("attachments/") {
            Some(sha) if !sha.contains('/') => {
                attachments.insert(sha.to_owned(), data);
            }
            _ => return Err(tampered(format!("考察包中有不应有的成员 {name}"))),
        }
    }
    Ok(OpenedInspectionPackage {
        facts,
        content,
        attachments,
    })
}

/// Imports an inspection package on the team's laptop.
pub fn import_inspection_package(
    store: &mut Store,
    package: &OpenedInspectionPackage,
) -> Result<InspectionExchanged> {
    Ok(store.apply_inspection_package(&package.facts, &package.content, &package.attachments)?)
}

/// Seals the team's results with the leader's key (on the team's laptop).
pub fn export_inspection_bundle(
    store: &mut Store,
    caller: Caller,
    round_id: RoundId,
    application: &str,
    signer: &Signer,
) -> Result<(Sealed, Document)> {
    let data = store.inspection_bundle_data(round_id, application)?;
    let registered = store.signing_key(KeyOwner::Expert(&data.header.leader_code))?;
    if registered.certificate_sha256 != sha256_hex(signer.certificate_der()) {
        return Err(CodedError::new(
            ErrorCode::NotPermitted,
            format!("考察结果包须由组长 {} 签名。", data.header.leader_code),
        ));
    }
    let mut members = vec![
        (
            INSPECTION_MEMBER.to_owned(),
            serde_json::to_vec_pretty(&data.content).map_err(CodedError::internal)?,
        ),
        certificate(signer.certificate_der())?,
    ];
    let files = data.evidence.len() + data.records.len();
    for (sha, bytes) in data.evidence {
        members.push((evidence_member(&sha), bytes));
    }
    for (uid, pdf) in data.records {
        members.push((record_member(&uid), pdf));
    }
    let (bytes, facts) = seal_inspection(
        store,
        signer,
        INSPECTION_BUNDLE_FORMAT,
        &data.header,
        members,
    )?;
    store.record_inspection_sent(
        &caller.inspector(&data.header.leader_code),
        Direction::InspectionBundleOut,
        &facts,
    )?;
    let file_name = format!(
        "考察结果包-{}-{}-{:03}.{INSPECTION_BUNDLE_EXTENSION}",
        data.header.round_code, data.header.application_code, data.header.sequence
    );
    let summary = sealed(
        file_name.clone(),
        &bytes,
        &facts,
        data.content.answers.len(),
        files,
    );
    Ok((summary, Document { file_name, bytes }))
}

/// An inspection bundle that opened: container checked, members exactly those listed.
pub struct OpenedInspectionBundle {
    facts: InspectionFacts,
    content: InspectionBundleContent,
    evidence: BTreeMap<String, Vec<u8>>,
    records: BTreeMap<String, Vec<u8>>,
}

/// Opens an inspection bundle from outside (nothing is stored).
pub fn read_inspection_bundle(bytes: &[u8]) -> Result<OpenedInspectionBundle> {
    let mut opened = open(bytes, INSPECTION_BUNDLE_FORMAT, Limits::DEFAULT)?;
    let facts = facts_of(&opened, bytes)?;
    let content = parse_inspection_bundle(
        &opened
            .members
            .remove(INSPECTION_MEMBER)
            .ok_or_else(|| tampered("考察结果包缺少 inspection.json".into()))?,
    )?;
    opened.members.remove(CERTIFICATE_MEMBER);
    let mut evidence = BTreeMap::new();
    for e in &content.evidence {
        if evidence.contains_key(&e.sha256) {
            continue;
        }
        let Some(data) = opened.members.remove(&evidence_member(&e.sha256)) else {
            return Err(tampered(format!("考察结果包缺少佐证 {}", e.file_name)));
        };
        evidence.insert(e.sha256.clone(), data);
    }
    let mut records = BTreeMap::new();
    for r in &content.records {
        let Some(pdf) = opened.members.remove(&record_member(&r.uid)) else {
            return Err(tampered(format!("考察结果包缺少考察记录 {}", r.uid)));
        };
        records.insert(r.uid.clone(), pdf);
    }
    if let Some(extra) = opened.members.keys().next() {
        return Err(tampered(format!("考察结果包中有不应有的成员 {extra}")));
    }
    Ok(OpenedInspectionBundle {
        facts,
        content,
        evidence,
        records,
    })
}

/// Imports an inspection bundle on the secretariat's database: the leader's registered signer,
/// every signed record revision verified against the team's registered certificates with its
/// claim, then the store applies everything in one transaction.
pub fn import_inspection_bundle(
    store: &mut Store,
    bundle: &OpenedInspectionBundle,
) -> Result<InspectionExchanged> {
    store.check_inspection_signer(&bundle.facts)?;
    let header = &bundle.facts.header;
    for entry in &bundle.content.records {
        let pdf = &bundle.records[&entry.uid];
        let registered = store
            .signing_key(KeyOwner::Expert(&entry.signer))
            .map_err(|_| {
                CodedError::new(
                    ErrorCode::CertNotRegistered,
                    format!(
                        "考察记录由 {} 签名，其证书尚未在本数据库登记：请先登记（park-review cert import --expert {} F.pem）。没有做任何改动。",
                        entry.signer, entry.signer
                    ),
                )
            })?;
        let trusted = [registered.certificate_der.clone()];
        let read = crate::verify::read_signatures(pdf);
        let verdict =
            crate::verify::judge(&read, crate::verify::Trust::Certificates(&trusted[..]))?;
        // Every signature on the revision must verify; its last one is this entry's.
        let claims = read.claims();
        let last = claims.last().cloned().flatten();
        let fits = last.as_ref().is_some_and(|c| {
            c.kind == DocumentKind::InspectionRecord
                && c.document_uid == entry.uid
                && c.round_uid == header.round_uid
                && c.application_uid.as_deref() == Some(header.application_uid.as_str())
        });
        let own_valid = verdict
            .signatures
            .last()
            .is_some_and(|s| s.cryptographically_valid && s.problems.is_empty());
        if !fits
            || !own_valid
            || verdict
                .signatures
                .iter()
                .any(|s| !s.cryptographically_valid)
        {
            return Err(CodedError::new(
                ErrorCode::SignatureInvalid,
                format!(
                    "考察结果包中的考察记录 {}（{} 签名）未通过核验：{}。没有导入任何内容。",
                    entry.uid,
                    entry.signer,
                    if verdict.problems.is_empty() {
                        "签署声明与记录不符".to_owned()
                    } else {
                        verdict.problems.join("；")
                    }
                ),
            ));
        }
    }
    Ok(store.apply_inspection_bundle(
        &bundle.facts,
        &bundle.content,
        &bundle.evidence,
        &bundle.records,
    )?)
}
