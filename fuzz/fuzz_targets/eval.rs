//! Fuzz target `eval`: the input is a policy and a request, separated by the first
//! NUL byte (`<policy JSON>\0<request JSON>`, the request in the
//! `policycheck eval --request` format of spec §10.1, including `mode: "full"` with
//! identity policies). Without a NUL the whole input is the policy and a fixed
//! anonymous `s3:GetObject` request is used. Nothing may panic, `decide` must agree
//! with `evaluate` in `resource_policy_only` mode, and an uncertain result must never
//! be an Allow (the evaluator fails closed).
//!
//! Run (from the repository root; needs the nightly toolchain and cargo-fuzz):
//!
//! ```sh
//! cargo install cargo-fuzz                      # once
//! cd fuzz
//! mkdir -p corpus/eval                          # optional seeds: the conformance vectors
//! jq -j '(.policy | tojson) + "\u0000" + (.request | tojson) + "\n"' \
//!     ../fixtures/conformance/eval.jsonl | split -l 1 - corpus/eval/seed-
//! cargo +nightly fuzz run eval -- -max_total_time=60 -max_len=4096
//! ```
//!
//! (`split -l 1` leaves the trailing newline in each seed; the request parser
//! accepts it as whitespace.) A crash is saved under `fuzz/artifacts/eval/`; replay
//! it with `cargo +nightly fuzz run eval artifacts/eval/<file>`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use policycheck_core::{
    decide, evaluate, evaluate_mode, parse_policy_bytes, parse_request_file, Caller, Context,
    Decision, Mode, PolicyKind, Request,
};

fuzz_target!(|data: &[u8]| {
    let (policy_bytes, request_bytes) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    };
    let out = parse_policy_bytes(policy_bytes, PolicyKind::Resource);
    let Some(policy) = &out.policy else {
        return;
    };
    let file = match request_bytes {
        Some(b) => match std::str::from_utf8(b).ok().map(parse_request_file) {
            Some(Ok(f)) => Some(f),
            _ => return,
        },
        None => None,
    };
    let (req, mode, identity, account) = match &file {
        Some(f) => (
            f.request.clone(),
            f.mode,
            f.identity_policies.as_slice(),
            f.bucket_account.as_str(),
        ),
        None => (
            Request::new(
                Caller::Anonymous,
                "s3:GetObject",
                "arn:aws:s3:::example-bucket/key",
                Context::new(),
            ),
            Mode::ResourcePolicyOnly,
            &[][..],
            "111122223333",
        ),
    };
    let ev = evaluate_mode(policy, identity, &req, mode, account);
    if !ev.certain {
        assert_ne!(
            ev.decision,
            Decision::Allow,
            "uncertain Allow: {}",
            ev.summary
        );
    }
    let only = evaluate(policy, &req);
    assert_eq!(decide(policy, &req), (only.decision, only.certain));
    // The trace names one entry per statement.
    assert_eq!(only.statements.len(), policy.statements.len());
});
