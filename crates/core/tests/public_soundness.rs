#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

//! Soundness of the public-access analysis (spec §6.8, obligation 1): on generated
//! policies, a brute-force search over a finite set of outsider requests (built from
//! the policy's own literals plus fresh values, respecting what an outsider may hold in
//! restricting keys) must never find an allowed request where the analysis says
//! "not public". Every witness the analysis gives must be allowed (obligation 2).

use policycheck_core::catalog::{s3_action, AccessLevel};
use policycheck_core::public::{analyze, Verdict};
use policycheck_core::{decide, parse_policy, Caller, Context, CtxValue, Decision, Request};

/// xorshift64*: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const PRINCIPALS: &[&str] = &[
    r#""Principal": "*""#,
    r#""Principal": {"AWS": "*"}"#,
    r#""Principal": {"AWS": "111122223333"}"#,
    r#""Principal": {"AWS": "arn:aws:iam::111122223333:role/R"}"#,
    r#""Principal": {"Service": "cloudfront.amazonaws.com"}"#,
    r#""NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}"#,
    r#""Principal": {"AWS": ["111122223333", "*"]}"#,
];
const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:Get*",
    "s3:*",
    "*",
    "s3:ListBucket",
    "s3:DeleteObject",
    "s3:PutBucketPolicy",
];
const RESOURCES: &[&str] = &[
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b",
    "arn:aws:s3:::b/pub/*",
    "arn:aws:s3:::b/pub/secret*",
    "*",
    "arn:aws:s3:::b*",
];
const CONDITIONS: &[&str] = &[
    r#""StringEquals": {"aws:SourceVpce": "vpce-1"}"#,
    r#""StringNotEquals": {"aws:SourceVpce": ["vpce-1", "vpce-2"]}"#,
    r#""StringLike": {"aws:SourceVpce": "vpce-*"}"#,
    r#""StringNotLikeIfExists": {"aws:SourceVpce": "vpce-1*"}"#,
    r#""StringEqualsIfExists": {"aws:SourceVpce": "vpce-2"}"#,
    r#""IpAddress": {"aws:SourceIp": "10.0.0.0/8"}"#,
    r#""IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "0.0.0.0/1"]}"#,
    r#""NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}"#,
    r#""NotIpAddress": {"aws:SourceIp": "128.0.0.0/1"}"#,
    r#""Bool": {"aws:SecureTransport": "false"}"#,
    r#""Bool": {"aws:SecureTransport": true}"#,
    r#""StringLike": {"aws:Referer": "https://a.com/*"}"#,
    r#""StringNotLike": {"aws:Referer": "*b*"}"#,
    r#""StringEquals": {"aws:PrincipalOrgID": "o-123"}"#,
    r#""StringNotEquals": {"aws:PrincipalOrgID": "o-123"}"#,
    r#""StringLike": {"aws:PrincipalOrgID": "o-*"}"#,
    r#""ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/R"}"#,
    r#""ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:*"}"#,
    r#""NumericLessThan": {"s3:max-keys": "10"}"#,
    r#""NumericGreaterThanEquals": {"s3:max-keys": "100"}"#,
    r#""Null": {"aws:SourceVpce": "true"}"#,
    r#""Null": {"aws:SourceVpce": "false"}"#,
    r#""ForAnyValue:StringEquals": {"aws:TagKeys": "a"}"#,
    r#""ForAllValues:StringLike": {"aws:TagKeys": ["a", "b*"]}"#,
];

fn list(rng: &mut Rng, pool: &[&str]) -> String {
    if rng.chance(60) {
        format!("\"{}\"", rng.pick(pool))
    } else {
        let n = 1 + rng.below(3);
        let items: Vec<String> = (0..n).map(|_| format!("\"{}\"", rng.pick(pool))).collect();
        format!("[{}]", items.join(", "))
    }
}

fn policy(rng: &mut Rng) -> String {
    let n = 1 + rng.below(4);
    let statements: Vec<String> = (0..n)
        .map(|_| {
            let effect = if rng.chance(55) { "Allow" } else { "Deny" };
            let action_key = if rng.chance(15) {
                "NotAction"
            } else {
                "Action"
            };
            let resource_key = if rng.chance(15) {
                "NotResource"
            } else {
                "Resource"
            };
            let mut parts = vec![
                format!(r#""Effect": "{effect}""#),
                (*rng.pick(PRINCIPALS)).to_string(),
                format!(r#""{action_key}": {}"#, list(rng, ACTIONS)),
                format!(r#""{resource_key}": {}"#, list(rng, RESOURCES)),
            ];
            let nc = rng.below(3);
            if nc > 0 {
                // Distinct operators (duplicate operator names would be duplicate JSON keys).
                let mut conds: Vec<&str> = Vec::new();
                while conds.len() < nc {
                    let c = *rng.pick(CONDITIONS);
                    let op = c.split(':').next().unwrap();
                    if !conds.iter().any(|x| x.split(':').next().unwrap() == op) {
                        conds.push(c);
                    }
                }
                parts.push(format!(r#""Condition": {{{}}}"#, conds.join(", ")));
            }
            format!("{{{}}}", parts.join(", "))
        })
        .collect();
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
        statements.join(", ")
    )
}

/// Outsider values per key: absent first, then values an outsider may hold (never a
/// fixed literal of a restricting key, never an address inside a narrow range).
fn pool(key: &str) -> Vec<Option<CtxValue>> {
    let one = |s: &str| Some(CtxValue::One(s.to_string()));
    let many = |v: &[&str]| Some(CtxValue::Many(v.iter().map(|s| s.to_string()).collect()));
    match key {
        "aws:SourceVpce" => vec![
            None,
            one("vpce-x"),
            one("vpce-"),
            one("vpce-1x"),
            one("other"),
        ],
        "aws:SourceIp" => vec![
            None,
            one("1.2.3.4"),
            one("200.1.1.1"),
            one("127.0.0.1"),
            one("2001:db8::1"),
        ],
        "aws:SecureTransport" => vec![one("true"), one("false"), None],
        "aws:Referer" => vec![None, one("https://a.com/x"), one("xbx"), one("")],
        "aws:PrincipalOrgID" => vec![None, one("o-999")],
        "aws:PrincipalArn" => vec![
            None,
            one("arn:aws:iam::999988887777:role/R"),
            one("arn:aws:iam::999988887777:user/u"),
        ],
        "s3:max-keys" => vec![None, one("5"), one("50"), one("500")],
        "aws:TagKeys" => vec![
            None,
            many(&[]),
            many(&["a"]),
            many(&["bz"]),
            many(&["a", "c"]),
        ],
        _ => vec![None],
    }
}

const KEYS: &[&str] = &[
    "aws:SourceVpce",
    "aws:SourceIp",
    "aws:SecureTransport",
    "aws:Referer",
    "aws:PrincipalOrgID",
    "aws:PrincipalArn",
    "s3:max-keys",
    "aws:TagKeys",
];
const CALLERS: &[&str] = &[
    "anonymous",
    "arn:aws:iam::999988887777:root",
    "arn:aws:iam::999988887777:user/u",
    "arn:aws:sts::999988887777:assumed-role/R/s",
];
const PROBE_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:ListBucket",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:PutBucketPolicy",
    "s3:GetBucketPolicy",
];
const PROBE_OBJECTS: &[&str] = &[
    "arn:aws:s3:::b/x",
    "arn:aws:s3:::b/pub/x",
    "arn:aws:s3:::b/pub/secretx",
    "arn:aws:s3:::b/pub/secret",
];

#[test]
fn the_analysis_never_misses_what_brute_force_finds() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let (mut policies, mut public_found, mut requests) = (0, 0, 0u64);
    for _ in 0..1500 {
        let text = policy(&mut rng);
        let parsed = parse_policy(&text);
        assert!(
            parsed.diagnostics.iter().all(|d| d.code != "PC002"),
            "{text}"
        );
        let p = parsed.policy.unwrap();
        let pa = analyze(&p);
        for w in pa.witnesses() {
            assert_eq!(
                decide(&p, &w.request),
                (Decision::Allow, true),
                "witness not allowed for {text}: {:?}",
                w.request.to_json()
            );
        }
        let keys: Vec<&str> = KEYS
            .iter()
            .copied()
            .filter(|k| text.contains(&format!("\"{k}\"")))
            .collect();
        let mut brute_read = None;
        let mut brute_write = None;
        for caller in CALLERS {
            for action in PROBE_ACTIONS {
                let info = s3_action(action).unwrap();
                let bucket_action =
                    info.applies_to(policycheck_core::catalog::ResourceType::Bucket);
                let resources: Vec<&str> = if bucket_action {
                    vec!["arn:aws:s3:::b"]
                } else {
                    PROBE_OBJECTS.to_vec()
                };
                for resource in resources {
                    // A sample of the context product: the all-absent context, then random picks.
                    for sample in 0..8 {
                        let mut ctx = Context::new();
                        for k in &keys {
                            let pool = pool(k);
                            let v = if sample == 0 {
                                pool[0].clone()
                            } else {
                                rng.pick(&pool).clone()
                            };
                            if let Some(v) = v {
                                ctx.insert(k, v);
                            }
                        }
                        let req =
                            Request::new(Caller::parse(caller).unwrap(), action, resource, ctx);
                        requests += 1;
                        if decide(&p, &req) == (Decision::Allow, true) {
                            let slot =
                                if matches!(info.level, AccessLevel::List | AccessLevel::Read) {
                                    &mut brute_read
                                } else {
                                    &mut brute_write
                                };
                            slot.get_or_insert(req.to_json());
                        }
                        if keys.is_empty() {
                            break;
                        }
                    }
                }
            }
        }
        if let Some(r) = &brute_read {
            assert_ne!(pa.read.verdict, Verdict::NotPublic, "UNSOUND (read): brute force found {r} allowed, analysis says not public for\n{text}");
            public_found += 1;
        }
        if let Some(r) = &brute_write {
            assert_ne!(pa.write.verdict, Verdict::NotPublic, "UNSOUND (write): brute force found {r} allowed, analysis says not public for\n{text}");
        }
        policies += 1;
    }
    // The generator must produce a healthy mix, or this test proves nothing.
    assert!(public_found > policies / 10, "only {public_found} of {policies} policies had a brute-force witness ({requests} requests)");
    assert!(
        public_found < policies * 9 / 10,
        "{public_found} of {policies}: the generator is too permissive"
    );
}

/// The diff (issue: "a property test: for generated pairs of policies, every reported
/// witness is allowed by NEW and denied by OLD, and for pairs where NEW is OLD plus only
/// Deny statements, no new access is reported").
#[test]
fn diff_witnesses_hold_and_added_denies_open_nothing() {
    use policycheck_core::public::{analyze_new_access, scopes};
    let mut rng = Rng(0xd1ff_5eed_0000_0042);
    let mut found = 0;
    let (mut checked, mut undecided) = (0usize, 0usize);
    for _ in 0..300 {
        let (old_text, new_text) = (policy(&mut rng), policy(&mut rng));
        let old = parse_policy(&old_text).policy.unwrap();
        let new = parse_policy(&new_text).policy.unwrap();
        for scope in scopes(&old, &new) {
            let pa = analyze_new_access(&new, &old, &scope);
            for w in pa.witnesses() {
                found += 1;
                assert_eq!(
                    decide(&new, &w.request),
                    (Decision::Allow, true),
                    "witness not allowed by NEW\n{old_text}\n{new_text}\n{:?}",
                    w.request.to_json()
                );
                let (d, certain) = decide(&old, &w.request);
                assert!(
                    certain && d != Decision::Allow,
                    "witness allowed by OLD\n{old_text}\n{new_text}\n{:?}",
                    w.request.to_json()
                );
            }
        }
        // OLD plus Deny statements only: nothing new for anyone.
        let denies: Vec<String> = (0..1 + rng.below(2))
            .map(|_| {
                let p = policy(&mut rng);
                let start = p.find("\"Statement\": [").unwrap() + "\"Statement\": [".len();
                let body = &p[start..p.len() - 2];
                // Take the generated statements and force them to Deny.
                body.replace("\"Effect\": \"Allow\"", "\"Effect\": \"Deny\"")
            })
            .collect();
        let old_body = &old_text[old_text.find("\"Statement\": [").unwrap()
            + "\"Statement\": [".len()..old_text.len() - 2];
        let stricter_text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{old_body}, {}]}}"#,
            denies.join(", ")
        );
        let stricter = parse_policy(&stricter_text).policy.unwrap();
        for scope in scopes(&old, &stricter) {
            let pa = analyze_new_access(&stricter, &old, &scope);
            // No new access is reported. (`unknown` is allowed: a wildcard bucket name such
            // as `arn:aws:s3:::b*` makes the search non-exhaustive, and it fails closed.)
            assert_ne!(
                pa.verdict,
                Verdict::Public,
                "adding Denys opened something for {scope:?}\n{old_text}\n{stricter_text}\n{:?}",
                pa.witnesses()
                    .map(|w| w.request.to_json())
                    .collect::<Vec<_>>()
            );
            checked += 1;
            undecided += usize::from(pa.verdict == Verdict::Unknown);
        }
    }
    assert!(
        found > 50,
        "only {found} witnesses: the generator makes too few differences"
    );
    assert!(
        undecided * 3 < checked,
        "{undecided} of {checked} Deny-only pairs were undecided: too imprecise"
    );
}
