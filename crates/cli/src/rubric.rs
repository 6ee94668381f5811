//! `park-review rubric`: a round's rubric (评分细则) shown, exported and imported.

use std::path::PathBuf;

use clap::Subcommand;
use park_review_operations::ExportFormat;

use crate::{files, Cli, Outcome, RoundArg, CALLER};

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
    /// 恢复默认评分细则（仅限草稿批次）：新建的认定批次本就带有默认细则
    Reset(RoundArg),
    /// 复制另一批次（如往年）的评分细则到本草稿批次
    Copy {
        #[command(flatten)]
        round: RoundArg,
        /// 复制来源批次：编号、年份或 id
        #[arg(long, value_name = "R")]
        from: String,
    },
}

pub fn run(cli: &Cli, command: &RubricCommand) -> Outcome {
    match command {
        RubricCommand::Show(RoundArg { round }) => {
            let (store, round) = cli.round(round)?;
            let rubric = store.rubric(round.id)?;
            cli.emit(&rubric, |rubric| {
                crate::say!(
                    "{}（满分 {}{}）",
                    rubric.rubric.title,
                    rubric.max_total,
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
                            c.max_points,
                            c.step,
                            c.clauses.join(",")
                        );
                    }
                }
                for p in &rubric.problems {
                    crate::say!("问题：{p}");
                }
            })
        }
        RubricCommand::Copy { round, from } => {
            let (mut store, round) = cli.round(&round.round)?;
            let from = store.find_round(from)?;
            let rubric = store.copy_rubric(&crate::CALLER.secretariat(), round.id, from.id)?;
            cli.emit(&rubric, |r| {
                crate::say!(
                    "已将批次 {} 的评分细则复制到批次 {}：{}（{} 个评分项，满分合计 {}）。",
                    from.code,
                    round.code,
                    r.rubric.title,
                    r.rubric
                        .sections
                        .iter()
                        .map(|s| s.criteria.len())
                        .sum::<usize>(),
                    r.max_total
                );
                for p in &r.problems {
                    crate::say!("  注意：{p}");
                }
            })
        }
        RubricCommand::Reset(RoundArg { round }) => {
            let (mut store, round) = cli.round(round)?;
            let rubric = store.restore_default_rubric(&crate::CALLER.secretariat(), round.id)?;
            cli.emit(&rubric, |r| {
                crate::say!(
                    "已恢复批次 {} 的默认评分细则：{}（满分 {}）。",
                    round.code,
                    r.rubric.title,
                    r.max_total
                )
            })
        }
        RubricCommand::Export { round, out } => {
            let (store, round) = cli.round(&round.round)?;
            let format = ExportFormat::of_file_name(&files::name_of(out));
            let document = park_review_operations::export_rubric(&store, round.id, format)?;
            cli.write(out, &document.bytes)?;
            let sha256 = store.rubric(round.id)?.frozen_sha256;
            cli.emit(
                &serde_json::json!({"round": round.code, "out": out, "sha256": sha256}),
                |_| {
                    crate::say!(
                        "已将批次 {} 的评分细则导出到 {}。",
                        round.code,
                        out.display()
                    )
                },
            )
        }
        RubricCommand::Import { file, round } => {
            let (name, bytes) = files::read(file)?;
            let (mut store, round) = cli.round(&round.round)?;
            let rubric = park_review_operations::read_rubric_file(&name, bytes)?;
            let stored =
                park_review_operations::import_rubric(&mut store, CALLER, round.id, &rubric)?;
            cli.emit(&stored, |stored| {
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
                    stored.max_total
                )
            })
        }
    }
}
