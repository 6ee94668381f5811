//! A visit recorded on the inspection team's own laptop: the package out, the answers, photos,
//! finalising and the signed record there, the bundle back — exactly once, refused whole when
//! tampered or signed by an unregistered key.

use chrono::{DateTime, FixedOffset};
use park_review_domain::{Coded, ErrorCode};
use park_review_store::inspection::AnswerInput;
use park_review_store::{Actor, KeyOwner, Store};

use crate::*;

const CLI: Caller = Caller::COMMAND_LINE;
const PASSPHRASE: &str = "考察组的口令 2026";
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

fn pinned() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-12-03T10:00:00+08:00").unwrap()
}

fn dump(path: &std::path::Path) -> Vec<String> {
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
        let n = stmt.column_count();
        for row in stmt
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap()
        {
            out.push(format!("{table}: {}", row.unwrap()));
        }
    }
    out
}

#[test]
fn a_visit_recorded_on_the_teams_laptop_comes_back_signed_and_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("office")).unwrap();
    std::fs::create_dir(dir.path().join("team")).unwrap();
    let mut office = Store::open(&dir.path().join("office/master.sqlite3"))
        .unwrap()
        .with_clock(pinned);
    let round = office.load_demo(&Actor::system()).unwrap().round.id;
    let app = office.list_applications(round).unwrap().remove(0);
    let city = office.application_record(round, &app.code).unwrap().city;
    let team: Vec<String> = office
        .list_panel(round)
        .unwrap()
        .into_iter()
        .filter(|e| e.city != Some(city))
        .take(2)
        .map(|e| e.code)
        .collect();
    office
        .set_inspection_team(
            &CLI.secretariat(),
            round,
            &app.code,
            &team[0],
            &team[1..],
            Some("2026-12-03"),
            Some("园区"),
        )
        .unwrap();
    create_key(&mut office, CLI, KeyOwner::Secretariat, || {
        Ok(PASSPHRASE.into())
    })
    .unwrap();
    let secretariat = Signer::unlock(&office, KeyOwner::Secretariat, PASSPHRASE).unwrap();
    let (sealed, package) =
        export_inspection_package(&mut office, CLI, round, &app.code, &secretariat).unwrap();
    assert_eq!(sealed.sequence, 1);

    // The team's laptop.
    let mut laptop = Store::open(&dir.path().join("team/visit.sqlite3"))
        .unwrap()
        .with_clock(pinned);
    let opened = read_inspection_package(&package.bytes).unwrap();
    let imported = import_inspection_package(&mut laptop, &opened).unwrap();
    assert!(imported.pinned && !imported.already_imported);
    assert!(
        import_inspection_package(&mut laptop, &opened)
            .unwrap()
            .already_imported
    );
    let lr = laptop.list_rounds().unwrap()[0].id;
    // The secretariat's actions are refused there.
    assert_eq!(
        laptop
            .set_site_factors(
                &CLI.secretariat(),
                lr,
                park_review_domain::inspection::StatusFactors::DEFAULT
            )
            .unwrap_err()
            .code(),
        ErrorCode::NotPermitted
    );
    for code in &team {
        create_key(&mut laptop, CLI, KeyOwner::Expert(code), || {
            Ok(PASSPHRASE.into())
        })
        .unwrap();
    }
    let leader = CLI.inspector(&team[0]);
    let view = laptop.inspection(lr, &app.code).unwrap();
    for item in &view.items {
        let input = match &item.item.response {
            park_review_domain::inspection::Response::Number { at_least, .. } => AnswerInput {
                value: Some(at_least.unwrap_or(1.0)),
                ..AnswerInput::default()
            },
            park_review_domain::inspection::Response::Text => AnswerInput {
                text: Some("建议推荐".into()),
                ..AnswerInput::default()
            },
            park_review_domain::inspection::Response::Status => AnswerInput {
                status: Some(park_review_domain::inspection::ItemStatus::Confirmed),
                ..AnswerInput::default()
            },
        };
        laptop
            .answer_item(&leader, lr, &app.code, &item.item.code, &input)
            .unwrap();
        if item.item.evidence_required {
            let mut bytes = PNG.to_vec();
            bytes.extend(item.item.code.as_bytes());
            attach_evidence(
                &mut laptop,
                &leader,
                lr,
                &app.code,
                &item.item.code,
                "现场.png",
                &bytes,
            )
            .unwrap();
        }
    }
    let finalised = laptop.finalise_inspection(&leader, lr, &app.code).unwrap();
    let record =
        issue_inspection_record(&mut laptop, CLI, lr, &app.code, |_| Ok(PASSPHRASE.into()))
            .unwrap();
    countersign_inspection_record(
        &mut laptop,
        CLI,
        lr,
        &app.code,
        &team[1],
        &record.bytes,
        None,
        |_| Ok(PASSPHRASE.into()),
    )
    .unwrap();
    let leader_signer = Signer::unlock(&laptop, KeyOwner::Expert(&team[0]), PASSPHRASE).unwrap();
    let (_, bundle) =
        export_inspection_bundle(&mut laptop, CLI, lr, &app.code, &leader_signer).unwrap();

    // Back at the office: the leader's certificate is not registered yet — nothing changes.
    let office_path = office.path().to_owned();
    let before = dump(&office_path);
    let err =
        import_inspection_bundle(&mut office, &read_inspection_bundle(&bundle.bytes).unwrap())
            .unwrap_err();
    assert_eq!(err.code, ErrorCode::CertNotRegistered, "{}", err.message);
    assert_eq!(dump(&office_path), before);
    for code in &team {
        let der = laptop
            .signing_key(KeyOwner::Expert(code))
            .unwrap()
            .certificate_der;
        import_certificate(&mut office, CLI, code, CertificateSource::File(&der), None).unwrap();
    }
    // A flipped byte in the bundle: refused, nothing changes.
    let mut forged = bundle.bytes.clone();
    let at = forged.len() / 2;
    forged[at] ^= 0x20;
    let before = dump(&office_path);
    let refused =
        read_inspection_bundle(&forged).and_then(|b| import_inspection_bundle(&mut office, &b));
    assert!(refused.is_err());
    assert_eq!(dump(&office_path), before);
    // Imported once; the ranking takes the record's score; the record verifies here.
    let report =
        import_inspection_bundle(&mut office, &read_inspection_bundle(&bundle.bytes).unwrap())
            .unwrap();
    assert!(report.finalised && report.records == 2, "{report:?}");
    let again =
        import_inspection_bundle(&mut office, &read_inspection_bundle(&bundle.bytes).unwrap())
            .unwrap();
    assert!(again.already_imported);
    let view = office.inspection(round, &app.code).unwrap();
    assert_eq!(view.site_score.total, finalised.site_score.total);
    assert!(view.missing.is_empty());
    let row = office
        .ranking(round)
        .unwrap()
        .rows
        .into_iter()
        .find(|r| r.code == app.code)
        .unwrap();
    assert_eq!(row.site_score, Some(finalised.site_score.total));
    let signatures = office
        .inspection_record_signatures(round, &app.code)
        .unwrap();
    let newest = &signatures.last().unwrap().3;
    let verdict = verify_file(newest, Trust::Database(&office)).unwrap();
    assert!(verdict.valid, "{:?}", verdict.problems);
    assert_eq!(verdict.signatures.len(), 2);
}
