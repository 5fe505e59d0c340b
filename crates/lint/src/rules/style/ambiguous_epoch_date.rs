//! PC407 `ambiguous-epoch-date`: a `Date*` condition value of fewer than 9 digits
//! (`"2024"`), read as epoch seconds, probably meant as a year or a date.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::condition::Family;
use policycheck_core::{Code, Diagnostic, Severity};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC407",
        name: "ambiguous-epoch-date",
        severity: Severity::Warning,
        summary: crate::registry::rule_summary!("a date written as fewer than 9 digits, such as `2024`: read as epoch seconds, in early 1970"),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC407-ambiguous-epoch-date.md"),
    tags: &["style", "correctness"],
    security_severity: None,
    check: Some(check),
};

/// Epoch seconds (below 10^8) as an ISO 8601 UTC timestamp.
fn iso(secs: u64) -> String {
    let days = secs / 86_400;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm, non-negative days).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// PC407
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for st in &ctx.policy.statements {
        let Some(block) = &st.condition else { continue };
        for c in &block.conditions {
            if c.op.map(|op| op.base.family()) != Some(Family::Date) {
                continue;
            }
            for v in &c.values {
                let text = v.text.value.as_str();
                if text.is_empty() || text.len() >= 9 || !text.bytes().all(|b| b.is_ascii_digit()) {
                    continue;
                }
                let Ok(secs) = text.parse::<u64>() else {
                    continue;
                };
                let when = iso(secs);
                let ymd = (text.len() == 8)
                    .then(|| (text.get(..4), text.get(4..6), text.get(6..)))
                    .and_then(|(y, m, d)| Some((y?, m?, d?)))
                    .filter(|(_, m, d)| ("01"..="12").contains(m) && ("01"..="31").contains(d));
                let suffix = match ymd {
                    Some((y, m, d)) => format!(", not as {y}-{m}-{d}"),
                    None if text.len() == 4 => ", not as a year".to_string(),
                    None => String::new(),
                };
                let help = if let Some((y, m, d)) = ymd {
                    format!("for {y}-{m}-{d} write `{y}-{m}-{d}T00:00:00Z` (ISO 8601 needs the dashes); if epoch seconds are really meant, write them with all their digits (10 for dates after 2001)")
                } else if text.len() == 4 {
                    format!("for the start of the year {text} write `{text}-01-01T00:00:00Z`; if epoch seconds are really meant, write them with all their digits (10 for dates after 2001)")
                } else {
                    "write an ISO 8601 date such as `2025-01-31T00:00:00Z`; if epoch seconds are really meant, write them with all their digits (10 for dates after 2001)".to_string()
                };
                out.push(
                    ctx.finding(
                        &RULE,
                        v.text.span,
                        format!("date `{text}` is read as epoch seconds (`{when}`){suffix}"),
                    )
                    .with_label(format!("epoch seconds: {when}"))
                    .with_help(help),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::iso;
    use crate::{lint, LintOptions};

    fn found(op: &str, value: &str) -> Vec<String> {
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {{"{op}": {{"aws:CurrentTime": {value}}}}}}}]}}"#
        );
        lint(&text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC407")
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn epoch_rendering() {
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso(2024), "1970-01-01T00:33:44Z");
        assert_eq!(iso(99_999_999), "1973-03-03T09:46:39Z");
        assert_eq!(iso(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn short_digit_strings_are_reported() {
        assert_eq!(
            found("DateGreaterThan", r#""2024""#),
            vec!["date `2024` is read as epoch seconds (`1970-01-01T00:33:44Z`), not as a year"]
        );
        assert_eq!(
            found("DateLessThanIfExists", "20250101"),
            vec!["date `20250101` is read as epoch seconds (`1970-08-23T09:01:41Z`), not as 2025-01-01"]
        );
        assert_eq!(
            found("DateEquals", r#""86400""#),
            vec!["date `86400` is read as epoch seconds (`1970-01-02T00:00:00Z`)"]
        );
        assert_eq!(found("DateEquals", r#"["20251399"]"#).len(), 1);
    }

    #[test]
    fn full_dates_and_long_epochs_pass() {
        assert!(found("DateGreaterThan", r#""2024-01-01T00:00:00Z""#).is_empty());
        assert!(found("DateGreaterThan", r#""1735689600""#).is_empty());
        assert!(found("DateGreaterThan", r#""2024-01""#).is_empty());
        assert!(found("NumericGreaterThan", r#""2024""#).is_empty());
    }
}
