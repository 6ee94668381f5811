//! Human-readable codes (编号): what users type and see instead of ids.
//!
//! A code is unique within its round: application `2026-GZ-01`, expert `E001`, criterion `C3.1`.
//! The CLI accepts a code wherever an id is needed.

use crate::{City, DomainError};

/// The longest code we accept; long enough for every scheme a secretariat has used.
pub const MAX_CODE_LEN: usize = 32;

/// Checks that a code is 1–32 characters of ASCII letters, digits, `-`, `_` or `.`, so that it
/// survives file names, spreadsheets and command lines unchanged.
pub fn validate_code(field: &str, code: &str) -> Result<(), DomainError> {
    let ok = !code.is_empty()
        && code.len() <= MAX_CODE_LEN
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(DomainError::OutOfRange {
            field: field.to_owned(),
            value: format!("“{code}”"),
            rule: format!("编号须为 1–{MAX_CODE_LEN} 个英文字母、数字或 - _ . 字符"),
        })
    }
}

/// The conventional code of an application: year, city code and the city's recommendation
/// order, e.g. `2026-GZ-01`.
pub fn application_code(year: i32, city: City, recommendation_rank: u32) -> String {
    format!("{year}-{}-{recommendation_rank:02}", city.code())
}

/// The conventional code of the n-th expert of a registry: `E001`.
pub fn expert_code(n: u32) -> String {
    format!("E{n:03}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conventional_codes() {
        assert_eq!(application_code(2026, City::GZ, 1), "2026-GZ-01");
        assert_eq!(expert_code(7), "E007");
    }

    #[test]
    fn code_characters() {
        for good in ["2026-GZ-01", "E001", "C3.1", "a_b"] {
            assert!(validate_code("code", good).is_ok(), "{good}");
        }
        for bad in ["", "广州-01", "a b", "x/y", &"A".repeat(33)] {
            assert!(validate_code("code", bad).is_err(), "{bad}");
        }
    }
}
