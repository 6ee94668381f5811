//! The audit chain: every change appends a link; an entry edited, deleted or re-hashed with an
//! SQLite tool is found and named; databases written before the chain are sealed on upgrade.

use park_review_domain::{Coded, ErrorCode};

use crate::migrate::MIGRATIONS;
use crate::{Actor, Store};

fn demo() -> (tempfile::TempDir, std::path::PathBuf, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.sqlite3");
    let mut store = Store::open(&path).unwrap();
    store.load_demo(&Actor::system()).unwrap();
    (dir, path, store)
}

/// A second connection, as `sqlite3` opened beside the app would be, with the append-only
/// triggers dropped, as an attacker with that tool would drop them.
fn tool(path: &std::path::Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_log_append_only_update; DROP TRIGGER audit_log_append_only_delete;",
    )
    .unwrap();
    conn
}

#[test]
fn every_change_appends_a_link_and_the_chain_verifies() {
    let (_dir, _path, store) = demo();
    let verdict = store.verify_audit().unwrap();
    assert!(verdict.broken.is_none(), "{verdict:?}");
    assert!(verdict.entries > 10, "{}", verdict.entries);
    assert_eq!(verdict.head_id, verdict.entries);
    let entries = store.recent_audit(3).unwrap();
    // Newest first; each names the one before it.
    assert_eq!(entries[0].prev_sha256, entries[1].sha256);
    assert_eq!(entries[1].prev_sha256, entries[2].sha256);
    assert_eq!(entries[0].sha256, verdict.head_sha256);
    assert_eq!(entries[0].actor_surface, "program");
    // The first entry starts from zeros.
    let mut first = None;
    store
        .each_audit_entry(|e| {
            first.get_or_insert_with(|| e.clone());
            Ok(())
        })
        .unwrap();
    assert_eq!(first.unwrap().prev_sha256, crate::audit::GENESIS);
}

#[test]
fn the_database_itself_refuses_to_change_or_delete_an_entry() {
    let (_dir, path, store) = demo();
    let conn = rusqlite::Connection::open(&path).unwrap();
    for sql in [
        "UPDATE audit_log SET actor_name = '别人' WHERE id = 2",
        "DELETE FROM audit_log WHERE id = 2",
    ] {
        let err = crate::StoreError::from(conn.execute(sql, []).unwrap_err());
        assert_eq!(err.code(), ErrorCode::NotPermitted, "{sql}: {err}");
    }
    assert!(store.verify_audit().unwrap().broken.is_none());
}

#[test]
fn an_entry_edited_with_an_sqlite_tool_is_found_and_named() {
    let (_dir, path, store) = demo();
    tool(&path)
        .execute(
            "UPDATE audit_log SET detail = json_set(detail, '$.forged', 1) WHERE id = 5",
            [],
        )
        .unwrap();
    let broken = store.verify_audit().unwrap().broken.unwrap();
    assert_eq!(broken.id, 5);
    assert!(broken.reason.contains("内容被改动"), "{}", broken.reason);
}

#[test]
fn an_entry_deleted_with_an_sqlite_tool_is_found_and_named() {
    let (_dir, path, store) = demo();
    tool(&path)
        .execute("DELETE FROM audit_log WHERE id = 7", [])
        .unwrap();
    let broken = store.verify_audit().unwrap().broken.unwrap();
    assert_eq!(broken.id, 8);
    assert!(
        broken.reason.contains("第 7 至 7 条记录不见了"),
        "{}",
        broken.reason
    );
}

#[test]
fn an_entry_rewritten_with_a_fresh_hash_breaks_the_next_link() {
    // The careful forger recomputes the edited entry's own hash; the next entry still names
    // the old one.
    let (_dir, path, store) = demo();
    let mut e = store
        .audit_entries(&crate::AuditFilter {
            limit: 100_000,
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .find(|e| e.id == 4)
        .unwrap();
    e.actor_name = "别人".into();
    let sha = park_review_domain::digest::sha256_hex(e.chain_text().as_bytes());
    tool(&path)
        .execute(
            "UPDATE audit_log SET actor_name = ?1, sha256 = ?2 WHERE id = 4",
            rusqlite::params![e.actor_name, sha],
        )
        .unwrap();
    let broken = store.verify_audit().unwrap().broken.unwrap();
    assert_eq!(broken.id, 5);
    assert!(broken.reason.contains("前一条哈希"), "{}", broken.reason);
}

#[test]
fn entries_written_before_the_chain_are_sealed_when_the_database_upgrades() {
    // A database of the build before the chain (schema 15) with entries in it: the upgrade
    // seals them in order, and later writes continue the chain.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v15.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        for sql in &MIGRATIONS[..15] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 15).unwrap();
        for i in 1..=5 {
            conn.execute(
                "INSERT INTO audit_log (at, actor_role, actor_name, actor_surface, action, entity,
                                        entity_uid, detail)
                 VALUES ('2026-11-01T09:00:00+08:00', 'secretariat', '王秘书', 'app',
                         'round.create', 'round', ?1, '{\"n\": 1}')",
                [format!("uid-{i}")],
            )
            .unwrap();
        }
    }
    let mut store = Store::open(&path).unwrap();
    let verdict = store.verify_audit().unwrap();
    assert!(verdict.broken.is_none(), "{verdict:?}");
    assert_eq!(verdict.entries, 5);
    store.load_demo(&Actor::system()).unwrap();
    let verdict = store.verify_audit().unwrap();
    assert!(verdict.broken.is_none(), "{verdict:?}");
    assert!(verdict.entries > 5);
}
