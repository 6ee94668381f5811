//! `park-review checklist` and `inspection`: the site-inspection checklist of a round, and each
//! application's inspection — team, visit, answers, evidence, finalising (docs/cli.md,
//! docs/formats/checklist.md).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use park_review_domain::inspection::{ItemStatus, Response, StatusFactors};
use park_review_domain::{CodedError, ErrorCode};
use park_review_store::inspection::{AnswerInput, InspectionView};
use park_review_store::Actor;

use crate::passphrase::{self, PassphraseArgs};
use crate::{files, Cli, Outcome, RoundArg, CALLER};

#[derive(Debug, Subcommand)]
pub enum ChecklistCommand {
    /// 显示批次的考察清单（各部分、考察项、应答方式、权重；首次考察开始后冻结）
    Show(RoundArg),
    /// 导出考察清单（.json 为 park-review/checklist@1，.xlsx 为 Excel）
    Export {
        #[command(flatten)]
        round: RoundArg,
        #[arg(long, value_name = "F.json|F.xlsx")]
        out: PathBuf,
    },
    /// 导入考察清单，替换批次现有的清单（仅限草稿批次，且尚无考察开始）
    Import {
        file: PathBuf,
        #[command(flatten)]
        round: RoundArg,
    },
}

#[derive(Debug, Args)]
pub struct Target {
    #[command(flatten)]
    round: RoundArg,
    /// 申报编号
    #[arg(long, value_name = "A")]
    application: String,
}

#[derive(Debug, Args)]
pub struct By {
    /// 记录人（考察组成员的专家编号）；不填时：考察组电脑上为组长，秘书处电脑上为本机的秘书处人员（例如代为录入纸质考察表）
    #[arg(long, value_name = "E")]
    by: Option<String>,
}

impl By {
    /// The recorder: `--by E`; without it the leader on a team's own laptop, else the
    /// secretariat member at this machine.
    fn actor(&self, store: &park_review_store::Store) -> Actor {
        match (&self.by, store.copy()) {
            (Some(code), _) => CALLER.inspector(code),
            (None, park_review_store::DatabaseCopy::Inspection(leader)) => CALLER.inspector(leader),
            (None, _) => CALLER.secretariat(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum InspectionCommand {
    /// 列出批次各申报的实地考察（考察组、日期、进度、得分）
    List(RoundArg),
    /// 组建（或调整）考察组：组长和成员来自专家库，回避规则与评审相同
    #[command(subcommand)]
    Team(TeamCommand),
    /// 开始考察：冻结考察清单（批次的第一次开始时），之后可逐项记录
    Start {
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        by: By,
    },
    /// 记录一个考察项：状态（符合/基本符合/不符合/不适用）、核实的数值、文字或说明；每次立即保存
    Answer {
        #[command(flatten)]
        target: Target,
        /// 考察项编号，例如 C2.1
        #[arg(long, value_name = "K")]
        item: String,
        /// confirmed|partly|not_met|not_applicable（或 符合/基本符合/不符合/不适用）
        #[arg(long, value_name = "S")]
        status: Option<String>,
        /// 核实的数值（数值类考察项）
        #[arg(long, value_name = "X", allow_hyphen_values = true)]
        value: Option<f64>,
        /// 文字记录（文字类考察项）
        #[arg(long, value_name = "T")]
        text: Option<String>,
        /// 说明
        #[arg(long, value_name = "T")]
        note: Option<String>,
        #[command(flatten)]
        by: By,
    },
    /// 从标准输入逐行读取“考察项编号 状态或数值 [说明]”，每行立即保存并输出一行确认（供脚本批量录入）
    Stream {
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        by: By,
    },
    /// 为考察项添加佐证：照片（JPEG、PNG，保留拍摄时间和位置）或 PDF 文件
    Attach {
        #[command(flatten)]
        target: Target,
        #[arg(long, value_name = "K")]
        item: String,
        /// 文件
        file: PathBuf,
        #[command(flatten)]
        by: By,
    },
    /// 显示考察情况：每项的申报数据与核实情况、佐证、尚缺内容、数据不符和当前得分
    Show {
        #[command(flatten)]
        target: Target,
    },
    /// 定稿：必填项都已记录、佐证齐全后锁定，得分进入综合评分
    Finalise {
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        by: By,
    },
    /// 生成实地考察记录表（PDF），由组长签名（须已定稿；组长的私钥口令）
    Record {
        #[command(flatten)]
        target: Target,
        #[arg(long, value_name = "F.pdf")]
        out: PathBuf,
        #[command(flatten)]
        passphrase: PassphraseArgs,
    },
    /// 成员会签考察记录：在最新一版记录上追加自己的签名（不改动已有签名）；持不同意见时用 --dissent 写明（须印在记录上，先记录、再由组长重新生成）
    Sign {
        #[command(flatten)]
        target: Target,
        /// 会签的成员（专家编号）
        #[arg(long, value_name = "E")]
        member: String,
        /// 组长签署（或上一位成员会签）后的考察记录
        #[arg(long, value_name = "F.pdf")]
        record: PathBuf,
        /// 输出文件（默认覆盖 --record）
        #[arg(long, value_name = "F.pdf")]
        out: Option<PathBuf>,
        /// 不同意见
        #[arg(long, value_name = "T")]
        dissent: Option<String>,
        #[command(flatten)]
        passphrase: PassphraseArgs,
    },
    /// 秘书处退回已定稿的考察记录（须写明理由），其得分随之退出综合评分
    Reopen {
        #[command(flatten)]
        target: Target,
        #[arg(long, value_name = "T")]
        reason: String,
    },
    /// 考察包（秘书处 → 考察组的电脑）：导出、导入
    #[command(subcommand)]
    Package(InspectionPackageCommand),
    /// 考察结果包（考察组 → 秘书处）：导出、导入
    #[command(subcommand)]
    Bundle(InspectionBundleCommand),
    /// 设置本批次的计分系数（0–1）：符合、基本符合、不符合（默认 1、0.6、0）
    Factors {
        #[command(flatten)]
        round: RoundArg,
        #[arg(long, default_value_t = 1.0)]
        confirmed: f64,
        #[arg(long, default_value_t = 0.6)]
        partly: f64,
        #[arg(long = "not-met", default_value_t = 0.0)]
        not_met: f64,
    },
}

#[derive(Debug, Subcommand)]
pub enum InspectionPackageCommand {
    /// 秘书处：导出一个申报的考察包（申报材料、冻结的考察清单、考察组），用秘书处的密钥签名；尚未开始的考察随之开始
    Export {
        #[command(flatten)]
        target: Target,
        #[arg(long, value_name = "F")]
        out: PathBuf,
        #[command(flatten)]
        passphrase: PassphraseArgs,
    },
    /// 考察组：在自己的电脑上导入考察包（核验秘书处的签名和固定的证书）
    Import { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum InspectionBundleCommand {
    /// 考察组：导出考察结果包（逐项记录、佐证、不同意见、定稿和签署的考察记录），用组长的密钥签名
    Export {
        #[command(flatten)]
        target: Target,
        #[arg(long, value_name = "F")]
        out: PathBuf,
        #[command(flatten)]
        passphrase: PassphraseArgs,
    },
    /// 秘书处：导入考察结果包（核验组长登记的证书、每份考察记录和每个佐证文件），一次写入，重复导入不产生变化
    Import { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// 设置考察组：--leader 组长，--members 其他成员（逗号分隔），考察日期与地点
    Set {
        #[command(flatten)]
        target: Target,
        #[arg(long, value_name = "E")]
        leader: String,
        #[arg(long, value_name = "E1,E2", value_delimiter = ',')]
        members: Vec<String>,
        /// 考察日期，如 2026-12-03
        #[arg(long, value_name = "D")]
        date: Option<String>,
        /// 考察地点
        #[arg(long, value_name = "T")]
        place: Option<String>,
    },
}

pub fn checklist(cli: &Cli, command: &ChecklistCommand) -> Outcome {
    match command {
        ChecklistCommand::Show(RoundArg { round }) => {
            let (store, round) = cli.round(round)?;
            let found = store.checklist(round.id)?;
            cli.emit(&found, |c| {
                crate::say!(
                    "{}（{}）",
                    c.checklist.title,
                    c.frozen_sha256
                        .as_ref()
                        .map(|s| format!("已冻结，SHA-256 {s}"))
                        .unwrap_or_else(|| "未冻结".into())
                );
                for section in &c.checklist.sections {
                    crate::say!("{} {}", section.code, section.title);
                    for item in &section.items {
                        crate::say!(
                            "  {}\t{}\t{}\t权重 {}\t{}{}\t{}",
                            item.code,
                            item.prompt,
                            response_zh(&item.response),
                            item.weight,
                            if item.required { "必填" } else { "选填" },
                            if item.evidence_required {
                                "，须佐证"
                            } else {
                                ""
                            },
                            item.clauses.join(",")
                        );
                    }
                }
            })
        }
        ChecklistCommand::Export { round, out } => {
            let (store, round) = cli.round(&round.round)?;
            let format = park_review_operations::ExportFormat::of_file_name(&files::name_of(out));
            let document = park_review_operations::export_checklist(&store, round.id, format)?;
            cli.write(out, &document.bytes)?;
            cli.emit(
                &serde_json::json!({"round": round.code, "out": out}),
                |_| {
                    crate::say!(
                        "已将批次 {} 的考察清单导出到 {}。",
                        round.code,
                        out.display()
                    )
                },
            )
        }
        ChecklistCommand::Import { file, round } => {
            let (name, bytes) = files::read(file)?;
            let checklist = park_review_operations::read_checklist_file(&name, bytes)?;
            let (mut store, round) = cli.round(&round.round)?;
            let stored =
                park_review_operations::import_checklist(&mut store, CALLER, round.id, &checklist)?;
            cli.emit(&stored, |c| {
                crate::say!(
                    "已导入考察清单“{}”：{} 个部分、{} 个考察项。",
                    c.checklist.title,
                    c.checklist.sections.len(),
                    c.checklist.items().count()
                )
            })
        }
    }
}

fn response_zh(response: &Response) -> String {
    match response {
        Response::Status => "状态".into(),
        Response::Number { unit, at_least, .. } => match at_least {
            Some(t) => format!("数值（{unit}，达标 ≥ {t}）"),
            None => format!("数值（{unit}）"),
        },
        Response::Text => "文字".into(),
    }
}

fn print_view(v: &InspectionView) {
    crate::say!(
        "{} {}：{}，考察组 {}，日期 {}，地点 {}",
        v.application.code,
        v.application.park_name,
        v.status.name_zh(),
        v.team
            .iter()
            .map(|t| format!(
                "{} {}{}",
                t.code,
                t.name,
                if t.leader { "（组长）" } else { "" }
            ))
            .collect::<Vec<_>>()
            .join("、"),
        v.visit_date.as_deref().unwrap_or("未定"),
        if v.place.is_empty() {
            "未定"
        } else {
            &v.place
        }
    );
    for item in &v.items {
        let found = match (&item.item.response, &item.answer) {
            (Response::Number { unit, .. }, a) => a.value.map(|x| format!("{x} {unit}")),
            (Response::Text, a) if !a.text.is_empty() => Some(a.text.clone()),
            _ => None,
        };
        crate::say!(
            "  {}\t{}\t{}{}{}{}",
            item.item.code,
            item.status.map(ItemStatus::name_zh).unwrap_or("未记录"),
            item.item.prompt,
            item.declared
                .as_ref()
                .map(|d| format!("\n      申报：{}", d.text))
                .unwrap_or_default(),
            found
                .map(|f| format!("\n      核实：{f}"))
                .unwrap_or_default(),
            if item.evidence.is_empty() {
                String::new()
            } else {
                format!(
                    "\n      佐证：{}",
                    item.evidence
                        .iter()
                        .map(|e| format!(
                            "{}{}",
                            e.file_name,
                            if e.before_visit {
                                "（拍摄早于考察日期）"
                            } else {
                                ""
                            }
                        ))
                        .collect::<Vec<_>>()
                        .join("、")
                )
            }
        );
    }
    for d in &v.discrepancies {
        crate::say!(
            "数据不符：{}（{}）申报 {} {}，核实 {} {}",
            d.item,
            d.clauses.join(","),
            d.declared,
            d.unit,
            d.found,
            d.unit
        );
    }
    if !v.missing.is_empty() {
        crate::say!("尚缺：{}", v.missing.join("、"));
    }
    crate::say!("实地考察得分：{}", v.site_score.total);
}

fn status_of(text: &str) -> Result<ItemStatus, CodedError> {
    ItemStatus::parse(text).ok_or_else(|| {
        CodedError::new(
            ErrorCode::CliUsage,
            format!("状态“{text}”无法识别：应为 confirmed、partly、not_met、not_applicable（或 符合、基本符合、不符合、不适用）。"),
        )
    })
}

fn factor(value: f64) -> Result<u32, CodedError> {
    if !(0.0..=1.0).contains(&value) {
        return Err(CodedError::new(
            ErrorCode::OutOfRange,
            format!("计分系数 {value} 须在 0 到 1 之间。"),
        ));
    }
    Ok((value * 1000.0).round() as u32)
}

pub fn inspection(cli: &Cli, command: &InspectionCommand) -> Outcome {
    match command {
        InspectionCommand::List(RoundArg { round }) => {
            let (store, round) = cli.round(round)?;
            let list = store.list_inspections(round.id)?;
            cli.emit(&list, |list| {
                for s in list {
                    crate::say!(
                        "{}\t{}\t{}\t组长 {}\t{} 人\t日期 {}\t已记录 {}/{}\t得分 {}",
                        s.application,
                        s.park_name,
                        s.status.map(|s| s.name_zh()).unwrap_or("未组建考察组"),
                        s.leader.as_deref().unwrap_or("—"),
                        s.members,
                        s.visit_date.as_deref().unwrap_or("—"),
                        s.answered,
                        s.items,
                        s.site_score
                            .map(|p| p.to_string())
                            .unwrap_or_else(|| "—".into())
                    );
                }
            })
        }
        InspectionCommand::Team(TeamCommand::Set {
            target,
            leader,
            members,
            date,
            place,
        }) => {
            let (mut store, round) = cli.round(&target.round.round)?;
            let view = store.set_inspection_team(
                &CALLER.secretariat(),
                round.id,
                &target.application,
                leader,
                members,
                date.as_deref(),
                place.as_deref(),
            )?;
            cli.emit(&view, print_view)
        }
        InspectionCommand::Start { target, by } => {
            let (mut store, round) = cli.round(&target.round.round)?;
            let view = store.start_inspection(&by.actor(&store), round.id, &target.application)?;
            cli.emit(&view, |v| {
                crate::say!(
                    "已开始申报 {} 的实地考察；考察清单已冻结（SHA-256 {}）。",
                    v.application.code,
                    v.checklist_sha256.as_deref().unwrap_or("—")
                )
            })
        }
        InspectionCommand::Answer {
            target,
            item,
            status,
            value,
            text,
            note,
            by,
        } => {
            let input = AnswerInput {
                status: status.as_deref().map(status_of).transpose()?,
                value: *value,
                text: text.clone(),
                note: note.clone(),
            };
            let (mut store, round) = cli.round(&target.round.round)?;
            let saved = store.answer_item(
                &by.actor(&store),
                round.id,
                &target.application,
                item,
                &input,
            )?;
            cli.emit(&saved, |i| {
                crate::say!(
                    "已保存 {}：{}（{}）",
                    i.item.code,
                    i.status.map(ItemStatus::name_zh).unwrap_or("未记录"),
                    i.updated_at.as_deref().unwrap_or("")
                )
            })
        }
        InspectionCommand::Stream { target, by } => {
            use std::io::BufRead;
            let (mut store, round) = cli.round(&target.round.round)?;
            let actor = by.actor(&store);
            let checklist = store.checklist(round.id)?.checklist;
            let mut failures = 0;
            for (n, line) in std::io::stdin().lock().lines().enumerate() {
                let line = line.map_err(|e| {
                    CodedError::new(ErrorCode::Io, format!("读取标准输入失败：{e}"))
                })?;
                let mut parts = line.trim().splitn(3, char::is_whitespace);
                let (Some(item), Some(answer)) = (parts.next(), parts.next()) else {
                    continue;
                };
                let note = parts.next().map(|n| n.trim().to_owned());
                // A number item takes the verified value, a text item words, any other a status.
                let input = match checklist.item(item).map(|i| &i.response) {
                    Some(Response::Number { .. }) => answer
                        .parse::<f64>()
                        .map(|value| AnswerInput {
                            value: Some(value),
                            note,
                            ..AnswerInput::default()
                        })
                        .map_err(|_| {
                            CodedError::new(
                                ErrorCode::OutOfRange,
                                format!("考察项 {item} 应填写核实的数值，“{answer}”不是数字。"),
                            )
                        }),
                    Some(Response::Text) => Ok(AnswerInput {
                        text: Some(line.trim()[item.len()..].trim().to_owned()),
                        ..AnswerInput::default()
                    }),
                    _ => status_of(answer).map(|status| AnswerInput {
                        status: Some(status),
                        note,
                        ..AnswerInput::default()
                    }),
                };
                let result = input.and_then(|input| {
                    store
                        .answer_item(&actor, round.id, &target.application, item, &input)
                        .map_err(CodedError::from)
                });
                match result {
                    Ok(saved) => crate::say!(
                        "{}",
                        serde_json::json!({"line": n + 1, "item": item, "answer": answer,
                                           "status": saved.status, "saved_at": saved.updated_at})
                    ),
                    Err(f) => {
                        failures += 1;
                        crate::say!(
                            "{}",
                            serde_json::json!({"line": n + 1, "item": item, "code": f.code, "message": f.message})
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
        InspectionCommand::Attach {
            target,
            item,
            file,
            by,
        } => {
            let (name, bytes) = files::read(file)?;
            let (mut store, round) = cli.round(&target.round.round)?;
            let actor = by.actor(&store);
            let evidence = park_review_operations::attach_evidence(
                &mut store,
                &actor,
                round.id,
                &target.application,
                item,
                &name,
                &bytes,
            )?;
            cli.emit(&evidence, |e| {
                crate::say!(
                    "已添加 {} 的佐证 {}（SHA-256 {}{}）{}",
                    e.item,
                    e.file_name,
                    &e.sha256[..16],
                    e.captured_at
                        .as_ref()
                        .map(|t| format!("，拍摄于 {}", t.replacen('T', " ", 1)))
                        .unwrap_or_default(),
                    if e.before_visit {
                        "。注意：拍摄时间早于考察日期。"
                    } else {
                        ""
                    }
                )
            })
        }
        InspectionCommand::Show { target } => {
            let (store, round) = cli.round(&target.round.round)?;
            let view = store.inspection(round.id, &target.application)?;
            cli.emit(&view, print_view)
        }
        InspectionCommand::Finalise { target, by } => {
            let (mut store, round) = cli.round(&target.round.round)?;
            let view =
                store.finalise_inspection(&by.actor(&store), round.id, &target.application)?;
            cli.emit(&view, |v| {
                crate::say!(
                    "申报 {} 的实地考察已定稿，实地考察得分 {}，已计入综合评分。",
                    v.application.code,
                    v.site_score.total
                )
            })
        }
        InspectionCommand::Record {
            target,
            out,
            passphrase,
        } => {
            cli.check_out(out)?;
            let (mut store, round) = cli.round(&target.round.round)?;
            let issued = park_review_operations::issue_inspection_record(
                &mut store,
                CALLER,
                round.id,
                &target.application,
                |leader| {
                    passphrase::read(passphrase, &format!("组长 {leader} 的私钥口令："), false)
                },
            )?;
            cli.write(out, &issued.bytes)?;
            cli.emit(&serde_json::json!({"record": issued, "out": out}), |_| {
                crate::say!(
                    "已生成并由组长 {} 签署申报 {} 的实地考察记录（编号 {}）：{}。请各成员会签（park-review inspection sign）。",
                    issued.expert,
                    issued.application,
                    issued.sheet_id,
                    out.display()
                )
            })
        }
        InspectionCommand::Sign {
            target,
            member,
            record,
            out,
            dissent,
            passphrase,
        } => {
            let (_, bytes) = files::read(record)?;
            if let Some(out) = out {
                cli.check_out(out)?;
            }
            let (mut store, round) = cli.round(&target.round.round)?;
            let issued = park_review_operations::countersign_inspection_record(
                &mut store,
                CALLER,
                round.id,
                &target.application,
                member,
                &bytes,
                dissent.as_deref(),
                |code| passphrase::read(passphrase, &format!("成员 {code} 的私钥口令："), false),
            )?;
            // Without --out the member signs the record in place: the new file keeps the one
            // it replaces as its earlier revision.
            let out = match out {
                Some(out) => {
                    cli.write(out, &issued.bytes)?;
                    out.clone()
                }
                None => {
                    files::replace(record, &issued.bytes)?;
                    record.clone()
                }
            };
            cli.emit(&serde_json::json!({"record": issued, "out": out}), |_| {
                crate::say!(
                    "{} 已会签申报 {} 的实地考察记录：{}。",
                    issued.expert,
                    issued.application,
                    out.display()
                )
            })
        }
        InspectionCommand::Package(InspectionPackageCommand::Export {
            target,
            out,
            passphrase,
        }) => {
            cli.check_out(out)?;
            let (mut store, round) = cli.round(&target.round.round)?;
            store.inspection(round.id, &target.application)?;
            let signer = park_review_operations::Signer::ask(
                &store,
                park_review_store::KeyOwner::Secretariat,
                || passphrase::read(passphrase, "秘书处的私钥口令：", false),
            )?;
            let (sealed, file) = park_review_operations::export_inspection_package(
                &mut store,
                CALLER,
                round.id,
                &target.application,
                &signer,
            )?;
            cli.write(out, &file.bytes)?;
            cli.emit(&serde_json::json!({"package": sealed, "out": out}), |_| {
                crate::say!(
                    "已导出申报 {} 的第 {} 号考察包（组长 {}）：{}。秘书处证书指纹：{}",
                    target.application,
                    sealed.sequence,
                    sealed.expert,
                    out.display(),
                    sealed.signer_fingerprint
                )
            })
        }
        InspectionCommand::Package(InspectionPackageCommand::Import { file }) => {
            let (_, bytes) = files::read(file)?;
            let package = park_review_operations::read_inspection_package(&bytes)?;
            let mut store = cli.store()?;
            let done = park_review_operations::import_inspection_package(&mut store, &package)?;
            cli.emit(&done, |r| {
                if r.already_imported {
                    crate::say!("这个考察包（第 {} 号）已导入过，没有任何变化。", r.sequence);
                } else {
                    crate::say!(
                        "已导入申报 {} 的第 {} 号考察包（批次 {}，组长 {}）。{}",
                        r.application,
                        r.sequence,
                        r.round,
                        r.leader,
                        if r.pinned {
                            format!(
                                "本机已固定秘书处的证书，指纹：{}，请与秘书处核对。",
                                package.signer_fingerprint()
                            )
                        } else {
                            String::new()
                        }
                    );
                }
            })
        }
        InspectionCommand::Bundle(InspectionBundleCommand::Export {
            target,
            out,
            passphrase,
        }) => {
            cli.check_out(out)?;
            let (mut store, round) = cli.round(&target.round.round)?;
            let leader = store
                .inspection(round.id, &target.application)?
                .team
                .into_iter()
                .find(|m| m.leader)
                .map(|m| m.code)
                .unwrap_or_default();
            let signer = park_review_operations::Signer::ask(
                &store,
                park_review_store::KeyOwner::Expert(&leader),
                || passphrase::read(passphrase, &format!("组长 {leader} 的私钥口令："), false),
            )?;
            let (sealed, file) = park_review_operations::export_inspection_bundle(
                &mut store,
                CALLER,
                round.id,
                &target.application,
                &signer,
            )?;
            cli.write(out, &file.bytes)?;
            cli.emit(&serde_json::json!({"bundle": sealed, "out": out}), |_| {
                crate::say!(
                    "已导出申报 {} 的第 {} 号考察结果包：{} 项记录、{} 个文件，{}。组长证书指纹：{}",
                    target.application,
                    sealed.sequence,
                    sealed.items,
                    sealed.files,
                    out.display(),
                    sealed.signer_fingerprint
                )
            })
        }
        InspectionCommand::Bundle(InspectionBundleCommand::Import { file }) => {
            let (_, bytes) = files::read(file)?;
            let bundle = park_review_operations::read_inspection_bundle(&bytes)?;
            let mut store = cli.store()?;
            let done = park_review_operations::import_inspection_bundle(&mut store, &bundle)?;
            cli.emit(&done, |r| {
                if r.already_imported {
                    crate::say!("这个考察结果包（第 {} 号）已导入过，没有任何变化。", r.sequence);
                } else {
                    crate::say!(
                        "已导入申报 {} 的第 {} 号考察结果包：{} 项记录、{} 个佐证、{} 份签署的考察记录{}。",
                        r.application,
                        r.sequence,
                        r.answers,
                        r.evidence,
                        r.records,
                        if r.finalised { "，考察已定稿，得分计入综合评分" } else { "" }
                    );
                }
            })
        }
        InspectionCommand::Reopen { target, reason } => {
            let (mut store, round) = cli.round(&target.round.round)?;
            let view = store.reopen_inspection(
                &CALLER.secretariat(),
                round.id,
                &target.application,
                reason,
            )?;
            cli.emit(&view, |v| {
                crate::say!(
                    "已退回申报 {} 的考察记录（理由：{reason}），其得分暂不计入综合评分。",
                    v.application.code
                )
            })
        }
        InspectionCommand::Factors {
            round,
            confirmed,
            partly,
            not_met,
        } => {
            let factors = StatusFactors {
                confirmed: factor(*confirmed)?,
                partly: factor(*partly)?,
                not_met: factor(*not_met)?,
            };
            let (mut store, round) = cli.round(&round.round)?;
            let set = store.set_site_factors(&CALLER.secretariat(), round.id, factors)?;
            cli.emit(&set, |f| {
                crate::say!(
                    "批次 {} 的计分系数：符合 {}，基本符合 {}，不符合 {}，不适用不计入。",
                    round.code,
                    f64::from(f.confirmed) / 1000.0,
                    f64::from(f.partly) / 1000.0,
                    f64::from(f.not_met) / 1000.0
                )
            })
        }
    }
}
