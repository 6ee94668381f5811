//! Table-driven boundary tests for every rule: the number on each side of each threshold.

use super::*;
use crate::model::{
    Enterprise, InnovationPlatform, InnovationPlatformKind, PartnerKind, RndCooperation,
    ServicePlatform, ServicePlatformKind,
};

const CODE: &str = "91350100M000100Y43";

fn enterprises(outputs: &[f64]) -> Vec<Enterprise> {
    outputs
        .iter()
        .enumerate()
        .map(|(i, &o)| Enterprise {
            name: format!("企业{i}"),
            credit_code: CODE.into(),
            ai_output_wan_yuan: o,
        })
        .collect()
}

/// An application that meets every condition, documents checked aside.
fn passing(code: &str, city: City, rank: u32) -> ApplicationRecord {
    ApplicationRecord {
        code: code.into(),
        park_name: format!("{code} 园区"),
        city,
        district: String::new(),
        management_body: "管委会".into(),
        contact_name: String::new(),
        contact_phone: String::new(),
        city_recommendation_rank: rank,
        leadership_mechanism: true,
        has_management_body: true,
        has_operating_team: true,
        planned_area_mu: 300.0,
        land_approved: true,
        land_ownership_clear: true,
        conforms_to_plans: true,
        enterprises: enterprises(&[5000.0, 5000.0, 5000.0]),
        innovation_platforms: (0..3)
            .map(|i| InnovationPlatform {
                name: format!("平台{i}"),
                kind: InnovationPlatformKind::Incubator,
            })
            .collect(),
        rnd_cooperations: (0..5)
            .map(|i| RndCooperation {
                enterprise: format!("企业{i}"),
                partner: "中山大学".into(),
                partner_kind: PartnerKind::University,
            })
            .collect(),
        city_policy_status: PolicyStatus::Issued,
        county_funding_wan_yuan: 1000.0,
        county_funding_plan: "三年计划".into(),
        service_platforms: (0..3)
            .map(|i| ServicePlatform {
                name: format!("服务{i}"),
                kind: ServicePlatformKind::Financing,
            })
            .collect(),
        gigabit_fibre_to_park: true,
        fibre_100m_to_enterprises: true,
        transport_and_living_facilities: true,
        eia_approved: true,
        no_major_pollution_3y_pledged: true,
    }
}

fn result_of(app: &ApplicationRecord, rule: RuleId) -> (RuleResult, String) {
    evaluate_conditions(app, |_| true)
        .into_iter()
        .find(|(id, ..)| *id == rule)
        .map(|(_, r, d)| (r, d))
        .unwrap()
}

#[track_caller]
fn check(
    rule: RuleId,
    edit: impl Fn(&mut ApplicationRecord),
    expected: RuleResult,
    detail_contains: &str,
) {
    let mut app = passing("T", City::SG, 1);
    edit(&mut app);
    let (result, detail) = result_of(&app, rule);
    assert_eq!(result, expected, "{rule:?}: {detail}");
    assert!(
        detail.contains(detail_contains),
        "{rule:?}: “{detail}” lacks “{detail_contains}”"
    );
}

#[test]
fn c2_area_boundary_299_9_fails_300_passes() {
    check(
        RuleId::C2,
        |a| a.planned_area_mu = 299.9,
        RuleResult::Fail,
        "299.9 亩",
    );
    check(
        RuleId::C2,
        |a| a.planned_area_mu = 300.0,
        RuleResult::Pass,
        "300 亩",
    );
    check(
        RuleId::C2,
        |a| a.land_approved = false,
        RuleResult::Fail,
        "用地依法审批：否",
    );
    assert!(RuleId::C2.is_soft());
}

#[test]
fn c3_backbone_branch_at_4999_and_5000() {
    check(
        RuleId::C3,
        |a| a.enterprises = enterprises(&[5000.0, 5000.0, 4999.0]),
        RuleResult::Fail,
        "骨干企业 2 家（需≥3家）",
    );
    check(
        RuleId::C3,
        |a| a.enterprises = enterprises(&[5000.0, 5000.0, 5000.0]),
        RuleResult::Pass,
        "骨干企业 3 家",
    );
}

#[test]
fn c3_ten_enterprise_branch_at_999_and_1000() {
    let nine_and_one_short = [&[1000.0; 9][..], &[999.0]].concat();
    let ten = [1000.0; 10];
    check(
        RuleId::C3,
        |a| a.enterprises = enterprises(&nine_and_one_short),
        RuleResult::Fail,
        "1000万元企业 9 家（需≥10家）",
    );
    check(
        RuleId::C3,
        |a| a.enterprises = enterprises(&ten),
        RuleResult::Pass,
        "1000万元企业 10 家",
    );
}

#[test]
fn c3_a_backbone_enterprise_counts_toward_the_second_branch_too() {
    let mixed = [&[6000.0; 2][..], &[1000.0; 8]].concat();
    check(
        RuleId::C3,
        |a| a.enterprises = enterprises(&mixed),
        RuleResult::Pass,
        "骨干企业 2 家",
    );
}

#[test]
fn c4_platforms_2_and_3_cooperations_4_and_5() {
    check(
        RuleId::C4,
        |a| {
            a.innovation_platforms.pop();
        },
        RuleResult::Fail,
        "创新服务平台 2 个",
    );
    check(RuleId::C4, |_| {}, RuleResult::Pass, "创新服务平台 3 个");
    check(
        RuleId::C4,
        |a| {
            a.rnd_cooperations.pop();
        },
        RuleResult::Fail,
        "研发合作的企业 4 家",
    );
    check(RuleId::C4, |_| {}, RuleResult::Pass, "研发合作的企业 5 家");
}

#[test]
fn c4_counts_distinct_enterprises_not_agreements() {
    check(
        RuleId::C4,
        |a| a.rnd_cooperations[4].enterprise = " 企业0 ".into(),
        RuleResult::Fail,
        "研发合作的企业 4 家（需≥5家，合作协议 5 项）",
    );
}

#[test]
fn c6_service_platforms_2_and_3_and_fibre() {
    check(
        RuleId::C6,
        |a| {
            a.service_platforms.pop();
        },
        RuleResult::Fail,
        "服务平台 2 个",
    );
    check(RuleId::C6, |_| {}, RuleResult::Pass, "服务平台 3 个");
    check(
        RuleId::C6,
        |a| a.gigabit_fibre_to_park = false,
        RuleResult::Fail,
        "千兆光纤进园区：否",
    );
}

#[test]
fn documented_rules_need_a_person_before_they_pass() {
    let app = passing("T", City::SG, 1);
    let unchecked = evaluate_conditions(&app, |_| false);
    for (rule, result, _) in unchecked {
        let expected = if rule.needs_documents() {
            RuleResult::NeedsReview
        } else {
            RuleResult::Pass
        };
        assert_eq!(result, expected, "{rule:?}");
    }
    check(
        RuleId::C1,
        |a| a.has_operating_team = false,
        RuleResult::Fail,
        "专门运营服务团队：否",
    );
    check(
        RuleId::C5,
        |a| a.city_policy_status = PolicyStatus::None,
        RuleResult::Fail,
        "未制定",
    );
    check(
        RuleId::C5,
        |a| a.city_policy_status = PolicyStatus::Drafting,
        RuleResult::Pass,
        "正在制定",
    );
    check(
        RuleId::C7,
        |a| a.no_major_pollution_3y_pledged = false,
        RuleResult::Fail,
        "承诺：否",
    );
}

fn quota_results(apps: &[(City, u32)]) -> Vec<RuleResult> {
    let input: Vec<_> = apps
        .iter()
        .enumerate()
        .map(|(i, &(c, r))| (i, c, r, i as u32 + 1))
        .collect();
    let out = evaluate_quota(&input);
    (0..apps.len()).map(|i| out[&i].0).collect()
}

#[test]
fn p2_quota_two_for_guangzhou_one_for_shaoguan() {
    use RuleResult::{Fail, Pass};
    assert_eq!(quota_results(&[(City::GZ, 1), (City::GZ, 2)]), [Pass, Pass]);
    assert_eq!(
        quota_results(&[(City::GZ, 3), (City::GZ, 1), (City::GZ, 2)]),
        [Fail, Pass, Pass]
    );
    assert_eq!(quota_results(&[(City::SG, 1)]), [Pass]);
    assert_eq!(quota_results(&[(City::SG, 2), (City::SG, 1)]), [Fail, Pass]);
    assert_eq!(
        quota_results(&[(City::SZ, 1), (City::SG, 1), (City::SZ, 2)]),
        [Pass, Pass, Pass]
    );
}

#[test]
fn overrides_replace_the_result_and_keep_the_computed_one() {
    let mut app = passing("2026-FS-01", City::FS, 1);
    app.planned_area_mu = 298.5;
    let mut records = recorded(&Material::ALL);
    let before = review_round(&[(app.clone(), 1, records.clone())]);
    assert_eq!(before[0].result, RuleResult::Fail);

    records.overrides.insert(
        RuleId::C2,
        RuleOverride {
            result: RuleResult::Pass,
            reason: "差1.5亩，集中连片".into(),
            by: "秘书".into(),
            at: "t".into(),
        },
    );
    let after = review_round(&[(app, 1, records)]);
    let c2 = after[0].rules.iter().find(|r| r.id == RuleId::C2).unwrap();
    assert_eq!(
        (c2.result, c2.computed),
        (RuleResult::Pass, RuleResult::Fail)
    );
    assert_eq!(after[0].result, RuleResult::Pass);
}

#[test]
fn overall_result_fail_beats_needs_review_beats_pass() {
    let app = passing("T", City::SG, 1);
    let unchecked = review_round(&[(app.clone(), 1, ReviewRecords::default())]);
    assert_eq!(unchecked[0].result, RuleResult::NeedsReview);
    let mut bad = app;
    bad.planned_area_mu = 10.0;
    assert_eq!(
        review_round(&[(bad, 1, ReviewRecords::default())])[0].result,
        RuleResult::Fail
    );
}

#[test]
fn figures_print_without_float_noise() {
    assert_eq!(num(299.9), "299.9");
    assert_eq!(num(300.0), "300");
    assert_eq!(num(4999.999), "5000");
    assert_eq!(num(0.1 + 0.2), "0.3");
}

/// The streaming results (what the ranking of a large round uses) equal the full review's
/// overall results: every condition, document checks, overrides (P2's too) and the quota.
#[test]
fn round_results_equal_the_full_reviews_overall_results() {
    let check = DocumentCheck {
        by: "秘书".into(),
        at: "t".into(),
        note: String::new(),
    };
    let decision = |result| RuleOverride {
        result,
        reason: "核实".into(),
        by: "秘书".into(),
        at: "t".into(),
    };
    let mut apps = Vec::new();
    for n in 0..40u32 {
        let city = [City::GZ, City::SG, City::FS, City::SZ][n as usize % 4];
        let mut app = passing(&format!("A{n}"), city, n % 3 + 1);
        if n % 5 == 1 {
            app.planned_area_mu = 120.0;
        }
        if n % 7 == 2 {
            app.enterprises = enterprises(&[4999.0]);
        }
        let mut records = ReviewRecords::default();
        if n % 2 == 0 {
            records = recorded(&Material::ALL);
            for rule in RuleId::ALL.into_iter().filter(|r| r.needs_documents()) {
                records.document_checks.insert(rule, check.clone());
            }
        }
        if n % 12 == 10 {
            records.materials.remove(&Material::Supporting);
        }
        if n % 6 == 3 {
            records
                .overrides
                .insert(RuleId::P2, decision(RuleResult::Pass));
        }
        if n % 9 == 4 {
            records
                .overrides
                .insert(RuleId::C2, decision(RuleResult::Fail));
        }
        if n % 10 == 1 {
            records
                .overrides
                .insert(RuleId::C2, decision(RuleResult::Pass));
        }
        apps.push((app, 40 - n, records));
    }
    let full: Vec<RuleResult> = review_round(&apps).iter().map(|e| e.result).collect();
    let mut streamed = RoundResults::default();
    for (app, order, records) in &apps {
        streamed.add(app, *order, records);
    }
    let streamed = streamed.finish();
    assert_eq!(streamed, full);
    // The mix is not trivial: every result occurs.
    for r in [RuleResult::Pass, RuleResult::Fail, RuleResult::NeedsReview] {
        assert!(full.contains(&r), "{r:?}");
    }
}

/// Every clause shown as the guide's text is the guide's text: each quote appears in the
/// published guide (assets/guide/申报指南.txt, the seed), white space aside.
#[test]
fn every_quoted_clause_is_the_guides_own_words() {
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let guide = squeeze(include_str!("../../../../assets/guide/申报指南.txt"));
    let quotes = RuleId::ALL
        .into_iter()
        .map(|r| (r.as_str().to_owned(), r.clause_zh()))
        .chain([("P1".to_owned(), P1_CLAUSE_ZH)])
        .chain(
            Material::ALL
                .into_iter()
                .map(|m| (format!("P4({})", m.number()), m.name_zh())),
        );
    for (id, quote) in quotes {
        assert!(
            guide.contains(&squeeze(quote)),
            "{id} is not quoted exactly: {quote}"
        );
    }
    // The words the issue found changed, as the guide has them.
    assert!(RuleId::C4.clause_zh().contains("领军"));
    assert!(RuleId::C5.clause_zh().contains("县级以上政府（管委会）"));
    assert!(RuleId::C6.clause_zh().contains("基本实现"));
    assert!(RuleId::C7.clause_zh().contains("园区及其内部企业"));
    assert!(RuleId::P2.clause_zh().contains("申报数量"));
    assert_eq!(PartnerKind::LeadingEnterprise.name_zh(), "人工智能领军企业");
}

/// C2's 一般 and C6's 基本实现: a fail is soft only when it rests on that part alone.
#[test]
fn a_fail_is_soft_only_on_the_qualified_part() {
    let mut app = passing("A", City::ST, 1);
    app.planned_area_mu = 298.5;
    assert!(soft_failure(&app, RuleId::C2));
    app.land_approved = false;
    assert!(
        !soft_failure(&app, RuleId::C2),
        "land not approved is a hard fail"
    );
    let mut app = passing("A", City::ST, 1);
    app.fibre_100m_to_enterprises = false;
    assert_eq!(result_of(&app, RuleId::C6).0, RuleResult::Fail);
    assert!(soft_failure(&app, RuleId::C6));
    app.service_platforms.pop();
    assert!(
        !soft_failure(&app, RuleId::C6),
        "two service platforms is a hard fail"
    );
    let reviewed = review_round(&[(passing("B", City::ST, 1), 1, ReviewRecords::default())]);
    assert!(
        reviewed[0].rules.iter().all(|r| !r.soft),
        "nothing failed, nothing soft"
    );
}

fn recorded(present: &[Material]) -> ReviewRecords {
    let mut records = ReviewRecords {
        recommendation: Some(CityRecommendation {
            opinion: "经审核，材料真实，同意推荐".into(),
            letter_date: "2026-09-01".into(),
            signatory: "汕头市工业和信息化局 李某".into(),
            order: 1,
            by: "秘书处".into(),
            at: "2026-09-02T09:00:00+08:00".into(),
        }),
        letter_attached: true,
        ..ReviewRecords::default()
    };
    for rule in RuleId::ALL.into_iter().filter(|r| r.needs_documents()) {
        records.document_checks.insert(
            rule,
            DocumentCheck {
                by: "秘书处".into(),
                at: "2026-09-02T09:00:00+08:00".into(),
                note: String::new(),
            },
        );
    }
    for m in Material::ALL {
        records.materials.insert(
            m,
            MaterialCheck {
                present: present.contains(&m),
                note: String::new(),
                by: "秘书处".into(),
                at: "2026-09-02T09:00:00+08:00".into(),
            },
        );
    }
    records
}

/// P3 and P4: the city's recommendation with its letter, and the three materials. Anything
/// not yet recorded is 待补正 with what is missing named; all recorded and present passes.
#[test]
fn the_citys_recommendation_and_the_materials_decide_p3_and_p4() {
    let app = passing("A", City::ST, 1);
    let all = recorded(&Material::ALL);
    let review = |records: ReviewRecords| review_round(&[(app.clone(), 1, records)]).remove(0);
    let rule = |e: &Eligibility, id: RuleId| e.rules.iter().find(|r| r.id == id).unwrap().clone();

    let done = review(all.clone());
    assert_eq!(done.result, RuleResult::Pass);
    assert!(rule(&done, RuleId::P3).detail.contains("推荐顺序第 1"));
    assert!(rule(&done, RuleId::P4)
        .detail
        .contains("（1）齐全，（2）齐全，（3）齐全"));

    let nothing = review(ReviewRecords::default());
    assert_eq!(nothing.result, RuleResult::NeedsReview);
    let p3 = rule(&nothing, RuleId::P3);
    assert_eq!(p3.result, RuleResult::NeedsReview);
    assert!(
        p3.detail
            .contains("尚未记录汕头市经济和信息化主管部门的审核推荐"),
        "{}",
        p3.detail
    );
    assert!(p3.detail.contains("缺推荐函"), "{}", p3.detail);
    assert!(rule(&nothing, RuleId::P4).detail.contains("（1）未核对"));

    let no_letter = review(ReviewRecords {
        letter_attached: false,
        ..all.clone()
    });
    assert_eq!(rule(&no_letter, RuleId::P3).result, RuleResult::NeedsReview);

    let missing = review(recorded(&[Material::ApplicationForm, Material::Supporting]));
    assert_eq!(missing.result, RuleResult::NeedsReview);
    let p4 = rule(&missing, RuleId::P4);
    assert_eq!(p4.result, RuleResult::NeedsReview);
    assert!(p4.detail.contains("（2）缺"), "{}", p4.detail);

    let mut nobody = app.clone();
    nobody.management_body = " ".into();
    let unnamed = review_round(&[(nobody, 1, all)]).remove(0);
    assert!(rule(&unnamed, RuleId::P3).detail.contains("未填写申报主体"));
    assert_eq!(unnamed.result, RuleResult::NeedsReview);

    // The round's summary path agrees.
    let mut results = RoundResults::default();
    results.add(&app, 1, &recorded(&Material::ALL));
    let mut other = app.clone();
    other.city = City::SG;
    results.add(&other, 2, &recorded(&[Material::ApplicationForm]));
    assert_eq!(
        results.finish(),
        [RuleResult::Pass, RuleResult::NeedsReview]
    );
}

/// P2 per year: a supplementary round has what the year's earlier rounds left.
#[test]
fn p2_counts_the_earlier_rounds_of_the_year() {
    let apps = [
        (0, City::GZ, 1, 1),
        (1, City::GZ, 2, 2),
        (2, City::SG, 1, 3),
    ];
    let fresh = evaluate_quota_in_year(&apps, &BTreeMap::new());
    assert_eq!(fresh[&1].0, RuleResult::Pass);
    let used = BTreeMap::from([(City::GZ, 1), (City::SG, 1)]);
    let later = evaluate_quota_in_year(&apps, &used);
    assert_eq!(
        [later[&0].0, later[&1].0, later[&2].0],
        [RuleResult::Pass, RuleResult::Fail, RuleResult::Fail]
    );
    assert!(
        later[&1].1.contains("本年度此前批次已申报 1 个"),
        "{}",
        later[&1].1
    );
}
