//! Forward-only schema migrations, versioned by `PRAGMA user_version`.
//!
//! A migration file is never edited once it has landed: a database made by an earlier build
//! must upgrade to exactly the schema a fresh database gets. The pending migrations run in one
//! transaction together with the version bump, so a crash leaves the previous version intact.
//!
//! A new database is created from `schema.sql`, the snapshot of what all the migrations make
//! together (tables, the rows they seed, indexes, views, triggers), in one transaction: 10 ms,
//! where replaying 22 migrations, whose `ALTER TABLE`s each make SQLite check the whole schema
//! again, took ~60 ms (the CLI's first command, every test's database). A test upgrades a
//! database of every earlier version and compares it, schema and rows, with one made from the
//! snapshot.

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
    include_str!("../migrations/0016_audit_chain.sql"),
    include_str!("../migrations/0017_audit_append_only.sql"),
    include_str!("../migrations/0018_settings.sql"),
    include_str!("../migrations/0019_city_recommendation.sql"),
    include_str!("../migrations/0020_publication.sql"),
    include_str!("../migrations/0021_panel.sql"),
    include_str!("../migrations/0022_demo_register.sql"),
];

/// What every migration together makes, as `snapshot_of` writes it; new databases start here.
const SNAPSHOT: &str = include_str!("../schema.sql");

/// The migration after which the program seals the audit entries written before the chain.
const AUDIT_CHAIN_MIGRATION: i64 = 16;

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub fn schema_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |row| row.get(0))
}

/// SQLite's `application_id` of a ParkReview database ("PRRV"): the header field that tells
/// our files from any other program's.
pub const APPLICATION_ID: i32 = 0x5052_5256;

/// Whether a database at schema `version` is ours to open and migrate: it carries our
/// application id, or it is empty, or it predates the id (a version > 0 with our audit log and
/// copy marker). Any other SQLite file — someone else's database with `user_version` 0, say —
/// is left untouched.
pub fn is_ours(conn: &Connection, version: i64) -> rusqlite::Result<bool> {
    let id: i32 = conn.query_row("PRAGMA application_id", [], |row| row.get(0))?;
    if id == APPLICATION_ID {
        return Ok(true);
    }
    if id != 0 {
        return Ok(false);
    }
    let objects: i64 =
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))?;
    if objects == 0 {
        return Ok(true);
    }
    if version == 0 {
        return Ok(false);
    }
    let ours: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master
         WHERE type = 'table' AND name IN ('audit_log', 'rounds', 'applications')",
        [],
        |row| row.get(0),
    )?;
    Ok(ours == 3)
}

/// Applies every migration the database has not seen yet, each under `BEGIN IMMEDIATE` with the
/// version read again inside it, so two processes opening a database at once migrate it once.
/// The caller has already refused a database newer than [`SCHEMA_VERSION`] or not ours.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    // Nothing to do is found without a write lock (a read-only file opens).
    let id: i32 = conn.query_row("PRAGMA application_id", [], |row| row.get(0))?;
    if schema_version(conn)? >= SCHEMA_VERSION && id == APPLICATION_ID {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut current = schema_version(&tx)?;
    let objects: i64 = tx.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))?;
    if current == 0 && objects == 0 {
        tx.execute_batch(SNAPSHOT)?;
        current = SCHEMA_VERSION;
    }
    while current < SCHEMA_VERSION {
        tx.execute_batch(MIGRATIONS[current as usize])?;
        if current + 1 == AUDIT_CHAIN_MIGRATION {
            crate::audit::seal_unsealed(&tx)?;
        }
        current += 1;
    }
    tx.pragma_update(None, "user_version", current)?;
    let id: i32 = tx.query_row("PRAGMA application_id", [], |row| row.get(0))?;
    if id != APPLICATION_ID {
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    }
    tx.commit()?;
    Ok(())
}

/// The schema and rows of a database as SQL that makes them again, in an order that can run:
/// tables, their rows, indexes, views, triggers (each by name; SQLite's own objects left out).
/// `schema.sql` is this of a database every migration was applied to.
#[cfg(test)]
pub(crate) fn snapshot_of(conn: &Connection) -> rusqlite::Result<String> {
    let objects = |kind: &str| -> rusqlite::Result<Vec<(String, String)>> {
        let mut stmt = conn.prepare(
            "SELECT name, sql FROM sqlite_master
             WHERE type = ?1 AND sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
             ORDER BY name",
        )?;
        let rows = stmt.query_map([kind], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect()
    };
    let mut out = String::from(
        "-- What every migration in migrations/ makes together: a new database is created from this\n\
         -- file (migrate.rs). Generated; regenerate with UPDATE_SNAPSHOTS=1 cargo test -p park-review-store\n",
    );
    let tables = objects("table")?;
    for (_, sql) in &tables {
        out += &format!("{sql};\n");
    }
    for (name, _) in &tables {
        let columns: Vec<String> = conn
            .prepare(&format!(
                "SELECT name FROM pragma_table_info('{name}') ORDER BY cid"
            ))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let values = columns
            .iter()
            .map(|c| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || ', ' || ");
        let mut stmt = conn.prepare(&format!(
            "SELECT 'INSERT INTO {name} ({}) VALUES (' || {values} || ');' FROM \"{name}\" ORDER BY 1",
            columns.join(", ")
        ))?;
        for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
            out += &row?;
            out += "\n";
        }
    }
    for kind in ["index", "view", "trigger"] {
        for (_, sql) in objects(kind)? {
            out += &format!("{sql};\n");
        }
    }
    Ok(out)
}
