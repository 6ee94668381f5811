//! The demo round (示例批次): fictional but plausible applications and experts shipped in
//! `assets/demo/`, so that a new user, a trainer or a test has a whole round to work with.

use park_review_domain::exchange::{parse_checklist, parse_demo_round, parse_rubric};
use park_review_domain::model::Round;
use park_review_domain::round::round_title;
use rusqlite::OptionalExtension;
use serde::Serialize;
use ts_rs::TS;

use crate::applications::insert_application;
use crate::catalog::insert_rubric;
use crate::error::{Result, StoreError};
use crate::experts::{expert_code_taken, upsert_panel_expert};
use crate::inspection::insert_checklist;
use crate::rounds::insert_round;
use crate::{Actor, Store};

const DEMO_ROUND: &str = include_str!("../../../assets/demo/round-2026.json");
const DEFAULT_RUBRIC: &str = include_str!("../../../assets/rubrics/default-designation.json");
const DESIGNATION_CHECKLIST: &str =
    include_str!("../../../assets/checklists/designation-site.json");

/// What loading the demo round created.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct DemoLoaded {
    pub round: Round,
    pub applications: u32,
    pub experts: u32,
    pub criteria: u32,
    pub checklist_items: u32,
}

impl Store {
    /// Loads the demo round in one transaction. Refused if it is already loaded, or if one of
    /// its expert codes is taken; nothing is stored then.
    pub fn load_demo(&mut self, actor: &Actor) -> Result<DemoLoaded> {
        self.permits(actor)?;
        let demo = parse_demo_round(DEMO_ROUND)?;
        let rubric = parse_rubric(DEFAULT_RUBRIC)?;
        let checklist = parse_checklist(DESIGNATION_CHECKLIST)?;
        let code = format!("DEMO-{}", demo.year);
        let existing: Option<String> = self
            .conn()
            .query_row("SELECT code FROM rounds WHERE is_demo = 1", [], |row| {
                row.get(0)
            })
            .optional()?;
        if let Some(existing) = existing {
            return Err(StoreError::DemoAlreadyLoaded(existing));
        }
        self.write(actor, |tx| {
            let title = format!("示例批次：{}", round_title(demo.year, demo.kind));
            let round = insert_round(tx, demo.year, demo.kind, &code, &title, true)?;
            for expert in &demo.experts {
                if expert_code_taken(tx, &expert.code)? {
                    return Err(StoreError::Conflict(format!(
                        "示例批次的专家编号“{}”已被专家库中的专家使用，无法载入示例批次。",
                        expert.code
                    )));
                }
            }
            for app in &demo.applications {
                insert_application(tx, round.id, app)?;
            }
            for expert in &demo.experts {
                upsert_panel_expert(tx, round.id, expert)?;
            }
            insert_rubric(tx, round.id, &rubric)?;
            insert_checklist(tx, round.id, &checklist)?;
            Ok(DemoLoaded {
                round,
                applications: demo.applications.len() as u32,
                experts: demo.experts.len() as u32,
                criteria: rubric
                    .sections
                    .iter()
                    .map(|s| s.criteria.len() as u32)
                    .sum(),
                checklist_items: checklist.items().count() as u32,
            })
        })
    }
}
