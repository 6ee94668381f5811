//! `park-review`: the command line of ParkReview.
//!
//! Everything the app can do, the CLI can do, so that a secretariat can script batch work, tests
//! and benchmarks can drive the product, and an auditor can verify a file. Human output is
//! Chinese; `--json` prints machine-readable JSON on stdout. Errors go to stderr as
//! `错误 [CODE]：message` (or `{"code", "message", "args"}` with `--json`) and the exit status is 1
//! (2 for a command line that could not be parsed).
//!
//! One module per command group. A command parses its arguments, makes one call — a store
//! query, or an action of `park_review_operations` — and hands the result to [`Cli::emit`],
//! which prints it as JSON or as the text the command gives.

mod application;
mod assign;
mod audit;
mod bench;
mod database;
mod eligibility;
mod exchange;
mod expert;
mod files;
mod inspection;
mod key;
mod output;
mod panel;
mod passphrase;
mod publication;
mod rank;
mod round;
mod rubric;
mod score;
mod sheet;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use park_review_domain::model::Round;
use park_review_domain::{CodedError, ErrorCode};
use park_review_operations::Caller;
use park_review_store::{ensure_default_dir, resolve_db_path, Store};
use serde::Serialize;

/// Every change made from here is recorded in the audit log as made through the command line.
const CALLER: Caller = Caller::COMMAND_LINE;

/// What a command returns: nothing (it printed), or the coded error to report.
type Outcome = Result<(), CodedError>;

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

    /// 覆盖已存在的输出文件（默认不覆盖：已签名的评分表、存档等输出只写一次，内容相同则视为已写好）
    #[arg(long, global = true)]
    overwrite: bool,

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
    /// 备份数据库和全部附件到一个文件夹（如 U 盘）：一致的快照、清单、按 SHA-256 只复制一次的附件；自动轮换
    Backup {
        /// 备份文件夹
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// 从备份文件夹恢复：先核验完整性和审计链；当前数据库比备份新时须加 --force（当前数据库另存，不删除）
    Restore {
        /// 备份文件夹
        dir: PathBuf,
        /// 恢复哪一份（默认最新的；--list 列出）
        #[arg(long, value_name = "NAME")]
        snapshot: Option<String>,
        /// 当前数据库比备份新时仍然恢复
        #[arg(long)]
        force: bool,
        /// 只列出备份，不恢复
        #[arg(long)]
        list: bool,
    },
    /// 评审批次
    #[command(subcommand)]
    Round(round::RoundCommand),
    /// 申报
    #[command(subcommand)]
    Application(application::ApplicationCommand),
    /// 评审专家
    #[command(subcommand)]
    Expert(expert::ExpertCommand),
    /// 生成填报模板
    #[command(subcommand)]
    Template(application::TemplateCommand),
    /// 列出广东省 21 个地级以上市及其年度推荐名额（P2）
    Cities,
    /// 申报材料（P4）：逐项核对是否齐全
    #[command(subcommand)]
    Materials(application::MaterialsCommand),
    /// 证明材料（PDF 或图片），按条款挂接到申报，以 SHA-256 校验
    #[command(subcommand)]
    Attachment(application::AttachmentCommand),
    /// 形式审查：按申报指南 C1–C7 和推荐名额（P2）逐条检查
    Eligibility(eligibility::EligibilityArgs),
    /// 评分细则：查看、导入、导出（开始评审后冻结）
    #[command(subcommand)]
    Rubric(rubric::RubricCommand),
    /// 回避：查看、认定、撤销
    #[command(subcommand)]
    Conflict(assign::ConflictCommand),
    /// 分配评审专家：自动（无利益冲突、负载均衡、同一种子结果相同）或手工指定
    Assign(assign::AssignArgs),
    /// 专家就一个申报签署无利益冲突承诺（或用 --conflict 声明存在冲突）
    Declare(assign::DeclareArgs),
    /// 评分：打分、评审意见、提交、退回、纸质评分表录入
    #[command(subcommand)]
    Score(score::ScoreCommand),
    /// 列出批次中每项分配的评分
    Scores(RoundArg),
    /// 签名密钥：创建、查看
    #[command(subcommand)]
    Key(key::KeyCommand),
    /// 证书：导出；秘书处登记专家的证书（核对指纹后）
    #[command(subcommand)]
    Cert(key::CertCommand),
    /// 评审包（秘书处 → 专家的电脑）：导出、导入
    #[command(subcommand)]
    Package(exchange::PackageCommand),
    /// 评分包（专家 → 秘书处）：导出、导入
    #[command(subcommand)]
    Bundle(exchange::BundleCommand),
    /// 手写签名：保存
    #[command(subcommand)]
    Signature(key::SignatureCommand),
    /// 生成并签名一份专家评分表（PDF，PAdES 签名）
    Sheet(sheet::SheetArgs),
    /// 生成并签名一位专家的全部已提交评分表
    Sheets(sheet::SheetsArgs),
    /// 审计记录：核验哈希链、导出签名存档、查看操作历史
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// 核验 PDF 的数字签名，并与数据库比对
    Verify(sheet::VerifyArgs),
    /// 综合评分与排名：打印排名、设置、确定
    Rank(rank::RankArgs),
    /// 公示名单：拟认定的园区、公示期（工作日）和异议联系人，PDF 或文本
    Publicity(rank::PublicityArgs),
    /// 公示期内的异议：记录、处理、列出
    #[command(subcommand)]
    Objection(publication::ObjectionCommand),
    /// 公布认定名单（公示期满、异议均已处理后）：写入认定园区名录，名单以秘书处密钥签名
    Publish(publication::PublishArgs),
    /// 认定园区名录：列出、查看、录入此前认定的园区
    #[command(subcommand)]
    Park(publication::ParkCommand),
    /// 考察清单：查看、导出、导入（首次考察开始后冻结）
    #[command(subcommand)]
    Checklist(inspection::ChecklistCommand),
    /// 实地考察：考察组、开始、逐项记录、佐证、定稿、退回
    #[command(subcommand)]
    Inspection(inspection::InspectionCommand),
    /// 实地考察得分：手工录入（仅限纸质考察；有定稿的考察记录时取自记录）
    #[command(subcommand, name = "site-score")]
    SiteScore(rank::SiteScoreCommand),
    /// 离群分：记录处理方式
    #[command(subcommand)]
    Outlier(rank::OutlierCommand),
    /// 评审委员会：组长、复核（四种情形）、不同意见、评审报告及全体成员签署
    #[command(subcommand)]
    Panel(panel::PanelCommand),
    /// 性能测量（在临时数据库上进行，不影响现有数据）
    #[command(subcommand)]
    Bench(bench::BenchCommand),
}

#[derive(Debug, Args)]
pub struct RoundArg {
    /// 批次：编号（如 2026-SB）、年份（该年只有一个批次时）或 id
    #[arg(long, value_name = "R")]
    pub round: String,
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
        Err(error) => output::report(&error, cli.json),
    }
}

fn run(cli: &Cli) -> Outcome {
    match &cli.command {
        Command::Init => database::init(cli),
        Command::Demo => database::demo(cli),
        Command::Status => database::status(cli),
        Command::Backup { out } => database::backup(cli, out),
        Command::Restore {
            dir,
            snapshot,
            force,
            list,
        } => database::restore(cli, dir, snapshot.as_deref(), *force, *list),
        Command::Round(command) => round::run(cli, command),
        Command::Application(command) => application::run(cli, command),
        Command::Template(command) => application::template(cli, command),
        Command::Cities => application::cities(cli),
        Command::Attachment(command) => application::attachment(cli, command),
        Command::Materials(command) => application::materials(cli, command),
        Command::Eligibility(args) => eligibility::run(cli, args),
        Command::Rubric(command) => rubric::run(cli, command),
        Command::Audit(command) => audit::run(cli, command),
        Command::Expert(command) => expert::run(cli, command),
        Command::Conflict(command) => assign::conflict(cli, command),
        Command::Assign(args) => assign::assign(cli, args),
        Command::Declare(args) => assign::declare(cli, args),
        Command::Score(command) => score::run(cli, command),
        Command::Scores(RoundArg { round }) => score::list(cli, round),
        Command::Key(command) => key::key(cli, command),
        Command::Cert(command) => key::cert(cli, command),
        Command::Package(command) => exchange::package(cli, command),
        Command::Bundle(command) => exchange::bundle(cli, command),
        Command::Signature(command) => key::signature(cli, command),
        Command::Sheet(args) => sheet::sheet(cli, args),
        Command::Sheets(args) => sheet::sheets(cli, args),
        Command::Verify(args) => sheet::verify(cli, args),
        Command::Rank(args) => rank::rank(cli, args),
        Command::Publicity(args) => rank::publicity(cli, args),
        Command::Objection(command) => publication::objection(cli, command),
        Command::Publish(args) => publication::publish(cli, args),
        Command::Park(command) => publication::park(cli, command),
        Command::SiteScore(command) => rank::site_score(cli, command),
        Command::Checklist(command) => inspection::checklist(cli, command),
        Command::Inspection(command) => inspection::inspection(cli, command),
        Command::Outlier(command) => rank::outlier(cli, command),
        Command::Panel(command) => panel::run(cli, command),
        Command::Bench(command) => bench::run(cli, command),
    }
}

impl Cli {
    /// Opens the database (`--db`, else `PARK_REVIEW_DB`, else the default location).
    fn store(&self) -> Result<Store, CodedError> {
        let path = resolve_db_path(self.db.as_deref());
        ensure_default_dir(&path).map_err(|e| {
            CodedError::new(
                ErrorCode::Io,
                format!("无法创建数据库文件夹 {}：{e}", path.display()),
            )
        })?;
        Ok(Store::open(&path)?)
    }

    /// Opens the database and finds the round a command names (`--round`).
    fn round(&self, key: &str) -> Result<(Store, Round), CodedError> {
        let store = self.store()?;
        let round = store.find_round(key)?;
        Ok((store, round))
    }

    /// Writes an output file the user named (`--out`): never over other contents unless
    /// `--overwrite`.
    fn write(&self, path: &std::path::Path, bytes: &[u8]) -> Outcome {
        files::write(path, bytes, self.overwrite)
    }

    /// Checks an output path before an action that records what it writes (see
    /// `files::check_out`).
    fn check_out(&self, path: &std::path::Path) -> Outcome {
        files::check_out(path, self.overwrite)
    }

    /// Prints a command's result: the JSON of `value` with `--json`, else the text `text`
    /// prints for it.
    fn emit<T: Serialize + ?Sized>(&self, value: &T, text: impl FnOnce(&T)) -> Outcome {
        if self.json {
            output::print_json(value)
        } else {
            text(value);
            Ok(())
        }
    }
}
