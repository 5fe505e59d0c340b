//! PC301–PC316: correctness. Statements and conditions that do not mean what they
//! appear to mean, or that S3 rejects. Each rule lives in its own file, with its
//! documentation in `docs/<CODE>-<name>.md`; the helpers below are shared with the
//! hardening rules.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::pattern::{tokenize, Syntax, Tok};
use policycheck_core::{Effect, Span, Statement};

pub mod action_resource_mismatch;
pub mod condition_key_not_for_action;
pub mod condition_key_not_for_principal;
pub mod duplicate_sid;
pub mod forallvalues_without_null_guard;
pub mod multivalued_key_without_set_operator;
pub mod operator_type_mismatch;
pub mod policy_too_large;
pub mod resource_outside_bucket;
pub mod set_operator_on_single_valued_key;
pub mod unknown_action;
pub mod unknown_condition_key;
pub mod unknown_service_principal;
pub mod variable_in_non_string_condition;
pub mod variables_need_version_2012;
pub mod wildcard_in_exact_operator;

pub static RULES: &[RuleMeta] = &[
    wildcard_in_exact_operator::RULE,
    unknown_action::RULE,
    action_resource_mismatch::RULE,
    unknown_condition_key::RULE,
    operator_type_mismatch::RULE,
    forallvalues_without_null_guard::RULE,
    set_operator_on_single_valued_key::RULE,
    multivalued_key_without_set_operator::RULE,
    duplicate_sid::RULE,
    policy_too_large::RULE,
    variables_need_version_2012::RULE,
    resource_outside_bucket::RULE,
    variable_in_non_string_condition::RULE,
    unknown_service_principal::RULE,
    condition_key_not_for_action::RULE,
    condition_key_not_for_principal::RULE,
];

/// Whether the statement is an `Allow`.
pub(crate) fn is_allow(st: &Statement) -> bool {
    st.effect.as_ref().is_some_and(|e| e.value == Effect::Allow)
}

/// How a condition decides a request without its key, the same for every request a
/// statement matches (spec §3.3): whether it holds (`None` when it cannot be evaluated),
/// and what that does to the statement.
pub(crate) fn on_absent_key(
    cond: &policycheck_core::condition::Condition,
    allow: bool,
) -> Option<(bool, &'static str)> {
    use policycheck_core::condition::{evaluate_value, Tri};
    let holds = match evaluate_value(cond, None, &policycheck_core::Context::new(), false).result {
        Tri::True => true,
        Tri::False => false,
        Tri::Unknown => return None,
    };
    Some((
        holds,
        match (allow, holds) {
            (true, false) => "never holds and the statement allows nothing",
            (true, true) => "always holds and restricts nothing",
            (false, false) => "never holds and the statement never denies",
            (false, true) => "always holds and the statement denies every request it matches",
        },
    ))
}

/// A finding of [`on_absent_key`]'s, raised to an error when it is a `Deny` that never
/// holds: the policy is less safe than it reads.
pub(crate) fn dead_deny_is_error(
    d: policycheck_core::Diagnostic,
    allow: bool,
    holds: bool,
) -> policycheck_core::Diagnostic {
    if !allow && !holds {
        d.with_severity(policycheck_core::Severity::Error)
    } else {
        d
    }
}

pub(crate) fn is_deny(st: &Statement) -> bool {
    st.effect.as_ref().is_some_and(|e| e.value == Effect::Deny)
}

/// An S3 bucket or object ARN split into its parts: `arn:PARTITION:s3:::BUCKET[/KEY]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct S3Arn<'a> {
    pub partition: &'a str,
    /// The bucket part as written: may hold wildcards or variables.
    pub bucket: &'a str,
    /// The object key after the first `/` (outside variables), if any.
    pub key: Option<&'a str>,
    /// Whether the bucket part is plain text (see [`S3Arn::literal_bucket`]), read once.
    literal: bool,
}

impl<'a> S3Arn<'a> {
    /// The bucket name when it is plain text: no wildcard and no policy variable.
    pub fn literal_bucket(&self) -> Option<&'a str> {
        self.literal.then_some(self.bucket)
    }
}

/// Read `arn:PARTITION:s3:::BUCKET[/KEY]`. `None` for anything else, including `*`
/// and access-point ARNs (which carry a Region and an account).
pub(crate) fn s3_arn(text: &str) -> Option<S3Arn<'_>> {
    let rest = text.strip_prefix("arn:")?;
    // A byte scan for the partition's end: cheaper than a `str` searcher on a short text.
    let colon = rest.bytes().position(|b| b == b':')?;
    let partition = rest.get(..colon)?;
    let rest = rest.get(colon + 1..)?.strip_prefix("s3:::")?;
    // One byte scan finds the first `/` outside `${…}` variables and whether the bucket
    // before it is plain text (no wildcard, no variable).
    let b = rest.as_bytes();
    let (mut in_var, mut literal, mut slash) = (false, true, None);
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'*' | b'?' => literal = false,
            b'$' if b.get(i + 1) == Some(&b'{') => (literal, in_var) = (false, true),
            b'}' if in_var => in_var = false,
            b'/' if !in_var => {
                slash = Some(i);
                break;
            }
            _ => {}
        }
    }
    let (bucket, key) = match slash {
        Some(i) => (rest.get(..i)?, rest.get(i + 1..)),
        None => (rest, None),
    };
    Some(S3Arn {
        partition,
        bucket,
        key,
        literal: literal && !bucket.is_empty(),
    })
}

/// `text` as policy-variable syntax (wildcards and variables on), whatever the
/// policy's `Version`: the escapes `${*}` and `${?}` are literal text there.
fn tokens(text: &str) -> Vec<Tok> {
    tokenize(
        text,
        Syntax {
            wildcards: true,
            variables: true,
        },
    )
}

/// Whether `text` holds a `*` or `?` wildcard outside `${…}` (so the escapes `${*}` and
/// `${?}` and variable defaults do not count).
pub(crate) fn has_wildcard(text: &str) -> bool {
    // Byte tests: these texts are short ARNs, where a `str` searcher costs more.
    let b = text.as_bytes();
    if !b.iter().any(|&c| c == b'*' || c == b'?') {
        return false;
    }
    if !b.contains(&b'$') {
        return true; // no variable can hold an escaped `${*}` or `${?}`
    }
    tokens_have_wildcard(text)
}

/// [`has_wildcard`] from the tokens, without its shortcuts.
fn tokens_have_wildcard(text: &str) -> bool {
    tokens(text)
        .iter()
        .any(|t| matches!(t, Tok::Star | Tok::One))
}

/// `text` with every `${…}` variable replaced by `x`, for shape checks that must not
/// mistake a `/` inside a variable for part of the ARN.
pub(crate) fn without_variables(text: &str) -> std::borrow::Cow<'_, str> {
    let b = text.as_bytes();
    if !b.contains(&b'$') && !b.windows(2).any(|w| w == b"**") {
        // Nothing to replace and no `**` to merge: the tokens spell the text back.
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(tokens_spelled(text))
}

/// [`without_variables`] from the tokens, without its shortcut.
fn tokens_spelled(text: &str) -> String {
    tokens(text)
        .iter()
        .map(|t| match t {
            Tok::Lit(s) => s.as_str(),
            Tok::Star => "*",
            Tok::One => "?",
            Tok::Var { .. } => "x",
        })
        .collect()
}

/// The bucket this policy is about: `--bucket` when given, else the bucket that the
/// policy's `Resource` elements name most often (the first one on a tie), with the
/// span of its first mention.
pub(crate) fn policy_bucket(ctx: &LintContext<'_>) -> Option<(String, Option<Span>)> {
    if let Some(b) = &ctx.options.bucket {
        return Some((b.clone(), None));
    }
    let mut counts: Vec<(&str, usize, Span)> = Vec::new();
    for st in &ctx.policy.statements {
        let Some(res) = st.resource.as_ref().filter(|r| !r.negated) else {
            continue;
        };
        for (item, arn) in res.items.iter().zip(ctx.resource_arns(st)) {
            let Some(name) = arn.and_then(|a| a.literal_bucket()) else {
                continue;
            };
            match counts.iter_mut().find(|(n, _, _)| *n == name) {
                Some(entry) => entry.1 += 1,
                None => counts.push((name, 1, item.text.span)),
            }
        }
    }
    let mut best: Option<(&str, usize, Span)> = None;
    for entry in counts {
        if best.is_none_or(|b| entry.1 > b.1) {
            best = Some(entry);
        }
    }
    best.map(|(name, _, span)| (name.to_string(), Some(span)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_arns_split_into_bucket_and_key() {
        let a = s3_arn("arn:aws:s3:::my-bucket/a/b*").unwrap();
        assert_eq!(
            (a.partition, a.bucket, a.key),
            ("aws", "my-bucket", Some("a/b*"))
        );
        assert_eq!(a.literal_bucket(), Some("my-bucket"));
        let a = s3_arn("arn:aws-cn:s3:::logs").unwrap();
        assert_eq!((a.partition, a.bucket, a.key), ("aws-cn", "logs", None));
        let a = s3_arn("arn:aws:s3:::${aws:PrincipalTag/team}-data/*").unwrap();
        assert_eq!(a.bucket, "${aws:PrincipalTag/team}-data");
        assert_eq!(a.literal_bucket(), None);
        assert_eq!(s3_arn("arn:aws:s3:::b*").unwrap().literal_bucket(), None);
        assert!(s3_arn("*").is_none());
        assert!(s3_arn("arn:aws:s3:us-east-1:111122223333:accesspoint/ap").is_none());
    }

    #[test]
    fn wildcards_inside_variables_do_not_count() {
        assert!(has_wildcard("vpce-*"));
        assert!(has_wildcard("a?c"));
        assert!(!has_wildcard("literal-${*}-star"));
        assert!(!has_wildcard("${aws:username, 'a*'}"));
        assert!(has_wildcard("${aws:username}/*"));
    }

    #[test]
    fn variables_are_blanked_out() {
        assert_eq!(
            without_variables("arn:aws:s3:::b-${aws:PrincipalTag/t}/${*}x"),
            "arn:aws:s3:::b-x/*x"
        );
        assert_eq!(without_variables("a${b"), "a${b");
    }

    #[test]
    fn fast_paths_agree_with_the_tokens() {
        for text in [
            "",
            "*",
            "**",
            "a**b",
            "?",
            "a?*",
            "arn:aws:s3:::b/*",
            "arn:aws:s3:::b",
            "${*}",
            "$*",
            "a$b*",
            "${aws:username}",
            "x${?}y*",
            "***?**",
            "plain-text",
        ] {
            assert_eq!(has_wildcard(text), tokens_have_wildcard(text), "{text}");
            assert_eq!(without_variables(text), tokens_spelled(text), "{text}");
        }
    }
}
