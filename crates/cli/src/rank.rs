//! Comprehensive scoring and ranking from the command line.

use clap::{Args, Subcommand};
use park_review_domain::ids::AssignmentKey;
use park_review_domain::ranking::Aggregation;
use park_review_domain::rubric::format_points;
use park_review_domain::{CodedError, ErrorCode, Points};

use crate::passphrase::{self, PassphraseArgs};
use crate::{files, Cli, Outcome, RoundArg, CALLER};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct RankArgs {
    #[command(subcommand)]
    action: Option<RankAction>,
    /// 批次（不带子命令时：打印排名）
    #[arg(long, value_name = "R")]
    round: Option<String>,
    /// 同时写出 Excel 报告（排名、评分明细、离群分、形式审查）
    #[arg(long, value_name = "F")]
    xlsx: Option<std::path::PathBuf>,
    /// 同时写出排名报告 PDF（A4 横向），以秘书处密钥签名
    #[arg(long, value_name = "F")]
    pdf: Option<std::path::PathBuf>,
    #[command(flatten)]
    passphrase: PassphraseArgs,
}

#[derive(Debug, Subcommand)]
pub enum RankAction {
    /// 排名设置：汇总方法、资料评审权重、离群阈值、入选数量或分数线
    Settings {
        #[command(flatten)]
        round: RoundArg,
        /// mean、median、trimmed_mean（默认）或 zscore
        #[arg(long)]
        method: Option<String>,
        /// 资料评审权重（0–1，默认 0.6；实地考察占其余）
        #[arg(long)]
        weight: Option<f64>,
        /// 离群阈值：与中位数相差超过该分数即标记（默认 15）
        #[arg(long)]
        margin: Option<f64>,
        /// 拟入选数量
        #[arg(long)]
        count: Option<u32>,
        /// 入选分数线（综合得分）
        #[arg(long)]
        cutoff: Option<f64>,
        /// 清除拟入选数量和分数线
        #[arg(long)]
        clear_selection: bool,
    },
    /// 确定排名（锁定；须先处理全部离群分）
    Finalise(RoundArg),
}

#[derive(Debug, Subcommand)]
pub enum SiteScoreCommand {
    /// 录入一个申报的实地考察得分（0–100），注明考察记录
    Set {
        #[command(flatten)]
        round: RoundArg,
        #[arg(long, value_name = "A")]
        application: String,
        #[arg(long, value_name = "X", allow_negative_numbers = true)]
        score: f64,
        /// 考察记录的编号或名称
        #[arg(long, value_name = "T")]
        record_ref: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum OutlierCommand {
    /// 记录离群分的处理：confirmed（已与专家确认）、rescored（已退回重评）、accepted（予以采纳）
    Resolve {
        #[command(flatten)]
        round: RoundArg,
        #[arg(long, value_name = "A")]
        application: String,
        #[arg(long, value_name = "E")]
        expert: String,
        #[arg(long)]
        resolution: String,
        #[arg(long)]
        note: String,
    },
}

fn opt(v: Option<Points>) -> String {
    v.map(|p| p.to_string()).unwrap_or_else(|| "—".into())
}

pub fn rank(cli: &Cli, args: &RankArgs) -> Outcome {
    match &args.action {
        Some(RankAction::Settings {
            round,
            method,
            weight,
            margin,
            count,
            cutoff,
            clear_selection,
        }) => {
            let (mut store, round) = cli.round(&round.round)?;
            let current = store.ranking_settings(round.id)?;
            let aggregation = match method {
                Some(m) => Aggregation::parse(m).ok_or_else(|| {
                    CodedError::new(
                        ErrorCode::OutOfRange,
                        format!("汇总方法“{m}”无效：应为 mean、median、trimmed_mean 或 zscore。"),
                    )
                })?,
                None => current.aggregation,
            };
            let (count, cutoff) = if *clear_selection {
                (None, None)
            } else {
                (
                    count.or(current.selection_count),
                    cutoff.or(current.selection_cutoff.map(Points::to_f64)),
                )
            };
            let settings = store.set_ranking_settings(
                &CALLER.secretariat(),
                round.id,
                aggregation,
                weight.unwrap_or(current.material_weight),
                margin.unwrap_or(current.outlier_margin.to_f64()),
                count,
                cutoff,
            )?;
            cli.emit(&settings, |_| {
                crate::say!(
                    "批次 {}：{}；资料评审权重 {}，实地考察权重 {}；离群阈值 {} 分；拟入选数量 {}，分数线 {}。",
                    round.code,
                    settings.aggregation.name_zh(),
                    settings.material_weight,
                    format_points(1.0 - settings.material_weight),
                    settings.outlier_margin,
                    settings.selection_count.map(|c| c.to_string()).unwrap_or_else(|| "不限".into()),
                    settings.selection_cutoff.map(|c| c.to_string()).unwrap_or_else(|| "不设".into())
                );
            })
        }
        Some(RankAction::Finalise(RoundArg { round })) => {
            let (mut store, round) = cli.round(round)?;
            let report = store.finalise_ranking(&CALLER.secretariat(), round.id)?;
            cli.emit(&report, |_| {
                crate::say!(
                    "批次 {} 的排名已确定（{}，{}）。拟入选：{}。",
                    round.code,
                    report.settings.finalised_by.clone().unwrap_or_default(),
                    report.settings.finalised_at.clone().unwrap_or_default(),
                    if report.selected.is_empty() {
                        "无".into()
                    } else {
                        report.selected.join("、")
                    }
                );
            })
        }
        None => {
            let Some(round) = &args.round else {
                return Err(CodedError::new(
                    ErrorCode::CliUsage,
                    "请用 --round 指定批次，例如 `park-review rank --round 2026-SB`。",
                ));
            };
            if let Some(path) = &args.pdf {
                cli.check_out(path)?;
            }
            let (mut store, round) = cli.round(round)?;
            let report = store.ranking(round.id)?;
            // All or nothing: both documents are made before either file is written.
            let (workbook, signed) = park_review_operations::ranking_exports(
                &mut store,
                CALLER,
                round.id,
                args.xlsx.is_some(),
                args.pdf
                    .as_ref()
                    .map(|_| || passphrase::read(&args.passphrase, "秘书处的私钥口令：", false)),
            )?;
            if let (Some(path), Some(workbook)) = (&args.xlsx, &workbook) {
                cli.write(path, &workbook.bytes)?;
                if !cli.json {
                    crate::say!("已写出 Excel 报告：{}", path.display());
                }
            }
            if let (Some(path), Some(signed)) = (&args.pdf, &signed) {
                cli.write(path, &signed.bytes)?;
                if !cli.json {
                    crate::say!("已写出并签名排名报告：{}", path.display());
                }
            }
            cli.emit(&report.rows, |_| {
                crate::say!(
                    "{} · {} · 资料评审 {}% + 实地考察 {}%{}",
                    report.round.title,
                    report.settings.aggregation.name_zh(),
                    (report.settings.material_weight * 100.0).round(),
                    ((1.0 - report.settings.material_weight) * 100.0).round(),
                    report
                        .settings
                        .finalised_at
                        .as_ref()
                        .map(|at| format!(" · 已确定（{at}）"))
                        .unwrap_or_default()
                );
                crate::say!("名次\t编号\t园区\t地市\t资料评审\t实地考察\t综合得分\t入选\t专家评分");
                for r in &report.rows {
                    let experts: Vec<String> = r
                        .experts
                        .iter()
                        .map(|e| {
                            format!(
                                "{} {}{}",
                                e.expert,
                                e.total,
                                match &e.outlier {
                                    Some(o) if o.resolution.is_none() => "（离群，未处理）",
                                    Some(_) => "（离群，已处理）",
                                    None => "",
                                }
                            )
                        })
                        .collect();
                    crate::say!(
                        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                        match (r.rank, r.eligible, r.incomplete) {
                            (Some(n), _, _) => n.to_string(),
                            (None, false, _) => "不参与（形式审查未通过）".into(),
                            _ => "待补（缺少得分）".into(),
                        },
                        r.code,
                        r.park_name,
                        r.city,
                        opt(r.material_score),
                        opt(r.site_score),
                        opt(r.comprehensive_score),
                        if r.selected { "拟入选" } else { "" },
                        experts.join("，")
                    );
                    if let Some(t) = r.tie_break {
                        crate::say!("\t\t与上一名综合得分相同：{}", t.name_zh());
                    }
                    for d in report.discrepancies.get(&r.code).into_iter().flatten() {
                        crate::say!(
                            "\t\t实地考察数据不符（{}）：申报 {} {}，核实 {} {}",
                            d.item,
                            d.declared,
                            d.unit,
                            d.found,
                            d.unit
                        );
                    }
                }
                if report.unresolved_outliers > 0 {
                    crate::say!(
                        "有 {} 个离群分未处理，处理后才能确定排名（park-review outlier resolve）。",
                        report.unresolved_outliers
                    );
                }
            })
        }
    }
}

pub fn site_score(cli: &Cli, command: &SiteScoreCommand) -> Outcome {
    let SiteScoreCommand::Set {
        round,
        application,
        score,
        record_ref,
    } = command;
    let (mut store, round) = cli.round(&round.round)?;
    store.set_site_score(
        &CALLER.secretariat(),
        round.id,
        application,
        *score,
        record_ref,
    )?;
    cli.emit(&serde_json::json!({"round": round.code, "application": application, "site_score": score, "record_ref": record_ref}), |_| {
        crate::say!(
            "已录入申报 {application} 的实地考察得分 {} 分（考察记录：{}）。",
            format_points(*score),
            record_ref.trim()
        );
    })
}

pub fn outlier(cli: &Cli, command: &OutlierCommand) -> Outcome {
    let OutlierCommand::Resolve {
        round,
        application,
        expert,
        resolution,
        note,
    } = command;
    let (mut store, round) = cli.round(&round.round)?;
    store.resolve_outlier(
        &CALLER.secretariat(),
        &AssignmentKey::new(round.id, expert, application),
        resolution,
        note,
    )?;
    cli.emit(&serde_json::json!({"round": round.code, "application": application, "expert": expert, "resolution": resolution}), |_| {
        crate::say!(
            "已记录专家 {expert} 对申报 {application} 的离群分处理：{resolution}（{}）。",
            note.trim()
        );
    })
}

#[derive(Debug, Args)]
pub struct PublicityArgs {
    #[command(flatten)]
    round: RoundArg,
    /// 公示开始日期，例如 2026-12-01
    #[arg(long, value_name = "YYYY-MM-DD")]
    start: String,
    /// 公示的工作日数（默认 5）
    #[arg(long, default_value_t = 5)]
    days: u32,
    /// 异议联系人：单位、电话或地址
    #[arg(long)]
    contact: String,
    /// 输出文件：.pdf 或 .txt
    #[arg(long, value_name = "F")]
    out: std::path::PathBuf,
}

pub fn publicity(cli: &Cli, args: &PublicityArgs) -> Outcome {
    let (mut store, round) = cli.round(&args.round.round)?;
    let list = park_review_operations::publicity(
        &mut store,
        CALLER,
        round.id,
        &args.start,
        args.days,
        &args.contact,
    )?;
    let is_text = files::name_of(&args.out)
        .rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("txt"));
    let chosen = if is_text { &list.text } else { &list.pdf };
    cli.write(&args.out, &chosen.bytes)?;
    let text = String::from_utf8_lossy(&list.text.bytes);
    cli.emit(
        &serde_json::json!({"round": round.code, "out": args.out, "text": text}),
        |_| crate::say!("已生成公示名单：{}", args.out.display()),
    )
}
