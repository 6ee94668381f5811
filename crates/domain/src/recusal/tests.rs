use super::*;

const NANSHA_CHIP: &str = "91440101MA5CXXXX1A";

fn app() -> ApplicationParties<'static> {
    ApplicationParties {
        park_name: "广州南沙人工智能产业园",
        management_body: "广州南沙经济技术开发区人工智能产业园管理委员会",
        city: City::GZ,
        enterprises: vec![
            ("南沙智能芯片有限公司", NANSHA_CHIP),
            ("南沙视觉感知有限公司", "91440101MA5CXXXX2B"),
        ],
    }
}

/// One row of the recusal table: an expert, whether the same-city switch is on, and the kinds
/// of conflict expected.
fn check(
    employer: &str,
    credit_code: &str,
    city: Option<City>,
    relations: &[&str],
    same_city: bool,
    expected: &[ConflictKind],
) {
    let relations: Vec<String> = relations.iter().map(|r| (*r).to_owned()).collect();
    let expert = ExpertParties {
        employer,
        employer_credit_code: credit_code,
        city,
        relations: &relations,
    };
    let kinds: Vec<ConflictKind> = find_conflicts(&expert, &app(), same_city)
        .into_iter()
        .map(|c| c.kind)
        .collect();
    assert_eq!(
        kinds, expected,
        "employer {employer}, city {city:?}, relations {relations:?}"
    );
}

#[test]
fn recusal_rules() {
    use ConflictKind::*;
    let sz = Some(City::SZ);
    let gz = Some(City::GZ);
    // No tie at all.
    check("中山大学人工智能学院", "", sz, &[], true, &[]);
    // Employer is the management body; spacing and bracket width do not matter.
    check(
        "广州南沙经济技术开发区人工智能产业园管理委员会",
        "",
        sz,
        &[],
        true,
        &[ManagementBody],
    );
    check(
        " 广州南沙经济技术开发区 人工智能产业园管理委员会",
        "",
        sz,
        &[],
        true,
        &[ManagementBody],
    );
    // Employer is a listed enterprise, by name, by a branch of it, or by credit code only.
    check("南沙智能芯片有限公司", "", sz, &[], true, &[Enterprise]);
    check(
        "南沙智能芯片有限公司深圳分公司",
        "",
        sz,
        &[],
        true,
        &[Enterprise],
    );
    check(
        "某某科技（深圳）有限公司",
        NANSHA_CHIP,
        sz,
        &[],
        true,
        &[Enterprise],
    );
    check(
        "某某科技(深圳)有限公司",
        "91440300MA5FFFFF3C",
        sz,
        &[],
        true,
        &[],
    );
    // A different enterprise whose name merely shares a prefix with a listed one.
    check("南沙智能", "", sz, &[], true, &[]);
    // Same city: on by default, off when the round switches it off; experts from outside
    // Guangdong have no city.
    check("中山大学人工智能学院", "", gz, &[], true, &[SameCity]);
    check("中山大学人工智能学院", "", gz, &[], false, &[]);
    check("中国科学院自动化研究所", "", None, &[], true, &[]);
    // Declared relations name the park, the body, an enterprise or its credit code.
    check(
        "中山大学",
        "",
        sz,
        &["广州南沙人工智能产业园"],
        true,
        &[DeclaredRelation],
    );
    check(
        "中山大学",
        "",
        sz,
        &[NANSHA_CHIP],
        true,
        &[DeclaredRelation],
    );
    check("中山大学", "", sz, &["深圳某某公司"], true, &[]);
    // Several at once, in a stable order.
    check(
        "南沙智能芯片有限公司",
        "",
        gz,
        &["南沙视觉感知有限公司"],
        true,
        &[Enterprise, SameCity, DeclaredRelation],
    );
}

#[test]
fn dismissed_findings_drop_out_and_recorded_ones_are_added() {
    let relations = vec![];
    let expert = ExpertParties {
        employer: "南沙智能芯片有限公司",
        employer_credit_code: "",
        city: Some(City::GZ),
        relations: &relations,
    };
    let automatic = find_conflicts(&expert, &app(), true);
    assert_eq!(automatic.len(), 2);
    let recorded = vec![Conflict {
        kind: ConflictKind::Manual,
        key: "uid-1".into(),
        reason: "曾任园区顾问".into(),
    }];
    let effective = effective_conflicts(automatic, &["same_city".into()], &recorded);
    let kinds: Vec<_> = effective.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [ConflictKind::Enterprise, ConflictKind::Manual]);
    assert!(effective[0].reason.contains("南沙智能芯片有限公司"));
}
