use super::*;
use crate::exchange::parse_checklist;
use crate::model::{Enterprise, RndCooperation};

const SHIPPED: &str = include_str!("../../../../assets/checklists/designation-site.json");

fn item(code: &str, response: Response, weight: u32) -> ChecklistItem {
    ChecklistItem {
        code: code.into(),
        prompt: format!("考察 {code}"),
        guidance: String::new(),
        clauses: vec!["C2".into()],
        response,
        required: true,
        evidence_required: false,
        weight,
        declared: None,
    }
}

fn area() -> Response {
    Response::Number {
        unit: "亩".into(),
        at_least: Some(300.0),
        min: 0.0,
        max: 100_000.0,
    }
}

fn checklist(sections: Vec<(&str, Vec<ChecklistItem>)>) -> Checklist {
    Checklist {
        code: "T".into(),
        title: "测试清单".into(),
        round_kind: RoundKind::Designation,
        sections: sections
            .into_iter()
            .map(|(code, items)| ChecklistSection {
                code: code.into(),
                title: code.into(),
                items,
            })
            .collect(),
    }
}

fn status(s: ItemStatus) -> Answer {
    Answer {
        status: Some(s),
        ..Answer::default()
    }
}

fn answers(list: &[(&str, Answer)]) -> BTreeMap<String, Answer> {
    list.iter()
        .map(|(c, a)| ((*c).to_owned(), a.clone()))
        .collect()
}

/// The shipped designation checklist is valid, covers every condition C1–C7 and the tasks T1,
/// T2, T3 and T7, and quotes the guide exactly where it says it does.
#[test]
fn the_shipped_checklist_covers_c1_to_c7_and_quotes_the_guide() {
    let checklist = parse_checklist(SHIPPED).unwrap();
    assert_eq!(checklist_problems(&checklist), Vec::<String>::new());
    let clauses: BTreeSet<&str> = checklist
        .items()
        .flat_map(|i| i.clauses.iter().map(String::as_str))
        .collect();
    for clause in [
        "C1", "C2", "C3", "C4", "C5", "C6", "C7", "T1", "T2", "T3", "T7",
    ] {
        assert!(clauses.contains(clause), "no item verifies {clause}");
    }
    let guide = include_str!("../../../../assets/guide/申报指南.txt");
    for item in checklist.items() {
        if let Some(rest) = item.guidance.strip_prefix("指南原文：“") {
            let quoted = &rest[..rest.find('”').unwrap()];
            assert!(
                guide.contains(quoted),
                "{}: not the guide's words: {quoted}",
                item.code
            );
        }
    }
    // The thresholds are the guide's: 300 亩, 3 platforms, 5 enterprises, 3 service platforms.
    let at_least = |code: &str| match &checklist.item(code).unwrap().response {
        Response::Number { at_least, .. } => *at_least,
        _ => None,
    };
    assert_eq!(at_least("C2.1"), Some(300.0));
    assert_eq!(at_least("C4.1"), Some(3.0));
    assert_eq!(at_least("C4.2"), Some(5.0));
    assert_eq!(at_least("C6.1"), Some(3.0));
}

#[test]
fn a_checklist_with_duplicate_codes_a_scored_text_or_no_scored_item_is_refused() {
    let bad = checklist(vec![(
        "S",
        vec![
            item("A", Response::Status, 1),
            item("A", Response::Status, 1),
            item("B", Response::Text, 2),
        ],
    )]);
    let problems = checklist_problems(&bad).join("\n");
    assert!(problems.contains("重复"), "{problems}");
    assert!(problems.contains("不能计分"), "{problems}");
    let unscored = checklist(vec![("S", vec![item("A", Response::Status, 0)])]);
    assert!(checklist_problems(&unscored).join("").contains("没有计分"));
    let no_threshold = checklist(vec![(
        "S",
        vec![item(
            "N",
            Response::Number {
                unit: "个".into(),
                at_least: None,
                min: 0.0,
                max: 10.0,
            },
            3,
        )],
    )]);
    assert!(checklist_problems(&no_threshold)
        .join("")
        .contains("at_least"));
}

/// Site-score arithmetic, exact to the hundredth: 符合 1, 基本符合 0.6, 不符合 0, 不适用 left
/// out, weighted, per section and in total.
#[test]
fn the_site_score_is_exact_to_the_hundredth() {
    let list = checklist(vec![
        (
            "A",
            vec![
                item("A1", Response::Status, 2),
                item("A2", Response::Status, 1),
            ],
        ),
        (
            "B",
            vec![item("B1", area(), 3), item("B2", Response::Status, 0)],
        ),
    ]);
    use ItemStatus::*;
    /// Answers given → total, section A, section B (hundredths).
    type Case<'a> = (Vec<(&'a str, Answer)>, i64, Option<i64>, Option<i64>);
    let cases: Vec<Case> = vec![
        // everything met
        (
            vec![
                ("A1", status(Confirmed)),
                ("A2", status(Confirmed)),
                (
                    "B1",
                    Answer {
                        value: Some(320.0),
                        ..Answer::default()
                    },
                ),
            ],
            10_000,
            Some(10_000),
            Some(10_000),
        ),
        // A: (2×1 + 1×0.6)/3 = 86.67; B: 280 < 300 → 0; total (2 + 0.6 + 0)/6 = 43.33
        (
            vec![
                ("A1", status(Confirmed)),
                ("A2", status(Partly)),
                (
                    "B1",
                    Answer {
                        value: Some(280.0),
                        ..Answer::default()
                    },
                ),
            ],
            4_333,
            Some(8_667),
            Some(0),
        ),
        // 不适用 is left out of both numerator and denominator: A2 n/a → A = 100, total = 2/5 = 40
        (
            vec![
                ("A1", status(Confirmed)),
                ("A2", status(NotApplicable)),
                (
                    "B1",
                    Answer {
                        value: Some(10.0),
                        ..Answer::default()
                    },
                ),
            ],
            4_000,
            Some(10_000),
            Some(0),
        ),
        // every scored item n/a in A: A has no score; unanswered B1 counts as 不符合
        (
            vec![("A1", status(NotApplicable)), ("A2", status(NotApplicable))],
            0,
            None,
            Some(0),
        ),
        // 1/3 → 33.33 (rounded half up: 2/3 → 66.67)
        (
            vec![
                ("A1", status(NotMet)),
                ("A2", status(Confirmed)),
                (
                    "B1",
                    Answer {
                        value: Some(300.0),
                        ..Answer::default()
                    },
                ),
            ],
            6_667,
            Some(3_333),
            Some(10_000),
        ),
    ];
    for (given, total, a, b) in cases {
        let score = site_score(&list, &answers(&given), StatusFactors::DEFAULT);
        assert_eq!(score.total, Points::from_centi(total), "{given:?}");
        assert_eq!(score.sections[0].1, a.map(Points::from_centi), "{given:?}");
        assert_eq!(score.sections[1].1, b.map(Points::from_centi), "{given:?}");
    }
    // Configurable per round: 基本符合 worth 0.5.
    let half = StatusFactors {
        partly: 500,
        ..StatusFactors::DEFAULT
    };
    let score = site_score(
        &list,
        &answers(&[
            ("A1", status(Partly)),
            ("A2", status(Partly)),
            (
                "B1",
                Answer {
                    value: Some(300.0),
                    ..Answer::default()
                },
            ),
        ]),
        half,
    );
    assert_eq!(score.total, Points::from_centi(7_500));
}

#[test]
fn answers_are_checked_against_their_item() {
    let area_item = item("C2.1", area(), 10);
    let ok = Answer {
        value: Some(280.0),
        ..Answer::default()
    };
    assert!(check_answer(&area_item, &ok).is_ok());
    let status_on_number = status(ItemStatus::Confirmed);
    let err = check_answer(&area_item, &status_on_number).unwrap_err();
    assert!(err.to_string().contains("不选状态"), "{err}");
    let implausible = Answer {
        value: Some(-5.0),
        ..Answer::default()
    };
    assert!(check_answer(&area_item, &implausible).is_err());
    let nan = Answer {
        value: Some(f64::NAN),
        ..Answer::default()
    };
    assert!(check_answer(&area_item, &nan).is_err());
    let value_on_status = Answer {
        value: Some(1.0),
        ..Answer::default()
    };
    assert!(check_answer(&item("K", Response::Status, 1), &value_on_status).is_err());
    assert!(check_answer(&item("Z", Response::Text, 0), &status(ItemStatus::Partly)).is_err());
}

fn record() -> ApplicationRecord {
    let demo =
        crate::exchange::parse_demo_round(include_str!("../../../../assets/demo/round-2026.json"))
            .unwrap();
    demo.applications[0].clone()
}

/// Pre-fill: the branch of C3 the park qualified by, the counts, the area.
#[test]
fn items_are_prefilled_with_the_declared_facts() {
    let mut app = record();
    app.planned_area_mu = 320.0;
    app.enterprises = vec![
        Enterprise {
            name: "甲".into(),
            credit_code: String::new(),
            ai_output_wan_yuan: 6000.0,
        },
        Enterprise {
            name: "乙".into(),
            credit_code: String::new(),
            ai_output_wan_yuan: 5000.0,
        },
        Enterprise {
            name: "丙".into(),
            credit_code: String::new(),
            ai_output_wan_yuan: 1200.0,
        },
    ];
    // Two backbone enterprises are not three: the park qualifies (if at all) by the ≥ 1000 万元
    // branch, where the backbone ones count too.
    let (branch, list) = qualifying_enterprises(&app);
    assert!(branch.contains("1000"), "{branch}");
    assert_eq!(list.len(), 3);
    app.enterprises.push(Enterprise {
        name: "丁".into(),
        credit_code: String::new(),
        ai_output_wan_yuan: 9000.0,
    });
    let (branch, list) = qualifying_enterprises(&app);
    assert!(branch.contains("5000"), "{branch}");
    assert_eq!(
        list.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        ["甲", "乙", "丁"]
    );
    assert_eq!(
        declared(&app, DeclaredFact::PlannedAreaMu).number,
        Some(320.0)
    );
    assert!(declared(&app, DeclaredFact::QualifyingEnterprises)
        .text
        .contains("丁（9000 万元）"));
    // C4 counts distinct enterprises, not agreements.
    app.rnd_cooperations = vec![
        RndCooperation {
            enterprise: "甲".into(),
            partner: "中山大学".into(),
            partner_kind: crate::model::PartnerKind::University,
        },
        RndCooperation {
            enterprise: "甲".into(),
            partner: "华南理工大学".into(),
            partner_kind: crate::model::PartnerKind::University,
        },
        RndCooperation {
            enterprise: "乙".into(),
            partner: "某研究院".into(),
            partner_kind: crate::model::PartnerKind::Institute,
        },
    ];
    assert_eq!(
        declared(&app, DeclaredFact::RndCooperationEnterpriseCount).number,
        Some(2.0)
    );
}

/// Declared 320 亩, found 280 亩: a discrepancy on C2; a count that matches is none.
#[test]
fn a_verified_number_that_differs_from_the_declared_one_is_a_discrepancy() {
    let checklist = parse_checklist(SHIPPED).unwrap();
    let mut app = record();
    app.planned_area_mu = 320.0;
    let platforms = app.innovation_platforms.len() as f64;
    let found = answers(&[
        (
            "C2.1",
            Answer {
                value: Some(280.0),
                ..Answer::default()
            },
        ),
        (
            "C4.1",
            Answer {
                value: Some(platforms),
                ..Answer::default()
            },
        ),
    ]);
    let list = discrepancies(&checklist, &app, &found);
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(
        (list[0].item.as_str(), list[0].declared, list[0].found),
        ("C2.1", 320.0, 280.0)
    );
    assert_eq!(list[0].clauses, ["C2"]);
}

/// Finalising needs every required item answered and its evidence present.
#[test]
fn what_is_missing_names_unanswered_items_and_missing_evidence() {
    let mut with_evidence = item("P", Response::Status, 1);
    with_evidence.evidence_required = true;
    let mut optional = item("O", Response::Status, 1);
    optional.required = false;
    let list = checklist(vec![(
        "S",
        vec![with_evidence, optional, item("Z", Response::Text, 0)],
    )]);
    let missing_now = missing(&list, &answers(&[("P", status(ItemStatus::Confirmed))]));
    assert_eq!(missing_now, ["P（缺少照片或文件佐证）", "Z（未填写）"]);
    let done = answers(&[
        (
            "P",
            Answer {
                status: Some(ItemStatus::Confirmed),
                evidence: 1,
                ..Answer::default()
            },
        ),
        (
            "Z",
            Answer {
                text: "园区建设有序。".into(),
                ..Answer::default()
            },
        ),
    ]);
    assert!(missing(&list, &done).is_empty());
    // 不适用 needs no evidence.
    let not_applicable = answers(&[
        ("P", status(ItemStatus::NotApplicable)),
        (
            "Z",
            Answer {
                text: "无".into(),
                ..Answer::default()
            },
        ),
    ]);
    assert!(missing(&list, &not_applicable).is_empty());
}
