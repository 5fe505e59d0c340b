//! PC307 `set-operator-on-single-valued-key`: `ForAllValues:`/`ForAnyValue:` on a key
//! that only ever holds one value.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::condition::{Operator, SetOp};
use policycheck_core::model::Effect;
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
    for st in &ctx.policy.statements {
        let deny = st.effect.as_ref().is_some_and(|e| e.value == Effect::Deny);
        for cond in st.condition.iter().flat_map(|c| &c.conditions) {
            let (Some(op), Some(info)) = (cond.op, cond.info) else {
                continue;
            };
            let Some(set) = op.set else {
                continue;
            };
            if info.multivalued {
                continue;
            }
            out.push(
                ctx.finding(
                    &RULE,
                    cond.operator.span,
                    format!("`{}` is single-valued: set operators such as `{}` are meant for multi-valued keys", cond.key_display(), cond.operator.value),
                )
                .with_label("set operator")
                .and_label(cond.key.span, "holds at most one value")
                .with_help(rewrite(op, set, deny, &cond.key_display())),
            );
        }
    }
}

/// The single-valued form of `op` to suggest. On one value both set operators reduce to
/// the base operator; they differ only when the key is absent, where `ForAllValues:` is
/// true and `ForAnyValue:` false whatever `IfExists` says (spec §3.5). The suggestion keeps
/// that, except for the usual mistake (`ForAllValues:` with a positive operator in an
/// `Allow`), where it names the stricter form and says what changes.
fn rewrite(op: Operator, set: SetOp, deny: bool, key: &str) -> String {
    let plain = Operator {
        set: None,
        if_exists: false,
        ..op
    };
    let if_exists = Operator {
        if_exists: true,
        ..plain
    };
    let negated = op.base.is_negated();
    match set {
        SetOp::ForAllValues if negated => format!(
            "write `{plain}`, the same on one value (also true when the key is absent)"
        ),
        SetOp::ForAllValues if deny => format!(
            "write `{if_exists}`, the same on one value (also true when the key is absent)"
        ),
        SetOp::ForAllValues => format!(
            "write `{plain}`: `ForAllValues:` is also true when the key is absent, so this `Allow` admits requests without it (`{if_exists}` keeps that)"
        ),
        SetOp::ForAnyValue if negated => format!(
            "write `{plain}` and add `\"Null\": {{\"{key}\": \"false\"}}` beside it: `ForAnyValue:` is false when the key is absent, `{plain}` alone true"
        ),
        SetOp::ForAnyValue => format!(
            "write `{plain}`, the same on one value (false when the key is absent{})",
            if op.if_exists {
                "; under `ForAnyValue:`, `IfExists` does not change that: drop it"
            } else {
                ""
            }
        ),
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

    fn help(effect: &str, condition: &str) -> String {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"{effect}","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{condition}}}]}}"#
        );
        let d: Vec<_> = lint(&text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC307")
            .collect();
        assert_eq!(d.len(), 1, "{condition}");
        d[0].help.clone().unwrap()
    }

    #[test]
    fn set_operators_on_single_valued_keys_are_reported() {
        assert_eq!(
            found(r#"{"ForAllValues:StringEquals":{"aws:PrincipalTag/team":"a"}}"#).len(),
            1
        );
        assert_eq!(
            found(r#"{"ForAnyValue:StringLike":{"aws:SourceVpce":"vpce-*"}}"#).len(),
            1
        );
    }

    #[test]
    fn the_suggested_form_keeps_the_meaning_when_the_key_is_absent() {
        // `ForAnyValue:` is false on an absent key, `IfExists` or not: keeping `IfExists`
        // in the rewrite would let in every request without an endpoint.
        let h = help(
            "Allow",
            r#"{"ForAnyValue:StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}"#,
        );
        assert!(h.starts_with("write `StringEquals`,"), "{h}");
        assert!(h.contains("drop it"), "{h}");
        // A negated operator alone is true on an absent key: the guard keeps it false.
        let h = help(
            "Allow",
            r#"{"ForAnyValue:StringNotEquals":{"aws:SourceVpce":"vpce-1"}}"#,
        );
        assert!(
            h.starts_with(
                r#"write `StringNotEquals` and add `"Null": {"aws:SourceVpce": "false"}`"#
            ),
            "{h}"
        );
        // `ForAllValues:` is true on an absent key: in a Deny that is kept (`IfExists`);
        // in an Allow the stricter plain form is what was meant, and the help says so.
        let h = help(
            "Deny",
            r#"{"ForAllValues:StringEquals":{"aws:SourceVpce":"vpce-1"}}"#,
        );
        assert!(h.starts_with("write `StringEqualsIfExists`,"), "{h}");
        let h = help(
            "Allow",
            r#"{"ForAllValues:StringEquals":{"aws:SourceVpce":"vpce-1"}}"#,
        );
        assert!(h.starts_with("write `StringEquals`:"), "{h}");
        assert!(h.contains("`StringEqualsIfExists` keeps that"), "{h}");
        let h = help(
            "Allow",
            r#"{"ForAllValues:StringNotEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}"#,
        );
        assert!(h.starts_with("write `StringNotEquals`,"), "{h}");
    }

    #[test]
    fn multi_valued_and_unknown_keys_pass() {
        assert!(found(r#"{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-1/*","aws:NoSuchKey":"x"},"StringEquals":{"aws:SourceVpce":"vpce-1"}}"#).is_empty());
    }
}
