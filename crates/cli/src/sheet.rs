//! `park-review sheet`, `sheets` and `verify`: signed scoring sheets and their verification.

use std::path::{Path, PathBuf};

use clap::Args;
use park_review_domain::ids::AssignmentKey;
use park_review_domain::{CodedError, ErrorCode};
use park_review_operations::{judge, read_signatures, read_trusted_certificates, Trust};

use crate::passphrase::{self, PassphraseArgs};
use crate::{files, Cli, Outcome, RoundArg, CALLER};

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
    /// 受信任的证书（PEM，可含多张，用 `park-review cert export` 导出）：不查数据库，按这些证书核实签名人
    #[arg(long, value_name = "F.pem")]
    trust: Option<PathBuf>,
}

/// The expert's passphrase, asked for by the operation once it knows there is something to sign.
fn expert_passphrase(
    args: &PassphraseArgs,
) -> impl FnOnce(&str) -> Result<String, CodedError> + '_ {
    move |expert| passphrase::read(args, &format!("专家 {expert} 的私钥口令："), false)
}

pub fn sheet(cli: &Cli, args: &SheetArgs) -> Outcome {
    cli.check_out(&args.out)?;
    let (mut store, round) = cli.round(&args.round.round)?;
    let Some(application) = &args.application else {
        let issued = park_review_operations::issue_summary(
            &mut store,
            CALLER,
            round.id,
            &args.expert,
            expert_passphrase(&args.passphrase),
        )?;
        cli.write(&args.out, &issued.bytes)
            .map_err(|e| issued_but_not_written(e, &issued.sheet_id, &round.code))?;
        return cli.emit(
            &serde_json::json!({"sheet": issued, "out": args.out}),
            |_| {
                crate::say!(
                    "已生成并签名专家 {} 的评分汇总表 {}（汇总表编号 {}）。",
                    issued.expert,
                    args.out.display(),
                    issued.sheet_id
                )
            },
        );
    };
    let issued = park_review_operations::issue_sheet(
        &mut store,
        CALLER,
        &AssignmentKey::new(round.id, &args.expert, application),
        expert_passphrase(&args.passphrase),
    )?;
    cli.write(&args.out, &issued.bytes)
        .map_err(|e| issued_but_not_written(e, &issued.sheet_id, &round.code))?;
    cli.emit(
        &serde_json::json!({"sheet": issued, "out": args.out}),
        |_| {
            crate::say!(
                "已生成并签名评分表 {}：{} · 专家 {} · 合计 {} 分（评分表编号 {}）。",
                args.out.display(),
                issued.application,
                issued.expert,
                issued.total,
                issued.sheet_id
            )
        },
    )
}

/// A sheet was signed and recorded (the database keeps its exact bytes) but its file could not
/// be written: the message says so and how to get the file again.
fn issued_but_not_written(error: CodedError, sheet_id: &str, round: &str) -> CodedError {
    CodedError::new(
        error.code,
        format!(
            "{} 评分表已签名并保存在数据库中（编号 {sheet_id}），只是文件没有写出：可用 `park-review sheets --round {round} --out 文件夹` 再次导出。",
            error.message
        ),
    )
}

/// One progress line of a batch: JSON with `--json`, else `[done/of] …`.
fn progress_line(cli: &Cli, done: usize, of: usize, what: &str, path: &Path) {
    if cli.json {
        crate::say!(
            "{}",
            serde_json::json!({"done": done, "of": of, "application": what, "out": path})
        );
    } else if what.is_empty() {
        crate::say!("[{done}/{of}] {}", path.display());
    } else {
        crate::say!("[{done}/{of}] {what} → {}", path.display());
    }
}

pub fn sheets(cli: &Cli, args: &SheetsArgs) -> Outcome {
    let (mut store, round) = cli.round(&args.round.round)?;
    let Some(expert) = &args.expert else {
        let documents = park_review_operations::collect_round_sheets(&store, round.id)?;
        files::create_dir(&args.out)?;
        for (i, document) in documents.iter().enumerate() {
            let path = args.out.join(&document.file_name);
            cli.write(&path, &document.bytes)?;
            progress_line(cli, i + 1, documents.len(), "", &path);
        }
        if !cli.json {
            crate::say!(
                "已导出批次 {} 的 {} 份已签名评分表。",
                round.code,
                documents.len()
            );
        }
        return Ok(());
    };
    let issued = park_review_operations::issue_expert_sheets(
        &mut store,
        CALLER,
        round.id,
        expert,
        expert_passphrase(&args.passphrase),
        |done, of, issued| {
            // The folder is made once there is something to put in it.
            files::create_dir(&args.out)?;
            let path = args.out.join(&issued.file_name);
            cli.write(&path, &issued.bytes)?;
            progress_line(cli, done, of, &issued.application, &path);
            Ok(())
        },
    )?;
    if !cli.json {
        crate::say!(
            "已为专家 {} 生成 {} 份签名评分表。",
            issued.first().map(|f| f.expert.as_str()).unwrap_or(expert),
            issued.len()
        );
    }
    Ok(())
}

pub fn verify(cli: &Cli, args: &VerifyArgs) -> Outcome {
    let (_, bytes) = files::read(&args.file)?;
    // The file is read and its signatures checked before any trust source is opened.
    let read = read_signatures(&bytes);
    let verdict = match &args.trust {
        Some(path) => {
            let (_, pem) = files::read(path)?;
            let trusted = read_trusted_certificates(&String::from_utf8_lossy(&pem))?;
            judge(&read, Trust::Certificates(&trusted))?
        }
        None => match trust_database(cli)? {
            Some(store) => judge(&read, Trust::Database(&store))?,
            None => judge(&read, Trust::None)?,
        },
    };
    cli.emit(&verdict, |verdict| {
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
            } else if verdict.integrity_only() {
                "结论：仅校验了完整性，签名人未经核实。"
            } else {
                "结论：签名无效或文件被改动。"
            }
        );
    })?;
    if verdict.valid && verdict.matches_database != Some(false) {
        Ok(())
    } else if verdict.integrity_only() {
        Err(CodedError::new(
            ErrorCode::NoTrustSource,
            format!(
                "{} 的签名完好，但没有信任来源，无法核实签名人：请用 --db 指定签发它的数据库，或用 --trust 指定受信任的证书。",
                args.file.display()
            ),
        ))
    } else {
        Err(CodedError::new(
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

/// The database `verify` trusts: the one named by `--db` or `PARK_REVIEW_DB` (which must exist:
/// a mistyped path is an error, never a silent fall-back to trusting the file), else the default
/// database if there is one. None: no database to trust.
fn trust_database(cli: &Cli) -> Result<Option<park_review_store::Store>, CodedError> {
    let named = cli.db.is_some()
        || std::env::var_os(park_review_store::DB_ENV_VAR).is_some_and(|v| !v.is_empty());
    let path = park_review_store::resolve_db_path(cli.db.as_deref());
    if !Path::new(&path).exists() {
        if named {
            return Err(CodedError::new(
                ErrorCode::NotFound,
                format!(
                    "数据库 {} 不存在：核验需要签发该文件的数据库（--db 或 PARK_REVIEW_DB），或用 --trust 指定受信任的证书。",
                    path.display()
                ),
            ));
        }
        return Ok(None);
    }
    Ok(Some(park_review_store::Store::open(&path)?))
}
