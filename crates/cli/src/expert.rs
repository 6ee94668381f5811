//! `park-review expert`: the expert registry and a round's panel (批次专家组).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use park_review_domain::model::ExpertRecord;
use park_review_domain::City;

use crate::{files, Cli, Outcome, RoundArg, CALLER};

#[derive(Debug, Subcommand)]
pub enum ExpertCommand {
    /// 列出批次的评审专家
    List(RoundArg),
    /// 列出专家库中的全部专家（不限批次），例如为实地考察组选人
    Registry,
    /// 把一位专家加入专家库和批次的专家名单（编号已存在且姓名相同时更新其信息）
    Add(ExpertAddArgs),
    /// 从 park-review/experts@1 文件导入专家，全部无误才保存
    Import {
        file: PathBuf,
        /// 批次（文件中没有 round 字段时必填；两者都有时须为同一批次）
        #[arg(long, value_name = "R")]
        round: Option<String>,
    },
    /// 把一位专家移出批次专家组（须写明理由）：其在本批次的分配随之取消，评分草稿记入审计日志；已提交评分的专家不能移出
    Remove {
        #[command(flatten)]
        round: RoundArg,
        #[arg(long, value_name = "E")]
        expert: String,
        /// 理由，记入审计日志
        #[arg(long, value_name = "T")]
        reason: String,
    },
    /// 列出一位专家在批次中的评审任务
    Assignments {
        #[command(flatten)]
        round: RoundArg,
        #[arg(long, value_name = "E")]
        expert: String,
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

pub fn run(cli: &Cli, command: &ExpertCommand) -> Outcome {
    match command {
        ExpertCommand::Registry => {
            let experts = cli.store()?.list_registry()?;
            cli.emit(&experts, |experts| {
                if experts.is_empty() {
                    crate::say!("专家库还没有专家。");
                }
                for e in experts {
                    crate::say!(
                        "{}\t{}\t{}\t{}",
                        e.code,
                        e.name,
                        e.employer,
                        e.city.map(|c| c.name_zh()).unwrap_or("省外")
                    );
                }
            })
        }
        ExpertCommand::List(RoundArg { round }) => {
            let (store, round) = cli.round(round)?;
            let experts = store.list_panel(round.id)?;
            cli.emit(&experts, |experts| {
                if experts.is_empty() {
                    crate::say!("批次 {} 还没有评审专家。", round.code);
                }
                for e in experts {
                    let city = e.city.map(|c| c.name_zh()).unwrap_or("省外");
                    crate::say!(
                        "{}\t{}\t{}\t{}\t{}",
                        e.code,
                        e.name,
                        e.employer,
                        city,
                        e.field
                    );
                }
            })
        }
        ExpertCommand::Add(args) => add(cli, args),
        ExpertCommand::Import { file, round } => {
            let (name, bytes) = files::read(file)?;
            let mut store = cli.store()?;
            let round = round
                .as_deref()
                .map(|key| store.find_round(key))
                .transpose()?;
            let file = park_review_operations::read_experts_file(&name, bytes)?;
            let imported = park_review_operations::import_experts(
                &mut store,
                CALLER,
                round.map(|r| r.id),
                &name,
                file,
            )?;
            cli.emit(&imported, |i| {
                let new = i.experts.iter().filter(|a| a.new_in_registry).count();
                crate::say!(
                    "已向批次 {} 导入 {} 位专家（新增 {} 位，更新 {} 位）。",
                    i.round,
                    i.experts.len(),
                    new,
                    i.experts.len() - new
                )
            })
        }
        ExpertCommand::Remove {
            round,
            expert,
            reason,
        } => {
            let (mut store, round) = cli.round(&round.round)?;
            let removed =
                store.remove_from_panel(&CALLER.secretariat(), round.id, expert, reason)?;
            cli.emit(&removed, |removed| {
                crate::say!(
                    "已将 {} {} 移出批次 {} 的专家组，取消 {} 项分配{}。",
                    removed.expert,
                    removed.name,
                    round.code,
                    removed.cancelled.len(),
                    if removed.started.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "（其中 {} 已有承诺或评分草稿，已记入审计日志）",
                            removed.started.join("、")
                        )
                    }
                );
                if !removed.cancelled.is_empty() {
                    crate::say!(
                        "这些申报的评审专家已不足，请在“回避与分配”中补充分配（park-review assign）。"
                    );
                }
            })
        }
        ExpertCommand::Assignments { round, expert } => {
            let (store, round) = cli.round(&round.round)?;
            let list = store.expert_assignments(round.id, expert)?;
            cli.emit(&list, |list| {
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
                        a.total
                    );
                }
            })
        }
    }
}

fn add(cli: &Cli, args: &ExpertAddArgs) -> Outcome {
    let city = match args.city.as_deref().map(str::trim) {
        None | Some("") | Some("省外") => None,
        Some(c) => Some(City::parse(c)?),
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
    let (mut store, round) = cli.round(&args.round.round)?;
    let added = store
        .add_experts(&CALLER.secretariat(), round.id, &[record])?
        .remove(0);
    cli.emit(&added, |a| {
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
        )
    })
}
