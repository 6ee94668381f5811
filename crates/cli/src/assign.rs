//! `park-review conflict`, `assign` and `declare`: recusal (回避), assigning experts, and the
//! expert's no-conflict pledge.

use clap::{Args, Subcommand};
use park_review_domain::ids::{AssignmentKey, RoundId};
use park_review_domain::{CodedError, ErrorCode};

use crate::{Cli, Outcome, RoundArg, CALLER};

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

impl PairArgs {
    fn key(&self, round: RoundId) -> AssignmentKey {
        AssignmentKey::new(round, &self.expert, &self.application)
    }
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

pub fn conflict(cli: &Cli, command: &ConflictCommand) -> Outcome {
    match command {
        ConflictCommand::List(RoundArg { round }) => {
            let (store, round) = cli.round(round)?;
            let board = store.review_board(round.id)?;
            cli.emit(&board, |_| {
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
            })
        }
        ConflictCommand::Add { pair, reason } => {
            let (mut store, round) = cli.round(&pair.round.round)?;
            store.add_conflict(&CALLER.secretariat(), &pair.key(round.id), reason)?;
            cli.emit(&serde_json::json!({"round": round.code, "application": pair.application, "expert": pair.expert, "added": true}), |_| {
                crate::say!(
                    "已记录：专家 {} 回避申报 {}（{}）。",
                    pair.expert,
                    pair.application,
                    reason.trim()
                );
            })
        }
        ConflictCommand::Dismiss { pair, key, reason } => {
            let (mut store, round) = cli.round(&pair.round.round)?;
            store.dismiss_conflict(&CALLER.secretariat(), &pair.key(round.id), key, reason)?;
            cli.emit(&serde_json::json!({"round": round.code, "application": pair.application, "expert": pair.expert, "dismissed": key}), |_| {
                crate::say!(
                    "已撤销专家 {} 对申报 {} 的回避事由 {}（{}）。",
                    pair.expert,
                    pair.application,
                    key,
                    reason.trim()
                );
            })
        }
    }
}

pub fn assign(cli: &Cli, args: &AssignArgs) -> Outcome {
    match &args.action {
        Some(AssignAction::Set {
            round,
            application,
            experts,
        }) => {
            let (mut store, round) = cli.round(&round.round)?;
            let codes =
                store.set_assignment(&CALLER.secretariat(), round.id, application, experts)?;
            cli.emit(&serde_json::json!({"round": round.code, "application": application, "experts": codes}), |_| {
                crate::say!(
                    "申报 {} 的评审专家：{}。",
                    application,
                    if codes.is_empty() {
                        "无".into()
                    } else {
                        codes.join("、")
                    }
                );
            })
        }
        None => {
            let Some(round) = &args.round else {
                return Err(CodedError::new(
                    ErrorCode::CliUsage,
                    "请用 --round 指定批次，例如 `park-review assign --round 2026-SB`。",
                ));
            };
            let (mut store, round) = cli.round(round)?;
            let outcome = store.auto_assign(
                &CALLER.secretariat(),
                round.id,
                args.per_application,
                args.seed,
            )?;
            cli.emit(&outcome, |_| {
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
            })
        }
    }
}

pub fn declare(cli: &Cli, args: &DeclareArgs) -> Outcome {
    let (mut store, round) = cli.round(&args.round.round)?;
    let actor = CALLER.scorer(&args.expert, args.entered_by.as_deref());
    let key = AssignmentKey::new(round.id, &args.expert, &args.application);
    if let Some(reason) = &args.conflict {
        store.declare_conflict(&actor, &key, reason)?;
        return cli.emit(&serde_json::json!({"round": round.code, "expert": args.expert, "application": args.application, "declared_conflict": reason}), |_| {
            crate::say!(
                "已声明利益冲突：专家 {} 不再评审申报 {}，秘书处将另行安排。",
                args.expert,
                args.application
            );
        });
    }
    let at = store.declare_no_conflict(&actor, &key)?;
    cli.emit(&serde_json::json!({"round": round.code, "expert": args.expert, "application": args.application, "declared_no_conflict_at": at}), |_| {
        crate::say!(
            "专家 {} 已就申报 {} 签署无利益冲突承诺（{}）。",
            args.expert,
            args.application,
            at
        );
    })
}
