//! `--format json`: `{"version": 1, "tool", "files": [{path, access, findings}], "errors", "summary"}`.
//! Versioned and stable: fields may be added, never removed or renamed.

use super::pretty::Out;
use crate::commands::lint::{FileOutcome, Totals};
use policycheck_core::public::{LevelAccess, PublicAccess, Verdict};
use policycheck_core::{CtxValue, Diagnostic, LineIndex, Request};
use policycheck_lint::api::REPORT_VERSION;
use policycheck_lint::registry;
use serde_json::json;

pub fn header() -> String {
    format!(
        "{{\n\"version\": {REPORT_VERSION},\n\"tool\": {},\n\"files\": [\n",
        json!({"name": "policycheck", "version": policycheck_core::VERSION})
    )
}

/// One file's report object: the [`FileReport`] of `policycheck_lint::api` (members in
/// its order, the same text as `serde_json::to_string_pretty` of it), each finding with
/// its fingerprint, then the suppressed findings.
///
/// Written straight from the lint result with [`Out`], without building the report
/// (copies of every message and help text) and serialising it: on a large corpus that
/// was a sixth of the run. A test checks the text against the serialised
/// [`file_report`].
///
/// [`FileReport`]: policycheck_lint::api::FileReport
/// [`file_report`]: policycheck_lint::api::file_report
pub fn fragment(f: &FileOutcome) -> String {
    let r = &f.result;
    let index = LineIndex::new(&f.text);
    let ids = f.identities();
    // About what a report takes: the help texts make it larger than the policy.
    let mut o = Out::with_capacity(4096 + 2 * f.text.len());
    o.begin_object();
    o.key("path");
    o.str(&f.path);
    o.key("access");
    match &r.access {
        Some(a) => access(&mut o, a),
        None => o.null(),
    }
    o.key("findings");
    o.begin_array();
    for (i, d) in r.diagnostics.iter().enumerate() {
        o.item();
        o.begin_object();
        located(&mut o, d, &index);
        o.key("url");
        o.str(&registry::find(d.code).map(|r| r.url()).unwrap_or_default());
        if let Some(p) = &d.pointer {
            o.key("pointer");
            o.str(p);
        }
        if let Some(s) = r.statement_at(d.primary_span()) {
            o.key("statement");
            o.begin_object();
            o.key("index");
            o.uint(s.index as u64);
            o.key("sid");
            o.opt_str(s.sid.as_deref());
            o.end_object();
        }
        if let Some(id) = ids.get(i) {
            o.key("fingerprint");
            o.str(&id.fingerprint);
        }
        o.end_object();
    }
    o.end_array();
    o.key("suppressed");
    o.begin_array();
    for (d, reason) in &f.suppressed {
        o.item();
        o.begin_object();
        o.key("code");
        o.str(d.code);
        o.key("name");
        o.str(d.name);
        o.key("message");
        o.str(&d.message);
        o.key("reason");
        o.str(reason);
        o.end_object();
    }
    o.end_array();
    o.end_object();
    o.into_string()
}

/// The members of `d.locate(index)` ([`policycheck_core::Located`]), in its order.
fn located(o: &mut Out, d: &Diagnostic, index: &LineIndex<'_>) {
    let span = d.primary_span();
    let (a, b) = (index.line_col(span.start), index.line_col(span.end));
    o.key("code");
    o.str(d.code);
    o.key("name");
    o.str(d.name);
    o.key("severity");
    o.str(d.severity.as_str());
    o.key("message");
    o.str(&d.message);
    if let Some(h) = &d.help {
        o.key("help");
        o.str(h);
    }
    for (k, v) in [
        ("line", a.line),
        ("column", a.column),
        ("end_line", b.line),
        ("end_column", b.column),
        ("column_utf16", a.column_utf16),
        ("end_column_utf16", b.column_utf16),
        ("start", span.start),
        ("end", span.end),
        ("start_utf16", index.utf16_offset(span.start)),
        ("end_utf16", index.utf16_offset(span.end)),
    ] {
        o.key(k);
        o.uint(v.into());
    }
    o.key("labels");
    o.begin_array();
    for l in &d.labels {
        o.item();
        o.begin_object();
        if let Some(t) = &l.text {
            o.key("text");
            o.str(t);
        }
        o.key("primary");
        o.bool(l.primary);
        let lc = index.line_col(l.span.start);
        for (k, v) in [
            ("start", l.span.start),
            ("end", l.span.end),
            ("start_utf16", index.utf16_offset(l.span.start)),
            ("end_utf16", index.utf16_offset(l.span.end)),
            ("line", lc.line),
            ("column", lc.column),
        ] {
            o.key(k);
            o.uint(v.into());
        }
        o.end_object();
    }
    o.end_array();
}

/// [`policycheck_lint::api::access_report`].
fn access(o: &mut Out, a: &PublicAccess) {
    o.begin_object();
    o.key("verdict");
    o.str(a.verdict.as_str());
    o.key("read");
    o.bool(a.read.verdict == Verdict::Public);
    o.key("write");
    o.bool(a.write.verdict == Verdict::Public);
    o.key("witnesses");
    o.begin_array();
    for w in a.witnesses() {
        o.item();
        request(o, &w.request);
    }
    o.end_array();
    o.key("details");
    o.begin_object();
    o.key("read");
    level(o, &a.read);
    o.key("write");
    level(o, &a.write);
    o.end_object();
    o.end_object();
}

fn level(o: &mut Out, l: &LevelAccess) {
    o.begin_object();
    o.key("verdict");
    o.str(l.verdict.as_str());
    o.key("actions");
    o.strs(&l.public_actions);
    o.key("witnesses");
    o.begin_array();
    for w in &l.witnesses {
        o.item();
        o.begin_object();
        o.key("level");
        o.str(w.level.as_str());
        o.key("granted_by");
        o.str(&w.granted_by);
        o.key("request");
        request(o, &w.request);
        o.end_object();
    }
    o.end_array();
    o.key("reasons");
    o.begin_array();
    for r in &l.reasons {
        o.item();
        o.begin_object();
        o.key("statement");
        o.str(&r.statement);
        o.key("index");
        o.uint(r.index as u64);
        o.key("role");
        o.str(r.role);
        o.key("detail");
        o.str(&r.detail);
        o.end_object();
    }
    o.end_array();
    o.key("unknown");
    o.strs(&l.unknown);
    o.end_object();
}

/// `req.to_json()`: a `serde_json` object, so its members sorted by key.
fn request(o: &mut Out, req: &Request) {
    o.begin_object();
    o.key("action");
    o.str(&req.action);
    o.key("context");
    let mut context: Vec<(&str, &CtxValue)> = req.context.iter().collect();
    // Stable: of equal keys the map keeps the last.
    context.sort_by(|x, y| x.0.cmp(y.0));
    o.begin_object();
    for (i, (k, v)) in context.iter().enumerate() {
        if context.get(i + 1).is_some_and(|next| next.0 == *k) {
            continue;
        }
        o.key_str(k);
        match v {
            CtxValue::One(s) => o.str(s),
            CtxValue::Many(items) => o.strs(items),
        }
    }
    o.end_object();
    o.key("principal");
    o.str(&req.caller.display());
    o.key("resource");
    o.str(&req.resource);
    o.end_object();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::lint::FileOutcome;
    use policycheck_lint::api::{file_report, FileReport};
    use serde::Serialize;

    /// The report as `serde_json` writes the serialised [`file_report`].
    fn serialised(f: &FileOutcome) -> String {
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
        for (finding, id) in report.findings.iter_mut().zip(f.identities().iter()) {
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
        serde_json::to_string_pretty(&fragment).unwrap()
    }

    fn outcome(path: &str, text: String) -> FileOutcome {
        let mut result = policycheck_lint::lint(&text, &Default::default());
        // Some findings suppressed (moved out), as a config would.
        let suppressed = if result.diagnostics.len() > 2 {
            result
                .diagnostics
                .drain(..1)
                .map(|d| (d, "a \"reason\"\n\tü".to_string()))
                .collect()
        } else {
            Vec::new()
        };
        FileOutcome {
            path: path.to_string(),
            uri: path.to_string(),
            text,
            result,
            suppressed,
            baselined: 0,
            ids: None,
        }
    }

    fn policies(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                policies(&p, out);
            } else if p.extension().is_some_and(|e| e == "json") {
                out.push(p);
            }
        }
    }

    /// The written report is the serialised one, byte for byte: every policy of the
    /// repository, plus texts with escapes, non-ASCII text and no policy at all.
    #[test]
    fn fragments_are_the_serialised_report() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut paths = Vec::new();
        policies(&root.join("fixtures"), &mut paths);
        policies(&root.join("policies"), &mut paths);
        paths.sort();
        assert!(paths.len() > 100);
        let mut texts: Vec<(String, String)> = paths
            .iter()
            .map(|p| {
                (
                    p.strip_prefix(&root).unwrap().display().to_string(),
                    String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned(),
                )
            })
            .collect();
        let weird = r#"{"Version": "2012-10-17", "Id": "ü😀\t", "Statement": [
  {"Sid": "A\"b\\c\u0001", "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:PutObject"],
   "Resource": "arn:aws:s3:::bü/\"x\"/*",
   "Condition": {"StringLike": {"aws:Referer": "https://e.com/\n😀*", "aws:UserAgent": ["a\\b", "c"]},
                 "IpAddress": {"aws:SourceIp": "1.2.3.0/24"}}},
  {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:*", "Resource": "*"}
]}"#;
        texts.push(("weird \"name\"\\ü.json".into(), weird.into()));
        texts.push(("not-json.json".into(), "{ \"Statement\": [ \u{1}".into()));
        texts.push(("array.json".into(), "[1, 2]".into()));
        texts.push(("empty.json".into(), String::new()));
        let mut findings = 0;
        for (path, text) in texts {
            let f = outcome(&path, text);
            findings += f.result.diagnostics.len();
            assert_eq!(fragment(&f), serialised(&f), "{path}");
        }
        assert!(findings > 100);
    }
}
