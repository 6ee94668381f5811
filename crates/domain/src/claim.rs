//! The signed claim: what a signed document is and who signs it, in a form a program can read.
//!
//! The claim is written into each signature (inside the signed bytes), so a verifier knows whom
//! the signature must belong to and which issued document it must be: a sheet that *shows*
//! expert E004 but is signed with E003's key, or a genuine signature moved onto another sheet, is
//! refused because the claim and the certificate, or the claim and the issuing database,
//! disagree.

use serde::{Deserialize, Serialize};

/// The claim's format tag; a claim with another tag is not ours.
pub const CLAIM_FORMAT: &str = "park-review-claim/1";

/// What kind of document is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentKind {
    /// 专家评分表: one expert's scores for one application.
    ScoreSheet,
    /// 专家评分汇总表: one expert's totals for a round.
    SummarySheet,
    /// 综合评分与排名报告: the secretariat's ranking of a round.
    RankingReport,
    /// 实地考察记录表: a finalised site inspection, signed by the team's leader and countersigned
    /// by each member (each signature its own claim and revision).
    InspectionRecord,
    /// 认定名单: the published list of designated parks, in the provincial department's name,
    /// signed by the secretariat.
    DesignationList,
    /// 评审报告: the panel's report of a round, signed by every panel member in turn (each
    /// signature its own claim and revision).
    PanelReport,
}

impl DocumentKind {
    pub fn name_zh(self) -> &'static str {
        match self {
            DocumentKind::ScoreSheet => "专家评分表",
            DocumentKind::SummarySheet => "专家评分汇总表",
            DocumentKind::RankingReport => "综合评分与排名报告",
            DocumentKind::InspectionRecord => "实地考察记录表",
            DocumentKind::DesignationList => "认定名单",
            DocumentKind::PanelReport => "评审报告",
        }
    }
}

/// Who signs: an expert by code, or the secretariat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "kebab-case")]
pub enum ClaimedSigner {
    Expert { code: String, name: String },
    Secretariat,
}

impl ClaimedSigner {
    /// `E004 黄建华` or `秘书处`, as messages name the signer.
    pub fn label(&self) -> String {
        match self {
            ClaimedSigner::Expert { code, name } => format!("{code} {name}"),
            ClaimedSigner::Secretariat => "秘书处".into(),
        }
    }

    /// The certificate's subject says the same person: an expert's certificate is made with
    /// `CN = name` and `OU = 评审专家 CODE`, the secretariat's with `CN = 秘书处`.
    pub fn matches_subject(&self, common_name: &str, unit: &str) -> bool {
        match self {
            ClaimedSigner::Expert { code, name } => {
                common_name == name && unit == format!("评审专家 {code}")
            }
            ClaimedSigner::Secretariat => common_name == "秘书处" && unit.is_empty(),
        }
    }
}

/// The claim itself. Uids identify rows across databases; codes are for people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignedClaim {
    pub format: String,
    pub kind: DocumentKind,
    /// The issued document's uid (the sheet id printed on the page).
    pub document_uid: String,
    pub round_uid: String,
    pub round: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_uid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expert_uid: Option<String>,
    pub signer: ClaimedSigner,
    /// The SHA-256 of the frozen rubric the scores were given against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rubric_sha256: Option<String>,
}

impl SignedClaim {
    /// The claim as written into a signature.
    pub fn to_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a claim; None if it is not one of ours.
    pub fn parse(text: &str) -> Option<SignedClaim> {
        serde_json::from_str::<SignedClaim>(text)
            .ok()
            .filter(|c| c.format == CLAIM_FORMAT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim() -> SignedClaim {
        SignedClaim {
            format: CLAIM_FORMAT.into(),
            kind: DocumentKind::ScoreSheet,
            document_uid: "d1".into(),
            round_uid: "r1".into(),
            round: "DEMO-2026".into(),
            application_uid: Some("a1".into()),
            application: Some("GZ-01".into()),
            expert_uid: Some("e1".into()),
            signer: ClaimedSigner::Expert {
                code: "E004".into(),
                name: "黄建华".into(),
            },
            rubric_sha256: Some("ab".into()),
        }
    }

    #[test]
    fn a_claim_reads_back_and_another_format_is_not_ours() {
        let text = claim().to_text();
        assert!(text.contains(r#""kind":"score-sheet""#), "{text}");
        assert!(text.contains(r#""role":"expert","code":"E004""#), "{text}");
        assert_eq!(SignedClaim::parse(&text), Some(claim()));
        assert_eq!(
            SignedClaim::parse(&text.replace("claim/1", "claim/9")),
            None
        );
        assert_eq!(SignedClaim::parse("{"), None);
    }

    #[test]
    fn the_signer_must_be_the_certificates_subject() {
        let signer = claim().signer;
        assert!(signer.matches_subject("黄建华", "评审专家 E004"));
        assert!(!signer.matches_subject("黄建华", "评审专家 E003"));
        assert!(!signer.matches_subject("李娜", "评审专家 E004"));
        assert!(ClaimedSigner::Secretariat.matches_subject("秘书处", ""));
        assert!(!ClaimedSigner::Secretariat.matches_subject("秘书处", "评审专家 E004"));
    }
}
