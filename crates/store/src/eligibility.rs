//! The formal review (形式审查) of a round: the domain's rules over the stored applications,
//! with the document checks and overrides people recorded.

use std::collections::HashMap;

use park_review_domain::eligibility::{
    review_round, DocumentCheck, Eligibility, ReviewRecords, RoundResults, RuleId, RuleOverride,
    RuleResult, RULES_FINGERPRINT,
};
use park_review_domain::ids::{ApplicationId, RoundId};
use rusqlite::{params, OptionalExtension};
use serde_json::json;

use crate::error::{Result, StoreError};
use crate::{Actor, Store};

impl Store {
    /// The overall formal-review result of every application of a round, by application id.
    ///
    /// The ranking needs only this, and computing it reads every fact of every application
    /// (seconds for 100,000 applications), so it is cached per round. The cache is used only
    /// while it is provably current: triggers bump the round's `facts_generation` in the same
    /// transaction as any write to a fact the review reads (migration 0007), and the cache is
    /// stamped with the generation read *before* the facts, and with [`RULES_FINGERPRINT`].
    /// A stale stamp can only cause a recomputation, never a stale answer.
    pub fn formal_review_results(&self, round_id: RoundId) -> Result<HashMap<i64, RuleResult>> {
        let conn = self.conn();
        let fingerprint = format!("{RULES_FINGERPRINT:016x}");
        let generation: i64 = conn.query_row(
            "SELECT facts_generation FROM rounds WHERE id = ?1",
            [round_id.0],
            |r| r.get(0),
        )?;
        let current: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM formal_review_cache_rounds
                             WHERE round_id = ?1 AND facts_generation = ?2 AND rules_fingerprint = ?3)",
            params![round_id.0, generation, fingerprint],
            |r| r.get(0),
        )?;
        if current {
            let mut stmt = conn.prepare_cached(
                "SELECT application_id, result FROM formal_review_cache WHERE round_id = ?1",
            )?;
            let rows = stmt.query_map([round_id.0], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })?;
            let mut out = HashMap::new();
            for row in rows {
                let (id, result) = row?;
                out.insert(
                    id,
                    RuleResult::parse(&result).unwrap_or(RuleResult::NeedsReview),
                );
            }
            return Ok(out);
        }
        // The same review as `eligibility`, one application at a time, keeping only results.
        let reviews = self.review_records(round_id)?;
        let none = ReviewRecords::default();
        let mut ids = Vec::new();
        let mut results = RoundResults::default();
        self.for_each_application_record(round_id, |id, record, order| {
            results.add(&record, order, reviews.get(&id).unwrap_or(&none));
            ids.push(id.0);
            Ok(())
        })?;
        let out: HashMap<i64, RuleResult> = ids.into_iter().zip(results.finish()).collect();
        // Storing is best effort: a database opened read-only, or busy, still gets its answer.
        let _ = self.store_formal_review_cache(round_id, generation, &fingerprint, &out);
        Ok(out)
    }

    fn store_formal_review_cache(
        &self,
        round_id: RoundId,
        generation: i64,
        fingerprint: &str,
        results: &HashMap<i64, RuleResult>,
    ) -> Result<()> {
        let tx = self.conn().unchecked_transaction()?;
        tx.execute(
            "DELETE FROM formal_review_cache WHERE round_id = ?1",
            [round_id.0],
        )?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO formal_review_cache (application_id, round_id, result) VALUES (?1, ?2, ?3)",
            )?;
            for (id, result) in results {
                insert.execute(params![id, round_id.0, result.as_str()])?;
            }
        }
        tx.execute(
            "INSERT INTO formal_review_cache_rounds (round_id, facts_generation, rules_fingerprint)
             VALUES (?1, ?2, ?3)
             ON CONFLICT (round_id) DO UPDATE SET facts_generation = excluded.facts_generation,
                rules_fingerprint = excluded.rules_fingerprint",
            params![round_id.0, generation, fingerprint],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The formal review of every application of a round, in registration order.
    pub fn eligibility(&self, round_id: RoundId) -> Result<Vec<Eligibility>> {
        let records = self.application_records(round_id)?;
        let mut reviews = self.review_records(round_id)?;
        let input: Vec<_> = records
            .into_iter()
            .map(|(id, record, order)| (record, order, reviews.remove(&id).unwrap_or_default()))
            .collect();
        let mut reviewed = review_round(&input);
        let mut found = self.round_discrepancies(round_id)?;
        for review in &mut reviewed {
            review.discrepancies = found.remove(&review.code).unwrap_or_default();
        }
        Ok(reviewed)
    }

    /// The document checks and overrides people recorded, per application of the round.
    fn review_records(&self, round_id: RoundId) -> Result<HashMap<ApplicationId, ReviewRecords>> {
        let mut reviews: HashMap<ApplicationId, ReviewRecords> = HashMap::new();
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT c.application_id, c.rule, c.checked_by, c.checked_at, c.note
             FROM eligibility_document_checks c JOIN applications a ON a.id = c.application_id
             WHERE a.round_id = ?1",
        )?;
        let rows = stmt.query_map([round_id.0], |r| {
            Ok((
                ApplicationId(r.get(0)?),
                r.get::<_, String>(1)?,
                DocumentCheck {
                    by: r.get(2)?,
                    at: r.get(3)?,
                    note: r.get(4)?,
                },
            ))
        })?;
        for row in rows {
            let (app, rule, check) = row?;
            if let Some(rule) = RuleId::parse(&rule) {
                reviews
                    .entry(app)
                    .or_default()
                    .document_checks
                    .insert(rule, check);
            }
        }
        let mut stmt = conn.prepare(
            "SELECT o.application_id, o.rule, o.result, o.reason, o.overridden_by, o.overridden_at
             FROM eligibility_overrides o JOIN applications a ON a.id = o.application_id
             WHERE a.round_id = ?1",
        )?;
        let rows = stmt.query_map([round_id.0], |r| {
            Ok((
                ApplicationId(r.get(0)?),
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        for row in rows {
            let (app, rule, result, reason, by, at) = row?;
            if let (Some(rule), Some(result)) = (RuleId::parse(&rule), RuleResult::parse(&result)) {
                reviews.entry(app).or_default().overrides.insert(
                    rule,
                    RuleOverride {
                        result,
                        reason,
                        by,
                        at,
                    },
                );
            }
        }
        Ok(reviews)
    }

    /// Replaces a rule's computed result for one application, with a written reason. The
    /// latest override stands; each one, with its reason, is in the audit log.
    pub fn override_rule(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        application: &str,
        rule: RuleId,
        result: RuleResult,
        reason: &str,
    ) -> Result<()> {
        self.permits(actor)?;
        let application = self.find_application(round_id, application)?.id;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::Domain(
                park_review_domain::DomainError::OutOfRange {
                    field: "reason".into(),
                    value: "（空）".into(),
                    rule: "调整审查结果必须写明理由".into(),
                },
            ));
        }
        self.write(actor, |tx| {
            let uid = tx.new_uid();
            let now = tx.now();
            let before: Option<(String, String)> = tx
                .tx
                .query_row(
                    "SELECT result, reason FROM eligibility_overrides
                     WHERE application_id = ?1 AND rule = ?2",
                    params![application.0, rule.as_str()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            tx.tx.execute(
                "INSERT INTO eligibility_overrides
                    (uid, application_id, rule, result, reason, overridden_by, overridden_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (application_id, rule) DO UPDATE SET
                    result = excluded.result, reason = excluded.reason,
                    overridden_by = excluded.overridden_by, overridden_at = excluded.overridden_at",
                params![
                    uid,
                    application.0,
                    rule.as_str(),
                    result.as_str(),
                    reason,
                    actor.name,
                    now
                ],
            )?;
            let app_uid = tx.application_uid(application)?;
            let (old_result, old_reason) = before.unzip();
            tx.audit_change(
                "eligibility.override",
                "application",
                &app_uid,
                json!({"rule": rule.as_str()}),
                json!({"result": old_result, "reason": old_reason}),
                json!({"result": result.as_str(), "reason": reason}),
            )
        })
    }

    /// Records that a person checked the documents behind a rule (C1, C2, C5, C7).
    pub fn check_documents(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        application: &str,
        rule: RuleId,
        note: &str,
    ) -> Result<()> {
        self.permits(actor)?;
        let application = self.find_application(round_id, application)?.id;
        if !rule.needs_documents() {
            return Err(StoreError::Domain(
                park_review_domain::DomainError::OutOfRange {
                    field: "rule".into(),
                    value: rule.as_str().into(),
                    rule: "只有 C1、C2、C5、C7 需要核验证明材料".into(),
                },
            ));
        }
        self.write(actor, |tx| {
            let uid = tx.new_uid();
            let now = tx.now();
            tx.tx.execute(
                "INSERT INTO eligibility_document_checks (uid, application_id, rule, note, checked_by, checked_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (application_id, rule) DO UPDATE SET
                    note = excluded.note, checked_by = excluded.checked_by, checked_at = excluded.checked_at",
                params![uid, application.0, rule.as_str(), note.trim(), actor.name, now],
            )?;
            let app_uid = tx.application_uid(application)?;
            tx.audit("eligibility.documents_checked", "application", &app_uid, json!({"rule": rule.as_str(), "note": note}))
        })
    }
}
