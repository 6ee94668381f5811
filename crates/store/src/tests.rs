//! Store tests, each on its own temporary database with every migration applied.

use std::path::{Path, PathBuf};

use park_review_domain::{City, Coded, ErrorCode, RoundKind};
use sha2::{Digest, Sha256};

use crate::migrate::{MIGRATIONS, SCHEMA_VERSION};
use crate::{Actor, Store, StoreError, Surface};

fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("test.sqlite3");
    (dir, path)
}

fn file_digest(path: &Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

/// Every file in the database's directory with its digest: refusing a file must not create
/// `-wal`/`-shm` companions either.
fn dir_snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                file_digest(&path),
            )
        })
        .collect();
    entries.sort();
    entries
}

fn secretariat() -> Actor {
    Actor::secretariat("测试秘书", Surface::Program)
}

#[test]
fn a_new_database_is_at_the_latest_schema_with_durable_settings() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).unwrap();
    let conn = store.conn();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    let fk: i64 = conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    let sync: i64 = conn
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(fk, 1);
    assert_eq!(sync, 2, "synchronous=FULL");
    assert_eq!(store.status().unwrap().schema_version, SCHEMA_VERSION);
}

#[test]
fn a_missing_directory_is_refused() {
    let (dir, _) = temp_db();
    let err = Store::open(&dir.path().join("no/such/dir/db.sqlite3")).unwrap_err();
    assert_eq!(err.code(), ErrorCode::DbDirMissing);
    assert!(err.to_string().contains("不存在"));
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_untouched() {
    let (dir, path) = temp_db();
    std::fs::write(&path, "申报材料，不是数据库\n".repeat(200)).unwrap();
    let before = dir_snapshot(dir.path());
    let err = Store::open(&path).unwrap_err();
    assert_eq!(err.code(), ErrorCode::DbNotSqlite, "{err}");
    assert_eq!(dir_snapshot(dir.path()), before);
}

#[test]
fn a_corrupt_database_with_a_valid_header_is_refused_and_left_untouched() {
    let (dir, path) = temp_db();
    let mut bytes = b"SQLite format 3\0".to_vec();
    bytes.extend(std::iter::repeat_n(0xA5u8, 4096));
    std::fs::write(&path, &bytes).unwrap();
    let before = dir_snapshot(dir.path());
    let err = Store::open(&path).unwrap_err();
    assert!(
        matches!(err.code(), ErrorCode::DbNotSqlite | ErrorCode::DbUnreadable),
        "{err}"
    );
    assert_eq!(dir_snapshot(dir.path()), before);
}

#[test]
fn a_database_from_a_newer_version_is_refused_and_left_untouched() {
    let (dir, path) = temp_db();
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(&format!(
            "CREATE TABLE future (x); PRAGMA user_version = 99; PRAGMA application_id = {};",
            crate::migrate::APPLICATION_ID
        ))
        .unwrap();
    }
    let before = dir_snapshot(dir.path());
    let err = Store::open(&path).unwrap_err();
    assert_eq!(err.code(), ErrorCode::DbSchemaTooNew);
    assert!(err.to_string().contains("99"), "{err}");
    assert_eq!(dir_snapshot(dir.path()), before);
}

#[test]
fn another_programs_sqlite_database_is_refused_and_left_untouched() {
    // `--db` pointed at someone else's database: before, any file with user_version 0 was
    // migrated (30 tables added, WAL switched on).
    for setup in [
        "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('张三');",
        "CREATE TABLE contacts (name TEXT); PRAGMA user_version = 3;",
        "PRAGMA application_id = 42; PRAGMA user_version = 1;",
        // Our table names, but another program's id.
        "CREATE TABLE rounds (x); CREATE TABLE applications (x); CREATE TABLE audit_log (x);
         PRAGMA application_id = 7; PRAGMA user_version = 5;",
    ] {
        let (dir, path) = temp_db();
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.execute_batch(setup).unwrap();
        }
        let before = dir_snapshot(dir.path());
        let err = Store::open(&path).unwrap_err();
        assert_eq!(err.code(), ErrorCode::DbNotSqlite, "{setup}");
        assert!(
            err.to_string().contains("另一个程序的 SQLite 数据库"),
            "{err}"
        );
        assert_eq!(dir_snapshot(dir.path()), before, "{setup}");
    }
}

#[test]
fn our_databases_carry_our_application_id_including_ones_made_before_it() {
    let (dir, path) = temp_db();
    drop(Store::open(&path).unwrap());
    let id = |path: &std::path::Path| -> i32 {
        rusqlite::Connection::open(path)
            .unwrap()
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(id(&path), crate::migrate::APPLICATION_ID);
    // A database of an earlier build (our tables, no id) opens and gains the id.
    let old = dir.path().join("old.sqlite3");
    {
        let conn = rusqlite::Connection::open(&old).unwrap();
        for sql in &MIGRATIONS[..8] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 8).unwrap();
    }
    assert_eq!(id(&old), 0);
    drop(Store::open(&old).unwrap());
    assert_eq!(id(&old), crate::migrate::APPLICATION_ID);
    // An empty SQLite file is a new database.
    let empty = dir.path().join("empty.sqlite3");
    rusqlite::Connection::open(&empty)
        .unwrap()
        .execute_batch("PRAGMA user_version = 0; VACUUM;")
        .unwrap();
    assert!(Store::open(&empty).is_ok());
}

#[test]
fn every_earlier_schema_version_upgrades_to_the_same_schema_as_a_new_database() {
    let (dir, fresh_path) = temp_db();
    let fresh = schema_of(&Store::open(&fresh_path).unwrap());
    for applied in 0..MIGRATIONS.len() {
        let path = dir.path().join(format!("v{applied}.sqlite3"));
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            for sql in &MIGRATIONS[..applied] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", applied as i64)
                .unwrap();
        }
        let upgraded = Store::open(&path).unwrap();
        assert_eq!(upgraded.status().unwrap().schema_version, SCHEMA_VERSION);
        assert_eq!(
            schema_of(&upgraded),
            fresh,
            "upgrade from version {applied}"
        );
    }
}

/// Migration 0007 fills `assignment_section_points` from the scores already stored: a
/// database of schema 6 holding scores (some criteria left blank, two sections, two experts)
/// upgrades with each sheet's section sums right, and the triggers keep them right after.
#[test]
fn the_section_sums_are_filled_from_scores_stored_before_the_upgrade() {
    let (dir, _) = temp_db();
    let path = dir.path().join("v6-with-scores.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        for sql in &MIGRATIONS[..6] {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute_batch(
            "PRAGMA user_version = 6;
             INSERT INTO rounds (id, uid, code, year, kind, status, title, created_at, updated_at)
                VALUES (1, 'r', '2025-SB', 2025, 'designation', 'open', '2025 年申报评审', 't', 't');
             INSERT INTO rubrics (id, uid, round_id, title, created_at, updated_at)
                VALUES (1, 'rb', 1, '细则', 't', 't');
             INSERT INTO rubric_sections (id, uid, rubric_id, position, code, title) VALUES
                (1, 's1', 1, 1, 'A', '产业基础'), (2, 's2', 1, 2, 'B', '创新能力');
             INSERT INTO criteria (id, uid, rubric_id, section_id, position, code, title, max_points_centi) VALUES
                (1, 'c1', 1, 1, 1, 'A1', '产值', 2000), (2, 'c2', 1, 1, 2, 'A2', '企业', 1000),
                (3, 'c3', 1, 2, 3, 'B1', '平台', 1500);
             INSERT INTO applications (id, uid, round_id, code, registration_order, park_name, city,
                    city_recommendation_rank, planned_area_mu, created_at, updated_at)
                VALUES (1, 'a', 1, '2025-GZ-01', 1, '广州某园区', 'guangzhou', 1, 500, 't', 't');
             INSERT INTO experts (id, uid, code, name, created_at, updated_at) VALUES
                (1, 'e1', 'E001', '甲', 't', 't'), (2, 'e2', 'E002', '乙', 't', 't');
             INSERT INTO assignments (id, uid, round_id, application_id, expert_id, created_at, updated_at) VALUES
                (1, 'as1', 1, 1, 1, 't', 't'), (2, 'as2', 1, 1, 2, 't', 't');
             INSERT INTO scores (uid, assignment_id, criterion_id, points_centi, updated_at) VALUES
                ('x1', 1, 1, 1750, 't'), ('x2', 1, 2, 850, 't'), ('x3', 1, 3, 1200, 't'),
                ('x4', 2, 1, 1500, 't'), ('x5', 2, 2, NULL, 't'), ('x6', 2, 3, 900, 't');",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let sums = |store: &Store| -> Vec<(i64, i64, i64)> {
        let mut stmt = store
            .conn()
            .prepare(
                "SELECT assignment_id, section_id, points_centi FROM assignment_section_points
                 ORDER BY assignment_id, section_id",
            )
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    // Worked by hand: E001 17.5 + 8.5 in A, 12 in B; E002 15 (A2 blank) in A, 9 in B.
    assert_eq!(
        sums(&store),
        [(1, 1, 2600), (1, 2, 1200), (2, 1, 1500), (2, 2, 900)]
    );
    // The triggers carry on from the filled sums.
    store
        .conn()
        .execute_batch(
            "UPDATE scores SET points_centi = 700 WHERE uid = 'x5';
             UPDATE scores SET points_centi = NULL WHERE uid = 'x3';",
        )
        .unwrap();
    assert_eq!(
        sums(&store),
        [(1, 1, 2600), (1, 2, 0), (2, 1, 2200), (2, 2, 900)]
    );
}

fn schema_of(store: &Store) -> String {
    crate::migrate::snapshot_of(store.conn()).unwrap()
}

/// The SHA-256 of every landed migration, as it landed. A migration is never edited once it has
/// landed (a database made by an earlier build would not get the change): a new change is a
/// new migration, and its hash is added here when it lands. (0005 was edited after landing once,
/// to add `pdf BLOB NOT NULL`; this pins it as it is now.)
const LANDED_MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_initial.sql",
        "c68520c19a5c12cd961291871e3b0df49b40e20419ffddf7849f127be06386b5",
    ),
    (
        "0002_eligibility.sql",
        "c47255dad5d4d11f08cd4848e7e128a64b21f47bef34e64cf8d81d8656472d99",
    ),
    (
        "0003_attachments.sql",
        "78aa85bcddc570e06a357bd723ca1195f12044e12c13d07c39841add9be9c8e8",
    ),
    (
        "0004_review.sql",
        "3a46ea38c493b154c9e37383cd35800bb8c80ef2f8b110d3f20690c1e018fc29",
    ),
    (
        "0005_signing.sql",
        "7fe95240c6a749f7af59132c83216d5974c829c96b8863def6ae07bea3058030",
    ),
    (
        "0006_ranking.sql",
        "894f53df3e47d5289802764eaa1491c0becd1ad01e6e55497f3ea6dd60d40a33",
    ),
    (
        "0007_ranking_indexes.sql",
        "23b7d51bf036928a0265eb9d1711303cbd02f3e56243ed7cbe7656e82e9821a9",
    ),
    (
        "0008_audit_surface.sql",
        "dc5d0c8b0be33cae81ea1260a7361ac2f06c0f1858bdc62d4342b443ba0fe6bb",
    ),
    (
        "0009_signed_documents.sql",
        "9c66b743417ec47b0a186e43b23b1fb19fbdc6208e7cd6a35b1509bb93e45c61",
    ),
    (
        "0010_database_copy.sql",
        "7ea24375d1fa8aab81663f4975b123b6d1185214ce056e067f3bf0626104890f",
    ),
    (
        "0011_exchange.sql",
        "3a0b9093f7ecf1857745fd86987eb81d2ceef15579c6ebc181d8b5b809ad2bc8",
    ),
    (
        "0012_inspection.sql",
        "83d5c86de7114d81403ad1a6b8ac1fbae7aec11e9a3d1126a90d9b1c09530ac7",
    ),
    (
        "0013_inspection_record.sql",
        "eaadf520b9511b91ed6999e6b568b88e34a734591098564dbb92ea198b22872d",
    ),
    (
        "0014_inspection_exchange.sql",
        "ff5139129d2c7f2cf8d7e2c4322b27382f66bfeb6f63c2ee2e0c1bb1825d67a9",
    ),
    (
        "0015_locks.sql",
        "887b23b811c8f804a13151f773e78d19504ae91fde8e3da9fd12cc20786fed09",
    ),
    (
        "0016_audit_chain.sql",
        "f3ed22bcceeb29a8b1f07fabf6b7171849705ddfe92e0eb64da0100bcc666ac3",
    ),
    (
        "0017_audit_append_only.sql",
        "c860b9ea8c18a4a016e488f2fa237dbf48805d87b69c958570b60aa1ec1103ed",
    ),
    (
        "0018_settings.sql",
        "12de11d0891ebc9db7e4b7533a05d4cd5313cd75071ee7c54f367a8e74e50d36",
    ),
    (
        "0019_city_recommendation.sql",
        "08517a9120f1a99627df3d4f1b1ec57dc12a4825970b1809c3bed2d524c5f983",
    ),
    (
        "0020_publication.sql",
        "7b81fed7c1b48a19c930b65093d6cf4e3414b4c1c672681f81214e3b4be920d7",
    ),
    (
        "0021_panel.sql",
        "08a073461566935c29ff77d470a48e32a168749f351839b97345f960c13427ec",
    ),
    (
        "0022_demo_register.sql",
        "78ca8d2c0726cff21a4bd9a8793b8d799a6d5eb7039619e0ebafea36a51c8956",
    ),
];

/// On an expert's copy (a review package) the secretariat's actions and its ungated reads of
/// materials are refused, for every front end, and nothing changes; the expert still works
/// through the expert's gate, and only as that expert.
#[test]
fn an_experts_copy_refuses_the_secretariat() {
    use park_review_domain::ids::AssignmentKey;
    use park_review_domain::Coded;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("copy.sqlite3");
    let mut store = Store::open(&path).unwrap();
    let round = store.load_demo(&Actor::system()).unwrap().round.id;
    let secretariat = Actor::secretariat("秘书处", Surface::CommandLine);
    store.open_round(&secretariat, round).unwrap();
    store.auto_assign(&secretariat, round, None, 1).unwrap();
    let mine = store.expert_assignments(round, "E004").unwrap()[0]
        .application
        .code
        .clone();
    let app = store.list_applications(round).unwrap()[0].code.clone();
    assert_eq!(store.copy(), &crate::DatabaseCopy::Secretariat);
    store.mark_expert_copy(&Actor::system(), "E004").unwrap();
    drop(store);
    // Read back when opened again.
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.copy(), &crate::DatabaseCopy::Expert("E004".into()));
    let before = store.recent_audit(1000).unwrap().len();
    let refused = store.close_round(&secretariat, round).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::NotPermitted);
    assert!(refused.to_string().contains("E004"), "{refused}");
    assert_eq!(
        store.list_attachments(round, &app).unwrap_err().code(),
        ErrorCode::NotPermitted
    );
    assert_eq!(
        store.read_attachment("any").unwrap_err().code(),
        ErrorCode::NotPermitted
    );
    // Another expert's pair does not open here; E004's own does.
    let other = store.expert_assignments(round, "E003").unwrap()[0]
        .application
        .code
        .clone();
    let err = store
        .declare_no_conflict(
            &Actor::expert("E003", Surface::App),
            &AssignmentKey::new(round, "E003", &other),
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotPermitted);
    store
        .declare_no_conflict(
            &Actor::expert("E004", Surface::App),
            &AssignmentKey::new(round, "E004", &mine),
        )
        .unwrap();
    assert!(store
        .expert_attachments(&AssignmentKey::new(round, "E004", &mine))
        .is_ok());
    assert_eq!(store.recent_audit(1000).unwrap().len(), before + 1);
}

/// An error carries its message's values, so the English UI can say it in English.
#[test]
fn a_not_found_error_names_what_was_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("args.sqlite3")).unwrap();
    let e: park_review_domain::CodedError = store.find_round("NOPE-2026").unwrap_err().into();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert_eq!(e.args.get("key").map(String::as_str), Some("NOPE-2026"));
    assert!(e.message.contains("NOPE-2026"), "{}", e.message);
}

/// The database holds every encrypted key and every score: it, its WAL and SHM, and what the
/// product exports are readable by their owner only.
#[cfg(unix)]
#[test]
fn the_database_and_exports_are_the_owners_alone() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("private.sqlite3");
    let mut store = Store::open(&path).unwrap();
    store.load_demo(&Actor::system()).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    for suffix in ["-wal", "-shm"] {
        let side = dir.path().join(format!("private.sqlite3{suffix}"));
        if side.exists() {
            assert_eq!(mode(&side), 0o600, "{suffix}");
        }
    }
    let export = store.save_export("报告.pdf", b"%PDF-1.7").unwrap();
    assert_eq!(mode(&export), 0o600);
    assert_eq!(mode(export.parent().unwrap()), 0o700);
    // A database made before (world-readable) is narrowed when opened.
    drop(store);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let _store = Store::open(&path).unwrap();
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn landed_migrations_are_never_edited() {
    use sha2::{Digest, Sha256};
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    files.sort();
    let landed: Vec<&str> = LANDED_MIGRATIONS.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        files, landed,
        "every migration file is listed once, in order"
    );
    assert_eq!(MIGRATIONS.len(), LANDED_MIGRATIONS.len());
    for ((name, pinned), sql) in LANDED_MIGRATIONS.iter().zip(MIGRATIONS) {
        let hex: String = Sha256::digest(sql.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            &hex, pinned,
            "{name} was edited after it landed: put the change in a new migration"
        );
    }
}

/// The schema snapshot: a migration that changes the schema shows up as a diff of
/// `schema.sql` in review. Regenerate with `UPDATE_SNAPSHOTS=1 cargo test -p park-review-store`.
#[test]
fn schema_snapshot() {
    // Made by replaying the migrations (a new database would be made from the snapshot itself):
    // the first applied by hand, the rest by `Store::open`.
    let (_dir, path) = temp_db();
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
    }
    let actual = schema_of(&Store::open(&path).unwrap());
    let snapshot = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.sql");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
    assert!(
        expected == actual,
        "schema changed; run UPDATE_SNAPSHOTS=1 cargo test -p park-review-store"
    );
}

#[test]
fn rounds_are_created_once_per_year_and_kind_and_found_by_what_users_type() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).unwrap();
    let round = store
        .create_round(&secretariat(), 2026, RoundKind::Designation)
        .unwrap();
    assert_eq!(round.code, "2026-SB");
    assert_eq!(round.title, "2026年广东省人工智能产业园区申报评审");
    let err = store
        .create_round(&secretariat(), 2026, RoundKind::Designation)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::RoundExists);
    store
        .create_round(&secretariat(), 2026, RoundKind::AnnualAssessment)
        .unwrap();

    assert_eq!(store.find_round("2026-sb").unwrap().id, round.id);
    assert_eq!(store.find_round(&round.uid.0).unwrap().id, round.id);
    let ambiguous = store.find_round("2026").unwrap_err();
    assert!(ambiguous.to_string().contains("2026-KH"), "{ambiguous}");
    assert_eq!(
        store.find_round("2099-SB").unwrap_err().code(),
        ErrorCode::NotFound
    );
    assert_eq!(
        store
            .create_round(&secretariat(), 1999, RoundKind::Designation)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidYear
    );
}

#[test]
fn every_write_leaves_an_audit_entry_with_local_time_and_offset() {
    let (_dir, path) = temp_db();
    let clock = || chrono::DateTime::parse_from_rfc3339("2026-11-27T09:30:00+08:00").unwrap();
    let mut store = Store::open(&path).unwrap().with_clock(clock);
    let round = store
        .create_round(&secretariat(), 2026, RoundKind::Designation)
        .unwrap();
    assert_eq!(round.created_at, "2026-11-27T09:30:00+08:00");
    let (at, who, action): (String, String, String) = store
        .conn()
        .query_row("SELECT at, actor_name, action FROM audit_log", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(
        (at.as_str(), who.as_str(), action.as_str()),
        ("2026-11-27T09:30:00+08:00", "测试秘书", "round.create")
    );
}

#[test]
fn a_write_without_an_audit_entry_is_refused_and_rolled_back() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).unwrap();
    let err = store
        .write(&secretariat(), |tx| {
            tx.tx.execute(
                "INSERT INTO experts (uid, code, name, created_at, updated_at) VALUES ('u', 'E9', 'x', 't', 't')",
                [],
            )?;
            Ok(())
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::Internal(_)));
    assert_eq!(store.status().unwrap().experts, 0);
}

#[test]
fn the_demo_round_loads_once_with_its_parks_experts_rubric_and_checklist() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).unwrap();
    let loaded = store.load_demo(&Actor::system()).unwrap();
    assert_eq!(loaded.round.year, 2026);
    assert_eq!(loaded.round.kind, RoundKind::Designation);

    let apps = store.list_applications(loaded.round.id).unwrap();
    assert!(apps.len() >= 9, "{}", apps.len());
    let cities: std::collections::HashSet<_> = apps.iter().map(|a| a.city).collect();
    assert!(cities.len() >= 7, "{cities:?}");
    assert_eq!(
        apps.iter().filter(|a| a.city == City::GZ).count(),
        3,
        "P2 must bite for 广州"
    );
    assert!(apps.iter().any(|a| a.park_name == "广州南沙人工智能产业园"));
    assert!(
        apps.iter()
            .any(|a| a.planned_area_mu < 300.0 && a.planned_area_mu > 295.0),
        "a near C2 miss"
    );

    let panel = store.list_panel(loaded.round.id).unwrap();
    assert_eq!(panel.len(), 7);
    assert!(panel.iter().all(|e| !e.employer.is_empty()));

    let before = store.status().unwrap();
    assert_eq!(before.criteria, i64::from(loaded.criteria));
    let err = store.load_demo(&Actor::system()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::DemoAlreadyLoaded);
    assert_eq!(
        store.status().unwrap(),
        before,
        "a refused second load changes nothing"
    );
}

#[test]
fn the_demo_round_does_not_block_a_real_round_of_the_same_year() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).unwrap();
    store.load_demo(&Actor::system()).unwrap();
    let real = store
        .create_round(&secretariat(), 2026, RoundKind::Designation)
        .unwrap();
    assert_eq!(store.find_round("2026-SB").unwrap().id, real.id);
}

#[test]
fn the_default_rubric_adds_up_to_100_points_with_industrial_base_weighted_highest() {
    let rubric = park_review_domain::exchange::parse_rubric(include_str!(
        "../../../assets/rubrics/default-designation.json"
    ))
    .unwrap();
    assert_eq!(
        rubric.max_total(),
        park_review_domain::Points::from_centi(10_000)
    );
    let section_max = |s: &park_review_domain::model::RubricSection| -> park_review_domain::Points {
        s.criteria.iter().map(|c| c.max_points).sum()
    };
    let industrial = rubric
        .sections
        .iter()
        .find(|s| s.title == "产业基础")
        .unwrap();
    assert!(rubric
        .sections
        .iter()
        .all(|s| section_max(s) <= section_max(industrial)));
}

mod eligibility {
    use super::*;
    use park_review_domain::eligibility::{RuleId, RuleResult};
    use park_review_domain::exchange::{parse_application_file, parse_demo_round};

    const DEMO: &str = include_str!("../../../assets/demo/round-2026.json");

    fn demo_store() -> (tempfile::TempDir, Store, park_review_domain::ids::RoundId) {
        let (dir, path) = temp_db();
        let mut store = Store::open(&path).unwrap();
        let round = store.load_demo(&Actor::system()).unwrap().round;
        (dir, store, round.id)
    }

    fn rule(e: &park_review_domain::eligibility::Eligibility, id: RuleId) -> RuleResult {
        e.rules.iter().find(|r| r.id == id).unwrap().result
    }

    #[test]
    fn stored_records_equal_the_imported_ones() {
        let (_dir, store, round) = demo_store();
        let demo = parse_demo_round(DEMO).unwrap();
        let stored: Vec<_> = store
            .application_records(round)
            .unwrap()
            .into_iter()
            .map(|(_, r, _)| r)
            .collect();
        assert_eq!(stored, demo.applications);
    }

    #[test]
    fn the_demo_round_fails_where_it_was_built_to() {
        let (_dir, store, round) = demo_store();
        let review = store.eligibility(round).unwrap();
        let by_code = |code: &str| review.iter().find(|e| e.code == code).unwrap();
        assert_eq!(rule(by_code("2026-GZ-03"), RuleId::P2), RuleResult::Fail);
        assert_eq!(rule(by_code("2026-GZ-02"), RuleId::P2), RuleResult::Pass);
        assert_eq!(rule(by_code("2026-FS-01"), RuleId::C2), RuleResult::Fail);
        assert_eq!(rule(by_code("2026-DG-01"), RuleId::C3), RuleResult::Fail);
        assert_eq!(rule(by_code("2026-ZH-01"), RuleId::C4), RuleResult::Fail);
        assert_eq!(
            rule(by_code("2026-SG-01"), RuleId::C2),
            RuleResult::Pass,
            "300 亩 exactly, the demo's documents checked"
        );
        // P3: Guangzhou may put forward two a year; its third is not recommended. P4: one
        // application lacks its city's policy documents.
        assert_eq!(
            rule(by_code("2026-GZ-03"), RuleId::P3),
            RuleResult::NeedsReview
        );
        assert_eq!(rule(by_code("2026-GZ-02"), RuleId::P3), RuleResult::Pass);
        assert_eq!(
            rule(by_code("2026-DG-01"), RuleId::P4),
            RuleResult::NeedsReview
        );
        assert_eq!(
            rule(by_code("2026-SG-01"), RuleId::C3),
            RuleResult::Pass,
            "3 × 5000 万元 exactly"
        );
        let failing: Vec<_> = review
            .iter()
            .filter(|e| e.result == RuleResult::Fail)
            .map(|e| e.code.as_str())
            .collect();
        assert_eq!(
            failing,
            ["2026-GZ-03", "2026-FS-01", "2026-DG-01", "2026-ZH-01"]
        );
        // The others' formal review is complete: documents checked, recommended, materials in.
        assert!(review
            .iter()
            .filter(|e| e.result != RuleResult::Fail)
            .all(|e| e.result == RuleResult::Pass));
    }

    #[test]
    fn an_override_with_a_reason_changes_the_result_and_is_audited() {
        let (_dir, mut store, round) = demo_store();
        let fs = store.find_application(round, "2026-fs-01").unwrap();
        let err = store
            .override_rule(
                &secretariat(),
                round,
                &fs.code,
                RuleId::C2,
                RuleResult::Pass,
                "  ",
            )
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::OutOfRange);
        store
            .override_rule(
                &secretariat(),
                round,
                &fs.code,
                RuleId::C2,
                RuleResult::Pass,
                "差1.5亩，用地集中连片",
            )
            .unwrap();
        for rule in [RuleId::C1, RuleId::C2, RuleId::C5, RuleId::C7] {
            store
                .check_documents(&secretariat(), round, &fs.code, rule, "原件已核")
                .unwrap();
        }
        let review = store.eligibility(round).unwrap();
        let fs_review = review.iter().find(|e| e.code == "2026-FS-01").unwrap();
        let c2 = fs_review.rules.iter().find(|r| r.id == RuleId::C2).unwrap();
        assert_eq!(
            (c2.result, c2.computed),
            (RuleResult::Pass, RuleResult::Fail)
        );
        let o = c2.r#override.as_ref().unwrap();
        assert_eq!(
            (o.reason.as_str(), o.by.as_str()),
            ("差1.5亩，用地集中连片", "测试秘书")
        );
        assert_eq!(fs_review.result, RuleResult::Pass);
        let audited: i64 = store
            .conn()
            .query_row(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'eligibility.override'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(audited, 1);
        let wrong = store
            .check_documents(&secretariat(), round, &fs.code, RuleId::C3, "")
            .unwrap_err();
        assert_eq!(wrong.code(), ErrorCode::OutOfRange);
    }

    #[test]
    fn an_import_with_one_bad_row_stores_nothing_and_lists_every_problem() {
        let (_dir, mut store, round) = demo_store();
        let before = store.status().unwrap();
        let text = serde_json::json!([
            {"code": "2026-MZ-01", "park_name": "梅州园区", "city": "梅州市", "city_recommendation_rank": 1,
             "planned_area_mu": 320, "enterprises": [{"name": "甲", "credit_code": "91350100M000100Y43", "ai_output_wan_yuan": 6000}]},
            {"code": "2026-GZ-01", "park_name": "重复编号", "city": "广州市", "city_recommendation_rank": 4,
             "planned_area_mu": 320},
            {"code": "2026-QY-01", "park_name": "清远园区", "city": "清远市", "city_recommendation_rank": 1,
             "planned_area_mu": -5, "enterprises": [{"name": "乙", "credit_code": "91350100M000100Y44", "ai_output_wan_yuan": 10}]}
        ])
        .to_string();
        let records = parse_application_file(&text).unwrap();
        let err = store
            .import_applications(&secretariat(), round, &records)
            .unwrap_err();
        let message = err.to_string();
        for expected in [
            "3 处问题",
            "申报 2026-GZ-01，字段 code",
            "enterprises[0].credit_code",
            "planned_area_mu",
        ] {
            assert!(
                message.contains(expected),
                "“{expected}” missing from: {message}"
            );
        }
        assert_eq!(store.status().unwrap(), before);

        let good: Vec<_> = records.into_iter().take(1).collect();
        store
            .import_applications(&secretariat(), round, &good)
            .unwrap();
        let apps = store.list_applications(round).unwrap();
        assert_eq!(apps.last().unwrap().code, "2026-MZ-01");
        assert_eq!(apps.last().unwrap().registration_order, 10);
    }
}

mod editing {
    use super::*;
    use park_review_domain::eligibility::{RuleId, RuleResult};

    #[test]
    fn saving_the_form_replaces_the_record_and_its_lists_or_changes_nothing() {
        let (_dir, path) = temp_db();
        let mut store = Store::open(&path).unwrap();
        let round = store.load_demo(&Actor::system()).unwrap().round.id;
        let mut record = store.application_record(round, "2026-FS-01").unwrap();
        record.planned_area_mu = 301.0;
        record.enterprises.truncate(2);
        store
            .update_application(&secretariat(), round, "2026-FS-01", &record)
            .unwrap();
        assert_eq!(
            store.application_record(round, "2026-FS-01").unwrap(),
            record
        );
        let review = store.eligibility(round).unwrap();
        let fs = review.iter().find(|e| e.code == "2026-FS-01").unwrap();
        let c2 = fs.rules.iter().find(|r| r.id == RuleId::C2).unwrap();
        assert_eq!(c2.result, RuleResult::Pass, "300 亩, documents checked");

        let before = store.application_record(round, "2026-FS-01").unwrap();
        let mut taken = before.clone();
        taken.code = "2026-GZ-01".into();
        let err = store
            .update_application(&secretariat(), round, "2026-FS-01", &taken)
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::DuplicateCode);
        let mut bad = before.clone();
        bad.enterprises[0].credit_code = "123".into();
        let err = store
            .update_application(&secretariat(), round, "2026-FS-01", &bad)
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidCreditCode);
        assert_eq!(
            store.application_record(round, "2026-FS-01").unwrap(),
            before
        );
    }
}

mod attachments {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

    /// Every file under `dir`.
    fn walk(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_owned()];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                if entry.path().is_dir() {
                    stack.push(entry.path());
                } else {
                    out.push(entry.path());
                }
            }
        }
        out
    }

    #[test]
    fn a_pdf_is_stored_by_its_sha256_and_read_back_verified() {
        let (_dir, path) = temp_db();
        let mut store = Store::open(&path).unwrap();
        let round = store.load_demo(&Actor::system()).unwrap().round.id;
        let app = "2026-FS-01";
        let added = store
            .add_attachment(&secretariat(), round, app, "c2", "用地批复.pdf", PDF)
            .unwrap();
        assert_eq!(
            (added.clause.as_str(), added.media_type.as_str()),
            ("C2", "application/pdf")
        );
        let (listed, bytes) = store.read_attachment(&added.uid.0).unwrap();
        assert_eq!((listed, bytes.as_slice()), (added.clone(), PDF));
        // Beside the demo's recommendation letter (P3).
        assert_eq!(store.list_attachments(round, app).unwrap().len(), 2);

        let again = store
            .add_attachment(&secretariat(), round, app, "C2", "副本.pdf", PDF)
            .unwrap_err();
        assert_eq!(again.code(), ErrorCode::DuplicateCode);

        // Someone edits the stored file: reading it is refused, not shown as genuine.
        let stored = store
            .attachments_dir()
            .join(&added.sha256[..2])
            .join(&added.sha256);
        std::fs::write(&stored, b"%PDF-1.4 forged").unwrap();
        assert_eq!(
            store.read_attachment(&added.uid.0).unwrap_err().code(),
            ErrorCode::AttachmentTampered
        );
    }

    #[test]
    fn only_pdfs_and_images_under_a_known_clause_are_accepted() {
        let (_dir, path) = temp_db();
        let mut store = Store::open(&path).unwrap();
        let round = store.load_demo(&Actor::system()).unwrap().round.id;
        let app = "2026-FS-01";
        let before = store.status().unwrap();
        let text = store
            .add_attachment(&secretariat(), round, app, "C1", "说明.docx", b"PK\x03\x04")
            .unwrap_err();
        assert_eq!(text.code(), ErrorCode::ImportMalformed);
        assert!(text.to_string().contains("不是完整的 PDF、PNG 或 JPEG"));
        let clause = store
            .add_attachment(&secretariat(), round, app, "T9", "a.pdf", PDF)
            .unwrap_err();
        assert_eq!(clause.code(), ErrorCode::OutOfRange);
        let empty = store
            .add_attachment(&secretariat(), round, app, "C1", "a.pdf", b"")
            .unwrap_err();
        assert_eq!(empty.code(), ErrorCode::OutOfRange);
        assert_eq!(store.status().unwrap(), before);
        let files = walk(&store.attachments_dir());
        assert_eq!(
            files.len(),
            1,
            "nothing was written beside the demo's letter: {files:?}"
        );
    }
}

/// The schema stays readable by the SQLite the system ships (Debian 12: 3.40), so that a
/// secretariat or an auditor can open the database with `sqlite3`: no syntax newer than it (a
/// trigger with `RAISE(ABORT, CASE …)` once made the whole schema unreadable there).
#[test]
fn the_systems_sqlite3_reads_the_schema() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).unwrap();
    store.load_demo(&Actor::system()).unwrap();
    drop(store);
    let out = std::process::Command::new("sqlite3")
        .arg(&path)
        .arg("SELECT count(*) FROM audit_log; PRAGMA integrity_check;")
        .output()
        .expect("sqlite3 is installed (make test installs it)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("ok"),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// P3, the city's act, and P4's materials through the store (issue 16): recorded with the
/// letter in one transaction; refused whole over the city's yearly number, with an order taken,
/// with a letter that is not a PDF or image, and in a closed round.
mod city_step {
    use park_review_domain::eligibility::{Material, RuleId, RuleResult};
    use park_review_domain::{Coded, ErrorCode};

    use super::*;
    use crate::RecommendationInput;

    const LETTER: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

    fn input<'a>(order: u32, letter: Option<(&'a str, &'a [u8])>) -> RecommendationInput<'a> {
        RecommendationInput {
            opinion: "经审核，申报材料真实，同意推荐",
            letter_date: "2026-9-15",
            signatory: "广州市工业和信息化局 张某",
            order,
            letter,
        }
    }

    fn p3(store: &Store, round: park_review_domain::ids::RoundId, code: &str) -> RuleResult {
        let review = store.eligibility(round).unwrap();
        let app = review.iter().find(|e| e.code == code).unwrap();
        app.rules
            .iter()
            .find(|r| r.id == RuleId::P3)
            .unwrap()
            .result
    }

    #[test]
    fn a_recommendation_is_the_citys_act_within_its_yearly_number() {
        let (_dir, path) = temp_db();
        let mut store = Store::open(&path).unwrap();
        let round = store.load_demo(&Actor::system()).unwrap().round.id;
        let before = store.status().unwrap();
        let audit = store.verify_audit().unwrap().entries;

        // Guangzhou has recommended two (its number, P2): a third is refused, nothing changed.
        let err = store
            .record_recommendation(
                &secretariat(),
                round,
                "2026-GZ-03",
                &input(1, Some(("推荐函.pdf", LETTER))),
            )
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::CityQuotaExceeded, "{err}");
        assert!(err.to_string().contains("2026-GZ-01"), "{err}");
        // A letter that is not a PDF or an image: refused before anything is recorded.
        let err = store
            .record_recommendation(
                &secretariat(),
                round,
                "2026-GZ-01",
                &input(1, Some(("推荐函.doc", b"PK\x03\x04"))),
            )
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::ImportMalformed, "{err}");
        // An order given to another application of the city.
        let err = store
            .record_recommendation(&secretariat(), round, "2026-GZ-01", &input(2, None))
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::OutOfRange, "{err}");
        assert!(err.to_string().contains("2026-GZ-02"), "{err}");
        assert_eq!(store.status().unwrap(), before);
        assert_eq!(store.verify_audit().unwrap().entries, audit);

        // Withdrawn by the city, then recommended again with a new letter: recorded with its
        // letter in one go, the date written one way, the order the one P2 counts by.
        store
            .conn()
            .execute_batch(
                "DELETE FROM attachments WHERE clause = 'P3' AND application_id = (SELECT id FROM applications WHERE code = '2026-FS-01');",
            )
            .unwrap();
        assert_eq!(p3(&store, round, "2026-FS-01"), RuleResult::NeedsReview);
        let made = store
            .record_recommendation(
                &secretariat(),
                round,
                "2026-FS-01",
                &input(1, Some(("佛山推荐函.pdf", LETTER))),
            )
            .unwrap();
        assert_eq!(made.letter_date, "2026-09-15");
        assert_eq!(p3(&store, round, "2026-FS-01"), RuleResult::Pass);
        let letters: Vec<_> = store
            .list_attachments(round, "2026-FS-01")
            .unwrap()
            .into_iter()
            .filter(|a| a.clause == "P3")
            .collect();
        assert_eq!(letters.len(), 1);
        assert_eq!(letters[0].file_name, "佛山推荐函.pdf");
        // Over the city's number (FS: one a year): order 2 is refused.
        let err = store
            .record_recommendation(&secretariat(), round, "2026-FS-01", &input(2, None))
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::OutOfRange, "{err}");

        // A closed round takes no recommendation.
        store
            .conn()
            .execute(
                "UPDATE rounds SET status = 'closed' WHERE id = ?1",
                [round.0],
            )
            .unwrap();
        assert!(store
            .record_recommendation(&secretariat(), round, "2026-FS-01", &input(1, None))
            .is_err());
    }

    #[test]
    fn a_missing_material_keeps_the_formal_review_to_be_completed() {
        let (_dir, path) = temp_db();
        let mut store = Store::open(&path).unwrap();
        let round = store.load_demo(&Actor::system()).unwrap().round.id;
        let overall = |store: &Store| {
            store
                .eligibility(round)
                .unwrap()
                .into_iter()
                .find(|e| e.code == "2026-SG-01")
                .unwrap()
                .result
        };
        assert_eq!(overall(&store), RuleResult::Pass);
        store
            .check_material(
                &secretariat(),
                round,
                "2026-SG-01",
                Material::PolicyDocuments,
                false,
                "市政策文件未附",
            )
            .unwrap();
        assert_eq!(overall(&store), RuleResult::NeedsReview);
        let log = store.verify_audit().unwrap();
        assert!(log.broken.is_none());
        store
            .check_material(
                &secretariat(),
                round,
                "2026-SG-01",
                Material::PolicyDocuments,
                true,
                "已补交",
            )
            .unwrap();
        assert_eq!(overall(&store), RuleResult::Pass);
        // Control characters in the note are refused like every imported text.
        let err = store
            .check_material(
                &secretariat(),
                round,
                "2026-SG-01",
                Material::Supporting,
                true,
                "\u{202e}反",
            )
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::ImportMalformed, "{err}");
    }
}

/// Several actions as one transaction (the demo's two rounds are loaded this way): when a later
/// one fails, the earlier ones are not stored either, and the store goes on working.
#[test]
fn actions_in_one_transaction_are_stored_together_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.sqlite3")).unwrap();
    let actor = Actor::secretariat("秘书处", crate::Surface::Program);
    let refused: Result<(), StoreError> = store.in_one_transaction(|store| {
        store.create_round(&actor, 2027, park_review_domain::RoundKind::Designation)?;
        // The same round again: ROUND_EXISTS, inside the same transaction.
        store.create_round(&actor, 2027, park_review_domain::RoundKind::Designation)?;
        Ok(())
    });
    assert!(refused.is_err());
    assert!(
        store.list_rounds().unwrap().is_empty(),
        "the first round was not kept"
    );
    let kept: Result<(), StoreError> = store.in_one_transaction(|store| {
        store.create_round(&actor, 2027, park_review_domain::RoundKind::Designation)?;
        store.create_round(&actor, 2028, park_review_domain::RoundKind::Designation)?;
        Ok(())
    });
    kept.unwrap();
    assert_eq!(store.list_rounds().unwrap().len(), 2);
    // Each write still has its audit entry, and the chain holds.
    let chain = store.verify_audit().unwrap();
    assert!(chain.broken.is_none() && chain.entries >= 2, "{chain:?}");
}
