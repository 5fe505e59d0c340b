//! PC403 `principal-unique-id`: a principal written as an IAM unique id (`AIDA…`,
//! `AROA…`), which is what IAM shows once the user or role it named was deleted.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::model::{PrincipalId, PrincipalValue};
use policycheck_core::{Code, Diagnostic, Severity};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC403",
        name: "principal-unique-id",
        severity: Severity::Warning,
        summary: crate::registry::rule_summary!("a principal that is an IAM unique id (`AIDA…`, `AROA…`): the identity was deleted and the entry matches nobody"),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC403-principal-unique-id.md"),
    tags: &["style", "maintainability"],
    security_severity: None,
    check: Some(check),
};

/// What kind of IAM entity a unique-id prefix belongs to.
fn kind_of(id: &str) -> &'static str {
    match id.get(..4) {
        Some("AIDA") => "an IAM user",
        Some("AROA") => "an IAM role",
        Some("AGPA") => "an IAM group",
        Some("AIPA") => "an instance profile",
        Some("ANPA" | "ANVA") => "a managed policy",
        Some("AKIA" | "ASIA") => "an access key",
        _ => "an IAM entity",
    }
}

/// PC403
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for st in &ctx.policy.statements {
        let Some(p) = &st.principal else { continue };
        let PrincipalValue::Map(entries) = &p.value else {
            continue;
        };
        for e in entries {
            let PrincipalId::UniqueId(id) = &e.id else {
                continue;
            };
            let kind = kind_of(id);
            let help = if matches!(kind, "an IAM user" | "an IAM role") {
                format!("IAM shows a principal's unique id instead of its ARN once {kind} is deleted; a re-created one gets a new id, so this entry will never match again. Write the ARN of the identity that should have access (\"arn:aws:iam::ACCOUNT:{}/NAME\"), or remove the entry", if kind == "an IAM user" { "user" } else { "role" })
            } else {
                format!("{kind} is not a principal; write the ARN of the user or role that should have access, or remove the entry")
            };
            out.push(
                ctx.finding(&RULE, e.text.span, format!("principal `{id}` is the unique id of {kind}, not an ARN: it matches nobody"))
                    .with_label("unique id, probably of a deleted identity")
                    .with_help(help),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};

    fn found(principal: &str) -> Vec<String> {
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"AWS": {principal}}}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}]}}"#
        );
        lint(&text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC403")
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn unique_ids_are_reported() {
        assert_eq!(
            found(r#"["AROA1234567890EXAMPLE", "arn:aws:iam::111122223333:role/R"]"#),
            vec!["principal `AROA1234567890EXAMPLE` is the unique id of an IAM role, not an ARN: it matches nobody"]
        );
        assert_eq!(found(r#""AIDAJQABLZS4A3QDU576Q""#).len(), 1);
    }

    #[test]
    fn arns_and_accounts_are_not() {
        assert!(
            found(r#"["111122223333", "arn:aws:iam::111122223333:user/AIDAEXAMPLEEXAMPLE"]"#)
                .is_empty()
        );
    }
}
