//! `park-review round`: creating, listing, opening and closing rounds, and their review settings.

use clap::Subcommand;
use park_review_domain::{CodedError, ErrorCode, RoundKind};
use park_review_store::StoreError;

use crate::{Cli, Outcome, RoundArg, CALLER};

#[derive(Debug, Subcommand)]
pub enum RoundCommand {
    /// 创建新的评审批次（状态为草稿）
    Create {
        /// 年份，例如 2026
        #[arg(long)]
        year: i32,
        /// designation（申报评审）或 annual_assessment（年度考核）
        #[arg(long)]
        kind: String,
        /// 补充批次（P1：原则上每年集中申报1次）：当年已有批次时再开一次，须用 --reason 写明理由
        #[arg(long, requires = "reason")]
        supplementary: bool,
        /// 补充批次的理由，记入批次和审计日志
        #[arg(long, value_name = "T", requires = "supplementary")]
        reason: Option<String>,
    },
    /// 列出所有批次
    List,
    /// 开始评审：检查并冻结评分细则（记录其 SHA-256），此后专家可签署承诺和评分
    Open(RoundArg),
    /// 结束批次：不再接受评分
    Close(RoundArg),
    /// 删除草稿批次或示例批次（例如误载入正式数据库的示例）及其全部内容；须写明理由，记入审计日志
    Delete {
        #[command(flatten)]
        round: RoundArg,
        /// 删除理由
        #[arg(long, value_name = "T")]
        reason: String,
    },
    /// 评审设置：每个申报的专家人数、同城回避开关
    Settings {
        #[command(flatten)]
        round: RoundArg,
        /// 每个申报的评审专家人数（1–50）
        #[arg(long, value_name = "N")]
        per_application: Option<u32>,
        /// 同城回避：on 或 off
        #[arg(long, value_name = "on|off")]
        same_city: Option<String>,
    },
}

pub fn run(cli: &Cli, command: &RoundCommand) -> Outcome {
    match command {
        RoundCommand::Create {
            year,
            kind,
            supplementary,
            reason,
        } => {
            let kind = RoundKind::parse(kind).map_err(StoreError::from)?;
            let mut store = cli.store()?;
            let round = if *supplementary {
                store.create_supplementary_round(
                    &CALLER.secretariat(),
                    *year,
                    kind,
                    reason.as_deref().unwrap_or_default(),
                )?
            } else {
                store.create_round(&CALLER.secretariat(), *year, kind)?
            };
            cli.emit(&round, |r| {
                crate::say!(
                    "已创建批次 {}：{}（id {}，状态 草稿）",
                    r.code,
                    r.title,
                    r.id
                )
            })
        }
        RoundCommand::List => {
            let rounds = cli.store()?.list_rounds()?;
            cli.emit(&rounds, |rounds| {
                if rounds.is_empty() {
                    crate::say!("还没有评审批次。用 `park-review round create --year 2026 --kind designation` 创建，或用 `park-review demo` 载入示例批次。");
                }
                for r in rounds {
                    crate::say!(
                        "{}\t{}\t{}\t{}",
                        r.code,
                        r.title,
                        r.status.name_zh(),
                        r.created_at
                    );
                }
            })
        }
        RoundCommand::Open(RoundArg { round }) => {
            let (mut store, round) = cli.round(round)?;
            let opened = store.open_round(&CALLER.secretariat(), round.id)?;
            cli.emit(&opened, |o| {
                crate::say!(
                    "批次 {} 已开始评审，评分细则已冻结（SHA-256 {}）。",
                    o.round.code,
                    o.rubric_sha256
                )
            })
        }
        RoundCommand::Close(RoundArg { round }) => {
            let (mut store, round) = cli.round(round)?;
            let closed = store.close_round(&CALLER.secretariat(), round.id)?;
            cli.emit(&closed, |c| crate::say!("批次 {} 已结束。", c.code))
        }
        RoundCommand::Delete { round, reason } => {
            let (mut store, round) = cli.round(&round.round)?;
            let deleted = store.delete_round(&CALLER.secretariat(), round.id, reason)?;
            cli.emit(&deleted, |d| {
                crate::say!(
                    "已删除批次 {}（{}）及其全部内容；删除记录已写入审计日志。",
                    d.code,
                    d.title
                )
            })
        }
        RoundCommand::Settings {
            round,
            per_application,
            same_city,
        } => {
            let same_city = match same_city.as_deref().map(str::trim) {
                None => None,
                Some("on" | "开" | "true") => Some(true),
                Some("off" | "关" | "false") => Some(false),
                Some(other) => {
                    return Err(CodedError::new(
                        ErrorCode::CliUsage,
                        format!("--same-city 应为 on 或 off，而不是“{other}”。"),
                    ))
                }
            };
            let (mut store, round) = cli.round(&round.round)?;
            let round = store.set_review_settings(
                &CALLER.secretariat(),
                round.id,
                per_application.unwrap_or(round.experts_per_application),
                same_city.unwrap_or(round.recuse_same_city),
            )?;
            cli.emit(&round, |r| {
                crate::say!(
                    "批次 {}：每个申报 {} 位评审专家；同城回避{}。",
                    r.code,
                    r.experts_per_application,
                    if r.recuse_same_city {
                        "开启"
                    } else {
                        "关闭"
                    }
                )
            })
        }
    }
}
