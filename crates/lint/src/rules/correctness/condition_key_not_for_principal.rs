//! PC316 `condition-key-not-for-principal`: a condition on a key that AWS sends only
//! when a service principal calls (`aws:SourceAccount`, `aws:SourceArn`, …) in a
//! statement whose principals are all IAM identities or accounts, so the condition is
//! always false or always true.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use crate::rules::correctness::{dead_deny_is_error, is_allow, on_absent_key};
use policycheck_core::model::{PrincipalType, PrincipalValue};
use policycheck_core::{Code, Diagnostic, Severity, Statement};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC316",
        name: "condition-key-not-for-principal",
        severity: Severity::Warning,
        summary: crate::registry::rule_summary!(
            "a key AWS sends only for service principals, such as `aws:SourceAccount`, in a statement for IAM principals"
        ),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC316-condition-key-not-for-principal.md"),
    tags: &["correctness", "s3"],
    security_severity: None,
    check: Some(check),
};

/// The keys in a request only when an AWS service principal calls for one of its
/// resources (spec §7.3), and what limits an IAM principal the same way.
const SERVICE_ONLY: &[(&str, &str)] = &[
    ("aws:sourceaccount", "aws:PrincipalAccount"),
    ("aws:sourcearn", "aws:PrincipalArn"),
    ("aws:sourceorgid", "aws:PrincipalOrgID"),
    ("aws:sourceorgpaths", "aws:PrincipalOrgPaths"),
    ("aws:principalservicename", ""),
    ("aws:principalservicenameslist", ""),
];
/// Whether every principal the statement names is an IAM identity, an account or a
/// canonical user (an S3 or CloudFront identity): none of them is a service principal,
/// so none of their requests carries a service-only key. `NotPrincipal`, `"*"` and a
/// `Service` entry reach services.
fn names_no_service(st: &Statement) -> bool {
    match &st.principal {
        Some(p) if !p.negated => match &p.value {
            PrincipalValue::Map(entries) => {
                !entries.is_empty()
                    && entries
                        .iter()
                        .all(|e| matches!(e.ty, PrincipalType::Aws | PrincipalType::CanonicalUser))
            }
            PrincipalValue::Anyone => false,
        },
        _ => false,
    }
}

/// PC316
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for st in &ctx.policy.statements {
        let Some(block) = &st.condition else {
            continue;
        };
        if !names_no_service(st) {
            continue;
        }
        let allow = is_allow(st);
        for cond in &block.conditions {
            let lc: &str = cond.key_lc.as_ref();
            let Some(&(_, instead)) = SERVICE_ONLY.iter().find(|(k, _)| *k == lc) else {
                continue;
            };
            let Some((holds, effect)) = on_absent_key(cond, allow) else {
                continue;
            };
            let key = cond.key_display();
            let help = if instead.is_empty() {
                format!("`{key}` names the service that calls: to let a service in, name it in `\"Principal\": {{\"Service\": …}}`; otherwise remove the condition")
            } else {
                format!(
                    "`{key}` guards service principals (`\"Principal\": {{\"Service\": \"cloudtrail.amazonaws.com\"}}`) against acting for someone else's resource; to limit IAM principals, check `{instead}` instead, or name the principals themselves"
                )
            };
            let mut d = ctx
                .finding(
                    &RULE,
                    cond.key.span,
                    format!(
                        "`{key}` is never in a request from the statement's principals (AWS sends it only when a service principal calls for a resource), so this condition {effect}"
                    ),
                )
                .with_label("absent from every request of these principals")
                .with_help(help);
            if let Some(p) = &st.principal {
                d = d.and_label(p.span, "IAM principals only: no service");
            }
            out.push(dead_deny_is_error(d, allow, holds));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};
    use policycheck_core::{Diagnostic, Severity};

    fn found(effect: &str, principal: &str, condition: &str) -> Vec<Diagnostic> {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"{effect}","Principal":{principal},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{condition}}}]}}"#
        );
        lint(&text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC316")
            .collect()
    }

    const ROLE: &str = r#"{"AWS":"arn:aws:iam::111122223333:role/reader"}"#;

    #[test]
    fn a_service_key_on_an_iam_principal_is_reported_with_what_it_does() {
        let d = found(
            "Allow",
            ROLE,
            r#"{"StringEquals":{"aws:SourceAccount":"111122223333"}}"#,
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].message,
            "`aws:SourceAccount` is never in a request from the statement's principals (AWS sends it only when a service principal calls for a resource), so this condition never holds and the statement allows nothing"
        );
        assert_eq!(d[0].severity, Severity::Warning);
        assert!(
            d[0].help
                .as_deref()
                .is_some_and(|h| h.contains("check `aws:PrincipalAccount` instead")),
            "{:?}",
            d[0].help
        );
        // The condition and the principal are both labelled.
        assert_eq!(d[0].labels.len(), 2, "{:?}", d[0].labels);
    }

    #[test]
    fn the_consequence_follows_the_effect_and_the_operator() {
        let msg = |effect: &str, cond: &str| {
            let d = found(effect, ROLE, cond);
            assert_eq!(d.len(), 1, "{d:?}");
            (d[0].message.clone(), d[0].severity)
        };
        let (m, s) = msg(
            "Deny",
            r#"{"ArnLike":{"aws:SourceArn":"arn:aws:cloudtrail:*"}}"#,
        );
        assert!(
            m.ends_with("never holds and the statement never denies"),
            "{m}"
        );
        assert_eq!(s, Severity::Error);
        // The lock-out: a Deny on every request of the role.
        let (m, s) = msg(
            "Deny",
            r#"{"StringNotEquals":{"aws:SourceAccount":"111122223333"}}"#,
        );
        assert!(m.ends_with("denies every request it matches"), "{m}");
        assert_eq!(s, Severity::Warning);
        let (m, _) = msg(
            "Allow",
            r#"{"StringEqualsIfExists":{"aws:SourceOrgID":"o-abc"}}"#,
        );
        assert!(m.ends_with("always holds and restricts nothing"), "{m}");
    }

    #[test]
    fn principals_that_reach_services_are_not_reported() {
        let cond = r#"{"StringEquals":{"aws:SourceAccount":"111122223333"}}"#;
        for principal in [
            r#""*""#,
            r#"{"Service":"cloudtrail.amazonaws.com"}"#,
            r#"{"AWS":"arn:aws:iam::111122223333:root","Service":"logging.s3.amazonaws.com"}"#,
        ] {
            assert!(found("Allow", principal, cond).is_empty(), "{principal}");
        }
        // NotPrincipal covers every service it does not name.
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringNotEquals":{"aws:SourceAccount":"111122223333"}}}]}"#;
        assert!(!lint(text, &LintOptions::default())
            .diagnostics
            .iter()
            .any(|d| d.code == "PC316"));
        // Keys an IAM principal's request does carry.
        assert!(found(
            "Allow",
            ROLE,
            r#"{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}"#
        )
        .is_empty());
    }
}
