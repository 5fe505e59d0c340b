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

/// The Elastic Load Balancing accounts that deliver access logs, one per Region (us-east-1
/// `127311923021`, us-east-2, us-west-1, us-west-2, af-south-1, ap-east-1,
/// ap-northeast-1/2/3, ap-south-1, ap-southeast-1/2, ca-central-1, eu-central-1,
/// eu-west-1/2/3, eu-south-1, eu-north-1, me-south-1, sa-east-1, us-gov-west-1/east-1,
/// cn-north-1, cn-northwest-1, in that order), one string (smaller in the WASM build than
/// a table). Regions opened since August 2022 use the service principal
/// `logdelivery.elasticloadbalancing.amazonaws.com`). AWS documents a bucket policy
/// that names them: "name a role instead" cannot be followed there.
const ELB_LOG_ACCOUNTS: &str = concat!(
    "127311923021 033677994240 027434742980 797873946194 098369216593 754344448648 ",
    "582318560864 600734575887 383597477331 718504428378 114774131450 783225319266 ",
    "985666609251 054676820928 156460612806 652711504416 009996457667 635631232127 ",
    "897822967062 076674570225 507241528517 048591011584 190560391635 638102146993 ",
    "037604701340",
);

/// PC205
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for (st, entry) in super::allowed_entries(ctx.policy) {
        let PrincipalId::Account { account, .. } = &entry.id else {
            continue;
        };
        if ctx.options.owner_account.as_deref() == Some(account.as_str()) {
            continue;
        }
        if ELB_LOG_ACCOUNTS.split(' ').any(|a| a == account) {
            out.push(
                ctx.finding(&RULE, entry.text.span, format!("statement `{}` grants to `{account}`, an Elastic Load Balancing log-delivery account", st.id()))
                    .with_label("AWS's account that writes load balancer access logs")
                    .with_help(
                        "this is the grant AWS documents for load balancer access logs; keep it to \
                         `s3:PutObject` on the log prefix (`arn:aws:s3:::BUCKET/PREFIX/AWSLogs/YOUR-ACCOUNT-ID/*`). \
                         Regions opened since August 2022 take the service principal \
                         `logdelivery.elasticloadbalancing.amazonaws.com` instead of an account",
                    ),
            );
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
    fn the_elb_log_delivery_account_is_named_not_told_to_name_a_role() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Sid":"ELBLogs","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::127311923021:root"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::logs/AWSLogs/111122223333/*"}]}"#;
        let d: Vec<_> = lint(text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC205")
            .collect();
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "statement `ELBLogs` grants to `127311923021`, an Elastic Load Balancing log-delivery account"
        );
        let help = d[0].help.as_deref().unwrap_or_default();
        assert!(
            !help.contains(":role/NAME")
                && help.contains("logdelivery.elasticloadbalancing.amazonaws.com"),
            "{help}"
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
