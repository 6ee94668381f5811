//! The formal review (形式审查) of a round: the domain's rules over the stored applications,
//! with the document checks and overrides people recorded.

use std::collections::HashMap;

use park_review_domain::eligibility::{
    review_round_in_year, CityRecommendation, DocumentCheck, Eligibility, Material, MaterialCheck,
    ReviewRecords, RoundResults, RuleId, RuleOverride, RuleResult, RULES_FINGERPRINT,
};
use park_review_domain::ids::{ApplicationId, RoundId};
use park_review_domain::ErrorCode;
use rusqlite::{params, OptionalExtension};
use serde_json::json;

use crate::error::{Result, StoreError};
use crate::{Actor, Store};

/// What the city's recommendation (P3) says, as the secretariat enters it; `letter` is the
/// recommendation letter's file name and bytes, if given now.
#[derive(Debug, Clone, Copy)]
pub struct RecommendationInput<'a> {
    pub opinion: &'a str,
    pub letter_date: &'a str,
    pub signatory: &'a str,
    pub order: u32,
    pub letter: Option<(&'a str, &'a [u8])>,
}

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
        // A supplementary round's P2 depends on the year's earlier rounds, which its stamp does
        // not follow: such a round is always computed afresh (they are small).
        let used = self.quota_used_before(round_id)?;
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
        if current && used.is_none() {
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
        results.used = used.clone().unwrap_or_default();
        self.for_each_application_record(round_id, |id, record, order| {
            results.add(&record, order, reviews.get(&id).unwrap_or(&none));
            ids.push(id.0);
            Ok(())
        })?;
        let out: HashMap<i64, RuleResult> = ids.into_iter().zip(results.finish()).collect();
        // Storing is best effort: a database opened read-only, or busy, still gets its answer.
        if used.is_none() {
            let _ = self.store_formal_review_cache(round_id, generation, &fingerprint, &out);
        }
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
        let used = self.quota_used_before(round_id)?.unwrap_or_default();
        let mut reviewed = review_round_in_year(&input, &used);
        let mut found = self.round_discrepancies(round_id)?;
        for review in &mut reviewed {
            review.discrepancies = found.remove(&review.code).unwrap_or_default();
        }
        Ok(reviewed)
    }

    /// P2 per year (P1's supplementary rounds): per city, the applications the year's earlier
    /// rounds of the same kind counted toward the city's number (at most the number). None for
    /// the year's first round, or the demo round.
    fn quota_used_before(
        &self,
        round_id: RoundId,
    ) -> Result<Option<std::collections::BTreeMap<park_review_domain::City, u32>>> {
        let round = self.round(round_id)?;
        let mut stmt = self.conn().prepare(
            "SELECT a.city, count(*) FROM applications a JOIN rounds o ON o.id = a.round_id
             WHERE o.year = ?1 AND o.kind = ?2 AND o.is_demo = 0 AND o.id < ?3
               AND (SELECT is_demo FROM rounds WHERE id = ?3) = 0
             GROUP BY a.city",
        )?;
        let earlier: Vec<(String, u32)> = stmt
            .query_map(params![round.year, round.kind.as_str(), round_id.0], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let has_earlier: bool = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM rounds WHERE year = ?1 AND kind = ?2 AND is_demo = 0 AND id < ?3)
                AND (SELECT is_demo FROM rounds WHERE id = ?3) = 0",
            params![round.year, round.kind.as_str(), round_id.0],
            |r| r.get(0),
        )?;
        if !has_earlier {
            return Ok(None);
        }
        Ok(Some(
            earlier
                .into_iter()
                .filter_map(|(city, n)| {
                    let city = park_review_domain::City::parse(&city).ok()?;
                    Some((city, n.min(city.yearly_quota())))
                })
                .collect(),
        ))
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
        // P3: the city's recommendation and whether its letter is attached.
        let mut stmt = conn.prepare(
            "SELECT r.application_id, r.opinion, r.letter_date, r.signatory, r.recommendation_order,
                    r.recorded_by, r.recorded_at
             FROM city_recommendations r JOIN applications a ON a.id = r.application_id
             WHERE a.round_id = ?1",
        )?;
        let rows = stmt.query_map([round_id.0], |r| {
            Ok((
                ApplicationId(r.get(0)?),
                CityRecommendation {
                    opinion: r.get(1)?,
                    letter_date: r.get(2)?,
                    signatory: r.get(3)?,
                    order: r.get(4)?,
                    by: r.get(5)?,
                    at: r.get(6)?,
                },
            ))
        })?;
        for row in rows {
            let (app, recommendation) = row?;
            reviews.entry(app).or_default().recommendation = Some(recommendation);
        }
        let mut stmt = conn.prepare(
            "SELECT DISTINCT t.application_id FROM attachments t JOIN applications a ON a.id = t.application_id
             WHERE a.round_id = ?1 AND t.clause = 'P3'",
        )?;
        for app in stmt.query_map([round_id.0], |r| r.get(0))? {
            reviews
                .entry(ApplicationId(app?))
                .or_default()
                .letter_attached = true;
        }
        // P4: the materials checked.
        let mut stmt = conn.prepare(
            "SELECT m.application_id, m.material, m.present, m.note, m.checked_by, m.checked_at
             FROM material_checks m JOIN applications a ON a.id = m.application_id
             WHERE a.round_id = ?1",
        )?;
        let rows = stmt.query_map([round_id.0], |r| {
            Ok((
                ApplicationId(r.get(0)?),
                r.get::<_, String>(1)?,
                MaterialCheck {
                    present: r.get(2)?,
                    note: r.get(3)?,
                    by: r.get(4)?,
                    at: r.get(5)?,
                },
            ))
        })?;
        for row in rows {
            let (app, material, check) = row?;
            if let Some(material) = Material::parse(&material) {
                reviews
                    .entry(app)
                    .or_default()
                    .materials
                    .insert(material, check);
            }
        }
        Ok(reviews)
    }

    /// P3, the city's act: records that the city's 经济和信息化主管部门 reviewed an application
    /// and recommends it — its opinion, its letter's date and signatory, its order. The order
    /// replaces the one the application declared (P2 counts by it). Refused over the city's
    /// yearly number (P2, across the year's rounds), with an order already given to another of
    /// the city's applications that year, or in a closed round.
    /// With the letter, the file is checked and stored first and listed under P3 in the same
    /// transaction as the recommendation: both or neither.
    pub fn record_recommendation(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        application: &str,
        given: &RecommendationInput<'_>,
    ) -> Result<CityRecommendation> {
        let RecommendationInput {
            opinion,
            letter_date,
            signatory,
            order,
            letter,
        } = *given;
        self.permits(actor)?;
        let round = self.round(round_id)?;
        if round.status == park_review_domain::RoundStatus::Closed {
            return Err(StoreError::Rule {
                code: ErrorCode::InvalidTransition,
                message: format!("批次 {} 已结束，不能再记录市级推荐。", round.code),
            });
        }
        let app = self.find_application(round_id, application)?;
        let (opinion, signatory) = (opinion.trim(), signatory.trim());
        let problem = |field: &str, value: &str, rule: &str| {
            StoreError::Domain(park_review_domain::DomainError::OutOfRange {
                field: field.into(),
                value: value.into(),
                rule: rule.into(),
            })
        };
        if opinion.is_empty() {
            return Err(problem(
                "审核意见",
                "（空）",
                "请填写市经济和信息化主管部门的审核意见",
            ));
        }
        if signatory.is_empty() {
            return Err(problem(
                "推荐函签发",
                "（空）",
                "请填写推荐函的签发单位和签发人",
            ));
        }
        let Ok(date) = chrono::NaiveDate::parse_from_str(letter_date.trim(), "%Y-%m-%d") else {
            return Err(problem(
                "推荐函日期",
                letter_date,
                "请写成 2026-09-01 的形式",
            ));
        };
        // One spelling of a date (2026-9-1 is read, stored as 2026-09-01).
        let letter_date = date.format("%Y-%m-%d").to_string();
        let letter_date = letter_date.as_str();
        park_review_domain::input::check_text("审核意见", opinion, false)
            .and_then(|()| park_review_domain::input::check_text("推荐函签发", signatory, false))
            .map_err(StoreError::Domain)?;
        let record = self.application_record(round_id, &app.code)?;
        let city = record.city;
        let number = CityNumber {
            year: round.year,
            kind: round.kind.as_str(),
            city,
            round_id,
            application: app.id.0,
            code: &app.code,
            order,
        };
        number.check(self.conn())?;
        let letter = match letter {
            Some((name, bytes)) => {
                Some((name, bytes.len(), self.store_attachment_file(name, bytes)?))
            }
            None => None,
        };
        let by = actor.name.clone();
        self.write(actor, |tx| {
            // Again inside the writing transaction (BEGIN IMMEDIATE): another process may have
            // recorded one of the city's recommendations since the check above.
            number.check(&tx.tx)?;
            let now = tx.now();
            if let Some((name, size, (sha256, media_type))) = &letter {
                let uid = tx.new_uid();
                let added = tx.tx.execute(
                    "INSERT OR IGNORE INTO attachments (uid, application_id, clause, file_name, media_type,
                            size_bytes, sha256, added_by, added_at)
                     VALUES (?1, ?2, 'P3', ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![uid, app.id.0, name, media_type, *size as i64, sha256, by, now],
                )?;
                if added > 0 {
                    tx.audit(
                        "attachment.add",
                        "application",
                        &app.uid.0,
                        json!({"clause": "P3", "file_name": name, "sha256": sha256}),
                    )?;
                }
            }
            let before: Option<(String, String, String, u32)> = tx
                .tx
                .query_row(
                    "SELECT opinion, letter_date, signatory, recommendation_order FROM city_recommendations
                     WHERE application_id = ?1",
                    [app.id.0],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            let uid = tx.new_uid();
            tx.tx.execute(
                "INSERT INTO city_recommendations (uid, application_id, opinion, letter_date, signatory,
                        recommendation_order, recorded_by, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (application_id) DO UPDATE SET opinion = excluded.opinion,
                    letter_date = excluded.letter_date, signatory = excluded.signatory,
                    recommendation_order = excluded.recommendation_order,
                    recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
                params![uid, app.id.0, opinion, letter_date.trim(), signatory, order, by, now],
            )?;
            tx.tx.execute(
                "UPDATE applications SET city_recommendation_rank = ?2, updated_at = ?3 WHERE id = ?1",
                params![app.id.0, order, now],
            )?;
            let fields = |(o, d, s, n): (&str, &str, &str, u32)| {
                json!({"opinion": o, "letter_date": d, "signatory": s, "order": n})
            };
            let old = before.as_ref().map_or(
                json!({"opinion": null, "letter_date": null, "signatory": null, "order": record.city_recommendation_rank}),
                |(o, d, s, n)| fields((o, d, s, *n)),
            );
            tx.audit_change(
                "eligibility.city_recommendation",
                "application",
                &app.uid.0,
                json!({"city": city.name_zh()}),
                old,
                fields((opinion, letter_date.trim(), signatory, order)),
            )
        })?;
        Ok(self.conn().query_row(
            "SELECT opinion, letter_date, signatory, recommendation_order, recorded_by, recorded_at
             FROM city_recommendations WHERE application_id = ?1",
            [app.id.0],
            |r| {
                Ok(CityRecommendation {
                    opinion: r.get(0)?,
                    letter_date: r.get(1)?,
                    signatory: r.get(2)?,
                    order: r.get(3)?,
                    by: r.get(4)?,
                    at: r.get(5)?,
                })
            },
        )?)
    }

    /// P4: records one of the three materials as present or missing, with a note.
    pub fn check_material(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        application: &str,
        material: Material,
        present: bool,
        note: &str,
    ) -> Result<()> {
        self.permits(actor)?;
        let app = self.find_application(round_id, application)?;
        park_review_domain::input::check_text("说明", note, true).map_err(StoreError::Domain)?;
        self.write(actor, |tx| {
            let now = tx.now();
            let before: Option<(bool, String)> = tx
                .tx
                .query_row(
                    "SELECT present, note FROM material_checks WHERE application_id = ?1 AND material = ?2",
                    params![app.id.0, material.as_str()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            tx.tx.execute(
                "INSERT INTO material_checks (application_id, material, present, note, checked_by, checked_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (application_id, material) DO UPDATE SET present = excluded.present,
                    note = excluded.note, checked_by = excluded.checked_by, checked_at = excluded.checked_at",
                params![app.id.0, material.as_str(), present, note.trim(), actor.name, now],
            )?;
            let (old_present, old_note) = before.unzip();
            tx.audit_change(
                "eligibility.material",
                "application",
                &app.uid.0,
                json!({"material": material.number(), "name": material.name_zh()}),
                json!({"present": old_present, "note": old_note}),
                json!({"present": present, "note": note.trim()}),
            )
        })
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

    /// Records that the documents supporting one rule of one application were checked.
    pub fn check_documents(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        application: &str,
        rule: RuleId,
        note: &str,
    ) -> Result<()> {
        self.check_documents_batch(actor, round_id, &[(application.to_owned(), rule)], note, "")
    }

    /// Records document checks for several (application, rule) pairs at once, with one note
    /// and the name of the person who checked (`by`; empty: the person at this computer). All
    /// are recorded in one transaction or none: a pair naming an unknown application or a rule
    /// without documents refuses the whole batch.
    pub fn check_documents_batch(
        &mut self,
        actor: &Actor,
        round_id: RoundId,
        items: &[(String, RuleId)],
        note: &str,
        by: &str,
    ) -> Result<()> {
        self.permits(actor)?;
        if items.is_empty() {
            return Err(StoreError::Domain(
                park_review_domain::DomainError::OutOfRange {
                    field: "核验项".into(),
                    value: "0".into(),
                    rule: "请至少选择一项证明材料".into(),
                },
            ));
        }
        let by = match by.trim() {
            "" => actor.name.clone(),
            name => {
                park_review_domain::input::check_text("核验人", name, false)?;
                name.to_owned()
            }
        };
        let mut resolved = Vec::with_capacity(items.len());
        for (application, rule) in items {
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
            resolved.push((application, *rule));
        }
        self.write(actor, |tx| {
            let now = tx.now();
            for (application, rule) in &resolved {
                let uid = tx.new_uid();
                tx.tx.execute(
                    "INSERT INTO eligibility_document_checks (uid, application_id, rule, note, checked_by, checked_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (application_id, rule) DO UPDATE SET
                        note = excluded.note, checked_by = excluded.checked_by, checked_at = excluded.checked_at",
                    params![uid, application.0, rule.as_str(), note.trim(), by, now],
                )?;
                let app_uid = tx.application_uid(*application)?;
                tx.audit(
                    "eligibility.documents_checked",
                    "application",
                    &app_uid,
                    json!({"rule": rule.as_str(), "note": note, "by": by}),
                )?;
            }
            Ok(())
        })
    }
}

/// P2 as it bears on a city's recommendation (P3): the city's yearly number, counted across the
/// year's rounds of the kind (the demo round apart), and the order it gives. Checked before the
/// letter is stored and again inside the writing transaction.
struct CityNumber<'a> {
    year: i32,
    kind: &'a str,
    city: park_review_domain::City,
    round_id: RoundId,
    application: i64,
    code: &'a str,
    order: u32,
}

impl CityNumber<'_> {
    fn check(&self, conn: &rusqlite::Connection) -> Result<()> {
        let city = self.city;
        let quota = city.yearly_quota();
        let order = self.order;
        // The city's other recommendations this year.
        let others: Vec<(String, u32)> = conn
            .prepare(
                "SELECT a.code, r.recommendation_order FROM city_recommendations r
                 JOIN applications a ON a.id = r.application_id JOIN rounds o ON o.id = a.round_id
                 WHERE o.year = ?1 AND o.kind = ?2 AND a.city = ?3 AND a.id <> ?4
                   AND o.is_demo = (SELECT is_demo FROM rounds WHERE id = ?5)",
            )?
            .query_map(
                params![
                    self.year,
                    self.kind,
                    city.code(),
                    self.application,
                    self.round_id.0
                ],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?
            .collect::<rusqlite::Result<_>>()?;
        if others.len() as u32 >= quota {
            return Err(StoreError::Rule {
                code: ErrorCode::CityQuotaExceeded,
                message: format!(
                    "{}{}年已推荐 {} 个申报（{}），达到指南规定的每年申报数量上限 {} 个（P2），不能再推荐申报 {}。",
                    city.name_zh(),
                    self.year,
                    others.len(),
                    others.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>().join("、"),
                    quota,
                    self.code
                ),
            });
        }
        let problem = |rule: String| {
            StoreError::Domain(park_review_domain::DomainError::OutOfRange {
                field: "推荐顺序".into(),
                value: order.to_string(),
                rule,
            })
        };
        if order == 0 || order > quota {
            return Err(problem(format!(
                "{}每年最多申报 {quota} 个，推荐顺序须为 1 至 {quota}",
                city.name_zh()
            )));
        }
        if let Some((code, _)) = others.iter().find(|(_, o)| *o == order) {
            return Err(problem(format!(
                "{}已把第 {order} 位给了申报 {code}",
                city.name_zh()
            )));
        }
        Ok(())
    }
}
