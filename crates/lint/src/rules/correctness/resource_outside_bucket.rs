//! PC312 `resource-outside-bucket`: a `Resource` naming another bucket than the one the
//! policy is attached to, which S3 rejects.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::{Code, Diagnostic, Severity};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC312",
        name: "resource-outside-bucket",
        severity: Severity::Warning,
        summary: crate::registry::rule_summary!(
            "a `Resource` names another bucket than the policy's own; S3 rejects it"
        ),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC312-resource-outside-bucket.md"),
    tags: &["correctness", "s3"],
    security_severity: None,
    check: Some(check),
};

/// PC312
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some((main, main_span)) = ctx.policy_bucket() else {
        return;
    };
    let attached = ctx.options.bucket.is_some();
    for st in &ctx.policy.statements {
        let Some(resource) = st.resource.as_ref().filter(|r| !r.negated) else {
            continue;
        };
        for (item, arn) in resource.items.iter().zip(ctx.resource_arns(st)) {
            let Some(name) = arn.and_then(|a| a.literal_bucket()) else {
                continue;
            };
            if name == main {
                continue;
            }
            let mut d = if attached {
                ctx.finding(
                    &RULE,
                    item.text.span,
                    format!("`{name}` is not the bucket this policy is attached to (`{main}`)"),
                )
                .with_severity(Severity::Error)
            } else {
                ctx.finding(
                    &RULE,
                    item.text.span,
                    format!("`{name}` is not this policy's bucket `{main}`"),
                )
            };
            d = d.with_label(format!("names the bucket `{name}`"));
            if let Some(span) = *main_span {
                d = d.and_label(span, "taken as the policy's bucket (named most often)");
            }
            out.push(d.with_help(format!(
                "fix the bucket name, or grant this access in the policy of `{name}`: S3 rejects resources \
                 outside the policy's own bucket (\"Policy has invalid resource\")"
            )));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};
    use policycheck_core::{Diagnostic, Severity};

    fn found(resources: &str, options: &LintOptions) -> Vec<Diagnostic> {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"111122223333"}},"Action":"s3:*","Resource":{resources}}}]}}"#
        );
        lint(&text, options)
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC312")
            .collect()
    }

    #[test]
    fn the_bucket_named_most_often_wins() {
        let d = found(
            r#"["arn:aws:s3:::logs/*","arn:aws:s3:::main","arn:aws:s3:::main/*"]"#,
            &LintOptions::default(),
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].message, "`logs` is not this policy's bucket `main`");
        assert_eq!(d[0].severity, Severity::Warning);
    }

    #[test]
    fn with_a_known_bucket_every_other_bucket_is_an_error() {
        let options = LintOptions {
            bucket: Some("main".into()),
            ..LintOptions::default()
        };
        let d = found(r#"["arn:aws:s3:::logs","arn:aws:s3:::logs/*"]"#, &options);
        assert_eq!(d.len(), 2);
        assert!(d.iter().all(|d| d.severity == Severity::Error));
    }

    #[test]
    fn one_bucket_and_wildcards_pass() {
        let o = LintOptions::default();
        assert!(found(
            r#"["arn:aws:s3:::main","arn:aws:s3:::main/*","*","arn:aws:s3:::main-*"]"#,
            &o
        )
        .is_empty());
        assert!(found(
            r#"["arn:aws:s3:::main/${aws:username}/*","arn:aws:s3:::${aws:username}"]"#,
            &o
        )
        .is_empty());
    }
}
