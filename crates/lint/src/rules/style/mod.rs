//! PC4xx: style. Nothing here changes what a policy allows today; each rule flags a
//! spelling that is legal but non-standard, misleading or fragile.

use crate::registry::RuleMeta;

pub mod ambiguous_epoch_date;
pub mod bool_value_case;
pub mod cidr_host_bits;
pub mod empty_condition;
pub mod missing_version;
pub mod non_alphanumeric_sid;
pub mod not_principal_missing_account;
pub mod principal_unique_id;

pub static RULES: &[RuleMeta] = &[
    missing_version::RULE,
    non_alphanumeric_sid::RULE,
    principal_unique_id::RULE,
    not_principal_missing_account::RULE,
    cidr_host_bits::RULE,
    bool_value_case::RULE,
    ambiguous_epoch_date::RULE,
    empty_condition::RULE,
];
