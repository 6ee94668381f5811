//! `park-review`: the command line of ParkReview.
//!
//! Everything the app can do, the CLI can do, so that a secretariat can script batch work, tests
//! and benchmarks can drive the product, and an auditor can verify a file. Human output is
//! Chinese; `--json` prints machine-readable JSON on stdout. Errors go to stderr as
//! `错误 [CODE]：message` (or `{"code", "message"}` with `--json`) and the exit status is 1
//! (2 for a command line that could not be parsed).

mod bench;
mod eligibility;
mod output;
mod rank;
mod review;
mod sign;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use park_review_domain::{ErrorCode, RoundKind};
use park_review_store::{ensure_default_dir, resolve_db_path, Actor, Store, StoreError};

use crate::output::{print_json, Failure};

#[derive(Debug, Parser)]
#[command(
    name = "park-review",
    version,
    about = "广东省人工智能产业园区评审（ParkReview）命令行",
    long_about = "广东省人工智能产业园区评审（ParkReview）命令行。\n数据库位置：--db 参数，其次是环境变量 PARK_REVIEW_DB，默认 ~/.local/share/park-review/park-review.sqlite3。"
)]
struct Cli {
    /// 数据库文件路径（默认取环境变量 PARK_REVIEW_DB，再默认 ~/.local/share/park-review/park-review.sqlite3）
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,

    /// 以 JSON 格式输出结果（错误也以 JSON 输出到 stderr）
    #[arg(long, global = true)]
    json: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 创建（或升级）数据库
    Init,
    /// 载入示例批次（2026 年申报评审，9 个虚构园区、7 位专家）
    Demo,
    /// 显示数据库中各类记录的数量和数据结构版本
    Status,
    /// 评审批次
    #[command(subcommand)]
    Round(RoundCommand),
    /// 申报
    #[command(subcommand)]
    Application(ApplicationCommand),
    /// 评审专家
    #[command(subcommand)]
    Expert(ExpertCommand),
    /// 生成填报模板
    #[command(subcommand)]
    Template(TemplateCommand),
    /// 列出广东省 21 个地级以上市及其年度推荐名额（P2）
    Cities,
    /// 证明材料（PDF 或图片），按条款挂接到申报，以 SHA-256 校验
    #[command(subcommand)]
    Attachment(AttachmentCommand),
    /// 形式审查：按申报指南 C1–C7 和推荐名额（P2）逐条检查
    Eligibility(EligibilityArgs),
    /// 评分细则：查看、导入、导出（开始评审后冻结）
    #[command(subcommand)]
    Rubric(review::RubricCommand),
    /// 回避：查看、认定、撤销
    #[command(subcommand)]
    Conflict(review::ConflictCommand),
    /// 分配评审专家：自动（无利益冲突、负载均衡、同一种子结果相同）或手工指定
    Assign(review::AssignArgs),
    /// 专家就一个申报签署无利益冲突承诺（或用 --conflict 声明存在冲突）
    Declare(review::DeclareArgs),
    /// 评分：打分、评审意见、提交、退回、纸质评分表录入
    #[command(subcommand)]
    Score(review::ScoreCommand),
    /// 列出批次中每项分配的评分
    Scores(RoundArg),
    /// 签名密钥：创建、查看
    #[command(subcommand)]
    Key(sign::KeyCommand),
    /// 证书：导出
    #[command(subcommand)]
    Cert(sign::CertCommand),
    /// 手写签名：保存
    #[command(subcommand)]
    Signature(sign::SignatureCommand),
    /// 生成并签名一份专家评分表（PDF，PAdES 签名）
    Sheet(sign::SheetArgs),
    /// 生成并签名一位专家的全部已提交评分表
    Sheets(sign::SheetsArgs),
    /// 核验 PDF 的数字签名，并与数据库比对
    Verify(sign::VerifyArgs),
    /// 综合评分与排名：打印排名、设置、确定
    Rank(rank::RankArgs),
    /// 公示名单：拟认定的园区、公示期（工作日）和异议联系人，PDF 或文本
    Publicity(rank::PublicityArgs),
    /// 实地考察得分：录入
    #[command(subcommand, name = "site-score")]
    SiteScore(rank::SiteScoreCommand),
    /// 离群分：记录处理方式
    #[command(subcommand)]
    Outlier(rank::OutlierCommand),
    /// 性能测量（在临时数据库上进行，不影响现有数据）
    #[command(subcommand)]
    Bench(bench::BenchCommand),
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
struct EligibilityArgs {
    #[command(subcommand)]
    action: Option<EligibilityAction>,
    /// 批次（不带子命令时：列出本批次每个申报的形式审查结果）
    #[arg(long, value_name = "R")]
    round: Option<String>,
    /// 同时把形式审查结果汇总表写成 PDF（A4 横向）
    #[arg(long, value_name = "F")]
    pdf: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum EligibilityAction {
    /// 调整某条规则的审查结果（须写明理由，记录操作人和时间）
    Override {
        #[command(flatten)]
        target: RuleTarget,
        /// 调整后的结果：pass（符合）、fail（不符合）或 needs_review（待核验）
        #[arg(long)]
        result: String,
        /// 调整理由
        #[arg(long)]
        reason: String,
    },
    /// 记录已核验某条规则（C1、C2、C5、C7）的证明材料
    CheckDocuments {
        #[command(flatten)]
        target: RuleTarget,
        /// 核验说明，例如“已核对原件”
        #[arg(long, default_value = "")]
        note: String,
    },
}

#[derive(Debug, Args)]
struct RuleTarget {
    /// 批次编号
    #[arg(long, value_name = "R")]
    round: String,
    /// 申报编号，例如 2026-FS-01
    #[arg(long, value_name = "A")]
    application: String,
    /// 规则：C1–C7 或 P2
    #[arg(long)]
    rule: String,
}

#[derive(Debug, Subcommand)]
enum RoundCommand {
    /// 创建新的评审批次（状态为草稿）
    Create {
        /// 年份，例如 2026
        #[arg(long)]
        year: i32,
        /// designation（申报评审）或 annual_assessment（年度考核）
        #[arg(long)]
        kind: String,
    },
    /// 列出所有批次
    List,
    /// 开始评审：检查并冻结评分细则（记录其 SHA-256），此后专家可签署承诺和评分
    Open(RoundArg),
    /// 结束批次：不再接受评分
    Close(RoundArg),
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

#[derive(Debug, Args)]
pub struct RoundArg {
    /// 批次：编号（如 2026-SB）、年份（该年只有一个批次时）或 id
    #[arg(long, value_name = "R")]
    pub round: String,
}

#[derive(Debug, Args)]
struct ApplicationTarget {
    #[command(flatten)]
    round: RoundArg,
    /// 申报编号，例如 2026-FS-01
    #[arg(long, value_name = "A")]
    application: String,
}

#[derive(Debug, Subcommand)]
enum AttachmentCommand {
    /// 挂接一个 PDF 或图片文件（不超过 200 MB）
    Add {
        /// 文件路径
        file: PathBuf,
        #[command(flatten)]
        target: ApplicationTarget,
        /// 支撑的条款：C1–C7，或 P4（其他支撑材料）
        #[arg(long)]
        clause: String,
    },
    /// 列出申报的证明材料
    List(ApplicationTarget),
    /// 逐个校验申报的证明材料是否与挂接时的 SHA-256 一致
    Verify(ApplicationTarget),
}

#[derive(Debug, Subcommand)]
enum TemplateCommand {
    /// 申报填报模板（Excel，中文表头，含下拉选项）
    Application {
        /// 输出文件（.xlsx）
        #[arg(long, value_name = "F")]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum ApplicationCommand {
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
}

#[derive(Debug, Subcommand)]
enum ExpertCommand {
    /// 列出批次的评审专家
    List(RoundArg),
    /// 把一位专家加入专家库和批次的专家名单（编号已存在且姓名相同时更新其信息）
    Add(review::ExpertAddArgs),
    /// 从 park-review/experts@1 文件导入专家，全部无误才保存
    Import {
        file: PathBuf,
        /// 批次（文件中没有 round 字段时必填）
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

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let json = args.iter().any(|a| a == "--json");
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return output::usage_error(e, json),
    };
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(cli.json),
    }
}

/// The actor recorded in the audit log for changes made from the command line.
fn cli_actor() -> Actor {
    let user = std::env::var("USER").unwrap_or_default();
    Actor::secretariat(if user.is_empty() {
        "秘书处（命令行）".to_owned()
    } else {
        format!("{user}（命令行）")
    })
}

fn open_store(cli: &Cli) -> Result<Store, Failure> {
    let path = resolve_db_path(cli.db.as_deref());
    ensure_default_dir(&path).map_err(|e| {
        Failure::new(
            ErrorCode::Io,
            format!("无法创建数据库文件夹 {}：{e}", path.display()),
        )
    })?;
    Ok(Store::open(&path)?)
}

fn run(cli: &Cli) -> Result<(), Failure> {
    match &cli.command {
        Command::Init => {
            let store = open_store(cli)?;
            let status = store.status()?;
            if cli.json {
                print_json(&status)
            } else {
                crate::say!(
                    "数据库已就绪：{}（数据结构版本 {}）",
                    status.db_path,
                    status.schema_version
                );
                Ok(())
            }
        }
        Command::Demo => {
            let mut store = open_store(cli)?;
            let loaded = store.load_demo(&cli_actor())?;
            if cli.json {
                print_json(&loaded)
            } else {
                crate::say!(
                    "已载入示例批次 {}（{}）：{} 个申报、{} 位专家、{} 个评分项、{} 个考察项。",
                    loaded.round.code,
                    loaded.round.title,
                    loaded.applications,
                    loaded.experts,
                    loaded.criteria,
                    loaded.checklist_items
                );
                Ok(())
            }
        }
        Command::Status => {
            let status = open_store(cli)?.status()?;
            if cli.json {
                return print_json(&status);
            }
            output::print_status(&status);
            Ok(())
        }
        Command::Round(RoundCommand::Create { year, kind }) => {
            let kind = RoundKind::parse(kind).map_err(StoreError::from)?;
            let mut store = open_store(cli)?;
            let round = store.create_round(&cli_actor(), *year, kind)?;
            if cli.json {
                print_json(&round)
            } else {
                crate::say!(
                    "已创建批次 {}：{}（id {}，状态 草稿）",
                    round.code,
                    round.title,
                    round.id
                );
                Ok(())
            }
        }
        Command::Round(RoundCommand::List) => {
            let rounds = open_store(cli)?.list_rounds()?;
            if cli.json {
                return print_json(&rounds);
            }
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
            Ok(())
        }
        Command::Application(ApplicationCommand::List(RoundArg { round })) => {
            let store = open_store(cli)?;
            let round = store.find_round(round)?;
            let apps = store.list_applications(round.id)?;
            if cli.json {
                return print_json(&apps);
            }
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
            Ok(())
        }
        Command::Application(ApplicationCommand::Import { file, round }) => {
            let records = read_application_file(file)?;
            let mut store = open_store(cli)?;
            let round = store.find_round(&round.round)?;
            let ids = store.import_applications(&cli_actor(), round.id, &records)?;
            if cli.json {
                let codes: Vec<_> = records.iter().map(|r| r.code.as_str()).collect();
                return print_json(
                    &serde_json::json!({"round": round.code, "imported": ids.len(), "codes": codes}),
                );
            }
            if ids.is_empty() {
                crate::say!("文件中没有申报，批次 {} 未做任何改动。", round.code);
            } else {
                crate::say!("已向批次 {} 导入 {} 个申报。", round.code, ids.len());
            }
            Ok(())
        }
        Command::Application(ApplicationCommand::Show { round, application }) => {
            let store = open_store(cli)?;
            let round = store.find_round(&round.round)?;
            let record = store.application_record(round.id, application)?;
            if cli.json {
                return print_json(&record);
            }
            output::print_application(&record);
            Ok(())
        }
        Command::Application(ApplicationCommand::Export { round, out }) => {
            let store = open_store(cli)?;
            let round = store.find_round(&round.round)?;
            let records: Vec<_> = store
                .application_records(round.id)?
                .into_iter()
                .map(|(_, record, _)| record)
                .collect();
            let bytes = if is_xlsx(out) {
                park_review_xlsx::write_applications(&records)
                    .map_err(|e| Failure::new(e.code(), e.to_string()))?
            } else {
                park_review_domain::exchange::write_application_file(&records).into_bytes()
            };
            write_file(out, &bytes)?;
            if cli.json {
                return print_json(
                    &serde_json::json!({"round": round.code, "exported": records.len(), "out": out}),
                );
            }
            crate::say!(
                "已将批次 {} 的 {} 个申报导出到 {}。",
                round.code,
                records.len(),
                out.display()
            );
            Ok(())
        }
        Command::Application(ApplicationCommand::Update {
            file,
            round,
            application,
        }) => {
            let records = read_application_file(file)?;
            let [record] = records.as_slice() else {
                return Err(Failure::new(
                    ErrorCode::ImportMalformed,
                    format!(
                        "文件中有 {} 个申报；修改时文件应只包含一个申报。",
                        records.len()
                    ),
                ));
            };
            let mut store = open_store(cli)?;
            let round = store.find_round(&round.round)?;
            store.update_application(&cli_actor(), round.id, application, record)?;
            if cli.json {
                return print_json(
                    &serde_json::json!({"round": round.code, "updated": record.code}),
                );
            }
            crate::say!("已修改批次 {} 的申报 {}。", round.code, record.code);
            Ok(())
        }
        Command::Attachment(command) => attachment(cli, command),
        Command::Cities => {
            let cities: Vec<_> = park_review_domain::City::ALL
                .into_iter()
                .map(|c| serde_json::json!({"code": c.code(), "name": c.name_zh(), "name_en": c.name_en(), "quota": c.yearly_quota()}))
                .collect();
            if cli.json {
                return print_json(&cities);
            }
            for c in park_review_domain::City::ALL {
                crate::say!(
                    "{}\t{}\t年度推荐名额 {}",
                    c.code(),
                    c.name_zh(),
                    c.yearly_quota()
                );
            }
            Ok(())
        }
        Command::Template(TemplateCommand::Application { out }) => {
            let bytes = park_review_xlsx::application_template()
                .map_err(|e| Failure::new(e.code(), e.to_string()))?;
            write_file(out, &bytes)?;
            if cli.json {
                return print_json(&serde_json::json!({"out": out}));
            }
            crate::say!("已生成申报填报模板：{}", out.display());
            Ok(())
        }
        Command::Eligibility(args) => eligibility::run(cli, args),
        Command::Round(RoundCommand::Open(RoundArg { round })) => review::open_round(cli, round),
        Command::Round(RoundCommand::Close(RoundArg { round })) => review::close_round(cli, round),
        Command::Round(RoundCommand::Settings {
            round,
            per_application,
            same_city,
        }) => {
            let same_city = match same_city.as_deref().map(str::trim) {
                None => None,
                Some("on" | "开" | "true") => Some(true),
                Some("off" | "关" | "false") => Some(false),
                Some(other) => {
                    return Err(Failure::new(
                        ErrorCode::CliUsage,
                        format!("--same-city 应为 on 或 off，而不是“{other}”。"),
                    ))
                }
            };
            review::settings(cli, &round.round, *per_application, same_city)
        }
        Command::Rubric(command) => review::rubric(cli, command),
        Command::Conflict(command) => review::conflict(cli, command),
        Command::Assign(args) => review::assign(cli, args),
        Command::Declare(args) => review::declare(cli, args),
        Command::Score(command) => review::score(cli, command),
        Command::Scores(RoundArg { round }) => review::scores(cli, round),
        Command::Bench(command) => bench::run(cli, command),
        Command::Key(command) => sign::key(cli, command),
        Command::Rank(args) => rank::rank(cli, args),
        Command::Publicity(args) => rank::publicity(cli, args),
        Command::SiteScore(command) => rank::site_score(cli, command),
        Command::Outlier(command) => rank::outlier(cli, command),
        Command::Cert(command) => sign::cert(cli, command),
        Command::Signature(command) => sign::signature(cli, command),
        Command::Sheet(args) => sign::sheet(cli, args),
        Command::Sheets(args) => sign::sheets(cli, args),
        Command::Verify(args) => sign::verify(cli, args),
        Command::Expert(ExpertCommand::Add(args)) => review::expert_add(cli, args),
        Command::Expert(ExpertCommand::Import { file, round }) => {
            review::expert_import(cli, file, round.as_deref())
        }
        Command::Expert(ExpertCommand::Remove {
            round,
            expert,
            reason,
        }) => {
            let mut store = open_store(cli)?;
            let round = store.find_round(&round.round)?;
            let removed = store.remove_from_panel(&cli_actor(), round.id, expert, reason)?;
            if cli.json {
                return print_json(&removed);
            }
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
            Ok(())
        }
        Command::Expert(ExpertCommand::Assignments { round, expert }) => {
            review::expert_assignments(cli, &round.round, expert)
        }
        Command::Expert(ExpertCommand::List(RoundArg { round })) => {
            let store = open_store(cli)?;
            let round = store.find_round(round)?;
            let experts = store.list_panel(round.id)?;
            if cli.json {
                return print_json(&experts);
            }
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
            Ok(())
        }
    }
}

fn attachment(cli: &Cli, command: &AttachmentCommand) -> Result<(), Failure> {
    let target = match command {
        AttachmentCommand::Add { target, .. }
        | AttachmentCommand::List(target)
        | AttachmentCommand::Verify(target) => target,
    };
    let mut store = open_store(cli)?;
    let round = store.find_round(&target.round.round)?;
    let app = store.find_application(round.id, &target.application)?;
    match command {
        AttachmentCommand::Add { file, clause, .. } => {
            let bytes = std::fs::read(file).map_err(|e| {
                Failure::new(
                    ErrorCode::Io,
                    format!("无法读取文件 {}：{e}", file.display()),
                )
            })?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let added = store.add_attachment(&cli_actor(), app.id, clause, &name, &bytes)?;
            if cli.json {
                return print_json(&added);
            }
            crate::say!(
                "已将“{}”挂接到 {} 的 {}（SHA-256 {}）。",
                added.file_name,
                app.code,
                added.clause,
                added.sha256
            );
        }
        AttachmentCommand::List(_) => {
            let list = store.list_attachments(app.id)?;
            if cli.json {
                return print_json(&list);
            }
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
        }
        AttachmentCommand::Verify(_) => {
            let list = store.list_attachments(app.id)?;
            let mut failures = Vec::new();
            for a in &list {
                if let Err(e) = store.read_attachment(&a.uid.0) {
                    failures.push(e.to_string());
                }
            }
            if let Some(first) = failures.first() {
                return Err(Failure::new(
                    ErrorCode::AttachmentTampered,
                    format!(
                        "{} 个附件中有 {} 个校验失败：{first}",
                        list.len(),
                        failures.len()
                    ),
                ));
            }
            if cli.json {
                return print_json(
                    &serde_json::json!({"application": app.code, "verified": list.len()}),
                );
            }
            crate::say!(
                "申报 {} 的 {} 个证明材料均与挂接时一致。",
                app.code,
                list.len()
            );
        }
    }
    Ok(())
}

pub(crate) fn is_xlsx(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// Reads and parses an application file: Excel by its extension, JSON otherwise.
fn read_application_file(
    path: &std::path::Path,
) -> Result<Vec<park_review_domain::model::ApplicationRecord>, Failure> {
    let bytes = std::fs::read(path).map_err(|e| {
        Failure::new(
            ErrorCode::Io,
            format!("无法读取文件 {}：{e}", path.display()),
        )
    })?;
    if is_xlsx(path) {
        return park_review_xlsx::read_applications(&bytes)
            .map_err(|e| Failure::new(e.code(), e.to_string()));
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        Failure::new(
            ErrorCode::ImportMalformed,
            format!("文件 {} 不是 UTF-8 编码的 JSON 文本。", path.display()),
        )
    })?;
    park_review_domain::exchange::parse_application_file(&text)
        .map_err(|e| Failure::new(e.code(), e.to_string()))
}

/// Writes a whole file through a temporary file and a rename, so that a crash or a full disk
/// never leaves a half-written file under the name the user asked for.
pub(crate) fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<(), Failure> {
    let fail = |e: std::io::Error| {
        Failure::new(
            ErrorCode::Io,
            format!("无法写入文件 {}：{e}", path.display()),
        )
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{file_name}.part"));
    std::fs::write(&temp, bytes).map_err(fail)?;
    std::fs::rename(&temp, path).map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        fail(e)
    })
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::new(e.code(), e.to_string())
    }
}
