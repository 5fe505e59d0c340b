//! PC32x: statements that add nothing. A statement is redundant when another statement
//! of the same effect already covers every request it applies to (PC320), and an Allow
//! is dead when an unconditional Deny covers it (PC321).
//!
//! The checks here are *sound under-approximations* of "covers": they only say "A covers
//! B" when every request B applies to provably makes A apply too. Principals are compared
//! entry by entry (`"*"` and `{"AWS": "*"}` cover more), actions and resources by
//! language inclusion of their wildcard patterns (`policycheck_core::solve`), conditions
//! as sets of (operator, key, values) triples. Anything else (NotPrincipal, NotAction,
//! NotResource, statements with grammar errors) is never called covered.

use crate::registry::RuleMeta;
use policycheck_core::model::{
    ActionElement, ActionItem, PrincipalElement, PrincipalEntry, PrincipalId, PrincipalType,
    PrincipalValue, ResourceElement, ResourceItem,
};
use policycheck_core::pattern::{NoVars, Tok};
use policycheck_core::solve::{Glob, Unit};
use policycheck_core::text::StrFind;
use policycheck_core::Statement;

mod inclusion;
pub mod redundant_statement;
pub mod shadowed_allow;

pub static RULES: &[RuleMeta] = &[redundant_statement::RULE, shadowed_allow::RULE];

/// The literal characters a glob starts with (`from_end`: ends with), up to its first wildcard.
fn literal_run(g: &Glob, from_end: bool) -> Vec<char> {
    let lit = |u: &Unit| match u {
        Unit::Lit(c) => Some(*c),
        _ => None,
    };
    let mut out: Vec<char> = if from_end {
        g.units.iter().rev().map_while(lit).collect()
    } else {
        g.units.iter().map_while(lit).collect()
    };
    if from_end {
        out.reverse();
    }
    out
}

/// Whether every string matching `q` also matches `p` (both with at least one wildcard
/// in `q`). Cheap necessary conditions first, then a complete search for a string that
/// matches `q` and not `p`; an incomplete search counts as "not covered".
fn glob_covers(q: &Glob, p: &Glob, budget: &mut usize) -> bool {
    if p.units.len() == 1 && p.units.first() == Some(&Unit::Star { excl: None }) {
        return true;
    }
    if p.units.iter().all(|u| matches!(u, Unit::Lit(_))) {
        // One string cannot hold a pattern with a wildcard.
        return false;
    }
    // Every string of `q` starts (ends) with `q`'s literal run, and right after it `q`
    // can produce other characters: so `p`'s run must be a prefix (suffix) of it.
    let (qp, pp) = (literal_run(q, false), literal_run(p, false));
    let (qs, ps) = (literal_run(q, true), literal_run(p, true));
    if !qp.starts_with(&pp) || !qs.ends_with(&ps) {
        return false;
    }
    // Within the budget shared by this rule run (see `Coverage::budget`).
    policycheck_core::solve::includes_within(q, p, budget)
}

/// Pattern-inclusion answers, memoised for one rule run (policies repeat patterns a lot),
/// keyed by the texts as written (two spellings of one action pattern get two entries
/// with the same answer; no key is copied). A policy asks about a handful of pairs, so
/// a scanned list beats hashing the texts; it is bounded, since an answer left out is
/// only worked out again.
pub(crate) struct Coverage<'a> {
    memo: Vec<((bool, &'a str, &'a str), bool)>,
    /// Search states left for the pattern-inclusion questions of this rule run: a policy
    /// of many long multi-wildcard patterns asks about every pair, and each search may
    /// explore up to `MAX_STATES` states (6.8 s for one 15 KB policy without this bound).
    /// A question it cannot afford is answered "not covered", which reports nothing.
    budget: usize,
}

/// The states [`Coverage`] may explore in all, per rule run: far more than the pairs
/// of any realistic policy take (a handful of states each).
const COVERAGE_BUDGET: usize = 50_000;

impl Default for Coverage<'_> {
    fn default() -> Self {
        Coverage {
            memo: Vec::new(),
            budget: COVERAGE_BUDGET,
        }
    }
}

impl<'a> Coverage<'a> {
    fn known(&self, key: (bool, &str, &str)) -> Option<bool> {
        self.memo.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    fn remember(&mut self, key: (bool, &'a str, &'a str), answer: bool) -> bool {
        if self.memo.len() < 64 {
            self.memo.push((key, answer));
        }
        answer
    }

    fn action_covered(&mut self, q: &'a ActionItem, p: &'a ActionItem) -> bool {
        // Byte equality first (a `memcmp`): the same action is usually spelt the same way,
        // and the case-insensitive loop over a whole equal name costs more.
        if q.text.value == p.text.value || q.text.value.eq_ignore_ascii_case(&p.text.value) {
            return true;
        }
        if let Some(lit) = q.pattern.as_literal() {
            return p.pattern.matches_plain(lit);
        }
        let key = (false, q.text.value.as_str(), p.text.value.as_str());
        if let Some(known) = self.known(key) {
            return known;
        }
        let answer = glob_covers(
            &Glob::from_pattern(&q.pattern, false),
            &Glob::from_pattern(&p.pattern, false),
            &mut self.budget,
        );
        self.remember(key, answer)
    }

    /// A pattern with a policy variable covers only the same text: its glob over-approximates.
    fn resource_covered(&mut self, q: &'a ResourceItem, p: &'a ResourceItem) -> bool {
        if q.text.value == p.text.value {
            return true;
        }
        if p.pattern.has_vars() {
            return false;
        }
        // A literal ARN: without `$` (no `${*}`-style escape) the text is its value, else
        // the literal tokens spell it.
        if q.pattern.is_literal() {
            let text = if q.text.value.has_byte(b'$') {
                let lits = q.pattern.toks().iter().filter_map(|t| match t {
                    Tok::Lit(l) => Some(l.as_str()),
                    _ => None,
                });
                std::borrow::Cow::Owned(lits.collect::<String>())
            } else {
                std::borrow::Cow::Borrowed(q.text.value.as_str())
            };
            return p.pattern.matches(&text, &NoVars).unwrap_or(false);
        }
        let key = (true, q.text.value.as_str(), p.text.value.as_str());
        if let Some(known) = self.known(key) {
            return known;
        }
        let answer = glob_covers(
            &Glob::from_arn(&q.pattern),
            &Glob::from_arn(&p.pattern),
            &mut self.budget,
        );
        self.remember(key, answer)
    }

    /// Whether `a`'s `Action` list matches every action `b`'s does (both plain `Action`).
    pub(crate) fn actions_cover(&mut self, a: &'a ActionElement, b: &'a ActionElement) -> bool {
        if a.negated || b.negated || b.items.is_empty() {
            return false;
        }
        b.items
            .iter()
            .all(|q| a.items.iter().any(|p| self.action_covered(q, p)))
    }

    /// Whether `a`'s `Resource` list matches every resource `b`'s does (both plain `Resource`).
    pub(crate) fn resources_cover(
        &mut self,
        a: &'a ResourceElement,
        b: &'a ResourceElement,
    ) -> bool {
        if a.negated || b.negated || b.items.is_empty() {
            return false;
        }
        b.items
            .iter()
            .all(|q| a.items.iter().any(|p| self.resource_covered(q, p)))
    }

    /// Whether statement `a` applies to every request statement `b` applies to, ignoring effects.
    pub(crate) fn covers(&mut self, a: &'a Statement, b: &'a Statement) -> bool {
        let (Some(pa), Some(pb)) = (parts(a), parts(b)) else {
            return false;
        };
        principal_covers(pa.principal, pb.principal)
            && conditions_implied(a, b)
            && self.actions_cover(pa.action, pb.action)
            && self.resources_cover(pa.resource, pb.resource)
    }
}

/// Whether `a`'s `Principal` matches every caller `b`'s `Principal` matches.
/// `NotPrincipal` on either side is never covered.
pub(crate) fn principal_covers(a: &PrincipalElement, b: &PrincipalElement) -> bool {
    if a.negated || b.negated {
        return false;
    }
    match (&a.value, &b.value) {
        (PrincipalValue::Anyone, _) => true,
        (PrincipalValue::Map(_), PrincipalValue::Anyone) => false,
        (PrincipalValue::Map(outer), PrincipalValue::Map(inner)) => {
            !inner.is_empty() && inner.iter().all(|e| entry_covered(outer, e))
        }
    }
}

fn entry_covered(outer: &[PrincipalEntry], e: &PrincipalEntry) -> bool {
    // Variant tests, not `==` against a value: a derived `eq` call per entry otherwise.
    if matches!(e.id, PrincipalId::Invalid) {
        return false;
    }
    outer.iter().any(|o| {
        (matches!(o.id, PrincipalId::AnyAws) && e.ty == PrincipalType::Aws)
            || (o.ty == e.ty && o.id == e.id)
    })
}

/// A condition as a comparable triple: operator as written, key lower-cased (key names
/// are case-insensitive), the set of value texts (OR/NOR over values ignores order).
/// Whether `a`'s conditions hold whenever `b`'s do: `a` has none, or every (operator,
/// key, values) triple of `a` is also one of `b`'s (conditions are ANDed). A triple with
/// an unknown operator never counts.
pub(crate) fn conditions_implied(a: &Statement, b: &Statement) -> bool {
    let known = a
        .condition
        .iter()
        .flat_map(|c| c.conditions.iter())
        .all(|c| c.op.is_some());
    if !known {
        return false;
    }
    policycheck_core::cover::conditions_subset(a, b)
}

/// The elements of a statement the coverage checks need, when it has no grammar problems.
pub(crate) struct Parts<'a> {
    pub principal: &'a PrincipalElement,
    pub action: &'a ActionElement,
    pub resource: &'a ResourceElement,
}

pub(crate) fn parts(st: &Statement) -> Option<Parts<'_>> {
    if !st.is_whole() {
        return None;
    }
    Some(Parts {
        principal: st.principal.as_ref()?,
        action: st.action.as_ref()?,
        resource: st.resource.as_ref()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use policycheck_core::parse_policy;

    fn two(a: &str, b: &str) -> bool {
        let text = format!(r#"{{"Version": "2012-10-17", "Statement": [{a}, {b}]}}"#);
        let p = parse_policy(&text).policy.unwrap();
        Coverage::default().covers(&p.statements[0], &p.statements[1])
    }

    const BASE: &str = r#"{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#;

    #[test]
    fn wildcards_cover_narrower_patterns() {
        let wide = r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:Get*", "Resource": "arn:aws:s3:::b/*"}"#;
        assert!(two(wide, BASE));
        assert!(!two(BASE, wide));
        let star = r#"{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}"#;
        assert!(two(star, wide));
        let prefix = r#"{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/docs/*"}"#;
        assert!(two(BASE, prefix));
        assert!(!two(prefix, BASE));
    }

    #[test]
    fn actions_compare_case_insensitively() {
        let upper = r#"{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "S3:GETOBJECT", "Resource": "arn:aws:s3:::b/*"}"#;
        assert!(two(upper, BASE));
        assert!(two(BASE, upper));
    }

    #[test]
    fn principals_compare_entries() {
        let root = r#"{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "444455556666"]}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#;
        assert!(two(root, BASE));
        assert!(!two(BASE, root));
        let any_aws = r#"{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#;
        assert!(two(any_aws, BASE));
        let service = r#"{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#;
        assert!(!two(any_aws, service));
        let user = r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/u"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#;
        // An account grant is delegation, not the user: never counted as covering it.
        assert!(!two(BASE, user));
    }

    #[test]
    fn conditions_must_be_implied() {
        let cond = r#"{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}"#;
        let cond2 = r#"{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"Bool": {"AWS:SecureTransport": ["true"]}, "StringEquals": {"aws:SourceVpce": "vpce-1"}}}"#;
        assert!(two(BASE, cond));
        assert!(!two(cond, BASE));
        assert!(two(cond, cond2));
        assert!(!two(cond2, cond));
    }

    #[test]
    fn negated_elements_and_variables_are_never_covered() {
        let not_action = r#"{"Effect": "Allow", "Principal": "*", "NotAction": "s3:PutObject", "Resource": "*"}"#;
        assert!(!two(not_action, BASE));
        assert!(!two(not_action, not_action));
        let var = r#"{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}"#;
        let narrow = r#"{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/alice/x"}"#;
        assert!(!two(var, narrow));
        assert!(two(var, var));
        assert!(two(BASE, var));
    }
}
