//! The audit log (审计记录): who changed what, when, on which computer, through which front end
//! — and a hash chain over it, so that an entry edited or deleted with any SQLite tool is found.
//!
//! Each entry's `sha256` is the SHA-256 of one line of text, the JSON array
//! `["park-review-audit/1", id, at, actor_role, actor_name, actor_surface, station, action,
//! entity, entity_uid, detail, prev_sha256]` written compactly (no spaces, non-ASCII as is),
//! where `detail` is the stored JSON text as a string and `prev_sha256` is the previous entry's
//! `sha256` (64 zeros for the first). docs/formats/audit.md shows how to check it by hand.

use park_review_domain::digest::sha256_hex;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::error::Result;
use crate::CachedSql;
use crate::Store;

/// The `prev_sha256` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// The tag that starts every hashed line.
pub const CHAIN_FORMAT: &str = "park-review-audit/1";

/// One entry of the audit log as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    /// `secretariat`, `expert`, `inspection` or `system`.
    pub actor_role: String,
    /// The person: an expert's code, a secretariat member's name.
    pub actor_name: String,
    /// `app`, `command_line` or `program` (empty for entries older than schema version 8).
    pub actor_surface: String,
    /// The computer's name (empty for entries older than schema version 16).
    pub station: String,
    pub action: String,
    pub entity: String,
    pub entity_uid: String,
    /// The entry's detail as stored: a JSON text (old and new values, the reason).
    pub detail: String,
    pub prev_sha256: String,
    pub sha256: String,
}

impl AuditEntry {
    /// The line whose SHA-256 is this entry's `sha256`.
    pub fn chain_text(&self) -> String {
        chain_text(&ChainFields {
            id: self.id,
            at: &self.at,
            role: &self.actor_role,
            name: &self.actor_name,
            surface: &self.actor_surface,
            station: &self.station,
            action: &self.action,
            entity: &self.entity,
            entity_uid: &self.entity_uid,
            detail: &self.detail,
            prev_sha256: &self.prev_sha256,
        })
    }

    /// The detail, parsed (Null if it is not JSON, which the table's CHECK prevents).
    pub fn detail_value(&self) -> serde_json::Value {
        serde_json::from_str(&self.detail).unwrap_or(serde_json::Value::Null)
    }
}

/// The fields an entry's hash covers.
pub(crate) struct ChainFields<'a> {
    pub id: i64,
    pub at: &'a str,
    pub role: &'a str,
    pub name: &'a str,
    pub surface: &'a str,
    pub station: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_uid: &'a str,
    pub detail: &'a str,
    pub prev_sha256: &'a str,
}

pub(crate) fn chain_text(f: &ChainFields<'_>) -> String {
    serde_json::json!([
        CHAIN_FORMAT,
        f.id,
        f.at,
        f.role,
        f.name,
        f.surface,
        f.station,
        f.action,
        f.entity,
        f.entity_uid,
        f.detail,
        f.prev_sha256
    ])
    .to_string()
}

pub(crate) fn chain_sha256(f: &ChainFields<'_>) -> String {
    sha256_hex(chain_text(f).as_bytes())
}

const COLUMNS: &str = "id, at, actor_role, actor_name, actor_surface, station, action, entity,
                       entity_uid, detail, prev_sha256, sha256";

fn entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        id: r.get(0)?,
        at: r.get(1)?,
        actor_role: r.get(2)?,
        actor_name: r.get(3)?,
        actor_surface: r.get(4)?,
        station: r.get(5)?,
        action: r.get(6)?,
        entity: r.get(7)?,
        entity_uid: r.get(8)?,
        detail: r.get(9)?,
        prev_sha256: r.get(10)?,
        sha256: r.get(11)?,
    })
}

/// Seals, in order, the entries written before the chain existed (migration 16), in the
/// migration's transaction.
pub(crate) fn seal_unsealed(tx: &rusqlite::Transaction<'_>) -> Result<()> {
    let entries: Vec<AuditEntry> = {
        let mut stmt =
            tx.prepare_cached(&format!("SELECT {COLUMNS} FROM audit_log ORDER BY id"))?;
        let rows = stmt.query_map([], entry)?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut update =
        tx.prepare_cached("UPDATE audit_log SET prev_sha256 = ?2, sha256 = ?3 WHERE id = ?1")?;
    let mut prev = GENESIS.to_owned();
    for mut e in entries {
        e.prev_sha256 = prev;
        let sha = sha256_hex(e.chain_text().as_bytes());
        update.execute(params![e.id, e.prev_sha256, sha])?;
        prev = sha;
    }
    Ok(())
}

/// The last entry's id and hash, or (0, [`GENESIS`]) for an empty log.
pub(crate) fn chain_head(conn: &rusqlite::Connection) -> Result<(i64, String)> {
    Ok(conn
        .query_row_cached(
            "SELECT id, sha256 FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .unwrap_or((0, GENESIS.to_owned())))
}

/// What `audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditVerification {
    /// Entries checked.
    pub entries: i64,
    /// The last entry's id and hash: what an archived export or a printed report can be
    /// compared with later (an entry removed from the end leaves a valid but shorter chain).
    pub head_id: i64,
    pub head_sha256: String,
    /// The first broken link, if any.
    pub broken: Option<AuditBreak>,
}

/// Where the chain breaks and why, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditBreak {
    /// The entry at which the chain breaks.
    pub id: i64,
    pub reason: String,
}

/// Whose history to show: a round, one application, one expert in a round, or one sheet (an
/// expert's assignment to an application).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditSubject {
    Round(park_review_domain::ids::RoundId),
    Application(park_review_domain::ids::ApplicationId),
    Expert {
        round: park_review_domain::ids::RoundId,
        expert: park_review_domain::ids::ExpertId,
    },
    Sheet {
        application: park_review_domain::ids::ApplicationId,
        expert: park_review_domain::ids::ExpertId,
    },
}

impl AuditSubject {
    /// The uids an entry of this subject's history is about, as an SQL query over `?1` (and
    /// `?2`): the subject itself and what hangs off it (an application's assignments,
    /// attachments, inspection, recusals, overrides, outlier resolutions, signed documents …).
    fn uids(self) -> (&'static str, i64, i64) {
        match self {
            AuditSubject::Round(round) => (
                "SELECT uid FROM rounds WHERE id = ?1
                 UNION ALL SELECT uid FROM rubrics WHERE round_id = ?1
                 UNION ALL SELECT uid FROM checklists WHERE round_id = ?1
                 UNION ALL SELECT uid FROM applications WHERE round_id = ?1
                 UNION ALL SELECT uid FROM assignments WHERE round_id = ?1
                 UNION ALL SELECT uid FROM round_experts WHERE round_id = ?1
                 UNION ALL SELECT uid FROM recusals WHERE round_id = ?1
                 UNION ALL SELECT uid FROM inspections WHERE round_id = ?1
                 UNION ALL SELECT uid FROM signed_sheets WHERE round_id = ?1
                 UNION ALL SELECT ?2 WHERE 0",
                round.0,
                0,
            ),
            AuditSubject::Application(app) => (
                "SELECT uid FROM applications WHERE id = ?1
                 UNION ALL SELECT uid FROM assignments WHERE application_id = ?1
                 UNION ALL SELECT uid FROM attachments WHERE application_id = ?1
                 UNION ALL SELECT uid FROM recusals WHERE application_id = ?1
                 UNION ALL SELECT uid FROM eligibility_overrides WHERE application_id = ?1
                 UNION ALL SELECT uid FROM eligibility_document_checks WHERE application_id = ?1
                 UNION ALL SELECT uid FROM outlier_resolutions WHERE application_id = ?1
                 UNION ALL SELECT uid FROM inspections WHERE application_id = ?1
                 UNION ALL SELECT uid FROM signed_sheets WHERE application_id = ?1
                 UNION ALL SELECT ?2 WHERE 0",
                app.0,
                0,
            ),
            AuditSubject::Expert { round, expert } => (
                "SELECT uid FROM experts WHERE id = ?2
                 UNION ALL SELECT uid FROM round_experts WHERE round_id = ?1 AND expert_id = ?2
                 UNION ALL SELECT uid FROM assignments WHERE round_id = ?1 AND expert_id = ?2
                 UNION ALL SELECT uid FROM recusals WHERE round_id = ?1 AND expert_id = ?2
                 UNION ALL SELECT uid FROM signed_sheets WHERE round_id = ?1 AND expert_id = ?2
                 UNION ALL SELECT uid FROM hand_signatures WHERE expert_id = ?2",
                round.0,
                expert.0,
            ),
            AuditSubject::Sheet {
                application,
                expert,
            } => (
                "SELECT uid FROM assignments WHERE application_id = ?1 AND expert_id = ?2
                 UNION ALL SELECT uid FROM recusals WHERE application_id = ?1 AND expert_id = ?2
                 UNION ALL SELECT uid FROM outlier_resolutions
                           WHERE application_id = ?1 AND expert_id = ?2
                 UNION ALL SELECT uid FROM signed_sheets
                           WHERE application_id = ?1 AND expert_id = ?2 AND kind = 'sheet'",
                application.0,
                expert.0,
            ),
        }
    }
}

/// Which entries to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only entries about these entity uids (an application, an expert, a sheet, a round).
    pub entity_uids: Vec<String>,
    /// Only entries whose action starts with this (`score.`, `ranking.` …).
    pub action_prefix: Option<String>,
    /// At most this many, newest first.
    pub limit: u32,
}

impl Store {
    /// The newest `limit` entries of the audit log, newest first.
    pub fn recent_audit(&self, limit: u32) -> Result<Vec<AuditEntry>> {
        self.audit_entries(&AuditFilter {
            limit,
            ..AuditFilter::default()
        })
    }

    /// Entries matching `filter`, newest first.
    pub fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let mut sql = format!("SELECT {COLUMNS} FROM audit_log WHERE 1 = 1");
        let mut values: Vec<rusqlite::types::Value> = Vec::new();
        if !filter.entity_uids.is_empty() {
            sql.push_str(&format!(
                " AND entity_uid IN ({})",
                vec!["?"; filter.entity_uids.len()].join(", ")
            ));
            values.extend(filter.entity_uids.iter().cloned().map(Into::into));
        }
        if let Some(prefix) = &filter.action_prefix {
            sql.push_str(" AND substr(action, 1, length(?)) = ?");
            values.push(prefix.clone().into());
            values.push(prefix.clone().into());
        }
        sql.push_str(" ORDER BY id DESC LIMIT ?");
        values.push(i64::from(filter.limit.max(1)).into());
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(values), entry)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The last entry's id and hash ((0, zeros) for an empty log): what changes with every write.
    pub fn audit_head(&self) -> Result<(i64, String)> {
        chain_head(self.conn())
    }

    /// The entry with this id, if there is one.
    pub fn audit_entry(&self, id: i64) -> Result<Option<AuditEntry>> {
        Ok(self
            .conn()
            .query_row_cached(
                &format!("SELECT {COLUMNS} FROM audit_log WHERE id = ?1"),
                [id],
                entry,
            )
            .optional()?)
    }

    /// The history of `subject`, newest first, at most `limit` entries.
    pub fn audit_history(&self, subject: AuditSubject, limit: u32) -> Result<Vec<AuditEntry>> {
        let (uids, a, b) = subject.uids();
        let sql = format!(
            "SELECT {COLUMNS} FROM audit_log WHERE entity_uid IN ({uids})
             ORDER BY id DESC LIMIT ?3"
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map(params![a, b, i64::from(limit.max(1))], entry)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every entry in order, oldest first, handed to `each` one at a time (the log of a long
    /// round holds hundreds of thousands).
    pub fn each_audit_entry(&self, mut each: impl FnMut(&AuditEntry) -> Result<()>) -> Result<()> {
        let mut stmt = self
            .conn()
            .prepare_cached(&format!("SELECT {COLUMNS} FROM audit_log ORDER BY id"))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            each(&entry(row)?)?;
        }
        Ok(())
    }

    /// Checks the whole chain: ids without gaps from 1, each entry's `prev_sha256` the hash of
    /// the one before, and each hash that of its own content. Names the first broken link.
    pub fn verify_audit(&self) -> Result<AuditVerification> {
        let mut expected_id = 1i64;
        let mut prev = GENESIS.to_owned();
        let mut entries = 0i64;
        let mut broken: Option<AuditBreak> = None;
        self.each_audit_entry(|e| {
            if broken.is_some() {
                return Ok(());
            }
            entries += 1;
            let reason = if e.id != expected_id {
                Some(if e.id > expected_id {
                    format!("第 {} 至 {} 条记录不见了（被删除）", expected_id, e.id - 1)
                } else {
                    format!("记录编号 {} 重复或顺序错乱", e.id)
                })
            } else if e.prev_sha256 != prev {
                Some(format!(
                    "第 {} 条记录所记的前一条哈希与第 {} 条不符（之前的记录被改动、删除或插入）",
                    e.id,
                    e.id - 1
                ))
            } else if sha256_hex(e.chain_text().as_bytes()) != e.sha256 {
                Some(format!(
                    "第 {} 条记录（{} {}）的内容被改动：与它的哈希不符",
                    e.id, e.at, e.action
                ))
            } else {
                None
            };
            if let Some(reason) = reason {
                broken = Some(AuditBreak { id: e.id, reason });
            }
            expected_id = e.id + 1;
            prev = e.sha256.clone();
            Ok(())
        })?;
        let (head_id, head_sha256) = chain_head(self.conn())?;
        Ok(AuditVerification {
            entries,
            head_id,
            head_sha256,
            broken,
        })
    }
}
