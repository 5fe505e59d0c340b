#![allow(clippy::panic)] // a benchmark measuring the wrong thing must stop loudly

//! Throughput of the core, with plain `std::time::Instant` (no criterion: three
//! figures with generous targets do not need its statistics, and it would add a
//! large dependency tree to a two-core build machine).
//!
//! Run: `cargo bench -p policycheck-core --bench core_bench`
//!
//! * parse once, evaluate many: a realistic 10-statement bucket policy and 8
//!   requests, through `decide()` (fast path, target ≥ 1 M evals/s on one core) and
//!   `evaluate()` (with the full trace);
//! * parsing a generated ~20 KB policy (target < 100 µs);
//! * the wildcard `*a*a*a*a*a*b` against a 10,000-character value.
//!
//! Without `--bench` on the command line (e.g. `cargo test --benches`) it runs a
//! few iterations only, as a smoke test.
//!
//! The allocator is the `policycheck` binary's (mimalloc), so the figures are those of
//! the program users run (ruff's benchmarks do the same with its allocator). The same
//! parse under the system allocator: `cargo run --release -p policycheck-core
//! --example parse_profile` (bench/RESULTS.md gives both).

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use policycheck_core::pattern::{Pattern, Syntax};
#[path = "big_policy.rs"]
mod big_policy;
use big_policy::big_policy;
use policycheck_core::{decide, evaluate, parse_policy, Caller, Context, CtxValue, Decision};
use policycheck_core::{Policy, Request};
use std::hint::black_box;
use std::time::{Duration, Instant};

const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Id": "ExampleBucketPolicy",
  "Statement": [
    {
      "Sid": "DenyInsecureTransport",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:*",
      "Resource": ["arn:aws:s3:::example-bucket", "arn:aws:s3:::example-bucket/*"],
      "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    },
    {
      "Sid": "OnlyAdminsManageThePolicy",
      "Effect": "Deny",
      "NotPrincipal": {"AWS": [
        "111122223333",
        "arn:aws:iam::111122223333:role/Admin",
        "arn:aws:sts::111122223333:assumed-role/Admin/break-glass"
      ]},
      "Action": ["s3:PutBucketPolicy", "s3:DeleteBucketPolicy"],
      "Resource": "arn:aws:s3:::example-bucket"
    },
    {
      "Sid": "PublicRead",
      "Effect": "Allow",
      "Principal": "*",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::example-bucket/public/*"
    },
    {
      "Sid": "StaffHomeDocs",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111122223333:role/Staff"},
      "Action": ["s3:GetObject", "s3:PutObject"],
      "Resource": "arn:aws:s3:::example-bucket/home/*/docs/*"
    },
    {
      "Sid": "ListHomeAndPublic",
      "Effect": "Allow",
      "Principal": {"AWS": "111122223333"},
      "Action": "s3:ListBucket",
      "Resource": "arn:aws:s3:::example-bucket",
      "Condition": {"StringLike": {"s3:prefix": ["home/*", "public/*", ""]}}
    },
    {
      "Sid": "OfficeNetwork",
      "Effect": "Allow",
      "Principal": "*",
      "Action": ["s3:GetObject", "s3:GetObjectVersion"],
      "Resource": "arn:aws:s3:::example-bucket/reports/*",
      "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}}
    },
    {
      "Sid": "PartnerViaEndpoint",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
      "Action": ["s3:Get*", "s3:List*"],
      "Resource": ["arn:aws:s3:::example-bucket", "arn:aws:s3:::example-bucket/shared/*"],
      "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}
    },
    {
      "Sid": "DenyDeleteWithoutMFA",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:DeleteObject*",
      "Resource": "arn:aws:s3:::example-bucket/*",
      "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
    },
    {
      "Sid": "CloudTrailWrites",
      "Effect": "Allow",
      "Principal": {"Service": "cloudtrail.amazonaws.com"},
      "Action": "s3:PutObject",
      "Resource": "arn:aws:s3:::example-bucket/AWSLogs/111122223333/*",
      "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}
    },
    {
      "Sid": "DenyUnencryptedUploads",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:PutObject",
      "NotResource": "arn:aws:s3:::example-bucket/AWSLogs/*",
      "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}
    }
  ]
}"#;

/// (principal, action, resource, context) and the expected decision.
type Case = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    Decision,
);

const REQUESTS: &[Case] = &[
    (
        "anonymous",
        "s3:GetObject",
        "arn:aws:s3:::example-bucket/public/logo.png",
        &[("aws:SecureTransport", "true")],
        Decision::Allow,
    ),
    (
        "anonymous",
        "s3:GetObject",
        "arn:aws:s3:::example-bucket/public/logo.png",
        &[("aws:SecureTransport", "false")],
        Decision::ExplicitDeny,
    ),
    (
        "anonymous",
        "s3:GetObject",
        "arn:aws:s3:::example-bucket/reports/2025/q1.pdf",
        &[
            ("aws:SecureTransport", "true"),
            ("aws:SourceIp", "203.0.113.77"),
        ],
        Decision::Allow,
    ),
    (
        "arn:aws:sts::111122223333:assumed-role/Staff/alice",
        "s3:PutObject",
        "arn:aws:s3:::example-bucket/home/alice/docs/notes.txt",
        &[
            ("aws:SecureTransport", "true"),
            ("s3:x-amz-server-side-encryption", "aws:kms"),
        ],
        Decision::Allow,
    ),
    (
        "arn:aws:iam::111122223333:user/bob",
        "s3:ListBucket",
        "arn:aws:s3:::example-bucket",
        &[("aws:SecureTransport", "true"), ("s3:prefix", "private/")],
        Decision::ImplicitDeny,
    ),
    (
        "arn:aws:sts::444455556666:assumed-role/Partner/etl",
        "s3:GetObject",
        "arn:aws:s3:::example-bucket/shared/data.csv",
        &[
            ("aws:SecureTransport", "true"),
            ("aws:SourceVpce", "vpce-1a2b3c4d"),
        ],
        Decision::Allow,
    ),
    (
        "arn:aws:sts::111122223333:assumed-role/Staff/alice",
        "s3:DeleteObject",
        "arn:aws:s3:::example-bucket/home/alice/docs/notes.txt",
        &[("aws:SecureTransport", "true")],
        Decision::ExplicitDeny,
    ),
    (
        "service:cloudtrail.amazonaws.com",
        "s3:PutObject",
        "arn:aws:s3:::example-bucket/AWSLogs/111122223333/CloudTrail/x.json.gz",
        &[
            ("aws:SecureTransport", "true"),
            ("s3:x-amz-acl", "bucket-owner-full-control"),
        ],
        Decision::Allow,
    ),
];

fn requests() -> Vec<Request> {
    REQUESTS
        .iter()
        .map(|(p, a, r, ctx, _)| {
            let mut c = Context::new();
            for (k, v) in ctx.iter() {
                c.insert(k, CtxValue::One(v.to_string()));
            }
            let caller = Caller::parse(p).unwrap_or_else(|e| panic!("{p}: {e}"));
            Request::new(caller, a, r, c)
        })
        .collect()
}

/// Run `f` repeatedly for about `budget`; returns (iterations, elapsed).
fn measure(budget: Duration, mut f: impl FnMut()) -> (u64, Duration) {
    // Warm up, and find a batch size of about 10 ms.
    let mut batch = 1u64;
    loop {
        let t = Instant::now();
        for _ in 0..batch {
            f();
        }
        if t.elapsed() >= Duration::from_millis(10) || batch >= 1 << 30 {
            break;
        }
        batch *= 2;
    }
    let start = Instant::now();
    let mut n = 0;
    while start.elapsed() < budget {
        for _ in 0..batch {
            f();
        }
        n += batch;
    }
    (n, start.elapsed())
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let budget = if full {
        Duration::from_secs(2)
    } else {
        Duration::from_millis(20)
    };

    // (a) parse once, evaluate many.
    let out = parse_policy(POLICY);
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let policy: Policy = out.policy.unwrap_or_else(|| panic!("policy did not parse"));
    let reqs = requests();
    for (r, case) in reqs.iter().zip(REQUESTS) {
        let (d, certain) = decide(&policy, r);
        assert!(
            d == case.4 && certain,
            "{} {} {}: expected {:?}, got {d:?}",
            case.0,
            case.1,
            case.2,
            case.4
        );
    }
    let n_st = policy.statements.len();
    let (iters, t) = measure(budget, || {
        for r in &reqs {
            black_box(decide(black_box(&policy), black_box(r)));
        }
    });
    let evals = iters as f64 * reqs.len() as f64;
    println!(
        "decide: {:.2} M evals/s ({n_st} statements, {} requests; {:.0} ns/eval; target >= 1 M/s)",
        evals / t.as_secs_f64() / 1e6,
        reqs.len(),
        t.as_nanos() as f64 / evals
    );
    let (iters, t) = measure(budget, || {
        for r in &reqs {
            black_box(evaluate(black_box(&policy), black_box(r)));
        }
    });
    let evals = iters as f64 * reqs.len() as f64;
    println!(
        "evaluate (with trace): {:.3} M evals/s ({n_st} statements, {} requests; {:.2} us/eval)",
        evals / t.as_secs_f64() / 1e6,
        reqs.len(),
        t.as_nanos() as f64 / evals / 1e3
    );

    // (b) parse a ~20 KB policy.
    let big = big_policy(20 * 1024);
    let parsed = parse_policy(&big);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let n_big = parsed.policy.map_or(0, |p| p.statements.len());
    let (iters, t) = measure(budget, || {
        black_box(parse_policy(black_box(&big)));
    });
    println!(
        "parse: {:.1} us per parse ({:.1} KB, {n_big} statements; target < 100 us; mimalloc)",
        t.as_nanos() as f64 / iters as f64 / 1e3,
        big.len() as f64 / 1024.0
    );
    let (iters, t) = measure(budget, || {
        black_box(parse_policy(black_box(POLICY)));
    });
    println!(
        "parse: {:.1} us per parse ({:.1} KB, {n_st} statements, the policy of (a))",
        t.as_nanos() as f64 / iters as f64 / 1e3,
        POLICY.len() as f64 / 1024.0
    );

    // (c) pathological wildcard.
    let syntax = Syntax {
        wildcards: true,
        variables: false,
    };
    let text = "a".repeat(10_000);
    // The first and fourth fail at once on their suffix; the others scan the text
    // (the last with `?` segments, matched character by character).
    for (pat, want) in [
        ("*a*a*a*a*a*b", false),
        ("*a*a*a*a*a*", true),
        ("*a*a*a*a*a*b*", false),
        ("*a?a*a?a*a*b?", false),
        ("*a?a*a?b*", false),
    ] {
        let p = Pattern::new(pat, syntax);
        assert_eq!(p.matches_plain(&text), want);
        let (iters, t) = measure(budget, || {
            black_box(black_box(&p).matches_plain(black_box(&text)));
        });
        println!(
            "wildcard: {:.2} us per match (`{pat}` vs 10,000 `a`s, {})",
            t.as_nanos() as f64 / iters as f64 / 1e3,
            if want { "matches" } else { "no match" }
        );
    }
}
