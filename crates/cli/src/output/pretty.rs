//! `serde_json`'s pretty printing, byte for byte, with one write per line break.
//!
//! `serde_json::ser::PrettyFormatter` writes the indentation one level at a time (a
//! separate `write_all` per level). A lint report is tens of megabytes of deeply
//! nested objects, where that loop was a sixth of the serialisation; this formatter
//! writes the line break and the whole indentation as one slice.

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

#[derive(Default)]
pub struct Pretty {
    depth: usize,
    has_value: bool,
}

impl Pretty {
    fn line_break<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        let inline = self.depth.min(MAX_INLINE);
        w.write_all(BREAK.get(..1 + 2 * inline).unwrap_or(b"\n"))?;
        for _ in inline..self.depth {
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
}
