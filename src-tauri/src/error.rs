//! The error every command returns across IPC: `{code, message}`. The UI branches on `code`
//! and shows `message` (Chinese, says what to do next); it never parses the message.

use park_review_domain::ErrorCode;
use park_review_store::StoreError;
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

impl From<StoreError> for IpcError {
    fn from(e: StoreError) -> Self {
        IpcError {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl From<park_review_domain::DomainError> for IpcError {
    fn from(e: park_review_domain::DomainError) -> Self {
        IpcError {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl IpcError {
    pub fn internal(message: impl std::fmt::Display) -> Self {
        IpcError {
            code: ErrorCode::Internal,
            message: format!("内部错误：{message}。请把这条信息告诉技术支持。"),
        }
    }
}
