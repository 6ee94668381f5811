//! `park-review audit`: the audit log (审计记录) — history, the hash chain's check, and the
//! signed export for the archive (docs/formats/audit.md).

use std::path::PathBuf;

use clap::Subcommand;
use park_review_operations::{
    audit_history, check_audit_export, export_audit, require_intact, verify_audit, AuditRecord,
    HistoryOf, Signer,
};
use park_review_store::KeyOwner;

use crate::passphrase::{self, PassphraseArgs};
use crate::{files, Cli, Outcome};

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// 核验审计记录的哈希链，指出第一处断开；可与导出的存档比对（发现存档之后被删改或截断的记录）
    Verify {
        /// 与此前导出的存档（.jsonl，旁边须有同名 .p7s 签名）比对
        #[arg(long, value_name = "F")]
        against: Option<PathBuf>,
    },
    /// 导出全部审计记录（JSON Lines），并用秘书处的私钥签名（同名 .p7s），供存档
    Export {
        /// 输出文件（.jsonl）；签名写在旁边的 F.p7s
        #[arg(long, value_name = "F")]
        out: PathBuf,
        #[command(flatten)]
        passphrase: PassphraseArgs,
    },
    /// 查看操作历史：一个批次、一个申报、一位专家或一张评分表，最新的在前
    Log {
        /// 批次编号
        #[arg(long, value_name = "R")]
        round: String,
        /// 只看这个申报（申报编号）
        #[arg(long, value_name = "A", conflicts_with = "expert")]
        application: Option<String>,
        /// 只看这位专家（专家编号）；与 --application 同用不可，看一张评分表请用 --sheet
        #[arg(long, value_name = "E")]
        expert: Option<String>,
        /// 只看一张评分表：申报编号:专家编号，例如 2026-GZ-01:E001
        #[arg(long, value_name = "A:E", conflicts_with_all = ["application", "expert"])]
        sheet: Option<String>,
        /// 最多显示多少条
        #[arg(long, default_value_t = 200)]
        limit: u32,
    },
}

pub fn run(cli: &Cli, command: &AuditCommand) -> Outcome {
    match command {
        AuditCommand::Verify { against } => {
            let store = cli.store()?;
            let check = verify_audit(&store)?;
            let archive = match against {
                None => None,
                Some(path) => {
                    let (_, log) = files::read(path)?;
                    let (_, signature) = files::read(&signature_path(path))?;
                    Some(check_audit_export(Some(&store), &log, &signature)?)
                }
            };
            let archive_problem = archive.as_ref().and_then(|a| {
                a.broken
                    .as_ref()
                    .map(|b| format!("存档本身的哈希链在第 {} 条断开：{}", b.id, b.reason))
                    .or_else(|| a.mismatch.clone())
                    .or_else(|| {
                        (a.signer_is_secretariat == Some(false)).then(|| {
                            format!(
                                "存档的签名者（{}，指纹 {}）不是本数据库秘书处的证书",
                                a.signer, a.signer_fingerprint
                            )
                        })
                    })
            });
            let value = serde_json::json!({"chain": check, "archive": archive});
            let outcome = cli.emit(&value, |_| {
                crate::say!(
                    "审计记录共 {} 条；最后一条为第 {} 条，SHA-256 {}",
                    check.entries,
                    check.head_id,
                    check.head_sha256
                );
                if check.broken.is_none() {
                    crate::say!("哈希链完整：没有记录被改动、删除或插入。");
                }
                if let Some(a) = &archive {
                    crate::say!(
                        "存档：{} 条，导出于 {}，签名者 {}（指纹 {}）",
                        a.header.entries,
                        a.header.exported_at,
                        a.signer,
                        a.signer_fingerprint
                    );
                    if archive_problem.is_none() {
                        crate::say!("存档中的每一条记录都原样保存在数据库中。");
                    }
                }
            });
            require_intact(&check)?;
            if let Some(problem) = archive_problem {
                return Err(park_review_domain::CodedError::new(
                    park_review_domain::ErrorCode::AuditChainBroken,
                    format!("{problem}。"),
                ));
            }
            outcome
        }
        AuditCommand::Export { out, passphrase } => {
            cli.check_out(out)?;
            cli.check_out(&signature_path(out))?;
            let store = cli.store()?;
            let signer = Signer::ask(&store, KeyOwner::Secretariat, || {
                passphrase::read(passphrase, "秘书处的私钥口令：", false)
            })?;
            let export = export_audit(&store, &signer)?;
            let signature = signature_path(out);
            cli.write(out, &export.log.bytes)?;
            cli.write(&signature, &export.signature.bytes)?;
            cli.emit(
                &serde_json::json!({"header": export.header, "out": out, "signature": signature}),
                |_| {
                    crate::say!(
                        "已导出 {} 条审计记录到 {}，签名在 {}。",
                        export.header.entries,
                        out.display(),
                        signature.display()
                    );
                    crate::say!(
                        "最后一条：第 {} 条，SHA-256 {}",
                        export.header.head_id,
                        export.header.head_sha256
                    );
                    if let Some(b) = &export.header.broken {
                        crate::say!("注意：导出时哈希链在第 {} 条断开：{}", b.id, b.reason);
                    }
                },
            )
        }
        AuditCommand::Log {
            round,
            application,
            expert,
            sheet,
            limit,
        } => {
            let (store, round) = cli.round(round)?;
            let of = match (application, expert, sheet) {
                (Some(code), _, _) => HistoryOf::Application { code: code.clone() },
                (_, Some(code), _) => HistoryOf::Expert { code: code.clone() },
                (_, _, Some(pair)) => {
                    let (application, expert) = pair.split_once(':').ok_or_else(|| {
                        park_review_domain::CodedError::new(
                            park_review_domain::ErrorCode::CliUsage,
                            format!("--sheet 应写成 申报编号:专家编号，例如 2026-GZ-01:E001，而不是“{pair}”。"),
                        )
                    })?;
                    HistoryOf::Sheet {
                        application: application.trim().to_owned(),
                        expert: expert.trim().to_owned(),
                    }
                }
                _ => HistoryOf::Round,
            };
            let entries = audit_history(&store, round.id, &of, *limit)?;
            cli.emit(&entries, |entries| {
                if entries.is_empty() {
                    crate::say!("没有相关的审计记录。");
                }
                for e in entries {
                    crate::say!("{}", line(e));
                }
            })
        }
    }
}

/// `F.jsonl` → `F.jsonl.p7s`.
fn signature_path(path: &std::path::Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".p7s");
    PathBuf::from(name)
}

fn line(e: &AuditRecord) -> String {
    let surface = match e.actor_surface.as_str() {
        "app" => "桌面程序",
        "command_line" => "命令行",
        "program" => "程序",
        _ => "—",
    };
    format!(
        "#{}\t{}\t{}（{}，{}{}）\t{}\t{}\t{}",
        e.id,
        e.at,
        e.actor_name,
        role(&e.actor_role),
        surface,
        if e.station.is_empty() {
            String::new()
        } else {
            format!("，{}", e.station)
        },
        e.action,
        e.entity,
        e.detail
    )
}

fn role(role: &str) -> &'static str {
    match role {
        "secretariat" => "秘书处",
        "expert" => "评审专家",
        "inspection" => "考察组",
        _ => "系统",
    }
}
