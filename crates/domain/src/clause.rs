//! The guide's clause ids (`../shared/docs/domain.md`): the hard conditions C1–C7, the
//! procedure P1–P5, the application's topics T1–T8 and the annual assessment A1–A3. Code that
//! names a clause names one of these, never a string; files (a rubric, a checklist) carry the
//! ids as text, and their checks turn the text into clauses with a problem per unknown id.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One clause of the guide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum Clause {
    C1,
    C2,
    C3,
    C4,
    C5,
    C6,
    C7,
    P1,
    P2,
    P3,
    P4,
    P5,
    T1,
    T2,
    T3,
    T4,
    T5,
    T6,
    T7,
    T8,
    A1,
    A2,
    A3,
}

impl Clause {
    /// Every clause, in the guide's order.
    pub const ALL: [Clause; 23] = [
        Clause::C1,
        Clause::C2,
        Clause::C3,
        Clause::C4,
        Clause::C5,
        Clause::C6,
        Clause::C7,
        Clause::P1,
        Clause::P2,
        Clause::P3,
        Clause::P4,
        Clause::P5,
        Clause::T1,
        Clause::T2,
        Clause::T3,
        Clause::T4,
        Clause::T5,
        Clause::T6,
        Clause::T7,
        Clause::T8,
        Clause::A1,
        Clause::A2,
        Clause::A3,
    ];

    /// The clauses evidence can be attached to: the seven conditions, P3's recommendation
    /// letter (推荐函) and P4's materials.
    pub const ATTACHABLE: [Clause; 9] = [
        Clause::C1,
        Clause::C2,
        Clause::C3,
        Clause::C4,
        Clause::C5,
        Clause::C6,
        Clause::C7,
        Clause::P3,
        Clause::P4,
    ];

    /// The industrial base (产业基础): the rubric section citing it breaks ties (domain.md).
    pub const INDUSTRIAL_BASE: Clause = Clause::C3;

    pub fn as_str(self) -> &'static str {
        match self {
            Clause::C1 => "C1",
            Clause::C2 => "C2",
            Clause::C3 => "C3",
            Clause::C4 => "C4",
            Clause::C5 => "C5",
            Clause::C6 => "C6",
            Clause::C7 => "C7",
            Clause::P1 => "P1",
            Clause::P2 => "P2",
            Clause::P3 => "P3",
            Clause::P4 => "P4",
            Clause::P5 => "P5",
            Clause::T1 => "T1",
            Clause::T2 => "T2",
            Clause::T3 => "T3",
            Clause::T4 => "T4",
            Clause::T5 => "T5",
            Clause::T6 => "T6",
            Clause::T7 => "T7",
            Clause::T8 => "T8",
            Clause::A1 => "A1",
            Clause::A2 => "A2",
            Clause::A3 => "A3",
        }
    }

    /// The clause whose id is exactly `text` (`C3`); none for anything else. Files carry ids
    /// exactly; a place that takes what a person types normalises it first (trim, upper case).
    pub fn parse(text: &str) -> Option<Clause> {
        Clause::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

impl std::fmt::Display for Clause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_clause_of_domain_md_and_nothing_else() {
        let ids: Vec<&str> = Clause::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(ids.len(), 7 + 5 + 8 + 3);
        for (prefix, n) in [("C", 7), ("P", 5), ("T", 8), ("A", 3)] {
            for i in 1..=n {
                assert_eq!(
                    Clause::parse(&format!("{prefix}{i}")).unwrap().as_str(),
                    format!("{prefix}{i}")
                );
            }
            assert_eq!(Clause::parse(&format!("{prefix}{}", n + 1)), None);
            assert_eq!(Clause::parse(&format!("{prefix}0")), None);
        }
        for bad in ["", "C", "X1", "C03", "C3.1", "P 4", "c3", " C3"] {
            assert_eq!(Clause::parse(bad), None, "{bad}");
        }
        assert_eq!(
            serde_json::to_string(&Clause::T4).unwrap(),
            "\"T4\"",
            "files carry the id as text"
        );
    }
}
