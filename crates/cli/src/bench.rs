//! `park-review bench`: measurements of the operations that have a speed target, on a fresh
//! temporary database (never the user's), printed as percentiles.

use std::time::Instant;

use clap::Subcommand;
use park_review_domain::ErrorCode;
use park_review_store::{Actor, Role, Store};

use crate::output::{print_json, Failure};
use crate::Cli;

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// 自动保存：一次评分修改从调用到提交进数据库（含 fsync）的耗时，目标 p95 ≤ 20 ms
    Autosave {
        /// 测量次数
        #[arg(long, default_value_t = 500)]
        n: usize,
    },
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.saturating_sub(1).min(sorted.len() - 1)]
}

pub fn run(cli: &Cli, command: &BenchCommand) -> Result<(), Failure> {
    let BenchCommand::Autosave { n } = command;
    let n = (*n).max(1);
    let dir = tempfile::tempdir()
        .map_err(|e| Failure::new(ErrorCode::Io, format!("无法创建临时目录：{e}")))?;
    let mut store = Store::open(&dir.path().join("bench.sqlite3"))?;
    let secretariat = Actor::secretariat("基准测试");
    let round = store.load_demo(&Actor::system())?.round.id;
    store.open_round(&secretariat, round)?;
    store.auto_assign(&secretariat, round, None, 1)?;
    let row = store
        .list_scores(round)?
        .into_iter()
        .next()
        .ok_or_else(|| Failure::new(ErrorCode::Internal, "示例批次没有分配".into()))?;
    let expert = Actor {
        role: Role::Expert,
        name: row.expert.clone(),
    };
    store.declare_no_conflict(&expert, round, &row.expert, &row.application)?;
    let criteria: Vec<(String, f64)> = store
        .rubric(round)?
        .rubric
        .sections
        .iter()
        .flat_map(|s| &s.criteria)
        .map(|c| (c.code.clone(), c.max_points))
        .collect();
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        let (code, max) = &criteria[i % criteria.len()];
        let points = ((i / criteria.len()) as f64 * 0.5) % (max + 0.5);
        let started = Instant::now();
        store.set_score(
            &expert,
            round,
            &row.expert,
            &row.application,
            code,
            Some(points),
            None,
        )?;
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    samples.sort_by(f64::total_cmp);
    let report = serde_json::json!({
        "operation": "autosave (set_score: checks + one committed transaction, synchronous=FULL)",
        "samples": n,
        "p50_ms": percentile(&samples, 50.0),
        "p95_ms": percentile(&samples, 95.0),
        "max_ms": samples[samples.len() - 1],
        "target_p95_ms": 20.0,
    });
    if cli.json {
        return print_json(&report);
    }
    crate::say!(
        "自动保存（{n} 次）：p50 {:.2} ms，p95 {:.2} ms，最大 {:.2} ms（目标 p95 ≤ 20 ms）",
        percentile(&samples, 50.0),
        percentile(&samples, 95.0),
        samples[samples.len() - 1]
    );
    Ok(())
}
