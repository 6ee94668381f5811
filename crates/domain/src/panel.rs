//! The panel (评审委员会) after the totals are in: objective criteria (客观分) on which experts
//! disagree, and the review of the results (复核) that may change a submitted score only for one
//! of four cases.
//!
//! The guide says nothing of how a panel reviews its results (domain.md, "What the guide does
//! not fix"). The four cases follow Chinese review practice — summarised here from the Ministry
//! of Finance's Order No. 87 (《政府采购货物和服务招标投标管理办法》, art. 64) and Guangdong's
//! rules for review experts; the wording below is ours, a summary, not a quotation.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Points;

/// Why a submitted score is changed in the 复核 (summary of the four cases practice allows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RecheckCase {
    /// 分值汇总计算错误: the points were summed or transcribed wrongly (a paper sheet).
    SummingError,
    /// 分项评分超出评分标准规定的分值范围: a score outside its criterion's range.
    OutOfRange,
    /// 客观评分项评分不一致: experts gave different points on an objective criterion.
    ObjectiveDiffers,
    /// 经评审委员会认定评分畸高、畸低: the panel judges a score abnormally high or low.
    Abnormal,
}

impl RecheckCase {
    pub const ALL: [RecheckCase; 4] = [
        RecheckCase::SummingError,
        RecheckCase::OutOfRange,
        RecheckCase::ObjectiveDiffers,
        RecheckCase::Abnormal,
    ];

    /// From the CLI's or a file's word, in English or Chinese.
    pub fn parse(text: &str) -> Option<RecheckCase> {
        match text.trim() {
            "summing_error" | "summing" | "计分错误" | "汇总错误" => {
                Some(Self::SummingError)
            }
            "out_of_range" | "range" | "超出范围" => Some(Self::OutOfRange),
            "objective_differs" | "objective" | "客观分不一致" => {
                Some(Self::ObjectiveDiffers)
            }
            "abnormal" | "畸高畸低" => Some(Self::Abnormal),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SummingError => "summing_error",
            Self::OutOfRange => "out_of_range",
            Self::ObjectiveDiffers => "objective_differs",
            Self::Abnormal => "abnormal",
        }
    }

    /// The case as the report prints it (our summary of the practice's words).
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::SummingError => "分值汇总计算错误",
            Self::OutOfRange => "分项评分超出评分标准规定的分值范围",
            Self::ObjectiveDiffers => "专家对客观评分项评分不一致",
            Self::Abnormal => "经评审委员会认定评分畸高、畸低",
        }
    }

    /// Every case, for a message that must list them.
    pub fn list_zh() -> String {
        Self::ALL
            .iter()
            .map(|c| format!("{}（{}）", c.name_zh(), c.as_str()))
            .collect::<Vec<_>>()
            .join("、")
    }
}

/// One expert's points on one criterion of one application (a submitted sheet's row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionPoints<'a> {
    pub application: &'a str,
    pub criterion: &'a str,
    pub expert: &'a str,
    pub points: Points,
}

/// Experts who gave different points on one objective criterion of one application.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ObjectiveDisagreement {
    pub application: String,
    pub criterion: String,
    /// Each expert's points, in expert-code order.
    pub points: Vec<ExpertPoints>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ExpertPoints {
    pub expert: String,
    pub points: Points,
}

/// Every (application, objective criterion) on which the experts' points are not all equal, in
/// the order the rows come (application, then criterion, as the caller sorts them). `rows` hold
/// only submitted sheets and only objective criteria.
pub fn objective_disagreements(rows: &[CriterionPoints<'_>]) -> Vec<ObjectiveDisagreement> {
    let mut groups: Vec<(&str, &str, Vec<ExpertPoints>)> = Vec::new();
    for row in rows {
        match groups
            .iter_mut()
            .find(|(a, c, _)| *a == row.application && *c == row.criterion)
        {
            Some((_, _, points)) => points.push(ExpertPoints {
                expert: row.expert.to_owned(),
                points: row.points,
            }),
            None => groups.push((
                row.application,
                row.criterion,
                vec![ExpertPoints {
                    expert: row.expert.to_owned(),
                    points: row.points,
                }],
            )),
        }
    }
    groups
        .into_iter()
        .filter(|(_, _, points)| points.iter().any(|p| p.points != points[0].points))
        .map(|(application, criterion, mut points)| {
            points.sort_by(|a, b| a.expert.cmp(&b.expert));
            ObjectiveDisagreement {
                application: application.to_owned(),
                criterion: criterion.to_owned(),
                points,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row<'a>(a: &'a str, c: &'a str, e: &'a str, p: f64) -> CriterionPoints<'a> {
        CriterionPoints {
            application: a,
            criterion: c,
            expert: e,
            points: Points::from_f64(p).unwrap(),
        }
    }

    #[test]
    fn experts_who_agree_on_an_objective_criterion_are_not_flagged() {
        let rows = [
            row("A", "C7.1", "E1", 5.0),
            row("A", "C7.1", "E2", 5.0),
            row("A", "C7.1", "E3", 5.0),
        ];
        assert!(objective_disagreements(&rows).is_empty());
    }

    #[test]
    fn one_expert_who_differs_flags_the_criterion_with_every_experts_points() {
        let rows = [
            row("A", "C7.1", "E3", 5.0),
            row("A", "C7.1", "E1", 3.0),
            row("A", "C7.1", "E2", 5.0),
            row("B", "C7.1", "E1", 2.0),
            row("B", "C7.1", "E2", 2.0),
            row("A", "K1", "E1", 1.0),
            row("A", "K1", "E2", 1.5),
        ];
        let found = objective_disagreements(&rows);
        assert_eq!(found.len(), 2);
        assert_eq!(
            (found[0].application.as_str(), found[0].criterion.as_str()),
            ("A", "C7.1")
        );
        let experts: Vec<&str> = found[0].points.iter().map(|p| p.expert.as_str()).collect();
        assert_eq!(experts, ["E1", "E2", "E3"]);
        assert_eq!(found[1].criterion, "K1");
    }

    #[test]
    fn a_single_sheet_cannot_disagree() {
        assert!(objective_disagreements(&[row("A", "C7.1", "E1", 0.0)]).is_empty());
    }

    #[test]
    fn every_case_parses_from_its_own_word_and_nothing_else_does() {
        for case in RecheckCase::ALL {
            assert_eq!(RecheckCase::parse(case.as_str()), Some(case));
        }
        assert_eq!(RecheckCase::parse(""), None);
        assert_eq!(RecheckCase::parse("因为我觉得"), None);
        assert!(RecheckCase::list_zh().contains("畸高、畸低"));
    }
}
