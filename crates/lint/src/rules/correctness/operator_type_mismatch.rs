//! PC305 `operator-type-mismatch`: the condition operator's type does not fit the key's
//! type (`IpAddress` on `aws:SourceVpce`, `StringEquals` on `aws:SourceIp`).

use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::catalog::KeyType;
use policycheck_core::condition::{Compiled, Condition, Family};
use policycheck_core::{Code, Diagnostic, Severity};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC305",
        name: "operator-type-mismatch",
        severity: Severity::Warning,
        summary: crate::registry::rule_summary!("a condition operator that does not fit the key's type, such as `IpAddress` on a string key"),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC305-operator-type-mismatch.md"),
    tags: &["correctness", "s3"],
    security_severity: None,
    check: Some(check),
};

/// Whether an operator family can compare values of a key type.
fn fits(family: Family, ty: KeyType, key_lc: &str) -> bool {
    match family {
        Family::Null => true,
        // Text comparison suits strings and ARNs; on typed values it compares spellings.
        Family::String | Family::Arn => !matches!(
            ty,
            KeyType::Ip | KeyType::Numeric | KeyType::Date | KeyType::Bool
        ),
        Family::Ip => ty == KeyType::Ip,
        Family::Bool => ty == KeyType::Bool,
        // `aws:EpochTime` is documented for both Date and Numeric operators (spec §3.4).
        Family::Numeric => ty == KeyType::Numeric || key_lc == "aws:epochtime",
        Family::Date => ty == KeyType::Date,
        Family::Binary => ty == KeyType::Binary,
    }
}

fn family_values(f: Family) -> &'static str {
    match f {
        Family::String => "text",
        Family::Numeric => "numbers",
        Family::Date => "dates",
        Family::Bool => "booleans",
        Family::Binary => "binary values",
        Family::Ip => "IP addresses",
        Family::Arn => "ARNs",
        Family::Null => "presence",
    }
}

fn key_values(t: KeyType) -> &'static str {
    match t {
        KeyType::String => "text",
        KeyType::Numeric => "a number",
        KeyType::Date => "a date",
        KeyType::Bool => "a boolean",
        KeyType::Ip => "an IP address",
        KeyType::Arn => "an ARN",
        KeyType::Binary => "binary data",
    }
}

fn operators_for(t: KeyType) -> &'static str {
    match t {
        KeyType::String => "`StringEquals` or `StringLike` (or their `Not` forms)",
        KeyType::Numeric => "`NumericEquals`, `NumericLessThan`, `NumericGreaterThanEquals`, …",
        KeyType::Date => "`DateGreaterThan`, `DateLessThan`, …",
        KeyType::Bool => "`Bool`",
        KeyType::Ip => "`IpAddress` or `NotIpAddress` with CIDR ranges",
        KeyType::Arn => "`ArnLike` or `ArnEquals` (or their `Not` forms)",
        KeyType::Binary => "`BinaryEquals`",
    }
}

/// PC305
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for (cond, info) in ctx.conditions() {
        let Some(op) = cond.op else {
            continue;
        };
        let family = op.base.family();
        let fit = info.is_none_or(|i| fits(family, i.ty, &cond.key_lc));
        if family == Family::Arn && fit {
            short_arns(ctx, cond, op.base.is_negated(), out);
        }
        let Some(info) = info.filter(|_| !fit) else {
            continue;
        };
        let label = match (family, info.ty) {
            (Family::String | Family::Arn, KeyType::Ip) => {
                "compares text: CIDR ranges are not understood".to_string()
            }
            (Family::String | Family::Arn, KeyType::Numeric) => {
                "compares text, not numbers: `1.2` and `1.20` differ".to_string()
            }
            (Family::String | Family::Arn, KeyType::Date) => {
                "compares text, not points in time".to_string()
            }
            (Family::String | Family::Arn, _) => "compares text, not booleans".to_string(),
            _ => format!("expects {}", family_values(family)),
        };
        out.push(
            ctx.finding(
                &RULE,
                cond.operator.span,
                format!(
                    "`{}` compares {}, but `{}` holds {}",
                    cond.operator.value,
                    family_values(family),
                    cond.key_display(),
                    key_values(info.ty)
                ),
            )
            .with_label(label)
            .and_label(cond.key.span, format!("{} key", info.ty.as_str()))
            .with_help(format!(
                "use an operator for {} keys: {}",
                info.ty.as_str(),
                operators_for(info.ty)
            )),
        );
    }
}

/// `Arn…` values of fewer than six `:`-separated parts: the operators match part by part
/// and need as many parts on both sides (spec §3.4), so such a value matches no ARN. A
/// value with a policy variable is left alone (what it holds may bring the colons).
fn short_arns(ctx: &LintContext<'_>, cond: &Condition, negated: bool, out: &mut Vec<Diagnostic>) {
    for v in &cond.values {
        let Compiled::Arn(p) = &v.compiled else {
            continue;
        };
        let n = p.parts().len();
        if n >= 6 || p.has_vars() {
            continue;
        }
        let text: &str = &v.text.value;
        let effect = if negated {
            "it excludes nothing, and the condition holds for every ARN"
        } else {
            "it matches no ARN, and the condition never holds"
        };
        let mut six = text.to_string();
        for _ in n..6 {
            six.push_str(":*");
        }
        out.push(
            ctx.finding(
                &RULE,
                v.text.span,
                format!(
                    "`{text}` has {n} of an ARN's six `:`-separated parts: `{}` compares ARNs part by part, so {effect}",
                    cond.operator.value
                ),
            )
            .with_label(format!("{n} parts, where `{}` needs six", cond.operator.value))
            .with_help(format!(
                "write all six parts (`arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`; region and account may be empty), e.g. `{six}`, or compare with `StringLike`, whose `*` also crosses `:`"
            )),
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
            .filter(|d| d.code == "PC305")
            .collect()
    }

    #[test]
    fn mismatches_are_reported() {
        for condition in [
            r#"{"IpAddress":{"aws:SourceVpce":"10.0.0.0/8"}}"#,
            r#"{"StringEquals":{"aws:SourceIp":"192.0.2.0/24"}}"#,
            r#"{"StringLike":{"aws:SecureTransport":"true"}}"#,
            r#"{"NumericLessThan":{"aws:CurrentTime":"1700000000"}}"#,
            r#"{"DateLessThan":{"s3:max-keys":"2020-01-01"}}"#,
            r#"{"Bool":{"aws:PrincipalOrgID":"true"}}"#,
            r#"{"ArnLike":{"s3:TlsVersion":"1.2"}}"#,
        ] {
            assert_eq!(found(condition).len(), 1, "{condition}");
        }
        let d = found(r#"{"IpAddress":{"aws:SourceVpce":"10.0.0.0/8"}}"#);
        assert_eq!(
            d[0].message,
            "`IpAddress` compares IP addresses, but `aws:SourceVpce` holds text"
        );
    }

    #[test]
    fn arn_values_of_fewer_than_six_parts_are_reported() {
        let d =
            found(r#"{"ArnLike":{"aws:PrincipalArn":["arn:aws:iam::*","arn:aws:iam::*:role/R"]}}"#);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].message,
            "`arn:aws:iam::*` has 5 of an ARN's six `:`-separated parts: `ArnLike` compares ARNs part by part, so it matches no ARN, and the condition never holds"
        );
        assert!(
            d[0].help
                .as_deref()
                .is_some_and(|h| h.contains("e.g. `arn:aws:iam::*:*`")),
            "{:?}",
            d[0].help
        );
        let d = found(r#"{"ArnNotEquals":{"aws:SourceArn":"arn:aws:sns"}}"#);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].message.contains("has 3 of") && d[0].message.contains("it excludes nothing"),
            "{}",
            d[0].message
        );
        // Under `StringLike` the `*` crosses `:`; a variable may bring the colons.
        assert!(found(r#"{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*"}}"#).is_empty());
        assert!(found(
            r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::${aws:PrincipalAccount}"}}"#
        )
        .is_empty());
    }

    #[test]
    fn fitting_operators_pass() {
        assert!(found(
            r#"{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"},"StringEquals":{"aws:SourceArn":"arn:aws:cloudfront::1:distribution/X","s3:x-amz-acl":"private"},
                "NumericLessThan":{"s3:TlsVersion":"1.2","aws:EpochTime":"1700000000"},"DateGreaterThan":{"aws:EpochTime":"1700000000"},
                "Bool":{"aws:SecureTransport":"false"},"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::1:role/*"},"Null":{"aws:SourceIp":"true"},
                "StringLike":{"aws:UnknownKey":"x"}}"#
        )
        .is_empty());
    }
}
