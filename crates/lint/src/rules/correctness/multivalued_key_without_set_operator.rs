//! PC308 `multivalued-key-without-set-operator`: a multi-valued key tested with a plain
//! operator instead of `ForAnyValue:`/`ForAllValues:`.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::condition::{BaseOp, Operator, SetOp};
use policycheck_core::{Code, Diagnostic, Severity};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC308",
        name: "multivalued-key-without-set-operator",
        severity: Severity::Error,
        summary: crate::registry::rule_summary!(
            "a multi-valued condition key used without `ForAnyValue:` or `ForAllValues:`"
        ),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC308-multivalued-key-without-set-operator.md"),
    tags: &["correctness", "s3"],
    security_severity: None,
    check: Some(check),
};

/// PC308
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for (cond, info) in ctx.conditions() {
        let (Some(op), Some(info)) = (cond.op, info) else {
            continue;
        };
        if op.set.is_some() || op.base == BaseOp::Null || !info.multivalued {
            continue;
        }
        let any = Operator {
            set: Some(SetOp::ForAnyValue),
            ..op
        };
        let all = Operator {
            set: Some(SetOp::ForAllValues),
            ..op
        };
        out.push(
                ctx.finding(
                    &RULE,
                    cond.operator.span,
                    format!("`{}` is multi-valued: `{}` needs `ForAnyValue:` or `ForAllValues:`", cond.key_display(), cond.operator.value),
                )
                .with_label("plain operator on a list of values")
                .and_label(cond.key.span, "can hold several values")
                .with_help(format!(
                    "write `{any}` to require at least one matching value, or `{all}` to require every value to match \
                     (with \"Null\": {{\"{}\": \"false\"}} in an `Allow`); as written, a request with two or more values {}",
                    cond.key_display(),
                    if op.base.is_negated() { "always matches" } else { "never matches" }
                )),
            );
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};

    fn count(condition: &str) -> usize {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"111122223333"}},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*","Condition":{condition}}}]}}"#
        );
        lint(&text, &LintOptions::default())
            .diagnostics
            .iter()
            .filter(|d| d.code == "PC308")
            .count()
    }

    #[test]
    fn plain_operator_on_multi_valued_key_is_reported() {
        assert_eq!(count(r#"{"StringEquals":{"aws:TagKeys":"team"}}"#), 1);
        assert_eq!(
            count(r#"{"StringLikeIfExists":{"aws:PrincipalOrgPaths":"o-1/*"}}"#),
            1
        );
    }

    #[test]
    fn set_operators_null_and_single_valued_keys_pass() {
        assert_eq!(
            count(
                r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":"team"},"Null":{"aws:TagKeys":"false"},"StringEquals":{"aws:SourceVpce":"vpce-1"}}"#
            ),
            0
        );
    }
}
