//! PC301 `wildcard-in-exact-operator`: `*` or `?` in the value of an exact-match operator
//! (`StringEquals` and friends), where it is a literal character.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use crate::rules::correctness::has_wildcard;
use policycheck_core::condition::{BaseOp, Operator};
use policycheck_core::{Code, Diagnostic, Severity};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC301",
        name: "wildcard-in-exact-operator",
        severity: Severity::Warning,
        summary: crate::registry::rule_summary!(
            "`*` or `?` in a `StringEquals`-style value is a literal character, not a wildcard"
        ),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC301-wildcard-in-exact-operator.md"),
    tags: &["correctness", "s3"],
    security_severity: None,
    check: Some(check),
};

/// The operator to use instead, keeping the set prefix and `IfExists`.
fn like_operator(op: Operator) -> Option<Operator> {
    let base = match op.base {
        BaseOp::StringEquals | BaseOp::StringEqualsIgnoreCase => BaseOp::StringLike,
        BaseOp::StringNotEquals | BaseOp::StringNotEqualsIgnoreCase => BaseOp::StringNotLike,
        BaseOp::ArnEquals => BaseOp::ArnLike,
        BaseOp::ArnNotEquals => BaseOp::ArnNotLike,
        _ => return None,
    };
    Some(Operator { base, ..op })
}

/// Keys whose value `*` is meant literally: the `If-None-Match: *` and `If-Match: *`
/// headers of S3's conditional writes ("only if no object has that key"), which a policy
/// requires with `StringEquals`.
const LITERAL_STAR_KEYS: &[&str] = &["s3:if-none-match", "s3:if-match"];

/// PC301
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for st in &ctx.policy.statements {
        let Some(block) = &st.condition else {
            continue;
        };
        for cond in &block.conditions {
            let Some(op) = cond.op else {
                continue;
            };
            let Some(like) = like_operator(op) else {
                continue;
            };
            let star_is_literal = LITERAL_STAR_KEYS.contains(&&*cond.key_lc);
            let mut offending = cond.values.iter().filter(|v| {
                has_wildcard(&v.text.value) && !(star_is_literal && v.text.value == "*")
            });
            let Some(first) = offending.next() else {
                continue;
            };
            let arn = matches!(op.base, BaseOp::ArnEquals | BaseOp::ArnNotEquals);
            let mut d = if arn {
                ctx.finding(&RULE, first.text.span, format!("`{op}` treats `*` and `?` as wildcards: it is the same operator as `{like}`"))
                    .with_severity(Severity::Note)
                    .with_label("a wildcard pattern")
                    .with_help(format!("write `{like}`, so that readers see the value is a pattern"))
            } else {
                let case = if matches!(
                    op.base,
                    BaseOp::StringEqualsIgnoreCase | BaseOp::StringNotEqualsIgnoreCase
                ) {
                    " (it compares case-sensitively)"
                } else {
                    ""
                };
                ctx.finding(&RULE, first.text.span, format!("`{op}` does not expand wildcards: `{}` matches only that exact text", first.text.value))
                    .with_label("`*` and `?` are literal characters here")
                    .with_help(format!(
                        "to match a pattern, write `{like}`{case}; to match one exact value, remove the `*` and `?`"
                    ))
            };
            for other in offending {
                d = d.and_label(
                    other.text.span,
                    if arn {
                        "also a wildcard pattern"
                    } else {
                        "also literal"
                    },
                );
            }
            out.push(d.and_label(cond.operator.span, "exact-match operator"));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};
    use policycheck_core::{Diagnostic, Severity};

    fn found(condition: &str) -> Vec<Diagnostic> {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"111122223333"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{condition}}}]}}"#
        );
        lint(&text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC301")
            .collect()
    }

    /// `"s3:if-none-match": "*"` requires the header of a write that must not replace an
    /// object: the `*` is the value, not a pattern (a review found the old help broke it).
    #[test]
    fn the_star_of_a_conditional_write_header_is_not_a_mistake() {
        for key in ["s3:if-none-match", "s3:if-match", "S3:If-None-Match"] {
            assert!(
                found(&format!(r#"{{"StringEquals":{{"{key}":"*"}}}}"#)).is_empty(),
                "{key}"
            );
        }
        assert_eq!(
            found(r#"{"StringEquals":{"s3:if-none-match":"etag*"}}"#).len(),
            1
        );
        assert_eq!(found(r#"{"StringEquals":{"s3:prefix":"*"}}"#).len(), 1);
    }

    #[test]
    fn wildcards_under_string_equals_are_reported_once_per_key() {
        let d = found(r#"{"StringEquals":{"aws:SourceVpce":["vpce-*","vpce-1a2b?","vpce-0123"]}}"#);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].severity, Severity::Warning);
        assert_eq!(d[0].labels.len(), 3, "{:?}", d[0].labels);
        assert!(d[0].help.as_deref().unwrap().contains("`StringLike`"));
        let d = found(r#"{"ForAnyValue:StringNotEqualsIfExists":{"aws:TagKeys":"team*"}}"#);
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .contains("`ForAnyValue:StringNotLikeIfExists`"),
            "{:?}",
            d[0].help
        );
    }

    #[test]
    fn arn_equals_with_wildcards_is_a_note() {
        let d = found(
            r#"{"ArnEquals":{"aws:SourceArn":"arn:aws:cloudfront::111122223333:distribution/*"}}"#,
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].severity, Severity::Note);
    }

    #[test]
    fn like_operators_and_escapes_pass() {
        assert!(found(r#"{"StringLike":{"aws:SourceVpce":"vpce-*"}}"#).is_empty());
        assert!(found(r#"{"StringEquals":{"s3:prefix":"a${*}b"}}"#).is_empty());
        assert!(found(r#"{"StringEquals":{"aws:SourceVpce":"vpce-0123"}}"#).is_empty());
    }
}
