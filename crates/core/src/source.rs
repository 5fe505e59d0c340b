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
    /// Byte offset of the first character of each line.
    line_starts: Vec<u32>,
    /// UTF-16 offset of the first character of each line (so a conversion only counts
    /// within its line).
    line_starts_utf16: Vec<u32>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0u32];
        let mut line_starts_utf16 = vec![0u32];
        let mut units: u32 = 0;
        for (i, c) in text.char_indices() {
            units = units.saturating_add(c.len_utf16() as u32);
            if c == '\n' {
                line_starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
                line_starts_utf16.push(units);
            }
        }
        Self {
            text,
            line_starts,
            line_starts_utf16,
        }
    }

    /// `offset` clamped to the text and moved back to a character boundary, and its line (0-based).
    fn locate(&self, offset: u32) -> (usize, usize) {
        let mut offset = (offset as usize).min(self.text.len());
        while offset > 0 && !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.line_starts.binary_search(&(offset as u32)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        (offset, line)
    }

    /// The line and columns of byte `offset` (clamped to the text and to a character boundary).
    pub fn line_col(&self, offset: u32) -> LineCol {
        let (offset, line) = self.locate(offset);
        let start = self.line_starts.get(line).copied().unwrap_or(0) as usize;
        let prefix = self.text.get(start..offset).unwrap_or("");
        LineCol {
            line: line as u32 + 1,
            column: prefix.chars().count() as u32 + 1,
            column_utf16: prefix.encode_utf16().count() as u32 + 1,
        }
    }

    /// The UTF-16 code-unit offset of byte `offset` from the start of the text.
    pub fn utf16_offset(&self, offset: u32) -> u32 {
        let (offset, line) = self.locate(offset);
        let start = self.line_starts.get(line).copied().unwrap_or(0) as usize;
        let base = self.line_starts_utf16.get(line).copied().unwrap_or(0);
        let within = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.encode_utf16().count() as u32);
        base + within
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
    fn spanned_equality_ignores_spans() {
        assert_eq!(
            Spanned::new("a", Span::new(0, 1)),
            Spanned::new("a", Span::new(5, 9))
        );
    }
}
