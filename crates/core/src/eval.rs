//! Evaluation (spec §5): whether each statement applies to a request, and the
//! decision: explicit deny wins, then allow, else implicit deny. Every part of
//! every statement is three-valued; anything the engine cannot evaluate is
//! `not_evaluable` and makes the decision uncertain, failing closed (an uncertain
//! Deny is never ignored, an uncertain Allow never grants).

use crate::condition::{self, Tri};
use crate::model::*;
use crate::request::{AwsCaller, Caller, CallerKind, CtxValue, Mode, Request};
use crate::source::Span;
use serde::Serialize;

/// The decision, in AWS's terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Decision {
    Allow,
    ExplicitDeny,
    ImplicitDeny,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "Allow",
            Decision::ExplicitDeny => "ExplicitDeny",
            Decision::ImplicitDeny => "ImplicitDeny",
        }
    }
}

/// How a policy principal matched the caller (spec §2.3); needed by full mode (§5.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    Wildcard,
    Exact,
    Session,
    /// The caller's account was named: delegation to the account's administrators.
    Account,
}

/// Result of one part of a statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Matched,
    NotMatched,
    NotEvaluable,
}

impl From<Tri> for Outcome {
    fn from(t: Tri) -> Self {
        match t {
            Tri::True => Outcome::Matched,
            Tri::False => Outcome::NotMatched,
            Tri::Unknown => Outcome::NotEvaluable,
        }
    }
}

/// One part (principal, action, resource) of a statement, explained.
#[derive(Clone, Debug, Serialize)]
pub struct PartTrace {
    pub result: Outcome,
    pub reason: String,
    /// Span of the element value that decided it (for the editor).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

/// One condition, explained.
#[derive(Clone, Debug, Serialize)]
pub struct ConditionTrace {
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
    /// The request's value for the key (absent when the key is missing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_value: Option<CtxValue>,
    pub result: Outcome,
    pub reason: String,
    pub span: Span,
}

/// One statement, explained.
#[derive(Clone, Debug, Serialize)]
pub struct StatementTrace {
    /// The Sid, or `#<index>`.
    pub id: String,
    pub index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effect: Option<Effect>,
    /// Whether the statement applies to the request.
    pub applies: Outcome,
    pub principal: PartTrace,
    pub action: PartTrace,
    pub resource: PartTrace,
    pub conditions: Vec<ConditionTrace>,
    /// How the principal matched, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub match_kind: Option<MatchKind>,
    pub span: Span,
}

/// The result of evaluating a request.
#[derive(Clone, Debug, Serialize)]
pub struct Evaluation {
    pub decision: Decision,
    /// False when a not-evaluable part could change the decision. The decision is then
    /// the fail-closed one (a possible Deny counts; a possible Allow does not).
    pub certain: bool,
    /// The statements that decided: applicable Denys for ExplicitDeny, applicable Allows
    /// for Allow, nothing for ImplicitDeny (ids: Sid or `#<index>`).
    pub determining: Vec<String>,
    /// The bucket policy's statements.
    pub statements: Vec<StatementTrace>,
    /// Full mode only: each identity policy's statements (ids prefixed `identity[N]`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub identity_statements: Vec<StatementTrace>,
    pub mode: Mode,
    /// One sentence saying why, for people.
    pub summary: String,
}

/// Does the principal element cover the caller? `(result, match kind, reason)`.
pub(crate) fn principal_part(
    el: &PrincipalElement,
    caller: &Caller,
    aws_star_includes_anonymous: bool,
    explain: bool,
) -> (Tri, Option<MatchKind>, Option<String>) {
    // `{"AWS": "*"}` and an anonymous caller under the S3 user guide's reading.
    let star_excluded = |id: &PrincipalId| {
        !aws_star_includes_anonymous
            && matches!(caller, Caller::Anonymous)
            && *id == PrincipalId::AnyAws
    };
    if el.negated {
        let exempt = not_principal_exempt(el, caller, aws_star_includes_anonymous);
        let applies = exempt.negate();
        let reason = explain.then(|| match exempt {
            Tri::True => format!(
                "caller `{}` is exempted by NotPrincipal (every link of its chain is listed)",
                caller.display()
            ),
            Tri::False => format!(
                "caller `{}` is not exempted by NotPrincipal, so the statement covers it",
                caller.display()
            ),
            Tri::Unknown => match el.invalid_values().next() {
                Some(v) => format!(
                    "NotPrincipal lists `{v}`, a value that cannot be evaluated (AWS would reject it)"
                ),
                None => "NotPrincipal lists a value that cannot be evaluated".to_string(),
            },
        });
        return (
            applies,
            (applies == Tri::True).then_some(MatchKind::Wildcard),
            reason,
        );
    }
    match &el.value {
        PrincipalValue::Anyone => (
            Tri::True,
            Some(MatchKind::Wildcard),
            explain.then(|| format!("`*` covers every caller, including `{}`", caller.display())),
        ),
        PrincipalValue::Map(entries) => {
            let mut best: Option<(MatchKind, &PrincipalEntry)> = None;
            let mut unknown = false;
            let mut excluded = false;
            // A user of the caller's account when the caller is a federated-user session:
            // the user's own sessions are covered (spec §2.3), and the request does not
            // say which user called GetFederationToken.
            let mut parent: Option<&PrincipalEntry> = None;
            for e in entries {
                if e.id == PrincipalId::Invalid {
                    unknown = true;
                    continue;
                }
                if let (PrincipalId::User { account, arn }, Caller::Aws(a)) = (&e.id, caller) {
                    if matches!(a.kind, CallerKind::FederatedUser { .. })
                        && *account == a.account
                        && in_partition(arn_partition(arn), a)
                    {
                        parent = Some(e);
                    }
                }
                if star_excluded(&e.id) {
                    excluded = true;
                    continue;
                }
                if let Some(k) = match_entry(&e.id, caller) {
                    let rank = |k: MatchKind| match k {
                        MatchKind::Exact => 3,
                        MatchKind::Session => 2,
                        MatchKind::Wildcard => 1,
                        MatchKind::Account => 0,
                    };
                    if best.is_none_or(|(b, _)| rank(k) > rank(b)) {
                        best = Some((k, e));
                    }
                }
            }
            match best {
                Some((k, e)) => (
                    Tri::True,
                    Some(k),
                    explain.then(|| {
                        let how = match k {
                            MatchKind::Exact => "is",
                            MatchKind::Session => "is a session of",
                            MatchKind::Wildcard => "is covered by",
                            MatchKind::Account => "belongs to the account",
                        };
                        format!("caller `{}` {how} `{}`", caller.display(), e.text.value)
                    }),
                ),
                None if unknown => (
                    Tri::Unknown,
                    None,
                    explain.then(|| {
                        format!(
                            "principal value `{}` cannot be evaluated (AWS would reject it)",
                            el.invalid_values().next().unwrap_or("")
                        )
                    }),
                ),
                None if parent.is_some() => (
                    Tri::Unknown,
                    None,
                    explain.then(|| {
                        format!(
                            "caller `{}` is a federated-user session, which `{}` covers when that user made it (GetFederationToken); the request does not say which user did",
                            caller.display(),
                            parent.map_or("", |e| e.text.value.as_str())
                        )
                    }),
                ),
                None if excluded => (
                    Tri::False,
                    None,
                    explain.then(|| {
                        "`{\"AWS\": \"*\"}` covers signed AWS principals only here (`aws_star_includes_anonymous` is false), not `anonymous`".to_string()
                    }),
                ),
                None => (
                    Tri::False,
                    None,
                    explain.then(|| {
                        let names = entries
                            .iter()
                            .map(|e| format!("`{}`", e.text.value))
                            .collect::<Vec<_>>()
                            .join(", ");
                        // An account's canonical ID: the request cannot say which is the
                        // caller's (spec §2.3), so it counts as another account's.
                        let canonical = matches!(caller, Caller::Aws(_))
                            && entries.iter().any(|e| {
                                e.ty == PrincipalType::CanonicalUser
                                    && matches!(e.id, PrincipalId::Canonical(_))
                            });
                        let note = if canonical {
                            " (a canonical user ID is read as another account's: the request cannot say which ID the caller's account has; name the account ID to be sure)"
                        } else {
                            ""
                        };
                        format!("caller `{}` is not {names}{note}", caller.display())
                    }),
                ),
            }
        }
    }
}

/// Whether a principal of `partition` can be the caller: each account lives in one
/// partition (spec §2.2), so `arn:aws-cn:iam::111122223333:root` is not the caller
/// `arn:aws:iam::111122223333:user/a`. `None` (a bare account id or an `aws` root ARN)
/// is the bucket's partition, which the request does not give: any caller's.
fn in_partition(partition: Option<&str>, caller: &AwsCaller) -> bool {
    partition.is_none_or(|p| p == caller.partition)
}

/// The partition of an ARN (`aws` in `arn:aws:iam::…`).
fn arn_partition(arn: &str) -> Option<&str> {
    Some(crate::catalog::split_arn(arn).0[1])
}

/// Match one principal value against the caller.
pub fn match_entry(id: &PrincipalId, caller: &Caller) -> Option<MatchKind> {
    match (id, caller) {
        // `{"AWS": "*"}`: anonymous and every AWS principal; not service principals (spec §9 row 1).
        (PrincipalId::AnyAws, Caller::Anonymous | Caller::Aws(_) | Caller::Federated { .. }) => {
            Some(MatchKind::Wildcard)
        }
        (PrincipalId::Account { account, partition }, Caller::Aws(a))
            if *account == a.account && in_partition(partition.as_deref(), a) =>
        {
            Some(if a.kind == CallerKind::Root {
                MatchKind::Exact
            } else {
                MatchKind::Account
            })
        }
        (PrincipalId::User { arn, .. }, Caller::Aws(a))
            if matches!(a.kind, CallerKind::User { .. }) && *arn == a.arn =>
        {
            Some(MatchKind::Exact)
        }
        (PrincipalId::Role { account, name, arn }, Caller::Aws(a)) => match &a.kind {
            CallerKind::AssumedRole { role, .. }
                if *account == a.account && role == name && in_partition(arn_partition(arn), a) =>
            {
                Some(MatchKind::Session)
            }
            _ => None,
        },
        (
            PrincipalId::Session { arn, .. } | PrincipalId::FederatedUser { arn, .. },
            Caller::Aws(a),
        ) if *arn == a.arn => Some(MatchKind::Exact),
        (PrincipalId::Service(s), Caller::Service { name }) if s.eq_ignore_ascii_case(name) => {
            Some(MatchKind::Exact)
        }
        (PrincipalId::Federated(p), Caller::Federated { provider }) if p == provider => {
            Some(MatchKind::Exact)
        }
        _ => None,
    }
}

/// Is the caller exempt from a NotPrincipal list? Every link of its chain must be listed (spec §2.4).
/// `{"AWS": "*"}` exempts anonymous callers only when `aws_star_includes_anonymous`.
fn not_principal_exempt(
    el: &PrincipalElement,
    caller: &Caller,
    aws_star_includes_anonymous: bool,
) -> Tri {
    let entries = match &el.value {
        PrincipalValue::Anyone => return Tri::True,
        PrincipalValue::Map(e) => e,
    };
    let ids: Vec<&PrincipalId> = entries.iter().map(|e| &e.id).collect();
    let has_invalid = ids.contains(&&PrincipalId::Invalid);
    let listed = |pred: &dyn Fn(&PrincipalId) -> bool| ids.iter().any(|id| pred(id));
    let exempt = match caller {
        Caller::Anonymous => {
            aws_star_includes_anonymous && listed(&|id| *id == PrincipalId::AnyAws)
        }
        Caller::Federated { provider } => listed(&|id| {
            matches!(id, PrincipalId::Federated(p) if p == provider) || *id == PrincipalId::AnyAws
        }),
        Caller::Service { name } => {
            listed(&|id| matches!(id, PrincipalId::Service(s) if s.eq_ignore_ascii_case(name)))
        }
        Caller::Aws(a) => {
            let account_listed = listed(&|id| {
                *id == PrincipalId::AnyAws
                    || matches!(id, PrincipalId::Account { account, partition } if *account == a.account && in_partition(partition.as_deref(), a))
            });
            let any_aws = listed(&|id| *id == PrincipalId::AnyAws);
            account_listed
                && (any_aws
                    || match &a.kind {
                        CallerKind::Root => true,
                        CallerKind::User { .. } => listed(
                            &|id| matches!(id, PrincipalId::User { arn, .. } if *arn == a.arn),
                        ),
                        CallerKind::FederatedUser { .. } => listed(
                            &|id| matches!(id, PrincipalId::FederatedUser { arn, .. } if *arn == a.arn),
                        ),
                        CallerKind::AssumedRole { role, .. } => {
                            listed(
                                &|id| matches!(id, PrincipalId::Role { account, name, arn } if *account == a.account && name == role && in_partition(arn_partition(arn), a)),
                            ) && listed(
                                &|id| matches!(id, PrincipalId::Session { arn, .. } if *arn == a.arn),
                            )
                        }
                    })
        }
    };
    if exempt {
        Tri::True
    } else if has_invalid {
        Tri::Unknown
    } else {
        Tri::False
    }
}

fn action_part(
    el: &ActionElement,
    req: &Request,
    explain: bool,
) -> (Tri, Option<String>, Option<Span>) {
    let hit = el
        .items
        .iter()
        .find(|i| i.pattern.matches_plain(&req.action_lc));
    let applies = hit.is_some() != el.negated;
    let reason = explain.then(|| match (hit, el.negated) {
        (Some(i), false) => format!("`{}` matches `{}`", req.action, i.text.value),
        (None, false) => format!("`{}` matches no listed action", req.action),
        (Some(i), true) => format!(
            "`{}` is excluded by NotAction `{}`",
            req.action, i.text.value
        ),
        (None, true) => format!("`{}` is not in NotAction, so it is covered", req.action),
    });
    (Tri::from_bool(applies), reason, hit.map(|i| i.text.span))
}

fn resource_part(
    el: &ResourceElement,
    req: &Request,
    explain: bool,
) -> (Tri, Option<String>, Option<Span>) {
    let vars = &req.context;
    let mut hit = None;
    let mut unresolved: Vec<String> = Vec::new();
    for item in &el.items {
        match item.pattern.matches(&req.resource, vars) {
            Ok(true) => {
                hit = Some(item);
                break;
            }
            Ok(false) => {}
            // A Resource entry whose variable has no value matches nothing (spec §2.2, §4).
            Err(crate::pattern::VarError::Unresolved(name)) => unresolved.push(name),
        }
    }
    let applies = hit.is_some() != el.negated;
    let reason = explain.then(|| {
        let note = if unresolved.is_empty() {
            String::new()
        } else {
            format!(
                " (`${{{}}}` has no value in the request, so that entry matches nothing)",
                unresolved.join("}`, `${")
            )
        };
        match (hit, el.negated) {
            (Some(i), false) => format!("`{}` matches `{}`", req.resource, i.text.value),
            (None, false) => format!("`{}` matches no listed resource{note}", req.resource),
            (Some(i), true) => format!(
                "`{}` is excluded by NotResource `{}`",
                req.resource, i.text.value
            ),
            (None, true) => format!(
                "`{}` is not in NotResource, so it is covered{note}",
                req.resource
            ),
        }
    });
    (Tri::from_bool(applies), reason, hit.map(|i| i.text.span))
}

fn missing_part(st: &Statement, name: &str) -> PartTrace {
    PartTrace {
        result: Outcome::NotEvaluable,
        reason: format!(
            "statement {} has no valid `{name}`, so it cannot be evaluated",
            st.id()
        ),
        span: None,
    }
}

/// Evaluate one statement. Fast path without explanation when `trace` is false.
/// Returns (applies, match kind, trace).
pub fn eval_statement(
    st: &Statement,
    req: &Request,
    kind: PolicyKind,
    trace: bool,
) -> (Tri, Option<MatchKind>, Option<StatementTrace>) {
    // A statement with errors in it (`Statement::invalid`) is read as it might have been
    // meant: neither a match nor a non-match.
    let invalid = st.invalid;
    if !trace {
        if invalid {
            return (Tri::Unknown, None, None);
        }
        // Cheapest checks first; stop at the first definite non-match.
        let mut acc = Tri::True;
        match &st.action {
            Some(a) if !st.broken.contains(&"Action") => {
                if action_part(a, req, false).0 == Tri::False {
                    return (Tri::False, None, None);
                }
            }
            _ => acc = Tri::Unknown,
        }
        match &st.resource {
            Some(r) if !st.broken.contains(&"Resource") => {
                if resource_part(r, req, false).0 == Tri::False {
                    return (Tri::False, None, None);
                }
            }
            _ => acc = Tri::Unknown,
        }
        let mut mk = None;
        if kind == PolicyKind::Resource {
            match &st.principal {
                Some(p) if !st.broken.contains(&"Principal") => {
                    let (t, k, _) =
                        principal_part(p, &req.caller, req.aws_star_includes_anonymous, false);
                    if t == Tri::False {
                        return (Tri::False, None, None);
                    }
                    acc = acc.and(t);
                    mk = k;
                }
                _ => acc = Tri::Unknown,
            }
        }
        if let Some(c) = &st.condition {
            for cond in &c.conditions {
                let r = condition::evaluate(cond, &req.context, false).result;
                if r == Tri::False {
                    return (Tri::False, None, None);
                }
                acc = acc.and(r);
            }
        }
        return (acc, mk, None);
    }

    let (principal, mk) = if kind == PolicyKind::Identity {
        (
            PartTrace {
                result: Outcome::Matched,
                reason: "identity policy: applies to the identity it is attached to".into(),
                span: None,
            },
            Some(MatchKind::Exact),
        )
    } else {
        match &st.principal {
            Some(p) if !st.broken.contains(&"Principal") => {
                let (t, k, reason) =
                    principal_part(p, &req.caller, req.aws_star_includes_anonymous, true);
                (
                    PartTrace {
                        result: t.into(),
                        reason: reason.unwrap_or_default(),
                        span: Some(p.span),
                    },
                    k,
                )
            }
            _ => (missing_part(st, "Principal"), None),
        }
    };
    let action = match &st.action {
        Some(a) if !st.broken.contains(&"Action") => {
            let (t, reason, span) = action_part(a, req, true);
            PartTrace {
                result: t.into(),
                reason: reason.unwrap_or_default(),
                span: span.or(Some(a.span)),
            }
        }
        _ => missing_part(st, "Action"),
    };
    let resource = match &st.resource {
        Some(r) if !st.broken.contains(&"Resource") => {
            let (t, reason, span) = resource_part(r, req, true);
            PartTrace {
                result: t.into(),
                reason: reason.unwrap_or_default(),
                span: span.or(Some(r.span)),
            }
        }
        _ => missing_part(st, "Resource"),
    };
    let mut conditions = Vec::new();
    let mut cond_acc = Tri::True;
    if let Some(c) = &st.condition {
        for cond in &c.conditions {
            let out = condition::evaluate(cond, &req.context, true);
            cond_acc = cond_acc.and(out.result);
            conditions.push(ConditionTrace {
                operator: cond.operator.value.to_string(),
                key: cond.key.value.to_string(),
                values: cond.values.iter().map(|v| v.text.value.clone()).collect(),
                request_value: req.context.get(&cond.key_lc).cloned(),
                result: out.result.into(),
                reason: out.reason.unwrap_or_default(),
                span: Span::new(cond.key.span.start, cond.values_span.end),
            });
        }
    }
    let tri = |o: Outcome| match o {
        Outcome::Matched => Tri::True,
        Outcome::NotMatched => Tri::False,
        Outcome::NotEvaluable => Tri::Unknown,
    };
    let applies = if invalid {
        conditions.push(ConditionTrace {
            operator: String::new(),
            key: String::new(),
            values: Vec::new(),
            request_value: None,
            result: Outcome::NotEvaluable,
            reason: format!(
                "statement {} has errors, so it cannot be evaluated",
                st.id()
            ),
            span: st.span,
        });
        Tri::Unknown
    } else {
        tri(principal.result)
            .and(tri(action.result))
            .and(tri(resource.result))
            .and(cond_acc)
    };
    let t = StatementTrace {
        id: st.id(),
        index: st.index,
        effect: st.effect.as_ref().map(|e| e.value),
        applies: applies.into(),
        principal,
        action,
        resource,
        conditions,
        match_kind: if applies == Tri::False { None } else { mk },
        span: st.span,
    };
    (applies, mk, Some(t))
}

/// What one policy says about a request: per-effect applicability.
#[derive(Default)]
struct Tally {
    deny: Vec<(String, Tri)>,
    allow: Vec<(String, Tri, Option<MatchKind>)>,
    traces: Vec<StatementTrace>,
}

fn tally(policy: &Policy, req: &Request, trace: bool, id_prefix: &str) -> Tally {
    let mut t = Tally::default();
    for st in &policy.statements {
        let (applies, mk, tr) = eval_statement(st, req, policy.kind, trace);
        let id = format!("{id_prefix}{}", st.id());
        if let Some(mut tr) = tr {
            tr.id = id.clone();
            t.traces.push(tr);
        }
        if applies == Tri::False {
            continue;
        }
        match st.effect.as_ref().map(|e| e.value) {
            Some(Effect::Deny) => t.deny.push((id, applies)),
            Some(Effect::Allow) => t.allow.push((id, applies, mk)),
            // Unknown effect: it may be either, so it counts as an uncertain Deny and an uncertain Allow.
            None => {
                t.deny.push((id.clone(), Tri::Unknown));
                t.allow.push((id, Tri::Unknown, mk));
            }
        }
    }
    t
}

fn any(items: impl Iterator<Item = Tri>) -> Tri {
    items.fold(Tri::False, Tri::or)
}

/// Evaluate the bucket policy alone (`resource_policy_only`), with a full trace.
pub fn evaluate(policy: &Policy, req: &Request) -> Evaluation {
    let t = tally(policy, req, true, "");
    let deny = any(t.deny.iter().map(|d| d.1));
    let allow = any(t.allow.iter().map(|a| a.1));
    finish(
        deny,
        allow,
        &t,
        Vec::new(),
        t.traces.clone(),
        Mode::ResourcePolicyOnly,
        None,
    )
}

/// The decision only (no trace): the fast path for analysis and benchmarks.
/// Returns `(decision, certain)`.
pub fn decide(policy: &Policy, req: &Request) -> (Decision, bool) {
    decide_where(policy, req, |_| true)
}

/// [`decide`] looking only at the statements `may_match` keeps (by index): the caller
/// knows the others cannot match the request (e.g. not its action), so the answer is the
/// same, without matching them again. The analysis calls this millions of times.
pub fn decide_where(
    policy: &Policy,
    req: &Request,
    may_match: impl Fn(usize) -> bool,
) -> (Decision, bool) {
    let mut deny = Tri::False;
    let mut allow = Tri::False;
    for (i, st) in policy.statements.iter().enumerate() {
        if !may_match(i) {
            continue;
        }
        let (applies, _, _) = eval_statement(st, req, policy.kind, false);
        if applies == Tri::False {
            continue;
        }
        match st.effect.as_ref().map(|e| e.value) {
            Some(Effect::Deny) => {
                deny = deny.or(applies);
                if deny == Tri::True {
                    return (Decision::ExplicitDeny, true);
                }
            }
            Some(Effect::Allow) => allow = allow.or(applies),
            None => {
                deny = deny.or(Tri::Unknown);
                allow = allow.or(Tri::Unknown);
            }
        }
    }
    combine(deny, allow)
}

fn combine(deny: Tri, allow: Tri) -> (Decision, bool) {
    match (deny, allow) {
        (Tri::True, _) => (Decision::ExplicitDeny, true),
        (Tri::Unknown, _) => (Decision::ExplicitDeny, false),
        (Tri::False, Tri::True) => (Decision::Allow, true),
        (Tri::False, Tri::Unknown) => (Decision::ImplicitDeny, false),
        (Tri::False, Tri::False) => (Decision::ImplicitDeny, true),
    }
}

fn finish(
    deny: Tri,
    allow: Tri,
    t: &Tally,
    extra_determining: Vec<String>,
    traces: Vec<StatementTrace>,
    mode: Mode,
    identity: Option<(Tally, String)>,
) -> Evaluation {
    let (decision, certain) = combine(deny, allow);
    let mut determining: Vec<String> = match decision {
        Decision::ExplicitDeny => t
            .deny
            .iter()
            .filter(|d| {
                d.1 == if deny == Tri::True {
                    Tri::True
                } else {
                    Tri::Unknown
                }
            })
            .map(|d| d.0.clone())
            .collect(),
        Decision::Allow => t
            .allow
            .iter()
            .filter(|a| a.1 == Tri::True)
            .map(|a| a.0.clone())
            .collect(),
        Decision::ImplicitDeny => Vec::new(),
    };
    determining.extend(extra_determining);
    let summary = match (decision, certain) {
        (Decision::ExplicitDeny, true) => format!("explicitly denied by {}", names(&determining)),
        (Decision::ExplicitDeny, false) => format!(
            "uncertain: {} may deny (not evaluable); failing closed",
            names(&determining)
        ),
        (Decision::Allow, _) => format!("allowed by {}", names(&determining)),
        (Decision::ImplicitDeny, true) => "implicitly denied: no statement allows it".to_string(),
        (Decision::ImplicitDeny, false) => {
            "uncertain: an Allow could not be evaluated, so it is not counted (failing closed)"
                .to_string()
        }
    };
    let summary = match &identity {
        Some((_, note)) if !note.is_empty() => format!("{summary}; {note}"),
        _ => summary,
    };
    Evaluation {
        decision,
        certain,
        determining,
        statements: traces,
        identity_statements: identity.map(|(t, _)| t.traces).unwrap_or_default(),
        mode,
        summary,
    }
}

fn names(ids: &[String]) -> String {
    if ids.is_empty() {
        return "no statement".into();
    }
    ids.iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Actions the bucket owner's root can always call, even under an explicit Deny (spec §5.4).
const ROOT_LOCKOUT_ACTIONS: &[&str] = &[
    "s3:getbucketpolicy",
    "s3:putbucketpolicy",
    "s3:deletebucketpolicy",
];

/// `full` mode (spec §5.3): identity policies plus the bucket policy.
pub fn evaluate_full(
    bucket: &Policy,
    identity: &[Policy],
    req: &Request,
    bucket_account: &str,
) -> Evaluation {
    let bp = tally(bucket, req, true, "");
    let mut id = Tally::default();
    for (n, p) in identity.iter().enumerate() {
        let t = tally(p, req, true, &format!("identity[{n}]"));
        id.deny.extend(t.deny);
        id.allow.extend(t.allow);
        id.traces.extend(t.traces);
    }
    let deny = any(bp.deny.iter().chain(id.deny.iter()).map(|d| d.1));
    let id_allow = any(id.allow.iter().map(|a| a.1));
    let bp_any = any(bp.allow.iter().map(|a| a.1));
    // A bucket-policy Allow that names the caller (or every caller), not its account.
    let direct = |a: &&(String, Tri, Option<MatchKind>)| {
        matches!(
            a.2,
            Some(MatchKind::Exact | MatchKind::Session | MatchKind::Wildcard)
        ) || a.2.is_none() && a.1 == Tri::Unknown
    };
    let bp_direct = any(bp.allow.iter().filter(direct).map(|a| a.1));
    let owner_root = matches!(&req.caller, Caller::Aws(a) if a.account == bucket_account && a.kind == CallerKind::Root);
    let same_account = matches!(&req.caller, Caller::Aws(a) if a.account == bucket_account);
    let (allow, note) = match &req.caller {
        Caller::Anonymous | Caller::Service { .. } | Caller::Federated { .. } => (bp_any, "only the bucket policy can grant this caller".to_string()),
        Caller::Aws(_) if owner_root => (Tri::True, "the bucket owner's root user is allowed by default".to_string()),
        Caller::Aws(a) if a.account == bucket_account => (
            id_allow.or(bp_direct),
            "same account: an identity-policy Allow or a bucket-policy Allow naming the caller suffices; a grant to the account only delegates".to_string(),
        ),
        // Spec §5.2: a root user is allowed by default inside its own account, which is
        // its identity side here (it has no identity policies); the bucket's owner must
        // still grant (its account, or it by ARN).
        Caller::Aws(a) if a.kind == CallerKind::Root => (
            bp_any,
            "cross-account root user: its own account allows it by default, so a bucket-policy Allow suffices".to_string(),
        ),
        Caller::Aws(_) => (
            id_allow.and(bp_any),
            "cross-account: both an identity-policy Allow and a bucket-policy Allow are needed".to_string(),
        ),
    };
    // Root lock-out protection: the owner root keeps GetBucketPolicy/PutBucketPolicy/DeleteBucketPolicy.
    if owner_root && ROOT_LOCKOUT_ACTIONS.contains(&req.action_lc.as_str()) {
        let mut e = finish(
            Tri::False,
            Tri::True,
            &bp,
            Vec::new(),
            bp.traces.clone(),
            Mode::Full,
            Some((id, String::new())),
        );
        e.summary = "allowed: the bucket owner's root user can always manage the bucket policy (lock-out protection), whatever it says".into();
        return e;
    }
    let mut all = Tally {
        deny: bp.deny.clone(),
        // In the bucket owner's account a grant to the account only delegates: it
        // allows nothing, so it determines nothing (the identity policy's Allow does).
        allow: if same_account && !owner_root {
            bp.allow.iter().filter(direct).cloned().collect()
        } else {
            bp.allow.clone()
        },
        traces: Vec::new(),
    };
    all.deny.extend(id.deny.iter().cloned());
    all.allow.extend(id.allow.iter().cloned());
    let traces = bp.traces.clone();
    finish(
        deny,
        allow,
        &all,
        Vec::new(),
        traces,
        Mode::Full,
        Some((id, note)),
    )
}

/// Evaluate a request in the mode its request file asks for.
pub fn evaluate_mode(
    policy: &Policy,
    identity: &[Policy],
    req: &Request,
    mode: Mode,
    bucket_account: &str,
) -> Evaluation {
    match mode {
        Mode::ResourcePolicyOnly => evaluate(policy, req),
        Mode::Full => evaluate_full(policy, identity, req, bucket_account),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_policy, Context};

    /// A user ARN covers the federated-user sessions that user makes (spec §2.3), and a
    /// federated-user ARN does not say which user made it: in the user's account the
    /// entry is not evaluable, so an Allow does not grant and a Deny fails closed.
    #[test]
    fn a_user_arn_may_cover_a_federated_user_session_of_its_account() {
        let policy = |effect: &str| {
            let text = format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "All", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}, {{"Sid": "Bob", "Effect": "{effect}", "Principal": {{"AWS": ["arn:aws:iam::111122223333:user/Bob"]}}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"}}]}}"#
            );
            parse_policy(&text).policy.expect("policy")
        };
        let run = |effect: &str, caller: &str, action: &str| {
            let req = Request::new(
                crate::Caller::parse(caller).expect("caller"),
                action,
                "arn:aws:s3:::b/k",
                Context::new(),
            );
            let p = policy(effect);
            let ev = evaluate(&p, &req);
            assert_eq!(decide(&p, &req), (ev.decision, ev.certain));
            (ev.decision, ev.certain, ev.statements[1].applies)
        };
        let fed = "arn:aws:sts::111122223333:federated-user/Bob";
        assert_eq!(
            run("Allow", fed, "s3:PutObject"),
            (Decision::ImplicitDeny, false, Outcome::NotEvaluable)
        );
        assert_eq!(
            run("Deny", fed, "s3:GetObject").0,
            Decision::Allow,
            "the Deny names another action"
        );
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}, {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::111122223333:user/Bob"}, "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}]}"#;
        let deny_all = parse_policy(text).policy.expect("policy");
        let req = |caller: &str| {
            Request::new(
                crate::Caller::parse(caller).expect("caller"),
                "s3:GetObject",
                "arn:aws:s3:::b/k",
                Context::new(),
            )
        };
        let ev = evaluate(&deny_all, &req(fed));
        assert_eq!((ev.decision, ev.certain), (Decision::ExplicitDeny, false));
        assert!(ev.statements[1]
            .principal
            .reason
            .contains("GetFederationToken"));
        // Another account's federated user, and the user itself: decided.
        let ev = evaluate(
            &deny_all,
            &req("arn:aws:sts::444455556666:federated-user/Bob"),
        );
        assert_eq!((ev.decision, ev.certain), (Decision::Allow, true));
        let ev = evaluate(&deny_all, &req("arn:aws:iam::111122223333:user/Bob"));
        assert_eq!((ev.decision, ev.certain), (Decision::ExplicitDeny, true));
        assert_eq!(
            run(
                "Allow",
                "arn:aws:iam::111122223333:user/Bob",
                "s3:PutObject"
            )
            .0,
            Decision::Allow
        );
    }

    /// In `full` mode a bucket-policy grant to the bucket owner's account only delegates:
    /// in that account the identity policy's Allow decides and is the one named; for
    /// another account both sides are needed and both are named.
    #[test]
    fn a_delegating_account_grant_determines_only_across_accounts() {
        let text = |principal: &str| {
            format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "Grant", "Effect": "Allow", "Principal": {{"AWS": "{principal}"}}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}]}}"#
            )
        };
        let identity = crate::parse_policy_as(
            r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Id", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
            crate::PolicyKind::Identity,
        )
        .policy
        .expect("identity policy");
        let run = |principal: &str, caller: &str, with_identity: bool| {
            let bucket = parse_policy(&text(principal))
                .policy
                .expect("bucket policy");
            let req = Request::new(
                crate::Caller::parse(caller).expect("caller"),
                "s3:GetObject",
                "arn:aws:s3:::b/k",
                Context::new(),
            );
            let ids = if with_identity {
                vec![identity.clone()]
            } else {
                vec![]
            };
            let ev = evaluate_full(&bucket, &ids, &req, "111122223333");
            (ev.decision, ev.determining)
        };
        let same = "arn:aws:sts::111122223333:assumed-role/R/s";
        let other = "arn:aws:sts::444455556666:assumed-role/R/s";
        // The other account's root user needs no identity policy (its account allows it by
        // default, spec §5.2), only the bucket's grant (found by a review).
        let other_root = "arn:aws:iam::444455556666:root";
        let role = "arn:aws:iam::111122223333:role/R";
        // (grant to, caller, with the identity policy, decision, determining)
        let cases: &[(&str, &str, bool, Decision, &[&str])] = &[
            (
                "111122223333",
                same,
                true,
                Decision::Allow,
                &["identity[0]Id"],
            ),
            ("111122223333", same, false, Decision::ImplicitDeny, &[]),
            // The role named: the bucket policy alone suffices, and both Allows are named.
            (
                role,
                same,
                true,
                Decision::Allow,
                &["Grant", "identity[0]Id"],
            ),
            (role, same, false, Decision::Allow, &["Grant"]),
            (
                "444455556666",
                other,
                true,
                Decision::Allow,
                &["Grant", "identity[0]Id"],
            ),
            ("444455556666", other, false, Decision::ImplicitDeny, &[]),
            (
                "444455556666",
                other_root,
                false,
                Decision::Allow,
                &["Grant"],
            ),
            (
                "777788889999",
                other_root,
                false,
                Decision::ImplicitDeny,
                &[],
            ),
        ];
        for &(principal, caller, with_identity, decision, determining) in cases {
            assert_eq!(
                run(principal, caller, with_identity),
                (
                    decision,
                    determining.iter().map(|s| s.to_string()).collect()
                ),
                "{principal} {caller} {with_identity}"
            );
        }
    }

    /// A statement with errors in it is neither a match nor a non-match: an Allow with a
    /// misspelt or malformed `Condition` never grants, a Deny with a malformed part is
    /// never ignored, and an invalid `Version` leaves every statement unread.
    #[test]
    fn statements_with_errors_fail_closed() {
        let req = Request::new(
            crate::Caller::Anonymous,
            "s3:GetObject",
            "arn:aws:s3:::b/x",
            Context::new(),
        );
        let allow = r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#;
        let decide_text = |version: &str, statements: &str| {
            let text = format!(r#"{{"Version": "{version}", "Statement": [{statements}]}}"#);
            let out = parse_policy(&text);
            assert!(out
                .diagnostics
                .iter()
                .any(|d| d.severity == crate::diagnostic::Severity::Error));
            let policy = out.policy.expect("a policy");
            let ev = evaluate(&policy, &req);
            assert_eq!(decide(&policy, &req), (ev.decision, ev.certain));
            assert!(!ev.certain, "{statements}");
            ev
        };
        for broken in [
            r#""Condtion": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#,
            r#""Condition": {"IpAddress": "10.0.0.0/8"}"#,
            r#""Condition": {"NotIpAddress": {"aws:SourceIp": []}}"#,
            r#""Effect": "Deny""#,
        ] {
            let st = allow.replace(
                r#""Effect": "Allow","#,
                &format!(r#""Effect": "Allow", {broken},"#),
            );
            let ev = decide_text("2012-10-17", &st);
            assert_ne!(ev.decision, Decision::Allow, "{st}");
            let t = &ev.statements[0];
            assert_eq!(t.applies, Outcome::NotEvaluable);
            assert!(t.conditions.iter().any(|c| c.reason.contains("has errors")));
        }
        // A Deny whose CIDR or `NotResource` cannot be read still counts, uncertainly.
        for deny in [
            r#"{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*", "Condition": {"IpAddress": {"aws:SourceIp": "8.8.8.0/33"}}}"#,
            r#"{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "NotResource": "b/secret/*"}"#,
        ] {
            let ev = decide_text("2012-10-17", &format!("{allow}, {deny}"));
            assert_eq!(ev.decision, Decision::ExplicitDeny, "{deny}");
        }
        let ev = decide_text(
            "2012-10-18",
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}"}"#,
        );
        assert_ne!(ev.decision, Decision::Allow);
    }

    /// The policy `text` evaluated for an anonymous `s3:GetObject` on `arn:aws:s3:::b/x`.
    fn anonymous_get(text: &str) -> Evaluation {
        let policy = parse_policy(text).policy.expect("a policy");
        let req = Request::new(
            Caller::Anonymous,
            "s3:GetObject",
            "arn:aws:s3:::b/x",
            Context::new(),
        );
        evaluate(&policy, &req)
    }

    /// The trace names the principal value that cannot be evaluated, in `Principal` and
    /// in `NotPrincipal`.
    #[test]
    fn an_invalid_principal_is_named_in_the_trace() {
        let reason = |principal: &str| {
            let text = format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", {principal}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}]}}"#
            );
            let ev = anonymous_get(&text);
            let st = ev.statements.first().expect("one statement");
            (st.principal.result, st.principal.reason.clone())
        };
        assert_eq!(
            reason(r#""Principal": {"AWS": ["111122223333", "bob"]}"#),
            (
                Outcome::NotEvaluable,
                "principal value `bob` cannot be evaluated (AWS would reject it)".to_string()
            )
        );
        assert_eq!(
            reason(r#""NotPrincipal": {"AWS": "arn:aws:iam:111122223333:root"}"#),
            (
                Outcome::NotEvaluable,
                "NotPrincipal lists `arn:aws:iam:111122223333:root`, a value that cannot be evaluated (AWS would reject it)".to_string()
            )
        );
    }

    /// A canonical user ID may be the caller's own account's: the trace says that it
    /// was read as another account's.
    #[test]
    fn a_canonical_user_is_read_as_another_account_and_the_trace_says_so() {
        let canonical = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be";
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Deny", "Principal": {{"CanonicalUser": "{canonical}"}}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}]}}"#
        );
        let policy = parse_policy(&text).policy.expect("a policy");
        let reason = |caller: Caller| {
            let req = Request::new(caller, "s3:GetObject", "arn:aws:s3:::b/x", Context::new());
            let ev = evaluate(&policy, &req);
            let st = ev.statements.first().expect("one statement");
            (st.principal.result, st.principal.reason.clone())
        };
        let (result, why) =
            reason(Caller::parse("arn:aws:iam::111122223333:user/alice").expect("caller"));
        assert_eq!(result, Outcome::NotMatched);
        assert!(why.contains("read as another account's"), "{why}");
        // Anonymous callers have no account: nothing to say.
        let (_, why) = reason(Caller::Anonymous);
        assert!(!why.contains("canonical"), "{why}");
    }

    /// The trace of `ForAnyValue` on an absent key mentions `IfExists` only when the
    /// operator has it.
    #[test]
    fn for_any_value_on_an_absent_key_mentions_if_exists_only_with_it() {
        for (op, note) in [
            ("ForAnyValue:StringLike", false),
            ("ForAnyValue:StringLikeIfExists", true),
        ] {
            let text = format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {{"{op}": {{"aws:TagKeys": "secret*"}}}}}}]}}"#
            );
            let ev = anonymous_get(&text);
            let reason = &ev.statements[0].conditions[0].reason;
            assert!(
                reason.contains("ForAnyValue is false for an absent key"),
                "{reason}"
            );
            assert_eq!(reason.contains("IfExists"), note, "{reason}");
        }
    }
}
