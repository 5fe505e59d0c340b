//! PC302 `unknown-action`: an action that is not an S3 action: a misspelt name, a pattern
//! that matches nothing, or another service's action (which S3 rejects).

use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::catalog::{operation_permission, suggest_s3_action};
use policycheck_core::{Code, Diagnostic, Severity};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC302",
        name: "unknown-action",
        severity: Severity::Warning,
        summary: crate::registry::rule_summary!("an action that is not a known S3 action, or another service's action in a bucket policy"),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC302-unknown-action.md"),
    tags: &["correctness", "s3"],
    security_severity: None,
    check: Some(check),
};

const REFERENCE: &str = "see \"Actions, resources, and condition keys for Amazon S3\" in the Service Authorization Reference for the list";

/// PC302
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for st in &ctx.policy.statements {
        let Some(action) = &st.action else {
            continue;
        };
        let element = if action.negated {
            "NotAction"
        } else {
            "Action"
        };
        let indices = ctx.action_indices(st);
        for (k, item) in action.items.iter().enumerate() {
            let text = item.text.value.as_str();
            // `*` is every action; text that is not `service:Name` is reported by the parser (PC014).
            // Byte scans: a `str` searcher costs more to set up than these short texts take.
            let Some(colon) = text.bytes().position(|b| b == b':') else {
                continue;
            };
            let (service, name) = (
                text.get(..colon).unwrap_or(""),
                text.get(colon + 1..).unwrap_or(""),
            );
            let well_formed = !service.is_empty()
                && service
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !name.is_empty()
                && !name.bytes().any(|b| b == b':');
            if !well_formed {
                continue;
            }
            let d = if !service.eq_ignore_ascii_case("s3") {
                let d = ctx
                    .finding(&RULE, item.text.span, format!("`{text}` is not an S3 action: a bucket policy can only grant S3 actions"))
                    .with_severity(Severity::Error)
                    .with_label(format!("an action of `{service}`"));
                match suggest_s3_action(text) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help(format!(
                        "remove it from `{element}`: S3 rejects the policy (\"Policy has invalid action\"); grant `{service}` actions in an IAM identity policy"
                    )),
                }
            } else if item.pattern.has_wildcards() {
                if !policycheck_core::catalog::matching_actions(&item.pattern).is_empty() {
                    continue;
                }
                ctx.finding(
                    &RULE,
                    item.text.span,
                    format!("`{text}` matches no S3 action"),
                )
                .with_label("matches nothing")
                .with_help(format!("check the spelling of the pattern; {REFERENCE}"))
            } else {
                if indices.get(k).copied().flatten().is_some() {
                    continue;
                }
                if let Some(needs) = operation_permission(text) {
                    out.push(
                        ctx.finding(
                            &RULE,
                            item.text.span,
                            format!("`{text}` names an S3 API operation, not an action"),
                        )
                        .with_label("an API operation")
                        .with_help(format!("S3 checks this operation as {needs}. Name the permission: an action S3 does not know never matches a request")),
                    );
                    continue;
                }
                let d = ctx
                    .finding(&RULE, item.text.span, format!("unknown S3 action `{text}`"))
                    .with_label("not an S3 action");
                match suggest_s3_action(text) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help(format!("check the spelling; {REFERENCE}")),
                }
            };
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};
    use policycheck_core::{Diagnostic, Severity};

    fn found(actions: &str) -> Vec<Diagnostic> {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"111122223333"}},"Action":{actions},"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}}]}}"#
        );
        lint(&text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC302")
            .collect()
    }

    #[test]
    fn api_operation_names_get_the_permission_they_need() {
        let d = found(r#"["s3:ListObjectsV2", "s3:HeadObject", "s3:CopyObject"]"#);
        assert_eq!(d.len(), 3);
        assert_eq!(
            d[0].message,
            "`s3:ListObjectsV2` names an S3 API operation, not an action"
        );
        assert!(d[0]
            .help
            .as_deref()
            .unwrap()
            .starts_with("S3 checks this operation as `s3:ListBucket` (on the bucket ARN). "));
        assert!(d[1].help.as_deref().unwrap().contains("`s3:GetObject`"));
        assert!(d[2]
            .help
            .as_deref()
            .unwrap()
            .contains("`s3:GetObject` on the source and `s3:PutObject` on the destination"));
    }

    #[test]
    fn misspelt_actions_get_a_suggestion() {
        let d = found(r#"["s3:GetObjects"]"#);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].message, "unknown S3 action `s3:GetObjects`");
        assert_eq!(d[0].help.as_deref(), Some("did you mean `s3:GetObject`?"));
    }

    #[test]
    fn patterns_matching_nothing_are_reported() {
        let d = found(r#""s3:Gett*""#);
        assert_eq!(d[0].message, "`s3:Gett*` matches no S3 action");
        assert_eq!(d[0].severity, Severity::Warning);
    }

    #[test]
    fn other_services_are_errors() {
        let d = found(r#"["ec2:RunInstances","s3:GetObject"]"#);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].severity, Severity::Error);
    }

    #[test]
    fn malformed_actions_are_left_to_the_parser() {
        assert!(found(r#"["arn:aws:s3:::b","s3:Get:Object","s*:GetObject","s3:"]"#).is_empty());
    }

    #[test]
    fn known_actions_any_case_and_patterns_pass() {
        assert!(
            found(r#"["s3:GetObject","S3:listbucket","s3:Get*","s3:*","*","s3:?etObject"]"#)
                .is_empty()
        );
    }
}
