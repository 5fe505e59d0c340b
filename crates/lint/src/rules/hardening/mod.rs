//! PC2xx: over-broad grants and hardening. Each rule lives in its own file, with its
//! documentation in `docs/<CODE>-<name>.md`.

use crate::registry::RuleMeta;
use crate::rules::correctness::is_allow;
use policycheck_core::model::{PrincipalEntry, PrincipalValue};
use policycheck_core::{Policy, Statement};

pub mod account_wide_grant;
pub mod allow_not_action;
pub mod allow_not_principal;
pub mod allow_not_resource;
pub mod bucket_name_wildcard;
pub mod deny_aws_star_principal;
pub mod identity_key_not_fixed;
pub mod legacy_origin_access_identity;
pub mod missing_secure_transport_deny;
pub mod org_paths_without_org_id;
pub mod public_acl_upload;
pub mod service_principal_without_source;

pub static RULES: &[RuleMeta] = &[
    allow_not_principal::RULE,
    allow_not_action::RULE,
    allow_not_resource::RULE,
    missing_secure_transport_deny::RULE,
    account_wide_grant::RULE,
    bucket_name_wildcard::RULE,
    service_principal_without_source::RULE,
    org_paths_without_org_id::RULE,
    identity_key_not_fixed::RULE,
    legacy_origin_access_identity::RULE,
    deny_aws_star_principal::RULE,
    public_acl_upload::RULE,
];

/// The entries of an `Allow` statement's `Principal` map (not `NotPrincipal`, not `"*"`):
/// what the rules about named grantees look at.
pub(crate) fn allowed_principal_entries(st: &Statement) -> Option<&[PrincipalEntry]> {
    if !is_allow(st) {
        return None;
    }
    let principal = st.principal.as_ref().filter(|p| !p.negated)?;
    match &principal.value {
        PrincipalValue::Map(entries) => Some(entries),
        PrincipalValue::Anyone => None,
    }
}

/// Every entry of every `Allow` statement's `Principal` map, with its statement (see
/// [`allowed_principal_entries`]).
pub(crate) fn allowed_entries(
    policy: &Policy,
) -> impl Iterator<Item = (&Statement, &PrincipalEntry)> {
    policy.statements.iter().flat_map(|st| {
        allowed_principal_entries(st)
            .unwrap_or_default()
            .iter()
            .map(move |e| (st, e))
    })
}
