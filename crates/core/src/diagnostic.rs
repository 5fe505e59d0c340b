//! One diagnostic type for everything the core reports about a policy text:
//! a stable code, a severity, a message, labelled spans and a help line.
//! It implements `miette::Diagnostic`, so the CLI renders it with the JSON underlined.

use crate::source::Span;
use serde::Serialize;
use std::fmt;

/// How bad a diagnostic is. Ordered: `Note < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "note" | "info" => Some(Severity::Note),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An underlined span with an optional short text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Label {
    pub span: Span,
    pub text: Option<String>,
    pub primary: bool,
}

/// A problem found in a policy text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable code such as `PC002`.
    pub code: &'static str,
    /// Stable kebab-case rule name such as `duplicate-key`.
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// The JSON pointer (RFC 6901) of the value or key the primary span is on, when the
    /// linter had the document's JSON tree at hand (it identifies findings across edits).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<Box<str>>,
}

impl Diagnostic {
    /// A diagnostic for `rule` with its default severity, pointing at `span`.
    pub fn new(rule: &Code, span: Span, message: impl Into<String>) -> Self {
        Self {
            code: rule.code,
            name: rule.name,
            severity: rule.severity,
            message: message.into(),
            labels: vec![Label {
                span,
                text: None,
                primary: true,
            }],
            help: None,
            pointer: None,
        }
    }

    /// Set the primary label's text.
    pub fn with_label(mut self, text: impl Into<String>) -> Self {
        if let Some(l) = self.labels.iter_mut().find(|l| l.primary) {
            l.text = Some(text.into());
        }
        self
    }

    /// Add a secondary label.
    pub fn and_label(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            text: Some(text.into()),
            primary: false,
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// The primary span (the first label if none is marked primary).
    pub fn primary_span(&self) -> Span {
        self.labels
            .iter()
            .find(|l| l.primary)
            .or(self.labels.first())
            .map(|l| l.span)
            .unwrap_or_default()
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diagnostic {}

impl miette::Diagnostic for Diagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!("{}({})", self.code, self.name)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().map(|l| {
            miette::LabeledSpan::new_with_span(l.text.clone(), l.span)
        })))
    }
}

/// A code's one-line summary: the text with the `docs` feature (the CLI), `""` without
/// it (the web page's WASM build, which shows no summaries).
#[cfg(feature = "docs")]
macro_rules! summary {
    ($text:literal) => {
        $text
    };
}
#[cfg(not(feature = "docs"))]
macro_rules! summary {
    ($text:literal) => {
        ""
    };
}
pub(crate) use summary;

/// A stable diagnostic code with its name and default severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Code {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what the code flags (empty without the `docs` feature).
    pub summary: &'static str,
}

/// The codes the core itself emits while reading a policy (group PC0xx:
/// document and grammar). The lint crate's registry documents each of them.
pub mod codes {
    use super::{Code, Severity};

    macro_rules! code {
        ($id:ident, $code:literal, $name:literal, $sev:ident, $summary:literal) => {
            pub const $id: Code = Code {
                code: $code,
                name: $name,
                severity: Severity::$sev,
                summary: super::summary!($summary),
            };
        };
    }

    code!(
        INVALID_JSON,
        "PC001",
        "invalid-json",
        Error,
        "the file is not strict JSON (RFC 8259)"
    );
    code!(
        DUPLICATE_KEY,
        "PC002",
        "duplicate-key",
        Error,
        "the same key appears twice in one JSON object"
    );
    code!(
        UNKNOWN_ELEMENT,
        "PC003",
        "unknown-element",
        Error,
        "an element name the policy grammar does not have, or a mis-cased one"
    );
    code!(
        WRONG_TYPE,
        "PC004",
        "wrong-type",
        Error,
        "an element holds a JSON value of the wrong type"
    );
    code!(
        MISSING_ELEMENT,
        "PC005",
        "missing-element",
        Error,
        "a required element is missing"
    );
    code!(
        CONFLICTING_ELEMENTS,
        "PC006",
        "conflicting-elements",
        Error,
        "two mutually exclusive elements, such as `Action` and `NotAction`, in one statement"
    );
    code!(
        INVALID_EFFECT,
        "PC007",
        "invalid-effect",
        Error,
        "`Effect` is not exactly `Allow` or `Deny`"
    );
    code!(
        INVALID_VERSION,
        "PC008",
        "invalid-version",
        Error,
        "`Version` is not `2012-10-17` or `2008-10-17`"
    );
    code!(INVALID_PRINCIPAL, "PC009", "invalid-principal", Error, "a principal value that is not a valid principal (partial wildcard, malformed ARN, unknown principal type)");
    code!(
        INVALID_CONDITION_OPERATOR,
        "PC010",
        "invalid-condition-operator",
        Error,
        "an unknown or mis-cased condition operator"
    );
    code!(
        INVALID_CONDITION_VALUE,
        "PC011",
        "invalid-condition-value",
        Error,
        "a condition value the operator cannot read (number, date, IP range, base64, boolean)"
    );
    code!(
        EMPTY_VALUE,
        "PC012",
        "empty-value",
        Error,
        "an empty array where at least one value is required"
    );
    code!(
        ELEMENT_NOT_ALLOWED,
        "PC013",
        "element-not-allowed",
        Error,
        "an element this kind of policy may not have (a `Principal` in an identity policy)"
    );
    code!(
        INVALID_ACTION,
        "PC014",
        "invalid-action",
        Error,
        "an action that is not `service:Name` or `*`"
    );
    code!(
        INVALID_RESOURCE,
        "PC015",
        "invalid-resource",
        Error,
        "a resource that is not an ARN or `*`, or a variable or wildcard where none is allowed"
    );
    code!(
        NULL_IF_EXISTS,
        "PC016",
        "null-if-exists",
        Error,
        "`IfExists` appended to `Null`, which AWS rejects"
    );
    code!(
        INVALID_CONDITION_KEY,
        "PC017",
        "invalid-condition-key",
        Error,
        "a condition key name holding a policy variable, which AWS never substitutes"
    );

    /// Every core code, sorted.
    pub const ALL: &[Code] = &[
        INVALID_JSON,
        DUPLICATE_KEY,
        UNKNOWN_ELEMENT,
        WRONG_TYPE,
        MISSING_ELEMENT,
        CONFLICTING_ELEMENTS,
        INVALID_EFFECT,
        INVALID_VERSION,
        INVALID_PRINCIPAL,
        INVALID_CONDITION_OPERATOR,
        INVALID_CONDITION_VALUE,
        EMPTY_VALUE,
        ELEMENT_NOT_ALLOWED,
        INVALID_ACTION,
        INVALID_RESOURCE,
        NULL_IF_EXISTS,
        INVALID_CONDITION_KEY,
    ];
}

/// A diagnostic resolved against its text: 1-based lines and columns (columns in
/// characters), UTF-16 offsets for editors, byte offsets for tools. The one shape
/// shared by the CLI's JSON, SARIF and the web page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Located {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    /// 1-based columns in UTF-16 code units (SARIF `utf16CodeUnits`, GitHub annotations).
    pub column_utf16: u32,
    pub end_column_utf16: u32,
    pub start: u32,
    pub end: u32,
    pub start_utf16: u32,
    pub end_utf16: u32,
    pub labels: Vec<LocatedLabel>,
}

/// A label resolved against its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LocatedLabel {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    pub primary: bool,
    pub start: u32,
    pub end: u32,
    pub start_utf16: u32,
    pub end_utf16: u32,
    pub line: u32,
    pub column: u32,
}

impl Diagnostic {
    /// Resolve spans against `index` (built from the text the spans point into).
    pub fn locate(&self, index: &crate::source::LineIndex<'_>) -> Located {
        let span = self.primary_span();
        let a = index.line_col(span.start);
        let b = index.line_col(span.end);
        Located {
            code: self.code,
            name: self.name,
            severity: self.severity,
            message: self.message.clone(),
            help: self.help.clone(),
            line: a.line,
            column: a.column,
            end_line: b.line,
            end_column: b.column,
            column_utf16: a.column_utf16,
            end_column_utf16: b.column_utf16,
            start: span.start,
            end: span.end,
            start_utf16: index.utf16_offset(span.start),
            end_utf16: index.utf16_offset(span.end),
            labels: self
                .labels
                .iter()
                .map(|l| {
                    let lc = index.line_col(l.span.start);
                    LocatedLabel {
                        text: l.text.clone(),
                        primary: l.primary,
                        start: l.span.start,
                        end: l.span.end,
                        start_utf16: index.utf16_offset(l.span.start),
                        end_utf16: index.utf16_offset(l.span.end),
                        line: lc.line,
                        column: lc.column,
                    }
                })
                .collect(),
        }
    }
}
