//! PC209 `identity-key-not-fixed`: a wildcard or a policy variable in the value of a
//! condition key that names an account or an organization (spec §7.3: "warn on `*`/`?` in
//! any account- or org-identifying key"; §6.1: a value is fixed when it holds neither).

use crate::context::LintContext;
use crate::registry::RuleMeta;
use crate::rules::correctness::has_wildcard;
use policycheck_core::condition::{BaseOp, Compiled, CondValue, Condition};
use policycheck_core::model::{Effect, PrincipalId, PrincipalType, PrincipalValue, Statement};
use policycheck_core::text::StrFind;
use policycheck_core::{Code, Diagnostic, Severity};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC209",
        name: "identity-key-not-fixed",
        severity: Severity::Warning,
        summary: crate::registry::rule_summary!(
            "a wildcard, policy variable or malformed account id where a condition names an account or organization"
        ),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC209-identity-key-not-fixed.md"),
    tags: &["hardening", "security", "s3"],
    security_severity: Some("6.0"),
    check: Some(check),
};

/// Keys whose whole value is an account id or an organization id.
const ID_KEYS: &[&str] = &[
    "aws:principalaccount",
    "aws:principalorgid",
    "aws:resourceaccount",
    "aws:resourceorgid",
    "aws:sourceaccount",
    "aws:sourceorgid",
    "aws:sourceowner",
    "s3:dataaccesspointaccount",
    "s3:resourceaccount",
];

/// Keys whose value is an ARN: only its account (fifth component) must be fixed.
const ARN_KEYS: &[&str] = &["aws:principalarn", "aws:sourcearn", "s3:dataaccesspointarn"];

/// Whether the operator reads `*` and `?` as wildcards (under the others they are
/// literal characters: PC301's case).
fn wildcard_operator(c: &Condition) -> bool {
    c.op.is_some_and(|op| {
        matches!(
            op.base,
            BaseOp::StringLike
                | BaseOp::StringNotLike
                | BaseOp::ArnLike
                | BaseOp::ArnNotLike
                | BaseOp::ArnEquals
                | BaseOp::ArnNotEquals
        )
    })
}

const WILDCARD: &str = "a wildcard";
const VARIABLE: &str = "a policy variable";

/// What makes `text` not fixed, if anything: [`WILDCARD`] or [`VARIABLE`]. With
/// `escapes` (Version 2012-10-17), what is inside `${…}` (the escapes `${*}` and `${?}`,
/// a variable's default) is no wildcard; without, `${` is plain text.
fn not_fixed(text: &str, wildcards: bool, variables: bool, escapes: bool) -> Option<&'static str> {
    if variables && text.has("${") {
        return Some(VARIABLE);
    }
    let wild = if escapes {
        has_wildcard(text)
    } else {
        text.contains(['*', '?'])
    };
    (wildcards && wild).then_some(WILDCARD)
}

/// Whether a statement names its principals (no `"*"`, `{"AWS": "*"}`, wildcard,
/// `Federated` or `NotPrincipal`), so that it is not public whatever its conditions say;
/// `Some(true)` when one of them is a service principal.
fn named_principals(st: &Statement) -> Option<bool> {
    let p = st.principal.as_ref().filter(|p| !p.negated)?;
    let PrincipalValue::Map(es) = &p.value else {
        return None;
    };
    es.iter()
        .all(|e| {
            e.id != PrincipalId::AnyAws
                && e.ty != PrincipalType::Federated
                && !e.text.value.contains(['*', '?'])
        })
        .then(|| es.iter().any(|e| e.ty == PrincipalType::Service))
}

fn is_deny(st: &Statement) -> bool {
    st.effect.as_ref().is_some_and(|e| e.value == Effect::Deny)
}

/// Whether an account component or account key's value can name an account: 12 digits,
/// or empty (an S3 ARN's), or `aws` (AWS-managed resources).
fn is_account_like(part: &str) -> bool {
    part.is_empty() || part == "aws" || policycheck_core::request::is_account_id(part)
}

/// A fixed value where an account id belongs that is not one (`1111-2222-3333`, 13 or 14
/// digits): no request carries it.
fn not_an_account(
    ctx: &LintContext<'_>,
    st: &Statement,
    cond: &Condition,
    v: &CondValue,
    part: &str,
    arn: bool,
) -> Diagnostic {
    let display = cond.key_display();
    let text = &v.text.value;
    let negated = cond.op.is_some_and(|o| o.base.is_negated());
    let subject = if arn {
        format!("the account in `{text}` (`{display}`) is `{part}`")
    } else {
        format!("`{display}` is compared with `{text}`")
    };
    let mut help =
        "write the 12-digit account id (`111122223333`: digits only, no dashes or spaces)"
            .to_string();
    if negated && is_deny(st) {
        help.push_str(
            "; as written, this Deny applies to every caller, your own account's included",
        );
    }
    ctx.finding(
        &RULE,
        v.text.span,
        format!("{subject}, which is not an account id (12 digits): it matches no request"),
    )
    .with_label("not a 12-digit account id")
    .with_help(help)
}

/// PC209
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let escapes = ctx.policy.variables_enabled();
    for st in &ctx.policy.statements {
        let Some(block) = &st.condition else {
            continue;
        };
        for cond in &block.conditions {
            let key: &str = &cond.key_lc;
            let arn = ARN_KEYS.contains(&key);
            if !arn && !ID_KEYS.contains(&key) {
                continue;
            }
            let wildcards = wildcard_operator(cond);
            for v in &cond.values {
                // Variables are read only where the version substitutes them (PC311 says
                // the rest); the pattern knows.
                let variables = match &v.compiled {
                    Compiled::Text(p) => p.has_vars(),
                    // Fewer than six parts: an `Arn…` value that matches no ARN names no
                    // account (PC305 says so).
                    Compiled::Arn(p) if p.parts().len() < 6 && !p.has_vars() => continue,
                    Compiled::Arn(p) => p.has_vars(),
                    _ => false,
                };
                let text: &str = &v.text.value;
                let (part, what) = if arn {
                    // The account component; a value that is not an ARN is PC011's. Under
                    // `StringLike` a `*` crosses `:`, so in a value with fewer than five
                    // `:` some `*` stands where the account goes (`arn:aws:*:role/Admin`).
                    let account = match policycheck_core::catalog::split_arn(text) {
                        // An IAM name holds no `:`: a principal pattern with one there
                        // names only roles AWS makes (`role/aws:ec2-infrastructure`), in
                        // any account, never one an outsider controls.
                        (parts, 6..) if key == "aws:principalarn" && parts[5].has_byte(b':') => {
                            continue
                        }
                        (parts, 5..) => parts[4],
                        _ if wildcards && text.has_byte(b'*') => "*",
                        _ => continue,
                    };
                    (account, "the account in")
                } else {
                    (text, "")
                };
                // A variable in a Deny is the data-perimeter idiom (`aws:PrincipalAccount`
                // other than `${aws:ResourceAccount}`): one exact value per request, and a
                // Deny limits nothing Block Public Access counts. Its wildcards still widen
                // whom it lets through, and are reported.
                let variables = variables && !is_deny(st);
                let Some(why) = not_fixed(part, wildcards, variables, escapes) else {
                    // Wildcards under exact operators and variables where they are not
                    // substituted are PC301's and PC311's.
                    if !key.has("org")
                        && matches!(v.compiled, Compiled::Text(_) | Compiled::Arn(_))
                        && !part.contains(['*', '?', '$'])
                        && !is_account_like(part)
                    {
                        out.push(not_an_account(ctx, st, cond, v, part, arn));
                    }
                    continue;
                };
                let display = cond.key_display();
                let id = if key.has("org") {
                    "organization"
                } else {
                    "account"
                };
                // A wildcard reaches others' accounts; a variable holds one value per
                // request, but S3 does not count it as naming anyone.
                let consequence = match (why, arn) {
                    (WILDCARD, true) => {
                        "it matches principals or resources of accounts you do not control"
                    }
                    (WILDCARD, false) if id == "organization" => {
                        "it matches organizations you do not control"
                    }
                    (WILDCARD, false) => "it matches accounts you do not control",
                    _ => "S3's public-access check does not count it as limiting who the statement reaches",
                };
                let message = if arn {
                    format!(
                        "{what} `{text}` (`{display}`) is {why}, not a fixed account id: {consequence}"
                    )
                } else {
                    format!(
                        "`{display}` is compared with `{text}`, {why}, not a fixed {id} id: {consequence}"
                    )
                };
                let example = if id == "organization" {
                    "o-a1b2c3d4e5"
                } else {
                    "111122223333"
                };
                let why_fix = match named_principals(st) {
                    // A named principal is not public, whatever the condition: the BPA
                    // sentence would be false (audit F5).
                    Some(true) => format!(
                        "The service principal acts for every AWS customer, so any {id} \
                         matching the pattern can have it act on this bucket (the confused \
                         deputy, as PC207 says)"
                    ),
                    Some(false) => format!(
                        "The statement names its principals, so it is not public, but the \
                         condition does not limit them to the {id} you meant"
                    ),
                    None => "S3's public-access check (Block Public Access) counts only fixed \
                             values, without wildcards or variables, as limiting who a statement \
                             reaches: an Allow limited this way is public to S3, which refuses \
                             the policy under BlockPublicPolicy, and to policycheck"
                        .to_string(),
                };
                out.push(
                    ctx.finding(&RULE, v.text.span, message)
                        .with_label(format!("{why}, where an {id} id belongs"))
                        .and_label(cond.key.span, "names an account or organization")
                        .with_help(format!(
                            "write the {id} id itself (e.g. `{example}`; several as a list). {why_fix}"
                        )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};
    use policycheck_core::Diagnostic;

    fn found_in(version: &str, condition: &str) -> Vec<Diagnostic> {
        let text = format!(
            r#"{{"Version":"{version}","Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{condition}}}]}}"#
        );
        lint(&text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC209")
            .collect()
    }

    fn found(condition: &str) -> Vec<Diagnostic> {
        found_in("2012-10-17", condition)
    }

    /// The data-perimeter Deny (a review found it reported with help about Allows): a
    /// variable there is one exact value per request. A wildcard in a Deny still is.
    #[test]
    fn a_variable_in_a_deny_is_the_perimeter_idiom_not_a_finding() {
        let deny = |condition: &str| {
            let text = format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"Perimeter","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{condition}}}]}}"#
            );
            lint(&text, &LintOptions::default())
                .diagnostics
                .into_iter()
                .filter(|d| d.code == "PC209")
                .count()
        };
        assert_eq!(
            deny(
                r#"{"StringNotEqualsIfExists":{"aws:PrincipalAccount":"${aws:ResourceAccount}"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}"#
            ),
            0
        );
        assert_eq!(
            deny(r#"{"StringNotLike":{"aws:PrincipalAccount":"1111*"}}"#),
            1
        );
        // The same variable in an Allow still is one.
        assert_eq!(
            found(r#"{"StringEquals":{"aws:PrincipalAccount":"${aws:ResourceAccount}"}}"#).len(),
            1
        );
    }

    #[test]
    fn the_help_fits_the_principal() {
        let with = |principal: &str| {
            let text = format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{{"ArnLike":{{"aws:SourceArn":"arn:aws:cloudfront::*:distribution/*"}}}}}}]}}"#
            );
            let d: Vec<_> = lint(&text, &LintOptions::default())
                .diagnostics
                .into_iter()
                .filter(|d| d.code == "PC209")
                .collect();
            assert_eq!(d.len(), 1, "{principal}: {d:?}");
            d[0].help.clone().unwrap_or_default()
        };
        // A service principal is not public: no Block Public Access sentence, the confused deputy.
        let help = with(r#"{"Service":"cloudfront.amazonaws.com"}"#);
        assert!(
            help.contains("confused deputy") && !help.contains("BlockPublicPolicy"),
            "{help}"
        );
        let help = with(r#"{"AWS":"arn:aws:iam::111122223333:role/R"}"#);
        assert!(
            help.contains("it is not public") && !help.contains("BlockPublicPolicy"),
            "{help}"
        );
        // Everyone: public to S3 and to policycheck.
        let help = with(r#""*""#);
        assert!(
            help.contains("refuses the policy under BlockPublicPolicy"),
            "{help}"
        );
    }

    #[test]
    fn values_that_are_not_account_ids_are_reported() {
        let d =
            found(r#"{"StringEquals":{"aws:SourceAccount":["1111-2222-3333","111122223333"]}}"#);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].message,
            "`aws:SourceAccount` is compared with `1111-2222-3333`, which is not an account id (12 digits): it matches no request"
        );
        let d = found(r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::11112222333344:role/*"}}"#);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.starts_with("the account in `arn:aws:iam::11112222333344:role/*` (`aws:PrincipalArn`) is `11112222333344`, which is not"), "{}", d[0].message);
        // Fine: S3 ARNs have no account, `aws`; PC301's wildcards, `Null`'s booleans and
        // organization ids are not account ids to check.
        for ok in [
            r#"{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::logs-bucket"}}"#,
            r#"{"StringEquals":{"aws:SourceAccount":"*"}}"#,
            r#"{"Null":{"aws:SourceAccount":"false"}}"#,
            r#"{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}"#,
        ] {
            assert!(found(ok).is_empty(), "{ok}");
        }
        // A Deny that meant to keep other accounts out locks everyone out: the help says so.
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"11112222333"}}}]}"#;
        let d: Vec<_> = lint(text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC209")
            .collect();
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].help
                .as_deref()
                .is_some_and(|h| h.contains("this Deny applies to every caller")),
            "{:?}",
            d[0].help
        );
    }

    #[test]
    fn an_arn_value_of_five_parts_names_no_account_under_arn_operators() {
        // `ArnLike` needs six parts on both sides: the value matches nothing (PC305), so
        // it reaches no account; under `StringLike` its `*` crosses `:` and reaches all.
        assert!(found(r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*"}}"#).is_empty());
        assert_eq!(
            found(r#"{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*"}}"#).len(),
            1
        );
        assert_eq!(
            found(r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/R"}}"#).len(),
            1
        );
        // A `*` that spans the service, Region and account: any account's Admin role.
        for op in ["StringLike", "StringNotLike"] {
            let d = found(&format!(
                r#"{{"{op}":{{"aws:PrincipalArn":"arn:aws:*:role/Admin"}}}}"#
            ));
            assert_eq!(d.len(), 1, "{op}");
            assert!(d[0].message.contains("is a wildcard"), "{}", d[0].message);
        }
        assert!(found(r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:*:role/Admin"}}"#).is_empty());
    }

    #[test]
    fn wildcards_and_variables_in_account_and_org_keys_are_reported() {
        let d = found(r#"{"StringLike":{"aws:PrincipalOrgID":["o-*","o-a1b2c3d4e5"]}}"#);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("`aws:PrincipalOrgID` is compared with `o-*`, a wildcard, not a fixed organization id: it matches organizations you do not control"), "{}", d[0].message);
        let d = found(r#"{"StringEquals":{"aws:PrincipalAccount":"${aws:ResourceAccount}"}}"#);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].message
                .contains("a policy variable, not a fixed account id: S3's public-access check"),
            "{}",
            d[0].message
        );
        assert!(d[0]
            .help
            .as_deref()
            .unwrap_or("")
            .contains("`111122223333`"));
        // The account of an ARN key; its name part may be a pattern.
        let d = found(
            r#"{"ArnLike":{"aws:PrincipalArn":["arn:aws:iam::*:role/Reader","arn:aws:iam::111122223333:role/*"]}}"#,
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].message.starts_with(
                "the account in `arn:aws:iam::*:role/Reader` (`aws:PrincipalArn`) is a wildcard"
            ),
            "{}",
            d[0].message
        );
        assert_eq!(
            found(r#"{"StringLike":{"aws:SourceAccount":"1111222233?3"}}"#).len(),
            1
        );
    }

    #[test]
    fn fixed_values_literal_characters_and_other_keys_are_not() {
        assert!(found(r#"{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}"#).is_empty());
        assert!(found(
            r#"{"ArnLike":{"aws:SourceArn":"arn:aws:cloudfront::111122223333:distribution/*"}}"#
        )
        .is_empty());
        // Under StringEquals `*` is a literal character (PC301 says so).
        assert!(found(r#"{"StringEquals":{"aws:PrincipalAccount":"*"}}"#).is_empty());
        // Organization paths normally hold `*` (PC208's business).
        assert!(
            found(r#"{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-a1b2c3d4e5/*"}}"#)
                .is_empty()
        );
        assert!(found(r#"{"StringLike":{"aws:Referer":"https://*.example.com/*"}}"#).is_empty());
        // `${*}` is a literal `*` under Version 2012-10-17.
        assert!(found(r#"{"StringLike":{"aws:PrincipalAccount":"1111${*}"}}"#).is_empty());
        assert_eq!(
            found_in(
                "2008-10-17",
                r#"{"StringLike":{"aws:PrincipalAccount":"1111${*}"}}"#
            )
            .len(),
            1
        );
        // Without Version 2012-10-17 `${…}` is literal text (PC311's business).
        assert!(found_in(
            "2008-10-17",
            r#"{"StringEquals":{"aws:PrincipalAccount":"${aws:ResourceAccount}"}}"#
        )
        .is_empty());
    }
}
