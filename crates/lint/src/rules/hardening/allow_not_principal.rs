//! PC201 `allow-not-principal`: an `Allow` statement with `NotPrincipal` grants access to
//! everyone except the principals it lists.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use crate::rules::correctness::is_allow;
use policycheck_core::{Code, Diagnostic, Severity};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC201",
        name: "allow-not-principal",
        severity: Severity::Error,
        summary: crate::registry::rule_summary!(
            "an `Allow` statement uses `NotPrincipal`, granting access to everyone not listed"
        ),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC201-allow-not-principal.md"),
    tags: &["security", "s3"],
    security_severity: Some("8.0"),
    check: Some(check),
};

/// PC201
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for st in &ctx.policy.statements {
        let Some(principal) = st.principal.as_ref().filter(|p| p.negated) else {
            continue;
        };
        if !is_allow(st) {
            continue;
        }
        let mut d = ctx
            .finding(
                &RULE,
                principal.key_span,
                format!(
                    "statement `{}` allows everyone except the principals in `NotPrincipal`",
                    st.id()
                ),
            )
            .with_label("grants to every principal not listed, anonymous callers included");
        if let Some(effect) = &st.effect {
            d = d.and_label(
                effect.span,
                "`Allow` with `NotPrincipal` is not supported by AWS",
            );
        }
        out.push(d.with_help(
            "name the principals that need access in `Principal` instead, e.g. \
             \"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:role/Reader\"}; \
             use `NotPrincipal` only in a `Deny` statement",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};

    fn codes(text: &str) -> Vec<&'static str> {
        lint(text, &LintOptions::default())
            .diagnostics
            .iter()
            .map(|d| d.code)
            .filter(|c| *c == "PC201")
            .collect()
    }

    #[test]
    fn allow_with_not_principal_is_reported() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;
        assert_eq!(codes(text), ["PC201"]);
    }

    #[test]
    fn deny_with_not_principal_and_allow_with_principal_pass() {
        let text = r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"},
            {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;
        assert!(codes(text).is_empty());
    }
}
