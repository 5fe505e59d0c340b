//! PC202 `allow-not-action`: an `Allow` statement with `NotAction` grants every action
//! that is not listed, future ones included.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use crate::rules::correctness::is_allow;
use policycheck_core::model::{PrincipalId, PrincipalValue};
use policycheck_core::{Code, Diagnostic, Severity, Statement};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC202",
        name: "allow-not-action",
        severity: Severity::Warning,
        summary: crate::registry::rule_summary!(
            "an `Allow` statement uses `NotAction`, granting every action that is not listed"
        ),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC202-allow-not-action.md"),
    tags: &["security", "s3"],
    security_severity: Some("7.5"),
    check: Some(check),
};

/// Whether the statement's principal is everyone (`"*"` or `{"AWS": "*"}`).
pub(crate) fn principal_is_everyone(st: &Statement) -> bool {
    st.principal.as_ref().is_some_and(|p| {
        !p.negated
            && match &p.value {
                PrincipalValue::Anyone => true,
                PrincipalValue::Map(entries) => entries.iter().any(|e| e.id == PrincipalId::AnyAws),
            }
    })
}

/// PC202
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for st in &ctx.policy.statements {
        let Some(action) = st.action.as_ref().filter(|a| a.negated) else {
            continue;
        };
        if !is_allow(st) {
            continue;
        }
        let mut d = ctx
            .finding(&RULE, action.key_span, format!("statement `{}` allows every action except those in `NotAction`", st.id()))
            .with_label("grants every other action, including permission changes and actions AWS adds later");
        if let Some(p) = st.principal.as_ref().filter(|_| principal_is_everyone(st)) {
            d = d.and_label(p.span, "to everyone: a near-total public grant");
        }
        out.push(d.with_help(
            "list the actions the principal needs in `Action`, e.g. \"Action\": [\"s3:GetObject\", \"s3:PutObject\"]; \
             use `NotAction` only in a `Deny` statement",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};

    fn found(text: &str) -> Vec<String> {
        lint(text, &LintOptions::default())
            .diagnostics
            .iter()
            .filter(|d| d.code == "PC202")
            .map(|d| d.message.clone())
            .collect()
    }

    #[test]
    fn allow_with_not_action_is_reported() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Principal":"*","NotAction":"s3:DeleteObject","Resource":"arn:aws:s3:::b/*"}]}"#;
        let d = lint(text, &LintOptions::default()).diagnostics;
        let d = d.iter().find(|d| d.code == "PC202").unwrap();
        assert_eq!(d.labels.len(), 2, "{d:?}");
    }

    #[test]
    fn deny_with_not_action_passes() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","NotAction":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;
        assert!(found(text).is_empty());
    }
}
