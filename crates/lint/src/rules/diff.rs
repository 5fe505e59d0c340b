//! PC5xx: findings of `policycheck diff` (new access a change grants). They are
//! reported by the diff command, located on the new policy's statements, not by `lint`.

use crate::registry::RuleMeta;
use policycheck_core::{Code, Severity};

macro_rules! diff_rule {
    ($id:ident, $code:literal, $name:literal, $sev:ident, $summary:literal, $doc:literal, $sec:expr) => {
        pub const $id: RuleMeta = RuleMeta {
            code: Code {
                code: $code,
                name: $name,
                severity: Severity::$sev,
                summary: crate::registry::rule_summary!($summary),
            },
            since: "0.1.0",
            docs: crate::registry::rule_docs!($doc),
            tags: &["security", "diff"],
            security_severity: $sec,
            check: None,
        };
    };
}

diff_rule!(
    NEW_PUBLIC_ACCESS,
    "PC501",
    "new-public-access",
    Error,
    "the change lets anyone on the internet do something they could not do before",
    "docs/PC501-new-public-access.md",
    Some("8.6")
);
diff_rule!(
    NEW_ACCOUNT_ACCESS,
    "PC502",
    "new-account-access",
    Warning,
    "the change grants an account new access",
    "docs/PC502-new-account-access.md",
    Some("5.0")
);
diff_rule!(
    NEW_SERVICE_ACCESS,
    "PC503",
    "new-service-access",
    Note,
    "the change grants an AWS service principal new access",
    "docs/PC503-new-service-access.md",
    Some("3.0")
);
diff_rule!(
    NEW_ACCESS_UNKNOWN,
    "PC504",
    "new-access-unknown",
    Error,
    "whether the change grants outsiders new access could not be decided",
    "docs/PC504-new-access-unknown.md",
    Some("7.0")
);

pub static RULES: &[RuleMeta] = &[
    NEW_PUBLIC_ACCESS,
    NEW_ACCOUNT_ACCESS,
    NEW_SERVICE_ACCESS,
    NEW_ACCESS_UNKNOWN,
];
