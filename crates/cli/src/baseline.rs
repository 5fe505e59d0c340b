//! `--write-baseline FILE` / `--baseline FILE`: adopt policycheck on policies that already
//! have findings, and fail the gate only on new ones.
//!
//! A finding's identity is the SARIF `partialFingerprints["policycheck/v3"]`: rule, path
//! (from the project root), statement (Sid or `#index`), JSON pointer (within the
//! statement, when it has a Sid) and a hash of the value there (for values up to [`VALUE_HASH_MAX`] bytes, whitespace ignored), with no
//! line or column, so reformatting a file or moving a statement keeps its findings
//! baselined, while a finding on another statement, key, value or file is new. Findings
//! that would still share an identity (public-unknown for read and for write) are told
//! apart by their order. The file is JSON, one entry per finding, readable in review:
//! `{"version": 3, "tool": "policycheck", "findings": [{"fingerprint", "code", "path",
//! "statement", "pointer", "message"}]}`.

use crate::commands::lint::FileOutcome;
use crate::output::sarif::{fnv1a, Fnv1a};
use policycheck_core::json as pjson;
use policycheck_core::Diagnostic;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::path::Path;

/// The version of the baseline file (and of its identities).
pub const BASELINE_VERSION: u64 = 3;

/// Spans up to this many bytes put a hash of their text into a finding's identity.
pub const VALUE_HASH_MAX: usize = 256;

/// The fingerprints a baseline file records, and the path of each.
pub struct Baseline {
    fingerprints: HashSet<String>,
    entries: Vec<(String, String)>,
}

impl Baseline {
    pub fn contains(&self, fingerprint: &str) -> bool {
        self.fingerprints.contains(fingerprint)
    }

    /// How many recorded findings of the files `linted` are no longer `matched`.
    pub fn resolved(&self, matched: &HashSet<String>, linted: &HashSet<String>) -> usize {
        self.entries
            .iter()
            .filter(|(fp, path)| linted.contains(path) && !matched.contains(fp))
            .count()
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
            e.column().max(1)
        )
    })?;
    if let Some(old @ (1 | 2)) = v["version"].as_u64() {
        return Err(format!(
            "the baseline `{}` is a version {old} baseline, whose identities this policycheck no longer computes: write it again with --write-baseline",
            path.display()
        ));
    }
    if v["version"] != BASELINE_VERSION {
        return Err(format!(
            "the baseline `{}` is not a version {BASELINE_VERSION} policycheck baseline (write one with --write-baseline)",
            path.display()
        ));
    }
    let findings = v["findings"]
        .as_array()
        .ok_or_else(|| format!("the baseline `{}` has no `findings` list", path.display()))?;
    let mut fingerprints = HashSet::new();
    let mut entries = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        let fp = f["fingerprint"].as_str().ok_or_else(|| {
            format!(
                "the baseline `{}`: finding {i} has no `fingerprint`",
                path.display()
            )
        })?;
        fingerprints.insert(fp.to_string());
        entries.push((fp.to_string(), f["path"].as_str().unwrap_or("").to_string()));
    }
    Ok(Baseline {
        fingerprints,
        entries,
    })
}

/// One finding's identity (as in SARIF), with what the baseline file shows of it.
#[derive(Clone, Debug)]
pub struct Identity {
    pub fingerprint: String,
    pub statement: String,
    pub pointer: String,
}

/// Identities of findings of one file. Findings carry their JSON pointer from the lint;
/// the file's JSON is parsed again (once) only for one that does not.
pub struct Identifier<'a> {
    file: &'a FileOutcome,
    /// Where the tree is built if it is needed (`Arena::new` allocates nothing).
    arena: &'a pjson::Arena,
    tree: std::cell::OnceCell<Option<pjson::Json<'a>>>,
}

impl<'a> Identifier<'a> {
    pub fn new(file: &'a FileOutcome, arena: &'a pjson::Arena) -> Self {
        Identifier {
            file,
            arena,
            tree: std::cell::OnceCell::new(),
        }
    }

    fn tree(&self) -> Option<&pjson::Json<'a>> {
        self.tree
            .get_or_init(|| pjson::parse(&self.file.text, self.arena).value)
            .as_ref()
    }

    /// The identities of the file's findings, in order (see the module docs).
    pub fn all(&self) -> Vec<Identity> {
        let mut ids: Vec<Identity> = self
            .file
            .result
            .diagnostics
            .iter()
            .map(|d| self.of(d))
            .collect();
        // The n-th finding (in order) with a fingerprint seen before gets one of its own,
        // made from the fingerprint and n. Equal fingerprints are found by sorting the
        // positions, not by searching the ones seen so far for each finding: that was
        // quadratic, 6 s of a 7 s lint for a file with 50,000 findings.
        let mut order: Vec<usize> = (0..ids.len()).collect();
        let fp = |i: usize| ids.get(i).map(|id| id.fingerprint.as_str());
        order.sort_by(|&a, &b| fp(a).cmp(&fp(b)).then(a.cmp(&b)));
        let mut renames: Vec<(usize, String)> = Vec::new();
        let mut n = 0usize;
        let mut prev: Option<&str> = None;
        for &i in &order {
            let f = fp(i);
            n = if f.is_some() && f == prev { n + 1 } else { 1 };
            if let (true, Some(f)) = (n > 1, f) {
                renames.push((i, fnv1a(&[f, &n.to_string()])));
            }
            prev = f;
        }
        for (i, f) in renames {
            if let Some(id) = ids.get_mut(i) {
                id.fingerprint = f;
            }
        }
        ids
    }

    fn of(&self, d: &Diagnostic) -> Identity {
        let span = d.primary_span();
        let statement = self
            .file
            .result
            .statement_at(span)
            .map(|s| s.id.clone())
            .unwrap_or_default();
        // A finding with a pointer came from a document that is JSON.
        let (pointer, is_json) = match &d.pointer {
            Some(p) => (p.to_string(), true),
            None => match self.tree() {
                Some(t) => (pjson::pointer_at(t, span), true),
                None => (String::new(), false),
            },
        };
        // Without a JSON tree (a syntax error) the message identifies the finding. In a
        // statement with a Sid the pointer's statement index is left out: the Sid names
        // it, so inserting or moving statements keeps the identity.
        let anchor = if !is_json {
            d.message.as_str()
        } else if statement.starts_with('#') {
            pointer.as_str()
        } else {
            without_statement_index(&pointer)
        };
        // The value there, whitespace ignored, when it is small (a key, a string, a
        // short list): a different value at the same place is a different finding.
        let value = if span.len() as usize <= VALUE_HASH_MAX {
            self.file
                .text
                .get(span.start as usize..span.end as usize)
                .unwrap_or("")
        } else {
            ""
        };
        let mut h = Fnv1a::default();
        for part in [d.code, &self.file.uri, &statement, anchor] {
            h.part(part.bytes());
        }
        // The bytes of the value's characters that are not whitespace.
        h.part(
            value
                .char_indices()
                .filter(|(_, c)| !c.is_whitespace())
                .flat_map(|(i, c)| value.get(i..i + c.len_utf8()).unwrap_or("").bytes()),
        );
        Identity {
            fingerprint: h.hex(),
            statement,
            pointer,
        }
    }
}

/// `/Statement/3/Action` as `/Action` (the part within the statement); any other pointer
/// as it is.
fn without_statement_index(pointer: &str) -> &str {
    let Some(rest) = pointer.strip_prefix("/Statement/") else {
        return pointer;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    match rest.get(digits..) {
        Some(tail) if digits > 0 && (tail.is_empty() || tail.starts_with('/')) => tail,
        _ => pointer,
    }
}

/// One entry of the baseline file.
pub fn entry(file: &FileOutcome, d: &Diagnostic, id: &Identity) -> Value {
    json!({
        "fingerprint": id.fingerprint,
        "code": d.code,
        "path": file.uri,
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
        "version": BASELINE_VERSION,
        "tool": "policycheck",
        "findings": entries,
    });
    let text = serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n";
    std::fs::write(path, text)
        .map_err(|e| format!("cannot write the baseline `{}`: {e}", path.display()))
}
