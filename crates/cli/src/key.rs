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
    /// 列出该专家（或秘书处）用过的全部密钥：当前有效的一把，以及已吊销的（吊销时间和原因）
    List {
        #[command(flatten)]
        owner: OwnerArgs,
    },
    /// 吊销密钥（秘书处操作，如笔记本遗失、口令泄露）：自吊销时间起用它签的文件无效，之前签的仍然有效；之后需为其创建新密钥
    Revoke {
        #[command(flatten)]
        owner: OwnerArgs,
        /// 吊销原因（必填），例如“笔记本电脑遗失”
        #[arg(long, value_name = "TEXT")]
        reason: String,
        /// 吊销生效时间（RFC 3339，如 2026-11-30T09:00:00+08:00，不晚于现在）；不给时为现在
        #[arg(long, value_name = "TIME")]
        from: Option<String>,
    },
    /// 更换密钥：吊销当前密钥（现在生效）并立即创建新密钥，一步完成
    Replace {
        #[command(flatten)]
        owner: OwnerArgs,
        /// 更换原因（必填）
        #[arg(long, value_name = "TEXT")]
        reason: String,
        #[command(flatten)]
        passphrase: PassphraseArgs,
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
    /// 秘书处：登记专家在自己电脑上创建的证书（.pem/.der，或取自评分包），用于核验其评分包；请先与专家本人核对指纹
    Import {
        #[arg(long, value_name = "E")]
        expert: String,
        /// 证书文件（.pem 或 .der）
        #[arg(
            value_name = "F",
            required_unless_present = "from_bundle",
            conflicts_with = "from_bundle"
        )]
        file: Option<PathBuf>,
        /// 从评分包中取签名人的证书（指纹须已与专家核对）
        #[arg(long, value_name = "F.prbundle")]
        from_bundle: Option<PathBuf>,
        /// 更换已登记的证书（旧证书吊销，须写明 --reason）
        #[arg(long, requires = "reason")]
        replace: bool,
        /// 更换原因
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
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

const NEW_PASSPHRASE_PROMPT: &str =
    "请设置保护私钥的口令（除空格外至少 8 个字符、至少 5 个不同的字符，不要用常见口令）：";

pub fn key(cli: &Cli, command: &KeyCommand) -> Outcome {
    match command {
        KeyCommand::Create { owner, passphrase } => {
            let mut store = cli.store()?;
            let stored =
                park_review_operations::create_key(&mut store, CALLER, owner.owner(), || {
                    passphrase::read(passphrase, NEW_PASSPHRASE_PROMPT, true)
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
                        None => passphrase::ask(NEW_PASSPHRASE_PROMPT, true)?,
                    };
                    Ok((old, new))
                },
            )?;
            cli.emit(
                &serde_json::json!({"owner": stored.owner, "changed": true}),
                |_| crate::say!("已修改 {} 的私钥口令（密钥和证书不变）。", stored.owner),
            )
        }
        KeyCommand::List { owner } => {
            let keys = cli.store()?.key_history(owner.owner())?;
            cli.emit(&keys, |keys| {
                if keys.is_empty() {
                    crate::say!("还没有签名密钥。");
                }
                for k in keys {
                    match (&k.revoked_at, &k.revoked_reason) {
                        (Some(at), reason) => crate::say!(
                            "{}：证书 SHA-256 {}，创建于 {}，已于 {} 吊销（{}）",
                            k.owner,
                            k.certificate_sha256,
                            k.created_at,
                            at,
                            reason.clone().unwrap_or_default()
                        ),
                        (None, _) => crate::say!(
                            "{}：证书 SHA-256 {}，创建于 {}，当前有效",
                            k.owner,
                            k.certificate_sha256,
                            k.created_at
                        ),
                    }
                }
            })
        }
        KeyCommand::Revoke {
            owner,
            reason,
            from,
        } => {
            let mut store = cli.store()?;
            let revoked = park_review_operations::revoke_key(
                &mut store,
                CALLER,
                owner.owner(),
                reason,
                from.as_deref(),
            )?;
            cli.emit(&revoked, |k| {
                crate::say!(
                    "已吊销 {} 的密钥（证书 SHA-256 {}），自 {} 起用它签的文件无效，此前签的仍然有效。请为其创建新密钥：park-review key create。",
                    k.owner,
                    k.certificate_sha256,
                    k.revoked_at.clone().unwrap_or_default()
                )
            })
        }
        KeyCommand::Replace {
            owner,
            reason,
            passphrase,
        } => {
            let mut store = cli.store()?;
            let stored = park_review_operations::replace_key(
                &mut store,
                CALLER,
                owner.owner(),
                reason,
                || passphrase::read(passphrase, NEW_PASSPHRASE_PROMPT, true),
            )?;
            cli.emit(&stored, |k| {
                crate::say!(
                    "已为 {} 更换签名密钥：旧密钥已吊销，新证书 SHA-256 {}。",
                    k.owner,
                    k.certificate_sha256
                )
            })
        }
        KeyCommand::Show { owner } => {
            let stored = cli.store()?.signing_key(owner.owner())?;
            cli.emit(&stored, |k| {
                crate::say!(
                    "{}：证书 SHA-256 {}，创建于 {}\n指纹（供对方核对）：{}",
                    k.owner,
                    k.certificate_sha256,
                    k.created_at,
                    park_review_domain::offline::fingerprint_groups(&k.certificate_sha256)
                )
            })
        }
    }
}

pub fn cert(cli: &Cli, command: &CertCommand) -> Outcome {
    let (owner, out) = match command {
        CertCommand::Export { owner, out } => (owner, out),
        CertCommand::Import {
            expert,
            file,
            from_bundle,
            replace,
            reason,
        } => {
            let (_, bytes) =
                files::read(file.as_ref().or(from_bundle.as_ref()).ok_or_else(|| {
                    park_review_domain::CodedError::new(
                        park_review_domain::ErrorCode::CliUsage,
                        "请给出证书文件，或用 --from-bundle 指定评分包。",
                    )
                })?)?;
            let source = if from_bundle.is_some() {
                park_review_operations::CertificateSource::Bundle(&bytes)
            } else {
                park_review_operations::CertificateSource::File(&bytes)
            };
            let mut store = cli.store()?;
            let registered = park_review_operations::import_certificate(
                &mut store,
                CALLER,
                expert,
                source,
                if *replace { reason.as_deref() } else { None },
            )?;
            return cli.emit(&registered, |r| {
                crate::say!(
                    "已登记 {} 的证书（{}）。\n指纹：{}\n此后只接受这张证书签名的评分包。",
                    r.expert,
                    r.subject,
                    r.fingerprint
                )
            });
        }
    };
    let stored = cli.store()?.signing_key(owner.owner())?;
    let der = files::name_of(out)
        .rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("der"));
    let bytes = if der {
        stored.certificate_der.clone()
    } else {
        park_review_signing::keys::certificate_pem(&stored.certificate_der)?.into_bytes()
    };
    cli.write(out, &bytes)?;
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
