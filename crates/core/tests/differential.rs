#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

//! Differential test of the evaluator (spec §2, §3, §5.1, §5.2 in
//! `resource_policy_only` mode) against a deliberately simple reference evaluator
//! written here, sharing no code with the engine: its own glob, its own ARN split,
//! its own CIDR arithmetic, its own principal and condition rules, all taken from
//! the spec text.
//!
//! Policies are generated as a small model, rendered to JSON text and parsed by the
//! engine; the reference evaluates the model directly. Requests draw principals
//! (anonymous, root, users, role sessions, services), actions, resources and a
//! context whose keys are absent, single-valued or multi-valued (empty lists too),
//! with key names in varying case.
//!
//! Covered subset: Principal/NotPrincipal (Deny), `"*"`, `{"AWS":"*"}`, account id
//! and root ARN, user ARN, role ARN vs assumed-role session, session ARN, Service;
//! Action/NotAction; Resource/NotResource; StringEquals, StringNotEquals,
//! StringLike, StringNotLike, IpAddress, NotIpAddress, Bool, NumericLessThan, each
//! optionally with `IfExists` and `ForAllValues:`/`ForAnyValue:`; Null; policy
//! variables in `Resource` and String condition values (substitution, defaults,
//! `${*}` escapes, unresolved variables, substituted `*` staying literal) and the
//! Version gate that turns them into literal text (spec §1.2, §4).
//!
//! Besides engine == reference, four metamorphic properties: adding a Deny never
//! yields Allow from a non-Allow, statement order does not matter, `decide()` agrees
//! with `evaluate()`, duplicating a statement changes nothing.

use policycheck_core::{decide, evaluate, parse_policy, Caller, Context, CtxValue, Decision};
use policycheck_core::{Outcome, Policy, Request};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestError, TestRunner};
use serde_json::{json, Map, Value};
use std::cell::Cell;
use std::net::IpAddr;

// ---------------------------------------------------------------------------
// Pools of literals
// ---------------------------------------------------------------------------

/// Principal-map values: (type key, value).
const PRINCIPALS: &[(&str, &str)] = &[
    ("AWS", "*"),
    ("AWS", "111122223333"),
    ("AWS", "arn:aws:iam::111122223333:root"),
    ("AWS", "444455556666"),
    ("AWS", "arn:aws:iam::111122223333:user/alice"),
    ("AWS", "arn:aws:iam::444455556666:user/bob"),
    ("AWS", "arn:aws:iam::111122223333:role/Reader"),
    ("AWS", "arn:aws:iam::111122223333:role/team/Writer"),
    ("AWS", "arn:aws:sts::111122223333:assumed-role/Reader/s1"),
    ("Service", "cloudtrail.amazonaws.com"),
];

/// Request principals, in `Caller::parse` form.
const CALLERS: &[&str] = &[
    "anonymous",
    "arn:aws:iam::111122223333:root",
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:iam::111122223333:user/dev/alice",
    "arn:aws:iam::111122223333:user/carol",
    "arn:aws:iam::444455556666:user/bob",
    "arn:aws:iam::444455556666:root",
    "arn:aws:sts::111122223333:assumed-role/Reader/s1",
    "arn:aws:sts::111122223333:assumed-role/Reader/s2",
    "arn:aws:sts::444455556666:assumed-role/Reader/s1",
    "arn:aws:sts::111122223333:assumed-role/Writer/s1",
    "service:cloudtrail.amazonaws.com",
    "service:logging.s3.amazonaws.com",
];

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "s3:DeleteObject",
    "s3:Get*",
    "s3:*",
    "*",
    "s3:*Object",
    "s3:?etObject",
    "S3:getobject",
];

const REQUEST_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "s3:DeleteObject",
    "s3:GetObjectAcl",
    "s3:getobject",
    "iam:PassRole",
];

const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::example-bucket",
    "arn:aws:s3:::example-bucket/*",
    "arn:aws:s3:::example-bucket/home/*/docs/*",
    "arn:aws:s3:::example-bucket/a?c",
    "arn:aws:s3:::other-bucket/*",
    "arn:aws:s3:::example-bucket*",
    "arn:aws:s3:::example-bucket/k:e:y",
    "arn:aws:s3:*",
    "arn:aws:s3:::example-bucket/home/${aws:username}/*",
];

const REQUEST_RESOURCES: &[&str] = &[
    "arn:aws:s3:::example-bucket",
    "arn:aws:s3:::example-bucket/abc",
    "arn:aws:s3:::example-bucket/home/alice/docs/x.txt",
    "arn:aws:s3:::example-bucket/home/docs/x",
    "arn:aws:s3:::example-bucket-logs/x",
    "arn:aws:s3:::other-bucket/x",
    "arn:aws:s3:::example-bucket/k:e:y",
    "arn:aws:s3:::example-bucket/a:c",
    "arn:aws:s3:us-east-1:111122223333:accesspoint/ap1",
    "arn:aws:s3:::example-bucket/home/*/docs/x",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    Text,
    Ip,
    Bool,
    Number,
}

/// A condition key: canonical name, family, values a policy may compare with (for
/// the string operators), values a request may carry.
struct Key {
    name: &'static str,
    family: Family,
    policy_strings: &'static [&'static str],
    request_values: &'static [&'static str],
}

const KEYS: &[Key] = &[
    Key {
        name: "s3:prefix",
        family: Family::Text,
        policy_strings: &[
            "home/*",
            "home/",
            "*",
            "docs",
            "home/?lice/",
            "",
            // Policy variables (spec §4): a default, the `${*}` escape, a key that
            // no request carries.
            "home/${aws:username}/*",
            "${aws:username, 'anon'}/*",
            "home/${*}",
            "${aws:PrincipalTag/team}",
        ],
        request_values: &[
            "home/",
            "home/alice/",
            "docs",
            "",
            "*",
            "home/*",
            "home/alice/x",
            "anon/x",
        ],
    },
    Key {
        name: "aws:SourceVpce",
        family: Family::Text,
        policy_strings: &["vpce-1", "vpce-*", "vpce-?", "VPCE-1"],
        request_values: &["vpce-1", "vpce-2", "vpce-*", "VPCE-1", "vpce-12"],
    },
    Key {
        name: "aws:TagKeys",
        family: Family::Text,
        policy_strings: &["a", "b", "c*"],
        request_values: &["a", "b", "c1", "c2", "d"],
    },
    Key {
        name: "aws:username",
        family: Family::Text,
        policy_strings: &["alice", "${aws:username}", "a${?}"],
        // `*` and `?` as user names: substituted text stays literal.
        request_values: &["alice", "bob", "*", "a?"],
    },
    Key {
        name: "aws:SourceIp",
        family: Family::Ip,
        policy_strings: &["203.0.113.7", "10.*"],
        request_values: &[
            "203.0.113.7",
            "198.51.100.7",
            "10.1.2.3",
            "2001:db8::1",
            "192.0.2.1",
            "not-an-ip",
        ],
    },
    Key {
        name: "aws:SecureTransport",
        family: Family::Bool,
        policy_strings: &["true", "TRUE", "false"],
        request_values: &["true", "false"],
    },
    Key {
        name: "s3:max-keys",
        family: Family::Number,
        policy_strings: &["10", "5*"],
        request_values: &["5", "10", "100", "1000", "2.50", "-1", "abc"],
    },
];

const CIDRS: &[&str] = &[
    "203.0.113.0/24",
    "198.51.100.7",
    "10.0.0.0/8",
    "2001:db8::/32",
    "0.0.0.0/0",
    "203.0.113.5/24",
];

/// Numeric policy values: (JSON literal, unquoted?).
const NUMBERS: &[(&str, bool)] = &[("10", true), ("100", false), ("2.5", true), ("0", false)];

// ---------------------------------------------------------------------------
// The policy model
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Base {
    StringEquals,
    StringNotEquals,
    StringLike,
    StringNotLike,
    IpAddress,
    NotIpAddress,
    Bool,
    NumericLessThan,
    Null,
}

impl Base {
    fn name(self) -> &'static str {
        match self {
            Base::StringEquals => "StringEquals",
            Base::StringNotEquals => "StringNotEquals",
            Base::StringLike => "StringLike",
            Base::StringNotLike => "StringNotLike",
            Base::IpAddress => "IpAddress",
            Base::NotIpAddress => "NotIpAddress",
            Base::Bool => "Bool",
            Base::NumericLessThan => "NumericLessThan",
            Base::Null => "Null",
        }
    }

    /// Spec §3.1: these NOR their values and are true for an absent key.
    fn negated(self) -> bool {
        matches!(
            self,
            Base::StringNotEquals | Base::StringNotLike | Base::NotIpAddress
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SetOp {
    ForAll,
    ForAny,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Op {
    set: Option<SetOp>,
    base: Base,
    if_exists: bool,
}

impl Op {
    fn name(self) -> String {
        let set = match self.set {
            Some(SetOp::ForAll) => "ForAllValues:",
            Some(SetOp::ForAny) => "ForAnyValue:",
            None => "",
        };
        let ie = if self.if_exists { "IfExists" } else { "" };
        format!("{set}{}{ie}", self.base.name())
    }
}

/// A condition value as written in JSON.
#[derive(Clone, Debug, PartialEq)]
enum CVal {
    Str(&'static str),
    Bool(bool),
    Num(&'static str),
}

impl CVal {
    fn json(&self) -> Value {
        match self {
            CVal::Str(s) => json!(s),
            CVal::Bool(b) => json!(b),
            CVal::Num(n) => serde_json::from_str(n).unwrap(),
        }
    }

    /// Spec §1.5: scalars normalise to strings (`true` → "true", numbers as written).
    fn text(&self) -> String {
        match self {
            CVal::Str(s) | CVal::Num(s) => s.to_string(),
            CVal::Bool(b) => b.to_string(),
        }
    }
}

#[derive(Clone, Debug)]
struct Cond {
    op: Op,
    /// The key as written in the policy (case varies).
    key: String,
    values: Vec<CVal>,
    as_array: bool,
}

#[derive(Clone, Debug)]
enum Principal {
    Star,
    Map(Vec<(&'static str, &'static str)>),
}

#[derive(Clone, Debug)]
struct Stmt {
    sid: Option<String>,
    deny: bool,
    not_principal: bool,
    principal: Principal,
    not_action: bool,
    actions: Vec<&'static str>,
    not_resource: bool,
    resources: Vec<&'static str>,
    /// Write one-element lists as a bare string.
    bare: bool,
    conditions: Vec<Cond>,
}

#[derive(Clone, Debug)]
struct Pol {
    statements: Vec<Stmt>,
    pretty: bool,
    /// `Version`: 2012-10-17 (variables on), 2008-10-17 or absent (`${…}` literal).
    version: Option<&'static str>,
}

impl Pol {
    /// Spec §1.2: variables are recognised only under 2012-10-17.
    fn variables(&self) -> bool {
        self.version == Some("2012-10-17")
    }
}

fn list_json(items: &[&str], bare: bool) -> Value {
    match items {
        [one] if bare => json!(one),
        many => json!(many),
    }
}

impl Stmt {
    fn json(&self) -> Value {
        let mut m = Map::new();
        if let Some(sid) = &self.sid {
            m.insert("Sid".into(), json!(sid));
        }
        m.insert(
            "Effect".into(),
            json!(if self.deny { "Deny" } else { "Allow" }),
        );
        let principal = match &self.principal {
            Principal::Star => json!("*"),
            Principal::Map(entries) => {
                let mut pm = Map::new();
                for ty in ["AWS", "Service"] {
                    let vals: Vec<&str> = entries
                        .iter()
                        .filter(|(t, _)| *t == ty)
                        .map(|(_, v)| *v)
                        .collect();
                    if !vals.is_empty() {
                        pm.insert(ty.into(), list_json(&vals, self.bare));
                    }
                }
                Value::Object(pm)
            }
        };
        let pk = if self.not_principal {
            "NotPrincipal"
        } else {
            "Principal"
        };
        m.insert(pk.into(), principal);
        let ak = if self.not_action {
            "NotAction"
        } else {
            "Action"
        };
        m.insert(ak.into(), list_json(&self.actions, self.bare));
        let rk = if self.not_resource {
            "NotResource"
        } else {
            "Resource"
        };
        m.insert(rk.into(), list_json(&self.resources, self.bare));
        if !self.conditions.is_empty() {
            let mut cm = Map::new();
            for c in &self.conditions {
                let values = match c.values.as_slice() {
                    [one] if !c.as_array => one.json(),
                    many => Value::Array(many.iter().map(CVal::json).collect()),
                };
                let ops = cm
                    .entry(c.op.name())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(keys) = ops {
                    keys.insert(c.key.clone(), values);
                }
            }
            m.insert("Condition".into(), Value::Object(cm));
        }
        Value::Object(m)
    }
}

impl Pol {
    fn text(&self) -> String {
        let statements: Vec<Value> = self.statements.iter().map(Stmt::json).collect();
        let st = match statements.as_slice() {
            [one] if self.pretty => one.clone(),
            _ => Value::Array(statements),
        };
        let doc = match self.version {
            Some(v) => json!({"Version": v, "Statement": st}),
            None => json!({"Statement": st}),
        };
        if self.pretty {
            serde_json::to_string_pretty(&doc).unwrap()
        } else {
            doc.to_string()
        }
    }
}

// ---------------------------------------------------------------------------
// The request model
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum RVal {
    One(&'static str),
    Many(Vec<&'static str>),
}

#[derive(Clone, Debug)]
struct Req {
    caller: &'static str,
    action: &'static str,
    resource: &'static str,
    /// (key as sent, value); at most one entry per key.
    context: Vec<(String, RVal)>,
}

impl Req {
    fn engine(&self) -> Request {
        let mut ctx = Context::new();
        for (k, v) in &self.context {
            let v = match v {
                RVal::One(s) => CtxValue::One(s.to_string()),
                RVal::Many(vs) => CtxValue::Many(vs.iter().map(|s| s.to_string()).collect()),
            };
            ctx.insert(k, v);
        }
        Request::new(
            Caller::parse(self.caller).unwrap(),
            self.action,
            self.resource,
            ctx,
        )
    }

    /// Spec §3.2: key names are looked up case-insensitively.
    fn get(&self, key: &str) -> Option<&RVal> {
        self.context
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    }
}

// ---------------------------------------------------------------------------
// The reference evaluator
// ---------------------------------------------------------------------------

/// One unit of a compiled reference pattern.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Tok {
    Lit(char),
    Star,
    One,
}

/// Compile a policy value (spec §2, §3.4, §4): with `wildcards`, `*` and `?` are
/// special; with `vars` (Version 2012-10-17), `${key}` / `${key, 'default'}` take the
/// request's single value of `key` as literal text and `${*}` `${?}` `${$}` are the
/// literal characters. `None`: a variable with no value and no default, so the value
/// matches nothing. (Only the well-formed variables of the pools are handled.)
fn compile(value: &str, wildcards: bool, vars: Option<&Req>) -> Option<Vec<Tok>> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(c) = rest.chars().next() {
        if let (Some(req), Some(after)) = (vars, rest.strip_prefix("${")) {
            let close = after.find('}').unwrap();
            let body = &after[..close];
            let text = match body {
                "*" | "?" | "$" => body.to_string(),
                _ => {
                    let (name, default) = match body.split_once(',') {
                        Some((n, d)) => (n.trim(), Some(d.trim().trim_matches('\''))),
                        None => (body.trim(), None),
                    };
                    // Only a single-valued key can be substituted.
                    match req.get(name) {
                        Some(RVal::One(v)) => v.to_string(),
                        _ => default?.to_string(),
                    }
                }
            };
            out.extend(text.chars().map(Tok::Lit));
            rest = &after[close + 1..];
            continue;
        }
        out.push(match c {
            '*' if wildcards => Tok::Star,
            '?' if wildcards => Tok::One,
            c => Tok::Lit(c),
        });
        rest = &rest[c.len_utf8()..];
    }
    Some(out)
}

/// `*` any run (including none), `?` one character, anchored; by dynamic programming.
fn glob_toks(pattern: &[Tok], text: &str) -> bool {
    let t: Vec<char> = text.chars().collect();
    let mut dp = vec![false; t.len() + 1];
    dp[0] = true;
    for pt in pattern {
        let mut next = vec![false; t.len() + 1];
        match pt {
            Tok::Star => {
                let mut reach = false;
                for j in 0..=t.len() {
                    reach |= dp[j];
                    next[j] = reach;
                }
            }
            Tok::One => next[1..].copy_from_slice(&dp[..t.len()]),
            Tok::Lit(c) => {
                for j in 1..=t.len() {
                    next[j] = dp[j - 1] && t[j - 1] == *c;
                }
            }
        }
        dp = next;
    }
    dp[t.len()]
}

/// A glob without variables.
fn glob(pattern: &str, text: &str) -> bool {
    glob_toks(&compile(pattern, true, None).unwrap(), text)
}

/// A glob with variables substituted from `vars`; false when one is unresolved.
fn glob_vars(pattern: &str, text: &str, vars: Option<&Req>) -> bool {
    compile(pattern, true, vars).is_some_and(|p| glob_toks(&p, text))
}

/// Spec §2.2's recommended ARN algorithm. Variables (in the pools only after the
/// fifth `:`) are substituted per component; an unresolved one makes the entry
/// match nothing (§4).
fn arn_matches(pattern: &str, arn: &str, vars: Option<&Req>) -> bool {
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let c: Vec<&str> = if p.len() < 6 && p.last().is_some_and(|l| l.ends_with('*')) {
        arn.splitn(p.len(), ':').collect()
    } else {
        arn.splitn(6, ':').collect()
    };
    c.len() == p.len() && p.iter().zip(&c).all(|(p, c)| glob_vars(p, c, vars))
}

/// Spec §2.1: case-fold both sides, then glob.
fn action_matches(pattern: &str, action: &str) -> bool {
    glob(&pattern.to_lowercase(), &action.to_lowercase())
}

/// Who is calling, in the terms of spec §2.3's request-side model.
#[derive(Debug)]
enum Who<'a> {
    Anonymous,
    Service(&'a str),
    Root {
        account: &'a str,
    },
    User {
        account: &'a str,
        arn: &'a str,
    },
    Session {
        account: &'a str,
        role: &'a str,
        arn: &'a str,
    },
}

fn who(caller: &str) -> Who<'_> {
    if caller == "anonymous" {
        return Who::Anonymous;
    }
    if let Some(s) = caller.strip_prefix("service:") {
        return Who::Service(s);
    }
    let account = &caller[13..25];
    let resource = &caller[26..];
    if resource == "root" {
        Who::Root { account }
    } else if resource.starts_with("user/") {
        Who::User {
            account,
            arn: caller,
        }
    } else {
        let rest = resource.strip_prefix("assumed-role/").unwrap();
        Who::Session {
            account,
            role: rest.split('/').next().unwrap(),
            arn: caller,
        }
    }
}

/// The account a principal-map AWS value names, when it names a whole account.
fn account_entry(value: &str) -> Option<&str> {
    if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(value);
    }
    value
        .strip_prefix("arn:aws:iam::")
        .and_then(|r| r.strip_suffix(":root"))
}

/// A role ARN's (account, role name): the name is the last path segment.
fn role_entry(value: &str) -> Option<(&str, &str)> {
    let rest = value.strip_prefix("arn:aws:iam::")?;
    let (account, res) = rest.split_once(':')?;
    let path = res.strip_prefix("role/")?;
    Some((account, path.rsplit('/').next()?))
}

/// Spec §2.3: does one principal-map value cover the caller?
fn entry_covers(ty: &str, value: &str, w: &Who) -> bool {
    if ty == "Service" {
        return matches!(w, Who::Service(s) if *s == value);
    }
    if value == "*" {
        // §9 row 1: `{"AWS":"*"}` covers anonymous callers and every AWS principal,
        // not service principals.
        return !matches!(w, Who::Service(_));
    }
    if let Some(acct) = account_entry(value) {
        return match w {
            Who::Root { account } | Who::User { account, .. } | Who::Session { account, .. } => {
                *account == acct
            }
            _ => false,
        };
    }
    if let Some((acct, name)) = role_entry(value) {
        return matches!(w, Who::Session { account, role, .. } if *account == acct && *role == name);
    }
    // User ARN or session ARN: that exact principal.
    matches!(w, Who::User { arn, .. } | Who::Session { arn, .. } if *arn == value)
}

/// Spec §2.4: a caller is exempt from NotPrincipal only when every link of its chain
/// is listed.
fn not_principal_exempt(entries: &[(&str, &str)], w: &Who) -> bool {
    let listed = |pred: &dyn Fn(&str, &str) -> bool| entries.iter().any(|(t, v)| pred(t, v));
    let account_listed = |acct: &str| listed(&|t, v| t == "AWS" && account_entry(v) == Some(acct));
    match w {
        Who::Anonymous => false,
        Who::Service(s) => listed(&|t, v| t == "Service" && v == *s),
        Who::Root { account } => account_listed(account),
        Who::User { account, arn } => account_listed(account) && listed(&|_, v| v == *arn),
        Who::Session { account, role, arn } => {
            account_listed(account)
                && listed(&|_, v| role_entry(v) == Some((account, role)))
                && listed(&|_, v| v == *arn)
        }
    }
}

fn principal_applies(st: &Stmt, w: &Who) -> bool {
    match &st.principal {
        Principal::Star => !st.not_principal,
        Principal::Map(entries) if st.not_principal => !not_principal_exempt(entries, w),
        Principal::Map(entries) => entries.iter().any(|(t, v)| entry_covers(t, v, w)),
    }
}

/// CIDR containment by prefix bits; a bare address is a single host (spec §3.4).
fn cidr_contains(net: &str, addr: &str) -> bool {
    let (a, len) = match net.split_once('/') {
        Some((a, l)) => (a, l.parse::<u32>().ok()),
        None => (net, None),
    };
    let (Ok(n), Ok(r)) = (a.parse::<IpAddr>(), addr.parse::<IpAddr>()) else {
        return false;
    };
    match (n, r) {
        (IpAddr::V4(n), IpAddr::V4(r)) => {
            let len = len.unwrap_or(32);
            let mask = u32::MAX.checked_shl(32 - len).unwrap_or(0);
            len <= 32 && u32::from(n) & mask == u32::from(r) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(r)) => {
            let len = len.unwrap_or(128);
            let mask = u128::MAX.checked_shl(128 - len).unwrap_or(0);
            len <= 128 && u128::from(n) & mask == u128::from(r) & mask
        }
        _ => false,
    }
}

/// The positive comparison of one request value with one policy value; `vars` when
/// variables are on (String operators substitute them, spec §4).
fn positive(base: Base, request: &str, policy: &str, vars: Option<&Req>) -> bool {
    match base {
        Base::StringEquals | Base::StringNotEquals => match compile(policy, false, vars) {
            Some(toks) => toks
                .iter()
                .map(|t| match t {
                    Tok::Lit(c) => *c,
                    _ => unreachable!(),
                })
                .eq(request.chars()),
            None => false,
        },
        Base::StringLike | Base::StringNotLike => glob_vars(policy, request, vars),
        Base::IpAddress | Base::NotIpAddress => cidr_contains(policy, request),
        // §9 row 13: case-insensitive, and only the two boolean words compare.
        Base::Bool => {
            let (a, b) = (request.to_lowercase(), policy.to_lowercase());
            (a == "true" || a == "false") && a == b
        }
        Base::NumericLessThan => match (request.parse::<f64>(), policy.parse::<f64>()) {
            (Ok(r), Ok(p)) => r < p,
            _ => false,
        },
        Base::Null => unreachable!(),
    }
}

/// Spec §3.3, §3.6, §3.7 for one (operator, key, values).
fn condition_holds(c: &Cond, req: &Req, variables: bool) -> bool {
    let vars = variables.then_some(req);
    let values: Vec<String> = c.values.iter().map(CVal::text).collect();
    let got = req.get(&c.key);
    if c.op.base == Base::Null {
        let absent = match got {
            None => true,
            Some(RVal::Many(v)) => v.is_empty(),
            Some(RVal::One(_)) => false,
        };
        let want = if absent { "true" } else { "false" };
        return values.iter().any(|v| v.eq_ignore_ascii_case(want));
    }
    let negated = c.op.base.negated();
    let one = |v: &str| values.iter().any(|p| positive(c.op.base, v, p, vars)) != negated;
    let items: Option<Vec<&str>> = got.map(|g| match g {
        RVal::One(s) => vec![*s],
        RVal::Many(v) => v.clone(),
    });
    match (c.op.set, items) {
        (Some(SetOp::ForAll), None) => true,
        (Some(SetOp::ForAll), Some(items)) => items.iter().all(|v| one(v)),
        (Some(SetOp::ForAny), None) => false,
        (Some(SetOp::ForAny), Some(items)) => items.iter().any(|v| one(v)),
        (None, None) => c.op.if_exists || negated,
        // A scalar, or a one-element list, compares as a scalar; §3.6's [UNSURE] rule
        // for a longer (or empty) list without a set operator: the negation flag.
        (None, Some(items)) => match items.as_slice() {
            [v] => one(v),
            _ => negated,
        },
    }
}

/// Which parts of a statement hold: (principal, action, resource, conditions).
fn parts(st: &Stmt, req: &Req, variables: bool) -> (bool, bool, bool, bool) {
    let w = who(req.caller);
    let vars = variables.then_some(req);
    let p = principal_applies(st, &w);
    let a = st.actions.iter().any(|x| action_matches(x, req.action)) != st.not_action;
    let r = st
        .resources
        .iter()
        .any(|x| arn_matches(x, req.resource, vars))
        != st.not_resource;
    let c = st
        .conditions
        .iter()
        .all(|c| condition_holds(c, req, variables));
    (p, a, r, c)
}

fn applies(st: &Stmt, req: &Req, variables: bool) -> bool {
    let (p, a, r, c) = parts(st, req, variables);
    p && a && r && c
}

/// Spec §5.2 / §10.1 `resource_policy_only`.
fn reference_decision(pol: &Pol, req: &Req) -> Decision {
    let hits: Vec<&Stmt> = pol
        .statements
        .iter()
        .filter(|s| applies(s, req, pol.variables()))
        .collect();
    if hits.iter().any(|s| s.deny) {
        Decision::ExplicitDeny
    } else if hits.iter().any(|s| !s.deny) {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    }
}

// ---------------------------------------------------------------------------
// Generators: indices into the pools, so shrinking heads for the first entries
// ---------------------------------------------------------------------------

fn cond_strategy() -> impl Strategy<Value = Cond> {
    (
        0..KEYS.len(),
        0usize..8,
        0u8..5,
        0u8..10,
        proptest::collection::vec(0usize..16, 1..4),
        any::<bool>(),
        0u8..3,
    )
        .prop_map(|(k, op_pick, set_pick, ie_pick, vals, as_array, case)| {
            let key = &KEYS[k];
            let base = if op_pick == 0 {
                Base::Null
            } else {
                let family_ops: &[Base] = match key.family {
                    Family::Text => &[
                        Base::StringEquals,
                        Base::StringNotEquals,
                        Base::StringLike,
                        Base::StringNotLike,
                    ],
                    Family::Ip => &[Base::IpAddress, Base::NotIpAddress, Base::StringLike],
                    Family::Bool => &[Base::Bool, Base::Bool, Base::StringEquals],
                    Family::Number => &[Base::NumericLessThan, Base::StringEquals],
                };
                family_ops[op_pick % family_ops.len()]
            };
            let (set, if_exists) = if base == Base::Null {
                (None, false)
            } else {
                let set = match set_pick {
                    0 => Some(SetOp::ForAll),
                    1 => Some(SetOp::ForAny),
                    _ => None,
                };
                (set, ie_pick < 3)
            };
            let values: Vec<CVal> = vals
                .iter()
                .map(|&i| match base {
                    Base::Null => match i % 4 {
                        0 => CVal::Str("true"),
                        1 => CVal::Str("false"),
                        2 => CVal::Bool(true),
                        _ => CVal::Bool(false),
                    },
                    Base::IpAddress | Base::NotIpAddress => CVal::Str(CIDRS[i % CIDRS.len()]),
                    Base::Bool => match i % 3 {
                        0 => CVal::Bool(true),
                        1 => CVal::Bool(false),
                        _ => CVal::Str(key.policy_strings[i % key.policy_strings.len()]),
                    },
                    Base::NumericLessThan => {
                        let (n, bare) = NUMBERS[i % NUMBERS.len()];
                        if bare {
                            CVal::Num(n)
                        } else {
                            CVal::Str(n)
                        }
                    }
                    _ => CVal::Str(key.policy_strings[i % key.policy_strings.len()]),
                })
                .collect();
            let name = match case {
                0 => key.name.to_string(),
                1 => key.name.to_lowercase(),
                _ => key.name.to_uppercase(),
            };
            Cond {
                op: Op {
                    set,
                    base,
                    if_exists,
                },
                key: name,
                values,
                as_array,
            }
        })
}

fn stmt_strategy() -> impl Strategy<Value = Stmt> {
    (
        (0u8..5, 0u8..5, 0u8..4),
        proptest::collection::vec(0..PRINCIPALS.len(), 1..4),
        (0u8..5, proptest::collection::vec(0..ACTIONS.len(), 1..4)),
        (0u8..5, proptest::collection::vec(0..RESOURCES.len(), 1..3)),
        any::<bool>(),
        proptest::collection::vec(cond_strategy(), 0..3),
    )
        .prop_map(
            |((effect, p_pick, sid), pidx, (na, aidx), (nr, ridx), bare, conds)| {
                let deny = effect < 2;
                // NotPrincipal only with Deny (Allow + NotPrincipal is an error, §1.4),
                // and without `{"AWS":"*"}`, whose exemption rule the spec leaves open.
                let not_principal = deny && p_pick == 0;
                let principal = if p_pick >= 3 && !not_principal {
                    Principal::Star
                } else {
                    let mut entries: Vec<(&str, &str)> = Vec::new();
                    for i in pidx {
                        let e = PRINCIPALS[i];
                        if not_principal && e.1 == "*" {
                            continue;
                        }
                        if !entries.contains(&e) {
                            entries.push(e);
                        }
                    }
                    if entries.is_empty() {
                        entries.push(PRINCIPALS[1]);
                    }
                    Principal::Map(entries)
                };
                // A condition (operator, key) pair appears once: the JSON object
                // would otherwise hold a duplicate key.
                let mut conditions: Vec<Cond> = Vec::new();
                for c in conds {
                    if !conditions
                        .iter()
                        .any(|d| d.op.name() == c.op.name() && d.key == c.key)
                    {
                        conditions.push(c);
                    }
                }
                Stmt {
                    // A placeholder: `number_sids` gives unique Sids once the list is known.
                    sid: (sid > 1).then(String::new),
                    deny,
                    not_principal,
                    principal,
                    not_action: na == 0,
                    actions: aidx.into_iter().map(|i| ACTIONS[i]).collect(),
                    not_resource: nr == 0,
                    resources: ridx.into_iter().map(|i| RESOURCES[i]).collect(),
                    bare,
                    conditions,
                }
            },
        )
}

/// Give every statement that has a Sid a unique one (`S<index>`).
fn number_sids(mut statements: Vec<Stmt>) -> Vec<Stmt> {
    for (i, s) in statements.iter_mut().enumerate() {
        if s.sid.is_some() {
            s.sid = Some(format!("S{i}"));
        }
    }
    statements
}

fn policy_strategy() -> impl Strategy<Value = Pol> {
    (
        proptest::collection::vec(stmt_strategy(), 1..7),
        any::<bool>(),
        0u8..10,
    )
        .prop_map(|(statements, pretty, v)| Pol {
            statements: number_sids(statements),
            pretty,
            version: match v {
                0 => None,
                1 => Some("2008-10-17"),
                _ => Some("2012-10-17"),
            },
        })
}

fn request_strategy() -> impl Strategy<Value = Req> {
    (
        0..CALLERS.len(),
        0..REQUEST_ACTIONS.len(),
        0..REQUEST_RESOURCES.len(),
        proptest::collection::vec(
            (0u8..20, proptest::collection::vec(0usize..16, 0..4), 0u8..3),
            KEYS.len(),
        ),
    )
        .prop_map(|(c, a, r, ctx)| {
            let mut context = Vec::new();
            for (key, (presence, vals, case)) in KEYS.iter().zip(ctx) {
                let pick = |i: usize| key.request_values[i % key.request_values.len()];
                let value = match presence {
                    0..=4 => continue, // absent
                    5..=14 => RVal::One(pick(vals.first().copied().unwrap_or(0))),
                    _ => RVal::Many(vals.iter().map(|&i| pick(i)).collect()),
                };
                let name = match case {
                    0 => key.name.to_string(),
                    1 => key.name.to_lowercase(),
                    _ => key.name.to_uppercase(),
                };
                context.push((name, value));
            }
            Req {
                caller: CALLERS[c],
                action: REQUEST_ACTIONS[a],
                resource: REQUEST_RESOURCES[r],
                context,
            }
        })
}

// ---------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------

/// `n`, or `PROPTEST_CASES` from the environment for a longer run.
fn cases(n: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(n)
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

/// Turn a runner failure into a panic that shows the minimal failing input.
fn report<T: std::fmt::Debug>(result: Result<(), TestError<T>>) {
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Parse generated JSON; well-formed by construction, so no diagnostic is expected.
fn parse(pol: &Pol) -> Result<Policy, TestCaseError> {
    let text = pol.text();
    let out = parse_policy(&text);
    prop_assert!(
        out.diagnostics.is_empty(),
        "generated policy has diagnostics {:?}\n{}",
        out.diagnostics,
        text
    );
    out.policy
        .ok_or_else(|| TestCaseError::fail(format!("no policy parsed from {text}")))
}

fn outcome(b: bool) -> Outcome {
    if b {
        Outcome::Matched
    } else {
        Outcome::NotMatched
    }
}

/// Counts of reference decisions, to check that every outcome is exercised.
#[derive(Default)]
struct Tally {
    allow: Cell<usize>,
    explicit: Cell<usize>,
    implicit: Cell<usize>,
}

impl Tally {
    fn add(&self, d: Decision) {
        let c = match d {
            Decision::Allow => &self.allow,
            Decision::ExplicitDeny => &self.explicit,
            Decision::ImplicitDeny => &self.implicit,
        };
        c.set(c.get() + 1);
    }
}

#[test]
fn engine_agrees_with_reference_evaluator() {
    let cases = cases(2000);
    let tally = Tally::default();
    let with_variables = Cell::new(0usize);
    let strategy = (
        policy_strategy(),
        proptest::collection::vec(request_strategy(), 8),
    );
    report(runner(cases).run(&strategy, |(pol, reqs)| {
        let policy = parse(&pol)?;
        if pol.variables() && pol.text().contains("${") {
            with_variables.set(with_variables.get() + 1);
        }
        for req in &reqs {
            let want = reference_decision(&pol, req);
            tally.add(want);
            let ev = evaluate(&policy, &req.engine());
            prop_assert!(ev.certain, "uncertain evaluation: {}", ev.summary);
            // Statement by statement, part by part: pinpoints a disagreement.
            for (st, tr) in pol.statements.iter().zip(&ev.statements) {
                let (p, a, r, c) = parts(st, req, pol.variables());
                let cond = tr.conditions.iter().all(|c| c.result == Outcome::Matched);
                let ctx = |what: &str| {
                    format!(
                        "statement {} {what}\npolicy: {}\nrequest: {req:?}\ntrace: {tr:#?}",
                        tr.id,
                        pol.text()
                    )
                };
                prop_assert_eq!(tr.principal.result, outcome(p), "{}", ctx("principal"));
                prop_assert_eq!(tr.action.result, outcome(a), "{}", ctx("action"));
                prop_assert_eq!(tr.resource.result, outcome(r), "{}", ctx("resource"));
                prop_assert_eq!(cond, c, "{}", ctx("condition"));
                prop_assert_eq!(tr.applies, outcome(p && a && r && c), "{}", ctx("applies"));
            }
            prop_assert_eq!(
                ev.decision,
                want,
                "policy: {}\nrequest: {:?}\nsummary: {}",
                pol.text(),
                req,
                ev.summary
            );
            // The determining statements are exactly the applicable ones of the
            // deciding effect.
            let mut expected: Vec<String> = pol
                .statements
                .iter()
                .enumerate()
                .filter(|(_, s)| applies(s, req, pol.variables()))
                .filter(|(_, s)| match want {
                    Decision::ExplicitDeny => s.deny,
                    Decision::Allow => !s.deny,
                    Decision::ImplicitDeny => false,
                })
                .map(|(i, s)| s.sid.clone().unwrap_or_else(|| format!("#{i}")))
                .collect();
            let mut got = ev.determining.clone();
            expected.sort();
            got.sort();
            prop_assert_eq!(got, expected, "determining statements");
        }
        Ok(())
    }));
    let (a, e, i) = (
        tally.allow.get(),
        tally.explicit.get(),
        tally.implicit.get(),
    );
    eprintln!(
        "differential: {cases} policies x 8 requests: {a} Allow, {e} ExplicitDeny, {i} ImplicitDeny"
    );
    eprintln!(
        "differential: {} policies use variables under 2012-10-17",
        with_variables.get()
    );
    assert!(with_variables.get() > cases as usize / 10);
    let total = (a + e + i) as f64;
    for (name, n) in [("Allow", a), ("ExplicitDeny", e), ("ImplicitDeny", i)] {
        assert!(
            n as f64 / total > 0.1,
            "only {n} {name} decisions: the generator no longer exercises every outcome"
        );
    }
}

/// A Deny statement: half drawn from the same pools as the others, half broad
/// (`*` principal, action and resource) with only random conditions, so that it
/// often applies.
fn deny_strategy() -> impl Strategy<Value = Stmt> {
    (stmt_strategy(), any::<bool>()).prop_map(|(mut s, broad)| {
        s.deny = true;
        if broad {
            s.not_principal = false;
            s.principal = Principal::Star;
            s.not_action = false;
            s.actions = vec!["*"];
            s.not_resource = false;
            s.resources = vec!["*"];
        }
        s
    })
}

#[test]
fn adding_a_deny_never_grants() {
    let turned_to_deny = Cell::new(0usize);
    let allowed = Cell::new(0usize);
    let strategy = (
        policy_strategy(),
        deny_strategy(),
        any::<prop::sample::Index>(),
        proptest::collection::vec(request_strategy(), 4),
    );
    let n = cases(600);
    report(runner(n).run(&strategy, |(pol, deny, at, reqs)| {
        let before = parse(&pol)?;
        let mut with = pol.clone();
        let i = at.index(with.statements.len() + 1);
        with.statements.insert(i, deny);
        with.statements = number_sids(with.statements);
        let after = parse(&with)?;
        for req in &reqs {
            let r = req.engine();
            let (d0, _) = decide(&before, &r);
            let (d1, c1) = decide(&after, &r);
            prop_assert!(c1);
            if d0 != Decision::Allow {
                prop_assert_ne!(d1, Decision::Allow, "a Deny turned {:?} into Allow", d0);
            }
            if d0 == Decision::ExplicitDeny {
                prop_assert_eq!(d1, Decision::ExplicitDeny);
            }
            if d0 == Decision::Allow {
                allowed.set(allowed.get() + 1);
            }
            if d0 == Decision::Allow && d1 == Decision::ExplicitDeny {
                turned_to_deny.set(turned_to_deny.get() + 1);
            }
        }
        Ok(())
    }));
    eprintln!(
        "adding a Deny: {} of {} Allow decisions became ExplicitDeny",
        turned_to_deny.get(),
        allowed.get()
    );
    assert!(
        turned_to_deny.get() > n as usize / 10,
        "the added Deny rarely mattered ({} times)",
        turned_to_deny.get()
    );
}

/// Fisher-Yates with the proptest-chosen indices.
fn shuffled<T: Clone>(items: &[T], picks: &[prop::sample::Index]) -> Vec<T> {
    let mut v = items.to_vec();
    for i in (1..v.len()).rev() {
        let j = picks[i % picks.len()].index(i + 1);
        v.swap(i, j);
    }
    v
}

#[test]
fn statement_order_does_not_matter() {
    let strategy = (
        policy_strategy(),
        proptest::collection::vec(any::<prop::sample::Index>(), 6),
        proptest::collection::vec(request_strategy(), 4),
    );
    report(runner(cases(600)).run(&strategy, |(pol, picks, reqs)| {
        let a = parse(&pol)?;
        let mut other = pol.clone();
        other.statements = shuffled(&pol.statements, &picks);
        let b = parse(&other)?;
        for req in &reqs {
            let r = req.engine();
            prop_assert_eq!(decide(&a, &r), decide(&b, &r));
            prop_assert_eq!(evaluate(&a, &r).decision, evaluate(&b, &r).decision);
        }
        Ok(())
    }));
}

#[test]
fn decide_agrees_with_evaluate() {
    let strategy = (
        policy_strategy(),
        proptest::collection::vec(request_strategy(), 8),
    );
    report(runner(cases(600)).run(&strategy, |(pol, reqs)| {
        let policy = parse(&pol)?;
        for req in &reqs {
            let r = req.engine();
            let ev = evaluate(&policy, &r);
            prop_assert_eq!(decide(&policy, &r), (ev.decision, ev.certain));
        }
        Ok(())
    }));
}

#[test]
fn duplicating_a_statement_changes_nothing() {
    let strategy = (
        policy_strategy(),
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        proptest::collection::vec(request_strategy(), 4),
    );
    report(runner(cases(600)).run(&strategy, |(pol, which, at, reqs)| {
        let a = parse(&pol)?;
        let mut dup = pol.clone();
        let copy = dup.statements[which.index(dup.statements.len())].clone();
        dup.statements
            .insert(at.index(dup.statements.len() + 1), copy);
        dup.statements = number_sids(dup.statements);
        let b = parse(&dup)?;
        for req in &reqs {
            let r = req.engine();
            prop_assert_eq!(decide(&a, &r), decide(&b, &r));
        }
        Ok(())
    }));
}

/// Hand-picked cases of the reference itself, so a wrong reference cannot hide an
/// engine bug by agreeing with it.
#[test]
fn reference_matches_the_spec_on_worked_examples() {
    assert!(glob("*", ""));
    assert!(glob("a*b?", "a//b:"));
    assert!(!glob("a?c", "ac"));
    assert!(arn_matches(
        "arn:aws:s3:::B/*/test/*",
        "arn:aws:s3:::B//test/object.jpg",
        None
    ));
    assert!(!arn_matches(
        "arn:aws:s3:::B/*/test/*",
        "arn:aws:s3:::B/1/2/test.jpg",
        None
    ));
    assert!(arn_matches("arn:aws:s3:*", "arn:aws:s3:::x/y:z", None));
    assert!(!arn_matches("arn:aws:s3", "arn:aws:s3:::x", None));
    assert!(cidr_contains("203.0.113.5/24", "203.0.113.200"));
    assert!(!cidr_contains("0.0.0.0/0", "2001:db8::1"));
    assert!(cidr_contains("2001:db8::/32", "2001:db8::1"));
    assert!(cidr_contains("198.51.100.7", "198.51.100.7"));
    let w = who("arn:aws:sts::111122223333:assumed-role/Writer/s1");
    assert!(entry_covers(
        "AWS",
        "arn:aws:iam::111122223333:role/team/Writer",
        &w
    ));
    assert!(entry_covers("AWS", "111122223333", &w));
    assert!(!entry_covers("AWS", "444455556666", &w));
    assert!(!entry_covers("AWS", "*", &Who::Service("x")));
    // §2.4: a session is exempt only with account, role and session all listed.
    let chain = [
        ("AWS", "111122223333"),
        ("AWS", "arn:aws:iam::111122223333:role/Reader"),
    ];
    let s1 = who("arn:aws:sts::111122223333:assumed-role/Reader/s1");
    assert!(!not_principal_exempt(&chain, &s1));
    let full = [
        chain[0],
        chain[1],
        ("AWS", "arn:aws:sts::111122223333:assumed-role/Reader/s1"),
    ];
    assert!(not_principal_exempt(&full, &s1));
    // §3.6: AWS's worked example, Deny ForAllValues:StringNotLike aws:TagKeys key1*.
    let cond = Cond {
        op: Op {
            set: Some(SetOp::ForAll),
            base: Base::StringNotLike,
            if_exists: false,
        },
        key: "aws:TagKeys".into(),
        values: vec![CVal::Str("key1*")],
        as_array: false,
    };
    let req = |v: Option<Vec<&'static str>>| Req {
        caller: "anonymous",
        action: "s3:GetObject",
        resource: "arn:aws:s3:::b/k",
        context: v
            .map(|v| vec![("aws:TagKeys".to_string(), RVal::Many(v))])
            .unwrap_or_default(),
    };
    assert!(!condition_holds(
        &cond,
        &req(Some(vec!["key1:legal"])),
        true
    ));
    assert!(!condition_holds(
        &cond,
        &req(Some(vec!["key1:hr", "key1:personnel"])),
        true
    ));
    assert!(condition_holds(&cond, &req(Some(vec!["key2:audit"])), true));
    assert!(condition_holds(&cond, &req(None), true));
    // §3.3: ForAnyValue with IfExists is still false for an absent key.
    let any_ie = Cond {
        op: Op {
            set: Some(SetOp::ForAny),
            base: Base::StringEquals,
            if_exists: true,
        },
        ..cond
    };
    assert!(!condition_holds(&any_ie, &req(None), true));
    // §4: substitution, defaults, escapes, literal substituted text, unresolved
    // variables, and the version gate.
    let user = |name: &'static str| Req {
        caller: "anonymous",
        action: "s3:GetObject",
        resource: "arn:aws:s3:::b/k",
        context: vec![("AWS:UserName".to_string(), RVal::One(name))],
    };
    let nobody = req(None);
    assert!(glob_vars(
        "home/${aws:username}/*",
        "home/alice/x",
        Some(&user("alice"))
    ));
    assert!(!glob_vars(
        "home/${aws:username}/*",
        "home/bob/x",
        Some(&user("*"))
    ));
    assert!(glob_vars(
        "home/${aws:username}/*",
        "home/*/x",
        Some(&user("*"))
    ));
    assert!(!glob_vars(
        "home/${aws:username}/*",
        "home/alice/x",
        Some(&nobody)
    ));
    assert!(glob_vars(
        "${aws:username, 'anon'}/*",
        "anon/x",
        Some(&nobody)
    ));
    assert!(glob_vars("home/${*}", "home/*", Some(&nobody)));
    assert!(!glob_vars("home/${*}", "home/x", Some(&nobody)));
    assert!(glob_vars("home/${*}", "home/${x}", None));
    assert!(arn_matches(
        "arn:aws:s3:::example-bucket/home/${aws:username}/*",
        "arn:aws:s3:::example-bucket/home/alice/docs/x.txt",
        Some(&user("alice"))
    ));
    let not_equals = Cond {
        op: Op {
            set: None,
            base: Base::StringNotEquals,
            if_exists: false,
        },
        key: "s3:prefix".into(),
        values: vec![CVal::Str("${aws:PrincipalTag/team}")],
        as_array: false,
    };
    let prefix = Req {
        context: vec![("s3:prefix".to_string(), RVal::One("x"))],
        ..nobody.clone()
    };
    // An unresolved value equals nothing: the negated operator holds.
    assert!(condition_holds(&not_equals, &prefix, true));
}
