//! The entities a round holds, as plain data. Rules that act on them live beside them in their
//! own modules (eligibility, scoring …); storage lives in `park-review-store`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ids::{ApplicationId, ExpertId, RoundId, Uid};
use crate::{City, RoundKind, RoundStatus};

/// A review round as the store returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Round {
    pub id: RoundId,
    pub uid: Uid,
    /// `2026-SB`: unique in a database.
    pub code: String,
    pub year: i32,
    pub kind: RoundKind,
    pub status: RoundStatus,
    /// `2026年广东省人工智能产业园区申报评审`.
    pub title: String,
    /// Local time with offset (RFC 3339), e.g. `2026-11-27T08:36:00+08:00`.
    pub created_at: String,
    /// How many experts review each application (default 5).
    pub experts_per_application: u32,
    /// Whether an expert from the park's city is recused (回避); on by default.
    pub recuse_same_city: bool,
    /// The SHA-256 of the rubric, recorded when the round opened; none while a draft.
    pub rubric_sha256: Option<String>,
    /// A supplementary round of its year (P1: 原则上每年集中申报1次 — in principle once a year):
    /// why it was opened. None for the year's regular round.
    pub supplementary_reason: Option<String>,
}

/// The kind of an innovation service platform (C4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum InnovationPlatformKind {
    /// 众创空间
    MakerSpace,
    /// 企业研发机构
    EnterpriseRnd,
    /// 孵化器
    Incubator,
    Other,
}

impl InnovationPlatformKind {
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::MakerSpace => "众创空间",
            Self::EnterpriseRnd => "企业研发机构",
            Self::Incubator => "孵化器",
            Self::Other => "其他",
        }
    }
}

/// The kind of partner in an R&D cooperation (C4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PartnerKind {
    /// 高校
    University,
    /// 科研院所
    Institute,
    /// 人工智能领军企业 (the guide's word, C4)
    LeadingEnterprise,
}

impl PartnerKind {
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::University => "高校",
            Self::Institute => "科研院所",
            Self::LeadingEnterprise => "人工智能领军企业",
        }
    }
}

/// The kind of a basic service platform (C6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ServicePlatformKind {
    /// 创业投资基金
    VentureFund,
    /// 融资服务
    Financing,
    /// 人才培训
    TalentTraining,
    /// 技术咨询
    TechConsulting,
    Other,
}

impl ServicePlatformKind {
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::VentureFund => "创业投资基金",
            Self::Financing => "融资服务",
            Self::TalentTraining => "人才培训",
            Self::TechConsulting => "技术咨询",
            Self::Other => "其他",
        }
    }
}

/// The status of the city's overall park plan and AI support policies (C5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PolicyStatus {
    /// 已出台
    Issued,
    /// 正在制定
    Drafting,
    /// 未制定
    #[default]
    None,
}

impl PolicyStatus {
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Issued => "已出台",
            Self::Drafting => "正在制定",
            Self::None => "未制定",
        }
    }
}

/// An enterprise in the park (C3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Enterprise {
    pub name: String,
    /// 统一社会信用代码 (GB 32100-2015).
    pub credit_code: String,
    /// AI product annual output, in 万元 (10,000 yuan).
    pub ai_output_wan_yuan: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InnovationPlatform {
    pub name: String,
    pub kind: InnovationPlatformKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RndCooperation {
    /// The park's enterprise (by name) that cooperates.
    pub enterprise: String,
    pub partner: String,
    pub partner_kind: PartnerKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ServicePlatform {
    pub name: String,
    pub kind: ServicePlatformKind,
}

/// Everything an application (申报) declares, in the field names of the exchange format
/// `park-review/application@1`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ApplicationRecord {
    pub code: String,
    pub park_name: String,
    pub city: City,
    #[serde(default)]
    pub district: String,
    #[serde(default)]
    pub management_body: String,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub contact_phone: String,
    /// The order in which the city recommends this application (1 = first); decides P2.
    pub city_recommendation_rank: u32,
    // C1 工作机制
    #[serde(default)]
    pub leadership_mechanism: bool,
    #[serde(default)]
    pub has_management_body: bool,
    #[serde(default)]
    pub has_operating_team: bool,
    // C2 空间布局
    /// Planned construction area in 亩 (1 亩 = 666.67 m²).
    pub planned_area_mu: f64,
    #[serde(default)]
    pub land_approved: bool,
    #[serde(default)]
    pub land_ownership_clear: bool,
    #[serde(default)]
    pub conforms_to_plans: bool,
    // C3 产业基础
    #[serde(default)]
    pub enterprises: Vec<Enterprise>,
    // C4 研发创新
    #[serde(default)]
    pub innovation_platforms: Vec<InnovationPlatform>,
    #[serde(default)]
    pub rnd_cooperations: Vec<RndCooperation>,
    // C5 政策配套
    #[serde(default)]
    pub city_policy_status: PolicyStatus,
    /// The county-level government's committed fiscal support, in 万元.
    #[serde(default)]
    pub county_funding_wan_yuan: f64,
    #[serde(default)]
    pub county_funding_plan: String,
    // C6 基础服务
    #[serde(default)]
    pub service_platforms: Vec<ServicePlatform>,
    #[serde(default)]
    pub gigabit_fibre_to_park: bool,
    #[serde(default)]
    pub fibre_100m_to_enterprises: bool,
    #[serde(default)]
    pub transport_and_living_facilities: bool,
    // C7 其它要求
    #[serde(default)]
    pub eia_approved: bool,
    #[serde(default)]
    pub no_major_pollution_3y_pledged: bool,
}

/// One row of the application list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ApplicationSummary {
    pub id: ApplicationId,
    pub uid: Uid,
    pub round_id: RoundId,
    pub code: String,
    pub park_name: String,
    pub city: City,
    /// The city's two-letter code, e.g. `GZ`.
    pub city_code: String,
    pub district: String,
    pub management_body: String,
    pub city_recommendation_rank: u32,
    pub planned_area_mu: f64,
    pub n_enterprises: u32,
    /// Registration order within the round (1 = first registered): the last tie-break.
    pub registration_order: u32,
}

/// An expert (评审专家) in the registry. The employer and city feed recusal (回避).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Expert {
    pub id: ExpertId,
    pub uid: Uid,
    /// `E001`: unique in a database, hence in every round.
    pub code: String,
    pub name: String,
    pub employer: String,
    /// The expert's city, if in Guangdong (experts from elsewhere have none).
    pub city: Option<City>,
    pub field: String,
    pub contact: String,
    /// The employer's unified social credit code, when known (recusal matches on it).
    pub employer_credit_code: String,
    /// Organisations (names or credit codes) the expert declared a relation to.
    pub relations: Vec<String>,
}

/// An expert as declared in an import file (`park-review/experts@1`) or the demo round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExpertRecord {
    pub code: String,
    pub name: String,
    pub employer: String,
    #[serde(default)]
    pub city: Option<City>,
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub employer_credit_code: String,
    #[serde(default)]
    pub relations: Vec<String>,
}

/// A score band (档次) of a criterion, e.g. A 7–8 points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Band {
    pub label: String,
    pub min_points: crate::Points,
    pub max_points: crate::Points,
    pub description: String,
}

/// A criterion (评分项) of a rubric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Criterion {
    /// `C3.1`: unique within the rubric.
    pub code: String,
    pub title: String,
    #[serde(default)]
    pub guidance: String,
    pub max_points: crate::Points,
    /// Points must be a multiple of the step (default 0.5).
    #[serde(default = "default_step")]
    pub step: crate::Points,
    #[serde(default)]
    pub bands: Vec<Band>,
    /// The clauses of the guide this criterion assesses, e.g. `["C3", "T4"]`.
    #[serde(default)]
    pub clauses: Vec<String>,
    /// An objective criterion (客观分): its points follow from facts in the materials, so every
    /// expert should give the same; experts who do not are flagged before the ranking is
    /// finalised and the panel's 复核 settles it. Absent from a rubric's JSON when false, so
    /// the fingerprint of a rubric frozen before this existed does not change.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[ts(optional, as = "Option<bool>")]
    pub objective: bool,
}

fn default_step() -> crate::Points {
    crate::Points::from_centi(50)
}

/// A section of a rubric: a group of criteria with a title.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RubricSection {
    pub code: String,
    pub title: String,
    pub criteria: Vec<Criterion>,
}

/// A rubric (评分细则): sections of criteria, `park-review/rubric@1`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Rubric {
    pub title: String,
    pub sections: Vec<RubricSection>,
}

impl Rubric {
    /// The sum of every criterion's maximum.
    pub fn max_total(&self) -> crate::Points {
        self.sections
            .iter()
            .flat_map(|s| &s.criteria)
            .map(|c| c.max_points)
            .sum()
    }
}

/// Site-inspection checklists live with the inspection's rules.
pub use crate::inspection::{Checklist, ChecklistItem, ChecklistSection};
