//! Backups and restore: what a secretariat whose laptop failed would rely on.

use park_review_domain::{Coded, ErrorCode};

use crate::backup::{kept_by_rotation, list_backups, restore, KEEP_NEWEST};
use crate::{Actor, Store};

fn demo() -> (tempfile::TempDir, std::path::PathBuf, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db").join("review.sqlite3");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut store = Store::open(&path).unwrap();
    let round = store.load_demo(&Actor::system()).unwrap().round;
    store
        .add_attachment(
            &Actor::system(),
            round.id,
            "2026-GZ-01",
            "C2",
            "用地批复.pdf",
            b"%PDF-1.7 land approval\n%%EOF\n",
        )
        .unwrap();
    (dir, path, store)
}

fn rounds(path: &std::path::Path) -> Vec<String> {
    let store = Store::open(path).unwrap();
    store
        .list_rounds()
        .unwrap()
        .into_iter()
        .map(|r| r.code)
        .collect()
}

#[test]
fn a_backup_restores_the_database_and_its_files_and_keeps_the_one_it_replaces() {
    let (dir, path, mut store) = demo();
    let backups = dir.path().join("usb");
    let made = store.backup(&backups).unwrap();
    // The demo's recommendation letter and the attachment added above.
    assert_eq!(made.files_copied, 2);
    assert_eq!(made.manifest.files, 2);
    assert!(made.manifest.audit_entries > 20);
    // A second backup copies no file again.
    let again = store.backup(&backups).unwrap();
    assert_eq!(again.files_copied, 0);
    assert_eq!(
        list_backups(&backups).unwrap()[0].snapshot,
        again.manifest.snapshot
    );

    // Later work, then the laptop "fails": the attachments folder is lost too.
    store
        .create_round(
            &Actor::system(),
            2027,
            park_review_domain::RoundKind::Designation,
        )
        .unwrap();
    let attachments = store.attachments_dir();
    drop(store);
    assert_eq!(rounds(&path).len(), 2);
    std::fs::remove_dir_all(&attachments).unwrap();

    // The database holds more than the backup: refused without --force, nothing changed.
    let before = std::fs::read(&path).unwrap();
    let err = restore(&path, &backups, None, false, crate::local_now()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidTransition, "{err}");
    assert!(err.to_string().contains("仍然恢复"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);

    let restored = restore(&path, &backups, None, true, crate::local_now()).unwrap();
    assert_eq!(restored.files_restored, 2);
    assert_eq!(rounds(&path), vec!["DEMO-2026".to_owned()]);
    let previous = restored.previous_saved_as.unwrap();
    assert_eq!(rounds(&previous).len(), 2, "the replaced database is kept");
    let store = Store::open(&path).unwrap();
    assert!(store.verify_audit().unwrap().broken.is_none());
    let round = store.find_round("DEMO-2026").unwrap();
    let listed = store.list_attachments(round.id, "2026-GZ-01").unwrap();
    let (_, body) = store.read_attachment(&listed[0].uid.0).unwrap();
    assert_eq!(body, b"%PDF-1.7 land approval\n%%EOF\n");
}

#[test]
fn a_damaged_or_forged_snapshot_is_refused_and_the_database_is_untouched() {
    let (dir, path, store) = demo();
    let backups = dir.path().join("usb");
    let made = store.backup(&backups).unwrap();
    drop(store);
    let before = std::fs::read(&path).unwrap();

    // A flipped byte: the manifest's SHA-256 no longer matches.
    let mut bytes = std::fs::read(&made.path).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0xFF;
    std::fs::write(&made.path, &bytes).unwrap();
    let err = restore(&path, &backups, None, true, crate::local_now()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::AuditChainBroken, "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);

    // An audit entry edited in the snapshot, the manifest's hash forged to match: the chain
    // finds it.
    bytes[at] ^= 0xFF;
    std::fs::write(&made.path, &bytes).unwrap();
    {
        let conn = rusqlite::Connection::open(&made.path).unwrap();
        conn.execute_batch(
            "DROP TRIGGER audit_log_append_only_update;
             UPDATE audit_log SET actor_name = '别人' WHERE id = 3;
             PRAGMA journal_mode = DELETE;",
        )
        .unwrap();
    }
    let manifest_path = made.path.with_extension("json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    manifest["sha256"] =
        park_review_domain::digest::sha256_hex(&std::fs::read(&made.path).unwrap()).into();
    std::fs::write(&manifest_path, manifest.to_string()).unwrap();
    let err = restore(&path, &backups, None, true, crate::local_now()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::AuditChainBroken, "{err}");
    assert!(err.to_string().contains("第 3 条"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(
        !std::fs::read_dir(path.parent().unwrap()).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains("restoring")),
        "the staging copy is removed"
    );
}

#[test]
fn the_rotation_keeps_the_newest_ten_and_one_a_day_for_thirty_days() {
    // Three snapshots a day for 40 days, and two within one second on the last day.
    let mut names = Vec::new();
    for day in 1..=40u32 {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()
            + chrono::Days::new(u64::from(day - 1));
        for hour in [9, 13, 17] {
            names.push(format!(
                "park-review-{}-{hour:02}0000.sqlite3",
                date.format("%Y%m%d")
            ));
        }
    }
    names.push("park-review-20261109-170000-2.sqlite3".to_owned());
    let kept = kept_by_rotation(&names);
    // The newest ten, newest first: the second of the same second is the newest of all.
    assert_eq!(kept[0], "park-review-20261109-170000-2.sqlite3");
    assert_eq!(kept.len(), KEEP_NEWEST + (30 - 3));
    // One a day back to day 30 before the newest, none older.
    assert!(kept.contains(&"park-review-20261011-170000.sqlite3".to_owned()));
    assert!(!kept.contains(&"park-review-20261010-170000.sqlite3".to_owned()));
    assert!(!kept.contains(&"park-review-20261020-090000.sqlite3".to_owned()));
}
