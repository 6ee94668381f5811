//! Importing experts (`park-review/experts@1`) into a round's panel.

use park_review_domain::exchange::{parse_experts_file, ExpertsFile};
use park_review_domain::ids::RoundId;
use park_review_domain::{CodedError, ErrorCode};
use park_review_store::{ExpertAdded, Store};
use serde::Serialize;

use crate::files::json_text;
use crate::{Caller, Result};

/// What an experts import stored.
#[derive(Debug, Clone, Serialize)]
pub struct ExpertsImported {
    /// The round's code.
    pub round: String,
    pub experts: Vec<ExpertAdded>,
}

/// Reads a `park-review/experts@1` file (no database: the app reads it before taking the store).
pub fn read_experts_file(file_name: &str, bytes: Vec<u8>) -> Result<ExpertsFile> {
    Ok(parse_experts_file(&json_text(file_name, bytes)?)?)
}

/// Imports an experts file ([`read_experts_file`]) into a round's panel, all or nothing.
///
/// One rule for both front ends: the round is the one the user chose (`round`: the app's
/// current round, or the CLI's `--round`), else the one the file names; when both are given
/// they must be the same round, or nothing is imported (IMPORT_MALFORMED) — a file meant for
/// another round is never silently applied to this one.
pub fn import_experts(
    store: &mut Store,
    caller: Caller,
    round: Option<RoundId>,
    file_name: &str,
    file: ExpertsFile,
) -> Result<ExpertsImported> {
    let chosen = match (round, &file.round) {
        (Some(chosen), named) => {
            let chosen = store.round(chosen)?;
            if let Some(named) = named {
                let named = store.find_round(named)?;
                if named.id != chosen.id {
                    return Err(CodedError::new(
                        ErrorCode::ImportMalformed,
                        format!(
                            "文件 {file_name} 属于批次 {}，不是批次 {}。请切换到该批次后再导入，或改正文件中的 round 字段。",
                            named.code, chosen.code
                        ),
                    ));
                }
            }
            chosen
        }
        (None, Some(named)) => store.find_round(named)?,
        (None, None) => {
            return Err(CodedError::new(
                ErrorCode::CliUsage,
                "文件中没有 round 字段：请指定要导入的批次（命令行用 --round）。",
            ))
        }
    };
    let experts = store.add_experts(&caller.secretariat(), chosen.id, &file.experts)?;
    Ok(ExpertsImported {
        round: chosen.code,
        experts,
    })
}
