//! `--format github`: workflow commands that GitHub Actions shows as annotations.
//! GitHub shows at most 10 error, 10 warning and 10 notice annotations per step:
//! past that, findings are printed as plain lines and one notice says how many.

use crate::commands::lint::{FileOutcome, Totals};
use crate::output::text::summary;
use crate::render::visible;
use policycheck_core::{LineIndex, Severity};

/// Annotations GitHub shows per level and step.
pub const PER_LEVEL_LIMIT: usize = 10;

/// Escape a message (`%`, CR, LF).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value (also `:` and `,`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One finding, ready either way.
pub struct Line {
    slot: usize,
    annotation: String,
    plain: String,
}

/// One file's findings as annotation lines (the writer decides which stay annotations).
pub fn lines(f: &FileOutcome) -> Vec<Line> {
    let index = LineIndex::new(&f.text);
    f.result
        .diagnostics
        .iter()
        .map(|d| {
            let span = d.primary_span();
            let a = index.line_col(span.start);
            let b = index.line_col(span.end);
            let (cmd, slot) = match d.severity {
                Severity::Error => ("error", 0),
                Severity::Warning => ("warning", 1),
                Severity::Note => ("notice", 2),
            };
            let mut props = format!(
                "file={},line={},endLine={}",
                escape_property(&visible(&f.uri, false)),
                a.line,
                b.line
            );
            if a.line == b.line {
                props.push_str(&format!(
                    ",col={},endColumn={}",
                    a.column_utf16, b.column_utf16
                ));
            }
            props.push_str(&format!(
                ",title={}",
                escape_property(&format!("{} {}", d.code, d.name))
            ));
            // Text from the policy may hold control characters: escaped (`\u{1b}`) before
            // the workflow-command escapes, which cover only `%`, CR and LF.
            let message = visible(&d.message, false);
            let mut msg = message.to_string();
            if let Some(h) = &d.help {
                msg.push_str("\nhelp: ");
                msg.push_str(&visible(h, true));
            }
            Line {
                slot,
                annotation: format!("::{cmd} {props}::{}\n", escape_data(&msg)),
                plain: format!(
                    "{}:{}:{}: {}[{}] {message}\n",
                    visible(&f.uri, false),
                    a.line,
                    a.column,
                    d.severity,
                    d.code
                ),
            }
        })
        .collect()
}

/// How many annotations each level has used.
#[derive(Default)]
pub struct Caps {
    shown: [usize; 3],
    left_out: usize,
}

impl Caps {
    pub fn render(&mut self, l: Line) -> String {
        match self.shown.get_mut(l.slot) {
            Some(c) if *c < PER_LEVEL_LIMIT => {
                *c += 1;
                l.annotation
            }
            _ => {
                self.left_out += 1;
                l.plain
            }
        }
    }

    /// The input errors, the count of findings left out, and (unless `quiet`) the
    /// summary.
    pub fn footer(&self, t: &Totals, quiet: bool) -> String {
        let mut out = String::new();
        for e in &t.input_errors {
            out.push_str(&format!(
                "::error file={}::{}\n",
                escape_property(&e.path),
                escape_data(&e.message)
            ));
        }
        if self.left_out > 0 {
            out.push_str(&format!(
                "::notice::policycheck: {} more findings not annotated (GitHub shows {PER_LEVEL_LIMIT} per level and step); see the lines above or the SARIF upload\n",
                self.left_out
            ));
        }
        if !quiet {
            out.push_str(&summary(t));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_the_workflow_command_rules() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
