//! Rules for anything read from a file that crossed a trust boundary, before it is believed:
//! how large it may be, that a JSON object names each key once (serde_json keeps the last of
//! two silently, so a reviewer reading the file sees one value and the product stores the
//! other), and which characters text may hold. Control characters and the bidirectional
//! overrides let a name print as something else: `ESC[2J` clears a terminal, U+202E turns
//! a code around on screen (U+202E before "10-ZG" shows "GZ-01") and on a PDF. They are refused, never cleaned, so what
//! is stored is exactly what was in the file. The limits are documented in
//! docs/formats/limits.md.

use std::cell::Cell;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use crate::DomainError;

/// The largest JSON file read (a round of 200 applications with every list is ~ 2 MB).
pub const MAX_JSON_BYTES: usize = 32 * 1024 * 1024;
/// The longest text (in characters) of one JSON string or one cell.
pub const MAX_TEXT_CHARS: usize = 100_000;
/// The most items of one JSON array.
pub const MAX_ARRAY_ITEMS: usize = 200_000;

/// The first character `text` may not hold, if any: C0 and C1 control characters (tab, line
/// feed and carriage return are allowed where several lines are, see `multiline`) and the
/// bidirectional marks, embeddings, overrides and isolates.
pub fn forbidden_char(text: &str, multiline: bool) -> Option<char> {
    text.chars().find(|&c| {
        let control = c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t'));
        control || is_bidi_control(c)
    })
}

/// The Unicode bidirectional formatting characters (UAX #9): LRM, RLM, ALM, the embeddings
/// and overrides, and the isolates.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// How a forbidden character is named in a message: its code point and, for the common ones,
/// its name.
pub fn describe_char(c: char) -> String {
    let name = match c {
        '\u{0}' => "空字符 NUL",
        '\u{1B}' => "转义字符 ESC",
        '\n' => "换行符",
        '\r' => "回车符",
        '\t' => "制表符",
        '\u{202E}' => "从右到左覆盖符 RLO",
        '\u{202D}' => "从左到右覆盖符 LRO",
        c if is_bidi_control(c) => "文字方向控制符",
        _ => "控制字符",
    };
    format!("{name}（U+{:04X}）", c as u32)
}

/// `Ok` unless `text` holds a forbidden character; the error names the field and the character.
pub fn check_text(field: &str, text: &str, multiline: bool) -> Result<(), DomainError> {
    if let Some(c) = forbidden_char(text, multiline) {
        return Err(DomainError::Malformed(format!(
            "{field}含有{}：名称和文字中不能有控制字符或文字方向控制符，请删除后重新导入。",
            describe_char(c)
        )));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(DomainError::TooLarge(format!(
            "{field}超过 {MAX_TEXT_CHARS} 个字符的上限"
        )));
    }
    Ok(())
}

/// Every text of a record with its field (`enterprises[2].name`) and whether it may hold
/// several lines: names and codes may not, because they are printed on one (a table row, a PDF
/// line, a file name).
pub fn texts_of<T: serde::Serialize>(record: &T) -> Vec<(String, String, bool)> {
    fn walk(value: &serde_json::Value, field: String, out: &mut Vec<(String, String, bool)>) {
        match value {
            serde_json::Value::String(text) => {
                let last = field.rsplit('.').next().unwrap_or(&field);
                let last = last.split('[').next().unwrap_or(last);
                let one_line = last.contains("name")
                    || last.contains("code")
                    || matches!(last, "management_body" | "partner" | "enterprise" | "city");
                out.push((field, text.clone(), !one_line));
            }
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, format!("{field}[{i}]"), out);
                }
            }
            serde_json::Value::Object(map) => {
                for (key, item) in map {
                    let path = if field.is_empty() {
                        key.clone()
                    } else {
                        format!("{field}.{key}")
                    };
                    walk(item, path, out);
                }
            }
            _ => {}
        }
    }
    let value = serde_json::to_value(record).unwrap_or(serde_json::Value::Null);
    let mut out = Vec::new();
    walk(&value, String::new(), &mut out);
    out
}

/// The first text of `record` holding a forbidden character or too long, as an error naming
/// its field.
pub fn check_texts<T: serde::Serialize>(record: &T) -> Result<(), DomainError> {
    for (field, text, multiline) in texts_of(record) {
        check_text(&format!("{field} "), &text, multiline)?;
    }
    Ok(())
}

/// Checks a JSON file before it is parsed into any type: its size, that every object names each
/// key once, the length of every string and array, and that no string holds a control
/// character other than line breaks and tabs, or a bidirectional control (nesting deeper than
/// 128 levels is refused by serde_json itself).
pub fn check_json(text: &str) -> Result<(), DomainError> {
    if text.len() > MAX_JSON_BYTES {
        return Err(DomainError::TooLarge(format!(
            "文件有 {:.1} MB，超过 {} MB 的上限",
            text.len() as f64 / 1_048_576.0,
            MAX_JSON_BYTES / 1_048_576
        )));
    }
    let too_large = Cell::new(false);
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let checked = Check {
        too_large: &too_large,
    }
    .deserialize(&mut deserializer)
    .and_then(|()| deserializer.end());
    match checked {
        Ok(()) => Ok(()),
        Err(err) => {
            let message = format!(
                "第 {} 行第 {} 列：{}",
                err.line(),
                err.column(),
                strip_position(&err.to_string())
            );
            Err(if too_large.get() {
                DomainError::TooLarge(message)
            } else {
                DomainError::Malformed(message)
            })
        }
    }
}

/// serde_json appends " at line L column C" to a custom message; the caller says it first.
fn strip_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    }
}

#[derive(Clone, Copy)]
struct Check<'a> {
    too_large: &'a Cell<bool>,
}

impl<'de> DeserializeSeed<'de> for Check<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Check<'_> {
    fn string<E: de::Error>(self, text: &str) -> Result<(), E> {
        if text.len() > MAX_TEXT_CHARS * 4 || text.chars().count() > MAX_TEXT_CHARS {
            self.too_large.set(true);
            return Err(E::custom(format!(
                "一段文字超过 {MAX_TEXT_CHARS} 个字符的上限"
            )));
        }
        if let Some(c) = forbidden_char(text, true) {
            return Err(E::custom(format!(
                "文字中含有{}，不能导入（名称和文字中不能有控制字符或文字方向控制符）",
                describe_char(c)
            )));
        }
        Ok(())
    }
}

impl<'de> Visitor<'de> for Check<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.string(v)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut n = 0usize;
        while seq.next_element_seed(self)?.is_some() {
            n += 1;
            if n > MAX_ARRAY_ITEMS {
                self.too_large.set(true);
                return Err(de::Error::custom(format!(
                    "一个数组超过 {MAX_ARRAY_ITEMS} 项的上限"
                )));
            }
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut keys = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            self.string::<A::Error>(&key)?;
            if !keys.insert(key.clone()) {
                return Err(de::Error::custom(format!(
                    "键“{key}”在同一个对象中出现了两次：请只保留一个（不会默默取其中一个）"
                )));
            }
            map.next_value_seed(self)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Coded, ErrorCode};

    fn code_of(err: &DomainError) -> ErrorCode {
        err.code()
    }

    #[test]
    fn a_key_named_twice_is_refused_at_any_depth() {
        let err = check_json(r#"{"a": 1, "b": {"c": 1, "c": 2}}"#).unwrap_err();
        assert_eq!(code_of(&err), ErrorCode::ImportMalformed);
        assert!(
            err.to_string().contains("键“c”在同一个对象中出现了两次"),
            "{err}"
        );
        assert!(err.to_string().contains("第 1 行"), "{err}");
        assert!(check_json(r#"[{"c": 1}, {"c": 2}]"#).is_ok());
    }

    #[test]
    fn control_and_bidi_characters_are_refused_line_breaks_are_not() {
        for bad in [
            "\\u0000",
            "\\u001b[2J",
            "\\u202e",
            "\\u2066",
            "\\u200f",
            "\\u0085",
        ] {
            let text = format!(r#"{{"park_name": "广州{bad}园区"}}"#);
            let err = check_json(&text).unwrap_err();
            assert_eq!(code_of(&err), ErrorCode::ImportMalformed, "{bad}");
            assert!(err.to_string().contains("U+"), "{err}");
        }
        assert!(check_json(r#"{"opinion": "第一行\n第二行\t缩进"}"#).is_ok());
        assert_eq!(forbidden_char("广州\n园区", false), Some('\n'));
        assert_eq!(forbidden_char("2026-GZ-01", false), None);
    }

    #[test]
    fn oversized_files_strings_and_arrays_are_refused_as_too_large() {
        let long = format!(r#"{{"a": "{}"}}"#, "字".repeat(MAX_TEXT_CHARS + 1));
        assert_eq!(
            code_of(&check_json(&long).unwrap_err()),
            ErrorCode::ImportTooLarge
        );
        let many = format!("[{}0]", "0,".repeat(MAX_ARRAY_ITEMS));
        assert_eq!(
            code_of(&check_json(&many).unwrap_err()),
            ErrorCode::ImportTooLarge
        );
        let huge = " ".repeat(MAX_JSON_BYTES + 1);
        assert_eq!(
            code_of(&check_json(&huge).unwrap_err()),
            ErrorCode::ImportTooLarge
        );
    }

    #[test]
    fn deep_nesting_is_refused_without_overflowing_the_stack() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(
            code_of(&check_json(&deep).unwrap_err()),
            ErrorCode::ImportMalformed
        );
    }
}
