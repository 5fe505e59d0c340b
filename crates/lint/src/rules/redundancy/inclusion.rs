//! Language inclusion between two IAM glob automata (`policycheck_core::solve::Glob`):
//! does every string matching `q` also match `p`? A breadth-first search over the
//! product of both automata's state sets that stops at the first string matching `q`
//! and not `p`, and prunes branches where `p` already accepts every continuation.
//! The step semantics are those of `policycheck_core::solve`.

use policycheck_core::solve::{Glob, Unit};
use std::collections::{HashSet, VecDeque};

/// Upper bound on product states explored; beyond it the answer is "not proven".
const MAX_STATES: usize = 20_000;

type States = Vec<u64>;

fn has(s: &States, i: usize) -> bool {
    s.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
}

fn set(s: &mut States, i: usize) {
    if let Some(w) = s.get_mut(i / 64) {
        *w |= 1 << (i % 64);
    }
}

fn closure(g: &Glob, s: &mut States) {
    for i in 0..g.units.len() {
        if has(s, i) && matches!(g.units.get(i), Some(Unit::Star { .. })) {
            set(s, i + 1);
        }
    }
}

fn start(g: &Glob) -> States {
    let mut s = vec![0; g.units.len() / 64 + 1];
    set(&mut s, 0);
    closure(g, &mut s);
    s
}

fn step(g: &Glob, s: &States, c: char) -> States {
    let mut out = vec![0; s.len()];
    for (i, u) in g.units.iter().enumerate() {
        if !has(s, i) {
            continue;
        }
        let next = match u {
            Unit::Lit(x) => *x == c,
            Unit::LitCi(x) => c.to_lowercase().eq(std::iter::once(*x)),
            Unit::Any { excl } => *excl != Some(c),
            Unit::Digit => c.is_ascii_digit(),
            Unit::Star { excl } => {
                if *excl != Some(c) {
                    set(&mut out, i);
                }
                false
            }
        };
        if next {
            set(&mut out, i + 1);
        }
    }
    closure(g, &mut out);
    out
}

fn accepts(g: &Glob, s: &States) -> bool {
    has(s, g.units.len())
}

fn is_empty(s: &States) -> bool {
    s.iter().all(|w| *w == 0)
}

/// The characters that can make a difference, plus one that appears nowhere (it stands
/// for every other character) and a digit when a `Digit` unit exists.
fn alphabet(globs: [&Glob; 2]) -> Vec<char> {
    let mut chars: HashSet<char> = HashSet::new();
    let mut digit = false;
    for g in globs {
        for u in &g.units {
            match u {
                Unit::Lit(c) => {
                    chars.insert(*c);
                }
                Unit::LitCi(c) => {
                    chars.insert(*c);
                    chars.extend(c.to_uppercase());
                }
                Unit::Any { excl: Some(c) } | Unit::Star { excl: Some(c) } => {
                    chars.insert(*c);
                }
                Unit::Digit => digit = true,
                _ => {}
            }
        }
    }
    if let Some(fresh) = "xyzqjkwvXYZ_~".chars().find(|c| !chars.contains(c)) {
        chars.insert(fresh);
    }
    if digit {
        if let Some(d) = "7539182640".chars().find(|c| !chars.contains(c)) {
            chars.insert(d);
        }
    }
    let mut out: Vec<char> = chars.into_iter().collect();
    out.sort_unstable();
    out
}

/// Whether every string `q` matches, `p` matches too. `false` when the search would
/// exceed its budget (the caller then claims nothing).
pub(crate) fn included(q: &Glob, p: &Glob) -> bool {
    // From state `i` on, `p` accepts anything: only unrestricted stars remain (and at
    // least one: the accepting state itself accepts only the empty continuation).
    let n = p.units.len();
    let mut universal = vec![false; n + 1];
    for i in (0..n).rev() {
        let rest = i + 1 == n || universal.get(i + 1).copied().unwrap_or(false);
        if let Some(u) = universal.get_mut(i) {
            *u = rest && matches!(p.units.get(i), Some(Unit::Star { excl: None }));
        }
    }
    let p_universal =
        |s: &States| (0..=n).any(|i| has(s, i) && universal.get(i).copied().unwrap_or(false));

    let sigma = alphabet([q, p]);
    let init = (start(q), start(p));
    let mut seen: HashSet<(States, States)> = HashSet::new();
    let mut queue: VecDeque<(States, States)> = VecDeque::new();
    seen.insert(init.clone());
    queue.push_back(init);
    while let Some((sq, sp)) = queue.pop_front() {
        if accepts(q, &sq) && !accepts(p, &sp) {
            return false;
        }
        if is_empty(&sq) || p_universal(&sp) {
            continue;
        }
        for &c in &sigma {
            let next = (step(q, &sq, c), step(p, &sp, c));
            if is_empty(&next.0) || seen.contains(&next) {
                continue;
            }
            if seen.len() >= MAX_STATES {
                return false;
            }
            seen.insert(next.clone());
            queue.push_back(next);
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::included;
    use policycheck_core::pattern::{ArnPattern, Pattern, Syntax};
    use policycheck_core::solve::Glob;

    const SYNTAX: Syntax = Syntax {
        wildcards: true,
        variables: false,
    };

    fn glob(s: &str) -> Glob {
        Glob::from_pattern(&Pattern::new(s, SYNTAX), false)
    }

    fn arn(s: &str) -> Glob {
        Glob::from_arn(&ArnPattern::new(s, SYNTAX))
    }

    #[test]
    fn plain_globs() {
        assert!(included(&glob("s3:getobject"), &glob("s3:get*")));
        assert!(included(&glob("s3:get*"), &glob("s3:*")));
        assert!(included(&glob("s3:get*"), &glob("*")));
        assert!(!included(&glob("s3:*"), &glob("s3:get*")));
        assert!(included(&glob("a?c"), &glob("a*")));
        assert!(!included(&glob("a*"), &glob("a?*c")));
        assert!(included(&glob("a*b*c"), &glob("a*c")));
        assert!(!included(&glob("a*c"), &glob("a*b*c")));
        assert!(included(&glob("*1b2*"), &glob("*b2*")));
        assert!(included(&glob("ab"), &glob("ab")));
        assert!(!included(&glob("ab"), &glob("abc")));
        assert!(included(&glob("??"), &glob("*?")));
    }

    #[test]
    fn arns_respect_component_boundaries() {
        assert!(included(
            &arn("arn:aws:s3:::b/logs/*"),
            &arn("arn:aws:s3:::b/*")
        ));
        assert!(included(&arn("arn:aws:s3:::b"), &arn("arn:aws:s3:::b*")));
        assert!(!included(&arn("arn:aws:s3:::b*"), &arn("arn:aws:s3:::b/*")));
        assert!(included(&arn("arn:aws:s3:::b/*"), &arn("*")));
        assert!(included(&arn("arn:aws:s3:::b/*"), &arn("arn:aws:s3:::*")));
        assert!(!included(
            &arn("arn:aws:s3:us-east-1:111122223333:accesspoint/x"),
            &arn("arn:aws:s3:::*")
        ));
    }

    #[test]
    fn agrees_with_the_core_solver() {
        let pats = [
            "*", "a*", "*a", "a?", "?a", "a*b", "a?b", "ab", "a", "", "*a*", "a*a", "??", "?*",
            "a*b*a", "ab*", "*ab", "b*a", "a**b", "?b?",
        ];
        for q in pats {
            for p in pats {
                let (gq, gp) = (glob(q), glob(p));
                let r = policycheck_core::solve::string_reps(
                    &[],
                    std::slice::from_ref(&gq),
                    std::slice::from_ref(&gp),
                );
                assert!(r.complete);
                assert_eq!(included(&gq, &gp), r.values.is_empty(), "{q} ⊆ {p}");
            }
        }
        let arns = [
            "*",
            "arn:*",
            "arn:aws:s3:::*",
            "arn:aws:s3:::b",
            "arn:aws:s3:::b*",
            "arn:aws:s3:::b/*",
            "arn:aws:s3:::b/a*",
            "arn:aws:s3:*:*:accesspoint/*",
            "arn:aws:s3:us-east-1:1:accesspoint/x",
            "arn:aws:s3:::*/*",
            "arn:aws:s3:::b?",
        ];
        for q in arns {
            for p in arns {
                let (gq, gp) = (arn(q), arn(p));
                let r = policycheck_core::solve::string_reps(
                    &[],
                    std::slice::from_ref(&gq),
                    std::slice::from_ref(&gp),
                );
                assert!(r.complete);
                assert_eq!(included(&gq, &gp), r.values.is_empty(), "{q} ⊆ {p}");
            }
        }
    }
}
