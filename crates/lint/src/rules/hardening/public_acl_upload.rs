//! PC212 `public-acl-upload`: an `Allow` whose condition lets requests set a public
//! canned ACL (`s3:x-amz-acl` = `public-read`) or grant the AllUsers group, so objects
//! become public through their ACLs, outside what the bucket policy says.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use crate::rules::correctness::is_allow;
use policycheck_core::condition::{BaseOp, Compiled};
use policycheck_core::text::StrFind;
use policycheck_core::{Code, Diagnostic, Severity};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC212",
        name: "public-acl-upload",
        severity: Severity::Warning,
        summary: crate::registry::rule_summary!(
            "an `Allow` that lets uploads or ACL changes make objects public through their ACL (`public-read`, AllUsers)"
        ),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC212-public-acl-upload.md"),
    tags: &["hardening", "acl"],
    security_severity: Some("7.5"),
    check: Some(check),
};

/// The canned ACLs that give access beyond the bucket owner's account.
const PUBLIC_ACLS: [&str; 3] = ["public-read", "public-read-write", "authenticated-read"];

/// A canonical user id, the usual first grantee before a group in a grant header.
const OWNER_ID: &str = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be";

/// PC212
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for st in ctx.policy.statements.iter().filter(|st| is_allow(st)) {
        let Some(block) = &st.condition else {
            continue;
        };
        for cond in &block.conditions {
            let lc = cond.key_lc.as_ref();
            let grant = lc.starts_with("s3:x-amz-grant-");
            if lc != "s3:x-amz-acl" && !grant {
                continue;
            }
            // A set operator reads the one value of the header as a one-element set:
            // `ForAnyValue:`/`ForAllValues:` admit it as the plain operator does.
            let Some(op) = cond.op else {
                continue;
            };
            let ignore_case = op.base == BaseOp::StringEqualsIgnoreCase;
            if !matches!(op.base, BaseOp::StringEquals | BaseOp::StringLike) && !ignore_case {
                continue;
            }
            for v in &cond.values {
                let Compiled::Text(p) = &v.compiled else {
                    continue;
                };
                let text = &v.text.value;
                // A grant header names grantees: `uri="http://acs.amazonaws.com/groups/global/AllUsers"`.
                // A pattern (`*AllUsers*`) admits the group when it matches the header
                // naming it, alone or after another grantee.
                let public = if grant {
                    ["AllUsers", "AuthenticatedUsers"]
                        .iter()
                        .find(|g| {
                            let uri = format!("uri=\"http://acs.amazonaws.com/groups/global/{g}\"");
                            text.has(&format!("/global/{g}"))
                                || p.matches_plain(&uri)
                                || p.matches_plain(&format!("id=\"{OWNER_ID}\", {uri}"))
                        })
                        .map(|g| format!("grants the {g} group"))
                } else {
                    PUBLIC_ACLS
                        .iter()
                        .find(|acl| {
                            p.matches_plain(acl) || (ignore_case && text.eq_ignore_ascii_case(acl))
                        })
                        .map(|acl| format!("sets the canned ACL `{acl}`"))
                };
                let Some(what) = public else {
                    continue;
                };
                out.push(
                    ctx.finding(
                        &RULE,
                        v.text.span,
                        format!("this `Allow` admits requests whose `{}` header {what}: each object written so is readable by anyone, whatever the bucket policy says", cond.key_display()),
                    )
                    .with_label("a public ACL")
                    .with_help("keep objects private: set Object Ownership to \"bucket owner enforced\" (ACLs off) and turn on Block Public Access; serve public files through CloudFront with origin access control, and let browsers upload with presigned URLs"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};
    use policycheck_core::Diagnostic;

    fn found(effect: &str, condition: &str) -> Vec<Diagnostic> {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"{effect}","Principal":{{"AWS":"arn:aws:iam::444455556666:role/uploader"}},"Action":["s3:PutObject","s3:PutObjectAcl"],"Resource":"arn:aws:s3:::b/*","Condition":{condition}}}]}}"#
        );
        lint(&text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC212")
            .collect()
    }

    #[test]
    fn an_allow_that_requires_or_admits_a_public_acl_is_reported() {
        let d = found(
            "Allow",
            r#"{"StringEquals":{"s3:x-amz-acl":"public-read"}}"#,
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].message,
            "this `Allow` admits requests whose `s3:x-amz-acl` header sets the canned ACL `public-read`: each object written so is readable by anyone, whatever the bucket policy says"
        );
        // Any of several values; a wildcard that reaches one; the IgnoreCase spelling.
        assert_eq!(
            found(
                "Allow",
                r#"{"StringEquals":{"s3:x-amz-acl":["private","public-read-write"]}}"#
            )
            .len(),
            1
        );
        assert_eq!(
            found("Allow", r#"{"StringLike":{"s3:x-amz-acl":"public-*"}}"#).len(),
            1
        );
        assert_eq!(
            found(
                "Allow",
                r#"{"StringEqualsIgnoreCase":{"s3:x-amz-acl":"Authenticated-Read"}}"#
            )
            .len(),
            1
        );
        let d = found(
            "Allow",
            r#"{"StringEquals":{"s3:x-amz-grant-read":"uri=\"http://acs.amazonaws.com/groups/global/AllUsers\""}}"#,
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].message.contains("grants the AllUsers group"),
            "{}",
            d[0].message
        );
        // A pattern that admits the group's header, and set operators (one value read
        // as a one-element set).
        for cond in [
            r#"{"StringLike":{"s3:x-amz-grant-full-control":"*AllUsers*"}}"#,
            r#"{"StringLike":{"s3:x-amz-grant-read":"id=*"}}"#,
            r#"{"ForAnyValue:StringEquals":{"s3:x-amz-acl":"public-read"}}"#,
            r#"{"ForAllValues:StringLike":{"s3:x-amz-acl":"public-*"}}"#,
        ] {
            assert_eq!(found("Allow", cond).len(), 1, "{cond}");
        }
    }

    #[test]
    fn private_acls_negations_and_denies_pass() {
        for (effect, cond) in [
            (
                "Allow",
                r#"{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}"#,
            ),
            (
                "Allow",
                r#"{"StringNotEquals":{"s3:x-amz-acl":"public-read"}}"#,
            ),
            (
                "Deny",
                r#"{"StringEquals":{"s3:x-amz-acl":["public-read","public-read-write"]}}"#,
            ),
            ("Allow", r#"{"StringLike":{"s3:x-amz-acl":"bucket-*"}}"#),
            (
                "Allow",
                r#"{"StringLike":{"s3:x-amz-grant-read":"id="79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be""}}"#,
            ),
            (
                "Allow",
                r#"{"StringEquals":{"s3:x-amz-grant-read":"id=\"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be\""}}"#,
            ),
        ] {
            assert!(found(effect, cond).is_empty(), "{effect} {cond}");
        }
    }
}
