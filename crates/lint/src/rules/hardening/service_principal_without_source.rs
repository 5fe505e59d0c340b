//! PC207 `service-principal-without-source`: an `Allow` to an AWS service principal that
//! nothing ties to your own account or resource (the cross-service confused deputy).

use crate::context::LintContext;
use crate::registry::RuleMeta;
use crate::rules::redundancy::{parts, Coverage};
use policycheck_core::condition::{BaseOp, Condition, SetOp};
use policycheck_core::cover::same_condition;
use policycheck_core::model::{PrincipalId, PrincipalValue};
use policycheck_core::text::StrFind;
use policycheck_core::{Code, Diagnostic, Severity, Span, Statement};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC207",
        name: "service-principal-without-source",
        severity: Severity::Warning,
        summary: crate::registry::rule_summary!("an `Allow` to an AWS service with no `aws:SourceArn` or `aws:SourceAccount` condition: it may act for any customer"),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC207-service-principal-without-source.md"),
    tags: &["hardening", "security", "s3"],
    security_severity: Some("5.0"),
    check: Some(check),
};

/// The keys AWS recommends against the cross-service confused deputy (lower-cased).
const SOURCE_KEYS: [&str; 5] = [
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
];

/// A fixed text in spec §6.2's sense: not empty, no `*` or `?`, no policy variable
/// (`${aws:PrincipalAccount}` is whoever asks, not one owner).
fn fixed(s: &str) -> bool {
    !s.is_empty() && !s.bytes().any(|b| b == b'*' || b == b'?') && !s.has("${")
}

/// Whether `value` of source key `key_lc` names one owner: an account, an organization,
/// or a resource (a wildcard account is fine when the resource part is fixed: bucket
/// names and distribution ids are unique).
fn value_pins(key_lc: &str, value: &str) -> bool {
    match key_lc {
        "aws:sourcearn" => {
            let mut parts = value.splitn(6, ':').skip(4);
            parts.next().is_some_and(fixed) || parts.next().is_some_and(fixed)
        }
        // `o-exampleorgid/r-ab12/ou-…/*`: the organization is the first segment.
        "aws:sourceorgpaths" => value.split('/').next().is_some_and(fixed),
        _ => fixed(value),
    }
}

/// How a condition bears on the source of a service's request.
enum Source {
    /// It ties the request to named owners.
    Pins,
    /// It reads a source key but lets requests from anyone's resources through: why.
    Weak(&'static str),
    Unrelated,
}

/// Judge one condition of an `Allow` (`deny` false) or a `Deny` (`deny` true).
fn judge(c: &Condition, deny: bool) -> Source {
    if !SOURCE_KEYS.contains(&c.key_lc.as_ref()) {
        return Source::Unrelated;
    }
    let Some(op) = c.op else {
        return Source::Weak("this operator is unknown, so the condition pins nothing");
    };
    let positive = matches!(
        op.base,
        BaseOp::StringEquals
            | BaseOp::StringEqualsIgnoreCase
            | BaseOp::StringLike
            | BaseOp::ArnEquals
            | BaseOp::ArnLike
    );
    let negative = matches!(
        op.base,
        BaseOp::StringNotEquals
            | BaseOp::StringNotEqualsIgnoreCase
            | BaseOp::StringNotLike
            | BaseOp::ArnNotEquals
            | BaseOp::ArnNotLike
    );
    if !(if deny { negative } else { positive }) {
        return if deny {
            Source::Unrelated
        } else {
            Source::Weak("this operator does not require a named source")
        };
    }
    if !deny && op.if_exists {
        return Source::Weak("`IfExists` lets a request without this key through");
    }
    if !deny && op.set == Some(SetOp::ForAllValues) {
        return Source::Weak("`ForAllValues:` is true when the key is absent");
    }
    let values_pin = !c.values.is_empty()
        && c.values
            .iter()
            .all(|v| value_pins(&c.key_lc, &v.text.value));
    if values_pin {
        Source::Pins
    } else if deny {
        Source::Unrelated
    } else {
        Source::Weak("a wildcard here matches other customers' accounts and resources")
    }
}

/// How a `Deny` statement bears on the requests of `allow` that the service makes for
/// other sources: `None` when it is no source `Deny` for the service (a `*` principal, or
/// the service itself, with a negated source condition with fixed values); else whether
/// it refuses every such request: it covers every action and resource of `allow`, and its
/// other conditions are ones such a request always meets (`allow`'s own, or ones saying a
/// service calls). The span is its source condition's key.
fn deny_pins<'a>(
    coverage: &mut Coverage<'a>,
    st: &'a Statement,
    allow: &'a Statement,
    service: &str,
) -> Option<(bool, Span)> {
    if !crate::rules::correctness::is_deny(st) {
        return None;
    }
    let covers = st.principal.as_ref().is_some_and(|p| {
        !p.negated
            && match &p.value {
                PrincipalValue::Anyone => true,
                PrincipalValue::Map(entries) => entries.iter().any(|e| match &e.id {
                    PrincipalId::Service(s) => s.eq_ignore_ascii_case(service),
                    _ => false,
                }),
            }
    });
    if !covers {
        return None;
    }
    let conditions = st.condition.as_ref().map_or(&[][..], |c| &c.conditions[..]);
    let pin = conditions
        .iter()
        .find(|c| matches!(judge(c, true), Source::Pins))?;
    let others_hold = conditions.iter().all(|c| {
        matches!(judge(c, true), Source::Pins)
            || always_for_service(c, service)
            || allow
                .condition
                .iter()
                .flat_map(|a| &a.conditions)
                .any(|a| same_condition(c, a))
    });
    let all = others_hold
        && match (parts(st), parts(allow)) {
            (Some(deny), Some(granted)) => {
                coverage.actions_cover(deny.action, granted.action)
                    && coverage.resources_cover(deny.resource, granted.resource)
            }
            _ => false,
        };
    Some((all, pin.key.span))
}

/// Whether condition `c` holds for every request `service` makes: it says a service calls
/// (`aws:PrincipalIsAWSService` true, `aws:PrincipalServiceName` this one) or that a
/// source key is present (`Null` false: a service sends them for its resources).
fn always_for_service(c: &Condition, service: &str) -> bool {
    let Some(op) = c.op else {
        return false;
    };
    if op.set.is_some() {
        return false;
    }
    let all = |f: &dyn Fn(&str) -> bool| {
        !c.values.is_empty() && c.values.iter().all(|v| f(&v.text.value))
    };
    match (op.base, c.key_lc.as_ref()) {
        (BaseOp::Bool, "aws:principalisawsservice") => all(&|v| v.eq_ignore_ascii_case("true")),
        (BaseOp::StringEquals | BaseOp::StringEqualsIgnoreCase, "aws:principalservicename") => {
            all(&|v| v.eq_ignore_ascii_case(service))
        }
        (BaseOp::Null, key) if !op.if_exists && SOURCE_KEYS.contains(&key) => {
            all(&|v| v.eq_ignore_ascii_case("false"))
        }
        _ => false,
    }
}

/// The condition to suggest for `service`, around the account id (the configured owner,
/// or a placeholder).
fn suggestion(service: &str) -> (&'static str, &'static str) {
    if service.eq_ignore_ascii_case("cloudfront.amazonaws.com") {
        (
            "\"StringEquals\": {\"AWS:SourceArn\": \"arn:aws:cloudfront::",
            ":distribution/DISTRIBUTION-ID\"}",
        )
    } else if service.eq_ignore_ascii_case("logging.s3.amazonaws.com") {
        (
            "\"ArnLike\": {\"aws:SourceArn\": \"arn:aws:s3:::SOURCE-BUCKET\"}, \
             \"StringEquals\": {\"aws:SourceAccount\": \"",
            "\"}",
        )
    } else {
        ("\"StringEquals\": {\"aws:SourceAccount\": \"", "\"}")
    }
}

/// PC207
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let mut coverage = Coverage::default();
    for st in &ctx.policy.statements {
        let Some(entries) = super::allowed_principal_entries(st) else {
            continue;
        };
        if !entries
            .iter()
            .any(|e| matches!(e.id, PrincipalId::Service(_)))
        {
            continue;
        }
        let conditions = st.condition.as_ref().map_or(&[][..], |c| &c.conditions[..]);
        let mut weak: Option<(Span, &'static str)> = None;
        let mut pinned = false;
        for c in conditions {
            match judge(c, false) {
                Source::Pins => pinned = true,
                Source::Weak(why) => {
                    weak.get_or_insert((c.key.span, why));
                }
                Source::Unrelated => {}
            }
        }
        if pinned {
            continue;
        }
        for entry in entries {
            let PrincipalId::Service(service) = &entry.id else {
                continue;
            };
            // A source Deny that refuses every such request pins them; one that refuses
            // only some is named.
            let mut partial: Option<(&Statement, Span)> = None;
            let mut pinned_by_deny = false;
            for d in &ctx.policy.statements {
                match deny_pins(&mut coverage, d, st, service) {
                    Some((true, _)) => pinned_by_deny = true,
                    Some((false, span)) => {
                        partial.get_or_insert((d, span));
                    }
                    None => {}
                }
            }
            if pinned_by_deny {
                continue;
            }
            let account = ctx
                .options
                .owner_account
                .as_deref()
                .unwrap_or("YOUR-ACCOUNT-ID");
            // With a near-miss condition, the message says why it does not pin (the
            // label alone does not reach SARIF or GitHub annotations).
            let mut why = match weak {
                Some((_, why)) => format!("its source condition does not pin them: {why}"),
                None => "no condition ties its requests to your account or resources".to_string(),
            };
            if let Some((deny, _)) = partial {
                why.push_str(&format!(
                    "; the `Deny` `{}` refuses other sources for only some of its requests (not all its actions or resources, or only under another condition)",
                    deny.id()
                ));
            }
            let mut d = ctx
                .finding(
                    &RULE,
                    entry.text.span,
                    format!(
                        "statement `{}` lets `{service}` act for any AWS customer: {why}",
                        st.id()
                    ),
                )
                .with_label("this service calls on behalf of every customer's resources");
            if let Some((span, why)) = weak {
                d = d.and_label(span, why);
            }
            if let Some((_, span)) = partial {
                d = d.and_label(
                    span,
                    "refuses other sources for only some of these requests",
                );
            }
            let (before, after) = suggestion(service);
            // Pushed piece by piece: `[&str]::concat` would link a second copy of `join`.
            let mut help = String::from(
                "a service principal acts for whoever configured it: another customer can point \
                 their own resource (a CloudFront distribution, a log delivery, …) at this bucket \
                 (the cross-service confused deputy). Pin the source to your own, e.g. \
                 \"Condition\": {",
            );
            for piece in [before, account, after, "}"] {
                help.push_str(piece);
            }
            out.push(d.with_help(help));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::value_pins;
    use crate::{lint, LintOptions};

    fn found(statements: &str) -> Vec<policycheck_core::Diagnostic> {
        let text = format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#);
        lint(&text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC207")
            .collect()
    }

    fn allow(condition: &str) -> String {
        format!(
            r#"{{"Sid":"S","Effect":"Allow","Principal":{{"Service":"cloudfront.amazonaws.com"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"{condition}}}"#
        )
    }

    #[test]
    fn an_unconditioned_service_grant_is_reported_with_a_pinning_example() {
        let d = found(&allow(""));
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("`cloudfront.amazonaws.com`"));
        let help = d[0].help.as_deref().unwrap();
        assert!(
            help.contains("\"AWS:SourceArn\": \"arn:aws:cloudfront::YOUR-ACCOUNT-ID:distribution/"),
            "{help}"
        );
    }

    #[test]
    fn the_recommended_conditions_pin() {
        for cond in [
            r#""StringEquals":{"AWS:SourceArn":"arn:aws:cloudfront::111122223333:distribution/E1"}"#,
            r#""ArnLike":{"aws:SourceArn":"arn:aws:cloudfront::111122223333:distribution/*"}"#,
            r#""StringEquals":{"aws:SourceAccount":"111122223333"}"#,
            r#""StringEquals":{"aws:SourceOrgID":"o-a1b2c3d4e5"}"#,
            r#""ForAnyValue:StringLike":{"aws:SourceOrgPaths":"o-a1b2c3d4e5/r-ab12/*"}"#,
            r#""ArnEquals":{"aws:SourceArn":"arn:aws:s3:::source-bucket"}"#,
        ] {
            let d = found(&allow(&format!(r#","Condition":{{{cond}}}"#)));
            assert!(d.is_empty(), "{cond}: {d:?}");
        }
    }

    #[test]
    fn conditions_that_do_not_pin_are_reported_and_named() {
        for (cond, why) in [
            (
                r#""StringEqualsIfExists":{"aws:SourceAccount":"111122223333"}"#,
                "IfExists",
            ),
            (
                r#""ArnLike":{"aws:SourceArn":"arn:aws:cloudfront::*:distribution/*"}"#,
                "wildcard",
            ),
            (
                r#""StringNotEquals":{"aws:SourceAccount":"111122223333"}"#,
                "does not require",
            ),
            (
                r#""ForAllValues:StringLike":{"aws:SourceOrgPaths":"o-a1b2c3d4e5/*"}"#,
                "ForAllValues",
            ),
        ] {
            let d = found(&allow(&format!(r#","Condition":{{{cond}}}"#)));
            assert_eq!(d.len(), 1, "{cond}: {d:?}");
            assert!(
                d[0].labels
                    .iter()
                    .any(|l| l.text.as_deref().is_some_and(|t| t.contains(why))),
                "{cond}: {:?}",
                d[0].labels
            );
        }
    }

    #[test]
    fn a_deny_from_other_sources_pins_too() {
        let deny = r#"{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"StringNotEquals":{"aws:SourceAccount":"111122223333"}}}"#;
        assert!(found(&format!("{},{deny}", allow(""))).is_empty());
        // A Deny with a wildcard value does not.
        let loose = deny.replace("111122223333", "*");
        assert_eq!(found(&format!("{},{loose}", allow(""))).len(), 1);
        // Conditions every service request meets leave the Deny in force, and so do the
        // Allow's own conditions.
        let service = deny.replace(
            r#"}}}"#,
            r#"},"Bool":{"aws:PrincipalIsAWSService":"true"},"Null":{"aws:SourceAccount":"false"}}}"#,
        );
        assert!(
            found(&format!("{},{service}", allow(""))).is_empty(),
            "{service}"
        );
        let vpce = r#","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}"#;
        let shared = deny.replace(
            r#"}}}"#,
            r#"},"StringEquals":{"aws:SourceVpce":"vpce-1"}}}"#,
        );
        assert!(found(&format!("{},{shared}", allow(vpce))).is_empty());
    }

    #[test]
    fn a_deny_that_misses_some_granted_requests_does_not_pin() {
        let deny = r#"{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"StringNotEquals":{"aws:SourceAccount":"111122223333"}}}"#;
        let vpce = |id: &str| {
            format!(r#","Condition":{{"StringEquals":{{"aws:SourceVpce":"vpce-{id}"}}}}"#)
        };
        let with_vpce = |id: &str| {
            deny.replace(
                r#"}}}"#,
                &format!(r#"}},"StringEquals":{{"aws:SourceVpce":"vpce-{id}"}}}}}}"#),
            )
        };
        for (what, granted, other) in [
            (
                "another action",
                allow(""),
                deny.replace(r#""s3:*""#, r#""s3:PutObject""#),
            ),
            (
                "another resource",
                allow(""),
                deny.replace("arn:aws:s3:::b/*", "arn:aws:s3:::b/other/*"),
            ),
            (
                "a condition a service call does not meet",
                allow(""),
                with_vpce("1"),
            ),
            (
                "a condition the Allow does not share",
                allow(&vpce("1")),
                with_vpce("2"),
            ),
        ] {
            let d = found(&format!("{granted},{other}"));
            assert_eq!(d.len(), 1, "{what}");
            assert!(
                d[0].message
                    .contains("the `Deny` `#1` refuses other sources for only some"),
                "{what}: {}",
                d[0].message
            );
        }
    }

    #[test]
    fn other_principals_and_denies_are_not_reported() {
        assert!(found(r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/R"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#).is_empty());
        assert!(found(r#"{"Effect":"Deny","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}"#).is_empty());
    }

    #[test]
    fn the_owner_account_fills_the_example() {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            r#"{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::logs/*"}"#
        );
        let options = LintOptions {
            owner_account: Some("111122223333".into()),
            ..LintOptions::default()
        };
        let d: Vec<_> = lint(&text, &options)
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC207")
            .collect();
        assert_eq!(d.len(), 1);
        let help = d[0].help.as_deref().unwrap();
        assert!(
            help.contains("\"aws:SourceAccount\": \"111122223333\""),
            "{help}"
        );
        assert!(help.contains("arn:aws:s3:::SOURCE-BUCKET"), "{help}");
    }

    #[test]
    fn source_values_pin_only_with_a_fixed_owner() {
        assert!(value_pins(
            "aws:sourcearn",
            "arn:aws:cloudfront::111122223333:distribution/*"
        ));
        assert!(value_pins(
            "aws:sourcearn",
            "arn:aws:cloudfront::*:distribution/E1"
        ));
        assert!(value_pins("aws:sourcearn", "arn:aws:s3:::bucket"));
        assert!(!value_pins("aws:sourcearn", "arn:aws:s3:::*"));
        assert!(!value_pins("aws:sourcearn", "*"));
        assert!(value_pins("aws:sourceaccount", "111122223333"));
        assert!(!value_pins("aws:sourceaccount", "1111*"));
        assert!(!value_pins("aws:sourceorgpaths", "o-*/r-ab12/*"));
        // A policy variable is whoever asks, not a fixed owner (spec §6.2).
        assert!(!value_pins("aws:sourceaccount", "${aws:PrincipalAccount}"));
        assert!(!value_pins(
            "aws:sourcearn",
            "arn:aws:cloudfront::${aws:PrincipalAccount}:distribution/${aws:userid}"
        ));
    }
}
