//! PC208 `org-paths-without-org-id`: a statement reported public whose only limit on
//! callers is `aws:PrincipalOrgPaths` naming one organization, which S3's public-policy
//! rule does not count (spec §9 row 11: "treat as public, emit an info note").

use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::condition::{BaseOp, Condition, SetOp};
use policycheck_core::public::Verdict;
use policycheck_core::{Code, Diagnostic, Severity, Statement};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC208",
        name: "org-paths-without-org-id",
        severity: Severity::Note,
        summary: crate::registry::rule_summary!("a statement limited to an organization by `aws:PrincipalOrgPaths` alone, which S3's public-access check does not count: add `aws:PrincipalOrgID`"),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC208-org-paths-without-org-id.md"),
    tags: &["hardening", "s3"],
    security_severity: None,
    check: Some(check),
};

/// The organization id a `ForAnyValue:` positive `aws:PrincipalOrgPaths` condition
/// names: the first segment of every value (`o-a1b2c3d4e5/r-ab12/ou-…/*`), when it is the
/// same fixed id in all of them (no `*`, `?` or variable).
fn named_org(c: &Condition) -> Option<&str> {
    if c.key_lc != "aws:principalorgpaths" {
        return None;
    }
    let op = c.op?;
    let positive = matches!(
        op.base,
        BaseOp::StringEquals | BaseOp::StringEqualsIgnoreCase | BaseOp::StringLike
    );
    if !positive || op.if_exists || op.set == Some(SetOp::ForAllValues) {
        return None;
    }
    let mut org = None;
    for v in &c.values {
        let first = v.text.value.split('/').next().unwrap_or("");
        let fixed =
            first.starts_with("o-") && !first.bytes().any(|b| matches!(b, b'*' | b'?' | b'$'));
        if !fixed || org.is_some_and(|o| o != first) {
            return None;
        }
        org = Some(first);
    }
    org
}

/// PC208
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let mut reported: Vec<usize> = Vec::new();
    for level in [&ctx.access.read, &ctx.access.write] {
        if level.verdict != Verdict::Public {
            continue;
        }
        for w in &level.witnesses {
            let i = w.granted_by_index;
            // Only where the witness had to hold an organization path: the condition is
            // what stood between outsiders and the grant.
            if reported.contains(&i) || !w.request.context.contains("aws:principalorgpaths") {
                continue;
            }
            let Some(st) = ctx.policy.statements.get(i) else {
                continue;
            };
            if let Some(d) = finding(ctx, st) {
                reported.push(i);
                out.push(d);
            }
        }
    }
}

fn finding(ctx: &LintContext<'_>, st: &Statement) -> Option<Diagnostic> {
    let (c, org) = st
        .condition
        .iter()
        .flat_map(|b| b.conditions.iter())
        .find_map(|c| named_org(c).map(|org| (c, org)))?;
    Some(
        ctx.finding(
            &RULE,
            c.key.span,
            format!(
                "statement `{}` limits callers to organization `{org}` with `{}` only, which does not count as a fixed principal: it is reported public",
                st.id(),
                c.key_display()
            ),
        )
        .with_label("organization paths are not among the keys that make a statement non-public")
        .with_help(format!(
            "AWS still refuses callers outside `{org}` at request time, but S3's public-policy \
             rule (Block Public Access) names `aws:PrincipalOrgID`, not `aws:PrincipalOrgPaths`, \
             so S3 treats this statement as public too. Name the organization as well, beside \
             the path condition (which keeps narrowing it to the organizational unit):\n\
             \"StringEquals\": {{\"aws:PrincipalOrgID\": \"{org}\"}}"
        )),
    )
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};

    fn found(condition: &str) -> Vec<policycheck_core::Diagnostic> {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"*"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{condition}}}]}}"#
        );
        lint(&text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC208")
            .collect()
    }

    const PATH: &str = r#""ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"}"#;

    #[test]
    fn an_org_path_alone_is_noted_with_the_org_id_to_add() {
        let d = found(&format!("{{{PATH}}}"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("`o-a1b2c3d4e5`"), "{}", d[0].message);
        let help = d[0].help.as_deref().unwrap_or("");
        assert!(
            help.contains(r#""StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}"#),
            "{help}"
        );
        // Several paths in the same organization: still one organization.
        let two = r#"{"ForAnyValue:StringEquals":{"aws:PrincipalOrgPaths":["o-a1b2c3d4e5/r-ab12/ou-1/","o-a1b2c3d4e5/r-ab12/ou-2/"]}}"#;
        assert_eq!(found(two).len(), 1);
    }

    #[test]
    fn the_suggested_fix_makes_the_statement_not_public() {
        let fixed = format!(r#"{{{PATH},"StringEquals":{{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}}"#);
        assert!(found(&fixed).is_empty());
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"*"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{fixed}}}]}}"#
        );
        let r = lint(&text, &LintOptions::default());
        assert!(!r.diagnostics.iter().any(|d| d.code == "PC101"), "{r:?}");
    }

    #[test]
    fn no_note_where_the_path_does_not_name_one_organization() {
        // A wildcard organization: public for every organization, as PC101 says.
        assert!(
            found(r#"{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-*/r-ab12/*"}}"#)
                .is_empty()
        );
        // Two organizations.
        assert!(found(r#"{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":["o-aaaaaaaaaa/*","o-bbbbbbbbbb/*"]}}"#).is_empty());
        // ForAllValues and IfExists admit callers without the key: no organization limit.
        assert!(
            found(r#"{"ForAllValues:StringLike":{"aws:PrincipalOrgPaths":"o-a1b2c3d4e5/*"}}"#)
                .is_empty()
        );
        assert!(found(
            r#"{"ForAnyValue:StringLikeIfExists":{"aws:PrincipalOrgPaths":"o-a1b2c3d4e5/*"}}"#
        )
        .is_empty());
        // A negated operator limits nothing to the organization.
        assert!(found(
            r#"{"ForAnyValue:StringNotLike":{"aws:PrincipalOrgPaths":"o-a1b2c3d4e5/*"}}"#
        )
        .is_empty());
    }

    #[test]
    fn no_note_when_the_statement_is_not_public_anyway() {
        let vpce = format!(r#"{{{PATH},"StringEquals":{{"aws:SourceVpce":"vpce-1a2b3c4d"}}}}"#);
        assert!(found(&vpce).is_empty());
    }
}
