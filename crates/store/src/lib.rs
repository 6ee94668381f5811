//! ParkReview's SQLite store.
//!
//! * [`Store::open`] refuses, without touching the file, anything that is not one of our
//!   databases or that a newer version wrote; then it sets the connection's PRAGMAs and runs the
//!   forward-only migrations ([`migrate`]).
//! * Every change goes through [`Store::write`] (see [`write`]), which writes the audit entry in
//!   the same transaction.
//! * Queries return the domain's types, so the CLI and the app show the same data.

mod access;
mod applications;
mod assignment;
pub mod attachments;
mod audit;
mod backup;
#[cfg(feature = "bench")]
mod bench_fill;
mod catalog;
mod demo;
mod eligibility;
pub mod error;
pub mod exchange;
mod experts;
pub mod inspection;
pub mod inspection_exchange;
pub mod migrate;
pub mod panel;
mod publication;
mod ranking;
mod recusal;
mod rounds;
mod scoring;
pub mod signing;
mod status;
pub mod write;

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use rusqlite::{Connection, OpenFlags};

pub use assignment::{
    AssignOutcome, AssignmentStage, AssignmentState, BoardApplication, BoardCell, BoardExpert,
    DeclaredConflictNotice, PanelRemoval, ReviewBoard,
};
pub use attachments::{write_atomically, Attachment};
pub use audit::{
    AuditBreak, AuditEntry, AuditFilter, AuditSubject, AuditVerification, CHAIN_FORMAT, GENESIS,
};
pub use backup::{
    kept_by_rotation, list_backups, restore, BackupMade, BackupManifest, Restored, BACKUP_FORMAT,
};
pub use catalog::{default_rubric, RoundRubric};
pub use demo::{DemoLoaded, DEMO_COMPLETED_CODE, DEMO_IN_PROGRESS_CODE};
pub use eligibility::RecommendationInput;
pub use error::{Result, StoreError};
pub use experts::ExpertAdded;
pub use publication::EnteredPark;
pub use ranking::{
    ExpertScore, OutlierFlag, RankingReport, RankingRow, RankingSettings, SectionScore,
};
pub use recusal::Dismissal;
pub use rounds::RoundOpened;
pub use scoring::{
    CriterionScore, ExpertApplication, ExpertAssignment, ScoreRow, ScoreSaved, ScoreSheet,
};
pub use signing::{
    fresh_uid, sheet_snapshot, CertificateRecord, IssuedSheet, KeyOrigin, KeyOwner,
    NewIssuedDocument, RoundSheet, StoredKey,
};
pub use status::Status;
pub use write::{Actor, Role, Surface, WriteTx};

/// The environment variable that overrides the database location, for the CLI and the app.
pub const DB_ENV_VAR: &str = "PARK_REVIEW_DB";

/// The first 16 bytes of every SQLite 3 database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Where the database lives when neither `--db` nor `PARK_REVIEW_DB` says otherwise:
/// `~/.local/share/park-review/park-review.sqlite3` on Linux.
pub fn default_db_path() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("park-review")
        .join("park-review.sqlite3")
}

/// The database path to use: an explicit path first, then `PARK_REVIEW_DB`, then the default.
pub fn resolve_db_path(explicit: Option<&Path>) -> PathBuf {
    if let Some(path) = explicit {
        return path.to_owned();
    }
    match std::env::var_os(DB_ENV_VAR) {
        Some(value) if !value.is_empty() => PathBuf::from(value),
        _ => default_db_path(),
    }
}

/// Creates the folder of the default database location if it is missing. Only the default:
/// the folder of a path the user named (`--db`, `PARK_REVIEW_DB`) is theirs, and a typo in it
/// must be reported (`DB_DIR_MISSING`), not silently created.
pub fn ensure_default_dir(path: &Path) -> std::io::Result<()> {
    if path == default_db_path() {
        if let Some(parent) = path.parent() {
            // Owner-only (0700): the folder holds the database with everyone's keys and scores.
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(parent)?;
        }
    }
    Ok(())
}

type Clock = Box<dyn Fn() -> DateTime<FixedOffset> + Send + Sync>;

/// The local wall clock with its current UTC offset (Guangdong: +08:00).
pub fn local_now() -> DateTime<FixedOffset> {
    local_clock()
}

fn local_clock() -> DateTime<FixedOffset> {
    chrono::Local::now().fixed_offset()
}

/// This computer's name as the audit log records it: the host name (Linux, macOS) or
/// `COMPUTERNAME` (Windows); empty if neither can be read.
fn local_station() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|name| {
            name.trim()
                .chars()
                .filter(|c| !c.is_control())
                .take(64)
                .collect()
        })
        .unwrap_or_default()
}

/// An open database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    clock: Clock,
    /// Whose copy this database is, read once when it is opened.
    copy: DatabaseCopy,
    /// This computer's name, for the audit log.
    station: String,
    /// Inside [`Store::in_one_transaction`]: each write is a savepoint of that transaction.
    batch: bool,
}

/// Whose copy of the review a database is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseCopy {
    /// The secretariat's: every action is possible.
    Secretariat,
    /// One expert's review package: only that expert acts, through the expert's gate.
    Expert(String),
    /// An inspection team's laptop (named by its leader's code): only the team records there.
    Inspection(String),
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if need be) the database at `path` and brings its schema up to date.
    ///
    /// Refused, with the file left byte-for-byte as it was: a missing parent directory, a file
    /// that is not SQLite, a database written by a newer version.
    pub fn open(path: &Path) -> Result<Store> {
        let parent = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if !parent.is_dir() {
            return Err(StoreError::DirMissing(parent.to_owned()));
        }
        Store::open_checked(path).map_err(|e| match e {
            // SQLite says "disk I/O error" when it cannot create the -wal/-shm beside a database
            // on a full disk; the user needs to hear that the disk is full, not to check
            // permissions.
            StoreError::Unreadable { .. } | StoreError::Sqlite(_) if disk_is_full(parent) => {
                StoreError::DiskFull(path.to_owned())
            }
            // On a read-only mount (a write-protected stick) SQLite says "unable to open".
            StoreError::Unreadable { .. } | StoreError::Sqlite(_) if dir_is_read_only(parent) => {
                StoreError::ReadOnlyPlace(path.to_owned())
            }
            other => other,
        })
    }

    fn open_checked(path: &Path) -> Result<Store> {
        if path.exists() {
            check_existing_file(path)?;
        } else {
            create_private_file(path)?;
        }
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError::Unreadable {
            path: path.to_owned(),
            detail: e.to_string(),
        })?;
        configure(&conn)?;
        restrict_to_owner(path);
        migrate::migrate(&mut conn)?;
        let copy = read_copy(&conn)?;
        Ok(Store {
            conn,
            path: path.to_owned(),
            clock: Box::new(local_clock),
            copy,
            station: local_station(),
            batch: false,
        })
    }

    /// Replaces the clock, so tests can pin time stamps.
    pub fn with_clock(
        mut self,
        clock: impl Fn() -> DateTime<FixedOffset> + Send + Sync + 'static,
    ) -> Self {
        self.clock = Box::new(clock);
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The store's clock: the local time with its offset (a pinned time in tests). Documents
    /// and file names read it here, so every time stamp of an action comes from one clock.
    pub fn now(&self) -> DateTime<FixedOffset> {
        (self.clock)()
    }

    /// Runs `change` in one transaction as `actor`; commits only if it succeeds and wrote an
    /// audit entry. On any error nothing is stored.
    pub fn write<T>(
        &mut self,
        actor: &Actor,
        change: impl FnOnce(&mut WriteTx<'_>) -> Result<T>,
    ) -> Result<T> {
        self.permits(actor)?;
        let now = (self.clock)();
        let tx = if self.batch {
            write::TxHandle::Savepoint(self.conn.savepoint()?)
        } else {
            write::TxHandle::Transaction(
                self.conn
                    .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?,
            )
        };
        let mut write_tx = WriteTx::new(tx, now, actor.clone(), self.station.clone());
        let value = change(&mut write_tx)?;
        write_tx.commit()?;
        Ok(value)
    }

    /// Runs several actions as one transaction: every write inside is a savepoint of it, and
    /// nothing is stored unless all of them succeed (the demo's rounds are loaded this way, so
    /// an interrupted load leaves no half a demo). Reads inside see the writes before them.
    pub fn in_one_transaction<T, E: From<StoreError>>(
        &mut self,
        actions: impl FnOnce(&mut Store) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        if self.batch {
            return actions(self);
        }
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(StoreError::from)?;
        self.batch = true;
        // Should `actions` panic, the transaction is rolled back before the panic goes on, so the
        // connection is never left inside it (the app's commands survive a panic).
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| actions(&mut *self)));
        self.batch = false;
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(panic) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                std::panic::resume_unwind(panic);
            }
        };
        match outcome {
            Ok(value) => {
                if let Err(e) = self.conn.execute_batch("COMMIT") {
                    let _ = self.conn.execute_batch("ROLLBACK");
                    return Err(StoreError::from(e).into());
                }
                Ok(value)
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// Whose copy this database is.
    pub fn copy(&self) -> &DatabaseCopy {
        &self.copy
    }

    /// Makes this database an expert's copy (the offline exchange does, when it builds a review
    /// package): from then on the secretariat's actions are refused here.
    pub fn mark_expert_copy(&mut self, actor: &Actor, expert: &str) -> Result<()> {
        let code = expert.trim().to_owned();
        self.write(actor, |tx| {
            tx.tx.execute(
                "UPDATE database_copy SET kind = 'expert', expert_code = ?1 WHERE id = 1",
                [&code],
            )?;
            tx.audit(
                "copy.expert",
                "database",
                &code,
                serde_json::json!({"expert": code}),
            )
        })?;
        self.copy = DatabaseCopy::Expert(code);
        Ok(())
    }

    /// NOT_PERMITTED unless `actor` may act on this copy: anyone on the secretariat's; on an
    /// expert's, only that expert (and the program itself); on an inspection team's, the team's
    /// members and experts' own keys (the inspection checks membership), never the secretariat.
    pub fn permits(&self, actor: &Actor) -> Result<()> {
        let owner = match &self.copy {
            DatabaseCopy::Secretariat => return Ok(()),
            DatabaseCopy::Inspection(leader) => {
                // The team's own laptop: its members record (each checked against the team by
                // the inspection's own gate) and make and use their own keys; the secretariat's
                // actions belong to its own database.
                if matches!(actor.role, Role::System | Role::Inspection | Role::Expert) {
                    return Ok(());
                }
                return Err(StoreError::Rule {
                    code: park_review_domain::ErrorCode::NotPermitted,
                    message: format!(
                        "这是考察组（组长 {leader}）的考察副本：这里只记录实地考察，秘书处的操作请在秘书处的数据库中进行，这里没有做任何改动。"
                    ),
                });
            }
            DatabaseCopy::Expert(owner) => owner,
        };
        let allowed = match actor.role {
            Role::System => true,
            Role::Expert => actor.name == *owner,
            Role::Secretariat | Role::Inspection => false,
        };
        if allowed {
            return Ok(());
        }
        Err(StoreError::Rule {
            code: park_review_domain::ErrorCode::NotPermitted,
            message: format!(
                "这是评审专家 {owner} 的评审副本：{}的操作只能在秘书处的数据库中进行，这里没有做任何改动。",
                match actor.role {
                    Role::Expert => format!("专家 {}", actor.name),
                    Role::Inspection => "考察组".to_owned(),
                    _ => "秘书处".to_owned(),
                }
            ),
        })
    }

    /// NOT_PERMITTED on an expert's copy: for the secretariat's reads that bypass the expert's
    /// gate (every attachment of an application, with no pledge asked).
    pub fn require_secretariat_copy(&self) -> Result<()> {
        self.permits(&Actor::secretariat("秘书处", Surface::Program))
    }

    /// The connection, for queries. Writes go through [`Store::write`].
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

/// Refuses a file that is not an SQLite database or whose schema is newer than ours, reading it
/// without changing a byte (read-only, and before any PRAGMA that writes, such as WAL mode).
fn check_existing_file(path: &Path) -> Result<()> {
    let unreadable = |e: &dyn std::fmt::Display| StoreError::Unreadable {
        path: path.to_owned(),
        detail: e.to_string(),
    };
    let mut header = Vec::with_capacity(16);
    std::fs::File::open(path)
        .and_then(|f| f.take(16).read_to_end(&mut header))
        .map_err(|e| unreadable(&e))?;
    if header.is_empty() {
        // SQLite treats an empty file as a new database; so do we.
        return Ok(());
    }
    if header.as_slice() != SQLITE_HEADER {
        return Err(StoreError::NotSqlite(path.to_owned()));
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| unreadable(&e))?;
    let found = migrate::schema_version(&conn).map_err(|e| {
        if error::is_not_a_database(&e) {
            StoreError::NotSqlite(path.to_owned())
        } else {
            unreadable(&e)
        }
    })?;
    if !migrate::is_ours(&conn, found).map_err(|e| unreadable(&e))? {
        return Err(StoreError::Foreign(path.to_owned()));
    }
    if found > migrate::SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            path: path.to_owned(),
            found,
            supported: migrate::SCHEMA_VERSION,
        });
    }
    Ok(())
}

/// Statements kept prepared, per connection (rusqlite's statement cache): SQLite parses and
/// plans a statement — with every trigger it fires — each time it is prepared, and saving one
/// score runs some twenty of them (19 % of loading the demo went to preparing them again).
/// For `Connection` (and a transaction, through `Deref`) like `query_row` and `execute`.
pub(crate) trait CachedSql {
    fn query_row_cached<T, P, F>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>;

    fn execute_cached<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize>;
}

impl CachedSql for Connection {
    fn query_row_cached<T, P, F>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    {
        self.prepare_cached(sql)?.query_row(params, f)
    }

    fn execute_cached<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }
}

/// How many prepared statements a connection keeps (the cache evicts the least used).
const STATEMENT_CACHE: usize = 128;

/// Connection settings. They are per connection, so they live here and not in a migration.
fn configure(conn: &Connection) -> Result<()> {
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // WAL lets the UI read while a write commits; synchronous=FULL makes every commit durable
    // across power loss, which matters more here than write speed.
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Internal(format!(
            "无法启用 WAL 日志模式（得到 {mode}）"
        )));
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // 64 MB of page cache (the default is 2 MB): a score bundle writes 100,000 rows into
    // indexes keyed by random uids, which thrash a small cache.
    conn.pragma_update(None, "cache_size", -65_536)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(())
}

fn read_copy(conn: &Connection) -> Result<DatabaseCopy> {
    let (kind, code): (String, Option<String>) = conn.query_row(
        "SELECT kind, expert_code FROM database_copy WHERE id = 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(match (kind.as_str(), code) {
        ("expert", Some(code)) => DatabaseCopy::Expert(code),
        ("inspection", Some(code)) => DatabaseCopy::Inspection(code),
        _ => DatabaseCopy::Secretariat,
    })
}

/// Whether the disk holding `dir` has no room for one more page: a 64 KB probe file that cannot
/// be written (ENOSPC). The probe is removed.
fn disk_is_full(dir: &Path) -> bool {
    let probe = dir.join(format!(".park-review-space-{}", std::process::id()));
    let result = std::fs::write(&probe, vec![0u8; 64 * 1024]);
    let _ = std::fs::remove_file(&probe);
    matches!(result, Err(e) if e.raw_os_error() == Some(28))
}

/// Whether `dir` is on a read-only file system (EROFS when a probe file is created).
fn dir_is_read_only(dir: &Path) -> bool {
    let probe = dir.join(format!(".park-review-probe-{}", std::process::id()));
    let result = std::fs::write(&probe, b"");
    let _ = std::fs::remove_file(&probe);
    matches!(result, Err(e) if e.raw_os_error() == Some(30))
}

/// A new database file is created readable and writable by its owner only (0600): it holds
/// encrypted private keys and every score. SQLite then gives its `-wal` and `-shm` files the
/// database file's permissions.
fn create_private_file(path: &Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::Unreadable {
            path: path.to_owned(),
            detail: e.to_string(),
        }),
    }
}

/// Narrows an existing database (and its `-wal`/`-shm`, if any) to its owner, for databases made
/// before files were created private. Best effort: a file we may not chmod is left as it is.
fn restrict_to_owner(path: &Path) {
    #[cfg(unix)]
    for suffix in ["", "-wal", "-shm"] {
        use std::os::unix::fs::PermissionsExt;
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let file = Path::new(&name);
        if let Ok(meta) = std::fs::metadata(file) {
            if meta.permissions().mode() & 0o077 != 0 {
                let _ = std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
mod audit_tests;
#[cfg(test)]
mod backup_tests;
#[cfg(test)]
mod inspection_tests;
#[cfg(test)]
mod ranking_tests;
#[cfg(test)]
mod review_tests;
#[cfg(test)]
mod tests;
