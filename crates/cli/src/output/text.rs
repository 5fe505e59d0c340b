//! `--format text`: miette's graphical report with the JSON underlined, then a summary.

use crate::commands::lint::{FileOutcome, LintArgs, Totals};
use crate::render::{self, visible};
use policycheck_core::{LineIndex, Severity};

/// One file's findings, rendered.
pub fn fragment(args: &LintArgs, f: &FileOutcome, color: bool) -> String {
    let mut out = String::new();
    if args.concise {
        let index = LineIndex::new(&f.text);
        for d in &f.result.diagnostics {
            let lc = index.line_col(d.primary_span().start);
            out.push_str(&format!(
                "{}:{}:{}: {}[{}] {}\n",
                visible(&f.path, false),
                lc.line,
                lc.column,
                d.severity,
                d.code,
                visible(&d.message, false)
            ));
        }
    } else {
        let handler = render::handler(color, 100);
        let index = LineIndex::new(&f.text);
        for d in &f.result.diagnostics {
            out.push_str(&render::render_with(&handler, &f.path, &f.text, &index, d));
            out.push('\n');
        }
    }
    if args.verbose > 1 {
        out.push_str(&access_trace(f));
    }
    if args.verbose > 0 {
        for (d, reason) in &f.suppressed {
            out.push_str(&format!(
                "{}: suppressed {} ({}): {}\n",
                visible(&f.path, false),
                d.code,
                d.name,
                visible(reason, false)
            ));
        }
    }
    out
}

/// `-vv`: how the public-access answer came about, statement by statement: the verdict
/// per level, the witnesses, and what each statement contributes.
fn access_trace(f: &FileOutcome) -> String {
    let path = visible(&f.path, false);
    let Some(access) = &f.result.access else {
        return format!("{path}: public access: not analysed (not a policy)\n");
    };
    let mut out = String::new();
    for (name, level) in [("read", &access.read), ("write", &access.write)] {
        out.push_str(&format!(
            "{path}: public {name} access: {}\n",
            level.verdict.as_str()
        ));
        for w in &level.witnesses {
            out.push_str(&format!(
                "  witness ({}): {}\n",
                w.level.as_str(),
                visible(&policycheck_lint::rules::public::describe_witness(w), false)
            ));
        }
        for r in &level.reasons {
            out.push_str(&format!(
                "  statement {} (#{}) {}: {}\n",
                visible(&r.statement, false),
                r.index,
                r.role,
                visible(&r.detail, false)
            ));
        }
        for u in &level.unknown {
            out.push_str(&format!("  cannot tell: {}\n", visible(u, false)));
        }
    }
    out
}

/// One line: files, findings by level, public-access verdicts.
pub fn summary(t: &Totals) -> String {
    let (e, w, n) = (
        t.count(Severity::Error),
        t.count(Severity::Warning),
        t.count(Severity::Note),
    );
    let plural = |k: usize, s: &str| {
        if k == 1 {
            format!("{k} {s}")
        } else {
            format!("{k} {s}s")
        }
    };
    let mut s = format!(
        "policycheck: {} checked: {}, {}, {}; public access: {} public (read {}, write {}), {} unknown, {} not public",
        plural(t.files, "file"),
        plural(e, "error"),
        plural(w, "warning"),
        plural(n, "note"),
        t.public,
        t.public_read,
        t.public_write,
        t.unknown,
        t.not_public,
    );
    if t.invalid > 0 {
        s.push_str(&format!(
            "; {} not valid (always fails)",
            plural(t.invalid, "policy file")
        ));
    }
    if t.baselined > 0 || t.resolved > 0 {
        s.push_str(&format!(
            "; {} baselined, {} resolved",
            t.baselined, t.resolved
        ));
    }
    if t.suppressed > 0 {
        s.push_str(&format!("; {} suppressed", t.suppressed));
    }
    if !t.input_errors.is_empty() {
        s.push_str(&format!(
            "; {} could not be read",
            plural(t.input_errors.len(), "file")
        ));
    }
    s.push_str(&format!(" (fail-on: {})\n", t.fail_on().as_str()));
    s
}
