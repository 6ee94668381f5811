//! The domain of ParkReview: the Guangdong AI industrial park programme's review rounds and
//! everything a round holds (cities, applications, experts, rubrics, assignments, scores,
//! checklists and inspections).
//!
//! Invariant: this crate does no I/O and reads no clock. Time, randomness and storage are passed
//! in by the caller, so every rule here is a pure function that tests can pin down exactly.
//! Clause ids (C1–C7, P1–P5, T1–T8, A1–A3) refer to `shared/docs/domain.md`.

pub mod assignment;
pub mod city;
pub mod claim;
pub mod clause;
pub mod code;
pub mod credit_code;
pub mod digest;
pub mod eligibility;
pub mod error;
pub mod exchange;
pub mod ids;
pub mod input;
pub mod inspection;
pub mod model;
pub mod offline;
pub mod panel;
pub mod points;
pub mod publication;
pub mod ranking;
pub mod recusal;
pub mod round;
pub mod rubric;

pub use city::City;
pub use clause::Clause;
pub use error::{Coded, CodedError, DomainError, ErrorCode};
pub use points::Points;
pub use round::{RoundKind, RoundStatus};
