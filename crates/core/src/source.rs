//! Byte spans, values carrying their spans, and the line index that turns byte
//! offsets into the line/column forms people (1-based) and editors (UTF-16) use.

use serde::Serialize;
use std::fmt;
use std::ops::Range;

/// A half-open byte range into a policy text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const fn new(start: u32, end: u32) -> Self {
        Self { start, end }
    }

    /// The byte range, for slicing the text.
    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn len(self) -> u32 {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        (span.start as usize, span.len() as usize).into()
    }
}

/// A value together with where it was written. Equality looks at the value only.
#[derive(Clone)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Eq> Eq for Spanned<T> {}

impl<T: fmt::Debug> fmt::Debug for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} @ {}..{}",
            self.value, self.span.start, self.span.end
        )
    }
}

/// A position for people: 1-based line, 1-based column counted in characters,
/// plus the 1-based column counted in UTF-16 code units (SARIF, browsers).
/// `i` clamped to `text` and moved back to the start of the character it falls in.
pub fn floor_char_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `i` clamped to `text` and moved forward to the end of the character it falls in.
pub fn ceil_char_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
    pub column_utf16: u32,
}

/// Maps byte offsets of one text to lines and columns.
#[derive(Clone, Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// A checkpoint at every line start and about every [`ANCHOR_EVERY`] bytes inside a
    /// long line, so locating a position counts at most that many bytes: a minified
    /// 1 MB one-line policy with 100,000 findings stays fast.
    anchors: Vec<Anchor>,
    /// The whole text is ASCII: the anchors are the line starts only, and a column is
    /// a byte difference (no counting at all).
    ascii: bool,
}

/// Bytes between two checkpoints inside one line.
const ANCHOR_EVERY: usize = 256;

#[derive(Clone, Copy, Debug)]
struct Anchor {
    byte: u32,
    /// 0-based line.
    line: u32,
    /// Characters and UTF-16 units from the line start to here.
    col_chars: u32,
    col_utf16: u32,
    /// UTF-16 units from the start of the text to here.
    abs_utf16: u32,
}

/// The line starts of `bytes` (after the first) and whether it is all ASCII, eight
/// bytes at a time: a policy is mostly short lines, where one `memchr` call per line
/// costs more than the line.
fn ascii_line_starts(bytes: &[u8], anchors: &mut Vec<Anchor>) -> bool {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES * 0x80;
    const LOW7: u64 = ONES * 0x7F;
    let mut seen = 0u64;
    let mut line = 0u32;
    let mut push = |at: usize| {
        line = line.saturating_add(1);
        let byte = u32::try_from(at + 1).unwrap_or(u32::MAX);
        anchors.push(Anchor {
            byte,
            line,
            col_chars: 0,
            col_utf16: 0,
            abs_utf16: byte,
        });
    };
    let mut chunks = bytes.chunks_exact(8);
    let mut base = 0usize;
    for chunk in chunks.by_ref() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let v = u64::from_le_bytes(word);
        seen |= v;
        // Exactly the bytes equal to `\n` (no borrow between bytes: the high bit is
        // handled apart), so every flagged byte is a newline.
        let x = v ^ (ONES * u64::from(b'\n'));
        let mut hits = !(((x & LOW7) + LOW7) | x | LOW7);
        while hits != 0 {
            push(base + (hits.trailing_zeros() / 8) as usize);
            hits &= hits - 1;
        }
        base += 8;
    }
    for (j, &b) in chunks.remainder().iter().enumerate() {
        seen |= u64::from(b);
        if b == b'\n' {
            push(base + j);
        }
    }
    seen & HIGH == 0
}

/// Whether `bytes` has a CR that no LF follows.
fn has_lone_cr(bytes: &[u8]) -> bool {
    let mut from = 0;
    while let Some(i) = bytes
        .get(from..)
        .and_then(|b| b.iter().position(|&c| c == b'\r'))
    {
        let at = from + i;
        if bytes.get(at + 1) != Some(&b'\n') {
            return true;
        }
        from = at + 2;
    }
    false
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut anchors = Vec::with_capacity((text.len() / 24 + 1).min(1 << 16));
        anchors.push(Anchor {
            byte: 0,
            line: 0,
            col_chars: 0,
            col_utf16: 0,
            abs_utf16: 0,
        });
        // A lone CR ends a line too (old Mac files; SARIF §3.30.2 counts it), which the
        // fast scan does not see: such a text takes the general path.
        if ascii_line_starts(text.as_bytes(), &mut anchors) && !has_lone_cr(text.as_bytes()) {
            return Self {
                text,
                anchors,
                ascii: true,
            };
        }
        anchors.truncate(1);
        Self::general(text, anchors)
    }

    /// Any text: checkpoints at line starts and inside long lines, columns counted in
    /// characters and UTF-16 units.
    fn general(text: &'a str, mut anchors: Vec<Anchor>) -> Self {
        let sat = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let (mut line, mut col_chars, mut col_utf16, mut abs_utf16) = (0u32, 0u32, 0u32, 0u32);
        let mut last = 0usize;
        let bytes = text.as_bytes();
        let mut start = 0usize;
        while start < bytes.len() {
            // One line at a time (`find` searches for the newline with memchr). A lone CR
            // ends a line; the CR of a CRLF stays in the line it ends, as a character.
            let mut end = text
                .get(start..)
                .and_then(|rest| rest.find(['\n', '\r']))
                .map_or(bytes.len(), |i| start + i);
            if bytes.get(end) == Some(&b'\r') && bytes.get(end + 1) == Some(&b'\n') {
                end += 1;
            }
            let body = bytes.get(start..end).unwrap_or(&[]);
            if body.is_ascii() {
                // ASCII: every byte is one character and one UTF-16 unit.
                let mut i = (last + ANCHOR_EVERY).max(start);
                while i < end {
                    let d = sat(i - start);
                    anchors.push(Anchor {
                        byte: sat(i),
                        line,
                        col_chars: col_chars.saturating_add(d),
                        col_utf16: col_utf16.saturating_add(d),
                        abs_utf16: abs_utf16.saturating_add(d),
                    });
                    last = i;
                    i += ANCHOR_EVERY;
                }
                let n = sat(body.len());
                col_chars = col_chars.saturating_add(n);
                col_utf16 = col_utf16.saturating_add(n);
                abs_utf16 = abs_utf16.saturating_add(n);
            } else {
                // Byte by byte: a character starts at every byte that is not a UTF-8
                // continuation byte, and takes two UTF-16 units when it is 4 bytes long.
                for (j, &b) in body.iter().enumerate() {
                    let i = start + j;
                    if b & 0xC0 == 0x80 {
                        continue;
                    }
                    if i - last >= ANCHOR_EVERY {
                        anchors.push(Anchor {
                            byte: sat(i),
                            line,
                            col_chars,
                            col_utf16,
                            abs_utf16,
                        });
                        last = i;
                    }
                    let units = if b >= 0xF0 { 2 } else { 1 };
                    abs_utf16 = abs_utf16.saturating_add(units);
                    col_chars = col_chars.saturating_add(1);
                    col_utf16 = col_utf16.saturating_add(units);
                }
            }
            if end < bytes.len() {
                // The newline itself.
                if end - last >= ANCHOR_EVERY {
                    anchors.push(Anchor {
                        byte: sat(end),
                        line,
                        col_chars,
                        col_utf16,
                        abs_utf16,
                    });
                }
                abs_utf16 = abs_utf16.saturating_add(1);
                line = line.saturating_add(1);
                col_chars = 0;
                col_utf16 = 0;
                anchors.push(Anchor {
                    byte: sat(end + 1),
                    line,
                    col_chars,
                    col_utf16,
                    abs_utf16,
                });
                last = end + 1;
            }
            start = end + 1;
        }
        Self {
            text,
            anchors,
            ascii: false,
        }
    }

    /// The offset moved back to a character boundary, its checkpoint, and the text between.
    fn locate(&self, offset: u32) -> (Anchor, &'a str) {
        let offset = floor_char_boundary(self.text, offset as usize);
        let i = self
            .anchors
            .partition_point(|a| a.byte as usize <= offset)
            .saturating_sub(1);
        let anchor = self.anchors.get(i).copied().unwrap_or(Anchor {
            byte: 0,
            line: 0,
            col_chars: 0,
            col_utf16: 0,
            abs_utf16: 0,
        });
        let text: &'a str = self.text;
        (anchor, text.get(anchor.byte as usize..offset).unwrap_or(""))
    }

    pub fn line_col(&self, offset: u32) -> LineCol {
        let (a, prefix) = self.locate(offset);
        let (chars, units) = if self.ascii || prefix.is_ascii() {
            (prefix.len() as u32, prefix.len() as u32)
        } else {
            (
                prefix.chars().count() as u32,
                prefix.encode_utf16().count() as u32,
            )
        };
        LineCol {
            line: a.line + 1,
            column: a.col_chars + chars + 1,
            column_utf16: a.col_utf16 + units + 1,
        }
    }

    pub fn utf16_offset(&self, offset: u32) -> u32 {
        if self.ascii {
            return offset.min(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        }
        let (a, prefix) = self.locate(offset);
        a.abs_utf16 + prefix.encode_utf16().count() as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_columns_count_characters_and_utf16_units() {
        let text = "{\n  \"ü😀\": 1\n}";
        let idx = LineIndex::new(text);
        assert_eq!(
            idx.line_col(0),
            LineCol {
                line: 1,
                column: 1,
                column_utf16: 1
            }
        );
        let colon = text.find(':').unwrap() as u32;
        let lc = idx.line_col(colon);
        assert_eq!(lc.line, 2);
        // `  "ü😀"` is 6 characters, 7 UTF-16 units (the emoji is a surrogate pair)
        assert_eq!(lc.column, 7);
        assert_eq!(lc.column_utf16, 8);
        assert_eq!(idx.utf16_offset(colon), 2 + 2 + 1 + 1 + 2 + 1);
    }

    /// Line, columns and UTF-16 offset at every character boundary, counted naively.
    fn check_against_naive(text: &str) {
        let idx = LineIndex::new(text);
        for (i, _) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            let before = &text[..i];
            // Line breaks: LF, and a CR that no LF follows (in the whole text).
            let breaks: Vec<usize> = before
                .char_indices()
                .filter(|&(j, c)| c == '\n' || (c == '\r' && !text[j + 1..].starts_with('\n')))
                .map(|(j, _)| j)
                .collect();
            let line_start = breaks.last().map_or(0, |n| n + 1);
            let col = &text[line_start..i];
            let want = LineCol {
                line: breaks.len() as u32 + 1,
                column: col.chars().count() as u32 + 1,
                column_utf16: col.encode_utf16().count() as u32 + 1,
            };
            assert_eq!(idx.line_col(i as u32), want, "at byte {i}");
            assert_eq!(
                idx.utf16_offset(i as u32),
                before.encode_utf16().count() as u32,
                "at byte {i}"
            );
        }
    }

    #[test]
    fn long_lines_ascii_or_not_agree_with_naive_counting() {
        // Lines shorter and longer than the checkpoint distance, ASCII and not,
        // starting and ending with newlines, CRLF, and an unterminated last line.
        let long_ascii = "x".repeat(3 * ANCHOR_EVERY + 7);
        let long_mixed = "aü😀".repeat(ANCHOR_EVERY);
        for text in [
            String::new(),
            "\n".to_string(),
            "\n\n".to_string(),
            format!("{long_ascii}\n{long_mixed}\n{long_ascii}"),
            format!("\n{long_mixed}{long_ascii}\r\n😀\n"),
            format!(
                "{}\n{}",
                "y".repeat(ANCHOR_EVERY),
                "z".repeat(ANCHOR_EVERY - 1)
            ),
            format!("😀{long_ascii}\n\n{long_ascii}ü"),
            // Lone CRs (old Mac line ends), mixed with CRLF and LF, ASCII and not.
            "{\r  \"a\": 1\r}\r".to_string(),
            format!("ü\r\r\n\r{long_ascii}\r\n{long_mixed}\r"),
        ] {
            check_against_naive(&text);
        }
    }

    #[test]
    fn ascii_texts_agree_with_naive_counting() {
        // The all-ASCII path: newlines at every position inside and across the 8-byte
        // words, runs of newlines, CRLF, bytes one off from a newline, no final newline.
        for len in 0..40usize {
            for every in 1..12usize {
                let text: String = (0..len)
                    .map(|i| match i % every {
                        0 => '\n',
                        1 => '\r',
                        2 => '\u{b}',
                        3 => '\t',
                        _ => 'x',
                    })
                    .collect();
                check_against_naive(&text);
            }
        }
        let long = format!("{}\n{}", "a".repeat(5 * ANCHOR_EVERY + 3), "b".repeat(17));
        check_against_naive(&long);
        // Past the end: clamped.
        let idx = LineIndex::new("ab\ncd");
        assert_eq!(idx.utf16_offset(99), 5);
        assert_eq!(idx.line_col(99).line, 2);
        assert_eq!(idx.line_col(99).column, 3);
    }

    #[test]
    fn utf16_offsets_agree_with_counting_from_the_start() {
        let text = "a😀\nbü\r\n😀😀x\n\nend";
        let idx = LineIndex::new(text);
        for (i, _) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            let want = text[..i].encode_utf16().count() as u32;
            assert_eq!(idx.utf16_offset(i as u32), want, "at byte {i}");
        }
    }

    #[test]
    fn checkpoints_in_long_lines_agree_with_counting_from_the_line_start() {
        // Long lines (several checkpoints each) mixing 1-, 2-, 3- and 4-byte characters.
        let line: String = (0..700).map(|i| ["a", "ü", "€", "😀"][i % 4]).collect();
        let text = format!("{line}\n{line}x\n\n{line}");
        check_against_naive(&text);
        let idx = LineIndex::new(&text);
        // Inside a character: moved back to its start.
        let emoji = text.find('😀').unwrap();
        assert_eq!(idx.line_col(emoji as u32 + 2), idx.line_col(emoji as u32));
    }

    #[test]
    fn spanned_equality_ignores_spans() {
        assert_eq!(
            Spanned::new("a", Span::new(0, 1)),
            Spanned::new("a", Span::new(5, 9))
        );
    }
}
