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

/// An artifact location: a path relative to the project root goes under `%SRCROOT%`;
/// an absolute one (outside it) becomes a `file://` URI. Either is percent-encoded
/// (RFC 3986: everything but unreserved characters and `/`), so a name with a space,
/// `#`, `%` or `ü` is still one valid URI that readers decode back to the name.
pub fn artifact(path: &str) -> Value {
    if path.starts_with('/') {
        json!({"uri": format!("file://{}", uri_encode(path))})
    } else {
        json!({"uri": uri_encode(path), "uriBaseId": "%SRCROOT%"})
    }
}

/// Percent-encode a `/`-separated path for a URI.
pub fn uri_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// FNV-1a, 64 bits: stable across Rust versions (unlike `DefaultHasher`).
pub fn fnv1a(parts: &[&str]) -> String {
    let mut h = Fnv1a::default();
    for p in parts {
        h.part(p.bytes());
    }
    h.hex()
}

/// [`fnv1a`] fed part by part, each part as a stream of bytes (no string built for it).
pub struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    /// One part: its bytes, then the 0 that separates parts.
    pub fn part(&mut self, bytes: impl Iterator<Item = u8>) {
        for b in bytes.chain(std::iter::once(0)) {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
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
        json!({"%SRCROOT%": {"description": {"text": "The project root: the directory of the policycheck.toml in use, else the top of the git work tree, else the directory policycheck ran in"}}}),
    )
}

/// One file's results, comma-separated (empty when it has none).
pub fn fragment(f: &FileOutcome) -> String {
    let rules = all_rules();
    let index = LineIndex::new(&f.text);
    let ids = f.identities();
    let mut results = Vec::new();
    for (d, id) in f.result.diagnostics.iter().zip(ids.iter().cloned()) {
        let span = d.primary_span();
        let a = index.line_col(span.start);
        let b = index.line_col(span.end);
        // The same identity as the baseline's (see `baseline::Identifier`).
        let crate::baseline::Identity {
            fingerprint,
            statement: stmt,
            pointer,
        } = id;
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
                    "artifactLocation": artifact(&f.uri),
                    "region": {
                        "startLine": a.line,
                        "startColumn": a.column_utf16,
                        "endLine": b.line,
                        "endColumn": b.column_utf16,
                    }
                }
            }],
            "partialFingerprints": {"policycheck/v3": fingerprint},
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
        results.push(super::pretty::to_string(&result, 2048));
    }
    results.join(",\n")
}

/// Most files a log names in its notifications; the rest are counted in one more.
const MAX_NOTIFICATIONS: usize = 100;

/// The results' end and the invocation: not successful when a file could not be read
/// or could not be analysed (not JSON, not a policy document), each named in a
/// notification, so a degraded scan never looks clean.
pub fn footer(t: &Totals) -> String {
    let mut notifications: Vec<Value> = t
        .input_errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": {"text": format!("{}: {}", e.path, e.message)},
                "locations": [{"physicalLocation": {"artifactLocation": artifact(&e.path)}}],
            })
        })
        .chain(t.unanalysed.iter().map(|path| {
            json!({
                "level": "error",
                "message": {"text": format!("{path}: not analysed: the file is not a policy document (see its PC0xx result)")},
                "locations": [{"physicalLocation": {"artifactLocation": artifact(path)}}],
            })
        }))
        .collect();
    if notifications.len() > MAX_NOTIFICATIONS {
        let more = notifications.len() - MAX_NOTIFICATIONS;
        notifications.truncate(MAX_NOTIFICATIONS);
        notifications.push(json!({
            "level": "error",
            "message": {"text": format!("and {more} more files not read or not analysed")},
        }));
    }
    let invocations = json!([{
        "executionSuccessful": t.input_errors.is_empty() && t.unanalysed.is_empty(),
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
    fn uris_are_percent_encoded() {
        assert_eq!(uri_encode("policies/a-b_c.json"), "policies/a-b_c.json");
        assert_eq!(
            uri_encode("esc/my policy ü#1.json"),
            "esc/my%20policy%20%C3%BC%231.json"
        );
        assert_eq!(uri_encode("p%20x.json"), "p%2520x.json");
        assert_eq!(uri_encode("<stdin>"), "%3Cstdin%3E");
        assert_eq!(artifact("/tmp/a b.json")["uri"], "file:///tmp/a%20b.json");
    }

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
