//! The store's error type. Each variant maps to a stable [`ErrorCode`] and says in Chinese what
//! happened and what to do next.

use std::path::PathBuf;

use park_review_domain::{Coded, DomainError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("数据库所在的文件夹 {0} 不存在。请先创建该文件夹，或用 --db 指定其他位置。")]
    DirMissing(PathBuf),
    #[error("无法读写数据库文件 {path}：{detail}。请检查文件权限。")]
    Unreadable { path: PathBuf, detail: String },
    #[error("文件 {0} 不是 ParkReview 的 SQLite 数据库，已拒绝打开，文件未做任何改动。请确认路径是否正确。")]
    NotSqlite(PathBuf),
    #[error("磁盘已满，无法打开数据库 {0}（SQLite 需要在它旁边建立 -wal、-shm 文件）。请释放磁盘空间后重试；数据库本身未做任何改动。")]
    DiskFull(PathBuf),
    #[error("数据库 {0} 所在的位置是只读的（例如写保护的 U 盘或只读挂载的磁盘），无法打开它进行修改。请把数据库复制到可写的位置，或解除写保护后重试；数据库本身未做任何改动。")]
    ReadOnlyPlace(PathBuf),
    #[error("文件 {0} 是另一个程序的 SQLite 数据库，不是 ParkReview 的，已拒绝打开，文件未做任何改动。请确认路径是否正确。")]
    Foreign(PathBuf),
    #[error("数据库 {path} 由更新版本的 ParkReview 创建（数据结构版本 {found}，本软件最高支持 {supported}）。为保护数据，已拒绝打开且未做任何改动，请升级本软件后再打开。")]
    SchemaTooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("{0}")]
    Domain(#[from] DomainError),
    #[error("找不到{what}“{key}”。{hint}")]
    NotFound {
        what: &'static str,
        key: String,
        hint: String,
    },
    #[error("{year} 年的{kind}批次已经存在（编号 {code}），不能重复创建。申报指南规定“原则上每年集中申报1次”；确需再开一次时，请创建补充批次并写明理由。")]
    RoundExists {
        year: i32,
        kind: &'static str,
        code: String,
    },
    #[error("示例批次已经载入过（编号 {0}），无需再次载入。")]
    DemoAlreadyLoaded(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{message}")]
    Attachment { code: ErrorCode, message: String },
    /// A rule of the review process was broken (not assigned, not declared, locked …).
    #[error("{message}")]
    Rule { code: ErrorCode, message: String },
    #[error("导入的数据有 {} 处问题，未保存任何内容：\n{}", .0.len(), park_review_domain::exchange::list_problems(.0))]
    Invalid(Vec<park_review_domain::exchange::FieldProblem>),
    #[error("数据库操作失败：{}", describe_sqlite(.0))]
    Sqlite(rusqlite::Error),
    #[error("内部错误：{0}。请把这条信息告诉技术支持。")]
    Internal(String),
}

impl Coded for StoreError {
    fn code(&self) -> ErrorCode {
        match self {
            StoreError::DirMissing(_) => ErrorCode::DbDirMissing,
            StoreError::Unreadable { .. } => ErrorCode::DbUnreadable,
            StoreError::NotSqlite(_) | StoreError::Foreign(_) => ErrorCode::DbNotSqlite,
            StoreError::DiskFull(_) => ErrorCode::DbFailure,
            StoreError::ReadOnlyPlace(_) => ErrorCode::DbUnreadable,
            StoreError::SchemaTooNew { .. } => ErrorCode::DbSchemaTooNew,
            StoreError::Domain(e) => e.code(),
            StoreError::NotFound { .. } => ErrorCode::NotFound,
            StoreError::RoundExists { .. } => ErrorCode::RoundExists,
            StoreError::DemoAlreadyLoaded(_) => ErrorCode::DemoAlreadyLoaded,
            StoreError::Conflict(_) => ErrorCode::DuplicateCode,
            StoreError::Attachment { code, .. } | StoreError::Rule { code, .. } => *code,
            StoreError::Invalid(problems) => problems
                .first()
                .map_or(ErrorCode::ImportMalformed, |p| p.code),
            StoreError::Sqlite(e) if is_not_a_database(e) => ErrorCode::DbNotSqlite,
            StoreError::Sqlite(_) => ErrorCode::DbFailure,
            StoreError::Internal(_) => ErrorCode::Internal,
        }
    }

    fn args(&self) -> park_review_domain::error::ErrorArgs {
        use park_review_domain::error::{error_args, ErrorArgs};
        let path = |p: &std::path::Path| p.display().to_string();
        match self {
            StoreError::DirMissing(p)
            | StoreError::NotSqlite(p)
            | StoreError::Foreign(p)
            | StoreError::DiskFull(p) => error_args([("path", path(p))]),
            StoreError::Unreadable { path: p, .. } => error_args([("path", path(p))]),
            StoreError::SchemaTooNew {
                path: p,
                found,
                supported,
            } => error_args([
                ("path", path(p)),
                ("found", found.to_string()),
                ("supported", supported.to_string()),
            ]),
            StoreError::Domain(e) => e.args(),
            StoreError::NotFound { key, .. } => error_args([("key", key.clone())]),
            StoreError::RoundExists { year, code, .. } => {
                error_args([("year", year.to_string()), ("code", code.clone())])
            }
            StoreError::DemoAlreadyLoaded(code) => error_args([("code", code.clone())]),
            StoreError::Invalid(problems) => error_args([("count", problems.len().to_string())]),
            _ => ErrorArgs::new(),
        }
    }

    fn fields(&self) -> Vec<park_review_domain::exchange::FieldProblem> {
        match self {
            StoreError::Invalid(problems) => problems.clone(),
            _ => Vec::new(),
        }
    }
}

pub(crate) fn is_not_a_database(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::NotADatabase)
    )
}

/// Says the failures a user can do something about in their words; the rest keep SQLite's text.
fn describe_sqlite(e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode as C;
    match e.sqlite_error_code() {
        Some(C::DiskFull) => {
            "磁盘已满，本次修改未保存（已保存的数据不受影响）。请释放磁盘空间后重试。".into()
        }
        Some(C::ReadOnly) => "数据库是只读的，本次修改未保存。请检查文件权限。".into(),
        Some(C::DatabaseBusy) | Some(C::DatabaseLocked) => {
            "数据库正被另一个程序使用，请稍后重试。".into()
        }
        Some(C::NotADatabase) => "文件不是 SQLite 数据库。".into(),
        Some(C::DatabaseCorrupt) => "数据库文件已损坏，请从备份恢复。".into(),
        Some(C::CannotOpen) => "无法打开数据库文件。".into(),
        _ => e.to_string(),
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A trigger's refusal (`RAISE(ABORT, 'PARK_REVIEW:<CODE>:<message>')`, migrations 0015 and 0017) is the
/// rule it enforces, with its code; any other SQLite error stays a database failure.
impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        if let rusqlite::Error::SqliteFailure(_, Some(message)) = &e {
            if let Some(rest) = message.strip_prefix("PARK_REVIEW:") {
                if let Some((code, text)) = rest.split_once(':') {
                    let code = match code {
                        "SCORES_LOCKED" => Some(ErrorCode::ScoresLocked),
                        "NOT_DECLARED" => Some(ErrorCode::NotDeclared),
                        "RANKING_FINALISED" => Some(ErrorCode::RankingFinalised),
                        "NOT_PERMITTED" => Some(ErrorCode::NotPermitted),
                        _ => None,
                    };
                    if let Some(code) = code {
                        return StoreError::Rule {
                            code,
                            message: text.to_owned(),
                        };
                    }
                }
            }
        }
        StoreError::Sqlite(e)
    }
}
