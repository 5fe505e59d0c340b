//! PC406 `bool-value-case`: a `Bool` condition value that is `true`/`false` in another
//! case (`"True"`, `"FALSE"`).

use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::condition::BaseOp;
use policycheck_core::{Code, Diagnostic, Severity};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC406",
        name: "bool-value-case",
        severity: Severity::Note,
        summary: crate::registry::rule_summary!(
            "a `Bool` value written `True`, `FALSE` or another non-lowercase spelling"
        ),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC406-bool-value-case.md"),
    tags: &["style"],
    security_severity: None,
    check: Some(check),
};

/// PC406
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for st in &ctx.policy.statements {
        let Some(block) = &st.condition else { continue };
        for c in &block.conditions {
            if c.op.map(|op| op.base) != Some(BaseOp::Bool) {
                continue;
            }
            for v in &c.values {
                let text = v.text.value.as_str();
                let fixed = if text.eq_ignore_ascii_case("true") {
                    "true"
                } else if text.eq_ignore_ascii_case("false") {
                    "false"
                } else {
                    continue;
                };
                if text == fixed {
                    continue;
                }
                out.push(
                    ctx.finding(&RULE, v.text.span, format!("`Bool` value `{text}` is not lowercase"))
                        .with_label(format!("write `{fixed}`"))
                        .with_help(format!(
                            "write \"{fixed}\" (or the JSON boolean {fixed}): AWS documents only lowercase `true` and `false`; it accepts other spellings, but other tools may not"
                        )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};

    fn found(op: &str, value: &str) -> Vec<String> {
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {{"{op}": {{"aws:SecureTransport": {value}}}}}}}]}}"#
        );
        lint(&text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC406")
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn mixed_case_is_reported() {
        assert_eq!(
            found("Bool", r#""False""#),
            vec!["`Bool` value `False` is not lowercase"]
        );
        assert_eq!(found("BoolIfExists", r#"["TRUE", "false"]"#).len(), 1);
    }

    #[test]
    fn lowercase_and_json_booleans_pass() {
        assert!(found("Bool", r#""false""#).is_empty());
        assert!(found("Bool", "false").is_empty());
        assert!(found("Bool", "true").is_empty());
        assert!(found("StringEquals", r#""False""#).is_empty());
    }
}
