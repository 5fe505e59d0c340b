#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

//! Every vector of `fixtures/conformance/eval.jsonl` (copied from the shared
//! conformance suite), run through the library. The CLI runs them again end to end.

use policycheck_core::{evaluate_mode, parse_policy, parse_request_file, Decision};
use serde_json::Value;

fn vectors(file: &str) -> Vec<Value> {
    let path = if file.contains('/') {
        format!("{}/../../fixtures/{file}", env!("CARGO_MANIFEST_DIR"))
    } else {
        format!(
            "{}/../../fixtures/conformance/{file}",
            env!("CARGO_MANIFEST_DIR")
        )
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("valid JSON line"))
        .collect()
}

/// The request part of a vector, in `policycheck eval --request` form.
pub fn request_of(v: &Value) -> Value {
    let mut req = v["request"].clone();
    for k in ["mode", "identity_policies", "bucket_account"] {
        if let Some(x) = v.get(k) {
            req[k] = x.clone();
        }
    }
    req
}

#[test]
fn eval_vectors() {
    let all = vectors("eval.jsonl");
    assert!(
        all.len() >= 89,
        "expected the whole shared suite, got {}",
        all.len()
    );
    run_eval_vectors(&all);
}

/// The project's own vectors (`fixtures/eval/vectors.jsonl`, same format): cases the
/// shared suite does not cover, each added with the fix it checks.
#[test]
fn project_eval_vectors() {
    let all = vectors("eval/vectors.jsonl");
    assert!(all.len() >= 5, "got {}", all.len());
    run_eval_vectors(&all);
}

fn run_eval_vectors(all: &[Value]) {
    let mut failures = Vec::new();
    for v in all {
        let name = v["name"].as_str().unwrap();
        let policy_text = serde_json::to_string_pretty(&v["policy"]).unwrap();
        let parsed = parse_policy(&policy_text);
        assert!(
            parsed.diagnostics.is_empty(),
            "{name}: unexpected diagnostics {:?}",
            parsed.diagnostics
        );
        let policy = parsed.policy.unwrap();
        let rf = parse_request_file(&request_of(v).to_string())
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert!(
            rf.identity_diagnostics.is_empty(),
            "{name}: {:?}",
            rf.identity_diagnostics
        );
        let ev = evaluate_mode(
            &policy,
            &rf.identity_policies,
            &rf.request,
            rf.mode,
            &rf.bucket_account,
        );
        let expected = v["expected"].as_str().unwrap();
        if ev.decision.as_str() != expected || !ev.certain {
            failures.push(format!(
                "{name}: expected {expected}, got {:?} (certain: {}) — {}",
                ev.decision, ev.certain, ev.summary
            ));
        }
        // The fast path agrees with the traced one.
        if rf.mode == policycheck_core::Mode::ResourcePolicyOnly {
            let (d, c) = policycheck_core::decide(&policy, &rf.request);
            assert_eq!(
                (d, c),
                (ev.decision, ev.certain),
                "{name}: decide() disagrees with evaluate()"
            );
        }
        // Determining statements are named for every decision but implicit deny.
        let root_default = ev.summary.contains("root user is allowed by default");
        if ev.decision != Decision::ImplicitDeny && !root_default {
            assert!(
                !ev.determining.is_empty(),
                "{name}: no determining statement"
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

#[test]
fn public_vectors() {
    use policycheck_core::public::{analyze, Verdict};
    let all = vectors("public.jsonl");
    assert!(all.len() >= 28);
    let mut failures = Vec::new();
    for v in &all {
        let name = v["name"].as_str().unwrap();
        let text = serde_json::to_string_pretty(&v["policy"]).unwrap();
        let parsed = parse_policy(&text);
        let policy = parsed.policy.unwrap();
        let pa = analyze(&policy);
        let want = |k: &str| v[k].as_bool().unwrap();
        let got = (
            pa.verdict == Verdict::Public,
            pa.read.verdict == Verdict::Public,
            pa.write.verdict == Verdict::Public,
        );
        if got != (want("public"), want("public_read"), want("public_write")) {
            failures.push(format!(
                "{name}: expected public/read/write {:?}, got {got:?} (read {:?} {:?}, write {:?} {:?})",
                (want("public"), want("public_read"), want("public_write")),
                pa.read.verdict,
                pa.read.unknown,
                pa.write.verdict,
                pa.write.unknown
            ));
        }
        // A "not public" answer must be a real one, never an unknown.
        if !want("public") && pa.verdict != Verdict::NotPublic {
            failures.push(format!("{name}: expected not-public, got {:?}", pa.verdict));
        }
        // Every witness is allowed by the evaluator (spec §6.8 obligation 2).
        for w in pa.witnesses() {
            let (d, certain) = policycheck_core::decide(&policy, &w.request);
            assert_eq!(
                (d, certain),
                (Decision::Allow, true),
                "{name}: witness {:?} is not allowed",
                w.request.to_json()
            );
        }
        if pa.verdict == Verdict::Public {
            assert!(
                pa.witnesses().next().is_some(),
                "{name}: public without a witness"
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} public vectors failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}
