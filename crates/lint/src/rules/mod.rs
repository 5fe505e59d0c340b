//! Every rule, one group module per hundred: each group's `RULES` lists its rules;
//! `ALL` joins them, sorted by code. A rule lives in one `.rs` with its check and one
//! `docs/<CODE>-<name>.md` with its documentation.

use crate::registry::RuleMeta;
use std::sync::LazyLock;

pub mod correctness;
pub mod diff;
pub mod grammar;
pub mod hardening;
pub mod public;
pub mod redundancy;
pub mod style;

/// Every rule, sorted by code.
pub static ALL: LazyLock<Vec<RuleMeta>> = LazyLock::new(|| {
    let mut all: Vec<RuleMeta> = [
        grammar::RULES,
        diff::RULES,
        public::RULES,
        hardening::RULES,
        correctness::RULES,
        redundancy::RULES,
        style::RULES,
    ]
    .concat();
    policycheck_core::collections::sort_by_key(&mut all, |r| r.code.code);
    all
});
