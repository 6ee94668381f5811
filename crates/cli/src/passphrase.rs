//! Passphrases on the command line: from `--passphrase-file`, the environment, or asked on the
//! terminal without echo. Never printed, never logged.

use std::path::{Path, PathBuf};

use clap::Args;
use park_review_domain::{CodedError, ErrorCode};
use zeroize::Zeroizing;

/// The environment variable scripts and tests use to give a passphrase.
pub const PASSPHRASE_ENV: &str = "PARK_REVIEW_PASSPHRASE";

#[derive(Debug, Args)]
pub struct PassphraseArgs {
    /// 从文件读取口令（第一行）；也可用环境变量 PARK_REVIEW_PASSPHRASE；都没有时在终端询问
    #[arg(long, value_name = "F")]
    pub passphrase_file: Option<PathBuf>,
}

/// The first line of a passphrase file.
pub fn from_file(path: &Path) -> Result<String, CodedError> {
    // The file's whole text is wiped once the first line is taken.
    let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
        CodedError::new(
            ErrorCode::Io,
            format!("无法读取口令文件 {}：{e}", path.display()),
        )
    })?);
    Ok(text.lines().next().unwrap_or_default().to_owned())
}

/// The passphrase: from `--passphrase-file`, else the environment, else asked on the terminal
/// (twice when `confirm`, for a new one).
pub fn read(args: &PassphraseArgs, prompt: &str, confirm: bool) -> Result<String, CodedError> {
    if let Some(path) = &args.passphrase_file {
        return from_file(path);
    }
    if let Ok(value) = std::env::var(PASSPHRASE_ENV) {
        if !value.is_empty() {
            return Ok(value);
        }
    }
    ask(prompt, confirm)
}

/// Asks on the terminal without echo.
pub fn ask(prompt: &str, confirm: bool) -> Result<String, CodedError> {
    let first = rpassword::prompt_password(prompt).map_err(|_| {
        CodedError::new(
            ErrorCode::CliUsage,
            format!("需要口令：请在终端运行，或用 --passphrase-file F、环境变量 {PASSPHRASE_ENV} 提供。"),
        )
    })?;
    if confirm {
        let again = Zeroizing::new(
            rpassword::prompt_password("请再输入一次口令：")
                .map_err(|e| CodedError::new(ErrorCode::Io, e.to_string()))?,
        );
        if *again != first {
            return Err(CodedError::new(
                ErrorCode::OutOfRange,
                "两次输入的口令不一致，未做任何改动。",
            ));
        }
    }
    Ok(first)
}
