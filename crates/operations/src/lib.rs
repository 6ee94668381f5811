//! The operations: one function per user action that is more than a single store call, called
//! by both front ends. The CLI (`crates/cli`) and the app (`src-tauri`) only parse arguments,
//! call one of these, and print or save what it returns; the orchestration — read a file, check
//! it, store it, lay out a document, sign it, record it — is written here once.
//!
//! Two things every action needs come from one place each:
//! * **who acts** — a [`Caller`] names the front end; [`Caller::secretariat`], [`Caller::expert`]
//!   and [`Caller::scorer`] build the audit log's actor the same way for both;
//! * **when** — the store's clock ([`Store::now`]), so tests that pin it pin every time stamp
//!   and file name too.
//!
//! Errors are the domain's [`CodedError`]: every crate's error converts into it with `?`.
//!
//! [`Store::now`]: park_review_store::Store::now

mod applications;
mod audit;
mod demo;
mod eligibility;
mod exchange;
mod experts;
mod files;
mod inspection;
mod inspection_exchange;
mod keys;
mod panel;
mod record;
mod reports;
mod rubric;
mod scores;
mod sheets;
mod verify;

pub use applications::{
    application_template, cities, export_applications, import_applications, read_application_file,
    update_application_from_file, ApplicationsImported, CityInfo,
};
pub use audit::{
    audit_history, check_audit_export, export_audit, require_intact, verify_audit, AuditCheck,
    AuditExport, AuditExportCheck, AuditExportHeader, AuditRecord, ChainBreak, HistoryOf,
    AUDIT_EXPORT_FORMAT,
};
pub use demo::{
    demo_in_progress_round, load_demo, DemoRounds, DEMO_EXCHANGE_EXPERT, DEMO_PASSPHRASE,
    DEMO_VISITING_EXPERT,
};
pub use eligibility::eligibility_summary;
pub use exchange::{
    export_bundle, export_package, import_bundle, import_certificate, import_package,
    package_recipients, read_bundle, read_certificate, read_package, seal_bundle,
    CertificateRegistered, CertificateSource, OpenedBundle, OpenedPackage, Sealed,
    BUNDLE_EXTENSION, PACKAGE_EXTENSION,
};
pub use experts::{import_experts, read_experts_file, ExpertsImported};
pub use files::{Document, ExportFormat};
pub use inspection::{
    attach_evidence, export_checklist, import_checklist, photo_meta, read_checklist_file,
    read_evidence_file,
};
pub use inspection_exchange::{
    export_inspection_bundle, export_inspection_package, import_inspection_bundle,
    import_inspection_package, read_inspection_bundle, read_inspection_package,
    OpenedInspectionBundle, OpenedInspectionPackage, INSPECTION_BUNDLE_EXTENSION,
    INSPECTION_PACKAGE_EXTENSION,
};
pub use keys::{change_passphrase, create_key, replace_key, revoke_key};
pub use panel::{
    import_panel_report_signature, issue_panel_report, newest_panel_report_file,
    sign_latest_panel_report, sign_panel_report, sign_panel_report_file,
};
pub use park_review_domain::CodedError;
pub use record::{
    countersign_inspection_record, countersign_latest, issue_inspection_record, thumbnail,
};
pub use reports::{
    publicity, publish, ranking_exports, ranking_report, ranking_workbook, Publicity,
};
pub use rubric::{export_rubric, import_rubric, read_rubric_file};
pub use scores::{import_paper_scores, read_scores_file, PaperScoresImported};
pub use sheets::{
    collect_round_sheets, issue_expert_sheets, issue_prepared, issue_sheet, issue_summary,
    issue_with_signer, prepare_sheet, prepare_submitted, sign_prepared, signing_threads,
    IssuedFile, PreparedSheet, Signer,
};
pub use verify::{
    judge, read_signatures, read_trusted_certificates, readable_pdf_date, verify_file, ReadFile,
    SignatureVerdict, Trust, TrustBasis, Verification,
};

use park_review_store::{Actor, Surface};

/// The result of an operation.
pub type Result<T> = std::result::Result<T, CodedError>;

/// Where an action comes from: the front end, which the audit log records beside the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub surface: Surface,
}

impl Caller {
    /// The desktop app.
    pub const APP: Caller = Caller {
        surface: Surface::App,
    };
    /// The `park-review` command line.
    pub const COMMAND_LINE: Caller = Caller {
        surface: Surface::CommandLine,
    };

    /// The secretariat member at this machine: the operating-system user's name, or 秘书处
    /// when there is none. (Sign-in arrives with the offline exchange; until then the person is
    /// whoever is logged in to the laptop.)
    pub fn secretariat(self) -> Actor {
        let user = std::env::var("USER").unwrap_or_default();
        let name = if user.trim().is_empty() {
            "秘书处".to_owned()
        } else {
            user.trim().to_owned()
        };
        Actor::secretariat(name, self.surface)
    }

    /// A member of an inspection team (by expert code) recording the visit.
    pub fn inspector(self, code: &str) -> Actor {
        Actor::inspector(code, self.surface)
    }

    /// An expert acting for themself (a pledge, a score, a signature), named by their code.
    pub fn expert(self, code: &str) -> Actor {
        Actor::expert(code, self.surface)
    }

    /// Who makes a scoring change: the expert, or — paper entry (录入) — the secretariat member
    /// entering a paper sheet on the expert's behalf (`entered_by`, their name; empty: the
    /// member at this machine).
    pub fn scorer(self, expert: &str, entered_by: Option<&str>) -> Actor {
        match entered_by.map(str::trim) {
            None => self.expert(expert),
            Some("") => self.secretariat(),
            Some(name) => Actor::secretariat(name, self.surface),
        }
    }
}

#[cfg(test)]
mod exchange_tests;
#[cfg(test)]
mod inspection_exchange_tests;
#[cfg(test)]
mod tests;
