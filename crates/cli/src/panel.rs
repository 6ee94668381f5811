//! The panel (评审委员会) from the command line (issue 16): `panel status`, `panel leader set`,
//! `panel recheck` (复核), `panel dissent`, and the panel report — `panel report --out F.pdf`
//! (laid out and signed by the leader), `panel report sign --expert E [--dissent T]` (each
//! member in turn), `panel report save --out F.pdf` (the newest signed revision).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use park_review_domain::ids::AssignmentKey;
use park_review_domain::{CodedError, ErrorCode};
use park_review_store::panel::{PanelStatus, RecheckChange};

use crate::passphrase::{self, PassphraseArgs};
use crate::{files, Cli, Outcome, RoundArg, CALLER};

#[derive(Debug, Subcommand)]
pub enum PanelCommand {
    /// 评审委员会的情况：组长、成员、客观分不一致、复核修改、评审报告的签署情况
    Status(RoundArg),
    /// 评审委员会组长（由评审委员会推选，秘书处记录）
    #[command(subcommand)]
    Leader(LeaderCommand),
    /// 复核：修改一项已提交的评分，仅限四种情形之一（--case），须写明理由
    Recheck {
        #[command(flatten)]
        round: RoundArg,
        #[arg(long, value_name = "A")]
        application: String,
        #[arg(long, value_name = "E")]
        expert: String,
        /// 评分项编号，如 C7.1
        #[arg(long, value_name = "C")]
        criterion: String,
        /// 复核后的分数
        #[arg(long, value_name = "P")]
        points: f64,
        /// summing_error（分值汇总计算错误）、out_of_range（超出分值范围）、objective_differs（客观分评分不一致）或 abnormal（评分畸高、畸低）
        #[arg(long, value_name = "CASE")]
        case: Option<String>,
        /// 理由（印在评审报告上）
        #[arg(long, value_name = "T", default_value = "")]
        reason: String,
    },
    /// 成员的不同意见：记录（--text）或撤回（--withdraw）；印在此后生成的评审报告上
    Dissent {
        #[command(flatten)]
        round: RoundArg,
        #[arg(long, value_name = "E")]
        expert: String,
        #[arg(long, value_name = "T", required_unless_present = "withdraw")]
        text: Option<String>,
        #[arg(long, conflicts_with = "text")]
        withdraw: bool,
    },
    /// 评审报告（PDF）：生成并由组长签署；`sign` 由其他成员依次签署，`save` 保存最新一版
    Report(ReportArgs),
}

#[derive(Debug, Subcommand)]
pub enum LeaderCommand {
    /// 记录组长
    Set {
        #[command(flatten)]
        round: RoundArg,
        #[arg(long, value_name = "E")]
        expert: String,
        /// 推选情况，如“经评审委员会推选”
        #[arg(long, value_name = "T", default_value = "经评审委员会推选")]
        note: String,
    },
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ReportArgs {
    #[command(subcommand)]
    action: Option<ReportCommand>,
    /// 批次（生成报告时）
    #[arg(long, value_name = "R")]
    round: Option<String>,
    /// 组长签署后的评审报告（PDF）
    #[arg(long, value_name = "F.pdf")]
    out: Option<PathBuf>,
    #[command(flatten)]
    passphrase: PassphraseArgs,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// 成员签署最新一版评审报告（在已有签名之后追加自己的签名）；持不同意见时用 --dissent 写明
    Sign {
        #[command(flatten)]
        round: RoundArg,
        /// 签署的成员（专家编号）
        #[arg(long, value_name = "E")]
        expert: String,
        /// 不同意见（须已印在报告上：未印的先记录，再由组长重新生成报告）
        #[arg(long, value_name = "T")]
        dissent: Option<String>,
        /// 要签署的报告文件（在另一台电脑上收到的）；不给时签署本数据库中最新的一版
        #[arg(long = "in", value_name = "F.pdf")]
        input: Option<PathBuf>,
        /// 签署后的报告写到这里（给了 --in 而没给 --out 时覆盖 --in）
        #[arg(long, value_name = "F.pdf")]
        out: Option<PathBuf>,
        #[command(flatten)]
        passphrase: PassphraseArgs,
    },
    /// 导入成员在自己电脑上签署后交回的评审报告（须是本数据库最新一版加上该成员的一个签名）
    Import {
        /// 成员签署后的评审报告（PDF）
        file: PathBuf,
    },
    /// 保存最新一版（含目前所有签名的）评审报告
    Save {
        #[command(flatten)]
        round: RoundArg,
        #[arg(long, value_name = "F.pdf")]
        out: PathBuf,
    },
}

fn print_status(s: &PanelStatus) {
    match &s.leader {
        Some(l) => crate::say!(
            "批次 {} 评审委员会组长：{} {}（{}）",
            s.round,
            l.expert,
            l.name,
            l.note
        ),
        None => crate::say!(
            "批次 {} 还没有记录评审委员会组长（panel leader set）。",
            s.round
        ),
    }
    crate::say!(
        "客观分评分项：{}",
        if s.objective_criteria.is_empty() {
            "无".to_owned()
        } else {
            s.objective_criteria.join("、")
        }
    );
    if s.disagreements.is_empty() {
        crate::say!("客观分评分一致。");
    }
    for d in &s.disagreements {
        crate::say!(
            "客观分不一致：申报 {} 评分项 {}：{}",
            d.application,
            d.criterion,
            d.points
                .iter()
                .map(|p| format!("{} {} 分", p.expert, p.points))
                .collect::<Vec<_>>()
                .join("，")
        );
    }
    s.rechecks.iter().for_each(print_recheck);
    match &s.report {
        None => crate::say!("评审报告：尚未生成。"),
        Some(uid) => crate::say!(
            "评审报告 {uid}：已签署 {}/{}{}",
            s.signatures.len(),
            s.members.len(),
            if s.unsigned.is_empty() {
                "，全体成员已签署".to_owned()
            } else {
                format!("，尚未签署：{}", s.unsigned.join("、"))
            }
        ),
    }
    for m in &s.members {
        crate::say!(
            "  {} {}{} · {}{}",
            m.code,
            m.name,
            if m.leader { "（组长）" } else { "" },
            m.signed_at
                .as_deref()
                .map(|t| format!("已签署 {}", t.replacen('T', " ", 1)))
                .unwrap_or_else(|| "未签署".into()),
            m.dissent
                .as_deref()
                .map(|d| format!(
                    " · 不同意见：{d}{}",
                    if m.dissent_not_printed {
                        "（尚未印在报告上）"
                    } else {
                        ""
                    }
                ))
                .unwrap_or_default()
        );
    }
}

fn print_recheck(c: &RecheckChange) {
    crate::say!(
        "复核：申报 {} · 专家 {} · 评分项 {} {}：{} 分 → {} 分（{}；{}）",
        c.application,
        c.expert,
        c.criterion,
        c.criterion_title,
        c.old_points,
        c.new_points,
        c.case_zh,
        c.reason
    );
}

pub fn run(cli: &Cli, command: &PanelCommand) -> Outcome {
    match command {
        PanelCommand::Status(RoundArg { round }) => {
            let (store, round) = cli.round(round)?;
            cli.emit(&store.panel_status(round.id)?, print_status)
        }
        PanelCommand::Leader(LeaderCommand::Set {
            round,
            expert,
            note,
        }) => {
            let (mut store, round) = cli.round(&round.round)?;
            let leader = store.set_panel_leader(&CALLER.secretariat(), round.id, expert, note)?;
            cli.emit(&leader, |l| {
                crate::say!(
                    "已记录批次 {} 评审委员会组长：{} {}（{}）。",
                    round.code,
                    l.expert,
                    l.name,
                    l.note
                )
            })
        }
        PanelCommand::Recheck {
            round,
            application,
            expert,
            criterion,
            points,
            case,
            reason,
        } => {
            let (mut store, round) = cli.round(&round.round)?;
            let change = store.record_recheck(
                &CALLER.secretariat(),
                &AssignmentKey::new(round.id, expert, application),
                criterion,
                *points,
                case.as_deref(),
                reason,
            )?;
            cli.emit(&change, print_recheck)
        }
        PanelCommand::Dissent {
            round,
            expert,
            text,
            withdraw,
        } => {
            let (mut store, round) = cli.round(&round.round)?;
            let text = if *withdraw { None } else { text.as_deref() };
            store.record_panel_dissent(&CALLER.expert(expert), round.id, expert, text)?;
            let status = store.panel_status(round.id)?;
            cli.emit(&status, |s| {
                crate::say!(
                    "已{} {} 的不同意见。{}",
                    if text.is_some() { "记录" } else { "撤回" },
                    expert.trim(),
                    if s.report.is_some() {
                        "评审报告已生成：须由组长重新生成（panel report），不同意见才会印在报告上。"
                    } else {
                        "它将印在组长生成的评审报告上。"
                    }
                )
            })
        }
        PanelCommand::Report(args) => report(cli, args),
    }
}

fn report(cli: &Cli, args: &ReportArgs) -> Outcome {
    match &args.action {
        None => {
            let (Some(round), Some(out)) = (&args.round, &args.out) else {
                return Err(CodedError::new(
                    ErrorCode::CliUsage,
                    "用法：park-review panel report --round R --out 评审报告.pdf（生成并由组长签署），或 panel report sign / save。",
                ));
            };
            cli.check_out(out)?;
            let (mut store, round) = cli.round(round)?;
            let issued = park_review_operations::issue_panel_report(
                &mut store,
                CALLER,
                round.id,
                |leader| {
                    passphrase::read(
                        &args.passphrase,
                        &format!("组长 {leader} 的私钥口令："),
                        false,
                    )
                },
            )?;
            cli.write(out, &issued.bytes)?;
            let status = store.panel_status(round.id)?;
            cli.emit(
                &serde_json::json!({"report": issued, "out": out, "status": status}),
                |_| {
                    crate::say!(
                        "已生成并由组长 {} 签署批次 {} 的评审报告（编号 {}）：{}。尚未签署：{}。请各成员依次签署（park-review panel report sign）。",
                        issued.expert,
                        round.code,
                        issued.sheet_id,
                        out.display(),
                        status.unsigned.join("、")
                    )
                },
            )
        }
        Some(ReportCommand::Sign {
            round,
            expert,
            dissent,
            input,
            out,
            passphrase,
        }) => {
            let bytes = match input {
                Some(path) => Some(files::read(path)?.1),
                None => None,
            };
            if let Some(out) = out {
                cli.check_out(out)?;
            }
            let (mut store, round) = cli.round(&round.round)?;
            let ask = |code: &str| {
                passphrase::read(passphrase, &format!("成员 {code} 的私钥口令："), false)
            };
            let own_laptop = matches!(store.copy(), park_review_store::DatabaseCopy::Expert(_));
            if own_laptop && (bytes.is_none() || dissent.is_some()) {
                return Err(CodedError::new(
                    ErrorCode::CliUsage,
                    "在自己的电脑（评审副本）上签署时，请用 --in 给出秘书处发来的评审报告文件；不同意见请先交秘书处记录（panel dissent），印在报告上后再签署。",
                ));
            }
            let issued = match &bytes {
                Some(bytes) if own_laptop => park_review_operations::sign_panel_report_file(
                    &mut store, CALLER, expert, bytes, ask,
                )?,
                Some(bytes) => park_review_operations::sign_panel_report(
                    &mut store,
                    CALLER,
                    round.id,
                    expert,
                    bytes,
                    dissent.as_deref(),
                    ask,
                )?,
                None => park_review_operations::sign_latest_panel_report(
                    &mut store,
                    CALLER,
                    round.id,
                    expert,
                    dissent.as_deref(),
                    ask,
                )?,
            };
            // With --in and no --out the member signs the file in place: the new file keeps the
            // one it replaces as its earlier revision.
            let out = match (out, input) {
                (Some(out), _) => {
                    cli.write(out, &issued.bytes)?;
                    Some(out.clone())
                }
                (None, Some(input)) => {
                    files::replace(input, &issued.bytes)?;
                    Some(input.clone())
                }
                (None, None) => None,
            };
            if own_laptop {
                return cli.emit(&serde_json::json!({"report": issued, "out": out}), |_| {
                    crate::say!(
                        "{} 已签署批次 {} 的评审报告：{}。请把这个文件交回秘书处导入（park-review panel report import）。",
                        issued.expert,
                        round.code,
                        out.as_ref().map(|o| o.display().to_string()).unwrap_or_default()
                    )
                });
            }
            let status = store.panel_status(round.id)?;
            cli.emit(
                &serde_json::json!({"report": issued, "out": out, "status": status}),
                |_| {
                    crate::say!(
                        "{} 已签署批次 {} 的评审报告{}。{}",
                        issued.expert,
                        round.code,
                        out.as_ref()
                            .map(|o| format!("：{}", o.display()))
                            .unwrap_or_default(),
                        if status.unsigned.is_empty() {
                            "评审委员会全体成员均已签署。".to_owned()
                        } else {
                            format!("尚未签署：{}。", status.unsigned.join("、"))
                        }
                    )
                },
            )
        }
        Some(ReportCommand::Import { file }) => {
            let (_, bytes) = files::read(file)?;
            let mut store = cli.store()?;
            let (round, issued) =
                park_review_operations::import_panel_report_signature(&mut store, CALLER, &bytes)?;
            let status = store.panel_status(round.id)?;
            cli.emit(
                &serde_json::json!({"report": issued, "status": status}),
                |_| {
                    crate::say!(
                        "已导入 {} 对批次 {} 评审报告的签署。{}",
                        issued.expert,
                        round.code,
                        if status.unsigned.is_empty() {
                            "评审委员会全体成员均已签署。".to_owned()
                        } else {
                            format!("尚未签署：{}。", status.unsigned.join("、"))
                        }
                    )
                },
            )
        }
        Some(ReportCommand::Save { round, out }) => {
            cli.check_out(out)?;
            let (store, round) = cli.round(&round.round)?;
            let file = park_review_operations::newest_panel_report_file(&store, round.id)?
                .ok_or_else(|| {
                    CodedError::new(
                        ErrorCode::NotFound,
                        format!(
                            "批次 {} 还没有评审报告：请先生成（panel report）。",
                            round.code
                        ),
                    )
                })?;
            cli.write(out, &file.bytes)?;
            cli.emit(&serde_json::json!({"report": file, "out": out}), |_| {
                crate::say!(
                    "已保存批次 {} 最新一版评审报告：{}",
                    round.code,
                    out.display()
                )
            })
        }
    }
}
