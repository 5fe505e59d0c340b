//! Rendering diagnostics for people (miette's graphical report, the JSON underlined)
//! and deciding about colour: `--color` > `NO_COLOR` > `FORCE_COLOR`/`CLICOLOR_FORCE` > TTY.

use clap::ValueEnum;
use miette::{
    GraphicalReportHandler, GraphicalTheme, MietteSpanContents, NamedSource,
    NarratableReportHandler, SourceCode, SpanContents,
};
use policycheck_core::source::{ceil_char_boundary, floor_char_boundary};
use policycheck_core::{Diagnostic, LineIndex, Span};
use std::io::IsTerminal;

/// Whether `c` must not reach a terminal or a CI log as it is: a control character (C0
/// but LF and tab, DEL, C1), which can move the cursor, clear the screen or forge lines,
/// or a bidirectional formatting character, which reorders what a reader sees.
fn hazard(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// Text from a policy or a request, safe to print for a person: every hazardous
/// character written as its escape (`\u{1b}`, `\r`); with `lines` false (a one-line
/// field: a message, a label, a path) line feeds and tabs too. Borrowed when all is safe.
pub fn visible(s: &str, lines: bool) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| hazard(c) || (!lines && (c == '\n' || c == '\t'));
    if !s.chars().any(bad) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// An excerpt of a file made safe for miette without moving a byte: a lone CR becomes
/// the line feed it stands for, any other hazardous character a placeholder of its own
/// length in UTF-8, so every span still points where it did.
fn same_length_visible(data: &mut String) {
    if !data.chars().any(hazard) {
        return;
    }
    let mut out = String::with_capacity(data.len());
    let mut chars = data.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => out.push(c),
            '\r' => out.push('\n'),
            c if hazard(c) => out.push(match c.len_utf8() {
                1 => '?',
                2 => '¿',
                _ => '\u{fffd}',
            }),
            c => out.push(c),
        }
    }
    *data = out;
}

/// A diagnostic's texts made safe to print: see [`visible`].
fn visible_diagnostic(d: &mut Diagnostic) {
    if let std::borrow::Cow::Owned(m) = visible(&d.message, false) {
        d.message = m;
    }
    if let Some(std::borrow::Cow::Owned(h)) = d.help.as_deref().map(|h| visible(h, true)) {
        d.help = Some(h);
    }
    for l in &mut d.labels {
        if let Some(std::borrow::Cow::Owned(t)) = l.text.as_deref().map(|t| visible(t, false)) {
            l.text = Some(t);
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Whether to colour output written to a stream that is (or is not) a terminal.
pub fn use_color(choice: ColorChoice, stream_is_tty: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
            if set("NO_COLOR") {
                false
            } else if set("FORCE_COLOR") || set("CLICOLOR_FORCE") {
                true
            } else {
                stream_is_tty && std::env::var("TERM").map_or(true, |t| t != "dumb")
            }
        }
    }
}

pub fn stdout_is_tty() -> bool {
    std::io::stdout().is_terminal()
}

pub fn stderr_is_tty() -> bool {
    std::io::stderr().is_terminal()
}

/// How findings are drawn for people.
pub enum Handler {
    /// miette's graphical report: the JSON excerpt with the span underlined.
    Graphical(Box<GraphicalReportHandler>),
    /// `NO_GRAPHICS`: plain sentences for screen readers ("label at line 7, columns 20
    /// to 22"), no box drawing.
    Narrated(NarratableReportHandler),
}

impl Handler {
    fn render_report(&self, out: &mut String, diag: &dyn miette::Diagnostic) -> std::fmt::Result {
        match self {
            Handler::Graphical(h) => h.render_report(out, diag),
            Handler::Narrated(h) => h.render_report(out, diag),
        }
    }
}

/// A report handler with fixed settings: colour or not, unicode, a given width; narrated
/// when `NO_GRAPHICS` is set (to anything but the empty string).
pub fn handler(color: bool, width: usize) -> Handler {
    if std::env::var_os("NO_GRAPHICS").is_some_and(|v| !v.is_empty()) {
        return Handler::Narrated(NarratableReportHandler::new());
    }
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    Handler::Graphical(Box::new(
        GraphicalReportHandler::new_themed(theme)
            .with_width(width)
            .with_links(false),
    ))
}

/// A diagnostic with the source code its labels point into.
struct WithSource<'d, S: SourceCode> {
    diag: &'d Diagnostic,
    source: S,
}

impl<S: SourceCode> std::fmt::Debug for WithSource<'_, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.diag, f)
    }
}

impl<S: SourceCode> std::fmt::Display for WithSource<'_, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self.diag, f)
    }
}

impl<S: SourceCode> std::error::Error for WithSource<'_, S> {}

impl<S: SourceCode> miette::Diagnostic for WithSource<'_, S> {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        miette::Diagnostic::code(self.diag)
    }

    fn severity(&self) -> Option<miette::Severity> {
        miette::Diagnostic::severity(self.diag)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        miette::Diagnostic::help(self.diag)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        miette::Diagnostic::labels(self.diag)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }
}

/// The longest line shown whole; longer ones (minified policies) are clipped around the
/// span, so a 1 MB one-line file renders each finding in constant time and never hands
/// miette a line wider than its formatter accepts.
const MAX_LINE: usize = 400;
/// Characters of context kept on each side of a span in a clipped line.
const CLIP_CONTEXT: usize = 60;
/// Labels further apart than this are not drawn in one excerpt.
const MAX_EXCERPT: usize = 64 * 1024;

/// Render one diagnostic, given the file's line index (built once per file).
///
/// miette is handed only an excerpt: the labelled lines with one line of context,
/// numbered as in the file. Rendering is proportional to the excerpt, not the file.
pub fn render_with(
    handler: &Handler,
    name: &str,
    text: &str,
    index: &LineIndex<'_>,
    diag: &Diagnostic,
) -> String {
    let mut excerpt = Excerpt::around(text, index, diag);
    same_length_visible(&mut excerpt.data);
    let name = visible(name, false);
    let name = name.as_ref();
    let mut shown = diag.clone();
    visible_diagnostic(&mut shown);
    let mut far = Vec::new();
    shown.labels.retain(|l| {
        let inside = excerpt.covers(l.span);
        if !inside {
            far.push(l.clone());
        }
        inside
    });
    for l in &mut shown.labels {
        l.span = excerpt.shift(l.span);
    }
    let base = (excerpt.line, excerpt.column);
    // Rendered straight from the diagnostic and its excerpt: a `miette::Report` would
    // build a new hook handler for every finding (a tenth of a text-format run).
    let report = WithSource {
        diag: &shown,
        source: NamedSource::new(
            name,
            ExcerptSource {
                clipped: excerpt.lead > 0,
                data: excerpt.data,
                base,
            },
        ),
    };
    let mut out = String::new();
    if handler.render_report(&mut out, &report).is_err() {
        out = format!("{name}: {}: {}\n", diag.code, shown.message);
    }
    for l in far {
        let lc = index.line_col(l.span.start);
        out.push_str(&format!(
            "  = {}: {name}:{}:{}\n",
            visible(l.text.as_deref().unwrap_or("see also"), false),
            lc.line,
            lc.column
        ));
    }
    out
}

/// A piece of the file: `data` is `text[start..end]`, with `…` added where a long line
/// was clipped; `line`/`column` (0-based) are where `data` begins in the file.
struct Excerpt {
    data: String,
    start: usize,
    end: usize,
    /// Bytes added in front of the text (the `…`).
    lead: usize,
    line: usize,
    column: usize,
}

impl Excerpt {
    fn around(text: &str, index: &LineIndex<'_>, diag: &Diagnostic) -> Excerpt {
        let len = text.len();
        let clamp = |i: u32| floor_char_boundary(text, i as usize);
        let primary = diag.primary_span();
        let (mut lo, mut hi) = (
            clamp(primary.start),
            clamp(primary.end).max(clamp(primary.start)),
        );
        // Take in the other labels that are near enough to draw in one excerpt.
        for l in &diag.labels {
            let (s, e) = (clamp(l.span.start), clamp(l.span.end));
            if lo.min(s) + MAX_EXCERPT >= hi.max(e) {
                lo = lo.min(s);
                hi = hi.max(e);
            }
        }
        let bytes = text.as_bytes();
        // A line ends at a LF or at a CR that no LF follows.
        let ends_line = |i: usize| match bytes.get(i) {
            Some(b'\n') => true,
            Some(b'\r') => bytes.get(i + 1) != Some(&b'\n'),
            _ => false,
        };
        // Back from `lo` to its line start, then one more line for context; at most
        // MAX_LINE bytes each, else clip.
        let back = |from: usize| -> Option<usize> {
            let floor = from.saturating_sub(MAX_LINE + 1);
            (floor..from)
                .rev()
                .find(|&i| ends_line(i))
                .map(|i| i + 1)
                .or((floor == 0).then_some(0))
        };
        let fwd = |from: usize| -> Option<usize> {
            let ceil = (from + MAX_LINE + 1).min(len);
            (from..ceil)
                .find(|&i| ends_line(i))
                .or((ceil == len).then_some(len))
        };
        let (start, clipped_left) = match back(lo) {
            Some(ls) => (
                ls.checked_sub(1)
                    .and_then(back)
                    .filter(|_| ls > 0)
                    .unwrap_or(ls),
                false,
            ),
            None => (
                floor_char_boundary(text, lo.saturating_sub(CLIP_CONTEXT)),
                true,
            ),
        };
        let (end, clipped_right) = match fwd(hi) {
            Some(le) => (
                if le < len {
                    fwd(le + 1).unwrap_or(le)
                } else {
                    le
                },
                false,
            ),
            None => (ceil_char_boundary(text, hi + CLIP_CONTEXT), true),
        };
        let mut data = String::with_capacity(end - start + 8);
        if clipped_left {
            data.push('…');
        }
        data.push_str(text.get(start..end).unwrap_or(""));
        if clipped_right {
            data.push('…');
        }
        let lc = index.line_col(start as u32);
        Excerpt {
            data,
            start,
            end,
            lead: if clipped_left { '…'.len_utf8() } else { 0 },
            line: lc.line as usize - 1,
            column: lc.column as usize - 1,
        }
    }

    fn covers(&self, span: Span) -> bool {
        self.start <= span.start as usize && span.end as usize <= self.end
    }

    fn shift(&self, span: Span) -> Span {
        let off = |i: u32| (i as usize - self.start + self.lead) as u32;
        Span::new(off(span.start), off(span.end))
    }
}

/// The excerpt as miette's source: positions are reported as in the whole file.
struct ExcerptSource {
    data: String,
    /// 0-based line and column where `data` begins.
    base: (usize, usize),
    /// `data` starts with an added `…` (a clipped line).
    clipped: bool,
}

impl SourceCode for ExcerptSource {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self.data.read_span(span, before, after)?;
        // miette counts the column in bytes from the excerpt's start; report characters
        // from the line's start in the file (as every other output does).
        let at = floor_char_boundary(&self.data, span.offset().min(self.data.len()));
        let head = self.data.get(..at).unwrap_or("");
        let column = match head.rfind('\n') {
            Some(nl) => head.get(nl + 1..).unwrap_or("").chars().count(),
            None => {
                let chars = head.chars().count();
                self.base.1 + chars - usize::from(self.clipped).min(chars)
            }
        };
        Ok(Box::new(MietteSpanContents::new(
            inner.data(),
            *inner.span(),
            inner.line() + self.base.0,
            column,
            inner.line_count(),
        )))
    }
}
