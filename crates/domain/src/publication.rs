//! After the ranking: the publicity period (公示), objections (异议) raised in it and their
//! decisions, publication (向社会公布) in the provincial department's name, and the register of
//! designated parks (认定园区名录) that the annual assessment (A1–A3) builds on. The guide
//! (一.(二).5): 确定名单后向社会公布.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Who issues the published list: the guide's 省经济和信息化委 is today's 省工业和信息化厅.
pub const ISSUER_ZH: &str = "广东省工业和信息化厅";

/// The recorded publicity period of a round's proposed list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PublicityPeriod {
    /// YYYY-MM-DD, the first and the last day.
    pub starts_on: String,
    pub ends_on: String,
    pub working_days: u32,
    /// Where objections go (unit, telephone or address).
    pub contact: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// What the secretariat decided about an objection after investigating it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ObjectionDecision {
    /// 异议成立
    Upheld,
    /// 异议不成立
    Dismissed,
}

impl ObjectionDecision {
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectionDecision::Upheld => "upheld",
            ObjectionDecision::Dismissed => "dismissed",
        }
    }

    pub fn parse(text: &str) -> Option<ObjectionDecision> {
        match text.trim() {
            "upheld" | "成立" | "异议成立" => Some(ObjectionDecision::Upheld),
            "dismissed" | "不成立" | "异议不成立" => Some(ObjectionDecision::Dismissed),
            _ => None,
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ObjectionDecision::Upheld => "异议成立",
            ObjectionDecision::Dismissed => "异议不成立",
        }
    }
}

/// An objection to a park on the proposed list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Objection {
    /// Its number in the round (1, 2, …), how people refer to it.
    pub number: u32,
    pub uid: String,
    pub application: String,
    pub park_name: String,
    /// Who objected; 匿名 when anonymous.
    pub objector: String,
    /// YYYY-MM-DD, within the publicity period.
    pub received_on: String,
    pub content: String,
    pub recorded_by: String,
    pub recorded_at: String,
    pub investigation: Option<String>,
    pub decision: Option<ObjectionDecision>,
    pub decision_reason: Option<String>,
    /// An upheld objection that takes the park off the list; the reason is printed.
    pub removes: bool,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
}

/// How a park came into the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DesignationSource {
    /// Published from a round in this product.
    Published,
    /// Designated before the product was used, entered by the secretariat.
    Entered,
}

/// A park of the register of designated parks (认定园区名录).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DesignatedPark {
    pub uid: String,
    pub park_name: String,
    pub city: String,
    pub management_body: String,
    /// The round that designated it (empty for an entered park).
    pub round: String,
    pub application: String,
    /// YYYY-MM-DD.
    pub designated_on: String,
    /// What the designation rests on: the signed published list's document uid, or the
    /// document the secretariat named for an entered park.
    pub documents: String,
    pub source: DesignationSource,
    /// Why a park was entered by hand (none for a published one).
    pub entered_reason: Option<String>,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// One line of the published list, or of the parks taken off it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PublishedPark {
    pub application: String,
    pub park_name: String,
    pub city: String,
    pub management_body: String,
    /// For a park taken off the list: the upheld objection's reason.
    pub removed_because: Option<String>,
}

/// What publishing a round did.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Published {
    pub round: String,
    /// YYYY-MM-DD.
    pub published_on: String,
    pub designated: Vec<PublishedPark>,
    pub removed: Vec<PublishedPark>,
}

/// The published list's snapshot, recorded with the signed file and compared by `verify`.
pub fn designation_snapshot(
    designated: &[PublishedPark],
    removed: &[PublishedPark],
) -> serde_json::Value {
    serde_json::json!({
        "rows": designated
            .iter()
            .map(|p| serde_json::json!({"application": p.application, "park_name": p.park_name}))
            .chain(removed.iter().map(|p| {
                serde_json::json!({"application": p.application, "park_name": p.park_name, "removed_because": p.removed_because})
            }))
            .collect::<Vec<_>>(),
    })
}
