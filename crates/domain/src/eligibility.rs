//! Formal review (形式审查): the hard conditions of the guide (一.(一), C1–C7) and the city quota
//! (一.(二).2, P2), evaluated from what an application declares.
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
}

impl RuleId {
    pub const ALL: [RuleId; 8] = [
        RuleId::C1,
        RuleId::C2,
        RuleId::C3,
        RuleId::C4,
        RuleId::C5,
        RuleId::C6,
        RuleId::C7,
        RuleId::P2,
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
            RuleId::P2 => "推荐名额",
        }
    }

    /// The clause's text in the guide (shortened where it only lists examples).
    pub fn clause_zh(self) -> &'static str {
        match self {
            RuleId::C1 => "县级以上政府或管委会建立主要领导牵头的工作推进机制，园区有明确的政府管理机构和专门的运营服务团队。",
            RuleId::C2 => "符合国家和省主体功能区规划、土地利用总体规划，用地依法审批，土地权属清晰；规划建设面积一般不少于300亩。",
            RuleId::C3 => "人工智能产品年产值5000万元以上的骨干企业3家以上，或人工智能产品年产值1000万元以上的人工智能企业10家以上。",
            RuleId::C4 => "拥有众创空间、企业研发机构、孵化器等创新服务平台3个以上；5家以上人工智能企业与高校、科研院所或人工智能龙头企业开展研发合作。",
            RuleId::C5 => "地级以上市政府已出台或正在制定园区总体规划和人工智能扶持政策；县级政府承诺安排财政扶持资金并有初步资金计划。",
            RuleId::C6 => "交通便利，公共服务和生活配套设施完善；拥有创业投资基金、融资服务、人才培训、技术咨询等服务平台3个以上；千兆光纤入园、百兆光纤到企业。",
            RuleId::C7 => "环保部门的规划环评审查意见或项目环评批复；近三年未发生重大污染事故或重大环境违法行为的说明及真实性承诺。",
            RuleId::P2 => "广州、深圳每年推荐不超过2个，其他地级以上市每年推荐不超过1个。",
        }
    }

    /// Whether the rule rests on documents a person must check before it can pass.
    pub fn needs_documents(self) -> bool {
        matches!(self, RuleId::C1 | RuleId::C2 | RuleId::C5 | RuleId::C7)
    }

    /// C2 says "一般" (generally): a shortfall may be accepted with a reason. Every rule can be
    /// overridden with a reason, but only a soft rule's fail is expected to be.
    pub fn is_soft(self) -> bool {
        matches!(self, RuleId::C2)
    }
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
            "市级园区规划和扶持政策：{policy_text}；县级财政扶持资金承诺 {} 万元；资金计划：{}",
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
            "服务平台 {services} 个（需≥{MIN_SERVICE_PLATFORMS}个）；千兆光纤入园：{}；百兆光纤到企业：{}；交通与生活配套：{}",
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
            "环评审查意见或批复：{}；近三年无重大污染事故及环境违法的说明与承诺：{}",
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
    let mut by_city: BTreeMap<City, Vec<(usize, u32, u32)>> = BTreeMap::new();
    for &(index, city, rank, order) in apps {
        by_city.entry(city).or_default().push((index, rank, order));
    }
    let mut out = BTreeMap::new();
    for (city, mut entries) in by_city {
        entries.sort_by_key(|&(_, rank, order)| (rank, order));
        let quota = city.yearly_quota() as usize;
        let total = entries.len();
        for (position, (index, rank, _)) in entries.into_iter().enumerate() {
            let within = position < quota;
            let detail = format!(
                "{}本批次推荐 {total} 个，名额 {quota} 个；本申报推荐顺序第 {rank}{}",
                city.name_zh(),
                if within {
                    "，在名额内"
                } else {
                    "，超出名额"
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
}

impl RoundResults {
    pub fn add(&mut self, app: &ApplicationRecord, order: u32, records: &ReviewRecords) {
        let conditions = worst(
            evaluate_conditions(app, |rule| records.document_checks.contains_key(&rule))
                .into_iter()
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
        let quota = evaluate_quota(
            &self
                .apps
                .iter()
                .enumerate()
                .map(|(i, a)| (i, a.2, a.3, a.4))
                .collect::<Vec<_>>(),
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
    let quota_input: Vec<_> = apps
        .iter()
        .enumerate()
        .map(|(i, (app, order, _))| (i, app.city, app.city_recommendation_rank, *order))
        .collect();
    let quota = evaluate_quota(&quota_input);
    apps.iter()
        .enumerate()
        .map(|(i, (app, _, records))| {
            let mut computed =
                evaluate_conditions(app, |rule| records.document_checks.contains_key(&rule));
            let (p2, p2_detail) = quota[&i].clone();
            computed.push((RuleId::P2, p2, p2_detail));
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
                        soft: id.is_soft(),
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
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
