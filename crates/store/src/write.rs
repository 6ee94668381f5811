//! The one write path. Every change to the database goes through [`crate::Store::write`], which
//! opens a transaction, hands the closure a [`WriteTx`], and commits only if the closure wrote
//! at least one audit entry: so "who changed what, when" is always in the same transaction as
//! the change, and a crash at any moment leaves either both or neither.

use chrono::{DateTime, FixedOffset};
use rusqlite::{params, Transaction};
use serde::Serialize;

use crate::error::{Result, StoreError};

/// Who makes a change: the role, the person's name (an expert's code, or the secretariat
/// member's name) and the front end it came through, each in its own audit field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub role: Role,
    pub name: String,
    pub surface: Surface,
}

/// The front end a change came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Surface {
    /// The desktop app (桌面程序).
    App,
    /// The `park-review` command line (命令行).
    CommandLine,
    /// The program itself: migrations, the demo loader, benchmarks and tests.
    Program,
}

impl Surface {
    pub fn as_str(self) -> &'static str {
        match self {
            Surface::App => "app",
            Surface::CommandLine => "command_line",
            Surface::Program => "program",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 秘书处
    Secretariat,
    /// 评审专家
    Expert,
    /// 实地考察组
    Inspection,
    /// The program itself (migrations, the demo loader).
    System,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Secretariat => "secretariat",
            Role::Expert => "expert",
            Role::Inspection => "inspection",
            Role::System => "system",
        }
    }
}

impl Actor {
    /// A secretariat member acting through `surface`.
    pub fn secretariat(name: impl Into<String>, surface: Surface) -> Actor {
        Actor {
            role: Role::Secretariat,
            name: name.into(),
            surface,
        }
    }

    /// An expert (by code) acting through `surface`.
    pub fn expert(code: &str, surface: Surface) -> Actor {
        Actor {
            role: Role::Expert,
            name: code.trim().to_owned(),
            surface,
        }
    }

    /// A member of an inspection team (by expert code) acting through `surface`.
    pub fn inspector(code: &str, surface: Surface) -> Actor {
        Actor {
            role: Role::Inspection,
            name: code.trim().to_owned(),
            surface,
        }
    }

    /// The program itself (the demo loader, benchmarks).
    pub fn system() -> Actor {
        Actor {
            role: Role::System,
            name: "park-review".into(),
            surface: Surface::Program,
        }
    }
}

/// A write's own transaction, or — inside [`crate::Store::in_one_transaction`] — a savepoint of
/// the one around it. Either reads and writes as the connection.
pub(crate) enum TxHandle<'conn> {
    Transaction(Transaction<'conn>),
    Savepoint(rusqlite::Savepoint<'conn>),
}

impl std::ops::Deref for TxHandle<'_> {
    type Target = rusqlite::Connection;

    fn deref(&self) -> &rusqlite::Connection {
        match self {
            TxHandle::Transaction(tx) => tx,
            TxHandle::Savepoint(sp) => sp,
        }
    }
}

impl TxHandle<'_> {
    fn commit(self) -> rusqlite::Result<()> {
        match self {
            TxHandle::Transaction(tx) => tx.commit(),
            TxHandle::Savepoint(sp) => sp.commit(),
        }
    }
}

/// An open write transaction, with the time of the change and its actor.
pub struct WriteTx<'conn> {
    pub(crate) tx: TxHandle<'conn>,
    now: DateTime<FixedOffset>,
    actor: Actor,
    station: String,
    audit_entries: usize,
    /// The audit chain's last id and hash, read at the first entry of this transaction.
    head: Option<(i64, String)>,
}

impl<'conn> WriteTx<'conn> {
    pub(crate) fn new(
        tx: TxHandle<'conn>,
        now: DateTime<FixedOffset>,
        actor: Actor,
        station: String,
    ) -> Self {
        WriteTx {
            tx,
            now,
            actor,
            station,
            audit_entries: 0,
            head: None,
        }
    }

    /// The time of this change, as stored: RFC 3339 local time with its UTC offset.
    pub fn now(&self) -> String {
        self.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
    }

    /// Who makes this change, as the audit log names them.
    pub fn actor_name(&self) -> &str {
        &self.actor.name
    }

    /// A fresh UUID for a new row.
    pub fn new_uid(&self) -> String {
        uuid::Uuid::new_v4().to_string()
    }

    /// Records what this transaction did to one entity: the next link of the audit chain.
    pub fn audit(
        &mut self,
        action: &str,
        entity: &str,
        entity_uid: &str,
        detail: serde_json::Value,
    ) -> Result<()> {
        let (prev_id, prev_sha256) = match self.head.take() {
            Some(head) => head,
            None => crate::audit::chain_head(&self.tx)?,
        };
        let id = prev_id + 1;
        let at = self.now();
        let detail = detail.to_string();
        let sha256 = crate::audit::chain_sha256(&crate::audit::ChainFields {
            id,
            at: &at,
            role: self.actor.role.as_str(),
            name: &self.actor.name,
            surface: self.actor.surface.as_str(),
            station: &self.station,
            action,
            entity,
            entity_uid,
            detail: &detail,
            prev_sha256: &prev_sha256,
        });
        self.tx
            .prepare_cached(
                "INSERT INTO audit_log (id, at, actor_role, actor_name, actor_surface, station,
                                        action, entity, entity_uid, detail, prev_sha256, sha256)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                id,
                at,
                self.actor.role.as_str(),
                self.actor.name,
                self.actor.surface.as_str(),
                self.station,
                action,
                entity,
                entity_uid,
                detail,
                prev_sha256,
                sha256
            ])?;
        self.head = Some((id, sha256));
        self.audit_entries += 1;
        Ok(())
    }

    /// Records an update: `context` (what names the change: a criterion, a reason) with
    /// `"changes"`, each field of `old` and `new` that differs as `{"old": …, "new": …}`.
    /// Every update says what it replaced, in one shape (docs/formats/audit.md).
    pub fn audit_change(
        &mut self,
        action: &str,
        entity: &str,
        entity_uid: &str,
        context: serde_json::Value,
        old: serde_json::Value,
        new: serde_json::Value,
    ) -> Result<()> {
        let mut detail = match context {
            serde_json::Value::Object(map) => map,
            serde_json::Value::Null => serde_json::Map::new(),
            other => {
                let mut map = serde_json::Map::new();
                map.insert("context".into(), other);
                map
            }
        };
        detail.insert("changes".into(), changes(&old, &new));
        self.audit(
            action,
            entity,
            entity_uid,
            serde_json::Value::Object(detail),
        )
    }

    /// The uid of an application, for its audit entries.
    pub(crate) fn application_uid(
        &self,
        application: park_review_domain::ids::ApplicationId,
    ) -> Result<String> {
        Ok(self.tx.query_row(
            "SELECT uid FROM applications WHERE id = ?1",
            [application.0],
            |r| r.get(0),
        )?)
    }

    pub(crate) fn commit(self) -> Result<()> {
        if self.audit_entries == 0 {
            // A write without an audit entry is a bug in this crate; refuse it rather than
            // store an untraceable change.
            return Err(StoreError::Internal("写操作没有审计记录".into()));
        }
        self.tx.commit()?;
        Ok(())
    }
}

/// The fields in which two JSON objects differ, each as `{"old": …, "new": …}` (a field
/// missing on one side is null there). Values that are not objects compare whole, under
/// `"value"`.
pub fn changes(old: &serde_json::Value, new: &serde_json::Value) -> serde_json::Value {
    use serde_json::{json, Map, Value};
    let pair = |o: &Value, n: &Value| json!({"old": o, "new": n});
    let mut out = Map::new();
    match (old, new) {
        (Value::Object(o), Value::Object(n)) => {
            let keys: std::collections::BTreeSet<&String> = o.keys().chain(n.keys()).collect();
            for key in keys {
                let (a, b) = (
                    o.get(key).unwrap_or(&Value::Null),
                    n.get(key).unwrap_or(&Value::Null),
                );
                if a != b {
                    out.insert(key.clone(), pair(a, b));
                }
            }
        }
        (o, n) if o != n => {
            out.insert("value".into(), pair(o, n));
        }
        _ => {}
    }
    Value::Object(out)
}
