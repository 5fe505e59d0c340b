//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning. Columns are UTF-16 code
//! units (`columnKind`), every result carries its own `level`, and fingerprints hash
//! rule + path + statement + JSON pointer, so they survive reformatting.

use crate::commands::lint::{FileOutcome, Totals};
use policycheck_core::{LineIndex, Severity};
use policycheck_lint::{all_rules, RuleMeta};
use serde_json::{json, Value};

/// SARIF's name for a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// An artifact location: a path relative to the directory policycheck ran in goes
/// under `%SRCROOT%`; an absolute one (outside it) becomes a `file://` URI.
pub fn artifact(path: &str) -> Value {
    if path.starts_with('/') {
        json!({"uri": format!("file://{}", path.replace(' ', "%20"))})
    } else {
        json!({"uri": path, "uriBaseId": "%SRCROOT%"})
    }
}

/// FNV-1a, 64 bits: stable across Rust versions (unlike `DefaultHasher`).
pub fn fnv1a(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// The first paragraph under `## What it does`.
fn what_it_does(docs: &str) -> String {
    docs.split("## What it does")
        .nth(1)
        .map(|rest| {
            rest.trim_start()
                .split("\n\n")
                .next()
                .unwrap_or("")
                .replace('\n', " ")
        })
        .unwrap_or_default()
}

fn rule_json(r: &RuleMeta) -> Value {
    let mut props = json!({"tags": r.tags});
    if let Some(s) = r.security_severity {
        props["security-severity"] = json!(s);
    }
    json!({
        "id": r.code(),
        "name": r.name(),
        "shortDescription": {"text": r.code.summary},
        "fullDescription": {"text": what_it_does(r.docs)},
        "help": {"text": r.docs, "markdown": r.docs},
        "helpUri": r.url(),
        "defaultConfiguration": {"level": level(r.code.severity)},
        "properties": props,
    })
}

/// Everything before the results: the log, the run, the tool with every rule.
pub fn header() -> String {
    let rules: Vec<Value> = all_rules().iter().map(rule_json).collect();
    format!(
        "{{\n\"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n\"version\": \"2.1.0\",\n\"runs\": [{{\n\"tool\": {},\n\"columnKind\": \"utf16CodeUnits\",\n\"originalUriBaseIds\": {},\n\"results\": [\n",
        serde_json::to_string_pretty(&json!({"driver": {
            "name": "policycheck",
            "semanticVersion": policycheck_core::VERSION,
            "informationUri": "https://policycheck.dev",
            "rules": rules,
        }}))
        .unwrap_or_default(),
        json!({"%SRCROOT%": {"description": {"text": "The directory policycheck ran in"}}}),
    )
}

/// One file's results, comma-separated (empty when it has none).
pub fn fragment(f: &FileOutcome) -> String {
    let rules = all_rules();
    let index = LineIndex::new(&f.text);
    let ids = crate::baseline::Identifier::new(f);
    let mut results = Vec::new();
    for d in &f.result.diagnostics {
        let span = d.primary_span();
        let a = index.line_col(span.start);
        let b = index.line_col(span.end);
        // The same identity as the baseline's: rule, path, statement, JSON pointer.
        let crate::baseline::Identity {
            fingerprint,
            statement: stmt,
            pointer,
        } = ids.of(d);
        let mut text = d.message.clone();
        if let Some(h) = &d.help {
            text.push_str(". ");
            text.push_str(h);
        }
        let mut result = json!({
            "ruleId": d.code,
            "ruleIndex": rules.iter().position(|r| r.code() == d.code).unwrap_or(0),
            "level": level(d.severity),
            "message": {"text": text},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": artifact(&f.path),
                    "region": {
                        "startLine": a.line,
                        "startColumn": a.column_utf16,
                        "endLine": b.line,
                        "endColumn": b.column_utf16,
                    }
                }
            }],
            "partialFingerprints": {"policycheck/v1": fingerprint},
            "properties": {"jsonPointer": pointer, "statement": stmt},
        });
        if matches!(d.code, "PC101" | "PC102") {
            if let Some(acc) = &f.result.access {
                let lvl = if d.code == "PC101" {
                    &acc.read
                } else {
                    &acc.write
                };
                result["properties"]["witnesses"] = json!(lvl
                    .witnesses
                    .iter()
                    .map(|w| w.request.to_json())
                    .collect::<Vec<_>>());
            }
        }
        results.push(serde_json::to_string_pretty(&result).unwrap_or_default());
    }
    results.join(",\n")
}

/// The results' end and the invocation (not successful when a file could not be read).
pub fn footer(t: &Totals) -> String {
    let notifications: Vec<Value> = t
        .input_errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": {"text": format!("{}: {}", e.path, e.message)},
                "locations": [{"physicalLocation": {"artifactLocation": artifact(&e.path)}}],
            })
        })
        .collect();
    let invocations = json!([{
        "executionSuccessful": t.input_errors.is_empty(),
        "toolExecutionNotifications": notifications,
    }]);
    format!(
        "\n],\n\"invocations\": {}\n}}]\n}}\n",
        serde_json::to_string_pretty(&invocations).unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        assert_eq!(
            fnv1a(&["PC101", "a.json", "S", "/Statement/0"]),
            fnv1a(&["PC101", "a.json", "S", "/Statement/0"])
        );
        assert_ne!(
            fnv1a(&["PC101", "a.json", "S", ""]),
            fnv1a(&["PC101", "a.jso", "nS", ""])
        );
        assert_eq!(fnv1a(&[]), "cbf29ce484222325");
    }
}
