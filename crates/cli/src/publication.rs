//! After the ranking (issue 16): `objection add|decide|list`, `publish`, and the register of
//! designated parks `park list|show|add`.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use park_review_domain::publication::{DesignatedPark, Objection, ObjectionDecision};
use park_review_domain::{CodedError, ErrorCode};
use park_review_store::EnteredPark;

use crate::passphrase::{self, PassphraseArgs};
use crate::{Cli, Outcome, RoundArg, CALLER};

#[derive(Debug, Subcommand)]
pub enum ObjectionCommand {
    /// 记录公示期内收到的异议（异议人可匿名）
    Add {
        #[command(flatten)]
        round: RoundArg,
        /// 被异议的园区（申报编号），须在拟认定名单上
        #[arg(long, value_name = "A")]
        application: String,
        /// 异议人（单位或个人）；不填为匿名
        #[arg(long, value_name = "T", default_value = "")]
        objector: String,
        /// 收到日期，须在公示期内
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: String,
        /// 异议内容
        #[arg(long, value_name = "T")]
        content: String,
    },
    /// 记录调查情况和处理结果：upheld（异议成立）或 dismissed（异议不成立），须写明理由
    Decide {
        #[command(flatten)]
        round: RoundArg,
        /// 异议编号（objection list 中的号）
        #[arg(long, value_name = "N")]
        objection: u32,
        /// upheld（成立）或 dismissed（不成立）
        #[arg(long)]
        decision: String,
        /// 处理理由（异议成立并移出名单时印在公布的名单上）
        #[arg(long, value_name = "T")]
        reason: String,
        /// 调查情况
        #[arg(long, value_name = "T", default_value = "")]
        investigation: String,
        /// 异议成立，该园区不予认定（移出名单）
        #[arg(long)]
        remove: bool,
    },
    /// 列出批次的异议及其处理
    List(RoundArg),
}

#[derive(Debug, Args)]
pub struct PublishArgs {
    #[command(flatten)]
    round: RoundArg,
    /// 签名的认定名单（PDF）
    #[arg(long, value_name = "F")]
    out: PathBuf,
    #[command(flatten)]
    passphrase: PassphraseArgs,
}

#[derive(Debug, Subcommand)]
pub enum ParkCommand {
    /// 认定园区名录
    List,
    /// 名录中的一个园区（按名称或编号）
    Show {
        /// 园区名称、申报编号或 uid
        park: String,
    },
    /// 录入使用本系统之前认定的园区
    Add {
        /// 园区名称
        #[arg(long, value_name = "T")]
        name: String,
        /// 所在地级以上市（中文名或两字母代码）
        #[arg(long, value_name = "C")]
        city: String,
        /// 园区管理机构
        #[arg(long, value_name = "T")]
        management_body: String,
        /// 认定日期
        #[arg(long, value_name = "YYYY-MM-DD")]
        designated_on: String,
        /// 认定依据：文件名称或文号
        #[arg(long, value_name = "T")]
        documents: String,
        /// 录入理由
        #[arg(long, value_name = "T")]
        reason: String,
    },
}

fn print_objection(o: &Objection) {
    crate::say!(
        "第 {} 号 · {} {} · {} · 收到 {} · {}",
        o.number,
        o.application,
        o.park_name,
        o.objector,
        o.received_on,
        o.content
    );
    match (o.decision, &o.decision_reason) {
        (Some(d), Some(reason)) => crate::say!(
            "    {}{}：{}（{}）",
            d.name_zh(),
            if o.removes { "，不予认定" } else { "" },
            reason,
            o.decided_by.clone().unwrap_or_default()
        ),
        _ => crate::say!("    尚未处理"),
    }
}

fn print_park(p: &DesignatedPark) {
    crate::say!(
        "{} · {} · {} · 认定于 {} · {}{}",
        p.park_name,
        p.city,
        p.management_body,
        p.designated_on,
        if p.round.is_empty() {
            "录入".to_owned()
        } else {
            format!("批次 {} 申报 {}", p.round, p.application)
        },
        p.entered_reason
            .as_ref()
            .map(|r| format!("（{r}；依据：{}）", p.documents))
            .unwrap_or_default()
    );
}

pub fn objection(cli: &Cli, command: &ObjectionCommand) -> Outcome {
    match command {
        ObjectionCommand::Add {
            round,
            application,
            objector,
            date,
            content,
        } => {
            let (mut store, round) = cli.round(&round.round)?;
            let added = store.add_objection(
                &CALLER.secretariat(),
                round.id,
                application,
                objector,
                date,
                content,
            )?;
            cli.emit(&added, print_objection)
        }
        ObjectionCommand::Decide {
            round,
            objection,
            decision,
            reason,
            investigation,
            remove,
        } => {
            let decision = ObjectionDecision::parse(decision).ok_or_else(|| {
                CodedError::new(
                    ErrorCode::OutOfRange,
                    format!("未知的处理结果“{decision}”：应为 upheld（异议成立）或 dismissed（异议不成立）。"),
                )
            })?;
            let (mut store, round) = cli.round(&round.round)?;
            let decided = store.decide_objection(
                &CALLER.secretariat(),
                round.id,
                *objection,
                decision,
                reason,
                investigation,
                *remove,
            )?;
            cli.emit(&decided, print_objection)
        }
        ObjectionCommand::List(RoundArg { round }) => {
            let (store, round) = cli.round(round)?;
            let list = store.objections(round.id)?;
            cli.emit(&list, |list| {
                if list.is_empty() {
                    crate::say!("批次 {} 没有异议。", round.code);
                }
                list.iter().for_each(print_objection);
            })
        }
    }
}

pub fn publish(cli: &Cli, args: &PublishArgs) -> Outcome {
    cli.check_out(&args.out)?;
    let (mut store, round) = cli.round(&args.round.round)?;
    let (published, document) =
        park_review_operations::publish(&mut store, CALLER, round.id, || {
            passphrase::read(&args.passphrase, "秘书处的私钥口令：", false)
        })?;
    cli.write(&args.out, &document.bytes)?;
    cli.emit(
        &serde_json::json!({"published": published, "out": args.out}),
        |_| {
            crate::say!(
                "已公布批次 {} 的认定名单（{}）：认定 {} 个园区{}，已写入认定园区名录；签名的名单：{}",
                published.round,
                published.published_on,
                published.designated.len(),
                if published.removed.is_empty() {
                    String::new()
                } else {
                    format!("，{} 个因异议成立不予认定", published.removed.len())
                },
                args.out.display()
            )
        },
    )
}

pub fn park(cli: &Cli, command: &ParkCommand) -> Outcome {
    match command {
        ParkCommand::List => {
            let parks = cli.store()?.designated_parks()?;
            cli.emit(&parks, |parks| {
                if parks.is_empty() {
                    crate::say!("认定园区名录还是空的：公布一个批次的认定名单，或用 park add 录入此前认定的园区。");
                }
                parks.iter().for_each(print_park);
            })
        }
        ParkCommand::Show { park } => {
            let key = park.trim();
            let found = cli
                .store()?
                .designated_parks()?
                .into_iter()
                .find(|p| {
                    p.uid == key || p.park_name == key || p.application.eq_ignore_ascii_case(key)
                })
                .ok_or_else(|| {
                    CodedError::new(
                        ErrorCode::NotFound,
                        format!("认定园区名录中没有“{key}”（可用园区名称、申报编号或 uid）。"),
                    )
                })?;
            cli.emit(&found, print_park)
        }
        ParkCommand::Add {
            name,
            city,
            management_body,
            designated_on,
            documents,
            reason,
        } => {
            let park = EnteredPark {
                park_name: name.clone(),
                city: city.clone(),
                management_body: management_body.clone(),
                designated_on: designated_on.clone(),
                documents: documents.clone(),
                reason: reason.clone(),
            };
            let added = cli
                .store()?
                .add_designated_park(&CALLER.secretariat(), &park)?;
            cli.emit(&added, print_park)
        }
    }
}
