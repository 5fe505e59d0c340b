//! PC404 `not-principal-missing-account`: a `Deny` + `NotPrincipal` entry whose chain
//! (account, role, session) is not fully listed, so the Deny still applies to it.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::model::{PrincipalEntry, PrincipalId, PrincipalValue};
use policycheck_core::text::StrFind;
use policycheck_core::{Code, Diagnostic, Severity};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC404",
        name: "not-principal-missing-account",
        severity: Severity::Warning,
        summary: crate::registry::rule_summary!("a `NotPrincipal` entry whose account (or role, for a session; or sessions, for a role) is not listed too, so the Deny still applies to it"),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC404-not-principal-missing-account.md"),
    tags: &["correctness", "principal"],
    security_severity: None,
    check: Some(check),
};

/// The partition of an ARN (`aws`, `aws-cn`, …); `aws` when it cannot be read.
fn partition(arn: &str) -> &str {
    match policycheck_core::catalog::split_arn(arn) {
        ([_, p, ..], 2..) if !p.is_empty() => p,
        _ => "aws",
    }
}

/// PC404
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for st in &ctx.policy.statements {
        if !crate::rules::correctness::is_deny(st) {
            continue;
        }
        let Some(p) = st.principal.as_ref().filter(|p| p.negated) else {
            continue;
        };
        let PrincipalValue::Map(entries) = &p.value else {
            continue;
        };
        let accounts: Vec<&str> = entries
            .iter()
            .filter_map(|e| match &e.id {
                PrincipalId::Account { account, .. } => Some(account.as_str()),
                _ => None,
            })
            .collect();
        let roles: Vec<(&str, &str)> = entries
            .iter()
            .filter_map(|e| match &e.id {
                PrincipalId::Role { account, name, .. } => Some((account.as_str(), name.as_str())),
                _ => None,
            })
            .collect();
        let sessions: Vec<(&str, &str)> = entries
            .iter()
            .filter_map(|e| match &e.id {
                PrincipalId::Session { account, role, .. } => {
                    Some((account.as_str(), role.as_str()))
                }
                _ => None,
            })
            .collect();
        for e in entries {
            report(ctx, st.id(), e, &accounts, &roles, &sessions, out);
        }
    }
}

fn report(
    ctx: &LintContext<'_>,
    statement: String,
    e: &PrincipalEntry,
    accounts: &[&str],
    roles: &[(&str, &str)],
    sessions: &[(&str, &str)],
    out: &mut Vec<Diagnostic>,
) {
    let mut missing_session = None;
    let (account, arn, session_role) = match &e.id {
        PrincipalId::User { account, arn } | PrincipalId::FederatedUser { account, arn } => {
            (account, arn, None)
        }
        PrincipalId::Role { account, arn, name } => {
            // A role acts only through its sessions: with none of them listed, the entry
            // exempts nobody.
            if !sessions.contains(&(account.as_str(), name.as_str())) {
                missing_session = Some(name.as_str());
            }
            (account, arn, None)
        }
        PrincipalId::Session {
            account, role, arn, ..
        } => (account, arn, Some(role.as_str())),
        _ => return,
    };
    let part = partition(arn);
    let mut missing: Vec<String> = Vec::new();
    let mut what: Vec<String> = Vec::new();
    if !accounts.contains(&account.as_str()) {
        missing.push(format!("`arn:{part}:iam::{account}:root`"));
        what.push(format!("account `{account}`"));
    }
    if let Some(role) = session_role {
        if !roles.contains(&(account.as_str(), role)) {
            missing.push(format!("`arn:{part}:iam::{account}:role/{role}`"));
            what.push(format!("role `{role}`"));
        }
    }
    if let Some(role) = missing_session {
        missing.push(format!(
            "each session's ARN (`arn:{part}:sts::{account}:assumed-role/{role}/SESSION`; no wildcards)"
        ));
        what.push("sessions (the only way a role acts)".to_string());
    }
    if missing.is_empty() {
        return;
    }
    let not_listed = what.join(" and ");
    let verb = if what.len() > 1 || missing_session.is_some() {
        "are"
    } else {
        "is"
    };
    let add = missing.join(" and ");
    out.push(
        ctx.finding(
            &RULE,
            e.text.span,
            format!("the Deny in statement `{statement}` still applies to `{arn}`: its {not_listed} {verb} not in `NotPrincipal`"),
        )
        .with_label(format!("{not_listed} not listed"))
        .with_help(format!(
            "AWS checks each link of the caller's chain (account, role, session) against `NotPrincipal` and denies the whole chain at the first link not listed; add {add}{}. Better: use \"Principal\": \"*\" with an `ArnNotEquals` condition on `aws:PrincipalArn`",
            if session_role.is_some() && missing.iter().any(|m| m.has(":role/")) { " (with the role's path, if it has one)" } else { "" }
        )),
    );
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};

    fn found(effect: &str, entries: &str) -> Vec<(String, String)> {
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "S", "Effect": "{effect}", "NotPrincipal": {{"AWS": {entries}}}, "Action": "s3:*", "Resource": "*"}}]}}"#
        );
        lint(&text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC404")
            .map(|d| (d.message, d.help.unwrap_or_default()))
            .collect()
    }

    #[test]
    fn user_without_its_account() {
        let f = found("Deny", r#"["arn:aws:iam::111122223333:user/alice"]"#);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0, "the Deny in statement `S` still applies to `arn:aws:iam::111122223333:user/alice`: its account `111122223333` is not in `NotPrincipal`");
        assert!(f[0].1.contains("add `arn:aws:iam::111122223333:root`"));
        assert!(found(
            "Deny",
            r#"["arn:aws:iam::111122223333:user/alice", "111122223333"]"#
        )
        .is_empty());
        assert!(found(
            "Deny",
            r#"["arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:root"]"#
        )
        .is_empty());
    }

    #[test]
    fn session_needs_account_and_role() {
        let f = found(
            "Deny",
            r#"["arn:aws:sts::111122223333:assumed-role/Admin/alice"]"#,
        );
        assert_eq!(f.len(), 1);
        assert!(
            f[0].0
                .ends_with("its account `111122223333` and role `Admin` are not in `NotPrincipal`"),
            "{}",
            f[0].0
        );
        assert!(f[0].1.contains(
            "add `arn:aws:iam::111122223333:root` and `arn:aws:iam::111122223333:role/Admin`"
        ));
        let f = found(
            "Deny",
            r#"["111122223333", "arn:aws:sts::111122223333:assumed-role/Admin/alice"]"#,
        );
        assert!(f[0]
            .0
            .ends_with("its role `Admin` is not in `NotPrincipal`"));
        assert!(found("Deny", r#"["111122223333", "arn:aws:iam::111122223333:role/ops/Admin", "arn:aws:sts::111122223333:assumed-role/Admin/alice"]"#).is_empty());
    }

    #[test]
    fn role_without_a_session_exempts_nobody() {
        // The account is listed, but a role acts only through sessions, and none is.
        let f = found(
            "Deny",
            r#"["111122223333", "arn:aws:iam::111122223333:role/writer"]"#,
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0, "the Deny in statement `S` still applies to `arn:aws:iam::111122223333:role/writer`: its sessions (the only way a role acts) are not in `NotPrincipal`");
        assert!(f[0].1.contains(
            "add each session's ARN (`arn:aws:sts::111122223333:assumed-role/writer/SESSION`; no wildcards)"
        ));
        assert!(f[0]
            .1
            .contains("`ArnNotEquals` condition on `aws:PrincipalArn`"));
        // Neither the account nor a session: one finding naming both.
        let f = found("Deny", r#"["arn:aws:iam::111122223333:role/writer"]"#);
        assert_eq!(f.len(), 1);
        assert!(f[0].0.ends_with("its account `111122223333` and sessions (the only way a role acts) are not in `NotPrincipal`"), "{}", f[0].0);
        // A session of the role listed (with its path-less role name): nothing to report.
        assert!(found("Deny", r#"["111122223333", "arn:aws:iam::111122223333:role/ops/writer", "arn:aws:sts::111122223333:assumed-role/writer/nightly"]"#).is_empty());
    }

    #[test]
    fn allow_and_accounts_alone_are_not_reported() {
        assert!(found("Allow", r#"["arn:aws:iam::111122223333:user/alice"]"#).is_empty());
        assert!(found("Deny", r#"["111122223333"]"#).is_empty());
    }
}
