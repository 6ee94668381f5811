use super::*;
use crate::exchange::parse_rubric;
use crate::model::RubricSection;
use crate::{Coded, Points};

const DEFAULT: &str = include_str!("../../../../assets/rubrics/default-designation.json");

fn p(points: f64) -> Points {
    Points::from_f64(points).unwrap()
}

fn criterion(code: &str, max: f64) -> Criterion {
    Criterion {
        code: code.into(),
        title: format!("评分项 {code}"),
        guidance: String::new(),
        max_points: p(max),
        step: p(0.5),
        bands: vec![],
        clauses: vec!["C3".into()],
        objective: false,
    }
}

fn rubric(criteria: Vec<Criterion>) -> Rubric {
    Rubric {
        title: "测试细则".into(),
        sections: vec![RubricSection {
            code: "S1".into(),
            title: "产业基础".into(),
            criteria,
        }],
    }
}

fn band(label: &str, lo: f64, hi: f64) -> Band {
    Band {
        label: label.into(),
        min_points: p(lo),
        max_points: p(hi),
        description: String::new(),
    }
}

#[test]
fn the_shipped_rubric_is_valid_and_weights_industrial_base_highest() {
    let r = parse_rubric(DEFAULT).unwrap();
    assert_eq!(rubric_problems(&r), Vec::<String>::new());
    let section_total = |s: &RubricSection| s.criteria.iter().map(|c| c.max_points).sum::<Points>();
    let industrial = r
        .sections
        .iter()
        .find(|s| {
            s.criteria.iter().any(|c| {
                c.clauses
                    .iter()
                    .any(|k| crate::Clause::parse(k) == Some(crate::Clause::C3))
            })
        })
        .unwrap();
    for s in &r.sections {
        assert!(section_total(s) <= section_total(industrial), "{}", s.code);
    }
}

#[test]
fn points_must_add_up_to_100() {
    let problems = rubric_problems(&rubric(vec![criterion("A", 60.0), criterion("B", 39.5)]));
    assert_eq!(problems, vec!["各评分项满分合计为 99.5 分，应为 100 分"]);
    assert!(rubric_problems(&rubric(vec![criterion("A", 60.0), criterion("B", 40.0)])).is_empty());
}

#[test]
fn duplicate_criterion_codes_are_named() {
    let problems = rubric_problems(&rubric(vec![
        criterion("C3.1", 50.0),
        criterion("C3.1", 50.0),
    ]));
    assert_eq!(
        problems,
        vec!["评分项 C3.1：编号重复，评分项编号在细则中必须唯一"]
    );
}

#[test]
fn each_broken_criterion_rule_is_reported() {
    let check = |mutate: fn(&mut Criterion), expected: &str| {
        let mut c = criterion("X", 50.0);
        mutate(&mut c);
        let problems = rubric_problems(&rubric(vec![c, criterion("Y", 50.0)]));
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "expected “{expected}” in {problems:?}"
        );
    };
    check(|c| c.step = Points::ZERO, "步长须大于 0");
    check(|c| c.step = p(3.0), "不是步长 3 的整数倍");
    check(|c| c.max_points = p(-5.0), "满分须大于 0");
    check(|c| c.clauses = vec!["C8".into()], "条款“C8”");
    check(|c| c.title = " ".into(), "缺少名称");
    check(
        |c| c.bands = vec![band("A", 40.0, 50.0), band("B", 30.0, 40.0)],
        "重叠",
    );
    check(
        |c| c.bands = vec![band("A", 40.0, 55.0)],
        "分数范围 40–55 无效",
    );
    check(
        |c| c.bands = vec![band("A", 40.25, 50.0)],
        "不是步长的整数倍",
    );
    check(
        |c| c.bands = vec![band("A", 40.0, 50.0), band("A", 0.0, 10.0)],
        "档次“A”重复",
    );
}

#[test]
fn clause_ids_follow_domain_md() {
    for ok in ["C1", "C7", "P5", "T8", "A3"] {
        assert!(crate::Clause::parse(ok).is_some(), "{ok}");
    }
    for bad in ["C0", "C8", "T9", "A4", "X1", "", "C", "c3"] {
        assert!(crate::Clause::parse(bad).is_none(), "{bad}");
    }
}

#[test]
fn the_fingerprint_changes_with_any_edit_and_only_then() {
    let a = rubric(vec![criterion("A", 60.0), criterion("B", 40.0)]);
    let mut b = a.clone();
    assert_eq!(rubric_sha256(&a), rubric_sha256(&b));
    assert_eq!(rubric_sha256(&a).len(), 64);
    b.sections[0].criteria[0].guidance = "看原件".into();
    assert_ne!(rubric_sha256(&a), rubric_sha256(&b));
}

#[test]
fn points_are_checked_against_max_and_step() {
    let c = criterion("C3.1", 8.0);
    assert_eq!(check_points(&c, 7.5).unwrap().centi(), 750);
    assert_eq!(check_points(&c, 0.0).unwrap().centi(), 0);
    assert_eq!(check_points(&c, 8.0).unwrap().centi(), 800);
    let code = |p: f64| check_points(&c, p).unwrap_err().code().as_str();
    assert_eq!(code(8.5), "OUT_OF_RANGE");
    assert_eq!(code(-0.5), "OUT_OF_RANGE");
    assert_eq!(code(f64::NAN), "OUT_OF_RANGE");
    assert_eq!(code(f64::INFINITY), "OUT_OF_RANGE");
    assert_eq!(code(7.3), "POINTS_OFF_STEP");
    assert_eq!(code(7.333), "OUT_OF_RANGE");
    let message = check_points(&c, 7.3).unwrap_err().to_string();
    assert!(message.contains("步长 0.5"), "{message}");
}

#[test]
fn the_band_hint_follows_the_typed_points() {
    let mut c = criterion("C3.1", 8.0);
    c.bands = vec![
        band("A", 7.0, 8.0),
        band("B", 5.0, 6.5),
        band("C", 0.0, 4.5),
    ];
    assert_eq!(
        band_for(&c, Points::from_f64(7.5).unwrap()).map(|b| b.label.as_str()),
        Some("A")
    );
    assert_eq!(
        band_for(&c, Points::from_f64(5.0).unwrap()).map(|b| b.label.as_str()),
        Some("B")
    );
    assert_eq!(band_for(&c, Points::from_f64(6.75).unwrap()), None);
    assert_eq!(
        band_for(&c, Points::from_f64(0.0).unwrap()).map(|b| b.label.as_str()),
        Some("C")
    );
}

#[test]
fn points_print_without_trailing_zeros() {
    assert_eq!(format_points(7.0), "7");
    assert_eq!(format_points(7.5), "7.5");
    assert_eq!(format_points(7.25), "7.25");
}

/// Points in a rubric file are exact hundredths: a maximum with three decimals is refused when
/// the file is read, saying why, instead of being rounded.
#[test]
fn a_rubric_file_with_three_decimals_is_refused() {
    let text = DEFAULT.replacen("\"max_points\": 8,", "\"max_points\": 7.333,", 1);
    assert_ne!(
        text, DEFAULT,
        "the shipped rubric has a criterion of 8 points"
    );
    let err = parse_rubric(&text).unwrap_err();
    assert_eq!(err.code(), crate::ErrorCode::ImportMalformed);
    assert!(err.to_string().contains("最多两位小数"), "{err}");
}
