//! PC405 `cidr-host-bits`: an `IpAddress`/`NotIpAddress` range with host bits set
//! (`203.0.113.5/24`), which AWS reads as the masked range (`203.0.113.0/24`).

use crate::context::LintContext;
use crate::registry::RuleMeta;
use policycheck_core::condition::Family;
use policycheck_core::{Code, Diagnostic, Severity};

pub const RULE: RuleMeta = RuleMeta {
    code: Code {
        code: "PC405",
        name: "cidr-host-bits",
        severity: Severity::Warning,
        summary: crate::registry::rule_summary!("an IP range with host bits set, such as `203.0.113.5/24`, which means the whole masked range"),
    },
    since: "0.1.0",
    docs: crate::registry::rule_docs!("../docs/PC405-cidr-host-bits.md"),
    tags: &["style", "network"],
    security_severity: None,
    check: Some(check),
};

/// PC405
fn check(ctx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for st in &ctx.policy.statements {
        let Some(block) = &st.condition else { continue };
        for c in &block.conditions {
            if c.op.map(|op| op.base.family()) != Some(Family::Ip) {
                continue;
            }
            for v in &c.values {
                let text = v.text.value.trim();
                let Some(net) = policycheck_core::condition::parse_net(text) else {
                    continue;
                };
                let masked = net.trunc();
                if masked == net {
                    continue;
                }
                let host = match net {
                    ipnet::IpNet::V4(n) => format!("{}/32", n.addr()),
                    ipnet::IpNet::V6(n) => format!("{}/128", n.addr()),
                };
                out.push(
                    ctx.finding(&RULE, v.text.span, format!("`{text}` has host bits set: it means the whole range `{masked}`"))
                        .with_label(format!("read as `{masked}`"))
                        .with_help(format!("write `{masked}` if the whole range is meant, or `{host}` for the single address")),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, LintOptions};

    fn found(op: &str, values: &str) -> Vec<(String, String)> {
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {{"{op}": {{"aws:SourceIp": {values}}}}}}}]}}"#
        );
        lint(&text, &LintOptions::default())
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "PC405")
            .map(|d| (d.message, d.help.unwrap_or_default()))
            .collect()
    }

    #[test]
    fn host_bits_are_reported_with_the_masked_range() {
        let f = found("NotIpAddress", r#"["203.0.113.5/24", "198.51.100.0/24"]"#);
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].0,
            "`203.0.113.5/24` has host bits set: it means the whole range `203.0.113.0/24`"
        );
        assert_eq!(f[0].1, "write `203.0.113.0/24` if the whole range is meant, or `203.0.113.5/32` for the single address");
        let f = found("IpAddressIfExists", r#""2001:db8::1/64""#);
        assert_eq!(
            f[0].0,
            "`2001:db8::1/64` has host bits set: it means the whole range `2001:db8::/64`"
        );
    }

    #[test]
    fn clean_ranges_and_bare_addresses_pass() {
        assert!(found(
            "IpAddress",
            r#"["203.0.113.0/24", "203.0.113.7", "2001:db8::/32", "0.0.0.0/0"]"#
        )
        .is_empty());
        assert!(found("StringEquals", r#""203.0.113.5/24""#).is_empty());
    }
}
