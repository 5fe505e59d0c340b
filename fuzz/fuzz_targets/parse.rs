//! Fuzz target `parse`: arbitrary bytes through `parse_policy_bytes` (UTF-8 check,
//! strict JSON, policy lowering). Nothing may panic; every diagnostic span must lie
//! inside the input; when a policy comes out, a fixed anonymous `s3:GetObject`
//! request is evaluated through both `evaluate` and `decide`, which must agree.
//!
//! Run (from the repository root; needs the nightly toolchain and cargo-fuzz):
//!
//! ```sh
//! cargo install cargo-fuzz                      # once
//! cd fuzz
//! mkdir -p corpus/parse                         # optional seeds: the conformance policies
//! jq -c '.policy' ../fixtures/conformance/*.jsonl | split -l 1 - corpus/parse/seed-
//! cargo +nightly fuzz run parse -- -max_total_time=60 -max_len=4096
//! ```
//!
//! A crash is saved under `fuzz/artifacts/parse/`; replay it with
//! `cargo +nightly fuzz run parse artifacts/parse/<file>`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use policycheck_core::{
    decide, evaluate, parse_policy_bytes, Caller, Context, LineIndex, PolicyKind, Request,
};

/// Known engine bug (the ignored test
/// `json_error_spans_stay_inside_the_text_and_on_character_boundaries` in
/// crates/core/tests/parser_robustness.rs): some JSON syntax errors (PC001) get a
/// span that ends past the input or inside a multi-byte character. Until that is
/// fixed only their start is checked; set this to false afterwards.
const TOLERATE_KNOWN_PC001_SPAN_BUG: bool = false;

fuzz_target!(|data: &[u8]| {
    let out = parse_policy_bytes(data, PolicyKind::Resource);
    let text = std::str::from_utf8(data).ok();
    let index = text.map(LineIndex::new);
    for d in &out.diagnostics {
        for l in &d.labels {
            let mut r = l.span.range();
            if TOLERATE_KNOWN_PC001_SPAN_BUG && d.code == "PC001" {
                r.end = r.start.min(data.len());
            }
            assert!(r.start <= r.end, "inverted span {r:?}: {d:?}");
            assert!(r.end <= data.len(), "span {r:?} past the end: {d:?}");
            if let (Some(t), Some(idx)) = (text, &index) {
                assert!(
                    t.is_char_boundary(r.start) && t.is_char_boundary(r.end),
                    "{d:?}"
                );
                let _ = idx.line_col(l.span.start);
            }
        }
    }
    if let Some(policy) = &out.policy {
        let req = Request::new(
            Caller::Anonymous,
            "s3:GetObject",
            "arn:aws:s3:::example-bucket/key",
            Context::new(),
        );
        let ev = evaluate(policy, &req);
        assert_eq!(decide(policy, &req), (ev.decision, ev.certain));
    }
});
