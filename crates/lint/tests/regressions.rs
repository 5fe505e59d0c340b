#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

//! Policies on which the public-access analysis or the diff once missed access that the
//! evaluator allows (found by the randomized soundness campaign, `fixtures/regressions/`).
//! Each case names the request that proves the access; the analysis must never answer
//! "not public" (the diff "no new access") while the evaluator allows it.

use policycheck_core::eval::decide;
use policycheck_core::public::{analyze, Verdict};
use policycheck_core::{parse_policy, Caller, Context, CtxValue, Decision, Policy, Request};
use std::path::PathBuf;

fn fixture(name: &str) -> Policy {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/regressions")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    parse_policy(&text)
        .policy
        .unwrap_or_else(|| panic!("{name} does not parse"))
}

fn request(principal: &str, action: &str, resource: &str, ctx: &[(&str, CtxValue)]) -> Request {
    let mut context = Context::new();
    for (k, v) in ctx {
        context.insert(k, v.clone());
    }
    Request::new(Caller::parse(principal).unwrap(), action, resource, context)
}

fn one(s: &str) -> CtxValue {
    CtxValue::One(s.to_string())
}

/// The request is allowed, and the analysis says public (with witnesses that hold).
fn public_with(name: &str, proof: &Request) {
    let p = fixture(name);
    assert_eq!(
        decide(&p, proof),
        (Decision::Allow, true),
        "{name}: the proof"
    );
    let a = analyze(&p);
    assert_eq!(a.verdict, Verdict::Public, "{name}: {a:?}");
    for w in a.witnesses() {
        assert_eq!(decide(&p, &w.request).0, Decision::Allow, "{name}: {w:?}");
    }
}

#[test]
fn unreadable_numbers_dates_and_addresses_are_tried() {
    let get = |ctx: &[(&str, CtxValue)]| {
        request(
            "anonymous",
            "s3:GetObject",
            "arn:aws:s3:::b/index.html",
            ctx,
        )
    };
    public_with(
        "analysis-num.json",
        &get(&[("aws:Referer", one("https://www.example.com/"))]),
    );
    public_with(
        "analysis-ip.json",
        &get(&[("aws:UserAgent", one("curl/8.0"))]),
    );
    public_with(
        "analysis-date.json",
        &get(&[("aws:UserAgent", one("curl/8.0"))]),
    );
}

#[test]
fn two_values_of_one_class_are_tried() {
    let proof = request(
        "anonymous",
        "s3:PutObject",
        "arn:aws:s3:::b/k",
        &[("aws:TagKeys", CtxValue::Many(vec!["x".into(), "y".into()]))],
    );
    public_with("analysis-tags.json", &proof);
}

#[test]
fn ignore_case_covers_characters_that_lower_case_to_ascii() {
    let proof = request(
        "anonymous",
        "s3:ListBucket",
        "arn:aws:s3:::b",
        &[("s3:prefix", one("\u{212a}"))],
    );
    public_with("analysis-kelvin.json", &proof);
}

#[test]
fn the_string_search_never_runs_out_of_fresh_characters() {
    let proof = request(
        "anonymous",
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        &[("aws:Referer", one("a"))],
    );
    public_with("analysis-fresh_alpha.json", &proof);
}

#[test]
fn bool_does_not_trim_and_binary_is_not_claimed_exactly() {
    // `Bool` compares "true"/"false" as written (spec §3.3): " true" is not true, so the
    // Allow does not apply and the bucket is not public.
    let p = fixture("analysis-booltrim.json");
    let spaced = request(
        "anonymous",
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        &[("aws:Referer", one(" true"))],
    );
    assert_ne!(decide(&p, &spaced).0, Decision::Allow);
    // BinaryEquals compares decoded bytes (`QQ` is `QQ==`): never "not public".
    let p = fixture("analysis-bin.json");
    let a = analyze(&p);
    assert_ne!(a.verdict, Verdict::NotPublic, "{a:?}");
}

#[test]
fn the_outsider_account_is_one_the_policy_does_not_name() {
    let p = fixture("analysis-fresh.json");
    let a = analyze(&p);
    assert_eq!(a.verdict, Verdict::NotPublic, "{a:?}");
}

#[test]
fn the_diff_never_claims_no_new_access_where_there_is_some() {
    for i in 1..=5 {
        let old = fixture(&format!("diff-{i}-old.json"));
        let new = fixture(&format!("diff-{i}-new.json"));
        let d = policycheck_lint::diff::diff(&old, &new);
        assert!(
            !d.added.is_empty() || !d.unknown.is_empty(),
            "diff {i}: nothing added, nothing undecided"
        );
        for c in &d.added {
            let w: policycheck_core::RequestFile =
                policycheck_core::parse_request_file(&serde_json::to_string(&c.witness).unwrap())
                    .unwrap();
            assert_eq!(
                decide(&new, &w.request).0,
                Decision::Allow,
                "diff {i}: {c:?}"
            );
            assert_ne!(
                decide(&old, &w.request).0,
                Decision::Allow,
                "diff {i}: {c:?}"
            );
        }
    }
    // Where the search can decide, it finds the witness.
    for i in [2, 3] {
        let d = policycheck_lint::diff::diff(
            &fixture(&format!("diff-{i}-old.json")),
            &fixture(&format!("diff-{i}-new.json")),
        );
        assert!(!d.added.is_empty(), "diff {i}: {:?}", d.unknown);
    }
}

#[test]
fn arnlike_conditions_compare_component_counts() {
    // Spec §3.4: `arn:aws:sns:*` has four components; a six-component ARN does not match
    // it (a Resource's trailing `*` would absorb the rest; a condition's does not).
    let p = fixture("analysis-arnlike-components.json");
    let six = request(
        "anonymous",
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        &[(
            "aws:SourceArn",
            one("arn:aws:sns:us-east-1:123456789012:topic"),
        )],
    );
    assert_eq!(decide(&p, &six).0, Decision::ImplicitDeny);
    // AWS sets aws:SourceArn to a real (six-component) ARN, so the statement never
    // applies to an outsider: not public, and the evaluator agrees on such a request.
    let a = analyze(&p);
    assert_eq!(a.verdict, Verdict::NotPublic, "{a:?}");
}

#[test]
fn long_resource_patterns_are_searched_by_the_positions_alive() {
    // A 900-character key prefix with wildcards after it (S3 keys reach 1,024 bytes):
    // too long for the search's one-word automata, so the general search runs. It
    // once scanned every position of every pattern per character and state, which
    // took 0.4 s on this 2 KB policy (timings in bench/RESULTS.md); the answer is the
    // same either way, and is checked here.
    let p = fixture("analysis-long-resource.json");
    let a = analyze(&p);
    assert_eq!(a.verdict, Verdict::Public, "{a:?}");
    assert_eq!(a.read.verdict, Verdict::Public);
    assert_eq!(a.write.verdict, Verdict::NotPublic);
    let w = a.witnesses().next().expect("a witness");
    assert_eq!(decide(&p, &w.request), (Decision::Allow, true), "{w:?}");
    assert!(w.request.resource.ends_with("/index.html"), "{w:?}");
    assert!(!w.request.resource.contains("/drafts/"), "{w:?}");
}
