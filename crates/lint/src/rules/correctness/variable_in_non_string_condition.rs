//! PC313 `variable-in-non-string-condition`: a policy variable in the value of an operator
//! that does not substitute variables (`Numeric*`, `Date*`, `IpAddress`, `BinaryEquals`,
//! `Null`), where it is compared literally, or of `Bool`, where AWS's pages disagree
//! (spec §9 row 21: substitute, and warn).

use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::condition::Family;
use policycheck_core::text::StrFind;
use policycheck_core::{Code, Diagnostic, Severity};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC313",
        name: "variable-in-non-string-condition",
        severity: Severity::Warning,
        summary: crate::registry::rule_summary!("a policy variable in a numeric, date, IP, binary or `Null` condition value, which is never substituted (or in a `Bool` value, where AWS may not substitute it)"),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC313-variable-in-non-string-condition.md"),
    tags: &["correctness", "s3"],
    security_severity: None,
    check: Some(check),
};

/// PC313
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for st in &ctx.policy.statements {
        let Some(block) = &st.condition else {
            continue;
        };
        for cond in &block.conditions {
            let Some(op) = cond.op else {
                continue;
            };
            let family = op.base.family();
            if family == Family::Bool {
                for value in cond.values.iter().filter(|v| v.text.value.has("${")) {
                    out.push(
                        ctx.finding(
                            &RULE,
                            value.text.span,
                            format!("AWS's documentation disagrees on whether `Bool` substitutes policy variables: `{}` may be compared as literal text", value.text.value),
                        )
                        .with_label("substituted by policycheck; possibly literal text for AWS")
                        .with_help("write `true` or `false` here: a boolean key holds nothing else, and what AWS does with the variable is not settled"),
                    );
                }
                continue;
            }
            if !matches!(
                family,
                Family::Numeric | Family::Date | Family::Ip | Family::Binary | Family::Null
            ) {
                continue;
            }
            for value in cond.values.iter().filter(|v| v.text.value.has("${")) {
                out.push(
                    ctx.finding(
                        &RULE,
                        value.text.span,
                        format!("`{}` does not substitute policy variables: `{}` is compared as literal text", op.base.name(), value.text.value),
                    )
                    .with_label("literal text: never a valid value, so it never matches")
                    .and_label(cond.operator.span, "does not substitute variables")
                    .with_help("write the fixed values here; policy variables are substituted only in `String…` and `Arn…` condition values and in `Resource`"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};

    fn count(condition: &str) -> usize {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"111122223333"}},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{condition}}}]}}"#
        );
        lint(&text, &LintOptions::default())
            .diagnostics
            .iter()
            .filter(|d| d.code == "PC313")
            .count()
    }

    #[test]
    fn variables_in_non_string_values_are_reported() {
        assert_eq!(
            count(r#"{"NumericLessThan":{"s3:max-keys":"${aws:PrincipalTag/max}"}}"#),
            1
        );
        assert_eq!(
            count(r#"{"IpAddress":{"aws:SourceIp":["${aws:PrincipalTag/cidr}","192.0.2.0/24"]}}"#),
            1
        );
        assert_eq!(
            count(r#"{"DateLessThan":{"aws:CurrentTime":"${aws:TokenIssueTime}"}}"#),
            1
        );
    }

    #[test]
    fn variables_in_bool_values_are_reported_as_disputed() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"Bool":{"aws:SecureTransport":["true","${aws:PrincipalTag/tls}"]}}}]}"#;
        let found: Vec<_> = lint(text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC313")
            .collect();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].message.contains("disagrees"),
            "{}",
            found[0].message
        );
        assert_eq!(count(r#"{"Bool":{"aws:SecureTransport":"true"}}"#), 0);
    }

    #[test]
    fn variables_in_string_values_pass() {
        assert_eq!(
            count(
                r#"{"StringLike":{"s3:prefix":"home/${aws:username}/*"},"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::1:user/${aws:username}"}}"#
            ),
            0
        );
    }
}
