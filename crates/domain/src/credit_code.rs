//! The unified social credit code (统一社会信用代码) of GB 32100-2015, used to identify the
//! enterprises an application lists (C3) and to find an expert's conflicts of interest.
//!
//! 18 characters from a 31-character alphabet (digits and upper-case letters without I, O, S, V
//! and Z); the 18th is a check character over the first 17, weighted by 3^i mod 31.

use crate::DomainError;

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn value_of(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// The check character for the first 17 characters of a code, or `None` if one of them is not
/// in the alphabet.
pub fn check_character(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (i, &b) in bytes.iter().enumerate() {
        sum += value_of(b)? * WEIGHTS[i];
    }
    let check = (31 - sum % 31) % 31;
    Some(ALPHABET[check as usize] as char)
}

/// Validates a code, ignoring surrounding white space and accepting lower case; returns the
/// code normalised to upper case.
pub fn validate(input: &str) -> Result<String, DomainError> {
    let code = input.trim().to_ascii_uppercase();
    let fail = |reason: &str| DomainError::InvalidCreditCode {
        code: input.trim().to_owned(),
        reason: reason.to_owned(),
    };
    if code.chars().count() != 18 {
        return Err(fail("应为 18 位。"));
    }
    if let Some(bad) = code.bytes().find(|&b| value_of(b).is_none()) {
        return Err(fail(&format!(
            "含有不允许的字符“{}”（不使用 I、O、S、V、Z）。",
            bad as char
        )));
    }
    let expected = check_character(&code[..17]).ok_or_else(|| fail("格式不正确。"))?;
    if code.as_bytes()[17] as char != expected {
        return Err(fail(&format!("校验码应为“{expected}”，请核对是否抄错。")));
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_valid_codes() {
        // The example commonly cited for GB 32100-2015, and two codes computed by hand.
        for code in [
            "91350100M000100Y43",
            "91110000600037341L",
            "91440300708461136T",
        ] {
            assert_eq!(validate(code).unwrap(), code);
        }
        assert_eq!(
            validate(" 91350100m000100y43 ").unwrap(),
            "91350100M000100Y43"
        );
    }

    #[test]
    fn invalid_codes_say_why() {
        let cases = [
            ("91350100M000100Y44", "校验码应为“3”"),
            ("91350100M000100Y4", "18 位"),
            ("91350100M00010OY43", "不允许的字符“O”"),
            ("", "18 位"),
        ];
        for (code, reason) in cases {
            let err = validate(code).unwrap_err();
            assert!(err.to_string().contains(reason), "{code}: {err}");
        }
    }

    #[test]
    fn check_character_round_trips() {
        let first17 = "91440101MA59ABCD1";
        let full = format!("{first17}{}", check_character(first17).unwrap());
        assert!(validate(&full).is_ok());
    }
}
