//! `--format json`: `{"version": 1, "tool", "files": [{path, access, findings}], "summary"}`.
//! Versioned and stable: fields may be added, never removed or renamed.

use crate::commands::lint::Run;
use policycheck_core::Severity;
use policycheck_lint::api::{file_report, REPORT_VERSION};
use serde_json::json;

pub fn render(run: &Run) -> String {
    let files: Vec<serde_json::Value> = run
        .files
        .iter()
        .map(|f| {
            let mut v = serde_json::to_value(file_report(&f.path, &f.text, &f.result)).unwrap_or_default();
            if let Some(o) = v.as_object_mut() {
                o.insert(
                    "suppressed".into(),
                    json!(f.suppressed.iter().map(|(d, reason)| json!({"code": d.code, "name": d.name, "message": d.message, "reason": reason})).collect::<Vec<_>>()),
                );
            }
            v
        })
        .collect();
    let public = |pred: &dyn Fn(&policycheck_lint::api::AccessReport) -> bool| {
        run.files
            .iter()
            .filter(|f| {
                f.result
                    .access
                    .as_ref()
                    .is_some_and(|a| pred(&policycheck_lint::api::access_report(a)))
            })
            .count()
    };
    let out = json!({
        "version": REPORT_VERSION,
        "tool": {"name": "policycheck", "version": policycheck_core::VERSION},
        "files": files,
        "errors": run.input_errors.iter().map(|e| json!({"path": e.path, "message": e.message})).collect::<Vec<_>>(),
        "summary": {
            "files": run.files.len(),
            "findings": run.files.iter().map(|f| f.result.diagnostics.len()).sum::<usize>(),
            "by_severity": {
                "error": run.count(Severity::Error),
                "warning": run.count(Severity::Warning),
                "note": run.count(Severity::Note),
            },
            "suppressed": run.files.iter().map(|f| f.suppressed.len()).sum::<usize>(),
            "public": public(&|a| a.verdict == "public"),
            "public_read": public(&|a| a.read),
            "public_write": public(&|a| a.write),
            "unknown": public(&|a| a.verdict == "unknown"),
            "fail_on": run.fail_on.as_str(),
            "failed": run.failed() || !run.input_errors.is_empty(),
        }
    });
    let mut s = serde_json::to_string_pretty(&out).unwrap_or_default();
    s.push('\n');
    s
}
