//! PC211 `deny-aws-star-principal`: a `Deny` whose principal is `{"AWS": "*"}`, which the
//! S3 user guide reads as signed requests only: anonymous callers may pass it.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::model::{PrincipalId, PrincipalType, PrincipalValue, Statement};
use policycheck_core::public::ActionMask;
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

/// The S3 actions a statement's `Action` or `NotAction` covers, as catalogue bits; all
/// of them when that is not known (the element is broken, or names an `s3:` action the
/// catalogue does not know).
fn s3_actions(st: &Statement) -> [u64; 3] {
    match ActionMask::with_unknown(st) {
        (ActionMask::Hits(bits), false) => bits,
        _ => [u64::MAX; 3],
    }
}

/// PC211
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    // The S3 actions an `Allow` may grant anonymous callers: those of every Allow for
    // `"*"`, `{"AWS": "*"}` (IAM's reading) or with `NotPrincipal`. A Deny need cover
    // only these.
    let mut anonymous = [0u64; 3];
    for st in &ctx.policy.statements {
        if crate::rules::correctness::is_allow(st)
            && st.principal.as_ref().is_some_and(|p| {
                p.negated
                    || match &p.value {
                        PrincipalValue::Anyone => true,
                        PrincipalValue::Map(es) => es.iter().any(|e| e.id == PrincipalId::AnyAws),
                    }
            })
        {
            let [a, b, c] = s3_actions(st);
            anonymous = [anonymous[0] | a, anonymous[1] | b, anonymous[2] | c];
        }
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
        let [a, b, c] = s3_actions(st);
        if a & anonymous[0] | b & anonymous[1] | c & anonymous[2] == 0 {
            continue;
        }
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

    #[test]
    fn only_where_the_deny_names_an_action_anonymous_callers_are_allowed() {
        let with = |allow: &str, deny: &str| {
            let text = format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":{allow},"Resource":"arn:aws:s3:::b/*"}},{{"Effect":"Deny","Principal":{{"AWS":"*"}},"Action":{deny},"Resource":"arn:aws:s3:::b/*"}}]}}"#
            );
            lint(&text, &LintOptions::default())
                .diagnostics
                .iter()
                .filter(|d| d.code == "PC211")
                .count()
        };
        // Public reads, a Deny on uploads only: anonymous callers pass it, but nothing
        // lets them upload.
        assert_eq!(with(r#""s3:GetObject""#, r#""s3:PutObject""#), 0);
        assert_eq!(with(r#""s3:Get*""#, r#"["s3:Put*", "s3:Delete*"]"#), 0);
        assert_eq!(with(r#""s3:GetObject""#, r#""s3:GetObject""#), 1);
        assert_eq!(with(r#""s3:Get*""#, r#""s3:*Object""#), 1);
        // NotAction on either side, and an action the catalogue does not know (it may
        // be any): reported.
        assert_eq!(with(r#""s3:GetObject""#, r#""s3:Put*""#), 0);
        assert_eq!(with(r#""s3:GetObject""#, r#""s3:NewFutureAction""#), 1);
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","NotAction":"s3:PutObject","Resource":"arn:aws:s3:::b/*"},{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/*"}]}"#;
        let n = lint(text, &LintOptions::default())
            .diagnostics
            .iter()
            .filter(|d| d.code == "PC211")
            .count();
        assert_eq!(n, 1);
    }
}
