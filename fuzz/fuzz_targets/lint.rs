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
//! - linting the same bytes twice gives the same findings and the same answer.
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
use policycheck_core::public::{LevelAccess, Verdict};
use policycheck_core::{decide, parse_policy_bytes, Decision, PolicyKind};
use policycheck_lint::{lint_bytes, LintOptions};

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
        if access.witnesses().next().is_some() {
            let parsed = parse_policy_bytes(data, PolicyKind::Resource);
            let policy = parsed
                .policy
                .as_ref()
                .expect("a witness was given for a text that is no policy");
            for w in access.witnesses() {
                assert_eq!(
                    decide(policy, &w.request),
                    (Decision::Allow, true),
                    "witness not allowed for certain: {w:?}"
                );
            }
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
