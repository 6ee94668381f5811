//! Keys, signed scoring sheets and verification from the command line.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use park_review_domain::ErrorCode;
use park_review_sheets::{issue_sheet, verify_file, SheetError, Signer};
use park_review_store::{Actor, KeyOwner, Role};

use crate::output::{print_json, Failure};
use crate::{cli_actor, open_store, write_file, Cli, RoundArg};

/// The environment variable scripts and tests use to give a passphrase.
pub const PASSPHRASE_ENV: &str = "PARK_REVIEW_PASSPHRASE";

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct OwnerArgs {
    /// 专家编号
    #[arg(long, value_name = "E")]
    expert: Option<String>,
    /// 秘书处的密钥
    #[arg(long)]
    secretariat: bool,
}

impl OwnerArgs {
    fn owner(&self) -> KeyOwner<'_> {
        match &self.expert {
            Some(code) => KeyOwner::Expert(code),
            None => KeyOwner::Secretariat,
        }
    }
}

#[derive(Debug, Args)]
pub struct PassphraseArgs {
    /// 从文件读取口令（第一行）；也可用环境变量 PARK_REVIEW_PASSPHRASE；都没有时在终端询问
    #[arg(long, value_name = "F")]
    pub(crate) passphrase_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// 为专家（或秘书处）创建签名密钥和自签名证书；私钥以口令加密保存
    Create {
        #[command(flatten)]
        owner: OwnerArgs,
        #[command(flatten)]
        passphrase: PassphraseArgs,
    },
    /// 修改保护私钥的口令（密钥和证书不变）；旧口令用 --passphrase-file 或环境变量给出时，新口令从 --new-passphrase-file 读取
    Passphrase {
        #[command(flatten)]
        owner: OwnerArgs,
        #[command(flatten)]
        passphrase: PassphraseArgs,
        /// 从文件读取新口令（第一行）；不给时在终端询问两次
        #[arg(long, value_name = "F")]
        new_passphrase_file: Option<PathBuf>,
    },
    /// 显示密钥（证书指纹、创建时间），不显示私钥
    Show {
        #[command(flatten)]
        owner: OwnerArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum CertCommand {
    /// 导出证书（.pem 或 .der），供他人信任和核验签名
    Export {
        #[command(flatten)]
        owner: OwnerArgs,
        #[arg(long, value_name = "F")]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum SignatureCommand {
    /// 保存专家的手写签名（PNG 图片），用于每份评分表
    Set {
        /// PNG 文件
        file: PathBuf,
        #[arg(long, value_name = "E")]
        expert: String,
    },
}

#[derive(Debug, Args)]
pub struct SheetArgs {
    #[command(flatten)]
    round: RoundArg,
    #[arg(long, value_name = "E")]
    expert: String,
    /// 申报编号
    #[arg(
        long,
        value_name = "A",
        required_unless_present = "summary",
        conflicts_with = "summary"
    )]
    application: Option<String>,
    /// 生成该专家本批次的评分汇总表（专家评分汇总表），而不是单个申报的评分表
    #[arg(long)]
    summary: bool,
    /// 输出的 PDF 文件
    #[arg(long, value_name = "F")]
    out: PathBuf,
    #[command(flatten)]
    passphrase: PassphraseArgs,
}

#[derive(Debug, Args)]
pub struct SheetsArgs {
    #[command(flatten)]
    round: RoundArg,
    /// 专家编号：为该专家生成并签名全部已提交的评分表（需其口令）。不填时：导出本批次已签名的全部评分表和汇总表（秘书处收集，无需口令）
    #[arg(long, value_name = "E")]
    expert: Option<String>,
    /// 输出文件夹
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    passphrase: PassphraseArgs,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// 要核验的 PDF
    file: PathBuf,
}

pub(crate) fn failure(e: SheetError) -> Failure {
    Failure::new(e.code, e.message)
}

/// The passphrase: from `--passphrase-file`, else the environment, else asked on the terminal.
pub(crate) fn read_passphrase(
    args: &PassphraseArgs,
    prompt: &str,
    confirm: bool,
) -> Result<String, Failure> {
    if let Some(path) = &args.passphrase_file {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Failure::new(
                ErrorCode::Io,
                format!("无法读取口令文件 {}：{e}", path.display()),
            )
        })?;
        return Ok(text.lines().next().unwrap_or_default().to_owned());
    }
    if let Ok(value) = std::env::var(PASSPHRASE_ENV) {
        if !value.is_empty() {
            return Ok(value);
        }
    }
    let first = rpassword::prompt_password(prompt).map_err(|_| {
        Failure::new(
            ErrorCode::CliUsage,
            format!("需要口令：请在终端运行，或用 --passphrase-file F、环境变量 {PASSPHRASE_ENV} 提供。"),
        )
    })?;
    if confirm {
        let again = rpassword::prompt_password("请再输入一次口令：")
            .map_err(|e| Failure::new(ErrorCode::Io, e.to_string()))?;
        if again != first {
            return Err(Failure::new(
                ErrorCode::OutOfRange,
                "两次输入的口令不一致，未创建密钥。".into(),
            ));
        }
    }
    Ok(first)
}

pub(crate) fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Local::now().fixed_offset()
}

/// The actor of a signature: the expert at their laptop.
fn expert_actor(code: &str) -> Actor {
    Actor {
        role: Role::Expert,
        name: format!("{}（命令行）", code.trim()),
    }
}

pub fn key(cli: &Cli, command: &KeyCommand) -> Result<(), Failure> {
    match command {
        KeyCommand::Create { owner, passphrase } => {
            let mut store = open_store(cli)?;
            store.check_no_key(owner.owner())?;
            let phrase =
                read_passphrase(passphrase, "请设置保护私钥的口令（至少 8 个字符）：", true)?;
            let stored = park_review_sheets::create_key(
                &mut store,
                &cli_actor(),
                owner.owner(),
                &phrase,
                now(),
            )
            .map_err(failure)?;
            if cli.json {
                return print_json(&stored);
            }
            crate::say!(
                "已为 {} 创建签名密钥（ECDSA P-256）和证书，证书 SHA-256 {}。私钥已用口令加密保存，请牢记口令。",
                stored.owner,
                stored.certificate_sha256
            );
            Ok(())
        }
        KeyCommand::Passphrase {
            owner,
            passphrase,
            new_passphrase_file,
        } => {
            let mut store = open_store(cli)?;
            let stored = store.signing_key(owner.owner())?;
            let old = read_passphrase(passphrase, "当前口令：", false)?;
            let new = match new_passphrase_file {
                Some(path) => std::fs::read_to_string(path)
                    .map_err(|e| {
                        Failure::new(
                            ErrorCode::Io,
                            format!("无法读取口令文件 {}：{e}", path.display()),
                        )
                    })?
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
                None => read_passphrase(
                    &PassphraseArgs {
                        passphrase_file: None,
                    },
                    "新口令（至少 8 个字符）：",
                    true,
                )?,
            };
            park_review_sheets::change_passphrase(
                &mut store,
                &cli_actor(),
                owner.owner(),
                &old,
                &new,
            )
            .map_err(failure)?;
            if cli.json {
                return print_json(&serde_json::json!({"owner": stored.owner, "changed": true}));
            }
            crate::say!("已修改 {} 的私钥口令（密钥和证书不变）。", stored.owner);
            Ok(())
        }
        KeyCommand::Show { owner } => {
            let store = open_store(cli)?;
            let stored = store.signing_key(owner.owner())?;
            if cli.json {
                return print_json(&stored);
            }
            crate::say!(
                "{}：证书 SHA-256 {}，创建于 {}",
                stored.owner,
                stored.certificate_sha256,
                stored.created_at
            );
            Ok(())
        }
    }
}

pub fn cert(cli: &Cli, command: &CertCommand) -> Result<(), Failure> {
    let CertCommand::Export { owner, out } = command;
    let store = open_store(cli)?;
    let stored = store.signing_key(owner.owner())?;
    let der = out
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("der"));
    let bytes = if der {
        stored.certificate_der.clone()
    } else {
        park_review_signing::keys::certificate_pem(&stored.certificate_der)
            .map_err(|e| failure(e.into()))?
            .into_bytes()
    };
    write_file(out, &bytes)?;
    if cli.json {
        return print_json(
            &serde_json::json!({"owner": stored.owner, "certificate_sha256": stored.certificate_sha256, "out": out}),
        );
    }
    crate::say!(
        "已导出 {} 的证书到 {}（SHA-256 {}）。",
        stored.owner,
        out.display(),
        stored.certificate_sha256
    );
    Ok(())
}

pub fn signature(cli: &Cli, command: &SignatureCommand) -> Result<(), Failure> {
    let SignatureCommand::Set { file, expert } = command;
    let png = std::fs::read(file).map_err(|e| {
        Failure::new(
            ErrorCode::Io,
            format!("无法读取文件 {}：{e}", file.display()),
        )
    })?;
    let mut store = open_store(cli)?;
    store.save_hand_signature(&expert_actor(expert), expert, &png)?;
    if cli.json {
        return print_json(&serde_json::json!({"expert": expert, "bytes": png.len()}));
    }
    crate::say!("已保存专家 {expert} 的手写签名，今后的评分表都会使用它。");
    Ok(())
}

pub fn sheet(cli: &Cli, args: &SheetArgs) -> Result<(), Failure> {
    let mut store = open_store(cli)?;
    let round = store.find_round(&args.round.round)?;
    let Some(application) = &args.application else {
        let expert = store.find_panel_expert(round.id, &args.expert)?;
        let phrase = read_passphrase(
            &args.passphrase,
            &format!("专家 {} 的私钥口令：", expert.code),
            false,
        )?;
        let signer =
            Signer::unlock(&store, KeyOwner::Expert(&expert.code), &phrase).map_err(failure)?;
        let issued = park_review_sheets::issue_summary(
            &mut store,
            &expert_actor(&expert.code),
            &signer,
            round.id,
            &expert.code,
            now(),
        )
        .map_err(failure)?;
        write_file(&args.out, &issued.bytes)?;
        if cli.json {
            return print_json(&serde_json::json!({"sheet": issued, "out": args.out}));
        }
        crate::say!(
            "已生成并签名专家 {} 的评分汇总表 {}（汇总表编号 {}）。",
            issued.expert,
            args.out.display(),
            issued.sheet_id
        );
        return Ok(());
    };
    // Fail early (before asking for a passphrase) on what cannot be signed.
    let sheet = store.score_sheet(round.id, &args.expert, application)?;
    if sheet.submitted_at.is_none() {
        return Err(Failure::new(
            ErrorCode::NotSubmitted,
            format!(
                "专家 {} 对申报 {} 的评分尚未提交：只有已提交的评分才能生成签名评分表。",
                sheet.expert_code, sheet.application.code
            ),
        ));
    }
    let phrase = read_passphrase(
        &args.passphrase,
        &format!("专家 {} 的私钥口令：", sheet.expert_code),
        false,
    )?;
    let signer =
        Signer::unlock(&store, KeyOwner::Expert(&sheet.expert_code), &phrase).map_err(failure)?;
    let issued = issue_sheet(
        &mut store,
        &expert_actor(&sheet.expert_code),
        &signer,
        round.id,
        &args.expert,
        application,
        now(),
    )
    .map_err(failure)?;
    write_file(&args.out, &issued.bytes)?;
    if cli.json {
        return print_json(&serde_json::json!({"sheet": issued, "out": args.out}));
    }
    crate::say!(
        "已生成并签名评分表 {}：{} · 专家 {} · 合计 {} 分（评分表编号 {}）。",
        args.out.display(),
        issued.application,
        issued.expert,
        park_review_domain::rubric::format_points(issued.total),
        issued.sheet_id
    );
    Ok(())
}

pub fn sheets(cli: &Cli, args: &SheetsArgs) -> Result<(), Failure> {
    let mut store = open_store(cli)?;
    let round = store.find_round(&args.round.round)?;
    let Some(expert) = &args.expert else {
        let sheets = store.round_sheets(round.id)?;
        if sheets.is_empty() {
            return Err(Failure::new(
                ErrorCode::NotSubmitted,
                format!("批次 {} 还没有已签名的评分表。", round.code),
            ));
        }
        std::fs::create_dir_all(&args.out).map_err(|e| {
            Failure::new(
                ErrorCode::Io,
                format!("无法创建文件夹 {}：{e}", args.out.display()),
            )
        })?;
        for (i, (name, pdf)) in sheets.iter().enumerate() {
            let path = args.out.join(name);
            write_file(&path, pdf)?;
            if cli.json {
                crate::say!(
                    "{}",
                    serde_json::json!({"done": i + 1, "of": sheets.len(), "out": path})
                );
            } else {
                crate::say!("[{}/{}] {}", i + 1, sheets.len(), path.display());
            }
        }
        if !cli.json {
            crate::say!(
                "已导出批次 {} 的 {} 份已签名评分表。",
                round.code,
                sheets.len()
            );
        }
        return Ok(());
    };
    let expert = store.find_panel_expert(round.id, expert)?;
    let todo: Vec<String> = store
        .expert_assignments(round.id, &expert.code)?
        .into_iter()
        .filter(|a| a.submitted_at.is_some())
        .map(|a| a.application.code)
        .collect();
    if todo.is_empty() {
        return Err(Failure::new(
            ErrorCode::NotSubmitted,
            format!(
                "专家 {} 在批次 {} 中还没有已提交的评分。",
                expert.code, round.code
            ),
        ));
    }
    std::fs::create_dir_all(&args.out).map_err(|e| {
        Failure::new(
            ErrorCode::Io,
            format!("无法创建文件夹 {}：{e}", args.out.display()),
        )
    })?;
    let phrase = read_passphrase(
        &args.passphrase,
        &format!("专家 {} 的私钥口令：", expert.code),
        false,
    )?;
    let signer =
        Signer::unlock(&store, KeyOwner::Expert(&expert.code), &phrase).map_err(failure)?;
    let prepared = todo
        .iter()
        .map(|app| park_review_sheets::prepare_sheet(&store, round.id, &expert.code, app))
        .collect::<Result<Vec<_>, _>>()
        .map_err(failure)?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut written = Vec::new();
    let (json, out_dir, round_code) = (cli.json, args.out.clone(), round.code.clone());
    park_review_sheets::issue_sheets(&mut store, &expert_actor(&expert.code), &signer, prepared, threads, now(), |done, of, issued| {
        let path = out_dir.join(format!("评分表-{}-{}-{}.pdf", round_code, issued.application, issued.expert));
        write_file(&path, &issued.bytes).map_err(|f| park_review_sheets::SheetError { code: f.code, message: f.message })?;
        if json {
            crate::say!("{}", serde_json::json!({"done": done, "of": of, "application": issued.application, "out": path}));
        } else {
            crate::say!("[{done}/{of}] {} → {}", issued.application, path.display());
        }
        written.push(path);
        Ok(())
    })
    .map_err(failure)?;
    if !cli.json {
        crate::say!(
            "已为专家 {} 生成 {} 份签名评分表。",
            expert.code,
            written.len()
        );
    }
    Ok(())
}

pub fn verify(cli: &Cli, args: &VerifyArgs) -> Result<(), Failure> {
    let bytes = std::fs::read(&args.file).map_err(|e| {
        Failure::new(
            ErrorCode::Io,
            format!("无法读取文件 {}：{e}", args.file.display()),
        )
    })?;
    let store = open_existing_store(cli)?;
    let verdict = verify_file(&bytes, store.as_ref()).map_err(failure)?;
    if cli.json {
        print_json(&verdict)?;
    } else {
        for s in &verdict.signatures {
            crate::say!(
                "签名人：{}{}\n签名时间：{}\n原因：{}\n签名：{}\n覆盖整个文件：{}\n证书 SHA-256：{}",
                s.signer,
                s.registered_owner.as_ref().map(|o| format!("（本数据库登记：{o}）")).unwrap_or_default(),
                s.signing_time,
                s.reason,
                if s.cryptographically_valid { "有效" } else { "无效" },
                if s.covers_whole_file { "是" } else { "否" },
                s.certificate_sha256
            );
        }
        if let Some(id) = &verdict.sheet_id {
            crate::say!(
                "评分表编号：{id}；与数据库一致：{}",
                match verdict.matches_database {
                    Some(true) => "是",
                    Some(false) => "否",
                    None => "—",
                }
            );
        }
        for d in &verdict.differences {
            crate::say!("不一致：{d}");
        }
        for p in &verdict.problems {
            crate::say!("问题：{p}");
        }
        crate::say!(
            "{}",
            if verdict.valid {
                "结论：签名有效。"
            } else {
                "结论：签名无效或文件被改动。"
            }
        );
    }
    if verdict.valid && verdict.matches_database != Some(false) {
        Ok(())
    } else {
        Err(Failure::new(
            ErrorCode::SignatureInvalid,
            format!(
                "{} 未通过核验：{}",
                args.file.display(),
                verdict
                    .problems
                    .first()
                    .or(verdict.differences.first())
                    .cloned()
                    .unwrap_or_default()
            ),
        ))
    }
}

/// The database, if the resolved path exists (verify works without one).
fn open_existing_store(cli: &Cli) -> Result<Option<park_review_store::Store>, Failure> {
    let path = park_review_store::resolve_db_path(cli.db.as_deref());
    if !Path::new(&path).exists() {
        return Ok(None);
    }
    Ok(Some(park_review_store::Store::open(&path)?))
}
