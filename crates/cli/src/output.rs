//! How the CLI prints: results as text or JSON on stdout, errors with their code on stderr.

use std::process::ExitCode;

use park_review_domain::ErrorCode;
use park_review_store::Status;
use serde::Serialize;

/// A failed command: its stable code and the Chinese message for the user.
#[derive(Debug)]
pub struct Failure {
    pub code: ErrorCode,
    pub message: String,
}

/// Prints a line on stdout. A closed pipe (`park-review … | head`) ends the program quietly
/// with success instead of a panic: the reader has what it wanted.
pub fn write_line(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.write_all(b"\n")) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("错误 [{}]：无法输出结果：{e}", ErrorCode::Io);
        std::process::exit(1);
    }
}

/// `println!` for command output; see [`write_line`].
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => { $crate::output::write_line(format_args!($($arg)*)) };
}

impl Failure {
    pub fn new(code: ErrorCode, message: String) -> Failure {
        Failure { code, message }
    }

    pub fn report(&self, json: bool) -> ExitCode {
        if json {
            eprintln!(
                "{}",
                serde_json::json!({"code": self.code.as_str(), "message": self.message})
            );
        } else {
            eprintln!("错误 [{}]：{}", self.code, self.message);
        }
        ExitCode::from(if self.code == ErrorCode::CliUsage {
            2
        } else {
            1
        })
    }
}

pub fn print_json<T: Serialize>(value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::new(ErrorCode::Internal, format!("无法生成 JSON：{e}")))?;
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
