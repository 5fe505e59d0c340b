#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! A second brute-force soundness check with wider pools than public_soundness.rs
//! (NotPrincipal with Deny, set operators with IfExists, Null, IPv4 and IPv6 ranges, policy
//! variables, NotAction/NotResource, identity keys). POLICYCHECK_SEED,
//! POLICYCHECK_CASES_MULT and POLICYCHECK_SAMPLES make a longer campaign.

mod common;

use common::{count, seed, Probes, Rng};
use policycheck_core::public::{analyze, analyze_new_access, PublicAccess, Scope, Verdict};
use policycheck_core::{decide, parse_policy, CtxValue, Decision, Request};
use std::net::IpAddr;

const PRINCIPALS: &[&str] = &[
    r#""Principal": "*""#,
    r#""Principal": {"AWS": "*"}"#,
    r#""Principal": {"AWS": "111122223333"}"#,
    r#""Principal": {"AWS": "arn:aws:iam::111122223333:role/R"}"#,
    r#""Principal": {"Federated": "accounts.google.com"}"#,
    r#""Principal": {"AWS": ["arn:aws:iam::111122223333:user/alice", "*"]}"#,
    r#""NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}"#,
    r#""NotPrincipal": {"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:role/R", "arn:aws:sts::111122223333:assumed-role/R/s"]}"#,
    r#""NotPrincipal": {"AWS": "*"}"#,
    r#""NotPrincipal": {"Federated": "accounts.google.com"}"#,
    r#""NotPrincipal": {"Service": "cloudfront.amazonaws.com"}"#,
];
const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:Get*",
    "s3:*",
    "*",
    "s3:ListBucket",
    "s3:*Object",
    "s3:PutObject*",
    "s3:?etObject",
    "s3:DeleteObject",
    "s3:PutBucketPolicy",
    "s3:List*",
];
const RESOURCES: &[&str] = &[
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b",
    "arn:aws:s3:::b/pub/*",
    "arn:aws:s3:::b/home/${aws:username}/*",
    "arn:aws:s3:::b/${aws:userid}/*",
    "arn:aws:s3:::b/private/*",
    "*",
    "arn:aws:s3:::b/*/x",
    "arn:aws:s3:::b/?ub/*",
];
/// (operator, key, values JSON)
const CONDITIONS: &[(&str, &str, &str)] = &[
    ("StringEquals", "aws:SourceVpce", r#""vpce-1""#),
    (
        "StringNotEquals",
        "aws:SourceVpce",
        r#"["vpce-1", "vpce-2"]"#,
    ),
    ("StringEqualsIgnoreCase", "aws:SourceVpce", r#""VPCE-1""#),
    ("StringNotEqualsIfExists", "aws:SourceVpce", r#""vpce-1""#),
    (
        "ForAllValues:StringEqualsIfExists",
        "aws:SourceVpce",
        r#""vpce-1""#,
    ),
    (
        "ForAnyValue:StringLikeIfExists",
        "aws:SourceVpce",
        r#""vpce-*""#,
    ),
    (
        "ForAnyValue:StringNotEqualsIfExists",
        "aws:SourceVpce",
        r#""vpce-1""#,
    ),
    ("Null", "aws:SourceVpce", r#""true""#),
    ("Null", "aws:SourceVpce", r#"false"#),
    (
        "IpAddress",
        "aws:SourceIp",
        r#"["2001:db8::/32", "10.0.0.0/8"]"#,
    ),
    ("IpAddress", "aws:SourceIp", r#""2001::/16""#),
    ("IpAddress", "aws:SourceIp", r#"["::/0", "0.0.0.0/0"]"#),
    (
        "NotIpAddress",
        "aws:SourceIp",
        r#"["203.0.113.0/24", "2001:db8::/32"]"#,
    ),
    ("NotIpAddress", "aws:SourceIp", r#""0.0.0.0/1""#),
    (
        "NotIpAddressIfExists",
        "aws:SourceIp",
        r#""192.168.0.0/16""#,
    ),
    ("IpAddressIfExists", "aws:SourceIp", r#""203.0.113.0/24""#),
    ("ForAnyValue:IpAddress", "aws:SourceIp", r#""0.0.0.0/0""#),
    ("Null", "aws:SourceIp", r#""true""#),
    ("Bool", "aws:SecureTransport", r#""false""#),
    ("BoolIfExists", "aws:SecureTransport", r#"true"#),
    (
        "StringLike",
        "aws:Referer",
        r#""https://${aws:username}.com/*""#,
    ),
    ("StringNotLike", "aws:Referer", r#""*b*""#),
    (
        "StringEquals",
        "s3:prefix",
        r#"["home/${aws:username}/", "", "${aws:username, 'anon'}"]"#,
    ),
    ("StringNotEquals", "s3:prefix", r#""home/${aws:userid}/""#),
    ("StringLike", "s3:prefix", r#""home/${*}""#),
    ("StringEquals", "aws:PrincipalOrgID", r#""o-123""#),
    ("StringNotEquals", "aws:PrincipalOrgID", r#""o-123""#),
    (
        "StringNotEqualsIfExists",
        "aws:PrincipalOrgID",
        r#"["o-123", "o-456"]"#,
    ),
    ("StringLike", "aws:PrincipalOrgID", r#""o-*""#),
    (
        "ForAnyValue:StringLike",
        "aws:PrincipalOrgPaths",
        r#""o-123/*""#,
    ),
    ("ArnLike", "aws:PrincipalArn", r#""arn:aws:iam::*:role/R""#),
    (
        "ArnNotLike",
        "aws:PrincipalArn",
        r#""arn:aws:iam::111122223333:*""#,
    ),
    (
        "ArnEquals",
        "aws:PrincipalArn",
        r#""arn:aws:iam::111122223333:role/R""#,
    ),
    (
        "ArnNotEqualsIfExists",
        "aws:SourceArn",
        r#""arn:aws:sns:*:111122223333:t""#,
    ),
    ("ArnLike", "aws:SourceArn", r#""arn:aws:sns:*:*:t""#),
    // A source bucket's ARN has no account: any outsider can own `*-logs`.
    ("ArnLike", "aws:SourceArn", r#""arn:aws:s3:::*-logs""#),
    ("StringEquals", "aws:PrincipalAccount", r#""111122223333""#),
    (
        "StringNotEquals",
        "aws:PrincipalAccount",
        r#"["111122223333", "444455556666"]"#,
    ),
    ("StringLike", "aws:PrincipalAccount", r#""1111*""#),
    ("StringEquals", "aws:SourceAccount", r#""111122223333""#),
    (
        "StringNotEqualsIfExists",
        "aws:SourceAccount",
        r#""111122223333""#,
    ),
    ("StringLike", "aws:userid", r#""AROAEXAMPLE:*""#),
    // Every anonymous caller's `aws:userid` (spec §4): it names nobody.
    ("StringEquals", "aws:userid", r#""anonymous""#),
    (
        "StringNotLike",
        "aws:userid",
        r#"["AROAEXAMPLE:*", "111122223333"]"#,
    ),
    ("StringEquals", "aws:username", r#""alice""#),
    // An AWS service is an outsider (spec §6.7 calls these public).
    ("Bool", "aws:PrincipalIsAWSService", r#""true""#),
    ("BoolIfExists", "aws:PrincipalIsAWSService", r#""false""#),
    (
        "StringEquals",
        "aws:PrincipalServiceName",
        r#""cloudtrail.amazonaws.com""#,
    ),
    ("NumericLessThan", "s3:max-keys", r#""10""#),
    ("NumericGreaterThanEqualsIfExists", "s3:max-keys", r#"100"#),
    (
        "DateGreaterThan",
        "aws:CurrentTime",
        r#""2020-01-01T00:00:00Z""#,
    ),
    ("DateLessThanIfExists", "aws:CurrentTime", r#""2025-01-01""#),
    ("ForAllValues:StringEquals", "aws:TagKeys", r#"["a", "b"]"#),
    ("ForAnyValue:StringEqualsIfExists", "aws:TagKeys", r#""a""#),
    (
        "ForAllValues:StringNotLikeIfExists",
        "aws:TagKeys",
        r#""c*""#,
    ),
    ("Null", "aws:TagKeys", r#""false""#),
    (
        "StringEquals",
        "s3:ExistingObjectTag/team",
        r#""${aws:PrincipalTag/team}""#,
    ),
    ("StringEquals", "aws:RequestTag/${aws:username}", r#""x""#),
];

fn statement(rng: &mut Rng) -> String {
    let effect = if rng.chance(50) { "Allow" } else { "Deny" };
    let principal = *rng.pick(PRINCIPALS);
    let ak = if rng.chance(20) {
        "NotAction"
    } else {
        "Action"
    };
    let rk = if rng.chance(20) {
        "NotResource"
    } else {
        "Resource"
    };
    let list = |rng: &mut Rng, pool: &[&str]| -> String {
        let n = if rng.chance(60) { 1 } else { 1 + rng.below(3) };
        let v: Vec<String> = (0..n).map(|_| format!("\"{}\"", rng.pick(pool))).collect();
        if n == 1 {
            v[0].clone()
        } else {
            format!("[{}]", v.join(", "))
        }
    };
    let actions = list(rng, ACTIONS);
    let resources = list(rng, RESOURCES);
    let nc = rng.below(4);
    let mut ops: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for _ in 0..nc {
        let (op, key, vals) = *rng.pick(CONDITIONS);
        match ops.iter_mut().find(|(o, _)| o == op) {
            Some((_, keys)) => {
                if !keys.iter().any(|(k, _)| k == key) {
                    keys.push((key.to_string(), vals.to_string()));
                }
            }
            None => ops.push((op.to_string(), vec![(key.to_string(), vals.to_string())])),
        }
    }
    let mut parts = vec![
        format!(r#""Effect": "{effect}""#),
        principal.to_string(),
        format!(r#""{ak}": {actions}"#),
        format!(r#""{rk}": {resources}"#),
    ];
    if !ops.is_empty() {
        let body: Vec<String> = ops
            .iter()
            .map(|(o, keys)| {
                let kv: Vec<String> = keys.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
                format!("\"{o}\": {{{}}}", kv.join(", "))
            })
            .collect();
        parts.push(format!(r#""Condition": {{{}}}"#, body.join(", ")));
    }
    format!("{{{}}}", parts.join(", "))
}

fn render(sts: &[String]) -> String {
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
        sts.join(", ")
    )
}

fn statements(rng: &mut Rng) -> Vec<String> {
    let n = 1 + rng.below(4);
    (0..n).map(|_| statement(rng)).collect()
}

const ALL_CIDRS: &[&str] = &[
    "2001:db8::/32",
    "10.0.0.0/8",
    "2001::/16",
    "::/0",
    "0.0.0.0/0",
    "203.0.113.0/24",
    "0.0.0.0/1",
    "192.168.0.0/16",
];

fn narrow(c: &str) -> bool {
    let n: ipnet::IpNet = c.parse().unwrap();
    match n {
        ipnet::IpNet::V4(n) => n.prefix_len() >= 8 || c == "192.168.0.0/16",
        ipnet::IpNet::V6(n) => n.prefix_len() >= 32,
    }
}

/// Outsider values per key (the caller's account is 123412341234).
fn pool(key: &str, text: &str) -> Vec<Option<CtxValue>> {
    let one = |s: &str| Some(CtxValue::One(s.to_string()));
    let many = |v: &[&str]| Some(CtxValue::Many(v.iter().map(|s| s.to_string()).collect()));
    let mut v = match key {
        "aws:SourceVpce" => vec![
            None,
            one("vpce-x"),
            one("vpce-1x"),
            one("VPCE-1"),
            one("vpce-2"),
            one("vpce-1"),
            many(&[]),
            many(&["vpce-x"]),
            many(&["vpce-x", "vpce-y"]),
        ],
        "aws:SourceIp" => {
            let addrs = [
                "1.2.3.4",
                "200.1.1.1",
                "10.1.2.3",
                "192.168.1.1",
                "203.0.113.9",
                "2001:db8::1",
                "2001:db9::1",
                "2001::1",
                "::1",
                "fe80::1",
            ];
            let mut out = vec![None];
            for a in addrs {
                let ip: IpAddr = a.parse().unwrap();
                let pinned = ALL_CIDRS.iter().any(|c| {
                    text.contains(&format!("\"{c}\""))
                        && narrow(c)
                        && c.parse::<ipnet::IpNet>().unwrap().contains(&ip)
                });
                if !pinned {
                    out.push(one(a));
                }
            }
            out
        }
        // Always present in a real request (spec §7.3).
        "aws:SecureTransport" => vec![one("true"), one("false")],
        "aws:Referer" => vec![
            None,
            one("https://alice.com/x"),
            one("https://u.com/"),
            one("xbx"),
            one(""),
        ],
        "s3:prefix" => vec![
            None,
            one(""),
            one("home/alice/"),
            one("home/AROAOUT:s/"),
            one("anon"),
            one("home/*"),
            one("home/x"),
            one("alice"),
        ],
        "aws:PrincipalOrgID" => vec![None, one("o-999")],
        "aws:PrincipalOrgPaths" => vec![None, many(&["o-999/r-1/"]), many(&[])],
        "aws:PrincipalArn" => vec![
            None,
            one("arn:aws:iam::123412341234:role/R"),
            one("arn:aws:iam::123412341234:user/alice"),
        ],
        "aws:SourceArn" => vec![
            None,
            one("arn:aws:sns:us-east-1:123412341234:t"),
            one("arn:aws:sns:us-east-1:123412341234:u"),
            one("arn:aws:s3:::outsider-logs"),
        ],
        "aws:PrincipalAccount" | "aws:SourceAccount" => vec![None, one("123412341234")],
        "aws:userid" => vec![
            None,
            one("AIDAOUTSIDER"),
            one("AROAOUT:s"),
            one("anonymous"),
            one("123412341234"),
        ],
        "aws:username" => vec![None, one("alice"), one("u"), one("*")],
        "aws:PrincipalIsAWSService" => vec![None, one("true"), one("false")],
        "aws:PrincipalServiceName" => vec![None, one("cloudtrail.amazonaws.com"), one("x")],
        "s3:max-keys" => vec![None, one("5"), one("50"), one("500")],
        "aws:CurrentTime" => vec![
            None,
            one("2019-06-01T00:00:00Z"),
            one("2022-01-01T00:00:00Z"),
            one("2030-01-01T00:00:00Z"),
        ],
        "aws:TagKeys" => vec![
            None,
            many(&[]),
            many(&["a"]),
            many(&["c1"]),
            many(&["a", "b"]),
            many(&["a", "d"]),
        ],
        "s3:ExistingObjectTag/team" => vec![None, one("red"), one("")],
        "aws:PrincipalTag/team" => vec![None, one("red"), one("blue")],
        "aws:RequestTag/alice" | "aws:RequestTag/u" => vec![None, one("x"), one("y")],
        _ => vec![None],
    };
    // Restricting keys: an outsider never holds a fixed literal of the policy, in any
    // spelling when the policy compares it ignoring case (spec §6.8, read with §6.2's
    // `StringEqualsIgnoreCase` row). The generated texts use each literal with one key.
    if matches!(key, "aws:SourceVpce" | "aws:PrincipalOrgID") {
        let lower = text.to_ascii_lowercase();
        let ci = text.contains("IgnoreCase");
        let named = |s: &str| {
            text.contains(&format!("\"{s}\""))
                || (ci && lower.contains(&format!("\"{}\"", s.to_ascii_lowercase())))
        };
        v.retain(|x| match x {
            Some(CtxValue::One(s)) => !named(s),
            Some(CtxValue::Many(m)) => m.iter().all(|s| !named(s)),
            None => true,
        });
    }
    v
}

const KEYS: &[&str] = &[
    "aws:SourceVpce",
    "aws:SourceIp",
    "aws:SecureTransport",
    "aws:Referer",
    "s3:prefix",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalArn",
    "aws:SourceArn",
    "aws:PrincipalAccount",
    "aws:SourceAccount",
    "aws:userid",
    "aws:username",
    "aws:PrincipalIsAWSService",
    "aws:PrincipalServiceName",
    "s3:max-keys",
    "aws:CurrentTime",
    "aws:TagKeys",
    "s3:ExistingObjectTag/team",
    "aws:PrincipalTag/team",
    "aws:RequestTag/alice",
    "aws:RequestTag/u",
];
const CALLERS: &[&str] = &[
    "anonymous",
    "arn:aws:iam::123412341234:root",
    "arn:aws:iam::123412341234:user/alice",
    "arn:aws:sts::123412341234:assumed-role/R/s",
    "arn:aws:sts::123412341234:federated-user/f",
    "federated:accounts.google.com",
];
const PROBE_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:ListBucket",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:PutBucketPolicy",
    "s3:GetBucketPolicy",
    "s3:GetObjectAcl",
    "s3:PutObjectAcl",
    "s3:ListBucketVersions",
    "s3:PutObjectTagging",
    "s3:GetObjectVersion",
];
const PROBE_OBJECTS: &[&str] = &[
    "arn:aws:s3:::b/x",
    "arn:aws:s3:::b/pub/x",
    "arn:aws:s3:::b/home/alice/x",
    "arn:aws:s3:::b/home/u/x",
    "arn:aws:s3:::b/private/x",
    "arn:aws:s3:::b/AROAOUT:s/x",
    "arn:aws:s3:::b/q/x",
    "arn:aws:s3:::b/AIDAOUTSIDER/k",
];

/// The generators' default seed.
const WIDE_SEED: u64 = 0x9E37_79B9_7F4A_7C15 | 1;

fn samples() -> usize {
    std::env::var("POLICYCHECK_SAMPLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16)
}

fn brute(
    rng: &mut Rng,
    text: &str,
    hit: impl Fn(&Request) -> bool,
) -> (Option<serde_json::Value>, Option<serde_json::Value>) {
    let keys: Vec<&str> = KEYS
        .iter()
        .copied()
        .filter(|k| {
            text.contains(&format!("\"{k}\""))
                || text.contains(&format!("{{{k}"))
                || (k.starts_with("aws:RequestTag/") && text.contains("aws:RequestTag/"))
        })
        .collect();
    let probes = Probes {
        callers: CALLERS,
        actions: PROBE_ACTIONS,
        objects: PROBE_OBJECTS,
        samples: samples(),
        stop_when_found: true,
    };
    let found = common::brute(rng, &probes, &keys, |k| pool(k, text), hit);
    (found.read, found.write)
}

/// Levels where the brute force found an allowed request (`found`: read, write) but the
/// analysis said not public: each is printed (`what` names the case) and counted.
fn unsound(
    pa: &PublicAccess,
    found: (&Option<serde_json::Value>, &Option<serde_json::Value>),
    kind: &str,
    what: &str,
) -> usize {
    let mut failures = 0;
    for (name, level, request) in [("read", &pa.read, found.0), ("write", &pa.write, found.1)] {
        if let Some(req) = request {
            if level.verdict == Verdict::NotPublic {
                eprintln!("UNSOUND {kind}{name}\n{what}\n{req}");
                failures += 1;
            }
        }
    }
    failures
}

#[test]
fn extra_soundness() {
    let mut rng = Rng(seed(WIDE_SEED));
    let (mut n, mut public, mut notpub, mut unknown, mut failures) = (0, 0, 0, 0, 0);
    for _ in 0..count(100) {
        let text = render(&statements(&mut rng));
        let parsed = parse_policy(&text);
        let p = parsed.policy.unwrap();
        let t0 = std::time::Instant::now();
        let pa = analyze(&p);
        if t0.elapsed().as_secs_f64() > 1.0 {
            eprintln!("SLOW analyze {:?}\n{text}", t0.elapsed());
        }
        if n % 500 == 0 {
            eprintln!("progress {n} {public} {notpub} {unknown} {failures}");
        }
        for w in pa.witnesses() {
            if decide(&p, &w.request) != (Decision::Allow, true) {
                eprintln!("WITNESS NOT ALLOWED\n{text}\n{}", w.request.to_json());
                failures += 1;
            }
        }
        let (r, w) = brute(&mut rng, &text, |req| {
            decide(&p, req) == (Decision::Allow, true)
        });
        failures += unsound(&pa, (&r, &w), "", &text);
        n += 1;
        match pa.verdict {
            Verdict::Public => public += 1,
            Verdict::NotPublic => notpub += 1,
            Verdict::Unknown => unknown += 1,
        }
    }
    eprintln!("extra_soundness: {n} policies: {public} public, {notpub} not-public, {unknown} unknown, {failures} failures");
    assert_eq!(failures, 0);
}

#[test]
fn extra_diff_soundness() {
    let mut rng = Rng(seed(WIDE_SEED) ^ 0xabcdef);
    let (mut n, mut quiet, mut failures) = (0, 0, 0);
    for _ in 0..count(100) {
        let old = statements(&mut rng);
        let mut new = old.clone();
        for _ in 0..1 + rng.below(2) {
            let i = rng.below(new.len());
            match rng.below(5) {
                0 => {
                    if new.len() > 1 {
                        new.remove(i);
                    }
                }
                1 => new.push(statement(&mut rng)),
                2 => new[i] = statement(&mut rng),
                3 => new.reverse(),
                _ => {
                    let s = new[i].clone();
                    new.push(s);
                }
            }
        }
        let (ot, nt) = (render(&old), render(&new));
        let op = parse_policy(&ot).policy.unwrap();
        let np = parse_policy(&nt).policy.unwrap();
        let t0 = std::time::Instant::now();
        let pa = analyze_new_access(&np, &op, &Scope::Outsider);
        if t0.elapsed().as_secs_f64() > 1.0 {
            eprintln!("SLOW diff {:?}\nOLD {ot}\nNEW {nt}", t0.elapsed());
        }
        if n % 250 == 0 {
            eprintln!("progress diff {n} {quiet} {failures}");
        }
        for w in pa.witnesses() {
            let ok = decide(&np, &w.request) == (Decision::Allow, true)
                && matches!(decide(&op, &w.request), (d, true) if d != Decision::Allow);
            if !ok {
                eprintln!(
                    "DIFF WITNESS BAD\nOLD {ot}\nNEW {nt}\n{}",
                    w.request.to_json()
                );
                failures += 1;
            }
        }
        let both = format!("{ot}{nt}");
        let (r, w) = brute(&mut rng, &both, |req| {
            decide(&np, req) == (Decision::Allow, true)
                && decide(&op, req) != (Decision::Allow, true)
        });
        failures += unsound(&pa, (&r, &w), "diff ", &format!("OLD {ot}\nNEW {nt}"));
        quiet += usize::from(pa.verdict == Verdict::NotPublic);
        n += 1;
    }
    eprintln!("extra_diff: {n} pairs, {quiet} quiet, {failures} failures");
    assert_eq!(failures, 0);
}
