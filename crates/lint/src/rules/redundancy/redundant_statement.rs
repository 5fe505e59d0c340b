//! PC320 `redundant-statement`: a statement that another statement of the same effect
//! already covers entirely.

use super::Coverage;
use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::{Code, Diagnostic, Effect, Severity};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC320",
        name: "redundant-statement",
        severity: Severity::Warning,
        summary: crate::registry::rule_summary!(
            "a statement that another statement with the same effect already covers"
        ),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC320-redundant-statement.md"),
    tags: &["redundancy", "maintainability"],
    security_severity: None,
    check: Some(check),
};

/// PC320
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let sts = &ctx.policy.statements;
    let mut cov = Coverage::default();
    for (j, b) in sts.iter().enumerate() {
        let Some(effect) = b.effect.as_ref().map(|e| e.value) else {
            continue;
        };
        // The first other statement that covers `b`. When two statements cover each
        // other (they say the same thing), only the later one is reported.
        let cover = sts.iter().enumerate().find(|(i, a)| {
            *i != j
                && a.effect.as_ref().map(|e| e.value) == Some(effect)
                && cov.covers(a, b)
                && (*i < j || !cov.covers(b, a))
        });
        let Some((_, a)) = cover else {
            continue;
        };
        let same = cov.covers(b, a);
        let verb = match effect {
            Effect::Allow => "allows",
            Effect::Deny => "denies",
        };
        let message = if same {
            format!("statement `{}` repeats statement `{}`", b.id(), a.id())
        } else {
            format!(
                "statement `{}` is redundant: statement `{}` already {verb} everything it {verb}",
                b.id(),
                a.id()
            )
        };
        let a_label = if same {
            format!("`{}` {verb} the same requests", a.id())
        } else {
            format!(
                "`{}` {verb} every request `{}` does, and more",
                a.id(),
                b.id()
            )
        };
        out.push(
            ctx.finding(&RULE, b.head_span(), message)
                .with_label("adds nothing to the policy")
                .and_label(a.head_span(), a_label)
                .with_help(format!(
                    "remove statement `{}`; if it was meant to differ from `{}`, check its `Principal`, `Action`, `Resource` and `Condition`",
                    b.id(),
                    a.id()
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};

    fn found(statements: &str) -> Vec<String> {
        let text = format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#);
        lint(&text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC320")
            .map(|d| d.message)
            .collect()
    }

    const READ: &str = r#"{"Sid": "Read", "Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#;
    const ALL: &str = r#"{"Sid": "All", "Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:*", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]}"#;

    #[test]
    fn narrower_statement_is_reported_wherever_it_is() {
        let f = found(&format!("{READ}, {ALL}"));
        assert_eq!(f, vec!["statement `Read` is redundant: statement `All` already allows everything it allows"]);
        assert_eq!(found(&format!("{ALL}, {READ}")).len(), 1);
    }

    #[test]
    fn identical_statements_report_the_later_one() {
        let again = READ.replace("\"Read\"", "\"Again\"");
        assert_eq!(
            found(&format!("{READ}, {again}")),
            vec!["statement `Again` repeats statement `Read`"]
        );
        let third = READ.replace("\"Read\"", "\"Third\"");
        assert_eq!(found(&format!("{READ}, {again}, {third}")).len(), 2);
    }

    #[test]
    fn different_effects_or_partial_overlap_are_not_redundant() {
        let deny = READ.replace("Allow", "Deny");
        assert!(found(&format!("{READ}, {deny}")).is_empty());
        let put = READ
            .replace("s3:GetObject", "s3:PutObject")
            .replace("\"Read\"", "\"Put\"");
        assert!(found(&format!("{READ}, {put}")).is_empty());
        let other_bucket = ALL.replace("arn:aws:s3:::b/*", "arn:aws:s3:::c/*");
        assert!(found(&format!("{READ}, {other_bucket}")).is_empty());
    }

    #[test]
    fn conditions_decide() {
        let vpce = READ.replace(
            r#""Resource": "arn:aws:s3:::b/*""#,
            r#""Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}"#,
        );
        // The unconditional Read covers the conditional one, not the other way round.
        assert_eq!(found(&format!("{READ}, {vpce}")).len(), 1);
        let vpce2 = vpce
            .replace("vpce-1", "vpce-2")
            .replace("\"Read\"", "\"Other\"");
        assert!(found(&format!("{vpce}, {vpce2}")).is_empty());
    }

    #[test]
    fn deny_statements_too() {
        let d1 = r#"{"Sid": "NoTls", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}"#;
        let d2 = r#"{"Sid": "NoTlsPut", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}"#;
        assert_eq!(found(&format!("{d1}, {d2}")), vec!["statement `NoTlsPut` is redundant: statement `NoTls` already denies everything it denies"]);
    }
}
