//! What a rule sees: the parsed policy, its text, the public-access answer and the options.

use crate::registry::RuleMeta;
use policycheck_core::public::PublicAccess;
use policycheck_core::{Diagnostic, Policy, Span};

/// Options that change what rules report.
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    /// The bucket the policy is attached to, when known (`--bucket`): resources naming
    /// any other bucket are errors, not warnings.
    pub bucket: Option<String>,
    /// The bucket owner's account id, when known: grants to it are not cross-account.
    pub owner_account: Option<String>,
}

/// The input of every rule's check.
pub struct LintContext<'a> {
    pub policy: &'a Policy,
    pub text: &'a str,
    pub access: &'a PublicAccess,
    pub options: &'a LintOptions,
    /// [`LintContext::policy_bucket`], worked out once for all the rules that ask.
    bucket: std::cell::OnceCell<Option<(String, Option<Span>)>>,
}

impl<'a> LintContext<'a> {
    pub fn new(
        policy: &'a Policy,
        text: &'a str,
        access: &'a PublicAccess,
        options: &'a LintOptions,
    ) -> Self {
        Self {
            policy,
            text,
            access,
            options,
            bucket: std::cell::OnceCell::new(),
        }
    }

    /// The bucket this policy is about (see [`crate::rules::correctness::policy_bucket`]).
    pub fn policy_bucket(&self) -> Option<&(String, Option<Span>)> {
        self.bucket
            .get_or_init(|| crate::rules::correctness::policy_bucket(self))
            .as_ref()
    }

    /// A finding for `rule` at `span`, with the rule's default severity.
    pub fn finding(&self, rule: &RuleMeta, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(&rule.code, span, message)
    }

    /// The text under a span (empty when out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}
