//! PC307 `set-operator-on-single-valued-key`: `ForAllValues:`/`ForAnyValue:` on a key
//! that only ever holds one value.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::condition::{Operator, SetOp};
use policycheck_core::{Code, Diagnostic, Severity};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC307",
        name: "set-operator-on-single-valued-key",
        severity: Severity::Warning,
        summary: crate::registry::rule_summary!(
            "`ForAllValues:` or `ForAnyValue:` on a single-valued condition key"
        ),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC307-set-operator-on-single-valued-key.md"),
    tags: &["correctness", "s3"],
    security_severity: None,
    check: Some(check),
};

/// PC307
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for (cond, info) in ctx.conditions() {
        let (Some(op), Some(info)) = (cond.op, info) else {
            continue;
        };
        let Some(set) = op.set else {
            continue;
        };
        if info.multivalued {
            continue;
        }
        let plain = Operator { set: None, ..op };
        let why = match set {
                SetOp::ForAllValues => "; `ForAllValues:` is also true when the key is absent, which in an `Allow` admits requests without it",
                SetOp::ForAnyValue => ": a request carries at most one value, so the set operator adds nothing",
            };
        out.push(
                ctx.finding(
                    &RULE,
                    cond.operator.span,
                    format!("`{}` is single-valued: set operators such as `{}` are meant for multi-valued keys", cond.key_display(), cond.operator.value),
                )
                .with_label("set operator")
                .and_label(cond.key.span, "holds at most one value")
                .with_help(format!("write `{plain}`{why}")),
            );
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};
    use policycheck_core::Diagnostic;

    fn found(condition: &str) -> Vec<Diagnostic> {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{condition}}}]}}"#
        );
        lint(&text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC307")
            .collect()
    }

    #[test]
    fn set_operators_on_single_valued_keys_are_reported() {
        let d = found(r#"{"ForAnyValue:StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}"#);
        assert_eq!(d.len(), 1);
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .starts_with("write `StringEqualsIfExists`"),
            "{:?}",
            d[0].help
        );
        assert_eq!(
            found(r#"{"ForAllValues:StringEquals":{"aws:PrincipalTag/team":"a"}}"#).len(),
            1
        );
    }

    #[test]
    fn multi_valued_and_unknown_keys_pass() {
        assert!(found(r#"{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-1/*","aws:NoSuchKey":"x"},"StringEquals":{"aws:SourceVpce":"vpce-1"}}"#).is_empty());
    }
}
