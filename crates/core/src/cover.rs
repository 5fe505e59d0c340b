//! Syntactic coverage between statements, for the new-access analysis (the diff).
//!
//! When every Deny of the baseline is also in the new policy, an Allow of the new policy
//! that some baseline Allow *covers* (matches every request it matches) cannot grant new
//! access: a request the new policy allows through it escapes every new Deny, so every
//! old Deny, and the covering Allow matches it, so the baseline allows it too. The search
//! skips such Allows; in a review diff that is almost every statement, the unchanged ones.
//!
//! Coverage here is deliberately simple and sound: same or wider principal (the same
//! entries or more, or `"*"`), every action and resource of the new statement matched by
//! one of the old one's, and the old statement's conditions a subset of the new one's.

use crate::condition::Condition;
use crate::model::{
    ActionElement, ActionItem, Effect, Policy, PrincipalElement, PrincipalValue, ResourceElement,
    ResourceItem, Statement,
};
use crate::pattern::NoVars;

/// What the baseline already covers, statement by statement.
#[derive(Clone, Debug, Default)]
pub struct Coverage {
    /// For each statement of the new policy: an Allow that some baseline Allows cover.
    pub allow_covered: Vec<bool>,
    /// For each statement of the baseline: a Deny the new Denys still deny all of (or an
    /// Allow, which needs nothing).
    pub deny_kept: Vec<bool>,
}

impl Coverage {
    /// Whether the new policy's statement `i` cannot grant new access when the only
    /// baseline statements that matter are those `relevant` keeps (e.g. the ones that
    /// can match the action at hand).
    pub fn covered(&self, i: usize, relevant: impl Fn(usize) -> bool) -> bool {
        self.allow_covered.get(i).copied().unwrap_or(false) && self.denies_kept(relevant)
    }

    /// Whether every baseline Deny that `relevant` keeps is still denied by the new Denys.
    pub fn denies_kept(&self, relevant: impl Fn(usize) -> bool) -> bool {
        self.deny_kept
            .iter()
            .enumerate()
            .all(|(j, kept)| *kept || !relevant(j))
    }
}

/// The coverage of `new` by `old` (see the module docs); nothing is covered when the
/// two differ in kind or in whether policy variables are enabled.
pub fn coverage(new: &Policy, old: &Policy) -> Coverage {
    if new.kind != old.kind || new.variables_enabled() != old.variables_enabled() {
        return Coverage {
            allow_covered: vec![false; new.statements.len()],
            deny_kept: vec![false; old.statements.len()],
        };
    }
    let usable = |s: &&Statement| s.is_whole();
    let new_denies: Vec<&Statement> = new
        .statements
        .iter()
        .filter(|s| effect(s) == Some(Effect::Deny))
        .filter(usable)
        .collect();
    let deny_kept = old
        .statements
        .iter()
        .map(|od| match effect(od) {
            Some(Effect::Allow) => true,
            Some(Effect::Deny) => {
                od.is_whole()
                    && (new_denies.iter().any(|nd| covers(nd, od))
                        || pieces_covered(od, &new_denies))
            }
            None => false,
        })
        .collect();
    let old_allows: Vec<&Statement> = old
        .statements
        .iter()
        .filter(|s| effect(s) == Some(Effect::Allow))
        .filter(usable)
        .collect();
    let allow_covered = new
        .statements
        .iter()
        .map(|s| {
            effect(s) == Some(Effect::Allow)
                && s.is_whole()
                && (old_allows.iter().any(|o| covers(o, s)) || pieces_covered(s, &old_allows))
        })
        .collect();
    Coverage {
        allow_covered,
        deny_kept,
    }
}

/// Whether each (action, resource) pair of `s` is covered by one of `by` (same or wider
/// principal, that action and resource, a subset of `s`'s conditions): a request `s`
/// matches falls in one pair, so one of `by` matches it too. For Denys this says the new
/// Denys deny all `s` denies; for Allows, that the old Allows allow all `s` allows.
fn pieces_covered(s: &Statement, by: &[&Statement]) -> bool {
    let Some((sp, sa, sr)) = plain_parts(s) else {
        return false;
    };
    sa.items.iter().all(|ai| {
        sr.items.iter().all(|ri| {
            by.iter()
                .any(|b| piece_covered(b, s, sp, ri, |ba| action_covered(ba, ai)))
        })
    })
}

/// Whether the old Allows cover every request `s` (an Allow of the new policy) matches
/// whose action is one of `actions` (lower-case full names): for each of those actions
/// `s` names and each of its resources, one old Allow with the same or a wider
/// principal, that action, that resource and a subset of `s`'s conditions. The
/// per-action form of [`Coverage::allow_covered`]: a statement that gained a write
/// action still counts as covered when the question is read access. Like it, it says
/// nothing about Denys ([`Coverage::covered`] checks those).
pub fn allow_covered_for(s: &Statement, old: &Policy, actions: &[&str]) -> bool {
    if effect(s) != Some(Effect::Allow) {
        return false;
    }
    let Some((sp, sa, sr)) = plain_parts(s) else {
        return false;
    };
    let old_allows: Vec<&Statement> = old
        .statements
        .iter()
        .filter(|o| effect(o) == Some(Effect::Allow) && o.is_whole())
        .collect();
    let names = |e: &ActionElement, a: &str| e.items.iter().any(|i| i.pattern.matches_plain(a));
    actions.iter().filter(|a| names(sa, a)).all(|a| {
        sr.items.iter().all(|ri| {
            old_allows
                .iter()
                .any(|b| piece_covered(b, s, sp, ri, |ba| names(ba, a)))
        })
    })
}

/// A statement's principal, action and resource when it is unbroken and names its
/// actions and resources positively (the only form covered piece by piece).
fn plain_parts(s: &Statement) -> Option<(&PrincipalElement, &ActionElement, &ResourceElement)> {
    let (Some(sp), Some(sa), Some(sr)) = (&s.principal, &s.action, &s.resource) else {
        return None;
    };
    (s.is_whole() && !sa.negated && !sr.negated).then_some((sp, sa, sr))
}

/// Whether `b` matches every request `s` (principal `sp`) matches on resource item `ri`
/// with an action `action_ok` says `b`'s `Action` covers: the same or a wider principal,
/// that resource, and a subset of `s`'s conditions.
fn piece_covered(
    b: &Statement,
    s: &Statement,
    sp: &PrincipalElement,
    ri: &ResourceItem,
    action_ok: impl Fn(&ActionElement) -> bool,
) -> bool {
    let (Some(bp), Some(ba), Some(br)) = (&b.principal, &b.action, &b.resource) else {
        return false;
    };
    !ba.negated
        && !br.negated
        && principal_covers(bp, sp)
        && action_ok(ba)
        && resource_covered(br, ri)
        && conditions_subset(b, s)
}

fn effect(s: &Statement) -> Option<Effect> {
    s.effect.as_ref().map(|e| e.value)
}

fn sorted(items: impl Iterator<Item = String>) -> String {
    let mut v: Vec<String> = items.collect();
    crate::collections::sort_dedup(&mut v);
    v.join(",")
}

/// Whether two conditions are the same (operator as written, key, set of values): a
/// mis-cased operator counts only against the same spelling.
pub fn same_condition(c: &Condition, d: &Condition) -> bool {
    let within = |x: &Condition, y: &Condition| {
        x.values
            .iter()
            .all(|v| y.values.iter().any(|w| w.text.value == v.text.value))
    };
    c.operator.value == d.operator.value && c.key_lc == d.key_lc && within(c, d) && within(d, c)
}

/// Whether every condition of `a` is also one of `b`'s: conditions are ANDed, so then
/// `a`'s hold whenever `b`'s do (`a` without conditions always qualifies).
pub fn conditions_subset(a: &Statement, b: &Statement) -> bool {
    let Some(ours) = &a.condition else {
        return true;
    };
    let theirs: &[Condition] = b.condition.as_ref().map_or(&[], |c| &c.conditions);
    ours.conditions
        .iter()
        .all(|c| theirs.iter().any(|d| same_condition(c, d)))
}

/// Whether `old` matches every request `new` matches (both Allows, nothing broken).
fn covers(old: &Statement, new: &Statement) -> bool {
    let (Some(op), Some(np)) = (&old.principal, &new.principal) else {
        return false;
    };
    let (Some(oa), Some(na)) = (&old.action, &new.action) else {
        return false;
    };
    let (Some(or), Some(nr)) = (&old.resource, &new.resource) else {
        return false;
    };
    if !principal_covers(op, np) || !actions_cover(oa, na) || !resources_cover(or, nr) {
        return false;
    }
    conditions_subset(old, new)
}

fn principal_covers(old: &PrincipalElement, new: &PrincipalElement) -> bool {
    match (old.negated, new.negated, &old.value, &new.value) {
        (false, false, PrincipalValue::Anyone, _) => true,
        (false, false, PrincipalValue::Map(o), PrincipalValue::Map(n)) => n.iter().all(|e| {
            o.iter()
                .any(|x| x.ty == e.ty && x.text.value == e.text.value)
        }),
        (true, true, PrincipalValue::Map(o), PrincipalValue::Map(n)) => {
            // NotPrincipal: the same exclusions exactly.
            let key = |v: &[crate::model::PrincipalEntry]| {
                sorted(
                    v.iter()
                        .map(|e| format!("{}={}", e.ty.as_str(), e.text.value)),
                )
            };
            key(o) == key(n)
        }
        _ => false,
    }
}

fn actions_cover(old: &ActionElement, new: &ActionElement) -> bool {
    let lc = |e: &ActionElement| sorted(e.items.iter().map(|i| i.text.value.to_ascii_lowercase()));
    if old.negated || new.negated {
        return old.negated == new.negated && lc(old) == lc(new);
    }
    new.items.iter().all(|n| action_covered(old, n))
}

/// Whether a (non-negated) `Action` element matches every action `item` names.
fn action_covered(old: &ActionElement, item: &ActionItem) -> bool {
    let text = item.text.value.to_ascii_lowercase();
    old.items.iter().any(|o| {
        o.text.value.eq_ignore_ascii_case(&text)
            || (!item.pattern.has_wildcards() && o.pattern.matches_plain(&text))
    })
}

fn resources_cover(old: &ResourceElement, new: &ResourceElement) -> bool {
    let texts = |e: &ResourceElement| sorted(e.items.iter().map(|i| i.text.value.clone()));
    if old.negated || new.negated {
        return old.negated == new.negated && texts(old) == texts(new);
    }
    new.items.iter().all(|n| resource_covered(old, n))
}

/// Whether a (non-negated) `Resource` element matches every ARN `item` names.
fn resource_covered(old: &ResourceElement, item: &ResourceItem) -> bool {
    // A plain ARN (no wildcard, no variable) is checked against the old patterns.
    let literal = !item.text.value.contains(['*', '?', '$']);
    old.items.iter().any(|o| {
        o.text.value == item.text.value
            || (literal
                && !o.pattern.has_vars()
                && o.pattern.matches(&item.text.value, &NoVars) == Ok(true))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_policy;

    fn pol(statements: &str) -> Policy {
        let text = format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#);
        let out = parse_policy(&text);
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        out.policy.unwrap_or_else(|| panic!("{text}"))
    }

    const READ: &str = r#"{"Sid": "Read", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/R"},
        "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
        "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}}"#;
    const DENY: &str = r#"{"Effect": "Deny", "Principal": "*", "Action": ["s3:PutObject", "s3:DeleteObject"],
        "Resource": "arn:aws:s3:::b/*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}"#;

    #[test]
    fn unchanged_reordered_and_split_statements_are_covered() {
        let old = pol(&format!("{READ}, {DENY}"));
        let cov = coverage(&pol(&format!("{DENY}, {READ}")), &old);
        assert_eq!(cov.allow_covered, [false, true]);
        assert!(cov.deny_kept.iter().all(|k| *k));
        // Actions and resources split over statements, the Deny split too.
        let split = r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/R"},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/private/x",
            "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}, "Bool": {"aws:SecureTransport": "true"}}},
          {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
          {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}"#;
        let cov = coverage(&pol(split), &old);
        assert_eq!(cov.allow_covered, [true, false, false]);
        assert!(cov.deny_kept.iter().all(|k| *k));
        // And the other way round: the old Allow's pieces are covered by the split ones.
        let pieces = r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/R"},
            "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]},
          {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/R"},
            "Action": "s3:ListBucket", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]}"#;
        let cov = coverage(&old, &pol(pieces));
        assert_eq!(cov.allow_covered, [true, false]);
    }

    #[test]
    fn wider_statements_and_weaker_denies_are_not_covered() {
        let old = pol(&format!("{READ}, {DENY}"));
        let widened = [
            // The condition dropped.
            READ.split(",\n        \"Condition\"")
                .next()
                .unwrap_or_default()
                .to_string()
                + "}",
            // The principal widened.
            READ.replace(r#"{"AWS": "arn:aws:iam::111122223333:role/R"}"#, r#""*""#),
            // A wildcard action where the old one named two.
            READ.replace(r#"["s3:GetObject", "s3:ListBucket"]"#, r#""s3:Get*""#),
            // Another bucket.
            READ.replace("arn:aws:s3:::b/*", "arn:aws:s3:::c/*"),
        ];
        for w in &widened {
            assert_ne!(w, READ);
            let cov = coverage(&pol(&format!("{w}, {DENY}")), &old);
            assert_eq!(cov.allow_covered, [false, false], "{w}");
        }
        // The Deny narrowed to one action: the other is no longer denied.
        let narrowed = DENY.replace(
            r#"["s3:PutObject", "s3:DeleteObject"]"#,
            r#""s3:PutObject""#,
        );
        let cov = coverage(&pol(&format!("{READ}, {narrowed}")), &old);
        assert_eq!(cov.deny_kept, [true, false]);
        assert!(!cov.covered(0, |_| true));
        // ...which matters only where that Deny can match.
        assert!(cov.covered(0, |j| j != 1));
    }

    #[test]
    fn a_statement_that_gained_an_action_is_covered_for_the_others() {
        let old = pol(READ);
        let wider = r#"{"Sid": "Read", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/R"},
            "Action": ["s3:GetObject", "s3:ListBucket", "s3:PutObjectAcl"], "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
            "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}}"#;
        let new = pol(wider);
        let s = &new.statements[0];
        assert_eq!(coverage(&new, &old).allow_covered, [false]);
        assert!(allow_covered_for(s, &old, &["s3:getobject"]));
        assert!(allow_covered_for(
            s,
            &old,
            &["s3:getobject", "s3:listbucket"]
        ));
        assert!(!allow_covered_for(s, &old, &["s3:putobjectacl"]));
        assert!(!allow_covered_for(
            s,
            &old,
            &["s3:getobject", "s3:putobjectacl"]
        ));
        // An action the statement does not name needs no cover.
        assert!(allow_covered_for(s, &old, &["s3:deleteobject"]));
        // Dropping the condition makes it wider for every action.
        let open = pol(&wider.replace(
            r#",
            "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}"#,
            "",
        ));
        assert!(!allow_covered_for(
            &open.statements[0],
            &old,
            &["s3:getobject"]
        ));
        // NotAction is never covered piecewise.
        let not_action = pol(&wider.replace(r#""Action""#, r#""NotAction""#));
        assert!(!allow_covered_for(
            &not_action.statements[0],
            &old,
            &["s3:getobject"]
        ));
    }
}
