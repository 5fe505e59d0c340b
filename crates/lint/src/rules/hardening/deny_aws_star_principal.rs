//! PC211 `deny-aws-star-principal`: a `Deny` whose principal is `{"AWS": "*"}`, which the
//! S3 user guide reads as signed requests only: anonymous callers may pass it.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::model::{PrincipalId, PrincipalType, PrincipalValue};
use policycheck_core::{Code, Diagnostic, Effect, Severity};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC211",
        name: "deny-aws-star-principal",
        severity: Severity::Warning,
        summary: crate::registry::rule_summary!(
            "a `Deny` for `{\"AWS\": \"*\"}`, which S3 reads as signed requests only: anonymous callers pass"
        ),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC211-deny-aws-star-principal.md"),
    tags: &["hardening", "anonymous"],
    security_severity: None,
    check: Some(check),
};

/// Whether an `Allow` may grant to anonymous callers: `"*"`, `{"AWS": "*"}` (IAM's
/// reading) or `NotPrincipal`. Without one, no Deny needs to cover them.
fn allows_anonymous(ctx: &LintContext<'_>) -> bool {
    ctx.policy.statements.iter().any(|st| {
        crate::rules::correctness::is_allow(st)
            && st.principal.as_ref().is_some_and(|p| {
                p.negated
                    || match &p.value {
                        PrincipalValue::Anyone => true,
                        PrincipalValue::Map(es) => es.iter().any(|e| e.id == PrincipalId::AnyAws),
                    }
            })
    })
}

/// PC211
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    if !allows_anonymous(ctx) {
        return;
    }
    for st in &ctx.policy.statements {
        if st.effect.as_ref().map(|e| e.value) != Some(Effect::Deny) {
            continue;
        }
        let Some(principal) = st.principal.as_ref().filter(|p| !p.negated) else {
            continue;
        };
        let PrincipalValue::Map(entries) = &principal.value else {
            continue;
        };
        let Some(star) = entries
            .iter()
            .find(|e| e.ty == PrincipalType::Aws && e.id == PrincipalId::AnyAws)
        else {
            continue;
        };
        out.push(
            ctx.finding(
                &RULE,
                star.text.span,
                format!(
                    "statement `{}` denies `{{\"AWS\": \"*\"}}`, which S3 reads as signed requests only: anonymous requests pass",
                    st.id()
                ),
            )
            .with_label("signed requests only (S3)")
            .with_help(
                "write \"Principal\": \"*\" in a Deny: it covers anonymous callers in both \
                 readings (`policycheck eval --aws-star-excludes-anonymous` evaluates S3's)",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};

    /// PC211 on a policy with a public read of `b/*` and this statement.
    fn found(effect: &str, principal: &str) -> Vec<String> {
        found_with(
            r#"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
            effect,
            principal,
        )
    }

    fn found_with(other: &str, effect: &str, principal: &str) -> Vec<String> {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{other},{{"Sid":"S","Effect":"{effect}","Principal":{principal},"Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{{"Bool":{{"aws:SecureTransport":"false"}}}}}}]}}"#
        );
        lint(&text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC211")
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn a_deny_for_aws_star_is_reported_in_every_spelling() {
        let want = ["statement `S` denies `{\"AWS\": \"*\"}`, which S3 reads as signed requests only: anonymous requests pass"];
        assert_eq!(found("Deny", r#"{"AWS":"*"}"#), want);
        assert_eq!(found("Deny", r#"{"AWS":["*"]}"#), want);
        assert_eq!(
            found("Deny", r#"{"AWS":["arn:aws:iam::111122223333:root","*"]}"#),
            want
        );
    }

    #[test]
    fn star_allows_and_named_principals_are_not() {
        assert!(found("Deny", r#""*""#).is_empty());
        assert!(found("Allow", r#"{"AWS":"*"}"#).is_empty());
        assert!(found("Deny", r#"{"AWS":"arn:aws:iam::111122223333:root"}"#).is_empty());
        // NotPrincipal {"AWS": "*"} excludes every signed caller: another question.
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},{"Effect":"Deny","NotPrincipal":{"AWS":"*"},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}"#;
        let codes: Vec<_> = lint(text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .map(|d| d.code)
            .collect();
        assert!(!codes.contains(&"PC211"), "{codes:?}");
    }

    #[test]
    fn only_where_an_allow_may_reach_anonymous_callers() {
        // CDK's `enforceSSL` alone, or beside grants to named principals: nothing for
        // anonymous callers to pass.
        let named = r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#;
        assert!(found_with(named, "Deny", r#"{"AWS":"*"}"#).is_empty());
        let service = r#"{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}"#;
        assert!(found_with(service, "Deny", r#"{"AWS":"*"}"#).is_empty());
        // An Allow for `{"AWS": "*"}` or with NotPrincipal may.
        for open in [
            r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
            r#"{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
        ] {
            assert_eq!(
                found_with(open, "Deny", r#"{"AWS":"*"}"#).len(),
                1,
                "{open}"
            );
        }
    }
}
