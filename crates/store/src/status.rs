//! Counts per entity, for the home screen and `park-review status`.

use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::migrate::schema_version;
use crate::Store;

/// What the database holds: one count per entity, and the schema version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Status {
    pub db_path: String,
    pub schema_version: i64,
    pub rounds: i64,
    pub applications: i64,
    pub experts: i64,
    pub panel_members: i64,
    pub criteria: i64,
    pub checklist_items: i64,
    pub assignments: i64,
    pub scores: i64,
    pub inspections: i64,
    pub audit_entries: i64,
}

impl Store {
    pub fn status(&self) -> Result<Status> {
        let count = |table: &str| -> Result<i64> {
            Ok(self
                .conn()
                .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |row| {
                    row.get(0)
                })?)
        };
        Ok(Status {
            db_path: self.path().display().to_string(),
            schema_version: schema_version(self.conn())?,
            rounds: count("rounds")?,
            applications: count("applications")?,
            experts: count("experts")?,
            panel_members: count("round_experts")?,
            criteria: count("criteria")?,
            checklist_items: count("checklist_items")?,
            assignments: count("assignments")?,
            scores: count("scores")?,
            inspections: count("inspections")?,
            audit_entries: count("audit_log")?,
        })
    }
}
