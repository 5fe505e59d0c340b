//! PC321 `shadowed-allow`: an Allow statement that an unconditional Deny overrides
//! entirely, so it never grants anything.

use super::Coverage;
use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::{Code, Diagnostic, Effect, Severity};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC321",
        name: "shadowed-allow",
        severity: Severity::Warning,
        summary: crate::registry::rule_summary!("an Allow statement that a Deny statement overrides entirely, so it never grants anything"),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC321-shadowed-allow.md"),
    tags: &["redundancy", "correctness"],
    security_severity: None,
    check: Some(check),
};

fn effect_of(st: &policycheck_core::Statement) -> Option<Effect> {
    st.effect.as_ref().map(|e| e.value)
}

/// PC321
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let sts = &ctx.policy.statements;
    let mut cov = Coverage::default();
    for b in sts.iter().filter(|s| effect_of(s) == Some(Effect::Allow)) {
        let Some(d) = sts
            .iter()
            .find(|d| effect_of(d) == Some(Effect::Deny) && cov.covers(d, b))
        else {
            continue;
        };
        let conditional = d
            .condition
            .as_ref()
            .is_some_and(|c| !c.conditions.is_empty());
        let d_label = if conditional {
            format!(
                "`{}` denies every request `{}` allows, under conditions `{}` also requires",
                d.id(),
                b.id(),
                b.id()
            )
        } else {
            format!("`{}` denies every request `{}` allows", d.id(), b.id())
        };
        out.push(
            ctx.finding(
                &RULE,
                b.head_span(),
                format!(
                    "statement `{}` never grants anything: the Deny in statement `{}` overrides all of it",
                    b.id(),
                    d.id()
                ),
            )
            .with_label("this Allow never takes effect")
            .and_label(d.head_span(), d_label)
            .with_help(format!(
                "an explicit Deny always wins over an Allow; remove `{}`, or narrow `{}` (its `Principal`, `Action`, `Resource` or a `Condition`) so that it no longer covers the requests `{}` should allow",
                b.id(),
                d.id(),
                b.id()
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
            .filter(|d| d.code == "PC321")
            .map(|d| d.message)
            .collect()
    }

    const READ: &str = r#"{"Sid": "Read", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Reader"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#;

    #[test]
    fn unconditional_deny_shadows_allow() {
        let deny = r#"{"Sid": "Lock", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}"#;
        assert_eq!(
            found(&format!("{READ}, {deny}")),
            vec!["statement `Read` never grants anything: the Deny in statement `Lock` overrides all of it"]
        );
    }

    #[test]
    fn conditional_or_narrower_deny_does_not() {
        let tls = r#"{"Sid": "Tls", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}"#;
        assert!(found(&format!("{READ}, {tls}")).is_empty());
        let put = r#"{"Sid": "NoPut", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "*"}"#;
        assert!(found(&format!("{READ}, {put}")).is_empty());
        let prefix = r#"{"Sid": "Secret", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/secret/*"}"#;
        assert!(found(&format!("{READ}, {prefix}")).is_empty());
        let not_principal = r#"{"Sid": "Others", "Effect": "Deny", "NotPrincipal": {"AWS": "111122223333"}, "Action": "s3:*", "Resource": "*"}"#;
        assert!(found(&format!("{READ}, {not_principal}")).is_empty());
    }

    #[test]
    fn deny_with_conditions_the_allow_also_has() {
        let cond = r#""Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}"#;
        let allow = READ.replace(
            r#""Resource": "arn:aws:s3:::b/*""#,
            &format!(r#""Resource": "arn:aws:s3:::b/*", {cond}"#),
        );
        let deny = format!(
            r#"{{"Sid": "D", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", {cond}}}"#
        );
        assert_eq!(found(&format!("{allow}, {deny}")).len(), 1);
        assert!(found(&format!("{READ}, {deny}")).is_empty());
    }

    #[test]
    fn principal_must_be_covered() {
        let deny = r#"{"Sid": "D", "Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Other"}, "Action": "s3:*", "Resource": "*"}"#;
        assert!(found(&format!("{READ}, {deny}")).is_empty());
        let same = r#"{"Sid": "D", "Effect": "Deny", "Principal": {"AWS": ["arn:aws:iam::111122223333:role/Other", "arn:aws:iam::111122223333:role/Reader"]}, "Action": "s3:*", "Resource": "*"}"#;
        assert_eq!(found(&format!("{READ}, {same}")).len(), 1);
    }
}
