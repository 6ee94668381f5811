//! `park-review key`, `cert` and `signature`: signing keys, certificates and the hand-drawn
//! signature.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use park_review_store::KeyOwner;

use crate::passphrase::{self, PassphraseArgs};
use crate::{files, Cli, Outcome, CALLER};

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

pub fn key(cli: &Cli, command: &KeyCommand) -> Outcome {
    match command {
        KeyCommand::Create { owner, passphrase } => {
            let mut store = cli.store()?;
            let stored =
                park_review_operations::create_key(&mut store, CALLER, owner.owner(), || {
                    passphrase::read(passphrase, "请设置保护私钥的口令（至少 8 个字符）：", true)
                })?;
            cli.emit(&stored, |k| {
                crate::say!(
                    "已为 {} 创建签名密钥（ECDSA P-256）和证书，证书 SHA-256 {}。私钥已用口令加密保存，请牢记口令。",
                    k.owner,
                    k.certificate_sha256
                )
            })
        }
        KeyCommand::Passphrase {
            owner,
            passphrase,
            new_passphrase_file,
        } => {
            let mut store = cli.store()?;
            let stored = park_review_operations::change_passphrase(
                &mut store,
                CALLER,
                owner.owner(),
                || {
                    let old = passphrase::read(passphrase, "当前口令：", false)?;
                    let new = match new_passphrase_file {
                        Some(path) => passphrase::from_file(path)?,
                        None => passphrase::ask("新口令（至少 8 个字符）：", true)?,
                    };
                    Ok((old, new))
                },
            )?;
            cli.emit(
                &serde_json::json!({"owner": stored.owner, "changed": true}),
                |_| crate::say!("已修改 {} 的私钥口令（密钥和证书不变）。", stored.owner),
            )
        }
        KeyCommand::Show { owner } => {
            let stored = cli.store()?.signing_key(owner.owner())?;
            cli.emit(&stored, |k| {
                crate::say!(
                    "{}：证书 SHA-256 {}，创建于 {}",
                    k.owner,
                    k.certificate_sha256,
                    k.created_at
                )
            })
        }
    }
}

pub fn cert(cli: &Cli, command: &CertCommand) -> Outcome {
    let CertCommand::Export { owner, out } = command;
    let stored = cli.store()?.signing_key(owner.owner())?;
    let der = files::name_of(out)
        .rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("der"));
    let bytes = if der {
        stored.certificate_der.clone()
    } else {
        park_review_signing::keys::certificate_pem(&stored.certificate_der)?.into_bytes()
    };
    files::write(out, &bytes)?;
    cli.emit(
        &serde_json::json!({"owner": stored.owner, "certificate_sha256": stored.certificate_sha256, "out": out}),
        |_| {
            crate::say!(
                "已导出 {} 的证书到 {}（SHA-256 {}）。",
                stored.owner,
                out.display(),
                stored.certificate_sha256
            )
        },
    )
}

pub fn signature(cli: &Cli, command: &SignatureCommand) -> Outcome {
    let SignatureCommand::Set { file, expert } = command;
    let (_, png) = files::read(file)?;
    cli.store()?
        .save_hand_signature(&CALLER.expert(expert), expert, &png)?;
    cli.emit(
        &serde_json::json!({"expert": expert, "bytes": png.len()}),
        |_| crate::say!("已保存专家 {expert} 的手写签名，今后的评分表都会使用它。"),
    )
}
