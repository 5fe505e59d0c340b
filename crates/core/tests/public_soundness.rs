#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

//! Soundness of the public-access analysis (spec §6.8, obligation 1): on generated
//! policies, a brute-force search over a finite set of outsider requests (built from
//! the policy's own literals plus fresh values, respecting what an outsider may hold in
//! restricting keys) must never find an allowed request where the analysis says
//! "not public". Every witness the analysis gives must be allowed (obligation 2).

mod common;

use common::{count, seed, Probes, Rng};
use policycheck_core::public::{analyze, Verdict};
use policycheck_core::{decide, parse_policy, CtxValue, Decision, Request};

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

/// One generated statement, kept in parts so the diff test can mutate it.
#[derive(Clone)]
struct Stmt {
    effect: &'static str,
    principal: String,
    action_key: &'static str,
    actions: Vec<&'static str>,
    resource_key: &'static str,
    resources: Vec<&'static str>,
    conds: Vec<&'static str>,
}

impl Stmt {
    fn render(&self) -> String {
        let items = |v: &[&str]| match v {
            [one] => format!("\"{one}\""),
            _ => format!(
                "[{}]",
                v.iter()
                    .map(|x| format!("\"{x}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let mut parts = vec![
            format!(r#""Effect": "{}""#, self.effect),
            self.principal.clone(),
            format!(r#""{}": {}"#, self.action_key, items(&self.actions)),
            format!(r#""{}": {}"#, self.resource_key, items(&self.resources)),
        ];
        if !self.conds.is_empty() {
            parts.push(format!(r#""Condition": {{{}}}"#, self.conds.join(", ")));
        }
        format!("{{{}}}", parts.join(", "))
    }
}

fn pick_list(rng: &mut Rng, pool: &[&'static str]) -> Vec<&'static str> {
    let n = if rng.chance(60) { 1 } else { 1 + rng.below(3) };
    (0..n).map(|_| *rng.pick(pool)).collect()
}

fn statement(rng: &mut Rng) -> Stmt {
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
    let principal = (*rng.pick(PRINCIPALS)).to_string();
    let actions = pick_list(rng, ACTIONS);
    let resources = pick_list(rng, RESOURCES);
    let nc = rng.below(3);
    // Distinct operators (duplicate operator names would be duplicate JSON keys).
    let mut conds: Vec<&'static str> = Vec::new();
    while conds.len() < nc {
        let c = *rng.pick(CONDITIONS);
        let op = c.split(':').next().unwrap();
        if !conds.iter().any(|x| x.split(':').next().unwrap() == op) {
            conds.push(c);
        }
    }
    Stmt {
        effect,
        principal,
        action_key,
        actions,
        resource_key,
        resources,
        conds,
    }
}

fn render(statements: &[Stmt]) -> String {
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
        statements
            .iter()
            .map(Stmt::render)
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn statements(rng: &mut Rng) -> Vec<Stmt> {
    let n = 1 + rng.below(4);
    (0..n).map(|_| statement(rng)).collect()
}

fn policy(rng: &mut Rng) -> String {
    render(&statements(rng))
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
        // Always present in a real request (spec §7.3).
        "aws:SecureTransport" => vec![one("true"), one("false")],
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

/// Outsider requests built from the keys `text` uses: the first found that `hit`
/// accepts, for read (List/Read) and for write, and how many were tried.
fn brute(
    rng: &mut Rng,
    text: &str,
    hit: impl Fn(&Request) -> bool,
) -> (Option<serde_json::Value>, Option<serde_json::Value>, u64) {
    let keys: Vec<&str> = KEYS
        .iter()
        .copied()
        .filter(|k| text.contains(&format!("\"{k}\"")))
        .collect();
    let probes = Probes {
        callers: CALLERS,
        actions: PROBE_ACTIONS,
        objects: PROBE_OBJECTS,
        samples: 8,
        stop_when_found: false,
    };
    let found = common::brute(rng, &probes, &keys, pool, hit);
    (found.read, found.write, found.requests)
}

#[test]
fn the_analysis_never_misses_what_brute_force_finds() {
    let mut rng = Rng(seed(0x5eed_1234_abcd_0001));
    let (mut policies, mut public_found, mut requests) = (0, 0, 0u64);
    for _ in 0..count(1500) {
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
            assert!(
                policycheck_core::public::caller_keys_fit(&w.request),
                "witness keys fit no caller for {text}: {:?}",
                w.request.to_json()
            );
        }
        let (brute_read, brute_write, n) = brute(&mut rng, &text, |req| {
            decide(&p, req) == (Decision::Allow, true)
        });
        requests += n;
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
    let mut rng = Rng(seed(0xd1ff_5eed_0000_0042));
    let mut found = 0;
    let (mut checked, mut undecided) = (0usize, 0usize);
    for _ in 0..count(300) {
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

/// One review-style edit of a policy: the kinds of change a diff must see through
/// (equivalent rewrites) or catch (a condition dropped, a principal widened, a Deny
/// removed, an action or resource widened, a statement added).
fn mutate(rng: &mut Rng, sts: &mut Vec<Stmt>) {
    let i = rng.below(sts.len());
    match rng.below(9) {
        0 => {
            if !sts[i].conds.is_empty() {
                let k = rng.below(sts[i].conds.len());
                sts[i].conds.remove(k);
            }
        }
        1 => sts[i].principal = r#""Principal": "*""#.to_string(),
        2 => {
            if sts.len() > 1 {
                sts.remove(i);
            }
        }
        3 => sts.push(statement(rng)),
        4 => {
            // Split the actions into one statement each (equivalent).
            let st = sts.remove(i);
            for a in &st.actions {
                let mut one = st.clone();
                one.actions = vec![a];
                sts.push(one);
            }
        }
        5 => sts.reverse(),
        6 => sts[i].resources.push(*rng.pick(RESOURCES)),
        7 => sts[i].actions.push(*rng.pick(ACTIONS)),
        _ => sts[i].conds.truncate(0),
    }
}

/// Soundness of the diff (issue 5, in the sense of spec §6.8): for NEW made from OLD by
/// one or two review edits, a brute-force search over outsider requests must never find
/// one NEW allows and OLD does not where the analysis reports no new access for the
/// public. Most statements stay unchanged, so the baseline-coverage shortcut is exercised.
#[test]
fn the_diff_never_misses_what_brute_force_finds() {
    use policycheck_core::public::{analyze_new_access, Scope};
    let mut rng = Rng(seed(0xd1ff_50d0_0000_0007));
    let (mut pairs, mut new_found, mut quiet) = (0, 0, 0);
    for _ in 0..count(1200) {
        let old_sts = statements(&mut rng);
        let mut new_sts = old_sts.clone();
        for _ in 0..1 + rng.below(2) {
            mutate(&mut rng, &mut new_sts);
        }
        let (old_text, new_text) = (render(&old_sts), render(&new_sts));
        let old = parse_policy(&old_text).policy.unwrap();
        let new = parse_policy(&new_text).policy.unwrap();
        let pa = analyze_new_access(&new, &old, &Scope::Outsider);
        for w in pa.witnesses() {
            assert_eq!(
                decide(&new, &w.request),
                (Decision::Allow, true),
                "{new_text}"
            );
            let (d, certain) = decide(&old, &w.request);
            assert!(certain && d != Decision::Allow, "{old_text}\n{new_text}");
        }
        let both = format!("{old_text}{new_text}");
        let (read, write, _) = brute(&mut rng, &both, |req| {
            decide(&new, req) == (Decision::Allow, true)
                && decide(&old, req) != (Decision::Allow, true)
        });
        if let Some(r) = &read {
            assert_ne!(pa.read.verdict, Verdict::NotPublic, "UNSOUND diff (read): {r} is allowed by NEW only, analysis says no new access\nOLD {old_text}\nNEW {new_text}");
        }
        if let Some(r) = &write {
            assert_ne!(pa.write.verdict, Verdict::NotPublic, "UNSOUND diff (write): {r} is allowed by NEW only, analysis says no new access\nOLD {old_text}\nNEW {new_text}");
        }
        new_found += usize::from(read.is_some() || write.is_some());
        quiet += usize::from(pa.verdict == Verdict::NotPublic);
        pairs += 1;
    }
    // A healthy mix: edits that open access and edits that do not.
    assert!(
        new_found > pairs / 10,
        "only {new_found} of {pairs} pairs opened anything"
    );
    assert!(
        quiet > pairs / 4,
        "only {quiet} of {pairs} pairs were shown to open nothing"
    );
}
