//! PC401 `missing-version`: the policy has no `Version`, or the legacy `2008-10-17`.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::json::{self, JsonKind};
use policycheck_core::text::StrFind;
use policycheck_core::{Code, Diagnostic, Severity, Span, Version};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC401",
        name: "missing-version",
        severity: Severity::Warning,
        summary: crate::registry::rule_summary!(
            "no `Version`, or the legacy `2008-10-17`: policy variables are plain text"
        ),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC401-missing-version.md"),
    tags: &["style"],
    security_severity: None,
    check: Some(check),
};

/// Whether the document has a `Version` member in any case (then an invalid value is
/// PC008's or PC004's business, and a mis-cased name PC003's).
fn has_version_member(text: &str) -> bool {
    let arena = json::arena_for(text.len());
    match json::parse(text, &arena).value.map(|v| v.kind) {
        Some(JsonKind::Object(members)) => members
            .iter()
            .any(|m| m.key.eq_ignore_ascii_case("Version")),
        _ => false,
    }
}

/// The first `${…}` in the text, if any.
fn first_variable(text: &str) -> Option<&str> {
    let start = text.find_str("${")?;
    let len = text.get(start..)?.find('}')?;
    text.get(start..=start + len)
}

/// PC401
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    if ctx
        .policy
        .version
        .as_ref()
        .is_some_and(|v| v.value == Version::V2012_10_17)
    {
        return;
    }
    // Searched only for a policy this rule reports (most policies are 2012-10-17).
    let first_var = first_variable(ctx.text);
    let uses_vars = first_var.is_some();
    let consequence = |when: &str| match first_var {
        Some(v) => format!("{when}, `{v}` in this policy is plain text, not a variable"),
        None => format!("{when}, policy variables such as `${{aws:username}}` would be plain text"),
    };
    match &ctx.policy.version {
        Some(v) if v.value == Version::V2012_10_17 => {}
        Some(v) => out.push(
            ctx.finding(&RULE, v.span, "`Version` is the legacy `2008-10-17`")
                .with_label(if uses_vars {
                    "policy variables are not recognised under this version"
                } else {
                    "legacy language version"
                })
                .with_help(format!(
                    "write \"Version\": \"2012-10-17\", the current language version; {}",
                    consequence("under 2008-10-17")
                )),
        ),
        None => {
            if has_version_member(ctx.text) {
                return;
            }
            let start = ctx.policy.span.start;
            out.push(
                ctx.finding(
                    &RULE,
                    Span::new(start, start.saturating_add(1)),
                    "the policy has no `Version`, so AWS reads it as the legacy `2008-10-17`",
                )
                .with_label("no `Version` in this document")
                .with_help(format!(
                    "add \"Version\": \"2012-10-17\" as the first member; {}",
                    consequence("without it")
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};

    fn count(text: &str) -> usize {
        lint(text, &LintOptions::default())
            .diagnostics
            .iter()
            .filter(|d| d.code == "PC401")
            .count()
    }

    const ST: &str =
        r#""Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}]"#;

    #[test]
    fn missing_and_legacy_versions_are_reported() {
        assert_eq!(count(&format!("{{{ST}}}")), 1);
        assert_eq!(count(&format!(r#"{{"Version": "2008-10-17", {ST}}}"#)), 1);
        assert_eq!(count(&format!(r#"{{"Version": "2012-10-17", {ST}}}"#)), 0);
    }

    #[test]
    fn invalid_versions_are_left_to_the_parser() {
        assert_eq!(count(&format!(r#"{{"Version": "2012-10-18", {ST}}}"#)), 0);
        assert_eq!(count(&format!(r#"{{"Version": 2012, {ST}}}"#)), 0);
        assert_eq!(count(&format!(r#"{{"version": "2012-10-17", {ST}}}"#)), 0);
    }

    #[test]
    fn help_names_the_first_variable() {
        let text = r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}]}"#;
        let r = lint(text, &LintOptions::default());
        let d = r.diagnostics.iter().find(|d| d.code == "PC401").unwrap();
        assert!(d.help.as_deref().unwrap().ends_with(
            "without it, `${aws:username}` in this policy is plain text, not a variable"
        ));
    }

    #[test]
    fn span_is_the_value_or_the_first_byte() {
        let text = format!(r#"{{"Version": "2008-10-17", {ST}}}"#);
        let r = lint(&text, &LintOptions::default());
        let d = r.diagnostics.iter().find(|d| d.code == "PC401").unwrap();
        assert_eq!(&text[d.primary_span().range()], "\"2008-10-17\"");
        let text = format!("  {{{ST}}}");
        let r = lint(&text, &LintOptions::default());
        let d = r.diagnostics.iter().find(|d| d.code == "PC401").unwrap();
        assert_eq!(&text[d.primary_span().range()], "{");
    }
}
