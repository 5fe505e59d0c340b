//! `--format json`: `{"version": 1, "tool", "files": [{path, access, findings}], "errors", "summary"}`.
//! Versioned and stable: fields may be added, never removed or renamed.

use crate::commands::lint::{FileOutcome, Totals};
use policycheck_lint::api::{file_report, FileReport, REPORT_VERSION};
use serde::Serialize;
use serde_json::json;

pub fn header() -> String {
    format!(
        "{{\n\"version\": {REPORT_VERSION},\n\"tool\": {},\n\"files\": [\n",
        json!({"name": "policycheck", "version": policycheck_core::VERSION})
    )
}

/// One file's report object.
///
/// Serialised straight from the report (no `serde_json::Value` in between: on a large
/// corpus that copy was a tenth of the run), members in the order of [`FileReport`].
pub fn fragment(f: &FileOutcome) -> String {
    #[derive(Serialize)]
    struct Fragment<'a> {
        #[serde(flatten)]
        report: FileReport,
        suppressed: Vec<Suppressed<'a>>,
    }
    #[derive(Serialize)]
    struct Suppressed<'a> {
        code: &'a str,
        name: &'a str,
        message: &'a str,
        reason: &'a str,
    }
    let mut report = file_report(&f.path, &f.text, &f.result);
    let ids = f.identities();
    for (finding, id) in report.findings.iter_mut().zip(ids.iter()) {
        finding.fingerprint = Some(id.fingerprint.clone());
    }
    let fragment = Fragment {
        report,
        suppressed: f
            .suppressed
            .iter()
            .map(|(d, reason)| Suppressed {
                code: d.code,
                name: d.name,
                message: &d.message,
                reason,
            })
            .collect(),
    };
    super::pretty::to_string(&fragment, 8192)
}

pub fn footer(t: &Totals) -> String {
    let errors: Vec<serde_json::Value> = t
        .input_errors
        .iter()
        .map(|e| json!({"path": e.path, "message": e.message}))
        .collect();
    let summary = json!({
        "files": t.files,
        "findings": t.findings,
        "by_severity": {"error": t.by_severity[0], "warning": t.by_severity[1], "note": t.by_severity[2]},
        "suppressed": t.suppressed,
        "baselined": t.baselined,
        "resolved": t.resolved,
        "invalid": t.invalid,
        "public": t.public,
        "public_read": t.public_read,
        "public_write": t.public_write,
        "unknown": t.unknown,
        "not_public": t.not_public,
        "fail_on": t.fail_on().as_str(),
        "failed": t.failed || !t.input_errors.is_empty(),
    });
    format!(
        "\n],\n\"errors\": {},\n\"summary\": {}\n}}\n",
        serde_json::to_string_pretty(&errors).unwrap_or_default(),
        serde_json::to_string_pretty(&summary).unwrap_or_default()
    )
}
