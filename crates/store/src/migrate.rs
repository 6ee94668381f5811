//! Forward-only schema migrations, versioned by `PRAGMA user_version`.
//!
//! A migration file is never edited once it has landed: a database made by an earlier build
//! must upgrade to exactly the schema a fresh database gets. Each migration runs in its own
//! transaction together with the version bump, so a crash leaves the previous version intact.

use rusqlite::Connection;

use crate::error::Result;

/// The migrations in order; migration `i` brings the schema from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_initial.sql"),
    include_str!("../migrations/0002_eligibility.sql"),
    include_str!("../migrations/0003_attachments.sql"),
    include_str!("../migrations/0004_review.sql"),
    include_str!("../migrations/0005_signing.sql"),
    include_str!("../migrations/0006_ranking.sql"),
    include_str!("../migrations/0007_ranking_indexes.sql"),
    include_str!("../migrations/0008_audit_surface.sql"),
    include_str!("../migrations/0009_signed_documents.sql"),
    include_str!("../migrations/0010_database_copy.sql"),
    include_str!("../migrations/0011_exchange.sql"),
    include_str!("../migrations/0012_inspection.sql"),
    include_str!("../migrations/0013_inspection_record.sql"),
    include_str!("../migrations/0014_inspection_exchange.sql"),
    include_str!("../migrations/0015_locks.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub fn schema_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |row| row.get(0))
}

/// Applies every migration the database has not seen yet. The caller has already refused a
/// database newer than [`SCHEMA_VERSION`].
pub fn migrate(conn: &mut Connection) -> Result<()> {
    let current = schema_version(conn)?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
