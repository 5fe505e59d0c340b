//! PC408 `empty-condition`: `"Condition": {}`, which is always true.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::{Code, Diagnostic, Severity};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC408",
        name: "empty-condition",
        severity: Severity::Note,
        summary: crate::registry::rule_summary!(
            "an empty `Condition` object, which is always true"
        ),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC408-empty-condition.md"),
    tags: &["style"],
    security_severity: None,
    check: Some(check),
};

/// PC408
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for st in &ctx.policy.statements {
        let Some(block) = &st.condition else { continue };
        if !block.conditions.is_empty() {
            continue;
        }
        // `{}` with only whitespace inside; `{"StringEquals": {}}` is PC012's.
        let raw = ctx.slice(block.span);
        let empty = raw
            .strip_prefix('{')
            .and_then(|r| r.strip_suffix('}'))
            .is_some_and(|inner| inner.trim().is_empty());
        if !empty {
            continue;
        }
        out.push(
            ctx.finding(&RULE, block.span, format!("statement `{}` has an empty `Condition`, which is always true", st.id()))
                .with_label("no conditions")
                .with_help("add the restriction that was meant to go here (for example `aws:SourceVpce`, `aws:PrincipalOrgID` or `aws:SecureTransport`), or remove `\"Condition\": {}`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};

    fn count(condition: &str) -> usize {
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {condition}}}]}}"#
        );
        lint(&text, &LintOptions::default())
            .diagnostics
            .iter()
            .filter(|d| d.code == "PC408")
            .count()
    }

    #[test]
    fn empty_object_is_reported() {
        assert_eq!(count("{}"), 1);
        assert_eq!(count("{ \n }"), 1);
    }

    #[test]
    fn non_empty_or_malformed_conditions_are_not() {
        assert_eq!(count(r#"{"Bool": {"aws:SecureTransport": "false"}}"#), 0);
        assert_eq!(count(r#"{"StringEquals": {}}"#), 0);
        assert_eq!(count("[]"), 0);
    }
}
