//! What a rule sees: the parsed policy, its text, the public-access answer and the options.

use crate::registry::RuleMeta;
use crate::rules::correctness::{s3_arn, S3Arn};
use policycheck_core::catalog::{s3_action_index, ConditionKeyInfo};
use policycheck_core::condition::Condition;
use policycheck_core::public::PublicAccess;
use policycheck_core::{Diagnostic, Policy, Span, Statement};

/// Options that change what rules report.
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    /// The bucket the policy is attached to, when known (`--bucket`): resources naming
    /// any other bucket are errors, not warnings.
    pub bucket: Option<String>,
    /// The bucket owner's account id, when known: grants to it are not cross-account.
    pub owner_account: Option<String>,
    /// The readings of the public-access analysis (spec §6.2, §9).
    pub analysis: policycheck_core::public::AnalysisOptions,
}

/// The input of every rule's check.
pub struct LintContext<'a> {
    pub policy: &'a Policy,
    pub text: &'a str,
    pub access: &'a PublicAccess,
    pub options: &'a LintOptions,
    /// [`LintContext::policy_bucket`], worked out once for all the rules that ask.
    bucket: std::cell::OnceCell<Option<(String, Option<Span>)>>,
    /// [`LintContext::action_indices`] of every statement, looked up once.
    actions: std::cell::OnceCell<Vec<Vec<Option<usize>>>>,
    /// [`LintContext::resource_arns`] of every statement, read once.
    arns: std::cell::OnceCell<Vec<Vec<Option<S3Arn<'a>>>>>,
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
            actions: std::cell::OnceCell::new(),
            arns: std::cell::OnceCell::new(),
        }
    }

    /// The bucket this policy is about (see [`crate::rules::correctness::policy_bucket`]).
    pub fn policy_bucket(&self) -> Option<&(String, Option<Span>)> {
        self.bucket
            .get_or_init(|| crate::rules::correctness::policy_bucket(self))
            .as_ref()
    }

    /// Every condition of the policy, statement by statement, with the catalogue entry
    /// of its key (`None` for a key the catalogue does not know).
    pub fn conditions(
        &self,
    ) -> impl Iterator<Item = (&'a Condition, Option<&'static ConditionKeyInfo>)> + '_ {
        self.policy
            .statements
            .iter()
            .filter_map(|st| st.condition.as_ref())
            .flat_map(|block| block.conditions.iter())
            .map(|c| (c, c.info))
    }

    /// For each item of the statement's `Action`/`NotAction`, the catalogue index of the
    /// S3 action it names: `None` for a pattern with wildcards and for a name the
    /// catalogue does not know.
    pub fn action_indices(&self, st: &Statement) -> &[Option<usize>] {
        let all = self.actions.get_or_init(|| {
            let mut seen = Vec::new();
            self.policy
                .statements
                .iter()
                .map(|st| {
                    st.action
                        .iter()
                        .flat_map(|a| a.items.iter())
                        .map(|item| {
                            if item.pattern.has_wildcards() {
                                None
                            } else {
                                per_text(&mut seen, &item.text.value, s3_action_index)
                            }
                        })
                        .collect()
                })
                .collect()
        });
        all.get(st.index).map_or(&[], Vec::as_slice)
    }

    /// For each item of the statement's `Resource`/`NotResource`, the item read as an S3
    /// bucket or object ARN ([`s3_arn`]), worked out once for all the rules that ask.
    pub(crate) fn resource_arns(&self, st: &Statement) -> &[Option<S3Arn<'a>>] {
        let policy: &'a Policy = self.policy;
        let all = self.arns.get_or_init(|| {
            let mut seen = Vec::new();
            policy
                .statements
                .iter()
                .map(|st| {
                    st.resource
                        .iter()
                        .flat_map(|r| r.items.iter())
                        .map(|item| per_text(&mut seen, &item.text.value, s3_arn))
                        .collect()
                })
                .collect()
        });
        all.get(st.index).map_or(&[], Vec::as_slice)
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

/// `f(text)`, worked out once per distinct text: statements repeat the same few ARNs
/// and actions. Only the first few distinct texts are kept, so a policy of many
/// different texts costs no more than computing each.
pub(crate) fn per_text<'t, T: Copy>(
    seen: &mut Vec<(&'t str, T)>,
    text: &'t str,
    f: impl FnOnce(&'t str) -> T,
) -> T {
    if let Some((_, v)) = seen.iter().find(|(t, _)| *t == text) {
        return *v;
    }
    let v = f(text);
    if seen.len() < 8 {
        seen.push((text, v));
    }
    v
}
