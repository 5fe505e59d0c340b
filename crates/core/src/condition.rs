//! Condition operators (spec §3): parsing operator names, compiling policy values,
//! and evaluating one (operator, key, values) triple against a request context with
//! the missing-key rules, `…IfExists`, `ForAllValues:`/`ForAnyValue:`, OR over values
//! (NOR under negated operators) and policy variables.

use crate::pattern::{ArnPattern, Pattern, Syntax, VarError, VarSource};
use crate::request::{Context, CtxValue};
use crate::source::{Span, Spanned};
use crate::values::{parse_base64, parse_date, Decimal, Instant};
use ipnet::IpNet;
use serde::Serialize;
use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;

/// The base operator, without set prefix or `IfExists`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum BaseOp {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

/// Which family of comparison a base operator belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

impl BaseOp {
    pub const ALL: [BaseOp; 27] = [
        BaseOp::StringEquals,
        BaseOp::StringNotEquals,
        BaseOp::StringEqualsIgnoreCase,
        BaseOp::StringNotEqualsIgnoreCase,
        BaseOp::StringLike,
        BaseOp::StringNotLike,
        BaseOp::NumericEquals,
        BaseOp::NumericNotEquals,
        BaseOp::NumericLessThan,
        BaseOp::NumericLessThanEquals,
        BaseOp::NumericGreaterThan,
        BaseOp::NumericGreaterThanEquals,
        BaseOp::DateEquals,
        BaseOp::DateNotEquals,
        BaseOp::DateLessThan,
        BaseOp::DateLessThanEquals,
        BaseOp::DateGreaterThan,
        BaseOp::DateGreaterThanEquals,
        BaseOp::Bool,
        BaseOp::BinaryEquals,
        BaseOp::IpAddress,
        BaseOp::NotIpAddress,
        BaseOp::ArnEquals,
        BaseOp::ArnLike,
        BaseOp::ArnNotEquals,
        BaseOp::ArnNotLike,
        BaseOp::Null,
    ];

    pub fn name(self) -> &'static str {
        match self {
            BaseOp::StringEquals => "StringEquals",
            BaseOp::StringNotEquals => "StringNotEquals",
            BaseOp::StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            BaseOp::StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
            BaseOp::StringLike => "StringLike",
            BaseOp::StringNotLike => "StringNotLike",
            BaseOp::NumericEquals => "NumericEquals",
            BaseOp::NumericNotEquals => "NumericNotEquals",
            BaseOp::NumericLessThan => "NumericLessThan",
            BaseOp::NumericLessThanEquals => "NumericLessThanEquals",
            BaseOp::NumericGreaterThan => "NumericGreaterThan",
            BaseOp::NumericGreaterThanEquals => "NumericGreaterThanEquals",
            BaseOp::DateEquals => "DateEquals",
            BaseOp::DateNotEquals => "DateNotEquals",
            BaseOp::DateLessThan => "DateLessThan",
            BaseOp::DateLessThanEquals => "DateLessThanEquals",
            BaseOp::DateGreaterThan => "DateGreaterThan",
            BaseOp::DateGreaterThanEquals => "DateGreaterThanEquals",
            BaseOp::Bool => "Bool",
            BaseOp::BinaryEquals => "BinaryEquals",
            BaseOp::IpAddress => "IpAddress",
            BaseOp::NotIpAddress => "NotIpAddress",
            BaseOp::ArnEquals => "ArnEquals",
            BaseOp::ArnLike => "ArnLike",
            BaseOp::ArnNotEquals => "ArnNotEquals",
            BaseOp::ArnNotLike => "ArnNotLike",
            BaseOp::Null => "Null",
        }
    }

    pub fn family(self) -> Family {
        use BaseOp::*;
        match self {
            StringEquals
            | StringNotEquals
            | StringEqualsIgnoreCase
            | StringNotEqualsIgnoreCase
            | StringLike
            | StringNotLike => Family::String,
            NumericEquals
            | NumericNotEquals
            | NumericLessThan
            | NumericLessThanEquals
            | NumericGreaterThan
            | NumericGreaterThanEquals => Family::Numeric,
            DateEquals
            | DateNotEquals
            | DateLessThan
            | DateLessThanEquals
            | DateGreaterThan
            | DateGreaterThanEquals => Family::Date,
            Bool => Family::Bool,
            BinaryEquals => Family::Binary,
            IpAddress | NotIpAddress => Family::Ip,
            ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => Family::Arn,
            Null => Family::Null,
        }
    }

    /// Negated operators are true when the key is absent and NOR their values (spec §3.1).
    pub fn is_negated(self) -> bool {
        use BaseOp::*;
        matches!(
            self,
            StringNotEquals
                | StringNotEqualsIgnoreCase
                | StringNotLike
                | NumericNotEquals
                | DateNotEquals
                | NotIpAddress
                | ArnNotEquals
                | ArnNotLike
        )
    }

    /// The positive operator a negated one negates (itself when positive).
    pub fn positive(self) -> BaseOp {
        use BaseOp::*;
        match self {
            StringNotEquals => StringEquals,
            StringNotEqualsIgnoreCase => StringEqualsIgnoreCase,
            StringNotLike => StringLike,
            NumericNotEquals => NumericEquals,
            DateNotEquals => DateEquals,
            NotIpAddress => IpAddress,
            ArnNotEquals => ArnEquals,
            ArnNotLike => ArnLike,
            other => other,
        }
    }

    /// Whether policy variables are substituted in values (spec §4).
    pub fn allows_variables(self) -> bool {
        matches!(self.family(), Family::String | Family::Arn | Family::Bool)
    }

    /// Whether `*` and `?` are wildcards in values.
    pub fn has_wildcards(self) -> bool {
        matches!(
            self,
            BaseOp::StringLike
                | BaseOp::StringNotLike
                | BaseOp::ArnEquals
                | BaseOp::ArnLike
                | BaseOp::ArnNotEquals
                | BaseOp::ArnNotLike
        )
    }
}

/// `ForAllValues:` / `ForAnyValue:`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum SetOp {
    ForAllValues,
    ForAnyValue,
}

/// A full operator such as `ForAllValues:StringLikeIfExists`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Operator {
    pub set: Option<SetOp>,
    pub base: BaseOp,
    pub if_exists: bool,
}

impl Operator {
    /// The operator's documented name, when `text` spells it exactly and it is a plain
    /// operator (no set prefix, no `IfExists`): what the model keeps without a copy.
    pub fn static_name(&self, text: &str) -> Option<&'static str> {
        let name = self.base.name();
        (self.set.is_none() && !self.if_exists && text == name).then_some(name)
    }

    /// Whether `text` is exactly this operator's canonical spelling (no allocation).
    fn spelled(&self, text: &str) -> bool {
        let set = match self.set {
            Some(SetOp::ForAllValues) => "ForAllValues:",
            Some(SetOp::ForAnyValue) => "ForAnyValue:",
            None => "",
        };
        let ie = if self.if_exists { "IfExists" } else { "" };
        text.strip_prefix(set)
            .and_then(|r| r.strip_suffix(ie))
            .is_some_and(|b| b == self.base.name())
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.set {
            Some(SetOp::ForAllValues) => f.write_str("ForAllValues:")?,
            Some(SetOp::ForAnyValue) => f.write_str("ForAnyValue:")?,
            None => {}
        }
        f.write_str(self.base.name())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

/// Why an operator name was not accepted as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OperatorProblem {
    /// Known, but written in another case: evaluation still uses it (spec §9 row 14).
    MisCased(Operator),
    /// `NullIfExists`: AWS rejects it.
    NullIfExists,
    Unknown,
}

/// Parse an operator name. Case-sensitive; a mis-cased known operator comes back
/// as `Err(MisCased(op))` so the caller can report it and still evaluate.
pub fn parse_operator(text: &str) -> Result<Operator, OperatorProblem> {
    match parse_operator_ci(text) {
        Some(op) if op.base == BaseOp::Null && op.if_exists => Err(OperatorProblem::NullIfExists),
        Some(op) if op.spelled(text) => Ok(op),
        Some(op) => Err(OperatorProblem::MisCased(op)),
        None => Err(OperatorProblem::Unknown),
    }
}

/// Strip `prefix` from `s`, ignoring ASCII case.
fn strip_prefix_ci<'s>(s: &'s str, prefix: &str) -> Option<&'s str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..))
        .flatten()
}

/// Strip `suffix` from `s`, ignoring ASCII case.
fn strip_suffix_ci<'s>(s: &'s str, suffix: &str) -> Option<&'s str> {
    let cut = s.len().checked_sub(suffix.len())?;
    let tail = s.get(cut..)?;
    tail.eq_ignore_ascii_case(suffix)
        .then(|| s.get(..cut))
        .flatten()
}

fn parse_operator_ci(text: &str) -> Option<Operator> {
    let (set, rest) = if let Some(r) = strip_prefix_ci(text, "ForAllValues:") {
        (Some(SetOp::ForAllValues), r)
    } else if let Some(r) = strip_prefix_ci(text, "ForAnyValue:") {
        (Some(SetOp::ForAnyValue), r)
    } else {
        (None, text)
    };
    let (base_text, if_exists) = match strip_suffix_ci(rest, "IfExists") {
        Some(b) => (b, true),
        None => (rest, false),
    };
    let base = base_op_exact(base_text).or_else(|| {
        BaseOp::ALL
            .iter()
            .copied()
            .find(|b| b.name().eq_ignore_ascii_case(base_text))
    })?;
    Some(Operator {
        set,
        base,
        if_exists,
    })
}

/// The base operator spelled exactly `name` (a `match` on constant strings: no
/// search through [`BaseOp::ALL`] comparing names).
fn base_op_exact(name: &str) -> Option<BaseOp> {
    Some(match name {
        "StringEquals" => BaseOp::StringEquals,
        "StringNotEquals" => BaseOp::StringNotEquals,
        "StringEqualsIgnoreCase" => BaseOp::StringEqualsIgnoreCase,
        "StringNotEqualsIgnoreCase" => BaseOp::StringNotEqualsIgnoreCase,
        "StringLike" => BaseOp::StringLike,
        "StringNotLike" => BaseOp::StringNotLike,
        "NumericEquals" => BaseOp::NumericEquals,
        "NumericNotEquals" => BaseOp::NumericNotEquals,
        "NumericLessThan" => BaseOp::NumericLessThan,
        "NumericLessThanEquals" => BaseOp::NumericLessThanEquals,
        "NumericGreaterThan" => BaseOp::NumericGreaterThan,
        "NumericGreaterThanEquals" => BaseOp::NumericGreaterThanEquals,
        "DateEquals" => BaseOp::DateEquals,
        "DateNotEquals" => BaseOp::DateNotEquals,
        "DateLessThan" => BaseOp::DateLessThan,
        "DateLessThanEquals" => BaseOp::DateLessThanEquals,
        "DateGreaterThan" => BaseOp::DateGreaterThan,
        "DateGreaterThanEquals" => BaseOp::DateGreaterThanEquals,
        "Bool" => BaseOp::Bool,
        "BinaryEquals" => BaseOp::BinaryEquals,
        "IpAddress" => BaseOp::IpAddress,
        "NotIpAddress" => BaseOp::NotIpAddress,
        "ArnEquals" => BaseOp::ArnEquals,
        "ArnLike" => BaseOp::ArnLike,
        "ArnNotEquals" => BaseOp::ArnNotEquals,
        "ArnNotLike" => BaseOp::ArnNotLike,
        "Null" => BaseOp::Null,
        _ => return None,
    })
}

/// The closest known operator name, for "did you mean".
pub fn suggest_operator(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let mut best: Option<(usize, String)> = None;
    for base in BaseOp::ALL {
        for set in ["", "ForAllValues:", "ForAnyValue:"] {
            for ie in ["", "IfExists"] {
                // Lengths more than three apart are more than three edits apart.
                let len = set.len() + base.name().len() + ie.len();
                if len.abs_diff(lower.len()) > 3 {
                    continue;
                }
                let cand = format!("{set}{}{ie}", base.name());
                let d = crate::values::edit_distance(&lower, &cand.to_ascii_lowercase(), 3);
                if d <= 3 && best.as_ref().is_none_or(|(bd, _)| d < *bd) {
                    best = Some((d, cand));
                }
            }
        }
    }
    best.map(|(_, s)| s)
}

/// A policy value compiled for its operator.
#[derive(Clone, Debug)]
pub enum Compiled {
    /// String and Bool operators (variables allowed; wildcards only for `Like`).
    Text(Pattern),
    Arn(ArnPattern),
    Number(Option<Decimal>),
    Date(Option<Instant>),
    Ip(Option<IpNet>),
    Binary(Option<Vec<u8>>),
    Null(Option<bool>),
    /// The operator is unknown: nothing to compile against.
    Opaque,
}

/// One value of a condition, as written and compiled.
#[derive(Clone, Debug)]
pub struct CondValue {
    pub text: Spanned<String>,
    pub compiled: Compiled,
}

impl CondValue {
    /// Whether the value reads a policy variable (only string and ARN values can).
    pub fn has_vars(&self) -> bool {
        match &self.compiled {
            Compiled::Text(p) => p.has_vars(),
            Compiled::Arn(p) => p.has_vars(),
            _ => false,
        }
    }

    /// Whether the value could be read for its operator (numbers, dates, CIDRs, base64, booleans).
    pub fn is_valid(&self) -> bool {
        match &self.compiled {
            Compiled::Number(n) => n.is_some(),
            Compiled::Date(d) => d.is_some(),
            Compiled::Ip(i) => i.is_some(),
            Compiled::Binary(b) => b.is_some(),
            Compiled::Null(b) => b.is_some(),
            Compiled::Text(_) | Compiled::Arn(_) | Compiled::Opaque => true,
        }
    }
}

/// Compile a policy value for `op`. `variables` is true under Version 2012-10-17.
pub fn compile_value(op: Option<Operator>, text: &str, variables: bool) -> Compiled {
    let Some(op) = op else {
        return Compiled::Opaque;
    };
    let syntax = Syntax {
        wildcards: op.base.has_wildcards(),
        variables: variables && op.base.allows_variables(),
    };
    match op.base.family() {
        Family::String | Family::Bool => Compiled::Text(Pattern::new(text, syntax)),
        Family::Arn => Compiled::Arn(ArnPattern::new(text, syntax)),
        Family::Numeric => Compiled::Number(Decimal::parse(text)),
        Family::Date => Compiled::Date(parse_date(text)),
        Family::Ip => Compiled::Ip(parse_cidr(text)),
        Family::Binary => Compiled::Binary(parse_base64(text)),
        Family::Null => Compiled::Null(if text.eq_ignore_ascii_case("true") {
            Some(true)
        } else if text.eq_ignore_ascii_case("false") {
            Some(false)
        } else {
            None
        }),
    }
}

/// A CIDR or a bare address (a single host), host bits masked (spec §3.4). Nothing
/// around it: `" 10.0.0.0/8"` is no CIDR (a lint error in a policy, no match in a
/// request), as spec §3.4 wants the value to be one.
pub fn parse_cidr(t: &str) -> Option<IpNet> {
    if let Some(net) = parse_net(t) {
        return Some(net.trunc());
    }
    t.parse::<IpAddr>().ok().map(IpNet::from)
}

/// `ADDRESS/PREFIX` as `IpNet::from_str` reads it (a test compares them), without
/// `ipnet`'s parser (2.4 KB of the WASM build): the address by the standard library's,
/// which the build has anyway, the prefix 1 to 2 (IPv4) or 3 (IPv6) decimal digits up
/// to the address's width. Host bits kept.
pub fn parse_net(t: &str) -> Option<IpNet> {
    if let Some(net) = simple_net(t) {
        return Some(net);
    }
    let slash = t.bytes().position(|b| b == b'/')?;
    let addr: IpAddr = t.get(..slash)?.parse().ok()?;
    let digits = if addr.is_ipv4() { 2 } else { 3 };
    let prefix = u8::try_from(decimal(t.get(slash + 1..)?.as_bytes(), digits)?).ok()?;
    IpNet::new(addr, prefix).ok()
}

/// The usual CIDR forms, read without `ipnet`'s general (and slow, combinator-based)
/// parser: `d.d.d.d/p` (1–3 digits per octet, up to 255, no leading zero; `p` 1–2
/// digits, up to 32) and IPv6 `x:x:…/p` with 1–4 hex digits per group, no embedded IPv4, either exactly
/// eight groups or one `::` standing for at least one zero group, and `p` 1–3 digits
/// up to 128. `None` for anything else, which the general parser then reads: every
/// `Some` here is exactly what `IpNet::from_str` returns (a test checks); unlike it, an
/// octet with a leading zero is no address, as for a bare address.
fn simple_net(t: &str) -> Option<IpNet> {
    let bytes = t.as_bytes();
    let slash = bytes.iter().position(|&b| b == b'/')?;
    let (addr, prefix) = (bytes.get(..slash)?, bytes.get(slash + 1..)?);
    if addr.contains(&b'.') {
        let prefix = u8::try_from(decimal(prefix, 2)?).ok()?;
        let mut octets = [0u8; 4];
        let mut parts = addr.split(|&b| b == b'.');
        for o in &mut octets {
            // No leading zero (`010`): octal to some readers, 10 to `ipnet`, no address
            // to the standard library, which reads the same text without a prefix.
            let part = parts
                .next()
                .filter(|p| p.len() == 1 || p.first() != Some(&b'0'))?;
            *o = u8::try_from(decimal(part, 3)?).ok()?;
        }
        if parts.next().is_some() {
            return None;
        }
        let net = ipnet::Ipv4Net::new(std::net::Ipv4Addr::from(octets), prefix).ok()?;
        return Some(IpNet::V4(net));
    }
    let prefix = u8::try_from(decimal(prefix, 3)?).ok()?;
    // Groups before `::` (all of them without one), and after it.
    let mut head = [0u16; 8];
    let mut tail = [0u16; 8];
    let (mut h, mut k) = (0usize, 0usize);
    let mut compressed = false;
    let mut i = 0;
    if addr.starts_with(b"::") {
        compressed = true;
        i = 2;
    }
    while i < addr.len() {
        // One group of 1–4 hex digits.
        let mut value = 0u16;
        let mut digits = 0;
        while let Some(d) = addr.get(i).and_then(|&b| (b as char).to_digit(16)) {
            digits += 1;
            if digits > 4 {
                return None;
            }
            value = (value << 4) | d as u16;
            i += 1;
        }
        if digits == 0 {
            return None;
        }
        let slot = if compressed {
            k += 1;
            tail.get_mut(k - 1)
        } else {
            h += 1;
            head.get_mut(h - 1)
        };
        *slot? = value;
        if i == addr.len() {
            break;
        }
        // `:`, or `::` once.
        if addr.get(i) != Some(&b':') {
            return None;
        }
        i += 1;
        if addr.get(i) == Some(&b':') {
            if compressed {
                return None;
            }
            compressed = true;
            i += 1;
        } else if i == addr.len() {
            // A trailing single `:`.
            return None;
        }
    }
    if compressed {
        if h + k > 7 {
            return None;
        }
        head.get_mut(8 - k..)?.copy_from_slice(tail.get(..k)?);
    } else if h != 8 {
        return None;
    }
    let net = ipnet::Ipv6Net::new(std::net::Ipv6Addr::from(head), prefix).ok()?;
    Some(IpNet::V6(net))
}

/// A run of 1 to `max` ASCII digits, as a number.
fn decimal(s: &[u8], max: usize) -> Option<u32> {
    if s.is_empty() || s.len() > max {
        return None;
    }
    s.iter().try_fold(0u32, |n, &b| {
        b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
    })
}

/// One `(operator, key, values)` triple.
#[derive(Clone, Debug)]
pub struct Condition {
    /// The operator as written (borrowed from the operator table when it is spelled as
    /// documented, the usual case: no allocation).
    pub operator: Spanned<Cow<'static, str>>,
    /// `None` when the operator is unknown (not evaluable).
    pub op: Option<Operator>,
    /// The key as written (borrowed from the key catalogue when spelled as documented).
    pub key: Spanned<Cow<'static, str>>,
    /// The key lower-cased, for lookups (key names are case-insensitive); borrowed from
    /// the catalogue for a known key.
    pub key_lc: Cow<'static, str>,
    /// The catalogue's entry for the key (`catalog::condition_key`), looked up once here.
    pub info: Option<&'static crate::catalog::ConditionKeyInfo>,
    pub values: Vec<CondValue>,
    /// Span of the value (string or array).
    pub values_span: Span,
}

impl Condition {
    /// The key in its documented spelling (`aws:SourceIp` for `AWS:SOURCEIP`; the tag
    /// part of `aws:PrincipalTag/…` as written), for messages (spec §3.2: key names are
    /// case-insensitive, and displayed ones normalised). A key the catalogue does not
    /// know, as written.
    pub fn key_display(&self) -> Cow<'_, str> {
        crate::catalog::key_spelling(self.info, &self.key.value)
    }
}

/// Three-valued truth: a condition the engine cannot evaluate is `Unknown`, never false.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tri {
    True,
    False,
    Unknown,
}

impl Tri {
    pub fn from_bool(b: bool) -> Tri {
        if b {
            Tri::True
        } else {
            Tri::False
        }
    }

    pub fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::Unknown, _) | (_, Tri::Unknown) => Tri::Unknown,
            _ => Tri::True,
        }
    }

    pub fn or(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::True, _) | (_, Tri::True) => Tri::True,
            (Tri::Unknown, _) | (_, Tri::Unknown) => Tri::Unknown,
            _ => Tri::False,
        }
    }

    pub fn negate(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }
}

/// The result of one condition, with an explanation when asked for.
#[derive(Clone, Debug)]
pub struct CondOutcome {
    pub result: Tri,
    pub reason: Option<String>,
}

/// Evaluate one condition. With `explain`, the outcome carries a one-line reason.
pub fn evaluate(cond: &Condition, ctx: &Context, explain: bool) -> CondOutcome {
    evaluate_value(cond, ctx.get(&cond.key_lc), ctx, explain)
}

/// [`evaluate`] with the request's value of the condition's key given (`None`: absent);
/// `ctx` answers only the policy variables in the condition's values.
pub fn evaluate_value(
    cond: &Condition,
    req: Option<&CtxValue>,
    ctx: &Context,
    explain: bool,
) -> CondOutcome {
    // For the reasons only (the key's documented spelling may be built).
    let key = if explain {
        cond.key_display()
    } else {
        Cow::Borrowed("")
    };
    let Some(op) = cond.op else {
        return CondOutcome {
            result: Tri::Unknown,
            reason: explain.then(|| {
                format!(
                    "operator `{}` is not a known condition operator, so this condition cannot be evaluated",
                    cond.operator.value
                )
            }),
        };
    };
    let base = op.base;

    if base == BaseOp::Null {
        let is_null = match req {
            None => true,
            Some(CtxValue::Many(v)) => v.is_empty(),
            Some(CtxValue::One(_)) => false,
        };
        if op.if_exists {
            return unknown(explain, "`NullIfExists` is not a valid operator");
        }
        let mut any_invalid = false;
        let hit = cond.values.iter().any(|v| match v.compiled {
            Compiled::Null(Some(b)) => b == is_null,
            _ => {
                any_invalid = true;
                false
            }
        });
        let result = if hit {
            Tri::True
        } else if any_invalid {
            // A value that is neither true nor false: AWS rejects the policy; we cannot say.
            Tri::Unknown
        } else {
            Tri::False
        };
        let reason = explain.then(|| {
            format!(
                "`{key}` is {} in the request; Null expects {}",
                if is_null { "absent" } else { "present" },
                join_texts(&cond.values)
            )
        });
        return CondOutcome { result, reason };
    }

    let negated = base.is_negated();
    match (op.set, req) {
        (Some(SetOp::ForAllValues), None) => outcome(Tri::True, explain, || {
            format!("`{key}` is absent, and ForAllValues is true for an absent key")
        }),
        (Some(SetOp::ForAllValues), Some(CtxValue::Many(v))) if v.is_empty() => {
            outcome(Tri::True, explain, || {
                format!("`{key}` has no values, and ForAllValues is true for an empty set")
            })
        }
        (Some(SetOp::ForAnyValue), None) => outcome(Tri::False, explain, || {
            let note = if op.if_exists {
                " (IfExists does not change that)"
            } else {
                ""
            };
            format!("`{key}` is absent, and ForAnyValue is false for an absent key{note}")
        }),
        (Some(SetOp::ForAnyValue), Some(CtxValue::Many(v))) if v.is_empty() => {
            outcome(Tri::False, explain, || {
                format!("`{key}` has no values, and ForAnyValue is false for an empty set")
            })
        }
        (Some(set), Some(value)) => {
            let items: Vec<&str> = match value {
                CtxValue::One(s) => vec![s.as_str()],
                CtxValue::Many(v) => v.iter().map(String::as_str).collect(),
            };
            let mut acc = if set == SetOp::ForAllValues {
                Tri::True
            } else {
                Tri::False
            };
            let mut deciding: Option<(String, Tri)> = None;
            for item in &items {
                let (m, _) = match_one(cond, base, item, ctx);
                let m = if negated { m.negate() } else { m };
                let before = acc;
                acc = if set == SetOp::ForAllValues {
                    acc.and(m)
                } else {
                    acc.or(m)
                };
                if before != acc && deciding.is_none() {
                    deciding = Some(((*item).to_string(), m));
                }
            }
            let reason = explain.then(|| {
                let shown = items
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                match (set, acc) {
                    (SetOp::ForAllValues, Tri::True) => format!(
                        "every value of `{key}` ({shown}) satisfies {} {}",
                        base.name(),
                        join_texts(&cond.values)
                    ),
                    (SetOp::ForAllValues, Tri::False) => format!(
                        "`{key}` value `{}` does not satisfy {} {}",
                        deciding.map(|d| d.0).unwrap_or_default(),
                        base.name(),
                        join_texts(&cond.values)
                    ),
                    (SetOp::ForAnyValue, Tri::True) => format!(
                        "`{key}` value `{}` satisfies {} {}",
                        deciding.map(|d| d.0).unwrap_or_default(),
                        base.name(),
                        join_texts(&cond.values)
                    ),
                    (SetOp::ForAnyValue, Tri::False) => format!(
                        "no value of `{key}` ({shown}) satisfies {} {}",
                        base.name(),
                        join_texts(&cond.values)
                    ),
                    (_, _) => format!(
                        "some values of `{key}` cannot be compared with {}",
                        join_texts(&cond.values)
                    ),
                }
            });
            CondOutcome {
                result: acc,
                reason,
            }
        }
        (None, None) => {
            let result = Tri::from_bool(op.if_exists || negated);
            outcome(result, explain, || {
                if op.if_exists {
                    format!(
                        "`{key}` is absent, and an …IfExists operator is true for an absent key"
                    )
                } else if negated {
                    format!(
                        "`{key}` is absent, and the negated operator {} is true for an absent key",
                        base.name()
                    )
                } else {
                    format!(
                        "`{key}` is absent from the request, so {} is false",
                        base.name()
                    )
                }
            })
        }
        (None, Some(CtxValue::Many(v))) if v.len() != 1 => {
            // A multi-valued key without a set operator (spec §3.6, UNSURE).
            let result = Tri::from_bool(negated);
            outcome(result, explain, || {
                format!(
                    "`{key}` has {} values but {} has no ForAllValues/ForAnyValue prefix, so it is {}",
                    v.len(),
                    base.name(),
                    if negated { "true" } else { "false" }
                )
            })
        }
        (None, Some(value)) => {
            let item = match value {
                CtxValue::One(s) => s.as_str(),
                CtxValue::Many(v) => v.first().map_or("", String::as_str),
            };
            let (hit, hit_value) = match_one(cond, base, item, ctx);
            let result = if negated { hit.negate() } else { hit };
            outcome(result, explain, || {
                describe(cond, base, item, hit, hit_value)
            })
        }
    }
}

fn unknown(explain: bool, msg: &str) -> CondOutcome {
    CondOutcome {
        result: Tri::Unknown,
        reason: explain.then(|| msg.to_string()),
    }
}

fn outcome(result: Tri, explain: bool, reason: impl FnOnce() -> String) -> CondOutcome {
    CondOutcome {
        result,
        reason: explain.then(reason),
    }
}

fn join_texts(values: &[CondValue]) -> String {
    match values {
        [one] => format!("`{}`", one.text.value),
        many => format!(
            "[{}]",
            many.iter()
                .map(|v| format!("`{}`", v.text.value))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn describe(
    cond: &Condition,
    base: BaseOp,
    item: &str,
    hit: Tri,
    hit_value: Option<&str>,
) -> String {
    let key = cond.key_display();
    let (yes, no) = match base.positive() {
        BaseOp::StringEquals | BaseOp::ArnEquals => ("equals", "does not equal"),
        BaseOp::StringEqualsIgnoreCase => {
            ("equals (ignoring case)", "does not equal (ignoring case)")
        }
        BaseOp::StringLike | BaseOp::ArnLike => ("matches", "does not match"),
        BaseOp::IpAddress => ("is in", "is not in"),
        BaseOp::NumericEquals | BaseOp::DateEquals | BaseOp::Bool | BaseOp::BinaryEquals => {
            ("equals", "does not equal")
        }
        BaseOp::NumericLessThan | BaseOp::DateLessThan => ("is less than", "is not less than"),
        BaseOp::NumericLessThanEquals | BaseOp::DateLessThanEquals => {
            ("is at most", "is not at most")
        }
        BaseOp::NumericGreaterThan | BaseOp::DateGreaterThan => {
            ("is greater than", "is not greater than")
        }
        BaseOp::NumericGreaterThanEquals | BaseOp::DateGreaterThanEquals => {
            ("is at least", "is not at least")
        }
        _ => ("matches", "does not match"),
    };
    match hit {
        Tri::True => format!("`{key}` {item} {yes} `{}`", hit_value.unwrap_or("")),
        Tri::False => {
            let list = match cond.values.as_slice() {
                [one] => format!("`{}`", one.text.value),
                many => format!(
                    "any of {}",
                    many.iter()
                        .map(|v| format!("`{}`", v.text.value))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            format!("`{key}` {item} {no} {list}")
        }
        Tri::Unknown => format!(
            "`{key}` {item} cannot be compared with {}",
            join_texts(&cond.values)
        ),
    }
}

/// Whether request value `item` matches any policy value under the *positive* form of
/// `base`. Returns the first matching policy value's text.
fn match_one<'c>(
    cond: &'c Condition,
    base: BaseOp,
    item: &str,
    ctx: &Context,
) -> (Tri, Option<&'c str>) {
    let pos = base.positive();
    let vars: &dyn VarSource = ctx;
    let mut result = Tri::False;
    // The request's address, read once for all the values (not once per CIDR).
    let mut ip: Option<RequestIp> = None;
    for v in &cond.values {
        let r = match (pos, &v.compiled) {
            (BaseOp::IpAddress, Compiled::Ip(net)) => compare_ip(
                net.as_ref(),
                ip.get_or_insert_with(|| RequestIp::parse(item)),
            ),
            _ => compare(pos, &v.compiled, item, vars),
        };
        if r == Tri::True {
            return (Tri::True, Some(v.text.value.as_str()));
        }
        result = result.or(r);
    }
    (result, None)
}

/// A request value for `IpAddress`: an address, a range, or neither.
enum RequestIp {
    Addr(IpAddr),
    Net(IpNet),
    Unreadable,
}

impl RequestIp {
    /// The address as AWS sends it; a value with spaces around it is unreadable.
    fn parse(item: &str) -> RequestIp {
        match item.parse::<IpAddr>() {
            Ok(addr) => RequestIp::Addr(addr),
            Err(_) => match parse_net(item) {
                Some(rnet) => RequestIp::Net(rnet),
                None => RequestIp::Unreadable,
            },
        }
    }
}

/// [`compare`] for `IpAddress` and a CIDR value, the request value already read.
fn compare_ip(net: Option<&IpNet>, item: &RequestIp) -> Tri {
    let Some(net) = net else { return Tri::False };
    match item {
        RequestIp::Addr(addr) => Tri::from_bool(net.contains(addr)),
        RequestIp::Net(rnet) => Tri::from_bool(net.contains(rnet)),
        RequestIp::Unreadable => Tri::False,
    }
}

/// `…IgnoreCase` equality (spec §3, [UNSURE] beyond ASCII): the texts are equal under
/// Unicode simple lowercase, character by character. `char::to_lowercase` is the simple
/// mapping for every character but U+0130 `İ` (full mapping `i̇`, simple `i`); no
/// context rules (a final `Σ` lowers to `σ`, as any `Σ`).
fn eq_ignore_case(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a.chars().map(lower_char).eq(b.chars().map(lower_char))
}

/// Unicode simple lowercase of one character (see [`eq_ignore_case`]).
fn lower_char(c: char) -> char {
    match c {
        '\u{130}' => 'i',
        c => c.to_lowercase().next().unwrap_or(c),
    }
}

/// A condition key or variable name as keys are compared (spec §3.2: case-insensitive,
/// the tag part of `aws:PrincipalTag/Équipe` included): Unicode simple lowercase, as
/// `…IgnoreCase` values are compared.
pub fn fold_key(name: &str) -> String {
    if name.is_ascii() {
        name.to_ascii_lowercase()
    } else {
        name.chars().map(lower_char).collect()
    }
}

/// Whether `s` is a boolean as `Bool` reads one: `true` or `false`, in any case.
pub fn is_bool_text(s: &str) -> bool {
    s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false")
}

/// Compare one request value with one compiled policy value under a positive operator.
/// Unparseable policy values and unresolvable variables never match (spec §3.4, §4).
fn compare(pos: BaseOp, compiled: &Compiled, item: &str, vars: &dyn VarSource) -> Tri {
    use BaseOp::*;
    match (pos, compiled) {
        (StringEquals | StringLike, Compiled::Text(p)) => match p.matches(item, vars) {
            Ok(b) => Tri::from_bool(b),
            Err(VarError::Unresolved(_)) => Tri::False,
        },
        // A plain value and plain ASCII: compared in place (the search and the evaluator
        // ask this for every candidate; the general path below builds four strings).
        (StringEqualsIgnoreCase, Compiled::Text(p)) if p.as_literal().is_some() => {
            Tri::from_bool(p.as_literal().is_some_and(|l| eq_ignore_case(l, item)))
        }
        (Bool, Compiled::Text(p)) if p.as_literal().is_some() => match p.as_literal() {
            Some(l) if is_bool_text(l) && is_bool_text(item) => {
                Tri::from_bool(l.eq_ignore_ascii_case(item))
            }
            _ => Tri::False,
        },
        (StringEqualsIgnoreCase, Compiled::Text(p)) => match p.resolve(vars) {
            Ok(toks) => {
                let text: String = toks
                    .iter()
                    .map(|t| match t {
                        crate::pattern::Tok::Lit(s) => s.as_str(),
                        _ => "",
                    })
                    .collect();
                Tri::from_bool(eq_ignore_case(&text, item))
            }
            Err(_) => Tri::False,
        },
        (Bool, Compiled::Text(p)) => match p.resolve(vars) {
            Ok(toks) => {
                let text: String = toks
                    .iter()
                    .map(|t| match t {
                        crate::pattern::Tok::Lit(s) => s.as_str(),
                        _ => "",
                    })
                    .collect();
                // Case-insensitive, nothing trimmed (spec §3.3: "true"/"false"): the
                // analysis's candidates are the same strings.
                let norm = |s: &str| s.to_ascii_lowercase();
                let (a, b) = (norm(&text), norm(item));
                if (a == "true" || a == "false") && (b == "true" || b == "false") {
                    Tri::from_bool(a == b)
                } else {
                    Tri::False
                }
            }
            Err(_) => Tri::False,
        },
        (ArnEquals | ArnLike, Compiled::Arn(p)) => match p.matches_condition(item, vars) {
            Ok(b) => Tri::from_bool(b),
            Err(_) => Tri::False,
        },
        (
            NumericEquals
            | NumericLessThan
            | NumericLessThanEquals
            | NumericGreaterThan
            | NumericGreaterThanEquals,
            Compiled::Number(p),
        ) => {
            let (Some(p), Some(r)) = (p, Decimal::parse(item)) else {
                return Tri::False;
            };
            let ord = r.cmp(p);
            Tri::from_bool(match pos {
                NumericEquals => ord.is_eq(),
                NumericLessThan => ord.is_lt(),
                NumericLessThanEquals => ord.is_le(),
                NumericGreaterThan => ord.is_gt(),
                _ => ord.is_ge(),
            })
        }
        (
            DateEquals
            | DateLessThan
            | DateLessThanEquals
            | DateGreaterThan
            | DateGreaterThanEquals,
            Compiled::Date(p),
        ) => {
            let (Some(p), Some(r)) = (p, parse_date(item)) else {
                return Tri::False;
            };
            let ord = r.cmp(p);
            Tri::from_bool(match pos {
                DateEquals => ord.is_eq(),
                DateLessThan => ord.is_lt(),
                DateLessThanEquals => ord.is_le(),
                DateGreaterThan => ord.is_gt(),
                _ => ord.is_ge(),
            })
        }
        (IpAddress, Compiled::Ip(p)) => compare_ip(p.as_ref(), &RequestIp::parse(item)),
        (BinaryEquals, Compiled::Binary(p)) => {
            let (Some(p), Some(r)) = (p, parse_base64(item)) else {
                return Tri::False;
            };
            Tri::from_bool(*p == r)
        }
        _ => Tri::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_beyond_ascii_as_ignore_case_values_do() {
        assert_eq!(fold_key("AWS:SourceIp"), "aws:sourceip");
        assert_eq!(
            fold_key("aws:PrincipalTag/ÉQUIPE"),
            "aws:principaltag/équipe"
        );
        assert_eq!(fold_key("aws:RequestTag/İD"), "aws:requesttag/id");
        let mut ctx = crate::Context::new();
        ctx.insert(
            "aws:PrincipalTag/Équipe",
            crate::CtxValue::One("rouge".into()),
        );
        assert!(ctx.contains("AWS:principaltag/ÉQUIPE"));
        // Inserting another spelling replaces the value (one key).
        ctx.insert(
            "aws:principaltag/équipe",
            crate::CtxValue::One("bleu".into()),
        );
        assert_eq!(
            ctx.get(&fold_key("aws:PrincipalTag/Équipe")),
            Some(&crate::CtxValue::One("bleu".into()))
        );
    }

    #[test]
    fn displayed_keys_take_their_documented_spelling() {
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringLike": {"AWS:REFERER": "x", "aws:principaltag/Team": "y", "aws:SourceIp": "z", "my:Key": "w"}}}]}"#;
        let p = crate::parse_policy(text).policy.unwrap();
        let shown: Vec<String> = p.statements[0]
            .condition
            .as_ref()
            .unwrap()
            .conditions
            .iter()
            .map(|c| c.key_display().into_owned())
            .collect();
        assert_eq!(
            shown,
            [
                "aws:Referer",
                "aws:PrincipalTag/Team",
                "aws:SourceIp",
                "my:Key"
            ]
        );
    }

    #[test]
    fn operator_names_parse_with_set_and_ifexists() {
        let op = parse_operator("ForAllValues:StringLikeIfExists").unwrap();
        assert_eq!(op.set, Some(SetOp::ForAllValues));
        assert_eq!(op.base, BaseOp::StringLike);
        assert!(op.if_exists);
        assert_eq!(op.to_string(), "ForAllValues:StringLikeIfExists");
        assert!(matches!(
            parse_operator("stringequals"),
            Err(OperatorProblem::MisCased(_))
        ));
        assert_eq!(
            parse_operator("NullIfExists"),
            Err(OperatorProblem::NullIfExists)
        );
        assert_eq!(
            parse_operator("StringEqualz"),
            Err(OperatorProblem::Unknown)
        );
        assert_eq!(
            suggest_operator("StringEqualz").as_deref(),
            Some("StringEquals")
        );
    }

    #[test]
    fn exact_operator_names_match_the_list() {
        for b in BaseOp::ALL {
            assert_eq!(base_op_exact(b.name()), Some(b));
            assert_eq!(base_op_exact(&b.name().to_ascii_lowercase()), None);
        }
    }

    #[test]
    fn cidrs_mask_host_bits_and_bare_addresses_are_hosts() {
        assert_eq!(
            parse_cidr("203.0.113.5/24").unwrap().to_string(),
            "203.0.113.0/24"
        );
        assert_eq!(
            parse_cidr("203.0.113.5").unwrap().to_string(),
            "203.0.113.5/32"
        );
        assert_eq!(
            parse_cidr("2001:DB8::1").unwrap().to_string(),
            "2001:db8::1/128"
        );
        assert!(parse_cidr("10.0.0.0/33").is_none());
        // Spec §3.4: the value must be a CIDR, nothing around it.
        assert!(parse_cidr(" 10.0.0.0/8").is_none());
        assert!(parse_cidr("10.0.0.0/8 ").is_none());
        assert!(matches!(
            RequestIp::parse(" 10.1.1.1"),
            RequestIp::Unreadable
        ));
        assert!(matches!(RequestIp::parse("10.1.1.1"), RequestIp::Addr(_)));
    }

    /// `Bool` and `StringEqualsIgnoreCase` compare plain values in place, with the answers
    /// of the general path (resolve, join, compare); `…IgnoreCase` under Unicode simple
    /// lowercase (spec §3).
    #[test]
    fn case_insensitive_comparisons_of_plain_values() {
        let check = |op: &str, value: &str, item: &str| {
            let text = format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {{"{op}": {{"aws:Key": "{value}"}}}}}}]}}"#
            );
            let policy = crate::parse_policy(&text).policy.unwrap();
            let cond = &policy.statements[0].condition.as_ref().unwrap().conditions[0];
            let mut ctx = Context::new();
            ctx.insert("aws:key", CtxValue::One(item.to_string()));
            evaluate(cond, &ctx, false).result
        };
        assert_eq!(check("Bool", "TRUE", "true"), Tri::True);
        assert_eq!(check("Bool", "true", "False"), Tri::False);
        assert_eq!(check("Bool", "false", "FaLsE"), Tri::True);
        assert_eq!(check("Bool", "yes", "yes"), Tri::False);
        assert_eq!(check("Bool", "true", " true"), Tri::False);
        assert_eq!(check("Bool", "${aws:Key}", "true"), Tri::True);
        assert_eq!(check("StringEqualsIgnoreCase", "ABC-d", "abc-D"), Tri::True);
        assert_eq!(check("StringEqualsIgnoreCase", "abc", "abd"), Tri::False);
        assert_eq!(check("StringEqualsIgnoreCase", "ÄB", "äb"), Tri::True);
        assert_eq!(
            check("StringEqualsIgnoreCase", "straße", "STRASSE"),
            Tri::False
        );
        assert_eq!(check("StringNotEqualsIgnoreCase", "ABC", "abc"), Tri::False);
        // Simple lowercase, character by character: `Σ` is `σ` wherever it stands, `ς`
        // stays `ς`, and `İ` is `i`.
        let ic = |value: &str, item: &str| check("StringEqualsIgnoreCase", value, item);
        assert_eq!(ic("ΟΔΟΣ", "οδοσ"), Tri::True);
        assert_eq!(ic("ΟΔΟΣ", "οδος"), Tri::False);
        assert_eq!(ic("İSTANBUL", "istanbul"), Tri::True);
        assert_eq!(ic("${aws:Key}", "x"), Tri::True);
    }

    #[test]
    fn the_simple_cidr_reader_agrees_with_ipnet() {
        // Every answer of the fast path must be ipnet's; it may decline anything.
        let mut texts: Vec<String> = Vec::new();
        let v4_parts = [
            "0", "1", "01", "001", "0001", "10", "255", "256", "999", "", "a", "-1",
        ];
        let prefixes = [
            "0", "8", "08", "32", "33", "48", "128", "129", "0128", "", "x", "1/2",
        ];
        for a in v4_parts {
            for b in ["0", "255", "01", ""] {
                for p in prefixes {
                    texts.push(format!("{a}.{b}.3.4/{p}"));
                    texts.push(format!("{a}.{b}.3/{p}"));
                    texts.push(format!("{a}.{b}.3.4.5/{p}"));
                    texts.push(format!("::ffff:{a}.{b}.3.4/{p}"));
                }
            }
        }
        let groups = [
            "0", "1", "db8", "DB8", "ffff", "fffff", "10000", "g", "2001", "",
        ];
        for a in groups {
            for b in groups {
                for p in prefixes {
                    for shape in [
                        "{a}:{b}:3:4:5:6:7:8",
                        "{a}:{b}:3:4:5:6:7",
                        "{a}:{b}:3:4:5:6:7:8:9",
                        "{a}::{b}",
                        "{a}:{b}::",
                        "::{a}:{b}",
                        "{a}::{b}::1",
                        "{a}:{b}:3:4:5:6::7",
                        "{a}:{b}:3:4:5:6:7::",
                        "::{a}:{b}:3:4:5:6:7",
                        "::{a}:{b}:3:4:5:6:7:8",
                        ":{a}::{b}",
                        "{a}:::{b}",
                        "::",
                    ] {
                        let addr = shape.replace("{a}", a).replace("{b}", b);
                        texts.push(format!("{addr}/{p}"));
                        texts.push(addr);
                    }
                }
            }
        }
        // Forms only the general reading takes, and ones nobody takes.
        for odd in [
            "::ffff:10.0.0.1/96",
            "::10.0.0.1/120",
            "1:2:3:4:5:6:1.2.3.4/128",
            "10.0.0.0/008",
            "10.0.0.0/0008",
            "10.0.0.0/33",
            "10.0.0.0/-1",
            "10.0.0.0/+8",
            "10.0.0.0/ 8",
            "10.0.0.0 /8",
            "010.0.0.0/8",
            "10.0.0/8",
            "10.0.0.0/",
            "/8",
            "2001:db8::/0129",
            "2001:DB8::/32",
            "2001:db8::1/128/1",
            "fe80::1%eth0/64",
        ] {
            texts.push(odd.to_string());
        }
        let mut answered = 0;
        for t in &texts {
            if let Some(net) = simple_net(t) {
                answered += 1;
                assert_eq!(t.parse::<IpNet>().ok(), Some(net), "{t}");
            }
            // The same network wherever the standard library reads the address. `ipnet`
            // also takes what RFC 4291 and the standard library do not (leading zeros in
            // an embedded IPv4 octet, `::` standing for no group): those are not ranges
            // here, as the same text without a prefix was not before.
            let ours = parse_net(t);
            match t.parse::<IpNet>().ok() {
                Some(n) if ours.is_none() => {
                    let addr = t.split('/').next().unwrap_or_default();
                    assert!(addr.parse::<IpAddr>().is_err(), "{t}: {n}");
                }
                theirs => assert_eq!(ours, theirs, "{t}"),
            }
        }
        assert!(answered > 1000, "{answered}");
    }

    /// `010.0.0.1/32` was read as 10.0.0.1 while `010.0.0.1` was no address at all (a
    /// review): an octet with a leading zero (octal to some readers) is no range now.
    #[test]
    fn an_octet_with_a_leading_zero_is_no_address() {
        for t in ["010.0.0.1/32", "10.0.0.01/32", "10.00.0.0/16", "010.0.0.1"] {
            assert_eq!(parse_cidr(t), None, "{t}");
        }
        for t in ["0.0.0.0/0", "10.0.0.1/32", "10.0.100.0/24", "10.0.0.1"] {
            assert!(parse_cidr(t).is_some(), "{t}");
        }
    }

    #[test]
    fn tri_logic() {
        assert_eq!(Tri::True.and(Tri::Unknown), Tri::Unknown);
        assert_eq!(Tri::False.and(Tri::Unknown), Tri::False);
        assert_eq!(Tri::True.or(Tri::Unknown), Tri::True);
        assert_eq!(Tri::Unknown.negate(), Tri::Unknown);
    }
}
