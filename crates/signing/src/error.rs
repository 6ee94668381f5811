//! The signing crate's errors, each with a stable code of the domain's list.

#[derive(Debug, thiserror::Error)]
pub enum SigningError {
    #[error("口令不正确，无法解开私钥。私钥文件未做任何改动，请重新输入。")]
    WrongPassphrase,
    #[error("{0}")]
    WeakPassphrase(String),
    #[error("私钥或证书的格式无法识别：{0}")]
    BadKey(String),
    #[error("PDF 无法读取：{0}")]
    BadPdf(String),
    #[error("签名失败：{0}")]
    Sign(String),
}

impl park_review_domain::Coded for SigningError {
    fn code(&self) -> park_review_domain::ErrorCode {
        use park_review_domain::ErrorCode;
        match self {
            SigningError::WrongPassphrase => ErrorCode::WrongPassphrase,
            SigningError::WeakPassphrase(_) => ErrorCode::WeakPassphrase,
            SigningError::BadPdf(_) => ErrorCode::SignatureInvalid,
            SigningError::BadKey(_) | SigningError::Sign(_) => ErrorCode::Internal,
        }
    }
}
