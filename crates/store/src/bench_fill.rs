//! A synthetic round for `park-review bench rank-db`: many applications, each scored and
//! submitted by every panel expert, written in one transaction. Not reachable from the app;
//! the CLI uses it only on a temporary database.

use park_review_domain::exchange::parse_demo_round;
use park_review_domain::ids::RoundId;
use park_review_domain::model::{Criterion, Rubric, RubricSection};
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
                        max_points: if i + 1 == criteria {
                            (10_000 - per * (criteria as i64 - 1)) as f64 / 100.0
                        } else {
                            per as f64 / 100.0
                        },
                        step: 0.01,
                        bands: vec![],
                        clauses: vec!["C3".into()],
                    })
                    .collect(),
            }],
        };
        self.write(&Actor::system(), |tx| {
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
            for a in 0..applications {
                let mut record = template.clone();
                record.code = format!("B-{a:06}");
                record.city_recommendation_rank = (a % 3) as u32 + 1;
                let app = insert_application(tx, round.id, &record)?;
                for expert in &expert_ids {
                    tx.tx.execute(
                        "INSERT INTO assignments (uid, round_id, application_id, expert_id, declared_no_conflict_at, submitted_at, opinion, created_at, updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?5, '同意', ?5, ?5)",
                        params![tx.new_uid(), round.id.0, app.0, expert, now],
                    )?;
                    let assignment = tx.tx.last_insert_rowid();
                    let mut insert = tx.tx.prepare_cached(
                        "INSERT INTO scores (uid, assignment_id, criterion_id, points_centi, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    )?;
                    for criterion in &criterion_ids {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        insert.execute(params![uuid::Uuid::new_v4().to_string(), assignment, criterion, (state % per as u64) as i64, now])?;
                    }
                }
            }
            tx.audit("bench.fill", "round", &round.uid.0, json!({"applications": applications, "experts": experts, "criteria": criteria}))?;
            Ok(round.id)
        })
    }
}
