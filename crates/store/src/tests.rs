//! Store tests, each on its own temporary database with every migration applied.

use std::path::{Path, PathBuf};

use park_review_domain::{City, ErrorCode, RoundKind};
use sha2::{Digest, Sha256};

use crate::migrate::{MIGRATIONS, SCHEMA_VERSION};
use crate::{Actor, Store, StoreError};

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
    Actor::secretariat("测试秘书")
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
        conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
            .unwrap();
    }
    let before = dir_snapshot(dir.path());
    let err = Store::open(&path).unwrap_err();
    assert_eq!(err.code(), ErrorCode::DbSchemaTooNew);
    assert!(err.to_string().contains("99"), "{err}");
    assert_eq!(dir_snapshot(dir.path()), before);
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

fn schema_of(store: &Store) -> String {
    let mut stmt = store
        .conn()
        .prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name")
        .unwrap();
    let rows: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    rows.join(";\n") + ";\n"
}

/// The schema snapshot: a migration that changes the schema shows up as a diff of
/// `schema.sql` in review. Regenerate with `UPDATE_SNAPSHOTS=1 cargo test -p park-review-store`.
#[test]
fn schema_snapshot() {
    let (_dir, path) = temp_db();
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
    assert!((rubric.max_total() - 100.0).abs() < 1e-9);
    let section_max = |s: &park_review_domain::model::RubricSection| -> f64 {
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
