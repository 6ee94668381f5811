//! Site inspection (实地考察, P5): the checklist a team follows at the park, the facts the
//! application declared beside each item (pre-filled, so the team verifies instead of retyping),
//! what the team found, discrepancies between the two, what is still missing before the record
//! can be finalised, and the site score computed from the statuses and weights.
//!
//! Pure: a checklist, an application record and the answers in; the score, the discrepancies
//! and the missing items out. Points are exact hundredths ([`Points`]).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::{ApplicationRecord, PartnerKind, PolicyStatus};
use crate::{DomainError, Points, RoundKind};

/// What the team records for a status item (and what a number item's value earns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ItemStatus {
    /// 符合
    Confirmed,
    /// 基本符合
    Partly,
    /// 不符合
    NotMet,
    /// 不适用: left out of the site score.
    NotApplicable,
}

impl ItemStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Confirmed => "confirmed",
            ItemStatus::Partly => "partly",
            ItemStatus::NotMet => "not_met",
            ItemStatus::NotApplicable => "not_applicable",
        }
    }

    pub fn parse(text: &str) -> Option<ItemStatus> {
        Some(match text.trim() {
            "confirmed" | "符合" => ItemStatus::Confirmed,
            "partly" | "基本符合" => ItemStatus::Partly,
            "not_met" | "不符合" => ItemStatus::NotMet,
            "not_applicable" | "不适用" => ItemStatus::NotApplicable,
            _ => return None,
        })
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ItemStatus::Confirmed => "符合",
            ItemStatus::Partly => "基本符合",
            ItemStatus::NotMet => "不符合",
            ItemStatus::NotApplicable => "不适用",
        }
    }
}

/// How an item is answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export)]
pub enum Response {
    /// One of 符合 / 基本符合 / 不符合 / 不适用.
    Status,
    /// A number with its unit, within a plausible range; it earns 符合 when it reaches
    /// `at_least` (the guide's threshold), else 不符合.
    Number {
        unit: String,
        #[serde(default)]
        at_least: Option<f64>,
        min: f64,
        max: f64,
    },
    /// Words only (a remark): never scored.
    Text,
}

/// A fact of the application shown beside an item (and, for a number item, compared with what
/// the team found).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DeclaredFact {
    /// C1: leadership mechanism, management body, operating team.
    WorkMechanism,
    /// C2: planned construction area (亩).
    PlannedAreaMu,
    /// C2: land approval, ownership, conformity to plans.
    LandDocuments,
    /// C3: the enterprises of the branch the park qualified by, with their declared output.
    QualifyingEnterprises,
    /// C3: how many of them (the sample's population).
    QualifyingEnterpriseCount,
    /// C4: innovation service platforms.
    InnovationPlatforms,
    /// C4: their number.
    InnovationPlatformCount,
    /// C4: distinct enterprises in R&D cooperation with universities, institutes or 领军 firms.
    RndCooperationEnterpriseCount,
    /// C4: the cooperations as declared.
    RndCooperations,
    /// C5: the city's plan and policies, and the county-level fiscal commitment.
    PolicyAndFunding,
    /// C5: the fiscal commitment (万元).
    CountyFundingWanYuan,
    /// C6: service platforms (venture funds, financing, training, consulting …).
    ServicePlatforms,
    /// C6: their number.
    ServicePlatformCount,
    /// C6: gigabit fibre to the park, 100 Mbit to enterprises, transport and living facilities.
    Infrastructure,
    /// C7: EIA approval and the no-major-pollution pledge.
    Environment,
}

/// What the application declared for an item: words to show, and the number to compare.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Declared {
    pub text: String,
    pub number: Option<f64>,
}

/// One item of a checklist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct ChecklistItem {
    /// Unique in the checklist, e.g. `C2.1`.
    pub code: String,
    /// What to verify (the question the team answers).
    pub prompt: String,
    #[serde(default)]
    pub guidance: String,
    /// The guide's clause ids it verifies (C1–C7, T1–T8 …).
    #[serde(default)]
    pub clauses: Vec<String>,
    pub response: Response,
    #[serde(default = "yes")]
    pub required: bool,
    /// A photo or document must be attached before the inspection can be finalised.
    #[serde(default)]
    pub evidence_required: bool,
    /// The item's weight in the site score (0: not scored).
    #[serde(default)]
    pub weight: u32,
    /// The application's fact shown beside it.
    #[serde(default)]
    pub declared: Option<DeclaredFact>,
}

fn yes() -> bool {
    true
}

/// A section of a checklist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct ChecklistSection {
    pub code: String,
    pub title: String,
    pub items: Vec<ChecklistItem>,
}

/// A site-inspection checklist (`park-review/checklist@1`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Checklist {
    pub code: String,
    pub title: String,
    pub round_kind: RoundKind,
    pub sections: Vec<ChecklistSection>,
}

impl Checklist {
    pub fn items(&self) -> impl Iterator<Item = &ChecklistItem> {
        self.sections.iter().flat_map(|s| &s.items)
    }

    pub fn item(&self, code: &str) -> Option<&ChecklistItem> {
        self.items().find(|i| i.code == code.trim())
    }
}

/// Every problem of a checklist, in Chinese (empty: valid).
pub fn checklist_problems(checklist: &Checklist) -> Vec<String> {
    let mut problems = Vec::new();
    if checklist.sections.is_empty() {
        problems.push("清单没有任何部分。".to_owned());
    }
    let mut codes = BTreeSet::new();
    let mut scored = 0;
    for section in &checklist.sections {
        if section.items.is_empty() {
            problems.push(format!("部分 {} 没有考察项。", section.code));
        }
        for item in &section.items {
            if item.code.trim().is_empty() || item.prompt.trim().is_empty() {
                problems.push(format!(
                    "部分 {} 中有考察项缺少编号或考察内容。",
                    section.code
                ));
            }
            if !codes.insert(item.code.trim().to_owned()) {
                problems.push(format!("考察项编号 {} 重复。", item.code));
            }
            for clause in &item.clauses {
                if crate::Clause::parse(clause).is_none() {
                    problems.push(format!(
                        "考察项 {} 引用了未知的条款编号 {clause}。",
                        item.code
                    ));
                }
            }
            match &item.response {
                Response::Number {
                    min,
                    max,
                    at_least,
                    unit,
                } => {
                    if !(min.is_finite() && max.is_finite() && min < max) || unit.trim().is_empty()
                    {
                        problems.push(format!("考察项 {} 的数值范围或单位无效。", item.code));
                    }
                    if item.weight > 0 && at_least.is_none() {
                        problems.push(format!(
                            "考察项 {} 计分却没有达标值（at_least）：无法判断符合与否。",
                            item.code
                        ));
                    }
                }
                Response::Text if item.weight > 0 => problems.push(format!(
                    "考察项 {} 是文字记录，不能计分（weight 应为 0）。",
                    item.code
                )),
                _ => {}
            }
            if item.weight > 0 {
                scored += 1;
            }
        }
    }
    if scored == 0 {
        problems.push("清单中没有计分的考察项，无法计算实地考察得分。".to_owned());
    }
    problems
}

/// INVALID_CHECKLIST (as an import problem) unless the checklist is valid.
pub fn validate_checklist(checklist: &Checklist) -> Result<(), DomainError> {
    crate::input::check_texts(checklist)?;
    let problems = checklist_problems(checklist);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(DomainError::Malformed(format!(
            "考察清单无效：{}",
            problems.join("；")
        )))
    }
}

/// The checklist's SHA-256: recorded when the first inspection of the round starts.
pub fn checklist_sha256(checklist: &Checklist) -> String {
    crate::digest::sha256_hex(checklist_file_text(checklist).as_bytes())
}

/// The checklist as its `park-review/checklist@1` file.
pub fn checklist_file_text(checklist: &Checklist) -> String {
    let mut value = serde_json::to_value(checklist).unwrap_or_default();
    if let Some(map) = value.as_object_mut() {
        map.insert(
            "format".into(),
            serde_json::Value::String(crate::exchange::CHECKLIST_FORMAT.into()),
        );
    }
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

fn yes_no(value: bool) -> &'static str {
    if value {
        "有"
    } else {
        "无"
    }
}

/// The C3 branch an application qualifies by, and its enterprises: the ≥ 5000 万元 backbone
/// enterprises when there are at least 3, else those of ≥ 1000 万元 (a backbone enterprise
/// counts toward both, as the guide reads).
pub fn qualifying_enterprises(record: &ApplicationRecord) -> (&'static str, Vec<(String, f64)>) {
    let backbone: Vec<(String, f64)> = record
        .enterprises
        .iter()
        .filter(|e| e.ai_output_wan_yuan >= 5000.0)
        .map(|e| (e.name.clone(), e.ai_output_wan_yuan))
        .collect();
    if backbone.len() >= 3 {
        return ("年产值 5000 万元以上的骨干企业", backbone);
    }
    (
        "年产值 1000 万元以上的企业",
        record
            .enterprises
            .iter()
            .filter(|e| e.ai_output_wan_yuan >= 1000.0)
            .map(|e| (e.name.clone(), e.ai_output_wan_yuan))
            .collect(),
    )
}

/// What the application declared for `fact`.
pub fn declared(record: &ApplicationRecord, fact: DeclaredFact) -> Declared {
    let text = |text: String| Declared { text, number: None };
    let number = |text: String, n: f64| Declared {
        text,
        number: Some(n),
    };
    let list = |names: Vec<String>| {
        if names.is_empty() {
            "（未申报）".to_owned()
        } else {
            names.join("；")
        }
    };
    match fact {
        DeclaredFact::WorkMechanism => text(format!(
            "领导机制：{}；管理机构：{}（{}）；运营服务团队：{}",
            yes_no(record.leadership_mechanism),
            yes_no(record.has_management_body),
            if record.management_body.is_empty() {
                "未填写"
            } else {
                &record.management_body
            },
            yes_no(record.has_operating_team)
        )),
        DeclaredFact::PlannedAreaMu => number(
            format!("规划建设面积 {} 亩", record.planned_area_mu),
            record.planned_area_mu,
        ),
        DeclaredFact::LandDocuments => text(format!(
            "用地依法审批：{}；土地权属清晰：{}；符合主体功能区与土地利用总体规划：{}",
            yes_no(record.land_approved),
            yes_no(record.land_ownership_clear),
            yes_no(record.conforms_to_plans)
        )),
        DeclaredFact::QualifyingEnterprises => {
            let (branch, list_) = qualifying_enterprises(record);
            text(format!(
                "{branch}：{}",
                list(
                    list_
                        .iter()
                        .map(|(n, o)| format!("{n}（{o} 万元）"))
                        .collect()
                )
            ))
        }
        DeclaredFact::QualifyingEnterpriseCount => {
            let (branch, list_) = qualifying_enterprises(record);
            number(format!("{branch} {} 家", list_.len()), list_.len() as f64)
        }
        DeclaredFact::InnovationPlatforms => text(list(
            record
                .innovation_platforms
                .iter()
                .map(|p| p.name.clone())
                .collect(),
        )),
        DeclaredFact::InnovationPlatformCount => number(
            format!("创新服务平台 {} 个", record.innovation_platforms.len()),
            record.innovation_platforms.len() as f64,
        ),
        DeclaredFact::RndCooperationEnterpriseCount => {
            let n = rnd_enterprises(record).len();
            number(format!("开展研发合作的企业 {n} 家"), n as f64)
        }
        DeclaredFact::RndCooperations => text(list(
            record
                .rnd_cooperations
                .iter()
                .map(|c| {
                    format!(
                        "{} — {}（{}）",
                        c.enterprise,
                        c.partner,
                        partner_kind_zh(c.partner_kind)
                    )
                })
                .collect(),
        )),
        DeclaredFact::PolicyAndFunding => text(format!(
            "市级园区规划与扶持政策：{}；县级以上财政资金承诺 {} 万元；资金计划：{}",
            match record.city_policy_status {
                PolicyStatus::Issued => "已出台",
                PolicyStatus::Drafting => "正在制定",
                PolicyStatus::None => "无",
            },
            record.county_funding_wan_yuan,
            if record.county_funding_plan.is_empty() {
                "未填写"
            } else {
                &record.county_funding_plan
            }
        )),
        DeclaredFact::CountyFundingWanYuan => number(
            format!("财政资金承诺 {} 万元", record.county_funding_wan_yuan),
            record.county_funding_wan_yuan,
        ),
        DeclaredFact::ServicePlatforms => text(list(
            record
                .service_platforms
                .iter()
                .map(|p| p.name.clone())
                .collect(),
        )),
        DeclaredFact::ServicePlatformCount => number(
            format!("服务平台 {} 个", record.service_platforms.len()),
            record.service_platforms.len() as f64,
        ),
        DeclaredFact::Infrastructure => text(format!(
            "千兆光纤入园：{}；百兆光纤到企业：{}；交通与生活配套：{}",
            yes_no(record.gigabit_fibre_to_park),
            yes_no(record.fibre_100m_to_enterprises),
            yes_no(record.transport_and_living_facilities)
        )),
        DeclaredFact::Environment => text(format!(
            "规划环评审查意见或项目环评批复：{}；园区及企业近三年无重大污染事故承诺：{}",
            yes_no(record.eia_approved),
            yes_no(record.no_major_pollution_3y_pledged)
        )),
    }
}

fn partner_kind_zh(kind: PartnerKind) -> &'static str {
    match kind {
        PartnerKind::University => "高校",
        PartnerKind::Institute => "科研院所",
        PartnerKind::LeadingEnterprise => "人工智能领军企业",
    }
}

/// The distinct enterprises in R&D cooperation (C4 counts enterprises, not agreements).
fn rnd_enterprises(record: &ApplicationRecord) -> BTreeSet<String> {
    record
        .rnd_cooperations
        .iter()
        .map(|c| c.enterprise.trim().to_owned())
        .filter(|e| !e.is_empty())
        .collect()
}

/// What the team recorded for one item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Answer {
    pub status: Option<ItemStatus>,
    pub value: Option<f64>,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub note: String,
    /// Pieces of evidence attached.
    #[serde(default)]
    pub evidence: u32,
}

/// The status an answer earns: its own for a status item, derived from the value for a number
/// item (reaching `at_least` is 符合), none for a text item or an unanswered one.
pub fn effective_status(item: &ChecklistItem, answer: &Answer) -> Option<ItemStatus> {
    match &item.response {
        Response::Status => answer.status,
        Response::Number { at_least, .. } => {
            let value = answer.value?;
            Some(match at_least {
                Some(threshold) if value + 1e-9 < *threshold => ItemStatus::NotMet,
                _ => ItemStatus::Confirmed,
            })
        }
        Response::Text => None,
    }
}

/// Checks an answer against its item; the error names the item and the rule.
pub fn check_answer(item: &ChecklistItem, answer: &Answer) -> Result<(), DomainError> {
    let field = format!("考察项 {}", item.code);
    match &item.response {
        Response::Status => {
            if answer.value.is_some() {
                return Err(DomainError::OutOfRange {
                    field,
                    value: format!("{}", answer.value.unwrap_or_default()),
                    rule: "此项按“符合/基本符合/不符合/不适用”记录，不填数值".into(),
                });
            }
        }
        Response::Number { min, max, unit, .. } => {
            if answer.status.is_some() {
                return Err(DomainError::OutOfRange {
                    field,
                    value: answer
                        .status
                        .map(ItemStatus::name_zh)
                        .unwrap_or_default()
                        .into(),
                    rule: format!("此项填写核实的数值（{unit}），是否符合由数值判断，不选状态"),
                });
            }
            if let Some(value) = answer.value {
                if !value.is_finite() || value < *min || value > *max {
                    return Err(DomainError::OutOfRange {
                        field,
                        value: if value.is_finite() {
                            value.to_string()
                        } else {
                            "（非数字）".into()
                        },
                        rule: format!("须在 {min} 到 {max} {unit} 之间"),
                    });
                }
            }
        }
        Response::Text => {
            if answer.status.is_some() || answer.value.is_some() {
                return Err(DomainError::OutOfRange {
                    field,
                    value: String::new(),
                    rule: "此项只作文字记录".into(),
                });
            }
        }
    }
    Ok(())
}

/// A verified number that differs from the declared one (declared 320 亩, found 280 亩).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Discrepancy {
    pub item: String,
    pub clauses: Vec<String>,
    pub declared: f64,
    pub found: f64,
    pub unit: String,
}

/// Every discrepancy between what the application declared and what the team found.
pub fn discrepancies(
    checklist: &Checklist,
    record: &ApplicationRecord,
    answers: &BTreeMap<String, Answer>,
) -> Vec<Discrepancy> {
    checklist
        .items()
        .filter_map(|item| {
            let Response::Number { unit, .. } = &item.response else {
                return None;
            };
            let declared_number = declared(record, item.declared?).number?;
            let found = answers.get(&item.code)?.value?;
            ((found - declared_number).abs() > 1e-6).then(|| Discrepancy {
                item: item.code.clone(),
                clauses: item.clauses.clone(),
                declared: declared_number,
                found,
                unit: unit.clone(),
            })
        })
        .collect()
}

/// What keeps an inspection from being finalised: required items unanswered, evidence missing.
pub fn missing(checklist: &Checklist, answers: &BTreeMap<String, Answer>) -> Vec<String> {
    let mut out = Vec::new();
    for item in checklist.items() {
        let answer = answers.get(&item.code).cloned().unwrap_or_default();
        let answered = match item.response {
            Response::Text => !answer.text.trim().is_empty(),
            _ => effective_status(item, &answer).is_some(),
        };
        if item.required && !answered {
            out.push(format!("{}（未填写）", item.code));
        } else if item.evidence_required
            && answer.evidence == 0
            && effective_status(item, &answer) != Some(ItemStatus::NotApplicable)
        {
            out.push(format!("{}（缺少照片或文件佐证）", item.code));
        }
    }
    out
}

/// How much each status earns, in thousandths (符合 1000, 基本符合 600, 不符合 0 by default;
/// configurable per round). 不适用 items are left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StatusFactors {
    pub confirmed: u32,
    pub partly: u32,
    pub not_met: u32,
}

impl StatusFactors {
    pub const DEFAULT: StatusFactors = StatusFactors {
        confirmed: 1000,
        partly: 600,
        not_met: 0,
    };

    fn of(self, status: ItemStatus) -> Option<u64> {
        match status {
            ItemStatus::Confirmed => Some(u64::from(self.confirmed)),
            ItemStatus::Partly => Some(u64::from(self.partly)),
            ItemStatus::NotMet => Some(u64::from(self.not_met)),
            ItemStatus::NotApplicable => None,
        }
    }
}

/// A site score: the total on 100 points and each section's own score on 100 points.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct SiteScore {
    pub total: Points,
    pub sections: Vec<(String, Option<Points>)>,
}

/// Σ factor × weight over Σ weight, on 100 points, rounded half up to the hundredth; None when
/// no scored item counts (all 不适用).
fn scale(earned_permille_weight: u64, weight: u64) -> Option<Points> {
    if weight == 0 {
        return None;
    }
    // points = earned / (1000 × weight) × 100, in hundredths: earned × 10 / weight.
    let numerator = earned_permille_weight * 10;
    let centi = (numerator * 2 + weight) / (weight * 2);
    Some(Points::from_centi(centi as i64))
}

/// The site score from the answers (unanswered scored items count as 不符合; finalising
/// requires every required one anyway).
pub fn site_score(
    checklist: &Checklist,
    answers: &BTreeMap<String, Answer>,
    factors: StatusFactors,
) -> SiteScore {
    let mut all = (0u64, 0u64);
    let mut sections = Vec::new();
    for section in &checklist.sections {
        let mut own = (0u64, 0u64);
        for item in section.items.iter().filter(|i| i.weight > 0) {
            let answer = answers.get(&item.code).cloned().unwrap_or_default();
            let status = effective_status(item, &answer).unwrap_or(ItemStatus::NotMet);
            if let Some(factor) = factors.of(status) {
                let w = u64::from(item.weight);
                own.0 += factor * w;
                own.1 += w;
            }
        }
        all.0 += own.0;
        all.1 += own.1;
        sections.push((section.code.clone(), scale(own.0, own.1)));
    }
    SiteScore {
        total: scale(all.0, all.1).unwrap_or(Points::ZERO),
        sections,
    }
}

#[cfg(test)]
mod tests;
