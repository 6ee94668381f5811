//! `park-review application`, `attachment`, `template` and `cities`: registering applications
//! and their evidence.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use park_review_domain::{CodedError, ErrorCode};
use park_review_operations::ExportFormat;

use crate::{files, Cli, Outcome, RoundArg, CALLER};

#[derive(Debug, Subcommand)]
pub enum ApplicationCommand {
    /// 列出批次中的申报
    List(RoundArg),
    /// 显示一个申报的全部申报信息
    Show {
        #[command(flatten)]
        round: RoundArg,
        /// 申报编号，例如 2026-GZ-01
        #[arg(long, value_name = "A")]
        application: String,
    },
    /// 用 JSON 文件（一个 park-review/application@1 对象）替换一个申报的全部信息
    Update {
        /// 文件路径（.json）
        file: PathBuf,
        #[command(flatten)]
        round: RoundArg,
        /// 要修改的申报编号
        #[arg(long, value_name = "A")]
        application: String,
    },
    /// 导出批次的全部申报（.xlsx 或 .json），导出的文件可再次导入
    Export {
        #[command(flatten)]
        round: RoundArg,
        /// 输出文件（.xlsx 或 .json）
        #[arg(long, value_name = "F")]
        out: PathBuf,
    },
    /// 从 JSON（park-review/application@1）或 Excel 模板导入申报；任何一条有误则全部不导入
    Import {
        /// 文件路径（.json 或 .xlsx）
        file: PathBuf,
        #[command(flatten)]
        round: RoundArg,
    },
    /// 记录地级以上市经济和信息化主管部门的审核推荐（P3）：审核意见、推荐函的日期和签发、推荐顺序；可同时上传推荐函
    Recommend {
        #[command(flatten)]
        round: RoundArg,
        /// 申报编号，例如 2026-GZ-01
        #[arg(long, value_name = "A")]
        application: String,
        /// 审核意见（市经济和信息化主管部门的原话）
        #[arg(long, value_name = "T")]
        opinion: String,
        /// 推荐函日期
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: String,
        /// 推荐函的签发单位和签发人
        #[arg(long, value_name = "T")]
        signatory: String,
        /// 推荐顺序（1 起，不超过该市每年的申报数量）
        #[arg(long, value_name = "N")]
        order: u32,
        /// 推荐函文件（PDF 或图片），挂接在 P3 下，与推荐一起保存
        #[arg(long, value_name = "F")]
        letter: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum MaterialsCommand {
    /// 核对申报材料（P4）中的一项：(1) 申报材料（附件2）、(2) 所在地政府政策措施和资金扶持文件、(3) 相关辅助材料
    Check {
        #[command(flatten)]
        round: RoundArg,
        /// 申报编号
        #[arg(long, value_name = "A")]
        application: String,
        /// 哪一项：1、2 或 3
        #[arg(long, value_name = "N")]
        item: String,
        /// 该项材料齐全
        #[arg(long, conflicts_with = "missing", required_unless_present = "missing")]
        present: bool,
        /// 该项材料缺失（形式审查保持“待补正”）
        #[arg(long)]
        missing: bool,
        /// 说明，例如缺什么
        #[arg(long, value_name = "T", default_value = "")]
        note: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// 申报填报模板（Excel，中文表头，含下拉选项）
    Application {
        /// 输出文件（.xlsx）
        #[arg(long, value_name = "F")]
        out: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct ApplicationTarget {
    #[command(flatten)]
    round: RoundArg,
    /// 申报编号，例如 2026-FS-01
    #[arg(long, value_name = "A")]
    application: String,
}

#[derive(Debug, Subcommand)]
pub enum AttachmentCommand {
    /// 挂接一个 PDF 或图片文件（不超过 200 MB）
    Add {
        /// 文件路径
        file: PathBuf,
        #[command(flatten)]
        target: ApplicationTarget,
        /// 支撑的条款：C1–C7，P3（市级推荐函），或 P4（申报材料）
        #[arg(long)]
        clause: String,
    },
    /// 列出申报的证明材料
    List(ApplicationTarget),
    /// 逐个校验申报的证明材料是否与挂接时的 SHA-256 一致
    Verify(ApplicationTarget),
}

pub fn run(cli: &Cli, command: &ApplicationCommand) -> Outcome {
    match command {
        ApplicationCommand::List(RoundArg { round }) => {
            let (store, round) = cli.round(round)?;
            let apps = store.list_applications(round.id)?;
            cli.emit(&apps, |apps| {
                if apps.is_empty() {
                    crate::say!("批次 {} 还没有申报。", round.code);
                }
                for a in apps {
                    crate::say!(
                        "{}\t{}\t{}\t推荐顺序 {}\t规划面积 {} 亩\t企业 {} 家",
                        a.code,
                        a.park_name,
                        a.city.name_zh(),
                        a.city_recommendation_rank,
                        a.planned_area_mu,
                        a.n_enterprises
                    );
                }
            })
        }
        ApplicationCommand::Import { file, round } => {
            let (name, bytes) = files::read(file)?;
            let (mut store, round) = cli.round(&round.round)?;
            let records = park_review_operations::read_application_file(&name, bytes)?;
            let imported =
                park_review_operations::import_applications(&mut store, CALLER, round.id, records)?;
            cli.emit(&imported, |i| {
                if i.imported == 0 {
                    crate::say!("文件中没有申报，批次 {} 未做任何改动。", i.round);
                } else {
                    crate::say!("已向批次 {} 导入 {} 个申报。", i.round, i.imported);
                }
            })
        }
        ApplicationCommand::Recommend {
            round,
            application,
            opinion,
            date,
            signatory,
            order,
            letter,
        } => {
            let letter = letter.as_deref().map(files::read).transpose()?;
            let (mut store, round) = cli.round(&round.round)?;
            let recommendation = store.record_recommendation(
                &CALLER.secretariat(),
                round.id,
                application,
                &park_review_store::RecommendationInput {
                    opinion,
                    letter_date: date,
                    signatory,
                    order: *order,
                    letter: letter.as_ref().map(|(n, b)| (n.as_str(), b.as_slice())),
                },
            )?;
            cli.emit(
                &serde_json::json!({"application": application, "recommendation": recommendation, "letter": letter.as_ref().map(|(n, _)| n)}),
                |_| {
                    crate::say!(
                        "已记录申报 {application} 的市级审核推荐（推荐顺序第 {}，推荐函 {}，{}）{}。",
                        recommendation.order,
                        recommendation.letter_date,
                        recommendation.signatory,
                        if letter.is_some() { "，推荐函已挂接在 P3 下" } else { "；请再上传推荐函（attachment add --clause P3）" }
                    )
                },
            )
        }
        ApplicationCommand::Show { round, application } => {
            let (store, round) = cli.round(&round.round)?;
            let record = store.application_record(round.id, application)?;
            cli.emit(&record, crate::output::print_application)
        }
        ApplicationCommand::Export { round, out } => {
            let (store, round) = cli.round(&round.round)?;
            let format = ExportFormat::of_file_name(&files::name_of(out));
            let document = park_review_operations::export_applications(&store, round.id, format)?;
            cli.write(out, &document.bytes)?;
            let exported = store.list_applications(round.id)?.len();
            cli.emit(
                &serde_json::json!({"round": round.code, "exported": exported, "out": out}),
                |_| {
                    crate::say!(
                        "已将批次 {} 的 {exported} 个申报导出到 {}。",
                        round.code,
                        out.display()
                    )
                },
            )
        }
        ApplicationCommand::Update {
            file,
            round,
            application,
        } => {
            let (name, bytes) = files::read(file)?;
            let (mut store, round) = cli.round(&round.round)?;
            let records = park_review_operations::read_application_file(&name, bytes)?;
            let record = park_review_operations::update_application_from_file(
                &mut store,
                CALLER,
                round.id,
                application,
                records,
            )?;
            cli.emit(
                &serde_json::json!({"round": round.code, "updated": record.code}),
                |_| crate::say!("已修改批次 {} 的申报 {}。", round.code, record.code),
            )
        }
    }
}

pub fn template(cli: &Cli, command: &TemplateCommand) -> Outcome {
    let TemplateCommand::Application { out } = command;
    let document = park_review_operations::application_template()?;
    cli.write(out, &document.bytes)?;
    cli.emit(&serde_json::json!({"out": out}), |_| {
        crate::say!("已生成申报填报模板：{}", out.display())
    })
}

pub fn cities(cli: &Cli) -> Outcome {
    cli.emit(&park_review_operations::cities(), |cities| {
        for c in cities {
            crate::say!("{}\t{}\t年度推荐名额 {}", c.code, c.name, c.quota);
        }
    })
}

pub fn attachment(cli: &Cli, command: &AttachmentCommand) -> Outcome {
    let target = match command {
        AttachmentCommand::Add { target, .. }
        | AttachmentCommand::List(target)
        | AttachmentCommand::Verify(target) => target,
    };
    let (mut store, round) = cli.round(&target.round.round)?;
    let app = store.find_application(round.id, &target.application)?;
    match command {
        AttachmentCommand::Add { file, clause, .. } => {
            let (name, bytes) = files::read(file)?;
            let added = store.add_attachment(
                &CALLER.secretariat(),
                round.id,
                &app.code,
                clause,
                &name,
                &bytes,
            )?;
            cli.emit(&added, |a| {
                crate::say!(
                    "已将“{}”挂接到 {} 的 {}（SHA-256 {}）。",
                    a.file_name,
                    app.code,
                    a.clause,
                    a.sha256
                )
            })
        }
        AttachmentCommand::List(_) => {
            let list = store.list_attachments(round.id, &app.code)?;
            cli.emit(&list, |list| {
                if list.is_empty() {
                    crate::say!("申报 {} 还没有证明材料。", app.code);
                }
                for a in list {
                    crate::say!(
                        "{}\t{}\t{} 字节\t{}\t{}",
                        a.clause,
                        a.file_name,
                        a.size_bytes,
                        a.sha256,
                        a.uid
                    );
                }
            })
        }
        AttachmentCommand::Verify(_) => {
            let list = store.list_attachments(round.id, &app.code)?;
            let failures: Vec<String> = list
                .iter()
                .filter_map(|a| store.read_attachment(&a.uid.0).err())
                .map(|e| e.to_string())
                .collect();
            if let Some(first) = failures.first() {
                return Err(CodedError::new(
                    ErrorCode::AttachmentTampered,
                    format!(
                        "{} 个附件中有 {} 个校验失败：{first}",
                        list.len(),
                        failures.len()
                    ),
                ));
            }
            cli.emit(
                &serde_json::json!({"application": app.code, "verified": list.len()}),
                |_| {
                    crate::say!(
                        "申报 {} 的 {} 个证明材料均与挂接时一致。",
                        app.code,
                        list.len()
                    )
                },
            )
        }
    }
}

pub fn materials(cli: &Cli, command: &MaterialsCommand) -> Outcome {
    match command {
        MaterialsCommand::Check {
            round,
            application,
            item,
            present,
            missing: _,
            note,
        } => {
            let material =
                park_review_domain::eligibility::Material::parse(item).ok_or_else(|| {
                    park_review_domain::CodedError::new(
                        park_review_domain::ErrorCode::OutOfRange,
                        format!("未知的材料“{item}”：应为 1、2 或 3（申报指南 一.(二).4）。"),
                    )
                })?;
            let (mut store, round) = cli.round(&round.round)?;
            store.check_material(
                &CALLER.secretariat(),
                round.id,
                application,
                material,
                *present,
                note,
            )?;
            cli.emit(
                &serde_json::json!({"application": application, "material": material, "item": material.number(), "present": present}),
                |_| {
                    crate::say!(
                        "已记录申报 {application} 的申报材料（{}）{}：{}。",
                        material.number(),
                        material.name_zh(),
                        if *present { "齐全" } else { "缺失" }
                    )
                },
            )
        }
    }
}
