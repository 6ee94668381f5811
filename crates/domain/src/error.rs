//! Stable error codes shared by every layer, and the domain's own error type.
//!
//! A code is part of the product's interface: the UI branches on it, scripts grep for it and
//! users quote it to the secretariat's support line. Codes are therefore never renamed or reused;
//! the Chinese message beside a code may be improved at any time.

use serde::Serialize;
use ts_rs::TS;

/// Every error the product can report, as a stable machine-readable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum ErrorCode {
    /// The command line could not be parsed (unknown command or flag, missing value).
    CliUsage,
    /// The directory that should hold the database does not exist.
    DbDirMissing,
    /// The database file exists but cannot be read or written.
    DbUnreadable,
    /// The file given as database is not an SQLite database.
    DbNotSqlite,
    /// The database was written by a newer version of ParkReview.
    DbSchemaTooNew,
    /// Any other SQLite failure (disk full, I/O error, corrupted page).
    DbFailure,
    /// A file to import is malformed (not JSON, wrong format tag, wrong field types).
    ImportMalformed,
    /// A file to import is larger than the product reads (file size, unpacked size, rows or
    /// columns, records, or the length of one text).
    ImportTooLarge,
    /// The demo round has already been loaded into this database.
    DemoAlreadyLoaded,
    /// A round, application, expert or other entity named by code or id does not exist.
    NotFound,
    /// A round with this year and kind already exists.
    RoundExists,
    /// A year outside the range the programme can have.
    InvalidYear,
    /// An unknown round kind.
    InvalidRoundKind,
    /// A status change that the round's life cycle does not allow.
    InvalidTransition,
    /// An unknown prefecture-level city.
    UnknownCity,
    /// A unified social credit code that fails the GB 32100-2015 check.
    InvalidCreditCode,
    /// A value outside its allowed range (negative area, out-of-range points …).
    OutOfRange,
    /// A code that is already used within the round.
    DuplicateCode,
    /// A rubric that does not add up or has duplicate criterion codes.
    InvalidRubric,
    /// An attachment's file no longer matches the SHA-256 recorded when it was added.
    AttachmentTampered,
    /// Points that are not a multiple of the criterion's step (e.g. 7.3 with step 0.5).
    PointsOffStep,
    /// A rubric edit, or a rubric import, after the round opened and froze its rubric.
    RubricFrozen,
    /// Scoring or declaring in a round that is not open (still a draft, or closed).
    RoundNotOpen,
    /// The expert is not assigned to this application.
    NotAssigned,
    /// The expert has a conflict of interest (回避) with this application.
    ConflictOfInterest,
    /// The expert has not yet signed the no-conflict pledge for this application.
    NotDeclared,
    /// The application's scores were submitted and are locked; only the secretariat can reopen.
    ScoresLocked,
    /// A submission without every criterion scored or without the overall opinion.
    ScoresIncomplete,
    /// No assignment meets the rules: too few experts without a conflict.
    NoValidAssignment,
    /// The owner already has a signing key.
    KeyExists,
    /// No signing key (or no hand-drawn signature) has been made for this owner yet.
    NoKey,
    /// The passphrase does not open the private key (the key is unchanged).
    WrongPassphrase,
    /// A new passphrase too easy to guess (short, monotonous, a run, a common password).
    WeakPassphrase,
    /// `verify` was given neither an existing database nor a list of trusted certificates, so it
    /// can check the file's integrity but not who signed it.
    NoTrustSource,
    /// The action is the secretariat's, and this copy of the database is an expert's.
    NotPermitted,
    /// Only submitted scores can be put on a signed sheet.
    NotSubmitted,
    /// A PDF signature that does not verify, or does not cover the whole file.
    SignatureInvalid,
    /// The round's ranking was finalised: it, its site scores and settings no longer change.
    RankingFinalised,
    /// Outlier totals are flagged without a recorded resolution.
    OutliersUnresolved,
    /// A review package signed by a certificate other than the secretariat's pinned one.
    PackageSignerChanged,
    /// A review package older than one already imported here.
    PackageOutdated,
    /// A score bundle older than one of the same expert already imported here.
    BundleOutdated,
    /// A bundle's signer is not the certificate registered here for its expert.
    CertNotRegistered,
    /// A checklist edit after the round left draft or after the first inspection started.
    ChecklistFrozen,
    /// An inspection cannot be finalised: required items or their evidence are missing.
    InspectionIncomplete,
    /// The inspection was finalised and is locked; only the secretariat reopens it.
    InspectionFinalised,
    /// A hand-entered site score for an application whose score comes from its finalised record.
    SiteScoreFromRecord,
    /// The audit log's hash chain does not hold: an entry was changed, deleted or inserted
    /// outside the program.
    AuditChainBroken,
    /// Publishing before the publicity period has ended.
    PublicityNotOver,
    /// Publishing while an objection has no decision.
    ObjectionUndecided,
    /// Finalising the ranking while an application that would be selected is still 待补正.
    FormalReviewPending,
    /// A city recommending more applications than the guide allows it a year (P2).
    CityQuotaExceeded,
    /// Finalising the ranking while experts gave different points on an objective criterion
    /// (客观分) of one application: the panel's 复核 settles it first.
    ObjectiveScoresDiffer,
    /// A 复核 change to a submitted score without one of the four cases that permit it.
    RecheckCaseRequired,
    /// A panel act (sign the panel report, lead the panel, dissent) by an expert who is not on
    /// the round's panel.
    NotPanelMember,
    /// An output file already exists with other contents: outputs are written once, never
    /// replaced by accident (a signed sheet, an archive), unless the user says to overwrite.
    OutputExists,
    /// Reading or writing a file outside the database failed.
    Io,
    /// An unexpected internal failure: a bug, reported with its detail.
    Internal,
}

impl ErrorCode {
    /// The code as it is printed and sent over IPC, e.g. `DB_SCHEMA_TOO_NEW`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CliUsage => "CLI_USAGE",
            Self::DbDirMissing => "DB_DIR_MISSING",
            Self::DbUnreadable => "DB_UNREADABLE",
            Self::DbNotSqlite => "DB_NOT_SQLITE",
            Self::DbSchemaTooNew => "DB_SCHEMA_TOO_NEW",
            Self::DbFailure => "DB_FAILURE",
            Self::ImportMalformed => "IMPORT_MALFORMED",
            Self::ImportTooLarge => "IMPORT_TOO_LARGE",
            Self::DemoAlreadyLoaded => "DEMO_ALREADY_LOADED",
            Self::NotFound => "NOT_FOUND",
            Self::RoundExists => "ROUND_EXISTS",
            Self::InvalidYear => "INVALID_YEAR",
            Self::InvalidRoundKind => "INVALID_ROUND_KIND",
            Self::InvalidTransition => "INVALID_TRANSITION",
            Self::UnknownCity => "UNKNOWN_CITY",
            Self::InvalidCreditCode => "INVALID_CREDIT_CODE",
            Self::OutOfRange => "OUT_OF_RANGE",
            Self::DuplicateCode => "DUPLICATE_CODE",
            Self::InvalidRubric => "INVALID_RUBRIC",
            Self::AttachmentTampered => "ATTACHMENT_TAMPERED",
            Self::PointsOffStep => "POINTS_OFF_STEP",
            Self::RubricFrozen => "RUBRIC_FROZEN",
            Self::RoundNotOpen => "ROUND_NOT_OPEN",
            Self::NotAssigned => "NOT_ASSIGNED",
            Self::ConflictOfInterest => "CONFLICT_OF_INTEREST",
            Self::NotDeclared => "NOT_DECLARED",
            Self::ScoresLocked => "SCORES_LOCKED",
            Self::ScoresIncomplete => "SCORES_INCOMPLETE",
            Self::NoValidAssignment => "NO_VALID_ASSIGNMENT",
            Self::KeyExists => "KEY_EXISTS",
            Self::NoKey => "NO_KEY",
            Self::WrongPassphrase => "WRONG_PASSPHRASE",
            Self::WeakPassphrase => "WEAK_PASSPHRASE",
            Self::NoTrustSource => "NO_TRUST_SOURCE",
            Self::NotPermitted => "NOT_PERMITTED",
            Self::NotSubmitted => "NOT_SUBMITTED",
            Self::SignatureInvalid => "SIGNATURE_INVALID",
            Self::RankingFinalised => "RANKING_FINALISED",
            Self::OutliersUnresolved => "OUTLIERS_UNRESOLVED",
            Self::PackageSignerChanged => "PACKAGE_SIGNER_CHANGED",
            Self::PackageOutdated => "PACKAGE_OUTDATED",
            Self::BundleOutdated => "BUNDLE_OUTDATED",
            Self::CertNotRegistered => "CERT_NOT_REGISTERED",
            Self::ChecklistFrozen => "CHECKLIST_FROZEN",
            Self::InspectionIncomplete => "INSPECTION_INCOMPLETE",
            Self::InspectionFinalised => "INSPECTION_FINALISED",
            Self::SiteScoreFromRecord => "SITE_SCORE_FROM_RECORD",
            Self::AuditChainBroken => "AUDIT_CHAIN_BROKEN",
            Self::PublicityNotOver => "PUBLICITY_NOT_OVER",
            Self::ObjectionUndecided => "OBJECTION_UNDECIDED",
            Self::FormalReviewPending => "FORMAL_REVIEW_PENDING",
            Self::CityQuotaExceeded => "CITY_QUOTA_EXCEEDED",
            Self::ObjectiveScoresDiffer => "OBJECTIVE_SCORES_DIFFER",
            Self::RecheckCaseRequired => "RECHECK_CASE_REQUIRED",
            Self::NotPanelMember => "NOT_PANEL_MEMBER",
            Self::OutputExists => "OUTPUT_EXISTS",
            Self::Io => "IO",
            Self::Internal => "INTERNAL",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error that carries one of the stable codes. Each crate's error type implements it once;
/// every front end then turns any of them into a [`CodedError`] with `?`, so there is one
/// conversion per error type instead of one per error type and surface.
pub trait Coded: std::fmt::Display {
    /// The stable code of this error.
    fn code(&self) -> ErrorCode;

    /// What the message is about, as named values (`what`, `key`, `path` …), so a front end can
    /// say it in another language; empty when the message has nothing to fill in.
    fn args(&self) -> ErrorArgs {
        ErrorArgs::new()
    }

    /// The fields a refused record was refused for, each with its own message, so that a form
    /// can say each one next to its field; empty when the error is not about fields.
    fn fields(&self) -> Vec<crate::exchange::FieldProblem> {
        Vec::new()
    }
}

/// The named values of an error's message.
pub type ErrorArgs = std::collections::BTreeMap<String, String>;

/// Builds [`ErrorArgs`] from pairs.
pub fn error_args<const N: usize>(pairs: [(&str, String); N]) -> ErrorArgs {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// A failure as every surface reports it: the CLI prints `错误 [CODE]：message` (or the JSON
/// object), the app sends `{code, message}` across IPC, and the operations return it. The
/// message is Chinese and says what to do next; the code is what programs branch on.
#[derive(Debug, Clone, PartialEq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
#[ts(export)]
pub struct CodedError {
    pub code: ErrorCode,
    /// Chinese, complete: what happened and what to do.
    pub message: String,
    /// The message's named values, for a front end that says it in another language (the
    /// English UI); absent when there are none.
    #[serde(default, skip_serializing_if = "ErrorArgs::is_empty")]
    #[ts(optional, type = "Record<string, string>")]
    pub args: ErrorArgs,
    /// Per field, when a record was refused for its fields (a form marks each one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(optional, as = "Option<Vec<crate::exchange::FieldProblem>>")]
    pub fields: Vec<crate::exchange::FieldProblem>,
}

impl CodedError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> CodedError {
        CodedError {
            code,
            message: message.into(),
            args: ErrorArgs::new(),
            fields: Vec::new(),
        }
    }

    /// The same error with one more named value.
    pub fn with_arg(mut self, name: &str, value: impl std::fmt::Display) -> CodedError {
        self.args.insert(name.to_owned(), value.to_string());
        self
    }

    /// A bug or a broken invariant, reported with its detail.
    pub fn internal(detail: impl std::fmt::Display) -> CodedError {
        CodedError::new(
            ErrorCode::Internal,
            format!("内部错误：{detail}。请把这条信息告诉技术支持。"),
        )
    }
}

/// Any coded error becomes a [`CodedError`] (`CodedError` itself is not [`Coded`], so this does
/// not overlap with the identity conversion).
impl<E: Coded> From<E> for CodedError {
    fn from(e: E) -> CodedError {
        CodedError {
            code: e.code(),
            message: e.to_string(),
            args: e.args(),
            fields: e.fields(),
        }
    }
}

/// A rule of the domain was broken. Messages are in Chinese and say what to do next.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DomainError {
    #[error("年份 {0} 不在有效范围（2017–2100）内，请输入四位年份，例如 2026。")]
    InvalidYear(i32),
    #[error("未知的批次类型“{0}”：应为 designation（申报评审）或 annual_assessment（年度考核）。")]
    InvalidRoundKind(String),
    #[error("批次状态不能从“{from}”变为“{to}”：批次只能按 草稿 → 进行中 → 已结束 的顺序推进。")]
    InvalidTransition {
        from: &'static str,
        to: &'static str,
    },
    #[error("“{0}”不是广东省的地级以上市。请填写 21 个地级以上市之一的全称，例如“广州市”。")]
    UnknownCity(String),
    #[error("统一社会信用代码“{code}”无效：{reason}")]
    InvalidCreditCode { code: String, reason: String },
    #[error("{field} 的值 {value} 超出允许范围：{rule}")]
    OutOfRange {
        field: String,
        value: String,
        rule: String,
    },
    #[error("编号“{0}”在本批次中已被使用，请换一个编号。")]
    DuplicateCode(String),
    #[error("评分细则无效：{0}")]
    InvalidRubric(String),
    #[error("文件格式错误：{0}")]
    Malformed(String),
    #[error("文件过大，未读取：{0}。请检查文件是否正确，或分成几个文件导入。")]
    TooLarge(String),
    #[error(
        "评分项 {criterion} 的分数 {points} 不是步长 {step} 分的整数倍，请按 {step} 分一档打分。"
    )]
    OffStep {
        criterion: String,
        points: String,
        step: String,
    },
}

impl Coded for DomainError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::InvalidYear(_) => ErrorCode::InvalidYear,
            Self::InvalidRoundKind(_) => ErrorCode::InvalidRoundKind,
            Self::InvalidTransition { .. } => ErrorCode::InvalidTransition,
            Self::UnknownCity(_) => ErrorCode::UnknownCity,
            Self::InvalidCreditCode { .. } => ErrorCode::InvalidCreditCode,
            Self::OutOfRange { .. } => ErrorCode::OutOfRange,
            Self::DuplicateCode(_) => ErrorCode::DuplicateCode,
            Self::InvalidRubric(_) => ErrorCode::InvalidRubric,
            Self::Malformed(_) => ErrorCode::ImportMalformed,
            Self::TooLarge(_) => ErrorCode::ImportTooLarge,
            Self::OffStep { .. } => ErrorCode::PointsOffStep,
        }
    }

    fn args(&self) -> ErrorArgs {
        match self {
            Self::InvalidYear(year) => error_args([("year", year.to_string())]),
            Self::InvalidRoundKind(kind) => error_args([("kind", kind.clone())]),
            Self::InvalidTransition { from, to } => {
                error_args([("from", (*from).to_owned()), ("to", (*to).to_owned())])
            }
            Self::UnknownCity(city) => error_args([("city", city.clone())]),
            Self::InvalidCreditCode { code, .. } => error_args([("code", code.clone())]),
            Self::OutOfRange { field, value, .. } => {
                error_args([("field", field.clone()), ("value", value.clone())])
            }
            Self::DuplicateCode(code) => error_args([("code", code.clone())]),
            Self::OffStep {
                criterion,
                points,
                step,
            } => error_args([
                ("criterion", criterion.clone()),
                ("points", points.clone()),
                ("step", step.clone()),
            ]),
            Self::InvalidRubric(_) | Self::Malformed(_) | Self::TooLarge(_) => ErrorArgs::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialized_code_matches_as_str() {
        for code in [
            ErrorCode::DbSchemaTooNew,
            ErrorCode::CliUsage,
            ErrorCode::DemoAlreadyLoaded,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn a_coded_error_keeps_its_code_and_message() {
        let e: CodedError = DomainError::UnknownCity("火星市".into()).into();
        assert_eq!(e.code, ErrorCode::UnknownCity);
        assert!(e.message.contains("火星市"), "{}", e.message);
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["code"], "UNKNOWN_CITY");
        // The named values travel too, for the English UI.
        assert_eq!(json["args"]["city"], "火星市");
        let plain = serde_json::to_value(CodedError::new(ErrorCode::Io, "x")).unwrap();
        assert!(plain.get("args").is_none(), "{plain}");
    }
}
