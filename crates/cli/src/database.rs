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
    let loaded = cli.store()?.load_demo(&CALLER.secretariat())?;
    cli.emit(&loaded, |l| {
        crate::say!(
            "已载入示例批次 {}（{}）：{} 个申报、{} 位专家、{} 个评分项、{} 个考察项。",
            l.round.code,
            l.round.title,
            l.applications,
            l.experts,
            l.criteria,
            l.checklist_items
        )
    })
}

pub fn status(cli: &Cli) -> Outcome {
    let status = cli.store()?.status()?;
    cli.emit(&status, crate::output::print_status)
}
