//! `park-review score` and `scores`: points, comments and opinions (autosaved one by one),
//! submitting, reopening, paper entry (录入), and the round's score list.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use park_review_domain::ids::{AssignmentKey, RoundId};
use park_review_domain::rubric::format_points;
use park_review_domain::{CodedError, ErrorCode};

use crate::{files, Cli, Outcome, RoundArg, CALLER};

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

impl ScoreTarget {
    /// The assignment the command names.
    fn key(&self, round: RoundId) -> AssignmentKey {
        AssignmentKey::new(round, &self.expert, &self.application)
    }

    /// The expert, or the secretariat member entering a paper sheet for them.
    fn actor(&self) -> park_review_store::Actor {
        CALLER.scorer(&self.expert, self.entered_by.as_deref())
    }
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
    /// 评分时查看申报信息（须已签署承诺）：申报记录全文及 C1–C7 的计算数据
    Application {
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

fn parse_points(text: &str) -> Result<f64, CodedError> {
    text.trim().parse::<f64>().map_err(|_| {
        CodedError::new(
            ErrorCode::OutOfRange,
            format!("分数“{text}”不是数字。请填写如 7 或 7.5 的数字。"),
        )
    })
}

pub fn run(cli: &Cli, command: &ScoreCommand) -> Outcome {
    match command {
        ScoreCommand::Set {
            target,
            criterion,
            points,
            comment,
        } => {
            let points = parse_points(points)?;
            let (mut store, round) = cli.round(&target.round.round)?;
            let saved = store.set_score(
                &target.actor(),
                &target.key(round.id),
                criterion,
                Some(points),
                comment.as_deref(),
            )?;
            cli.emit(&saved, |_| {
                crate::say!(
                    "已保存 {} 的 {}：{} 分。合计 {} 分（已评 {}/{} 项）。",
                    target.application,
                    criterion,
                    format_points(points),
                    saved.total,
                    saved.scored,
                    saved.criteria
                );
            })
        }
        ScoreCommand::Opinion { target, opinion } => {
            let (mut store, round) = cli.round(&target.round.round)?;
            let saved = store.set_opinion(&target.actor(), &target.key(round.id), opinion)?;
            cli.emit(&saved, |_| {
                crate::say!("已保存评审意见草稿。");
            })
        }
        ScoreCommand::Submit { target, opinion } => {
            let (mut store, round) = cli.round(&target.round.round)?;
            let sheet =
                store.submit_scores(&target.actor(), &target.key(round.id), opinion.as_deref())?;
            cli.emit(&sheet, |_| {
                crate::say!(
                    "已提交专家 {} 对申报 {} 的评分：合计 {} 分，已锁定（{}）。",
                    sheet.expert_code,
                    sheet.application.code,
                    sheet.total,
                    sheet.submitted_at.clone().unwrap_or_default()
                );
            })
        }
        ScoreCommand::Reopen {
            round,
            expert,
            application,
            reason,
        } => {
            let (mut store, round) = cli.round(&round.round)?;
            store.reopen_scores(
                &CALLER.secretariat(),
                &AssignmentKey::new(round.id, expert, application),
                reason,
            )?;
            cli.emit(&serde_json::json!({"round": round.code, "expert": expert, "application": application, "reopened": true}), |_| {
                crate::say!(
                    "已退回专家 {expert} 对申报 {application} 的评分（{}），专家可重新修改后提交。",
                    reason.trim()
                );
            })
        }
        ScoreCommand::Application { target } => {
            let (store, round) = cli.round(&target.round.round)?;
            let view = store.expert_application(&target.key(round.id))?;
            cli.emit(&view, |view| {
                crate::output::print_application(&view.record);
                crate::say!("条件核算（本程序据申报数据计算的摘要）：");
                for c in &view.conditions {
                    crate::say!(
                        "  {} {}：{}{}",
                        c.id.as_str(),
                        c.title,
                        c.detail,
                        c.result
                            .map(|r| format!("（形式审查：{}）", r.rule_name_zh()))
                            .unwrap_or_default()
                    );
                }
            })
        }
        ScoreCommand::Show { target } => {
            let (store, round) = cli.round(&target.round.round)?;
            let sheet = store.score_sheet(&target.key(round.id))?;
            cli.emit(&sheet, |_| {
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
                            .map(|p| p.to_string())
                            .unwrap_or_else(|| "—".into()),
                        criterion.max_points,
                        if score.comment.is_empty() {
                            String::new()
                        } else {
                            format!("\t{}", score.comment)
                        }
                    );
                }
                crate::say!(
                    "合计 {} / {}；评审意见：{}",
                    sheet.total,
                    sheet.max_total,
                    if sheet.opinion.is_empty() {
                        "（未填写）"
                    } else {
                        &sheet.opinion
                    }
                );
            })
        }
        ScoreCommand::Stream { target } => {
            use std::io::BufRead;
            let (mut store, round) = cli.round(&target.round.round)?;
            let (actor, key) = (target.actor(), target.key(round.id));
            let mut failures = 0;
            for (n, line) in std::io::stdin().lock().lines().enumerate() {
                let line = line.map_err(|e| {
                    CodedError::new(ErrorCode::Io, format!("读取标准输入失败：{e}"))
                })?;
                let mut parts = line.trim().splitn(3, char::is_whitespace);
                let (Some(criterion), Some(points)) = (parts.next(), parts.next()) else {
                    continue;
                };
                let comment = parts.next().map(str::trim);
                let result = parse_points(points).and_then(|p| {
                    store
                        .set_score(&actor, &key, criterion, Some(p), comment)
                        .map_err(CodedError::from)
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
                return Err(CodedError::new(
                    ErrorCode::OutOfRange,
                    format!("{failures} 行未能保存，见上方输出。"),
                ));
            }
            Ok(())
        }
        ScoreCommand::Import { file, entered_by } => {
            let (name, bytes) = files::read(file)?;
            let mut store = cli.store()?;
            let entries = park_review_operations::read_scores_file(&name, bytes)?;
            let imported = park_review_operations::import_paper_scores(
                &mut store,
                CALLER,
                entered_by.as_deref(),
                &entries,
            )?;
            cli.emit(&imported, |i| {
                crate::say!(
                    "已录入 {} 份纸质评分表（录入人：{}）。",
                    i.imported,
                    i.entered_by
                )
            })
        }
    }
}

pub fn list(cli: &Cli, round: &str) -> Outcome {
    let (store, round) = cli.round(round)?;
    let rows = store.list_scores(round.id)?;
    cli.emit(&rows, |_| {
        if rows.is_empty() {
            crate::say!("批次 {} 还没有分配评审专家。", round.code);
        }
        for r in &rows {
            crate::say!(
                "{}\t{} {}\t{}\t已评 {} 项\t合计 {}{}",
                r.application,
                r.expert,
                r.expert_name,
                r.stage.name_zh(),
                r.scored,
                r.total,
                r.entered_by
                    .as_ref()
                    .map(|b| format!("\t录入：{b}"))
                    .unwrap_or_default()
            );
        }
    })
}
