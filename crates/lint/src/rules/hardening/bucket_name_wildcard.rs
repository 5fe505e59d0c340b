//! PC206 `bucket-name-wildcard`: a wildcard inside the bucket name of a `Resource`, which
//! also matches other buckets.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use crate::rules::correctness::{has_wildcard, is_allow};
use policycheck_core::pattern::{Pattern, Syntax};
use policycheck_core::text::StrFind;
use policycheck_core::{Code, Diagnostic, Severity};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC206",
        name: "bucket-name-wildcard",
        severity: Severity::Warning,
        summary: crate::registry::rule_summary!(
            "a wildcard in the bucket name of a `Resource` also matches other buckets"
        ),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC206-bucket-name-wildcard.md"),
    tags: &["security", "s3"],
    security_severity: Some("5.5"),
    check: Some(check),
};

/// PC206
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let main = ctx.policy_bucket().map(|(b, _)| b.as_str());
    for st in &ctx.policy.statements {
        if !is_allow(st) {
            continue;
        }
        let Some(resource) = st.resource.as_ref().filter(|r| !r.negated) else {
            continue;
        };
        for (item, arn) in resource.items.iter().zip(ctx.resource_arns(st)) {
            let text = item.text.value.as_str();
            let Some(arn) = arn else {
                continue;
            };
            if !has_wildcard(arn.bucket) {
                continue;
            }
            // `bucket:*`: a `:` typed for `/`. No bucket name has a `:`, so this matches
            // no bucket at all (rather than other buckets).
            if let Some((before, after)) = arn.bucket.split_once(':') {
                let p = arn.partition;
                out.push(
                    ctx.finding(
                        &RULE,
                        item.text.span,
                        format!("`{text}` matches no bucket: bucket names cannot contain `:`"),
                    )
                    .with_label("`:` in the bucket name")
                    .with_help(format!(
                        "the key follows the bucket after a `/`: did you mean `arn:{p}:s3:::{before}/{after}`?"
                    )),
                );
                continue;
            }
            let pattern = Pattern::new(
                arn.bucket,
                Syntax {
                    wildcards: true,
                    variables: false,
                },
            );
            let every = arn.bucket.chars().all(|c| c == '*');
            let message = match (every, arn.key.is_some()) {
                (true, false) => format!("`{text}` matches every bucket"),
                (true, true) => format!("`{text}` matches objects in every bucket"),
                (false, _) => {
                    let other = pattern.instantiate("-other", "x");
                    format!("`{text}` also matches other buckets, such as `{other}`")
                }
            };
            // Suggest the policy's own bucket when the pattern covers it, else the text before the wildcard.
            let prefix: String = arn
                .bucket
                .chars()
                .take_while(|c| *c != '*' && *c != '?')
                .collect();
            let name = match &main {
                Some(m) if pattern.matches_plain(m) => m.to_string(),
                _ if !prefix.is_empty() && !prefix.has("${") => {
                    prefix.trim_end_matches(['-', '.']).to_string()
                }
                _ => "BUCKET".to_string(),
            };
            let p = arn.partition;
            out.push(
                ctx.finding(&RULE, item.text.span, message)
                    .with_label("wildcard in the bucket name")
                    .with_help(format!(
                        "name the bucket exactly: `arn:{p}:s3:::{name}` for the bucket and `arn:{p}:s3:::{name}/*` for its objects; \
                         put wildcards only after the `/`"
                    )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};

    fn messages(resources: &str) -> Vec<String> {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::111122223333:role/R"}},"Action":"s3:*","Resource":{resources}}}]}}"#
        );
        lint(&text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC206")
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn a_colon_typed_for_a_slash_matches_no_bucket() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/R"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket:*"}]}"#;
        let d: Vec<_> = lint(text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC206")
            .collect();
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "`arn:aws:s3:::amzn-s3-demo-bucket:*` matches no bucket: bucket names cannot contain `:`"
        );
        assert_eq!(
            d[0].help.as_deref(),
            Some("the key follows the bucket after a `/`: did you mean `arn:aws:s3:::amzn-s3-demo-bucket/*`?")
        );
    }

    #[test]
    fn wildcards_in_the_bucket_name_are_reported() {
        assert_eq!(
            messages(r#"["arn:aws:s3:::my-bucket*"]"#),
            ["`arn:aws:s3:::my-bucket*` also matches other buckets, such as `my-bucket-other`"]
        );
        assert_eq!(messages(r#""arn:aws:s3:::my?bucket/*""#).len(), 1);
        assert_eq!(
            messages(r#""arn:aws:s3:::*""#),
            ["`arn:aws:s3:::*` matches every bucket"]
        );
        assert_eq!(
            messages(r#""arn:aws:s3:::*/*""#),
            ["`arn:aws:s3:::*/*` matches objects in every bucket"]
        );
    }

    #[test]
    fn wildcards_after_the_slash_and_star_alone_pass() {
        assert!(messages(r#"["arn:aws:s3:::my-bucket","arn:aws:s3:::my-bucket/*","arn:aws:s3:::my-bucket/logs/*.gz"]"#).is_empty());
        assert!(messages(r#""*""#).is_empty());
        assert!(messages(r#""arn:aws:s3:::home-${aws:username}/*""#).is_empty());
    }

    #[test]
    fn deny_statements_are_not_reported() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;
        assert!(!lint(text, &LintOptions::default())
            .diagnostics
            .iter()
            .any(|d| d.code == "PC206"));
    }
}
