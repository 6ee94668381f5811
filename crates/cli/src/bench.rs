//! `park-review bench`: measurements of the operations that have a speed target, on a fresh
//! temporary database (never the user's), printed as percentiles.

use std::time::Instant;

use clap::Subcommand;
use park_review_domain::ids::AssignmentKey;
use park_review_domain::{CodedError, ErrorCode};
use park_review_store::{Actor, Store, Surface};

use crate::output::print_json;
use crate::{Cli, Outcome};

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// 排名：n 个申报 × e 位专家 × c 个评分项的汇总（去掉最高最低）、离群判断与排序（纯计算）
    Rank {
        #[arg(long, default_value_t = 1000)]
        applications: usize,
        #[arg(long, default_value_t = 15)]
        experts: usize,
        #[arg(long, default_value_t = 30)]
        criteria: usize,
    },
    /// 排名（从数据库）：先在临时数据库中生成 n 个申报 × e 位专家 × c 个评分项的已提交评分，再计时完整排名
    RankDb {
        #[arg(long, default_value_t = 100_000)]
        applications: usize,
        #[arg(long, default_value_t = 5)]
        experts: usize,
        #[arg(long, default_value_t = 10)]
        criteria: usize,
        /// 把生成的数据库保存在这里，下次直接复用（文件已存在时不再生成，按其中的数据计时）
        #[arg(long, value_name = "FILE")]
        keep: Option<std::path::PathBuf>,
        /// （内部）在本进程中对 --keep 的数据库计时一次：cold 先清除形式审查缓存
        #[arg(long, hide = true, value_name = "cold|warm")]
        measure_once: Option<String>,
    },
    /// 签名评分表：批量生成并签名（每份从数据库取数、排版、PAdES 签名、登记），统计每份耗时和大小
    Sheets {
        /// 份数
        #[arg(long, default_value_t = 200)]
        n: usize,
        /// 批量阶段的线程数（默认为 CPU 核数）
        #[arg(long)]
        threads: Option<usize>,
    },
    /// 私钥口令：用口令解开私钥（scrypt 密钥派生 + AES 解密）的耗时，即每次签名前的固定代价
    Keys {
        /// 测量次数
        #[arg(long, default_value_t = 5)]
        n: usize,
    },
    /// 自动保存：一次评分修改从调用到提交进数据库（含 fsync）的耗时，目标 p95 ≤ 20 ms
    Autosave {
        /// 测量次数
        #[arg(long, default_value_t = 500)]
        n: usize,
    },
    /// 实地考察的自动保存：一次记录（校验 + 一个提交的事务 + 返回该项）的耗时，目标 p95 ≤ 20 ms
    Inspection {
        /// 测量次数
        #[arg(long, default_value_t = 500)]
        n: usize,
    },
    /// 实地考察记录表：n 个考察项、p 张照片（每张约 s MB）的记录排版并由组长签名的耗时和大小（目标 ≤ 2 s、≤ 10 MB）
    Record {
        #[arg(long, default_value_t = 40)]
        items: usize,
        #[arg(long, default_value_t = 60)]
        photos: usize,
        /// 每张照片的大小（MB）
        #[arg(long, default_value_t = 5)]
        photo_mb: usize,
    },
    /// 评分包：导入并核验一个含 s 条评分、p 份签名评分表的评分包（目标 ≤ 1 s）；另计为 e 位专家 × a 个申报导出评审包的耗时和大小
    Bundle {
        /// 评分包中的评分条数（申报数 = 评分条数 ÷ 评分项数）
        #[arg(long, default_value_t = 100_000)]
        scores: usize,
        /// 每张评分表的评分项数
        #[arg(long, default_value_t = 20)]
        criteria: usize,
        /// 评分包中的签名评分表份数
        #[arg(long, default_value_t = 200)]
        signed: usize,
        /// 导出评审包的专家数
        #[arg(long, default_value_t = 20)]
        package_experts: usize,
        /// 每个评审包的申报数
        #[arg(long, default_value_t = 10)]
        package_applications: usize,
        /// 每个申报的证明材料大小（KB，模拟扫描件）
        #[arg(long, default_value_t = 1024)]
        attachment_kb: usize,
    },
}

/// How long unlocking a key takes at the configured scrypt cost: the deliberate price of every
/// signing session, and what each guess costs someone who copied the database.
fn keys(cli: &Cli, n: usize) -> Outcome {
    use park_review_signing::keys::{create_key, unlock, Subject, SCRYPT_LOG_N};
    let n = n.max(1);
    let passphrase = "基准测试口令 2026";
    let subject = Subject {
        name: "基准".into(),
        organisation: String::new(),
        unit: "评审专家 E999".into(),
    };
    let started = Instant::now();
    let key = create_key(&subject, passphrase, 1_795_000_000)?;
    let create_ms = started.elapsed().as_secs_f64() * 1000.0;
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        unlock(&key.encrypted_key_pem, passphrase)?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let result = serde_json::json!({
        "scrypt": {"log2_n": SCRYPT_LOG_N, "r": 8, "p": 1, "memory_mib": (128u64 << SCRYPT_LOG_N) * 8 / (1 << 20)},
        "create_ms": create_ms,
        "unlock_ms": {"p50": percentile(&times, 50.0), "max": times[times.len() - 1]},
        "n": n,
    });
    if cli.json {
        print_json(&result)
    } else {
        crate::say!(
            "scrypt N = 2^{SCRYPT_LOG_N}, r = 8, p = 1（{} MiB）：创建密钥 {create_ms:.0} ms；解开私钥 p50 {:.0} ms，最长 {:.0} ms（{n} 次）",
            result["scrypt"]["memory_mib"],
            percentile(&times, 50.0),
            times[times.len() - 1]
        );
        Ok(())
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.saturating_sub(1).min(sorted.len() - 1)]
}

pub fn run(cli: &Cli, command: &BenchCommand) -> Outcome {
    match command {
        BenchCommand::Autosave { n } => autosave(cli, *n),
        BenchCommand::Inspection { n } => inspection_autosave(cli, *n),
        BenchCommand::Record {
            items,
            photos,
            photo_mb,
        } => record(cli, *items, *photos, *photo_mb),
        BenchCommand::Bundle {
            scores,
            criteria,
            signed,
            package_experts,
            package_applications,
            attachment_kb,
        } => bundle(
            cli,
            (*scores, *criteria, *signed),
            (*package_experts, *package_applications, *attachment_kb),
        ),
        BenchCommand::Keys { n } => keys(cli, *n),
        BenchCommand::Sheets { n, threads } => sheets(cli, *n, *threads),
        BenchCommand::Rank {
            applications,
            experts,
            criteria,
        } => rank(cli, *applications, *experts, *criteria),
        BenchCommand::RankDb {
            applications: _,
            experts: _,
            criteria: _,
            keep,
            measure_once: Some(mode),
        } => measure_rank_once(keep.as_deref(), mode == "cold"),
        BenchCommand::RankDb {
            applications,
            experts,
            criteria,
            keep,
            measure_once: None,
        } => rank_db(cli, *applications, *experts, *criteria, keep.as_deref()),
    }
}

/// A temporary database with the demo round opened and assigned; returns it and the round.
fn demo_round() -> Result<(tempfile::TempDir, Store, park_review_domain::ids::RoundId), CodedError>
{
    let dir = tempfile::tempdir()
        .map_err(|e| CodedError::new(ErrorCode::Io, format!("无法创建临时目录：{e}")))?;
    let mut store = Store::open(&dir.path().join("bench.sqlite3"))?;
    let secretariat = Actor::secretariat("基准测试", Surface::Program);
    let round = store.load_demo(&Actor::system())?.round.id;
    store.open_round(&secretariat, round)?;
    store.auto_assign(&secretariat, round, None, 1)?;
    Ok((dir, store, round))
}

fn sheets(cli: &Cli, n: usize, threads: Option<usize>) -> Outcome {
    let n = n.max(1);
    let (_dir, mut store, round) = demo_round()?;
    // One expert's assignments, scored with comments and submitted.
    let rows: Vec<_> = store
        .list_scores(round)?
        .into_iter()
        .filter(|r| r.expert == "E004")
        .collect();
    let criteria: Vec<(String, f64)> = store
        .rubric(round)?
        .rubric
        .sections
        .iter()
        .flat_map(|s| &s.criteria)
        .map(|c| (c.code.clone(), c.max_points.to_f64()))
        .collect();
    let expert = Actor::expert("E004", Surface::Program);
    for row in &rows {
        let key = AssignmentKey::new(round, "E004", &row.application);
        store.declare_no_conflict(&expert, &key)?;
        for (code, max) in &criteria {
            let comment = format!(
                "{code}：依据申报材料核实，骨干企业与平台情况属实，评分{}。",
                max - 1.0
            );
            store.set_score(&expert, &key, code, Some(max - 1.0), Some(&comment))?;
        }
        store.submit_scores(
            &expert,
            &key,
            Some("产业基础扎实，研发合作充分，配套完善，建议推荐。"),
        )?;
    }
    let passphrase = "基准测试口令 2026";
    let started = Instant::now();
    park_review_operations::create_key(
        &mut store,
        park_review_operations::Caller {
            surface: Surface::Program,
        },
        park_review_store::KeyOwner::Expert("E004"),
        || Ok(passphrase.to_owned()),
    )?;
    let key_ms = started.elapsed().as_secs_f64() * 1000.0;
    let started = Instant::now();
    let signer = park_review_operations::Signer::unlock(
        &store,
        park_review_store::KeyOwner::Expert("E004"),
        passphrase,
    )?;
    let unlock_ms = started.elapsed().as_secs_f64() * 1000.0;
    let mut samples = Vec::with_capacity(n);
    let mut sizes = Vec::with_capacity(n);
    let batch = Instant::now();
    for i in 0..n {
        let app = &rows[i % rows.len()].application;
        let started = Instant::now();
        let issued = park_review_operations::issue_with_signer(
            &mut store,
            &expert,
            &signer,
            &AssignmentKey::new(round, "E004", app),
        )?;
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
        sizes.push(issued.bytes.len());
    }
    let total_s = batch.elapsed().as_secs_f64();
    samples.sort_by(f64::total_cmp);
    // The batch as `park-review sheets` runs it: read in turn, laid out and signed on every core.
    let threads = threads.unwrap_or_else(park_review_operations::signing_threads);
    let batch = Instant::now();
    let prepared = (0..n)
        .map(|i| {
            park_review_operations::prepare_sheet(
                &store,
                &AssignmentKey::new(round, "E004", &rows[i % rows.len()].application),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut last_progress = 0;
    park_review_operations::issue_prepared(
        &mut store,
        &expert,
        &signer,
        prepared,
        threads,
        |done, _, _| {
            last_progress = done;
            Ok(())
        },
    )?;
    let parallel_s = batch.elapsed().as_secs_f64();
    let max_kb = *sizes.iter().max().unwrap_or(&0) as f64 / 1024.0;
    let report = serde_json::json!({
        "operation": "signed scoring sheet: read scores, lay out an A4 PDF with the subset font, PAdES B-B signature, record the issue",
        "sheets": n,
        "one_core": true,
        "key_create_ms": key_ms,
        "key_unlock_ms": unlock_ms,
        "p50_ms": percentile(&samples, 50.0),
        "p95_ms": percentile(&samples, 95.0),
        "batch_seconds_one_core": total_s,
        "batch_threads": threads,
        "batch_seconds_parallel": parallel_s,
        "batch_progress_reports": last_progress,
        "max_size_kb": max_kb,
        "targets": {"per_sheet_ms": 15, "size_kb": 100, "thousand_sheets_seconds_2_cores": 10},
    });
    cli.emit(&report, |_| {
        crate::say!(
            "签名评分表（{n} 份）：单核每份 p50 {:.1} ms，p95 {:.1} ms，合计 {:.2} s；{threads} 线程批量 {:.2} s；最大 {:.0} KB。创建密钥 {:.0} ms，解锁私钥 {:.0} ms。（目标：每份 ≤ 15 ms，≤ 100 KB，1000 份 2 核 ≤ 10 s）",
            percentile(&samples, 50.0),
            percentile(&samples, 95.0),
            total_s,
            parallel_s,
            max_kb,
            key_ms,
            unlock_ms
        );
    })
}

/// Ranking of synthetic scores: per-criterion points summed per expert, every method's aggregate,
/// outliers, and the ordering — what `Store::ranking` does after reading the rows.
fn rank(cli: &Cli, applications: usize, experts: usize, criteria: usize) -> Outcome {
    use park_review_domain::ranking::round::{
        rank_round, ApplicationScores, RoundScores, SectionDef, SiteScore, SubmittedSheet,
    };
    // A fixed pseudo-random table of points in hundredths (0–3.33 per criterion), summed per
    // sheet and per section (three sections) as the database hands them to the ranking.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let n_sections = 3.min(criteria.max(1));
    let mut data = RoundScores {
        max_total_centi: (criteria * 333) as i64,
        sections: (0..n_sections)
            .map(|k| SectionDef {
                code: format!("S{k}"),
                title: format!("部分 {k}"),
                max_centi: (criteria * 333 / n_sections) as i64,
            })
            .collect(),
        industrial_base_section: Some(0),
        experts: (0..experts).map(|e| format!("E{e:04}")).collect(),
        ..RoundScores::default()
    };
    for a in 0..applications {
        data.applications.push(ApplicationScores {
            code: format!("A{a:06}"),
            park_name: format!("园区 {a}"),
            city: "广州市".into(),
            registration_order: a as u32,
            eligible: true,
            formal_pending: false,
            assigned: experts as u32,
            site: Some(SiteScore {
                centi: 6_000 + (a * 7_919 % 4_000) as i64,
                record_ref: "基准测试".into(),
            }),
        });
        for e in 0..experts {
            data.sheets.push(SubmittedSheet {
                application: a,
                expert: e,
            });
            let mut sections = vec![0i64; n_sections];
            for c in 0..criteria {
                sections[c % n_sections] += (next() % 334) as i64;
            }
            data.sheet_totals.push(sections.iter().sum());
            data.section_points.extend(sections);
        }
    }
    let mut samples = Vec::new();
    let mut outliers = 0;
    for _ in 0..5 {
        let started = Instant::now();
        let ranking = rank_round(&data);
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
        outliers = ranking.unresolved_outliers;
        std::hint::black_box(ranking);
    }
    samples.sort_by(f64::total_cmp);
    let report = serde_json::json!({
        "operation": "rank_round: the whole ranking of a round from its loaded sheets (trimmed mean of totals and of each section, outliers, comprehensive score, order with tie-breaks, selection)",
        "applications": applications, "experts": experts, "criteria": criteria,
        "outliers": outliers,
        "median_ms": samples[2], "target_ms": 100,
    });
    cli.emit(&report, |_| {
        crate::say!(
            "排名（{applications} 个申报 × {experts} 位专家 × {criteria} 个评分项，{} 个分数）：中位 {:.1} ms（目标 ≤ 100 ms）",
            applications * experts * criteria,
            samples[2]
        )
    })
}

/// Peak resident memory of this process so far, in MiB (Linux).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn rank_db(
    cli: &Cli,
    applications: usize,
    experts: usize,
    criteria: usize,
    keep: Option<&std::path::Path>,
) -> Outcome {
    let dir = tempfile::tempdir()
        .map_err(|e| CodedError::new(ErrorCode::Io, format!("无法创建临时目录：{e}")))?;
    let path = keep.map_or_else(|| dir.path().join("bench.sqlite3"), ToOwned::to_owned);
    let mut fill_s = 0.0;
    let reused = keep.is_some_and(|p| p.exists());
    if !reused {
        let started = Instant::now();
        Store::open(&path)?.fill_for_benchmark(applications, experts, criteria)?;
        fill_s = started.elapsed().as_secs_f64();
    }
    // Each ranking is timed by a fresh process, from a fresh connection, so that neither the
    // generator's memory nor the other ranking's counts: first the ranking after the
    // applications' facts changed (it computes and caches the formal review of every
    // application), then an ordinary one (the cache read; scores, site scores, outlier
    // resolutions and settings are read afresh every time).
    let exe = std::env::current_exe()
        .map_err(|e| CodedError::new(ErrorCode::Io, format!("找不到本程序：{e}")))?;
    let once = |mode: &str| -> Result<serde_json::Value, CodedError> {
        let out = std::process::Command::new(&exe)
            .args(["bench", "rank-db", "--measure-once", mode, "--keep"])
            .arg(&path)
            .output()
            .map_err(|e| CodedError::new(ErrorCode::Io, format!("无法运行计时进程：{e}")))?;
        serde_json::from_slice(&out.stdout).map_err(|_| {
            CodedError::new(
                ErrorCode::Internal,
                format!("计时进程失败：{}", String::from_utf8_lossy(&out.stderr)),
            )
        })
    };
    let cold = once("cold")?;
    let warm = once("warm")?;
    let result = serde_json::json!({
        "operation": "Store::ranking on a round read from SQLite (formal review, scores, aggregation, outliers, order, selection)",
        "applications": warm["applications"], "experts": warm["experts"], "criteria": warm["criteria"],
        "scores": warm["scores"],
        "fill_seconds": fill_s,
        "reused_database": reused,
        "first_rank_seconds": cold["seconds"], "first_peak_rss_mib": cold["peak_rss_mib"],
        "rank_seconds": warm["seconds"], "peak_rss_mib": warm["peak_rss_mib"],
        "ranked": warm["ranked"],
        "targets": {"seconds": 2, "rss_mib": 500},
    });
    report_rank_db(cli, &result)
}

/// One ranking of a kept benchmark database, timed in this process; printed as JSON for
/// [`rank_db`].
fn measure_rank_once(keep: Option<&std::path::Path>, cold: bool) -> Outcome {
    let path = keep.ok_or_else(|| CodedError::new(ErrorCode::OutOfRange, "需要 --keep"))?;
    let (round, (applications, experts, criteria)) = {
        let mut store = Store::open(path)?;
        let round = store.find_round("BENCH")?.id;
        if cold {
            store.forget_formal_review_cache(round)?;
        }
        (round, store.benchmark_sizes(round)?)
    };
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let store = Store::open(path)?;
    let started = Instant::now();
    let report = store.ranking(round)?;
    let seconds = started.elapsed().as_secs_f64();
    print_json(&serde_json::json!({
        "applications": applications, "experts": experts, "criteria": criteria,
        "scores": applications * experts * criteria,
        "seconds": seconds, "peak_rss_mib": peak_rss_mib(),
        "ranked": report.rows.iter().filter(|r| r.rank.is_some()).count(),
    }))
}

fn report_rank_db(cli: &Cli, r: &serde_json::Value) -> Outcome {
    cli.emit(r, |_| {
        let n = |k: &str| r[k].as_f64().unwrap_or(f64::NAN);
        let mib = |k: &str| {
            r[k].as_f64()
                .map(|v| format!("{v:.0}"))
                .unwrap_or_else(|| "—".into())
        };
        crate::say!(
            "从数据库排名（{} 个申报 × {} 位专家 × {} 个评分项，{} 个分数，排出 {} 名）：{:.2} s，峰值内存 {} MiB（目标 ≤ 2 s，≤ 500 MiB）\n申报资料变动后的第一次排名（重算并缓存全部形式审查）：{:.2} s，峰值内存 {} MiB；生成数据用了 {:.0} s",
            r["applications"], r["experts"], r["criteria"], r["scores"], r["ranked"],
            n("rank_seconds"), mib("peak_rss_mib"), n("first_rank_seconds"), mib("first_peak_rss_mib"), n("fill_seconds")
        );
    })
}

fn autosave(cli: &Cli, n: usize) -> Outcome {
    let n = n.max(1);
    let (_dir, mut store, round) = demo_round()?;
    let row = store
        .list_scores(round)?
        .into_iter()
        .next()
        .ok_or_else(|| CodedError::new(ErrorCode::Internal, "示例批次没有分配"))?;
    let expert = Actor::expert(&row.expert, Surface::Program);
    let key = AssignmentKey::new(round, &row.expert, &row.application);
    store.declare_no_conflict(&expert, &key)?;
    let criteria: Vec<(String, f64)> = store
        .rubric(round)?
        .rubric
        .sections
        .iter()
        .flat_map(|s| &s.criteria)
        .map(|c| (c.code.clone(), c.max_points.to_f64()))
        .collect();
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        let (code, max) = &criteria[i % criteria.len()];
        let points = ((i / criteria.len()) as f64 * 0.5) % (max + 0.5);
        let started = Instant::now();
        store.set_score(&expert, &key, code, Some(points), None)?;
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
    cli.emit(&report, |_| {
        crate::say!(
            "自动保存（{n} 次）：p50 {:.2} ms，p95 {:.2} ms，最大 {:.2} ms（目标 p95 ≤ 20 ms）",
            percentile(&samples, 50.0),
            percentile(&samples, 95.0),
            samples[samples.len() - 1]
        );
    })
}

/// The latency of one answer of a visit, as the visit screen saves it.
fn inspection_autosave(cli: &Cli, n: usize) -> Outcome {
    use park_review_domain::inspection::{ItemStatus, Response};
    use park_review_store::inspection::AnswerInput;
    let n = n.max(1);
    let dir = temp_dir()?;
    let mut store = Store::open(&dir.path().join("bench.sqlite3"))?;
    let round = store.load_demo(&Actor::system())?.round.id;
    let app = store.list_applications(round)?.remove(0);
    let city = store.application_record(round, &app.code)?.city;
    let leader = store
        .list_panel(round)?
        .into_iter()
        .find(|e| e.city != Some(city))
        .ok_or_else(|| CodedError::internal("示例批次没有可考察的专家"))?;
    let office = Actor::secretariat("基准测试", Surface::Program);
    store.set_inspection_team(
        &office,
        round,
        &app.code,
        &leader.code,
        &[],
        Some("2026-12-03"),
        None,
    )?;
    store.start_inspection(&office, round, &app.code)?;
    let items: Vec<(String, bool)> = store
        .checklist(round)?
        .checklist
        .items()
        .filter(|i| !matches!(i.response, Response::Text))
        .map(|i| {
            (
                i.code.clone(),
                matches!(i.response, Response::Number { .. }),
            )
        })
        .collect();
    let statuses = [
        ItemStatus::Confirmed,
        ItemStatus::Partly,
        ItemStatus::NotMet,
        ItemStatus::NotApplicable,
    ];
    let inspector = Actor::inspector(&leader.code, Surface::Program);
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        let (code, number) = &items[i % items.len()];
        let input = if *number {
            AnswerInput {
                value: Some(100.0 + i as f64),
                ..AnswerInput::default()
            }
        } else {
            AnswerInput {
                status: Some(statuses[i % 4]),
                note: Some(format!("第 {i} 次")),
                ..AnswerInput::default()
            }
        };
        let started = Instant::now();
        store.answer_item(&inspector, round, &app.code, code, &input)?;
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    samples.sort_by(f64::total_cmp);
    let report = serde_json::json!({
        "operation": "inspection answer (checks + one committed transaction with synchronous=FULL + the item as the screen shows it)",
        "samples": n,
        "p50_ms": percentile(&samples, 50.0),
        "p95_ms": percentile(&samples, 95.0),
        "max_ms": samples[samples.len() - 1],
        "target_p95_ms": 20.0,
    });
    cli.emit(&report, |_| {
        crate::say!(
            "实地考察自动保存（{n} 次）：p50 {:.2} ms，p95 {:.2} ms，最大 {:.2} ms（目标 p95 ≤ 20 ms）",
            percentile(&samples, 50.0),
            percentile(&samples, 95.0),
            samples[samples.len() - 1]
        );
    })
}

/// A 4032 × 3024 JPEG of `mb` megabytes or so (camera noise compresses badly, like a real photo).
fn camera_photo(mb: usize) -> Result<Vec<u8>, CodedError> {
    let (w, h) = (4032u32, 3024u32);
    let mut state: u32 = 0x9E37_79B9;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let noise = (state & 0x3f) as u8;
        image::Rgb([
            ((x * 255 / w) as u8).saturating_add(noise),
            ((y * 255 / h) as u8).saturating_add(noise / 2),
            128u8.saturating_add(noise),
        ])
    });
    let mut best = Vec::new();
    for quality in [98u8, 95, 90, 85, 80] {
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
            .encode_image(&img)
            .map_err(|e| CodedError::internal(e.to_string()))?;
        let size = out.len();
        best = out;
        if size <= mb << 20 {
            break;
        }
    }
    Ok(best)
}

/// Laying out and signing an inspection record with many items and photos.
fn record(cli: &Cli, items: usize, photos: usize, photo_mb: usize) -> Outcome {
    use park_review_domain::inspection::{ItemStatus, Response};
    use park_review_store::inspection::AnswerInput;
    let dir = temp_dir()?;
    let mut store = Store::open(&dir.path().join("bench.sqlite3"))?;
    let round = store.load_demo(&Actor::system())?.round.id;
    // The shipped checklist, grown to `items` status items.
    let mut checklist = store.checklist(round)?.checklist;
    let template = checklist.sections[0].items[0].clone();
    let mut n = checklist.items().count();
    while n < items {
        let mut extra = template.clone();
        extra.code = format!("X{n}");
        extra.prompt = format!("补充考察项 {n}：园区现场情况核实");
        checklist
            .sections
            .last_mut()
            .expect("sections")
            .items
            .push(extra);
        n += 1;
    }
    let office = Actor::secretariat("基准测试", Surface::Program);
    store.replace_checklist(&office, round, &checklist)?;
    let app = store.list_applications(round)?.remove(0);
    let city = store.application_record(round, &app.code)?.city;
    let leader = store
        .list_panel(round)?
        .into_iter()
        .find(|e| e.city != Some(city))
        .ok_or_else(|| CodedError::internal("示例批次没有可考察的专家"))?;
    store.set_inspection_team(
        &office,
        round,
        &app.code,
        &leader.code,
        &[],
        Some("2026-12-03"),
        Some("园区"),
    )?;
    store.start_inspection(&office, round, &app.code)?;
    let codes: Vec<(String, bool)> = store
        .checklist(round)?
        .checklist
        .items()
        .map(|i| (i.code.clone(), i.evidence_required))
        .collect();
    let view = store.inspection(round, &app.code)?;
    for item in &view.items {
        let input = match &item.item.response {
            Response::Number { at_least, .. } => AnswerInput {
                value: Some(at_least.unwrap_or(1.0)),
                ..AnswerInput::default()
            },
            Response::Text => AnswerInput {
                text: Some("园区建设有序，产业集聚，建议推荐。".into()),
                ..AnswerInput::default()
            },
            Response::Status => AnswerInput {
                status: Some(ItemStatus::Confirmed),
                note: Some("现场核实，材料齐全，与申报一致。".into()),
                ..AnswerInput::default()
            },
        };
        store.answer_item(&office, round, &app.code, &item.item.code, &input)?;
    }
    let photo = camera_photo(photo_mb)?;
    let started = Instant::now();
    for i in 0..photos {
        let (code, _) = &codes[i % codes.len()];
        let mut bytes = photo.clone();
        bytes.extend(format!("#{i}").as_bytes()); // after EOI: the same picture, another file
        park_review_operations::attach_evidence(
            &mut store,
            &office,
            round,
            &app.code,
            code,
            &format!("现场照片-{i:02}.jpg"),
            &bytes,
        )?;
    }
    let attach_s = started.elapsed().as_secs_f64();
    // Evidence for required items not reached above.
    for (code, required) in &codes {
        if *required
            && store
                .inspection(round, &app.code)?
                .items
                .iter()
                .any(|i| i.item.code == *code && i.evidence.is_empty())
        {
            park_review_operations::attach_evidence(
                &mut store,
                &office,
                round,
                &app.code,
                code,
                "补充.pdf",
                b"%PDF-1.7\n%bench\n%%EOF\n",
            )?;
        }
    }
    store.finalise_inspection(&office, round, &app.code)?;
    let passphrase = "基准测试口令 2026";
    park_review_operations::create_key(
        &mut store,
        park_review_operations::Caller {
            surface: Surface::Program,
        },
        park_review_store::KeyOwner::Expert(&leader.code),
        || Ok(passphrase.to_owned()),
    )?;
    // Timed as the leader experiences it: unlocking the key (≈ 0.35 s of scrypt), thumbnails
    // read, layout, signature, recording.
    let started = Instant::now();
    let issued = park_review_operations::issue_inspection_record(
        &mut store,
        park_review_operations::Caller {
            surface: Surface::Program,
        },
        round,
        &app.code,
        |_| Ok(passphrase.to_owned()),
    )?;
    let total_s = started.elapsed().as_secs_f64();
    let report = serde_json::json!({
        "items": items.max(codes.len()),
        "photos": photos,
        "photo_bytes": photo.len(),
        "attach_seconds_each": attach_s / photos.max(1) as f64,
        "record_seconds_including_key_unlock": total_s,
        "record_bytes": issued.bytes.len(),
        "targets": {"seconds": 2.0, "bytes": 10 << 20},
    });
    cli.emit(&report, |_| {
        crate::say!(
            "实地考察记录表：{} 个考察项、{photos} 张照片（每张 {:.1} MB，添加时每张 {:.2} s 生成缩略图）：排版并由组长签名 {:.2} s（含解开私钥约 0.35 s），{:.1} MB（目标 ≤ 2 s、≤ 10 MB）。",
            items.max(codes.len()),
            photo.len() as f64 / 1_048_576.0,
            attach_s / photos.max(1) as f64,
            total_s,
            issued.bytes.len() as f64 / 1_048_576.0
        );
    })
}

fn temp_dir() -> Result<tempfile::TempDir, CodedError> {
    tempfile::tempdir()
        .map_err(|e| CodedError::new(ErrorCode::Io, format!("无法创建临时目录：{e}")))
}

fn copy_database(from: &std::path::Path, to: &std::path::Path) -> Result<(), CodedError> {
    for suffix in ["", "-wal"] {
        let (mut a, mut b) = (from.as_os_str().to_owned(), to.as_os_str().to_owned());
        a.push(suffix);
        b.push(suffix);
        if std::path::Path::new(&a).exists() {
            std::fs::copy(&a, &b)
                .map_err(|e| CodedError::new(ErrorCode::Io, format!("无法复制数据库：{e}")))?;
        }
    }
    Ok(())
}

/// Importing one expert's score bundle (checks and one transaction) and exporting review
/// packages, on temporary databases.
fn bundle(
    cli: &Cli,
    (scores, criteria, signed): (usize, usize, usize),
    (package_experts, package_applications, attachment_kb): (usize, usize, usize),
) -> Outcome {
    use park_review_operations::{Caller, Signer};
    use park_review_store::KeyOwner;
    let caller = Caller {
        surface: Surface::Program,
    };
    let passphrase = "基准测试口令 2026";
    let criteria = criteria.max(1);
    let applications = (scores / criteria).max(1);
    let dir = temp_dir()?;
    // The expert's side: every application scored and submitted, `signed` sheets signed.
    let mut laptop = Store::open(&dir.path().join("expert.sqlite3"))?;
    let round = laptop.fill_for_benchmark(applications, 1, criteria)?;
    let expert = "B0000";
    park_review_operations::create_key(&mut laptop, caller, KeyOwner::Expert(expert), || {
        Ok(passphrase.to_owned())
    })?;
    // The secretariat: the same round, key registered, nothing scored yet.
    copy_database(laptop.path(), &dir.path().join("secretariat.sqlite3"))?;
    let signer = Signer::unlock(&laptop, KeyOwner::Expert(expert), passphrase)?;
    let apps: Vec<String> = laptop
        .list_applications(round)?
        .into_iter()
        .map(|a| a.code)
        .collect();
    let prepared = apps
        .iter()
        .take(signed)
        .map(|a| {
            park_review_operations::prepare_sheet(&laptop, &AssignmentKey::new(round, expert, a))
        })
        .collect::<Result<Vec<_>, _>>()?;
    park_review_operations::issue_prepared(
        &mut laptop,
        &Actor::expert(expert, Surface::Program),
        &signer,
        prepared,
        park_review_operations::signing_threads(),
        |_, _, _| Ok(()),
    )?;
    let data = laptop.bench_bundle_data(round, expert)?;
    let started = Instant::now();
    let (sealed, file) = park_review_operations::seal_bundle(&mut laptop, caller, data, &signer)?;
    let export_s = started.elapsed().as_secs_f64();
    drop(laptop);
    let mut office = Store::open(&dir.path().join("secretariat.sqlite3"))?;
    office.bench_clear_scores(round)?;
    let started = Instant::now();
    let opened = park_review_operations::read_bundle(&file.bytes)?;
    let open_s = started.elapsed().as_secs_f64();
    let report = park_review_operations::import_bundle(&mut office, &opened)?;
    let import_s = started.elapsed().as_secs_f64();
    let stored = office
        .list_scores(round)?
        .iter()
        .map(|r| r.scored as usize)
        .sum::<usize>();
    if stored != applications * criteria || report.signed_sheets as usize != signed.min(apps.len())
    {
        return Err(CodedError::internal(format!(
            "评分包导入后数据库中有 {stored} 条评分、{} 份签名评分表，与评分包不符",
            report.signed_sheets
        )));
    }
    drop(office);

    // Packages: `package_experts` experts × `package_applications` applications, each with a
    // scanned attachment of `attachment_kb` KB.
    let mut office = Store::open(&dir.path().join("packages.sqlite3"))?;
    let round = office.fill_for_benchmark(package_applications, package_experts, criteria)?;
    let mut noise: u64 = 0x9E37_79B9_7F4A_7C15;
    for app in office.list_applications(round)? {
        let mut scan = b"%PDF-1.7\n".to_vec();
        scan.extend((0..attachment_kb * 1024).map(|_| {
            noise ^= noise << 13;
            noise ^= noise >> 7;
            noise ^= noise << 17;
            noise as u8
        }));
        scan.extend_from_slice(b"\n%%EOF\n");
        office.add_attachment(
            &Actor::system(),
            round,
            &app.code,
            "C3",
            "扫描件.pdf",
            &scan,
        )?;
    }
    park_review_operations::create_key(&mut office, caller, KeyOwner::Secretariat, || {
        Ok(passphrase.to_owned())
    })?;
    let secretariat = Signer::unlock(&office, KeyOwner::Secretariat, passphrase)?;
    let started = Instant::now();
    let mut package_bytes = Vec::new();
    for code in park_review_operations::package_recipients(&office, round)? {
        let (made, _) = park_review_operations::export_package(
            &mut office,
            caller,
            round,
            &code,
            &secretariat,
        )?;
        package_bytes.push(made.bytes);
    }
    let packages_s = started.elapsed().as_secs_f64();
    let result = serde_json::json!({
        "bundle": {
            "scores": applications * criteria,
            "sheets": applications,
            "signed_pdfs": report.signed_sheets,
            "bytes": sealed.bytes,
            "export_seconds": export_s,
            "open_and_check_signature_seconds": open_s,
            "import_seconds": import_s,
            "target_import_seconds": 1.0,
        },
        "packages": {
            "experts": package_experts,
            "applications_each": package_applications,
            "attachment_kb": attachment_kb,
            "seconds": packages_s,
            "bytes_each_max": package_bytes.iter().max(),
            "bytes_total": package_bytes.iter().sum::<u64>(),
        },
    });
    cli.emit(&result, |_| {
        crate::say!(
            "评分包：{} 条评分、{} 张评分表、{} 份签名 PDF，文件 {:.1} MB；导出 {:.2} s；导入 {:.2} s（其中打开并核验签名 {:.2} s）。目标：导入 ≤ 1 s。",
            applications * criteria,
            applications,
            report.signed_sheets,
            sealed.bytes as f64 / 1_048_576.0,
            export_s,
            import_s,
            open_s
        );
        crate::say!(
            "评审包：{package_experts} 位专家 × {package_applications} 个申报（每个申报一份 {attachment_kb} KB 材料）：{:.2} s，每个 {:.1} MB，合计 {:.1} MB。",
            packages_s,
            *package_bytes.iter().max().unwrap_or(&0) as f64 / 1_048_576.0,
            package_bytes.iter().sum::<u64>() as f64 / 1_048_576.0
        );
    })
}
