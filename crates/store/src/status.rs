//! Counts per entity, for the home screen and `park-review status`.

use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::migrate::schema_version;
use crate::Store;

/// What the database holds: one count per entity, and the schema version. Counts cross IPC as
/// plain numbers (exact far beyond any real count), not as `bigint`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Status {
    pub db_path: String,
    #[ts(type = "number")]
    pub schema_version: i64,
    #[ts(type = "number")]
    pub rounds: i64,
    #[ts(type = "number")]
    pub applications: i64,
    #[ts(type = "number")]
    pub experts: i64,
    #[ts(type = "number")]
    pub panel_members: i64,
    #[ts(type = "number")]
    pub criteria: i64,
    #[ts(type = "number")]
    pub checklist_items: i64,
    #[ts(type = "number")]
    pub assignments: i64,
    #[ts(type = "number")]
    pub scores: i64,
    #[ts(type = "number")]
    pub inspections: i64,
    #[ts(type = "number")]
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
            checklist_items: self.conn().query_row(
                "SELECT COALESCE(SUM(json_array_length(s.value, '$.items')), 0)
                 FROM checklists c, json_each(c.body, '$.sections') s",
                [],
                |row| row.get(0),
            )?,
            assignments: count("assignments")?,
            scores: count("scores")?,
            inspections: count("inspections")?,
            audit_entries: count("audit_log")?,
        })
    }
}
