//! A strict RFC 8259 JSON parser that keeps a byte span on every value and every
//! object key. `serde_json` loses positions and silently keeps the last of two
//! duplicate keys; policies need both facts, so this parser is our own.
//!
//! Strictness: no comments, no trailing commas, no single quotes, no BOM, no
//! unescaped control characters, no lone surrogates. Duplicate keys are kept in
//! the tree (both occurrences) and reported as `PC002` with both places labelled.
//! Nesting deeper than [`MAX_DEPTH`] is an error, so hostile input cannot
//! overflow the stack.

use crate::diagnostic::{codes, Diagnostic};
use crate::source::{ceil_char_boundary, floor_char_boundary, Span};

/// The arena a JSON tree lives in (see [`parse`]): every array's items and object's
/// members are one slice of it, so building the tree costs no allocation per node and
/// dropping it costs nothing. One arena can hold several trees; reuse it with
/// `reset` once they are gone.
pub use bumpalo::Bump as Arena;

/// Deepest nesting accepted. A bucket policy needs about 6 levels.
pub const MAX_DEPTH: usize = 128;

/// A JSON value with its span.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Json<'a> {
    pub kind: JsonKind<'a>,
    pub span: Span,
}

/// One member of a JSON object.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Member<'a> {
    /// Borrowed from the text, or from the arena when the key has escapes.
    pub key: &'a str,
    /// The key's span, quotes included.
    pub key_span: Span,
    pub value: Json<'a>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum JsonKind<'a> {
    Null,
    Bool(bool),
    /// The number exactly as written.
    Number(&'a str),
    /// Borrowed from the text, or from the arena when the string has escapes.
    String(&'a str),
    /// In the arena.
    Array(&'a [Json<'a>]),
    /// In the arena, in text order.
    Object(&'a [Member<'a>]),
}

impl<'a> Json<'a> {
    /// A short name of the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            JsonKind::Null => "null",
            JsonKind::Bool(_) => "a boolean",
            JsonKind::Number(_) => "a number",
            JsonKind::String(_) => "a string",
            JsonKind::Array(_) => "an array",
            JsonKind::Object(_) => "an object",
        }
    }

    pub fn as_str(&self) -> Option<&'a str> {
        match self.kind {
            JsonKind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&'a [Member<'a>]> {
        match self.kind {
            JsonKind::Object(m) => Some(m),
            _ => None,
        }
    }
}

/// The JSON pointer (RFC 6901) of the deepest value whose span contains `span`, or whose
/// key is `span` (then the pointer names that member). Empty for the document itself.
pub fn pointer_at(root: &Json, span: Span) -> String {
    let mut out = String::new();
    let mut node = root;
    loop {
        let next = match &node.kind {
            // Members and items are in text order: binary search for the one that
            // starts at or before `span` (a 100,000-key object stays fast).
            JsonKind::Object(members) => {
                let i = members
                    .partition_point(|m| m.key_span.start <= span.start)
                    .checked_sub(1);
                i.and_then(|i| members.get(i)).and_then(|m| {
                    let inside = m.value.span.start <= span.start && span.end <= m.value.span.end;
                    let on_key = m.key_span.start <= span.start && span.end <= m.key_span.end;
                    (inside || on_key).then(|| (escape_pointer(m.key), &m.value, on_key))
                })
            }
            JsonKind::Array(items) => {
                let i = items
                    .partition_point(|v| v.span.start <= span.start)
                    .checked_sub(1);
                i.and_then(|i| items.get(i).map(|v| (i, v)))
                    .filter(|(_, v)| v.span.start <= span.start && span.end <= v.span.end)
                    .map(|(i, v)| (i.to_string(), v, false))
            }
            _ => None,
        };
        match next {
            Some((seg, child, on_key)) => {
                out.push('/');
                out.push_str(&seg);
                if on_key {
                    return out;
                }
                node = child;
            }
            None => return out,
        }
    }
}

fn escape_pointer(key: &str) -> String {
    if key.contains(['~', '/']) {
        key.replace('~', "~0").replace('/', "~1")
    } else {
        key.to_string()
    }
}

/// The result of parsing: the tree (when the text is valid JSON) and the
/// problems found. Duplicate keys do not stop parsing; syntax errors do.
#[derive(Debug)]
pub struct Parsed<'a> {
    pub value: Option<Json<'a>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parse raw bytes: checks UTF-8 first (reporting the first bad byte).
pub fn parse_bytes<'a>(
    bytes: &'a [u8],
    arena: &'a Arena,
) -> Result<(&'a str, Parsed<'a>), Box<Diagnostic>> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((text, parse(text, arena))),
        Err(e) => {
            let at = e.valid_up_to();
            let bad = bytes.get(at).copied().unwrap_or(0);
            let at32 = u32::try_from(at).unwrap_or(u32::MAX);
            Err(Box::new(Diagnostic::new(
                &codes::INVALID_JSON,
                Span::new(at32, at32.saturating_add(1)),
                format!("invalid UTF-8: byte 0x{bad:02X} at offset {at} is not part of a valid UTF-8 sequence"),
            )
            .with_help("policies must be UTF-8; re-save the file as UTF-8")))
        }
    }
}

/// An arena sized for the tree of a `len`-byte text: one allocation for the usual
/// policy (the tree of a pretty-printed policy takes 1.5 to 2.1 times the bytes of its
/// text; three times leaves room for dense ones).
pub fn arena_for(len: usize) -> Arena {
    Arena::with_capacity(len.saturating_mul(3).min(1 << 24) + 256)
}

/// Run `f` with this thread's spare arena, emptied afterwards and kept for the next
/// call, so parsing file after file allocates no arena at all (with the system
/// allocator, a fresh large block per file also makes it consolidate every small
/// block freed since the last one). A nested call gets an arena of its own; an arena
/// grown past 1 MiB (a huge file) is freed rather than kept.
pub fn with_arena<R>(len: usize, f: impl FnOnce(&Arena) -> R) -> R {
    thread_local! {
        static SPARE: std::cell::Cell<Option<Arena>> = const { std::cell::Cell::new(None) };
    }
    let mut arena = SPARE
        .with(std::cell::Cell::take)
        .unwrap_or_else(|| arena_for(len));
    let out = f(&arena);
    if arena.allocated_bytes() <= 1 << 20 {
        arena.reset();
        SPARE.with(|spare| spare.set(Some(arena)));
    }
    out
}

/// Parse a text; the tree's arrays and objects are allocated in `arena`.
pub fn parse<'a>(text: &'a str, arena: &'a Arena) -> Parsed<'a> {
    if text.len() > u32::MAX as usize / 2 {
        return Parsed {
            value: None,
            diagnostics: vec![Diagnostic::new(
                &codes::INVALID_JSON,
                Span::new(0, 0),
                "file is too large to be a policy (over 2 GiB)",
            )],
        };
    }
    let mut p = Parser {
        text,
        arena,
        bytes: text.as_bytes(),
        pos: 0,
        diagnostics: Vec::new(),
        items: Vec::new(),
        members: Vec::new(),
    };
    let value = p.document();
    match value {
        Ok(v) => Parsed {
            value: Some(v),
            diagnostics: p.diagnostics,
        },
        Err(e) => {
            // After a syntax error the rest is unreliable: keep only duplicate-key
            // reports that came before it, then the syntax error.
            let mut diagnostics = p.diagnostics;
            let mut e = *e;
            if e.help.is_none() {
                e.help = Some(syntax_help(&e.message).to_string());
            }
            diagnostics.push(e);
            Parsed {
                value: None,
                diagnostics,
            }
        }
    }
}

/// How to fix a syntax error that has no more specific advice.
fn syntax_help(message: &str) -> &'static str {
    if message.starts_with("unexpected end of file")
        || message.starts_with("unclosed")
        || message.starts_with("unterminated")
    {
        "the file ends before the JSON does: add the missing closing `\"`, `]` or `}` (an editor's bracket matching shows where it belongs)"
    } else if message.starts_with("expected `:`") {
        "inside an object, every member is a \"key\": value pair"
    } else if message.starts_with("expected a value") {
        "a JSON value is a \"string\", a number, true, false, null, an array [ … ] or an object { … } (lower-case literals, double-quoted strings)"
    } else {
        "fix the JSON syntax here; a bucket policy is one JSON object: {\"Version\": \"2012-10-17\", \"Statement\": [ … ]}"
    }
}

struct Parser<'a> {
    text: &'a str,
    arena: &'a Arena,
    bytes: &'a [u8],
    pos: usize,
    diagnostics: Vec<Diagnostic>,
    /// Scratch stacks for the arrays and objects being read: an array's items (an
    /// object's members) are pushed here above the enclosing ones' and copied into a
    /// slice of the arena of exactly their number when it closes.
    items: Vec<Json<'a>>,
    members: Vec<Member<'a>>,
}

type PResult<T> = Result<T, Box<Diagnostic>>;

/// The end of the run of plain string bytes starting at `i`: the position of the first
/// `"`, `\\` or control character, or the end of the text. Eight bytes at a time (a
/// policy is mostly strings).
fn plain_run(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES * 0x80;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let v = u64::from_le_bytes(word);
        let special = has_zero(v ^ (ONES * u64::from(b'"')))
            | has_zero(v ^ (ONES * u64::from(b'\\')))
            // a byte below 0x20 (exact when combined as "any": used only to stop)
            | (v.wrapping_sub(ONES * 0x20) & !v & HIGH);
        if special != 0 {
            // The lowest flagged byte is exact (the tests can only over-flag bytes above
            // a true match).
            return i + (special.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&b) = bytes.get(i) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            break;
        }
        i += 1;
    }
    i
}

fn sp(start: usize, end: usize) -> Span {
    Span::new(start as u32, end as u32)
}

impl<'a> Parser<'a> {
    /// A syntax error spanning `start..end`, clamped to the text and widened to whole
    /// characters, so every span underlines valid text.
    fn err(&self, start: usize, end: usize, msg: impl Into<String>) -> Box<Diagnostic> {
        let start = floor_char_boundary(self.text, start);
        let end = ceil_char_boundary(self.text, end.max(start));
        Box::new(Diagnostic::new(&codes::INVALID_JSON, sp(start, end), msg))
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Describe what is at the current position, for "expected X, found Y".
    fn found(&self) -> String {
        match self.text.get(self.pos..).and_then(|s| s.chars().next()) {
            None => "end of file".to_string(),
            Some(c) if c.is_control() => format!("control character U+{:04X}", c as u32),
            Some(c) => format!("`{c}`"),
        }
    }

    fn char_len_here(&self) -> usize {
        self.text
            .get(self.pos..)
            .and_then(|s| s.chars().next())
            .map(char::len_utf8)
            .unwrap_or(0)
    }

    #[inline]
    fn skip_ws(&mut self) -> PResult<()> {
        // Most calls stand on a token already (a printable byte other than `/`).
        match self.peek() {
            Some(b) if b > b' ' && b != b'/' => Ok(()),
            None => Ok(()),
            Some(_) => self.skip_ws_run(),
        }
    }

    /// Skip a run of whitespace. Pretty-printed policies indent with runs of spaces:
    /// eight at a time.
    fn skip_ws_run(&mut self) -> PResult<()> {
        let bytes = self.bytes;
        let mut i = self.pos;
        loop {
            match bytes.get(i) {
                Some(b' ' | b'\t' | b'\n' | b'\r') => {
                    i += 1;
                    while let Some(chunk) = bytes.get(i..i + 8) {
                        let mut word = [0u8; 8];
                        word.copy_from_slice(chunk);
                        let other = u64::from_le_bytes(word) ^ u64::from_le_bytes(*b"        ");
                        if other != 0 {
                            // Past the spaces before the first other byte.
                            i += (other.trailing_zeros() / 8) as usize;
                            break;
                        }
                        i += 8;
                    }
                }
                Some(b'/') if matches!(bytes.get(i + 1), Some(b'/') | Some(b'*')) => {
                    self.pos = i;
                    return Err(self
                        .err(i, i + 2, "comments are not allowed in JSON")
                        .with_help("remove the comment; keep notes in the statement's `Sid` or beside the file"));
                }
                _ => break,
            }
        }
        self.pos = i;
        Ok(())
    }

    fn document(&mut self) -> PResult<Json<'a>> {
        if self.text.starts_with('\u{FEFF}') {
            return Err(self
                .err(0, 3, "the file starts with a byte order mark (BOM)")
                .with_help("save the file as UTF-8 without BOM"));
        }
        self.skip_ws()?;
        if self.peek().is_none() {
            return Err(self
                .err(0, 0, "the file is empty: expected a JSON object")
                .with_help(
                "a bucket policy is an object: {\"Version\": \"2012-10-17\", \"Statement\": [ … ]}",
            ));
        }
        let v = self.value(0)?;
        self.skip_ws()?;
        if self.pos < self.bytes.len() {
            let n = self.char_len_here();
            return Err(self.err(
                self.pos,
                self.pos + n,
                format!(
                    "unexpected {} after the end of the JSON document",
                    self.found()
                ),
            ));
        }
        Ok(v)
    }

    fn value(&mut self, depth: usize) -> PResult<Json<'a>> {
        if depth >= MAX_DEPTH {
            return Err(self
                .err(
                    self.pos,
                    self.pos + 1,
                    format!("JSON nested deeper than {MAX_DEPTH} levels"),
                )
                .with_help("a bucket policy needs only a few levels of nesting"));
        }
        let start = self.pos;
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => {
                let s = self.string()?;
                Ok(Json {
                    kind: JsonKind::String(s),
                    span: sp(start, self.pos),
                })
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", JsonKind::Bool(true)),
            Some(b'f') => self.literal("false", JsonKind::Bool(false)),
            Some(b'n') => self.literal("null", JsonKind::Null),
            Some(b'\'') => Err(self
                .err(
                    start,
                    start + 1,
                    "strings must use double quotes, not single quotes",
                )
                .with_help("JSON strings are written in double quotes: \"like this\"")),
            None => Err(self.err(start, start, "unexpected end of file: expected a value")),
            Some(_) => {
                let n = self.char_len_here();
                Err(self.err(
                    start,
                    start + n,
                    format!("expected a value, found {}", self.found()),
                ))
            }
        }
    }

    fn literal(&mut self, word: &str, kind: JsonKind<'a>) -> PResult<Json<'a>> {
        let start = self.pos;
        if self
            .text
            .get(self.pos..)
            .is_some_and(|s| s.starts_with(word))
        {
            self.pos += word.len();
            Ok(Json {
                kind,
                span: sp(start, self.pos),
            })
        } else {
            let end = self
                .text
                .get(start..)
                .and_then(|s| s.find(|c: char| !c.is_ascii_alphanumeric()))
                .map_or(self.text.len(), |i| start + i)
                .max(start + 1);
            Err(self.err(
                start,
                end,
                format!(
                    "expected a value, found `{}`",
                    self.text.get(start..end).unwrap_or_default()
                ),
            ))
        }
    }

    fn number(&mut self) -> PResult<Json<'a>> {
        let start = self.pos;
        let b = self.bytes;
        let mut i = self.pos;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while matches!(b.get(i), Some(b'0'..=b'9')) {
                    i += 1;
                }
            }
            _ => return Err(self.err(start, i + 1, "invalid number: expected a digit")),
        }
        if matches!(b.get(i), Some(b'0'..=b'9')) {
            return Err(self.err(
                start,
                i + 1,
                "invalid number: leading zeros are not allowed",
            ));
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            if !matches!(b.get(i), Some(b'0'..=b'9')) {
                return Err(self.err(start, i + 1, "invalid number: expected a digit after `.`"));
            }
            while matches!(b.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if !matches!(b.get(i), Some(b'0'..=b'9')) {
                return Err(self.err(
                    start,
                    i + 1,
                    "invalid number: expected a digit in the exponent",
                ));
            }
            while matches!(b.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
        }
        self.pos = i;
        Ok(Json {
            kind: JsonKind::Number(self.text.get(start..i).unwrap_or_default()),
            span: sp(start, i),
        })
    }

    fn hex4(&mut self) -> PResult<u32> {
        let s = self.pos;
        let digits = self
            .text
            .get(s..s + 4)
            .filter(|d| d.bytes().all(|c| c.is_ascii_hexdigit()));
        match digits.and_then(|d| u32::from_str_radix(d, 16).ok()) {
            Some(v) => {
                self.pos += 4;
                Ok(v)
            }
            None => Err(self.err(
                s.saturating_sub(2),
                (s + 4).min(self.text.len()),
                "invalid `\\u` escape: expected 4 hex digits",
            )),
        }
    }

    /// Parse a string starting at `"`; returns the unescaped text.
    #[inline]
    fn string(&mut self) -> PResult<&'a str> {
        let start = self.pos;
        // The common case, a string without escapes, borrows from the text.
        let text: &'a str = self.text;
        let end = plain_run(self.bytes, start + 1);
        if self.bytes.get(end) == Some(&b'"') {
            self.pos = end + 1;
            // `start` and `end` are at quotes: `get` never fails (and, unlike indexing,
            // links no panic message formatting into the WASM build).
            return Ok(text.get(start + 1..end).unwrap_or_default());
        }
        self.escaped_string(start)
    }

    /// [`Self::string`] past its fast path: a string with escapes (or an error). Kept
    /// out of line so the fast path stays small.
    #[inline(never)]
    fn escaped_string(&mut self, start: usize) -> PResult<&'a str> {
        self.pos = start + 1; // opening quote
        let mut out = String::new();
        loop {
            // Copy a run of plain characters at once.
            let run_start = self.pos;
            self.pos = plain_run(self.bytes, self.pos);
            out.push_str(self.text.get(run_start..self.pos).unwrap_or_default());
            match self.peek() {
                None => return Err(self.err(start, self.pos, "unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(self.arena.alloc_str(&out));
                }
                Some(b'\\') => {
                    let esc = self.pos;
                    self.pos += 1;
                    let c = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let hi = self.hex4()?;
                            let cp = if (0xD800..0xDC00).contains(&hi) {
                                if self.text.get(self.pos..self.pos + 2) != Some("\\u") {
                                    return Err(self.err(
                                        esc,
                                        self.pos,
                                        "lone UTF-16 surrogate in `\\u` escape",
                                    ));
                                }
                                self.pos += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(self.err(
                                        esc,
                                        self.pos,
                                        "invalid UTF-16 surrogate pair in `\\u` escapes",
                                    ));
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else if (0xDC00..0xE000).contains(&hi) {
                                return Err(self.err(
                                    esc,
                                    self.pos,
                                    "lone UTF-16 surrogate in `\\u` escape",
                                ));
                            } else {
                                hi
                            };
                            match char::from_u32(cp) {
                                Some(c) => out.push(c),
                                None => {
                                    return Err(self.err(esc, self.pos, "invalid `\\u` escape"))
                                }
                            }
                            continue;
                        }
                        _ => {
                            let n = self.char_len_here().max(1);
                            return Err(self.err(
                                esc,
                                self.pos + n,
                                format!(
                                    "invalid escape `\\{}` in string",
                                    self.text.get(self.pos..self.pos + n).unwrap_or("")
                                ),
                            ));
                        }
                    };
                    self.pos += 1;
                    out.push(c);
                }
                Some(b) => {
                    let msg = if b == b'\n' {
                        "unterminated string (a raw newline is not allowed inside a string)"
                            .to_string()
                    } else {
                        format!("control character U+{b:04X} must be escaped inside a string")
                    };
                    return Err(self.err(self.pos, self.pos + 1, msg));
                }
            }
        }
    }

    fn array(&mut self, depth: usize) -> PResult<Json<'a>> {
        let start = self.pos;
        self.pos += 1;
        self.skip_ws()?;
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Json {
                kind: JsonKind::Array(&[]),
                span: sp(start, self.pos),
            });
        }
        let base = self.items.len();
        loop {
            self.skip_ws()?;
            // Strings (the usual item) are written straight into the stack of items: a
            // value of unknown kind moved through a `Result` is copied piecewise and
            // read back whole, which stalls the store-to-load forwarding.
            if self.peek() == Some(b'"') && depth + 1 < MAX_DEPTH {
                let start = self.pos;
                let s = self.string()?;
                self.items.push(Json {
                    kind: JsonKind::String(s),
                    span: sp(start, self.pos),
                });
            } else {
                let item = self.value(depth + 1)?;
                self.items.push(item);
            }
            self.skip_ws()?;
            match self.peek() {
                Some(b',') => {
                    let comma = self.pos;
                    self.pos += 1;
                    self.skip_ws()?;
                    if self.peek() == Some(b']') {
                        return Err(self
                            .err(comma, comma + 1, "trailing comma before `]`")
                            .with_help("remove the comma"));
                    }
                }
                Some(b']') => {
                    self.pos += 1;
                    let items = self.arena.alloc_slice_copy(&self.items[base..]);
                    self.items.truncate(base);
                    return Ok(Json {
                        kind: JsonKind::Array(items),
                        span: sp(start, self.pos),
                    });
                }
                None => return Err(self.err(start, start + 1, "unclosed array: expected `]`")),
                Some(_) => {
                    let n = self.char_len_here();
                    return Err(self.err(
                        self.pos,
                        self.pos + n,
                        format!("expected `,` or `]` in array, found {}", self.found()),
                    )
                    .with_help("a comma is probably missing before this: items of an array are separated by `,`"));
                }
            }
        }
    }

    /// Duplicate keys among the members from `base` on, past the first
    /// [`SCAN_MEMBERS`] (which were searched as they came): one sort of the positions,
    /// so a hostile object with 100,000 keys stays `n log n`, with no hash table.
    fn late_duplicates(&mut self, base: usize) {
        let members = self.members.get(base..).unwrap_or(&[]);
        if members.len() <= SCAN_MEMBERS {
            return;
        }
        // For each member, the first member with its key; reported in the order written.
        let first_of = crate::collections::first_equal(members.len(), &mut |a, b| {
            members[a].key.cmp(members[b].key)
        });
        for (i, &first) in first_of.iter().enumerate().skip(SCAN_MEMBERS) {
            if first != i {
                let (m, f) = (&members[i], &members[first]);
                self.diagnostics
                    .push(duplicate_key(m.key, m.key_span, f.key_span));
            }
        }
    }

    fn object(&mut self, depth: usize) -> PResult<Json<'a>> {
        let start = self.pos;
        self.pos += 1;
        self.skip_ws()?;
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Json {
                kind: JsonKind::Object(&[]),
                span: sp(start, self.pos),
            });
        }
        let base = self.members.len();
        loop {
            self.skip_ws()?;
            let key_start = self.pos;
            match self.peek() {
                Some(b'"') => {}
                None => return Err(self.err(start, start + 1, "unclosed object: expected `}`")),
                Some(b'\'') => {
                    return Err(self
                        .err(
                            key_start,
                            key_start + 1,
                            "object keys must use double quotes, not single quotes",
                        )
                        .with_help("JSON keys are written in double quotes: \"Effect\""))
                }
                Some(_) => {
                    let n = self.char_len_here();
                    return Err(self.err(
                        key_start,
                        key_start + n,
                        format!("expected a double-quoted key, found {}", self.found()),
                    ));
                }
            }
            let key = self.string()?;
            let key_span = sp(key_start, self.pos);
            self.skip_ws()?;
            if self.peek() != Some(b':') {
                let n = self.char_len_here();
                return Err(self.err(
                    self.pos,
                    self.pos + n,
                    format!("expected `:` after object key, found {}", self.found()),
                ));
            }
            self.pos += 1;
            self.skip_ws()?;
            // Small objects are searched; a big one gets an index, so a hostile object
            // with 100,000 keys stays linear.
            // This object's members so far (the value's own are pushed later).
            let members = self.members.get(base..).unwrap_or(&[]);
            let first = if members.len() < SCAN_MEMBERS {
                // Length and first byte first: a call to `memcmp` only for a likely match.
                let (len, head) = (key.len(), key.as_bytes().first());
                members
                    .iter()
                    .find(|m| {
                        m.key.len() == len && m.key.as_bytes().first() == head && m.key == key
                    })
                    .map(|m| m.key_span)
            } else {
                // Checked once the object is closed (`late_duplicates`).
                None
            };
            // Reported once the value has been read (after what the value holds; not at
            // all when it is malformed), as before.
            let duplicate = first.map(|first| duplicate_key(key, key_span, first));
            // A string value (the usual one) is written straight into the member: a value
            // of unknown kind moved through a `Result` is copied piecewise and read back
            // whole, which stalls the store-to-load forwarding.
            if self.peek() == Some(b'"') && depth + 1 < MAX_DEPTH {
                let start = self.pos;
                let s = self.string()?;
                self.members.push(Member {
                    key,
                    key_span,
                    value: Json {
                        kind: JsonKind::String(s),
                        span: sp(start, self.pos),
                    },
                });
            } else {
                let value = self.value(depth + 1)?;
                self.members.push(Member {
                    key,
                    key_span,
                    value,
                });
            }
            if let Some(d) = duplicate {
                self.diagnostics.push(d);
            }
            self.skip_ws()?;
            match self.peek() {
                Some(b',') => {
                    let comma = self.pos;
                    self.pos += 1;
                    self.skip_ws()?;
                    if self.peek() == Some(b'}') {
                        return Err(self
                            .err(comma, comma + 1, "trailing comma before `}`")
                            .with_help("remove the comma"));
                    }
                }
                Some(b'}') => {
                    self.pos += 1;
                    self.late_duplicates(base);
                    let members = self.arena.alloc_slice_copy(&self.members[base..]);
                    self.members.truncate(base);
                    return Ok(Json {
                        kind: JsonKind::Object(members),
                        span: sp(start, self.pos),
                    });
                }
                None => return Err(self.err(start, start + 1, "unclosed object: expected `}`")),
                Some(_) => {
                    let n = self.char_len_here();
                    return Err(self.err(
                        self.pos,
                        self.pos + n,
                        format!("expected `,` or `}}` in object, found {}", self.found()),
                    )
                    .with_help("a comma is probably missing before this: members of an object are separated by `,`"));
                }
            }
        }
    }
}

trait WithHelp {
    fn with_help(self, help: &str) -> Self;
}

impl WithHelp for Box<Diagnostic> {
    fn with_help(mut self, help: &str) -> Self {
        self.help = Some(help.to_string());
        self
    }
}

/// Objects up to this many members are searched for a repeated key as each key is
/// read; bigger ones are sorted once closed ([`Parser::late_duplicates`]).
const SCAN_MEMBERS: usize = 16;

fn duplicate_key(key: &str, at: Span, first: Span) -> Diagnostic {
    Diagnostic::new(
        &codes::DUPLICATE_KEY,
        at,
        format!("duplicate key `{key}` in one JSON object"),
    )
    .with_label("and again here")
    .and_label(first, "first written here")
    .with_help("remove one of them; tools disagree on which copy wins, and S3 rejects the policy")
}

#[cfg(test)]
mod tests {
    use super::{plain_run, pointer_at, Diagnostic, JsonKind, Parsed, Span, MAX_DEPTH};

    /// `super::parse` in an arena of its own, kept for the rest of the test.
    fn parse(text: &str) -> Parsed<'_> {
        super::parse(text, Box::leak(Box::new(super::Arena::new())))
    }

    fn parse_bytes(bytes: &[u8]) -> Result<(&str, Parsed<'_>), Box<crate::Diagnostic>> {
        super::parse_bytes(bytes, Box::leak(Box::new(super::Arena::new())))
    }

    #[test]
    fn duplicates_in_big_objects_are_found_in_order_with_their_first_place() {
        // 40 keys; repeats within the scanned head, past it, and of a head key.
        let mut keys: Vec<String> = (0..40).map(|i| format!("k{i}")).collect();
        keys[5] = "k1".into();
        keys[30] = "k3".into();
        keys[35] = "k20".into();
        keys[36] = "k3".into();
        let body: Vec<String> = keys.iter().map(|k| format!("\"{k}\": 1")).collect();
        let text = format!("{{{}}}", body.join(", "));
        let out = parse(&text);
        let at = |needle: &str, nth: usize| {
            let start = text.match_indices(needle).nth(nth).unwrap().0;
            Span::new(start as u32, (start + needle.len()) as u32)
        };
        let got: Vec<(Span, Span)> = out
            .diagnostics
            .iter()
            .map(|d| (d.labels[0].span, d.labels[1].span))
            .collect();
        assert_eq!(
            got,
            vec![
                (at("\"k1\"", 1), at("\"k1\"", 0)),
                (at("\"k3\"", 1), at("\"k3\"", 0)),
                (at("\"k20\"", 1), at("\"k20\"", 0)),
                (at("\"k3\"", 2), at("\"k3\"", 0)),
            ],
            "{:?}",
            out.diagnostics
        );
        assert!(out.diagnostics.iter().all(|d| d.code == "PC002"));
        // 100,000 distinct keys and one repeat at the end: found, quickly.
        let mut body: Vec<String> = (0..100_000).map(|i| format!("\"key{i}\": 0")).collect();
        body.push("\"key7\": 1".into());
        let text = format!("{{{}}}", body.join(","));
        let out = parse(&text);
        assert_eq!(out.diagnostics.len(), 1);
        assert!(out.value.is_some());
    }

    #[test]
    fn whitespace_runs_of_every_length_and_mix_are_skipped() {
        // Space runs shorter and longer than a word, mixed with tabs, CR and LF, at
        // every offset; the key and value spans must land on the tokens.
        for n in 0..20 {
            for mix in ["", "\n", "\t", "\r\n", " \t\n "] {
                let pad = format!("{mix}{}{mix}", " ".repeat(n));
                let text = format!("{pad}{{{pad}\"a\"{pad}:{pad}[{pad}1{pad}]{pad}}}{pad}");
                let parsed = parse(&text);
                assert!(parsed.diagnostics.is_empty(), "{text:?}");
                let Some(JsonKind::Object(members)) = parsed.value.map(|v| v.kind) else {
                    panic!("{text:?}")
                };
                let m = &members[0];
                assert_eq!(&text[m.key_span.range()], "\"a\"");
                assert_eq!(text[m.value.span.range()].chars().next(), Some('['));
            }
        }
        // A comment after spaces is still an error.
        let text = format!("{{{}// x\n}}", " ".repeat(11));
        assert!(!parse(&text).diagnostics.is_empty());
    }

    #[test]
    fn plain_run_stops_at_the_first_quote_backslash_or_control_byte() {
        let naive = |b: &[u8], i: usize| {
            b.iter()
                .skip(i)
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
                .map_or(b.len(), |p| i + p)
        };
        // Every stop byte at every position of a 20-byte run (inside and across the
        // 8-byte words), next to bytes that are one off from a stop byte.
        for stop in [b'"', b'\\', 0x00, 0x1F, b'\n'] {
            for at in 0..20 {
                for filler in [b'a', 0x21, 0x5B, 0x5D, 0x20, 0x7F, 0x80, 0xFF] {
                    let mut bytes = vec![filler; 20];
                    if let Some(b) = bytes.get_mut(at) {
                        *b = stop;
                    }
                    for start in 0..=bytes.len() {
                        assert_eq!(
                            plain_run(&bytes, start),
                            naive(&bytes, start),
                            "stop {stop:#x} at {at}, filler {filler:#x}, from {start}"
                        );
                    }
                }
            }
        }
    }

    fn err_of(text: &str) -> Diagnostic {
        let p = parse(text);
        assert!(p.value.is_none(), "expected an error for {text:?}");
        p.diagnostics.last().cloned().unwrap()
    }

    #[test]
    fn parses_nested_values_with_spans() {
        let text = r#"{"a": [1, "x", true, null], "b": {"c": -1.5e3}}"#;
        let p = parse(text);
        assert!(p.diagnostics.is_empty());
        let v = p.value.unwrap();
        let m = v.as_object().unwrap();
        assert_eq!(m[0].key, "a");
        assert_eq!(&text[m[0].key_span.range()], "\"a\"");
        assert_eq!(&text[m[1].value.span.range()], r#"{"c": -1.5e3}"#);
        let JsonKind::Object(inner) = &m[1].value.kind else {
            panic!()
        };
        assert_eq!(inner[0].value.kind, JsonKind::Number("-1.5e3"));
    }

    #[test]
    fn escapes_are_decoded() {
        let p = parse(r#""a\"b\\c\/\n\u00fc\ud83d\ude00""#);
        assert_eq!(p.value.unwrap().kind, JsonKind::String("a\"b\\c/\nü😀"));
    }

    #[test]
    fn leniencies_are_errors() {
        assert!(err_of("{\"a\": 1,}").message.contains("trailing comma"));
        assert!(err_of("[1,]").message.contains("trailing comma"));
        assert!(err_of("// x\n{}").message.contains("comments"));
        assert!(err_of("{\"a\": /* x */ 1}").message.contains("comments"));
        assert!(err_of("{'a': 1}").message.contains("double quotes"));
        assert!(err_of("{a: 1}").message.contains("double-quoted key"));
        assert!(err_of("{\"a\": 01}").message.contains("leading zeros"));
        assert!(err_of("{\"a\": NaN}").message.contains("expected a value"));
        assert!(err_of("{\"a\": \"x\ny\"}").message.contains("unterminated"));
        assert!(err_of("{\"a\": \"\\x\"}")
            .message
            .contains("invalid escape"));
        assert!(err_of("{\"a\": \"\\ud800\"}").message.contains("surrogate"));
        assert!(err_of("{} {}").message.contains("after the end"));
        assert!(err_of("").message.contains("empty"));
        assert!(err_of("\u{FEFF}{}").message.contains("byte order mark"));
        assert!(err_of("{\"a\": tru}").message.contains("`tru`"));
    }

    #[test]
    fn duplicate_keys_are_reported_with_both_places() {
        let text = r#"{"Effect": "Allow", "Effect": "Deny"}"#;
        let p = parse(text);
        assert!(p.value.is_some());
        assert_eq!(p.diagnostics.len(), 1);
        let d = &p.diagnostics[0];
        assert_eq!(d.code, "PC002");
        assert_eq!(d.labels.len(), 2);
        assert_eq!(d.labels[0].span.start, 20);
        assert_eq!(d.labels[1].span.start, 1);
    }

    #[test]
    fn duplicate_keys_are_reported_after_their_value_and_not_before_a_syntax_error() {
        let text = r#"{"a": {"b": 1, "b": 2}, "a": {"c": 1, "c": "x"}, "d": "x", "d": "y"}"#;
        let p = parse(text);
        let firsts: Vec<u32> = p
            .diagnostics
            .iter()
            .map(|d| d.primary_span().start)
            .collect();
        let at = |k: &str| text.rfind(k).unwrap() as u32;
        assert_eq!(
            firsts,
            vec![at("\"b\""), at("\"c\""), at("\"a\""), at("\"d\"")]
        );
        // A duplicate whose value is malformed: only the syntax error.
        let p = parse(r#"{"a": 1, "a": [1,]}"#);
        assert_eq!(p.diagnostics.len(), 1);
        assert!(p.diagnostics[0].message.contains("trailing comma"));
        let p = parse(r#"{"a": 1, "a": "x"#);
        assert_eq!(p.diagnostics.len(), 1);
        assert!(p.diagnostics[0].message.contains("unterminated"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let text = "[".repeat(100_000);
        let e = err_of(&text);
        assert!(e.message.contains("nested deeper"), "{}", e.message);
        let text = "{\"a\":".repeat(100_000);
        assert!(err_of(&text).message.contains("nested deeper"));
    }

    #[test]
    fn the_depth_limit_counts_string_leaves_too() {
        // MAX_DEPTH levels: the leaf inside 128 brackets is too deep, string or not.
        for n in MAX_DEPTH - 3..MAX_DEPTH + 3 {
            for leaf in ["\"x\"", "1"] {
                let text = format!("{}{leaf}{}", "[".repeat(n), "]".repeat(n));
                assert_eq!(parse(&text).value.is_none(), n >= MAX_DEPTH, "{n} {leaf}");
                let text = format!("{}{leaf}{}", "{\"a\":".repeat(n), "}".repeat(n));
                assert_eq!(parse(&text).value.is_none(), n >= MAX_DEPTH, "{n} {leaf}");
            }
        }
    }

    #[test]
    fn invalid_utf8_is_located() {
        let bytes = b"{\"a\": \"\xff\"}";
        let e = parse_bytes(bytes).unwrap_err();
        assert!(e.message.contains("0xFF"));
        assert_eq!(e.primary_span(), Span::new(7, 8));
    }

    #[test]
    fn pointers_name_the_deepest_value_or_key() {
        let text = r#"{"Statement": [{"Effect": "Allow", "Action": ["a", "b/c"]}]}"#;
        let root = parse(text).value.unwrap();
        let at = |needle: &str| {
            let i = text.find(needle).unwrap() as u32;
            pointer_at(&root, Span::new(i, i + needle.len() as u32))
        };
        assert_eq!(at("\"b/c\""), "/Statement/0/Action/1");
        assert_eq!(at("\"Effect\""), "/Statement/0/Effect");
        assert_eq!(at("\"Allow\""), "/Statement/0/Effect");
        assert_eq!(pointer_at(&root, root.span), "");
    }

    #[test]
    fn error_position_is_the_offending_character() {
        let text = "{\n  \"a\": 1\n  \"b\": 2\n}";
        let e = err_of(text);
        assert_eq!(e.primary_span().start as usize, text.find("\"b\"").unwrap());
    }
}
