//! The ranking read from the database (clause C3 tie-break, the guide's formal review P2):
//! checked against a recomputation from the scores themselves, and the two things that keep it
//! fast — the per-section sums kept by triggers and the formal-review cache — checked to follow
//! every write.

use std::collections::BTreeMap;

use park_review_domain::eligibility::{RuleId, RuleResult};
use park_review_domain::exchange::ScoresEntry;
use park_review_domain::ids::{AssignmentKey, RoundId};
use park_review_domain::ranking::{aggregate, zscore_adjusted, Aggregation, ExpertTotal};
use park_review_domain::Points;

use crate::{Actor, Store, Surface};

fn secretariat() -> Actor {
    Actor::secretariat("测试秘书", Surface::Program)
}

/// The demo round, opened, assigned, and every sheet but the last entered on paper with
/// varied points (the last is left declared and scored but not submitted).
fn scored_demo() -> (tempfile::TempDir, Store, RoundId) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.sqlite3")).unwrap();
    let round = store.load_demo(&Actor::system()).unwrap().round.id;
    store.open_round(&secretariat(), round).unwrap();
    store.auto_assign(&secretariat(), round, None, 1).unwrap();
    let criteria: Vec<(String, f64)> = store
        .rubric(round)
        .unwrap()
        .rubric
        .sections
        .iter()
        .flat_map(|s| &s.criteria)
        .map(|c| (c.code.clone(), c.max_points.to_f64()))
        .collect();
    let pairs: Vec<(String, String)> = store
        .list_scores(round)
        .unwrap()
        .into_iter()
        .map(|r| (r.expert, r.application))
        .collect();
    let mut state: u64 = 7;
    let entries: Vec<ScoresEntry> = pairs
        .iter()
        .enumerate()
        .map(|(n, (expert, application))| ScoresEntry {
            format: None,
            round: "DEMO-2026".into(),
            expert: expert.clone(),
            application: application.clone(),
            scores: criteria
                .iter()
                .map(|(code, max)| {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1);
                    let halves = (max * 2.0) as u64 + 1;
                    (code.clone(), ((state >> 33) % halves) as f64 / 2.0)
                })
                .collect(),
            comments: BTreeMap::new(),
            opinion: "同意".into(),
            declared_no_conflict: true,
            submitted: n + 1 < pairs.len(),
        })
        .collect();
    store.import_scores(&secretariat(), &entries).unwrap();
    (dir, store, round)
}

/// What finalising needs besides every sheet: each objective criterion the experts scored
/// differently settled in the 复核 (everyone given the first expert's points), each open
/// outlier resolved (after the 复核, which moves totals), and a site score for every
/// application that can have one.
fn resolve_outliers_and_enter_site_scores(store: &mut Store, round: RoundId) {
    for d in store.objective_disagreements(round).unwrap() {
        let agreed = d.points[0].points;
        for p in d.points.iter().filter(|p| p.points != agreed) {
            store
                .record_recheck(
                    &secretariat(),
                    &AssignmentKey::new(round, &p.expert, &d.application),
                    &d.criterion,
                    agreed.to_f64(),
                    Some("objective_differs"),
                    "经复核，按材料中的文件给分",
                )
                .unwrap();
        }
    }
    assert!(store.objective_disagreements(round).unwrap().is_empty());
    for row in store.ranking(round).unwrap().rows {
        for e in row
            .experts
            .iter()
            .filter(|e| e.outlier.as_ref().is_some_and(|o| o.resolution.is_none()))
        {
            store
                .resolve_outlier(
                    &secretariat(),
                    &AssignmentKey::new(round, &e.expert, &row.code),
                    "confirmed",
                    "已与专家核实",
                )
                .unwrap();
        }
    }
    for app in store.list_applications(round).unwrap() {
        let _ = store.set_site_score(&secretariat(), round, &app.code, 80.0, "纸质考察记录");
    }
}

/// Rows of `assignment_section_points` that disagree with the sums of the scores (either way).
fn section_sum_mismatches(store: &Store) -> i64 {
    store
        .conn()
        .query_row(
            "WITH truth AS (
                 SELECT s.assignment_id, c.section_id, SUM(s.points_centi) AS points_centi
                   FROM scores s JOIN criteria c ON c.id = s.criterion_id
                  WHERE s.points_centi IS NOT NULL GROUP BY 1, 2 HAVING SUM(s.points_centi) <> 0),
             kept AS (
                 SELECT assignment_id, section_id, points_centi FROM assignment_section_points
                  WHERE points_centi <> 0)
             SELECT (SELECT COUNT(*) FROM (SELECT * FROM truth EXCEPT SELECT * FROM kept))
                  + (SELECT COUNT(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM truth))",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn section_sums_follow_every_score_write() {
    let (_dir, mut store, round) = scored_demo();
    assert_eq!(section_sum_mismatches(&store), 0, "after the paper import");
    let sums: i64 = store
        .conn()
        .query_row("SELECT COUNT(*) FROM assignment_section_points", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(sums > 0);
    // The unsubmitted sheet: change a score, clear one, change a comment only.
    let open = store
        .list_scores(round)
        .unwrap()
        .into_iter()
        .find(|r| r.submitted_at.is_none())
        .unwrap();
    let who = Actor::expert(&open.expert, Surface::Program);
    let (e, a) = (open.expert.as_str(), open.application.as_str());
    store
        .set_score(
            &who,
            &AssignmentKey::new(round, e, a),
            "C3.1",
            Some(1.5),
            None,
        )
        .unwrap();
    assert_eq!(section_sum_mismatches(&store), 0, "after a change");
    store
        .set_score(&who, &AssignmentKey::new(round, e, a), "C3.1", None, None)
        .unwrap();
    assert_eq!(section_sum_mismatches(&store), 0, "after clearing a score");
    store
        .set_score_comment(&who, &AssignmentKey::new(round, e, a), "C3.1", "仅改评语")
        .unwrap();
    assert_eq!(section_sum_mismatches(&store), 0, "after a comment");
    store
        .set_score(
            &who,
            &AssignmentKey::new(round, e, a),
            "C3.1",
            Some(2.0),
            None,
        )
        .unwrap();
    // A submitted sheet reopened and re-scored.
    let done = store
        .list_scores(round)
        .unwrap()
        .into_iter()
        .find(|r| r.submitted_at.is_some())
        .unwrap();
    store
        .reopen_scores(
            &secretariat(),
            &AssignmentKey::new(round, &done.expert, &done.application),
            "更正",
        )
        .unwrap();
    let who = Actor::expert(&done.expert, Surface::Program);
    store
        .set_score(
            &who,
            &AssignmentKey::new(round, &done.expert, &done.application),
            "C3.1",
            Some(0.5),
            None,
        )
        .unwrap();
    assert_eq!(
        section_sum_mismatches(&store),
        0,
        "after a reopened sheet changed"
    );
    // Deleting scores (as an assignment's removal cascades) takes them out of the sums.
    store
        .conn()
        .execute(
            "DELETE FROM scores WHERE id IN (SELECT id FROM scores ORDER BY id LIMIT 7)",
            [],
        )
        .unwrap();
    assert_eq!(section_sum_mismatches(&store), 0, "after deleting scores");
    // A criterion moved to another section (only possible by hand in SQL once scores exist)
    // carries its points along.
    store
        .conn()
        .execute(
            "UPDATE criteria SET section_id = (SELECT MAX(id) FROM rubric_sections
                                                 WHERE rubric_id = criteria.rubric_id AND id <> criteria.section_id)
             WHERE code = 'C3.2'",
            [],
        )
        .unwrap();
    assert_eq!(
        section_sum_mismatches(&store),
        0,
        "after moving a criterion"
    );
}

/// The material score and the section scores of every application, recomputed from the
/// individual scores with the domain's functions, equal what the ranking read says — for every
/// aggregation method.
#[test]
fn the_ranking_equals_a_recomputation_from_the_individual_scores() {
    let (_dir, mut store, round) = scored_demo();
    let rubric = store.rubric(round).unwrap().rubric;
    let sheets: Vec<_> = store
        .list_scores(round)
        .unwrap()
        .into_iter()
        .filter(|r| r.submitted_at.is_some())
        .collect();
    let centi = |p: Points| p.centi();
    let total = |r: &crate::ScoreRow| r.scores.values().map(|p| centi(*p)).sum::<i64>();
    for method in [
        Aggregation::Mean,
        Aggregation::Median,
        Aggregation::TrimmedMean,
        Aggregation::Zscore,
    ] {
        store
            .set_ranking_settings(&secretariat(), round, method, 0.6, 15.0, None, None)
            .unwrap();
        let report = store.ranking(round).unwrap();
        let adjusted: BTreeMap<(String, String), i64> = zscore_adjusted(
            &sheets
                .iter()
                .map(|r| ExpertTotal {
                    application: r.application.as_str(),
                    expert: r.expert.as_str(),
                    total: total(r),
                })
                .collect::<Vec<_>>(),
            10_000,
        )
        .into_iter()
        .map(|t| ((t.application.to_owned(), t.expert.to_owned()), t.total))
        .collect();
        for row in &report.rows {
            let mine: Vec<_> = sheets
                .iter()
                .filter(|r| r.application == row.code)
                .collect();
            assert_eq!(row.submitted as usize, mine.len(), "{}", row.code);
            let experts: Vec<(&str, Points)> = mine
                .iter()
                .map(|r| (r.expert.as_str(), Points::from_centi(total(r))))
                .collect();
            let shown: Vec<(&str, Points)> = row
                .experts
                .iter()
                .map(|e| (e.expert.as_str(), e.total))
                .collect();
            assert_eq!(shown, experts, "{} ({method:?})", row.code);
            let values: Vec<i64> = if method == Aggregation::Zscore {
                mine.iter()
                    .map(|r| adjusted[&(r.application.clone(), r.expert.clone())])
                    .collect()
            } else {
                mine.iter().map(|r| total(r)).collect()
            };
            assert_eq!(
                row.material_score.map(centi),
                aggregate(&values, method),
                "{} ({method:?})",
                row.code
            );
            let section_method = if method == Aggregation::Zscore {
                Aggregation::Mean
            } else {
                method
            };
            for (section, shown) in rubric.sections.iter().zip(&row.sections) {
                let sums: Vec<i64> = mine
                    .iter()
                    .map(|r| {
                        section
                            .criteria
                            .iter()
                            .filter_map(|c| r.scores.get(&c.code))
                            .map(|p| centi(*p))
                            .sum()
                    })
                    .collect();
                assert_eq!(shown.code, section.code);
                assert_eq!(shown.score.map(centi), aggregate(&sums, section_method));
            }
            // The tie-break's industrial base (C3) is the section whose criteria cite C3.
            let c3 = rubric
                .sections
                .iter()
                .position(|s| {
                    s.criteria
                        .iter()
                        .any(|c| c.clauses.iter().any(|k| k == "C3"))
                })
                .unwrap();
            assert_eq!(row.industrial_base, row.sections[c3].score);
        }
    }
}

#[test]
fn the_formal_review_cache_follows_every_change_of_the_facts() {
    let (_dir, mut store, round) = scored_demo();
    let eligible = |store: &Store, code: &str| {
        store
            .ranking(round)
            .unwrap()
            .rows
            .into_iter()
            .find(|r| r.code == code)
            .unwrap()
            .eligible
    };
    // Computed one application at a time (cold), and read from the cache (warm): both equal
    // the full formal review's overall results, application by application.
    let full: BTreeMap<i64, RuleResult> = {
        let ids: BTreeMap<String, i64> = store
            .list_applications(round)
            .unwrap()
            .into_iter()
            .map(|a| (a.code, a.id.0))
            .collect();
        store
            .eligibility(round)
            .unwrap()
            .into_iter()
            .map(|e| (ids[&e.code], e.result))
            .collect()
    };
    assert!(
        full.values().any(|r| *r != RuleResult::Pass),
        "the demo has a mix"
    );
    for pass in ["cold", "warm"] {
        let results: BTreeMap<i64, RuleResult> = store
            .formal_review_results(round)
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(results, full, "{pass}");
    }
    let first = store.list_applications(round).unwrap()[0].clone();
    assert!(eligible(&store, &first.code));
    // The cache now holds the round; a rule overridden to fail is seen at once.
    store
        .override_rule(
            &secretariat(),
            round,
            &first.code,
            RuleId::C2,
            RuleResult::Fail,
            "用地手续经核查不全",
        )
        .unwrap();
    assert!(!eligible(&store, &first.code), "override");
    store
        .override_rule(
            &secretariat(),
            round,
            &first.code,
            RuleId::C2,
            RuleResult::Pass,
            "补充材料后核实",
        )
        .unwrap();
    assert!(eligible(&store, &first.code), "override lifted");
    // A declared fact edited so that C2 (≥ 300 亩) fails without an override.
    store
        .conn()
        .execute(
            "DELETE FROM eligibility_overrides WHERE application_id = ?1",
            [first.id.0],
        )
        .unwrap();
    let mut record = store.application_record(round, &first.code).unwrap();
    record.planned_area_mu = 120.0;
    store
        .update_application(&secretariat(), round, &first.code, &record)
        .unwrap();
    assert!(!eligible(&store, &first.code), "fact edited");
    // The cache is what answers while the facts stand still: tampering with it shows …
    store
        .conn()
        .execute(
            "UPDATE formal_review_cache SET result = 'pass' WHERE application_id = ?1",
            [first.id.0],
        )
        .unwrap();
    assert!(eligible(&store, &first.code));
    // … and a build whose rules differ never takes it.
    store
        .conn()
        .execute(
            "UPDATE formal_review_cache_rounds SET rules_fingerprint = 'older-rules'",
            [],
        )
        .unwrap();
    assert!(!eligible(&store, &first.code), "other rules' cache ignored");
}

/// Locks that hold (issue 15): finalising waits for every sheet; afterwards nothing that feeds
/// the ranking changes, through any code path — and not even through SQL written by hand,
/// because the database's own triggers refuse it inside the writing transaction.
#[test]
fn a_finalised_ranking_no_longer_moves_and_the_database_itself_refuses() {
    use park_review_domain::{Coded, ErrorCode};
    let (_dir, mut store, round) = scored_demo();
    let last = store
        .list_scores(round)
        .unwrap()
        .into_iter()
        .find(|r| r.submitted_at.is_none())
        .unwrap();
    let key = AssignmentKey::new(round, &last.expert, &last.application);
    let err = store.finalise_ranking(&secretariat(), round).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidTransition, "{err}");
    assert!(err.to_string().contains(&last.expert), "{err}");
    store
        .submit_scores(
            &Actor::expert(&last.expert, Surface::Program),
            &key,
            Some("同意"),
        )
        .unwrap();
    resolve_outliers_and_enter_site_scores(&mut store, round);
    let before = serde_json::to_value(&store.ranking(round).unwrap().rows).unwrap();
    store.finalise_ranking(&secretariat(), round).unwrap();

    // Through the store: every path refused with RANKING_FINALISED.
    let expert = Actor::expert(&last.expert, Surface::Program);
    let refused = [
        store
            .reopen_scores(&secretariat(), &key, "复核")
            .unwrap_err(),
        store
            .set_score(&expert, &key, "C3.1", Some(1.0), None)
            .unwrap_err(),
        store
            .set_site_score(&secretariat(), round, &last.application, 60.0, "另一份记录")
            .unwrap_err(),
    ];
    for err in &refused {
        assert!(
            matches!(
                err.code(),
                ErrorCode::RankingFinalised | ErrorCode::ScoresLocked
            ),
            "{err}"
        );
    }
    assert_eq!(refused[0].code(), ErrorCode::RankingFinalised);

    // Through SQL by hand, on a second connection (as another process would): the triggers.
    let raw = rusqlite::Connection::open(store.path()).unwrap();
    let assignment: i64 = raw
        .query_row(
            "SELECT id FROM assignments WHERE round_id = ?1 LIMIT 1",
            [round.0],
            |r| r.get(0),
        )
        .unwrap();
    for sql in [
        format!("UPDATE scores SET points_centi = 0 WHERE assignment_id = {assignment}"),
        format!("UPDATE assignments SET submitted_at = NULL WHERE id = {assignment}"),
        format!("DELETE FROM site_scores WHERE application_id = (SELECT application_id FROM assignments WHERE id = {assignment})"),
    ] {
        let err = raw.execute(&sql, []).unwrap_err().to_string();
        assert!(err.contains("PARK_REVIEW:"), "{sql}: {err}");
    }
    drop(raw);
    assert_eq!(
        serde_json::to_value(&store.ranking(round).unwrap().rows).unwrap(),
        before
    );
}

/// The database refuses a changed score on a submitted sheet and a score without a pledge,
/// whoever writes it; a paper file naming a sheet twice cannot change it after it submitted.
#[test]
fn submitted_scores_and_pledges_are_enforced_by_the_database() {
    use park_review_domain::{Coded, ErrorCode};
    let (_dir, mut store, round) = scored_demo();
    let submitted = store
        .list_scores(round)
        .unwrap()
        .into_iter()
        .find(|r| r.submitted_at.is_some())
        .unwrap();
    let raw = rusqlite::Connection::open(store.path()).unwrap();
    let err = raw
        .execute(
            "UPDATE scores SET points_centi = points_centi + 50 WHERE assignment_id =
               (SELECT a.id FROM assignments a JOIN applications p ON p.id = a.application_id
                JOIN experts e ON e.id = a.expert_id WHERE p.code = ?1 AND e.code = ?2)",
            [&submitted.application, &submitted.expert],
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("PARK_REVIEW:SCORES_LOCKED"), "{err}");
    // A new assignment has no pledge: a score written by hand is refused.
    let undeclared: Option<i64> = raw
        .query_row(
            "SELECT id FROM assignments WHERE declared_no_conflict_at IS NULL LIMIT 1",
            [],
            |r| r.get(0),
        )
        .ok();
    if let Some(id) = undeclared {
        let err = raw
            .execute(
                "INSERT INTO scores (uid, assignment_id, criterion_id, points_centi, updated_at)
                 VALUES ('x', ?1, (SELECT min(id) FROM criteria), 100, 't')",
                [id],
            )
            .unwrap_err()
            .to_string();
        assert!(err.contains("PARK_REVIEW:NOT_DECLARED"), "{err}");
    }
    drop(raw);
    // The same sheet twice in one paper file: the second would change a sheet the first
    // submitted. Refused whole, before anything is written: one paper sheet is one entry.
    let pending = store
        .list_scores(round)
        .unwrap()
        .into_iter()
        .find(|r| r.submitted_at.is_none())
        .unwrap();
    let criteria: Vec<String> = store
        .rubric(round)
        .unwrap()
        .rubric
        .sections
        .iter()
        .flat_map(|s| &s.criteria)
        .map(|c| c.code.clone())
        .collect();
    let entry = |points: f64| ScoresEntry {
        format: None,
        round: "DEMO-2026".into(),
        expert: pending.expert.clone(),
        application: pending.application.clone(),
        scores: criteria.iter().map(|c| (c.clone(), points)).collect(),
        comments: BTreeMap::new(),
        opinion: "同意".into(),
        declared_no_conflict: true,
        submitted: true,
    };
    let before = serde_json::to_value(store.list_scores(round).unwrap()).unwrap();
    let err = store
        .import_scores(&secretariat(), &[entry(1.0), entry(2.0)])
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ImportMalformed, "{err}");
    assert!(err.to_string().contains("同一张评分表"), "{err}");
    assert_eq!(
        serde_json::to_value(store.list_scores(round).unwrap()).unwrap(),
        before
    );
}

/// The gate (issue 16): an application whose formal review is still 待补正 is listed as such,
/// never ranked or selected; finalising is refused while such an application could be selected
/// once complete, and goes through once its review is complete.
#[test]
fn an_application_still_to_be_completed_is_not_ranked_and_holds_up_finalising() {
    use park_review_domain::eligibility::Material;
    use park_review_domain::{Coded, ErrorCode};
    let (_dir, mut store, round) = scored_demo();
    let last = store
        .list_scores(round)
        .unwrap()
        .into_iter()
        .find(|r| r.submitted_at.is_none())
        .unwrap();
    store
        .submit_scores(
            &Actor::expert(&last.expert, Surface::Program),
            &AssignmentKey::new(round, &last.expert, &last.application),
            Some("同意"),
        )
        .unwrap();
    resolve_outliers_and_enter_site_scores(&mut store, round);
    let settings = store.ranking_settings(round).unwrap();
    store
        .set_ranking_settings(
            &secretariat(),
            round,
            settings.aggregation,
            settings.material_weight,
            settings.outlier_margin.to_f64(),
            Some(2),
            None,
        )
        .unwrap();
    let first = store.ranking(round).unwrap().selected[0].clone();

    // Its supporting materials turn out to be missing: 待补正, out of the ranking.
    store
        .check_material(
            &secretariat(),
            round,
            &first,
            Material::Supporting,
            false,
            "缺辅助材料",
        )
        .unwrap();
    let report = store.ranking(round).unwrap();
    let row = report.rows.iter().find(|r| r.code == first).unwrap();
    assert!(row.formal_pending && !row.eligible, "{row:?}");
    assert_eq!((row.rank, row.selected), (None, false));
    assert!(!report.selected.contains(&first));
    let err = store.finalise_ranking(&secretariat(), round).unwrap_err();
    assert_eq!(err.code(), ErrorCode::FormalReviewPending, "{err}");
    assert!(err.to_string().contains(&first), "{err}");
    assert!(store
        .ranking_settings(round)
        .unwrap()
        .finalised_at
        .is_none());

    // Supplied and checked: ranked again, and the ranking can be finalised.
    store
        .check_material(
            &secretariat(),
            round,
            &first,
            Material::Supporting,
            true,
            "已补交",
        )
        .unwrap();
    assert!(store.ranking(round).unwrap().selected.contains(&first));
    store.finalise_ranking(&secretariat(), round).unwrap();
}

/// The 复核 (issue 16) is the one way past the score lock, inside SQLite too: a recorded change
/// moves exactly its score from exactly its old points to its new ones; without one, or to other
/// points, or on another criterion, the database refuses.
#[test]
fn the_score_lock_lets_through_only_the_recheck_change_recorded_for_that_score() {
    use park_review_domain::{Coded, ErrorCode};
    let (_dir, mut store, round) = scored_demo();
    let submitted = store
        .list_scores(round)
        .unwrap()
        .into_iter()
        .find(|r| r.submitted_at.is_some())
        .unwrap();
    let key = AssignmentKey::new(round, &submitted.expert, &submitted.application);
    let old = store.score_sheet(&key).unwrap().scores[0].points.unwrap();
    let criterion = store.score_sheet(&key).unwrap().scores[0].code.clone();
    let new = if old.centi() >= 100 {
        old.to_f64() - 1.0
    } else {
        old.to_f64() + 0.5
    };
    // Without a case: refused, nothing recorded.
    let err = store
        .record_recheck(&secretariat(), &key, &criterion, new, None, "理由")
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::RecheckCaseRequired, "{err}");
    assert!(store.rechecks(round).unwrap().is_empty());
    let change = store
        .record_recheck(
            &secretariat(),
            &key,
            &criterion,
            new,
            Some("abnormal"),
            "评审委员会认定该项评分畸低",
        )
        .unwrap();
    assert_eq!((change.old_points, change.new_points.to_f64()), (old, new));
    let sheet = store.score_sheet(&key).unwrap();
    assert_eq!(sheet.scores[0].points.unwrap().to_f64(), new);
    assert!(sheet.submitted_at.is_some(), "the sheet stays submitted");

    // By hand, past the program: the recorded change does not open the score to other points,
    // nor other scores of the sheet.
    let raw = rusqlite::Connection::open(store.path()).unwrap();
    for sql in [
        "UPDATE scores SET points_centi = points_centi + 50 WHERE id = (SELECT s.id FROM scores s JOIN criteria c ON c.id = s.criterion_id
           JOIN assignments a ON a.id = s.assignment_id JOIN applications p ON p.id = a.application_id
           JOIN experts e ON e.id = a.expert_id WHERE p.code = ?1 AND e.code = ?2 AND c.code = ?3)",
        "UPDATE scores SET points_centi = 0 WHERE id = (SELECT s.id FROM scores s JOIN criteria c ON c.id = s.criterion_id
           JOIN assignments a ON a.id = s.assignment_id JOIN applications p ON p.id = a.application_id
           JOIN experts e ON e.id = a.expert_id WHERE p.code = ?1 AND e.code = ?2 AND c.code != ?3 LIMIT 1)",
    ] {
        let err = raw
            .execute(sql, [&submitted.application, &submitted.expert, &criterion])
            .unwrap_err()
            .to_string();
        assert!(err.contains("PARK_REVIEW:SCORES_LOCKED"), "{err}");
    }
    assert_eq!(store.rechecks(round).unwrap().len(), 1);
}
