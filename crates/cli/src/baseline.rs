//! `--write-baseline FILE` / `--baseline FILE`: adopt policycheck on policies that already
//! have findings, and fail the gate only on new ones.
//!
//! A finding's identity is the SARIF `partialFingerprints["policycheck/v1"]`: rule, path,
//! statement (Sid or `#index`) and JSON pointer, with no line or column, so reformatting a
//! file or moving a statement keeps its findings baselined, while a finding on another
//! statement, key or file is new. The file is JSON, one entry per finding, readable in
//! review: `{"version": 1, "tool": "policycheck", "findings": [{"fingerprint", "code",
//! "path", "statement", "pointer", "message"}]}`.

use crate::commands::lint::FileOutcome;
use crate::output::sarif::fnv1a;
use policycheck_core::json as pjson;
use policycheck_core::Diagnostic;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::path::Path;

/// The fingerprints a baseline file records.
pub struct Baseline {
    fingerprints: HashSet<String>,
}

impl Baseline {
    pub fn contains(&self, fingerprint: &str) -> bool {
        self.fingerprints.contains(fingerprint)
    }
}

/// Read a baseline file. A missing or malformed file is an error (exit 2): a gate must
/// never pass because its baseline could not be read.
pub fn load(path: &Path) -> Result<Baseline, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the baseline `{}`: {e}", path.display()))?;
    let v: Value = serde_json::from_str(&text).map_err(|e| {
        format!(
            "the baseline `{}` is not valid JSON (line {}, column {}): {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    if v["version"] != 1 {
        return Err(format!(
            "the baseline `{}` is not a version 1 policycheck baseline (write one with --write-baseline)",
            path.display()
        ));
    }
    let findings = v["findings"]
        .as_array()
        .ok_or_else(|| format!("the baseline `{}` has no `findings` list", path.display()))?;
    let mut fingerprints = HashSet::new();
    for (i, f) in findings.iter().enumerate() {
        let fp = f["fingerprint"].as_str().ok_or_else(|| {
            format!(
                "the baseline `{}`: finding {i} has no `fingerprint`",
                path.display()
            )
        })?;
        fingerprints.insert(fp.to_string());
    }
    Ok(Baseline { fingerprints })
}

/// One finding's identity (as in SARIF), with what the baseline file shows of it.
pub struct Identity {
    pub fingerprint: String,
    pub statement: String,
    pub pointer: String,
}

/// Identities of findings of one file; parses the file's JSON once for all of them.
pub struct Identifier<'a> {
    file: &'a FileOutcome,
    tree: Option<pjson::Json<'a>>,
}

impl<'a> Identifier<'a> {
    pub fn new(file: &'a FileOutcome) -> Self {
        Identifier {
            file,
            tree: pjson::parse(&file.text).value,
        }
    }

    pub fn of(&self, d: &Diagnostic) -> Identity {
        let span = d.primary_span();
        let statement = self
            .file
            .result
            .statement_at(span)
            .map(|s| s.id.clone())
            .unwrap_or_default();
        let pointer = self
            .tree
            .as_ref()
            .map(|t| pjson::pointer_at(t, span))
            .unwrap_or_default();
        // Without a JSON tree (a syntax error) the message identifies the finding.
        let anchor = if self.tree.is_some() {
            pointer.clone()
        } else {
            d.message.clone()
        };
        Identity {
            fingerprint: fnv1a(&[d.code, &self.file.path, &statement, &anchor]),
            statement,
            pointer,
        }
    }
}

/// One entry of the baseline file.
pub fn entry(file: &FileOutcome, d: &Diagnostic, id: &Identity) -> Value {
    json!({
        "fingerprint": id.fingerprint,
        "code": d.code,
        "path": file.path,
        "statement": id.statement,
        "pointer": id.pointer,
        "message": d.message,
    })
}

/// Write the baseline file (entries sorted, so it diffs well in review).
pub fn write(path: &Path, mut entries: Vec<Value>) -> Result<(), String> {
    entries.sort_by(|a, b| {
        let key = |v: &Value| {
            (
                v["path"].as_str().unwrap_or("").to_string(),
                v["code"].as_str().unwrap_or("").to_string(),
                v["fingerprint"].as_str().unwrap_or("").to_string(),
            )
        };
        key(a).cmp(&key(b))
    });
    let doc = json!({
        "version": 1,
        "tool": "policycheck",
        "findings": entries,
    });
    let text = serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n";
    std::fs::write(path, text)
        .map_err(|e| format!("cannot write the baseline `{}`: {e}", path.display()))
}
