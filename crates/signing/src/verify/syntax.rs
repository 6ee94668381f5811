//! Reading the raw bytes of a signature dictionary, as a validator must: lopdf tells us what a
//! dictionary *means*, but not *where* its `/Contents` string lies in the file, and the excluded
//! byte range has to be exactly that string (pyHanko's rule; a validator that only checks the
//! gap's first and last byte accepts signature wrapping). Every read is bounds-checked: this
//! code runs on files from anyone.

use chrono::TimeZone;

/// The byte span of one token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    DictOpen,
    DictClose,
    ArrayOpen,
    ArrayClose,
    /// A name, without its slash.
    Name(usize, usize),
    /// A hex string, `<` to `>` inclusive.
    Hex(usize, usize),
    /// A literal string, `(` to `)` inclusive.
    Literal,
    /// A number or a keyword (`obj`, `R`, `true`, …).
    Word(usize, usize),
}

fn is_whitespace(b: u8) -> bool {
    matches!(b, 0 | b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

struct Lexer<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn skip_space(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if is_whitespace(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(&c) = self.bytes.get(self.pos) {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn regular_run(&mut self) -> usize {
        while let Some(&b) = self.bytes.get(self.pos) {
            if is_whitespace(b) || is_delimiter(b) {
                break;
            }
            self.pos += 1;
        }
        self.pos
    }

    fn next(&mut self) -> Option<Token> {
        self.skip_space();
        let start = self.pos;
        let b = *self.bytes.get(start)?;
        let next = self.bytes.get(start + 1).copied();
        Some(match b {
            b'<' if next == Some(b'<') => {
                self.pos += 2;
                Token::DictOpen
            }
            b'>' if next == Some(b'>') => {
                self.pos += 2;
                Token::DictClose
            }
            b'[' => {
                self.pos += 1;
                Token::ArrayOpen
            }
            b']' => {
                self.pos += 1;
                Token::ArrayClose
            }
            b'/' => {
                self.pos += 1;
                let end = self.regular_run();
                Token::Name(start + 1, end)
            }
            b'<' => {
                let close = self.bytes.get(start..)?.iter().position(|&c| c == b'>')?;
                self.pos = start + close + 1;
                Token::Hex(start, self.pos)
            }
            b'(' => {
                let mut depth = 0usize;
                loop {
                    let c = *self.bytes.get(self.pos)?;
                    self.pos += 1;
                    match c {
                        b'\\' => self.pos += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                Token::Literal
            }
            b')' | b'>' | b'{' | b'}' => return None,
            _ => {
                let end = self.regular_run();
                if end == start {
                    return None;
                }
                Token::Word(start, end)
            }
        })
    }

    /// Skips one value whose first token is `first`; None if the value never closes.
    fn skip_value(&mut self, first: Token) -> Option<()> {
        const MAX_DEPTH: usize = 64;
        let mut depth = match first {
            Token::DictOpen | Token::ArrayOpen => 1usize,
            Token::DictClose | Token::ArrayClose => return None,
            _ => 0,
        };
        while depth > 0 {
            match self.next()? {
                Token::DictOpen | Token::ArrayOpen => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return None;
                    }
                }
                Token::DictClose | Token::ArrayClose => depth -= 1,
                _ => {}
            }
        }
        Some(())
    }
}

/// Where the direct values of some keys of the dictionary of the indirect object at `offset`
/// lie in the file.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RawDictionary {
    /// `/Contents`: the span of its hex string, `<` to `>` inclusive, if it is one.
    pub contents: Option<(usize, usize)>,
    /// How many `/Contents` and `/ByteRange` keys the dictionary has (more than one is ambiguous).
    pub contents_keys: usize,
    pub byte_range_keys: usize,
    /// Where the object ends (after `endobj`).
    pub end: usize,
}

/// Reads `N G obj << … >> endobj` at `offset`: None if it is not such an object, or not
/// object `number`.
pub fn raw_dictionary(bytes: &[u8], offset: usize, number: u32) -> Option<RawDictionary> {
    let mut lexer = Lexer { bytes, pos: offset };
    let Token::Word(a, b) = lexer.next()? else {
        return None;
    };
    if bytes.get(a..b)? != number.to_string().as_bytes() {
        return None;
    }
    let Token::Word(..) = lexer.next()? else {
        return None;
    };
    let Token::Word(a, b) = lexer.next()? else {
        return None;
    };
    if bytes.get(a..b)? != b"obj" || lexer.next()? != Token::DictOpen {
        return None;
    }
    let mut found = RawDictionary::default();
    loop {
        let key = match lexer.next()? {
            Token::DictClose => break,
            Token::Name(a, b) => bytes.get(a..b)?,
            _ => return None,
        };
        let value = lexer.next()?;
        match key {
            b"Contents" => {
                found.contents_keys += 1;
                found.contents = match value {
                    Token::Hex(a, b) => Some((a, b)),
                    _ => None,
                };
            }
            b"ByteRange" => found.byte_range_keys += 1,
            _ => {}
        }
        lexer.skip_value(value)?;
    }
    let Token::Word(a, b) = lexer.next()? else {
        return None;
    };
    if bytes.get(a..b)? != b"endobj" {
        return None;
    }
    found.end = b;
    Some(found)
}

/// The span holds a hex string and nothing else: `<`, hex digits only (no white space, so no
/// object, xref table or trailer can start inside it), `>`.
pub fn is_plain_hex_string(bytes: &[u8], start: usize, end: usize) -> bool {
    match bytes.get(start..end) {
        Some([b'<', digits @ .., b'>']) => {
            digits.len() % 2 == 0 && digits.iter().all(u8::is_ascii_hexdigit)
        }
        _ => false,
    }
}

/// A PDF date (`D:20261127093000+08'00'`) as the time it says, with its offset; None unless it
/// has at least the full date and time and a well-formed zone. Reads bytes, so a multi-byte
/// character anywhere is simply not a date.
pub fn pdf_date(date: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    let d = date.as_bytes();
    let d = d.strip_prefix(b"D:").unwrap_or(d);
    let digits = d.get(..14)?;
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let number = |from: usize, to: usize| -> Option<u32> {
        std::str::from_utf8(digits.get(from..to)?)
            .ok()?
            .parse()
            .ok()
    };
    let date = chrono::NaiveDate::from_ymd_opt(number(0, 4)? as i32, number(4, 6)?, number(6, 8)?)?;
    let time = date.and_hms_opt(number(8, 10)?, number(10, 12)?, number(12, 14)?)?;
    let zone = d.get(14..).unwrap_or_default();
    let offset_seconds = match zone.first() {
        None | Some(b'Z') => 0i32,
        Some(sign @ (b'+' | b'-')) => {
            // HH'mm' (the apostrophes and the minutes may be left out), nothing else.
            let two = |b: &[u8]| -> Option<i32> {
                let d = b.get(..2)?;
                d.iter()
                    .all(u8::is_ascii_digit)
                    .then(|| i32::from((d[0] - b'0') * 10 + d[1] - b'0'))
            };
            let rest = zone.get(1..)?;
            let hours = two(rest)?;
            let rest = &rest[2..];
            let rest = rest.strip_prefix(b"'").unwrap_or(rest);
            let (minutes, rest) = match two(rest) {
                Some(m) => (m, &rest[2..]),
                None => (0, rest),
            };
            if !(rest.is_empty() || rest == b"'") || hours > 23 || minutes > 59 {
                return None;
            }
            let total = hours * 3600 + minutes * 60;
            if *sign == b'-' {
                -total
            } else {
                total
            }
        }
        Some(_) => return None,
    };
    chrono::FixedOffset::east_opt(offset_seconds)?
        .from_local_datetime(&time)
        .single()
}

/// A PDF date as Unix seconds (see [`pdf_date`]).
pub fn pdf_date_unix(date: &str) -> Option<i64> {
    pdf_date(date).map(|t| t.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contents_span_is_found_in_the_raw_dictionary() {
        let file = b"junk 7 0 obj\n<< /Type /Sig /ByteRange [0 10 20 30] /Name (a (nested) \\) paren) /Sub << /Contents <00> >> /Contents <3082ab> /M (D:2026) >>\nendobj\n";
        let raw = raw_dictionary(file, 5, 7).unwrap();
        let (a, b) = raw.contents.unwrap();
        assert_eq!(&file[a..b], b"<3082ab>");
        assert_eq!((raw.contents_keys, raw.byte_range_keys), (1, 1));
        assert_eq!(&file[raw.end - 6..raw.end], b"endobj");
        // Another object number, or no object at all, is not found.
        assert_eq!(raw_dictionary(file, 5, 8), None);
        assert_eq!(raw_dictionary(file, 0, 7), None);
        assert_eq!(raw_dictionary(b"7 0 obj << /Contents", 0, 7), None);
    }

    #[test]
    fn a_duplicated_key_is_counted() {
        let file = b"1 0 obj << /Contents <00> /Contents <01> >> endobj";
        let raw = raw_dictionary(file, 0, 1).unwrap();
        assert_eq!(raw.contents_keys, 2);
    }

    #[test]
    fn only_hex_digits_make_a_plain_hex_string() {
        let file = b"x<0a1B>y< 0a>z<0a1>";
        assert!(is_plain_hex_string(file, 1, 7));
        assert!(!is_plain_hex_string(file, 8, 12));
        assert!(!is_plain_hex_string(file, 13, 18));
        assert!(!is_plain_hex_string(file, 13, 99));
    }

    #[test]
    fn pdf_dates_with_any_characters_never_panic() {
        assert_eq!(
            pdf_date_unix("D:20261127093000+08'00'"),
            Some(1_795_743_000)
        );
        assert_eq!(pdf_date_unix("D:20261127013000Z"), Some(1_795_743_000));
        assert_eq!(pdf_date_unix("D:2026112709300"), None);
        assert_eq!(pdf_date_unix("D:2026112709300你"), None);
        assert_eq!(pdf_date_unix("D:20261127093000+你'00'"), None);
        assert_eq!(pdf_date_unix("D:20261399093000Z"), None);
        assert_eq!(pdf_date_unix(""), None);
    }
}
