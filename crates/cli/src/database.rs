//! `init`, `demo`, `status`: the database itself.

use crate::{Cli, Outcome, CALLER};

pub fn init(cli: &Cli) -> Outcome {
    let status = cli.store()?.status()?;
    cli.emit(&status, |s| {
        crate::say!(
            "数据库已就绪：{}（数据结构版本 {}）",
            s.db_path,
            s.schema_version
        )
    })
}

pub fn demo(cli: &Cli) -> Outcome {
    let mut store = cli.store()?;
    let loaded = park_review_operations::load_demo(&mut store, CALLER)?;
    cli.emit(&loaded, |l| {
        crate::say!(
            "已载入示例批次 {}（{}）：{} 个申报、{} 位专家、{} 个评分项、{} 个考察项。",
            l.draft.round.code,
            l.draft.round.title,
            l.draft.applications,
            l.draft.experts,
            l.draft.criteria,
            l.draft.checklist_items
        );
        crate::say!(
            "以及评审进行中的示例批次 {}（{}）：{} 张评分表已提交、{} 张已签名；示例专家私钥的口令为“{}”，可用 {} 的身份完成剩下的一张评分表。",
            l.in_progress.round.code,
            l.in_progress.round.title,
            l.sheets_submitted,
            l.sheets_signed,
            l.passphrase,
            l.visiting_expert
        );
        crate::say!(
            "以及已完成评审的示例批次 {}（{}）：{} 个申报，排名已确定，评审报告已签署，公示名单已生成；创建秘书处签名密钥后即可公布（park-review publish --round {}）。",
            l.completed.round.code,
            l.completed.round.title,
            l.completed.applications,
            l.completed.round.code
        );
    })
}

pub fn status(cli: &Cli) -> Outcome {
    let status = cli.store()?.status()?;
    cli.emit(&status, crate::output::print_status)
}

/// `park-review backup --out DIR`: a snapshot of the database and its files into a backup
/// folder (docs/formats/backup.md), rotated.
pub fn backup(cli: &Cli, out: &std::path::Path) -> Outcome {
    let store = cli.store()?;
    let made = store.backup(out)?;
    cli.emit(&made, |m| {
        crate::say!(
            "已备份到 {}（{} 条审计记录，{}，新复制 {} 个附件文件，共 {} 个）。",
            m.path.display(),
            m.manifest.audit_entries,
            size(m.manifest.bytes),
            m.files_copied,
            m.manifest.files
        );
        if !m.removed.is_empty() {
            crate::say!(
                "按保留规则（最近 10 份、30 天内每天 1 份）删除了 {} 份旧备份。",
                m.removed.len()
            );
        }
    })
}

/// `park-review restore DIR [--snapshot NAME] [--force] [--list]`.
pub fn restore(
    cli: &Cli,
    dir: &std::path::Path,
    snapshot: Option<&str>,
    force: bool,
    list: bool,
) -> Outcome {
    if list {
        let backups = park_review_store::list_backups(dir)?;
        return cli.emit(&backups, |backups| {
            if backups.is_empty() {
                crate::say!("文件夹 {} 中没有备份。", dir.display());
            }
            for b in backups {
                crate::say!(
                    "{}\t{}\t审计记录 {} 条\t{}\t附件 {} 个",
                    b.snapshot,
                    b.made_at,
                    b.audit_entries,
                    size(b.bytes),
                    b.files
                );
            }
        });
    }
    let path = park_review_store::resolve_db_path(cli.db.as_deref());
    let restored =
        park_review_store::restore(&path, dir, snapshot, force, park_review_store::local_now())?;
    cli.emit(&restored, |r| {
        crate::say!(
            "已从备份 {}（{}，{} 条审计记录）恢复到 {}；恢复了 {} 个附件文件。",
            r.manifest.snapshot,
            r.manifest.made_at,
            r.manifest.audit_entries,
            path.display(),
            r.files_restored
        );
        if let Some(previous) = &r.previous_saved_as {
            crate::say!("原来的数据库已另存为 {}（未删除）。", previous.display());
        }
    })
}

fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / 1_048_576.0)
    } else {
        format!("{:.0} KB", (bytes as f64 / 1024.0).max(1.0))
    }
}
