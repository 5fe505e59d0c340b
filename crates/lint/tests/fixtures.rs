#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

//! Rule fixtures: `fixtures/lint/<CODE>/bad-*.json` must trigger `<CODE>`,
//! `fixtures/lint/<CODE>/ok-*.json` must not. Each file's rendered report (what
//! `policycheck lint` shows for that code, with the JSON underlined) is a snapshot;
//! other codes found in the file are listed in one line so a snapshot only churns
//! when its own rule changes. Review every snapshot before accepting it.

use miette::{GraphicalReportHandler, GraphicalTheme, NamedSource};
use policycheck_lint::{lint_bytes, LintOptions};
use std::collections::BTreeMap;
use std::path::Path;

fn render(name: &str, text: &str, d: &policycheck_core::Diagnostic) -> String {
    let report =
        miette::Report::new(d.clone()).with_source_code(NamedSource::new(name, text.to_string()));
    let mut out = String::new();
    GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(100)
        .with_links(false)
        .render_report(&mut out, report.as_ref())
        .unwrap();
    out
}

#[test]
fn lint_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/lint");
    let mut seen_codes = 0;
    insta::glob!("../../../fixtures/lint", "*/*.json", |path| {
        let code = path
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(path).unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let result = lint_bytes(&bytes, &LintOptions::default());
        let mine: Vec<_> = result
            .diagnostics
            .iter()
            .filter(|d| d.code == code)
            .collect();
        if file.starts_with("bad-") {
            assert!(
                !mine.is_empty(),
                "{code}/{file} should trigger {code}; found {:?}",
                result
                    .diagnostics
                    .iter()
                    .map(|d| d.code)
                    .collect::<Vec<_>>()
            );
        } else if file.starts_with("ok-") {
            assert!(
                mine.is_empty(),
                "{code}/{file} should not trigger {code}: {:?}",
                mine.iter().map(|d| &d.message).collect::<Vec<_>>()
            );
        } else {
            panic!("{code}/{file}: fixture names start with `bad-` or `ok-`");
        }
        let mut others: BTreeMap<&str, usize> = BTreeMap::new();
        for d in result.diagnostics.iter().filter(|d| d.code != code) {
            *others.entry(d.code).or_default() += 1;
        }
        let mut report: String = mine
            .iter()
            .map(|d| render(&format!("{code}/{file}"), &text, d))
            .collect::<Vec<_>>()
            .join("\n");
        if !others.is_empty() {
            report.push_str(&format!(
                "\nother findings: {}\n",
                others
                    .iter()
                    .map(|(c, n)| format!("{c}×{n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if let Some(a) = &result.access {
            report.push_str(&format!(
                "public access: {} (read {}, write {})\n",
                a.verdict.as_str(),
                a.read.verdict.as_str(),
                a.write.verdict.as_str()
            ));
        }
        insta::assert_snapshot!(report);
    });
    // Every rule with a check has a folder with at least one bad and one ok fixture.
    for r in policycheck_lint::all_rules() {
        // PC013 (element not allowed) only exists for identity policies, which the
        // linter never reads (it parses bucket policies); `eval` request files report it.
        if r.code() == policycheck_core::codes::ELEMENT_NOT_ALLOWED.code {
            continue;
        }
        // PC5xx are reported by `policycheck diff` on a pair of policies (tested there).
        if r.code().starts_with("PC5") {
            continue;
        }
        let dir = root.join(r.code());
        let files: Vec<String> = std::fs::read_dir(&dir)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().to_string())
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            files.iter().any(|f| f.starts_with("bad-")),
            "{} ({}) has no bad-*.json fixture in {}",
            r.code(),
            r.name(),
            dir.display()
        );
        if r.check.is_some() {
            assert!(
                files.iter().any(|f| f.starts_with("ok-")),
                "{} ({}) has no ok-*.json fixture",
                r.code(),
                r.name()
            );
        }
        seen_codes += 1;
    }
    assert!(seen_codes > 0);
}
