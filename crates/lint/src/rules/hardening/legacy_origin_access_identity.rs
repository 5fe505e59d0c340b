//! PC210 `legacy-origin-access-identity`: an `Allow` grants to a CloudFront origin access
//! identity (OAI), which CloudFront has replaced with origin access control (OAC).

use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::{Code, Diagnostic, Severity};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC210",
        name: "legacy-origin-access-identity",
        severity: Severity::Note,
        summary: crate::registry::rule_summary!(
            "an `Allow` grants to a CloudFront origin access identity (OAI), which CloudFront calls legacy"
        ),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC210-legacy-origin-access-identity.md"),
    tags: &["hardening", "cloudfront"],
    security_severity: None,
    check: Some(check),
};

/// PC210
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for (st, entry) in super::allowed_entries(ctx.policy) {
        if !entry.is_cloudfront_oai() {
            continue;
        }
        out.push(
            ctx.finding(
                &RULE,
                entry.text.span,
                format!(
                    "statement `{}` grants to a CloudFront origin access identity, which CloudFront calls legacy",
                    st.id()
                ),
            )
            .with_label("origin access identity (OAI)")
            .with_help(
                "move the distribution to origin access control (OAC) and grant to the service \
                 for that distribution only: \"Principal\": {\"Service\": \"cloudfront.amazonaws.com\"}, \
                 \"Condition\": {\"StringEquals\": {\"aws:SourceArn\": \
                 \"arn:aws:cloudfront::ACCOUNT:distribution/DISTRIBUTION-ID\"}}; \
                 OAC also works with SSE-KMS, in every Region, and for PUT and DELETE",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};

    fn found(effect: &str, principal: &str) -> Vec<String> {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"S","Effect":"{effect}","Principal":{principal},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}]}}"#
        );
        lint(&text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC210")
            .map(|d| d.message)
            .collect()
    }

    const OAI: &str = r#"{"AWS":["arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity EH1HDMB1FH2TC"]}"#;

    #[test]
    fn a_grant_to_an_origin_access_identity_is_reported() {
        assert_eq!(
            found("Allow", OAI),
            ["statement `S` grants to a CloudFront origin access identity, which CloudFront calls legacy"]
        );
    }

    #[test]
    fn denies_other_principals_and_the_service_principal_are_not() {
        assert!(found("Deny", OAI).is_empty());
        assert!(found("Allow", r#"{"Service":"cloudfront.amazonaws.com"}"#).is_empty());
        assert!(found(
            "Allow",
            r#"{"AWS":"arn:aws:iam::111122223333:user/CloudFront"}"#
        )
        .is_empty());
    }
}
