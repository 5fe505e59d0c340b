//! PC309 `duplicate-sid`: two statements with the same `Sid`.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::{Code, Diagnostic, Severity, Span};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC309",
        name: "duplicate-sid",
        severity: Severity::Warning,
        summary: crate::registry::rule_summary!("two statements share the same `Sid`"),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC309-duplicate-sid.md"),
    tags: &["correctness", "s3"],
    security_severity: None,
    check: Some(check),
};

/// PC309
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let mut seen: Vec<(&str, Span, usize)> = Vec::new();
    for st in &ctx.policy.statements {
        let Some(sid) = st.sid.as_ref().filter(|s| !s.value.is_empty()) else {
            continue;
        };
        match seen.iter().find(|(v, _, _)| *v == sid.value) {
            Some((_, first, index)) => out.push(
                ctx.finding(&RULE, sid.span, format!("duplicate `Sid` `{}`: statement #{index} already uses it", sid.value))
                    .with_label("used again here")
                    .and_label(*first, "first used here")
                    .with_help("give every statement its own `Sid`; reports, tools and people refer to statements by it"),
            ),
            None => seen.push((&sid.value, sid.span, st.index)),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};

    fn messages(text: &str) -> Vec<String> {
        lint(text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC309")
            .map(|d| d.message)
            .collect()
    }

    const ST: &str = r#"{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#;

    #[test]
    fn second_use_is_reported() {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{st},{st},{st}]}}"#,
            st = ST.replace("{\"Effect\"", "{\"Sid\":\"Read\",\"Effect\"")
        );
        assert_eq!(
            messages(&text),
            [
                "duplicate `Sid` `Read`: statement #0 already uses it",
                "duplicate `Sid` `Read`: statement #0 already uses it"
            ]
        );
    }

    #[test]
    fn distinct_empty_and_missing_sids_pass() {
        let a = ST.replace("{\"Effect\"", "{\"Sid\":\"A\",\"Effect\"");
        let b = ST.replace("{\"Effect\"", "{\"Sid\":\"a\",\"Effect\"");
        let e = ST.replace("{\"Effect\"", "{\"Sid\":\"\",\"Effect\"");
        let text = format!(r#"{{"Version":"2012-10-17","Statement":[{a},{b},{e},{e},{ST},{ST}]}}"#);
        assert!(messages(&text).is_empty());
    }
}
