//! `--format text`: miette's graphical report with the JSON underlined, then a summary.

use crate::commands::lint::{LintArgs, Run};
use crate::render;
use policycheck_core::public::Verdict;
use policycheck_core::{LineIndex, Severity};

pub fn render(args: &LintArgs, run: &Run) -> String {
    let color = args.output.is_none() && render::use_color(args.color, render::stdout_is_tty());
    let handler = render::handler(color, 100);
    let mut out = String::new();
    for f in &run.files {
        if args.concise {
            let index = LineIndex::new(&f.text);
            for d in &f.result.diagnostics {
                let lc = index.line_col(d.primary_span().start);
                out.push_str(&format!(
                    "{}:{}:{}: {}[{}] {}\n",
                    f.path, lc.line, lc.column, d.severity, d.code, d.message
                ));
            }
        } else {
            for d in &f.result.diagnostics {
                out.push_str(&render::render(&handler, &f.path, &f.text, d));
                out.push('\n');
            }
        }
        if args.verbose > 0 {
            for (d, reason) in &f.suppressed {
                out.push_str(&format!(
                    "{}: suppressed {} ({}): {}\n",
                    f.path, d.code, d.name, reason
                ));
            }
        }
    }
    if args.quiet == 0 {
        out.push_str(&summary(run));
    }
    out
}

/// One line: files, findings by level, public-access verdicts.
pub fn summary(run: &Run) -> String {
    let (e, w, n) = (
        run.count(Severity::Error),
        run.count(Severity::Warning),
        run.count(Severity::Note),
    );
    let plural = |k: usize, s: &str| {
        if k == 1 {
            format!("{k} {s}")
        } else {
            format!("{k} {s}s")
        }
    };
    let verdict = |v: Verdict| {
        run.files
            .iter()
            .filter(|f| f.result.access.as_ref().is_some_and(|a| a.verdict == v))
            .count()
    };
    let read = run
        .files
        .iter()
        .filter(|f| {
            f.result
                .access
                .as_ref()
                .is_some_and(|a| a.read.verdict == Verdict::Public)
        })
        .count();
    let write = run
        .files
        .iter()
        .filter(|f| {
            f.result
                .access
                .as_ref()
                .is_some_and(|a| a.write.verdict == Verdict::Public)
        })
        .count();
    let suppressed: usize = run.files.iter().map(|f| f.suppressed.len()).sum();
    let mut s = format!(
        "policycheck: {} checked: {}, {}, {}; public access: {} public (read {read}, write {write}), {} unknown, {} not public",
        plural(run.files.len(), "file"),
        plural(e, "error"),
        plural(w, "warning"),
        plural(n, "note"),
        verdict(Verdict::Public),
        verdict(Verdict::Unknown),
        verdict(Verdict::NotPublic),
    );
    if suppressed > 0 {
        s.push_str(&format!("; {suppressed} suppressed"));
    }
    if !run.input_errors.is_empty() {
        s.push_str(&format!(
            "; {} could not be read",
            plural(run.input_errors.len(), "file")
        ));
    }
    s.push_str(&format!(" (fail-on: {})\n", run.fail_on.as_str()));
    s
}
