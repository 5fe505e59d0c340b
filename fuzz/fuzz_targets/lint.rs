//! Fuzz target `lint`: arbitrary bytes through the whole of `policycheck lint`'s core
//! (`policycheck_lint::lint_bytes`: parse, every rule, the public-access analysis).
//!
//! Checked on every input:
//! - nothing panics;
//! - every label of every finding lies inside the input, on character boundaries;
//! - the verdict agrees with its levels (`public` when read or write is, `unknown`
//!   when neither is public and one is unknown, else `not-public`);
//! - every witness of a `public` answer is allowed, for certain, by the evaluator
//!   (`decide` on the same policy): the contract of spec §6.8;
//! - a public level has a witness, and a level with a witness is public;
//! - linting the same bytes twice gives the same findings and the same answer;
//! - *sound* (spec §6.8): when a level is `not-public`, no request of a small set of
//!   outsider requests built from the policy's own texts is allowed for certain. The
//!   set is conservative, so that each of its requests is an outsider request by
//!   §6.8's definition: the caller is anonymous, every restricting key is absent, and
//!   the other keys the policy reads (`aws:SecureTransport`, `aws:Referer`, `s3:prefix`,
//!   …) are absent or hold a value of the policy with its wildcards filled in, or a
//!   fresh one; the resources are a bucket the policy names literally, an object in it
//!   and the policy's object patterns with their wildcards filled in, each asked only
//!   with the actions that apply to it (an object action on an object).
//!
//! Run (from the repository root; needs the nightly toolchain and cargo-fuzz):
//!
//! ```sh
//! cargo install cargo-fuzz                      # once
//! cd fuzz
//! mkdir -p corpus/lint                          # seeds: the example and conformance policies
//! cp ../policies/*.json corpus/lint/
//! jq -c '.policy' ../fixtures/conformance/*.jsonl | split -l 1 - corpus/lint/seed-
//! cargo +nightly fuzz run lint corpus/lint -- -dict=dict/policy.dict \
//!     -max_total_time=300 -max_len=4096 -timeout=10
//! ```
//!
//! A crash is saved under `fuzz/artifacts/lint/`; replay it with
//! `cargo +nightly fuzz run lint artifacts/lint/<file>`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use policycheck_core::catalog::{resource_type_of_arn, s3_action, AccessLevel};
use policycheck_core::public::{LevelAccess, PublicAccess, Verdict};
use policycheck_core::{
    decide, parse_policy_bytes, Caller, Context, CtxValue, Decision, Policy, PolicyKind, Request,
};
use policycheck_lint::{lint_bytes, LintOptions};

/// Keys an outsider sets as it likes (§6.8: neither identity nor network keys).
const FREE_KEYS: &[&str] = &[
    "aws:securetransport",
    "aws:referer",
    "aws:useragent",
    "aws:currenttime",
    "aws:epochtime",
    "s3:prefix",
    "s3:delimiter",
    "s3:max-keys",
    "s3:x-amz-acl",
    "s3:x-amz-server-side-encryption",
    "s3:x-amz-storage-class",
    "s3:signatureversion",
    "s3:authtype",
];

/// Actions probed, of every access level.
const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:ListBucket",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:PutBucketPolicy",
    "s3:PutObjectAcl",
    "s3:PutObjectTagging",
];

/// A text with its wildcards and variables filled in (`*`, `?` and `${…}` as `x`).
fn fill(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some(end) = rest.starts_with("${").then(|| rest.find('}')).flatten() {
            out.push('x');
            rest = &rest[end + 1..];
            continue;
        }
        out.push(if c == '*' || c == '?' { 'x' } else { c });
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The oracle's requests that `decide` allows for certain, by the level of their action.
fn allowed_outsider_requests(policy: &Policy) -> Vec<(AccessLevel, Request)> {
    let items = || {
        policy
            .statements
            .iter()
            .filter_map(|st| st.resource.as_ref())
            .flat_map(|r| r.items.iter())
            .map(|i| i.text.value.as_str())
    };
    // A bucket named literally (the analysis searches the resources of such buckets).
    let Some(bucket) = items().find_map(|t| {
        let rest = t.strip_prefix("arn:aws:s3:::")?;
        let name = rest.split('/').next()?;
        (!name.is_empty() && !name.contains(['*', '?', '$', ':'])).then_some(name)
    }) else {
        return Vec::new();
    };
    let head = format!("arn:aws:s3:::{bucket}");
    let mut resources = vec![head.clone(), format!("{head}/x")];
    for t in items() {
        if t.starts_with(&format!("{head}/")) {
            let r = fill(t);
            if !resources.contains(&r) && resources.len() < 5 {
                resources.push(r);
            }
        }
    }
    // The free keys the policy reads, each with its values: absent, the policy's own
    // (filled in), a fresh one.
    let mut keys: Vec<(String, Vec<Option<String>>)> = Vec::new();
    for c in policy
        .statements
        .iter()
        .filter_map(|st| st.condition.as_ref())
        .flat_map(|c| c.conditions.iter())
    {
        let lc = c.key.value.to_ascii_lowercase();
        if !FREE_KEYS.contains(&lc.as_str()) {
            continue;
        }
        let at = match keys.iter().position(|(k, _)| *k == lc) {
            Some(i) => i,
            None if keys.len() < 3 => {
                keys.push((lc, vec![None, Some("fresh-value".into())]));
                keys.len() - 1
            }
            None => continue,
        };
        if let Some((_, values)) = keys.get_mut(at) {
            for v in &c.values {
                let f = Some(fill(&v.text.value));
                if values.len() < 5 && !values.contains(&f) {
                    values.push(f);
                }
            }
        }
    }
    let mut contexts = vec![Context::new()];
    for (key, values) in &keys {
        let mut next = Vec::new();
        for ctx in &contexts {
            for v in values {
                let mut c = ctx.clone();
                if let Some(v) = v {
                    c.insert(key, CtxValue::One(v.clone()));
                }
                next.push(c);
            }
        }
        contexts = next;
    }
    let mut allowed = Vec::new();
    for action in ACTIONS {
        let Some(info) = s3_action(action) else {
            continue;
        };
        // A request names a resource its action applies to (an object action an object).
        let applies = |r: &&String| resource_type_of_arn(r).is_some_and(|t| info.applies_to(t));
        for resource in resources.iter().filter(applies) {
            for ctx in &contexts {
                let req = Request::new(Caller::Anonymous, action, resource, ctx.clone());
                if decide(policy, &req) == (Decision::Allow, true) {
                    allowed.push((info.level, req));
                }
            }
        }
    }
    allowed
}

/// §6.8's soundness on the oracle's requests.
fn check_sound(policy: &Policy, access: &PublicAccess) {
    if access.read.verdict != Verdict::NotPublic && access.write.verdict != Verdict::NotPublic {
        return;
    }
    for (level, req) in allowed_outsider_requests(policy) {
        let (name, answer) = match level {
            AccessLevel::List | AccessLevel::Read => ("read", &access.read),
            _ => ("write", &access.write),
        };
        assert!(
            answer.verdict != Verdict::NotPublic,
            "{name} is not-public, but this outsider request is allowed: {}",
            req.to_json()
        );
    }
}

fn check_level(name: &str, level: &LevelAccess) {
    assert_eq!(
        level.verdict == Verdict::Public,
        !level.witnesses.is_empty(),
        "{name}: a public level needs a witness, and only a public one has one: {level:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    let options = LintOptions::default();
    let result = lint_bytes(data, &options);
    let text = std::str::from_utf8(data).ok();
    for d in &result.diagnostics {
        for l in &d.labels {
            let r = l.span.range();
            assert!(r.start <= r.end, "inverted span {r:?}: {d:?}");
            assert!(r.end <= data.len(), "span {r:?} past the end: {d:?}");
            if let Some(t) = text {
                assert!(
                    t.is_char_boundary(r.start) && t.is_char_boundary(r.end),
                    "span {r:?} inside a character: {d:?}"
                );
            }
        }
    }
    if let Some(access) = &result.access {
        let (read, write) = (access.read.verdict, access.write.verdict);
        let want = if read == Verdict::Public || write == Verdict::Public {
            Verdict::Public
        } else if read == Verdict::Unknown || write == Verdict::Unknown {
            Verdict::Unknown
        } else {
            Verdict::NotPublic
        };
        assert_eq!(access.verdict, want, "{access:?}");
        check_level("read", &access.read);
        check_level("write", &access.write);
        let parsed = parse_policy_bytes(data, PolicyKind::Resource);
        match parsed.policy.as_ref() {
            Some(policy) => {
                for w in access.witnesses() {
                    assert_eq!(
                        decide(policy, &w.request),
                        (Decision::Allow, true),
                        "witness not allowed for certain: {w:?}"
                    );
                }
                check_sound(policy, access);
            }
            None => assert!(
                access.witnesses().next().is_none(),
                "a witness was given for a text that is no policy"
            ),
        }
    }
    let again = lint_bytes(data, &options);
    assert_eq!(
        format!("{:?}", again.diagnostics),
        format!("{:?}", result.diagnostics),
        "two runs disagree on the findings"
    );
    assert_eq!(
        format!("{:?}", again.access),
        format!("{:?}", result.access),
        "two runs disagree on the public-access answer"
    );
});
