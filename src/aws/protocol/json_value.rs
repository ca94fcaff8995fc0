//! JSON text: a small value tree with its parser and writer, for MemoryDB's answers and
//! requests, pasted credentials, and the runs and settings kept in session storage.
//!
//! Written here rather than taken from serde_json: the console needs only a tree, and
//! serde_json's parser, serialiser and the derived `Serialize` impls were about 8 KB gzip of
//! wasm. Native tests check it against serde_json (a dev-dependency) on the same inputs.

use super::DecodeError;

/// Nesting deeper than this is refused rather than risking the stack (serde_json's limit).
const MAX_DEPTH: usize = 128;

/// A JSON value. Numbers keep the text they were written with, so integers of any size read
/// back exactly; objects keep their members in order and are searched from the end, so a
/// repeated name reads as its last occurrence (as serde_json's map does).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

impl Value {
    /// An object from `(name, value)` pairs, in the order given (the order written).
    pub fn object<const N: usize>(members: [(&str, Value); N]) -> Value {
        Value::object_of(Vec::from(members))
    }

    /// The body of [`Value::object`], one copy for every number of members.
    fn object_of(members: Vec<(&str, Value)>) -> Value {
        let mut out = Vec::with_capacity(members.len());
        for (name, value) in members {
            out.push((name.to_string(), value));
        }
        Value::Object(out)
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number when it is an integer that fits (`1.0` and `1e3` are not integers).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.parse().ok(),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.parse().ok(),
            _ => None,
        }
    }

    /// The number's text, as written.
    pub fn as_number(&self) -> Option<&str> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[(String, Value)]> {
        match self {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The member `name` of an object (the last, if repeated); `None` for anything else.
    pub fn get(&self, name: &str) -> Option<&Value> {
        member(self.as_object()?, name)
    }

    /// Compact text, as serde_json's `to_string` writes it.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, None);
        out
    }

    /// Indented text, two spaces a level, as serde_json's `to_string_pretty` writes it.
    pub fn to_pretty_text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, Some(0));
        out
    }

    /// `indent` is the current depth when pretty printing, `None` for compact text.
    fn write(&self, out: &mut String, indent: Option<usize>) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => out.push_str(n),
            Value::String(s) => write_string(out, s),
            Value::Array(items) => write_list(out, '[', ']', indent, items, |out, item, inner| {
                item.write(out, inner)
            }),
            Value::Object(members) => write_list(
                out,
                '{',
                '}',
                indent,
                members,
                |out, (name, value), inner| {
                    write_string(out, name);
                    out.push_str(if inner.is_some() { ": " } else { ":" });
                    value.write(out, inner);
                },
            ),
        }
    }
}

fn write_list<T>(
    out: &mut String,
    open: char,
    close: char,
    indent: Option<usize>,
    items: &[T],
    mut each: impl FnMut(&mut String, &T, Option<usize>),
) {
    out.push(open);
    let inner = indent.map(|depth| depth + 1);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if let Some(depth) = inner {
            new_line(out, depth);
        }
        each(out, item, inner);
    }
    if let (Some(depth), false) = (indent, items.is_empty()) {
        new_line(out, depth);
    }
    out.push(close);
}

fn new_line(out: &mut String, depth: usize) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str("  ");
    }
}

/// Quotes and escapes as serde_json does: `"` and `\`, the short escapes for control
/// characters that have one, `\u00XX` for the rest; everything else as it is.
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 0xf] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Number(n.to_string())
    }
}

impl From<u32> for Value {
    fn from(n: u32) -> Value {
        Value::Number(n.to_string())
    }
}

/// `None` is `null`.
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Value {
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            out.push(item.into());
        }
        Value::Array(out)
    }
}

/// The member `name` of an object's members, the last if it is repeated.
pub fn member<'a>(members: &'a [(String, Value)], name: &str) -> Option<&'a Value> {
    members
        .iter()
        .rev()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
}

/// Parses one JSON text (RFC 8259): one value, with only whitespace around it.
pub fn parse(text: &[u8]) -> Result<Value, DecodeError> {
    let mut p = Parser { text, at: 0 };
    let value = p.value(0)?;
    p.skip_space();
    if p.at < text.len() {
        return Err(p.fail("trailing characters"));
    }
    Ok(value)
}

struct Parser<'a> {
    text: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn fail(&self, what: &str) -> DecodeError {
        if self.at >= self.text.len() {
            DecodeError::new(format!("{what}: the text ends early"))
        } else {
            DecodeError::new(format!("{what} at byte {}", self.at))
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn expect_word(&mut self, word: &[u8], value: Value) -> Result<Value, DecodeError> {
        if self.text[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.fail("expected a value"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, DecodeError> {
        self.skip_space();
        match self.peek() {
            Some(b'n') => self.expect_word(b"null", Value::Null),
            Some(b't') => self.expect_word(b"true", Value::Bool(true)),
            Some(b'f') => self.expect_word(b"false", Value::Bool(false)),
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(open @ (b'[' | b'{')) => {
                if depth >= MAX_DEPTH {
                    return Err(self.fail("nested too deeply"));
                }
                self.at += 1;
                if open == b'[' {
                    self.array(depth + 1)
                } else {
                    self.object(depth + 1)
                }
            }
            _ => Err(self.fail("expected a value")),
        }
    }

    /// After `[`: items up to `]`.
    fn array(&mut self, depth: usize) -> Result<Value, DecodeError> {
        let mut items = Vec::new();
        self.skip_space();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            if self.after_item(b']')? {
                return Ok(Value::Array(items));
            }
        }
    }

    /// After `{`: members up to `}`.
    fn object(&mut self, depth: usize) -> Result<Value, DecodeError> {
        let mut members = Vec::new();
        self.skip_space();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_space();
            if self.peek() != Some(b'"') {
                return Err(self.fail("expected a member name"));
            }
            let name = self.string()?;
            self.skip_space();
            if self.peek() != Some(b':') {
                return Err(self.fail("expected `:`"));
            }
            self.at += 1;
            members.push((name, self.value(depth)?));
            if self.after_item(b'}')? {
                return Ok(Value::Object(members));
            }
        }
    }

    /// After an item: `,` (more follow, false) or `close` (done, true).
    fn after_item(&mut self, close: u8) -> Result<bool, DecodeError> {
        self.skip_space();
        match self.peek() {
            Some(b',') => {
                self.at += 1;
                Ok(false)
            }
            Some(c) if c == close => {
                self.at += 1;
                Ok(true)
            }
            _ => Err(self.fail(if close == b']' {
                "expected `,` or `]`"
            } else {
                "expected `,` or `}`"
            })),
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, kept as its text.
    fn number(&mut self) -> Result<Value, DecodeError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.fail("expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            self.required_digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            self.required_digits()?;
        }
        // Only ASCII digits and signs were accepted, so this is valid UTF-8.
        let text = String::from_utf8_lossy(&self.text[start..self.at]).into_owned();
        Ok(Value::Number(text))
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
    }

    fn required_digits(&mut self) -> Result<(), DecodeError> {
        let start = self.at;
        self.digits();
        if self.at == start {
            return Err(self.fail("expected a digit"));
        }
        Ok(())
    }

    /// At `"`: the string up to the closing quote, escapes resolved.
    fn string(&mut self) -> Result<String, DecodeError> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let start = self.at;
            while !matches!(self.peek(), None | Some(b'"' | b'\\' | 0..=0x1f)) {
                self.at += 1;
            }
            match std::str::from_utf8(&self.text[start..self.at]) {
                Ok(run) => out.push_str(run),
                Err(_) => return Err(DecodeError::new("a string is not UTF-8")),
            }
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    let escaped = self.peek().ok_or_else(|| self.fail("unfinished escape"))?;
                    self.at += 1;
                    out.push(match escaped {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return Err(self.fail("unknown escape")),
                    });
                }
                Some(_) => return Err(self.fail("a control character in a string")),
                None => return Err(self.fail("unterminated string")),
            }
        }
    }

    /// After `\u`: one character, joining a surrogate pair written as two escapes.
    fn unicode_escape(&mut self) -> Result<char, DecodeError> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if !self.text[self.at..].starts_with(b"\\u") {
                return Err(self.fail("a lone surrogate in a \\u escape"));
            }
            self.at += 2;
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(self.fail("a lone surrogate in a \\u escape"));
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| self.fail("a lone surrogate in a \\u escape"))
    }

    fn hex4(&mut self) -> Result<u32, DecodeError> {
        let digits = self
            .text
            .get(self.at..self.at + 4)
            .ok_or_else(|| self.fail("unfinished \\u escape"))?;
        let mut code = 0;
        for &d in digits {
            let v = (d as char)
                .to_digit(16)
                .ok_or_else(|| self.fail("a bad \\u escape"))?;
            code = code * 16 + v;
        }
        self.at += 4;
        Ok(code)
    }
}

/// A JSON number as whole milliseconds, for timestamps sent as epoch seconds (`1700000000`,
/// `1700000000.123`, `1.7e9`): exact decimal arithmetic, rounded to the nearest millisecond,
/// halves away from zero. `None` when it is not a number or out of range.
pub fn number_as_millis(text: &str) -> Option<i64> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], rest[i + 1..].parse::<i32>().ok()?),
        None => (rest, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if whole.is_empty() || !(whole.bytes().chain(fraction.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    // value = digits × 10^(scale): milliseconds are 10^3 of a second.
    let digits = format!("{whole}{fraction}");
    let digits = digits.trim_start_matches('0');
    let scale = i64::from(exponent) - fraction.len() as i64 + 3;
    if digits.is_empty() {
        return Some(0);
    }
    // Beyond 19 significant digits or far scales the answer cannot fit an i64 anyway.
    if digits.len() > 19 || !(-40..=19).contains(&scale) {
        return if scale < 0 && (digits.len() as i64) + scale < 0 {
            Some(0)
        } else {
            None
        };
    }
    // Up to 19 digits fit a u64 (below 1.8 × 10^19); u64, not i128, keeps 128-bit division
    // out of the wasm.
    let mut value: u64 = digits.parse().ok()?;
    if scale >= 0 {
        value = value.checked_mul(10u64.checked_pow(scale as u32)?)?;
    } else if scale < -19 {
        // Under 10^19 divided by at least 10^20: below one half.
        value = 0;
    } else {
        // Neither overflows: value < 10^19 and divisor / 2 <= 5 × 10^18.
        let divisor = 10u64.pow((-scale) as u32);
        value = (value + divisor / 2) / divisor;
    }
    let value = i64::try_from(value).ok()?;
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_kind_of_value() {
        let v = parse(
            br#" {"a": [1, -2.5e3, true, false, null], "b": {"c": "d\u00e9\n\"\\\/"}, "": {}} "#,
        )
        .unwrap();
        assert_eq!(v.get("a").unwrap().as_array().unwrap().len(), 5);
        assert_eq!(v.get("a").unwrap().as_array().unwrap()[0].as_i64(), Some(1));
        assert_eq!(
            v.get("a").unwrap().as_array().unwrap()[1].as_number(),
            Some("-2.5e3")
        );
        assert_eq!(
            v.get("b").and_then(|b| b.get("c")).and_then(Value::as_str),
            Some("dé\n\"\\/")
        );
        assert_eq!(v.get(""), Some(&Value::Object(Vec::new())));
    }

    #[test]
    fn a_repeated_member_reads_as_its_last() {
        let v = parse(br#"{"a": 1, "a": 2}"#).unwrap();
        assert_eq!(v.get("a").and_then(Value::as_i64), Some(2));
    }

    #[test]
    fn surrogate_pairs_join_and_lone_ones_are_refused() {
        let v = parse(br#""\ud83d\ude00""#).unwrap();
        assert_eq!(v.as_str(), Some("😀"));
        assert!(parse(br#""\ud83d""#).is_err());
        assert!(parse(br#""\ude00""#).is_err());
        assert!(parse(br#""\ud83d\u0041""#).is_err());
    }

    #[test]
    fn refuses_what_is_not_json() {
        for bad in [
            &b""[..],
            b"{",
            b"[1,]",
            b"{\"a\" 1}",
            b"{\"a\":1,}",
            b"01",
            b"1.",
            b"-",
            b"1e",
            b"tru",
            b"\"a",
            b"\"\\x\"",
            b"\"a\nb\"",
            b"{} {}",
            b"'a'",
            b"\"\xff\"",
            b"NaN",
        ] {
            assert!(parse(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        assert!(parse(deep.as_bytes()).is_err());
        let ok = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(parse(ok.as_bytes()).is_ok());
    }

    #[test]
    fn integers_read_exactly_and_non_integers_do_not_pass_as_integers() {
        assert_eq!(
            parse(b"9007199254740993").unwrap().as_i64(),
            Some(9007199254740993)
        );
        assert_eq!(parse(b"-1").unwrap().as_u64(), None);
        assert_eq!(parse(b"1.0").unwrap().as_i64(), None);
        assert_eq!(parse(b"1e3").unwrap().as_i64(), None);
    }

    #[test]
    fn epoch_seconds_become_milliseconds() {
        for (text, ms) in [
            ("1700000000", Some(1_700_000_000_000)),
            ("1700000000.123", Some(1_700_000_000_123)),
            ("1700000000.1235", Some(1_700_000_000_124)),
            ("1.7e9", Some(1_700_000_000_000)),
            ("1.7000000001E9", Some(1_700_000_000_100)),
            ("-1.5", Some(-1_500)),
            ("0", Some(0)),
            ("0.0000001", Some(0)),
            ("1e-30", Some(0)),
            // The edges of the u64 arithmetic: 19 digits at the largest and smallest scales.
            ("9223372036854775.807", Some(i64::MAX)),
            ("9223372036854775.808", None),
            ("9.999999999999999999e-4", Some(1)),
            ("9.999999999999999999e-5", Some(0)),
            ("5.000000000000000000e-4", Some(1)),
            ("1e30", None),
            ("99999999999999999999", None),
            ("abc", None),
            ("", None),
            (".5", None),
        ] {
            assert_eq!(number_as_millis(text), ms, "{text}");
        }
    }

    #[test]
    fn writes_as_serde_json_does() {
        // Names in sorted order: serde_json's own map writes them sorted.
        let v = Value::object([
            ("empty", Value::Array(Vec::new())),
            ("flag", true.into()),
            ("id", "r-1 \"quoted\" \\ é \u{1} \u{8}\u{c}\n\r\t".into()),
            (
                "list",
                Value::Array(vec![
                    Value::object([("a", 1u32.into())]),
                    vec!["x", "y"].into(),
                ]),
            ),
            ("n", 42i64.into()),
            ("none", None::<String>.into()),
            ("obj", Value::Object(Vec::new())),
        ]);
        let theirs: serde_json::Value = serde_json::from_str(&v.to_text()).unwrap();
        assert_eq!(serde_json::to_string(&theirs).unwrap(), v.to_text());
        assert_eq!(
            serde_json::to_string_pretty(&theirs).unwrap(),
            v.to_pretty_text()
        );
        assert_eq!(parse(v.to_text().as_bytes()).unwrap(), v);
        assert_eq!(parse(v.to_pretty_text().as_bytes()).unwrap(), v);
    }
}
