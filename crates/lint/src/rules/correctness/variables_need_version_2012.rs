//! PC311 `variables-need-version-2012`: policy variables in a policy whose `Version` is
//! missing or `2008-10-17`, where they are literal text.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::text::StrFind;
use policycheck_core::{Code, Diagnostic, Severity, Span, Version};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC311",
        name: "variables-need-version-2012",
        severity: Severity::Error,
        summary: crate::registry::rule_summary!("policy variables such as `${aws:username}` without `\"Version\": \"2012-10-17\"`, where they are literal text"),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC311-variables-need-version-2012.md"),
    tags: &["correctness", "s3"],
    security_severity: None,
    check: Some(check),
};

/// PC311
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    if ctx.policy.variables_enabled() {
        return;
    }
    // Every Resource/NotResource and condition value that uses `${`.
    let mut uses: Vec<(&str, Span)> = Vec::new();
    for st in &ctx.policy.statements {
        if let Some(r) = &st.resource {
            uses.extend(r.items.iter().map(|i| (i.text.value.as_str(), i.text.span)));
        }
        if let Some(c) = &st.condition {
            uses.extend(
                c.conditions
                    .iter()
                    .flat_map(|c| c.values.iter())
                    .map(|v| (v.text.value.as_str(), v.text.span)),
            );
        }
    }
    uses.retain(|(text, _)| text.has("${"));
    policycheck_core::collections::sort_by_key(&mut uses, |(_, span)| *span);
    let Some(&(first, first_span)) = uses.first() else {
        return;
    };
    let variable = first
        .find_str("${")
        .and_then(|i| first.get(i..))
        .map(|rest| rest.find('}').and_then(|j| rest.get(..=j)).unwrap_or(rest))
        .unwrap_or(first);
    let more = match uses.len() {
        1 => String::new(),
        2 => " (and in 1 more value)".to_string(),
        n => format!(" (and in {} more values)", n - 1),
    };
    let help = "set \"Version\": \"2012-10-17\" at the top of the policy, so that variables are substituted";
    let d = match &ctx.policy.version {
        Some(v) if v.value == Version::V2008_10_17 => ctx
            .finding(&RULE, v.span, format!("under `\"Version\": \"2008-10-17\"`, `{variable}` is literal text, not a policy variable{more}"))
            .with_label("variables need 2012-10-17")
            .and_label(first_span, "matched literally, `${` included"),
        _ => ctx
            .finding(&RULE, first_span, format!("without `\"Version\": \"2012-10-17\"`, `{variable}` is literal text, not a policy variable{more}"))
            .with_label("matched literally, `${` included"),
    };
    out.push(d.with_help(help));
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};
    use policycheck_core::Diagnostic;

    fn found(version: &str) -> Vec<Diagnostic> {
        let text = format!(
            r#"{{{version}"Statement":[{{"Effect":"Allow","Principal":{{"AWS":"111122223333"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/home/${{aws:username}}/*","Condition":{{"StringLike":{{"s3:prefix":"home/${{aws:username}}/*"}}}}}}]}}"#
        );
        lint(&text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC311")
            .collect()
    }

    #[test]
    fn old_or_missing_version_is_reported_once() {
        let d = found(r#""Version":"2008-10-17","#);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].labels.len(), 2);
        assert_eq!(d[0].message, "under `\"Version\": \"2008-10-17\"`, `${aws:username}` is literal text, not a policy variable (and in 1 more value)");
        let d = found("");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].labels.len(), 1);
    }

    #[test]
    fn version_2012_passes() {
        assert!(found(r#""Version":"2012-10-17","#).is_empty());
    }
}
