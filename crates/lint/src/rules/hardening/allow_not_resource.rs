//! PC203 `allow-not-resource`: an `Allow` statement with `NotResource` grants on every
//! resource that is not listed.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use crate::rules::correctness::is_allow;
use policycheck_core::{Code, Diagnostic, Severity};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC203",
        name: "allow-not-resource",
        severity: Severity::Warning,
        summary:
            crate::registry::rule_summary!("an `Allow` statement uses `NotResource`, granting on every resource that is not listed"),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC203-allow-not-resource.md"),
    tags: &["security", "s3"],
    security_severity: Some("6.5"),
    check: Some(check),
};

/// PC203
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for st in &ctx.policy.statements {
        let Some(resource) = st.resource.as_ref().filter(|r| r.negated) else {
            continue;
        };
        if !is_allow(st) {
            continue;
        }
        out.push(
            ctx.finding(&RULE, resource.key_span, format!("statement `{}` allows its actions on every resource not in `NotResource`", st.id()))
                .with_label("grants on every other resource, other buckets included")
                .with_help(
                    "list the resources to grant in `Resource`, such as the bucket's objects `arn:aws:s3:::BUCKET/*`; \
                     to exclude a prefix, add a `Deny` statement for it",
                ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};

    fn count(text: &str) -> usize {
        lint(text, &LintOptions::default())
            .diagnostics
            .iter()
            .filter(|d| d.code == "PC203")
            .count()
    }

    #[test]
    fn allow_with_not_resource_is_reported() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","NotResource":"arn:aws:s3:::b/secret/*"}]}"#;
        assert_eq!(count(text), 1);
    }

    #[test]
    fn deny_with_not_resource_passes() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","NotResource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}]}"#;
        assert_eq!(count(text), 0);
    }
}
