//! Reading the audit log (审计记录): who changed what, when, through which front end.

use rusqlite::params;
use serde::Serialize;

use crate::error::Result;
use crate::Store;

/// One entry of the audit log as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub at: String,
    /// `secretariat`, `expert`, `inspection` or `system`.
    pub actor_role: String,
    /// The person: an expert's code, a secretariat member's name.
    pub actor_name: String,
    /// `app`, `command_line` or `program` (empty for entries older than schema version 8).
    pub actor_surface: String,
    pub action: String,
    pub entity: String,
    pub entity_uid: String,
    pub detail: serde_json::Value,
}

impl Store {
    /// The newest `limit` entries of the audit log, newest first.
    pub fn recent_audit(&self, limit: u32) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn().prepare(
            "SELECT at, actor_role, actor_name, actor_surface, action, entity, entity_uid, detail
             FROM audit_log ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit], |r| {
            let detail: String = r.get(7)?;
            Ok(AuditEntry {
                at: r.get(0)?,
                actor_role: r.get(1)?,
                actor_name: r.get(2)?,
                actor_surface: r.get(3)?,
                action: r.get(4)?,
                entity: r.get(5)?,
                entity_uid: r.get(6)?,
                detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::Null),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
