//! PC314 `unknown-service-principal`: a `Service` principal that is not an AWS service
//! principal name: a misspelt service (`cloudtrial.amazonaws.com`) or domain
//! (`cloudtrail.amazonews.com`). No service ever makes requests as it, so the grant it was
//! written for never works (and a Deny for it never applies).

use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::catalog::closest_name;
use policycheck_core::model::{PrincipalId, PrincipalValue};
use policycheck_core::text::StrFind;
use policycheck_core::{Code, Diagnostic, Severity};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC314",
        name: "unknown-service-principal",
        severity: Severity::Warning,
        summary: crate::registry::rule_summary!(
            "a `Service` principal that is not an AWS service principal name (a misspelt service or domain)"
        ),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC314-unknown-service-principal.md"),
    tags: &["correctness", "s3"],
    security_severity: None,
    check: Some(check),
};

/// Service principals that commonly appear in bucket policies (log and report delivery,
/// CloudFront, replication and inventory), without `.amazonaws.com`: the names a typo is
/// checked against, space-separated (one string is smaller in the WASM build than a
/// table). AWS has many more; a name outside this list is reported only when it
/// is close to one of them.
const KNOWN: &str = concat!(
    "access-analyzer athena backup batchoperations.s3 bcm-data-exports ",
    "billingreports cloudformation cloudfront cloudtrail codebuild ",
    "codepipeline config datasync delivery.logs elasticloadbalancing ",
    "elasticmapreduce events firehose glue guardduty ",
    "inspector2 lambda logdelivery.elasticloadbalancing logging.s3 logs ",
    "macie redshift s3 securityhub ses ",
    "sns storage-lens.s3 transfer",
);

/// The endings of AWS service principal names (`.amazonaws.com.cn` in the China Regions;
/// a few older services use `.amazon.com`).
const SUFFIXES: &[&str] = &[".amazonaws.com", ".amazonaws.com.cn", ".amazon.com"];

/// PC314
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for st in &ctx.policy.statements {
        let Some(PrincipalValue::Map(entries)) = st.principal.as_ref().map(|p| &p.value) else {
            continue;
        };
        for e in entries {
            let PrincipalId::Service(name) = &e.id else {
                continue;
            };
            let lower = name.to_ascii_lowercase();
            let domain_ok = SUFFIXES.iter().any(|s| {
                lower
                    .strip_suffix(s)
                    .is_some_and(|service| !service.is_empty())
            });
            // The service part: before the domain, as far as it looks like one.
            let service = lower
                .find_str(".amazon")
                .and_then(|i| lower.get(..i))
                .unwrap_or(lower.as_str());
            if domain_ok && KNOWN.split(' ').any(|k| k == service) {
                continue;
            }
            // A name with a good domain but outside the list is another service's, unless
            // it is a near miss of a listed one long enough for a typo to be told from a
            // different short name (`ecs` is not `ec2`).
            let near = closest_name(KNOWN.split(' '), service)
                .filter(|k| !domain_ok || k.len() >= 5)
                .map(|k| format!("{k}.amazonaws.com"));
            let (message, help) = match (near, domain_ok) {
                (Some(k), _) => (
                    format!("`{name}` is not an AWS service principal"),
                    format!("did you mean `{k}`? No service makes requests as `{name}`, so the statement never applies to it"),
                ),
                (None, true) => continue,
                (None, false) => (
                    format!("`{name}` is not an AWS service principal name"),
                    "AWS service principals end in `.amazonaws.com` (e.g. `cloudtrail.amazonaws.com`); no service makes requests as this name, so the statement never applies to it".to_string(),
                ),
            };
            out.push(
                ctx.finding(&RULE, e.text.span, message)
                    .with_label("unknown service principal")
                    .with_help(help),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};

    fn found(service: &str) -> Vec<(String, String)> {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":{service}}},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*","Condition":{{"StringEquals":{{"aws:SourceAccount":"111122223333"}}}}}}]}}"#
        );
        lint(&text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC314")
            .map(|d| (d.message, d.help.unwrap_or_default()))
            .collect()
    }

    #[test]
    fn misspelt_services_and_domains_are_reported_with_the_name_meant() {
        for (typo, meant) in [
            ("cloudtrail.amazonews.com", "cloudtrail.amazonaws.com"),
            ("cloudtrial.amazonaws.com", "cloudtrail.amazonaws.com"),
            ("Logging.S3.amazonaws.con", "logging.s3.amazonaws.com"),
            ("delivery.log.amazonaws.com", "delivery.logs.amazonaws.com"),
            ("cloudtrail", "cloudtrail.amazonaws.com"),
        ] {
            let d = found(&format!("\"{typo}\""));
            assert_eq!(d.len(), 1, "{typo}: {d:?}");
            assert_eq!(d[0].0, format!("`{typo}` is not an AWS service principal"));
            assert!(
                d[0].1.starts_with(&format!("did you mean `{meant}`?")),
                "{typo}: {}",
                d[0].1
            );
        }
        let d = found(r#""uploads.example.com""#);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0]
            .1
            .starts_with("AWS service principals end in `.amazonaws.com`"));
    }

    #[test]
    fn other_services_are_not_guessed_at() {
        for name in [
            r#""cloudtrail.amazonaws.com""#,
            r#""CloudFront.amazonaws.com""#,
            r#""ecs.amazonaws.com""#,
            r#""sqs.amazonaws.com""#,
            r#""logs.eu-west-1.amazonaws.com""#,
            r#""s3.amazonaws.com.cn""#,
            r#""alexa-appkit.amazon.com""#,
            r#"["config.amazonaws.com", "cloudtrail.amazonaws.com"]"#,
        ] {
            assert!(found(name).is_empty(), "{name}: {:?}", found(name));
        }
    }
}
