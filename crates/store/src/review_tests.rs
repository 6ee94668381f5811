//! Material review in the store: rubric freeze, recusal, assignment, the pledge gate, scoring,
//! submission and paper entry. Each test on its own temporary database with the demo round.

use std::collections::BTreeMap;

use park_review_domain::exchange::ScoresEntry;
use park_review_domain::ids::{AssignmentKey, RoundId};
use park_review_domain::model::ExpertRecord;
use park_review_domain::{City, Coded, ErrorCode, Points};

use crate::assignment::AssignmentStage;
use crate::{Actor, Store, StoreError, Surface};

fn secretariat() -> Actor {
    Actor::secretariat("测试秘书", Surface::Program)
}

fn expert(code: &str) -> Actor {
    Actor::expert(code, Surface::Program)
}

fn demo() -> (tempfile::TempDir, Store, RoundId) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.sqlite3")).unwrap();
    let round = store.load_demo(&Actor::system()).unwrap().round.id;
    (dir, store, round)
}

/// The demo round, opened and assigned with seed 1.
fn open_demo() -> (tempfile::TempDir, Store, RoundId) {
    let (dir, mut store, round) = demo();
    store.open_round(&secretariat(), round).unwrap();
    store.auto_assign(&secretariat(), round, None, 1).unwrap();
    (dir, store, round)
}

fn code_of<T>(r: Result<T, StoreError>) -> &'static str {
    match r {
        Ok(_) => "OK",
        Err(e) => e.code().as_str(),
    }
}

/// Some (expert, application) pair of the assignment.
fn some_assignment(store: &Store, round: RoundId) -> (String, String) {
    let row = store
        .list_scores(round)
        .unwrap()
        .into_iter()
        .next()
        .unwrap();
    (row.expert, row.application)
}

fn all_criteria(store: &Store, round: RoundId) -> Vec<(String, f64)> {
    store
        .rubric(round)
        .unwrap()
        .rubric
        .sections
        .iter()
        .flat_map(|s| &s.criteria)
        .map(|c| (c.code.clone(), c.max_points.to_f64()))
        .collect()
}

fn audit_count(store: &Store) -> i64 {
    store
        .conn()
        .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn opening_freezes_the_rubric_with_its_sha256() {
    let (_dir, mut store, round) = demo();
    let mut rubric = store.rubric(round).unwrap().rubric;
    rubric.sections[0].criteria[0].guidance = "草稿阶段可以修改".into();
    store
        .replace_rubric(&secretariat(), round, &rubric)
        .unwrap();
    let opened = store.open_round(&secretariat(), round).unwrap();
    assert_eq!(
        opened.rubric_sha256,
        park_review_domain::rubric::rubric_sha256(&rubric)
    );
    assert_eq!(
        opened.round.rubric_sha256.as_deref(),
        Some(opened.rubric_sha256.as_str())
    );
    let stored = store.rubric(round).unwrap();
    assert_eq!(stored.rubric, rubric);
    assert_eq!(stored.frozen_sha256, Some(opened.rubric_sha256.clone()));
    // After opening: refused, unchanged.
    rubric.sections[0].criteria[0].guidance = "开评后修改".into();
    assert_eq!(
        code_of(store.replace_rubric(&secretariat(), round, &rubric)),
        "RUBRIC_FROZEN"
    );
    assert_eq!(
        store.rubric(round).unwrap().frozen_sha256,
        Some(opened.rubric_sha256)
    );
    assert_eq!(
        code_of(store.open_round(&secretariat(), round)),
        "INVALID_TRANSITION"
    );
}

#[test]
fn an_invalid_rubric_is_refused_and_the_old_one_kept() {
    let (_dir, mut store, round) = demo();
    let before = store.rubric(round).unwrap();
    let mut rubric = before.rubric.clone();
    let first = rubric.sections[0].criteria[0].code.clone();
    rubric.sections[0].criteria[1].code = first.clone();
    let err = store
        .replace_rubric(&secretariat(), round, &rubric)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidRubric);
    assert!(err.to_string().contains("编号重复"), "{err}");
    assert_eq!(store.rubric(round).unwrap(), before);
}

/// Points move from one criterion to another one save at a time (a draft may add up to 101);
/// the 100-point total is checked when the round opens, which is refused until it holds.
#[test]
fn a_draft_rubric_may_be_off_100_until_the_round_opens() {
    let (_dir, mut store, round) = demo();
    let mut rubric = store.rubric(round).unwrap().rubric;
    let one = park_review_domain::Points::from_centi(100);
    rubric.sections[0].criteria[0].max_points = rubric.sections[0].criteria[0].max_points + one;
    store
        .replace_rubric(&secretariat(), round, &rubric)
        .unwrap();
    let err = store.open_round(&secretariat(), round).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidRubric);
    assert!(err.to_string().contains("合计为 101 分"), "{err}");
    assert_eq!(
        store.round(round).unwrap().status,
        park_review_domain::RoundStatus::Draft
    );
    // The point taken from another criterion (with a step that allows it): the round opens.
    let criteria: Vec<_> = rubric
        .sections
        .iter()
        .flat_map(|s| &s.criteria)
        .cloned()
        .collect();
    let (si, ci) = rubric
        .sections
        .iter()
        .enumerate()
        .flat_map(|(si, s)| {
            s.criteria
                .iter()
                .enumerate()
                .map(move |(ci, c)| (si, ci, c))
        })
        .skip(1)
        .find(|(_, _, c)| c.bands.is_empty() || c.max_points.centi() > 100)
        .map(|(si, ci, _)| (si, ci))
        .unwrap();
    assert!(criteria.len() > 1);
    let c = &mut rubric.sections[si].criteria[ci];
    c.max_points = park_review_domain::Points::from_centi(c.max_points.centi() - 100);
    for band in &mut c.bands {
        band.max_points = park_review_domain::Points::from_centi(
            band.max_points.centi().min(c.max_points.centi()),
        );
        band.min_points = park_review_domain::Points::from_centi(
            band.min_points.centi().min(band.max_points.centi()),
        );
    }
    store
        .replace_rubric(&secretariat(), round, &rubric)
        .unwrap();
    store.open_round(&secretariat(), round).unwrap();
}

#[test]
fn the_demo_board_shows_each_conflict_with_its_reason() {
    let (_dir, store, round) = demo();
    let board = store.review_board(round).unwrap();
    let reasons = |app: &str, expert: &str| -> Vec<String> {
        let a = board
            .applications
            .iter()
            .find(|a| a.code == app)
            .unwrap()
            .id;
        let e = board.experts.iter().find(|e| e.code == expert).unwrap().id;
        board
            .cells
            .iter()
            .find(|c| c.application == a && c.expert == e)
            .map(|c| c.conflicts.iter().map(|c| c.reason.clone()).collect())
            .unwrap_or_default()
    };
    assert_eq!(
        reasons("2026-GZ-01", "E001"),
        ["专家所在城市与园区同为广州市"]
    );
    assert!(
        reasons("2026-FS-01", "E006")[0].contains("园区管理机构“佛山市顺德区人工智能产业发展中心”")
    );
    assert!(reasons("2026-DG-01", "E005")
        .iter()
        .any(|r| r.contains("松山湖智谷视觉感知有限公司")));
    assert!(reasons("2026-SZ-01", "E004").is_empty());
    assert!(board.shortfalls.is_empty(), "{:?}", board.shortfalls);
}

#[test]
fn automatic_assignment_avoids_conflicts_balances_and_repeats() {
    let (_dir, mut store, round) = demo();
    let outcome = store.auto_assign(&secretariat(), round, None, 7).unwrap();
    // The four applications that failed the formal review are left out.
    assert_eq!(
        outcome.skipped,
        ["2026-GZ-03", "2026-FS-01", "2026-DG-01", "2026-ZH-01"]
    );
    assert_eq!(outcome.added, 25);
    let loads: Vec<u32> = outcome.loads.iter().map(|(_, n)| *n).collect();
    assert!(
        loads.iter().max().unwrap() - loads.iter().min().unwrap() <= 1,
        "{loads:?}"
    );
    let board = store.review_board(round).unwrap();
    for cell in &board.cells {
        assert!(
            cell.assignment.is_none() || cell.conflicts.is_empty(),
            "{cell:?}"
        );
    }
    for a in &board.applications {
        assert_eq!(
            a.assigned,
            if a.failed_formal_review { 0 } else { 5 },
            "{}",
            a.code
        );
    }
    // Same seed: nothing to change.
    let again = store.auto_assign(&secretariat(), round, None, 7).unwrap();
    assert_eq!((again.added, again.removed), (0, 0));
}

#[test]
fn too_few_unconflicted_experts_names_the_applications_and_changes_nothing() {
    let (_dir, mut store, round) = demo();
    let audit = audit_count(&store);
    let err = store
        .auto_assign(&secretariat(), round, Some(6), 1)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NoValidAssignment);
    let message = err.to_string();
    for app in ["2026-GZ-01", "2026-GZ-02"] {
        assert!(message.contains(app), "{message}");
    }
    // 2026-GZ-03 failed the formal review (P2): it is not to be assigned, so not short either.
    assert!(!message.contains("2026-GZ-03"), "{message}");
    assert!(
        message.contains("E001 陈志远（专家所在城市与园区同为广州市）"),
        "{message}"
    );
    // Nothing changed: no assignment, not even the number asked for.
    assert!(store.list_scores(round).unwrap().is_empty());
    assert_eq!(audit_count(&store), audit);
    assert_eq!(store.round(round).unwrap().experts_per_application, 5);
    // Asking for 4 succeeds and keeps the new number.
    store
        .auto_assign(&secretariat(), round, Some(4), 1)
        .unwrap();
    assert_eq!(store.round(round).unwrap().experts_per_application, 4);
}

#[test]
fn the_same_city_switch_and_dismissals_change_who_may_review() {
    let (_dir, mut store2, round) = demo();
    let gz_expert_on_gz = |store: &mut Store| {
        store
            .set_assignment(&secretariat(), round, "2026-GZ-01", &["E001".into()])
            .map(|_| ())
    };
    assert_eq!(
        code_of(gz_expert_on_gz(&mut store2)),
        "CONFLICT_OF_INTEREST"
    );
    store2
        .dismiss_conflict(
            &secretariat(),
            &AssignmentKey::new(round, "E001", "2026-GZ-01"),
            "same_city",
            "专家已调往深圳工作",
        )
        .unwrap();
    assert_eq!(code_of(gz_expert_on_gz(&mut store2)), "OK");
    assert_eq!(
        code_of(store2.dismiss_conflict(
            &secretariat(),
            &AssignmentKey::new(round, "E001", "2026-GZ-02"),
            "same_city",
            " "
        )),
        "OUT_OF_RANGE"
    );
    // A manual conflict removes the assignment and blocks it again.
    store2
        .add_conflict(
            &secretariat(),
            &AssignmentKey::new(round, "E001", "2026-GZ-01"),
            "曾任该园区顾问",
        )
        .unwrap();
    assert!(store2.list_scores(round).unwrap().is_empty());
    assert_eq!(
        code_of(gz_expert_on_gz(&mut store2)),
        "CONFLICT_OF_INTEREST"
    );
    // Turning the city rule off frees E002 for Guangzhou parks.
    store2
        .set_review_settings(&secretariat(), round, 5, false)
        .unwrap();
    assert_eq!(
        code_of(store2.set_assignment(&secretariat(), round, "2026-GZ-02", &["E002".into()])),
        "OK"
    );
}

#[test]
fn the_pledge_gates_materials_and_scores() {
    let (_dir, mut store, round) = open_demo();
    let (e, a) = some_assignment(&store, round);
    assert_eq!(
        code_of(store.score_sheet(&AssignmentKey::new(round, &e, &a))),
        "NOT_DECLARED"
    );
    assert_eq!(
        code_of(store.expert_attachments(&AssignmentKey::new(round, &e, &a))),
        "NOT_DECLARED"
    );
    assert_eq!(
        code_of(store.set_score(
            &expert(&e),
            &AssignmentKey::new(round, &e, &a),
            "C3.1",
            Some(5.0),
            None
        )),
        "NOT_DECLARED"
    );
    store
        .declare_no_conflict(&expert(&e), &AssignmentKey::new(round, &e, &a))
        .unwrap();
    let sheet = store
        .score_sheet(&AssignmentKey::new(round, &e, &a))
        .unwrap();
    assert_eq!(sheet.stage, AssignmentStage::Declared);
    assert_eq!(sheet.scores.len(), 15);
    // An expert without the assignment, and a conflicted one, are refused.
    let board = store.review_board(round).unwrap();
    // Any pair of the board with neither an assignment nor a conflict (the demo has several:
    // 9 applications × 7 experts, 5 per application); the assertion runs, never skips.
    let (free_app, free_expert) = board
        .applications
        .iter()
        .flat_map(|app| board.experts.iter().map(move |x| (app, x)))
        .find(|(app, x)| {
            !board.cells.iter().any(|c| {
                c.application == app.id
                    && c.expert == x.id
                    && (c.assignment.is_some() || !c.conflicts.is_empty())
            })
        })
        .expect("a pair with neither an assignment nor a conflict");
    assert_eq!(
        code_of(store.declare_no_conflict(
            &expert(&free_expert.code),
            &AssignmentKey::new(round, &free_expert.code, &free_app.code)
        )),
        "NOT_ASSIGNED"
    );
    assert_eq!(
        code_of(store.declare_no_conflict(
            &expert("E001"),
            &AssignmentKey::new(round, "E001", "2026-GZ-01")
        )),
        "CONFLICT_OF_INTEREST"
    );
    assert_eq!(
        code_of(store.score_sheet(&AssignmentKey::new(round, "E001", "2026-GZ-01"))),
        "CONFLICT_OF_INTEREST"
    );
}

#[test]
fn bad_points_are_refused_and_stored_scores_stay() {
    let (_dir, mut store, round) = open_demo();
    let (e, a) = some_assignment(&store, round);
    store
        .declare_no_conflict(&expert(&e), &AssignmentKey::new(round, &e, &a))
        .unwrap();
    let who = expert(&e);
    store
        .set_score(
            &who,
            &AssignmentKey::new(round, &e, &a),
            "C3.1",
            Some(8.5),
            Some("基础扎实"),
        )
        .unwrap();
    for (points, code) in [
        (10.5, "OUT_OF_RANGE"),
        (-0.5, "OUT_OF_RANGE"),
        (f64::NAN, "OUT_OF_RANGE"),
        (7.3, "POINTS_OFF_STEP"),
    ] {
        assert_eq!(
            code_of(store.set_score(
                &who,
                &AssignmentKey::new(round, &e, &a),
                "C3.1",
                Some(points),
                None
            )),
            code,
            "{points}"
        );
    }
    assert_eq!(
        code_of(store.set_score(
            &who,
            &AssignmentKey::new(round, &e, &a),
            "C9.9",
            Some(1.0),
            None
        )),
        "NOT_FOUND"
    );
    let sheet = store
        .score_sheet(&AssignmentKey::new(round, &e, &a))
        .unwrap();
    let c31 = sheet.scores.iter().find(|s| s.code == "C3.1").unwrap();
    assert_eq!(
        (c31.points, c31.comment.as_str()),
        (Some(Points::from_centi(850)), "基础扎实")
    );
    assert_eq!(c31.band.as_deref(), Some("A"));
    assert_eq!(sheet.total, Points::from_centi(850));
}

#[test]
fn submit_needs_every_score_and_an_opinion_then_locks_until_reopened() {
    let (_dir, mut store, round) = open_demo();
    let (e, a) = some_assignment(&store, round);
    let who = expert(&e);
    store
        .declare_no_conflict(&who, &AssignmentKey::new(round, &e, &a))
        .unwrap();
    let criteria = all_criteria(&store, round);
    let err = store
        .submit_scores(&who, &AssignmentKey::new(round, &e, &a), Some("材料翔实"))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ScoresIncomplete);
    assert!(err.to_string().contains("C3.1"));
    for (code, max) in &criteria {
        store
            .set_score(
                &who,
                &AssignmentKey::new(round, &e, &a),
                code,
                Some(max - 1.0),
                None,
            )
            .unwrap();
    }
    let err = store
        .submit_scores(&who, &AssignmentKey::new(round, &e, &a), Some("  "))
        .unwrap_err();
    assert!(err.to_string().contains("评审意见"), "{err}");
    let sheet = store
        .submit_scores(
            &who,
            &AssignmentKey::new(round, &e, &a),
            Some("材料翔实，产业基础好。"),
        )
        .unwrap();
    assert_eq!(sheet.stage, AssignmentStage::Submitted);
    assert_eq!(sheet.total.to_f64(), 100.0 - criteria.len() as f64);
    assert_eq!(
        code_of(store.set_score(
            &who,
            &AssignmentKey::new(round, &e, &a),
            "C3.1",
            Some(1.0),
            None
        )),
        "SCORES_LOCKED"
    );
    assert_eq!(
        code_of(store.set_opinion(&who, &AssignmentKey::new(round, &e, &a), "改")),
        "SCORES_LOCKED"
    );
    assert_eq!(
        store
            .score_sheet(&AssignmentKey::new(round, &e, &a))
            .unwrap()
            .total,
        sheet.total
    );
    // Only the secretariat reopens, with a reason.
    assert_eq!(
        code_of(store.reopen_scores(&who, &AssignmentKey::new(round, &e, &a), "想改")),
        "SCORES_LOCKED"
    );
    assert_eq!(
        code_of(store.reopen_scores(&secretariat(), &AssignmentKey::new(round, &e, &a), "")),
        "OUT_OF_RANGE"
    );
    store
        .reopen_scores(
            &secretariat(),
            &AssignmentKey::new(round, &e, &a),
            "专家来电更正 C3.1",
        )
        .unwrap();
    store
        .set_score(
            &who,
            &AssignmentKey::new(round, &e, &a),
            "C3.1",
            Some(1.0),
            None,
        )
        .unwrap();
}

#[test]
fn declaring_a_conflict_removes_the_assignment_and_tells_the_secretariat() {
    let (_dir, mut store, round) = open_demo();
    let (e, a) = some_assignment(&store, round);
    store
        .declare_conflict(
            &expert(&e),
            &AssignmentKey::new(round, &e, &a),
            "本人配偶在该园区企业任职",
        )
        .unwrap();
    let board = store.review_board(round).unwrap();
    assert_eq!(board.notices.len(), 1);
    assert_eq!(board.notices[0].expert_code, e);
    assert_eq!(board.notices[0].reason, "本人配偶在该园区企业任职");
    assert_eq!(
        board
            .applications
            .iter()
            .find(|x| x.code == a)
            .unwrap()
            .assigned,
        4
    );
    assert_eq!(
        code_of(store.score_sheet(&AssignmentKey::new(round, &e, &a))),
        "CONFLICT_OF_INTEREST"
    );
}

#[test]
fn paper_scores_import_all_or_nothing_marked_with_who_entered_them() {
    let (_dir, mut store, round) = open_demo();
    let (e, a) = some_assignment(&store, round);
    let criteria = all_criteria(&store, round);
    let scores: BTreeMap<String, f64> = criteria.iter().map(|(c, m)| (c.clone(), *m)).collect();
    let good = ScoresEntry {
        format: None,
        round: "DEMO-2026".into(),
        expert: e.clone(),
        application: a.clone(),
        scores: scores.clone(),
        comments: BTreeMap::from([("C3.1".to_owned(), "纸质表原文".to_owned())]),
        opinion: "同意推荐".into(),
        declared_no_conflict: true,
        submitted: true,
    };
    let mut bad = good.clone();
    bad.expert = "E001".into();
    bad.application = "2026-GZ-01".into();
    assert_eq!(
        code_of(store.import_scores(&secretariat(), &[good.clone(), bad])),
        "CONFLICT_OF_INTEREST"
    );
    assert!(store
        .list_scores(round)
        .unwrap()
        .iter()
        .all(|r| r.scored == 0));
    let mut undeclared = good.clone();
    undeclared.declared_no_conflict = false;
    assert_eq!(
        code_of(store.import_scores(&secretariat(), &[undeclared])),
        "NOT_DECLARED"
    );
    assert_eq!(
        store
            .import_scores(&secretariat(), std::slice::from_ref(&good))
            .unwrap(),
        1
    );
    let row = store
        .list_scores(round)
        .unwrap()
        .into_iter()
        .find(|r| r.expert == e && r.application == a)
        .unwrap();
    assert_eq!(row.total, Points::from_centi(10_000));
    assert_eq!(row.stage, AssignmentStage::Submitted);
    assert_eq!(row.entered_by.as_deref(), Some("测试秘书"));
    assert_eq!(row.comments["C3.1"], "纸质表原文");
    assert_eq!(
        code_of(store.import_scores(&secretariat(), &[good])),
        "SCORES_LOCKED"
    );
}

#[test]
fn experts_are_added_to_the_registry_and_panel_and_conflict_by_credit_code() {
    let (_dir, mut store, round) = demo();
    let credit = store
        .application_record(round, "2026-SZ-01")
        .unwrap()
        .enterprises[0]
        .credit_code
        .clone();
    let added = store
        .add_experts(
            &secretariat(),
            round,
            &[ExpertRecord {
                code: "E101".into(),
                name: "赵敏".into(),
                employer: "某某投资有限公司".into(),
                city: Some(City::ZH),
                field: "产业投资".into(),
                contact: String::new(),
                employer_credit_code: credit,
                relations: vec![],
            }],
        )
        .unwrap();
    assert!(added[0].new_in_registry && !added[0].already_on_panel);
    assert_eq!(
        code_of(store.set_assignment(&secretariat(), round, "2026-SZ-01", &["E101".into()])),
        "CONFLICT_OF_INTEREST"
    );
    // The same code with another name is refused; nothing added.
    let mut clash = store.list_panel(round).unwrap()[0].clone();
    clash.name = "别人".into();
    let record = ExpertRecord {
        code: clash.code.clone(),
        name: clash.name,
        employer: clash.employer,
        city: clash.city,
        field: String::new(),
        contact: String::new(),
        employer_credit_code: String::new(),
        relations: vec![],
    };
    assert_eq!(
        code_of(store.add_experts(&secretariat(), round, &[record])),
        "DUPLICATE_CODE"
    );
    assert_eq!(store.list_panel(round).unwrap().len(), 8);
}

#[test]
fn scoring_before_the_round_opens_is_refused() {
    let (_dir, mut store, round) = demo();
    store.auto_assign(&secretariat(), round, None, 1).unwrap();
    let (e, a) = some_assignment(&store, round);
    assert_eq!(
        code_of(store.declare_no_conflict(&expert(&e), &AssignmentKey::new(round, &e, &a))),
        "ROUND_NOT_OPEN"
    );
}

#[test]
fn an_expert_leaves_the_panel_with_a_reason_but_not_after_submitting() {
    let (_dir, mut store, round) = open_demo();
    let rows = store.list_scores(round).unwrap();
    let leaving = rows[0].expert.clone();
    let theirs: Vec<String> = rows
        .iter()
        .filter(|r| r.expert == leaving)
        .map(|r| r.application.clone())
        .collect();
    assert!(!theirs.is_empty());
    // One of their applications pledged and half scored: a draft, kept in the audit log.
    let who = expert(&leaving);
    store
        .declare_no_conflict(&who, &AssignmentKey::new(round, &leaving, &theirs[0]))
        .unwrap();
    store
        .set_score(
            &who,
            &AssignmentKey::new(round, &leaving, &theirs[0]),
            "C3.1",
            Some(3.0),
            None,
        )
        .unwrap();
    assert_eq!(
        code_of(store.remove_from_panel(&secretariat(), round, &leaving, "  ")),
        "OUT_OF_RANGE"
    );
    let before = audit_count(&store);
    let removed = store
        .remove_from_panel(&secretariat(), round, &leaving, "因病不能参加评审")
        .unwrap();
    assert_eq!(removed.cancelled, theirs);
    assert_eq!(removed.started, vec![theirs[0].clone()]);
    assert!(!store
        .list_panel(round)
        .unwrap()
        .iter()
        .any(|e| e.code == leaving));
    assert!(!store
        .list_scores(round)
        .unwrap()
        .iter()
        .any(|r| r.expert == leaving));
    // One audit entry per cancelled assignment (with its scores) and one for the panel.
    assert_eq!(audit_count(&store), before + theirs.len() as i64 + 1);
    let draft: String = store
        .conn()
        .query_row(
            "SELECT detail FROM audit_log WHERE action = 'assignment.remove' ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(draft.contains("C3.1") && draft.contains("因病"), "{draft}");
    assert_eq!(
        code_of(store.remove_from_panel(&secretariat(), round, &leaving, "再次")),
        "NOT_FOUND"
    );

    // Another expert submits a sheet: they stay, and nothing changes.
    let rows = store.list_scores(round).unwrap();
    let (e, a) = (rows[0].expert.clone(), rows[0].application.clone());
    let who = expert(&e);
    store
        .declare_no_conflict(&who, &AssignmentKey::new(round, &e, &a))
        .unwrap();
    for (code, max) in all_criteria(&store, round) {
        store
            .set_score(
                &who,
                &AssignmentKey::new(round, &e, &a),
                &code,
                Some(max),
                None,
            )
            .unwrap();
    }
    store
        .submit_scores(&who, &AssignmentKey::new(round, &e, &a), Some("同意"))
        .unwrap();
    let before = audit_count(&store);
    let err = store
        .remove_from_panel(&secretariat(), round, &e, "临时有事")
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ScoresLocked);
    assert!(err.to_string().contains(&a), "{err}");
    assert_eq!(audit_count(&store), before);
    assert!(store.list_panel(round).unwrap().iter().any(|x| x.code == e));
}

/// A conflict found after the expert was assigned and had pledged (the secretariat learns of a
/// tie later): the expert's gate to the materials closes, scoring is refused, and the
/// withdrawal is in the audit log. Before that, `read_expert_attachment` opens exactly the
/// pledged application's files, and only to its assigned expert.
#[test]
fn a_conflict_found_after_the_pledge_closes_the_materials_and_the_sheet() {
    let (_dir, mut store, round) = open_demo();
    let (e, a) = some_assignment(&store, round);
    let key = AssignmentKey::new(round, &e, &a);
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    let attachment = store
        .add_attachment(&secretariat(), round, &a, "C2", "用地批复.pdf", pdf)
        .unwrap();
    // Before the pledge: closed.
    assert_eq!(
        code_of(store.read_expert_attachment(&key, &attachment.uid.0)),
        "NOT_DECLARED"
    );
    store.declare_no_conflict(&expert(&e), &key).unwrap();
    let (_, bytes) = store
        .read_expert_attachment(&key, &attachment.uid.0)
        .unwrap();
    assert_eq!(bytes, pdf);
    // Another application's file through this key: not this application's.
    let other_app = store
        .list_applications(round)
        .unwrap()
        .into_iter()
        .find(|x| x.code != a)
        .unwrap()
        .code;
    let elsewhere = store
        .add_attachment(
            &secretariat(),
            round,
            &other_app,
            "C2",
            "别的批复.pdf",
            b"%PDF-1.4 other\n%%EOF\n",
        )
        .unwrap();
    assert_eq!(
        code_of(store.read_expert_attachment(&key, &elsewhere.uid.0)),
        "NOT_FOUND"
    );
    // The conflict arises.
    let entries = audit_count(&store);
    store
        .add_conflict(&secretariat(), &key, "专家近期受聘为该园区运营公司顾问")
        .unwrap();
    assert!(audit_count(&store) > entries);
    let closed = code_of(store.read_expert_attachment(&key, &attachment.uid.0));
    assert!(
        closed == "CONFLICT_OF_INTEREST" || closed == "NOT_ASSIGNED",
        "{closed}"
    );
    assert!(matches!(
        code_of(store.set_score(&expert(&e), &key, "C3.1", Some(5.0), None)),
        "CONFLICT_OF_INTEREST" | "NOT_ASSIGNED"
    ));
    assert!(!store
        .list_scores(round)
        .unwrap()
        .iter()
        .any(|r| r.expert == e && r.application == a));
}
