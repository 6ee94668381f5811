//! The offline exchange across three database files — the secretariat's and two experts'
//! laptops — and every way a package or bundle can be forged, swapped, replayed or outdated.
//! Each refused file leaves a full dump of the database identical.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use park_review_domain::ids::{AssignmentKey, RoundId};
use park_review_domain::{Coded, ErrorCode};
use park_review_store::{Actor, KeyOwner, Store};

use crate::*;

const CLI: Caller = Caller::COMMAND_LINE;
const PASSPHRASE: &str = "测试口令 correct horse";

fn pinned() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-30T09:30:00+08:00").unwrap()
}

fn later() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-12-02T15:00:00+08:00").unwrap()
}

/// Every row of every table, in order: what "nothing changed" means.
fn dump(path: &Path) -> Vec<String> {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut out = Vec::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let columns = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let values: Vec<String> = (0..columns)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect();
                Ok(values.join("|"))
            })
            .unwrap();
        for row in rows {
            out.push(format!("{table}: {}", row.unwrap()));
        }
    }
    out
}

/// The criterion codes and steps of the round's rubric.
fn criteria(store: &Store, round: RoundId) -> Vec<(String, i64, i64)> {
    store
        .rubric(round)
        .unwrap()
        .rubric
        .sections
        .iter()
        .flat_map(|s| &s.criteria)
        .map(|c| (c.code.clone(), c.max_points.centi(), c.step.centi()))
        .collect()
}

/// The points expert `expert` gives criterion `i` of application `app`: the same on every
/// laptop, different enough between experts and applications to make a ranking.
fn points(expert: &str, app: &str, i: usize, max: i64, step: i64) -> f64 {
    let spread = (expert.bytes().map(u64::from).sum::<u64>()
        + app.bytes().map(u64::from).sum::<u64>() * 7
        + i as u64)
        % 4;
    (max - step * spread as i64) as f64 / 100.0
}

/// Scores every assignment of `expert` on `store` (the expert's own laptop or the
/// secretariat's), submits with an opinion.
fn score_everything(store: &mut Store, round: RoundId, expert: &str) -> Vec<String> {
    let who = CLI.expert(expert);
    let criteria = criteria(store, round);
    let apps: Vec<String> = store
        .expert_assignments(round, expert)
        .unwrap()
        .into_iter()
        .map(|a| a.application.code)
        .collect();
    for app in &apps {
        let key = AssignmentKey::new(round, expert, app);
        store.declare_no_conflict(&who, &key).unwrap();
        for (i, (code, max, step)) in criteria.iter().enumerate() {
            store
                .set_score(
                    &who,
                    &key,
                    code,
                    Some(points(expert, app, i, *max, *step)),
                    Some("依据申报材料。"),
                )
                .unwrap();
        }
        store
            .submit_scores(&who, &key, Some("材料翔实，建议推荐。"))
            .unwrap();
    }
    apps
}

struct Laptops {
    dir: tempfile::TempDir,
    secretariat: Store,
    round: RoundId,
    signer: Signer,
    /// The two experts who score on their own laptops.
    experts: Vec<(String, Store)>,
    /// The secretariat's database right after assignment, before anyone scored.
    reference: PathBuf,
}

impl Laptops {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn secretariat_path(&self) -> PathBuf {
        self.secretariat.path().to_owned()
    }
}

fn copy_database(from: &Path, to: &Path) {
    for suffix in ["", "-wal"] {
        let mut source = from.as_os_str().to_owned();
        source.push(suffix);
        let mut target = to.as_os_str().to_owned();
        target.push(suffix);
        if Path::new(&source).exists() {
            std::fs::copy(&source, &target).unwrap();
        }
    }
}

/// The demo round opened and assigned on the secretariat's laptop, a package exported for two
/// experts and imported on each one's own laptop, where each made a key.
fn laptops() -> Laptops {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("secretariat")).unwrap();
    let mut secretariat = Store::open(&dir.path().join("secretariat/master.sqlite3"))
        .unwrap()
        .with_clock(pinned);
    let round = secretariat.load_demo(&Actor::system()).unwrap().round.id;
    secretariat.open_round(&CLI.secretariat(), round).unwrap();
    secretariat
        .auto_assign(&CLI.secretariat(), round, None, 1)
        .unwrap();
    let reference = dir.path().join("reference.sqlite3");
    copy_database(secretariat.path(), &reference);
    create_key(&mut secretariat, CLI, KeyOwner::Secretariat, || {
        Ok(PASSPHRASE.into())
    })
    .unwrap();
    let signer = Signer::unlock(&secretariat, KeyOwner::Secretariat, PASSPHRASE).unwrap();
    let recipients = package_recipients(&secretariat, round).unwrap();
    assert!(recipients.len() >= 3, "{recipients:?}");
    let mut experts = Vec::new();
    for code in &recipients[..2] {
        let (sealed, file) = export_package(&mut secretariat, CLI, round, code, &signer).unwrap();
        assert_eq!(sealed.sequence, 1);
        assert!(file.file_name.ends_with(".prpkg"), "{}", file.file_name);
        std::fs::create_dir(dir.path().join(code)).unwrap();
        let mut laptop = Store::open(&dir.path().join(format!("{code}/review.sqlite3")))
            .unwrap()
            .with_clock(pinned);
        let package = read_package(&file.bytes).unwrap();
        let imported = import_package(&mut laptop, &package).unwrap();
        assert!(imported.pinned && !imported.already_imported);
        assert_eq!(imported.expert, *code);
        create_key(&mut laptop, CLI, KeyOwner::Expert(code), || {
            Ok(PASSPHRASE.into())
        })
        .unwrap();
        experts.push((code.clone(), laptop));
    }
    Laptops {
        dir,
        secretariat,
        round,
        signer,
        experts,
        reference,
    }
}

/// The round as the expert's laptop knows it (same uid, its own row id).
fn laptop_round(laptop: &Store) -> RoundId {
    laptop.list_rounds().unwrap()[0].id
}

/// Scores, submits and signs everything on the expert's laptop, then exports the bundle.
fn score_sign_export(laptop: &mut Store, expert: &str) -> (Sealed, Document) {
    let round = laptop_round(laptop);
    score_everything(laptop, round, expert);
    issue_expert_sheets(
        laptop,
        CLI,
        round,
        expert,
        |_| Ok(PASSPHRASE.into()),
        |_, _, _| Ok(()),
    )
    .unwrap();
    let signer = Signer::unlock(laptop, KeyOwner::Expert(expert), PASSPHRASE).unwrap();
    export_bundle(laptop, CLI, round, &signer).unwrap()
}

fn register_from(store: &mut Store, expert: &str, bundle: &[u8]) -> CertificateRegistered {
    import_certificate(store, CLI, expert, CertificateSource::Bundle(bundle), None).unwrap()
}

fn import(
    store: &mut Store,
    bytes: &[u8],
) -> std::result::Result<park_review_store::exchange::BundleImported, CodedError> {
    let bundle = read_bundle(bytes)?;
    import_bundle(store, &bundle)
}

fn ranking_rows(store: &Store, round: RoundId) -> serde_json::Value {
    serde_json::to_value(&store.ranking(round).unwrap().rows).unwrap()
}

/// A whole round across three laptops: every score arrives exactly once, the signed sheets are
/// collected and verify against the secretariat's database, and the ranking equals the ranking
/// of the same scores entered on one database.
#[test]
fn a_round_across_three_laptops_ranks_as_on_one_database() {
    let mut l = laptops();
    let round = l.round;
    // The expert's copy holds that expert's assignments only, and refuses the secretariat.
    let (a, _) = &l.experts[0];
    let a = a.clone();
    let on_secretariat: Vec<String> = l
        .secretariat
        .expert_assignments(round, &a)
        .unwrap()
        .into_iter()
        .map(|x| x.application.code)
        .collect();
    {
        let laptop = &l.experts[0].1;
        let r = laptop_round(laptop);
        let there: Vec<String> = laptop
            .expert_assignments(r, &a)
            .unwrap()
            .into_iter()
            .map(|x| x.application.code)
            .collect();
        assert_eq!(there, on_secretariat);
        assert_eq!(
            laptop.list_panel(r).unwrap().len(),
            1,
            "no other expert travels"
        );
        assert_eq!(
            laptop.list_applications(r).unwrap().len(),
            on_secretariat.len(),
            "no unassigned application travels"
        );
        let err = laptop.ranking(r).unwrap_err();
        assert_eq!(err.code(), ErrorCode::NotPermitted);
        assert_eq!(
            laptop.list_rounds().unwrap()[0].uid,
            l.secretariat.round(round).unwrap().uid
        );
    }
    // Each expert scores, signs and exports on their own laptop.
    let mut bundles = Vec::new();
    for (code, laptop) in &mut l.experts {
        let (sealed, file) = score_sign_export(laptop, code);
        assert_eq!(sealed.sequence, 1);
        bundles.push((code.clone(), sealed, file));
    }
    // Where each expert stands: packages sent, nothing registered or back yet.
    let status = l.secretariat.exchange_status(round).unwrap();
    let of = |code: &str| status.iter().find(|s| s.expert == code).unwrap().clone();
    assert_eq!(of(&bundles[0].0).package_sequence, Some(1));
    assert_eq!(
        (
            of(&bundles[0].0).certificate.clone(),
            of(&bundles[0].0).bundle_sequence
        ),
        (None, None)
    );
    // Not registered yet: refused with the fingerprint and the command, nothing changed.
    let before = dump(&l.secretariat_path());
    let err = import(&mut l.secretariat, &bundles[0].2.bytes).unwrap_err();
    assert_eq!(err.code, ErrorCode::CertNotRegistered, "{}", err.message);
    assert!(
        err.message.contains(&bundles[0].1.signer_fingerprint),
        "{}",
        err.message
    );
    assert!(
        err.message.contains("cert import --expert"),
        "{}",
        err.message
    );
    assert_eq!(dump(&l.secretariat_path()), before);
    // Registered (fingerprint confirmed by phone), then imported exactly once.
    let criteria_count = criteria(&l.secretariat, round).len() as u32;
    for (code, sealed, file) in &bundles {
        let registered = register_from(&mut l.secretariat, code, &file.bytes);
        assert_eq!(registered.fingerprint, sealed.signer_fingerprint);
        let report = import(&mut l.secretariat, &file.bytes).unwrap();
        let n = sealed.items;
        assert!(!report.already_imported);
        assert_eq!(
            (report.sheets.new, report.sheets.updated),
            (n, 0),
            "{report:?}"
        );
        assert_eq!(report.scores.new, n * criteria_count);
        assert_eq!(report.pledges.new, n);
        assert_eq!(report.signed_sheets, n);
        // The same bundle again: already imported, nothing changes.
        let before = dump(&l.secretariat_path());
        let again = import(&mut l.secretariat, &file.bytes).unwrap();
        assert!(again.already_imported);
        assert_eq!(again.scores, report.scores);
        assert_eq!(dump(&l.secretariat_path()), before);
    }
    let status = l.secretariat.exchange_status(round).unwrap();
    for (code, sealed, _) in &bundles {
        let s = status.iter().find(|s| s.expert == *code).unwrap();
        assert_eq!(s.bundle_sequence, Some(1));
        assert_eq!(
            s.certificate.as_deref(),
            Some(sealed.signer_fingerprint.as_str())
        );
        assert_eq!(s.submitted, s.assigned);
    }
    // The other experts score on the secretariat's laptop, as before.
    let travelling: Vec<String> = l.experts.iter().map(|(c, _)| c.clone()).collect();
    let panel: Vec<String> = l
        .secretariat
        .list_panel(round)
        .unwrap()
        .into_iter()
        .map(|e| e.code)
        .collect();
    for code in panel.iter().filter(|c| !travelling.contains(c)) {
        score_everything(&mut l.secretariat, round, code);
    }
    // The same scores entered on one database rank the same.
    let mut one = Store::open(&l.reference).unwrap().with_clock(pinned);
    for code in &panel {
        score_everything(&mut one, round, code);
    }
    assert_eq!(
        ranking_rows(&l.secretariat, round),
        ranking_rows(&one, round)
    );
    // Every signed sheet arrived as issued and verifies against the secretariat's database.
    let sheets = collect_round_sheets(&l.secretariat, round).unwrap();
    let expected: u32 = bundles.iter().map(|(_, s, _)| s.items).sum();
    assert_eq!(sheets.len() as u32, expected);
    for sheet in &sheets {
        let verdict = verify_file(&sheet.bytes, Trust::Database(&l.secretariat)).unwrap();
        assert!(verdict.valid, "{}: {:?}", sheet.file_name, verdict.problems);
        assert_eq!(
            verdict.matches_database,
            Some(true),
            "{:?}",
            verdict.differences
        );
    }
}

/// Rewrites a ZIP, changing the bytes of the entry `name` with `change` (other entries as they
/// were): what an attacker with a hex editor and `zip` does.
fn rewrite(zip_bytes: &[u8], name: &str, change: impl Fn(&mut Vec<u8>)) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let mut found = false;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let entry_name = entry.name().unwrap().to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        if entry_name == name {
            change(&mut data);
            found = true;
        }
        out.start_file(entry_name, options).unwrap();
        out.write_all(&data).unwrap();
    }
    assert!(found, "no entry {name}");
    out.finish().unwrap().into_inner()
}

fn entries(zip_bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            (entry.name().unwrap().to_string(), data)
        })
        .collect()
}

/// Every forged, swapped, replayed or outdated file is refused with its code and leaves the
/// secretariat's database exactly as it was.
#[test]
fn tampered_swapped_replayed_and_foreign_bundles_change_nothing() {
    let mut l = laptops();
    let (a, b) = (l.experts[0].0.clone(), l.experts[1].0.clone());
    let (_, first_a) = score_sign_export(&mut l.experts[0].1, &a);
    let (_, bundle_b) = score_sign_export(&mut l.experts[1].1, &b);
    // A second export of A's (a newer sequence), after a change of comment.
    let signer_a = Signer::unlock(&l.experts[0].1, KeyOwner::Expert(&a), PASSPHRASE).unwrap();
    let round_a = laptop_round(&l.experts[0].1);
    let (second_sealed, second_a) =
        export_bundle(&mut l.experts[0].1, CLI, round_a, &signer_a).unwrap();
    assert_eq!(second_sealed.sequence, 2);
    register_from(&mut l.secretariat, &a, &first_a.bytes);
    register_from(&mut l.secretariat, &b, &bundle_b.bytes);
    let secretariat = l.secretariat_path();

    let refused = |l: &mut Laptops, bytes: &[u8], code: ErrorCode, what: &str| {
        let before = dump(&secretariat);
        let err = import(&mut l.secretariat, bytes).unwrap_err();
        assert_eq!(err.code, code, "{what}: {}", err.message);
        assert!(!err.message.is_empty());
        assert_eq!(dump(&secretariat), before, "{what} changed the database");
    };

    // A flipped byte in every member, and in the signature.
    for name in entries(&first_a.bytes).keys() {
        let forged = rewrite(&first_a.bytes, name, |d| {
            let middle = d.len() / 2;
            d[middle] ^= 0x01;
        });
        let code = if name == "manifest.json" {
            // The manifest is what the signature covers.
            ErrorCode::SignatureInvalid
        } else {
            ErrorCode::SignatureInvalid
        };
        refused(&mut l, &forged, code, &format!("flipped byte in {name}"));
    }
    // Members swapped between two bundles.
    let b_entries = entries(&bundle_b.bytes);
    let swapped = rewrite(&first_a.bytes, "members/bundle.json", |d| {
        *d = b_entries["members/bundle.json"].clone();
    });
    refused(
        &mut l,
        &swapped,
        ErrorCode::SignatureInvalid,
        "swapped bundle.json",
    );
    // A's content sealed with B's key: B is not A's registered certificate.
    let signer_b = Signer::unlock(&l.experts[1].1, KeyOwner::Expert(&b), PASSPHRASE).unwrap();
    let a_entries = entries(&first_a.bytes);
    let manifest: park_review_container::Manifest =
        serde_json::from_slice(&a_entries["manifest.json"]).unwrap();
    let members: Vec<(String, Vec<u8>)> = a_entries
        .iter()
        .filter_map(|(n, d)| {
            n.strip_prefix("members/")
                .map(|m| (m.to_owned(), d.clone()))
        })
        .collect();
    let resealed = park_review_container::seal(
        park_review_container::Seal {
            format: &manifest.format,
            uid: "forged-by-b",
            created_at: &manifest.created_at,
            header: manifest.header.clone(),
            members,
        },
        signer_b.key(),
        signer_b.certificate_der(),
    )
    .unwrap();
    refused(
        &mut l,
        &resealed,
        ErrorCode::CertNotRegistered,
        "signed by another expert's key",
    );
    // Not an archive at all, and a truncated one.
    refused(
        &mut l,
        b"PK\x03\x04 not a zip",
        ErrorCode::ImportMalformed,
        "not a zip",
    );
    refused(
        &mut l,
        &first_a.bytes[..first_a.bytes.len() / 2],
        ErrorCode::ImportMalformed,
        "truncated",
    );

    // The newer bundle first, then the older one: outdated, nothing changes.
    import(&mut l.secretariat, &second_a.bytes).unwrap();
    refused(
        &mut l,
        &first_a.bytes,
        ErrorCode::BundleOutdated,
        "older bundle",
    );
    // The same again: exit 0, "already imported", nothing changes.
    let before = dump(&secretariat);
    assert!(
        import(&mut l.secretariat, &second_a.bytes)
            .unwrap()
            .already_imported
    );
    assert_eq!(dump(&secretariat), before);

    // A third laptop: a fresh key made for the same expert code signs a bundle.
    let (_, package) = export_package(&mut l.secretariat, CLI, l.round, &a, &l.signer).unwrap();
    std::fs::create_dir(l.path("third")).unwrap();
    let mut third = Store::open(&l.path("third/review.sqlite3"))
        .unwrap()
        .with_clock(later);
    import_package(&mut third, &read_package(&package.bytes).unwrap()).unwrap();
    create_key(&mut third, CLI, KeyOwner::Expert(&a), || {
        Ok(PASSPHRASE.into())
    })
    .unwrap();
    let third_round = laptop_round(&third);
    let signer_third = Signer::unlock(&third, KeyOwner::Expert(&a), PASSPHRASE).unwrap();
    // The third laptop's bundle has sequence 1, so it would be "outdated" too; make it look new.
    for _ in 0..3 {
        export_bundle(&mut third, CLI, third_round, &signer_third).unwrap();
    }
    let (_, impostor) = export_bundle(&mut third, CLI, third_round, &signer_third).unwrap();
    refused(
        &mut l,
        &impostor.bytes,
        ErrorCode::CertNotRegistered,
        "fresh key for the same expert code",
    );
}

/// A package signed by any certificate but the pinned one is refused on the expert's laptop;
/// the same package twice changes nothing; an older one after a newer one is outdated; a newer
/// one (a reassignment) withdraws an assignment and keeps its drafts in the audit log.
#[test]
fn packages_are_pinned_ordered_and_reassignments_keep_drafts() {
    let mut l = laptops();
    let round = l.round;
    let (a, _) = &l.experts[0];
    let a = a.clone();
    let laptop_path = l.experts[0].1.path().to_owned();

    // An impostor secretariat with its own key and the same demo round.
    std::fs::create_dir(l.path("impostor")).unwrap();
    let mut impostor = Store::open(&l.path("impostor/fake.sqlite3"))
        .unwrap()
        .with_clock(pinned);
    let fake_round = impostor.load_demo(&Actor::system()).unwrap().round.id;
    impostor.open_round(&CLI.secretariat(), fake_round).unwrap();
    impostor
        .auto_assign(&CLI.secretariat(), fake_round, None, 1)
        .unwrap();
    create_key(&mut impostor, CLI, KeyOwner::Secretariat, || {
        Ok("另一个口令 forged 2026".into())
    })
    .unwrap();
    let fake_signer =
        Signer::unlock(&impostor, KeyOwner::Secretariat, "另一个口令 forged 2026").unwrap();
    let fake_expert = package_recipients(&impostor, fake_round).unwrap()[0].clone();
    let (_, fake) =
        export_package(&mut impostor, CLI, fake_round, &fake_expert, &fake_signer).unwrap();
    let before = dump(&laptop_path);
    let err = import_package(&mut l.experts[0].1, &read_package(&fake.bytes).unwrap()).unwrap_err();
    assert_eq!(err.code, ErrorCode::PackageSignerChanged, "{}", err.message);
    assert_eq!(dump(&laptop_path), before);

    // A draft on one assignment, then a reassignment that takes it away.
    let laptop = &mut l.experts[0].1;
    let lr = laptop_round(laptop);
    let assigned: Vec<String> = laptop
        .expert_assignments(lr, &a)
        .unwrap()
        .into_iter()
        .map(|x| x.application.code)
        .collect();
    let withdrawn = assigned[0].clone();
    let key = AssignmentKey::new(lr, &a, &withdrawn);
    laptop.declare_no_conflict(&CLI.expert(&a), &key).unwrap();
    let first_criterion = criteria(laptop, lr)[0].0.clone();
    laptop
        .set_score(&CLI.expert(&a), &key, &first_criterion, Some(1.0), None)
        .unwrap();
    // Package 2 (nothing reassigned yet) applies and keeps the draft; twice changes nothing.
    let (_, package_2) = export_package(&mut l.secretariat, CLI, round, &a, &l.signer).unwrap();
    let laptop = &mut l.experts[0].1;
    let second = import_package(laptop, &read_package(&package_2.bytes).unwrap()).unwrap();
    assert!(!second.already_imported && second.sequence == 2 && second.withdrawn.is_empty());
    let before = dump(&laptop_path);
    let again = import_package(laptop, &read_package(&package_2.bytes).unwrap()).unwrap();
    assert!(again.already_imported);
    assert_eq!(dump(&laptop_path), before);

    // The secretariat withdraws the assignment; package 3 applies it.
    let keep: Vec<String> = l
        .secretariat
        .list_scores(round)
        .unwrap()
        .into_iter()
        .filter(|r| r.application == withdrawn && r.expert != a)
        .map(|r| r.expert)
        .collect();
    l.secretariat
        .set_assignment(&CLI.secretariat(), round, &withdrawn, &keep)
        .unwrap();
    let (_, package_3) = export_package(&mut l.secretariat, CLI, round, &a, &l.signer).unwrap();
    let laptop = &mut l.experts[0].1;
    let third = import_package(laptop, &read_package(&package_3.bytes).unwrap()).unwrap();
    assert_eq!(third.sequence, 3);
    assert_eq!(third.withdrawn.len(), 1);
    assert_eq!(third.withdrawn[0].application, withdrawn);
    assert!(third.withdrawn[0].had_drafts);
    let audit = laptop.recent_audit(50).unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "assignment.remove"
                && e.detail.to_string().contains(&first_criterion)),
        "the draft stays in the audit log"
    );
    // Package 2 after package 3: outdated, nothing changes.
    let before = dump(&laptop_path);
    let err = import_package(laptop, &read_package(&package_2.bytes).unwrap()).unwrap_err();
    assert_eq!(err.code, ErrorCode::PackageOutdated, "{}", err.message);
    assert_eq!(dump(&laptop_path), before);
    // A package for another expert is refused on this expert's laptop.
    let other = l.experts[1].0.clone();
    let (_, for_b) = export_package(&mut l.secretariat, CLI, round, &other, &l.signer).unwrap();
    let laptop = &mut l.experts[0].1;
    let err = import_package(laptop, &read_package(&for_b.bytes).unwrap()).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotPermitted, "{}", err.message);
    assert_eq!(dump(&laptop_path), before);
    // A package never goes into the secretariat's own database.
    let err = import_package(&mut l.secretariat, &read_package(&for_b.bytes).unwrap()).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotPermitted);
}

/// A score bundle for an application that is not the expert's, or a submitted sheet that
/// differs from the one already submitted, is refused whole.
#[test]
fn a_bundle_cannot_score_what_is_not_the_experts_or_change_a_submitted_sheet() {
    let mut l = laptops();
    let round = l.round;
    let (a, _) = &l.experts[0];
    let a = a.clone();
    let (_, first) = score_sign_export(&mut l.experts[0].1, &a);
    register_from(&mut l.secretariat, &a, &first.bytes);
    import(&mut l.secretariat, &first.bytes).unwrap();
    // The secretariat reopens one sheet; the expert changes it and exports again.
    let app = l.secretariat.expert_assignments(round, &a).unwrap()[0]
        .application
        .code
        .clone();
    l.secretariat
        .reopen_scores(
            &CLI.secretariat(),
            &AssignmentKey::new(round, &a, &app),
            "合计有误，请复核",
        )
        .unwrap();
    // Meanwhile the expert's laptop still holds the submitted sheet; a bundle exported now
    // carries it unchanged and re-locks it, which is the expert's word as it stands.
    let laptop = &mut l.experts[0].1;
    let lr = laptop_round(laptop);
    let signer = Signer::unlock(laptop, KeyOwner::Expert(&a), PASSPHRASE).unwrap();
    let (_, second) = export_bundle(laptop, CLI, lr, &signer).unwrap();
    let report = import(&mut l.secretariat, &second.bytes).unwrap();
    assert_eq!(report.sheets.updated, 1, "{report:?}");
    // A forged bundle that changes a submitted score is refused with SCORES_LOCKED, even when
    // signed by the expert's own key (re-sealed with it here).
    let mut content: serde_json::Value =
        serde_json::from_slice(&entries(&second.bytes)["members/bundle.json"]).unwrap();
    let sheet = &mut content["sheets"][0];
    let old = sheet["scores"][0]["points"].as_f64().unwrap();
    sheet["scores"][0]["points"] = serde_json::json!(old - 0.5);
    content["signed"] = serde_json::json!([]);
    let header = serde_json::to_value(park_review_domain::offline::ExchangeHeader {
        round_uid: l.secretariat.round(round).unwrap().uid.0,
        round_code: l.secretariat.round(round).unwrap().code,
        expert_uid: l.secretariat.expert_by_code(&a).unwrap().uid.0,
        expert_code: a.clone(),
        sequence: 9,
    })
    .unwrap();
    let reseal = |content: &serde_json::Value, uid: &str| {
        park_review_container::seal(
            park_review_container::Seal {
                format: park_review_domain::offline::BUNDLE_FORMAT,
                uid,
                created_at: "2026-12-01T10:00:00+08:00",
                header: header.clone(),
                members: vec![("bundle.json".into(), serde_json::to_vec(content).unwrap())],
            },
            signer.key(),
            signer.certificate_der(),
        )
        .unwrap()
    };
    let secretariat = l.secretariat_path();
    let before = dump(&secretariat);
    let err = import(&mut l.secretariat, &reseal(&content, "locked")).unwrap_err();
    assert_eq!(err.code, ErrorCode::ScoresLocked, "{}", err.message);
    assert!(
        err.message.contains(&app) || err.message.contains("申报"),
        "{}",
        err.message
    );
    assert_eq!(dump(&secretariat), before);
    // Scores for an application the expert is not assigned to.
    let mut content: serde_json::Value =
        serde_json::from_slice(&entries(&second.bytes)["members/bundle.json"]).unwrap();
    content["signed"] = serde_json::json!([]);
    let theirs: Vec<String> = l
        .secretariat
        .expert_assignments(round, &a)
        .unwrap()
        .into_iter()
        .map(|x| x.application.code)
        .collect();
    let stranger = l
        .secretariat
        .list_applications(round)
        .unwrap()
        .into_iter()
        .find(|x| !theirs.contains(&x.code))
        .expect("an application not assigned to the expert");
    content["sheets"][0]["application_uid"] = serde_json::json!(stranger.uid.0);
    content["sheets"][0]["application_code"] = serde_json::json!(stranger.code);
    let err = import(&mut l.secretariat, &reseal(&content, "stranger")).unwrap_err();
    assert!(
        matches!(
            err.code,
            ErrorCode::NotAssigned | ErrorCode::ConflictOfInterest
        ),
        "{:?}: {}",
        err.code,
        err.message
    );
    assert_eq!(dump(&secretariat), before);
    // A score off the rubric's step.
    let mut content: serde_json::Value =
        serde_json::from_slice(&entries(&second.bytes)["members/bundle.json"]).unwrap();
    content["signed"] = serde_json::json!([]);
    content["sheets"][1]["scores"][0]["points"] = serde_json::json!(0.3);
    let err = import(&mut l.secretariat, &reseal(&content, "off-step")).unwrap_err();
    assert!(
        matches!(err.code, ErrorCode::PointsOffStep | ErrorCode::ScoresLocked),
        "{:?}: {}",
        err.code,
        err.message
    );
    assert_eq!(dump(&secretariat), before);
}

/// A person with Python's zipfile, OpenSSL and sha256sum alone checks a bundle as
/// docs/formats/bundle.md shows: the signature over the manifest, the signer's fingerprint, and
/// every member's hash.
#[test]
fn a_bundle_verifies_by_hand_with_openssl_and_sha256sum() {
    let mut l = laptops();
    let a = l.experts[0].0.clone();
    let (sealed, bundle) = score_sign_export(&mut l.experts[0].1, &a);
    let dir = l.path("by-hand");
    std::fs::create_dir(&dir).unwrap();
    let file = dir.join(&bundle.file_name);
    std::fs::write(&file, &bundle.bytes).unwrap();
    let run = |program: &str, args: &[&str]| {
        let out = std::process::Command::new(program)
            .current_dir(&dir)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{program}: {e}"));
        assert!(
            out.status.success(),
            "{program} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    run(
        "python3",
        &["-m", "zipfile", "-e", file.to_str().unwrap(), "b"],
    );
    let (_, err) = run(
        "openssl",
        &[
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            "b/manifest.p7s",
            "-content",
            "b/manifest.json",
            "-CAfile",
            "b/members/signer.pem",
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ],
    );
    assert!(err.contains("Verification successful"), "{err}");
    run(
        "openssl",
        &[
            "x509",
            "-in",
            "b/members/signer.pem",
            "-outform",
            "DER",
            "-out",
            "signer.der",
        ],
    );
    let (out, _) = run("sha256sum", &["signer.der"]);
    let fingerprint =
        park_review_domain::offline::fingerprint_groups(out.split_whitespace().next().unwrap());
    assert_eq!(fingerprint, sealed.signer_fingerprint);
    let manifest: park_review_container::Manifest =
        serde_json::from_slice(&std::fs::read(dir.join("b/manifest.json")).unwrap()).unwrap();
    assert!(
        manifest.members.len() >= 3,
        "bundle.json, signer.pem and the signed sheets"
    );
    for member in &manifest.members {
        let (out, _) = run("sha256sum", &[&format!("b/members/{}", member.name)]);
        assert_eq!(
            out.split_whitespace().next().unwrap(),
            member.sha256,
            "{}",
            member.name
        );
    }
}

/// An application whose facts changed after assignment so that the expert now has a conflict
/// of interest (the park's management body is the expert's employer) does not travel: the
/// package holds the expert's other assignments only.
#[test]
fn a_package_leaves_out_an_assignment_with_a_standing_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("office.sqlite3"))
        .unwrap()
        .with_clock(pinned);
    let round = store.load_demo(&Actor::system()).unwrap().round.id;
    store.open_round(&CLI.secretariat(), round).unwrap();
    store
        .auto_assign(&CLI.secretariat(), round, None, 1)
        .unwrap();
    let row = store.list_scores(round).unwrap().remove(0);
    let travelling = |store: &Store| -> Vec<String> {
        let data = store.package_data(round, &row.expert).unwrap();
        data.content
            .applications
            .iter()
            .map(|a| a.record.code.clone())
            .collect()
    };
    let before = travelling(&store);
    assert!(before.contains(&row.application));
    let employer = store.expert_by_code(&row.expert).unwrap().employer;
    let mut record = store.application_record(round, &row.application).unwrap();
    record.management_body = employer;
    store
        .update_application(&CLI.secretariat(), round, &row.application, &record)
        .unwrap();
    let after = travelling(&store);
    assert!(!after.contains(&row.application), "{after:?}");
    assert_eq!(after.len(), before.len() - 1);
}
