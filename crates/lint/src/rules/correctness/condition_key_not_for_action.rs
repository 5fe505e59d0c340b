//! PC315 `condition-key-not-for-action`: a condition on a key that S3 sends with none of
//! the statement's actions (`s3:prefix` on `s3:GetObject`), so the condition is always
//! false or always true.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use crate::rules::correctness::{dead_deny_is_error, is_allow, on_absent_key};
use policycheck_core::catalog::S3_ACTIONS;
use policycheck_core::condition::Condition;
use policycheck_core::condition::Tri;
use policycheck_core::public::ActionMask;
use policycheck_core::{Code, Diagnostic, Severity, Statement};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC315",
        name: "condition-key-not-for-action",
        severity: Severity::Warning,
        summary: crate::registry::rule_summary!(
            "a condition key S3 never sends with the statement's actions, such as `s3:prefix` on `s3:GetObject`"
        ),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC315-condition-key-not-for-action.md"),
    tags: &["correctness", "s3"],
    security_severity: None,
    check: Some(check),
};

/// `` `s3:A` ``, `` `s3:A` and `s3:B` ``, `` `s3:A`, `s3:B` and 12 more ``.
fn names(carriers: &[u8]) -> String {
    let mut out = String::new();
    for (n, &i) in carriers.iter().take(2).enumerate() {
        if n > 0 {
            out.push_str(if carriers.len() == 2 { " and " } else { ", " });
        }
        out.push_str("`s3:");
        out.push_str(S3_ACTIONS.get(usize::from(i)).map_or("", |a| a.name));
        out.push('`');
    }
    if carriers.len() > 2 {
        out.push_str(&format!(" and {} more", carriers.len() - 2));
    }
    out
}

/// The object ARN a one-value `s3:prefix` condition was meant to select: the statement's
/// `…/*` resource with the prefix put in (`arn:aws:s3:::b/public/*` for `public/*`).
fn narrowed(st: &Statement, cond: &Condition) -> Option<String> {
    let [value] = cond.values.as_slice() else {
        return None;
    };
    let prefix = value.text.value.trim_end_matches('*');
    let base = st
        .resource
        .as_ref()?
        .items
        .iter()
        .find_map(|r| r.text.value.strip_suffix("/*"))?;
    (!prefix.is_empty()).then(|| format!("{base}/{prefix}*"))
}

/// PC315
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for st in &ctx.policy.statements {
        let Some(block) = &st.condition else {
            continue;
        };
        let allow = is_allow(st);
        // The catalogue actions the statement matches, worked out at its first condition
        // on a key only some actions send: `None` when it may match an S3 action the
        // catalogue does not know (whose keys are anyone's guess) or matches none.
        let mut mask: Option<Option<ActionMask>> = None;
        for cond in &block.conditions {
            let Some(carriers) = cond.info.map(|k| k.actions).filter(|a| !a.is_empty()) else {
                continue;
            };
            let Some(mask) = *mask.get_or_insert_with(|| match ActionMask::with_unknown(st) {
                (m @ ActionMask::Hits(_), false)
                    if (0..S3_ACTIONS.len()).any(|i| m.tri(i) == Tri::True) =>
                {
                    Some(m)
                }
                _ => None,
            }) else {
                continue;
            };
            if carriers
                .iter()
                .any(|&i| mask.tri(usize::from(i)) == Tri::True)
            {
                continue;
            }
            let Some((holds, effect)) = on_absent_key(cond, allow) else {
                continue;
            };
            let key = cond.key_display();
            let what = match st.action.as_ref().map(|a| a.items.as_slice()) {
                Some([one]) if !one.pattern.has_wildcards() => format!("`{}`", one.text.value),
                _ => "the statement's actions".to_string(),
            };
            let lc = cond.key_lc.as_ref();
            let help = if lc == "s3:prefix" {
                format!(
                    "name the objects in `Resource` instead (`{}`); `s3:prefix` belongs in a statement that grants `s3:ListBucket`",
                    narrowed(st, cond).as_deref().unwrap_or("arn:aws:s3:::BUCKET/FOLDER/*")
                )
            } else if lc.starts_with("s3:existingobjecttag/") {
                "an upload carries the tags it sets: check `s3:RequestObjectTag/<key>`; existing tags guard reads and tagging of objects already stored".into()
            } else {
                format!("move this condition to a statement for the actions that send `{key}`, or remove it")
            };
            let d = ctx
                .finding(
                    &RULE,
                    cond.key.span,
                    format!(
                        "`{key}` is never in a request for {what} (S3 sends it only with {}), so this condition {effect}",
                        names(carriers)
                    ),
                )
                .with_label("absent from every request this statement matches")
                .with_help(help);
            out.push(dead_deny_is_error(d, allow, holds));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};
    use policycheck_core::{Diagnostic, Severity};

    fn found(effect: &str, action: &str, condition: &str) -> Vec<Diagnostic> {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"{effect}","Principal":"*","Action":{action},"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{condition}}}]}}"#
        );
        lint(&text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC315")
            .collect()
    }

    #[test]
    fn a_listing_key_on_object_reads_is_reported_with_what_it_does() {
        let d = found(
            "Allow",
            r#""s3:GetObject""#,
            r#"{"StringLike":{"s3:prefix":"public/*"}}"#,
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].message,
            "`s3:prefix` is never in a request for `s3:GetObject` (S3 sends it only with `s3:ListBucket` and `s3:ListBucketVersions`), so this condition never holds and the statement allows nothing"
        );
        assert_eq!(d[0].severity, Severity::Warning);
        assert_eq!(
            d[0].help.as_deref(),
            Some("name the objects in `Resource` instead (`arn:aws:s3:::b/public/*`); `s3:prefix` belongs in a statement that grants `s3:ListBucket`")
        );
    }

    #[test]
    fn the_consequence_follows_the_effect_and_the_operator() {
        let msg = |effect: &str, cond: &str| {
            let d = found(effect, r#"["s3:GetObject","s3:PutObject"]"#, cond);
            assert_eq!(d.len(), 1, "{d:?}");
            (d[0].message.clone(), d[0].severity)
        };
        let (m, s) = msg("Deny", r#"{"StringEquals":{"s3:max-keys":"5"}}"#);
        assert!(
            m.ends_with("never holds and the statement never denies"),
            "{m}"
        );
        assert_eq!(s, Severity::Error);
        let (m, s) = msg("Deny", r#"{"StringNotEquals":{"s3:delimiter":"/"}}"#);
        assert!(m.ends_with("denies every request it matches"), "{m}");
        assert_eq!(s, Severity::Warning);
        let (m, _) = msg("Allow", r#"{"StringEqualsIfExists":{"s3:prefix":"a/"}}"#);
        assert!(m.ends_with("always holds and restricts nothing"), "{m}");
        assert!(m.contains("for the statement's actions"), "{m}");
        let (m, _) = msg("Allow", r#"{"Null":{"s3:prefix":"false"}}"#);
        assert!(m.ends_with("allows nothing"), "{m}");
    }

    #[test]
    fn tag_families_and_long_lists_are_named_briefly() {
        let d = found(
            "Allow",
            r#""s3:PutObject""#,
            r#"{"StringEquals":{"s3:ExistingObjectTag/class":"public"}}"#,
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].message.contains(
                "only with `s3:DeleteObjectTagging`, `s3:DeleteObjectVersionTagging` and 12 more"
            ),
            "{}",
            d[0].message
        );
        assert!(d[0]
            .help
            .as_deref()
            .unwrap()
            .contains("s3:RequestObjectTag/"));
    }

    #[test]
    fn keys_some_action_of_the_statement_carries_pass() {
        // ListBucket carries s3:prefix; `s3:*`, `*` and a NotAction reach it too.
        for action in [
            r#"["s3:GetObject","s3:ListBucket"]"#,
            r#""s3:*""#,
            r#""*""#,
            r#""s3:List*""#,
        ] {
            assert!(
                found("Allow", action, r#"{"StringLike":{"s3:prefix":"a/*"}}"#).is_empty(),
                "{action}"
            );
        }
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","NotAction":"s3:GetObject","Resource":"arn:aws:s3:::b","Condition":{"StringNotEquals":{"s3:prefix":"a/"}}}]}"#;
        let d = crate::lint(text, &LintOptions::default()).diagnostics;
        assert!(!d.iter().any(|d| d.code == "PC315"), "{d:?}");
        // Keys every request may carry, an unknown S3 action, and the upload keys on uploads.
        assert!(found(
            "Allow",
            r#""s3:GetObject""#,
            r#"{"Bool":{"aws:SecureTransport":"true"}}"#
        )
        .is_empty());
        assert!(found(
            "Allow",
            r#""s3:GetObjectt""#,
            r#"{"StringLike":{"s3:prefix":"a/*"}}"#
        )
        .is_empty());
        assert!(found(
            "Deny",
            r#""s3:PutObject""#,
            r#"{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}"#
        )
        .is_empty());
    }
}
