//! What the offline exchange carries (docs/formats/package.md, docs/formats/bundle.md): the
//! signed header of a review package (秘书处 → one expert) and of a score bundle (expert →
//! 秘书处), and the JSON member each holds. The signed ZIP around them is park-review-container;
//! checking a bundle against the assignments, conflicts and the frozen rubric is the store's.
//! Parsing is pure: callers read the bytes.

use serde::{Deserialize, Serialize};

use crate::model::{ApplicationRecord, ExpertRecord, Rubric};
use crate::{DomainError, RoundKind, RoundStatus};

/// A review package's format id.
pub const PACKAGE_FORMAT: &str = "park-review/package@1";
/// A score bundle's format id.
pub const BUNDLE_FORMAT: &str = "park-review/bundle@1";
/// The package's one JSON member.
pub const PACKAGE_MEMBER: &str = "package.json";
/// The bundle's one JSON member.
pub const BUNDLE_MEMBER: &str = "bundle.json";
/// The signer's certificate, as a member too (PEM), so a person can read it without OpenSSL.
pub const CERTIFICATE_MEMBER: &str = "signer.pem";

/// The member name of an attachment (by its SHA-256) in a package.
pub fn attachment_member(sha256: &str) -> String {
    format!("attachments/{sha256}")
}

/// The member name of a signed PDF (by its document uid) in a bundle.
pub fn signed_member(uid: &str) -> String {
    format!("signed/{uid}.pdf")
}

/// What a container says about its round and expert, inside the signed manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangeHeader {
    pub round_uid: String,
    pub round_code: String,
    pub expert_uid: String,
    pub expert_code: String,
    /// Grows by one with each package sent to this expert for this round (or each bundle the
    /// expert exports): a lower number after a higher one is an older file.
    pub sequence: u32,
}

impl ExchangeHeader {
    pub fn parse(value: &serde_json::Value) -> Result<ExchangeHeader, DomainError> {
        serde_json::from_value(value.clone())
            .map_err(|e| DomainError::Malformed(format!("清单的 header 无法读取：{e}")))
    }
}

/// The round as a package carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageRound {
    pub uid: String,
    pub code: String,
    pub year: i32,
    pub kind: RoundKind,
    pub status: RoundStatus,
    pub title: String,
}

/// One attachment of an application, by its SHA-256 (the bytes are the member
/// `attachments/<sha256>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageAttachment {
    pub uid: String,
    pub clause: String,
    pub file_name: String,
    pub media_type: String,
    pub sha256: String,
    pub size_bytes: u64,
}

/// One application the expert is assigned to: its record and its materials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageApplication {
    pub uid: String,
    /// The assignment's uid on the secretariat's database.
    pub assignment_uid: String,
    pub record: ApplicationRecord,
    pub attachments: Vec<PackageAttachment>,
}

/// `members/package.json`: everything one expert needs to review offline, and nothing of
/// anyone else (no other expert's assignments, scores or conflicts; no unassigned application).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageContent {
    pub format: String,
    pub round: PackageRound,
    pub rubric: Rubric,
    /// The frozen rubric's SHA-256, as printed on every scoring sheet.
    pub rubric_sha256: String,
    pub expert_uid: String,
    pub expert: ExpertRecord,
    pub applications: Vec<PackageApplication>,
}

/// One criterion's score in a bundle (points None: not scored yet, a draft).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleScore {
    pub criterion: String,
    pub points: Option<f64>,
    #[serde(default)]
    pub comment: String,
}

/// One assignment's sheet as the expert left it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleSheet {
    pub assignment_uid: String,
    pub application_uid: String,
    pub application_code: String,
    /// When the expert signed the no-conflict pledge (None: not signed).
    pub declared_at: Option<String>,
    pub opinion: String,
    /// When the expert submitted (None: still a draft).
    pub submitted_at: Option<String>,
    pub scores: Vec<BundleScore>,
}

/// The kind of a signed document in a bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BundleDocumentKind {
    Sheet,
    Summary,
}

/// One signed PDF the expert issued (the bytes are the member `signed/<uid>.pdf`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleSigned {
    pub uid: String,
    pub kind: BundleDocumentKind,
    /// The application's code, for a score sheet.
    pub application_code: Option<String>,
    /// What the document shows, as issued (what `verify --db` compares later).
    pub snapshot: serde_json::Value,
    pub issued_at: String,
    pub file_sha256: String,
}

/// `members/bundle.json`: the expert's pledges, scores, comments, opinions, submissions and
/// signed sheets for one round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleContent {
    pub format: String,
    pub round_uid: String,
    pub expert_uid: String,
    pub expert_code: String,
    pub rubric_sha256: String,
    pub sheets: Vec<BundleSheet>,
    pub signed: Vec<BundleSigned>,
}

fn parse_member<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    format: &str,
    what: &str,
) -> Result<T, DomainError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| DomainError::Malformed(format!("{what}无法读取：不是 UTF-8 文本（{e}）")))?;
    crate::input::check_json(text).map_err(|e| match e {
        DomainError::Malformed(m) => DomainError::Malformed(format!("{what}无法读取：{m}")),
        other => other,
    })?;
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| DomainError::Malformed(format!("{what}无法读取：{e}")))?;
    let found = value.get("format").and_then(|f| f.as_str()).unwrap_or("");
    if found != format {
        return Err(DomainError::Malformed(format!(
            "{what}的格式为“{found}”，本程序读取 {format}。"
        )));
    }
    serde_json::from_value(value)
        .map_err(|e| DomainError::Malformed(format!("{what}无法读取：{e}")))
}

/// Parses `members/package.json`.
pub fn parse_package(bytes: &[u8]) -> Result<PackageContent, DomainError> {
    parse_member(bytes, PACKAGE_FORMAT, "评审包的内容（package.json）")
}

/// Parses `members/bundle.json`.
pub fn parse_bundle(bytes: &[u8]) -> Result<BundleContent, DomainError> {
    parse_member(bytes, BUNDLE_FORMAT, "评分包的内容（bundle.json）")
}

/// A SHA-256 fingerprint as people compare it aloud: upper-case groups of four
/// (`3F2A 91C0 …`).
pub fn fingerprint_groups(sha256_hex: &str) -> String {
    sha256_hex
        .to_ascii_uppercase()
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_read_in_groups_of_four() {
        assert_eq!(fingerprint_groups("3f2a91c0ab"), "3F2A 91C0 AB");
    }

    #[test]
    fn a_member_of_another_format_is_refused_by_name() {
        let err = parse_bundle(br#"{"format": "park-review/bundle@2"}"#).unwrap_err();
        assert!(err.to_string().contains("park-review/bundle@2"), "{err}");
        let err = parse_package(b"not json").unwrap_err();
        assert!(err.to_string().contains("package.json"), "{err}");
    }
}

/// An inspection package's format id (秘书处 → the inspection team's laptop).
pub const INSPECTION_PACKAGE_FORMAT: &str = "park-review/inspection-package@1";
/// An inspection bundle's format id (the team's laptop → 秘书处).
pub const INSPECTION_BUNDLE_FORMAT: &str = "park-review/inspection-bundle@1";
/// The JSON member of an inspection package or bundle.
pub const INSPECTION_MEMBER: &str = "inspection.json";

/// The member name of an evidence file (by its SHA-256) in an inspection bundle.
pub fn evidence_member(sha256: &str) -> String {
    format!("evidence/{sha256}")
}

/// The member name of a signed record revision (by its document uid) in an inspection bundle.
pub fn record_member(uid: &str) -> String {
    format!("records/{uid}.pdf")
}

/// What an inspection package or bundle says about itself, inside the signed manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InspectionHeader {
    pub round_uid: String,
    pub round_code: String,
    pub application_uid: String,
    pub application_code: String,
    pub inspection_uid: String,
    /// The team's leader: whose key signs the bundle, whose code names the team's copy.
    pub leader_code: String,
    /// Grows by one with each package (or bundle) of this inspection.
    pub sequence: u32,
}

impl InspectionHeader {
    pub fn parse(value: &serde_json::Value) -> Result<InspectionHeader, DomainError> {
        serde_json::from_value(value.clone())
            .map_err(|e| DomainError::Malformed(format!("清单的 header 无法读取：{e}")))
    }
}

/// A member of an inspection team, as a package carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamMember {
    pub uid: String,
    pub expert: ExpertRecord,
    pub leader: bool,
}

/// The application an inspection package carries (its record and materials).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InspectedApplication {
    pub uid: String,
    pub record: ApplicationRecord,
    pub attachments: Vec<PackageAttachment>,
}

/// `members/inspection.json` of an inspection package: everything the team needs at the park.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InspectionPackageContent {
    pub format: String,
    pub round: PackageRound,
    pub application: InspectedApplication,
    pub checklist: crate::inspection::Checklist,
    pub checklist_sha256: String,
    pub inspection_uid: String,
    pub visit_date: Option<String>,
    pub place: String,
    pub team: Vec<TeamMember>,
    pub site_factors: crate::inspection::StatusFactors,
}

/// One answer as the team left it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerEntry {
    pub item: String,
    pub status: Option<crate::inspection::ItemStatus>,
    pub value: Option<f64>,
    pub text: String,
    pub note: String,
    pub updated_at: String,
    pub updated_by: String,
}

/// One piece of evidence (the bytes are the member `evidence/<sha256>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceEntry {
    pub uid: String,
    pub item: String,
    pub file_name: String,
    pub media_type: String,
    pub sha256: String,
    pub size_bytes: u64,
    pub captured_at: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub added_by: String,
    pub added_at: String,
}

/// The finalising of an inspection, as the team's laptop recorded it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinalisedEntry {
    pub at: String,
    pub by: String,
    pub site_score: crate::Points,
}

/// One signed revision of the record (the bytes are the member `records/<uid>.pdf`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordEntry {
    pub uid: String,
    pub signer: String,
    pub snapshot: serde_json::Value,
    pub issued_at: String,
    pub file_sha256: String,
}

/// `members/inspection.json` of an inspection bundle: the visit as the team recorded it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InspectionBundleContent {
    pub format: String,
    pub inspection_uid: String,
    pub checklist_sha256: String,
    pub answers: Vec<AnswerEntry>,
    pub evidence: Vec<EvidenceEntry>,
    pub dissents: std::collections::BTreeMap<String, String>,
    pub finalised: Option<FinalisedEntry>,
    pub records: Vec<RecordEntry>,
}

/// Parses `members/inspection.json` of an inspection package.
pub fn parse_inspection_package(bytes: &[u8]) -> Result<InspectionPackageContent, DomainError> {
    parse_member(
        bytes,
        INSPECTION_PACKAGE_FORMAT,
        "考察包的内容（inspection.json）",
    )
}

/// Parses `members/inspection.json` of an inspection bundle.
pub fn parse_inspection_bundle(bytes: &[u8]) -> Result<InspectionBundleContent, DomainError> {
    parse_member(
        bytes,
        INSPECTION_BUNDLE_FORMAT,
        "考察结果包的内容（inspection.json）",
    )
}
