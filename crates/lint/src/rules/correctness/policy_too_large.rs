//! PC310 `policy-too-large`: the policy is over S3's size limit of 20,480 bytes once
//! insignificant whitespace is removed.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::{Code, Diagnostic, Severity, Span};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC310",
        name: "policy-too-large",
        severity: Severity::Error,
        summary: crate::registry::rule_summary!(
            "the policy is over S3's limit of 20,480 bytes without whitespace"
        ),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC310-policy-too-large.md"),
    tags: &["correctness", "s3"],
    security_severity: None,
    check: Some(check),
};

/// S3's limit for a bucket policy, in bytes of the normalised document (spec §1.1).
pub const LIMIT: usize = 20_480;

/// The size in bytes of `text` without JSON whitespace outside strings.
pub fn normalized_size(text: &str) -> usize {
    let mut size = 0;
    let mut in_string = false;
    let mut escaped = false;
    for b in text.bytes() {
        if in_string {
            size += 1;
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            size += 1;
            in_string = b == b'"';
        }
    }
    size
}

/// `20480` as `20,480`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// PC310
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    // Whitespace only counts against the text: a text within the limit is within it.
    if ctx.text.len() <= LIMIT {
        return;
    }
    let size = normalized_size(ctx.text);
    if size <= LIMIT {
        return;
    }
    let span = ctx
        .policy
        .statement_key_span
        .unwrap_or(Span::new(ctx.policy.span.start, ctx.policy.span.start + 1));
    out.push(
        ctx.finding(
            &RULE,
            span,
            format!("the policy is {} bytes without whitespace, over S3's limit of {} bytes", thousands(size), thousands(LIMIT)),
        )
        .with_label(format!("{} bytes over the limit", thousands(size - LIMIT)))
        .with_help(
            "S3 rejects the policy; shorten it: merge statements that share Effect, Principal and Condition, \
             list several principals, actions or resources in one statement, and drop statements that repeat others; \
             move per-user grants to IAM identity policies or to S3 access points",
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{lint, LintOptions};

    #[test]
    fn whitespace_outside_strings_does_not_count() {
        assert_eq!(
            normalized_size("{ \"a b\" :\n\t[ 1 , \"\\\" x\" ] }"),
            "{\"a b\":[1,\"\\\" x\"]}".len()
        );
        assert_eq!(thousands(20480), "20,480");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    fn policy(statements: usize, indent: usize) -> String {
        let pad = " ".repeat(indent);
        let st: Vec<String> = (0..statements)
            .map(|i| format!(r#"{pad}{{"Sid":"S{i:04}","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::111122223333:role/R{i}"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/{i}/*"}}"#))
            .collect();
        format!(
            "{{\"Version\":\"2012-10-17\",\"Statement\":[\n{}\n]}}",
            st.join(",\n")
        )
    }

    fn count(text: &str) -> usize {
        lint(text, &LintOptions::default())
            .diagnostics
            .iter()
            .filter(|d| d.code == "PC310")
            .count()
    }

    #[test]
    fn only_the_normalised_size_counts() {
        // About 150 bytes per statement: 120 statements are below the limit however much they are indented.
        let small = policy(120, 200);
        assert!(small.len() > LIMIT && normalized_size(&small) <= LIMIT);
        assert_eq!(count(&small), 0);
        let large = policy(160, 0);
        assert!(normalized_size(&large) > LIMIT);
        assert_eq!(count(&large), 1);
    }
}
