//! A synthetic round for `park-review bench rank-db`: many applications, each scored and
//! submitted by every panel expert, written in one transaction. Compiled only with the `bench`
//! feature (the CLI's benchmarks turn it on; the app does not), and used only on a temporary
//! database. Like every write, it goes through [`Store::write`] with an audit entry.

use park_review_domain::exchange::parse_demo_round;
use park_review_domain::ids::RoundId;
use park_review_domain::model::{Criterion, Rubric, RubricSection};
use park_review_domain::Points;
use rusqlite::params;
use serde_json::json;

use crate::applications::insert_application;
use crate::catalog::insert_rubric;
use crate::error::Result;
use crate::rounds::insert_round;
use crate::{Actor, Store};

impl Store {
    /// Fills a new round with `applications` × `experts` submitted sheets of `criteria` criteria.
    pub fn fill_for_benchmark(
        &mut self,
        applications: usize,
        experts: usize,
        criteria: usize,
    ) -> Result<RoundId> {
        let demo = parse_demo_round(include_str!("../../../assets/demo/round-2026.json"))?;
        let template = demo.applications[0].clone();
        let per = 10_000 / criteria.max(1) as i64;
        let rubric = Rubric {
            title: "基准测试细则".into(),
            sections: vec![RubricSection {
                code: "S1".into(),
                title: "产业基础".into(),
                criteria: (0..criteria)
                    .map(|i| Criterion {
                        code: format!("K{i}"),
                        title: format!("评分项 {i}"),
                        guidance: String::new(),
                        max_points: Points::from_centi(if i + 1 == criteria {
                            10_000 - per * (criteria as i64 - 1)
                        } else {
                            per
                        }),
                        step: Points::from_centi(1),
                        bands: vec![],
                        clauses: vec!["C3".into()],
                        objective: false,
                    })
                    .collect(),
            }],
        };
        // A throw-away database: no fsync per page, and a page cache that holds the indexes.
        self.conn().pragma_update(None, "synchronous", "OFF")?;
        self.conn().pragma_update(None, "cache_size", -262_144)?;
        let round = self.write(&Actor::system(), |tx| {
            let round = insert_round(tx, 2026, park_review_domain::RoundKind::Designation, "BENCH", "基准测试批次", true)?;
            insert_rubric(tx, round.id, &rubric)?;
            tx.tx.execute("UPDATE rounds SET status = 'open' WHERE id = ?1", [round.id.0])?;
            tx.tx.execute("UPDATE rubrics SET frozen_sha256 = ?2 WHERE round_id = ?1", params![round.id.0, "0".repeat(64)])?;
            let mut expert_ids = Vec::new();
            for e in 0..experts {
                let now = tx.now();
                tx.tx.execute(
                    "INSERT INTO experts (uid, code, name, employer, created_at, updated_at) VALUES (?1, ?2, ?3, '基准测试单位', ?4, ?4)",
                    params![tx.new_uid(), format!("B{e:04}"), format!("专家{e}"), now],
                )?;
                let id = tx.tx.last_insert_rowid();
                tx.tx.execute(
                    "INSERT INTO round_experts (uid, round_id, expert_id, created_at) VALUES (?1, ?2, ?3, ?4)",
                    params![tx.new_uid(), round.id.0, id, now],
                )?;
                expert_ids.push(id);
            }
            let criterion_ids: Vec<i64> = tx
                .tx
                .prepare("SELECT c.id FROM criteria c JOIN rubrics r ON r.id = c.rubric_id WHERE r.round_id = ?1 ORDER BY c.position")?
                .query_map([round.id.0], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let now = tx.now();
            let mut state: u64 = 0x2545_F491_4F6C_DD1D;
            // Assignment and score uids count up (same length as a UUID): random ones would
            // make generating 5 M scores a matter of minutes, and the ranking never reads them.
            let mut serial: u64 = 0;
            let mut next_uid = || {
                serial += 1;
                format!("00000000-0000-4000-8000-{serial:012x}")
            };
            for a in 0..applications {
                let mut record = template.clone();
                record.code = format!("B-{a:06}");
                record.city_recommendation_rank = (a % 3) as u32 + 1;
                let app = insert_application(tx, round.id, &record)?;
                // A city's quota (P2) would leave all but a few of them out: overridden, so
                // every application is ranked and the whole order is computed.
                tx.tx
                    .prepare_cached(
                        "INSERT INTO eligibility_overrides (uid, application_id, rule, result, reason, overridden_by, overridden_at)
                         VALUES (?1, ?2, ?3, 'pass', '基准测试：不计名额', '基准测试', ?4)",
                    )?
                    .execute(params![next_uid(), app.0, park_review_domain::eligibility::RuleId::P2.as_str(), now])?;
                // Only a complete formal review is ranked: the documents (C1, C2, C5, C7), the
                // city's recommendation (P3) and the materials (P4) taken as checked.
                for rule in ["C1", "C2", "C5", "C7", "P3", "P4"] {
                    tx.tx
                        .prepare_cached(
                            "INSERT INTO eligibility_overrides (uid, application_id, rule, result, reason, overridden_by, overridden_at)
                             VALUES (?1, ?2, ?3, 'pass', '基准测试：视为已核验', '基准测试', ?4)",
                        )?
                        .execute(params![next_uid(), app.0, rule, now])?;
                }
                // Every application inspected, so the whole order is computed.
                tx.tx
                    .prepare_cached(
                        "INSERT INTO site_scores (uid, application_id, points_centi, record_ref, entered_by, entered_at)
                         VALUES (?1, ?2, ?3, '基准测试考察记录', '基准测试', ?4)",
                    )?
                    .execute(params![next_uid(), app.0, 6_000 + (a * 7_919 % 4_000) as i64, now])?;
                for expert in &expert_ids {
                    tx.tx
                        .prepare_cached(
                            "INSERT INTO assignments (uid, round_id, application_id, expert_id, declared_no_conflict_at, opinion, created_at, updated_at)
                             VALUES (?1, ?2, ?3, ?4, ?5, '同意', ?5, ?5)",
                        )?
                        .execute(params![next_uid(), round.id.0, app.0, expert, now])?;
                    let assignment = tx.tx.last_insert_rowid();
                    let mut insert = tx.tx.prepare_cached(
                        "INSERT INTO scores (uid, assignment_id, criterion_id, points_centi, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    )?;
                    for criterion in &criterion_ids {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        insert.execute(params![next_uid(), assignment, criterion, (state % per as u64) as i64, now])?;
                    }
                }
            }
            // Submitted once every score is in: a submitted sheet's scores are locked (migration 0015).
            tx.tx.execute("UPDATE assignments SET submitted_at = ?2 WHERE round_id = ?1", params![round.id.0, now])?;
            tx.audit("bench.fill", "round", &round.uid.0, json!({"applications": applications, "experts": experts, "criteria": criteria}))?;
            Ok(round.id)
        })?;
        self.conn().pragma_update(None, "synchronous", "FULL")?;
        self.conn().pragma_update(None, "cache_size", -2_000)?;
        Ok(round)
    }

    /// The sizes of a round [`Store::fill_for_benchmark`] made: applications, experts per
    /// application, criteria.
    pub fn benchmark_sizes(&self, round_id: RoundId) -> Result<(usize, usize, usize)> {
        Ok(self.conn().query_row(
            "SELECT (SELECT COUNT(*) FROM applications WHERE round_id = ?1),
                    (SELECT COUNT(*) FROM round_experts WHERE round_id = ?1),
                    (SELECT COUNT(*) FROM criteria c JOIN rubrics r ON r.id = c.rubric_id WHERE r.round_id = ?1)",
            [round_id.0],
            |r| Ok((r.get::<_, i64>(0)? as usize, r.get::<_, i64>(1)? as usize, r.get::<_, i64>(2)? as usize)),
        )?)
    }

    /// Makes the next ranking of the round recompute the formal review, as after a change of
    /// the applications' facts (for the benchmark's "first ranking" figure).
    pub fn forget_formal_review_cache(&mut self, round_id: RoundId) -> Result<()> {
        let round = self.round(round_id)?;
        self.write(&Actor::system(), |tx| {
            tx.tx.execute(
                "DELETE FROM formal_review_cache_rounds WHERE round_id = ?1",
                [round_id.0],
            )?;
            tx.audit(
                "bench.forget_formal_review_cache",
                "round",
                &round.uid.0,
                json!({}),
            )
        })
    }
}

impl Store {
    /// What expert `code`'s score bundle would hold, read on this (secretariat's) database: the
    /// benchmark seals it as if the expert's laptop had.
    pub fn bench_bundle_data(
        &self,
        round_id: RoundId,
        code: &str,
    ) -> Result<crate::exchange::BundleData> {
        self.bundle_data_of(round_id, code)
    }

    /// Removes every score, pledge, opinion and submission of a round: the secretariat's
    /// database before the bundle that the benchmark imports.
    pub fn bench_clear_scores(&mut self, round_id: RoundId) -> Result<()> {
        let round = self.round(round_id)?;
        self.write(&Actor::system(), |tx| {
            tx.tx.execute(
                "DELETE FROM scores WHERE assignment_id IN (SELECT id FROM assignments WHERE round_id = ?1)",
                [round_id.0],
            )?;
            tx.tx.execute(
                "UPDATE assignments SET declared_no_conflict_at = NULL, submitted_at = NULL, opinion = '' WHERE round_id = ?1",
                [round_id.0],
            )?;
            tx.audit("bench.clear_scores", "round", &round.uid.0, json!({}))
        })
    }
}
