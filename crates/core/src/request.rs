//! Requests: the caller, the action, the resource and the request context, in the
//! format of `policycheck eval --request` and the conformance vectors (spec §10.1).
//! The context given is the complete context: nothing is derived from the principal.

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::json::{self, Json, JsonKind};
use crate::model::{Policy, PolicyKind};
use crate::parse::parse_json_policy;
use crate::source::Span;
use serde::Serialize;

/// Diagnostics about a request file (not a policy rule, so not in the registry).
pub const INVALID_REQUEST: Code = Code {
    code: "PC000",
    name: "invalid-request",
    severity: Severity::Error,
    summary: crate::diagnostic::summary!("the request given to `policycheck eval` is not valid"),
};

/// Who makes the request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Caller {
    Anonymous,
    /// An AWS service principal such as `cloudtrail.amazonaws.com`.
    Service {
        name: String,
    },
    /// A caller authenticated through a web-identity or SAML provider.
    Federated {
        provider: String,
    },
    /// An IAM or STS principal.
    Aws(AwsCaller),
}

/// An IAM/STS caller.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AwsCaller {
    pub arn: String,
    pub partition: String,
    pub account: String,
    pub kind: CallerKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum CallerKind {
    Root,
    User { name: String },
    AssumedRole { role: String, session: String },
    FederatedUser { name: String },
}

impl CallerKind {
    /// The caller's `aws:PrincipalType` (spec §4's table).
    pub fn principal_type(&self) -> &'static str {
        match self {
            CallerKind::Root => "Account",
            CallerKind::User { .. } => "User",
            CallerKind::AssumedRole { .. } => "AssumedRole",
            CallerKind::FederatedUser { .. } => "FederatedUser",
        }
    }
}

impl Caller {
    /// Parse the principal forms of spec §10.1: an IAM/STS ARN, `anonymous`,
    /// `service:<name>`, plus `federated:<provider>` and a bare 12-digit account id
    /// (its root user).
    pub fn parse(text: &str) -> Result<Caller, String> {
        let t = text.trim();
        if t == "anonymous" {
            return Ok(Caller::Anonymous);
        }
        if t == "*" {
            // A policy's `"*"` is every caller; a request has one (a review found `*`
            // silently read as anonymous).
            return Err("`*` is not one caller: a request is sent by one principal; write `anonymous` for an unsigned request, or name the caller".into());
        }
        if let Some(name) = t.strip_prefix("service:") {
            if name.is_empty() {
                return Err("`service:` needs a service principal name, e.g. `service:cloudtrail.amazonaws.com`".into());
            }
            return Ok(Caller::Service {
                name: name.to_string(),
            });
        }
        if let Some(p) = t.strip_prefix("federated:") {
            if p.is_empty() {
                return Err(
                    "`federated:` needs a provider, e.g. `federated:accounts.google.com`".into(),
                );
            }
            return Ok(Caller::Federated {
                provider: p.to_string(),
            });
        }
        if is_account_id(t) {
            return Ok(Caller::Aws(AwsCaller {
                arn: format!("arn:aws:iam::{t}:root"),
                partition: "aws".into(),
                account: t.to_string(),
                kind: CallerKind::Root,
            }));
        }
        let Some(parts) = crate::catalog::arn_parts(t) else {
            return Err(format!("`{t}` is not a principal: use an IAM/STS ARN, `anonymous`, `service:<name>`, `federated:<provider>` or a 12-digit account id"));
        };
        let [arn, partition, service, region, account, resource] = &parts;
        if *arn != "arn" || partition.is_empty() || !region.is_empty() || !is_account_id(account) {
            return Err(format!("`{t}` is not an IAM or STS principal ARN"));
        }
        let kind = match (*service, resource.split_once('/')) {
            ("iam", None) if *resource == "root" => CallerKind::Root,
            ("iam", Some(("user", rest))) if !rest.is_empty() => CallerKind::User {
                name: rest.rsplit('/').next().unwrap_or(rest).to_string(),
            },
            ("iam", Some(("role", _))) => {
                return Err(format!(
                    "`{t}` is a role; roles do not make requests, their sessions do: use `arn:{partition}:sts::{account}:assumed-role/ROLE-NAME/SESSION-NAME`"
                ))
            }
            ("sts", Some(("assumed-role", rest))) => match rest.split_once('/') {
                Some((role, session)) if !role.is_empty() && !session.is_empty() => CallerKind::AssumedRole {
                    role: role.to_string(),
                    session: session.to_string(),
                },
                _ => return Err(format!("`{t}` should be `arn:{partition}:sts::{account}:assumed-role/ROLE/SESSION`")),
            },
            ("sts", Some(("federated-user", name))) if !name.is_empty() => CallerKind::FederatedUser { name: name.to_string() },
            _ => return Err(format!("`{t}` is not an IAM user, root, assumed-role or federated-user ARN")),
        };
        Ok(Caller::Aws(AwsCaller {
            arn: t.to_string(),
            partition: partition.to_string(),
            account: account.to_string(),
            kind,
        }))
    }

    /// The caller's account, if it has one.
    pub fn account(&self) -> Option<&str> {
        match self {
            Caller::Aws(a) => Some(&a.account),
            _ => None,
        }
    }

    /// The principal string in request-file form.
    pub fn display(&self) -> String {
        match self {
            Caller::Anonymous => "anonymous".into(),
            Caller::Service { name } => format!("service:{name}"),
            Caller::Federated { provider } => format!("federated:{provider}"),
            Caller::Aws(a) => a.arn.clone(),
        }
    }
}

/// A condition key AWS sets on a request by itself, from its caller or its action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DerivedKey {
    /// The key in its documented spelling.
    pub key: &'static str,
    pub value: String,
    /// Where the value comes from, for people.
    pub why: &'static str,
}

/// The condition keys AWS sets for this caller and action (spec §4's table of
/// principal-dependent values; §9 rows 6, 7 and 16), for requests written by hand.
/// policycheck never adds them unasked: a request's context is the whole context
/// (`policycheck eval --derive-context` and the page's button ask).
///
/// Left out: what a caller's ARN does not tell (an IAM user's or a role's unique id,
/// so `aws:userid` for them; a role's path), and `aws:PrincipalAccount` for anonymous
/// callers, whose value AWS does not document (§9 row 7).
pub fn derived_context(caller: &Caller, action: &str) -> Vec<DerivedKey> {
    let mut out = Vec::new();
    let mut add = |key: &'static str, value: String, why: &'static str| {
        out.push(DerivedKey { key, value, why });
    };
    match caller {
        Caller::Anonymous => {
            add(
                "aws:userid",
                "anonymous".into(),
                "anonymous callers (spec §9 row 6)",
            );
            add("aws:PrincipalType", "Anonymous".into(), "anonymous callers");
            add(
                "aws:PrincipalIsAWSService",
                "false".into(),
                "not an AWS service",
            );
        }
        Caller::Service { name } => {
            add(
                "aws:PrincipalIsAWSService",
                "true".into(),
                "an AWS service principal",
            );
            add(
                "aws:PrincipalServiceName",
                name.clone(),
                "the service principal's name",
            );
        }
        Caller::Federated { .. } => {
            add(
                "aws:PrincipalIsAWSService",
                "false".into(),
                "not an AWS service",
            );
        }
        Caller::Aws(a) => {
            // A user's or a role session's unique id is not in its ARN.
            let userid = match &a.kind {
                CallerKind::Root => Some(a.account.clone()),
                CallerKind::FederatedUser { name } => Some(format!("{}:{name}", a.account)),
                CallerKind::User { .. } | CallerKind::AssumedRole { .. } => None,
            };
            if let Some(id) = userid {
                add("aws:userid", id, "the caller's unique id");
            }
            if let CallerKind::User { name } = &a.kind {
                add("aws:username", name.clone(), "IAM users only");
            }
            add(
                "aws:PrincipalType",
                a.kind.principal_type().into(),
                "the kind of caller",
            );
            add(
                "aws:PrincipalAccount",
                a.account.clone(),
                "the caller's account",
            );
            let (arn, why) = match &a.kind {
                // A session's principal ARN is its role's; a role with a path has it
                // there, and the session's ARN does not show it.
                CallerKind::AssumedRole { role, .. } => (
                    format!("arn:{}:iam::{}:role/{role}", a.partition, a.account),
                    "the session's role, assuming it has no path (a session's ARN does not show one: if the role has a path, set aws:PrincipalArn yourself)",
                ),
                _ => (a.arn.clone(), "the caller's ARN"),
            };
            add("aws:PrincipalArn", arn, why);
            add(
                "aws:PrincipalIsAWSService",
                "false".into(),
                "not an AWS service",
            );
        }
    }
    if ["s3:listbucket", "s3:listbucketversions"]
        .iter()
        .any(|a| action.eq_ignore_ascii_case(a))
    {
        add(
            "s3:prefix",
            String::new(),
            "a listing without a prefix (spec §9 row 16)",
        );
    }
    out
}

/// Add `keys` to `context` where it does not set them already; the keys added.
pub fn add_derived(context: &mut Context, keys: Vec<DerivedKey>) -> Vec<DerivedKey> {
    let added: Vec<DerivedKey> = keys
        .into_iter()
        .filter(|k| !context.contains(k.key))
        .collect();
    for k in &added {
        context.insert(k.key, CtxValue::One(k.value.clone()));
    }
    added
}

/// Whether `s` is a 12-digit AWS account id.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// One context value: a single value, or a list (a multi-valued key; empty = no values).
#[derive(Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum CtxValue {
    One(String),
    Many(Vec<String>),
}

impl Clone for CtxValue {
    fn clone(&self) -> Self {
        match self {
            CtxValue::One(s) => CtxValue::One(s.clone()),
            CtxValue::Many(v) => CtxValue::Many(v.clone()),
        }
    }

    /// Reuses `self`'s buffers when both are the same kind.
    fn clone_from(&mut self, source: &Self) {
        match (self, source) {
            (CtxValue::One(a), CtxValue::One(b)) => a.clone_from(b),
            (CtxValue::Many(a), CtxValue::Many(b)) => a.clone_from(b),
            (this, source) => *this = source.clone(),
        }
    }
}

/// The request context: keys looked up case-insensitively.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// In the order given. A removed key stays as a dead entry, so the analysis, which
    /// sets and removes the same keys millions of times, reuses their buffers.
    entries: Vec<Entry>,
    /// For a large context (a request file with thousands of keys): the entries'
    /// positions sorted by lower-cased key, built by the first look-up after a change, so
    /// a policy with many conditions does not scan the whole context for each one.
    #[cfg(not(target_arch = "wasm32"))]
    index: std::sync::OnceLock<Vec<usize>>,
}

/// From this many entries on, look-ups go through [`Context::index`].
#[cfg(not(target_arch = "wasm32"))]
const INDEXED_FROM: usize = 32;

#[derive(Clone, Debug)]
struct Entry {
    /// Lower-cased key.
    lc: String,
    /// Key as given.
    key: String,
    value: CtxValue,
    live: bool,
}

impl PartialEq for Context {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Context {}

impl Context {
    pub fn new() -> Self {
        Self::default()
    }

    fn slot(&self, key: &str) -> Option<usize> {
        if self.indexed() || !key.is_ascii() {
            return self.position(&crate::condition::fold_key(key));
        }
        self.entries
            .iter()
            .position(|e| e.lc.eq_ignore_ascii_case(key))
    }

    /// The position of the entry (live or dead) for a lower-cased key.
    fn position(&self, lc: &str) -> Option<usize> {
        #[cfg(not(target_arch = "wasm32"))]
        if self.indexed() {
            let index = self.index.get_or_init(|| {
                let mut index: Vec<usize> = (0..self.entries.len()).collect();
                index.sort_unstable_by(|&a, &b| self.lc_at(a).cmp(self.lc_at(b)));
                index
            });
            let at = index.binary_search_by(|&i| self.lc_at(i).cmp(lc)).ok()?;
            return index.get(at).copied();
        }
        self.entries.iter().position(|e| e.lc == lc)
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn lc_at(&self, i: usize) -> &str {
        self.entries.get(i).map_or("", |e| e.lc.as_str())
    }

    fn indexed(&self) -> bool {
        #[cfg(not(target_arch = "wasm32"))]
        return self.entries.len() >= INDEXED_FROM;
        #[cfg(target_arch = "wasm32")]
        return false;
    }

    /// Entries moved or were added: the index is out of date.
    fn moved(&mut self) {
        #[cfg(not(target_arch = "wasm32"))]
        if self.index.get().is_some() {
            self.index = std::sync::OnceLock::new();
        }
    }

    /// Make entry `i` live with `key`, moving a revived entry to the end (the order a
    /// fresh insert would give).
    fn revive(&mut self, i: usize, key: &str) -> Option<&mut CtxValue> {
        let was_live = self.entries.get(i)?.live;
        if !was_live {
            if let Some(tail) = self.entries.get_mut(i..) {
                tail.rotate_left(1);
            }
            self.moved();
        }
        let e = if was_live {
            self.entries.get_mut(i)?
        } else {
            self.entries.last_mut()?
        };
        e.live = true;
        if e.key != key {
            key.clone_into(&mut e.key);
        }
        Some(&mut e.value)
    }

    /// Insert or replace a key.
    pub fn insert(&mut self, key: &str, value: CtxValue) {
        match self.slot(key) {
            Some(i) => {
                if let Some(v) = self.revive(i, key) {
                    *v = value;
                }
            }
            None => self.push_new(key, value),
        }
    }

    /// Add a key the context does not have (the caller knows), without looking.
    fn push_new(&mut self, key: &str, value: CtxValue) {
        self.moved();
        self.entries.push(Entry {
            lc: crate::condition::fold_key(key),
            key: key.to_string(),
            value,
            live: true,
        });
    }

    /// Insert or replace a key with a copy of `value`, reusing the old value's buffers;
    /// `lc` is `key` lower-cased.
    pub fn insert_from(&mut self, lc: &str, key: &str, value: &CtxValue) {
        match self.position(lc) {
            Some(i) => {
                if let Some(v) = self.revive(i, key) {
                    v.clone_from(value);
                }
            }
            None => self.insert(key, value.clone()),
        }
    }

    /// Remove a key (lower-cased), if present.
    pub fn remove(&mut self, lower_key: &str) {
        if let Some(i) = self.position(lower_key) {
            if let Some(e) = self.entries.get_mut(i) {
                e.live = false;
            }
        }
    }

    /// Look up a lower-cased key.
    pub fn get(&self, lower_key: &str) -> Option<&CtxValue> {
        let e = self.entries.get(self.position(lower_key)?)?;
        e.live.then_some(&e.value)
    }

    pub fn contains(&self, key: &str) -> bool {
        self.get(&crate::condition::fold_key(key)).is_some()
    }

    /// Entries as (key as given, value).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &CtxValue)> {
        self.entries
            .iter()
            .filter(|e| e.live)
            .map(|e| (e.key.as_str(), &e.value))
    }

    pub fn len(&self) -> usize {
        self.entries.iter().filter(|e| e.live).count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Serialize for Context {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.len()))?;
        for (k, v) in self.iter() {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// Policy variables read single values from the context (a list is no value).
impl crate::pattern::VarSource for Context {
    fn var(&self, lower_name: &str) -> Option<&str> {
        match self.get(lower_name) {
            Some(CtxValue::One(v)) => Some(v.as_str()),
            _ => None,
        }
    }
}

/// A request to evaluate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub caller: Caller,
    /// The action as given, e.g. `s3:GetObject`.
    pub action: String,
    /// The action lower-cased (actions are case-insensitive).
    pub action_lc: String,
    pub resource: String,
    pub context: Context,
    /// Whether `{"AWS": "*"}` covers anonymous callers (spec §9 row 1): `true` by the IAM
    /// reference (the default), `false` by the S3 user guide (signed principals only).
    pub aws_star_includes_anonymous: bool,
}

impl Request {
    pub fn new(caller: Caller, action: &str, resource: &str, context: Context) -> Self {
        Self {
            caller,
            action: action.to_string(),
            action_lc: action.to_ascii_lowercase(),
            resource: resource.to_string(),
            context,
            aws_star_includes_anonymous: true,
        }
    }

    /// The request in the JSON form `policycheck eval --request` reads (its
    /// [`Serialize`] form, as a `serde_json` value).
    pub fn to_json(&self) -> serde_json::Value {
        crate::jsonv::value(self)
    }
}

/// The JSON form `policycheck eval --request` reads: `principal`, `action`, `resource`,
/// `context`, and `aws_star_includes_anonymous` when it is `false`. Members and context
/// keys come sorted by key, as a `serde_json` object holds them, so the text is the
/// same whether it is written directly or through a `serde_json::Value`.
impl Serialize for Request {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        /// The context with its keys sorted.
        struct Sorted<'c>(Vec<(&'c str, &'c CtxValue)>);
        impl Serialize for Sorted<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(self.0.len()))?;
                for (k, v) in &self.0 {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
        let mut context: Vec<(&str, &CtxValue)> = self.context.iter().collect();
        crate::collections::sort_by_key(&mut context, |(k, _)| *k);
        let star = !self.aws_star_includes_anonymous;
        let mut m = s.serialize_map(Some(4 + usize::from(star)))?;
        m.serialize_entry("action", &self.action)?;
        if star {
            m.serialize_entry("aws_star_includes_anonymous", &false)?;
        }
        m.serialize_entry("context", &Sorted(context))?;
        m.serialize_entry("principal", &self.caller.display())?;
        m.serialize_entry("resource", &self.resource)?;
        m.end()
    }
}

/// Evaluation mode (spec §10.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The bucket policy alone (what the simulator shows).
    ResourcePolicyOnly,
    /// Identity policies plus the bucket policy, same- vs cross-account (spec §5.3).
    Full,
}

/// A request file: the request plus the optional `full`-mode inputs.
#[derive(Clone, Debug)]
pub struct RequestFile {
    pub request: Request,
    pub mode: Mode,
    pub identity_policies: Vec<Policy>,
    /// Diagnostics found in embedded identity policies.
    pub identity_diagnostics: Vec<Diagnostic>,
    pub bucket_account: String,
}

/// The default bucket-owner account of the conformance vectors.
pub const DEFAULT_BUCKET_ACCOUNT: &str = "111122223333";

fn req_err(span: Span, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::new(&INVALID_REQUEST, span, msg)
}

/// Turn a JSON scalar into a context string (numbers keep their text, booleans become `true`/`false`).
fn ctx_scalar(v: &Json) -> Option<String> {
    match v.kind {
        JsonKind::String(s) => Some(s.to_string()),
        JsonKind::Number(n) => Some(n.to_string()),
        JsonKind::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The position of the first member whose key (compared case-insensitively) an earlier
/// member has, found by one sort ([`crate::collections::first_equal`]): a look-up per key would
/// make a request with thousands of keys quadratic (50,000 took 8 s). The web page's
/// WASM build, whose requests are typed in a form, looks each key up instead: the sort
/// would cost more of its size budget than the time it saves there.
#[cfg(not(target_arch = "wasm32"))]
fn first_repeat(members: &[crate::json::Member<'_>]) -> Option<usize> {
    let keys: Vec<String> = members
        .iter()
        .map(|m| crate::condition::fold_key(m.key))
        .collect();
    let first_of =
        crate::collections::first_equal(keys.len(), &mut |a, b| keys.get(a).cmp(&keys.get(b)));
    first_of.iter().enumerate().position(|(i, &f)| f != i)
}

/// Read a context object.
#[allow(clippy::result_large_err)] // one diagnostic per bad request file, not a hot path
pub fn parse_context(v: &Json) -> Result<Context, Diagnostic> {
    let Some(members) = v.as_object() else {
        return Err(req_err(
            v.span,
            format!(
                "`context` must be an object of key → value, found {}",
                v.type_name()
            ),
        ));
    };
    #[cfg(not(target_arch = "wasm32"))]
    let twice = first_repeat(members);
    #[cfg(target_arch = "wasm32")]
    let twice: Option<usize> = None;
    let mut ctx = Context::new();
    for (i, m) in members.iter().enumerate() {
        if twice == Some(i) || (cfg!(target_arch = "wasm32") && ctx.contains(m.key)) {
            return Err(req_err(
                m.key_span,
                format!(
                    "context key `{}` is given twice (key names are case-insensitive)",
                    m.key
                ),
            ));
        }
        let value = match m.value.kind {
            JsonKind::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for it in items {
                    match ctx_scalar(it) {
                        Some(s) => out.push(s),
                        None => {
                            return Err(req_err(
                                it.span,
                                format!(
                                    "context list values must be strings, found {}",
                                    it.type_name()
                                ),
                            ))
                        }
                    }
                }
                CtxValue::Many(out)
            }
            _ => match ctx_scalar(&m.value) {
                Some(s) => CtxValue::One(s),
                None => {
                    return Err(req_err(
                        m.value.span,
                        format!(
                            "context value of `{}` must be a string or a list of strings, found {}",
                            m.key,
                            m.value.type_name()
                        ),
                    )
                    .with_help("leave the key out to model an absent key"))
                }
            },
        };
        ctx.push_new(m.key, value);
    }
    Ok(ctx)
}

/// Parse a request file's text. Errors carry spans into `text`.
pub fn parse_request_file(text: &str) -> Result<RequestFile, Vec<Diagnostic>> {
    let arena = json::arena_for(text.len());
    let parsed = json::parse(text, &arena);
    let Some(root) = parsed.value else {
        return Err(parsed.diagnostics);
    };
    if !parsed.diagnostics.is_empty() {
        return Err(parsed.diagnostics);
    }
    parse_request_json(&root).map_err(|d| vec![d])
}

/// Read a request from a parsed JSON value.
#[allow(clippy::result_large_err)] // one diagnostic per bad request file, not a hot path
pub fn parse_request_json(root: &Json) -> Result<RequestFile, Diagnostic> {
    let Some(members) = root.as_object() else {
        return Err(req_err(
            root.span,
            format!(
                "a request must be a JSON object, found {}",
                root.type_name()
            ),
        ));
    };
    let mut principal = None;
    let mut action = None;
    let mut resource = None;
    let mut context = Context::new();
    let mut mode = Mode::ResourcePolicyOnly;
    let mut identity_policies = Vec::new();
    let mut identity_diagnostics = Vec::new();
    let mut identity_key: Option<Span> = None;
    let mut bucket_account = DEFAULT_BUCKET_ACCOUNT.to_string();
    let mut aws_star_includes_anonymous = true;
    let string_of = |v: &Json, what: &str| -> Result<String, Diagnostic> {
        v.as_str().map(str::to_string).ok_or_else(|| {
            req_err(
                v.span,
                format!("`{what}` must be a string, found {}", v.type_name()),
            )
        })
    };
    for m in members {
        match m.key {
            "principal" => {
                let s = string_of(&m.value, "principal")?;
                principal = Some(Caller::parse(&s).map_err(|e| req_err(m.value.span, e))?);
            }
            "action" => action = Some(string_of(&m.value, "action")?),
            "resource" => resource = Some(string_of(&m.value, "resource")?),
            "context" => context = parse_context(&m.value)?,
            "mode" => {
                mode = match string_of(&m.value, "mode")?.as_str() {
                    "full" => Mode::Full,
                    "resource_policy_only" => Mode::ResourcePolicyOnly,
                    other => return Err(req_err(m.value.span, format!("unknown mode `{other}`: use `resource_policy_only` or `full`"))),
                }
            }
            "aws_star_includes_anonymous" => {
                let JsonKind::Bool(b) = m.value.kind else {
                    return Err(req_err(
                        m.value.span,
                        format!(
                            "`aws_star_includes_anonymous` must be true or false, found {}",
                            m.value.type_name()
                        ),
                    ));
                };
                aws_star_includes_anonymous = b;
            }
            "bucket_account" => {
                let s = string_of(&m.value, "bucket_account")?;
                if !is_account_id(&s) {
                    return Err(req_err(m.value.span, format!("`bucket_account` must be a 12-digit account id, found `{s}`")));
                }
                bucket_account = s;
            }
            "identity_policies" => {
                identity_key = Some(m.key_span);
                let JsonKind::Array(items) = m.value.kind else {
                    return Err(req_err(m.value.span, "`identity_policies` must be an array of policy objects"));
                };
                for it in items {
                    let (policy, diags) = parse_json_policy(it, PolicyKind::Identity);
                    identity_diagnostics.extend(diags);
                    match policy {
                        Some(p) => identity_policies.push(p),
                        None => return Err(req_err(it.span, "this identity policy could not be read")),
                    }
                }
            }
            other => {
                return Err(req_err(m.key_span, format!("unknown request field `{other}`"))
                    .with_help("a request has `principal`, `action`, `resource`, `context`, and optionally `mode`, `identity_policies`, `bucket_account`, `aws_star_includes_anonymous`"))
            }
        }
    }
    // Identity policies count only in full mode (spec §5.3): read and then ignored,
    // they would let a request pass that they were meant to judge.
    if let (Some(at), Mode::ResourcePolicyOnly) = (identity_key, mode) {
        return Err(req_err(
            at,
            "`identity_policies` count only with `\"mode\": \"full\"`: add it, or leave them out",
        ));
    }
    let missing = |what: &str| {
        req_err(
            Span::new(root.span.start, root.span.start + 1),
            format!("the request has no `{what}`"),
        )
    };
    let mut request = Request::new(
        principal.ok_or_else(|| missing("principal"))?,
        &action.ok_or_else(|| missing("action"))?,
        &resource.ok_or_else(|| missing("resource"))?,
        context,
    );
    request.aws_star_includes_anonymous = aws_star_includes_anonymous;
    Ok(RequestFile {
        request,
        mode,
        identity_policies,
        identity_diagnostics,
        bucket_account,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn derived(principal: &str, action: &str) -> Vec<(&'static str, String)> {
        derived_context(&Caller::parse(principal).unwrap(), action)
            .into_iter()
            .map(|k| (k.key, k.value))
            .collect()
    }

    #[test]
    fn derived_keys_follow_the_spec_table() {
        let s = |v: &str| v.to_string();
        // Anonymous: userid and type, no account or ARN (§9 rows 6 and 7).
        assert_eq!(
            derived("anonymous", "s3:GetObject"),
            vec![
                ("aws:userid", s("anonymous")),
                ("aws:PrincipalType", s("Anonymous")),
                ("aws:PrincipalIsAWSService", s("false")),
            ]
        );
        // An IAM user: name, type, account, ARN; its unique id is not in its ARN.
        let user = derived("arn:aws:iam::111122223333:user/team/alice", "s3:PutObject");
        assert!(user.contains(&("aws:username", s("alice"))));
        assert!(user.contains(&("aws:PrincipalType", s("User"))));
        assert!(user.contains(&("aws:PrincipalAccount", s("111122223333"))));
        assert!(user.contains(&(
            "aws:PrincipalArn",
            s("arn:aws:iam::111122223333:user/team/alice")
        )));
        assert!(!user.iter().any(|(k, _)| *k == "aws:userid"));
        // A role session: the role's ARN, no user name.
        let role = derived(
            "arn:aws:sts::111122223333:assumed-role/Reader/s1",
            "s3:GetObject",
        );
        assert!(role.contains(&(
            "aws:PrincipalArn",
            s("arn:aws:iam::111122223333:role/Reader")
        )));
        assert!(role.contains(&("aws:PrincipalType", s("AssumedRole"))));
        assert!(!role.iter().any(|(k, _)| *k == "aws:username"));
        // The root user (as an account id) and a federated user.
        let root = derived("111122223333", "s3:GetObject");
        assert!(root.contains(&("aws:userid", s("111122223333"))));
        assert!(root.contains(&("aws:PrincipalType", s("Account"))));
        let fed = derived(
            "arn:aws:sts::111122223333:federated-user/bob",
            "s3:GetObject",
        );
        assert!(fed.contains(&("aws:userid", s("111122223333:bob"))));
        // A service, and a listing without a prefix (§9 row 16).
        assert_eq!(
            derived("service:cloudtrail.amazonaws.com", "s3:ListBucket"),
            vec![
                ("aws:PrincipalIsAWSService", s("true")),
                ("aws:PrincipalServiceName", s("cloudtrail.amazonaws.com")),
                ("s3:prefix", s("")),
            ]
        );
        // What the request sets is kept.
        let mut ctx = Context::new();
        ctx.insert("AWS:USERID", CtxValue::One("mine".into()));
        let added = add_derived(
            &mut ctx,
            derived_context(&Caller::Anonymous, "s3:GetObject"),
        );
        assert_eq!(added.len(), 2);
        assert_eq!(ctx.get("aws:userid"), Some(&CtxValue::One("mine".into())));
    }

    #[test]
    fn principal_forms() {
        assert_eq!(Caller::parse("anonymous").unwrap(), Caller::Anonymous);
        // A request has one caller: `*` is no principal of a request.
        let err = Caller::parse("*").unwrap_err();
        assert!(err.contains("`anonymous`"), "{err}");
        assert!(Caller::parse("bob")
            .unwrap_err()
            .contains("`federated:<provider>`"));
        assert_eq!(
            Caller::parse("service:cloudtrail.amazonaws.com").unwrap(),
            Caller::Service {
                name: "cloudtrail.amazonaws.com".into()
            }
        );
        let Caller::Aws(a) =
            Caller::parse("arn:aws:sts::111122223333:assumed-role/Reader/s1").unwrap()
        else {
            panic!()
        };
        assert_eq!(a.account, "111122223333");
        assert_eq!(
            a.kind,
            CallerKind::AssumedRole {
                role: "Reader".into(),
                session: "s1".into()
            }
        );
        let Caller::Aws(u) = Caller::parse("arn:aws:iam::111122223333:user/dev/alice").unwrap()
        else {
            panic!()
        };
        assert_eq!(
            u.kind,
            CallerKind::User {
                name: "alice".into()
            }
        );
        let Caller::Aws(r) = Caller::parse("444455556666").unwrap() else {
            panic!()
        };
        assert_eq!(r.kind, CallerKind::Root);
        assert!(Caller::parse("arn:aws:iam::111122223333:role/R")
            .unwrap_err()
            .contains("assumed-role"));
        assert!(Caller::parse("bob").is_err());
    }

    #[test]
    fn request_file_errors_are_located() {
        let text = r#"{"principal": "anonymous", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "contxt": {}}"#;
        let e = parse_request_file(text).unwrap_err();
        assert!(e[0].message.contains("unknown request field `contxt`"));
        assert_eq!(&text[e[0].primary_span().range()], "\"contxt\"");
        let e = parse_request_file(r#"{"principal": "anonymous", "action": "s3:GetObject"}"#)
            .unwrap_err();
        assert!(e[0].message.contains("no `resource`"));
        let e = parse_request_file(
            r#"{"principal": "x", "action": "a", "resource": "r", "context": {"K": null}}"#,
        )
        .unwrap_err();
        assert!(!e.is_empty());
    }

    #[test]
    fn context_keys_are_case_insensitive() {
        let f = parse_request_file(r#"{"principal": "anonymous", "action": "s3:GetObject", "resource": "r", "context": {"AWS:SourceIp": "1.2.3.4", "aws:TagKeys": ["a", "b"], "n": 5, "b": true}}"#).unwrap();
        let c = &f.request.context;
        assert_eq!(
            c.get("aws:sourceip"),
            Some(&CtxValue::One("1.2.3.4".into()))
        );
        assert_eq!(
            c.get("aws:tagkeys"),
            Some(&CtxValue::Many(vec!["a".into(), "b".into()]))
        );
        assert_eq!(c.get("n"), Some(&CtxValue::One("5".into())));
        assert_eq!(c.get("b"), Some(&CtxValue::One("true".into())));
        let e = parse_request_file(r#"{"principal": "anonymous", "action": "a", "resource": "r", "context": {"a": "1", "A": "2"}}"#).unwrap_err();
        assert!(e[0].message.contains("twice"));
    }

    /// A context large enough for the sorted index answers as a small one does, also after
    /// keys are added, removed and added back (which move entries).
    #[test]
    fn a_large_context_finds_its_keys_after_every_change() {
        let one = |v: &str| CtxValue::One(v.to_string());
        for n in [3, 31, 32, 33, 200] {
            let mut c = Context::new();
            for i in (0..n).rev() {
                c.insert(&format!("Key{i}"), one(&i.to_string()));
            }
            let found = |c: &Context, i: usize| c.get(&format!("key{i}")).cloned();
            for i in 0..n {
                assert_eq!(found(&c, i), Some(one(&i.to_string())), "n={n} key{i}");
            }
            assert_eq!(c.get("key-missing"), None);
            // Remove every third key, then put some back under another spelling.
            for i in (0..n).step_by(3) {
                c.remove(&format!("key{i}"));
            }
            for i in 0..n {
                let want = (i % 3 != 0).then(|| one(&i.to_string()));
                assert_eq!(found(&c, i), want, "n={n} key{i} after remove");
            }
            c.insert("KEY0", one("back"));
            c.insert_from("newkey", "NewKey", &one("new"));
            c.insert("Key1", one("replaced"));
            assert_eq!(found(&c, 0), Some(one("back")));
            assert_eq!(c.get("newkey"), Some(&one("new")));
            assert_eq!(found(&c, 1), Some(one("replaced")));
            assert!(c.contains("NEWKEY") && c.contains("key0"));
            assert_eq!(c.len(), n - n.div_ceil(3) + 2);
            // A revived key comes last, as a fresh insert would, and keeps its new spelling.
            let keys: Vec<&str> = c.iter().map(|(k, _)| k).collect();
            assert_eq!(keys.get(keys.len() - 2..), Some(&["KEY0", "NewKey"][..]));
            // One entry per key: a key given again replaces it.
            c.insert("key5", one("x"));
            assert_eq!(
                c.iter()
                    .filter(|(k, _)| k.eq_ignore_ascii_case("key5"))
                    .count(),
                1
            );
        }
    }

    #[test]
    fn identity_policies_need_full_mode() {
        let file = |mode: &str| {
            format!(
                r#"{{"principal": "arn:aws:iam::111122223333:user/a", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", {mode}"identity_policies": [{{"Version": "2012-10-17", "Statement": []}}]}}"#
            )
        };
        for mode in ["", r#""mode": "resource_policy_only", "#] {
            let e = parse_request_file(&file(mode)).unwrap_err();
            assert!(
                e[0].message
                    .contains("only with `\"mode\": \"full\"`: add it"),
                "{}",
                e[0].message
            );
        }
        let f = parse_request_file(&file(r#""mode": "full", "#)).unwrap();
        assert_eq!(f.identity_policies.len(), 1);
        assert_eq!(f.mode, Mode::Full);
    }

    #[test]
    fn the_first_key_given_twice_is_reported_in_any_size_of_context() {
        let file = |members: &str| {
            format!(
                r#"{{"principal": "anonymous", "action": "a", "resource": "r", "context": {{{members}}}}}"#
            )
        };
        // The first member whose name came before, not the first name that repeats; a
        // wrong value before it is reported first, as the members are read in order.
        let text = file(r#""b": "1", "a": "1", "A": "2", "B": "3""#);
        let e = parse_request_file(&text).unwrap_err();
        assert_eq!(
            e[0].message,
            "context key `A` is given twice (key names are case-insensitive)"
        );
        let e = parse_request_file(&file(r#""b": {}, "a": "1", "A": "2""#)).unwrap_err();
        assert!(
            e[0].message.contains("must be a string"),
            "{}",
            e[0].message
        );
        // 50,000 keys: read in well under a second (a look-up per key took 8 s), and a
        // repeat at the end is still found.
        let many: Vec<String> = (0..50_000).map(|i| format!(r#""k{i}": "v""#)).collect();
        let f = parse_request_file(&file(&many.join(", "))).unwrap();
        assert_eq!(f.request.context.iter().count(), 50_000);
        assert_eq!(
            f.request.context.get("k49999"),
            Some(&CtxValue::One("v".into()))
        );
        // A change afterwards leaves every key where it was.
        let mut c = f.request.context.clone();
        c.remove("k5");
        assert_eq!(c.get("k5"), None);
        assert_eq!(c.get("k6"), Some(&CtxValue::One("v".into())));
        assert_eq!(c.get("k50000"), None);
        c.insert("New", CtxValue::One("n".into()));
        assert_eq!(c.get("new"), Some(&CtxValue::One("n".into())));
        c.insert("K5", CtxValue::One("x".into()));
        assert_eq!(c.get("k5"), Some(&CtxValue::One("x".into())));
        assert_eq!(c.get("k49999"), Some(&CtxValue::One("v".into())));
        assert_eq!(c.iter().count(), 50_001);
        let e =
            parse_request_file(&file(&format!(r#"{}, "K17": "w""#, many.join(", ")))).unwrap_err();
        assert!(e[0].message.contains("`K17`"), "{}", e[0].message);
    }
}
