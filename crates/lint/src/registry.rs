//! The rule registry: one list, sorted by code, that feeds `policycheck rules`,
//! `policycheck explain`, the SARIF rule metadata and the web page's help.
//!
//! Codes are `PC` + 3 digits, grouped by hundreds and never reused:
//! PC0xx document and grammar (reported by the parser), PC1xx public access,
//! PC2xx over-broad grants and hardening, PC3xx correctness, PC4xx style.

use crate::context::LintContext;
use policycheck_core::{Code, Diagnostic};

/// A rule's documentation: the text of its Markdown file (`rules/docs/<CODE>-<name>.md`,
/// the path relative to the file that uses the macro) with the `docs` feature, which is
/// on by default and feeds `policycheck explain`, `rules` and the SARIF help; without it
/// (the web page's WASM build) an empty string, which keeps ~90 KB of Markdown out of
/// the binary. The page links to the rule's URL instead.
#[cfg(feature = "docs")]
macro_rules! rule_docs {
    ($path:literal) => {
        include_str!($path)
    };
}
#[cfg(not(feature = "docs"))]
macro_rules! rule_docs {
    ($path:literal) => {
        ""
    };
}
pub(crate) use rule_docs;

/// A rule's one-line summary (`policycheck rules`, SARIF `shortDescription`), kept out
/// of the page's WASM build like [`rule_docs`]: nothing there reads it (findings carry
/// their own messages).
#[cfg(feature = "docs")]
macro_rules! rule_summary {
    ($text:literal) => {
        $text
    };
}
#[cfg(not(feature = "docs"))]
macro_rules! rule_summary {
    ($text:literal) => {
        ""
    };
}
pub(crate) use rule_summary;

/// A rule's check: appends findings for one policy.
pub type CheckFn = fn(&LintContext<'_>, &mut Vec<Diagnostic>);

/// Everything known about a rule.
#[derive(Clone, Copy, Debug)]
pub struct RuleMeta {
    /// Code, name, default severity and one-line summary.
    pub code: Code,
    /// The version that introduced the rule.
    pub since: &'static str,
    /// The rule's documentation (Markdown): what it does, why, example, fix.
    pub docs: &'static str,
    /// Tags for SARIF (`security`, `correctness`, …).
    pub tags: &'static [&'static str],
    /// GitHub code-scanning severity ("0.1"–"10.0") for security rules.
    pub security_severity: Option<&'static str>,
    /// `None` when the parser in `policycheck-core` reports it.
    pub check: Option<CheckFn>,
}

impl RuleMeta {
    pub fn code(&self) -> &'static str {
        self.code.code
    }

    pub fn name(&self) -> &'static str {
        self.code.name
    }

    /// Where the rule's documentation is published.
    pub fn url(&self) -> String {
        format!("https://policycheck.dev/rules/{}", self.code.code)
    }
}

/// Every rule, sorted by code.
pub fn rules() -> &'static [RuleMeta] {
    crate::rules::ALL.as_slice()
}

/// Find a rule by code (`PC101`) or name (`public-read`), case-insensitively.
pub fn find(code_or_name: &str) -> Option<&'static RuleMeta> {
    // Reports look up the exact code of every finding: try that first (the list is
    // sorted by code, as a test checks).
    let all = rules();
    all.binary_search_by(|r| r.code().cmp(code_or_name))
        .ok()
        .and_then(|i| all.get(i))
        .or_else(|| {
            rules().iter().find(|r| {
                r.code().eq_ignore_ascii_case(code_or_name)
                    || r.name().eq_ignore_ascii_case(code_or_name)
            })
        })
}

/// Whether `selector` (a code, a name, or a code prefix such as `PC1` or `PC`) selects `rule`.
pub fn selects(selector: &str, rule: &RuleMeta) -> bool {
    let s = selector.trim();
    if s.is_empty() {
        return false;
    }
    rule.name().eq_ignore_ascii_case(s)
        || rule
            .code()
            .get(..s.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(s))
}

/// Whether a selector matches any rule at all (for "unknown rule" errors).
pub fn is_known_selector(selector: &str) -> bool {
    rules().iter().any(|r| selects(selector, r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_well_formed() {
        let all = rules();
        assert!(all.len() >= 30, "{} rules", all.len());
        for w in all.windows(2) {
            assert!(
                w[0].code() < w[1].code(),
                "{} before {}",
                w[0].code(),
                w[1].code()
            );
        }
        let mut names: Vec<_> = all.iter().map(|r| r.name()).collect();
        policycheck_core::collections::sort_dedup(&mut names);
        assert_eq!(names.len(), all.len(), "duplicate rule names");
        for r in all {
            let c = r.code();
            assert!(
                c.len() == 5 && c.starts_with("PC") && c[2..].bytes().all(|b| b.is_ascii_digit()),
                "{c}"
            );
            assert!(
                r.name()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}",
                r.name()
            );
        }
    }

    #[test]
    #[cfg(not(feature = "docs"))]
    fn without_the_docs_feature_the_docs_are_left_out() {
        assert!(rules().iter().all(|r| r.docs.is_empty()));
    }

    #[test]
    #[cfg(feature = "docs")]
    fn every_rule_has_complete_docs() {
        for r in rules() {
            for heading in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## How to fix",
            ] {
                assert!(
                    r.docs.contains(heading),
                    "{} ({}) docs lack `{heading}`",
                    r.code(),
                    r.name()
                );
            }
            assert!(
                r.docs
                    .starts_with(&format!("# {} `{}`", r.code(), r.name())),
                "{} docs must start with its title",
                r.code()
            );
        }
    }

    #[test]
    fn every_core_code_is_registered() {
        for c in policycheck_core::codes::ALL {
            let r = find(c.code).unwrap_or_else(|| panic!("{} is not in the registry", c.code));
            assert_eq!(r.name(), c.name);
            assert!(r.check.is_none());
        }
    }

    #[test]
    fn every_rule_is_found_by_code_and_name_in_any_case() {
        for r in rules() {
            for key in [
                r.code().to_string(),
                r.code().to_ascii_lowercase(),
                r.name().to_string(),
                r.name().to_ascii_uppercase(),
            ] {
                assert!(find(&key).is_some_and(|f| std::ptr::eq(f, r)), "{key}");
            }
        }
        assert!(find("PC999").is_none());
        assert!(find("").is_none());
    }

    #[test]
    fn selectors_take_codes_names_and_prefixes() {
        let r = find("public-read").unwrap();
        assert!(selects("PC101", r));
        assert!(selects("pc1", r));
        assert!(selects("PC", r));
        assert!(selects("public-read", r));
        assert!(!selects("PC2", r));
        assert!(!selects("", r));
        assert!(is_known_selector("PC3"));
        assert!(!is_known_selector("PC9"));
    }
}
