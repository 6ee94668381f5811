//! Site inspection in the store: the checklist's default, edit and freeze; the team and its
//! recusal; answers, evidence, finalising, reopening; the ranking taking the record's score.

use park_review_domain::ids::RoundId;
use park_review_domain::inspection::{ItemStatus, StatusFactors};
use park_review_domain::{Coded, ErrorCode, Points, RoundKind};

use crate::inspection::{AnswerInput, EvidenceMeta, InspectionStatus};
use crate::{Actor, Store, Surface};

fn office() -> Actor {
    Actor::secretariat("李秘书", Surface::Program)
}

/// The team's leader in `started` (the first panel expert not from the park's city).
fn inspector(_: &str) -> Actor {
    Actor::inspector(
        LEADER.with(|l| l.borrow().clone()).as_str(),
        Surface::Program,
    )
}

thread_local! {
    static LEADER: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// The demo round in a fresh database, a team set for its first application (an expert whose
/// employer is not the park's) and the visit started.
fn started() -> (tempfile::TempDir, Store, RoundId, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("inspection.sqlite3")).unwrap();
    let round = store.load_demo(&Actor::system()).unwrap().round.id;
    let app = store.list_applications(round).unwrap().remove(0);
    let record = store.application_record(round, &app.code).unwrap();
    // Experts whose city differs from the park's (same-city recusal) and whose employer is not
    // its management body.
    let team: Vec<String> = store
        .list_panel(round)
        .unwrap()
        .into_iter()
        .filter(|e| e.city != Some(record.city) && e.employer != record.management_body)
        .map(|e| e.code)
        .take(2)
        .collect();
    store
        .set_inspection_team(
            &office(),
            round,
            &app.code,
            &team[0],
            &team[1..],
            Some("2026-12-03"),
            Some("园区管委会"),
        )
        .unwrap();
    store.start_inspection(&office(), round, &app.code).unwrap();
    LEADER.with(|l| *l.borrow_mut() = team[0].clone());
    (dir, store, round, app.code, team[0].clone())
}

fn answer(store: &mut Store, round: RoundId, app: &str, item: &str, input: AnswerInput) {
    store
        .answer_item(&inspector("E001"), round, app, item, &input)
        .unwrap_or_else(|e| panic!("{item}: {e}"));
}

fn status(s: ItemStatus) -> AnswerInput {
    AnswerInput {
        status: Some(s),
        ..AnswerInput::default()
    }
}

fn value(v: f64) -> AnswerInput {
    AnswerInput {
        value: Some(v),
        ..AnswerInput::default()
    }
}

const PHOTO: &[u8] = b"\xFF\xD8\xFF\xE0 a photo of the park \xFF\xD9";

/// Answers every item of the shipped checklist (all met, evidence where required).
fn answer_everything(store: &mut Store, round: RoundId, app: &str) {
    let view = store.inspection(round, app).unwrap();
    for item in &view.items {
        let code = item.item.code.clone();
        let input = match &item.item.response {
            park_review_domain::inspection::Response::Status => status(ItemStatus::Confirmed),
            park_review_domain::inspection::Response::Number { at_least, .. } => value(
                at_least
                    .unwrap_or(1.0)
                    .max(item.declared.as_ref().and_then(|d| d.number).unwrap_or(0.0)),
            ),
            park_review_domain::inspection::Response::Text => AnswerInput {
                text: Some("园区建设有序，建议推荐。".into()),
                ..AnswerInput::default()
            },
        };
        answer(store, round, app, &code, input);
        if item.item.evidence_required {
            let mut photo = PHOTO.to_vec();
            photo.extend(code.as_bytes());
            store
                .attach_evidence(
                    &inspector("E001"),
                    round,
                    app,
                    &code,
                    &format!("{code}.jpg"),
                    &photo,
                    &EvidenceMeta::default(),
                )
                .unwrap();
        }
    }
}

#[test]
fn a_new_designation_round_starts_with_the_shipped_checklist_and_it_freezes_on_the_first_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("r.sqlite3")).unwrap();
    let round = store
        .create_round(&office(), 2027, RoundKind::Designation)
        .unwrap();
    let checklist = store.checklist(round.id).unwrap();
    assert_eq!(checklist.checklist.code, "SITE-D");
    assert!(checklist.frozen_sha256.is_none());
    // Editable while a draft.
    let mut edited = checklist.checklist.clone();
    edited.title = "2027 年实地考察清单".into();
    store
        .replace_checklist(&office(), round.id, &edited)
        .unwrap();
    assert_eq!(
        store.checklist(round.id).unwrap().checklist.title,
        "2027 年实地考察清单"
    );
    // An annual assessment gets none by default (its checklist comes with the designation
    // lifecycle).
    let annual = store
        .create_round(&office(), 2027, RoundKind::AnnualAssessment)
        .unwrap();
    assert_eq!(
        store.checklist(annual.id).unwrap_err().code(),
        ErrorCode::NotFound
    );

    // The demo: the first start freezes the checklist with its SHA-256.
    let (_d, mut store, round, _app, _) = started();
    let frozen = store.checklist(round).unwrap();
    assert_eq!(
        frozen.frozen_sha256.as_deref(),
        Some(park_review_domain::inspection::checklist_sha256(&frozen.checklist).as_str())
    );
    let err = store
        .replace_checklist(&office(), round, &frozen.checklist)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ChecklistFrozen);
}

/// Recusal applies to inspectors exactly as to reviewers.
#[test]
fn an_inspector_with_a_conflict_of_interest_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("r.sqlite3")).unwrap();
    let round = store.load_demo(&Actor::system()).unwrap().round.id;
    let app = store.list_applications(round).unwrap().remove(0);
    let record = store.application_record(round, &app.code).unwrap();
    let same_city = store
        .list_panel(round)
        .unwrap()
        .into_iter()
        .find(|e| e.city == Some(record.city))
        .expect("a demo expert from the park's city");
    let err = store
        .set_inspection_team(
            &office(),
            round,
            &app.code,
            &same_city.code,
            &[],
            None,
            None,
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ConflictOfInterest, "{err}");
    assert!(err.to_string().contains(&same_city.code));
    assert_eq!(
        store.list_inspections(round).unwrap()[0].status,
        None,
        "nothing stored"
    );
}

#[test]
fn answers_are_checked_and_finalising_needs_every_required_item_and_its_evidence() {
    let (_dir, mut store, round, app, _) = started();
    // Bad answers: a status for a number item, an implausible number, an unknown item.
    let err = store
        .answer_item(
            &inspector("E001"),
            round,
            &app,
            "C2.1",
            &status(ItemStatus::Confirmed),
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::OutOfRange);
    let err = store
        .answer_item(&inspector("E001"), round, &app, "C2.1", &value(-3.0))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::OutOfRange);
    let err = store
        .answer_item(
            &inspector("E001"),
            round,
            &app,
            "X9",
            &status(ItemStatus::Confirmed),
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    // A non-image as a photo.
    let err = store
        .attach_evidence(
            &inspector("E001"),
            round,
            &app,
            "C2.1",
            "notes.txt",
            b"not a photo",
            &EvidenceMeta::default(),
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ImportMalformed);
    // One answer with a note; the note stays when the status changes.
    answer(
        &mut store,
        round,
        &app,
        "C1.1",
        AnswerInput {
            status: Some(ItemStatus::Partly),
            note: Some("纪要齐全".into()),
            ..AnswerInput::default()
        },
    );
    answer(
        &mut store,
        round,
        &app,
        "C1.1",
        status(ItemStatus::Confirmed),
    );
    let view = store.inspection(round, &app).unwrap();
    let c11 = view.items.iter().find(|i| i.item.code == "C1.1").unwrap();
    assert_eq!(
        (c11.status, c11.answer.note.as_str()),
        (Some(ItemStatus::Confirmed), "纪要齐全")
    );
    // Not finalisable: the message names what is missing.
    let err = store
        .finalise_inspection(&office(), round, &app)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InspectionIncomplete);
    assert!(
        err.to_string().contains("C1.1（缺少照片或文件佐证）"),
        "{err}"
    );
    assert!(err.to_string().contains("C2.1（未填写）"), "{err}");
}

/// Found 280 亩 where more was declared (and 300 亩 is the threshold): flagged, scored as not met, and the record's score is what
/// the ranking takes; a hand-entered score is refused until the record is reopened.
#[test]
fn a_finalised_record_gives_the_ranking_its_site_score() {
    let (_dir, mut store, round, app, leader) = started();
    answer_everything(&mut store, round, &app);
    let declared = store
        .application_record(round, &app)
        .unwrap()
        .planned_area_mu;
    assert!(declared > 280.0);
    answer(&mut store, round, &app, "C2.1", value(280.0));
    let view = store.inspection(round, &app).unwrap();
    assert!(view.missing.is_empty(), "{:?}", view.missing);
    assert_eq!(view.discrepancies.len(), 1);
    assert_eq!(
        (view.discrepancies[0].declared, view.discrepancies[0].found),
        (declared, 280.0)
    );
    assert_eq!(view.team[0].code, leader);
    // C2.1 (weight 10 of 107 scored weight) not met: 97/107 = 90.65.
    assert_eq!(view.site_score.total, Points::from_centi(9_065));
    let finalised = store.finalise_inspection(&office(), round, &app).unwrap();
    assert_eq!(finalised.status, InspectionStatus::Finalised);
    // Locked: no answer, no evidence, no team change, no hand-entered score.
    let err = store
        .answer_item(
            &inspector("E001"),
            round,
            &app,
            "C1.1",
            &status(ItemStatus::Partly),
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InspectionFinalised);
    let err = store
        .set_site_score(&office(), round, &app, 95.0, "纸质记录")
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::SiteScoreFromRecord);
    // The ranking takes the record's score and names the record.
    let row = store
        .ranking(round)
        .unwrap()
        .rows
        .into_iter()
        .find(|r| r.code == app)
        .unwrap();
    assert_eq!(row.site_score, Some(Points::from_centi(9_065)));
    assert!(row.site_record_ref.unwrap().contains(&finalised.uid));
    // Only the secretariat reopens, with a reason; the score leaves the ranking.
    let err = store
        .reopen_inspection(&inspector("E001"), round, &app, "更正")
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotPermitted);
    store
        .reopen_inspection(&office(), round, &app, "C2.1 面积复核")
        .unwrap();
    // Someone not on the team cannot record anything.
    let outsider = store
        .list_panel(round)
        .unwrap()
        .into_iter()
        .find(|e| !finalised.team.iter().any(|t| t.code == e.code))
        .unwrap();
    let err = store
        .answer_item(
            &Actor::inspector(&outsider.code, Surface::Program),
            round,
            &app,
            "C1.1",
            &status(ItemStatus::Partly),
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotPermitted, "{err}");
    let row = store
        .ranking(round)
        .unwrap()
        .rows
        .into_iter()
        .find(|r| r.code == app)
        .unwrap();
    assert_eq!(row.site_score, None);
    // The factors are the round's: 基本符合 worth 0.5 instead of 0.6 (before any record is final).
    store
        .set_site_factors(
            &office(),
            round,
            StatusFactors {
                partly: 500,
                ..StatusFactors::DEFAULT
            },
        )
        .unwrap();
}

/// Every earlier database keeps its checklist: the flat items of version 11 become one
/// section of required status items.
#[test]
fn a_checklist_of_an_earlier_database_survives_the_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v11.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        for sql in &crate::migrate::MIGRATIONS[..11] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 11).unwrap();
        conn.execute_batch(
            "INSERT INTO rounds (id, uid, code, year, kind, title, created_at, updated_at)
                 VALUES (1, 'r', '2026-SB', 2026, 'designation', '2026', 't', 't');
             INSERT INTO checklists (id, uid, round_id, code, title, created_at) VALUES (1, 'c', 1, 'SITE-D', '旧清单', 't');
             INSERT INTO checklist_items (uid, checklist_id, position, code, title, guidance, clauses)
                 VALUES ('i2', 1, 1, 'K2', '园区范围', '看规划图', '[\"C2\"]'),
                        ('i1', 1, 0, 'K1', '管理机构', '', '[\"C1\"]');",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let checklist = store.checklist(RoundId(1)).unwrap().checklist;
    assert_eq!(checklist.title, "旧清单");
    let items: Vec<(&str, &str, u32)> = checklist
        .items()
        .map(|i| (i.code.as_str(), i.prompt.as_str(), i.weight))
        .collect();
    assert_eq!(items, [("K1", "管理机构", 1), ("K2", "园区范围", 1)]);
    assert_eq!(checklist.item("K2").unwrap().clauses, ["C2"]);
    assert!(park_review_domain::inspection::checklist_problems(&checklist).is_empty());
}
