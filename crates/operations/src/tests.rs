//! One test per action, each on the demo round in a temporary database with a pinned clock.
//! The CLI's and the app's own tests then only check that they call these.

use chrono::{DateTime, FixedOffset};
use park_review_domain::ids::{AssignmentKey, RoundId};
use park_review_domain::ErrorCode;
use park_review_store::{Actor, KeyOwner, Store, Surface};

use crate::*;

const CLI: Caller = Caller::COMMAND_LINE;
const PASSPHRASE: &str = "测试口令 correct horse";

fn pinned() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-30T09:30:00+08:00").unwrap()
}

/// The demo round, opened and assigned, in a fresh database whose clock says 2026-11-30 09:30.
fn demo() -> (tempfile::TempDir, Store, RoundId) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("ops.sqlite3"))
        .unwrap()
        .with_clock(pinned);
    let round = store.load_demo(&Actor::system()).unwrap().round.id;
    (dir, store, round)
}

fn open(store: &mut Store, round: RoundId) {
    let secretariat = CLI.secretariat();
    store.open_round(&secretariat, round).unwrap();
    store.auto_assign(&secretariat, round, None, 1).unwrap();
}

/// Scores and submits every assignment of `expert` with full marks less one point.
fn score_all(store: &mut Store, round: RoundId, expert: &str) -> Vec<String> {
    let who = CLI.expert(expert);
    let criteria: Vec<(String, f64)> = store
        .rubric(round)
        .unwrap()
        .rubric
        .sections
        .iter()
        .flat_map(|s| &s.criteria)
        .map(|c| (c.code.clone(), c.max_points.to_f64() - 1.0))
        .collect();
    let apps: Vec<String> = store
        .expert_assignments(round, expert)
        .unwrap()
        .into_iter()
        .map(|a| a.application.code)
        .collect();
    for app in &apps {
        store
            .declare_no_conflict(&who, &AssignmentKey::new(round, expert, app))
            .unwrap();
        for (code, points) in &criteria {
            store
                .set_score(
                    &who,
                    &AssignmentKey::new(round, expert, app),
                    code,
                    Some(*points),
                    None,
                )
                .unwrap();
        }
        store
            .submit_scores(
                &who,
                &AssignmentKey::new(round, expert, app),
                Some("建议推荐。"),
            )
            .unwrap();
    }
    apps
}

fn never_asked(_: &str) -> Result<String> {
    panic!("the passphrase must not be asked for")
}

#[test]
fn the_caller_names_the_person_and_the_front_end_apart() {
    let expert = CLI.expert(" E004 ");
    assert_eq!(
        (expert.name.as_str(), expert.surface),
        ("E004", Surface::CommandLine)
    );
    let app = Caller::APP.scorer("E004", None);
    assert_eq!((app.name.as_str(), app.surface), ("E004", Surface::App));
    let paper = CLI.scorer("E004", Some("李秘书"));
    assert_eq!(paper.name, "李秘书");
    assert_eq!(paper.role, park_review_store::Role::Secretariat);
    assert_eq!(
        CLI.scorer("E004", Some("")).name,
        CLI.secretariat().name,
        "an empty name is the member at this machine"
    );
    assert!(!CLI.secretariat().name.contains("命令行"));
}

#[test]
fn applications_export_import_and_update_round_trip_in_both_formats() {
    let (_dir, mut store, round) = demo();
    let original = store.application_records(round).unwrap();
    for format in [ExportFormat::Json, ExportFormat::Xlsx] {
        let file = export_applications(&store, round, format).unwrap();
        assert_eq!(
            file.file_name,
            format!("申报-DEMO-2026-20261130-093000.{}", format.extension())
        );
        let records = read_application_file(&file.file_name, file.bytes.clone()).unwrap();
        assert_eq!(records.len(), original.len());
        assert_eq!(records[0], original[0].1);
    }
    // Into a new round: every record stored, the audit log names the person and the front end.
    let other = store
        .create_round(
            &CLI.secretariat(),
            2027,
            park_review_domain::RoundKind::Designation,
        )
        .unwrap();
    let file = export_applications(&store, round, ExportFormat::Json).unwrap();
    let records = read_application_file("申报.json", file.bytes).unwrap();
    let imported = import_applications(&mut store, CLI, other.id, records).unwrap();
    assert_eq!(imported.imported as usize, original.len());
    assert_eq!(imported.codes[0], original[0].1.code);
    let last = &store.recent_audit(1).unwrap()[0];
    assert_eq!(last.actor_surface, "command_line");
    assert_eq!(last.actor_name, CLI.secretariat().name);
    // Replacing one application from a file that holds several is refused, nothing changes.
    let file = export_applications(&store, round, ExportFormat::Json).unwrap();
    let code = original[0].1.code.clone();
    let records = read_application_file("all.json", file.bytes).unwrap();
    let err = update_application_from_file(&mut store, CLI, round, &code, records).unwrap_err();
    assert_eq!(err.code, ErrorCode::ImportMalformed);
    assert_eq!(store.application_records(round).unwrap(), original);
}

#[test]
fn a_json_file_that_is_not_utf8_is_refused_by_every_importer() {
    // Files are read before any store is touched (the app reads them without holding it).
    let (_dir, store, _round) = demo();
    let bad = vec![0xff, 0xfe, 0x00];
    let before = store.status().unwrap();
    let errors = [
        read_application_file("a.json", bad.clone()).unwrap_err(),
        read_rubric_file("r.json", bad.clone()).unwrap_err(),
        read_experts_file("e.json", bad.clone()).unwrap_err(),
        read_scores_file("s.json", bad).unwrap_err(),
    ];
    for e in errors {
        assert_eq!(e.code, ErrorCode::ImportMalformed, "{}", e.message);
        assert!(e.message.contains("UTF-8"), "{}", e.message);
    }
    assert_eq!(store.status().unwrap(), before);
}

#[test]
fn the_template_and_the_cities_are_the_same_for_both_front_ends() {
    let template = application_template().unwrap();
    assert_eq!(template.file_name, "申报填报模板.xlsx");
    assert!(template.bytes.starts_with(b"PK"), "an .xlsx is a ZIP");
    let cities = cities();
    assert_eq!(cities.len(), 21);
    assert!(cities.iter().any(|c| c.name == "广州市" && c.quota > 0));
}

#[test]
fn the_formal_review_summary_is_a_pdf_named_by_round_and_time() {
    let (_dir, store, round) = demo();
    let file = eligibility_summary(&store, round).unwrap();
    assert_eq!(file.file_name, "形式审查-DEMO-2026-20261130-093000.pdf");
    assert!(file.bytes.starts_with(b"%PDF-"));
}

#[test]
fn an_exported_rubric_ends_with_one_newline_and_its_text_is_the_frozen_fingerprint() {
    use sha2::{Digest, Sha256};
    let (_dir, mut store, round) = demo();
    let json = export_rubric(&store, round, ExportFormat::Json).unwrap();
    assert!(json.bytes.ends_with(b"}\n"), "one trailing newline");
    let xlsx = export_rubric(&store, round, ExportFormat::Xlsx).unwrap();
    let read = read_rubric_file(&xlsx.file_name, xlsx.bytes).unwrap();
    let back = import_rubric(&mut store, CLI, round, &read).unwrap();
    assert_eq!(back.rubric, store.rubric(round).unwrap().rubric);
    let opened = store.open_round(&CLI.secretariat(), round).unwrap();
    let text = &json.bytes[..json.bytes.len() - 1];
    let hex: String = Sha256::digest(text)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(opened.rubric_sha256, hex);
    let read = read_rubric_file("r.json", json.bytes).unwrap();
    let refused = import_rubric(&mut store, CLI, round, &read).unwrap_err();
    assert_eq!(refused.code, ErrorCode::RubricFrozen);
}

fn experts_file(round: Option<&str>) -> park_review_domain::exchange::ExpertsFile {
    let bytes = serde_json::json!({
        "format": "park-review/experts@1",
        "round": round,
        "experts": [{"code": "E900", "name": "测试专家", "employer": "某大学", "city": "广州市",
                     "field": "", "contact": "", "employer_credit_code": "", "relations": []}]
    })
    .to_string()
    .into_bytes();
    read_experts_file("e.json", bytes).unwrap()
}

#[test]
fn an_experts_file_for_another_round_is_refused_whichever_front_end_imports_it() {
    let (_dir, mut store, round) = demo();
    let other = store
        .create_round(
            &CLI.secretariat(),
            2027,
            park_review_domain::RoundKind::Designation,
        )
        .unwrap();
    let before = store.status().unwrap();
    let err = import_experts(
        &mut store,
        CLI,
        Some(round),
        "e.json",
        experts_file(Some(&other.code)),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::ImportMalformed);
    assert!(err.message.contains(&other.code), "{}", err.message);
    assert_eq!(store.status().unwrap(), before, "nothing stored");
    // Neither the chosen round nor a round in the file: the user must say which.
    let err = import_experts(&mut store, CLI, None, "e.json", experts_file(None)).unwrap_err();
    assert_eq!(err.code, ErrorCode::CliUsage);
    // The file's round when none is chosen; the chosen one when the file names none.
    let by_file = import_experts(
        &mut store,
        CLI,
        None,
        "e.json",
        experts_file(Some(&other.code)),
    )
    .unwrap();
    assert_eq!(by_file.round, other.code);
    let by_choice = import_experts(
        &mut store,
        Caller::APP,
        Some(round),
        "e.json",
        experts_file(None),
    )
    .unwrap();
    assert_eq!(by_choice.round, "DEMO-2026");
    assert!(store
        .list_panel(round)
        .unwrap()
        .iter()
        .any(|e| e.code == "E900"));
}

#[test]
fn a_key_is_made_by_its_owner_and_the_passphrase_is_asked_only_when_it_can_be_used() {
    let (_dir, mut store, _) = demo();
    let made = create_key(&mut store, CLI, KeyOwner::Expert("E004"), || {
        Ok(PASSPHRASE.into())
    })
    .unwrap();
    let last = &store.recent_audit(1).unwrap()[0];
    assert_eq!(
        (last.actor_role.as_str(), last.actor_name.as_str()),
        ("expert", "E004")
    );
    let again = create_key(&mut store, CLI, KeyOwner::Expert("E004"), || {
        panic!("no passphrase for a key that cannot be made")
    })
    .unwrap_err();
    assert_eq!(again.code, ErrorCode::KeyExists);
    let wrong = change_passphrase(&mut store, CLI, KeyOwner::Expert("E004"), || {
        Ok(("不是这个口令".into(), "新的口令 2027 年".into()))
    })
    .unwrap_err();
    assert_eq!(wrong.code, ErrorCode::WrongPassphrase);
    let none = change_passphrase(&mut store, CLI, KeyOwner::Expert("E005"), || {
        panic!("no passphrase for a key that does not exist")
    })
    .unwrap_err();
    assert_eq!(none.code, ErrorCode::NoKey);
    let changed = change_passphrase(&mut store, CLI, KeyOwner::Expert("E004"), || {
        Ok((PASSPHRASE.into(), "新的口令 2027 年".into()))
    })
    .unwrap();
    assert_eq!(changed.certificate_sha256, made.certificate_sha256);
    Signer::unlock(&store, KeyOwner::Expert("E004"), "新的口令 2027 年").unwrap();
}

#[test]
fn sheets_are_issued_named_recorded_and_collected() {
    let (_dir, mut store, round) = demo();
    open(&mut store, round);
    let first_app = store.expert_assignments(round, "E004").unwrap()[0]
        .application
        .code
        .clone();
    // Nothing pledged or submitted yet: refused before any passphrase is asked for (before
    // the pledge the sheet cannot even be read).
    let err = issue_sheet(
        &mut store,
        CLI,
        &AssignmentKey::new(round, "E004", &first_app),
        never_asked,
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotDeclared);
    let err = issue_expert_sheets(
        &mut store,
        CLI,
        round,
        "E004",
        never_asked,
        |_, _, _| Ok(()),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotSubmitted);
    assert_eq!(
        collect_round_sheets(&store, round).unwrap_err().code,
        ErrorCode::NotSubmitted
    );
    let apps = score_all(&mut store, round, "E004");
    // Submitted, but no key yet: NO_KEY, still without asking.
    let err = issue_sheet(
        &mut store,
        CLI,
        &AssignmentKey::new(round, "E004", &apps[0]),
        never_asked,
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::NoKey);
    create_key(&mut store, CLI, KeyOwner::Expert("E004"), || {
        Ok(PASSPHRASE.into())
    })
    .unwrap();

    let one = issue_sheet(
        &mut store,
        CLI,
        &AssignmentKey::new(round, "E004", &apps[0]),
        |expert| {
            assert_eq!(expert, "E004");
            Ok(PASSPHRASE.into())
        },
    )
    .unwrap();
    assert_eq!(
        one.file_name,
        format!("评分表-DEMO-2026-{}-E004.pdf", apps[0])
    );
    let verdict = verify_file(&one.bytes, Trust::Database(&store)).unwrap();
    assert!(verdict.valid, "{:?}", verdict.problems);
    assert_eq!(verdict.matches_database, Some(true));
    assert_eq!(verdict.sheet_id.as_deref(), Some(one.sheet_id.as_str()));
    assert_eq!(
        verdict.signatures[0].claimed_signer.as_deref(),
        verdict.signatures[0].registered_owner.as_deref()
    );
    // Without a trust source the file is intact but the verdict is not "valid".
    let alone = verify_file(&one.bytes, Trust::None).unwrap();
    assert!(!alone.valid && alone.signatures[0].problems.is_empty());
    assert!(
        alone.problems[0].contains("未提供信任来源"),
        "{:?}",
        alone.problems
    );

    let mut seen = Vec::new();
    let all = issue_expert_sheets(
        &mut store,
        CLI,
        round,
        "E004",
        |_| Ok(PASSPHRASE.into()),
        |done, of, file| {
            seen.push((done, of, file.application.clone()));
            Ok(())
        },
    )
    .unwrap();
    assert_eq!(all.len(), apps.len());
    assert_eq!(
        seen.iter().map(|s| s.0).collect::<Vec<_>>(),
        (1..=apps.len()).collect::<Vec<_>>()
    );
    let summary = issue_summary(&mut store, CLI, round, "E004", |_| Ok(PASSPHRASE.into())).unwrap();
    assert_eq!(summary.file_name, "评分汇总表-DEMO-2026-E004.pdf");

    let collected = collect_round_sheets(&store, round).unwrap();
    assert_eq!(
        collected.len(),
        apps.len() + 1,
        "the latest of each, and the summary"
    );
    assert!(collected
        .iter()
        .any(|d| d.file_name == "评分汇总表-DEMO-2026-E004.pdf"));
    for app in &apps {
        let name = format!("评分表-DEMO-2026-{app}-E004.pdf");
        let latest = collected.iter().find(|d| d.file_name == name).unwrap();
        let reissued = all.iter().find(|f| &f.application == app).unwrap();
        assert_eq!(latest.bytes, reissued.bytes, "the latest issue of {app}");
    }
    let audit = store.recent_audit(1).unwrap();
    assert_eq!(audit[0].actor_name, "E004");
}

#[test]
fn paper_scores_are_entered_in_the_name_of_who_typed_them() {
    let (_dir, mut store, round) = demo();
    open(&mut store, round);
    let assignment = store.list_scores(round).unwrap()[0].clone();
    let scores: serde_json::Map<String, serde_json::Value> = store
        .rubric(round)
        .unwrap()
        .rubric
        .sections
        .iter()
        .flat_map(|s| &s.criteria)
        .map(|c| (c.code.clone(), serde_json::json!(c.max_points)))
        .collect();
    let file = serde_json::json!({
        "format": "park-review/scores@1",
        "round": "DEMO-2026",
        "expert": assignment.expert,
        "application": assignment.application,
        "declared_no_conflict": true,
        "scores": scores,
        "opinion": "纸质评分表录入。",
        "submitted": true
    });
    let entries = read_scores_file("paper.json", file.to_string().into_bytes()).unwrap();
    let imported = import_paper_scores(&mut store, CLI, Some("李秘书"), &entries).unwrap();
    assert_eq!(imported.imported, 1);
    assert_eq!(imported.entered_by, "李秘书");
    let row = store
        .list_scores(round)
        .unwrap()
        .into_iter()
        .find(|r| r.expert == assignment.expert && r.application == assignment.application)
        .unwrap();
    assert_eq!(row.entered_by.as_deref(), Some("李秘书"));
}

#[test]
fn the_ranking_reports_and_the_publicity_list() {
    let (_dir, mut store, round) = demo();
    let workbook = ranking_workbook(&store, round).unwrap();
    assert_eq!(workbook.file_name, "排名-DEMO-2026-20261130-093000.xlsx");
    // Read back with calamine as a spreadsheet program would: its sheets, and one ranking row
    // per application under the header.
    {
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(workbook.bytes.clone())).unwrap();
        assert_eq!(
            book.sheet_names(),
            vec!["排名", "评分明细", "离群分", "形式审查"]
        );
        let ranking = book.worksheet_range("排名").unwrap();
        assert_eq!(ranking.rows().next().unwrap()[1].to_string(), "申报编号");
        let codes: Vec<String> = ranking.rows().skip(1).map(|r| r[1].to_string()).collect();
        let mut expected: Vec<String> = store
            .list_applications(round)
            .unwrap()
            .into_iter()
            .map(|a| a.code)
            .collect();
        let mut found = codes.clone();
        found.sort();
        expected.sort();
        assert_eq!(found, expected, "{codes:?}");
    }
    // The signed report needs the secretariat's key, asked for only once it exists.
    let err = ranking_report(&mut store, CLI, round, || panic!("no key yet")).unwrap_err();
    assert_eq!(err.code, ErrorCode::NoKey);
    create_key(&mut store, CLI, KeyOwner::Secretariat, || {
        Ok(PASSPHRASE.into())
    })
    .unwrap();
    let report = ranking_report(&mut store, CLI, round, || Ok(PASSPHRASE.into())).unwrap();
    assert_eq!(report.file_name, "排名报告-DEMO-2026-20261130-093000.pdf");
    let verdict = verify_file(&report.bytes, Trust::Database(&store)).unwrap();
    assert!(verdict.valid, "{:?}", verdict.problems);
    // The report is recorded as issued, and its claim names the secretariat.
    assert!(verdict.sheet_id.is_some());
    assert_eq!(verdict.matches_database, Some(true));
    assert_eq!(
        verdict.signatures[0].claimed_signer.as_deref(),
        Some("秘书处")
    );
    // One rule for the publicity start date and the ranking's state, whoever asks.
    let bad_date =
        publicity(&mut store, CLI, round, "2026-13-01", 5, "秘书处 020-1234").unwrap_err();
    assert_eq!(bad_date.code, ErrorCode::OutOfRange);
    assert!(
        bad_date.message.contains("2026-12-01"),
        "{}",
        bad_date.message
    );
    let draft = publicity(&mut store, CLI, round, "2026-12-01", 5, "秘书处 020-1234").unwrap_err();
    assert_eq!(draft.code, ErrorCode::InvalidTransition);
}

/// The signer is bound to what is signed: a sheet showing E004 but signed with E003's registered
/// key is refused, and so is a sheet the database never issued, whichever key signed it.
#[test]
fn a_sheet_signed_by_someone_else_or_never_issued_is_refused() {
    let (_dir, mut store, round) = demo();
    open(&mut store, round);
    let apps = score_all(&mut store, round, "E004");
    for expert in ["E003", "E004"] {
        create_key(&mut store, CLI, KeyOwner::Expert(expert), || {
            Ok(PASSPHRASE.into())
        })
        .unwrap();
    }
    let key = AssignmentKey::new(round, "E004", &apps[0]);
    let prepared = prepare_sheet(&store, &key).unwrap();
    let e003 = Signer::unlock(&store, KeyOwner::Expert("E003"), PASSPHRASE).unwrap();
    let forged = sign_prepared(&prepared, &e003, store.now()).unwrap();
    // Recorded as if issued, so only the signer is wrong.
    issue_prepared(
        &mut store,
        &CLI.expert("E004"),
        &e003,
        vec![prepared],
        1,
        |_, _, _| Ok(()),
    )
    .unwrap();
    let verdict = verify_file(&forged, Trust::Database(&store)).unwrap();
    assert!(!verdict.valid);
    assert!(
        verdict
            .problems
            .iter()
            .any(|p| p.contains("签署声明写明由 E004") && p.contains("登记给 E003")),
        "{:?}",
        verdict.problems
    );
    // Signed by the right key, but never recorded: not a document this database issued.
    let e004 = Signer::unlock(&store, KeyOwner::Expert("E004"), PASSPHRASE).unwrap();
    let unrecorded =
        sign_prepared(&prepare_sheet(&store, &key).unwrap(), &e004, store.now()).unwrap();
    let verdict = verify_file(&unrecorded, Trust::Database(&store)).unwrap();
    assert!(!verdict.valid);
    assert!(
        verdict
            .problems
            .iter()
            .any(|p| p.contains("不是本数据库签发的")),
        "{:?}",
        verdict.problems
    );
    // E004's own key, and a claim naming a sheet this database did issue — but on another page:
    // the recorded file is not this one.
    let issued = issue_sheet(&mut store, CLI, &key, |_| Ok(PASSPHRASE.into())).unwrap();
    let mut other = prepare_sheet(&store, &AssignmentKey::new(round, "E004", &apps[1])).unwrap();
    other.claim.document_uid = issued.sheet_id.clone();
    let moved = sign_prepared(&other, &e004, store.now()).unwrap();
    let verdict = verify_file(&moved, Trust::Database(&store)).unwrap();
    assert!(!verdict.valid);
    assert!(
        verdict
            .problems
            .iter()
            .any(|p| p.contains(&issued.sheet_id) && p.contains("与本文件不同")),
        "{:?}",
        verdict.problems
    );
    // With a trust list instead of the database: E003's certificate cannot sign E004's sheet.
    let trusted = vec![
        e003.certificate_der().to_vec(),
        e004.certificate_der().to_vec(),
    ];
    let verdict = verify_file(&forged, Trust::Certificates(&trusted)).unwrap();
    assert!(!verdict.valid);
    assert!(
        verdict
            .problems
            .iter()
            .any(|p| p.contains("签名人与文件不符")),
        "{:?}",
        verdict.problems
    );
    assert!(
        verify_file(&unrecorded, Trust::Certificates(&trusted))
            .unwrap()
            .valid
    );
    let verdict = verify_file(&unrecorded, Trust::Certificates(&trusted[..1])).unwrap();
    assert!(
        verdict
            .problems
            .iter()
            .any(|p| p.contains("不在信任列表中")),
        "{:?}",
        verdict.problems
    );
}

/// A revoked key: what it signed before the revocation stays valid, what it signed after does
/// not, and its owner signs again only with a new key.
#[test]
fn a_revoked_key_keeps_earlier_sheets_and_refuses_later_ones() {
    let (_dir, mut store, round) = demo();
    open(&mut store, round);
    let apps = score_all(&mut store, round, "E004");
    create_key(&mut store, CLI, KeyOwner::Expert("E004"), || {
        Ok(PASSPHRASE.into())
    })
    .unwrap();
    let key = AssignmentKey::new(round, "E004", &apps[0]);
    let sheet = issue_sheet(&mut store, CLI, &key, |_| Ok(PASSPHRASE.into())).unwrap();
    // Revoked from one minute after the sheet was issued (the clock is pinned): it stays valid.
    let err = revoke_key(&mut store, CLI, KeyOwner::Expert("E004"), "  ", None).unwrap_err();
    assert_eq!(err.code, ErrorCode::OutOfRange);
    let err = revoke_key(
        &mut store,
        CLI,
        KeyOwner::Expert("E004"),
        "遗失",
        Some("2026-11-30T09:31:00+08:00"),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::OutOfRange, "{}", err.message);
    let revoked = revoke_key(
        &mut store,
        CLI,
        KeyOwner::Expert("E004"),
        "笔记本电脑遗失",
        None,
    )
    .unwrap();
    assert_eq!(
        revoked.revoked_at.as_deref(),
        Some("2026-11-30T09:30:00+08:00")
    );
    // Issued at the very moment of revocation: no longer before it, so invalid.
    let verdict = verify_file(&sheet.bytes, Trust::Database(&store)).unwrap();
    assert!(
        verdict
            .problems
            .iter()
            .any(|p| p.contains("已于 2026-11-30 09:30:00+08:00 吊销")),
        "{:?}",
        verdict.problems
    );
    // The owner has no active key now; a replacement needs a new one.
    let err = issue_sheet(&mut store, CLI, &key, |_| panic!("not asked")).unwrap_err();
    assert_eq!(err.code, ErrorCode::NoKey);
    assert_eq!(
        store.key_history(KeyOwner::Expert("E004")).unwrap().len(),
        1
    );
    create_key(&mut store, CLI, KeyOwner::Expert("E004"), || {
        Ok("新的口令 2027 春".into())
    })
    .unwrap();
    let again = issue_sheet(&mut store, CLI, &key, |_| Ok("新的口令 2027 春".into())).unwrap();
    assert!(
        verify_file(&again.bytes, Trust::Database(&store))
            .unwrap()
            .valid
    );
    let history = store.key_history(KeyOwner::Expert("E004")).unwrap();
    assert_eq!(history.len(), 2);
    assert!(history[0].revoked_at.is_none() && history[1].revoked_at.is_some());
    // Replacing revokes the active key and makes a new one in one step.
    let replaced = replace_key(
        &mut store,
        CLI,
        KeyOwner::Expert("E004"),
        "口令泄露",
        || Ok("第三把钥匙 2028".into()),
    )
    .unwrap();
    assert_ne!(replaced.certificate_sha256, history[0].certificate_sha256);
    assert_eq!(
        store.key_history(KeyOwner::Expert("E004")).unwrap().len(),
        3
    );
}

/// A passphrase that is easy to guess is refused when a key is made or its passphrase changed,
/// and nothing is stored.
#[test]
fn weak_passphrases_are_refused_and_nothing_is_stored() {
    let (_dir, mut store, _round) = demo();
    let err = create_key(&mut store, CLI, KeyOwner::Secretariat, || {
        Ok("        ".into())
    })
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::WeakPassphrase);
    use park_review_domain::Coded;
    assert_eq!(
        store.signing_key(KeyOwner::Secretariat).unwrap_err().code(),
        ErrorCode::NoKey
    );
    create_key(&mut store, CLI, KeyOwner::Secretariat, || {
        Ok(PASSPHRASE.into())
    })
    .unwrap();
    let err = change_passphrase(&mut store, CLI, KeyOwner::Secretariat, || {
        Ok((PASSPHRASE.into(), "12345678".into()))
    })
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::WeakPassphrase);
    assert!(Signer::unlock(&store, KeyOwner::Secretariat, PASSPHRASE).is_ok());
}

/// Sheets issued before signatures carried a claim still verify against the database that
/// recorded issuing them, and only there.
#[test]
fn a_sheet_issued_before_claims_verifies_by_the_database_record() {
    let (_dir, mut store, round) = demo();
    open(&mut store, round);
    let apps = score_all(&mut store, round, "E004");
    create_key(&mut store, CLI, KeyOwner::Expert("E004"), || {
        Ok(PASSPHRASE.into())
    })
    .unwrap();
    let key = AssignmentKey::new(round, "E004", &apps[0]);
    let prepared = prepare_sheet(&store, &key).unwrap();
    let signer = Signer::unlock(&store, KeyOwner::Expert("E004"), PASSPHRASE).unwrap();
    let pdf = park_review_documents::scoring_sheet(
        &prepared.data,
        &park_review_documents::GeneratedAt::at(store.now()),
    );
    let old = signer.sign_without_claim(&pdf, store.now());
    // Not recorded: no claim and no record, nothing binds the signer to the sheet.
    let verdict = verify_file(&old, Trust::Database(&store)).unwrap();
    assert!(
        verdict
            .problems
            .iter()
            .any(|p| p.contains("没有本系统的签署声明")),
        "{:?}",
        verdict.problems
    );
    store
        .record_document(
            &CLI.expert("E004"),
            &park_review_store::NewIssuedDocument {
                uid: &prepared.data.sheet_id,
                round_id: round,
                kind: park_review_domain::claim::DocumentKind::ScoreSheet,
                expert: Some("E004"),
                application: Some(&apps[0]),
                snapshot: &prepared.snapshot,
                pdf: &old,
            },
        )
        .unwrap();
    let verdict = verify_file(&old, Trust::Database(&store)).unwrap();
    assert!(verdict.valid, "{:?}", verdict.problems);
    assert_eq!(verdict.matches_database, Some(true));
}

/// Private keys never leave memory in clear: after a key is made, a sheet signed, a backup made
/// and the audit log exported, neither the raw private scalar (as bytes, hex or in a PKCS#8
/// document) nor the passphrase is in the database, its WAL, the backup, the signed sheet or
/// the archive — only the encrypted key is stored.
#[test]
fn the_raw_private_key_and_the_passphrase_are_nowhere_on_disk() {
    let (dir, mut store, round) = demo();
    open(&mut store, round);
    let apps = score_all(&mut store, round, "E004");
    create_key(&mut store, CLI, KeyOwner::Expert("E004"), || {
        Ok(PASSPHRASE.into())
    })
    .unwrap();
    create_key(&mut store, CLI, KeyOwner::Secretariat, || {
        Ok(PASSPHRASE.into())
    })
    .unwrap();
    let sheet = issue_sheet(
        &mut store,
        CLI,
        &AssignmentKey::new(round, "E004", &apps[0]),
        |_| Ok(PASSPHRASE.into()),
    )
    .unwrap();
    let backups = dir.path().join("backups");
    store.backup(&backups).unwrap();
    let signer = Signer::unlock(&store, KeyOwner::Secretariat, PASSPHRASE).unwrap();
    let archive = export_audit(&store, &signer).unwrap();

    // What must not be found: each key's scalar, its hex, its unencrypted PKCS#8, the passphrase.
    let mut secrets: Vec<(String, Vec<u8>)> =
        vec![("passphrase".into(), PASSPHRASE.as_bytes().to_vec())];
    for owner in [KeyOwner::Expert("E004"), KeyOwner::Secretariat] {
        let stored = store.signing_key(owner).unwrap();
        let key = park_review_signing::keys::unlock(stored.private_key_pem().unwrap(), PASSPHRASE)
            .unwrap();
        let scalar = key.to_bytes().to_vec();
        secrets.push((format!("{owner:?} scalar"), scalar.clone()));
        secrets.push((
            format!("{owner:?} hex"),
            park_review_domain::digest::hex(&scalar).into_bytes(),
        ));
        secrets.push((
            format!("{owner:?} HEX"),
            park_review_domain::digest::hex(&scalar)
                .to_uppercase()
                .into_bytes(),
        ));
        use p256::pkcs8::EncodePrivateKey;
        secrets.push((
            format!("{owner:?} pkcs8"),
            key.to_pkcs8_der().unwrap().as_bytes().to_vec(),
        ));
    }
    drop(store);
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("sheet".into(), sheet.bytes.clone()),
        ("archive".into(), archive.log.bytes.clone()),
        ("archive signature".into(), archive.signature.bytes.clone()),
    ];
    let mut stack = vec![dir.path().to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            if entry.path().is_dir() {
                stack.push(entry.path());
            } else {
                files.push((
                    entry.path().display().to_string(),
                    std::fs::read(entry.path()).unwrap(),
                ));
            }
        }
    }
    assert!(
        files.iter().any(|(n, _)| n.contains("snapshots")),
        "the backup was searched"
    );
    for (name, bytes) in &files {
        for (what, secret) in &secrets {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_slice()),
                "{what} found in {name}"
            );
        }
    }
}
