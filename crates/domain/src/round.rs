//! Review rounds (评审批次): a year's designation review (申报评审) or annual assessment (年度考核),
//! and the life cycle draft (草稿) → open (进行中) → closed (已结束).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::DomainError;

/// The first year the programme could have a round (the guide dates from 2017); anything
/// outside `FIRST_YEAR..=LAST_YEAR` is a typo.
pub const FIRST_YEAR: i32 = 2017;
/// See [`FIRST_YEAR`].
pub const LAST_YEAR: i32 = 2100;

/// What a round is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RoundKind {
    /// 申报评审: applications for designation (一, P1–P5).
    Designation,
    /// 年度考核: the yearly assessment of designated parks (三, A1–A3).
    AnnualAssessment,
}

impl RoundKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RoundKind::Designation => "designation",
            RoundKind::AnnualAssessment => "annual_assessment",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            RoundKind::Designation => "申报评审",
            RoundKind::AnnualAssessment => "年度考核",
        }
    }

    /// The suffix of a round's code: `2026-SB` (申报) or `2026-KH` (考核).
    pub fn code_suffix(self) -> &'static str {
        match self {
            RoundKind::Designation => "SB",
            RoundKind::AnnualAssessment => "KH",
        }
    }

    pub fn parse(input: &str) -> Result<RoundKind, DomainError> {
        match input.trim() {
            "designation" | "申报评审" | "申报" => Ok(RoundKind::Designation),
            "annual_assessment" | "annual-assessment" | "年度考核" | "考核" => {
                Ok(RoundKind::AnnualAssessment)
            }
            other => Err(DomainError::InvalidRoundKind(other.to_owned())),
        }
    }
}

/// Where a round is in its life cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RoundStatus {
    /// 草稿: applications and experts are registered, the rubric may still be edited.
    Draft,
    /// 进行中: the rubric is frozen, experts score.
    Open,
    /// 已结束: the ranking is final; nothing changes any more.
    Closed,
}

impl RoundStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RoundStatus::Draft => "draft",
            RoundStatus::Open => "open",
            RoundStatus::Closed => "closed",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            RoundStatus::Draft => "草稿",
            RoundStatus::Open => "进行中",
            RoundStatus::Closed => "已结束",
        }
    }

    pub fn parse(input: &str) -> Option<RoundStatus> {
        match input {
            "draft" => Some(RoundStatus::Draft),
            "open" => Some(RoundStatus::Open),
            "closed" => Some(RoundStatus::Closed),
            _ => None,
        }
    }

    /// A round only moves forward, one step at a time.
    pub fn transition_to(self, next: RoundStatus) -> Result<RoundStatus, DomainError> {
        match (self, next) {
            (RoundStatus::Draft, RoundStatus::Open) | (RoundStatus::Open, RoundStatus::Closed) => {
                Ok(next)
            }
            _ => Err(DomainError::InvalidTransition {
                from: self.name_zh(),
                to: next.name_zh(),
            }),
        }
    }
}

/// Checks a round's year.
pub fn validate_year(year: i32) -> Result<i32, DomainError> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
        Ok(year)
    } else {
        Err(DomainError::InvalidYear(year))
    }
}

/// The human-readable code of a round, unique in a database: `2026-SB`, `2027-KH`.
pub fn round_code(year: i32, kind: RoundKind) -> String {
    format!("{year}-{}", kind.code_suffix())
}

/// The round's title as printed on every document: `2026年广东省人工智能产业园区申报评审`.
pub fn round_title(year: i32, kind: RoundKind) -> String {
    format!("{year}年广东省人工智能产业园区{}", kind.name_zh())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Coded;

    #[test]
    fn life_cycle_moves_forward_one_step() {
        use RoundStatus::*;
        let cases = [
            (Draft, Open, true),
            (Open, Closed, true),
            (Draft, Closed, false),
            (Open, Draft, false),
            (Closed, Open, false),
            (Closed, Closed, false),
        ];
        for (from, to, ok) in cases {
            assert_eq!(from.transition_to(to).is_ok(), ok, "{from:?} -> {to:?}");
        }
    }

    #[test]
    fn years_and_codes() {
        assert!(validate_year(2016).is_err());
        assert!(validate_year(2026).is_ok());
        assert!(validate_year(20260).is_err());
        assert_eq!(round_code(2026, RoundKind::Designation), "2026-SB");
        assert_eq!(round_code(2027, RoundKind::AnnualAssessment), "2027-KH");
        assert_eq!(
            round_title(2026, RoundKind::Designation),
            "2026年广东省人工智能产业园区申报评审"
        );
    }

    #[test]
    fn kinds_parse_from_cli_words_and_chinese() {
        assert_eq!(
            RoundKind::parse("designation").unwrap(),
            RoundKind::Designation
        );
        assert_eq!(
            RoundKind::parse("年度考核").unwrap(),
            RoundKind::AnnualAssessment
        );
        assert_eq!(
            RoundKind::parse("other").unwrap_err().code(),
            crate::ErrorCode::InvalidRoundKind
        );
    }
}
