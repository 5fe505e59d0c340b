//! PC304 `unknown-condition-key`: a condition key that S3 never sets (a misspelling, or
//! another service's key), so the condition tests a key that is always absent.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::catalog::{condition_key, suggest_condition_key};
use policycheck_core::{Code, Diagnostic, Severity};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC304",
        name: "unknown-condition-key",
        severity: Severity::Warning,
        summary: crate::registry::rule_summary!("a condition key that is neither a global `aws:` key nor an S3 key, so it is never present"),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC304-unknown-condition-key.md"),
    tags: &["correctness", "s3"],
    security_severity: None,
    check: Some(check),
};

/// PC304
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for (cond, info) in ctx.conditions() {
        let key = &*cond.key.value;
        if info.is_some() {
            continue;
        }
        let service = key.split_once(':').map(|(s, _)| s);
        let message = match service {
                Some(s) if !s.eq_ignore_ascii_case("aws") && !s.eq_ignore_ascii_case("s3") && !s.is_empty() => {
                    format!("`{key}` is a condition key of `{s}`: S3 never sets it")
                }
                Some(_) => format!("unknown condition key `{key}`"),
                None => format!("unknown condition key `{key}`: condition keys start with a service prefix such as `aws:` or `s3:`"),
            };
        // A tag family's suggestion (`aws:PrincipalTag/`) keeps the tag key written.
        let suggestion = suggest_condition_key(key)
            .map(|k| match (k.strip_suffix('/'), key.split_once('/')) {
                (Some(_), Some((_, tag))) => format!("{k}{tag}"),
                _ => k.to_string(),
            })
            .or_else(|| {
                // A known key written without its prefix: `SourceIp`.
                if service.is_some() {
                    return None;
                }
                ["aws:", "s3:"].iter().find_map(|p| {
                    let full = format!("{p}{key}");
                    condition_key(&full).map(|k| if k.prefix { full } else { k.name.to_string() })
                })
            });
        let help = match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => "S3 requests carry only global `aws:` keys and `s3:` keys, so this key is always absent: \
                         positive operators on it are false and negated ones true; use a documented key or remove the condition"
                    .to_string(),
            };
        out.push(
            ctx.finding(&RULE, cond.key.span, message)
                .with_label("never present in S3 requests")
                .with_help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};
    use policycheck_core::Diagnostic;

    fn found(condition: &str) -> Vec<Diagnostic> {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"111122223333"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{condition}}}]}}"#
        );
        lint(&text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC304")
            .collect()
    }

    #[test]
    fn misspelt_keys_get_a_suggestion() {
        let d = found(r#"{"IpAddress":{"aws:SorceIp":"192.0.2.0/24"}}"#);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].message, "unknown condition key `aws:SorceIp`");
        assert_eq!(d[0].help.as_deref(), Some("did you mean `aws:SourceIp`?"));
        let d = found(r#"{"IpAddress":{"SourceIp":"192.0.2.0/24"}}"#);
        assert_eq!(d[0].help.as_deref(), Some("did you mean `aws:SourceIp`?"));
        // A misspelt tag family keeps its tag key (a review found it dropped).
        let d = found(r#"{"StringEquals":{"aws:PrincipalTaggg/team":"a"}}"#);
        assert_eq!(
            d[0].help.as_deref(),
            Some("did you mean `aws:PrincipalTag/team`?")
        );
    }

    #[test]
    fn other_services_keys_are_reported() {
        let d = found(r#"{"StringEquals":{"ec2:Vpc":"vpc-1"}}"#);
        assert_eq!(
            d[0].message,
            "`ec2:Vpc` is a condition key of `ec2`: S3 never sets it"
        );
    }

    #[test]
    fn known_keys_in_any_case_and_tag_families_pass() {
        assert!(found(r#"{"IpAddress":{"AWS:SOURCEIP":"192.0.2.0/24"},"StringEquals":{"aws:PrincipalTag/team":"a","s3:ExistingObjectTag/x":"b","s3:x-amz-acl":"private"}}"#).is_empty());
    }
}
