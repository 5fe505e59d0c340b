//! PC204 `missing-secure-transport-deny`: no statement denies requests sent without TLS.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use crate::rules::hardening::allow_not_action::principal_is_everyone;
use policycheck_core::condition::{BaseOp, Condition};
use policycheck_core::pattern::NoVars;
use policycheck_core::{Code, Diagnostic, Severity, Span, Statement};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC204",
        name: "missing-secure-transport-deny",
        severity: Severity::Warning,
        summary:
            crate::registry::rule_summary!("the policy does not deny requests that are not sent over HTTPS (`aws:SecureTransport`)"),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC204-missing-secure-transport-deny.md"),
    tags: &["hardening", "s3"],
    security_severity: None,
    check: Some(check),
};

/// `Bool`/`BoolIfExists` `aws:SecureTransport` with the value `false`.
fn is_tls_condition(c: &Condition) -> bool {
    c.op.is_some_and(|op| op.set.is_none() && op.base == BaseOp::Bool)
        && c.key_lc == "aws:securetransport"
        && c.values
            .iter()
            .any(|v| v.text.value.eq_ignore_ascii_case("false"))
}

/// `Bool` (or `BoolIfExists`) `aws:PrincipalIsAWSService` = `false`: exempts AWS services
/// (which call S3 over TLS) and nobody else, so it narrows the TLS Deny for no outsider.
fn exempts_services_only(c: &Condition) -> bool {
    c.op.is_some_and(|op| op.set.is_none() && op.base == BaseOp::Bool)
        && c.key_lc == "aws:principalisawsservice"
        && !c.values.is_empty()
        && c.values
            .iter()
            .all(|v| v.text.value.eq_ignore_ascii_case("false"))
}

/// How close a statement comes to the standard TLS Deny.
enum Verdict {
    /// It is the standard Deny.
    Enforces,
    /// A Deny on `aws:SecureTransport` = `false` that misses some requests: where and why.
    Partial(Span, String),
    Unrelated,
}

/// Judge one statement. `objects` is the ARN pattern of the bucket's objects
/// (`arn:aws:s3:::BUCKET/*`) and `probe` one object ARN, when the bucket is known.
fn judge(st: &Statement, objects: &str, probe: Option<&str>) -> Verdict {
    if !crate::rules::correctness::is_deny(st) {
        return Verdict::Unrelated;
    }
    let Some(cond) = &st.condition else {
        return Verdict::Unrelated;
    };
    if !cond.conditions.iter().any(is_tls_condition) {
        return Verdict::Unrelated;
    }
    if !principal_is_everyone(st) {
        let span = st.principal.as_ref().map_or(st.head_span(), |p| p.span);
        return Verdict::Partial(
            span,
            "this TLS Deny covers only these principals, not `\"*\"`".into(),
        );
    }
    let all_actions = st.action.as_ref().is_some_and(|a| {
        !a.negated
            && a.items
                .iter()
                .any(|i| i.text.value == "*" || i.text.value.eq_ignore_ascii_case("s3:*"))
    });
    if !all_actions {
        let span = st.action.as_ref().map_or(st.head_span(), |a| a.span);
        return Verdict::Partial(
            span,
            "this TLS Deny covers only these actions, not `s3:*`".into(),
        );
    }
    let covers_objects = st.resource.as_ref().is_some_and(|r| {
        !r.negated
            && r.items.iter().any(|i| match probe {
                Some(p) => i.pattern.matches(p, &NoVars).unwrap_or(false),
                None => i.text.value.ends_with('*'),
            })
    });
    if !covers_objects {
        let span = st.resource.as_ref().map_or(st.head_span(), |r| r.span);
        return Verdict::Partial(
            span,
            format!("this TLS Deny does not cover the objects `{objects}`"),
        );
    }
    if !cond
        .conditions
        .iter()
        .all(|c| is_tls_condition(c) || exempts_services_only(c))
    {
        return Verdict::Partial(
            cond.key_span,
            "other conditions narrow this TLS Deny, so some plain-HTTP requests pass".into(),
        );
    }
    Verdict::Enforces
}

/// PC204
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    if ctx.policy.statements.is_empty() {
        return;
    }
    let bucket = ctx.policy_bucket().map(|(b, _)| b.as_str());
    let partition = ctx
        .policy
        .statements
        .iter()
        .flat_map(|st| ctx.resource_arns(st))
        .find_map(|a| a.map(|a| a.partition))
        .unwrap_or("aws");
    let name = bucket.unwrap_or("BUCKET");
    // Built by appending (no formatting machinery): this runs for every policy.
    let mut objects = String::with_capacity(name.len() + 40);
    for part in ["arn:", partition, ":s3:::", name, "/*"] {
        objects.push_str(part);
    }
    let bucket_arn = objects.strip_suffix("/*").unwrap_or(&objects);
    let probe = bucket.map(|_| format!("{bucket_arn}/policycheck-probe-key"));
    let mut partial: Option<(Span, String)> = None;
    for st in &ctx.policy.statements {
        match judge(st, &objects, probe.as_deref()) {
            Verdict::Enforces => return,
            Verdict::Partial(span, why) => {
                partial.get_or_insert((span, why));
            }
            Verdict::Unrelated => {}
        }
    }
    let span = ctx
        .policy
        .statement_key_span
        .unwrap_or(Span::new(ctx.policy.span.start, ctx.policy.span.start + 1));
    let mut d = ctx
        .finding(
            &RULE,
            span,
            "no statement denies requests that are not sent over HTTPS",
        )
        .with_label("no `Deny` for `aws:SecureTransport` = `false` among these statements");
    if let Some((span, why)) = partial {
        d = d.and_label(span, why);
    }
    out.push(d.with_help(format!(
        "add this statement to refuse plain-HTTP requests, whatever else the policy allows:\n\
         {{\"Sid\": \"DenyInsecureTransport\", \"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": \"s3:*\",\n \
         \"Resource\": [\"{bucket_arn}\", \"{objects}\"],\n \
         \"Condition\": {{\"Bool\": {{\"aws:SecureTransport\": \"false\"}}}}}}"
    )));
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};

    fn found(text: &str) -> Vec<policycheck_core::Diagnostic> {
        lint(text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC204")
            .collect()
    }

    const ALLOW: &str = r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/R"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"}"#;

    fn policy(deny: &str) -> String {
        format!(r#"{{"Version":"2012-10-17","Statement":[{ALLOW}{deny}]}}"#)
    }

    #[test]
    fn missing_deny_is_reported_with_the_bucket_name() {
        let d = found(&policy(""));
        assert_eq!(d.len(), 1);
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .contains("arn:aws:s3:::logs/*"),
            "{:?}",
            d[0].help
        );
    }

    #[test]
    fn standard_deny_passes_in_its_usual_spellings() {
        for (principal, value, op) in [
            (r#""*""#, r#""false""#, "Bool"),
            (r#"{"AWS":"*"}"#, "false", "Bool"),
            (r#""*""#, r#""False""#, "BoolIfExists"),
        ] {
            let deny = format!(
                r#",{{"Effect":"Deny","Principal":{principal},"Action":"s3:*","Resource":["arn:aws:s3:::logs","arn:aws:s3:::logs/*"],"Condition":{{"{op}":{{"aws:SecureTransport":{value}}}}}}}"#
            );
            assert!(found(&policy(&deny)).is_empty(), "{deny}");
        }
        let star = r#",{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":false}}}"#;
        assert!(found(&policy(star)).is_empty());
        // Exempting AWS services (which use TLS) narrows it for no outsider.
        let exempt = r#",{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::logs","arn:aws:s3:::logs/*"],"Condition":{"Bool":{"aws:SecureTransport":"false","aws:PrincipalIsAWSService":"false"}}}"#;
        assert!(found(&policy(exempt)).is_empty());
        // Exempting callers that are not services does.
        let d = found(&policy(
            &exempt.replace(r#"IsAWSService":"false""#, r#"IsAWSService":"true""#),
        ));
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn near_misses_are_reported_with_the_reason() {
        for deny in [
            // Only the bucket, not its objects.
            r#",{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::logs","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#,
            // Only some actions.
            r#",{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#,
            // Only one principal.
            r#",{"Effect":"Deny","Principal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"arn:aws:s3:::logs/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#,
            // Narrowed by another condition.
            r#",{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::logs/*","Condition":{"Bool":{"aws:SecureTransport":"false"},"StringEquals":{"aws:PrincipalAccount":"111122223333"}}}"#,
            // Wrong value.
            r#",{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::logs/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}"#,
        ] {
            let d = found(&policy(deny));
            assert_eq!(d.len(), 1, "{deny}");
        }
    }
}
