//! PC1xx: public access, as decided by the semantic analysis in `policycheck_core::public`
//! (spec §6.8). These rules never guess per statement: they report the analysis, with
//! its witness request.

use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::condition::{BaseOp, Compiled};
use policycheck_core::public::{LevelAccess, Verdict, Witness};
use policycheck_core::{Code, Diagnostic, Severity, Span};

pub static RULES: &[RuleMeta] = &[PUBLIC_READ, PUBLIC_WRITE, PUBLIC_UNKNOWN];

pub const PUBLIC_READ: RuleMeta = RuleMeta {
    code: Code {
        code: "PC101",
        name: "public-read",
        severity: Severity::Error,
        summary: crate::registry::rule_summary!(
            "anyone on the internet can read or list the bucket"
        ),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("docs/PC101-public-read.md"),
    tags: &["security", "public-access", "s3"],
    security_severity: Some("8.6"),
    check: Some(check_read),
};

pub const PUBLIC_WRITE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC102",
        name: "public-write",
        severity: Severity::Error,
        summary: crate::registry::rule_summary!(
            "anyone on the internet can write, delete, tag or change permissions in the bucket"
        ),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("docs/PC102-public-write.md"),
    tags: &["security", "public-access", "s3"],
    security_severity: Some("9.8"),
    check: Some(check_write),
};

pub const PUBLIC_UNKNOWN: RuleMeta = RuleMeta {
    code: Code {
        code: "PC103",
        name: "public-unknown",
        severity: Severity::Error,
        summary: crate::registry::rule_summary!(
            "whether outsiders can access the bucket could not be decided"
        ),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("docs/PC103-public-unknown.md"),
    tags: &["security", "public-access", "s3"],
    security_severity: Some("7.0"),
    check: Some(check_unknown),
};

/// A witness in one line: who, what, where, and the context that matters.
pub fn describe_witness(w: &Witness) -> String {
    describe_request(&w.request, " → Allow")
}

/// A request on one line: caller, action, resource, its context and, when it needs it,
/// the reading of `{"AWS": "*"}`; `outcome` follows the context (` → Allow`).
pub fn describe_request(r: &policycheck_core::Request, outcome: &str) -> String {
    let mut ctx: Vec<String> = r
        .context
        .iter()
        .map(|(k, v)| match v {
            policycheck_core::CtxValue::One(s) => format!("{k}={s}"),
            policycheck_core::CtxValue::Many(vs) => format!("{k}=[{}]", vs.join(",")),
        })
        .collect();
    policycheck_core::collections::sort(&mut ctx);
    let ctx = if ctx.is_empty() {
        String::new()
    } else {
        format!(" with {}", ctx.join(", "))
    };
    let reading = if r.aws_star_includes_anonymous {
        ""
    } else {
        " (reading `{\"AWS\": \"*\"}` as S3 does: signed requests only)"
    };
    format!(
        "{} `{}` on `{}`{ctx}{outcome}{reading}",
        r.caller.display(),
        r.action,
        r.resource
    )
}

fn level_finding(
    ctx: &LintContext<'_>,
    rule: &RuleMeta,
    level: &LevelAccess,
    what: &str,
    help: &str,
) -> Option<Diagnostic> {
    let first = level.witnesses.first()?;
    let st = ctx.policy.statements.get(first.granted_by_index)?;
    let span = st.principal.as_ref().map_or(st.head_span(), |p| p.span);
    let actions = summarize_actions(&level.public_actions);
    // Other statements that also grant this level (some with no witness of their own;
    // every witness's statement is among them).
    let mut others: Vec<usize> = level
        .granted_by
        .iter()
        .copied()
        .filter(|i| *i != first.granted_by_index)
        .collect();
    policycheck_core::collections::sort_dedup(&mut others);
    // The actions are the level's, not one statement's: with several statements, all
    // are named.
    let who = if others.is_empty() {
        format!("statement `{}` allows", st.id())
    } else {
        format!("statement `{}` and {} more allow", st.id(), others.len())
    };
    let mut d = ctx
        .finding(
            rule,
            span,
            format!("anyone on the internet can {what}: {who} {actions} to outsiders"),
        )
        .with_label(match st.principal.as_ref() {
            Some(p) if p.negated => "NotPrincipal with Allow grants to everyone not listed",
            _ => "reaches callers outside your accounts",
        });
    if let Some(a) = &st.action {
        d = d.and_label(a.span, format!("includes `{}`", first.request.action));
    }
    for i in others {
        if let Some(o) = ctx.policy.statements.get(i) {
            d = d.and_label(o.head_span(), format!("`{}` also grants it", o.id()));
        }
    }
    let witnesses = level
        .witnesses
        .iter()
        .map(|w| format!("witness: {}", describe_witness(w)))
        .collect::<Vec<_>>()
        .join("\n");
    Some(d.with_help(format!("{witnesses}\n{help}")))
}

/// The telling actions first (the ones people recognise), then alphabetical.
fn summarize_actions(actions: &[String]) -> String {
    const FIRST: &[&str] = &[
        "s3:GetObject",
        "s3:ListBucket",
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:PutBucketPolicy",
        "s3:PutBucketAcl",
        "s3:PutObjectAcl",
        "s3:DeleteBucket",
    ];
    let mut sorted: Vec<&String> = actions.iter().collect();
    policycheck_core::collections::sort_by_key(&mut sorted, |a| {
        (
            FIRST
                .iter()
                .position(|f| *f == a.as_str())
                .unwrap_or(FIRST.len()),
            a.as_str(),
        )
    });
    let actions: Vec<String> = sorted.into_iter().cloned().collect();
    match actions.as_slice() {
        [] => "no action".into(),
        [one] => format!("`{one}`"),
        [a, b] => format!("`{a}` and `{b}`"),
        [a, b, c] => format!("`{a}`, `{b}` and `{c}`"),
        [a, b, rest @ ..] => format!("`{a}`, `{b}` and {} more actions", rest.len()),
    }
}

/// The safe pattern for public reads, which every PC101 help ends with.
const READ_HELP: &str = "for a public website, serve it through CloudFront with origin access control: allow only the `cloudfront.amazonaws.com` service principal, with `aws:SourceArn` pinned to your distribution; for private downloads, keep the bucket private and hand out presigned URLs";

/// An `…IfExists` condition of the granting statement on a key the first witness does
/// not carry: the condition held because the key was absent, which people do not expect
/// of a key that "restricts" (requests through a VPC endpoint carry no `aws:SourceIp`).
fn absent_key_cause(ctx: &LintContext<'_>, level: &LevelAccess) -> Option<String> {
    let w = level.witnesses.first()?;
    let st = ctx.policy.statements.get(w.granted_by_index)?;
    let c = st.condition.as_ref()?.conditions.iter().find(|c| {
        // A negated operator holds on an absent key with or without `IfExists`.
        c.op.is_some_and(|o| o.if_exists && o.base != BaseOp::Null && !o.base.is_negated())
            && w.request.context.get(c.key_lc.as_ref()).is_none()
    })?;
    let key = c.key_display();
    let op = &c.operator.value;
    let plain = op.strip_suffix("IfExists").unwrap_or(op);
    let (who, more) = match c.key_lc.as_ref() {
        "aws:sourceip" => (
            "requests that reach S3 through a VPC endpoint, anyone's, carry none",
            ", and let your own VPC endpoint in with a statement on `aws:SourceVpce`",
        ),
        "aws:sourcevpc" | "aws:sourcevpce" | "aws:vpcsourceip" => {
            ("requests from the internet carry none", "")
        }
        _ => (
            "a request may come without it",
            ", or add a `Null` condition that requires the key",
        ),
    };
    Some(format!(
        "`{op}` holds when the request has no `{key}`, and {who} (the request above has none): use `{plain}` without `IfExists`{more}"
    ))
}

/// The first witness is sent by an AWS service for another account's resource (its
/// `aws:SourceArn` or `aws:SourceAccount` names the outsider's, or none is read): the
/// source key the statement reads does not pin the account, or no key does.
fn service_cause(level: &LevelAccess) -> Option<String> {
    let w = level.witnesses.first()?;
    let policycheck_core::Caller::Service { name } = &w.request.caller else {
        return None;
    };
    let source = ["aws:SourceArn", "aws:SourceAccount", "aws:SourceOwner"]
        .into_iter()
        .find_map(|k| match w.request.context.get(&k.to_ascii_lowercase()) {
            Some(policycheck_core::CtxValue::One(v)) => Some(format!("`{k}` = `{v}`")),
            _ => None,
        })
        .unwrap_or_else(|| "any account".into());
    Some(format!(
        "the service `{name}`, working for another account ({source}), sends the request above: name the service in `Principal` and pin `aws:SourceAccount` to your own account id (or `aws:SourceArn` to your own resource)"
    ))
}

/// What let the first witness in, when it is a known mistake: the help starts there.
fn read_cause(ctx: &LintContext<'_>, level: &LevelAccess) -> Option<String> {
    let w = level.witnesses.first()?;
    let st = ctx.policy.statements.get(w.granted_by_index)?;
    if st.principal.as_ref().is_some_and(|p| p.negated) {
        return Some("an `Allow` with `NotPrincipal` grants everyone it does not name, anonymous callers included: name the principals in `Principal` instead".into());
    }
    if let Some(cause) = absent_key_cause(ctx, level).or_else(|| service_cause(level)) {
        return Some(cause);
    }
    let reads = |key: &str| {
        st.condition
            .as_ref()
            .is_some_and(|c| c.conditions.iter().any(|c| c.key_lc == key))
    };
    if reads("aws:referer") {
        return Some("`aws:Referer` is a header the caller chooses, so it keeps no one out: anyone can send the request above".into());
    }
    let Some(policycheck_core::CtxValue::One(ip)) = w.request.context.get("aws:sourceip") else {
        return None;
    };
    const FIX: &str = "list only your network's own public ranges with `IpAddress`, or require your VPC endpoint with `aws:SourceVpce`";
    let addr: std::net::IpAddr = ip.parse().ok()?;
    let conds = st.condition.as_ref()?.conditions.iter();
    let mut cause = None;
    for c in conds.filter(|c| c.key_lc == "aws:sourceip") {
        match c.op.map(|o| o.base) {
            Some(BaseOp::NotIpAddress) => {
                return Some(format!(
                    "`NotIpAddress` lets in every address outside its ranges, internet addresses such as `{ip}` included: {FIX}"
                ))
            }
            Some(BaseOp::IpAddress) => {
                // The range that lets the witness in, broader than AWS counts as
                // limiting (spec §6.2: /8 for IPv4, /32 for IPv6).
                for v in &c.values {
                    if let Compiled::Ip(Some(net)) = &v.compiled {
                        let narrow = if net.max_prefix_len() == 32 { 8 } else { 32 };
                        if net.contains(&addr) && net.prefix_len() < narrow {
                            cause = Some(format!(
                                "the allowed range `{}` is broader than /{narrow} and includes internet addresses such as `{ip}`: {FIX}",
                                v.text.value
                            ));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    cause.or_else(|| {
        reads("aws:sourceip").then(|| {
            format!("the allowed address ranges include internet addresses such as `{ip}`: {FIX}")
        })
    })
}

/// The bucket a level's first witness reaches, when it is not the one the policy is
/// about (`--bucket`, or the bucket its `Resource` elements name most): findings then
/// name it instead of saying "this bucket".
fn other_bucket<'l>(ctx: &LintContext<'_>, level: &'l LevelAccess) -> Option<&'l str> {
    let w = level.witnesses.first()?;
    let name = crate::rules::correctness::s3_arn(&w.request.resource)?.literal_bucket()?;
    let (mine, _) = ctx.policy_bucket()?;
    (name != mine).then_some(name)
}

/// PC101
fn check_read(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    if ctx.access.read.verdict == Verdict::Public {
        let help = match read_cause(ctx, &ctx.access.read) {
            Some(cause) => format!("{cause}; {READ_HELP}"),
            None => READ_HELP.to_string(),
        };
        let what = match other_bucket(ctx, &ctx.access.read) {
            Some(b) => format!("read bucket `{b}`"),
            None => "read this bucket".to_string(),
        };
        out.extend(level_finding(
            ctx,
            &PUBLIC_READ,
            &ctx.access.read,
            &what,
            &help,
        ));
    }
}

/// PC102
fn check_write(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    if ctx.access.write.verdict == Verdict::Public {
        const TAKEOVER: &[&str] = &[
            "s3:PutBucketPolicy",
            "s3:DeleteBucketPolicy",
            "s3:PutBucketAcl",
            "s3:PutBucketOwnershipControls",
            "s3:PutBucketPublicAccessBlock",
        ];
        let write = &ctx.access.write;
        let takeover = write
            .public_actions
            .iter()
            .any(|a| TAKEOVER.contains(&a.as_str()));
        let perms = write
            .witnesses
            .iter()
            .any(|w| w.level == policycheck_core::catalog::AccessLevel::PermissionsManagement);
        let bucket = match other_bucket(ctx, write) {
            Some(b) => format!("bucket `{b}`"),
            None => "this bucket".to_string(),
        };
        let what = if takeover {
            format!("change the policy or ACL of {bucket} (and so take it over)")
        } else if perms {
            format!("write to {bucket} and change object permissions")
        } else {
            format!("write to {bucket}")
        };
        const WRITE_HELP: &str = "never grant write access to everyone: keep the bucket private and let clients upload with presigned URLs (or presigned POST) issued by your backend";
        let help = match absent_key_cause(ctx, write).or_else(|| service_cause(write)) {
            Some(cause) => format!("{cause}; {WRITE_HELP}"),
            None => WRITE_HELP.to_string(),
        };
        out.extend(level_finding(
            ctx,
            &PUBLIC_WRITE,
            &ctx.access.write,
            &what,
            &help,
        ));
    }
}

/// PC103
fn check_unknown(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for (level, name) in [(&ctx.access.read, "read"), (&ctx.access.write, "write")] {
        if level.verdict != Verdict::Unknown {
            continue;
        }
        let span = ctx
            .policy
            .statement_key_span
            .unwrap_or(Span::new(ctx.policy.span.start, ctx.policy.span.start + 1));
        let reasons = if level.unknown.is_empty() {
            "the analysis could not finish".to_string()
        } else {
            level.unknown.join("; ")
        };
        out.push(
            ctx.finding(&PUBLIC_UNKNOWN, span, format!("cannot tell whether outsiders can {name} this bucket: {reasons}"))
                .with_label("could not be decided")
                .with_help("policycheck fails closed: treat this as public until the policy is simplified or the reason above is fixed (run `policycheck explain PC103`)"),
        );
    }
}
