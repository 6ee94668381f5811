//! Identifiers.
//!
//! Every row has two identities: a local integer id (`RoundId`, `ApplicationId`, …) that is
//! cheap to join on but only means something inside one database, and a [`Uid`] that stays the
//! same in every database the row is copied to (review packages travel to experts' laptops and
//! score bundles travel back). Users see neither: they see the human-readable code (see
//! [`crate::code`]).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

macro_rules! local_id {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
        #[ts(export, type = "number")]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

local_id! {
    /// A round's row id in one database.
    RoundId,
    /// An application's row id in one database.
    ApplicationId,
    /// An expert's row id in one database.
    ExpertId,
    /// A rubric's row id in one database.
    RubricId,
    /// A criterion's row id in one database.
    CriterionId,
    /// An assignment's (expert × application) row id in one database.
    AssignmentId,
    /// A checklist's row id in one database.
    ChecklistId,
    /// An inspection's row id in one database.
    InspectionId,
}

/// A row's identity across databases: a UUID in its canonical hyphenated lower-case form.
/// The domain never makes one (that needs randomness); the store does.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(transparent)]
pub struct Uid(pub String);

impl std::fmt::Display for Uid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One expert × application pair of a round — an assignment, and everything gated by it (the
/// pledge, the materials, the scores, a conflict, an outlier). The store's callers name it
/// this way everywhere: the round by its id, the expert and the application by the codes people
/// read (`E004`, `2026-GZ-01`); the store resolves the codes and checks them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AssignmentKey {
    pub round_id: RoundId,
    /// The expert's code, e.g. `E004`.
    pub expert: String,
    /// The application's code, e.g. `2026-GZ-01`.
    pub application: String,
}

impl AssignmentKey {
    pub fn new(round_id: RoundId, expert: &str, application: &str) -> AssignmentKey {
        AssignmentKey {
            round_id,
            expert: expert.trim().to_owned(),
            application: application.trim().to_owned(),
        }
    }
}
