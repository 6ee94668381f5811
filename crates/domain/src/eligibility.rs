//! Formal review (形式审查): the hard conditions of the guide (一.(一), C1–C7), the number of
//! applications per city (一.(二).2, P2), the city's review and recommendation (一.(二).3, P3)
//! and the required materials (一.(二).4, P4), evaluated from what an application declares and
//! what the secretariat recorded.
//!
//! Each rule yields `pass`, `fail` or `needs_review`: the declared facts meet the condition but a
//! person has not yet checked the supporting documents (C1, C2's land approval, C5, C7). The
//! detail states the computed figures, so a secretary can see why without recounting.
//!
//! Thresholds as written: 以上 / 不少于 include the number itself (Civil Code art. 1259).

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::{ApplicationRecord, PolicyStatus};
use crate::City;

/// Changes whenever the source of the rules, or of the facts and cities they read, changes: a
/// stored formal-review result carries it, so a build with other rules never reuses results an
/// older build computed (the store's cache, migration 0007).
pub const RULES_FINGERPRINT: u64 = fingerprint(&[
    include_bytes!("eligibility.rs"),
    include_bytes!("model.rs"),
    include_bytes!("city.rs"),
]);

/// FNV-1a over the parts, at compile time.
const fn fingerprint(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut p = 0;
    while p < parts.len() {
        let bytes = parts[p];
        let mut i = 0;
        while i < bytes.len() {
            hash ^= bytes[i] as u64;
            hash = hash.wrapping_mul(0x0100_0000_01b3);
            i += 1;
        }
        p += 1;
    }
    hash
}

/// C2: the planned construction area is "generally not less than 300 亩".
pub const MIN_PLANNED_AREA_MU: f64 = 300.0;
/// C3 first branch: ≥ 3 backbone enterprises with AI output ≥ 5000 万元.
pub const BACKBONE_OUTPUT_WAN_YUAN: f64 = 5000.0;
pub const MIN_BACKBONE_ENTERPRISES: usize = 3;
/// C3 second branch: ≥ 10 AI enterprises with AI output ≥ 1000 万元.
pub const AI_ENTERPRISE_OUTPUT_WAN_YUAN: f64 = 1000.0;
pub const MIN_AI_ENTERPRISES: usize = 10;
/// C4: ≥ 3 innovation service platforms and ≥ 5 enterprises in R&D cooperation.
pub const MIN_INNOVATION_PLATFORMS: usize = 3;
pub const MIN_COOPERATING_ENTERPRISES: usize = 5;
/// C6: ≥ 3 basic service platforms.
pub const MIN_SERVICE_PLATFORMS: usize = 3;

/// The rules of the formal review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum RuleId {
    C1,
    C2,
    C3,
    C4,
    C5,
    C6,
    C7,
    P2,
    P3,
    P4,
}

impl RuleId {
    pub const ALL: [RuleId; 10] = [
        RuleId::C1,
        RuleId::C2,
        RuleId::C3,
        RuleId::C4,
        RuleId::C5,
        RuleId::C6,
        RuleId::C7,
        RuleId::P2,
        RuleId::P3,
        RuleId::P4,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleId::C1 => "C1",
            RuleId::C2 => "C2",
            RuleId::C3 => "C3",
            RuleId::C4 => "C4",
            RuleId::C5 => "C5",
            RuleId::C6 => "C6",
            RuleId::C7 => "C7",
            RuleId::P2 => "P2",
            RuleId::P3 => "P3",
            RuleId::P4 => "P4",
        }
    }

    pub fn parse(text: &str) -> Option<RuleId> {
        RuleId::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// The topic, as the guide names it.
    pub fn title_zh(self) -> &'static str {
        match self {
            RuleId::C1 => "工作机制",
            RuleId::C2 => "空间布局",
            RuleId::C3 => "产业基础",
            RuleId::C4 => "研发创新",
            RuleId::C5 => "政策配套",
            RuleId::C6 => "基础服务",
            RuleId::C7 => "其它要求",
            RuleId::P2 => "申报数量",
            RuleId::P3 => "申报方式（市级审核推荐）",
            RuleId::P4 => "申报材料",
        }
    }

    /// The clause in the guide's own words, quoted exactly from the published text (一.(一)
    /// for C1–C7, 一.(二) for P2–P4); a test compares each with the seed. Summaries elsewhere
    /// (the rule's detail) are labelled as ours.
    pub fn clause_zh(self) -> &'static str {
        match self {
            RuleId::C1 => "园区所在县级以上政府或管委会高度重视建设工作，成立由主要领导牵头、相关部门和园区共同参与的组织领导工作机制。园区有明确的政府管理机构（县级以上政府或管委会等，下同），已成立负责园区运营的专门服务团队。",
            RuleId::C2 => "符合国家、省主体功能区规划的相关要求，符合当地土地利用总体规划，用地经依法批准，且用地范围和用地性质符合当地城乡规划要求，土地权属清晰。具有相对集中的人工智能产业发展空间布局，规划建设面积一般不少于300亩。",
            RuleId::C3 => "人工智能产业主导地位突出，大型人工智能企业集聚，园区已进驻3家以上人工智能骨干企业（人工智能产品年产值5000万以上），或10家以上人工智能企业（人工智能产品年产值1000万元以上），初步形成骨干企业为主体、专业化分工、上下游产业协作配套的人工智能产业体系。",
            RuleId::C4 => "园区内有3个以上众创空间、企业研发机构、孵化器等创业创新服务平台，5家以上人工智能企业与高校、科研院所、人工智能领军企业开展研发合作。",
            RuleId::C5 => "园区所在地级以上市政府已出台或已开始研究制定园区建设的总体规划和扶持人工智能发展的政策措施。园区所在地县级以上政府（管委会）承诺安排财政扶持资金用于园区建设和人工智能产业发展，并制定了扶持资金初步安排计划。",
            RuleId::C6 => "小镇交通便利，公共服务、生活配套基本设施完备，拥有3家以上创投基金、融资服务、人才培训、技术咨询等平台进驻，可以提供专业性公共服务。基本实现千兆光纤进园区，百兆光纤到企业。",
            RuleId::C7 => "相关环境保护主管部门出具的规划环评审查或建设项目环评审批意见，申报单位提供近三年内园区及其内部企业（建设项目）未发生重大污染事故或重大环境违法事件的说明并承诺其真实性。",
            RuleId::P2 => "广州、深圳每年申报数量不超过2个，其余地市每年申报数量最多不超过1个。",
            RuleId::P3 => "由人工智能产业园区管理机构作为申报主体报送申报材料，经各地级以上市经济和信息化主管部门审核后推荐报送省经济和信息化委。",
            RuleId::P4 => "（1）广东省人工智能产业园区申报材料（见附件2）；（2）申报单位所在地政府出台或正在出台促进人工智能产业发展政策措施和资金扶持的有关文件；（3）相关辅助材料及其他需要详细说明的事项。",
        }
    }

    /// Whether the rule rests on documents a person must check before it can pass.
    pub fn needs_documents(self) -> bool {
        matches!(self, RuleId::C1 | RuleId::C2 | RuleId::C5 | RuleId::C7)
    }

    /// Whether the rule carries a soft qualifier somewhere: C2's 一般 (the area), C6's 基本实现
    /// (the fibre). Whether a given fail rests only on that part is [`soft_failure`].
    pub fn is_soft(self) -> bool {
        matches!(self, RuleId::C2 | RuleId::C6)
    }
}

/// P1 (一.(二).1), quoted: one application window a year, 原则上 (in principle) — a
/// supplementary round is possible, with a recorded reason.
pub const P1_CLAUSE_ZH: &str = "原则上每年集中申报1次。";

/// Whether a failed C2 or C6 fails only on its soft-qualified part — C2's area (一般不少于300亩)
/// with the land in order, C6's fibre (基本实现) with the platforms and facilities in place — so
/// that the secretariat may accept the shortfall with a reason. Every rule can be overridden
/// with a reason, but only such a fail is expected to be.
pub fn soft_failure(app: &ApplicationRecord, rule: RuleId) -> bool {
    match rule {
        RuleId::C2 => {
            app.planned_area_mu < MIN_PLANNED_AREA_MU
                && app.land_approved
                && app.land_ownership_clear
                && app.conforms_to_plans
        }
        RuleId::C6 => {
            !(app.gigabit_fibre_to_park && app.fibre_100m_to_enterprises)
                && app.service_platforms.len() >= MIN_SERVICE_PLATFORMS
                && app.transport_and_living_facilities
        }
        _ => false,
    }
}

/// P4's three materials (一.(二).4), in the guide's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Material {
    /// (1) 广东省人工智能产业园区申报材料（见附件2）
    ApplicationForm,
    /// (2) 所在地政府促进人工智能产业发展政策措施和资金扶持的有关文件（已出台或正在出台）
    PolicyDocuments,
    /// (3) 相关辅助材料及其他需要详细说明的事项
    Supporting,
}

impl Material {
    pub const ALL: [Material; 3] = [
        Material::ApplicationForm,
        Material::PolicyDocuments,
        Material::Supporting,
    ];

    /// The item's number in the guide, 1–3.
    pub fn number(self) -> u8 {
        match self {
            Material::ApplicationForm => 1,
            Material::PolicyDocuments => 2,
            Material::Supporting => 3,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Material::ApplicationForm => "application_form",
            Material::PolicyDocuments => "policy_documents",
            Material::Supporting => "supporting",
        }
    }

    /// By number (1–3) or name.
    pub fn parse(text: &str) -> Option<Material> {
        let text = text.trim();
        Material::ALL
            .into_iter()
            .find(|m| m.as_str() == text || m.number().to_string() == text)
    }

    /// The item as the guide words it, quoted exactly.
    pub fn name_zh(self) -> &'static str {
        match self {
            Material::ApplicationForm => "广东省人工智能产业园区申报材料（见附件2）",
            Material::PolicyDocuments => {
                "申报单位所在地政府出台或正在出台促进人工智能产业发展政策措施和资金扶持的有关文件"
            }
            Material::Supporting => "相关辅助材料及其他需要详细说明的事项",
        }
    }
}

/// The secretariat's check of one P4 material: present or missing, with a note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MaterialCheck {
    pub present: bool,
    pub note: String,
    pub by: String,
    pub at: String,
}

/// P3, the city's act: its 经济和信息化主管部门 reviewed the application and recommends it,
/// by a letter (推荐函, attached under P3) of a date and a signatory, in an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CityRecommendation {
    /// 审核意见, the city's words.
    pub opinion: String,
    /// The letter's date, YYYY-MM-DD.
    pub letter_date: String,
    /// Who signed the letter (the department and the person).
    pub signatory: String,
    /// The recommendation order the city gave (1 = first), which P2 counts by.
    pub order: u32,
    /// Who recorded it here, and when.
    pub by: String,
    pub at: String,
}

/// The result of one rule, or of a whole application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RuleResult {
    Pass,
    Fail,
    NeedsReview,
}

impl RuleResult {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleResult::Pass => "pass",
            RuleResult::Fail => "fail",
            RuleResult::NeedsReview => "needs_review",
        }
    }

    pub fn parse(text: &str) -> Option<RuleResult> {
        match text.trim() {
            "pass" | "通过" => Some(RuleResult::Pass),
            "fail" | "不通过" => Some(RuleResult::Fail),
            "needs_review" | "待补正" | "待核验" => Some(RuleResult::NeedsReview),
            _ => None,
        }
    }

    /// As a rule's result: 符合 / 不符合 / 待核验.
    pub fn rule_name_zh(self) -> &'static str {
        match self {
            RuleResult::Pass => "符合",
            RuleResult::Fail => "不符合",
            RuleResult::NeedsReview => "待核验",
        }
    }

    /// As an application's overall result: 通过 / 不通过 / 待补正.
    pub fn overall_name_zh(self) -> &'static str {
        match self {
            RuleResult::Pass => "通过",
            RuleResult::Fail => "不通过",
            RuleResult::NeedsReview => "待补正",
        }
    }
}

/// A person's decision to replace a rule's computed result, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RuleOverride {
    pub result: RuleResult,
    pub reason: String,
    pub by: String,
    /// RFC 3339 local time with offset.
    pub at: String,
}

/// A person's confirmation that the documents supporting a rule were checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DocumentCheck {
    pub by: String,
    pub at: String,
    pub note: String,
}

/// One rule's outcome for one application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RuleOutcome {
    pub id: RuleId,
    pub title: String,
    pub clause: String,
    /// The result after any override.
    pub result: RuleResult,
    /// The result the rule computed from the declared facts.
    pub computed: RuleResult,
    /// The computed figures, e.g. "年产值≥5000万元骨干企业 2 家（需≥3家）…".
    pub detail: String,
    pub soft: bool,
    pub documents_checked: Option<DocumentCheck>,
    pub r#override: Option<RuleOverride>,
}

/// What a person has recorded about one application's formal review.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReviewRecords {
    pub document_checks: BTreeMap<RuleId, DocumentCheck>,
    pub overrides: BTreeMap<RuleId, RuleOverride>,
    /// P3: the city's recommendation, if recorded.
    pub recommendation: Option<CityRecommendation>,
    /// P3: whether the recommendation letter is attached (under P3).
    pub letter_attached: bool,
    /// P4: the materials checked so far.
    pub materials: BTreeMap<Material, MaterialCheck>,
}

/// P3 and P4 for one application, from what the secretariat recorded: `(rule, result, detail)`.
/// Nothing recorded yet is 待补正, never a fail: the city or the applicant can still supply it.
pub fn evaluate_procedure(
    app: &ApplicationRecord,
    records: &ReviewRecords,
) -> [(RuleId, RuleResult, String); 2] {
    let mut missing = Vec::new();
    if app.management_body.trim().is_empty() {
        missing.push("未填写申报主体（园区管理机构）".to_owned());
    }
    let p3_detail = match &records.recommendation {
        Some(r) => format!(
            "申报主体：{}；{}经济和信息化主管部门审核意见“{}”；推荐函 {}，{}；推荐顺序第 {}",
            app.management_body.trim(),
            app.city.name_zh(),
            r.opinion,
            r.letter_date,
            r.signatory,
            r.order
        ),
        None => {
            missing.push(format!(
                "尚未记录{}经济和信息化主管部门的审核推荐",
                app.city.name_zh()
            ));
            format!("申报主体：{}", app.management_body.trim())
        }
    };
    if !records.letter_attached {
        missing.push("缺推荐函（作为 P3 材料上传）".to_owned());
    }
    let p3 = if missing.is_empty() {
        (RuleId::P3, RuleResult::Pass, p3_detail)
    } else {
        (
            RuleId::P3,
            RuleResult::NeedsReview,
            format!("{p3_detail}；{}", missing.join("；")),
        )
    };
    let states: Vec<String> = Material::ALL
        .into_iter()
        .map(|m| {
            let state = match records.materials.get(&m) {
                Some(c) if c.present => "齐全",
                Some(_) => "缺",
                None => "未核对",
            };
            format!("（{}）{state}", m.number())
        })
        .collect();
    let complete = Material::ALL
        .into_iter()
        .all(|m| records.materials.get(&m).is_some_and(|c| c.present));
    let p4 = (
        RuleId::P4,
        if complete {
            RuleResult::Pass
        } else {
            RuleResult::NeedsReview
        },
        format!("申报材料：{}", states.join("，")),
    );
    [p3, p4]
}

/// The formal review of one application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Eligibility {
    pub code: String,
    pub park_name: String,
    pub city: City,
    pub result: RuleResult,
    pub rules: Vec<RuleOutcome>,
    /// What the site inspection found different from the declared figures, shown beside the
    /// clause it concerns; the computed result above is never overwritten by it.
    pub discrepancies: Vec<crate::inspection::Discrepancy>,
    /// P3 as recorded: the city's recommendation, and whether its letter is attached.
    pub recommendation: Option<CityRecommendation>,
    pub letter_attached: bool,
    /// P4 as recorded: each material checked so far.
    pub materials: BTreeMap<Material, MaterialCheck>,
}

fn yes(flag: bool) -> &'static str {
    if flag {
        "是"
    } else {
        "否"
    }
}

/// Formats 万元 and 亩 figures without float noise: 4999, 4999.5, 299.9.
fn num(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        let text = format!("{rounded:.2}");
        text.trim_end_matches('0').to_owned()
    }
}

/// A rule that rests on declared facts and documents: fails if a fact is missing, otherwise
/// passes once the documents were checked.
fn documented(facts_ok: bool, checked: bool) -> RuleResult {
    match (facts_ok, checked) {
        (false, _) => RuleResult::Fail,
        (true, true) => RuleResult::Pass,
        (true, false) => RuleResult::NeedsReview,
    }
}

/// One hard condition (C1–C7) as the expert sees it beside the rubric: the figures computed
/// from the declared facts (a summary, labelled as ours), the clause in the guide's words, and
/// the secretariat's formal-review result where the database holds it (never on an expert's
/// copy: the package carries the record, not the secretariat's checks).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ConditionFigures {
    pub id: RuleId,
    pub title: String,
    pub clause: String,
    pub detail: String,
    pub result: Option<RuleResult>,
}

/// C1–C7's figures for one application; `reviewed` is the secretariat's formal review of it,
/// when known.
pub fn condition_figures(
    app: &ApplicationRecord,
    reviewed: Option<&Eligibility>,
) -> Vec<ConditionFigures> {
    evaluate_conditions(app, |_| false)
        .into_iter()
        .map(|(id, _, detail)| ConditionFigures {
            id,
            title: id.title_zh().to_owned(),
            clause: id.clause_zh().to_owned(),
            detail,
            result: reviewed
                .and_then(|e| e.rules.iter().find(|r| r.id == id))
                .map(|r| r.result),
        })
        .collect()
}

/// Evaluates C1–C7 for one application: `(rule, computed result, detail)`.
pub fn evaluate_conditions(
    app: &ApplicationRecord,
    checked: impl Fn(RuleId) -> bool,
) -> Vec<(RuleId, RuleResult, String)> {
    let mut out = Vec::with_capacity(7);

    // C1 工作机制
    let c1_facts = app.leadership_mechanism && app.has_management_body && app.has_operating_team;
    out.push((
        RuleId::C1,
        documented(c1_facts, checked(RuleId::C1)),
        format!(
            "主要领导牵头的工作机制：{}；政府管理机构：{}；专门运营服务团队：{}",
            yes(app.leadership_mechanism),
            yes(app.has_management_body),
            yes(app.has_operating_team)
        ),
    ));

    // C2 空间布局
    let area_ok = app.planned_area_mu >= MIN_PLANNED_AREA_MU;
    let land_ok = app.land_approved && app.land_ownership_clear && app.conforms_to_plans;
    let c2 = if !area_ok {
        RuleResult::Fail
    } else {
        documented(land_ok, checked(RuleId::C2))
    };
    out.push((
        RuleId::C2,
        c2,
        format!(
            "规划建设面积 {} 亩（一般不少于{}亩）；用地依法审批：{}；土地权属清晰：{}；符合相关规划：{}",
            num(app.planned_area_mu),
            num(MIN_PLANNED_AREA_MU),
            yes(app.land_approved),
            yes(app.land_ownership_clear),
            yes(app.conforms_to_plans)
        ),
    ));

    // C3 产业基础: two alternative branches; a backbone enterprise also counts toward the second.
    let backbone = app
        .enterprises
        .iter()
        .filter(|e| e.ai_output_wan_yuan >= BACKBONE_OUTPUT_WAN_YUAN)
        .count();
    let ai_enterprises = app
        .enterprises
        .iter()
        .filter(|e| e.ai_output_wan_yuan >= AI_ENTERPRISE_OUTPUT_WAN_YUAN)
        .count();
    let c3_ok = backbone >= MIN_BACKBONE_ENTERPRISES || ai_enterprises >= MIN_AI_ENTERPRISES;
    out.push((
        RuleId::C3,
        if c3_ok { RuleResult::Pass } else { RuleResult::Fail },
        format!(
            "年产值≥5000万元骨干企业 {backbone} 家（需≥{MIN_BACKBONE_ENTERPRISES}家），或年产值≥1000万元企业 {ai_enterprises} 家（需≥{MIN_AI_ENTERPRISES}家）"
        ),
    ));

    // C4 研发创新: "等" makes the platform list open, so every declared platform counts;
    // cooperation counts distinct enterprises, not agreements.
    let platforms = app.innovation_platforms.len();
    let cooperating: HashSet<String> = app
        .rnd_cooperations
        .iter()
        .map(|c| normalise_name(&c.enterprise))
        .collect();
    let c4_ok =
        platforms >= MIN_INNOVATION_PLATFORMS && cooperating.len() >= MIN_COOPERATING_ENTERPRISES;
    out.push((
        RuleId::C4,
        if c4_ok { RuleResult::Pass } else { RuleResult::Fail },
        format!(
            "创新服务平台 {platforms} 个（需≥{MIN_INNOVATION_PLATFORMS}个）；开展研发合作的企业 {} 家（需≥{MIN_COOPERATING_ENTERPRISES}家，合作协议 {} 项）",
            cooperating.len(),
            app.rnd_cooperations.len()
        ),
    ));

    // C5 政策配套
    let policy_ok = matches!(
        app.city_policy_status,
        PolicyStatus::Issued | PolicyStatus::Drafting
    );
    let funding_ok =
        app.county_funding_wan_yuan > 0.0 && !app.county_funding_plan.trim().is_empty();
    let policy_text = app.city_policy_status.name_zh();
    out.push((
        RuleId::C5,
        documented(policy_ok && funding_ok, checked(RuleId::C5)),
        format!(
            "地级以上市园区总体规划和扶持政策：{policy_text}；县级以上政府（管委会）承诺财政扶持资金 {} 万元；扶持资金初步安排计划：{}",
            num(app.county_funding_wan_yuan),
            if app.county_funding_plan.trim().is_empty() {
                "无"
            } else {
                "有"
            }
        ),
    ));

    // C6 基础服务: "等服务平台" is open too; every declared service platform counts.
    let services = app.service_platforms.len();
    let c6_ok = services >= MIN_SERVICE_PLATFORMS
        && app.gigabit_fibre_to_park
        && app.fibre_100m_to_enterprises
        && app.transport_and_living_facilities;
    out.push((
        RuleId::C6,
        if c6_ok { RuleResult::Pass } else { RuleResult::Fail },
        format!(
            "服务平台 {services} 个（需≥{MIN_SERVICE_PLATFORMS}个）；千兆光纤进园区：{}；百兆光纤到企业：{}（光纤为“基本实现”）；交通与生活配套：{}",
            yes(app.gigabit_fibre_to_park),
            yes(app.fibre_100m_to_enterprises),
            yes(app.transport_and_living_facilities)
        ),
    ));

    // C7 其它要求
    out.push((
        RuleId::C7,
        documented(
            app.eia_approved && app.no_major_pollution_3y_pledged,
            checked(RuleId::C7),
        ),
        format!(
            "规划环评审查或建设项目环评审批意见：{}；近三年园区及其内部企业未发生重大污染事故或重大环境违法事件的说明与承诺：{}",
            yes(app.eia_approved),
            yes(app.no_major_pollution_3y_pledged)
        ),
    ));
    out
}

/// Enterprise names compare without white space and full-width/half-width brackets differences.
fn normalise_name(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            other => other,
        })
        .collect()
}

/// P2 for a round: per city, the applications within the quota by recommendation order (ties
/// by registration order) pass; the rest fail. Input: `(index, city, rank, registration order)`.
pub fn evaluate_quota(apps: &[(usize, City, u32, u32)]) -> BTreeMap<usize, (RuleResult, String)> {
    evaluate_quota_in_year(apps, &BTreeMap::new())
}

/// P2 counted per year (the guide: 每年申报数量): `used` holds, per city, the applications the
/// year's earlier rounds of the same kind already counted (a supplementary round, P1); this
/// round has what is left.
pub fn evaluate_quota_in_year(
    apps: &[(usize, City, u32, u32)],
    used: &BTreeMap<City, u32>,
) -> BTreeMap<usize, (RuleResult, String)> {
    let mut by_city: BTreeMap<City, Vec<(usize, u32, u32)>> = BTreeMap::new();
    for &(index, city, rank, order) in apps {
        by_city.entry(city).or_default().push((index, rank, order));
    }
    let mut out = BTreeMap::new();
    for (city, mut entries) in by_city {
        entries.sort_by_key(|&(_, rank, order)| (rank, order));
        let yearly = city.yearly_quota() as usize;
        let earlier = used.get(&city).copied().unwrap_or(0) as usize;
        let quota = yearly.saturating_sub(earlier);
        let total = entries.len();
        for (position, (index, rank, _)) in entries.into_iter().enumerate() {
            let within = position < quota;
            let detail = format!(
                "{}本批次申报 {total} 个{}，每年申报数量不超过 {yearly} 个；本申报推荐顺序第 {rank}{}",
                city.name_zh(),
                if earlier > 0 {
                    format!("（本年度此前批次已申报 {earlier} 个）")
                } else {
                    String::new()
                },
                if within {
                    "，在申报数量之内"
                } else {
                    "，超出申报数量"
                }
            );
            out.insert(
                index,
                (
                    if within {
                        RuleResult::Pass
                    } else {
                        RuleResult::Fail
                    },
                    detail,
                ),
            );
        }
    }
    out
}

/// An application's overall result: any fail → 不通过; otherwise any needs_review → 待补正;
/// otherwise 通过.
pub fn overall(rules: &[RuleOutcome]) -> RuleResult {
    worst(rules.iter().map(|r| r.result))
}

/// Fail beats needs-review beats pass.
fn worst(results: impl IntoIterator<Item = RuleResult>) -> RuleResult {
    results
        .into_iter()
        .fold(RuleResult::Pass, |acc, r| match (acc, r) {
            (RuleResult::Fail, _) | (_, RuleResult::Fail) => RuleResult::Fail,
            (RuleResult::NeedsReview, _) | (_, RuleResult::NeedsReview) => RuleResult::NeedsReview,
            _ => RuleResult::Pass,
        })
}

impl ReviewRecords {
    /// A rule's result as decided: a person's override, else what was computed.
    pub fn decided(&self, rule: RuleId, computed: RuleResult) -> RuleResult {
        self.overrides.get(&rule).map_or(computed, |o| o.result)
    }
}

/// The overall formal-review result of each application of a round, for a caller that reads
/// the applications one at a time and keeps only this (the ranking of a very large round):
/// the same rules, document checks and overrides as [`review_round`], without the details, so
/// nothing but five small fields per application is held.
#[derive(Debug, Default)]
pub struct RoundResults {
    /// Per application as added: C1–C7 combined as decided, the P2 override if any, and what
    /// the quota needs (city, recommendation rank, registration order).
    apps: Vec<(RuleResult, Option<RuleResult>, City, u32, u32)>,
    /// P2: per city, what the year's earlier rounds already counted.
    pub used: BTreeMap<City, u32>,
}

impl RoundResults {
    pub fn add(&mut self, app: &ApplicationRecord, order: u32, records: &ReviewRecords) {
        let conditions = worst(
            evaluate_conditions(app, |rule| records.document_checks.contains_key(&rule))
                .into_iter()
                .chain(evaluate_procedure(app, records))
                .map(|(id, computed, _)| records.decided(id, computed)),
        );
        let p2 = records.overrides.get(&RuleId::P2).map(|o| o.result);
        self.apps.push((
            conditions,
            p2,
            app.city,
            app.city_recommendation_rank,
            order,
        ));
    }

    /// The overall results, in the order the applications were added.
    pub fn finish(self) -> Vec<RuleResult> {
        let quota = evaluate_quota_in_year(
            &self
                .apps
                .iter()
                .enumerate()
                .map(|(i, a)| (i, a.2, a.3, a.4))
                .collect::<Vec<_>>(),
            &self.used,
        );
        self.apps
            .iter()
            .enumerate()
            .map(|(i, a)| worst([a.0, a.1.unwrap_or(quota[&i].0)]))
            .collect()
    }
}

/// The formal review of a whole round: C1–C7 per application, P2 across the round, then the
/// recorded document checks and overrides. `apps` holds `(record, registration order, records)`.
pub fn review_round(apps: &[(ApplicationRecord, u32, ReviewRecords)]) -> Vec<Eligibility> {
    review_round_in_year(apps, &BTreeMap::new())
}

/// [`review_round`] for a round that is not its year's first (P1): `used` holds, per city, the
/// applications the year's earlier rounds already counted toward P2.
pub fn review_round_in_year(
    apps: &[(ApplicationRecord, u32, ReviewRecords)],
    used: &BTreeMap<City, u32>,
) -> Vec<Eligibility> {
    let quota_input: Vec<_> = apps
        .iter()
        .enumerate()
        .map(|(i, (app, order, _))| (i, app.city, app.city_recommendation_rank, *order))
        .collect();
    let quota = evaluate_quota_in_year(&quota_input, used);
    apps.iter()
        .enumerate()
        .map(|(i, (app, _, records))| {
            let mut computed =
                evaluate_conditions(app, |rule| records.document_checks.contains_key(&rule));
            let (p2, p2_detail) = quota[&i].clone();
            computed.push((RuleId::P2, p2, p2_detail));
            computed.extend(evaluate_procedure(app, records));
            let rules: Vec<RuleOutcome> = computed
                .into_iter()
                .map(|(id, result, detail)| {
                    let r#override = records.overrides.get(&id).cloned();
                    RuleOutcome {
                        id,
                        title: id.title_zh().to_owned(),
                        clause: id.clause_zh().to_owned(),
                        result: records.decided(id, result),
                        computed: result,
                        detail,
                        soft: result == RuleResult::Fail && soft_failure(app, id),
                        documents_checked: records.document_checks.get(&id).cloned(),
                        r#override,
                    }
                })
                .collect();
            Eligibility {
                code: app.code.clone(),
                park_name: app.park_name.clone(),
                city: app.city,
                result: overall(&rules),
                rules,
                discrepancies: Vec::new(),
                recommendation: records.recommendation.clone(),
                letter_attached: records.letter_attached,
                materials: records.materials.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
