//! How the CLI prints: results as text or JSON on stdout, errors with their code on stderr.

use std::process::ExitCode;

use park_review_domain::{CodedError, ErrorCode};
use park_review_store::Status;
use serde::Serialize;

/// Prints a line on stdout. A closed pipe (`park-review … | head`) ends the program quietly
/// with success instead of a panic: the reader has what it wanted. Control characters other
/// than line breaks and tabs, and bidirectional controls, are printed as `\u{…}`: a name stored
/// before such characters were refused (`ESC[2J`, U+202E) cannot clear or rearrange the
/// terminal.
pub fn write_line(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let text = escape_terminal(&args.to_string());
    let mut out = std::io::stdout().lock();
    if let Err(e) = out
        .write_all(text.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
    {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("错误 [{}]：无法输出结果：{e}", ErrorCode::Io);
        std::process::exit(1);
    }
}

/// `text` with every control character but `\n` and `\t`, and every bidirectional control,
/// written as `\u{XXXX}`.
pub fn escape_terminal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if (c.is_control() && c != '\n' && c != '\t')
            || park_review_domain::input::is_bidi_control(c)
        {
            out.push_str(&format!("\\u{{{:04X}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// `println!` for command output; see [`write_line`].
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => { $crate::output::write_line(format_args!($($arg)*)) };
}

/// Reports a failed command on stderr (`错误 [CODE]：message`, or the JSON object with
/// `--json`); the exit status is 2 for a command line that could not be used, else 1.
pub fn report(error: &CodedError, json: bool) -> ExitCode {
    if json {
        // The same object the app receives: code, message, and `args` when there are any.
        eprintln!(
            "{}",
            serde_json::to_string(error)
                .unwrap_or_else(|_| format!("{{\"code\":\"{}\"}}", error.code.as_str()))
        );
    } else {
        eprintln!("错误 [{}]：{}", error.code, escape_terminal(&error.message));
    }
    ExitCode::from(if error.code == ErrorCode::CliUsage {
        2
    } else {
        1
    })
}

pub fn print_json<T: Serialize + ?Sized>(value: &T) -> Result<(), CodedError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CodedError::internal(format!("无法生成 JSON：{e}")))?;
    crate::say!("{text}");
    Ok(())
}

/// clap's own errors: help and version are not errors; everything else is a usage error with a
/// Chinese explanation first and clap's precise detail after it.
pub fn usage_error(error: clap::Error, json: bool) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = error.print();
        return if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        };
    }
    let what = match error.kind() {
        ErrorKind::InvalidSubcommand => "无法识别的命令",
        ErrorKind::UnknownArgument => "无法识别的参数",
        ErrorKind::MissingRequiredArgument => "缺少必填参数",
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => "参数值无效",
        ErrorKind::MissingSubcommand => "缺少子命令",
        _ => "命令行有误",
    };
    let detail = error.render().to_string();
    let detail = detail.trim();
    let message = format!("{what}。运行 `park-review --help` 查看可用的命令和参数。\n{detail}");
    if json {
        eprintln!(
            "{}",
            serde_json::json!({"code": ErrorCode::CliUsage.as_str(), "message": message})
        );
    } else {
        eprintln!("错误 [{}]：{message}", ErrorCode::CliUsage);
    }
    ExitCode::from(2)
}

pub fn print_status(status: &Status) {
    crate::say!("数据库：{}", status.db_path);
    crate::say!("数据结构版本：{}", status.schema_version);
    let rows = [
        ("评审批次", status.rounds),
        ("申报", status.applications),
        ("评审专家", status.experts),
        ("批次专家", status.panel_members),
        ("评分项", status.criteria),
        ("考察项", status.checklist_items),
        ("评审分配", status.assignments),
        ("评分", status.scores),
        ("实地考察", status.inspections),
        ("审计记录", status.audit_entries),
    ];
    for (label, count) in rows {
        crate::say!("{label}：{count}");
    }
}

/// An application's record as readable text: the facts of each condition, then the lists.
pub fn print_application(app: &park_review_domain::model::ApplicationRecord) {
    let yes = |b: bool| if b { "是" } else { "否" };
    crate::say!("{} {}", app.code, app.park_name);
    crate::say!(
        "所在地：{} {}；管理机构：{}",
        app.city.name_zh(),
        app.district,
        app.management_body
    );
    crate::say!(
        "联系人：{} {}；推荐顺序：{}",
        app.contact_name,
        app.contact_phone,
        app.city_recommendation_rank
    );
    crate::say!(
        "C1 工作机制：领导机制 {}，管理机构 {}，运营团队 {}",
        yes(app.leadership_mechanism),
        yes(app.has_management_body),
        yes(app.has_operating_team)
    );
    crate::say!(
        "C2 空间布局：规划面积 {} 亩，用地审批 {}，权属清晰 {}，符合规划 {}",
        app.planned_area_mu,
        yes(app.land_approved),
        yes(app.land_ownership_clear),
        yes(app.conforms_to_plans)
    );
    crate::say!("C3 企业（{} 家）：", app.enterprises.len());
    for e in &app.enterprises {
        crate::say!(
            "  {}\t{}\t{} 万元",
            e.name,
            e.credit_code,
            e.ai_output_wan_yuan
        );
    }
    crate::say!(
        "C4 创新服务平台（{} 个）、研发合作（{} 项）",
        app.innovation_platforms.len(),
        app.rnd_cooperations.len()
    );
    for p in &app.innovation_platforms {
        crate::say!("  平台：{}（{}）", p.name, p.kind.name_zh());
    }
    for c in &app.rnd_cooperations {
        crate::say!(
            "  合作：{} — {}（{}）",
            c.enterprise,
            c.partner,
            c.partner_kind.name_zh()
        );
    }
    crate::say!(
        "C5 政策配套：{}；县级资金 {} 万元；{}",
        app.city_policy_status.name_zh(),
        app.county_funding_wan_yuan,
        app.county_funding_plan
    );
    for p in &app.service_platforms {
        crate::say!("  服务平台：{}（{}）", p.name, p.kind.name_zh());
    }
    crate::say!(
        "C6 基础服务：服务平台 {} 个，千兆入园 {}，百兆到企 {}，交通生活配套 {}",
        app.service_platforms.len(),
        yes(app.gigabit_fibre_to_park),
        yes(app.fibre_100m_to_enterprises),
        yes(app.transport_and_living_facilities)
    );
    crate::say!(
        "C7 其它：环评 {}，三年无重大污染承诺 {}",
        yes(app.eia_approved),
        yes(app.no_major_pollution_3y_pledged)
    );
}
