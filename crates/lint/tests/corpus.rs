#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

//! The witness invariant (spec §6.8, obligation 2) over every policy the project
//! ships: each `.json` under `fixtures/` and `policies/`, and every policy in the
//! conformance vectors. A "public" answer must carry witnesses, each allowed by the
//! ordinary evaluator; no answer may be "not public" for a file with duplicate keys.

use policycheck_core::public::Verdict;
use policycheck_core::{decide, parse_policy, Decision};
use policycheck_lint::{lint_bytes, LintOptions};
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

fn check(name: &str, bytes: &[u8]) -> usize {
    let result = lint_bytes(bytes, &LintOptions::default());
    let Some(access) = &result.access else {
        return 0;
    };
    let text = String::from_utf8_lossy(bytes);
    let policy = parse_policy(&text).policy.unwrap();
    let mut n = 0;
    for level in [&access.read, &access.write] {
        if level.verdict == Verdict::Public {
            assert!(
                !level.witnesses.is_empty(),
                "{name}: public without a witness"
            );
        }
        for w in &level.witnesses {
            assert_eq!(
                decide(&policy, &w.request),
                (Decision::Allow, true),
                "{name}: witness {} is not allowed",
                w.request.to_json()
            );
            n += 1;
        }
    }
    if result.diagnostics.iter().any(|d| d.code == "PC002") {
        assert_ne!(
            access.verdict,
            Verdict::NotPublic,
            "{name}: an ambiguous document answered not-public"
        );
    }
    n
}

#[test]
fn every_witness_in_every_corpus_is_allowed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut paths = Vec::new();
    files(&root.join("fixtures"), &mut paths);
    files(&root.join("policies"), &mut paths);
    assert!(paths.len() >= 14);
    let mut witnesses = 0;
    for p in &paths {
        witnesses += check(&p.display().to_string(), &std::fs::read(p).unwrap());
    }
    for file in ["eval.jsonl", "public.jsonl"] {
        let text = std::fs::read_to_string(root.join("fixtures/conformance").join(file)).unwrap();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            witnesses += check(
                v["name"].as_str().unwrap(),
                serde_json::to_string_pretty(&v["policy"])
                    .unwrap()
                    .as_bytes(),
            );
        }
    }
    assert!(witnesses >= 40, "only {witnesses} witnesses checked");
}
