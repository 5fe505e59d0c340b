//! PC306 `forallvalues-without-null-guard`: `ForAllValues:` in an `Allow` without a
//! `Null` guard, so requests that send no values at all are allowed.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use crate::rules::correctness::is_allow;
use policycheck_core::condition::{BaseOp, Condition, SetOp};
use policycheck_core::{Code, Diagnostic, Severity};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC306",
        name: "forallvalues-without-null-guard",
        severity: Severity::Warning,
        summary: crate::registry::rule_summary!(
            "`ForAllValues:` in an `Allow` is true when the key is absent; add a `Null` guard"
        ),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC306-forallvalues-without-null-guard.md"),
    tags: &["security", "s3"],
    security_severity: Some("6.0"),
    check: Some(check),
};

/// Whether condition `c` makes the request carry the key `key_lc`:
///
/// - `"Null": {key: "false"}`, the documented guard;
/// - `ForAnyValue:` on the same key, which is false when the key is absent (spec §3.3);
/// - for the tag-key lists, a positive condition on one request tag
///   (`s3:RequestObjectTag/<k>` for `s3:RequestObjectTagKeys`, `aws:RequestTag/<k>` for
///   `aws:TagKeys`): the tag is then sent, so the list of tag keys is not empty.
fn guards(c: &Condition, key_lc: &str) -> bool {
    let Some(op) = c.op else {
        return false;
    };
    if c.key_lc == key_lc {
        return match (op.set, op.base) {
            (None, BaseOp::Null) => {
                !c.values.is_empty()
                    && c.values
                        .iter()
                        .all(|v| v.text.value.eq_ignore_ascii_case("false"))
            }
            (Some(SetOp::ForAnyValue), _) => true,
            _ => false,
        };
    }
    let tag_prefix = match key_lc {
        "s3:requestobjecttagkeys" => "s3:requestobjecttag/",
        "aws:tagkeys" => "aws:requesttag/",
        _ => return false,
    };
    c.key_lc.starts_with(tag_prefix)
        && op.set.is_none()
        && !op.if_exists
        && !op.base.is_negated()
        && op.base != BaseOp::Null
}

/// PC306
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for st in &ctx.policy.statements {
        if !is_allow(st) {
            continue;
        }
        let Some(block) = &st.condition else {
            continue;
        };
        for cond in &block.conditions {
            if !cond
                .op
                .is_some_and(|op| op.set == Some(SetOp::ForAllValues))
            {
                continue;
            }
            if block.conditions.iter().any(|c| guards(c, &cond.key_lc)) {
                continue;
            }
            // A single-valued key: PC307 reports it, with the right fix (the operator
            // without `ForAllValues:`); a `Null` guard or `ForAnyValue:` would be another.
            if policycheck_core::catalog::condition_key(&cond.key_lc)
                .is_some_and(|i| !i.multivalued)
            {
                continue;
            }
            let key = cond.key_display();
            out.push(
                ctx.finding(
                    &RULE,
                    cond.operator.span,
                    format!("`{}` is true when the request has no `{key}`, so this `Allow` also admits requests without it", cond.operator.value),
                )
                .with_label("true when the key is absent or empty")
                .and_label(cond.key.span, "not required to be present")
                .with_help(format!(
                    "require the key in the same `Condition`: \"Null\": {{\"{key}\": \"false\"}}; \
                     or use `ForAnyValue:` if one matching value is enough"
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};

    fn count(effect: &str, condition: &str) -> usize {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"{effect}","Principal":{{"AWS":"111122223333"}},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*","Condition":{condition}}}]}}"#
        );
        lint(&text, &LintOptions::default())
            .diagnostics
            .iter()
            .filter(|d| d.code == "PC306")
            .count()
    }

    #[test]
    fn unguarded_forallvalues_in_allow_is_reported() {
        assert_eq!(
            count(
                "Allow",
                r#"{"ForAllValues:StringEquals":{"s3:RequestObjectTagKeys":["team","project"]}}"#
            ),
            1
        );
        // A guard on another key does not count.
        assert_eq!(
            count(
                "Allow",
                r#"{"ForAllValues:StringEquals":{"aws:TagKeys":"a"},"Null":{"s3:RequestObjectTagKeys":"false"}}"#
            ),
            1
        );
        // `Null: true` is not a guard.
        assert_eq!(
            count(
                "Allow",
                r#"{"ForAllValues:StringEquals":{"aws:TagKeys":"a"},"Null":{"aws:TagKeys":"true"}}"#
            ),
            1
        );
    }

    #[test]
    fn single_valued_keys_are_left_to_pc307() {
        // One finding with one fix (PC307: drop `ForAllValues:`), not two that disagree.
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"ForAllValues:StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}]}"#;
        let codes: Vec<_> = lint(text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .map(|d| d.code)
            .filter(|c| *c == "PC306" || *c == "PC307")
            .collect();
        assert_eq!(codes, vec!["PC307"]);
        // A key the catalogue does not know may hold several values: still PC306.
        assert_eq!(
            count(
                "Allow",
                r#"{"ForAllValues:StringEquals":{"aws:SomeNewList":"a"}}"#
            ),
            1
        );
    }

    #[test]
    fn keys_made_present_by_other_conditions_pass() {
        // AWS's own example: the required tag implies a non-empty list of tag keys.
        assert_eq!(
            count(
                "Allow",
                r#"{"StringEquals":{"s3:RequestObjectTag/Department":"Finance"},"ForAllValues:StringLike":{"s3:RequestObjectTagKeys":["Department","Project"]}}"#
            ),
            0
        );
        assert_eq!(
            count(
                "Allow",
                r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":"a"},"ForAllValues:StringLike":{"aws:TagKeys":["a","b"]}}"#
            ),
            0
        );
        // A negated or optional tag condition does not make the tag present.
        assert_eq!(
            count(
                "Allow",
                r#"{"StringNotEquals":{"s3:RequestObjectTag/Department":"HR"},"ForAllValues:StringLike":{"s3:RequestObjectTagKeys":"Department"}}"#
            ),
            1
        );
        assert_eq!(
            count(
                "Allow",
                r#"{"StringEqualsIfExists":{"aws:RequestTag/team":"a"},"ForAllValues:StringLike":{"aws:TagKeys":"team"}}"#
            ),
            1
        );
    }

    #[test]
    fn guarded_or_deny_or_foranyvalue_passes() {
        assert_eq!(
            count(
                "Allow",
                r#"{"ForAllValues:StringEquals":{"aws:TagKeys":"a"},"Null":{"AWS:TagKeys":false}}"#
            ),
            0
        );
        assert_eq!(
            count(
                "Deny",
                r#"{"ForAllValues:StringNotLike":{"aws:TagKeys":"a*"}}"#
            ),
            0
        );
        assert_eq!(
            count(
                "Allow",
                r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":"a"}}"#
            ),
            0
        );
    }
}
