//! The columns of each sheet: Chinese header, exchange-format field, and kind of value.

/// What a cell holds, and how it maps to the JSON value of `park-review/application@1`.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Text,
    /// A required text.
    RequiredText,
    /// A whole number ≥ 1.
    Rank,
    /// A number ≥ 0 (areas, 万元).
    Number,
    /// 是 / 否.
    YesNo,
    /// A Chinese label from the list, stored as its code; required.
    Choice(&'static [(&'static str, &'static str)]),
    /// The same, but may be left empty (the format's default applies).
    OptionalChoice(&'static [(&'static str, &'static str)]),
}

#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub header: &'static str,
    pub field: &'static str,
    pub kind: Kind,
    pub width: f64,
}

const fn col(header: &'static str, field: &'static str, kind: Kind, width: f64) -> Column {
    Column {
        header,
        field,
        kind,
        width,
    }
}

pub const CODE_HEADER: &str = "申报编号";

pub const POLICY: &[(&str, &str)] = &[
    ("已出台", "issued"),
    ("正在制定", "drafting"),
    ("未制定", "none"),
];
pub const INNOVATION_KIND: &[(&str, &str)] = &[
    ("众创空间", "maker_space"),
    ("企业研发机构", "enterprise_rnd"),
    ("孵化器", "incubator"),
    ("其他", "other"),
];
pub const PARTNER_KIND: &[(&str, &str)] = &[
    ("高校", "university"),
    ("科研院所", "institute"),
    ("人工智能领军企业", "leading_enterprise"),
];
/// Labels earlier templates offered, still read: the first template said 龙头 where the guide
/// (C4) says 领军.
pub const FORMER_LABELS: &[(&str, &str)] = &[("人工智能龙头企业", "leading_enterprise")];
pub const SERVICE_KIND: &[(&str, &str)] = &[
    ("创业投资基金", "venture_fund"),
    ("融资服务", "financing"),
    ("人才培训", "talent_training"),
    ("技术咨询", "tech_consulting"),
    ("其他", "other"),
];

pub const PARK_SHEET: &str = "园区";
pub const PARK_COLUMNS: &[Column] = &[
    col(CODE_HEADER, "code", Kind::RequiredText, 14.0),
    col("园区名称", "park_name", Kind::RequiredText, 30.0),
    col("所在地市", "city", Kind::RequiredText, 10.0),
    col("区县", "district", Kind::Text, 12.0),
    col("园区管理机构", "management_body", Kind::Text, 30.0),
    col("联系人", "contact_name", Kind::Text, 10.0),
    col("联系电话", "contact_phone", Kind::Text, 16.0),
    col("推荐顺序", "city_recommendation_rank", Kind::Rank, 10.0),
    col(
        "领导牵头工作机制",
        "leadership_mechanism",
        Kind::YesNo,
        10.0,
    ),
    col("政府管理机构", "has_management_body", Kind::YesNo, 10.0),
    col("专门运营团队", "has_operating_team", Kind::YesNo, 10.0),
    col("规划建设面积（亩）", "planned_area_mu", Kind::Number, 12.0),
    col("用地依法审批", "land_approved", Kind::YesNo, 10.0),
    col("土地权属清晰", "land_ownership_clear", Kind::YesNo, 10.0),
    col("符合相关规划", "conforms_to_plans", Kind::YesNo, 10.0),
    col(
        "市级规划和扶持政策",
        "city_policy_status",
        Kind::OptionalChoice(POLICY),
        12.0,
    ),
    col(
        "县级财政扶持资金（万元）",
        "county_funding_wan_yuan",
        Kind::Number,
        14.0,
    ),
    col("资金计划", "county_funding_plan", Kind::Text, 30.0),
    col("千兆光纤入园", "gigabit_fibre_to_park", Kind::YesNo, 10.0),
    col(
        "百兆光纤到企业",
        "fibre_100m_to_enterprises",
        Kind::YesNo,
        10.0,
    ),
    col(
        "交通与生活配套完善",
        "transport_and_living_facilities",
        Kind::YesNo,
        10.0,
    ),
    col("环评审查意见或批复", "eia_approved", Kind::YesNo, 10.0),
    col(
        "近三年无重大污染承诺",
        "no_major_pollution_3y_pledged",
        Kind::YesNo,
        10.0,
    ),
];

/// A list sheet: its name, the list's field in the application, and its columns after 申报编号.
pub struct ListSheet {
    pub name: &'static str,
    pub field: &'static str,
    pub columns: &'static [Column],
}

pub const LIST_SHEETS: &[ListSheet] = &[
    ListSheet {
        name: "企业",
        field: "enterprises",
        columns: &[
            col("企业名称", "name", Kind::RequiredText, 30.0),
            col("统一社会信用代码", "credit_code", Kind::RequiredText, 22.0),
            col(
                "AI产品年产值（万元）",
                "ai_output_wan_yuan",
                Kind::Number,
                14.0,
            ),
        ],
    },
    ListSheet {
        name: "创新平台",
        field: "innovation_platforms",
        columns: &[
            col("平台名称", "name", Kind::RequiredText, 30.0),
            col("平台类型", "kind", Kind::Choice(INNOVATION_KIND), 14.0),
        ],
    },
    ListSheet {
        name: "研发合作",
        field: "rnd_cooperations",
        columns: &[
            col("园区企业", "enterprise", Kind::RequiredText, 30.0),
            col("合作单位", "partner", Kind::RequiredText, 30.0),
            col(
                "合作单位类型",
                "partner_kind",
                Kind::Choice(PARTNER_KIND),
                16.0,
            ),
        ],
    },
    ListSheet {
        name: "服务平台",
        field: "service_platforms",
        columns: &[
            col("平台名称", "name", Kind::RequiredText, 30.0),
            col("平台类型", "kind", Kind::Choice(SERVICE_KIND), 14.0),
        ],
    },
];
