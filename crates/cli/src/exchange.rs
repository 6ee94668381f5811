//! `park-review package` and `bundle`: the offline exchange (docs/formats/package.md,
//! docs/formats/bundle.md). A review package goes from the secretariat to one expert's laptop;
//! a score bundle comes back. `cert import` (in key.rs) registers the expert's certificate.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use park_review_domain::CodedError;
use park_review_operations::{
    export_bundle, export_package, import_bundle, import_package, package_recipients, read_bundle,
    read_package, Sealed, Signer,
};
use park_review_store::exchange::BundleImported;
use park_review_store::KeyOwner;

use crate::passphrase::{self, PassphraseArgs};
use crate::{files, Cli, Outcome, RoundArg, CALLER};

#[derive(Debug, Subcommand)]
pub enum PackageCommand {
    /// 秘书处：为一位专家（或本批次每位有分配的专家）导出评审包（.prpkg），用秘书处的密钥签名
    Export {
        #[command(flatten)]
        round: RoundArg,
        /// 专家编号
        #[arg(
            long,
            value_name = "E",
            required_unless_present = "all",
            conflicts_with = "all"
        )]
        expert: Option<String>,
        /// 为每位有分配的专家各导出一个评审包（--out 为文件夹）
        #[arg(long)]
        all: bool,
        /// 输出文件（--all 时为文件夹）
        #[arg(long, value_name = "F|DIR")]
        out: PathBuf,
        #[command(flatten)]
        passphrase: PassphraseArgs,
    },
    /// 专家：在自己的电脑上导入评审包（核验秘书处的签名、固定的证书和每个文件的 SHA-256）
    Import {
        /// 评审包文件（.prpkg）
        file: PathBuf,
    },
    /// 秘书处：各专家的进度——评审包已发出的序号、证书是否登记、评分包已收回的序号、已提交的评分表
    Status {
        #[command(flatten)]
        round: RoundArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum BundleCommand {
    /// 专家：导出评分包（.prbundle）：承诺、评分、意见、提交和已签名的评分表，用专家的密钥签名
    Export {
        #[command(flatten)]
        round: RoundArg,
        /// 专家编号（可不填：本机评审副本的专家）
        #[arg(long, value_name = "E")]
        expert: Option<String>,
        /// 输出文件
        #[arg(long, value_name = "F")]
        out: PathBuf,
        #[command(flatten)]
        passphrase: PassphraseArgs,
    },
    /// 秘书处：导入评分包（可一次多个）：核验签名、登记的证书、每个文件和每份签名评分表，整包一次写入，重复导入不产生变化
    Import {
        /// 评分包文件（.prbundle），可多个
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / f64::from(1 << 20))
    } else {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    }
}

pub fn package(cli: &Cli, command: &PackageCommand) -> Outcome {
    match command {
        PackageCommand::Export {
            round,
            expert,
            all,
            out,
            passphrase,
        } => {
            if !*all {
                cli.check_out(out)?;
            }
            let (mut store, round) = cli.round(&round.round)?;
            let recipients = match expert {
                Some(code) => vec![code.clone()],
                None => package_recipients(&store, round.id)?,
            };
            // Checked before asking for the passphrase: the round is open, the experts exist.
            for code in &recipients {
                store.package_data(round.id, code)?;
            }
            if *all && !out.is_dir() {
                std::fs::create_dir_all(out).map_err(|e| {
                    CodedError::new(
                        park_review_domain::ErrorCode::Io,
                        format!("无法创建文件夹 {}：{e}", out.display()),
                    )
                })?;
            }
            let signer = Signer::ask(&store, KeyOwner::Secretariat, || {
                passphrase::read(passphrase, "秘书处的私钥口令：", false)
            })?;
            let mut made: Vec<serde_json::Value> = Vec::new();
            let total = recipients.len();
            for (i, code) in recipients.iter().enumerate() {
                let (sealed, file) = export_package(&mut store, CALLER, round.id, code, &signer)?;
                let path = if *all {
                    out.join(&file.file_name)
                } else {
                    out.clone()
                };
                cli.write(&path, &file.bytes)?;
                if !cli.json {
                    crate::say!(
                        "[{}/{total}] 专家 {} 的第 {} 号评审包：{} 个申报、{} 份材料，{}，已写入 {}",
                        i + 1,
                        sealed.expert,
                        sealed.sequence,
                        sealed.items,
                        sealed.files,
                        size(sealed.bytes),
                        path.display()
                    );
                }
                made.push(serde_json::json!({"package": sealed, "out": path}));
            }
            cli.emit(&made, |_| {
                crate::say!(
                    "秘书处证书指纹（请专家在导入时核对）：{}",
                    made.first()
                        .and_then(|m| m["package"]["signer_fingerprint"].as_str())
                        .unwrap_or("—")
                )
            })
        }
        PackageCommand::Status { round } => {
            let (store, round) = cli.round(&round.round)?;
            let rows = store.exchange_status(round.id)?;
            cli.emit(&rows, |rows| {
                for r in rows {
                    crate::say!(
                        "{} {}\t分配 {}\t评审包 {}\t证书 {}\t评分包 {}\t已提交 {}/{}",
                        r.expert,
                        r.name,
                        r.assigned,
                        r.package_sequence
                            .map_or("未发出".to_owned(), |n| format!("第 {n} 号")),
                        if r.certificate.is_some() {
                            "已登记"
                        } else {
                            "未登记"
                        },
                        r.bundle_sequence
                            .map_or("未收回".to_owned(), |n| format!("第 {n} 号")),
                        r.submitted,
                        r.assigned
                    );
                }
            })
        }
        PackageCommand::Import { file } => {
            let (_, bytes) = files::read(file)?;
            let package = read_package(&bytes)?;
            let mut store = cli.store()?;
            let imported = import_package(&mut store, &package)?;
            cli.emit(&imported, |r| {
                if r.already_imported {
                    crate::say!(
                        "这个评审包（第 {} 号）已导入过，没有任何变化。",
                        r.sequence
                    );
                    return;
                }
                crate::say!(
                    "已导入专家 {} 的第 {} 号评审包：批次 {}（{}），{} 个申报、{} 份材料。",
                    r.expert,
                    r.sequence,
                    r.round.code,
                    r.round.title,
                    r.applications,
                    r.attachments
                );
                if r.pinned {
                    crate::say!(
                        "本机已固定秘书处的证书，指纹：{}\n请与秘书处（`park-review key show --secretariat`）核对；以后只接受这张证书签名的评审包。",
                        package.signer_fingerprint()
                    );
                }
                if !r.added.is_empty() && r.sequence > 1 {
                    crate::say!("新分配：{}", r.added.join("、"));
                }
                for w in &r.withdrawn {
                    crate::say!(
                        "已撤回对申报 {} 的分配{}",
                        w.application,
                        if w.had_drafts {
                            "（已填的草稿保留在审计日志中）"
                        } else {
                            ""
                        }
                    );
                }
            })
        }
    }
}

fn print_bundle(path: &Path, r: &BundleImported) {
    if r.already_imported {
        crate::say!(
            "{}：专家 {} 的第 {} 号评分包已导入过，没有任何变化。",
            path.display(),
            r.expert,
            r.sequence
        );
        return;
    }
    crate::say!(
        "{}：已导入专家 {} 的第 {} 号评分包（批次 {}）：评分表 新 {} / 更新 {} / 未变 {}；评分 新 {} / 更新 {} / 未变 {}；承诺 新 {} / 未变 {}；签名评分表 {} 份。",
        path.display(),
        r.expert,
        r.sequence,
        r.round,
        r.sheets.new,
        r.sheets.updated,
        r.sheets.unchanged,
        r.scores.new,
        r.scores.updated,
        r.scores.unchanged,
        r.pledges.new,
        r.pledges.unchanged,
        r.signed_sheets
    );
}

pub fn bundle(cli: &Cli, command: &BundleCommand) -> Outcome {
    match command {
        BundleCommand::Export {
            round,
            expert,
            out,
            passphrase,
        } => {
            cli.check_out(out)?;
            let (mut store, round) = cli.round(&round.round)?;
            let data = store.bundle_data(round.id)?;
            let code = data.header.expert_code.clone();
            if let Some(named) = expert {
                if !named.trim().eq_ignore_ascii_case(&code) {
                    return Err(CodedError::new(
                        park_review_domain::ErrorCode::NotPermitted,
                        format!("这是专家 {code} 的评审副本，不能导出专家 {named} 的评分包。"),
                    ));
                }
            }
            let signer = Signer::ask(&store, KeyOwner::Expert(&code), || {
                passphrase::read(passphrase, &format!("专家 {code} 的私钥口令："), false)
            })?;
            let (sealed, file) = export_bundle(&mut store, CALLER, round.id, &signer)?;
            cli.write(out, &file.bytes)?;
            let sealed: Sealed = sealed;
            cli.emit(&serde_json::json!({"bundle": sealed, "out": out}), |_| {
                crate::say!(
                    "已导出专家 {} 的第 {} 号评分包：{} 张评分表、{} 份签名评分表，{}，已写入 {}。\n请把这个文件交给秘书处（U 盘或共享文件夹）。证书指纹：{}",
                    sealed.expert,
                    sealed.sequence,
                    sealed.items,
                    sealed.files,
                    size(sealed.bytes),
                    out.display(),
                    sealed.signer_fingerprint
                )
            })
        }
        BundleCommand::Import { files: paths } => {
            let mut store = cli.store()?;
            let mut results = Vec::new();
            let mut first_error = None;
            for path in paths {
                let outcome = files::read(path)
                    .and_then(|(_, bytes)| read_bundle(&bytes))
                    .and_then(|bundle| import_bundle(&mut store, &bundle));
                match outcome {
                    Ok(report) => {
                        if !cli.json {
                            print_bundle(path, &report);
                        }
                        results.push(serde_json::json!({"file": path, "report": report}));
                    }
                    Err(error) => {
                        if !cli.json && paths.len() > 1 {
                            crate::say!(
                                "{}：未导入。[{}] {}",
                                path.display(),
                                error.code,
                                error.message
                            );
                        }
                        results.push(serde_json::json!({"file": path, "error": error}));
                        first_error.get_or_insert(error);
                    }
                }
            }
            if cli.json {
                if paths.len() == 1 {
                    if let Some(report) = results[0].get("report") {
                        crate::output::print_json(report)?;
                    }
                } else {
                    crate::output::print_json(&results)?;
                }
            }
            match first_error {
                Some(error) => Err(error),
                None => Ok(()),
            }
        }
    }
}
