//! Language inclusion between two IAM glob automata (`policycheck_core::solve::Glob`):
//! does every string matching `q` also match `p`? The search lives in the core
//! (`solve::includes`); these tests check it on the shapes the redundancy rules use.

#[cfg(test)]
use policycheck_core::solve::Glob;

/// Whether every string `q` matches, `p` matches too (`false` when not proven):
/// the core's inclusion search, [`policycheck_core::solve::includes`].
#[cfg(test)]
pub(crate) fn included(q: &Glob, p: &Glob) -> bool {
    policycheck_core::solve::includes(q, p)
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
