//! PC205 `account-wide-grant`: an `Allow` names a whole AWS account as principal, which
//! delegates the decision to that account's IAM administrators.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::model::PrincipalId;
use policycheck_core::{Code, Diagnostic, Severity};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC205",
        name: "account-wide-grant",
        severity: Severity::Note,
        summary: crate::registry::rule_summary!("an `Allow` grants to a whole AWS account: any principal that account's administrators permit gets access"),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC205-account-wide-grant.md"),
    tags: &["hardening", "s3"],
    security_severity: None,
    check: Some(check),
};

/// PC205
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for (st, entry) in super::allowed_entries(ctx.policy) {
        let PrincipalId::Account { account, .. } = &entry.id else {
            continue;
        };
        if ctx.options.owner_account.as_deref() == Some(account.as_str()) {
            continue;
        }
        out.push(
            ctx.finding(&RULE, entry.text.span, format!("statement `{}` grants to the whole account `{account}`", st.id()))
                .with_label("every user and role of this account that its administrators allow")
                .with_help(format!(
                    "granting to an account delegates the choice of who gets access to its IAM administrators; \
                     to grant only what is needed, name the role or user instead, e.g. \
                     \"arn:aws:iam::{account}:role/NAME\""
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};

    const TEXT: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::444455556666:root","arn:aws:iam::444455556666:role/Reader"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;

    fn messages(options: &LintOptions) -> Vec<String> {
        lint(TEXT, options)
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC205")
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn one_finding_per_account_entry() {
        let m = messages(&LintOptions::default());
        assert_eq!(m.len(), 2, "{m:?}");
        assert!(
            m[0].contains("`111122223333`") && m[1].contains("`444455556666`"),
            "{m:?}"
        );
    }

    #[test]
    fn the_owner_account_is_not_reported() {
        let options = LintOptions {
            owner_account: Some("111122223333".into()),
            ..LintOptions::default()
        };
        let m = messages(&options);
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(m[0].contains("`444455556666`"));
    }
}
