//! The policy model: what `parse` builds from the JSON tree. Every element keeps
//! the span of its key and value, so every later finding can underline it.
//! Elements that were missing or malformed are `None` or marked invalid: the
//! evaluator treats them as *not evaluable*, never as a match or a non-match.

use crate::condition::Condition;
use crate::pattern::{ArnPattern, Pattern};
use crate::source::{Span, Spanned};
use serde::Serialize;
use std::fmt;

/// The policy language version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Version {
    #[serde(rename = "2012-10-17")]
    V2012_10_17,
    #[serde(rename = "2008-10-17")]
    V2008_10_17,
}

/// Bucket (resource) policy or identity policy: they differ in which elements are allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyKind {
    Resource,
    Identity,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        })
    }
}

/// A parsed policy document.
#[derive(Clone, Debug)]
pub struct Policy {
    pub kind: PolicyKind,
    /// `None` when `Version` is absent or invalid (both behave as 2008-10-17).
    pub version: Option<Spanned<Version>>,
    pub id: Option<Spanned<String>>,
    pub statements: Vec<Statement>,
    /// Span of the whole document.
    pub span: Span,
    /// Span of the `"Statement"` key, if present.
    pub statement_key_span: Option<Span>,
}

impl Policy {
    /// Policy variables are recognised only under Version 2012-10-17 (spec §1.2).
    pub fn variables_enabled(&self) -> bool {
        matches!(
            self.version.as_ref().map(|v| v.value),
            Some(Version::V2012_10_17)
        )
    }
}

/// One statement.
#[derive(Clone, Debug)]
pub struct Statement {
    /// Position in the `Statement` list, from 0.
    pub index: usize,
    pub sid: Option<Spanned<String>>,
    pub effect: Option<Spanned<Effect>>,
    pub principal: Option<PrincipalElement>,
    pub action: Option<ActionElement>,
    pub resource: Option<ResourceElement>,
    pub condition: Option<ConditionBlock>,
    /// Span of the statement object.
    pub span: Span,
    /// Elements that were required but missing or in conflict (`Action` + `NotAction`).
    /// The evaluator marks those parts not evaluable.
    pub broken: Vec<&'static str>,
    /// An error lies in the statement (a misspelt `Condtion`, a malformed CIDR, a
    /// duplicate `Effect`; or the `Version` is invalid): what was read of it may not be
    /// what the author meant, so the evaluator answers "not evaluable" for all of it.
    pub invalid: bool,
}

impl Statement {
    /// Read whole and as written: no element missing or in conflict, no error in it.
    /// Reasoning about what statements cover (redundancy, new access) uses these only.
    pub fn is_whole(&self) -> bool {
        self.broken.is_empty() && !self.invalid
    }

    /// How reports name a statement: its `Sid`, or `#<index>`.
    pub fn id(&self) -> String {
        match &self.sid {
            Some(s) if !s.value.is_empty() => s.value.clone(),
            _ => format!("#{}", self.index),
        }
    }

    /// The span to underline when pointing at the statement as a whole: its Sid if it has one.
    pub fn head_span(&self) -> Span {
        self.sid.as_ref().map_or(self.span, |s| s.span)
    }
}

/// `Principal` or `NotPrincipal`.
#[derive(Clone, Debug)]
pub struct PrincipalElement {
    pub negated: bool,
    pub key_span: Span,
    pub value: PrincipalValue,
    pub span: Span,
}

impl PrincipalElement {
    /// The values AWS would reject ([`PrincipalId::Invalid`]), as written: what the
    /// evaluator cannot evaluate, named by its trace and by the public-access analysis.
    pub fn invalid_values(&self) -> impl Iterator<Item = &str> {
        let entries: &[PrincipalEntry] = match &self.value {
            PrincipalValue::Map(entries) => entries,
            PrincipalValue::Anyone => &[],
        };
        entries
            .iter()
            .filter(|e| e.id == PrincipalId::Invalid)
            .map(|e| e.text.value.as_str())
    }
}

#[derive(Clone, Debug)]
pub enum PrincipalValue {
    /// The string `"*"`.
    Anyone,
    /// `{"AWS": …, "Service": …, …}`.
    Map(Vec<PrincipalEntry>),
}

/// The type key of a principal map entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum PrincipalType {
    #[serde(rename = "AWS")]
    Aws,
    Service,
    Federated,
    CanonicalUser,
}

impl PrincipalType {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalType::Aws => "AWS",
            PrincipalType::Service => "Service",
            PrincipalType::Federated => "Federated",
            PrincipalType::CanonicalUser => "CanonicalUser",
        }
    }
}

/// One principal value as written, and what it denotes.
#[derive(Clone, Debug)]
pub struct PrincipalEntry {
    pub ty: PrincipalType,
    pub text: Spanned<String>,
    pub id: PrincipalId,
}

impl PrincipalEntry {
    /// A CloudFront origin access identity written as an `AWS` ARN (the parser reads it
    /// as the canonical user it is; a `CanonicalUser` entry cannot be told apart).
    pub fn is_cloudfront_oai(&self) -> bool {
        self.ty == PrincipalType::Aws && matches!(self.id, PrincipalId::Canonical(_))
    }
}

/// What a principal value denotes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalId {
    /// `{"AWS": "*"}`
    AnyAws,
    /// An account id or its root ARN: every principal of the account. `partition` is
    /// a root ARN's other than `aws` (`aws-cn`); a bare account id, or a root ARN of
    /// `aws`, has none: the account in the bucket's partition (nearly always `aws`),
    /// so the two compare equal.
    Account {
        account: String,
        partition: Option<String>,
    },
    /// `arn:PART:iam::ACCT:user/[path/]NAME`
    User { account: String, arn: String },
    /// `arn:PART:iam::ACCT:role/[path/]NAME`: all sessions of the role.
    Role {
        account: String,
        name: String,
        arn: String,
    },
    /// `arn:PART:sts::ACCT:assumed-role/ROLE/SESSION`
    Session {
        account: String,
        role: String,
        session: String,
        arn: String,
    },
    /// `arn:PART:sts::ACCT:federated-user/NAME`
    FederatedUser { account: String, arn: String },
    /// A service principal such as `cloudtrail.amazonaws.com`.
    Service(String),
    /// A web-identity or SAML provider.
    Federated(String),
    /// An S3 canonical user id (or CloudFront OAI).
    Canonical(String),
    /// A unique id (`AIDA…`, `AROA…`) left by a deleted identity: matches nobody.
    UniqueId(String),
    /// A value AWS would reject (partial wildcard, malformed ARN): not evaluable.
    Invalid,
}

impl PrincipalId {
    /// The account this principal belongs to, if any.
    pub fn account(&self) -> Option<&str> {
        match self {
            PrincipalId::Account { account, .. }
            | PrincipalId::User { account, .. }
            | PrincipalId::Role { account, .. }
            | PrincipalId::Session { account, .. }
            | PrincipalId::FederatedUser { account, .. } => Some(account),
            _ => None,
        }
    }
}

/// `Action` or `NotAction`.
#[derive(Clone, Debug)]
pub struct ActionElement {
    pub negated: bool,
    pub key_span: Span,
    pub items: Vec<ActionItem>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ActionItem {
    pub text: Spanned<String>,
    /// Compiled from the lower-cased text (actions are case-insensitive).
    pub pattern: Pattern,
}

/// `Resource` or `NotResource`.
#[derive(Clone, Debug)]
pub struct ResourceElement {
    pub negated: bool,
    pub key_span: Span,
    pub items: Vec<ResourceItem>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ResourceItem {
    pub text: Spanned<String>,
    pub pattern: ArnPattern,
}

/// The `Condition` element, flattened to (operator, key, values) triples.
#[derive(Clone, Debug)]
pub struct ConditionBlock {
    pub key_span: Span,
    pub span: Span,
    pub conditions: Vec<Condition>,
}
