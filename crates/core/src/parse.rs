//! Lowering the JSON tree into the policy model (spec §1), reporting every grammar
//! problem with the span of the offending key or value. Parsing never panics and
//! never stops at the first problem: it builds as much of the model as it can, and
//! marks what it could not build so the evaluator treats it as not evaluable.

use crate::condition::{
    compile_value, parse_operator, suggest_operator, CondValue, Condition, OperatorProblem,
};
use crate::diagnostic::{codes, Diagnostic};
use crate::json::{self, Json, JsonKind, Member};
use crate::model::*;
use crate::pattern::{ArnPattern, Pattern, Syntax};
use crate::request::is_account_id;
use crate::source::{Span, Spanned};
use crate::text::StrFind;
use std::borrow::Cow;

/// The outcome of reading a policy: the model (absent only when the text is not
/// JSON or not an object) and every diagnostic found.
#[derive(Debug)]
pub struct ParseOutput {
    pub policy: Option<Policy>,
    pub diagnostics: Vec<Diagnostic>,
}

impl ParseOutput {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == crate::Severity::Error)
    }
}

/// Parse a bucket policy from text.
pub fn parse_policy(text: &str) -> ParseOutput {
    parse_policy_as(text, PolicyKind::Resource)
}

/// Parse a policy of the given kind from text.
pub fn parse_policy_as(text: &str, kind: PolicyKind) -> ParseOutput {
    json::with_arena(text.len(), |arena| parse_policy_tree(text, arena, kind).1)
}

/// [`parse_policy_as`], also returning the JSON tree (`None` when the text is not JSON),
/// allocated in `arena`, for callers that locate findings by JSON pointer.
pub fn parse_policy_tree<'a>(
    text: &'a str,
    arena: &'a json::Arena,
    kind: PolicyKind,
) -> (Option<Json<'a>>, ParseOutput) {
    let parsed = json::parse(text, arena);
    let mut diagnostics = parsed.diagnostics;
    let policy = parsed.value.as_ref().and_then(|root| {
        let (p, d) = parse_json_policy(root, kind);
        diagnostics.extend(d);
        p
    });
    crate::collections::sort_by_key(&mut diagnostics, |d| d.primary_span());
    let mut policy = policy;
    if let Some(p) = policy.as_mut() {
        mark_invalid(p, &diagnostics);
    }
    (
        parsed.value,
        ParseOutput {
            policy,
            diagnostics,
        },
    )
}

/// Marks invalid every statement an error lies in (a misspelt `Condtion`, a malformed
/// `Condition`, `NotResource` or CIDR, a duplicate `Effect`), and every statement when
/// the `Version` is invalid (it decides what `${…}` means): what was read of them may not
/// be what the author meant, so the evaluator neither lets them grant nor ignores them
/// as Denys (failing closed).
fn mark_invalid(policy: &mut Policy, diagnostics: &[Diagnostic]) {
    // Both in text order (the diagnostics sorted by where they start): the statements
    // ending before an error starts are passed once for all, not per error.
    let mut next = 0;
    for d in diagnostics
        .iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
    {
        let at = d.primary_span();
        let everywhere = d.code == codes::INVALID_VERSION.code;
        while policy
            .statements
            .get(next)
            .is_some_and(|st| st.span.end <= at.start)
        {
            next += 1;
        }
        // The statement `next` only (skipping is no walk over a slice), or all of them.
        for st in policy
            .statements
            .iter_mut()
            .skip(if everywhere { 0 } else { next })
        {
            let inside = st.span.start <= at.start && at.end <= st.span.end;
            if !everywhere && !inside {
                break;
            }
            st.invalid = true;
        }
    }
}

/// Parse raw bytes (checks UTF-8 first).
pub fn parse_policy_bytes(bytes: &[u8], kind: PolicyKind) -> ParseOutput {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse_policy_as(text, kind),
        Err(_) => match json::parse_bytes(bytes, &json::Arena::new()) {
            Err(d) => ParseOutput {
                policy: None,
                diagnostics: vec![*d],
            },
            Ok((text, _)) => parse_policy_as(text, kind),
        },
    }
}

/// Lower an already parsed JSON value into a policy.
pub fn parse_json_policy(root: &Json, kind: PolicyKind) -> (Option<Policy>, Vec<Diagnostic>) {
    let mut cx = Lower {
        diags: Vec::new(),
        kind,
        variables: false,
    };
    let policy = cx.policy(root);
    (policy, cx.diags)
}

struct Lower {
    diags: Vec<Diagnostic>,
    kind: PolicyKind,
    variables: bool,
}

const TOP_KEYS: &[&str] = &["Version", "Id", "Statement"];
const VERSION: usize = 0;
const ID: usize = 1;
const STATEMENT: usize = 2;

const STATEMENT_KEYS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];
const SID: usize = 0;
const EFFECT: usize = 1;
const PRINCIPAL: usize = 2;
const NOT_PRINCIPAL: usize = 3;
const ACTION: usize = 4;
const NOT_ACTION: usize = 5;
const RESOURCE: usize = 6;
const NOT_RESOURCE: usize = 7;
const CONDITION: usize = 8;

const PRINCIPAL_KEYS: &[&str] = &["AWS", "Service", "Federated", "CanonicalUser"];

/// The index in [`TOP_KEYS`] of a name spelled exactly so (a `match` on constant
/// strings compiles to length tests and inline compares, no `memcmp` call).
fn top_key(key: &str) -> Option<usize> {
    match key {
        "Version" => Some(VERSION),
        "Id" => Some(ID),
        "Statement" => Some(STATEMENT),
        _ => None,
    }
}

/// The index in [`STATEMENT_KEYS`] of a name spelled exactly so.
fn statement_key(key: &str) -> Option<usize> {
    match key {
        "Sid" => Some(SID),
        "Effect" => Some(EFFECT),
        "Principal" => Some(PRINCIPAL),
        "NotPrincipal" => Some(NOT_PRINCIPAL),
        "Action" => Some(ACTION),
        "NotAction" => Some(NOT_ACTION),
        "Resource" => Some(RESOURCE),
        "NotResource" => Some(NOT_RESOURCE),
        "Condition" => Some(CONDITION),
        _ => None,
    }
}

/// The index in [`PRINCIPAL_KEYS`] of a name spelled exactly so.
fn principal_key(key: &str) -> Option<usize> {
    match key {
        "AWS" => Some(0),
        "Service" => Some(1),
        "Federated" => Some(2),
        "CanonicalUser" => Some(3),
        _ => None,
    }
}

/// The most names a grammar list has (`STATEMENT_KEYS`).
const MAX_KNOWN: usize = 9;

/// A member whose key is known case-insensitively: `canonical` is the grammar's
/// spelling, `idx` its index in the grammar's list.
#[derive(Clone, Copy)]
struct Known<'a> {
    idx: usize,
    canonical: &'static str,
    member: &'a Member<'a>,
}

/// The known members of an object, at most one per name: by name, and their order in
/// the text. Small fixed arrays (a grammar list has at most [`MAX_KNOWN`] names): no
/// allocation.
struct KnownSet<'a> {
    names: &'static [&'static str],
    by_idx: [Option<&'a Member<'a>>; MAX_KNOWN],
    /// The names' indices in text order (the first `len`).
    order: [u8; MAX_KNOWN],
    len: usize,
}

impl<'a> KnownSet<'a> {
    fn known(&self, idx: usize) -> Option<Known<'a>> {
        let member = self.by_idx.get(idx).copied().flatten()?;
        Some(Known {
            idx,
            canonical: self.names.get(idx).copied().unwrap_or(""),
            member,
        })
    }

    /// In text order.
    fn iter(&self) -> impl Iterator<Item = Known<'a>> + '_ {
        self.order
            .iter()
            .take(self.len)
            .filter_map(|&i| self.known(usize::from(i)))
    }

    fn len(&self) -> usize {
        self.len
    }

    /// The member for the name of index `idx` in the grammar's list.
    fn get(&self, idx: usize) -> Option<Known<'a>> {
        self.known(idx)
    }

    fn has(&self, idx: usize) -> bool {
        self.by_idx.get(idx).is_some_and(Option::is_some)
    }
}

impl Lower {
    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Sort the members of an object into known elements (reporting unknown and
    /// mis-cased names, and ignoring later duplicates, which the JSON parser reported).
    /// `exact` finds a name spelled as the grammar spells it (the usual case).
    fn known_members<'a>(
        &mut self,
        members: &'a [Member],
        known: &'static [&'static str],
        exact: fn(&str) -> Option<usize>,
        context: &str,
    ) -> KnownSet<'a> {
        let mut out = KnownSet {
            names: known,
            by_idx: [None; MAX_KNOWN],
            order: [0; MAX_KNOWN],
            len: 0,
        };
        for m in members {
            // Exact spelling first (the usual case), then any case.
            let idx =
                exact(m.key).or_else(|| known.iter().position(|k| k.eq_ignore_ascii_case(m.key)));
            let found = idx.and_then(|i| known.get(i).map(|c| (i, *c)));
            match found {
                Some((idx, c)) => {
                    if c != m.key {
                        self.push(
                            Diagnostic::new(
                                &codes::UNKNOWN_ELEMENT,
                                m.key_span,
                                format!(
                                    "element name `{}` is mis-cased: the grammar spells it `{c}`",
                                    m.key
                                ),
                            )
                            .with_label("mis-cased element name")
                            .with_help(format!(
                                "write `{c}`; AWS rejects element names in any other case"
                            )),
                        );
                    }
                    if let Some(first) = out.get(idx) {
                        // Either an exact duplicate (already PC002) or a second spelling.
                        // An exact repeat was already reported by the JSON parser (PC002);
                        // a second spelling (`Effect` and `effect`) was not.
                        if first.member.key != m.key {
                            let first = first.member.key_span;
                            let d = Diagnostic::new(
                                &codes::DUPLICATE_KEY,
                                m.key_span,
                                format!("`{c}` is given twice in one {context} (as `{}`)", m.key),
                            )
                            .with_label("and again here, spelled differently")
                            .with_help("keep one of them; tools disagree on which copy wins, and S3 rejects the policy")
                            .and_label(first, "first written here");
                            self.push(d);
                        }
                        continue;
                    }
                    if let (Some(o), Some(b)) =
                        (out.order.get_mut(out.len), out.by_idx.get_mut(idx))
                    {
                        *o = idx as u8;
                        *b = Some(m);
                        out.len += 1;
                    }
                }
                None => {
                    let suggestion = known
                        .iter()
                        .map(|k| {
                            (
                                crate::values::edit_distance(
                                    &m.key.to_ascii_lowercase(),
                                    &k.to_ascii_lowercase(),
                                    2,
                                ),
                                k,
                            )
                        })
                        .filter(|(d, _)| *d <= 2)
                        .min_by_key(|(d, _)| *d)
                        .map(|(_, k)| *k);
                    let mut d = Diagnostic::new(
                        &codes::UNKNOWN_ELEMENT,
                        m.key_span,
                        format!("unknown element `{}` in {context}", m.key),
                    )
                    .with_label("not part of the policy grammar");
                    d = match suggestion {
                        Some(s) => d.with_help(format!(
                            "did you mean `{s}`? A {context} may contain {}",
                            list(known)
                        )),
                        None => d.with_help(format!(
                            "a {context} may contain {}; AWS rejects anything else",
                            list(known)
                        )),
                    };
                    self.push(d);
                }
            }
        }
        out
    }

    fn wrong_type(&mut self, v: &Json, what: &str, expected: &str) {
        // An element name goes in backticks; a phrase ("each statement") does not.
        let subject = if what.has_byte(b' ') || what.has_byte(b'`') {
            what.to_string()
        } else {
            format!("`{what}`")
        };
        // A long object or array is underlined at its opening bracket, not as a whole block.
        let span = match v.kind {
            JsonKind::Object(_) | JsonKind::Array(_) if v.span.len() > 80 => {
                Span::new(v.span.start, v.span.start + 1)
            }
            _ => v.span,
        };
        self.push(
            Diagnostic::new(
                &codes::WRONG_TYPE,
                span,
                format!("{subject} must be {expected}, found {}", v.type_name()),
            )
            .with_label(format!("expected {expected}"))
            .with_help(format!(
                "write {expected} here; `policycheck explain PC004` shows the shape of each element"
            )),
        );
    }

    fn policy(&mut self, root: &Json) -> Option<Policy> {
        let Some(members) = root.as_object() else {
            self.wrong_type(root, "the policy document", "a JSON object");
            return None;
        };
        let known = self.known_members(members, TOP_KEYS, top_key, "policy document");
        let mut version = None;
        let mut id = None;
        let mut statements = Vec::new();
        let mut statement_key_span = None;
        // Version first: it decides whether `${...}` is a variable.
        if let Some(k) = known.get(VERSION) {
            let v = &k.member.value;
            match v.as_str() {
                Some("2012-10-17") => version = Some(Spanned::new(Version::V2012_10_17, v.span)),
                Some("2008-10-17") => version = Some(Spanned::new(Version::V2008_10_17, v.span)),
                Some(other) => self.push(
                    Diagnostic::new(
                        &codes::INVALID_VERSION,
                        v.span,
                        format!("`{other}` is not a policy language version"),
                    )
                    .with_label("unknown version")
                    .with_help(
                        "use \"2012-10-17\" (the current version; needed for policy variables)",
                    ),
                ),
                None => self.wrong_type(v, "Version", "a string"),
            }
        }
        self.variables = matches!(
            version.as_ref().map(|v: &Spanned<Version>| v.value),
            Some(Version::V2012_10_17)
        );
        for k in known.iter() {
            let v = &k.member.value;
            match k.idx {
                ID => {
                    if self.kind == PolicyKind::Identity {
                        self.push(
                            Diagnostic::new(
                                &codes::ELEMENT_NOT_ALLOWED,
                                k.member.key_span,
                                "`Id` is not allowed in an identity policy",
                            )
                            .with_help("remove `Id`; it is only allowed in resource policies"),
                        );
                    }
                    match v.as_str() {
                        Some(s) => id = Some(Spanned::new(s.to_string(), v.span)),
                        None => self.wrong_type(v, "Id", "a string"),
                    }
                }
                STATEMENT => {
                    statement_key_span = Some(k.member.key_span);
                    match v.kind {
                        JsonKind::Object(_) => statements.push(self.statement(v, 0)),
                        JsonKind::Array(items) => {
                            if items.is_empty() {
                                self.push(
                                    Diagnostic::new(&codes::EMPTY_VALUE, v.span, "`Statement` is an empty list")
                        .with_label("empty")
                                        .with_label("no statements")
                                        .with_help("a policy needs at least one statement; S3 rejects an empty one"),
                                );
                            }
                            statements.reserve(items.len());
                            for (i, it) in items.iter().enumerate() {
                                if it.as_object().is_some() {
                                    statements.push(self.statement(it, i));
                                } else {
                                    self.wrong_type(it, "each statement", "a JSON object");
                                    statements.push(broken_statement(i, it.span));
                                }
                            }
                        }
                        _ => self.wrong_type(v, "Statement", "an object or an array of objects"),
                    }
                }
                _ => {}
            }
        }
        if statement_key_span.is_none() {
            self.push(
                Diagnostic::new(
                    &codes::MISSING_ELEMENT,
                    Span::new(root.span.start, root.span.start + 1),
                    "the policy has no `Statement`",
                )
                .with_label("policy document starts here")
                .with_help("add \"Statement\": [ … ] with at least one statement"),
            );
        }
        Some(Policy {
            kind: self.kind,
            version,
            id,
            statements,
            span: root.span,
            statement_key_span,
        })
    }

    fn statement(&mut self, v: &Json, index: usize) -> Statement {
        let members = v.as_object().unwrap_or(&[]);
        let known = self.known_members(members, STATEMENT_KEYS, statement_key, "statement");
        let mut st = empty_statement(index, v.span);
        let head = Span::new(v.span.start, v.span.start + 1);

        // Mutually exclusive pairs.
        for (ia, ib) in [
            (PRINCIPAL, NOT_PRINCIPAL),
            (ACTION, NOT_ACTION),
            (RESOURCE, NOT_RESOURCE),
        ] {
            if let (Some(ka), Some(kb)) = (known.get(ia), known.get(ib)) {
                let (a, b) = (ka.canonical, kb.canonical);
                self.push(
                    Diagnostic::new(
                        &codes::CONFLICTING_ELEMENTS,
                        kb.member.key_span,
                        format!("a statement may have `{a}` or `{b}`, not both"),
                    )
                    .with_label(format!("`{b}` here"))
                    .and_label(ka.member.key_span, format!("`{a}` here"))
                    .with_help(format!("keep one of `{a}` and `{b}`")),
                );
                st.broken.push(if a == "Principal" {
                    "Principal"
                } else if a == "Action" {
                    "Action"
                } else {
                    "Resource"
                });
            }
        }

        for k in known.iter() {
            let m = k.member;
            let val = &m.value;
            match k.idx {
                SID => match val.as_str() {
                    Some(s) => st.sid = Some(Spanned::new(s.to_string(), val.span)),
                    None => self.wrong_type(val, "Sid", "a string"),
                },
                EFFECT => match val.as_str() {
                    Some("Allow") => st.effect = Some(Spanned::new(Effect::Allow, val.span)),
                    Some("Deny") => st.effect = Some(Spanned::new(Effect::Deny, val.span)),
                    Some(other) => {
                        let fix = if other.eq_ignore_ascii_case("allow") {
                            Some(Effect::Allow)
                        } else if other.eq_ignore_ascii_case("deny") {
                            Some(Effect::Deny)
                        } else {
                            None
                        };
                        let mut d = Diagnostic::new(
                            &codes::INVALID_EFFECT,
                            val.span,
                            format!("`Effect` must be exactly `Allow` or `Deny`, found `{other}`"),
                        )
                        .with_label("invalid effect");
                        d = match fix {
                            Some(e) => {
                                d.with_help(format!("write `{e}`: the value is case-sensitive"))
                            }
                            None => d.with_help("use \"Allow\" or \"Deny\""),
                        };
                        self.push(d);
                        // Evaluate a mis-cased effect as meant, so the simulator can still explain;
                        // the error above makes the policy invalid regardless.
                        st.effect = fix.map(|e| Spanned::new(e, val.span));
                    }
                    None => self.wrong_type(val, "Effect", "the string \"Allow\" or \"Deny\""),
                },
                PRINCIPAL | NOT_PRINCIPAL => {
                    if self.kind == PolicyKind::Identity {
                        self.push(
                            Diagnostic::new(&codes::ELEMENT_NOT_ALLOWED, m.key_span, format!("`{}` is not allowed in an identity policy", k.canonical))
                                .with_help("identity policies apply to the identity they are attached to; remove the element"),
                        );
                        continue;
                    }
                    if st.principal.is_none() {
                        st.principal = self.principal(m, k.idx == NOT_PRINCIPAL);
                    }
                }
                ACTION | NOT_ACTION if st.action.is_none() => {
                    st.action = self.actions(m, k.idx == NOT_ACTION);
                }
                RESOURCE | NOT_RESOURCE if st.resource.is_none() => {
                    st.resource = self.resources(m, k.idx == NOT_RESOURCE);
                }
                CONDITION => st.condition = self.condition(m),
                _ => {}
            }
        }
        // `Effect` given twice (PC002) as `Allow` and `Deny`: the Deny is kept, so the
        // statement (invalid, not evaluable) may deny and never grants: an evaluation
        // fails closed whichever copy was meant.
        if st.effect.as_ref().is_some_and(|e| e.value == Effect::Allow) {
            if let Some(deny) = members
                .iter()
                .find(|m| m.key.eq_ignore_ascii_case("Effect") && m.value.as_str() == Some("Deny"))
            {
                st.effect = Some(Spanned::new(Effect::Deny, deny.value.span));
            }
        }

        if !known.has(EFFECT) {
            self.push(
                Diagnostic::new(
                    &codes::MISSING_ELEMENT,
                    head,
                    format!("statement `{}` has no `Effect`", st.id()),
                )
                .with_label("statement starts here")
                .with_help("add \"Effect\": \"Allow\" or \"Effect\": \"Deny\""),
            );
        }
        if st.effect.is_none() {
            st.broken.push("Effect");
        }
        if !known.has(ACTION) && !known.has(NOT_ACTION) {
            self.push(
                Diagnostic::new(
                    &codes::MISSING_ELEMENT,
                    head,
                    format!("statement `{}` has no `Action` or `NotAction`", st.id()),
                )
                .with_label("statement starts here")
                .with_help("add \"Action\": [ … ] naming the S3 actions this statement covers"),
            );
            st.broken.push("Action");
        }
        if !known.has(RESOURCE) && !known.has(NOT_RESOURCE) {
            self.push(
                Diagnostic::new(&codes::MISSING_ELEMENT, head, format!("statement `{}` has no `Resource` or `NotResource`", st.id()))
                    .with_label("statement starts here")
                    .with_help("add \"Resource\": \"arn:aws:s3:::BUCKET/*\" (objects) and/or \"arn:aws:s3:::BUCKET\" (the bucket)"),
            );
            st.broken.push("Resource");
        }
        if self.kind == PolicyKind::Resource && !known.has(PRINCIPAL) && !known.has(NOT_PRINCIPAL) {
            self.push(
                Diagnostic::new(&codes::MISSING_ELEMENT, head, format!("statement `{}` has no `Principal`", st.id()))
                    .with_label("statement starts here")
                    .with_help("a bucket policy statement must say who it applies to: add \"Principal\": {\"AWS\": \"arn:aws:iam::ACCOUNT:role/NAME\"}"),
            );
            st.broken.push("Principal");
        }
        if st.action.is_none() && !st.broken.contains(&"Action") {
            st.broken.push("Action");
        }
        if st.resource.is_none() && !st.broken.contains(&"Resource") {
            st.broken.push("Resource");
        }
        if self.kind == PolicyKind::Resource
            && st.principal.is_none()
            && !st.broken.contains(&"Principal")
        {
            st.broken.push("Principal");
        }
        st
    }

    /// Read a string-or-array-of-strings element. Returns its values (one for a
    /// string), every one a JSON string, for the caller to copy straight into the model.
    /// `what` names the element in messages (`Principal.AWS`; built only for one).
    fn strings<'j, 't>(
        &mut self,
        m: &'j Member<'t>,
        what: &dyn Fn() -> String,
    ) -> Option<&'j [Json<'t>]> {
        match m.value.kind {
            JsonKind::String(_) => Some(std::slice::from_ref(&m.value)),
            JsonKind::Array(items) => {
                if items.is_empty() {
                    self.push(
                        Diagnostic::new(&codes::EMPTY_VALUE, m.value.span, format!("`{}` is an empty list", what()))
                        .with_label("empty")
                            .with_help("give at least one value; an empty list matches nothing and AWS rejects it"),
                    );
                    return None;
                }
                let mut ok = true;
                for it in items {
                    if it.as_str().is_none() {
                        self.wrong_type(it, &what(), "a string");
                        ok = false;
                    }
                }
                ok.then_some(items)
            }
            _ => {
                self.wrong_type(&m.value, &what(), "a string or an array of strings");
                None
            }
        }
    }

    fn principal(&mut self, m: &Member, negated: bool) -> Option<PrincipalElement> {
        let what = if negated { "NotPrincipal" } else { "Principal" };
        let value = match m.value.kind {
            JsonKind::String("*") => PrincipalValue::Anyone,
            JsonKind::String(s) => {
                self.push(
                    Diagnostic::new(&codes::INVALID_PRINCIPAL, m.value.span, format!("`{what}` must be \"*\" or an object such as {{\"AWS\": …}}, found the string `{s}`"))
                        .with_label("not a principal")
                        .with_help(format!("write {{\"AWS\": \"{s}\"}} (or \"Service\" for a service principal)")),
                );
                return None;
            }
            JsonKind::Object(members) => {
                if members.is_empty() {
                    self.push(
                        Diagnostic::new(
                            &codes::EMPTY_VALUE,
                            m.value.span,
                            format!("`{what}` is an empty object"),
                        )
                        .with_label("empty")
                        .with_help("name at least one principal"),
                    );
                    return None;
                }
                let known = self.known_members(members, PRINCIPAL_KEYS, principal_key, "principal");
                let mut entries = Vec::new();
                let mut ok = known.len() == members.len();
                for k in known.iter() {
                    let ty = match k.idx {
                        0 => PrincipalType::Aws,
                        1 => PrincipalType::Service,
                        2 => PrincipalType::Federated,
                        _ => PrincipalType::CanonicalUser,
                    };
                    let Some(values) =
                        self.strings(k.member, &|| format!("{what}.{}", k.canonical))
                    else {
                        ok = false;
                        continue;
                    };
                    entries.reserve(values.len());
                    for it in values {
                        let text =
                            Spanned::new(it.as_str().unwrap_or_default().to_string(), it.span);
                        let id = self.principal_id(ty, &text);
                        if id == PrincipalId::Invalid {
                            ok = false;
                        }
                        entries.push(PrincipalEntry { ty, text, id });
                    }
                }
                if !ok && entries.is_empty() {
                    return None;
                }
                PrincipalValue::Map(entries)
            }
            _ => {
                self.wrong_type(&m.value, what, "\"*\" or an object");
                return None;
            }
        };
        Some(PrincipalElement {
            negated,
            key_span: m.key_span,
            value,
            span: m.value.span,
        })
    }

    fn principal_id(&mut self, ty: PrincipalType, text: &Spanned<String>) -> PrincipalId {
        let s = text.value.as_str();
        let invalid = |this: &mut Self, msg: String, help: &str| {
            this.push(
                Diagnostic::new(&codes::INVALID_PRINCIPAL, text.span, msg)
                    .with_label("invalid principal")
                    .with_help(help.to_string()),
            );
            PrincipalId::Invalid
        };
        match ty {
            PrincipalType::Aws => {
                if s == "*" {
                    return PrincipalId::AnyAws;
                }
                if has_wildcard(s) {
                    return invalid(
                        self,
                        format!("`{s}` has a wildcard inside a principal; only the whole value \"*\" may be a wildcard"),
                        "to match many principals use \"Principal\": \"*\" with a condition on `aws:PrincipalArn` (ArnLike) or `aws:PrincipalOrgID`",
                    );
                }
                if is_account_id(s) {
                    return PrincipalId::Account {
                        account: s.to_string(),
                        partition: None,
                    };
                }
                if looks_like_unique_id(s) {
                    return PrincipalId::UniqueId(s.to_string());
                }
                if has_var_open(s) {
                    // Spec §4: never substituted in a principal. Read as written it
                    // names nobody, so a Deny would silently not apply: not evaluable.
                    return invalid(
                        self,
                        format!("`{s}` holds a policy variable, which a principal never substitutes"),
                        "name the principals themselves, or use \"Principal\": \"*\" with a condition on `aws:PrincipalArn` (ArnLike), whose values may hold variables",
                    );
                }
                match parse_principal_arn(s) {
                    Some(id) => id,
                    // A legacy origin access identity: the same principal as its canonical
                    // user id (S3 may store either), which no other caller has.
                    None if is_cloudfront_oai(s) => PrincipalId::Canonical(s.to_string()),
                    None => invalid(
                        self,
                        format!("`{s}` is not an AWS account id or IAM/STS principal ARN"),
                        "use a 12-digit account id, `arn:aws:iam::ACCOUNT:root`, `…:user/NAME`, `…:role/NAME` or `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`; IAM names are 1 to 64 letters, digits and `+=,.@_-`",
                    ),
                }
            }
            PrincipalType::Service => {
                if has_wildcard(s) || s.is_empty() {
                    return invalid(
                        self,
                        format!("`{s}` is not a service principal name"),
                        "name one service, e.g. \"cloudfront.amazonaws.com\"",
                    );
                }
                PrincipalId::Service(s.to_string())
            }
            PrincipalType::Federated => {
                if s.is_empty() {
                    return invalid(
                        self,
                        "empty federated provider".into(),
                        "name the identity provider, e.g. \"accounts.google.com\"",
                    );
                }
                PrincipalId::Federated(s.to_string())
            }
            PrincipalType::CanonicalUser => {
                if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
                    PrincipalId::Canonical(s.to_ascii_lowercase())
                } else {
                    invalid(
                        self,
                        format!("`{s}` is not a canonical user id (64 hexadecimal characters)"),
                        "copy the canonical id from the S3 console or `aws s3api list-buckets`",
                    )
                }
            }
        }
    }

    fn actions(&mut self, m: &Member, negated: bool) -> Option<ActionElement> {
        let what = if negated { "NotAction" } else { "Action" };
        let values = self.strings(m, &|| what.to_string())?;
        let mut items = Vec::with_capacity(values.len());
        for it in values {
            let text = Spanned::new(it.as_str().unwrap_or_default().to_string(), it.span);
            let s = text.value.as_str();
            let ok = s == "*"
                || split_byte(s, b':').is_some_and(|(svc, name)| {
                    !svc.is_empty()
                        && !name.is_empty()
                        && svc.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                        && !name.bytes().any(|b| b == b':')
                });
            if !ok {
                self.push(
                    Diagnostic::new(
                        &codes::INVALID_ACTION,
                        text.span,
                        format!("`{s}` is not an action: expected `service:ActionName` or `*`"),
                    )
                    .with_label("not an action")
                    .with_help(
                        "S3 actions look like \"s3:GetObject\"; `s3:*` means every S3 action",
                    ),
                );
            }
            let pattern = Pattern::from_string(
                s.to_ascii_lowercase(),
                Syntax {
                    wildcards: true,
                    variables: false,
                },
            );
            items.push(ActionItem { text, pattern });
        }
        Some(ActionElement {
            negated,
            key_span: m.key_span,
            items,
            span: m.value.span,
        })
    }

    fn resources(&mut self, m: &Member, negated: bool) -> Option<ResourceElement> {
        let what = if negated { "NotResource" } else { "Resource" };
        let values = self.strings(m, &|| what.to_string())?;
        let mut items = Vec::with_capacity(values.len());
        for it in values {
            let text = Spanned::new(it.as_str().unwrap_or_default().to_string(), it.span);
            let s = text.value.as_str();
            if s != "*" {
                self.check_resource(&text);
            }
            let pattern = ArnPattern::new(
                s,
                Syntax {
                    wildcards: true,
                    variables: self.variables,
                },
            );
            items.push(ResourceItem { text, pattern });
        }
        Some(ResourceElement {
            negated,
            key_span: m.key_span,
            items,
            span: m.value.span,
        })
    }

    fn check_resource(&mut self, text: &Spanned<String>) {
        let s = text.value.as_str();
        let (parts, n) = crate::catalog::split_arn(s);
        let parts = parts.get(..n).unwrap_or(&[]);
        let bad = |this: &mut Self, msg: String, help: &str| {
            this.push(
                Diagnostic::new(&codes::INVALID_RESOURCE, text.span, msg)
                    .with_label("invalid resource")
                    .with_help(help.to_string()),
            );
        };
        if self.kind == PolicyKind::Resource {
            if let Some(msg) = s3_arn_shape(s, parts) {
                let fixed = format!(
                    "arn:{}:s3:::{}",
                    parts.get(1).copied().unwrap_or("aws"),
                    parts.last().copied().unwrap_or("").trim_start_matches('/')
                );
                bad(
                    self,
                    format!("`{s}` {msg}"),
                    &format!("S3 bucket and object ARNs are `arn:aws:s3:::BUCKET` and `arn:aws:s3:::BUCKET/KEY`, with an empty Region and account; S3 refuses this policy (\"Policy has invalid resource\"). Did you mean `{fixed}`?"),
                );
                return;
            }
        }
        if parts.first() != Some(&"arn") || (parts.len() < 6 && !s.ends_with('*')) {
            bad(
                self,
                format!("`{s}` is not an ARN"),
                "S3 resources look like \"arn:aws:s3:::BUCKET\" (the bucket) or \"arn:aws:s3:::BUCKET/*\" (its objects)",
            );
            return;
        }
        if parts.get(2).is_some_and(|svc| has_wildcard(svc)) {
            bad(
                self,
                format!("`{s}` has a wildcard in the service part of the ARN"),
                "name the service, e.g. `s3`",
            );
        }
        if self.variables && parts.iter().take(5).any(|p| has_var_open(p)) {
            bad(
                self,
                format!("`{s}` uses a policy variable before the resource part of the ARN"),
                "variables may appear only after the fifth `:` (in the bucket/key part)",
            );
        }
    }

    fn condition(&mut self, m: &Member) -> Option<ConditionBlock> {
        let Some(ops) = m.value.as_object() else {
            self.wrong_type(
                &m.value,
                "Condition",
                "an object of operator → {key → value}",
            );
            return None;
        };
        let mut conditions = Vec::new();
        // A repeated operator was reported by the JSON parser as a duplicate key (AWS
        // rejects it); both blocks are still evaluated (the stricter reading: both must hold).
        for opm in ops {
            let op = match parse_operator(opm.key) {
                Ok(op) => Some(op),
                Err(OperatorProblem::MisCased(op)) => {
                    self.push(
                        Diagnostic::new(
                            &codes::INVALID_CONDITION_OPERATOR,
                            opm.key_span,
                            format!("condition operator `{}` is mis-cased", opm.key),
                        )
                        .with_label("mis-cased operator")
                        .with_help(format!(
                            "write `{op}`; AWS rejects operators in any other case"
                        )),
                    );
                    Some(op)
                }
                Err(OperatorProblem::NullIfExists) => {
                    self.push(
                        Diagnostic::new(
                            &codes::NULL_IF_EXISTS,
                            opm.key_span,
                            "`IfExists` cannot be appended to `Null`",
                        )
                        .with_label("invalid operator")
                        .with_help("use `Null` alone: it already tests whether the key exists"),
                    );
                    None
                }
                Err(OperatorProblem::Unknown) => {
                    let mut d = Diagnostic::new(
                        &codes::INVALID_CONDITION_OPERATOR,
                        opm.key_span,
                        format!("unknown condition operator `{}`", opm.key),
                    )
                    .with_label("unknown operator");
                    d = match suggest_operator(opm.key) {
                        Some(s) => d.with_help(format!("did you mean `{s}`?")),
                        None => d.with_help("see the IAM condition operators: String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, NotIpAddress, Arn*, Null"),
                    };
                    self.push(d);
                    None
                }
            };
            let Some(keys) = opm.value.as_object() else {
                self.wrong_type(
                    &opm.value,
                    &format!("Condition.{}", opm.key),
                    "an object of condition key → value",
                );
                continue;
            };
            if keys.is_empty() {
                self.push(
                    Diagnostic::new(
                        &codes::EMPTY_VALUE,
                        opm.value.span,
                        format!("`{}` has no condition keys", opm.key),
                    )
                    .with_label("empty")
                    .with_help("name at least one condition key"),
                );
            }
            if conditions.capacity() == 0 {
                // Every operator's keys at once (one allocation for the usual block).
                conditions.reserve(
                    ops.iter()
                        .map(|o| o.value.as_object().map_or(0, <[_]>::len))
                        .sum(),
                );
            }
            // Names spelled as documented (the usual case) are borrowed, not copied.
            let operator: Cow<'static, str> = match op.and_then(|o| o.static_name(opm.key)) {
                Some(name) => Cow::Borrowed(name),
                None => Cow::Owned(opm.key.to_string()),
            };
            for km in keys {
                if has_var_open(km.key) {
                    // Spec §4: a key is never substituted. Read as written it names a
                    // key no request has, so a Deny would silently not apply.
                    self.push(
                        Diagnostic::new(
                            &codes::INVALID_CONDITION_KEY,
                            km.key_span,
                            format!("condition key `{}` holds a policy variable, which AWS never substitutes in a key", km.key),
                        )
                        .with_label("variable in a condition key")
                        .with_help("name the key itself (`aws:PrincipalTag/team`) and put the variable in the value: {\"StringEquals\": {\"aws:PrincipalTag/team\": \"${aws:username}\"}}"),
                    );
                }
                let values = self.condition_values(km, op);
                let (info, lc) = crate::catalog::condition_key_entry(km.key);
                let key: Cow<'static, str> = match info {
                    Some(i) if lc.is_some() && i.name == km.key => Cow::Borrowed(i.name),
                    _ => Cow::Owned(km.key.to_string()),
                };
                let key_lc: Cow<'static, str> = match lc {
                    Some(lc) => Cow::Borrowed(lc),
                    None => Cow::Owned(crate::condition::fold_key(km.key)),
                };
                conditions.push(Condition {
                    operator: Spanned::new(operator.clone(), opm.key_span),
                    op,
                    key: Spanned::new(key, km.key_span),
                    key_lc,
                    info,
                    values,
                    values_span: km.value.span,
                });
            }
        }
        Some(ConditionBlock {
            key_span: m.key_span,
            span: m.value.span,
            conditions,
        })
    }

    fn condition_values(
        &mut self,
        km: &Member,
        op: Option<crate::condition::Operator>,
    ) -> Vec<CondValue> {
        let scalar = |v: &Json| -> Option<String> {
            match v.kind {
                JsonKind::String(s) => Some(s.to_string()),
                JsonKind::Number(n) => Some(n.to_string()),
                JsonKind::Bool(b) => Some(b.to_string()),
                _ => None,
            }
        };
        let items: &[Json] = match km.value.kind {
            JsonKind::Array(items) => {
                if items.is_empty() {
                    self.push(
                        Diagnostic::new(
                            &codes::EMPTY_VALUE,
                            km.value.span,
                            format!("condition key `{}` has an empty list of values", km.key),
                        )
                        .with_label("empty")
                        .with_help("give at least one value; AWS rejects an empty list"),
                    );
                }
                items
            }
            _ => std::slice::from_ref(&km.value),
        };
        let mut out = Vec::with_capacity(items.len());
        for it in items {
            let Some(text) = scalar(it) else {
                if matches!(km.value.kind, JsonKind::Array(_)) {
                    self.wrong_type(
                        it,
                        &format!("a value of `{}`", km.key),
                        "a string, number or boolean",
                    );
                } else {
                    self.wrong_type(
                        &km.value,
                        &format!("the value of `{}`", km.key),
                        "a string, number, boolean, or an array of them",
                    );
                }
                continue;
            };
            let span = it.span;
            let compiled = compile_value(op, &text, self.variables);
            let value = CondValue {
                text: Spanned::new(text, span),
                compiled,
            };
            // `Bool` values are compared as text (a variable may stand in one), so an
            // unreadable one is found here: anything but `true`/`false`, in any case.
            let readable = value.is_valid()
                && !(op.is_some_and(|op| op.base.family() == crate::condition::Family::Bool)
                    && !value.has_vars()
                    && !crate::condition::is_bool_text(&value.text.value));
            if let (Some(op), false) = (op, readable) {
                let kind = match op.base.family() {
                    crate::condition::Family::Numeric => "a number",
                    crate::condition::Family::Date => {
                        "a date (ISO 8601 such as 2025-01-31T00:00:00Z, or epoch seconds)"
                    }
                    crate::condition::Family::Ip => "an IP address or CIDR range",
                    crate::condition::Family::Binary => "base64",
                    crate::condition::Family::Null | crate::condition::Family::Bool => {
                        "\"true\" or \"false\""
                    }
                    _ => "a valid value",
                };
                self.push(
                    Diagnostic::new(
                        &codes::INVALID_CONDITION_VALUE,
                        span,
                        format!(
                            "`{}` is not {kind}, as `{}` requires",
                            value.text.value,
                            op.base.name()
                        ),
                    )
                    .with_label("unreadable value")
                    .with_help(match op.base.family() {
                        crate::condition::Family::Date => "write `YYYY-MM-DD`, or a time with its zone (`2025-01-31T00:00:00Z`, `2025-01-31T09:00:00+09:00`: a capital `T`, and `Z` or `±hh:mm`), or epoch seconds as digits only; at evaluation this value never matches",
                        _ => "at evaluation this value never matches; fix the value or the operator",
                    }),
                );
            }
            out.push(value);
        }
        out
    }
}

fn broken_statement(index: usize, span: Span) -> Statement {
    Statement {
        broken: vec!["Effect", "Action", "Resource", "Principal"],
        ..empty_statement(index, span)
    }
}

/// A statement with nothing read yet and nothing marked broken (no allocation).
fn empty_statement(index: usize, span: Span) -> Statement {
    Statement {
        index,
        sid: None,
        effect: None,
        principal: None,
        action: None,
        resource: None,
        condition: None,
        span,
        broken: Vec::new(),
        invalid: false,
    }
}

fn list(known: &[&str]) -> String {
    known
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether `s` has a `*` or `?` (bytes: cheaper than a `char` pattern on short texts).
/// What is wrong with an `s3` ARN in a bucket policy that can match no bucket or object
/// (S3 refuses the policy), from its `:`-separated parts; `None` when nothing is, or
/// when it is another S3 resource type (an access point, a job: other rules' business).
fn s3_arn_shape(arn: &str, parts: &[&str]) -> Option<&'static str> {
    let ["arn", _, "s3", region, account, rest @ ..] = parts else {
        return None;
    };
    // A variable's own `:` splits the ARN elsewhere; the variable check speaks for it.
    if parts.iter().any(|p| has_var_open(p)) {
        return None;
    }
    // `arn:aws:s3::bucket/key`: one `:` short, so the bucket sits in the account: an
    // account holding a `/` (never part of one, wildcards or not), or any plain text
    // after an empty Region.
    let one_short = rest.is_empty()
        && !has_wildcard(region)
        && (account.has_byte(b'/')
            || region.is_empty() && !account.is_empty() && !has_wildcard(account));
    if one_short {
        return Some("has one `:` too few: the bucket name sits where the account goes");
    }
    if has_wildcard(region) || has_wildcard(account) {
        return None;
    }
    match rest {
        [_] if !region.is_empty() || !account.is_empty() => {
            crate::catalog::resource_type_of_arn(arn)
                .is_none()
                .then_some(
                    "names a Region or an account, which S3 bucket and object ARNs leave empty",
                )
        }
        [resource] if resource.starts_with('/') => {
            Some("starts the bucket name with `/`, which no bucket name has")
        }
        _ => None,
    }
}

fn has_wildcard(s: &str) -> bool {
    s.bytes().any(|b| b == b'*' || b == b'?')
}

/// `s.split_once(c)` for an ASCII `c`, as a byte loop (the texts are short: a searcher's
/// setup costs more than the search).
fn split_byte(s: &str, c: u8) -> Option<(&str, &str)> {
    let i = s.bytes().position(|b| b == c)?;
    Some((s.get(..i)?, s.get(i + 1..)?))
}

/// What follows the last `/` of `s` (all of it without one): `rsplit('/').next()`.
fn last_segment(s: &str) -> &str {
    s.bytes()
        .rposition(|b| b == b'/')
        .and_then(|i| s.get(i + 1..))
        .unwrap_or(s)
}

/// Whether `s` contains `${` (a byte loop: the parts of an ARN are short, and the
/// substring searcher's setup costs more than the search).
fn has_var_open(s: &str) -> bool {
    s.as_bytes().windows(2).any(|w| w == b"${")
}

/// `AIDA…`, `AROA…` and friends: what IAM shows for a deleted principal.
/// A CloudFront origin access identity as CloudFront's documentation writes it in a
/// bucket policy: `arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHAPOMQZL`.
fn is_cloudfront_oai(s: &str) -> bool {
    // Prefix tests only (no substring search): this runs for principals and rules.
    let id = s
        .strip_prefix("arn:")
        .and_then(|r| split_byte(r, b':'))
        .filter(|(partition, _)| !partition.is_empty())
        .and_then(|(_, r)| {
            r.strip_prefix("iam::cloudfront:user/CloudFront Origin Access Identity ")
        });
    id.is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn looks_like_unique_id(s: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "ASIA", "AKIA", "AGPA",
    ];
    s.len() >= 16
        && PREFIXES.iter().any(|p| s.starts_with(p))
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// An IAM name (user, role, role session, federated user): 1 to 64 of letters, digits
/// and `+=,.@_-`.
pub(crate) fn iam_name(n: &str) -> bool {
    (1..=64).contains(&n.len())
        && n.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
}

/// A role session or federated-user name: an [`iam_name`] of at least 2 characters.
pub(crate) fn iam_session_name(n: &str) -> bool {
    n.len() > 1 && iam_name(n)
}

/// `PATH/NAME` after `user/` or `role/`: path segments of printable ASCII other than a
/// space (IAM's path characters), then an [`iam_name`].
fn iam_path_name(rest: &str) -> bool {
    let name = last_segment(rest);
    let path = rest.get(..rest.len() - name.len()).unwrap_or("");
    iam_name(name) && path.bytes().all(|b| b.is_ascii_graphic())
}

/// Parse an IAM/STS principal ARN: the shapes of spec §2.3, with names IAM accepts (a
/// space, or a `${…}` left in a principal, names nobody).
pub fn parse_principal_arn(s: &str) -> Option<PrincipalId> {
    let [arn, partition, service, region, account, resource] = crate::catalog::arn_parts(s)?;
    if arn != "arn" || partition.is_empty() || !region.is_empty() || !is_account_id(account) {
        return None;
    }
    let account = account.to_string();
    match (service, split_byte(resource, b'/')) {
        // A root ARN of the `aws` partition is the bare account id (S3 stores the one as
        // the other in the bucket's partition, nearly always `aws`).
        ("iam", None) if resource == "root" => Some(PrincipalId::Account {
            account,
            partition: (partition != "aws").then(|| partition.to_string()),
        }),
        ("iam", Some(("user", rest))) if iam_path_name(rest) => Some(PrincipalId::User {
            account,
            arn: s.to_string(),
        }),
        ("iam", Some(("role", rest))) if iam_path_name(rest) => Some(PrincipalId::Role {
            account,
            name: last_segment(rest).to_string(),
            arn: s.to_string(),
        }),
        ("sts", Some(("assumed-role", rest))) => {
            let (role, session) = split_byte(rest, b'/')?;
            (iam_name(role) && iam_session_name(session)).then(|| PrincipalId::Session {
                account,
                role: role.to_string(),
                session: session.to_string(),
                arn: s.to_string(),
            })
        }
        ("sts", Some(("federated-user", name))) if iam_session_name(name) => {
            Some(PrincipalId::FederatedUser {
                account,
                arn: s.to_string(),
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cloudfront_origin_access_identity_is_a_principal() {
        let principal = |p: &str| {
            let text = format!(
                r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Principal": {{"AWS": "{p}"}}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}}}"#
            );
            let out = parse_policy(&text);
            let codes: Vec<&str> = out.diagnostics.iter().map(|d| d.code).collect();
            let policy = out.policy.unwrap();
            let id = match &policy.statements[0].principal.as_ref().unwrap().value {
                PrincipalValue::Map(entries) => entries[0].id.clone(),
                other => panic!("{other:?}"),
            };
            (id, codes)
        };
        let oai = "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity EH1HDMB1FH2TC";
        assert_eq!(principal(oai), (PrincipalId::Canonical(oai.into()), vec![]));
        // Only that spelling: anything else in the `cloudfront` pseudo-account is invalid.
        for bad in [
            "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ",
            "arn:aws:iam::cloudfront:user/cloudfront origin access identity EH1HDMB1FH2TC",
            "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E1 E2",
            "arn:aws:iam::cloudfront:role/CloudFront Origin Access Identity EH1HDMB1FH2TC",
        ] {
            assert_eq!(
                principal(bad),
                (PrincipalId::Invalid, vec!["PC009"]),
                "{bad}"
            );
        }
    }

    #[test]
    fn condition_names_are_borrowed_only_when_spelled_as_documented() {
        let text = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*",
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {
            "IpAddress": {"aws:SourceIp": "10.0.0.0/8", "AWS:SOURCEIP": "10.0.0.0/8"},
            "StringEqualsIfExists": {"aws:PrincipalTag/Team": "a", "x:Unknown": "b"},
            "stringequals": {"s3:prefix": "p"}}}}"#;
        let policy = parse_policy(text).policy.unwrap();
        let conds = &policy.statements[0].condition.as_ref().unwrap().conditions;
        let seen: Vec<_> = conds
            .iter()
            .map(|c| {
                (
                    &*c.operator.value,
                    matches!(c.operator.value, Cow::Borrowed(_)),
                    &*c.key.value,
                    matches!(c.key.value, Cow::Borrowed(_)),
                    &*c.key_lc,
                    c.info.map(|i| i.name),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                (
                    "IpAddress",
                    true,
                    "aws:SourceIp",
                    true,
                    "aws:sourceip",
                    Some("aws:SourceIp")
                ),
                // Mis-cased: the text as written is kept; the lookup name is the same.
                (
                    "IpAddress",
                    true,
                    "AWS:SOURCEIP",
                    false,
                    "aws:sourceip",
                    Some("aws:SourceIp")
                ),
                // An `IfExists` operator and a tag family are copied.
                (
                    "StringEqualsIfExists",
                    false,
                    "aws:PrincipalTag/Team",
                    false,
                    "aws:principaltag/team",
                    Some("aws:PrincipalTag/")
                ),
                (
                    "StringEqualsIfExists",
                    false,
                    "x:Unknown",
                    false,
                    "x:unknown",
                    None
                ),
                // A mis-cased operator keeps its spelling (and is reported).
                (
                    "stringequals",
                    false,
                    "s3:prefix",
                    true,
                    "s3:prefix",
                    Some("s3:prefix")
                ),
            ]
        );
    }

    fn codes_of(text: &str) -> Vec<&'static str> {
        parse_policy(text)
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn a_valid_policy_has_no_diagnostics() {
        let out = parse_policy(
            r#"{"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Allow", "Principal": {"AWS": ["111122223333", "arn:aws:iam::444455556666:role/x/R"]}, "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:SourceVpce": ["vpce-1", "vpce-2"]}, "NumericLessThan": {"s3:max-keys": 10}}}]}"#,
        );
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        let p = out.policy.unwrap();
        let st = &p.statements[0];
        assert_eq!(st.id(), "A");
        assert!(st.broken.is_empty());
        let PrincipalValue::Map(entries) = &st.principal.as_ref().unwrap().value else {
            panic!()
        };
        assert_eq!(
            entries[1].id,
            PrincipalId::Role {
                account: "444455556666".into(),
                name: "R".into(),
                arn: "arn:aws:iam::444455556666:role/x/R".into()
            }
        );
        assert_eq!(st.condition.as_ref().unwrap().conditions.len(), 2);
    }

    #[test]
    fn exact_name_lookups_agree_with_the_grammar_lists() {
        type Exact = fn(&str) -> Option<usize>;
        let lists: [(&[&str], Exact); 3] = [
            (TOP_KEYS, top_key),
            (STATEMENT_KEYS, statement_key),
            (PRINCIPAL_KEYS, principal_key),
        ];
        for (names, exact) in lists {
            assert!(names.len() <= MAX_KNOWN);
            for (i, name) in names.iter().enumerate() {
                assert_eq!(exact(name), Some(i), "{name}");
                assert_eq!(exact(&name.to_ascii_lowercase()), None, "{name}");
            }
        }
        assert_eq!(STATEMENT_KEYS[SID], "Sid");
        assert_eq!(STATEMENT_KEYS[CONDITION], "Condition");
        assert_eq!(TOP_KEYS[STATEMENT], "Statement");
    }

    #[test]
    fn mis_cased_and_respelled_elements_are_reported_once_each() {
        let text = r#"{"Statement": [{"effect": "Allow", "Effect": "Deny", "Principal": "*", "principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}"#;
        let codes: Vec<_> = parse_policy(text)
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect();
        assert_eq!(codes, vec!["PC003", "PC002", "PC003", "PC002"]);
        let out = parse_policy(text);
        let st = &out.policy.unwrap().statements[0];
        // The two `Effect`s differ: the Deny is kept (failing closed; see
        // `a_repeated_effect_that_differs_fails_closed`).
        assert_eq!(st.effect.as_ref().map(|e| e.value), Some(Effect::Deny));
    }

    #[test]
    fn byte_helpers_agree_with_str_methods() {
        for s in ["", "/", "a", "a/b", "/a/", "a//b/c", "ü/€", "s3:Get:x", ":"] {
            assert_eq!(split_byte(s, b'/'), s.split_once('/'), "{s}");
            assert_eq!(split_byte(s, b':'), s.split_once(':'), "{s}");
            assert_eq!(Some(last_segment(s)), s.rsplit('/').next(), "{s}");
            assert_eq!(has_wildcard(s), s.contains(['*', '?']), "{s}");
            assert_eq!(has_var_open(s), s.contains("${"), "{s}");
        }
        for s in ["*", "a?", "${", "a${b}", "$", "{$"] {
            assert_eq!(has_wildcard(s), s.contains(['*', '?']), "{s}");
            assert_eq!(has_var_open(s), s.contains("${"), "{s}");
        }
    }

    #[test]
    fn statement_object_is_a_one_element_list() {
        let p = parse_policy(r#"{"Statement": {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}}"#).policy.unwrap();
        assert_eq!(p.statements.len(), 1);
        assert_eq!(p.statements[0].id(), "#0");
    }

    #[test]
    fn grammar_errors_are_reported_with_codes() {
        assert_eq!(
            codes_of(
                r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "NotAction": "s3:PutObject", "Resource": "*"}]}"#
            ),
            vec!["PC006"]
        );
        assert_eq!(
            codes_of(
                r#"{"Statement": [{"Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}"#
            ),
            vec!["PC005"]
        );
        assert_eq!(
            codes_of(
                r#"{"Statement": [{"Effect": "allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}"#
            ),
            vec!["PC007"]
        );
        assert_eq!(
            codes_of(
                r#"{"statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}"#
            ),
            vec!["PC003"]
        );
        assert_eq!(
            codes_of(
                r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Effect2": "x"}]}"#
            ),
            vec!["PC003"]
        );
        assert_eq!(
            codes_of(
                r#"{"Version": "2020-01-01", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}"#
            ),
            vec!["PC008"]
        );
        assert_eq!(
            codes_of(
                r#"{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::*:root"}, "Action": "s3:GetObject", "Resource": "*"}]}"#
            ),
            vec!["PC009"]
        );
        assert_eq!(
            codes_of(
                r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": 5, "Resource": "*"}]}"#
            ),
            vec!["PC004"]
        );
        assert_eq!(
            codes_of(
                r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": [], "Resource": "*"}]}"#
            ),
            vec!["PC012"]
        );
        assert_eq!(
            codes_of(
                r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEqualz": {"a": "b"}}}]}"#
            ),
            vec!["PC010"]
        );
        assert_eq!(
            codes_of(
                r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "nope"}}}]}"#
            ),
            vec!["PC011"]
        );
        // `Bool` takes `true` or `false` in any case (PC406 notes the case), a JSON
        // boolean, or a variable under 2012-10-17; anything else is unreadable.
        let bool_value = |version: &str, value: &str| {
            codes_of(&format!(
                r#"{{{version}"Statement": [{{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {{"Bool": {{"aws:SecureTransport": {value}}}}}}}]}}"#
            ))
        };
        let v2012 = r#""Version": "2012-10-17", "#;
        for ok in [
            r#""false""#,
            r#""TRUE""#,
            "false",
            r#""${aws:SecureTransport}""#,
        ] {
            assert_eq!(bool_value(v2012, ok), Vec::<&str>::new(), "{ok}");
        }
        for bad in [r#""maybe""#, r#""0""#, "1", r#"" false""#, r#""""#] {
            assert_eq!(bool_value(v2012, bad), vec!["PC011"], "{bad}");
        }
        // Without 2012-10-17 a variable is plain text.
        assert_eq!(bool_value("", r#""${aws:SecureTransport}""#), vec!["PC011"]);
        assert_eq!(
            codes_of(
                r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "GetObject", "Resource": "*"}]}"#
            ),
            vec!["PC014"]
        );
        assert_eq!(
            codes_of(
                r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "bucket/*"}]}"#
            ),
            vec!["PC015"]
        );
        let with_resource = |arn: &str| {
            format!(
                r#"{{"Statement": [{{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "{arn}"}}]}}"#
            )
        };
        // S3 ARNs that match no bucket or object: S3 refuses the policy.
        for arn in [
            "arn:aws:s3::example-bucket/prefix/AWSLogs/111122223333/*",
            "arn:aws:s3::example-bucket",
            "arn:aws:s3::111122223333:example-bucket/*",
            "arn:aws:s3:us-east-1::example-bucket/*",
            "arn:aws:s3:::/example-bucket/*",
        ] {
            let text = with_resource(arn);
            assert_eq!(codes_of(&text), vec!["PC015"], "{arn}");
            let out = parse_policy(&text);
            let help = out.diagnostics[0].help.as_deref().unwrap_or_default();
            assert!(
                help.contains("Did you mean `arn:aws:s3:::example-bucket"),
                "{arn}: {help}"
            );
        }
        // Valid shapes, wildcards that may stand for the empty Region and account, and
        // access points are not (nor anything in an identity policy).
        for arn in [
            "arn:aws:s3:::example-bucket/*",
            "arn:aws:s3:*:*:example-bucket/*",
            "arn:aws:s3::*",
            "arn:aws:s3:*",
            "arn:aws:s3:us-east-1:111122223333:accesspoint/reports",
            "arn:aws:s3::111122223333:accesspoint/mfzwi23gnjvgw.mrap",
        ] {
            let text = with_resource(arn);
            assert!(codes_of(&text).is_empty(), "{arn}: {:?}", codes_of(&text));
        }
        let identity = parse_policy_as(
            r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:us-east-1::b/*"}]}"#,
            PolicyKind::Identity,
        );
        assert!(
            identity.diagnostics.is_empty(),
            "{:?}",
            identity.diagnostics
        );
        assert_eq!(codes_of(r#"{"Statement": []}"#), vec!["PC012"]);
        assert_eq!(
            codes_of(
                r#"{"Statement": [{"Effect": "Allow", "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}"#
            ),
            vec!["PC002"]
        );
        assert_eq!(
            codes_of(
                r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": null}}}]}"#
            ),
            vec!["PC004"]
        );
        assert_eq!(codes_of(r#"[]"#), vec!["PC004"]);
    }

    #[test]
    fn identity_policies_may_not_name_principals() {
        let out = parse_policy_as(
            r#"{"Id": "x", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}"#,
            PolicyKind::Identity,
        );
        let codes: Vec<_> = out.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, vec!["PC013", "PC013"]);
        let ok = parse_policy_as(
            r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
            PolicyKind::Identity,
        );
        assert!(ok.diagnostics.is_empty());
    }

    #[test]
    fn unknown_element_suggests_the_right_name() {
        let out = parse_policy(
            r#"{"Statement": [{"Efect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}"#,
        );
        let d = out.diagnostics.iter().find(|d| d.code == "PC003").unwrap();
        assert!(d.help.as_ref().unwrap().contains("did you mean `Effect`"));
    }

    /// Spec §4: a principal and a condition key never substitute a variable. Read as
    /// written they name nobody and no key, so a Deny on them would silently stop nobody:
    /// each is an error and its statement not evaluable (failing closed).
    #[test]
    fn a_variable_in_a_principal_or_a_condition_key_is_an_error() {
        let principal = |p: &str| {
            let text = format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Deny", "Principal": {{"AWS": "{p}"}}, "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}}]}}"#
            );
            let out = parse_policy(&text);
            let st = &out.policy.as_ref().unwrap().statements[0];
            let id = match &st.principal.as_ref().unwrap().value {
                PrincipalValue::Map(es) => es[0].id.clone(),
                PrincipalValue::Anyone => unreachable!(),
            };
            let codes: Vec<_> = out.diagnostics.iter().map(|d| d.code).collect();
            (id, codes, st.invalid)
        };
        for bad in [
            "arn:aws:iam::111122223333:user/${aws:username}",
            "arn:aws:iam::111122223333:role/team/${aws:PrincipalTag/team}",
            "arn:aws:sts::111122223333:assumed-role/Reader/${aws:userid}",
            "arn:aws:iam::111122223333:user/al ice",
            "arn:aws:iam::111122223333:user/path with space/alice",
            "arn:aws:sts::111122223333:assumed-role/Reader/x",
            "arn:aws:sts::111122223333:federated-user/b",
        ] {
            assert_eq!(
                principal(bad),
                (PrincipalId::Invalid, vec!["PC009"], true),
                "{bad}"
            );
        }
        for good in [
            "arn:aws:iam::111122223333:user/alice",
            "arn:aws:iam::111122223333:user/ops/team-a/alice.smith@example.com",
            "arn:aws:iam::111122223333:role/service-role/Deploy+CI=1,2",
            "arn:aws:sts::111122223333:assumed-role/Reader/i-0abc123",
            "arn:aws:sts::111122223333:federated-user/bo",
        ] {
            let (id, codes, invalid) = principal(good);
            assert!(
                id != PrincipalId::Invalid && codes.is_empty() && !invalid,
                "{good}"
            );
        }
        // Under 2008 the text is literal everywhere, and a principal still never names it.
        assert_eq!(
            codes_of(
                r#"{"Statement": [{"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::111122223333:user/${aws:username}"}, "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}]}"#
            ),
            ["PC009"]
        );

        let key = |k: &str| {
            let text = format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*", "Condition": {{"StringEquals": {{"{k}": "blocked"}}}}}}]}}"#
            );
            let out = parse_policy(&text);
            let invalid = out.policy.as_ref().unwrap().statements[0].invalid;
            let codes: Vec<_> = out.diagnostics.iter().map(|d| d.code).collect();
            (codes, invalid)
        };
        assert_eq!(
            key("aws:PrincipalTag/${aws:username}"),
            (vec!["PC017"], true)
        );
        assert_eq!(key("aws:PrincipalTag/team"), (vec![], false));
        // The Deny no longer silently stops nobody: the request it could stop is not
        // decided.
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}, {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:PrincipalTag/${aws:username}": "blocked"}}}]}"#;
        let policy = parse_policy(text).policy.unwrap();
        let mut ctx = crate::Context::new();
        ctx.insert("aws:username", crate::CtxValue::One("alice".into()));
        ctx.insert(
            "aws:PrincipalTag/alice",
            crate::CtxValue::One("blocked".into()),
        );
        let req = crate::Request::new(
            crate::Caller::parse("arn:aws:iam::111122223333:user/alice").unwrap(),
            "s3:GetObject",
            "arn:aws:s3:::b/k",
            ctx,
        );
        let (decision, certain) = crate::eval::decide(&policy, &req);
        assert!(!certain, "{decision:?}");
        assert_ne!(decision, crate::eval::Decision::Allow);
    }

    /// Two `Effect`s, `Allow` then `Deny`: the request the Deny could stop is not allowed,
    /// not even uncertainly (a review found "Allow, uncertain": the Deny not counted).
    #[test]
    fn a_repeated_effect_that_differs_fails_closed() {
        for effects in [
            r#""Effect": "Allow", "Effect": "Deny""#,
            r#""Effect": "Deny", "Effect": "Allow""#,
            r#""Effect": "Allow", "effect": "Deny""#,
        ] {
            let text = format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}, {{{effects}, "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}]}}"#
            );
            let out = parse_policy(&text);
            assert!(
                out.diagnostics.iter().any(|d| d.code == "PC002"),
                "{effects}"
            );
            let policy = out.policy.unwrap();
            assert_eq!(
                policy.statements[1].effect.as_ref().map(|e| e.value),
                Some(Effect::Deny),
                "{effects}"
            );
            let req = crate::Request::new(
                crate::Caller::Anonymous,
                "s3:GetObject",
                "arn:aws:s3:::b/k",
                crate::Context::new(),
            );
            let (decision, certain) = crate::eval::decide(&policy, &req);
            assert_eq!(
                (decision, certain),
                (crate::eval::Decision::ExplicitDeny, false),
                "{effects}"
            );
        }
    }

    #[test]
    fn variables_only_under_2012() {
        let with = parse_policy(r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}]}"#).policy.unwrap();
        assert!(with.statements[0].resource.as_ref().unwrap().items[0]
            .pattern
            .has_vars());
        let without = parse_policy(r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}]}"#).policy.unwrap();
        assert!(!without.statements[0].resource.as_ref().unwrap().items[0]
            .pattern
            .has_vars());
    }
}
