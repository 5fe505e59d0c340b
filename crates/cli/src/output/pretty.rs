//! `serde_json`'s pretty printing, byte for byte, with one write per line break.
//!
//! `serde_json::ser::PrettyFormatter` writes the indentation one level at a time (a
//! separate `write_all` per level). A lint report is tens of megabytes of deeply
//! nested objects, where that loop was a sixth of the serialisation; this formatter
//! writes the line break and the whole indentation as one slice.
//!
//! [`Out`] writes the same layout without `serde` at all, for the JSON lint report
//! (see `json::fragment`).

use serde::Serialize;
use serde_json::ser::Formatter;
use std::io::{self, Write};

/// A line break followed by enough indentation for any depth below [`MAX_INLINE`].
const BREAK: &[u8; 1 + 2 * MAX_INLINE] = &{
    let mut b = [b' '; 1 + 2 * MAX_INLINE];
    b[0] = b'\n';
    b
};
/// Nesting depths written with one slice (deeper ones add the rest level by level).
const MAX_INLINE: usize = 32;
/// [`BREAK`] as text (it is ASCII).
const BREAK_STR: &str = match std::str::from_utf8(BREAK) {
    Ok(s) => s,
    Err(_) => "\n",
};

/// The line break before a value at `depth`: one slice holding the break and up to
/// [`MAX_INLINE`] levels of indentation, and how many levels of `"  "` follow it.
fn line_break_at(depth: usize) -> (&'static str, usize) {
    let inline = depth.min(MAX_INLINE);
    (
        BREAK_STR.get(..1 + 2 * inline).unwrap_or("\n"),
        depth - inline,
    )
}

#[derive(Default)]
pub struct Pretty {
    depth: usize,
    has_value: bool,
}

impl Pretty {
    fn line_break<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        let (head, more) = line_break_at(self.depth);
        w.write_all(head.as_bytes())?;
        for _ in 0..more {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth = self.depth.saturating_sub(1);
        if self.has_value {
            self.line_break(w)?;
        }
        w.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.line_break(w)
    }
}

impl Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// `serde_json::to_string_pretty`, the same text, into a buffer of about `capacity` bytes.
pub fn to_string<T: Serialize + ?Sized>(value: &T, capacity: usize) -> String {
    let mut out = Vec::with_capacity(capacity);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Pretty::default());
    if value.serialize(&mut ser).is_err() {
        return String::new();
    }
    // serde_json writes only valid UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

/// A JSON writer with the layout of `serde_json::to_string_pretty`, byte for byte,
/// straight into a `String`: no `Serialize` types in between, and strings escaped a word
/// at a time (`serde_json` looks every byte up in a table; report strings are mostly
/// long runs of plain text).
///
/// The caller writes the members and elements in order: `key` before each member's
/// value, `item` before each array element.
pub struct Out {
    buf: String,
    depth: usize,
    /// The innermost open container has nothing in it yet.
    empty: bool,
}

impl Out {
    pub fn with_capacity(capacity: usize) -> Out {
        Out {
            buf: String::with_capacity(capacity),
            depth: 0,
            empty: true,
        }
    }

    pub fn into_string(self) -> String {
        self.buf
    }

    fn line_break(&mut self) {
        let (head, more) = line_break_at(self.depth);
        self.buf.push_str(head);
        for _ in 0..more {
            self.buf.push_str("  ");
        }
    }

    fn open(&mut self, bracket: char) {
        self.buf.push(bracket);
        self.depth += 1;
        self.empty = true;
    }

    fn close(&mut self, bracket: char) {
        self.depth = self.depth.saturating_sub(1);
        if !self.empty {
            self.line_break();
        }
        self.buf.push(bracket);
        // The container is a value of its parent.
        self.empty = false;
    }

    pub fn begin_object(&mut self) {
        self.open('{');
    }

    pub fn end_object(&mut self) {
        self.close('}');
    }

    pub fn begin_array(&mut self) {
        self.open('[');
    }

    pub fn end_array(&mut self) {
        self.close(']');
    }

    /// Start the next array element.
    pub fn item(&mut self) {
        if !self.empty {
            self.buf.push(',');
        }
        self.line_break();
        self.empty = false;
    }

    /// Start the next object member: its key, then its value. The key must be a plain
    /// name, written as it is (a report's member names); see [`Out::key_str`].
    pub fn key(&mut self, key: &str) {
        debug_assert!(next_escape(key.as_bytes(), 0).is_none(), "{key:?}");
        self.item();
        self.buf.push('"');
        self.buf.push_str(key);
        self.buf.push_str("\": ");
    }

    /// Start the next object member with any key (escaped as needed).
    pub fn key_str(&mut self, key: &str) {
        self.item();
        self.str(key);
        self.buf.push_str(": ");
    }

    pub fn str(&mut self, s: &str) {
        self.buf.push('"');
        push_escaped(&mut self.buf, s);
        self.buf.push('"');
    }

    pub fn uint(&mut self, n: u64) {
        push_uint(&mut self.buf, n);
    }

    pub fn bool(&mut self, b: bool) {
        self.buf.push_str(if b { "true" } else { "false" });
    }

    pub fn null(&mut self) {
        self.buf.push_str("null");
    }

    /// `null`, or the string.
    pub fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.str(s),
            None => self.null(),
        }
    }

    /// An array of strings.
    pub fn strs<S: AsRef<str>>(&mut self, items: &[S]) {
        self.begin_array();
        for s in items {
            self.item();
            self.str(s.as_ref());
        }
        self.end_array();
    }
}

const ONES: u64 = u64::MAX / 255;
const HIGH: u64 = ONES * 0x80;

/// The high bit of the bytes of `v` that JSON escapes (`"`, `\\` and the control
/// characters), exact up to the first: a hit may flag bytes above it too.
fn escape_bytes(v: u64) -> u64 {
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x;
    (below(v ^ (ONES * u64::from(b'"')), 1)
        | below(v ^ (ONES * u64::from(b'\\')), 1)
        | below(v, 0x20))
        & HIGH
}

/// The eight bytes from `at` as one word, if there are eight.
fn word_at(bytes: &[u8], at: usize) -> Option<u64> {
    let chunk = bytes.get(at..at.checked_add(8)?)?;
    let mut word = [0u8; 8];
    word.copy_from_slice(chunk);
    Some(u64::from_le_bytes(word))
}

/// The position of the first byte from `from` on that JSON escapes, eight at a time.
fn next_escape(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(word) = word_at(bytes, at) {
        let hits = escape_bytes(word);
        if hits != 0 {
            return Some(at + (hits.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let rest = bytes.get(at..).filter(|r| !r.is_empty())?;
    // Fewer than eight bytes left: the last eight bytes of the text shifted down to
    // them, or the rest padded when the text is shorter. What fills the top is no part
    // of the text: its hits do not count.
    let word = match bytes.len().checked_sub(8) {
        Some(base) => word_at(bytes, base)? >> (8 * (at - base)),
        None => {
            let mut word = [0u8; 8];
            word.get_mut(..rest.len())?.copy_from_slice(rest);
            u64::from_le_bytes(word)
        }
    };
    let hits = escape_bytes(word) & (u64::MAX >> (64 - 8 * rest.len()));
    (hits != 0).then(|| at + (hits.trailing_zeros() / 8) as usize)
}

/// `s` with `serde_json`'s escapes: `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, `\u00xx` for the
/// other control characters; everything else (non-ASCII too) as it is.
fn push_escaped(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    let mut start = 0;
    while let Some(i) = next_escape(bytes, start) {
        // The escaped byte is ASCII, so both ends are character boundaries.
        out.push_str(s.get(start..i).unwrap_or(""));
        let b = bytes.get(i).copied().unwrap_or(0);
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0C => out.push_str("\\f"),
            _ => {
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xF)]));
            }
        }
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or(""));
}

fn push_uint(out: &mut String, n: u64) {
    if n >= 10 {
        push_uint(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_same_text_as_serde_json_pretty() {
        // Empty and nested containers, strings needing escapes, and nesting deeper
        // than the inline indentation.
        let mut deep = json!({"leaf": [1, {"x": []}]});
        for i in 0..(MAX_INLINE + 5) {
            deep = if i % 2 == 0 {
                json!({ "k": deep, "e": {} })
            } else {
                json!([deep, [], "s\n\"\u{1}"])
            };
        }
        for v in [
            json!(null),
            json!([]),
            json!({}),
            json!([[]]),
            json!({"a": {}, "b": [], "c": [1, 2.5, "x"], "d": {"e": null, "f": true}}),
            deep,
        ] {
            let want = serde_json::to_string_pretty(&v).unwrap_or_default();
            assert_eq!(to_string(&v, 0), want);
            assert!(!want.is_empty());
        }
    }

    /// `v` through [`Out`] (numbers: unsigned integers only).
    fn write(o: &mut Out, v: &serde_json::Value) {
        use serde_json::Value;
        match v {
            Value::Null => o.null(),
            Value::Bool(b) => o.bool(*b),
            Value::Number(n) => o.uint(n.as_u64().unwrap()),
            Value::String(s) => o.str(s),
            Value::Array(items) => {
                o.begin_array();
                for item in items {
                    o.item();
                    write(o, item);
                }
                o.end_array();
            }
            Value::Object(members) => {
                o.begin_object();
                for (k, item) in members {
                    o.key_str(k);
                    write(o, item);
                }
                o.end_object();
            }
        }
    }

    fn out(v: &serde_json::Value) -> String {
        let mut o = Out::with_capacity(0);
        write(&mut o, v);
        o.into_string()
    }

    #[test]
    fn the_writer_lays_out_as_serde_json_pretty() {
        let mut deep = json!({"leaf": [1, {"x": []}]});
        for i in 0..(MAX_INLINE + 5) {
            deep = if i % 2 == 0 {
                json!({ "k": deep, "e": {}, "n\n\"": [null, false] })
            } else {
                json!([deep, [], "s\n\"\u{1}", {}])
            };
        }
        for v in [
            json!(null),
            json!(true),
            json!(0),
            json!(u64::MAX),
            json!("x"),
            json!([]),
            json!({}),
            json!([[]]),
            json!([{}]),
            json!({"a": [{}]}),
            json!({"a": {}, "b": [], "c": [1, 25, "x"], "d": {"e": null, "f": true}}),
            deep,
        ] {
            assert_eq!(out(&v), serde_json::to_string_pretty(&v).unwrap());
        }
    }

    #[test]
    fn numbers_are_written_as_serde_json_does() {
        let mut n = 1u64;
        let mut cases = vec![0, u64::MAX, u64::MAX - 1];
        for _ in 0..20 {
            cases.extend([n - 1, n, n.saturating_add(1), n.saturating_mul(7)]);
            n = n.saturating_mul(10);
        }
        for n in cases {
            assert_eq!(out(&json!(n)), n.to_string(), "{n}");
        }
    }

    #[test]
    fn strings_are_escaped_as_serde_json_does() {
        // Every ASCII character alone, then at every position of a longer run (the
        // escaper reads eight bytes at a time).
        for b in 0..=0x7Fu8 {
            let c = char::from(b);
            for s in [
                c.to_string(),
                format!("{c}{c}"),
                format!("abcdefg{c}"),
                format!("abcdefgh{c}"),
                format!("{c}abcdefghijklmnop{c}"),
            ] {
                assert_eq!(out(&json!(s)), serde_json::to_string(&s).unwrap(), "{s:?}");
            }
        }
        // Random strings of escapes, plain ASCII and multi-byte characters.
        let pieces = [
            "a", "Z", " ", "~", "\x7f", "\"", "\\", "\n", "\r", "\t", "\u{8}", "\u{c}", "\u{0}",
            "\u{1f}", "\u{1}", "ü", "→", "😀", "\u{80}", "\u{7ff}", "\u{ffff}", "abcdefgh",
        ];
        let mut next = crate::output::test_rng(0x9E37_79B9_7F4A_7C15u64);
        for _ in 0..20_000 {
            let len = next() % 40;
            let s: String = (0..len)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            let v = json!({ s.clone(): [s.clone(), {"k": s}] });
            assert_eq!(out(&v), serde_json::to_string_pretty(&v).unwrap());
        }
    }
}
