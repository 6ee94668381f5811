//! Recusal (回避): the conflicts between a round's experts and its applications — found by the
//! rules (employer, credit code, city, declared relations), added by the secretariat or declared
//! by the expert, dismissed with a written reason — recomputed from current data on every call.

use std::collections::BTreeMap;

use park_review_domain::ids::{ApplicationId, AssignmentKey, ExpertId};
use park_review_domain::model::{ApplicationRecord, Expert, Round};
use park_review_domain::recusal::{
    effective_conflicts, find_conflicts, ApplicationParties, Conflict, ConflictKind, ExpertParties,
};
use park_review_domain::ErrorCode;
use rusqlite::params;
use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use crate::access::assignment_row;
use crate::access::{remove_assignment, require_reason};
use crate::error::{Result, StoreError};
use crate::CachedSql;
use crate::{Actor, Store};

/// A conflict that the secretariat dismissed, with the written reason.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Dismissal {
    pub key: String,
    pub reason: String,
    pub recorded_by: String,
    pub at: String,
}

fn rule(code: ErrorCode, message: String) -> StoreError {
    StoreError::Rule { code, message }
}

/// Every conflict of a round, by (application, expert), with the dismissals that apply.
type ConflictMap = BTreeMap<(ApplicationId, ExpertId), (Vec<Conflict>, Vec<Dismissal>)>;

impl Store {
    pub(crate) fn round_conflicts(&self, round: &Round, panel: &[Expert]) -> Result<ConflictMap> {
        let records = self.application_records(round.id)?;
        let apps: Vec<(ApplicationId, &ApplicationRecord)> = records
            .iter()
            .map(|(id, record, _)| (*id, record))
            .collect();
        self.conflicts_of(round, &apps, panel)
    }

    /// The conflicts between `apps` and `panel`: the rules' findings with the recorded
    /// decisions applied.
    pub(crate) fn conflicts_of(
        &self,
        round: &Round,
        apps: &[(ApplicationId, &ApplicationRecord)],
        panel: &[Expert],
    ) -> Result<ConflictMap> {
        let mut recorded: BTreeMap<(i64, i64), Vec<Conflict>> = BTreeMap::new();
        let mut dismissed: BTreeMap<(i64, i64), Vec<Dismissal>> = BTreeMap::new();
        let mut stmt = self.conn().prepare_cached(
            "SELECT application_id, expert_id, action, conflict_key, reason, recorded_by, created_at, uid
             FROM recusals WHERE round_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([round.id.0], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?;
        for row in rows {
            let (app, expert, action, key, reason, by, at, uid) = row?;
            match action.as_str() {
                "dismissed" => dismissed.entry((app, expert)).or_default().push(Dismissal {
                    key,
                    reason,
                    recorded_by: by,
                    at,
                }),
                other => recorded.entry((app, expert)).or_default().push(Conflict {
                    kind: if other == "declared" {
                        ConflictKind::DeclaredByExpert
                    } else {
                        ConflictKind::Manual
                    },
                    key: uid,
                    reason,
                }),
            }
        }
        let mut map = ConflictMap::new();
        for (app_id, record) in apps {
            let parties = ApplicationParties {
                park_name: &record.park_name,
                management_body: &record.management_body,
                city: record.city,
                enterprises: record
                    .enterprises
                    .iter()
                    .map(|e| (e.name.as_str(), e.credit_code.as_str()))
                    .collect(),
            };
            for expert in panel {
                let automatic = find_conflicts(
                    &ExpertParties {
                        employer: &expert.employer,
                        employer_credit_code: &expert.employer_credit_code,
                        city: expert.city,
                        relations: &expert.relations,
                    },
                    &parties,
                    round.recuse_same_city,
                );
                let pair = (app_id.0, expert.id.0);
                let dismissals = dismissed.remove(&pair).unwrap_or_default();
                let keys: Vec<String> = dismissals.iter().map(|d| d.key.clone()).collect();
                let conflicts = effective_conflicts(
                    automatic,
                    &keys,
                    recorded.get(&pair).map_or(&[][..], Vec::as_slice),
                );
                if !conflicts.is_empty() || !dismissals.is_empty() {
                    map.insert((*app_id, expert.id), (conflicts, dismissals));
                }
            }
        }
        Ok(map)
    }

    /// The conflicts between one expert and one application, as they stand now.
    pub(crate) fn pair_conflicts(
        &self,
        round: &Round,
        app: ApplicationId,
        expert: &Expert,
    ) -> Result<Vec<Conflict>> {
        // Only this application's record: this runs on every score saved.
        let record = self.application_record(round.id, &app.to_string())?;
        Ok(self
            .conflicts_of(round, &[(app, &record)], std::slice::from_ref(expert))?
            .remove(&(app, expert.id))
            .map(|(c, _)| c)
            .unwrap_or_default())
    }

    /// Records a conflict by hand (秘书处认定). Any assignment of the pair is removed.
    pub fn add_conflict(&mut self, actor: &Actor, key: &AssignmentKey, reason: &str) -> Result<()> {
        self.permits(actor)?;
        self.record_conflict(actor, key, reason, "added")
    }

    /// The expert declares a conflict instead of the pledge: the assignment is removed and the
    /// secretariat sees a notice on the assignment board.
    pub fn declare_conflict(
        &mut self,
        actor: &Actor,
        key: &AssignmentKey,
        reason: &str,
    ) -> Result<()> {
        self.record_conflict(actor, key, reason, "declared")
    }

    fn record_conflict(
        &mut self,
        actor: &Actor,
        key: &AssignmentKey,
        reason: &str,
        action: &str,
    ) -> Result<()> {
        let reason = require_reason(reason)?;
        let (round, app, expert) = self.resolve_key(key)?;
        let existing = assignment_row(self.conn(), app.id, expert.id)?;
        if action == "declared" {
            match &existing {
                None => {
                    return Err(rule(
                        ErrorCode::NotAssigned,
                        format!("专家 {} 未被分配评审申报 {}。", expert.code, app.code),
                    ))
                }
                Some(row) if row.submitted_at.is_some() => {
                    return Err(rule(
                        ErrorCode::ScoresLocked,
                        format!(
                        "专家 {} 已提交申报 {} 的评分；如需声明利益冲突，请联系秘书处退回评分。",
                        expert.code, app.code
                    ),
                    ))
                }
                _ => {}
            }
        }
        self.write(actor, |tx| {
            let uid = tx.new_uid();
            let now = tx.now();
            tx.tx.execute_cached(
                "INSERT INTO recusals (uid, round_id, application_id, expert_id, action, conflict_key, reason, recorded_by, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?1, ?6, ?7, ?8)",
                params![uid, round.id.0, app.id.0, expert.id.0, action, reason, actor.name, now],
            )?;
            tx.audit(
                if action == "declared" { "conflict.declare" } else { "conflict.add" },
                "recusal",
                &uid,
                json!({"application": app.code, "expert": expert.code, "reason": reason}),
            )?;
            if existing.is_some() {
                remove_assignment(tx, &round, app.id, expert.id, &app.code, &expert.code, reason)?;
            }
            Ok(())
        })
    }

    /// Dismisses a conflict with a written reason: an automatic finding (by its key) stops
    /// counting; a recorded one is withdrawn.
    pub fn dismiss_conflict(
        &mut self,
        actor: &Actor,
        key: &AssignmentKey,
        conflict_key: &str,
        reason: &str,
    ) -> Result<()> {
        self.permits(actor)?;
        let reason = require_reason(reason)?;
        let (round, app, expert) = self.resolve_key(key)?;
        let conflicts = self.pair_conflicts(&round, app.id, &expert)?;
        let Some(conflict) = conflicts.iter().find(|c| c.key == conflict_key) else {
            return Err(StoreError::NotFound {
                what: "回避事由",
                key: conflict_key.to_owned(),
                hint: format!(
                    "专家 {} 与申报 {} 当前的回避事由：{}。",
                    expert.code,
                    app.code,
                    if conflicts.is_empty() {
                        "无".to_owned()
                    } else {
                        conflicts
                            .iter()
                            .map(|c| format!("{}（{}）", c.key, c.reason))
                            .collect::<Vec<_>>()
                            .join("、")
                    }
                ),
            });
        };
        self.write(actor, |tx| {
            let uid = tx.new_uid();
            let now = tx.now();
            if conflict.kind.is_automatic() {
                tx.tx.execute_cached(
                    "INSERT INTO recusals (uid, round_id, application_id, expert_id, action, conflict_key, reason, recorded_by, created_at)
                     VALUES (?1, ?2, ?3, ?4, 'dismissed', ?5, ?6, ?7, ?8)",
                    params![uid, round.id.0, app.id.0, expert.id.0, conflict_key, reason, actor.name, now],
                )?;
            } else {
                tx.tx.execute_cached("DELETE FROM recusals WHERE uid = ?1", [conflict_key])?;
            }
            tx.audit(
                "conflict.dismiss",
                "recusal",
                &uid,
                json!({"application": app.code, "expert": expert.code, "key": conflict_key,
                       "conflict": conflict.reason, "reason": reason}),
            )
        })
    }
}
