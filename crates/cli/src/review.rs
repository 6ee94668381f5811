//! Material review from the command line: round opening, rubric, experts, conflicts,
//! assignment, the no-conflict pledge and scores. The names are part of the interface
//! (scripts and tests depend on them); see docs/cli.md.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use park_review_domain::exchange::{parse_experts_file, parse_rubric, parse_scores_file};
use park_review_domain::model::ExpertRecord;
use park_review_domain::rubric::{format_points, rubric_file_text};
use park_review_domain::{City, ErrorCode};
use park_review_store::{Actor, Role};

use crate::output::{print_json, Failure};
use crate::{cli_actor, is_xlsx, open_store, write_file, Cli, RoundArg};

#[derive(Debug, Subcommand)]
pub enum RubricCommand {
    /// 显示批次的评分细则
    Show(RoundArg),
    /// 导出评分细则（.json 为 park-review/rubric@1，.xlsx 为 Excel）
    Export {
        #[command(flatten)]
        round: RoundArg,
        /// 输出文件（.json 或 .xlsx）
        #[arg(long, value_name = "F")]
        out: PathBuf,
    },
    /// 导入评分细则，替换批次现有的细则（仅限草稿批次；开始评审后细则冻结）
    Import {
        /// 文件（.json 或 .xlsx）
        file: PathBuf,
        #[command(flatten)]
        round: RoundArg,
    },
}

#[derive(Debug, Args)]
pub struct ExpertAddArgs {
    #[command(flatten)]
    round: RoundArg,
    /// 专家编号，例如 E008
    #[arg(long)]
    code: String,
    /// 姓名
    #[arg(long)]
    name: String,
    /// 工作单位
    #[arg(long)]
    employer: String,
    /// 所在城市（广东省地级以上市，省外专家不填）
    #[arg(long)]
    city: Option<String>,
    /// 专业领域
    #[arg(long, default_value = "")]
    field: String,
    /// 联系方式
    #[arg(long, default_value = "")]
    contact: String,
    /// 工作单位的统一社会信用代码（回避审查按它比对申报企业）
    #[arg(long, default_value = "")]
    employer_credit_code: String,
    /// 专家申报的关联单位（名称或统一社会信用代码），可重复
    #[arg(long = "relation", value_name = "ORG")]
    relations: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum ConflictCommand {
    /// 列出批次中每位专家与每个申报的回避事由
    List(RoundArg),
    /// 秘书处认定一项回避（须写明理由）；已有的分配随之撤销
    Add {
        #[command(flatten)]
        pair: PairArgs,
        #[arg(long)]
        reason: String,
    },
    /// 撤销一项回避（须写明理由）：用 `conflict list` 显示的事由编号（key）
    Dismiss {
        #[command(flatten)]
        pair: PairArgs,
        /// 回避事由编号，例如 same_city、management_body、enterprise:9144…
        #[arg(long)]
        key: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Args)]
pub struct PairArgs {
    #[command(flatten)]
    round: RoundArg,
    /// 申报编号
    #[arg(long, value_name = "A")]
    application: String,
    /// 专家编号
    #[arg(long, value_name = "E")]
    expert: String,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AssignArgs {
    #[command(subcommand)]
    action: Option<AssignAction>,
    /// 批次
    #[arg(long, value_name = "R")]
    round: Option<String>,
    /// 每个申报的评审专家人数（默认取批次设置，初始为 5）
    #[arg(long, value_name = "N")]
    per_application: Option<u32>,
    /// 随机种子：相同的种子得到相同的分配
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
}

#[derive(Debug, Subcommand)]
pub enum AssignAction {
    /// 手工指定一个申报的评审专家（替换原有分配）
    Set {
        #[command(flatten)]
        round: RoundArg,
        #[arg(long, value_name = "A")]
        application: String,
        /// 专家编号，用逗号分隔，例如 E003,E004,E005
        #[arg(long, value_name = "E1,E2,…", value_delimiter = ',')]
        experts: Vec<String>,
    },
}

#[derive(Debug, Args)]
pub struct DeclareArgs {
    #[command(flatten)]
    round: RoundArg,
    /// 专家编号
    #[arg(long, value_name = "E")]
    expert: String,
    /// 申报编号
    #[arg(long, value_name = "A")]
    application: String,
    /// 不签署承诺，而是声明存在利益冲突（写明事由）：分配随之撤销，秘书处会看到
    #[arg(long, value_name = "REASON")]
    conflict: Option<String>,
    /// 由秘书处代为登记纸质承诺时，填登记人姓名
    #[arg(long, value_name = "NAME")]
    entered_by: Option<String>,
}

#[derive(Debug, Args)]
pub struct ScoreTarget {
    #[command(flatten)]
    round: RoundArg,
    #[arg(long, value_name = "E")]
    expert: String,
    #[arg(long, value_name = "A")]
    application: String,
    /// 秘书处代为录入纸质评分表时，填录入人姓名（评分会标明由谁录入）
    #[arg(long, value_name = "NAME")]
    entered_by: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ScoreCommand {
    /// 给一个评分项打分（立即保存为草稿）
    Set {
        #[command(flatten)]
        target: ScoreTarget,
        /// 评分项编号，例如 C3.1
        #[arg(long, value_name = "C")]
        criterion: String,
        /// 分数（0 到满分，须为步长的整数倍）
        #[arg(long, value_name = "X", allow_negative_numbers = true)]
        points: String,
        /// 评分说明
        #[arg(long, value_name = "T")]
        comment: Option<String>,
    },
    /// 保存评审意见草稿
    Opinion {
        #[command(flatten)]
        target: ScoreTarget,
        #[arg(long, value_name = "T")]
        opinion: String,
    },
    /// 提交评分（须每项有分数并填写评审意见）；提交后锁定
    Submit {
        #[command(flatten)]
        target: ScoreTarget,
        /// 评审意见
        #[arg(long, value_name = "T")]
        opinion: Option<String>,
    },
    /// 秘书处退回已提交的评分（须写明理由）
    Reopen {
        #[command(flatten)]
        round: RoundArg,
        #[arg(long, value_name = "E")]
        expert: String,
        #[arg(long, value_name = "A")]
        application: String,
        #[arg(long)]
        reason: String,
    },
    /// 显示一位专家对一个申报的评分表
    Show {
        #[command(flatten)]
        target: ScoreTarget,
    },
    /// 从标准输入逐行读取“评分项编号 分数 [说明]”，每行立即保存并输出一行确认（供脚本批量录入）
    Stream {
        #[command(flatten)]
        target: ScoreTarget,
    },
    /// 导入纸质评分表（park-review/scores@1），全部无误才保存
    Import {
        file: PathBuf,
        /// 录入人姓名（默认当前用户）
        #[arg(long, value_name = "NAME")]
        entered_by: Option<String>,
    },
}

fn read_text(path: &Path) -> Result<String, Failure> {
    let bytes = std::fs::read(path).map_err(|e| {
        Failure::new(
            ErrorCode::Io,
            format!("无法读取文件 {}：{e}", path.display()),
        )
    })?;
    String::from_utf8(bytes).map_err(|_| {
        Failure::new(
            ErrorCode::ImportMalformed,
            format!("文件 {} 不是 UTF-8 编码的 JSON 文本。", path.display()),
        )
    })
}

fn domain(e: park_review_domain::DomainError) -> Failure {
    Failure::new(e.code(), e.to_string())
}

/// The actor of a pledge or a score: the expert themself, or the secretariat member who
/// enters a paper sheet for them.
fn scorer(expert: &str, entered_by: &Option<String>) -> Actor {
    match entered_by {
        Some(name) => Actor::secretariat(name.trim()),
        None => Actor {
            role: Role::Expert,
            name: format!("{}（命令行）", expert.trim()),
        },
    }
}

fn parse_points(text: &str) -> Result<f64, Failure> {
    text.trim().parse::<f64>().map_err(|_| {
        Failure::new(
            ErrorCode::OutOfRange,
            format!("分数“{text}”不是数字。请填写如 7 或 7.5 的数字。"),
        )
    })
}

pub fn open_round(cli: &Cli, round: &str) -> Result<(), Failure> {
    let mut store = open_store(cli)?;
    let round = store.find_round(round)?;
    let opened = store.open_round(&cli_actor(), round.id)?;
    if cli.json {
        return print_json(&opened);
    }
    crate::say!(
        "批次 {} 已开始评审，评分细则已冻结（SHA-256 {}）。",
        opened.round.code,
        opened.rubric_sha256
    );
    Ok(())
}

pub fn close_round(cli: &Cli, round: &str) -> Result<(), Failure> {
    let mut store = open_store(cli)?;
    let round = store.find_round(round)?;
    let closed = store.close_round(&cli_actor(), round.id)?;
    if cli.json {
        return print_json(&closed);
    }
    crate::say!("批次 {} 已结束。", closed.code);
    Ok(())
}

pub fn settings(
    cli: &Cli,
    round: &str,
    per_application: Option<u32>,
    same_city: Option<bool>,
) -> Result<(), Failure> {
    let mut store = open_store(cli)?;
    let round = store.find_round(round)?;
    let round = store.set_review_settings(
        &cli_actor(),
        round.id,
        per_application.unwrap_or(round.experts_per_application),
        same_city.unwrap_or(round.recuse_same_city),
    )?;
    if cli.json {
        return print_json(&round);
    }
    crate::say!(
        "批次 {}：每个申报 {} 位评审专家；同城回避{}。",
        round.code,
        round.experts_per_application,
        if round.recuse_same_city {
            "开启"
        } else {
            "关闭"
        }
    );
    Ok(())
}

pub fn rubric(cli: &Cli, command: &RubricCommand) -> Result<(), Failure> {
    match command {
        RubricCommand::Show(RoundArg { round }) => {
            let store = open_store(cli)?;
            let round = store.find_round(round)?;
            let rubric = store.rubric(round.id)?;
            if cli.json {
                return print_json(&rubric);
            }
            crate::say!(
                "{}（满分 {}{}）",
                rubric.rubric.title,
                format_points(rubric.max_total),
                rubric
                    .frozen_sha256
                    .as_ref()
                    .map(|s| format!("，已冻结，SHA-256 {s}"))
                    .unwrap_or_else(|| "，草稿".into())
            );
            for section in &rubric.rubric.sections {
                crate::say!("{} {}", section.code, section.title);
                for c in &section.criteria {
                    crate::say!(
                        "  {}\t{}\t满分 {}\t步长 {}\t{}",
                        c.code,
                        c.title,
                        format_points(c.max_points),
                        format_points(c.step),
                        c.clauses.join(",")
                    );
                }
            }
            for p in &rubric.problems {
                crate::say!("问题：{p}");
            }
            Ok(())
        }
        RubricCommand::Export { round, out } => {
            let store = open_store(cli)?;
            let round = store.find_round(&round.round)?;
            let rubric = store.rubric(round.id)?;
            let bytes = if is_xlsx(out) {
                park_review_xlsx::write_rubric(&rubric.rubric)
                    .map_err(|e| Failure::new(e.code(), e.to_string()))?
            } else {
                let mut text = rubric_file_text(&rubric.rubric);
                text.push('\n');
                text.into_bytes()
            };
            write_file(out, &bytes)?;
            if cli.json {
                return print_json(&serde_json::json!({"round": round.code, "out": out,
                    "sha256": rubric.frozen_sha256}));
            }
            crate::say!(
                "已将批次 {} 的评分细则导出到 {}。",
                round.code,
                out.display()
            );
            Ok(())
        }
        RubricCommand::Import { file, round } => {
            let rubric = if is_xlsx(file) {
                let bytes = std::fs::read(file).map_err(|e| {
                    Failure::new(
                        ErrorCode::Io,
                        format!("无法读取文件 {}：{e}", file.display()),
                    )
                })?;
                park_review_xlsx::read_rubric(&bytes)
                    .map_err(|e| Failure::new(e.code(), e.to_string()))?
            } else {
                parse_rubric(&read_text(file)?).map_err(domain)?
            };
            let mut store = open_store(cli)?;
            let round = store.find_round(&round.round)?;
            let stored = store.replace_rubric(&cli_actor(), round.id, &rubric)?;
            if cli.json {
                return print_json(&stored);
            }
            crate::say!(
                "已导入批次 {} 的评分细则“{}”：{} 个部分、{} 个评分项，满分 {}。",
                round.code,
                stored.rubric.title,
                stored.rubric.sections.len(),
                stored
                    .rubric
                    .sections
                    .iter()
                    .map(|s| s.criteria.len())
                    .sum::<usize>(),
                format_points(stored.max_total)
            );
            Ok(())
        }
    }
}

pub fn expert_add(cli: &Cli, args: &ExpertAddArgs) -> Result<(), Failure> {
    let city = match args.city.as_deref().map(str::trim) {
        None | Some("") | Some("省外") => None,
        Some(c) => Some(City::parse(c).map_err(domain)?),
    };
    let record = ExpertRecord {
        code: args.code.clone(),
        name: args.name.clone(),
        employer: args.employer.clone(),
        city,
        field: args.field.clone(),
        contact: args.contact.clone(),
        employer_credit_code: args.employer_credit_code.clone(),
        relations: args.relations.clone(),
    };
    let mut store = open_store(cli)?;
    let round = store.find_round(&args.round.round)?;
    let added = store.add_experts(&cli_actor(), round.id, &[record])?;
    if cli.json {
        return print_json(&added[0]);
    }
    let a = &added[0];
    crate::say!(
        "{}专家 {} {}{}。",
        if a.new_in_registry {
            "已新增"
        } else {
            "已更新"
        },
        a.code,
        a.name,
        if a.already_on_panel {
            format!("（已在批次 {} 的专家名单中）", round.code)
        } else {
            format!("，并加入批次 {} 的专家名单", round.code)
        }
    );
    Ok(())
}

pub fn expert_import(cli: &Cli, file: &Path, round: Option<&str>) -> Result<(), Failure> {
    let parsed = parse_experts_file(&read_text(file)?).map_err(domain)?;
    let Some(round_key) = round.map(str::to_owned).or(parsed.round.clone()) else {
        return Err(Failure::new(
            ErrorCode::CliUsage,
            "文件中没有 round 字段：请用 --round 指定批次。".into(),
        ));
    };
    let mut store = open_store(cli)?;
    let round = store.find_round(&round_key)?;
    let added = store.add_experts(&cli_actor(), round.id, &parsed.experts)?;
    if cli.json {
        return print_json(&serde_json::json!({"round": round.code, "experts": added}));
    }
    let new = added.iter().filter(|a| a.new_in_registry).count();
    crate::say!(
        "已向批次 {} 导入 {} 位专家（新增 {} 位，更新 {} 位）。",
        round.code,
        added.len(),
        new,
        added.len() - new
    );
    Ok(())
}

pub fn expert_assignments(cli: &Cli, round: &str, expert: &str) -> Result<(), Failure> {
    let store = open_store(cli)?;
    let round = store.find_round(round)?;
    let list = store.expert_assignments(round.id, expert)?;
    if cli.json {
        return print_json(&list);
    }
    if list.is_empty() {
        crate::say!("专家 {expert} 在批次 {} 中还没有评审任务。", round.code);
    }
    for a in list {
        crate::say!(
            "{}\t{}\t{}\t已评 {}/{} 项\t合计 {}",
            a.application.code,
            a.application.park_name,
            a.stage.name_zh(),
            a.scored,
            a.criteria,
            format_points(a.total)
        );
    }
    Ok(())
}

pub fn conflict(cli: &Cli, command: &ConflictCommand) -> Result<(), Failure> {
    match command {
        ConflictCommand::List(RoundArg { round }) => {
            let store = open_store(cli)?;
            let round = store.find_round(round)?;
            let board = store.review_board(round.id)?;
            if cli.json {
                return print_json(&board);
            }
            let app = |id| {
                board
                    .applications
                    .iter()
                    .find(|a| a.id == id)
                    .map(|a| a.code.as_str())
                    .unwrap_or("?")
            };
            let expert = |id| {
                board
                    .experts
                    .iter()
                    .find(|e| e.id == id)
                    .map(|e| format!("{} {}", e.code, e.name))
                    .unwrap_or_default()
            };
            let mut any = false;
            for cell in &board.cells {
                for c in &cell.conflicts {
                    any = true;
                    crate::say!(
                        "{}\t{}\t{}\t{}\t[{}]",
                        app(cell.application),
                        expert(cell.expert),
                        c.kind.name_zh(),
                        c.reason,
                        c.key
                    );
                }
                for d in &cell.dismissed {
                    crate::say!(
                        "{}\t{}\t已撤销\t{}：{}（{}，{}）",
                        app(cell.application),
                        expert(cell.expert),
                        d.key,
                        d.reason,
                        d.recorded_by,
                        d.at
                    );
                }
            }
            if !any {
                crate::say!("批次 {} 没有需要回避的专家。", round.code);
            }
            for n in &board.notices {
                crate::say!(
                    "专家声明：{} {} 对 {} 声明存在利益冲突（{}，{}）",
                    n.expert_code,
                    n.expert_name,
                    n.application_code,
                    n.reason,
                    n.at
                );
            }
            for s in &board.shortfalls {
                crate::say!("专家不足：{s}");
            }
            Ok(())
        }
        ConflictCommand::Add { pair, reason } => {
            let mut store = open_store(cli)?;
            let round = store.find_round(&pair.round.round)?;
            store.add_conflict(
                &cli_actor(),
                round.id,
                &pair.application,
                &pair.expert,
                reason,
            )?;
            if cli.json {
                return print_json(
                    &serde_json::json!({"round": round.code, "application": pair.application, "expert": pair.expert, "added": true}),
                );
            }
            crate::say!(
                "已记录：专家 {} 回避申报 {}（{}）。",
                pair.expert,
                pair.application,
                reason.trim()
            );
            Ok(())
        }
        ConflictCommand::Dismiss { pair, key, reason } => {
            let mut store = open_store(cli)?;
            let round = store.find_round(&pair.round.round)?;
            store.dismiss_conflict(
                &cli_actor(),
                round.id,
                &pair.application,
                &pair.expert,
                key,
                reason,
            )?;
            if cli.json {
                return print_json(
                    &serde_json::json!({"round": round.code, "application": pair.application, "expert": pair.expert, "dismissed": key}),
                );
            }
            crate::say!(
                "已撤销专家 {} 对申报 {} 的回避事由 {}（{}）。",
                pair.expert,
                pair.application,
                key,
                reason.trim()
            );
            Ok(())
        }
    }
}

pub fn assign(cli: &Cli, args: &AssignArgs) -> Result<(), Failure> {
    match &args.action {
        Some(AssignAction::Set {
            round,
            application,
            experts,
        }) => {
            let mut store = open_store(cli)?;
            let round = store.find_round(&round.round)?;
            let codes = store.set_assignment(&cli_actor(), round.id, application, experts)?;
            if cli.json {
                return print_json(
                    &serde_json::json!({"round": round.code, "application": application, "experts": codes}),
                );
            }
            crate::say!(
                "申报 {} 的评审专家：{}。",
                application,
                if codes.is_empty() {
                    "无".into()
                } else {
                    codes.join("、")
                }
            );
            Ok(())
        }
        None => {
            let Some(round) = &args.round else {
                return Err(Failure::new(
                    ErrorCode::CliUsage,
                    "请用 --round 指定批次，例如 `park-review assign --round 2026-SB`。".into(),
                ));
            };
            let mut store = open_store(cli)?;
            let round = store.find_round(round)?;
            let outcome =
                store.auto_assign(&cli_actor(), round.id, args.per_application, args.seed)?;
            if cli.json {
                return print_json(&outcome);
            }
            crate::say!(
                "批次 {}：每个申报 {} 位评审专家（种子 {}），新增 {} 项分配、撤销 {} 项、保留已开始的 {} 项。",
                outcome.round, outcome.per_application, outcome.seed, outcome.added, outcome.removed, outcome.kept
            );
            let loads: Vec<String> = outcome
                .loads
                .iter()
                .map(|(c, n)| format!("{c} {n} 个"))
                .collect();
            crate::say!("各专家评审数：{}", loads.join("，"));
            Ok(())
        }
    }
}

pub fn declare(cli: &Cli, args: &DeclareArgs) -> Result<(), Failure> {
    let mut store = open_store(cli)?;
    let round = store.find_round(&args.round.round)?;
    let actor = scorer(&args.expert, &args.entered_by);
    if let Some(reason) = &args.conflict {
        store.declare_conflict(&actor, round.id, &args.expert, &args.application, reason)?;
        if cli.json {
            return print_json(
                &serde_json::json!({"round": round.code, "expert": args.expert, "application": args.application, "declared_conflict": reason}),
            );
        }
        crate::say!(
            "已声明利益冲突：专家 {} 不再评审申报 {}，秘书处将另行安排。",
            args.expert,
            args.application
        );
        return Ok(());
    }
    let at = store.declare_no_conflict(&actor, round.id, &args.expert, &args.application)?;
    if cli.json {
        return print_json(
            &serde_json::json!({"round": round.code, "expert": args.expert, "application": args.application, "declared_no_conflict_at": at}),
        );
    }
    crate::say!(
        "专家 {} 已就申报 {} 签署无利益冲突承诺（{}）。",
        args.expert,
        args.application,
        at
    );
    Ok(())
}

pub fn score(cli: &Cli, command: &ScoreCommand) -> Result<(), Failure> {
    match command {
        ScoreCommand::Set {
            target,
            criterion,
            points,
            comment,
        } => {
            let points = parse_points(points)?;
            let mut store = open_store(cli)?;
            let round = store.find_round(&target.round.round)?;
            let saved = store.set_score(
                &scorer(&target.expert, &target.entered_by),
                round.id,
                &target.expert,
                &target.application,
                criterion,
                Some(points),
                comment.as_deref(),
            )?;
            if cli.json {
                return print_json(&saved);
            }
            crate::say!(
                "已保存 {} 的 {}：{} 分。合计 {} 分（已评 {}/{} 项）。",
                target.application,
                criterion,
                format_points(points),
                format_points(saved.total),
                saved.scored,
                saved.criteria
            );
            Ok(())
        }
        ScoreCommand::Opinion { target, opinion } => {
            let mut store = open_store(cli)?;
            let round = store.find_round(&target.round.round)?;
            let saved = store.set_opinion(
                &scorer(&target.expert, &target.entered_by),
                round.id,
                &target.expert,
                &target.application,
                opinion,
            )?;
            if cli.json {
                return print_json(&saved);
            }
            crate::say!("已保存评审意见草稿。");
            Ok(())
        }
        ScoreCommand::Submit { target, opinion } => {
            let mut store = open_store(cli)?;
            let round = store.find_round(&target.round.round)?;
            let sheet = store.submit_scores(
                &scorer(&target.expert, &target.entered_by),
                round.id,
                &target.expert,
                &target.application,
                opinion.as_deref(),
            )?;
            if cli.json {
                return print_json(&sheet);
            }
            crate::say!(
                "已提交专家 {} 对申报 {} 的评分：合计 {} 分，已锁定（{}）。",
                sheet.expert_code,
                sheet.application.code,
                format_points(sheet.total),
                sheet.submitted_at.unwrap_or_default()
            );
            Ok(())
        }
        ScoreCommand::Reopen {
            round,
            expert,
            application,
            reason,
        } => {
            let mut store = open_store(cli)?;
            let round = store.find_round(&round.round)?;
            store.reopen_scores(&cli_actor(), round.id, expert, application, reason)?;
            if cli.json {
                return print_json(
                    &serde_json::json!({"round": round.code, "expert": expert, "application": application, "reopened": true}),
                );
            }
            crate::say!(
                "已退回专家 {expert} 对申报 {application} 的评分（{}），专家可重新修改后提交。",
                reason.trim()
            );
            Ok(())
        }
        ScoreCommand::Show { target } => {
            let store = open_store(cli)?;
            let round = store.find_round(&target.round.round)?;
            let sheet = store.score_sheet(round.id, &target.expert, &target.application)?;
            if cli.json {
                return print_json(&sheet);
            }
            crate::say!(
                "{} {} — 专家 {} {}（{}）",
                sheet.application.code,
                sheet.application.park_name,
                sheet.expert_code,
                sheet.expert_name,
                sheet.stage.name_zh()
            );
            for (criterion, score) in sheet
                .rubric
                .sections
                .iter()
                .flat_map(|s| &s.criteria)
                .zip(&sheet.scores)
            {
                crate::say!(
                    "  {}\t{}\t{} / {}{}",
                    criterion.code,
                    criterion.title,
                    score
                        .points
                        .map(format_points)
                        .unwrap_or_else(|| "—".into()),
                    format_points(criterion.max_points),
                    if score.comment.is_empty() {
                        String::new()
                    } else {
                        format!("\t{}", score.comment)
                    }
                );
            }
            crate::say!(
                "合计 {} / {}；评审意见：{}",
                format_points(sheet.total),
                format_points(sheet.max_total),
                if sheet.opinion.is_empty() {
                    "（未填写）"
                } else {
                    &sheet.opinion
                }
            );
            Ok(())
        }
        ScoreCommand::Stream { target } => {
            use std::io::BufRead;
            let mut store = open_store(cli)?;
            let round = store.find_round(&target.round.round)?;
            let actor = scorer(&target.expert, &target.entered_by);
            let mut failures = 0;
            for (n, line) in std::io::stdin().lock().lines().enumerate() {
                let line = line
                    .map_err(|e| Failure::new(ErrorCode::Io, format!("读取标准输入失败：{e}")))?;
                let mut parts = line.trim().splitn(3, char::is_whitespace);
                let (Some(criterion), Some(points)) = (parts.next(), parts.next()) else {
                    continue;
                };
                let comment = parts.next().map(str::trim);
                let result = parse_points(points).and_then(|p| {
                    store
                        .set_score(
                            &actor,
                            round.id,
                            &target.expert,
                            &target.application,
                            criterion,
                            Some(p),
                            comment,
                        )
                        .map_err(Failure::from)
                });
                match result {
                    Ok(saved) => crate::say!(
                        "{}",
                        serde_json::json!({"line": n + 1, "criterion": criterion, "points": points, "total": saved.total, "saved_at": saved.saved_at})
                    ),
                    Err(f) => {
                        failures += 1;
                        crate::say!(
                            "{}",
                            serde_json::json!({"line": n + 1, "criterion": criterion, "code": f.code, "message": f.message})
                        );
                    }
                }
            }
            if failures > 0 {
                return Err(Failure::new(
                    ErrorCode::OutOfRange,
                    format!("{failures} 行未能保存，见上方输出。"),
                ));
            }
            Ok(())
        }
        ScoreCommand::Import { file, entered_by } => {
            let entries = parse_scores_file(&read_text(file)?).map_err(domain)?;
            let actor = match entered_by {
                Some(name) => Actor::secretariat(name.trim()),
                None => cli_actor(),
            };
            let mut store = open_store(cli)?;
            let n = store.import_scores(&actor, &entries)?;
            if cli.json {
                return print_json(&serde_json::json!({"imported": n, "entered_by": actor.name}));
            }
            crate::say!("已录入 {n} 份纸质评分表（录入人：{}）。", actor.name);
            Ok(())
        }
    }
}

pub fn scores(cli: &Cli, round: &str) -> Result<(), Failure> {
    let store = open_store(cli)?;
    let round = store.find_round(round)?;
    let rows = store.list_scores(round.id)?;
    if cli.json {
        return print_json(&rows);
    }
    if rows.is_empty() {
        crate::say!("批次 {} 还没有分配评审专家。", round.code);
    }
    for r in rows {
        crate::say!(
            "{}\t{} {}\t{}\t已评 {} 项\t合计 {}{}",
            r.application,
            r.expert,
            r.expert_name,
            r.stage.name_zh(),
            r.scored,
            format_points(r.total),
            r.entered_by
                .map(|b| format!("\t录入：{b}"))
                .unwrap_or_default()
        );
    }
    Ok(())
}
